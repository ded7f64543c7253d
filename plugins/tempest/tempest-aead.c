/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-aead.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#ifdef TEMPEST_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

G_DEFINE_QUARK(tempest - aead - error - quark, tempest_aead_error)

/* WireGuard's 96-bit nonce: 32 zero bits, then the counter in little-endian */
static void
tempest_aead_nonce(guint8 nonce[12], guint64 counter)
{
	memset(nonce, 0, 4);
	for (guint i = 0; i < 8; i++)
		nonce[4 + i] = (guint8)(counter >> (8 * i));
}

static void
tempest_aead_sodium_seal(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			 guint64 counter, const guint8 key[32])
{
	guint8 nonce[12];

	tempest_aead_nonce(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(dst, NULL, src, len, ad, ad_len, NULL, nonce,
						  key);
}

static gboolean
tempest_aead_sodium_open(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			 guint64 counter, const guint8 key[32])
{
	guint8 nonce[12];

	if (len < TEMPEST_AEAD_TAG_LEN)
		return FALSE;
	tempest_aead_nonce(nonce, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt(dst, NULL, NULL, src, len, ad, ad_len,
							 nonce, key) == 0;
}

static void
tempest_aead_sodium_seal_nonce(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			       gsize ad_len, const guint8 nonce[12], const guint8 key[32])
{
	crypto_aead_chacha20poly1305_ietf_encrypt(dst, NULL, src, len, ad, ad_len, NULL, nonce,
						  key);
}

static gboolean
tempest_aead_sodium_open_nonce(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			       gsize ad_len, const guint8 nonce[12], const guint8 key[32])
{
	if (len < TEMPEST_AEAD_TAG_LEN)
		return FALSE;
	return crypto_aead_chacha20poly1305_ietf_decrypt(dst, NULL, NULL, src, len, ad, ad_len,
							 nonce, key) == 0;
}

static void
tempest_aead_sodium_xseal(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			  const guint8 nonce[TEMPEST_AEAD_XNONCE_LEN], const guint8 key[32])
{
	crypto_aead_xchacha20poly1305_ietf_encrypt(dst, NULL, src, len, ad, ad_len, NULL, nonce,
						   key);
}

static gboolean
tempest_aead_sodium_xopen(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			  const guint8 nonce[TEMPEST_AEAD_XNONCE_LEN], const guint8 key[32])
{
	if (len < TEMPEST_AEAD_TAG_LEN)
		return FALSE;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(dst, NULL, NULL, src, len, ad, ad_len,
							  nonce, key) == 0;
}

static const TempestAead tempest_aead_sodium_backend = {
	.name = "sodium",
	.seal = tempest_aead_sodium_seal,
	.open = tempest_aead_sodium_open,
	.seal_nonce = tempest_aead_sodium_seal_nonce,
	.open_nonce = tempest_aead_sodium_open_nonce,
	.xseal = tempest_aead_sodium_xseal,
	.xopen = tempest_aead_sodium_xopen,
};

const TempestAead *
tempest_aead_sodium(void)
{
	return &tempest_aead_sodium_backend;
}

#ifdef TEMPEST_HAVE_OPENSSL

/* One cipher context per thread and direction, made on a thread's first packet and freed when
 * the thread ends: EVP_CIPHER_CTX_new() per packet would allocate on the packet path. */
static GPrivate tempest_aead_openssl_enc = G_PRIVATE_INIT((GDestroyNotify)EVP_CIPHER_CTX_free);
static GPrivate tempest_aead_openssl_dec = G_PRIVATE_INIT((GDestroyNotify)EVP_CIPHER_CTX_free);

static EVP_CIPHER_CTX *
tempest_aead_openssl_ctx(gboolean encrypt)
{
	GPrivate *slot = encrypt ? &tempest_aead_openssl_enc : &tempest_aead_openssl_dec;
	EVP_CIPHER_CTX *ctx = g_private_get(slot);

	if (ctx == NULL) {
		ctx = EVP_CIPHER_CTX_new();
		if (ctx == NULL ||
		    EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, NULL, NULL, encrypt) != 1)
			g_error("OpenSSL cannot make a ChaCha20-Poly1305 context");
		g_private_set(slot, ctx);
	}
	return ctx;
}

/* in and out may be the same buffer: ChaCha20 is a stream cipher and EVP allows it */
static gboolean
tempest_aead_openssl_run(gboolean encrypt, guint8 *dst, const guint8 *src, gsize len,
			 const guint8 *ad, gsize ad_len, const guint8 nonce[12],
			 const guint8 key[32], guint8 tag[TEMPEST_AEAD_TAG_LEN])
{
	EVP_CIPHER_CTX *ctx = tempest_aead_openssl_ctx(encrypt);
	int out_len = 0;

	if (len > G_MAXINT || ad_len > G_MAXINT)
		return FALSE;
	if (EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, encrypt) != 1)
		return FALSE;
	if (!encrypt &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TEMPEST_AEAD_TAG_LEN, tag) != 1)
		return FALSE;
	if (ad_len > 0 && EVP_CipherUpdate(ctx, NULL, &out_len, ad, (int)ad_len) != 1)
		return FALSE;
	if (len > 0 && EVP_CipherUpdate(ctx, dst, &out_len, src, (int)len) != 1)
		return FALSE;
	if (EVP_CipherFinal_ex(ctx, dst + len, &out_len) != 1)
		return FALSE;
	if (encrypt &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TEMPEST_AEAD_TAG_LEN, tag) != 1)
		return FALSE;
	return TRUE;
}

