/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine.h"
#include "arc-engine-private.h"

#include "arc-text.h"

/* The cluster id: the older of two ids wins when clusters meet (docs/protocol.md §6.4), tokens
 * for a former id stay valid for a while, and `cluster init --force` mints a new one for a
 * lone agent. The engine holds the id; this decides when it changes. */

/* Tokens issued for the cluster ids this agent held before clusters merged stay valid for one
 * token lifetime (docs/protocol.md §6.4): meta cluster.former_ids, "id until" per line. */
void
arc_engine_load_former_cluster_ids(ArcEngine *self)
{
	g_autofree gchar *former = arc_storage_get_meta(
		arc_node_get_storage(arc_engine_get_node(self)), "cluster.former_ids", NULL);
	g_auto(GStrv) lines = former != NULL ? g_strsplit(former, "\n", -1) : NULL;

	for (guint i = 0; lines != NULL && lines[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(lines[i], " ", 2);
		if (g_strv_length(parts) == 2)
			arc_auth_manager_add_former_cluster_id(arc_engine_get_auth(self), parts[0],
							       g_ascii_strtoll(parts[1], NULL, 10));
	}
}

/**
 * arc_engine_offer_cluster_id:
 * @self: the engine
 * @cluster_id: the cluster id another peer holds, untrusted beyond its signature
 * @from: that peer
 *
 * Two clusters that met merge under the older (smaller) cluster id (docs/protocol.md §6.4):
 * this agent adopts @cluster_id if it is smaller than its own, keeps accepting tokens for
 * its former id for one token lifetime, and states the new id in its own record, which
 * spreads it.
 */
void
arc_engine_offer_cluster_id(ArcEngine *self, const gchar *cluster_id, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *former = NULL;
	g_autofree gchar *stored = NULL;
	g_autoptr(GString) list = g_string_new(NULL);
	gint64 now = arc_engine_now(self);
	gint64 expires = now + ARC_TOKEN_LIFETIME_SECS;

	if (arc_node_get_cluster_id(arc_engine_get_node(self)) == NULL ||
	    !arc_id_is_valid(cluster_id, "clu_") ||
	    strcmp(cluster_id, arc_node_get_cluster_id(arc_engine_get_node(self))) >= 0)
		return;
	/* the ids still in their grace period, and the one given up now */
	stored = arc_storage_get_meta(arc_node_get_storage(arc_engine_get_node(self)),
				      "cluster.former_ids", NULL);
	if (stored != NULL) {
		g_auto(GStrv) lines = g_strsplit(stored, "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++) {
			const gchar *space = strchr(lines[i], ' ');
			if (space != NULL && g_ascii_strtoll(space + 1, NULL, 10) > now)
				g_string_append_printf(list, "%s\n", lines[i]);
		}
	}
	g_string_append_printf(list, "%s %" G_GINT64_FORMAT,
			       arc_node_get_cluster_id(arc_engine_get_node(self)), expires);
	txn = arc_storage_txn_new();
	arc_storage_txn_set_meta(txn, "cluster_id", cluster_id);
	arc_storage_txn_set_meta(txn, "cluster.former_ids", list->str);
	if (!arc_storage_commit(arc_node_get_storage(arc_engine_get_node(self)), txn, &error)) {
		g_warning("cannot adopt cluster id %s: %s", cluster_id, error->message);
		return;
	}
	former = g_strdup(arc_node_get_cluster_id(arc_engine_get_node(self)));
	arc_node_set_cluster_id(arc_engine_get_node(self), cluster_id);
	arc_auth_manager_add_former_cluster_id(arc_engine_get_auth(self), former, expires);
	g_info("cluster %s merged into cluster %s, the older id (learned from peer %s)", former,
	       cluster_id, from);
	if (!arc_peer_manager_edit_own_record(arc_engine_get_peer_manager(self), "cluster_id",
					      cluster_id, &error))
		g_warning("cannot state cluster id %s in this agent's record: %s", cluster_id,
			  error->message);
}

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
		g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
		g_autofree gchar *cluster_id = arc_id_new("clu_");

		if (members->len > 1) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "this agent is in a cluster of %u peers, whose oldest cluster "
				    "id always wins: remove the other peers first",
				    members->len);
			return NULL;
		}
		arc_storage_txn_set_meta(txn, "cluster_id", cluster_id);
		if (!arc_storage_commit(arc_node_get_storage(arc_engine_get_node(self)), txn,
					error))
			return NULL;
		g_info("cluster id %s replaced by %s (cluster init --force by %s)",
		       arc_node_get_cluster_id(arc_engine_get_node(self)), cluster_id,
		       arc_caller_describe(caller));
		arc_node_set_cluster_id(arc_engine_get_node(self), cluster_id);
		if (!arc_peer_manager_edit_own_record(arc_engine_get_peer_manager(self),
						      "cluster_id", cluster_id, error))
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
