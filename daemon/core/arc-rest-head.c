/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-rest-head.h"

#include <string.h>

/* What the agent checks in request heads itself, before libsoup 3.2 parses them (see
 * arc-rest-conn.c): sizes, the method, Content-Length and Transfer-Encoding. libsoup leaks
 * the request path of every head whose body length it cannot read, and drops heads over
 * 64 KiB without an answer. The scan follows the framing of the connection (head, body,
 * head, ...), so pipelined requests are checked too. */

void
arc_rest_head_scan_reset(ArcRestHeadScan *scan)
{
	memset(scan, 0, sizeof(*scan));
}

/* the next head starts afresh; body_left carries over */
static void
arc_rest_head_scan_next(ArcRestHeadScan *scan)
{
	guint64 body_left = scan->body_left;

	arc_rest_head_scan_reset(scan);
	scan->body_left = body_left;
}

/* libsoup 3.2 interns every method it reads (g_intern_string(), never freed): a client sending
 * random methods would grow the agent without end. Only these reach libsoup. */
static gboolean
arc_rest_head_method_known(const gchar *method)
{
	const gchar *const known[] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
				      "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL};
	return g_strv_contains(known, method);
}

/* one byte of the request line */
static ArcRestHeadVerdict
arc_rest_head_scan_line(ArcRestHeadScan *scan, guint8 c, gsize max_line)
{
	/* empty lines before a request line are allowed (RFC 9112 §2.2) */
	if (scan->method_len == 0 && !scan->method_done && (c == '\r' || c == '\n'))
		return ARC_REST_HEAD_OK;
	if (c == '\n') {
		scan->line_done = TRUE;
		return ARC_REST_HEAD_OK;
	}
	if (++scan->line_len > max_line)
		return ARC_REST_HEAD_LINE_TOO_LONG;
	if (scan->method_done)
		return ARC_REST_HEAD_OK;
	if (c == ' ' || c == '\t') {
		scan->method[scan->method_len] = '\0';
		scan->method_done = TRUE;
		return arc_rest_head_method_known(scan->method) ? ARC_REST_HEAD_OK
								: ARC_REST_HEAD_METHOD_UNKNOWN;
	}
	if (scan->method_len + 1 >= sizeof(scan->method))
		return ARC_REST_HEAD_METHOD_UNKNOWN;
	scan->method[scan->method_len++] = (gchar)c;
	return ARC_REST_HEAD_OK;
}

/* the end of a field line: a Content-Length is checked against any earlier one */
static ArcRestHeadVerdict
arc_rest_head_scan_field_end(ArcRestHeadScan *scan)
{
	guint64 length = 0;

	if (!scan->is_length)
		return ARC_REST_HEAD_OK;
	scan->value[scan->value_len] = '\0';
	if (!arc_rest_content_length_parse(scan->value, &length) ||
	    (scan->has_length && length != scan->length))
		return ARC_REST_HEAD_BAD_LENGTH;
	scan->has_length = TRUE;
	scan->length = length;
	return ARC_REST_HEAD_OK;
}

/* the end of the head: what follows is its body, if any, then the next head */
static void
arc_rest_head_scan_head_end(ArcRestHeadScan *scan)
{
	scan->body_left = scan->has_length ? scan->length : 0;
	arc_rest_head_scan_next(scan);
}

/* the name of a field line, up to its colon */
static ArcRestHeadVerdict
arc_rest_head_scan_name(ArcRestHeadScan *scan, guint8 c)
{
	if (c != ':') {
		if (scan->name_len < ARC_REST_HEAD_NAME_MAX)
			scan->name[scan->name_len] = g_ascii_tolower((gchar)c);
		scan->name_len++;
		return ARC_REST_HEAD_OK;
	}
	scan->in_value = TRUE;
	scan->value_len = 0;
	scan->is_length = FALSE;
	if (scan->name_len > ARC_REST_HEAD_NAME_MAX)
		return ARC_REST_HEAD_OK;
	scan->name[scan->name_len] = '\0';
	/* libsoup cannot frame a body by anything else, and a length it misreads leaks */
	if (g_str_equal(scan->name, "transfer-encoding"))
		return ARC_REST_HEAD_TRANSFER_ENCODING;
	scan->is_length = g_str_equal(scan->name, "content-length");
	return ARC_REST_HEAD_OK;
}

/* one byte of the field lines */
static ArcRestHeadVerdict
arc_rest_head_scan_field(ArcRestHeadScan *scan, guint8 c)
{
	ArcRestHeadVerdict verdict;

	if (c == '\n') {
		/* an empty line (or a lone CR) ends the head */
		if (scan->field_len == 0 || (scan->field_len == 1 && scan->name[0] == '\r')) {
			arc_rest_head_scan_head_end(scan);
			return ARC_REST_HEAD_OK;
		}
		verdict = arc_rest_head_scan_field_end(scan);
		scan->field_len = scan->name_len = 0;
		scan->in_value = FALSE;
		return verdict;
	}
	/* a continuation line (obsolete folding) adds to the last field's value */
	if (scan->field_len++ == 0 && (c == ' ' || c == '\t') && scan->is_length)
		return ARC_REST_HEAD_BAD_LENGTH;
	if (scan->field_len == 1)
		scan->is_length = FALSE;
	if (!scan->in_value)
		return arc_rest_head_scan_name(scan, c);
	if (scan->is_length && c != '\r') {
		if (scan->value_len >= ARC_REST_HEAD_VALUE_MAX)
			return ARC_REST_HEAD_BAD_LENGTH;
		scan->value[scan->value_len++] = (gchar)c;
	}
	return ARC_REST_HEAD_OK;
}

/**
 * arc_rest_head_scan_feed:
 * @scan: the connection's requests so far
 * @max_line: longest request line allowed
 * @max_head: most bytes a head may take
 * @buf: (array length=n): the next bytes read
 * @n: how many
 *
 * Returns: what is wrong with the current head; once not %ARC_REST_HEAD_OK, the connection is
 *   refused
 */
ArcRestHeadVerdict
arc_rest_head_scan_feed(ArcRestHeadScan *scan, gsize max_line, gsize max_head, const guint8 *buf,
			gsize n)
{
	for (gsize i = 0; i < n; i++) {
		ArcRestHeadVerdict verdict;

		if (scan->body_left > 0) {
			guint64 skip = MIN(scan->body_left, (guint64)(n - i));
			scan->body_left -= skip;
			i += (gsize)skip - 1;
			continue;
		}
		if (++scan->head_len > max_head)
			return ARC_REST_HEAD_TOO_LARGE;
		verdict = scan->line_done ? arc_rest_head_scan_field(scan, buf[i])
					  : arc_rest_head_scan_line(scan, buf[i], max_line);
		if (verdict != ARC_REST_HEAD_OK)
			return verdict;
	}
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