static void
tempest_aead_openssl_seal_nonce(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
				gsize ad_len, const guint8 nonce[12], const guint8 key[32])
{
	if (!tempest_aead_openssl_run(TRUE, dst, src, len, ad, ad_len, nonce, key, dst + len))
		g_error("OpenSSL ChaCha20-Poly1305 failed to seal");
}

static gboolean
tempest_aead_openssl_open_nonce(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
				gsize ad_len, const guint8 nonce[12], const guint8 key[32])
{
	guint8 tag[TEMPEST_AEAD_TAG_LEN];

	if (len < TEMPEST_AEAD_TAG_LEN)
		return FALSE;
	/* the tag is copied first: with dst == src, nothing overwrites it, but keep it simple */
	memcpy(tag, src + len - TEMPEST_AEAD_TAG_LEN, sizeof(tag));
	if (!tempest_aead_openssl_run(FALSE, dst, src, len - TEMPEST_AEAD_TAG_LEN, ad, ad_len,
				      nonce, key, tag)) {
		sodium_memzero(dst, len - TEMPEST_AEAD_TAG_LEN);
		return FALSE;
	}
	return TRUE;
}

static void
tempest_aead_openssl_seal(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			  guint64 counter, const guint8 key[32])
{
	guint8 nonce[12];

	tempest_aead_nonce(nonce, counter);
	tempest_aead_openssl_seal_nonce(dst, src, len, ad, ad_len, nonce, key);
}

static gboolean
tempest_aead_openssl_open(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			  guint64 counter, const guint8 key[32])
{
	guint8 nonce[12];

	tempest_aead_nonce(nonce, counter);
	return tempest_aead_openssl_open_nonce(dst, src, len, ad, ad_len, nonce, key);
}

/* OpenSSL 3.0 has no XChaCha20: derive its subkey with HChaCha20 (libsodium's core function)
 * and run OpenSSL's ChaCha20-Poly1305 under it, as the XChaCha draft (§2.3) defines */
static void
tempest_aead_openssl_xkey(guint8 subkey[32], guint8 nonce[12],
			  const guint8 xnonce[TEMPEST_AEAD_XNONCE_LEN], const guint8 key[32])
{
	crypto_core_hchacha20(subkey, xnonce, key, NULL);
	memset(nonce, 0, 4);
	memcpy(nonce + 4, xnonce + 16, 8);
}

static void
tempest_aead_openssl_xseal(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			   gsize ad_len, const guint8 xnonce[TEMPEST_AEAD_XNONCE_LEN],
			   const guint8 key[32])
{
	guint8 subkey[32];
	guint8 nonce[12];

	tempest_aead_openssl_xkey(subkey, nonce, xnonce, key);
	tempest_aead_openssl_seal_nonce(dst, src, len, ad, ad_len, nonce, subkey);
	sodium_memzero(subkey, sizeof(subkey));
}

static gboolean
tempest_aead_openssl_xopen(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			   gsize ad_len, const guint8 xnonce[TEMPEST_AEAD_XNONCE_LEN],
			   const guint8 key[32])
{
	guint8 subkey[32];
	guint8 nonce[12];
	gboolean ok;

	tempest_aead_openssl_xkey(subkey, nonce, xnonce, key);
	ok = tempest_aead_openssl_open_nonce(dst, src, len, ad, ad_len, nonce, subkey);
	sodium_memzero(subkey, sizeof(subkey));
	return ok;
}

