/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>
#include <string.h>

#include "pegasus-handshake.h"

/* The transport handshake: both sides derive the same keys, the right peer is proven on each
 * side, a tampered or foreign message fails, and a replayed initiation opens nothing. */

typedef struct {
	guint8 ed_public[crypto_sign_PUBLICKEYBYTES];
	guint8 ed_secret[crypto_sign_SECRETKEYBYTES];
	PegasusIdentity *identity;
	guint8 x_public[PEGASUS_KEY_LEN];
} TestPeer;

static void
test_peer_init(TestPeer *peer)
{
	g_assert_cmpint(sodium_init(), >=, 0);
	crypto_sign_keypair(peer->ed_public, peer->ed_secret);
	peer->identity = pegasus_identity_new(peer->ed_secret, sizeof(peer->ed_secret));
	g_assert_nonnull(peer->identity);
	g_assert_true(pegasus_public_key_from_ed25519(peer->x_public, peer->ed_public,
						      sizeof(peer->ed_public)));
	g_assert_cmpmem(peer->x_public, 32, peer->identity->public_key, 32);
}

static void
test_peer_clear(TestPeer *peer)
{
	pegasus_identity_free(peer->identity);
}

/* a whole handshake: the responder's keys in *resp, the initiator's in *init */
static void
test_handshake(TestPeer *a, TestPeer *b, guint8 initiation[PEGASUS_INITIATION_LEN],
	       PegasusKeys *init, PegasusKeys *resp)
{
	g_autoptr(PegasusHandshake) hi = pegasus_handshake_new_initiator(a->identity, b->x_public);
	g_autoptr(PegasusHandshake) hr = pegasus_handshake_new_responder(b->identity);
	guint8 response[PEGASUS_RESPONSE_LEN];
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];

	g_assert_cmpint(pegasus_handshake_write_initiation(hi, initiation), ==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_read_initiation(hr, initiation, PEGASUS_INITIATION_LEN,
							  remote, stamp),
			==, PEGASUS_HS_OK);
	g_assert_cmpmem(remote, 32, a->x_public, 32);
	g_assert_cmpint(pegasus_handshake_write_response(hr, response, resp), ==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_read_response(hi, response, sizeof(response), init), ==,
			PEGASUS_HS_OK);
}

static void
test_keys_agree(void)
{
	TestPeer a, b;
	PegasusKeys ki, kr;
	guint8 initiation[PEGASUS_INITIATION_LEN];

	test_peer_init(&a);
	test_peer_init(&b);
	test_handshake(&a, &b, initiation, &ki, &kr);
	g_assert_true(ki.is_initiator);
	g_assert_false(kr.is_initiator);
	g_assert_cmpmem(ki.send_key, 32, kr.recv_key, 32);
	g_assert_cmpmem(ki.recv_key, 32, kr.send_key, 32);
	g_assert_true(memcmp(ki.send_key, ki.recv_key, 32) != 0);
	g_assert_cmpint(initiation[0], ==, PEGASUS_MSG_INITIATION);
	test_peer_clear(&a);
	test_peer_clear(&b);
}

/* the initiator dials b's key but c answers: c cannot even open the initiation, and a
 * response made by c for its own handshake does not pass the initiator */
static void
test_wrong_responder(void)
{
	TestPeer a, b, c;
	guint8 initiation[PEGASUS_INITIATION_LEN];
	guint8 response[PEGASUS_RESPONSE_LEN];
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	PegasusKeys keys;
	g_autoptr(PegasusHandshake) hi = NULL;
	g_autoptr(PegasusHandshake) hc = NULL;
	g_autoptr(PegasusHandshake) hi2 = NULL;
	g_autoptr(PegasusHandshake) hc2 = NULL;
	guint8 initiation2[PEGASUS_INITIATION_LEN];

	test_peer_init(&a);
	test_peer_init(&b);
	test_peer_init(&c);
	hi = pegasus_handshake_new_initiator(a.identity, b.x_public);
	hc = pegasus_handshake_new_responder(c.identity);
	g_assert_cmpint(pegasus_handshake_write_initiation(hi, initiation), ==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_read_initiation(hc, initiation, sizeof(initiation),
							  remote, stamp),
			==, PEGASUS_HS_ERROR_DECRYPT);
	/* c answers an initiation meant for it with a response: a, waiting for b, refuses it */
	hi2 = pegasus_handshake_new_initiator(a.identity, c.x_public);
	hc2 = pegasus_handshake_new_responder(c.identity);
	g_assert_cmpint(pegasus_handshake_write_initiation(hi2, initiation2), ==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_read_initiation(hc2, initiation2, sizeof(initiation2),
							  remote, stamp),
			==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_write_response(hc2, response, &keys), ==, PEGASUS_HS_OK);
	g_assert_cmpint(pegasus_handshake_read_response(hi, response, sizeof(response), &keys), ==,
			PEGASUS_HS_ERROR_DECRYPT);
	test_peer_clear(&a);
	test_peer_clear(&b);
	test_peer_clear(&c);
}

