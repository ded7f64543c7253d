/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ArcRestHeadVerdict:
 * @ARC_REST_HEAD_OK: nothing wrong so far
 * @ARC_REST_HEAD_LINE_TOO_LONG: the request line is over its limit (414)
 * @ARC_REST_HEAD_TOO_LARGE: the head is over its limit (431)
 * @ARC_REST_HEAD_METHOD_UNKNOWN: the method is none the agent implements (501)
 */
typedef enum {
	ARC_REST_HEAD_OK,
	ARC_REST_HEAD_LINE_TOO_LONG,
	ARC_REST_HEAD_TOO_LARGE,
	ARC_REST_HEAD_METHOD_UNKNOWN,
} ArcRestHeadVerdict;

/**
 * ArcRestHeadScan:
 *
 * What has been seen of one request head as its bytes arrive, in pieces of any size. Zeroed
 * (arc_rest_head_scan_reset()) before each head.
 */
typedef struct {
	gsize line_len; /* of the request line so far */
	gboolean line_done;
	gsize head_len; /* every byte fed */
	gchar method[16];
	gsize method_len;
	gboolean method_done;
} ArcRestHeadScan;

void arc_rest_head_scan_reset(ArcRestHeadScan *scan);
ArcRestHeadVerdict arc_rest_head_scan_feed(ArcRestHeadScan *scan, gsize max_line, gsize max_head,
					   const guint8 *buf, gsize n);
gboolean arc_rest_content_length_parse(const gchar *list, guint64 *length);

G_END_DECLS
