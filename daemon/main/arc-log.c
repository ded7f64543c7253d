/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-log.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

/* Structured logging: journald when stderr is the journal (systemd sets JOURNAL_STREAM),
 * otherwise one line per message on stderr, JSON (the default, as the product documents)
 * or text. The log domain is the subsystem: gossip, handshake, netmgr, ... */

static ArcLogFormat arc_log_format = ARC_LOG_FORMAT_JSON;
static gboolean arc_log_verbose = FALSE;

static const gchar *
arc_log_level_name(GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return "error";
	if (level & G_LOG_LEVEL_CRITICAL)
		return "critical";
	if (level & G_LOG_LEVEL_WARNING)
		return "warning";
	if (level & G_LOG_LEVEL_MESSAGE)
		return "notice";
	if (level & G_LOG_LEVEL_INFO)
		return "info";
	return "debug";
}

static gchar *
arc_log_format_line(GLogLevelFlags level, const gchar *domain, const gchar *message)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree gchar *ts = g_date_time_format_iso8601(now);

	if (arc_log_format == ARC_LOG_FORMAT_TEXT) {
		return g_strdup_printf("%s %-8s %s: %s\n", ts, arc_log_level_name(level),
				       domain != NULL ? domain : "agent", message);
	} else {
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree gchar *text = NULL;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "time");
		json_builder_add_string_value(b, ts);
		json_builder_set_member_name(b, "level");
		json_builder_add_string_value(b, arc_log_level_name(level));
		json_builder_set_member_name(b, "subsystem");
		json_builder_add_string_value(b, domain != NULL ? domain : "agent");
		json_builder_set_member_name(b, "msg");
		json_builder_add_string_value(b, message);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		text = json_to_string(root, FALSE);
		return g_strconcat(text, "\n", NULL);
	}
}

static GLogWriterOutput
arc_log_writer_cb(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	const gchar *domain = NULL;
	const gchar *message = NULL;
	g_autofree gchar *line = NULL;

	if ((level & G_LOG_LEVEL_DEBUG) && !arc_log_verbose &&
	    g_log_writer_default_would_drop(level, NULL))
		return G_LOG_WRITER_HANDLED;
	if (g_log_writer_is_journald(fileno(stderr)))
		return g_log_writer_journald(level, fields, n_fields, user_data);
	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
		else if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	line = arc_log_format_line(level, domain, message != NULL ? message : "");
	fputs(line, stderr);
	fflush(stderr);
	return G_LOG_WRITER_HANDLED;
}

/**
 * arc_log_setup:
 * @format: JSON or text lines when not logging to the journal
 * @verbose: also write debug messages
 *
 * Installs the agent's log writer.
 */
void
arc_log_setup(ArcLogFormat format, gboolean verbose)
{
	arc_log_format = format;
	arc_log_verbose = verbose;
	g_log_set_writer_func(arc_log_writer_cb, NULL, NULL);
}
