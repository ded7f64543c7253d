/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "tempest-cookie.h"
#include "tempest-noise.h"
#include "tempest-test-hex.h"

/* Two interfaces, A (the initiator) and B (the responder), each with its handshake for the
 * other and a cookie generator for messages to the other; B's checker checks MAC1. */
typedef struct {
	TempestStaticIdentity *a;
	TempestStaticIdentity *b;
	TempestHandshake *a_hs; /* A's handshake with B */
	TempestHandshake *b_hs; /* B's handshake with A */
	TempestCookieGenerator *to_b;
	TempestCookieGenerator *to_a;
	TempestCookieChecker *b_checker;
	TempestCookieChecker *a_checker;
	const TempestAead *aead;
	gint64 now;
} TempestNoiseFixture;

static TempestHandshake *
tempest_noise_lookup_cb(const guint8 remote_static[TEMPEST_KEY_LEN], gpointer user_data)
{
	TempestNoiseFixture *f = user_data;

	if (memcmp(remote_static, f->a->public_key, TEMPEST_KEY_LEN) == 0)
		return f->b_hs;
	return NULL;
}

static TempestStaticIdentity *
tempest_noise_identity_new(guint8 fill)
{
	guint8 key[TEMPEST_KEY_LEN];
	TempestStaticIdentity *id;

	memset(key, fill, sizeof(key));
	id = tempest_static_identity_new(key);
	g_assert_nonnull(id);
	return id;
}

static void
tempest_noise_fixture_set_up(TempestNoiseFixture *f, gconstpointer psk)
{
	f->a = tempest_noise_identity_new(0x11);
	f->b = tempest_noise_identity_new(0x22);
	f->a_hs = tempest_handshake_new(f->a, f->b->public_key, psk);
	f->b_hs = tempest_handshake_new(f->b, f->a->public_key, psk);
	g_assert_nonnull(f->a_hs);
	g_assert_nonnull(f->b_hs);
	f->to_b = tempest_cookie_generator_new(f->b->public_key);
	f->to_a = tempest_cookie_generator_new(f->a->public_key);
	f->b_checker = tempest_cookie_checker_new(f->b);
	f->a_checker = tempest_cookie_checker_new(f->a);
	f->aead = tempest_aead_sodium();
	f->now = 1000 * G_USEC_PER_SEC;
}

static void
tempest_noise_fixture_tear_down(TempestNoiseFixture *f, gconstpointer psk)
{
	tempest_cookie_checker_free(f->a_checker);
	tempest_cookie_checker_free(f->b_checker);
	tempest_cookie_generator_free(f->to_a);
	tempest_cookie_generator_free(f->to_b);
	tempest_handshake_free(f->b_hs);
	tempest_handshake_free(f->a_hs);
	tempest_static_identity_free(f->b);
	tempest_static_identity_free(f->a);
}

/* A's initiation, with its MACs, as it would go on the wire */
static void
tempest_noise_initiation(TempestNoiseFixture *f, TempestMsgInitiation *msg)
{
	g_assert_cmpint(tempest_handshake_create_initiation(f->a_hs, 0x1111, msg), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_b, (guint8 *)msg, sizeof(*msg), f->now);
}

/* what B does with an initiation: MAC1, then Noise */
static TempestNoiseResult
tempest_noise_b_receives(TempestNoiseFixture *f, const guint8 *buf, gsize len)
{
	const TempestMsgInitiation *msg = NULL;
	TempestHandshake *hs = NULL;
	TempestNoiseResult result;

	if (tempest_msg_parse_initiation(buf, len, &msg) != TEMPEST_MSG_OK)
		return TEMPEST_NOISE_ERROR_LENGTH;
	if (!tempest_cookie_checker_check_mac1(f->b_checker, buf, len))
		return TEMPEST_NOISE_ERROR_DECRYPT;
	result = tempest_noise_consume_initiation(f->b, msg, f->now, tempest_noise_lookup_cb, f,
						  &hs);
	if (result == TEMPEST_NOISE_OK)
		g_assert_true(hs == f->b_hs);
	else
		g_assert_null(hs);
	return result;
}

