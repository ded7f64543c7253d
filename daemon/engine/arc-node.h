/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-config.h"
#include "arc-identity.h"
#include "arc-tunnel-key.h"

G_BEGIN_DECLS

/* The local node: what every manager may need to know about this agent (its settings,
 * storage, clock, key, peer id, name, cluster id and API port), in one object the engine
 * fills in as the agent starts, bootstraps and merges, so that no manager asks the engine. */

/**
 * ArcClockFunc:
 * @user_data: given with the function
 *
 * Returns: seconds since the epoch
 */
typedef gint64 (*ArcClockFunc)(gpointer user_data);

#define ARC_TYPE_NODE (arc_node_get_type())
G_DECLARE_FINAL_TYPE(ArcNode, arc_node, ARC, NODE, GObject)

ArcNode *arc_node_new(ArcConfig *config);
ArcConfig *arc_node_get_config(ArcNode *self);

void arc_node_set_clock(ArcNode *self, ArcClockFunc func, gpointer user_data);
gint64 arc_node_now(ArcNode *self);

void arc_node_set_plugins(ArcNode *self, ArcStorage *storage, ArcLicenseBackend *backend);
ArcStorage *arc_node_get_storage(ArcNode *self);
ArcLicenseBackend *arc_node_get_license_backend(ArcNode *self);

void arc_node_set_identity(ArcNode *self, ArcIdentity *identity, const gchar *peer_id,
			   const gchar *cluster_id, const gchar *name);
gboolean arc_node_is_bootstrapped(ArcNode *self);
ArcIdentity *arc_node_get_identity(ArcNode *self);
const gchar *arc_node_get_peer_id(ArcNode *self);
gboolean arc_node_load_tunnel_key(ArcNode *self, GError **error);
ArcTunnelKey *arc_node_get_tunnel_key(ArcNode *self);

const gchar *arc_node_get_cluster_id(ArcNode *self);
void arc_node_set_cluster_id(ArcNode *self, const gchar *cluster_id);
const gchar *arc_node_get_name(ArcNode *self);
void arc_node_set_name(ArcNode *self, const gchar *name);

void arc_node_set_api_port(ArcNode *self, guint16 port);
guint16 arc_node_get_api_port(ArcNode *self);
gchar *arc_node_advertised_address(ArcNode *self, const gchar *remote);
gchar *arc_node_own_address(ArcNode *self, const gchar *stored, const gchar *remote);

G_END_DECLS
