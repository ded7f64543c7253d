/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-time.h"

/**
 * arc_time_format_rfc3339:
 * @unix_secs: seconds since the epoch
 *
 * Returns: (transfer full): e.g. `2024-01-15T10:30:00Z`, the API's timestamp format
 */
gchar *
arc_time_format_rfc3339(gint64 unix_secs)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_secs);
	if (dt == NULL)
		return g_strdup("1970-01-01T00:00:00Z");
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * arc_time_parse_rfc3339:
 * @text: (nullable): an RFC 3339 timestamp
 *
 * Returns: seconds since the epoch, or 0 if @text is not a timestamp
 */
gint64
arc_time_parse_rfc3339(const gchar *text)
{
	g_autoptr(GDateTime) dt = NULL;
	if (text == NULL)
		return 0;
	dt = g_date_time_new_from_iso8601(text, NULL);
	return dt != NULL ? g_date_time_to_unix(dt) : 0;
}
