/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-time.h"

/* YYYY-MM-DDTHH:MM:SSZ without printf, which costs more than the arithmetic */
static gchar *
arc_time_text(gint64 year, guint month, guint day, gint64 secs)
{
	const guint fields[] = {month, day, (guint)(secs / 3600), (guint)(secs / 60 % 60),
				(guint)(secs % 60)};
	const gchar seps[] = "--T::";
	gchar *text = g_malloc(21);
	gchar *p = text;

	*p++ = (gchar)('0' + year / 1000);
	*p++ = (gchar)('0' + year / 100 % 10);
	*p++ = (gchar)('0' + year / 10 % 10);
	*p++ = (gchar)('0' + year % 10);
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
		*p++ = seps[i];
		*p++ = (gchar)('0' + fields[i] / 10);
		*p++ = (gchar)('0' + fields[i] % 10);
	}
	*p++ = 'Z';
	*p = '\0';
	return text;
}

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of GDateTime */
#define ARC_TIME_MIN_UNIX G_GINT64_CONSTANT(-62135596800)
#define ARC_TIME_MAX_UNIX G_GINT64_CONSTANT(253402300799)

/**
 * arc_time_format_rfc3339:
 * @unix_secs: seconds since the epoch
 *
 * Returns: (transfer full): e.g. `2024-01-15T10:30:00Z`, the API's timestamp format
 */
gchar *
arc_time_format_rfc3339(gint64 unix_secs)
{
	/* Civil date from days since the epoch (H. Hinnant's algorithm): this runs for every
	 * timestamp of every API answer, where a GDateTime and its format parser cost more than
	 * the rest of the member. */
	gint64 days, secs, era, doe, yoe, doy, mp, year;
	guint month, day;

	if (unix_secs < ARC_TIME_MIN_UNIX || unix_secs > ARC_TIME_MAX_UNIX)
		return g_strdup("1970-01-01T00:00:00Z");
	days = unix_secs / 86400;
	secs = unix_secs % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	day = (guint)(doy - (153 * mp + 2) / 5 + 1);
	month = (guint)(mp < 10 ? mp + 3 : mp - 9);
	year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	return arc_time_text(year, month, day, secs);
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
