/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-trace.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* `--trace` shows every request and response on stderr, with secrets replaced */

#define ARC_CLI_TRACE_MAX_BODY (64 * 1024)

static const gchar *arc_cli_trace_secret_names[] = {
	"client_secret", "access_token",   "refresh_token", "id_token",   "password",
	"secret",        "recovery_token", "token",         "join_token", NULL,
};

static gboolean
arc_cli_trace_is_secret_name(const gchar *name)
{
	g_autofree gchar *lower = g_ascii_strdown(name, -1);

	return g_strv_contains(arc_cli_trace_secret_names, lower);
}

/**
 * arc_cli_trace_redact_header:
 * @name: a header name
 * @value: its value
 *
 * Returns: (transfer full): @value, or with its credentials replaced by `[REDACTED]`; the
 * scheme of an `Authorization` header stays visible
 */
gchar *
arc_cli_trace_redact_header(const gchar *name, const gchar *value)
{
	const gchar *space;

	if (g_ascii_strcasecmp(name, "X-Arctic-Recovery") == 0 ||
	    g_ascii_strcasecmp(name, "Cookie") == 0 || g_ascii_strcasecmp(name, "Set-Cookie") == 0)
		return g_strdup(ARC_CLI_TRACE_REDACTED);
	if (g_ascii_strcasecmp(name, "Authorization") != 0 &&
	    g_ascii_strcasecmp(name, "Proxy-Authorization") != 0)
		return g_strdup(value);
	space = strchr(value, ' ');
	if (space == NULL)
		return g_strdup(ARC_CLI_TRACE_REDACTED);
	return g_strdup_printf("%.*s " ARC_CLI_TRACE_REDACTED, (gint)(space - value), value);
}

static void
arc_cli_trace_redact_node(JsonNode *node)
{
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(array); i++)
			arc_cli_trace_redact_node(json_array_get_element(array, i));
	} else if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *object = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(object);

		for (GList *l = members; l != NULL; l = l->next) {
			JsonNode *child = json_object_get_member(object, l->data);

			if (arc_cli_trace_is_secret_name(l->data) && JSON_NODE_HOLDS_VALUE(child))
				json_object_set_string_member(object, l->data,
							      ARC_CLI_TRACE_REDACTED);
			else
				arc_cli_trace_redact_node(child);
		}
	}
}

static gchar *
arc_cli_trace_redact_json(const gchar *data, gsize length)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(parser, data, (gssize)length, NULL))
		return NULL;
	root = json_parser_get_root(parser);
	if (root == NULL)
		return NULL;
	arc_cli_trace_redact_node(root);
	return json_to_string(root, FALSE);
}

static gchar *
arc_cli_trace_redact_form(const gchar *data, gsize length)
{
	g_autofree gchar *text = g_strndup(data, length);
	g_auto(GStrv) pairs = g_strsplit(text, "&", -1);

	for (guint i = 0; pairs[i] != NULL; i++) {
		gchar *eq = strchr(pairs[i], '=');
		g_autofree gchar *name = NULL;

		if (eq == NULL)
			continue;
		name = g_uri_unescape_segment(pairs[i], eq, NULL);
		if (name != NULL && arc_cli_trace_is_secret_name(name)) {
			gchar *redacted = g_strdup_printf("%.*s=" ARC_CLI_TRACE_REDACTED,
							  (gint)(eq - pairs[i]), pairs[i]);

			g_free(pairs[i]);
			pairs[i] = redacted;
		}
	}
	return g_strjoinv("&", pairs);
}

/* For bodies that do not parse: `"name": "value"` and `name=value` of any secret name */
static gchar *
arc_cli_trace_redact_text(const gchar *data, gsize length)
{
	g_autoptr(GRegex) regex = NULL;
	g_autofree gchar *names = g_strjoinv("|", (gchar **)arc_cli_trace_secret_names);
	g_autofree gchar *pattern = g_strdup_printf(
		"(?i)(\"(?:%s)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\"?)|(\\b(?:%s)=)[^&\\s]*", names,
		names);

	regex = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, NULL);
	g_return_val_if_fail(regex != NULL, g_strdup(ARC_CLI_TRACE_REDACTED));
	return g_regex_replace(regex, data, (gssize)length, 0,
			       "\\1\\3" ARC_CLI_TRACE_REDACTED "\\2", 0, NULL);
}

