/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-text.h"

#include "arc-error.h"

#include <string.h>

/* Names and descriptions are shown to operators in terminals, tables and logs. One
 * definition of what may not appear in them serves the agent that refuses them and the CLI
 * that neutralises what an older agent stored anyway (docs/decisions.md). */

/**
 * arc_text_is_unsafe_char:
 * @c: a character
 *
 * Characters that would drive a terminal or rearrange what it shows: the C0 controls (tab
 * and newline too: they break tables and log lines), DEL, the C1 controls (U+009B is a CSI
 * on its own), the line and paragraph separators, and the bidirectional formatting characters
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that can make a name read as
 * another.
 *
 * Returns: whether @c may not appear in a name or description
 */
gboolean
arc_text_is_unsafe_char(gunichar c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return TRUE;
	if (c == 0x061c || c == 0x200e || c == 0x200f || c == 0x2028 || c == 0x2029)
		return TRUE;
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/**
 * arc_text_check_label:
 * @text: a name or description, untrusted
 * @member: what the request calls it, for the message, e.g. `name`
 * @max_bytes: the longest accepted, in bytes of UTF-8
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text is valid UTF-8 of at most @max_bytes bytes without
 *   arc_text_is_unsafe_char() characters, else %FALSE with %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_text_check_label(const gchar *text, const gchar *member, gsize max_bytes, GError **error)
{
	gsize len = strlen(text);

	if (len > max_bytes || !g_utf8_validate_len(text, len, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' must be a string of at most %u bytes", member, (guint)max_bytes);
		return FALSE;
	}
	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (arc_text_is_unsafe_char(c)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'%s' must not contain control or bidirectional formatting "
				    "characters (U+%04X)",
				    member, c);
			return FALSE;
		}
	}
	return TRUE;
}
