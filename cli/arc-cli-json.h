/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const gchar *arc_cli_json_get_string(JsonObject *object, const gchar *member);
gchar *arc_cli_json_to_text(JsonNode *node);
JsonObject *arc_cli_json_expect_object(JsonNode *node, GError **error);
JsonArray *arc_cli_json_expect_array(JsonNode *node, GError **error);
JsonNode *arc_cli_json_parse(const gchar *data, gsize length, GError **error);

G_END_DECLS
