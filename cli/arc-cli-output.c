/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-output.h"

#include <glib/gi18n.h>

#include "arc-cli-yaml.h"

/* stdout carries data only; everything else (debug, notes, errors) goes to stderr */
static gboolean arc_cli_output_debug_enabled = FALSE;

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

	if (format == ARC_CLI_OUTPUT_YAML) {
		text = arc_cli_yaml_from_json(node, error);
		if (text == NULL)
			return FALSE;
		g_print("%s", text);
		return TRUE;
	}
	text = json_to_string(node, TRUE);
	g_print("%s\n", text);
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
