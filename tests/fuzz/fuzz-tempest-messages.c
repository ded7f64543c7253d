/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "tempest-cookie.h"
#include "tempest-noise.h"

/* Tempest's datagrams as they arrive from the network (docs/protocol.md, "Tunnel (Tempest)"):
 * every message parser, then the function that consumes that type, with the fixed keys of
 * plugins/tempest/tests/tempest-vectors.py, which wrote the valid seeds. A is the initiator
 * (static key 11.., ephemeral 33.., index 0x01020304) and B the responder (22.., 44..,
 * 0xa0b0c0d0); both hold the keypairs of that handshake.
 *
 * Properties: the parsers agree with the classifier; an initiation Noise accepts is refused
 * as a replay the second time and can be answered; a response that completes A's handshake
 * yields its session; a cookie reply opens at most once; a transport message opens at most
 * once, to its sealed length minus the tag, and never with a counter past
 * REJECT_AFTER_MESSAGES. */

typedef struct {
	TempestStaticIdentity *a;
	TempestStaticIdentity *b;
	TempestHandshake *a_hs;
	TempestHandshake *b_hs;
	TempestCookieChecker *b_checker;
	TempestKeypair *kp_a;
	TempestKeypair *kp_b;
	guint8 out[65536];
} TempestFuzz;

static TempestFuzz *tempest_fuzz;

#define TEMPEST_FUZZ_I_INDEX 0x01020304
#define TEMPEST_FUZZ_R_INDEX 0xa0b0c0d0

static void G_GNUC_NORETURN
tempest_fuzz_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-tempest-messages: %s\n", what);
	abort();
}

static TempestHandshake *
tempest_fuzz_lookup_cb(const guint8 remote_static[TEMPEST_KEY_LEN], gpointer user_data)
{
	TempestFuzz *f = user_data;

	return memcmp(remote_static, f->a->public_key, TEMPEST_KEY_LEN) == 0 ? f->b_hs : NULL;
}

/* A's initiation with the fixed ephemeral key and timestamp, into msg */
static void
tempest_fuzz_initiate(TempestFuzz *f, TempestMsgInitiation *msg)
{
	guint8 eph[32], ts[12];

	memset(eph, 0x33, sizeof(eph));
	tempest_timestamp_from_unix(ts, 1700000000, 123456789);
	if (tempest_handshake_create_initiation_with(f->a_hs, TEMPEST_FUZZ_I_INDEX, eph, ts, msg) !=
	    TEMPEST_NOISE_OK)
		tempest_fuzz_fail("the fixed initiation fails");
}

/* fresh handshakes on both sides (B forgets the timestamps it saw), A waiting for a response */
static void
tempest_fuzz_reset_handshakes(TempestFuzz *f)
{
	TempestMsgInitiation msg;

	tempest_handshake_free(f->a_hs);
	tempest_handshake_free(f->b_hs);
	f->a_hs = tempest_handshake_new(f->a, f->b->public_key, NULL);
	f->b_hs = tempest_handshake_new(f->b, f->a->public_key, NULL);
	tempest_fuzz_initiate(f, &msg);
}

static void
tempest_fuzz_make_keypairs(TempestFuzz *f)
{
	TempestMsgInitiation init;
	TempestMsgResponse resp;
	TempestHandshake *hs = NULL;
	guint8 eph[32];

	memset(eph, 0x44, sizeof(eph));
	tempest_fuzz_initiate(f, &init);
	if (tempest_noise_consume_initiation(f->b, &init, 1, tempest_fuzz_lookup_cb, f, &hs) !=
		    TEMPEST_NOISE_OK ||
	    tempest_handshake_create_response_with(f->b_hs, TEMPEST_FUZZ_R_INDEX, eph, &resp) !=
		    TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(f->b_hs, 1, &f->kp_b) != TEMPEST_NOISE_OK ||
	    tempest_handshake_consume_response(f->a_hs, &resp) != TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(f->a_hs, 1, &f->kp_a) != TEMPEST_NOISE_OK)
		tempest_fuzz_fail("the fixed handshake fails");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	TempestFuzz *f = g_new0(TempestFuzz, 1);
	guint8 key[32];

	tempest_crypto_init();
	memset(key, 0x11, sizeof(key));
	f->a = tempest_static_identity_new(key);
	memset(key, 0x22, sizeof(key));
	f->b = tempest_static_identity_new(key);
	f->b_checker = tempest_cookie_checker_new(f->b);
	tempest_fuzz_reset_handshakes(f);
	tempest_fuzz_make_keypairs(f);
	tempest_fuzz_reset_handshakes(f);
	tempest_fuzz = f;
	return 0;
}

/* every parser agrees with the classifier */
static void
tempest_fuzz_parsers(const guint8 *data, gsize size, TempestMsgError error, TempestMsgType type)
{
	const TempestMsgInitiation *init = NULL;
	const TempestMsgResponse *resp = NULL;
	const TempestMsgCookieReply *cookie = NULL;
	const TempestMsgTransport *transport = NULL;
	gsize sealed = 0;
	gboolean ok = error == TEMPEST_MSG_OK;

	if ((tempest_msg_parse_initiation(data, size, &init) == TEMPEST_MSG_OK) !=
		    (ok && type == TEMPEST_MSG_INITIATION) ||
	    (tempest_msg_parse_response(data, size, &resp) == TEMPEST_MSG_OK) !=
		    (ok && type == TEMPEST_MSG_RESPONSE) ||
	    (tempest_msg_parse_cookie_reply(data, size, &cookie) == TEMPEST_MSG_OK) !=
		    (ok && type == TEMPEST_MSG_COOKIE_REPLY) ||
	    (tempest_msg_parse_transport(data, size, &transport, &sealed) == TEMPEST_MSG_OK) !=
		    (ok && type == TEMPEST_MSG_TRANSPORT))
		tempest_fuzz_fail("a parser disagrees with the classifier");
	if (transport != NULL && sealed != size - TEMPEST_MSG_TRANSPORT_HEADER_LEN)
		tempest_fuzz_fail("a transport message's sealed length is wrong");
}

