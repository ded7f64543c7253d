/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-yaml.h"

#include <yaml.h>

#include <string.h>

/* Nesting deeper than this is not something the API or the config file produce */
#define ARC_CLI_YAML_MAX_DEPTH 64

static gboolean arc_cli_yaml_writer_node(yaml_emitter_t *emitter, JsonNode *node, guint depth,
					 GError **error);

static int
arc_cli_yaml_writer_output_cb(void *data, unsigned char *buffer, size_t size)
{
	g_string_append_len((GString *)data, (const gchar *)buffer, (gssize)size);
	return 1;
}

/* The emitter takes ownership of @event, also when it fails */
static gboolean
arc_cli_yaml_writer_emit(yaml_emitter_t *emitter, yaml_event_t *event, GError **error)
{
	if (!yaml_emitter_emit(emitter, event)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write YAML: %s",
			    emitter->problem != NULL ? emitter->problem : "unknown error");
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_cli_yaml_writer_scalar(yaml_emitter_t *emitter, const gchar *text, gboolean is_string,
			   GError **error)
{
	yaml_event_t event;
	gboolean plain_implicit = !is_string || !arc_cli_yaml_scalar_is_ambiguous(text);
	yaml_scalar_style_t style = is_string ? YAML_ANY_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;

	if (!yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)text,
					  (int)strlen(text), plain_implicit, 1, style)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
		return FALSE;
	}
	return arc_cli_yaml_writer_emit(emitter, &event, error);
}

static gchar *
arc_cli_yaml_writer_double(gdouble value)
{
	gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_dtostr(buf, sizeof(buf), value);
	/* keep it a float when read back */
	if (strpbrk(buf, ".eE") == NULL)
		return g_strconcat(buf, ".0", NULL);
	return g_strdup(buf);
}

static gboolean
arc_cli_yaml_writer_value(yaml_emitter_t *emitter, JsonNode *node, GError **error)
{
	g_autofree gchar *text = NULL;

	switch (json_node_get_value_type(node)) {
	case G_TYPE_STRING:
		return arc_cli_yaml_writer_scalar(emitter, json_node_get_string(node), TRUE, error);
	case G_TYPE_BOOLEAN:
		return arc_cli_yaml_writer_scalar(
			emitter, json_node_get_boolean(node) ? "true" : "false", FALSE, error);
	case G_TYPE_INT64:
		text = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
		break;
	case G_TYPE_DOUBLE:
		text = arc_cli_yaml_writer_double(json_node_get_double(node));
		break;
	default:
		text = g_strdup("null");
		break;
	}
	return arc_cli_yaml_writer_scalar(emitter, text, FALSE, error);
}

static gboolean
arc_cli_yaml_writer_object(yaml_emitter_t *emitter, JsonObject *object, guint depth, GError **error)
{
	yaml_event_t event;
	g_autoptr(GList) members = json_object_get_members(object);

	yaml_mapping_start_event_initialize(&event, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if (!arc_cli_yaml_writer_emit(emitter, &event, error))
		return FALSE;
	for (GList *l = members; l != NULL; l = l->next) {
		const gchar *name = l->data;

		if (!arc_cli_yaml_writer_scalar(emitter, name, TRUE, error))
			return FALSE;
		if (!arc_cli_yaml_writer_node(emitter, json_object_get_member(object, name),
					      depth + 1, error))
			return FALSE;
	}
	yaml_mapping_end_event_initialize(&event);
	return arc_cli_yaml_writer_emit(emitter, &event, error);
}

static gboolean
arc_cli_yaml_writer_array(yaml_emitter_t *emitter, JsonArray *array, guint depth, GError **error)
{
	yaml_event_t event;

	yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	if (!arc_cli_yaml_writer_emit(emitter, &event, error))
		return FALSE;
	for (guint i = 0; i < json_array_get_length(array); i++) {
		if (!arc_cli_yaml_writer_node(emitter, json_array_get_element(array, i), depth + 1,
					      error))
			return FALSE;
	}
	yaml_sequence_end_event_initialize(&event);
	return arc_cli_yaml_writer_emit(emitter, &event, error);
}

static gboolean
arc_cli_yaml_writer_node(yaml_emitter_t *emitter, JsonNode *node, guint depth, GError **error)
{
	if (depth > ARC_CLI_YAML_MAX_DEPTH) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "cannot write YAML: nested too deeply");
		return FALSE;
	}
	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return arc_cli_yaml_writer_scalar(emitter, "null", FALSE, error);
	if (JSON_NODE_HOLDS_OBJECT(node))
		return arc_cli_yaml_writer_object(emitter, json_node_get_object(node), depth,
						  error);
	if (JSON_NODE_HOLDS_ARRAY(node))
		return arc_cli_yaml_writer_array(emitter, json_node_get_array(node), depth, error);
	return arc_cli_yaml_writer_value(emitter, node, error);
}

static gboolean
arc_cli_yaml_writer_document(yaml_emitter_t *emitter, JsonNode *node, GError **error)
{
	yaml_event_t event;

	yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING);
	if (!arc_cli_yaml_writer_emit(emitter, &event, error))
		return FALSE;
	yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1);
	if (!arc_cli_yaml_writer_emit(emitter, &event, error))
		return FALSE;
	if (!arc_cli_yaml_writer_node(emitter, node, 0, error))
		return FALSE;
	yaml_document_end_event_initialize(&event, 1);
	if (!arc_cli_yaml_writer_emit(emitter, &event, error))
		return FALSE;
	yaml_stream_end_event_initialize(&event);
	return arc_cli_yaml_writer_emit(emitter, &event, error);
}

/**
 * arc_cli_yaml_from_json:
 * @node: (nullable): a JSON value
 *
 * Writes @node as a YAML document in block style: objects become mappings in member order,
 * arrays sequences; strings that would read back as another type are quoted.
 *
 * Returns: (transfer full): the YAML text, or %NULL with @error set
 */
gchar *
arc_cli_yaml_from_json(JsonNode *node, GError **error)
{
	yaml_emitter_t emitter;
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean ok;

	if (!yaml_emitter_initialize(&emitter)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
		return NULL;
	}
	yaml_emitter_set_output(&emitter, arc_cli_yaml_writer_output_cb, out);
	yaml_emitter_set_unicode(&emitter, 1);
	yaml_emitter_set_width(&emitter, -1);
	yaml_emitter_set_indent(&emitter, 2);
	ok = arc_cli_yaml_writer_document(&emitter, node, error);
	if (ok && !yaml_emitter_flush(&emitter)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write YAML");
		ok = FALSE;
	}
	yaml_emitter_delete(&emitter);
	if (!ok)
		return NULL;
	return g_string_free(g_steal_pointer(&out), FALSE);
}