/* what A does with a response: MAC1, then Noise */
static TempestNoiseResult
tempest_noise_a_receives(TempestNoiseFixture *f, const guint8 *buf, gsize len)
{
	const TempestMsgResponse *msg = NULL;

	if (tempest_msg_parse_response(buf, len, &msg) != TEMPEST_MSG_OK)
		return TEMPEST_NOISE_ERROR_LENGTH;
	if (!tempest_cookie_checker_check_mac1(f->a_checker, buf, len))
		return TEMPEST_NOISE_ERROR_DECRYPT;
	return tempest_handshake_consume_response(f->a_hs, msg);
}

/* a whole handshake; the two keypairs in *kp_a and *kp_b */
static void
tempest_noise_handshake(TempestNoiseFixture *f, TempestKeypair **kp_a, TempestKeypair **kp_b)
{
	TempestMsgInitiation init;
	TempestMsgResponse resp;

	tempest_noise_initiation(f, &init);
	g_assert_cmpint(tempest_handshake_get_state(f->a_hs), ==,
			TEMPEST_HANDSHAKE_CREATED_INITIATION);
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_create_response(f->b_hs, 0x2222, &resp), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_a, (guint8 *)&resp, sizeof(resp), f->now);
	g_assert_cmpuint(tempest_msg_get_u32(resp.receiver), ==, 0x1111);
	g_assert_cmpint(tempest_handshake_begin_session(f->b_hs, f->now, kp_b), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_noise_a_receives(f, (guint8 *)&resp, sizeof(resp)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_begin_session(f->a_hs, f->now, kp_a), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_get_state(f->a_hs), ==, TEMPEST_HANDSHAKE_ZEROED);
	g_assert_cmpint(tempest_handshake_get_state(f->b_hs), ==, TEMPEST_HANDSHAKE_ZEROED);
}

/* one packet from one keypair to the other, in place as the device does it */
static void
tempest_noise_send(TempestNoiseFixture *f, TempestKeypair *from, TempestKeypair *to, gsize len)
{
	guint8 buf[16 + 1500 + 16];
	gsize out_len = 0, plain_len = 99;

	for (gsize i = 0; i < len; i++)
		buf[16 + i] = (guint8)(i * 7);
	g_assert_cmpint(tempest_transport_seal(from, f->aead, f->now, buf, buf + 16, len, &out_len),
			==, TEMPEST_NOISE_OK);
	g_assert_cmpuint(out_len, ==, len + 32);
	g_assert_cmpint(
		tempest_transport_open(to, f->aead, f->now, buf, out_len, buf + 16, &plain_len), ==,
		TEMPEST_NOISE_OK);
	g_assert_cmpuint(plain_len, ==, len);
	for (gsize i = 0; i < len; i++)
		g_assert_cmpuint(buf[16 + i], ==, (guint8)(i * 7));
}

static void
tempest_noise_full_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;

	tempest_noise_handshake(f, &kp_a, &kp_b);
	g_assert_true(kp_a->is_initiator);
	g_assert_false(kp_b->is_initiator);
	g_assert_cmpmem(kp_a->send_key, 32, kp_b->recv_key, 32);
	g_assert_cmpmem(kp_a->recv_key, 32, kp_b->send_key, 32);
	g_assert_cmpuint(kp_a->local_index, ==, 0x1111);
	g_assert_cmpuint(kp_a->remote_index, ==, 0x2222);
	g_assert_cmpuint(kp_b->local_index, ==, 0x2222);
	g_assert_cmpuint(kp_b->remote_index, ==, 0x1111);
	/* the responder confirms its keypair with A's first packet; then both ways, keepalives
	 * included, with every size up to an MTU */
	for (gsize len = 0; len <= 1420; len += 71) {
		tempest_noise_send(f, kp_a, kp_b, len);
		tempest_noise_send(f, kp_b, kp_a, len);
	}
	g_assert_cmpuint(kp_a->send_counter, ==, 21);
	/* a second handshake gives different keys */
	{
		g_autoptr(TempestKeypair) kp_a2 = NULL;
		g_autoptr(TempestKeypair) kp_b2 = NULL;

		/* TAI64N timestamps are rounded to 2^24 ns: a second initiation within that is a
		 * replay of the first (tempest_noise_replay_func) */
		g_usleep(20000);
		f->now += G_USEC_PER_SEC;
		tempest_noise_handshake(f, &kp_a2, &kp_b2);
		g_assert_false(memcmp(kp_a->send_key, kp_a2->send_key, 32) == 0);
		tempest_noise_send(f, kp_b2, kp_a2, 100);
	}
}

