/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>

#include "tempest-cookie.h"

/* A sends initiations to B, who may be under load */
typedef struct {
	TempestStaticIdentity *a;
	TempestStaticIdentity *b;
	TempestHandshake *a_hs;
	TempestCookieGenerator *to_b;
	TempestCookieChecker *b_checker;
	guint8 addr[TEMPEST_COOKIE_ADDRESS_MAX];
	gsize addr_len;
	gint64 now;
} TempestCookieFixture;

static void
tempest_cookie_fixture_set_up(TempestCookieFixture *f, gconstpointer data)
{
	guint8 key[32];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(51820)};

	memset(key, 0x11, sizeof(key));
	f->a = tempest_static_identity_new(key);
	memset(key, 0x22, sizeof(key));
	f->b = tempest_static_identity_new(key);
	f->a_hs = tempest_handshake_new(f->a, f->b->public_key, NULL);
	f->to_b = tempest_cookie_generator_new(f->b->public_key);
	f->b_checker = tempest_cookie_checker_new(f->b);
	inet_pton(AF_INET, "127.0.0.2", &sin.sin_addr);
	f->addr_len = tempest_cookie_address(f->addr, &sin);
	f->now = G_GINT64_CONSTANT(5000) * G_USEC_PER_SEC;
}

static void
tempest_cookie_fixture_tear_down(TempestCookieFixture *f, gconstpointer data)
{
	tempest_cookie_checker_free(f->b_checker);
	tempest_cookie_generator_free(f->to_b);
	tempest_handshake_free(f->a_hs);
	tempest_static_identity_free(f->b);
	tempest_static_identity_free(f->a);
}

static void
tempest_cookie_initiation(TempestCookieFixture *f, TempestMsgInitiation *msg)
{
	g_assert_cmpint(tempest_handshake_create_initiation(f->a_hs, 77, msg), ==,
			TEMPEST_NOISE_OK);
	tempest_cookie_generator_add_macs(f->to_b, (guint8 *)msg, sizeof(*msg), f->now);
}

static TempestCookieVerdict
tempest_cookie_b_validates(TempestCookieFixture *f, const TempestMsgInitiation *msg, gboolean load)
{
	return tempest_cookie_checker_validate(f->b_checker, (const guint8 *)msg, sizeof(*msg),
					       f->addr, f->addr_len, load, f->now);
}

static void
tempest_cookie_address_func(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(0x1234)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(0xabcd)};
	struct sockaddr sa = {.sa_family = AF_UNIX};
	guint8 out[TEMPEST_COOKIE_ADDRESS_MAX];
	const guint8 v4[] = {10, 1, 2, 3, 0x12, 0x34};

	inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
	g_assert_cmpuint(tempest_cookie_address(out, &sin), ==, 6);
	g_assert_cmpmem(out, 6, v4, 6);
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	g_assert_cmpuint(tempest_cookie_address(out, &sin6), ==, 18);
	g_assert_cmpuint(out[15], ==, 1);
	g_assert_cmpuint(out[16], ==, 0xab);
	g_assert_cmpuint(tempest_cookie_address(out, &sa), ==, 0);
}

/* MAC1 binds a message to its receiver's key: a wrong one is dropped, load or not */
static void
tempest_cookie_mac1_func(TempestCookieFixture *f, gconstpointer data)
{
	g_autoptr(TempestCookieGenerator) to_a = tempest_cookie_generator_new(f->a->public_key);
	TempestMsgInitiation msg;

	tempest_cookie_initiation(f, &msg);
	g_assert_true(tempest_cookie_checker_check_mac1(f->b_checker, (guint8 *)&msg, sizeof(msg)));
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, FALSE), ==, TEMPEST_COOKIE_ACCEPT);
	/* MAC1 made for A's key */
	tempest_cookie_generator_add_macs(to_a, (guint8 *)&msg, sizeof(msg), f->now);
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, FALSE), ==, TEMPEST_COOKIE_DROP);
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_DROP);
	/* a flipped MAC1 bit */
	tempest_cookie_initiation(f, &msg);
	msg.mac1[0] ^= 1;
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, FALSE), ==, TEMPEST_COOKIE_DROP);
	/* any other length than an initiation's or a response's */
	g_assert_false(tempest_cookie_checker_check_mac1(f->b_checker, (guint8 *)&msg, 100));
}

