/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-rest-head.h"

/* What the agent checks in request heads before libsoup reads them (docs/api-limits.md): the
 * input's first byte chooses the size of the pieces the rest arrives in, as reads from a
 * socket would cut it. Fed in pieces or at once, the bytes (heads, bodies, heads) must get the
 * same verdict, and the scan stays within its bounds.
 * The rest is also read as a Content-Length field list: what is accepted is one decimal
 * number (repeated at most), which prints and parses back to itself. */

#define ARC_FUZZ_MAX_LINE 64
#define ARC_FUZZ_MAX_HEAD 256

static void G_GNUC_NORETURN
arc_fuzz_head_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-http-head: %s\n", what);
	abort();
}

static void
arc_fuzz_head_scan(const guint8 *data, gsize size, gsize piece)
{
	ArcRestHeadScan pieces, whole;
	ArcRestHeadVerdict in_pieces = ARC_REST_HEAD_OK;
	ArcRestHeadVerdict at_once;

	arc_rest_head_scan_reset(&pieces);
	for (gsize at = 0; at < size && in_pieces == ARC_REST_HEAD_OK; at += piece)
		in_pieces = arc_rest_head_scan_feed(&pieces, ARC_FUZZ_MAX_LINE, ARC_FUZZ_MAX_HEAD,
						    data + at, MIN(piece, size - at));
	arc_rest_head_scan_reset(&whole);
	at_once = arc_rest_head_scan_feed(&whole, ARC_FUZZ_MAX_LINE, ARC_FUZZ_MAX_HEAD, data, size);
	if (in_pieces != at_once)
		arc_fuzz_head_fail("a verdict that depends on how the bytes were cut");
	if (whole.method_len >= sizeof(whole.method) || whole.value_len > ARC_REST_HEAD_VALUE_MAX ||
	    whole.head_len > ARC_FUZZ_MAX_HEAD + 1 || whole.line_len > ARC_FUZZ_MAX_LINE + 1)
		arc_fuzz_head_fail("a scan past its bounds");
}

static void
arc_fuzz_content_length(const guint8 *data, gsize size)
{
	g_autofree gchar *text = g_strndup((const gchar *)data, size);
	g_autofree gchar *printed = NULL;
	guint64 length = 0;
	guint64 again = 0;

	if (!arc_rest_content_length_parse(text, &length))
		return;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p) && *p != ',' && !g_ascii_isspace(*p))
			arc_fuzz_head_fail("a Content-Length with a sign or a letter accepted");
	}
	if (length > G_MAXINT64)
		arc_fuzz_head_fail("a Content-Length beyond a signed 64-bit length accepted");
	printed = g_strdup_printf("%" G_GUINT64_FORMAT, length);
	if (!arc_rest_content_length_parse(printed, &again) || again != length)
		arc_fuzz_head_fail("a Content-Length that does not parse back to itself");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arc_fuzz_head_scan(data + 1, size - 1, (gsize)(data[0] % 64) + 1);
	arc_fuzz_content_length(data + 1, size - 1);
	return 0;
}
