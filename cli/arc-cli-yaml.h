/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The type a plain (unquoted) YAML scalar stands for, YAML 1.2 core schema. */
typedef enum {
	ARC_CLI_YAML_SCALAR_STRING,
	ARC_CLI_YAML_SCALAR_NULL,
	ARC_CLI_YAML_SCALAR_BOOL,
	ARC_CLI_YAML_SCALAR_INT,
	ARC_CLI_YAML_SCALAR_DOUBLE,
} ArcCliYamlScalarKind;

ArcCliYamlScalarKind arc_cli_yaml_scalar_resolve(const gchar *text, gboolean *bool_out,
						 gint64 *int_out, gdouble *double_out);
gboolean arc_cli_yaml_scalar_is_ambiguous(const gchar *text);

gchar *arc_cli_yaml_from_json(JsonNode *node, GError **error);
JsonNode *arc_cli_yaml_to_json(const gchar *data, gsize length, GError **error);

G_END_DECLS
