/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "tempest-crypto.h"
#include "tempest-noise.h"
#include "tempest-test-hex.h"

/* RFC 7693 appendix A: BLAKE2s-256 of "abc", once whole and once split across the two halves */
static void
tempest_crypto_blake2s_func(void)
{
	guint8 out[TEMPEST_HASH_LEN];
	const gchar *want = "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";

	tempest_hash2(out, (const guint8 *)"abc", 3, NULL, 0);
	tempest_test_assert_hex(out, sizeof(out), want);
	tempest_hash2(out, (const guint8 *)"a", 1, (const guint8 *)"bc", 2);
	tempest_test_assert_hex(out, sizeof(out), want);
}

/* The expected values below were made by tempest-vectors.py (Python's hashlib.blake2s
 * and hmac, nothing of ours) with key 00 01 .. 1f, and pasted here. */
static void
tempest_crypto_hmac_func(void)
{
	guint8 key[32], out[TEMPEST_HASH_LEN], mac[TEMPEST_MAC_LEN], long_input[200];

	for (guint i = 0; i < sizeof(key); i++)
		key[i] = i;
	tempest_hmac(out, key, (const guint8 *)"tempest", 7);
	tempest_test_assert_hex(out, sizeof(out),
				"d86f9de59fa3de92482333ab0b4db9418f9d58d0496fb145d066f2ff49767f85");
	/* an input longer than BLAKE2s' 64-byte block */
	memset(long_input, 0xaa, sizeof(long_input));
	tempest_hmac(out, key, long_input, sizeof(long_input));
	tempest_test_assert_hex(out, sizeof(out),
				"72ef5c98444ff473a0e1f45ef784062a3ae2cdfa8f693d2317cb07fa486fc40b");
	tempest_mac(mac, key, 32, (const guint8 *)"tempest", 7);
	tempest_test_assert_hex(mac, sizeof(mac), "2009dac6f1cb6a26baf7689d8ad85512");
	/* a 16-byte key, as MAC2 uses the cookie */
	tempest_mac(mac, key, 16, (const guint8 *)"tempest", 7);
	tempest_test_assert_hex(mac, sizeof(mac), "ec93a361de6a7509663e491a11058a7d");
}

static void
tempest_crypto_kdf_func(void)
{
	guint8 key[32], a[32], b[32], c[32], a1[32];

	for (guint i = 0; i < sizeof(key); i++)
		key[i] = i;
	tempest_kdf(a, b, c, key, (const guint8 *)"tempest", 7);
	tempest_test_assert_hex(a, 32,
				"7e97a0b062120e7f69120141bf4f99529e05f218a86bddd5c347305168aec13f");
	tempest_test_assert_hex(b, 32,
				"1f5f6c8bb1fc178f129da5c621c1bc447fea3ae1d183df9381ce15ed5839872d");
	tempest_test_assert_hex(c, 32,
				"85152c8a861a4f97b1034397ec8f7d7a3e0a825b7add7fc2ee1182ae561bcfb3");
	/* KDF1 is KDF3's first output */
	tempest_kdf(a1, NULL, NULL, key, (const guint8 *)"tempest", 7);
	g_assert_cmpmem(a1, 32, a, 32);
	/* the empty input, as the transport keys are derived; output written over the key */
	memcpy(a, key, 32);
	tempest_kdf(a, b, NULL, a, NULL, 0);
	tempest_test_assert_hex(a, 32,
				"7a38c34bf2b8738d7374ca77c44ecb309a11d2b2528304fa86052c365e722624");
	tempest_test_assert_hex(b, 32,
				"1a17621f346abdc520746a9fb64d8eb03231d674fc15687537b0780fd9c060fd");
}

