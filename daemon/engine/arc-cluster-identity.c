/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-cluster-identity.h"

#include "arc-text.h"

struct _ArcClusterIdentity {
	ArcNode *node;
	ArcAuthManager *auth;
	ArcPeerManager *peers; /* not owned: outlives this */
};

/**
 * arc_cluster_identity_new:
 * @node: this agent, which holds the cluster id
 * @auth: the credentials, whose tokens name the cluster
 * @peers: (transfer none): the peers, whose own record states the cluster id; must outlive
 *   the result
 *
 * Returns: (transfer full): the keeper of the cluster id
 */
ArcClusterIdentity *
arc_cluster_identity_new(ArcNode *node, ArcAuthManager *auth, ArcPeerManager *peers)
{
	ArcClusterIdentity *self = g_new0(ArcClusterIdentity, 1);

	self->node = g_object_ref(node);
	self->auth = g_object_ref(auth);
	self->peers = peers;
	return self;
}

void
arc_cluster_identity_free(ArcClusterIdentity *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->node);
	g_clear_object(&self->auth);
	g_free(self);
}

/**
 * arc_cluster_identity_load_former:
 * @self: the keeper, of a bootstrapped agent
 *
 * Tokens issued for the cluster ids this agent held before clusters merged stay valid for
 * one token lifetime (docs/protocol.md §6.4): meta cluster.former_ids, "id until" per line.
 */
void
arc_cluster_identity_load_former(ArcClusterIdentity *self)
{
	g_autofree gchar *former =
		arc_storage_get_meta(arc_node_get_storage(self->node), "cluster.former_ids", NULL);
	g_auto(GStrv) lines = former != NULL ? g_strsplit(former, "\n", -1) : NULL;

	for (guint i = 0; lines != NULL && lines[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(lines[i], " ", 2);
		if (g_strv_length(parts) == 2)
			arc_auth_manager_add_former_cluster_id(self->auth, parts[0],
							       g_ascii_strtoll(parts[1], NULL, 10));
	}
}

/* the ids still in their grace period at @now, and @given_up until @expires */
static gchar *
arc_cluster_identity_former_list(ArcClusterIdentity *self, const gchar *given_up, gint64 now,
				 gint64 expires)
{
	g_autofree gchar *stored =
		arc_storage_get_meta(arc_node_get_storage(self->node), "cluster.former_ids", NULL);
	GString *list = g_string_new(NULL);

	if (stored != NULL) {
		g_auto(GStrv) lines = g_strsplit(stored, "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++) {
			const gchar *space = strchr(lines[i], ' ');
			if (space != NULL && g_ascii_strtoll(space + 1, NULL, 10) > now)
				g_string_append_printf(list, "%s\n", lines[i]);
		}
	}
	g_string_append_printf(list, "%s %" G_GINT64_FORMAT, given_up, expires);
	return g_string_free(list, FALSE);
}

/**
 * arc_cluster_identity_offer:
 * @self: the keeper
 * @cluster_id: the cluster id another peer holds, untrusted beyond its signature
 * @from: that peer
 *
 * Two clusters that met merge under the older (smaller) cluster id (docs/protocol.md §6.4):
 * this agent adopts @cluster_id if it is smaller than its own, keeps accepting tokens for
 * its former id for one token lifetime, and states the new id in its own record, which
 * spreads it.
 */
void
arc_cluster_identity_offer(ArcClusterIdentity *self, const gchar *cluster_id, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *former = g_strdup(arc_node_get_cluster_id(self->node));
	g_autofree gchar *list = NULL;
	gint64 now = arc_node_now(self->node);
	gint64 expires = now + ARC_TOKEN_LIFETIME_SECS;

	if (former == NULL || !arc_id_is_valid(cluster_id, "clu_") ||
	    strcmp(cluster_id, former) >= 0)
		return;
	list = arc_cluster_identity_former_list(self, former, now, expires);
	txn = arc_storage_txn_new();
	arc_storage_txn_set_meta(txn, "cluster_id", cluster_id);
	arc_storage_txn_set_meta(txn, "cluster.former_ids", list);
	if (!arc_storage_commit(arc_node_get_storage(self->node), txn, &error)) {
		g_warning("cannot adopt cluster id %s: %s", cluster_id, error->message);
		return;
	}
	arc_node_set_cluster_id(self->node, cluster_id);
	arc_auth_manager_add_former_cluster_id(self->auth, former, expires);
	g_info("cluster %s merged into cluster %s, the older id (learned from peer %s)", former,
	       cluster_id, from);
	if (!arc_peer_manager_edit_own_record(self->peers, "cluster_id", cluster_id, &error))
		g_warning("cannot state cluster id %s in this agent's record: %s", cluster_id,
			  error->message);
}

/**
 * arc_cluster_identity_renew:
 * @self: the keeper, of a lone agent (the caller checks)
 * @by: who asked, for the log
 * @error: return location for a #GError
 *
 * `cluster init --force`: a new cluster id, stored and stated in this agent's own record.
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_cluster_identity_renew(ArcClusterIdentity *self, const gchar *by, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *cluster_id = arc_id_new("clu_");

	arc_storage_txn_set_meta(txn, "cluster_id", cluster_id);
	if (!arc_storage_commit(arc_node_get_storage(self->node), txn, error))
		return FALSE;
	g_info("cluster id %s replaced by %s (cluster init --force by %s)",
	       arc_node_get_cluster_id(self->node), cluster_id, by);
	arc_node_set_cluster_id(self->node, cluster_id);
	return arc_peer_manager_edit_own_record(self->peers, "cluster_id", cluster_id, error);
}