/* one side with a PSK, the other without: the response does not decrypt */
static void
tempest_noise_psk_mismatch_func(TempestNoiseFixture *f, gconstpointer psk)
{
	const guint8 other[32] = {9};
	TempestMsgInitiation init;
	TempestMsgResponse resp;

	tempest_handshake_set_psk(f->b_hs, other);
	tempest_noise_initiation(f, &init);
	/* the initiation does not depend on the PSK (it is mixed in with the response) */
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_create_response(f->b_hs, 0x2222, &resp), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_a, (guint8 *)&resp, sizeof(resp), f->now);
	g_assert_cmpint(tempest_noise_a_receives(f, (guint8 *)&resp, sizeof(resp)), ==,
			TEMPEST_NOISE_ERROR_DECRYPT);
	g_assert_cmpint(tempest_handshake_get_state(f->a_hs), ==,
			TEMPEST_HANDSHAKE_CREATED_INITIATION);
}

/* an initiation made for B's key does not open at C; one from a stranger is refused */
static void
tempest_noise_wrong_key_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestStaticIdentity) c = tempest_noise_identity_new(0x33);
	g_autoptr(TempestHandshake) c_hs = tempest_handshake_new(c, f->b->public_key, NULL);
	TempestMsgInitiation init;
	TempestHandshake *hs = (gpointer)0x1;

	tempest_noise_initiation(f, &init);
	g_assert_cmpint(
		tempest_noise_consume_initiation(c, &init, f->now, tempest_noise_lookup_cb, f, &hs),
		==, TEMPEST_NOISE_ERROR_DECRYPT);
	g_assert_null(hs);
	/* C is not a peer of B */
	g_assert_cmpint(tempest_handshake_create_initiation(c_hs, 5, &init), ==, TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_noise_consume_initiation(f->b, &init, f->now,
							 tempest_noise_lookup_cb, f, &hs),
			==, TEMPEST_NOISE_ERROR_UNKNOWN_PEER);
	g_assert_cmpint(tempest_handshake_get_state(f->b_hs), ==, TEMPEST_HANDSHAKE_ZEROED);
	/* low-order keys are refused up front */
	{
		const guint8 zero[32] = {0};
		g_assert_null(tempest_handshake_new(f->a, zero, NULL));
		g_assert_null(tempest_static_identity_new(zero));
	}
}

