/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sodium.h>
#include <string.h>

/* hex helpers shared by the Tempest tests */

static inline void
tempest_test_unhex(guint8 *out, gsize len, const gchar *hex)
{
	gsize got = 0;

	g_assert_cmpuint(strlen(hex), ==, len * 2);
	g_assert_cmpint(sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL), ==, 0);
	g_assert_cmpuint(got, ==, len);
}

/* asserts that len bytes at buf are the hex, printing both when not */
#define tempest_test_assert_hex(buf, len, hex)                                                     \
	G_STMT_START                                                                               \
	{                                                                                          \
		g_autofree gchar *tempest_hex_ = g_malloc((len)*2 + 1);                            \
		sodium_bin2hex(tempest_hex_, (len)*2 + 1, (buf), (len));                           \
		g_assert_cmpstr(tempest_hex_, ==, (hex));                                          \
	}                                                                                          \
	G_STMT_END