static void
tempest_crypto_x25519_func(void)
{
	guint8 k[32], u[32], out[32], alice[32], bob[32], alice_pub[32], bob_pub[32];

	/* RFC 7748 §5.2, both vectors */
	tempest_test_unhex(k, 32,
			   "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
	tempest_test_unhex(u, 32,
			   "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
	g_assert_true(tempest_dh(out, k, u));
	tempest_test_assert_hex(out, 32,
				"c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	tempest_test_unhex(k, 32,
			   "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
	tempest_test_unhex(u, 32,
			   "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
	g_assert_true(tempest_dh(out, k, u));
	tempest_test_assert_hex(out, 32,
				"95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");

	/* RFC 7748 §6.1: both public keys and the shared secret, from both sides */
	tempest_test_unhex(alice, 32,
			   "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	tempest_test_unhex(bob, 32,
			   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	g_assert_true(tempest_public_key_from_private(alice_pub, alice));
	tempest_test_assert_hex(alice_pub, 32,
				"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	g_assert_true(tempest_public_key_from_private(bob_pub, bob));
	tempest_test_assert_hex(bob_pub, 32,
				"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	g_assert_true(tempest_dh(out, alice, bob_pub));
	tempest_test_assert_hex(out, 32,
				"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	g_assert_true(tempest_dh(out, bob, alice_pub));
	tempest_test_assert_hex(out, 32,
				"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

/* low-order points give an all-zero secret, which must be refused */
static void
tempest_crypto_x25519_zero_func(void)
{
	guint8 k[32], zero[32] = {0}, one[32] = {1}, out[32];

	tempest_private_key_generate(k);
	g_assert_false(tempest_dh(out, k, zero));
	g_assert_true(tempest_is_zero(out, sizeof(out)));
	g_assert_false(tempest_dh(out, k, one));
	g_assert_false(tempest_public_key_from_private(out, zero));
}

static void
tempest_crypto_keygen_func(void)
{
	guint8 a[32], b[32], pub[32];

	tempest_private_key_generate(a);
	tempest_private_key_generate(b);
	g_assert_false(memcmp(a, b, 32) == 0);
	/* clamped as `wg genkey` clamps */
	g_assert_cmpuint(a[0] & 7, ==, 0);
	g_assert_cmpuint(a[31] & 0xc0, ==, 0x40);
	g_assert_true(tempest_public_key_from_private(pub, a));
	g_assert_false(tempest_is_zero(pub, 32));
}

static void
tempest_crypto_timestamp_func(void)
{
	guint8 ts[TEMPEST_TIMESTAMP_LEN], before[TEMPEST_TIMESTAMP_LEN];

	/* 2^62 + seconds, then nanoseconds, both big-endian */
	tempest_timestamp_from_unix(ts, 1700000000, 123456789);
	tempest_test_assert_hex(ts, sizeof(ts), "400000006553f100075bcd15");
	tempest_timestamp_from_unix(before, 1700000000, 123456788);
	g_assert_cmpint(memcmp(before, ts, sizeof(ts)), <, 0);

	/* now: later than 2026-01-01 and with its low 24 bits of nanoseconds cleared */
	tempest_timestamp_now(ts);
	tempest_timestamp_from_unix(before, 1767225600, 0);
	g_assert_cmpint(memcmp(before, ts, sizeof(ts)), <, 0);
	g_assert_cmpuint(ts[9] | ts[10] | ts[11], ==, 0);
}

/* the construction's constants: HASH(CONSTRUCTION) and HASH(that || IDENTIFIER), as
 * tempest-vectors.py computes them (and as WireGuard's implementations hard-code the first) */
static void
tempest_crypto_constants_func(void)
{
	tempest_test_assert_hex(tempest_noise_initial_chaining_key(), TEMPEST_HASH_LEN,
				"60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
	tempest_test_assert_hex(tempest_noise_initial_hash(), TEMPEST_HASH_LEN,
				"2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	tempest_crypto_init();
	g_test_add_func("/tempest/crypto/blake2s", tempest_crypto_blake2s_func);
	g_test_add_func("/tempest/crypto/hmac", tempest_crypto_hmac_func);
	g_test_add_func("/tempest/crypto/kdf", tempest_crypto_kdf_func);
	g_test_add_func("/tempest/crypto/x25519", tempest_crypto_x25519_func);
	g_test_add_func("/tempest/crypto/x25519-zero", tempest_crypto_x25519_zero_func);
	g_test_add_func("/tempest/crypto/keygen", tempest_crypto_keygen_func);
	g_test_add_func("/tempest/crypto/timestamp", tempest_crypto_timestamp_func);
	g_test_add_func("/tempest/crypto/constants", tempest_crypto_constants_func);
	return g_test_run();
}
