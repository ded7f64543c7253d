/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-json.h"

#include <glib/gi18n.h>

#include "arc-cli-error.h"

/**
 * arc_cli_json_get_string:
 * @object: (nullable): an API object
 * @member: a member name
 *
 * Returns: (nullable): the member's value if it is a string, else %NULL
 */
const gchar *
arc_cli_json_get_string(JsonObject *object, const gchar *member)
{
	JsonNode *node;

	if (object == NULL)
		return NULL;
	node = json_object_get_member(object, member);
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gchar *
arc_cli_json_array_to_text(JsonArray *array)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < json_array_get_length(array); i++) {
		gchar *text = arc_cli_json_to_text(json_array_get_element(array, i));

		if (text != NULL)
			g_ptr_array_add(parts, text);
	}
	if (parts->len == 0)
		return NULL;
	g_ptr_array_add(parts, NULL);
	return g_strjoinv(", ", (gchar **)parts->pdata);
}

/**
 * arc_cli_json_to_text:
 * @node: (nullable): a JSON value
 *
 * Turns a value into text for the table format: strings as they are, numbers and booleans in
 * their JSON spelling, arrays joined with ", ", objects as compact JSON.
 *
 * Returns: (transfer full) (nullable): the text, %NULL for null, missing or empty values
 */
gchar *
arc_cli_json_to_text(JsonNode *node)
{
	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return NULL;
	if (JSON_NODE_HOLDS_ARRAY(node))
		return arc_cli_json_array_to_text(json_node_get_array(node));
	if (JSON_NODE_HOLDS_OBJECT(node))
		return json_to_string(node, FALSE);
	switch (json_node_get_value_type(node)) {
	case G_TYPE_STRING:
		return g_strdup(json_node_get_string(node));
	case G_TYPE_INT64:
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(node) ? "true" : "false");
	default:
		return json_to_string(node, FALSE);
	}
}

/**
 * arc_cli_json_expect_object:
 * @node: (nullable): a response body
 *
 * Returns: (transfer none): the object, or %NULL with @error set if the agent answered with
 * something else
 */
JsonObject *
arc_cli_json_expect_object(JsonNode *node, GError **error)
{
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    /* TRANSLATORS: the agent answered with something unexpected */
				    _("unexpected response from the agent"));
		return NULL;
	}
	return json_node_get_object(node);
}

/**
 * arc_cli_json_expect_array:
 * @node: (nullable): a response body, or a member of one
 *
 * Returns: (transfer none): the array, or %NULL with @error set if the agent answered with
 * something else
 */
JsonArray *
arc_cli_json_expect_array(JsonNode *node, GError **error)
{
	if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    /* TRANSLATORS: the agent answered with something unexpected */
				    _("unexpected response from the agent"));
		return NULL;
	}
	return json_node_get_array(node);
}

/**
 * arc_cli_json_parse:
 * @data: JSON text
 * @length: its length in bytes
 *
 * Returns: (transfer full): the parsed value, or %NULL with @error set
 */
JsonNode *
arc_cli_json_parse(const gchar *data, gsize length, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();

	if (!json_parser_load_from_data(parser, data, (gssize)length, error))
		return NULL;
	if (json_parser_get_root(parser) == NULL) {
		g_set_error_literal(error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
				    _("empty document"));
		return NULL;
	}
	return json_parser_steal_root(parser);
}
