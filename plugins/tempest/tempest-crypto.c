/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-crypto.h"

#include <blake2.h>
#include <sodium.h>
#include <string.h>

#define TEMPEST_BLAKE2S_BLOCK 64

void
tempest_crypto_init(void)
{
	static gsize done = 0;

	if (g_once_init_enter(&done)) {
		if (sodium_init() < 0)
			g_error("libsodium cannot initialise");
		g_once_init_leave(&done, 1);
	}
}

gpointer
tempest_secure_alloc(gsize size)
{
	gsize rounded = (size + 15) & ~(gsize)15;
	gpointer mem;

	tempest_crypto_init();
	mem = sodium_malloc(rounded);
	if (mem == NULL)
		g_error("sodium_malloc: out of memory allocating %" G_GSIZE_FORMAT " bytes",
			rounded);
	memset(mem, 0, rounded);
	return mem;
}

void
tempest_secure_free(gpointer mem)
{
	sodium_free(mem);
}

void
tempest_hash2(guint8 out[TEMPEST_HASH_LEN], const guint8 *a, gsize a_len, const guint8 *b,
	      gsize b_len)
{
	blake2s_state state;

	blake2s_init(&state, TEMPEST_HASH_LEN);
	blake2s_update(&state, a, a_len);
	if (b_len > 0)
		blake2s_update(&state, b, b_len);
	blake2s_final(&state, out, TEMPEST_HASH_LEN);
	sodium_memzero(&state, sizeof(state));
}

void
tempest_mac(guint8 out[TEMPEST_MAC_LEN], const guint8 *key, gsize key_len, const guint8 *input,
	    gsize input_len)
{
	blake2s_state state;

	blake2s_init_key(&state, TEMPEST_MAC_LEN, key, key_len);
	blake2s_update(&state, input, input_len);
	blake2s_final(&state, out, TEMPEST_MAC_LEN);
	sodium_memzero(&state, sizeof(state));
}

/* HMAC with a key no longer than BLAKE2s' block, so it is zero-padded, never hashed first */
void
tempest_hmac(guint8 out[TEMPEST_HASH_LEN], const guint8 key[TEMPEST_HASH_LEN], const guint8 *input,
	     gsize input_len)
{
	guint8 pad[TEMPEST_BLAKE2S_BLOCK] = {0};
	guint8 inner[TEMPEST_HASH_LEN];
	blake2s_state state;

	memcpy(pad, key, TEMPEST_HASH_LEN);
	for (guint i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	blake2s_init(&state, TEMPEST_HASH_LEN);
	blake2s_update(&state, pad, sizeof(pad));
	blake2s_update(&state, input, input_len);
	blake2s_final(&state, inner, sizeof(inner));

	/* 0x36 ^ 0x5c turns the inner pad into the outer one */
	for (guint i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&state, TEMPEST_HASH_LEN);
	blake2s_update(&state, pad, sizeof(pad));
	blake2s_update(&state, inner, sizeof(inner));
	blake2s_final(&state, out, TEMPEST_HASH_LEN);

	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&state, sizeof(state));
}

void
tempest_kdf(guint8 out1[TEMPEST_HASH_LEN], guint8 *out2, guint8 *out3,
	    const guint8 key[TEMPEST_HASH_LEN], const guint8 *input, gsize input_len)
{
	guint8 prk[TEMPEST_HASH_LEN];
	guint8 block[TEMPEST_HASH_LEN + 1];

	tempest_hmac(prk, key, input, input_len);
	block[0] = 0x1;
	tempest_hmac(block, prk, block, 1);
	memcpy(out1, block, TEMPEST_HASH_LEN);
	if (out2 != NULL) {
		block[TEMPEST_HASH_LEN] = 0x2;
		tempest_hmac(block, prk, block, sizeof(block));
		memcpy(out2, block, TEMPEST_HASH_LEN);
	}
	if (out3 != NULL) {
		block[TEMPEST_HASH_LEN] = 0x3;
		tempest_hmac(block, prk, block, sizeof(block));
		memcpy(out3, block, TEMPEST_HASH_LEN);
	}
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(block, sizeof(block));
}

gboolean
tempest_dh(guint8 out[TEMPEST_KEY_LEN], const guint8 private_key[TEMPEST_KEY_LEN],
	   const guint8 public_key[TEMPEST_KEY_LEN])
{
	/* libsodium already refuses an all-zero result; the second check keeps that promise
	 * whatever the library version */
	if (crypto_scalarmult(out, private_key, public_key) != 0 ||
	    tempest_is_zero(out, TEMPEST_KEY_LEN)) {
		sodium_memzero(out, TEMPEST_KEY_LEN);
		return FALSE;
	}
	return TRUE;
}

void
tempest_private_key_clamp(guint8 key[TEMPEST_KEY_LEN])
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

void
tempest_private_key_generate(guint8 out[TEMPEST_KEY_LEN])
{
	randombytes_buf(out, TEMPEST_KEY_LEN);
	tempest_private_key_clamp(out);
}

gboolean
tempest_public_key_from_private(guint8 out[TEMPEST_KEY_LEN],
				const guint8 private_key[TEMPEST_KEY_LEN])
{
	if (tempest_is_zero(private_key, TEMPEST_KEY_LEN)) {
		memset(out, 0, TEMPEST_KEY_LEN);
		return FALSE;
	}
	return crypto_scalarmult_base(out, private_key) == 0;
}

void
tempest_timestamp_from_unix(guint8 out[TEMPEST_TIMESTAMP_LEN], gint64 seconds, guint32 nanoseconds)
{
	/* TAI64 labels second 0 of 1970 as 2^62 (the leap-second offset is ignored, as
	 * WireGuard ignores it: only the order of timestamps matters) */
	guint64 label = G_GUINT64_CONSTANT(0x4000000000000000) + (guint64)seconds;

	for (guint i = 0; i < 8; i++)
		out[i] = (guint8)(label >> (56 - 8 * i));
	for (guint i = 0; i < 4; i++)
		out[8 + i] = (guint8)(nanoseconds >> (24 - 8 * i));
}

void
tempest_timestamp_now(guint8 out[TEMPEST_TIMESTAMP_LEN])
{
	gint64 now = g_get_real_time();
	guint32 nanoseconds = (guint32)(now % G_USEC_PER_SEC) * 1000;

	tempest_timestamp_from_unix(out, now / G_USEC_PER_SEC, nanoseconds & ~0xffffffu);
}

gboolean
tempest_equal(const guint8 *a, const guint8 *b, gsize len)
{
	return sodium_memcmp(a, b, len) == 0;
}

gboolean
tempest_is_zero(const guint8 *a, gsize len)
{
	return sodium_is_zero(a, len) == 1;
}
