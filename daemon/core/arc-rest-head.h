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
 * @ARC_REST_HEAD_LINE_TOO_LONG: a request line over its limit (414)
 * @ARC_REST_HEAD_TOO_LARGE: a head over its limit (431)
 * @ARC_REST_HEAD_METHOD_UNKNOWN: a method the agent does not implement (501)
 * @ARC_REST_HEAD_BAD_LENGTH: a Content-Length that is no decimal number, or several that
 *   differ (400)
 * @ARC_REST_HEAD_TRANSFER_ENCODING: a Transfer-Encoding, which the API does not take (411)
 */
typedef enum {
	ARC_REST_HEAD_OK,
	ARC_REST_HEAD_LINE_TOO_LONG,
	ARC_REST_HEAD_TOO_LARGE,
	ARC_REST_HEAD_METHOD_UNKNOWN,
	ARC_REST_HEAD_BAD_LENGTH,
	ARC_REST_HEAD_TRANSFER_ENCODING,
} ArcRestHeadVerdict;

/* the longest field name the scan needs to tell apart, and Content-Length value it keeps */
#define ARC_REST_HEAD_NAME_MAX 20
#define ARC_REST_HEAD_VALUE_MAX 64

/**
 * ArcRestHeadScan:
 *
 * The framing of the requests on one connection, from its bytes as they arrive in pieces of
 * any size: each head, then as many body bytes as its Content-Length says, then the next
 * head. Zeroed (arc_rest_head_scan_reset()) for a new connection.
 */
typedef struct {
	guint64 body_left; /* body bytes before the next head */
	gsize head_len;    /* bytes of this head so far */
	gsize line_len;    /* of the request line so far */
	gboolean line_done;
	gchar method[16];
	gsize method_len;
	gboolean method_done;
	/* the current field line */
	gsize field_len;
	gchar name[ARC_REST_HEAD_NAME_MAX + 1];
	gsize name_len;
	gboolean in_value;
	gboolean is_length; /* the current (or, for a continuation, last) field is Content-Length */
	gchar value[ARC_REST_HEAD_VALUE_MAX + 1];
	gsize value_len;
	gboolean has_length;
	guint64 length;
} ArcRestHeadScan;

void arc_rest_head_scan_reset(ArcRestHeadScan *scan);
ArcRestHeadVerdict arc_rest_head_scan_feed(ArcRestHeadScan *scan, gsize max_line, gsize max_head,
					   const guint8 *buf, gsize n);
gboolean arc_rest_content_length_parse(const gchar *list, guint64 *length);

G_END_DECLS
