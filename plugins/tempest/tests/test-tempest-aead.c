/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "tempest-aead.h"
#include "tempest-test-hex.h"

/* RFC 8439 §2.8.2 and draft-irtf-cfrg-xchacha-03 A.3.1, copied from the documents */
static const gchar tempest_test_plain[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
	"future, sunscreen would be it.";
#define TEMPEST_TEST_PLAIN_LEN (sizeof(tempest_test_plain) - 1)
static const gchar *tempest_test_ad = "50515253c0c1c2c3c4c5c6c7";
static const gchar *tempest_test_key =
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
static const gchar *tempest_test_sealed =
	"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69"
	"da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67594"
	"5585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
	"1ae10b594f09e26a7e902ecbd0600691";
static const gchar *tempest_test_xsealed =
	"bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
	"4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
	"76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
	"c0875924c1c7987947deafd8780acf49";

/* the backends under test: each test runs once per built-in backend */
static const TempestAead *
tempest_test_backend(gconstpointer data)
{
	const TempestAead *aead =
		GPOINTER_TO_INT(data) == 0 ? tempest_aead_sodium() : tempest_aead_openssl();

	g_assert_nonnull(aead);
	return aead;
}

static void
tempest_aead_rfc8439_func(gconstpointer data)
{
	const TempestAead *aead = tempest_test_backend(data);
	guint8 key[32], ad[12], nonce[12], buf[TEMPEST_TEST_PLAIN_LEN + TEMPEST_AEAD_TAG_LEN];
	const gsize n = TEMPEST_TEST_PLAIN_LEN;

	tempest_test_unhex(key, 32, tempest_test_key);
	tempest_test_unhex(ad, 12, tempest_test_ad);
	tempest_test_unhex(nonce, 12, "070000004041424344454647");
	aead->seal_nonce(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	tempest_test_assert_hex(buf, sizeof(buf), tempest_test_sealed);

	/* in place: the packet path seals and opens in its own buffer */
	memcpy(buf, tempest_test_plain, n);
	aead->seal_nonce(buf, buf, n, ad, 12, nonce, key);
	tempest_test_assert_hex(buf, sizeof(buf), tempest_test_sealed);
	g_assert_true(aead->open_nonce(buf, buf, sizeof(buf), ad, 12, nonce, key));
	g_assert_cmpmem(buf, n, tempest_test_plain, n);

	/* a flipped bit in the text, the tag or the AD, or a short input, does not open */
	aead->seal_nonce(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	buf[3] ^= 0x10;
	g_assert_false(aead->open_nonce(buf, buf, sizeof(buf), ad, 12, nonce, key));
	aead->seal_nonce(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	buf[sizeof(buf) - 1] ^= 0x01;
	g_assert_false(aead->open_nonce(buf, buf, sizeof(buf), ad, 12, nonce, key));
	aead->seal_nonce(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	ad[0] ^= 1;
	g_assert_false(aead->open_nonce(buf, buf, sizeof(buf), ad, 12, nonce, key));
	g_assert_false(aead->open_nonce(buf, buf, TEMPEST_AEAD_TAG_LEN - 1, NULL, 0, nonce, key));
}

static void
tempest_aead_xchacha_func(gconstpointer data)
{
	const TempestAead *aead = tempest_test_backend(data);
	guint8 key[32], ad[12], nonce[24], buf[TEMPEST_TEST_PLAIN_LEN + TEMPEST_AEAD_TAG_LEN];
	const gsize n = TEMPEST_TEST_PLAIN_LEN;

	tempest_test_unhex(key, 32, tempest_test_key);
	tempest_test_unhex(ad, 12, tempest_test_ad);
	tempest_test_unhex(nonce, 24, "404142434445464748494a4b4c4d4e4f5051525354555657");
	aead->xseal(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	tempest_test_assert_hex(buf, sizeof(buf), tempest_test_xsealed);
	g_assert_true(aead->xopen(buf, buf, sizeof(buf), ad, 12, nonce, key));
	g_assert_cmpmem(buf, n, tempest_test_plain, n);
	aead->xseal(buf, (const guint8 *)tempest_test_plain, n, ad, 12, nonce, key);
	nonce[23] ^= 1;
	g_assert_false(aead->xopen(buf, buf, sizeof(buf), ad, 12, nonce, key));
}

/* WireGuard's nonce: 4 zero bytes then the counter little-endian; an empty text seals to a
 * tag alone (a keepalive) */
static void
tempest_aead_counter_func(gconstpointer data)
{
	const TempestAead *aead = tempest_test_backend(data);
	const guint8 nonce[12] = {0, 0, 0, 0, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};
	guint8 key[32], a[64 + 16], b[64 + 16], plain[64], tag[16], empty[1];

	tempest_test_unhex(key, 32, tempest_test_key);
	memset(plain, 0x5a, sizeof(plain));
	aead->seal(a, plain, 64, NULL, 0, G_GUINT64_CONSTANT(0x0123456789abcdef), key);
	aead->seal_nonce(b, plain, 64, NULL, 0, nonce, key);
	g_assert_cmpmem(a, sizeof(a), b, sizeof(b));
	g_assert_true(
		aead->open(b, a, sizeof(a), NULL, 0, G_GUINT64_CONSTANT(0x0123456789abcdef), key));
	g_assert_cmpmem(b, 64, plain, 64);
	g_assert_false(aead->open(b, a, sizeof(a), NULL, 0, 0, key));

	aead->seal(tag, empty, 0, NULL, 0, 7, key);
	g_assert_true(aead->open(empty, tag, sizeof(tag), NULL, 0, 7, key));
	g_assert_false(aead->open(empty, tag, sizeof(tag), NULL, 0, 8, key));
}

/* the two backends agree on random packets of every size up to 1500 bytes */
static void
tempest_aead_cross_func(void)
{
	const TempestAead *sodium = tempest_aead_sodium();
	const TempestAead *openssl = tempest_aead_openssl();
	guint8 key[32], plain[1500], a[1516], b[1516];

	if (openssl == NULL) {
		g_test_skip("built without OpenSSL");
		return;
	}
	randombytes_buf(key, sizeof(key));
	randombytes_buf(plain, sizeof(plain));
	for (gsize len = 0; len <= sizeof(plain); len += 1 + len / 4) {
		sodium->seal(a, plain, len, NULL, 0, len, key);
		openssl->seal(b, plain, len, NULL, 0, len, key);
		g_assert_cmpmem(a, len + 16, b, len + 16);
		g_assert_true(openssl->open(b, a, len + 16, NULL, 0, len, key));
		g_assert_cmpmem(b, len, plain, len);
	}
}

static void
tempest_aead_select_func(void)
{
	g_autoptr(GError) error = NULL;
	const TempestAead *aead;

	aead = tempest_aead_select("sodium", &error);
	g_assert_no_error(error);
	g_assert_true(aead == tempest_aead_sodium());

	aead = tempest_aead_select("openssl", &error);
	if (tempest_aead_openssl() != NULL) {
		g_assert_no_error(error);
		g_assert_true(aead == tempest_aead_openssl());
	} else {
		g_assert_error(error, TEMPEST_AEAD_ERROR, TEMPEST_AEAD_ERROR_UNAVAILABLE);
		g_clear_error(&error);
	}

	aead = tempest_aead_select("auto", &error);
	g_assert_no_error(error);
	g_assert_nonnull(aead);
	g_assert_true(aead == tempest_aead_sodium() || aead == tempest_aead_openssl());
	g_test_message("auto picked %s", aead->name);

	aead = tempest_aead_select("chacha-in-hardware", &error);
	g_assert_error(error, TEMPEST_AEAD_ERROR, TEMPEST_AEAD_ERROR_UNKNOWN);
	g_assert_null(aead);
}

static void
tempest_aead_self_test_func(void)
{
	g_assert_true(tempest_aead_self_test(tempest_aead_sodium()));
	if (tempest_aead_openssl() != NULL)
		g_assert_true(tempest_aead_self_test(tempest_aead_openssl()));
	g_assert_cmpfloat(tempest_aead_measure(tempest_aead_sodium(), 1000), >, 0.0);
}

int
main(int argc, char **argv)
{
	const gchar *names[] = {"sodium", "openssl"};

	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	if (sodium_init() < 0)
		g_error("sodium_init");
	for (gint i = 0; i < 2; i++) {
		g_autofree gchar *p1 = g_strdup_printf("/tempest/aead/%s/rfc8439", names[i]);
		g_autofree gchar *p2 = g_strdup_printf("/tempest/aead/%s/xchacha", names[i]);
		g_autofree gchar *p3 = g_strdup_printf("/tempest/aead/%s/counter", names[i]);

		if (i == 1 && tempest_aead_openssl() == NULL)
			continue;
		g_test_add_data_func(p1, GINT_TO_POINTER(i), tempest_aead_rfc8439_func);
		g_test_add_data_func(p2, GINT_TO_POINTER(i), tempest_aead_xchacha_func);
		g_test_add_data_func(p3, GINT_TO_POINTER(i), tempest_aead_counter_func);
	}
	g_test_add_func("/tempest/aead/cross", tempest_aead_cross_func);
	g_test_add_func("/tempest/aead/select", tempest_aead_select_func);
	g_test_add_func("/tempest/aead/self-test", tempest_aead_self_test_func);
	return g_test_run();
}
