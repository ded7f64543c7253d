/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The completion cache, `$XDG_CACHE_HOME/arctic/completion.json` (docs/cli.md) */
#define ARC_CLI_CACHE_VERSION 1
#define ARC_CLI_CACHE_DEFAULT_TTL 3600

gchar *arc_cli_cache_default_path(void);
JsonObject *arc_cli_cache_load(const gchar *path, GError **error);
gboolean arc_cli_cache_save(const gchar *path, JsonObject *cache, GError **error);
void arc_cli_cache_set_cluster(JsonObject *cache, const gchar *cluster_id, JsonArray *peers,
			       JsonArray *services, GDateTime *now);
JsonObject *arc_cli_cache_get_cluster(JsonObject *cache, const gchar *cluster_id);
GDateTime *arc_cli_cache_get_updated_at(JsonObject *cache, const gchar *cluster_id);
JsonArray *arc_cli_cache_get_array(JsonObject *entry, const gchar *member);
gboolean arc_cli_cache_is_fresh(JsonObject *cache, const gchar *cluster_id, gint64 ttl,
				GDateTime *now);

G_END_DECLS