/* under load: no MAC2, cookie reply, MAC2 with the cookie, accepted */
static void
tempest_cookie_round_trip_func(TempestCookieFixture *f, gconstpointer data)
{
	const TempestAead *aead = tempest_aead_sodium();
	TempestMsgInitiation msg;
	TempestMsgCookieReply reply;
	const TempestMsgCookieReply *parsed = NULL;
	guint8 zero[TEMPEST_MAC_LEN] = {0};

	tempest_cookie_initiation(f, &msg);
	g_assert_cmpmem(msg.mac2, TEMPEST_MAC_LEN, zero, TEMPEST_MAC_LEN);
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_SEND_REPLY);
	tempest_cookie_checker_create_reply(f->b_checker, aead, (guint8 *)&msg, sizeof(msg),
					    f->addr, f->addr_len, f->now, &reply);
	g_assert_cmpint(tempest_msg_parse_cookie_reply((guint8 *)&reply, sizeof(reply), &parsed),
			==, TEMPEST_MSG_OK);
	g_assert_cmpuint(tempest_msg_get_u32(parsed->receiver), ==, 77);

	/* a tampered reply does not open; the genuine one does, once */
	{
		TempestMsgCookieReply bad = reply;

		bad.encrypted_cookie[3] ^= 1;
		g_assert_false(tempest_cookie_generator_consume_reply(f->to_b, aead, &bad, f->now));
		bad = reply;
		bad.nonce[0] ^= 1;
		g_assert_false(tempest_cookie_generator_consume_reply(f->to_b, aead, &bad, f->now));
	}
	g_assert_true(tempest_cookie_generator_consume_reply(f->to_b, aead, &reply, f->now));
	g_assert_false(tempest_cookie_generator_consume_reply(f->to_b, aead, &reply, f->now));

	/* the next initiation carries MAC2 and passes under load */
	f->now += G_USEC_PER_SEC;
	tempest_cookie_initiation(f, &msg);
	g_assert_false(memcmp(msg.mac2, zero, TEMPEST_MAC_LEN) == 0);
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_ACCEPT);
	/* from another port the cookie is not valid */
	f->addr[5] ^= 1;
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_SEND_REPLY);
	f->addr[5] ^= 1;
	/* a tampered MAC2 */
	msg.mac2[15] ^= 0x40;
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_SEND_REPLY);
	/* but without load MAC2 is not looked at */
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, FALSE), ==, TEMPEST_COOKIE_ACCEPT);
}

/* cookies age out on both sides: the checker's secret after 120 s, the sender's cookie a little
 * earlier, so it never sends one that expires in flight */
static void
tempest_cookie_expiry_func(TempestCookieFixture *f, gconstpointer data)
{
	const TempestAead *aead = tempest_aead_sodium();
	const gint64 born = f->now;
	guint8 zero[TEMPEST_MAC_LEN] = {0};
	TempestMsgInitiation msg;
	TempestMsgCookieReply reply;

	tempest_cookie_initiation(f, &msg);
	tempest_cookie_checker_create_reply(f->b_checker, aead, (guint8 *)&msg, sizeof(msg),
					    f->addr, f->addr_len, f->now, &reply);
	g_assert_true(tempest_cookie_generator_consume_reply(f->to_b, aead, &reply, f->now));

	f->now = born + TEMPEST_COOKIE_REFRESH_TIME - TEMPEST_COOKIE_LATENCY - 1;
	tempest_cookie_initiation(f, &msg);
	g_assert_false(memcmp(msg.mac2, zero, TEMPEST_MAC_LEN) == 0);
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_ACCEPT);
	f->now = born + TEMPEST_COOKIE_REFRESH_TIME - TEMPEST_COOKIE_LATENCY;
	tempest_cookie_initiation(f, &msg);
	g_assert_cmpmem(msg.mac2, TEMPEST_MAC_LEN, zero, TEMPEST_MAC_LEN);

	/* a MAC2 made in time but checked after the secret rotated */
	f->now = born + 60 * G_USEC_PER_SEC;
	tempest_cookie_initiation(f, &msg);
	f->now = born + TEMPEST_COOKIE_REFRESH_TIME;
	g_assert_cmpint(tempest_cookie_b_validates(f, &msg, TRUE), ==, TEMPEST_COOKIE_SEND_REPLY);
}

