/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-test-assert.h"

#include <string.h>

/* Assertions on what the agent's API answers, shared by the integration suites. */

/**
 * arc_test_assert_api_error:
 * @node: an answer of the API
 * @code: the `code` it must carry
 *
 * Asserts the one error shape of the API: exactly `{"error": string, "code": string}`.
 */
void
arc_test_assert_api_error(JsonNode *node, const gchar *code)
{
	JsonObject *obj;

	g_assert_nonnull(node);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
	obj = json_node_get_object(node);
	g_assert_cmpstr(arc_test_json_string(node, "code"), ==, code);
	g_assert_cmpstr(arc_test_json_string(node, "error"), !=, "");
	g_assert_cmpuint(json_object_get_size(obj), ==, 2);
}

/**
 * arc_test_assert_rfc3339:
 * @text: (nullable): what the API sent as a time
 *
 * Asserts `2024-01-15T10:30:00Z` (fractions and offsets allowed).
 */
void
arc_test_assert_rfc3339(const gchar *text)
{
	g_autoptr(GDateTime) dt = NULL;

	g_assert_nonnull(text);
	g_assert_true(g_regex_match_simple("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
					   "(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
					   text, 0, 0));
	dt = g_date_time_new_from_iso8601(text, NULL);
	g_assert_nonnull(dt);
}

static JsonNode *
arc_test_json_member(JsonNode *node, const gchar *member)
{
	JsonNode *value;

	g_assert_nonnull(node);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
	value = json_object_get_member(json_node_get_object(node), member);
	if (value == NULL)
		g_error("the answer has no member '%s': %s", member, json_to_string(node, FALSE));
	return value;
}

/**
 * arc_test_json_string:
 * @node: a JSON object
 * @member: a member that must be a string
 *
 * Returns: (transfer none): its value
 */
const gchar *
arc_test_json_string(JsonNode *node, const gchar *member)
{
	JsonNode *value = arc_test_json_member(node, member);
	g_assert_cmpint(json_node_get_value_type(value), ==, G_TYPE_STRING);
	return json_node_get_string(value);
}

/**
 * arc_test_json_int:
 * @node: a JSON object
 * @member: a member that must be an integer
 *
 * Returns: its value
 */
gint64
arc_test_json_int(JsonNode *node, const gchar *member)
{
	JsonNode *value = arc_test_json_member(node, member);
	g_assert_cmpint(json_node_get_value_type(value), ==, G_TYPE_INT64);
	return json_node_get_int(value);
}

/**
 * arc_test_json_is_null:
 * @node: a JSON object
 * @member: a member that must be present
 *
 * Returns: whether it is `null`
 */
gboolean
arc_test_json_is_null(JsonNode *node, const gchar *member)
{
	return JSON_NODE_HOLDS_NULL(arc_test_json_member(node, member));
}

/**
 * arc_test_json_array_has_string:
 * @node: a JSON object
 * @member: a member that must be an array
 * @value: a string
 *
 * Returns: whether the array holds @value
 */
gboolean
arc_test_json_array_has_string(JsonNode *node, const gchar *member, const gchar *value)
{
	JsonNode *array_node = arc_test_json_member(node, member);
	JsonArray *array;

	g_assert_true(JSON_NODE_HOLDS_ARRAY(array_node));
	array = json_node_get_array(array_node);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *item = json_array_get_element(array, i);
		if (json_node_get_value_type(item) == G_TYPE_STRING &&
		    g_strcmp0(json_node_get_string(item), value) == 0)
			return TRUE;
	}
	return FALSE;
}
