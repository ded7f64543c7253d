/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "arc-cli-cluster.h"

G_BEGIN_DECLS

#define ARC_TYPE_CLI_CONFIG (arc_cli_config_get_type())
G_DECLARE_FINAL_TYPE(ArcCliConfig, arc_cli_config, ARC, CLI_CONFIG, GObject)

gchar *arc_cli_config_default_path(void);
ArcCliConfig *arc_cli_config_new(const gchar *path);
const gchar *arc_cli_config_get_path(ArcCliConfig *self);
gboolean arc_cli_config_load(ArcCliConfig *self, GError **error);
gboolean arc_cli_config_save(ArcCliConfig *self, GError **error);
gboolean arc_cli_config_get_exists(ArcCliConfig *self);
gchar *arc_cli_config_to_yaml(ArcCliConfig *self, GError **error);
JsonNode *arc_cli_config_to_node(ArcCliConfig *self);

const gchar *arc_cli_config_get_current_cluster(ArcCliConfig *self);
void arc_cli_config_set_current_cluster(ArcCliConfig *self, const gchar *cluster_id);
GPtrArray *arc_cli_config_get_cluster_ids(ArcCliConfig *self);
ArcCliCluster *arc_cli_config_get_cluster(ArcCliConfig *self, const gchar *cluster_id);
ArcCliCluster *arc_cli_config_find_cluster_by_endpoint(ArcCliConfig *self, const gchar *url);
void arc_cli_config_set_cluster(ArcCliConfig *self, const ArcCliCluster *cluster);

const gchar *arc_cli_config_get_preference_string(ArcCliConfig *self, const gchar *key);
gint64 arc_cli_config_get_preference_int(ArcCliConfig *self, const gchar *key, gint64 fallback);
gboolean arc_cli_config_get_preference_bool(ArcCliConfig *self, const gchar *key,
					    gboolean fallback);

G_END_DECLS
