/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-base64url.h"

#include <sodium.h>
#include <string.h>

/**
 * arc_base64url_encode:
 * @data: bytes
 * @len: length of @data
 *
 * Returns: (transfer full): unpadded base64url (RFC 4648 §5), as JOSE uses it
 */
gchar *
arc_base64url_encode(const guint8 *data, gsize len)
{
	gsize size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	gchar *out = g_malloc(size);
	sodium_bin2base64(out, size, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/**
 * arc_base64url_decode:
 * @text: unpadded base64url, untrusted
 * @text_len: bytes in @text, or -1 if NUL-terminated
 * @out_len: (out): bytes decoded
 *
 * Strict: any character outside the alphabet, padding or trailing bits fail.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL if @text is not base64url
 */
guint8 *
arc_base64url_decode(const gchar *text, gssize text_len, gsize *out_len)
{
	gsize len = text_len < 0 ? strlen(text) : (gsize)text_len;
	gsize cap = len * 3 / 4 + 1;
	g_autofree guint8 *out = g_malloc(cap);
	const char *end = NULL;
	size_t bin_len = 0;

	if (sodium_base642bin(out, cap, text, len, NULL, &bin_len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != text + len)
		return NULL;
	*out_len = bin_len;
	return g_steal_pointer(&out);
}

/**
 * arc_base64_decode_strict:
 * @text: padded standard base64 (RFC 4648 §4), untrusted
 * @text_len: bytes in @text, or -1 if NUL-terminated
 * @out_len: (out): bytes decoded
 *
 * Unlike g_base64_decode(), refuses anything but the one canonical encoding of the bytes:
 * no stray characters, no whitespace, correct padding, zero trailing bits. Signatures and
 * keys must not have two spellings.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL
 */
guint8 *
arc_base64_decode_strict(const gchar *text, gssize text_len, gsize *out_len)
{
	gsize len = text_len < 0 ? strlen(text) : (gsize)text_len;
	gsize cap = len * 3 / 4 + 1;
	g_autofree guint8 *out = g_malloc(cap);
	const char *end = NULL;
	size_t bin_len = 0;

	if (sodium_base642bin(out, cap, text, len, NULL, &bin_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != text + len)
		return NULL;
	*out_len = bin_len;
	return g_steal_pointer(&out);
}
