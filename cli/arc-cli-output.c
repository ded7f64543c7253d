/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-output.h"

#include <arctic-plugin.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "arc-cli-yaml.h"

/* stdout carries data only; everything else (debug, notes, errors) goes to stderr */
static gboolean arc_cli_output_debug_enabled = FALSE;

/**
 * arc_cli_output_neutralise:
 * @text: text on its way to the terminal, partly from an agent
 *
 * Names and descriptions come from agents, some older than the rule that refuses control
 * characters in them (docs/decisions.md): each arc_text_is_unsafe_char() character but
 * newline and tab (the CLI's own layout) is written as `\x1b` or `\u202e`, each byte that is
 * not UTF-8 as `\xff`, so nothing received can move the cursor, retitle the window or
 * reorder what the operator reads.
 *
 * Returns: (transfer full): @text, safe to print
 */
gchar *
arc_cli_output_neutralise(const gchar *text)
{
	GString *out = g_string_sized_new(strlen(text));

	for (const gchar *p = text; *p != '\0';) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", (guchar)*p++);
			continue;
		}
		if (c == '\n' || c == '\t' || !arc_text_is_unsafe_char(c))
			g_string_append_unichar(out, c);
		else if (c < 0x100)
			g_string_append_printf(out, "\\x%02x", c);
		else
			g_string_append_printf(out, "\\u%04x", c);
		p = g_utf8_next_char(p);
	}
	return g_string_free(out, FALSE);
}

/* what GLib's own handler does, after neutralising: text in the console's charset */
static void
arc_cli_output_write(FILE *stream, const gchar *text)
{
	g_autofree gchar *safe = arc_cli_output_neutralise(text);
	g_autofree gchar *converted = NULL;
	const gchar *charset = NULL;

	if (!g_get_console_charset(&charset))
		converted =
			g_convert_with_fallback(safe, -1, charset, "UTF-8", "?", NULL, NULL, NULL);
	fputs(converted != NULL ? converted : safe, stream);
	fflush(stream);
}

static void
arc_cli_output_print_cb(const gchar *text)
{
	arc_cli_output_write(stdout, text);
}

static void
arc_cli_output_printerr_cb(const gchar *text)
{
	arc_cli_output_write(stderr, text);
}

/**
 * arc_cli_output_init:
 *
 * Routes everything g_print() and g_printerr() write through arc_cli_output_neutralise():
 * tables, `get` output and error messages all carry text an agent sent.
 */
void
arc_cli_output_init(void)
{
	g_set_print_handler(arc_cli_output_print_cb);
	g_set_printerr_handler(arc_cli_output_printerr_cb);
}

/* JSON keeps its meaning: json-glib escapes C0 already, the rest of the unsafe characters
 * (DEL, C1, bidirectional formatting) can only be inside strings, where `\uXXXX` is the same
 * character */
static gchar *
arc_cli_output_json_escape(const gchar *json)
{
	GString *out = g_string_sized_new(strlen(json));

	for (const gchar *p = json; *p != '\0';) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		/* json-glib writes UTF-8; anything else is left to arc_cli_output_neutralise() */
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, *p++);
			continue;
		}
		if (arc_text_is_unsafe_char(c) && c != '\n' && c != '\t')
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_unichar(out, c);
		p = g_utf8_next_char(p);
	}
	return g_string_free(out, FALSE);
}

/**
 * arc_cli_output_format_from_string:
 * @text: `table`, `json` or `yaml`
 * @format: (out): the format
 *
 * Returns: %TRUE if @text names a format
 */
gboolean
arc_cli_output_format_from_string(const gchar *text, ArcCliOutputFormat *format)
{
	if (g_strcmp0(text, "table") == 0)
		*format = ARC_CLI_OUTPUT_TABLE;
	else if (g_strcmp0(text, "json") == 0)
		*format = ARC_CLI_OUTPUT_JSON;
	else if (g_strcmp0(text, "yaml") == 0)
		*format = ARC_CLI_OUTPUT_YAML;
	else
		return FALSE;
	return TRUE;
}

/**
 * arc_cli_output_print_node:
 * @format: %ARC_CLI_OUTPUT_JSON or %ARC_CLI_OUTPUT_YAML
 * @node: the value to print
 *
 * Prints @node on stdout as pretty JSON or as a YAML document. Commands print the table
 * format themselves.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_output_print_node(ArcCliOutputFormat format, JsonNode *node, GError **error)
{
	g_autofree gchar *text = NULL;
	g_autofree gchar *escaped = NULL;

	if (format == ARC_CLI_OUTPUT_YAML) {
		text = arc_cli_yaml_from_json(node, error);
		if (text == NULL)
			return FALSE;
		g_print("%s", text);
		return TRUE;
	}
	text = json_to_string(node, TRUE);
	escaped = arc_cli_output_json_escape(text);
	g_print("%s\n", escaped);
	return TRUE;
}

/**
 * arc_cli_output_print_object:
 * @format: %ARC_CLI_OUTPUT_JSON or %ARC_CLI_OUTPUT_YAML
 * @object: the object to print
 *
 * Like arc_cli_output_print_node() for an object.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_output_print_object(ArcCliOutputFormat format, JsonObject *object, GError **error)
{
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

	json_node_set_object(node, object);
	return arc_cli_output_print_node(format, node, error);
}

/**
 * arc_cli_output_set_debug:
 * @debug: whether `--debug` was given
 */
void
arc_cli_output_set_debug(gboolean debug)
{
	arc_cli_output_debug_enabled = debug;
}

/**
 * arc_cli_output_get_debug:
 *
 * Returns: whether `--debug` was given
 */
gboolean
arc_cli_output_get_debug(void)
{
	return arc_cli_output_debug_enabled;
}

/**
 * arc_cli_output_debug:
 * @format: printf format
 *
 * With `--debug`, says on stderr what the CLI is doing.
 */
void
arc_cli_output_debug(const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	if (!arc_cli_output_debug_enabled)
		return;
	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	/* TRANSLATORS: prefix of the lines --debug prints */
	g_printerr(_("debug: %s\n"), text);
}

/**
 * arc_cli_output_note:
 * @format: printf format
 *
 * Prints an informational line on stderr, where it does not mix with data.
 */
void
arc_cli_output_note(const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	g_printerr("%s\n", text);
}

/**
 * arc_cli_output_warning:
 * @format: printf format
 *
 * Prints `Warning: <message>` on stderr: something went wrong, but the command goes on.
 */
void
arc_cli_output_warning(const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	/* TRANSLATORS: how a problem the command got past is reported; %s is the message */
	g_printerr(_("Warning: %s\n"), text);
}

/**
 * arc_cli_output_error:
 * @error: the error a command failed with
 *
 * Prints `Error: <message>` on stderr.
 */
void
arc_cli_output_error(const GError *error)
{
	/* TRANSLATORS: how every failure is reported; %s is the message */
	g_printerr(_("Error: %s\n"), error->message);
}
