/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* assertions on what the API answers */
void arc_test_assert_api_error(JsonNode *node, const gchar *code);
void arc_test_assert_rfc3339(const gchar *text);
const gchar *arc_test_json_string(JsonNode *node, const gchar *member);
gint64 arc_test_json_int(JsonNode *node, const gchar *member);
gboolean arc_test_json_is_null(JsonNode *node, const gchar *member);
gboolean arc_test_json_array_has_string(JsonNode *node, const gchar *member, const gchar *value);

#define arc_test_assert_status(status, expected) g_assert_cmpuint((status), ==, (expected))

G_END_DECLS