/* a cookie reply answers one particular message: sealed to its MAC1 */
static void
tempest_cookie_unsolicited_func(TempestCookieFixture *f, gconstpointer data)
{
	const TempestAead *aead = tempest_aead_sodium();
	g_autoptr(TempestCookieGenerator) fresh = tempest_cookie_generator_new(f->b->public_key);
	TempestMsgInitiation msg, later;
	TempestMsgCookieReply reply;

	tempest_cookie_initiation(f, &msg);
	tempest_cookie_checker_create_reply(f->b_checker, aead, (guint8 *)&msg, sizeof(msg),
					    f->addr, f->addr_len, f->now, &reply);
	/* a generator that sent nothing */
	g_assert_false(tempest_cookie_generator_consume_reply(fresh, aead, &reply, f->now));
	/* the reply to an earlier message, once a later one went out */
	tempest_cookie_initiation(f, &later);
	g_assert_false(tempest_cookie_generator_consume_reply(f->to_b, aead, &reply, f->now));
}

/* the OpenSSL backend seals cookie replies the sodium backend opens, and back */
static void
tempest_cookie_backends_func(TempestCookieFixture *f, gconstpointer data)
{
	const TempestAead *openssl = tempest_aead_openssl();
	TempestMsgInitiation msg;
	TempestMsgCookieReply reply;

	if (openssl == NULL) {
		g_test_skip("built without OpenSSL");
		return;
	}
	tempest_cookie_initiation(f, &msg);
	tempest_cookie_checker_create_reply(f->b_checker, openssl, (guint8 *)&msg, sizeof(msg),
					    f->addr, f->addr_len, f->now, &reply);
	g_assert_true(tempest_cookie_generator_consume_reply(f->to_b, tempest_aead_sodium(), &reply,
							     f->now));
	tempest_cookie_initiation(f, &msg);
	tempest_cookie_checker_create_reply(f->b_checker, tempest_aead_sodium(), (guint8 *)&msg,
					    sizeof(msg), f->addr, f->addr_len, f->now, &reply);
	g_assert_true(tempest_cookie_generator_consume_reply(f->to_b, openssl, &reply, f->now));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	tempest_crypto_init();
	g_test_add_func("/tempest/cookie/address", tempest_cookie_address_func);
	g_test_add("/tempest/cookie/mac1", TempestCookieFixture, NULL,
		   tempest_cookie_fixture_set_up, tempest_cookie_mac1_func,
		   tempest_cookie_fixture_tear_down);
	g_test_add("/tempest/cookie/round-trip", TempestCookieFixture, NULL,
		   tempest_cookie_fixture_set_up, tempest_cookie_round_trip_func,
		   tempest_cookie_fixture_tear_down);
	g_test_add("/tempest/cookie/expiry", TempestCookieFixture, NULL,
		   tempest_cookie_fixture_set_up, tempest_cookie_expiry_func,
		   tempest_cookie_fixture_tear_down);
	g_test_add("/tempest/cookie/unsolicited", TempestCookieFixture, NULL,
		   tempest_cookie_fixture_set_up, tempest_cookie_unsolicited_func,
		   tempest_cookie_fixture_tear_down);
	g_test_add("/tempest/cookie/backends", TempestCookieFixture, NULL,
		   tempest_cookie_fixture_set_up, tempest_cookie_backends_func,
		   tempest_cookie_fixture_tear_down);
	return g_test_run();
}
