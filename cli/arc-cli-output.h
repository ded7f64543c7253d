/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
	ARC_CLI_OUTPUT_TABLE,
	ARC_CLI_OUTPUT_JSON,
	ARC_CLI_OUTPUT_YAML,
} ArcCliOutputFormat;

gboolean arc_cli_output_format_from_string(const gchar *text, ArcCliOutputFormat *format);
gboolean arc_cli_output_print_node(ArcCliOutputFormat format, JsonNode *node, GError **error);
gboolean arc_cli_output_print_object(ArcCliOutputFormat format, JsonObject *object, GError **error);

void arc_cli_output_init(void);
gchar *arc_cli_output_neutralise(const gchar *text);

void arc_cli_output_set_debug(gboolean debug);
gboolean arc_cli_output_get_debug(void);
void arc_cli_output_debug(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
void arc_cli_output_note(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
void arc_cli_output_warning(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
void arc_cli_output_error(const GError *error);

G_END_DECLS