/**
 * arc_cli_trace_redact_body:
 * @content_type: (nullable): the body's media type
 * @data: the body
 * @length: its length
 *
 * Replaces the values of secret fields (`client_secret`, `access_token` and the like) in a
 * JSON or form-encoded body with `[REDACTED]`; bodies that do not parse are searched for
 * such fields as text.
 *
 * Returns: (transfer full): the text to print
 */
gchar *
arc_cli_trace_redact_body(const gchar *content_type, const gchar *data, gsize length)
{
	g_autofree gchar *json = NULL;

	if (!g_utf8_validate_len(data, length, NULL))
		return g_strdup_printf("[%" G_GSIZE_FORMAT " bytes of binary data]", length);
	if (content_type != NULL && g_str_has_prefix(content_type, "application/x-www-form"))
		return arc_cli_trace_redact_form(data, length);
	json = arc_cli_trace_redact_json(data, length);
	if (json != NULL)
		return g_steal_pointer(&json);
	return arc_cli_trace_redact_text(data, length);
}

static void
arc_cli_trace_header_cb(const char *name, const char *value, gpointer user_data)
{
	g_autofree gchar *shown = arc_cli_trace_redact_header(name, value);

	g_printerr("%s %s: %s\n", (const gchar *)user_data, name, shown);
}

static void
arc_cli_trace_body(const gchar *prefix, const gchar *content_type, GBytes *body)
{
	gsize length = 0;
	const gchar *data = body != NULL ? g_bytes_get_data(body, &length) : NULL;
	g_autofree gchar *text = NULL;

	if (length == 0)
		return;
	text = arc_cli_trace_redact_body(content_type, data, MIN(length, ARC_CLI_TRACE_MAX_BODY));
	g_printerr("%s\n%s %s\n", prefix, prefix, text);
	if (length > ARC_CLI_TRACE_MAX_BODY)
		g_printerr("%s [%" G_GSIZE_FORMAT " more bytes]\n", prefix,
			   length - ARC_CLI_TRACE_MAX_BODY);
}

/**
 * arc_cli_trace_request:
 * @msg: a message about to be sent
 * @body: (nullable): its body
 *
 * Prints the request on stderr: `> METHOD URL`, headers, body.
 */
void
arc_cli_trace_request(SoupMessage *msg, GBytes *body)
{
	SoupMessageHeaders *headers = soup_message_get_request_headers(msg);
	g_autofree gchar *url = g_uri_to_string(soup_message_get_uri(msg));

	g_printerr("> %s %s\n", soup_message_get_method(msg), url);
	soup_message_headers_foreach(headers, arc_cli_trace_header_cb, (gpointer) ">");
	arc_cli_trace_body(">", soup_message_headers_get_content_type(headers, NULL), body);
}

/**
 * arc_cli_trace_response:
 * @msg: a message that got a response
 * @body: (nullable): the response body
 * @elapsed_usec: how long the exchange took
 *
 * Prints the response on stderr: `< STATUS REASON (N ms)`, headers, body.
 */
void
arc_cli_trace_response(SoupMessage *msg, GBytes *body, gint64 elapsed_usec)
{
	SoupMessageHeaders *headers = soup_message_get_response_headers(msg);

	g_printerr("< %u %s (%" G_GINT64_FORMAT " ms)\n", soup_message_get_status(msg),
		   soup_message_get_reason_phrase(msg) != NULL ? soup_message_get_reason_phrase(msg)
							       : "",
		   elapsed_usec / 1000);
	soup_message_headers_foreach(headers, arc_cli_trace_header_cb, (gpointer) "<");
	arc_cli_trace_body("<", soup_message_headers_get_content_type(headers, NULL), body);
}
