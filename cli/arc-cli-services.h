/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What `arctic services` and `arctic routes` share: the API's paths, its not-found answer,
 * the routes table, the `--flag=true|false` spelling of switches and files of routes
 * (docs/services.md) */

gchar *arc_cli_services_path(const gchar *service_id, const gchar *suffix);
void arc_cli_services_map_not_found(GError **error, gboolean only_service);
const gchar *arc_cli_services_text(JsonObject *object, const gchar *member);
const gchar *arc_cli_services_peer_name(JsonObject *service, const gchar *role);
gchar *arc_cli_services_table(const gchar *const *headings, guint columns, GPtrArray *cells,
			      const gchar *indent);
gchar *arc_cli_services_routes_table(JsonArray *routes, gboolean with_service, const gchar *indent);
gboolean arc_cli_services_split_switches(gchar **argv, const gchar *const *names, GError **error);
gboolean arc_cli_services_parse_int(const gchar *flag, const gchar *text, gint64 min, gint64 max,
				    gint64 *value, GError **error);
void arc_cli_services_strip_error_prefix(GError **error, const gchar *const *prefixes);
JsonNode *arc_cli_services_read_routes_file(const gchar *filename, GError **error);

G_END_DECLS