static const TempestAead tempest_aead_openssl_backend = {
	.name = "openssl",
	.seal = tempest_aead_openssl_seal,
	.open = tempest_aead_openssl_open,
	.seal_nonce = tempest_aead_openssl_seal_nonce,
	.open_nonce = tempest_aead_openssl_open_nonce,
	.xseal = tempest_aead_openssl_xseal,
	.xopen = tempest_aead_openssl_xopen,
};

const TempestAead *
tempest_aead_openssl(void)
{
	return &tempest_aead_openssl_backend;
}

#else

const TempestAead *
tempest_aead_openssl(void)
{
	return NULL;
}

#endif

/* RFC 8439 §2.8.2 and draft-irtf-cfrg-xchacha-03 A.3.1 share plaintext, AD and key */
static const gchar tempest_aead_kat_plain[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
	"future, sunscreen would be it.";
static const guint8 tempest_aead_kat_ad[] = {0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1,
					     0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7};
static const guint8 tempest_aead_kat_nonce[12] = {0x07, 0x00, 0x00, 0x00, 0x40, 0x41,
						  0x42, 0x43, 0x44, 0x45, 0x46, 0x47};
static const gchar tempest_aead_kat_sealed[] =
	"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69"
	"da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67594"
	"5585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
	"1ae10b594f09e26a7e902ecbd0600691";
static const gchar tempest_aead_kat_xsealed[] =
	"bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
	"4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
	"76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
	"c0875924c1c7987947deafd8780acf49";

#define TEMPEST_AEAD_KAT_LEN (sizeof(tempest_aead_kat_plain) - 1)

static void
tempest_aead_kat_key(guint8 key[32], guint8 xnonce[TEMPEST_AEAD_XNONCE_LEN])
{
	for (guint i = 0; i < 32; i++)
		key[i] = 0x80 + i;
	for (guint i = 0; i < TEMPEST_AEAD_XNONCE_LEN; i++)
		xnonce[i] = 0x40 + i;
}

/* seals out of place and in place, compares with the hex, opens in place, flips a bit */
static gboolean
tempest_aead_kat_run(const TempestAead *aead, gboolean extended)
{
	guint8 key[32], xnonce[TEMPEST_AEAD_XNONCE_LEN];
	guint8 expected[TEMPEST_AEAD_KAT_LEN + TEMPEST_AEAD_TAG_LEN];
	guint8 buf[TEMPEST_AEAD_KAT_LEN + TEMPEST_AEAD_TAG_LEN];
	guint8 inplace[TEMPEST_AEAD_KAT_LEN + TEMPEST_AEAD_TAG_LEN];
	const guint8 *plain = (const guint8 *)tempest_aead_kat_plain;
	const guint8 *ad = tempest_aead_kat_ad;
	const gsize ad_len = sizeof(tempest_aead_kat_ad);
	const gsize n = TEMPEST_AEAD_KAT_LEN;

	tempest_aead_kat_key(key, xnonce);
	sodium_hex2bin(expected, sizeof(expected),
		       extended ? tempest_aead_kat_xsealed : tempest_aead_kat_sealed,
		       sizeof(expected) * 2, NULL, NULL, NULL);
	memcpy(inplace, plain, n);
	if (extended) {
		aead->xseal(buf, plain, n, ad, ad_len, xnonce, key);
		aead->xseal(inplace, inplace, n, ad, ad_len, xnonce, key);
	} else {
		aead->seal_nonce(buf, plain, n, ad, ad_len, tempest_aead_kat_nonce, key);
		aead->seal_nonce(inplace, inplace, n, ad, ad_len, tempest_aead_kat_nonce, key);
	}
	if (memcmp(buf, expected, sizeof(buf)) != 0 || memcmp(inplace, expected, sizeof(buf)) != 0)
		return FALSE;
	if (!(extended ? aead->xopen(inplace, inplace, sizeof(buf), ad, ad_len, xnonce, key)
		       : aead->open_nonce(inplace, inplace, sizeof(buf), ad, ad_len,
					  tempest_aead_kat_nonce, key)))
		return FALSE;
	if (memcmp(inplace, plain, n) != 0)
		return FALSE;
	buf[n] ^= 1;
	return !(extended ? aead->xopen(inplace, buf, sizeof(buf), ad, ad_len, xnonce, key)
			  : aead->open_nonce(inplace, buf, sizeof(buf), ad, ad_len,
					     tempest_aead_kat_nonce, key));
}

/* the counter nonce as WireGuard lays it out: sealing with counter c equals sealing with the
 * nonce 00000000 || c in little-endian */
static gboolean
tempest_aead_counter_run(const TempestAead *aead)
{
	const guint64 counter = G_GUINT64_CONSTANT(0x0102030405060708);
	const guint8 nonce[12] = {0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
	guint8 key[32], xnonce[TEMPEST_AEAD_XNONCE_LEN];
	guint8 a[64 + TEMPEST_AEAD_TAG_LEN], b[64 + TEMPEST_AEAD_TAG_LEN];
	const guint8 *plain = (const guint8 *)tempest_aead_kat_plain;

	tempest_aead_kat_key(key, xnonce);
	aead->seal(a, plain, 64, NULL, 0, counter, key);
	aead->seal_nonce(b, plain, 64, NULL, 0, nonce, key);
	if (memcmp(a, b, sizeof(a)) != 0)
		return FALSE;
	return aead->open(b, a, sizeof(a), NULL, 0, counter, key) && memcmp(b, plain, 64) == 0;
}

gboolean
tempest_aead_self_test(const TempestAead *aead)
{
	g_return_val_if_fail(aead != NULL, FALSE);
	return tempest_aead_kat_run(aead, FALSE) && tempest_aead_kat_run(aead, TRUE) &&
	       tempest_aead_counter_run(aead);
}

#define TEMPEST_AEAD_BENCH_LEN 1420

gint64
tempest_aead_cpu_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* CPU time of this thread, not the wall clock: on a shared machine another process's burst
 * would otherwise decide the backend */
gdouble
tempest_aead_measure(const TempestAead *aead, gint64 budget_us)
{
	static const guint8 key[32] = {1};
	g_autofree guint8 *buf = g_malloc0(TEMPEST_AEAD_BENCH_LEN + TEMPEST_AEAD_TAG_LEN);
	gint64 start, elapsed = 0;
	guint64 count = 0;

	/* warm up the cipher contexts and caches before the clock counts */
	aead->seal(buf, buf, TEMPEST_AEAD_BENCH_LEN, NULL, 0, 0, key);
	start = tempest_aead_cpu_time();
	while (elapsed < budget_us) {
		for (guint i = 0; i < 16; i++, count++)
			aead->seal(buf, buf, TEMPEST_AEAD_BENCH_LEN, NULL, 0, count, key);
		elapsed = tempest_aead_cpu_time() - start;
	}
	return (gdouble)elapsed * 1000.0 / (gdouble)count;
}

static const TempestAead *
tempest_aead_select_fastest(GError **error)
{
	const TempestAead *candidates[] = {tempest_aead_sodium(), tempest_aead_openssl()};
	const TempestAead *best = NULL;
	gdouble best_ns = G_MAXDOUBLE;

	for (guint i = 0; i < G_N_ELEMENTS(candidates); i++) {
		gdouble ns;

		if (candidates[i] == NULL || !tempest_aead_self_test(candidates[i]))
			continue;
		ns = tempest_aead_measure(candidates[i], 10000);
		g_debug("AEAD backend %s: %.0f ns per 1420-byte packet", candidates[i]->name, ns);
		if (ns < best_ns) {
			best = candidates[i];
			best_ns = ns;
		}
	}
	if (best == NULL)
		g_set_error_literal(error, TEMPEST_AEAD_ERROR, TEMPEST_AEAD_ERROR_SELF_TEST,
				    "no AEAD backend passes its self-test");
	return best;
}

const TempestAead *
tempest_aead_select(const gchar *name, GError **error)
{
	const TempestAead *aead;

	g_return_val_if_fail(name != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (g_strcmp0(name, "auto") == 0)
		return tempest_aead_select_fastest(error);
	if (g_strcmp0(name, "sodium") == 0) {
		aead = tempest_aead_sodium();
	} else if (g_strcmp0(name, "openssl") == 0) {
		aead = tempest_aead_openssl();
		if (aead == NULL) {
			g_set_error_literal(error, TEMPEST_AEAD_ERROR,
					    TEMPEST_AEAD_ERROR_UNAVAILABLE,
					    "AEAD backend openssl is not built in");
			return NULL;
		}
	} else {
		g_set_error(error, TEMPEST_AEAD_ERROR, TEMPEST_AEAD_ERROR_UNKNOWN,
			    "unknown AEAD backend %s: expected auto, sodium or openssl", name);
		return NULL;
	}
	if (!tempest_aead_self_test(aead)) {
		g_set_error(error, TEMPEST_AEAD_ERROR, TEMPEST_AEAD_ERROR_SELF_TEST,
			    "AEAD backend %s fails its self-test", aead->name);
		return NULL;
	}
	return aead;
}
