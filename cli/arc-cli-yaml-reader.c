/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-yaml.h"

#include <yaml.h>

/* Aliases can make a small file expand into a huge tree: bound both dimensions */
#define ARC_CLI_YAML_MAX_DEPTH 64
#define ARC_CLI_YAML_MAX_NODES 100000

typedef struct {
	yaml_document_t *document;
	guint budget;
} ArcCliYamlReader;

static JsonNode *arc_cli_yaml_reader_node(ArcCliYamlReader *self, yaml_node_t *node, guint depth,
					  GError **error);

static JsonNode *
arc_cli_yaml_reader_scalar(yaml_node_t *node)
{
	g_autofree gchar *text =
		g_strndup((const gchar *)node->data.scalar.value, node->data.scalar.length);
	JsonNode *json = json_node_new(JSON_NODE_VALUE);
	gboolean bool_value = FALSE;
	gint64 int_value = 0;
	gdouble double_value = 0;

	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		json_node_set_string(json, text);
		return json;
	}
	switch (arc_cli_yaml_scalar_resolve(text, &bool_value, &int_value, &double_value)) {
	case ARC_CLI_YAML_SCALAR_NULL:
		json_node_init_null(json);
		break;
	case ARC_CLI_YAML_SCALAR_BOOL:
		json_node_set_boolean(json, bool_value);
		break;
	case ARC_CLI_YAML_SCALAR_INT:
		json_node_set_int(json, int_value);
		break;
	case ARC_CLI_YAML_SCALAR_DOUBLE:
		json_node_set_double(json, double_value);
		break;
	default:
		json_node_set_string(json, text);
		break;
	}
	return json;
}

static JsonNode *
arc_cli_yaml_reader_sequence(ArcCliYamlReader *self, yaml_node_t *node, guint depth, GError **error)
{
	g_autoptr(JsonArray) array = json_array_new();
	JsonNode *json;

	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *child = yaml_document_get_node(self->document, *item);
		JsonNode *value = arc_cli_yaml_reader_node(self, child, depth + 1, error);

		if (value == NULL)
			return NULL;
		json_array_add_element(array, value);
	}
	json = json_node_new(JSON_NODE_ARRAY);
	json_node_set_array(json, array);
	return json;
}

static JsonNode *
arc_cli_yaml_reader_mapping(ArcCliYamlReader *self, yaml_node_t *node, guint depth, GError **error)
{
	g_autoptr(JsonObject) object = json_object_new();
	JsonNode *json;

	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(self->document, pair->key);
		yaml_node_t *child = yaml_document_get_node(self->document, pair->value);
		g_autofree gchar *name = NULL;
		JsonNode *value;

		if (key == NULL || key->type != YAML_SCALAR_NODE) {
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
					    "mapping keys must be scalars");
			return NULL;
		}
		name = g_strndup((const gchar *)key->data.scalar.value, key->data.scalar.length);
		value = arc_cli_yaml_reader_node(self, child, depth + 1, error);
		if (value == NULL)
			return NULL;
		json_object_set_member(object, name, value);
	}
	json = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(json, object);
	return json;
}

static JsonNode *
arc_cli_yaml_reader_node(ArcCliYamlReader *self, yaml_node_t *node, guint depth, GError **error)
{
	if (node == NULL) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "dangling node");
		return NULL;
	}
	if (depth > ARC_CLI_YAML_MAX_DEPTH || self->budget == 0) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "document nested too deeply or too large");
		return NULL;
	}
	self->budget--;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return arc_cli_yaml_reader_scalar(node);
	case YAML_SEQUENCE_NODE:
		return arc_cli_yaml_reader_sequence(self, node, depth, error);
	case YAML_MAPPING_NODE:
		return arc_cli_yaml_reader_mapping(self, node, depth, error);
	default:
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty node");
		return NULL;
	}
}

static void
arc_cli_yaml_reader_set_parser_error(yaml_parser_t *parser, GError **error)
{
	const gchar *problem = parser->problem != NULL ? parser->problem : "invalid YAML";

	if (parser->error == YAML_MEMORY_ERROR) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
		return;
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %zu column %zu: %s",
		    parser->problem_mark.line + 1, parser->problem_mark.column + 1, problem);
}

/**
 * arc_cli_yaml_to_json:
 * @data: YAML text
 * @length: the length of @data in bytes
 *
 * Reads the first document of a YAML stream into JSON values: mappings become objects (keys
 * in file order), sequences arrays; quoted scalars are strings, plain ones are resolved with
 * arc_cli_yaml_scalar_resolve(). Aliases are expanded, within limits.
 *
 * Returns: (transfer full): the document's root, a null node for an empty stream, or %NULL
 * with @error set
 */
JsonNode *
arc_cli_yaml_to_json(const gchar *data, gsize length, GError **error)
{
	yaml_parser_t parser;
	yaml_document_t document;
	yaml_node_t *root;
	ArcCliYamlReader self = {&document, ARC_CLI_YAML_MAX_NODES};
	JsonNode *json;

	if (!yaml_parser_initialize(&parser)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, length);
	if (!yaml_parser_load(&parser, &document)) {
		arc_cli_yaml_reader_set_parser_error(&parser, error);
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&document);
	if (root == NULL)
		json = json_node_new(JSON_NODE_NULL);
	else
		json = arc_cli_yaml_reader_node(&self, root, 0, error);
	yaml_document_delete(&document);
	yaml_parser_delete(&parser);
	return json;
}
