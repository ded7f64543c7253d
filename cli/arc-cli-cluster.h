/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One peer entry of a cluster in the CLI config (spec §6.1) */
typedef struct {
	gchar *peer_id;
	gchar *name;
	GPtrArray *endpoints; /* of gchar*: API URLs, the last one that worked first */
} ArcCliPeer;

/* One cluster entry of the CLI config: where to reach it and its client credentials */
typedef struct {
	gchar *cluster_id;
	gchar *customer_id;
	gchar *client_id;
	gchar *client_secret;
	gchar *default_peer;
	gchar *name;
	gchar *description;
	GPtrArray *peers; /* of ArcCliPeer */
} ArcCliCluster;

ArcCliPeer *arc_cli_peer_new(const gchar *peer_id, const gchar *name, const gchar *endpoint);
void arc_cli_peer_free(ArcCliPeer *self);

ArcCliCluster *arc_cli_cluster_new(const gchar *cluster_id);
void arc_cli_cluster_free(ArcCliCluster *self);
ArcCliCluster *arc_cli_cluster_from_json(const gchar *key, JsonObject *object);
void arc_cli_cluster_to_json(const ArcCliCluster *self, JsonObject *object);
ArcCliPeer *arc_cli_cluster_get_peer(const ArcCliCluster *self, const gchar *peer_id);
ArcCliPeer *arc_cli_cluster_get_default_peer(const ArcCliCluster *self);
void arc_cli_cluster_set_peer(ArcCliCluster *self, ArcCliPeer *peer);
guint arc_cli_cluster_remove_peer(ArcCliCluster *self, const gchar *peer_id);
GPtrArray *arc_cli_cluster_get_urls(const ArcCliCluster *self, gboolean all_peers);
gboolean arc_cli_cluster_has_endpoint(const ArcCliCluster *self, const gchar *url);
gboolean arc_cli_cluster_promote_endpoint(ArcCliCluster *self, const gchar *url);
gboolean arc_cli_cluster_remember_endpoint(ArcCliCluster *self, const gchar *url);
void arc_cli_cluster_set_client_secret(ArcCliCluster *self, const gchar *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliPeer, arc_cli_peer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliCluster, arc_cli_cluster_free)

G_END_DECLS