/* the same initiation twice, an older one, and a newer one too soon */
static void
tempest_noise_replay_func(TempestNoiseFixture *f, gconstpointer psk)
{
	guint8 eph[32], ts[12];
	TempestMsgInitiation init, older, newer;

	tempest_private_key_generate(eph);
	tempest_timestamp_from_unix(ts, 1800000000, 0);
	g_assert_cmpint(tempest_handshake_create_initiation_with(f->a_hs, 1, eph, ts, &init), ==,
			TEMPEST_NOISE_OK);
	tempest_timestamp_from_unix(ts, 1799999999, 999999999);
	g_assert_cmpint(tempest_handshake_create_initiation_with(f->a_hs, 2, eph, ts, &older), ==,
			TEMPEST_NOISE_OK);
	tempest_timestamp_from_unix(ts, 1800000000, 1);
	g_assert_cmpint(tempest_handshake_create_initiation_with(f->a_hs, 3, eph, ts, &newer), ==,
			TEMPEST_NOISE_OK);
	for (TempestMsgInitiation *m = &init; m != NULL; m = m == &init    ? &older
							     : m == &older ? &newer
									   : NULL)
		tempest_cookie_generator_add_macs(f->to_b, (guint8 *)m, sizeof(*m), f->now);

	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	f->now += G_USEC_PER_SEC;
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_ERROR_REPLAY);
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&older, sizeof(older)), ==,
			TEMPEST_NOISE_ERROR_REPLAY);
	/* a refused message changed nothing: B still answers the first one */
	g_assert_cmpint(tempest_handshake_get_state(f->b_hs), ==,
			TEMPEST_HANDSHAKE_CONSUMED_INITIATION);
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&newer, sizeof(newer)), ==,
			TEMPEST_NOISE_OK);
	/* a newer one, but within 20 ms of the last consumed */
	tempest_timestamp_from_unix(ts, 1800000001, 0);
	g_assert_cmpint(tempest_handshake_create_initiation_with(f->a_hs, 4, eph, ts, &init), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_b, (guint8 *)&init, sizeof(init), f->now);
	f->now += TEMPEST_INITIATION_MIN_INTERVAL - 1;
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_ERROR_FLOOD);
	f->now += 1;
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
}

/* Every byte of every message flipped in turn: the receiver refuses each, except MAC2 when
 * the receiver is not under load (it is not checked then, by design) */
static void
tempest_noise_tamper_func(TempestNoiseFixture *f, gconstpointer psk)
{
	TempestMsgInitiation init;
	TempestMsgResponse resp;

	tempest_noise_initiation(f, &init);
	for (gsize i = 0; i < TEMPEST_MSG_INITIATION_MAC2_OFFSET; i++) {
		TempestMsgInitiation bad = init;

		((guint8 *)&bad)[i] ^= 0x04;
		g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&bad, sizeof(bad)), !=,
				TEMPEST_NOISE_OK);
	}
	/* Noise alone (without MAC1) refuses a change to any key or sealed field */
	for (gsize i = G_STRUCT_OFFSET(TempestMsgInitiation, ephemeral);
	     i < TEMPEST_MSG_INITIATION_MAC1_OFFSET; i++) {
		TempestMsgInitiation bad = init;
		TempestHandshake *hs = NULL;

		((guint8 *)&bad)[i] ^= 0x80;
		g_assert_cmpint(tempest_noise_consume_initiation(f->b, &bad, f->now,
								 tempest_noise_lookup_cb, f, &hs),
				!=, TEMPEST_NOISE_OK);
	}
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_create_response(f->b_hs, 0x2222, &resp), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_a, (guint8 *)&resp, sizeof(resp), f->now);
	for (gsize i = 0; i < TEMPEST_MSG_RESPONSE_MAC2_OFFSET; i++) {
		TempestMsgResponse bad = resp;

		((guint8 *)&bad)[i] ^= 0x01;
		g_assert_cmpint(tempest_noise_a_receives(f, (guint8 *)&bad, sizeof(bad)), !=,
				TEMPEST_NOISE_OK);
	}
	g_assert_cmpint(tempest_noise_a_receives(f, (guint8 *)&resp, sizeof(resp)), ==,
			TEMPEST_NOISE_OK);
}

