/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gchar *arc_canonical_json(JsonNode *node, const gchar *skip_member, GError **error);
gboolean arc_json_check_strict(const gchar *data, gssize length, gsize max_depth, GError **error);
JsonNode *arc_json_parse_object(const gchar *data, gssize length, gsize max_depth, GError **error);

const gchar *arc_json_object_get_string(JsonObject *object, const gchar *member);
JsonArray *arc_json_object_get_array(JsonObject *object, const gchar *member);

G_END_DECLS