static void
test_tampered_and_malformed(void)
{
	TestPeer a, b;
	guint8 initiation[PEGASUS_INITIATION_LEN];
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	g_autoptr(PegasusHandshake) hi = NULL;

	test_peer_init(&a);
	test_peer_init(&b);
	hi = pegasus_handshake_new_initiator(a.identity, b.x_public);
	g_assert_cmpint(pegasus_handshake_write_initiation(hi, initiation), ==, PEGASUS_HS_OK);
	/* each byte after the header, flipped: never accepted */
	for (gsize i = 4; i < sizeof(initiation); i += 7) {
		g_autoptr(PegasusHandshake) hr = pegasus_handshake_new_responder(b.identity);
		guint8 copy[PEGASUS_INITIATION_LEN];

		memcpy(copy, initiation, sizeof(copy));
		copy[i] ^= 0x40;
		g_assert_cmpint(
			pegasus_handshake_read_initiation(hr, copy, sizeof(copy), remote, stamp),
			!=, PEGASUS_HS_OK);
	}
	/* wrong type (a WireGuard initiation is type 1), reserved bytes, length */
	for (guint i = 0; i < 3; i++) {
		g_autoptr(PegasusHandshake) hr = pegasus_handshake_new_responder(b.identity);
		guint8 copy[PEGASUS_INITIATION_LEN];
		gsize len = sizeof(copy);

		memcpy(copy, initiation, sizeof(copy));
		if (i == 0)
			copy[0] = 1;
		else if (i == 1)
			copy[2] = 1;
		else
			len--;
		g_assert_cmpint(pegasus_handshake_read_initiation(hr, copy, len, remote, stamp), ==,
				PEGASUS_HS_ERROR_LENGTH);
	}
	test_peer_clear(&a);
	test_peer_clear(&b);
}

/* A captured initiation replayed: its timestamp is not newer than the one already accepted,
 * which the responder checks; and to a responder that kept no record it yields keys unlike the
 * original session's (the responder's ephemeral is fresh), so nothing recorded in the original
 * session, and nothing the replayer can make, authenticates. */
static void
test_replay(void)
{
	TestPeer a, b;
	guint8 initiation[PEGASUS_INITIATION_LEN];
	guint8 response[PEGASUS_RESPONSE_LEN];
	guint8 remote[PEGASUS_KEY_LEN];
	guint8 first_stamp[PEGASUS_TIMESTAMP_LEN];
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	PegasusKeys ki, kr, kr2;
	g_autoptr(PegasusHandshake) hr = NULL;
	g_autoptr(PegasusHandshake) hr0 = NULL;

	test_peer_init(&a);
	test_peer_init(&b);
	test_handshake(&a, &b, initiation, &ki, &kr);
	hr0 = pegasus_handshake_new_responder(b.identity);
	g_assert_cmpint(pegasus_handshake_read_initiation(hr0, initiation, sizeof(initiation),
							  remote, first_stamp),
			==, PEGASUS_HS_OK);
	hr = pegasus_handshake_new_responder(b.identity);
	g_assert_cmpint(pegasus_handshake_read_initiation(hr, initiation, sizeof(initiation),
							  remote, stamp),
			==, PEGASUS_HS_OK);
	g_assert_false(pegasus_timestamp_newer(stamp, first_stamp));
	g_assert_cmpint(pegasus_handshake_write_response(hr, response, &kr2), ==, PEGASUS_HS_OK);
	g_assert_true(memcmp(kr2.recv_key, kr.recv_key, 32) != 0);
	g_assert_true(memcmp(kr2.recv_key, ki.send_key, 32) != 0);
	/* a step out of order is refused */
	g_assert_cmpint(pegasus_handshake_write_response(hr, response, &kr2), ==,
			PEGASUS_HS_ERROR_STATE);
	test_peer_clear(&a);
	test_peer_clear(&b);
}

static void
test_timestamps(void)
{
	guint8 t1[PEGASUS_TIMESTAMP_LEN];
	guint8 t2[PEGASUS_TIMESTAMP_LEN];

	pegasus_timestamp_now(t1);
	pegasus_timestamp_now(t2);
	g_assert_true(pegasus_timestamp_newer(t2, t1));
	g_assert_false(pegasus_timestamp_newer(t1, t2));
	g_assert_false(pegasus_timestamp_newer(t1, t1));
}

static void
test_bad_keys(void)
{
	guint8 out[PEGASUS_KEY_LEN];
	guint8 zero[32] = {0};
	guint8 short_key[63] = {0};

	g_assert_null(pegasus_identity_new(short_key, sizeof(short_key)));
	g_assert_false(pegasus_public_key_from_ed25519(out, zero, 31));
	/* the identity point has no usable X25519 key */
	zero[0] = 1;
	g_assert_false(pegasus_public_key_from_ed25519(out, zero, 32));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pegasus/handshake/keys-agree", test_keys_agree);
	g_test_add_func("/pegasus/handshake/wrong-responder", test_wrong_responder);
	g_test_add_func("/pegasus/handshake/tampered", test_tampered_and_malformed);
	g_test_add_func("/pegasus/handshake/replay", test_replay);
	g_test_add_func("/pegasus/handshake/timestamps", test_timestamps);
	g_test_add_func("/pegasus/handshake/bad-keys", test_bad_keys);
	return g_test_run();
}
