/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-wire-tamper.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The object holding the last component of @path, and that component. */
static JsonObject *
arc_wire_tamper_lookup(JsonNode *root, const gchar *path, const gchar **member)
{
	g_auto(GStrv) parts = g_strsplit(path, ".", -1);
	JsonObject *obj = json_node_get_object(root);
	guint n = g_strv_length(parts);

	g_assert_cmpuint(n, >, 0);
	for (guint i = 0; i + 1 < n; i++) {
		JsonNode *child = json_object_get_member(obj, parts[i]);
		if (child == NULL || !JSON_NODE_HOLDS_OBJECT(child))
			g_error("no object '%s' on the path %s", parts[i], path);
		obj = json_node_get_object(child);
	}
	if (!json_object_has_member(obj, parts[n - 1]))
		g_error("no member %s to alter", path);
	*member = g_intern_string(parts[n - 1]);
	return obj;
}

static JsonNode *
arc_wire_tamper_parse(const gchar *json)
{
	g_autoptr(GError) error = NULL;
	JsonNode *root = json_from_string(json, &error);

	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
	return root;
}

/* Replaces the member at @path with @value (taken). */
static gchar *
arc_wire_tamper_replace(const gchar *json, const gchar *path, JsonNode *value)
{
	g_autoptr(JsonNode) root = arc_wire_tamper_parse(json);
	const gchar *member = NULL;
	JsonObject *obj = arc_wire_tamper_lookup(root, path, &member);

	json_object_set_member(obj, member, value);
	return json_to_string(root, FALSE);
}

/**
 * arc_wire_tamper_get_string:
 * @json: a message
 * @path: a string member
 *
 * Returns: (transfer full): its value
 */
gchar *
arc_wire_tamper_get_string(const gchar *json, const gchar *path)
{
	g_autoptr(JsonNode) root = arc_wire_tamper_parse(json);
	const gchar *member = NULL;
	JsonObject *obj = arc_wire_tamper_lookup(root, path, &member);

	return g_strdup(json_object_get_string_member(obj, member));
}

gchar *
arc_wire_tamper_set_string(const gchar *json, const gchar *path, const gchar *value)
{
	JsonNode *node = json_node_new(JSON_NODE_VALUE);
	json_node_set_string(node, value);
	return arc_wire_tamper_replace(json, path, node);
}

gchar *
arc_wire_tamper_set_int(const gchar *json, const gchar *path, gint64 value)
{
	JsonNode *node = json_node_new(JSON_NODE_VALUE);
	json_node_set_int(node, value);
	return arc_wire_tamper_replace(json, path, node);
}

/* @value: a JSON text, e.g. another license document */
gchar *
arc_wire_tamper_set_json(const gchar *json, const gchar *path, const gchar *value)
{
	return arc_wire_tamper_replace(json, path, arc_wire_tamper_parse(value));
}

/**
 * arc_wire_tamper_flip_bit:
 * @json: a message
 * @path: a base64 member (a key, a challenge, a signature)
 *
 * Returns: (transfer full): the message with the lowest bit of the member's first byte flipped
 */
gchar *
arc_wire_tamper_flip_bit(const gchar *json, const gchar *path)
{
	g_autofree gchar *text = arc_wire_tamper_get_string(json, path);
	g_autofree guchar *raw = NULL;
	g_autofree gchar *flipped = NULL;
	gsize len = 0;

	raw = g_base64_decode(text, &len);
	g_assert_cmpuint(len, >, 0);
	raw[0] ^= 0x01;
	flipped = g_base64_encode(raw, len);
	return arc_wire_tamper_set_string(json, path, flipped);
}

/**
 * arc_wire_tamper_flip_char:
 * @json: a message
 * @path: a string member of letters, digits and '_' (a session id)
 *
 * Returns: (transfer full): the message with one bit of the member's last character flipped,
 *   so that it is still a well-formed id
 */
gchar *
arc_wire_tamper_flip_char(const gchar *json, const gchar *path)
{
	g_autofree gchar *text = arc_wire_tamper_get_string(json, path);
	gsize last = strlen(text);
	gchar c;

	g_assert_cmpuint(last, >, 0);
	last--;
	c = (gchar)(text[last] ^ 0x01);
	if (!g_ascii_isalnum(c))
		c = (gchar)(text[last] ^ 0x02);
	g_assert_true(g_ascii_isalnum(c));
	text[last] = c;
	return arc_wire_tamper_set_string(json, path, text);
}
