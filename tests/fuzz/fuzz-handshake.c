/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-handshake.h"
#include "arctic-plugin.h"

/* Handshake messages come from any host that can reach the API port: the four parsers (hello,
 * reply, confirm and the leave announcement) see every input. Every failure is
 * ARC_ERROR_INVALID_REQUEST; for what parses, serialising it back must give a message that
 * parses to the same thing. A leave that parses is signed again with the fuzz key (the secret
 * key of RFC 8032, test 1, which also signed corpus/handshake/leave): it must verify under
 * that key exactly when its signature is the one the key makes, Ed25519 being
 * deterministic. */

static const guint8 arc_fuzz_handshake_seed[32] = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
						   0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
						   0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
						   0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};

static ArcIdentity *arc_fuzz_handshake_key = NULL;

static void G_GNUC_NORETURN
arc_fuzz_handshake_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-handshake: %s\n", what);
	abort();
}

static ArcIdentity *
arc_fuzz_handshake_load_key(void)
{
	return arc_identity_new_from_seed(NULL, arc_fuzz_handshake_seed);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		arc_fuzz_handshake_fail("sodium_init() failed");
	arc_fuzz_handshake_key = arc_fuzz_handshake_load_key();
	return 0;
}

static void
arc_fuzz_handshake_check(gconstpointer parsed, GError *error, const gchar *what)
{
	if (parsed == NULL && !g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST)) {
		fprintf(stderr, "fuzz-handshake: %s failed without INVALID_REQUEST\n", what);
		abort();
	}
	if (parsed != NULL && error != NULL) {
		fprintf(stderr, "fuzz-handshake: %s parsed and set an error\n", what);
		abort();
	}
}

static gboolean
arc_fuzz_handshake_peer_equal(const ArcHandshakePeer *a, const ArcHandshakePeer *b)
{
	return g_strcmp0(a->peer_id, b->peer_id) == 0 && g_strcmp0(a->name, b->name) == 0 &&
	       g_strcmp0(a->address, b->address) == 0 &&
	       g_strcmp0(a->public_key, b->public_key) == 0 &&
	       memcmp(a->key, b->key, sizeof(a->key)) == 0 &&
	       g_strcmp0(a->license, b->license) == 0;
}

static void
arc_fuzz_handshake_reparse_hello(ArcHandshakeMessage *msg)
{
	g_autofree gchar *again = arc_handshake_hello_to_json_full(msg->peer, msg->challenge,
								   msg->discovery, msg->join);
	g_autoptr(ArcHandshakeMessage) back = arc_handshake_parse_hello(again, strlen(again), NULL);

	if (back == NULL || !arc_fuzz_handshake_peer_equal(back->peer, msg->peer) ||
	    memcmp(back->challenge, msg->challenge, sizeof(msg->challenge)) != 0 ||
	    (back->join == NULL) != (msg->join == NULL) ||
	    (msg->join != NULL &&
	     (g_strcmp0(back->join->id, msg->join->id) != 0 ||
	      memcmp(back->join->proof, msg->join->proof, sizeof(msg->join->proof)) != 0)))
		arc_fuzz_handshake_fail("a parsed hello does not survive a round trip");
}

static void
arc_fuzz_handshake_reparse_reply(ArcHandshakeMessage *msg)
{
	g_autofree gchar *again = arc_handshake_reply_to_json(msg->session, msg->peer,
							      msg->challenge, msg->signature);
	g_autoptr(ArcHandshakeMessage) back = arc_handshake_parse_reply(again, strlen(again), NULL);

	if (back == NULL || g_strcmp0(back->session, msg->session) != 0 ||
	    !arc_fuzz_handshake_peer_equal(back->peer, msg->peer) ||
	    memcmp(back->challenge, msg->challenge, sizeof(msg->challenge)) != 0 ||
	    memcmp(back->signature, msg->signature, sizeof(msg->signature)) != 0)
		arc_fuzz_handshake_fail("a parsed reply does not survive a round trip");
}

static void
arc_fuzz_handshake_reparse_confirm(ArcHandshakeMessage *msg)
{
	g_autofree gchar *again = arc_handshake_confirm_to_json(msg->session, msg->signature);
	g_autoptr(ArcHandshakeMessage) back =
		arc_handshake_parse_confirm(again, strlen(again), NULL);

	if (back == NULL || g_strcmp0(back->session, msg->session) != 0 ||
	    memcmp(back->signature, msg->signature, sizeof(msg->signature)) != 0)
		arc_fuzz_handshake_fail("a parsed confirm does not survive a round trip");
}

/* the same announcement, signed with the fuzz key, parses back and verifies */
static void
arc_fuzz_handshake_resign_leave(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
				const guint8 *signature)
{
	g_autofree gchar *again =
		arc_handshake_leave_to_json(peer_id, license_id, timestamp, arc_fuzz_handshake_key);
	g_autofree gchar *back_id = NULL;
	g_autofree gchar *back_license = NULL;
	const guint8 *key = arc_identity_get_public_key(arc_fuzz_handshake_key);
	guint8 back_signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gint64 back_timestamp = 0;
	gboolean verifies;

	if (!arc_handshake_parse_leave(again, strlen(again), &back_id, &back_license,
				       &back_timestamp, back_signature, NULL) ||
	    g_strcmp0(back_id, peer_id) != 0 || g_strcmp0(back_license, license_id) != 0 ||
	    back_timestamp != timestamp)
		arc_fuzz_handshake_fail("a parsed leave does not survive a round trip");
	if (!arc_handshake_verify_leave(peer_id, license_id, timestamp, key, back_signature, NULL))
		arc_fuzz_handshake_fail("a leave signed with the fuzz key does not verify");
	verifies = arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, NULL);
	if (verifies != (memcmp(signature, back_signature, sizeof(back_signature)) == 0))
		arc_fuzz_handshake_fail("a leave verifies under a signature the key did not make");
}

static void
arc_fuzz_handshake_leave(const gchar *text, gsize size)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *license_id = NULL;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE] = {0};
	gint64 timestamp = 0;

	if (!arc_handshake_parse_leave(text, size, &peer_id, &license_id, &timestamp, signature,
				       &error)) {
		arc_fuzz_handshake_check(NULL, error, "leave");
		if (peer_id != NULL || license_id != NULL)
			arc_fuzz_handshake_fail("a refused leave returned its fields");
		return;
	}
	if (error != NULL || !arc_id_is_valid(peer_id, "peer_") || license_id == NULL ||
	    license_id[0] == '\0')
		arc_fuzz_handshake_fail("a parsed leave has fields it should have refused");
	arc_fuzz_handshake_resign_leave(peer_id, license_id, timestamp, signature);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const gchar *text = (const gchar *)data;
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;
	g_autoptr(ArcHandshakeMessage) hello = arc_handshake_parse_hello(text, size, &e1);
	g_autoptr(ArcHandshakeMessage) reply = arc_handshake_parse_reply(text, size, &e2);
	g_autoptr(ArcHandshakeMessage) confirm = arc_handshake_parse_confirm(text, size, &e3);

	arc_fuzz_handshake_check(hello, e1, "hello");
	arc_fuzz_handshake_check(reply, e2, "reply");
	arc_fuzz_handshake_check(confirm, e3, "confirm");
	if (hello != NULL)
		arc_fuzz_handshake_reparse_hello(hello);
	if (reply != NULL)
		arc_fuzz_handshake_reparse_reply(reply);
	if (confirm != NULL)
		arc_fuzz_handshake_reparse_confirm(confirm);
	arc_fuzz_handshake_leave(text, size);
	return 0;
}
