/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine.h"
#include "arc-engine-managers.h"

/* `cluster init`: authorised here, the cluster id kept by ArcClusterIdentity
 * (arc-cluster-identity.c). */

void
arc_cluster_init_result_free(ArcClusterInitResult *self)
{
	if (self == NULL)
		return;
	g_free(self->cluster_id);
	g_free(self->created_by);
	g_free(self->oldest_peer_id);
	g_free(self);
}

/**
 * arc_engine_cluster_init:
 * @self: the engine
 * @caller: who is calling (admin)
 * @force: mint a new cluster id
 * @error: return location for a #GError
 *
 * `POST /v1/cluster/init`: the legacy way to give an agent a cluster. Bootstrap already
 * creates the cluster, so without @force this says which cluster the agent is in. @force
 * mints a new cluster id, for a lone agent only: in a cluster the oldest id always wins
 * (docs/protocol.md §6.4), so a new one would be overruled at the next gossip round.
 *
 * Returns: (transfer full): the cluster, or %NULL
 */
ArcClusterInitResult *
arc_engine_cluster_init(ArcEngine *self, const ArcCaller *caller, gboolean force, GError **error)
{
	g_autoptr(ArcClusterInitResult) res = g_new0(ArcClusterInitResult, 1);
	g_autoptr(GPtrArray) members = NULL;
	ArcMember *oldest = NULL;

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_ADMIN, error))
		return NULL;
	members = arc_registry_get_members(arc_engine_get_registry(self));
	oldest = members->len > 0 ? g_ptr_array_index(members, 0) : NULL;
	if (force) {
		if (members->len > 1) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "this agent is in a cluster of %u peers, whose oldest cluster "
				    "id always wins: remove the other peers first",
				    members->len);
			return NULL;
		}
		if (!arc_cluster_identity_renew(arc_engine_get_cluster_identity(self),
						arc_caller_describe(caller), error))
			return NULL;
		res->was_created = TRUE;
		res->created_by = g_strdup(arc_node_get_peer_id(arc_engine_get_node(self)));
	} else {
		res->created_by =
			g_strdup(oldest != NULL ? oldest->id
						: arc_node_get_peer_id(arc_engine_get_node(self)));
	}
	res->cluster_id = g_strdup(arc_node_get_cluster_id(arc_engine_get_node(self)));
	res->oldest_peer_id = g_strdup(
		oldest != NULL ? oldest->id : arc_node_get_peer_id(arc_engine_get_node(self)));
	return g_steal_pointer(&res);
}
