/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-time.h"

/**
 * arc_cli_time_format_human:
 * @rfc3339: (nullable): a timestamp as the API sends it, e.g. `2025-12-09T04:43:41Z`
 *
 * Formats a wire timestamp for people, in UTC: `2025-12-09 04:43:41 UTC` (spec §5.1).
 * Fractions of a second are dropped. A string that is not an RFC 3339 timestamp with a zone
 * is returned unchanged, so that nothing the agent sends is hidden.
 *
 * Returns: (transfer full) (nullable): the text to print, %NULL if @rfc3339 is %NULL
 */
gchar *
arc_cli_time_format_human(const gchar *rfc3339)
{
	g_autoptr(GDateTime) dt = NULL;
	g_autoptr(GDateTime) utc = NULL;
	g_autofree gchar *upper = NULL;

	if (rfc3339 == NULL)
		return NULL;
	/* RFC 3339 allows `t` and `z`; GLib's parser wants them upper case */
	upper = g_ascii_strup(rfc3339, -1);
	dt = g_date_time_new_from_iso8601(upper, NULL);
	if (dt == NULL)
		return g_strdup(rfc3339);
	utc = g_date_time_to_utc(dt);
	return g_date_time_format(utc, "%Y-%m-%d %H:%M:%S UTC");
}
