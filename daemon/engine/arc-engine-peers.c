/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"

#include "arc-record-sign.h"

/* The engine's side of the peers: it authorises and delegates to its ArcPeerManager
 * (arc-peer-manager.c). The handshake that adds a peer lives in arc-engine-handshake.c. */

/* ---- the public API: authorise, then delegate ---- */

/**
 * arc_engine_list_peers:
 * @self: the engine
 * @caller: who is calling
 * @is_local: 1 for the local peer only, 0 for remote peers only, -1 for all
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcPeerInfo): the peers, by id
 */
GPtrArray *
arc_engine_list_peers(ArcEngine *self, const ArcCaller *caller, gint is_local, GError **error)
{
	g_autoptr(GPtrArray) peers = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_READ, error))
		return NULL;
	peers = arc_peer_manager_load(arc_engine_get_peer_manager(self), error);
	if (peers == NULL)
		return NULL;
	for (guint i = peers->len; is_local >= 0 && i > 0; i--) {
		ArcPeerInfo *info = g_ptr_array_index(peers, i - 1);
		if (info->is_local != (is_local != 0))
			g_ptr_array_remove_index(peers, i - 1);
	}
	return g_steal_pointer(&peers);
}

/**
 * arc_engine_get_peer:
 * @self: the engine
 * @caller: who is calling
 * @peer_id: the peer
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the peer, or %NULL with %ARC_ERROR_NOT_FOUND
 */
ArcPeerInfo *
arc_engine_get_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_READ, error))
		return NULL;
	return arc_peer_manager_lookup(arc_engine_get_peer_manager(self), peer_id, NULL, error);
}

/**
 * arc_engine_update_peer:
 * @self: the engine
 * @caller: who is calling
 * @peer_id: the peer
 * @update: what changes: its name (an alias for remote peers)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the peer as stored, or %NULL
 */
ArcPeerInfo *
arc_engine_update_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id,
		       const ArcPeerUpdate *update, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return NULL;
	if (!arc_peer_update_validate(update, error))
		return NULL;
	return arc_peer_manager_rename(arc_engine_get_peer_manager(self), peer_id, update->name,
				       error);
}

/**
 * arc_engine_delete_peer:
 * @self: the engine
 * @caller: who is calling
 * @peer_id: a remote peer
 * @revoked_credentials: (out) (optional) (transfer full) (element-type utf8): the client ids
 *   of the credentials the peer minted, revoked with it
 * @error: return location for a #GError
 *
 * Removes a remote peer from this agent's view of the cluster. The local peer leaves with
 * arc_engine_remove_self_async() instead.
 *
 * Returns: %TRUE once the deletion is stored
 */
gboolean
arc_engine_delete_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id,
		       GPtrArray **revoked_credentials, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return FALSE;
	return arc_peer_manager_delete(arc_engine_get_peer_manager(self), peer_id,
				       arc_caller_describe(caller), revoked_credentials, error);
}

void
arc_cluster_status_free(ArcClusterStatus *self)
{
	if (self == NULL)
		return;
	g_free(self->registry_hash);
	g_ptr_array_unref(self->kinds);
	g_array_unref(self->live);
	g_array_unref(self->deleted);
	g_ptr_array_unref(self->peers);
	g_free(self);
}

/**
 * arc_engine_get_cluster_status:
 * @self: the engine
 * @caller: who is calling (admin)
 * @error: return location for a #GError
 *
 * The local side of `arctic cluster status`: the registry hash over every replicated record,
 * the counts per kind, and the peers. What each peer last said of itself comes with gossip.
 *
 * Returns: (transfer full): the status
 */
ArcClusterStatus *
arc_engine_get_cluster_status(ArcEngine *self, const ArcCaller *caller, GError **error)
{
	g_autoptr(ArcClusterStatus) status = g_new0(ArcClusterStatus, 1);
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	const gchar *const *kinds = arc_registry_get_kinds(arc_engine_get_registry(self));

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_ADMIN, error))
		return NULL;
	status->kinds = g_ptr_array_new();
	status->live = g_array_new(FALSE, TRUE, sizeof(guint));
	status->deleted = g_array_new(FALSE, TRUE, sizeof(guint));

	for (guint k = 0; kinds[k] != NULL; k++) {
		g_autoptr(GPtrArray) records = arc_storage_list_records(
			arc_node_get_storage(arc_engine_get_node(self)), kinds[k], error);
		guint live = 0, deleted = 0;

		if (records == NULL)
			return NULL;
		for (guint i = 0; i < records->len; i++) {
			ArcRecord *record = g_ptr_array_index(records, i);
			if (record->deleted)
				deleted++;
			else
				live++;
			g_ptr_array_add(all, arc_record_copy(record));
		}
		g_ptr_array_add(status->kinds, (gpointer)kinds[k]);
		g_array_append_val(status->live, live);
		g_array_append_val(status->deleted, deleted);
	}
	status->registry_hash = arc_record_registry_hash(all);
	status->peers = arc_peer_manager_load(arc_engine_get_peer_manager(self), error);
	if (status->peers == NULL)
		return NULL;
	return g_steal_pointer(&status);
}

/**
 * arc_engine_is_member_address:
 * @self: the engine
 * @address: where a connection comes from
 *
 * Whether @address is the advertised address of another active peer: the API server keeps
 * connections in reserve for those.
 *
 * Returns: %TRUE if it is
 */
gboolean
arc_engine_is_member_address(ArcEngine *self, GInetAddress *address)
{
	return arc_registry_is_member_host(arc_engine_get_registry(self), address);
}

/**
 * arc_engine_set_api_port:
 * @self: the engine
 * @port: the port the API listens on, once bound
 *
 * The port this agent advertises to its peers (it differs from the configured one when
 * that is 0).
 */
void
arc_engine_set_api_port(ArcEngine *self, guint16 port)
{
	ArcNode *node = arc_engine_get_node(self);
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *address = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *stored;

	arc_node_set_api_port(node, port);
	if (!arc_node_is_bootstrapped(node))
		return;
	/* the local record follows a new port or advertise setting */
	record = arc_storage_get_record(arc_node_get_storage(node), "peer",
					arc_node_get_peer_id(node), NULL);
	root = record != NULL ? arc_json_parse_object(record->body, -1, 8, NULL) : NULL;
	if (root == NULL)
		return;
	stored = arc_json_object_get_string(json_node_get_object(root), "address");
	address = arc_node_own_address(node, stored, NULL);
	if (g_strcmp0(stored, address) == 0)
		return;
	if (!arc_peer_manager_edit_own_record(arc_engine_get_peer_manager(self), "address", address,
					      &error))
		g_warning("cannot record the new address %s: %s", address, error->message);
	else
		g_info("this agent is now advertised at %s", address);
}

guint16
arc_engine_get_api_port(ArcEngine *self)
{
	return arc_node_get_api_port(arc_engine_get_node(self));
}