/* every byte of a transport message flipped: refused, and the window did not move */
static void
tempest_noise_tamper_transport_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;
	guint8 msg[32 + 48], plain[48] = "a packet of forty-eight bytes, padded with zeros";
	guint8 out[48];
	gsize len = 0, plain_len = 0;

	tempest_noise_handshake(f, &kp_a, &kp_b);
	g_assert_cmpint(
		tempest_transport_seal(kp_a, f->aead, f->now, msg, plain, sizeof(plain), &len), ==,
		TEMPEST_NOISE_OK);
	for (gsize i = 0; i < len; i++) {
		guint8 bad[sizeof(msg)];

		memcpy(bad, msg, len);
		bad[i] ^= 0x20;
		g_assert_cmpint(
			tempest_transport_open(kp_b, f->aead, f->now, bad, len, out, &plain_len),
			!=, TEMPEST_NOISE_OK);
		g_assert_cmpuint(plain_len, ==, 0);
	}
	g_assert_cmpint(tempest_transport_open(kp_b, f->aead, f->now, msg, len, out, &plain_len),
			==, TEMPEST_NOISE_OK);
	g_assert_cmpmem(out, plain_len, plain, sizeof(plain));
	/* the same message again is a replay; a truncated one is malformed */
	g_assert_cmpint(tempest_transport_open(kp_b, f->aead, f->now, msg, len, out, &plain_len),
			==, TEMPEST_NOISE_ERROR_REPLAY);
	g_assert_cmpint(tempest_transport_open(kp_b, f->aead, f->now, msg, 31, out, &plain_len), ==,
			TEMPEST_NOISE_ERROR_LENGTH);
}

/* messages at the wrong step are refused and change nothing */
static void
tempest_noise_state_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestKeypair) kp = NULL;
	TempestMsgInitiation init;
	TempestMsgResponse resp;

	g_assert_cmpint(tempest_handshake_create_response(f->b_hs, 1, &resp), ==,
			TEMPEST_NOISE_ERROR_STATE);
	g_assert_cmpint(tempest_handshake_consume_response(f->a_hs, &resp), ==,
			TEMPEST_NOISE_ERROR_STATE);
	g_assert_cmpint(tempest_handshake_begin_session(f->a_hs, f->now, &kp), ==,
			TEMPEST_NOISE_ERROR_STATE);
	g_assert_null(kp);

	tempest_noise_initiation(f, &init);
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_create_response(f->b_hs, 0x2222, &resp), ==,
			TEMPEST_NOISE_OK);
	/* a response naming another of A's sessions */
	tempest_msg_put_u32(resp.receiver, 0x1112);
	g_assert_cmpint(tempest_handshake_consume_response(f->a_hs, &resp), ==,
			TEMPEST_NOISE_ERROR_INDEX);
	tempest_msg_put_u32(resp.receiver, 0x1111);
	g_assert_cmpint(tempest_handshake_consume_response(f->a_hs, &resp), ==, TEMPEST_NOISE_OK);
	/* the same response twice */
	g_assert_cmpint(tempest_handshake_consume_response(f->a_hs, &resp), ==,
			TEMPEST_NOISE_ERROR_STATE);
	tempest_handshake_clear(f->a_hs);
	g_assert_cmpint(tempest_handshake_begin_session(f->a_hs, f->now, &kp), ==,
			TEMPEST_NOISE_ERROR_STATE);
}

