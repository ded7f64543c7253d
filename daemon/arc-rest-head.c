/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-rest-head.h"

#include <string.h>

/* What the agent checks in a request head itself, because libsoup 3.2 does not (see
 * arc-rest-conn.c and arc-rest-server.c): sizes, the method, and Content-Length. */

void
arc_rest_head_scan_reset(ArcRestHeadScan *scan)
{
	memset(scan, 0, sizeof(*scan));
}

/* libsoup 3.2 interns every method it reads (g_intern_string(), never freed): a client sending
 * random methods would grow the agent without end. Only these reach libsoup. */
static gboolean
arc_rest_head_method_known(const gchar *method)
{
	const gchar *const known[] = {"GET",	 "HEAD",    "POST",  "PUT",   "DELETE",
				      "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL};
	return g_strv_contains(known, method);
}

/* reads the method as it arrives; FALSE once it is complete and unknown, or too long */
static gboolean
arc_rest_head_scan_method(ArcRestHeadScan *scan, const guint8 *buf, gsize n)
{
	for (gsize i = 0; i < n && !scan->method_done; i++) {
		/* empty lines before a request line are allowed (RFC 9112 §2.2) */
		if (scan->method_len == 0 && (buf[i] == '\r' || buf[i] == '\n'))
			continue;
		if (buf[i] == ' ' || buf[i] == '\t') {
			scan->method[scan->method_len] = '\0';
			scan->method_done = TRUE;
			return arc_rest_head_method_known(scan->method);
		}
		if (scan->method_len + 1 >= sizeof(scan->method))
			return FALSE;
		scan->method[scan->method_len++] = (gchar)buf[i];
	}
	return TRUE;
}

/**
 * arc_rest_head_scan_feed:
 * @scan: the head so far
 * @max_line: longest request line allowed
 * @max_head: most bytes the head may take
 * @buf: (array length=n): the next bytes read
 * @n: how many
 *
 * Returns: what is wrong with the head so far; once not %ARC_REST_HEAD_OK, the head is refused
 */
ArcRestHeadVerdict
arc_rest_head_scan_feed(ArcRestHeadScan *scan, gsize max_line, gsize max_head, const guint8 *buf,
			gsize n)
{
	if (!scan->method_done && !arc_rest_head_scan_method(scan, buf, n))
		return ARC_REST_HEAD_METHOD_UNKNOWN;
	if (!scan->line_done) {
		const guint8 *lf = memchr(buf, '\n', n);
		scan->line_len += lf != NULL ? (gsize)(lf - buf) : n;
		scan->line_done = lf != NULL;
	}
	scan->head_len += n;
	if (scan->line_len > max_line)
		return ARC_REST_HEAD_LINE_TOO_LONG;
	if (scan->head_len > max_head)
		return ARC_REST_HEAD_TOO_LARGE;
	return ARC_REST_HEAD_OK;
}

/**
 * arc_rest_content_length_parse:
 * @list: (nullable): the request's Content-Length fields, joined with commas
 * @length: (out): the length, 0 without any field
 *
 * RFC 9112 §6.3: a Content-Length that is not a decimal number, or several that differ, leave
 * the request's framing unknown. libsoup 3.2 reads it with strtoull(), which takes `-1` for
 * 2^64 - 1 (a body without end) and `+5` for 5.
 *
 * Returns: %FALSE if the request must be refused
 */
gboolean
arc_rest_content_length_parse(const gchar *list, guint64 *length)
{
	g_auto(GStrv) values = NULL;

	*length = 0;
	if (list == NULL)
		return TRUE;
	values = g_strsplit(list, ",", -1);
	for (guint i = 0; values[i] != NULL; i++) {
		guint64 value = 0;
		g_strstrip(values[i]);
		if (!g_ascii_string_to_unsigned(values[i], 10, 0, G_MAXINT64, &value, NULL))
			return FALSE;
		if (i > 0 && value != *length)
			return FALSE;
		*length = value;
	}
	return TRUE;
}
