/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "pegasus-handshake.h"

/* The transport handshake's messages as they arrive from the network (docs/protocol.md,
 * "Transport sessions (tcp, kcp)"), with fixed identities: A (Ed25519 seed 11..) initiates to
 * B (seed 22..) with the ephemeral 33.. and a fixed timestamp. The first byte picks the
 * message: 0, an initiation to B's responder; 1, a response to A's initiation.
 *
 * Properties: an initiation B accepts names A's key (nobody else's can open), and then has
 * an answer; a response A accepts yields keys that differ from each other.
 *
 * ARC_FUZZ_PEGASUS_SEEDS=<dir> writes the valid seeds of corpus/pegasus-handshake/. */

typedef struct {
	PegasusIdentity *a;
	PegasusIdentity *b;
	guint8 initiation[PEGASUS_INITIATION_LEN];
} PegasusFuzz;

static PegasusFuzz *pegasus_fuzz;

static void G_GNUC_NORETURN
pegasus_fuzz_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-pegasus-handshake: %s\n", what);
	abort();
}

static PegasusIdentity *
pegasus_fuzz_identity(guint8 seed_byte)
{
	guint8 seed[crypto_sign_SEEDBYTES];
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	guint8 sk[crypto_sign_SECRETKEYBYTES];

	memset(seed, seed_byte, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	return pegasus_identity_new(sk, sizeof(sk));
}

/* A's handshake, with its initiation written */
static PegasusHandshake *
pegasus_fuzz_initiator(PegasusFuzz *f)
{
	PegasusHandshake *hs = pegasus_handshake_new_initiator(f->a, f->b->public_key);
	guint8 ephemeral[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN] = {0x40, 0, 0, 0, 0x6a, 0, 0, 0, 0, 0, 0, 1};

	memset(ephemeral, 0x33, sizeof(ephemeral));
	if (pegasus_handshake_write_initiation_with(hs, ephemeral, stamp, f->initiation) !=
	    PEGASUS_HS_OK)
		pegasus_fuzz_fail("A cannot initiate");
	return hs;
}

static void
pegasus_fuzz_write_seed(const gchar *dir, const gchar *name, guint8 mode, const guint8 *msg,
			gsize len)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autofree guint8 *buf = g_malloc(len + 1);

	buf[0] = mode;
	memcpy(buf + 1, msg, len);
	if (!g_file_set_contents(path, (const gchar *)buf, (gssize)len + 1, NULL))
		pegasus_fuzz_fail("cannot write a seed");
}

static void
pegasus_fuzz_seeds(PegasusFuzz *f, const gchar *dir)
{
	g_autoptr(PegasusHandshake) a = pegasus_fuzz_initiator(f);
	g_autoptr(PegasusHandshake) b = pegasus_handshake_new_responder(f->b);
	guint8 response[PEGASUS_RESPONSE_LEN];
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	PegasusKeys keys;

	pegasus_fuzz_write_seed(dir, "initiation", 0, f->initiation, sizeof(f->initiation));
	pegasus_fuzz_write_seed(dir, "initiation-short", 0, f->initiation, 40);
	if (pegasus_handshake_read_initiation(b, f->initiation, sizeof(f->initiation), remote,
					      stamp) != PEGASUS_HS_OK ||
	    pegasus_handshake_write_response(b, response, &keys) != PEGASUS_HS_OK)
		pegasus_fuzz_fail("B cannot answer");
	pegasus_fuzz_write_seed(dir, "response", 1, response, sizeof(response));
	response[0] = 2;
	pegasus_fuzz_write_seed(dir, "response-wireguard-type", 1, response, sizeof(response));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const gchar *seeds = g_getenv("ARC_FUZZ_PEGASUS_SEEDS");

	pegasus_fuzz = g_new0(PegasusFuzz, 1);
	pegasus_fuzz->a = pegasus_fuzz_identity(0x11);
	pegasus_fuzz->b = pegasus_fuzz_identity(0x22);
	if (pegasus_fuzz->a == NULL || pegasus_fuzz->b == NULL)
		pegasus_fuzz_fail("no identities");
	if (seeds != NULL)
		pegasus_fuzz_seeds(pegasus_fuzz, seeds);
	return 0;
}

static void
pegasus_fuzz_initiation(PegasusFuzz *f, const guint8 *msg, gsize len)
{
	g_autoptr(PegasusHandshake) b = pegasus_handshake_new_responder(f->b);
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	guint8 response[PEGASUS_RESPONSE_LEN];
	PegasusKeys keys;

	if (pegasus_handshake_read_initiation(b, msg, len, remote, stamp) != PEGASUS_HS_OK)
		return;
	if (memcmp(remote, f->a->public_key, PEGASUS_KEY_LEN) != 0)
		pegasus_fuzz_fail("an initiation opened with a key nobody holds");
	if (pegasus_handshake_write_response(b, response, &keys) != PEGASUS_HS_OK)
		pegasus_fuzz_fail("an accepted initiation has no answer");
	pegasus_keys_wipe(&keys);
}

static void
pegasus_fuzz_response(PegasusFuzz *f, const guint8 *msg, gsize len)
{
	g_autoptr(PegasusHandshake) a = pegasus_fuzz_initiator(f);
	PegasusKeys keys;

	if (pegasus_handshake_read_response(a, msg, len, &keys) != PEGASUS_HS_OK)
		return;
	if (memcmp(keys.send_key, keys.recv_key, PEGASUS_KEY_LEN) == 0)
		pegasus_fuzz_fail("equal transport keys");
	pegasus_keys_wipe(&keys);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 0)
		pegasus_fuzz_initiation(pegasus_fuzz, data + 1, size - 1);
	else if (data[0] == 1)
		pegasus_fuzz_response(pegasus_fuzz, data + 1, size - 1);
	return 0;
}