static void
tempest_fuzz_initiation(TempestFuzz *f, const guint8 *data, gsize size)
{
	const TempestMsgInitiation *msg = NULL;
	TempestHandshake *hs = NULL;
	TempestMsgResponse resp;

	tempest_msg_parse_initiation(data, size, &msg);
	(void)tempest_cookie_checker_validate(f->b_checker, data, size, data, 6, FALSE, 1);
	if (tempest_noise_consume_initiation(f->b, msg, 1000000, tempest_fuzz_lookup_cb, f, &hs) !=
	    TEMPEST_NOISE_OK)
		return;
	if (hs != f->b_hs)
		tempest_fuzz_fail("an initiation accepted for another handshake");
	if (tempest_noise_consume_initiation(f->b, msg, 2000000, tempest_fuzz_lookup_cb, f, &hs) !=
	    TEMPEST_NOISE_ERROR_REPLAY)
		tempest_fuzz_fail("an initiation accepted twice");
	if (tempest_handshake_create_response(f->b_hs, 9, &resp) != TEMPEST_NOISE_OK)
		tempest_fuzz_fail("an accepted initiation cannot be answered");
	g_debug("initiation accepted");
	tempest_fuzz_reset_handshakes(f);
}

static void
tempest_fuzz_response(TempestFuzz *f, const guint8 *data, gsize size)
{
	const TempestMsgResponse *msg = NULL;
	g_autoptr(TempestKeypair) kp = NULL;

	tempest_msg_parse_response(data, size, &msg);
	if (tempest_handshake_consume_response(f->a_hs, msg) != TEMPEST_NOISE_OK)
		return;
	if (tempest_msg_get_u32(msg->receiver) != TEMPEST_FUZZ_I_INDEX)
		tempest_fuzz_fail("a response to another index accepted");
	if (tempest_handshake_begin_session(f->a_hs, 1, &kp) != TEMPEST_NOISE_OK || kp == NULL ||
	    !kp->is_initiator)
		tempest_fuzz_fail("an accepted response gives no session");
	g_debug("response accepted");
	tempest_fuzz_reset_handshakes(f);
}

static void
tempest_fuzz_cookie_reply(TempestFuzz *f, const guint8 *data, gsize size)
{
	const TempestMsgCookieReply *msg = NULL;
	g_autoptr(TempestCookieGenerator) gen = tempest_cookie_generator_new(f->b->public_key);
	TempestMsgInitiation init;

	tempest_msg_parse_cookie_reply(data, size, &msg);
	tempest_fuzz_initiate(f, &init);
	tempest_cookie_generator_add_macs(gen, (guint8 *)&init, sizeof(init), 1);
	if (!tempest_cookie_generator_consume_reply(gen, tempest_aead_sodium(), msg, 1))
		return;
	if (tempest_cookie_generator_consume_reply(gen, tempest_aead_sodium(), msg, 1))
		tempest_fuzz_fail("a cookie reply accepted twice");
	g_debug("cookie reply accepted");
}

static void
tempest_fuzz_transport(TempestFuzz *f, const guint8 *data, gsize size)
{
	const TempestMsgTransport *msg = NULL;
	gsize sealed = 0, plain_len = 0;
	TempestKeypair *kp;
	TempestNoiseResult result;

	tempest_msg_parse_transport(data, size, &msg, &sealed);
	kp = tempest_msg_get_u32(msg->receiver) == TEMPEST_FUZZ_I_INDEX ? f->kp_a : f->kp_b;
	if (size > sizeof(f->out) + TEMPEST_MSG_TRANSPORT_HEADER_LEN)
		return;
	tempest_replay_init(&kp->replay);
	result = tempest_transport_open(kp, tempest_aead_sodium(), 2, data, size, f->out,
					&plain_len);
	if (result != TEMPEST_NOISE_OK)
		return;
	if (plain_len != sealed - TEMPEST_AEAD_TAG_LEN)
		tempest_fuzz_fail("a transport message opens to the wrong length");
	g_debug("transport message of %" G_GSIZE_FORMAT " bytes accepted", plain_len);
	if (tempest_msg_get_u64(msg->counter) >= TEMPEST_REJECT_AFTER_MESSAGES)
		tempest_fuzz_fail("a counter past REJECT_AFTER_MESSAGES accepted");
	if (tempest_transport_open(kp, tempest_aead_sodium(), 2, data, size, f->out, &plain_len) !=
	    TEMPEST_NOISE_ERROR_REPLAY)
		tempest_fuzz_fail("a transport message accepted twice");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TempestFuzz *f = tempest_fuzz;
	TempestMsgType type = 0;
	TempestMsgError error = tempest_msg_classify(data, size, &type);

	tempest_fuzz_parsers(data, size, error, type);
	if (error != TEMPEST_MSG_OK)
		return 0;
	switch (type) {
	case TEMPEST_MSG_INITIATION:
		tempest_fuzz_initiation(f, data, size);
		break;
	case TEMPEST_MSG_RESPONSE:
		tempest_fuzz_response(f, data, size);
		break;
	case TEMPEST_MSG_COOKIE_REPLY:
		tempest_fuzz_cookie_reply(f, data, size);
		break;
	case TEMPEST_MSG_TRANSPORT:
		tempest_fuzz_transport(f, data, size);
		break;
	default:
		tempest_fuzz_fail("the classifier returned an unknown type");
	}
	return 0;
}