/* the timers: rekey and expiry by age and by count */
static void
tempest_noise_timers_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;
	guint8 buf[64];
	gsize len = 0;
	const gint64 t0 = f->now;

	tempest_noise_handshake(f, &kp_a, &kp_b);
	g_assert_false(tempest_keypair_should_rekey(kp_a, t0, TRUE));
	g_assert_false(tempest_keypair_should_rekey(kp_a, t0 + TEMPEST_REKEY_AFTER_TIME - 1, TRUE));
	g_assert_true(tempest_keypair_should_rekey(kp_a, t0 + TEMPEST_REKEY_AFTER_TIME, TRUE));
	/* only the initiator rekeys by age */
	g_assert_false(tempest_keypair_should_rekey(kp_b, t0 + TEMPEST_REKEY_AFTER_TIME, FALSE));
	g_assert_true(tempest_keypair_should_rekey_on_receive(kp_a, t0 + 165 * G_USEC_PER_SEC));
	g_assert_false(tempest_keypair_should_rekey_on_receive(kp_a, t0 + 164 * G_USEC_PER_SEC));
	g_assert_false(tempest_keypair_should_rekey_on_receive(kp_b, t0 + 170 * G_USEC_PER_SEC));
	g_assert_false(tempest_keypair_is_expired(kp_a, t0 + TEMPEST_REJECT_AFTER_TIME - 1));
	g_assert_true(tempest_keypair_is_expired(kp_a, t0 + TEMPEST_REJECT_AFTER_TIME));
	g_assert_cmpint(tempest_transport_seal(kp_a, f->aead, t0 + TEMPEST_REJECT_AFTER_TIME, buf,
					       buf + 16, 0, &len),
			==, TEMPEST_NOISE_ERROR_EXPIRED);
	g_assert_cmpint(tempest_handshake_retry_delay(0), ==, TEMPEST_REKEY_TIMEOUT);
	g_assert_cmpint(tempest_handshake_retry_delay(G_MAXUINT32), <,
			TEMPEST_REKEY_TIMEOUT + TEMPEST_REKEY_TIMEOUT_JITTER);
	g_assert_cmpint(TEMPEST_MAX_TIMER_HANDSHAKES, ==, 18);
	g_assert_true(tempest_session_should_zero(t0, t0 + 540 * G_USEC_PER_SEC));
	g_assert_false(tempest_session_should_zero(t0, t0 + 539 * G_USEC_PER_SEC));

	/* by count: at 2^60 a rekey is due; the last counter below REJECT_AFTER_MESSAGES is
	 * still sent, and received, then the keypair is done */
	kp_a->send_counter = TEMPEST_REKEY_AFTER_MESSAGES;
	g_assert_true(tempest_keypair_should_rekey(kp_a, t0, FALSE));
	kp_a->send_counter = TEMPEST_REJECT_AFTER_MESSAGES - 1;
	g_assert_cmpint(tempest_transport_seal(kp_a, f->aead, t0, buf, buf + 16, 0, &len), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_transport_open(kp_b, f->aead, t0, buf, len, buf + 16, &len), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_transport_seal(kp_a, f->aead, t0, buf, buf + 16, 0, &len), ==,
			TEMPEST_NOISE_ERROR_EXPIRED);
	g_assert_cmpint(tempest_transport_seal(kp_a, f->aead, t0, buf, buf + 16, 0, &len), ==,
			TEMPEST_NOISE_ERROR_EXPIRED);
	g_assert_true(tempest_keypair_is_expired(kp_a, t0));
	g_assert_cmpuint(tempest_transport_padded_len(0, 1420), ==, 0);
	g_assert_cmpuint(tempest_transport_padded_len(1, 1420), ==, 16);
	g_assert_cmpuint(tempest_transport_padded_len(1419, 1420), ==, 1420);
	g_assert_cmpuint(tempest_transport_padded_len(1420, 1420), ==, 1420);
}

typedef struct {
	TempestNoiseFixture *f;
	TempestKeypair *from;
	TempestKeypair *to;
} TempestNoiseThreadData;

/* all threads together send fewer packets than the replay window holds: a thread preempted
 * between sealing and opening would otherwise rightly see its packet refused as too old */
#define TEMPEST_NOISE_THREAD_PACKETS 2000
G_STATIC_ASSERT(4 * TEMPEST_NOISE_THREAD_PACKETS < TEMPEST_REPLAY_WINDOW_SIZE);

/* one sender thread: seals and opens in its own buffer */
static gpointer
tempest_noise_thread_cb(gpointer user_data)
{
	TempestNoiseThreadData *d = user_data;
	guint8 buf[16 + 128 + 16];
	gsize len = 0, plain_len = 0;
	guint refused = 0;

	for (guint i = 0; i < TEMPEST_NOISE_THREAD_PACKETS; i++) {
		memset(buf + 16, (gint)i, 128);
		if (tempest_transport_seal(d->from, d->f->aead, d->f->now, buf, buf + 16, 128,
					   &len) != TEMPEST_NOISE_OK ||
		    tempest_transport_open(d->to, d->f->aead, d->f->now, buf, len, buf + 16,
					   &plain_len) != TEMPEST_NOISE_OK)
			refused++;
	}
	return GUINT_TO_POINTER(refused);
}

