/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* The primitives of the WireGuard whitepaper (§5.4), named as it names them: HASH is BLAKE2s-256,
 * MAC is keyed BLAKE2s-128, HMAC is HMAC over BLAKE2s-256, KDFn is HKDF with HMAC-BLAKE2s, DH is
 * X25519. Every function is pure and thread-safe; none allocates. */

#define TEMPEST_KEY_LEN 32
#define TEMPEST_HASH_LEN 32
#define TEMPEST_MAC_LEN 16
#define TEMPEST_TIMESTAMP_LEN 12

/* sodium_init(), once; every constructor of tempest-core calls it, so callers need not */
void tempest_crypto_init(void);

/* sodium_malloc() of size rounded up to 16 bytes, so the block is aligned for any field (the
 * guarded allocator places blocks against the end of a page), zero-filled; aborts when out of
 * memory like g_malloc(). Free with tempest_secure_free(). */
gpointer tempest_secure_alloc(gsize size);

/* sodium_free(), which wipes the block first; NULL is allowed */
void tempest_secure_free(gpointer mem);

/* HASH(a || b): b may be NULL when b_len is 0 */
void tempest_hash2(guint8 out[TEMPEST_HASH_LEN], const guint8 *a, gsize a_len, const guint8 *b,
		   gsize b_len);

/* MAC(key, input): keyed BLAKE2s with a 16-byte output; key_len is 16 or 32 */
void tempest_mac(guint8 out[TEMPEST_MAC_LEN], const guint8 *key, gsize key_len, const guint8 *input,
		 gsize input_len);

/* HMAC(key, input) with BLAKE2s-256 (RFC 2104, block size 64) */
void tempest_hmac(guint8 out[TEMPEST_HASH_LEN], const guint8 key[TEMPEST_HASH_LEN],
		  const guint8 *input, gsize input_len);

/* KDFn(key, input) for n = 1..3: writes n outputs of 32 bytes; out2 and out3 may be NULL */
void tempest_kdf(guint8 out1[TEMPEST_HASH_LEN], guint8 *out2, guint8 *out3,
		 const guint8 key[TEMPEST_HASH_LEN], const guint8 *input, gsize input_len);

/* DH(private, public): FALSE when the result is all zeros (a low-order public key) */
gboolean tempest_dh(guint8 out[TEMPEST_KEY_LEN], const guint8 private_key[TEMPEST_KEY_LEN],
		    const guint8 public_key[TEMPEST_KEY_LEN]);

/* a fresh clamped X25519 private key (`wg genkey`) */
void tempest_private_key_generate(guint8 out[TEMPEST_KEY_LEN]);

/* clamps in place, as X25519 does on use and `wg` does on input */
void tempest_private_key_clamp(guint8 key[TEMPEST_KEY_LEN]);

/* `wg pubkey`: FALSE for the all-zero private key, which has no usable public key */
gboolean tempest_public_key_from_private(guint8 out[TEMPEST_KEY_LEN],
					 const guint8 private_key[TEMPEST_KEY_LEN]);

/* TAI64N of the wall clock, its nanoseconds rounded down to 2^24 ns so that the timestamp
 * does not leak fine timing to an observer who can decrypt it */
void tempest_timestamp_now(guint8 out[TEMPEST_TIMESTAMP_LEN]);

/* TAI64N of a UNIX time given in seconds and nanoseconds (no rounding) */
void tempest_timestamp_from_unix(guint8 out[TEMPEST_TIMESTAMP_LEN], gint64 seconds,
				 guint32 nanoseconds);

/* constant-time equality */
gboolean tempest_equal(const guint8 *a, const guint8 *b, gsize len);

/* TRUE when all len bytes are zero, in constant time */
gboolean tempest_is_zero(const guint8 *a, gsize len);
