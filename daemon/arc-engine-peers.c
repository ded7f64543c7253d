/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-private.h"

#include "arc-time.h"

/* The peers of the cluster as the engine shows them: read from the replicated `peer` records.
 * Adding and removing peers (the handshake) comes with issue 3. */

void
arc_peer_info_free(ArcPeerInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self->name);
	g_free(self->public_key);
	g_free(self->address);
	g_free(self);
}

static ArcPeerInfo *
arc_engine_peer_from_record(ArcEngine *self, const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	ArcPeerInfo *info;
	JsonObject *obj;

	if (root == NULL) {
		g_warning("peer record %s is not a JSON object, ignored", record->id);
		return NULL;
	}
	obj = json_node_get_object(root);
	info = g_new0(ArcPeerInfo, 1);
	info->id = g_strdup(record->id);
	info->name = g_strdup(arc_json_object_get_string(obj, "name"));
	info->public_key = g_strdup(arc_json_object_get_string(obj, "public_key"));
	info->address = g_strdup(arc_json_object_get_string(obj, "address"));
	info->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	info->is_local = g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0;
	return info;
}

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
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GPtrArray) peers =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_peer_info_free);

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_READ, error))
		return NULL;
	records = arc_storage_list_records(arc_engine_get_storage(self), "peer", error);
	if (records == NULL)
		return NULL;
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		ArcPeerInfo *info;

		if (record->deleted)
			continue;
		info = arc_engine_peer_from_record(self, record);
		if (info == NULL)
			continue;
		if (is_local >= 0 && info->is_local != (is_local != 0)) {
			arc_peer_info_free(info);
			continue;
		}
		g_ptr_array_add(peers, info);
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
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(GError) error_local = NULL;
	ArcPeerInfo *info = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_READ, error))
		return NULL;
	record =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", peer_id, &error_local);
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	if (record != NULL && !record->deleted)
		info = arc_engine_peer_from_record(self, record);
	if (info == NULL)
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "peer not found: %s", peer_id);
	return info;
}