/* four threads on one keypair: every counter is used once, every packet opens once */
static void
tempest_noise_threads_func(TempestNoiseFixture *f, gconstpointer psk)
{
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;
	TempestNoiseThreadData d;
	GThread *threads[4];

	tempest_noise_handshake(f, &kp_a, &kp_b);
	d = (TempestNoiseThreadData){f, kp_a, kp_b};
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
		threads[i] = g_thread_new("tempest-test", tempest_noise_thread_cb, &d);
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
		g_assert_cmpuint(GPOINTER_TO_UINT(g_thread_join(threads[i])), ==, 0);
	g_assert_cmpuint(kp_a->send_counter, ==,
			 G_N_ELEMENTS(threads) * TEMPEST_NOISE_THREAD_PACKETS);
	/* so every counter below that was accepted exactly once */
	for (guint64 c = 0; c < kp_a->send_counter; c += 997)
		g_assert_false(tempest_replay_check(&kp_b->replay, c));
}

/* The vectors of tempest-vectors.py: an implementation of the whitepaper in Python that shares
 * no code with ours (hashlib's BLAKE2s, pure-Python X25519 and ChaCha20-Poly1305, checked there
 * against RFC 7748 and RFC 8439), with static keys 11.. and 22.., ephemeral keys 33.. and 44..,
 * the timestamp 400000006553f100075bcd15, indices 0x01020304 and 0xa0b0c0d0, and the data
 * message "hello, tempest" padded to 16 bytes, counter 0. Output pasted below. */
typedef struct {
	const gchar *initiation;
	const gchar *response;
	const gchar *send_i;
	const gchar *recv_i;
	const gchar *data;
} TempestNoiseVector;

static const TempestNoiseVector tempest_noise_vector_no_psk = {
	"01000000040302017b0d47d93427f8311160781c7c733fd89f88970aef490d8aa0ee19a4cb8a1b1481e49831"
	"7da959fba46669572516a5e6c021bfa620bb6c56ca0082e1feae14988c2c64d024c617734a263f76a008df04"
	"d0f94bad8ee75ec2e699a4409b009f65dd2862df9885111bb11805d93ed39a106fa0dce62a2c5f445dbe309f"
	"00000000000000000000000000000000",
	"02000000d0c0b0a004030201ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b"
	"626b63ce3bce8095ba9359fd213245acaf1f95c0ea71a9c9c0a07c26b91b8a67"
	"00000000000000000000000000000000",
	"e07b709efbfd0361a08a9de658ceb3847d648c207ed71d4dbdfe248bef23a651",
	"f76ba55a113d83abf16240859ca361a9017ae9fbac0b4aa43179112c40e0163f",
	"04000000d0c0b0a00000000000000000bca9d6d24667a7aa404b3110c9266f157ac41a2341cc4907ea1d4fe3"
	"9d2980d2",
};

static const TempestNoiseVector tempest_noise_vector_psk = {
	"01000000040302017b0d47d93427f8311160781c7c733fd89f88970aef490d8aa0ee19a4cb8a1b1481e49831"
	"7da959fba46669572516a5e6c021bfa620bb6c56ca0082e1feae14988c2c64d024c617734a263f76a008df04"
	"d0f94bad8ee75ec2e699a4409b009f65dd2862df9885111bb11805d93ed39a106fa0dce62a2c5f445dbe309f"
	"00000000000000000000000000000000",
	"02000000d0c0b0a004030201ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b"
	"d7f89a674a43e60ce331c1d71d751db6d2b4ef47fbbc7227f1a8b86acd7a7c10"
	"00000000000000000000000000000000",
	"a007faf842d83f5bd3be20a14e0ffcec34c84867b78b051980602713205922de",
	"d982d5cd10d34a7802b6c19fa441cd9164d70e4f4d62007ab416879ee8bd1b99",
	"04000000d0c0b0a00000000000000000643526f27001cfb9d830762904652b4d6a011534c7254f63dc8ac329"
	"e9c08472",
};

static void
tempest_noise_vector_func(TempestNoiseFixture *f, gconstpointer psk)
{
	const TempestNoiseVector *v =
		psk != NULL ? &tempest_noise_vector_psk : &tempest_noise_vector_no_psk;
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;
	guint8 eph_i[32], eph_r[32], ts[12], data[48];
	const guint8 hello[16] = "hello, tempest";
	TempestMsgInitiation init;
	TempestMsgResponse resp;
	gsize len = 0;

	memset(eph_i, 0x33, 32);
	memset(eph_r, 0x44, 32);
	tempest_test_unhex(ts, 12, "400000006553f100075bcd15");
	g_assert_cmpint(
		tempest_handshake_create_initiation_with(f->a_hs, 0x01020304, eph_i, ts, &init), ==,
		TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_b, (guint8 *)&init, sizeof(init), f->now);
	tempest_test_assert_hex((guint8 *)&init, sizeof(init), v->initiation);
	g_assert_cmpint(tempest_noise_b_receives(f, (guint8 *)&init, sizeof(init)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_create_response_with(f->b_hs, 0xa0b0c0d0, eph_r, &resp),
			==, TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_a, (guint8 *)&resp, sizeof(resp), f->now);
	tempest_test_assert_hex((guint8 *)&resp, sizeof(resp), v->response);
	g_assert_cmpint(tempest_noise_a_receives(f, (guint8 *)&resp, sizeof(resp)), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_begin_session(f->a_hs, f->now, &kp_a), ==,
			TEMPEST_NOISE_OK);
	g_assert_cmpint(tempest_handshake_begin_session(f->b_hs, f->now, &kp_b), ==,
			TEMPEST_NOISE_OK);
	tempest_test_assert_hex(kp_a->send_key, 32, v->send_i);
	tempest_test_assert_hex(kp_a->recv_key, 32, v->recv_i);
	g_assert_cmpint(
		tempest_transport_seal(kp_a, f->aead, f->now, data, hello, sizeof(hello), &len), ==,
		TEMPEST_NOISE_OK);
	tempest_test_assert_hex(data, len, v->data);
}

int
main(int argc, char **argv)
{
	static const guint8 psk[32] = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				       0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				       0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
				       0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
	struct {
		const gchar *name;
		void (*func)(TempestNoiseFixture *, gconstpointer);
	} tests[] = {
		{"full", tempest_noise_full_func},
		{"psk-mismatch", tempest_noise_psk_mismatch_func},
		{"wrong-key", tempest_noise_wrong_key_func},
		{"replay", tempest_noise_replay_func},
		{"tamper", tempest_noise_tamper_func},
		{"tamper-transport", tempest_noise_tamper_transport_func},
		{"state", tempest_noise_state_func},
		{"timers", tempest_noise_timers_func},
		{"threads", tempest_noise_threads_func},
		{"vector", tempest_noise_vector_func},
	};

	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	tempest_crypto_init();
	for (guint i = 0; i < G_N_ELEMENTS(tests); i++) {
		g_autofree gchar *plain = g_strdup_printf("/tempest/noise/%s", tests[i].name);
		g_autofree gchar *with = g_strdup_printf("/tempest/noise/psk/%s", tests[i].name);

		g_test_add(plain, TempestNoiseFixture, NULL, tempest_noise_fixture_set_up,
			   tests[i].func, tempest_noise_fixture_tear_down);
		g_test_add(with, TempestNoiseFixture, psk, tempest_noise_fixture_set_up,
			   tests[i].func, tempest_noise_fixture_tear_down);
	}
	return g_test_run();
}
