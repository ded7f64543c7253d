/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-engine-private.h"

/* The engine's handlers of the record kinds it replicates (docs/protocol.md §6): what a
 * record received by gossip changes beyond storage, for the registry (arc-registry.c) to
 * call. The rules every record must pass are the registry's. */

static void
arc_engine_credential_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	arc_auth_manager_apply_record(arc_engine_get_auth(ARC_ENGINE(user_data)), record);
}

static void
arc_engine_credential_forgotten_cb(const gchar *id, gpointer user_data)
{
	arc_auth_manager_forget(arc_engine_get_auth(ARC_ENGINE(user_data)), id);
}

static void
arc_engine_issuer_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);
	arc_auth_manager_apply_issuer_record(arc_engine_get_auth(self), record,
					     arc_engine_get_config(self)->auth_issuer);
}

/* the tombstone of this agent's own record, which another agent sent */
static gboolean
arc_engine_peer_take_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	if (!record->deleted || g_strcmp0(record->id, arc_engine_get_peer_id(self)) != 0)
		return FALSE;
	return arc_engine_take_removal(self, record, from);
}

/* a revocation in force of this agent, which another agent sent */
static gboolean
arc_engine_revocation_take_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	if (g_strcmp0(record->id, arc_engine_get_peer_id(self)) != 0 ||
	    !arc_registry_revocation_is_active(record))
		return FALSE;
	return arc_engine_take_removal(self, record, from);
}

static void
arc_engine_peer_forgotten_cb(const gchar *id, gpointer user_data)
{
	arc_engine_emit_peer_changed(ARC_ENGINE(user_data), id);
}

/* A peer that left (its own record says deactivated) is revoked here too, so that even an
 * agent the announcement missed never takes it back. */
static void
arc_engine_peer_staged_cb(const ArcRecord *record, ArcRegistryMerge *merge, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);
	ArcStorageTxn *txn = arc_registry_merge_get_txn(merge);
	g_autoptr(JsonNode) root = NULL;
	const gchar *state;

	if (record->deleted)
		return;
	root = arc_json_parse_object(record->body, -1, 8, NULL);
	if (root == NULL)
		return;
	state = arc_json_object_get_string(json_node_get_object(root), "state");
	if (g_strcmp0(state, "deactivated") != 0 ||
	    arc_registry_merge_is_revoked(merge, record->id))
		return;
	arc_engine_stage_revocation(
		self, txn, record->id,
		arc_json_object_get_string(json_node_get_object(root), "public_key"));
	/* the next version, after the one being stored */
	arc_engine_stage_peer(self, txn, record, record->id, record->body, TRUE);
	arc_registry_merge_add_revoked(merge, record->id);
	g_info("peer %s left the cluster", record->id);
}

/* a member's own record: the cluster id it states may be older than this agent's */
static void
arc_engine_peer_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);
	const ArcMember *member;

	arc_engine_emit_peer_changed(self, record->id);
	if (record->deleted)
		return;
	member = arc_engine_lookup_member(self, record->id);
	if (member != NULL && member->cluster_id != NULL)
		arc_engine_offer_cluster_id(self, member->cluster_id, record->id);
}

static void
arc_engine_alias_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	if (g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0)
		arc_engine_refresh_name(self);
	arc_engine_emit_peer_changed(self, record->id);
}

static void
arc_engine_revocation_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	/* added again: this agent's record must win over the tombstone everywhere */
	if (g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0)
		arc_engine_own_record_above(self, arc_engine_readmitted_floor(self, record->id));
	arc_engine_emit_peer_changed(self, record->id);
}

/* every kind this version replicates but those of the license manager (`license`) and the
 * service manager (`service`, `route`) */
static const ArcRecordKind arc_engine_kinds[] = {
	{.name = "auth_issuer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_engine_issuer_applied_cb},
	{.name = "credential",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_engine_credential_applied_cb,
	 .forgotten = arc_engine_credential_forgotten_cb},
	{.name = "join_token", .flags = ARC_RECORD_KIND_FLAG_REPLICATED},
	{.name = "peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_MEMBER,
	 .take = arc_engine_peer_take_cb,
	 .staged = arc_engine_peer_staged_cb,
	 .applied = arc_engine_peer_applied_cb,
	 .forgotten = arc_engine_peer_forgotten_cb},
	{.name = "peer_alias",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_engine_alias_applied_cb,
	 .forgotten = arc_engine_peer_forgotten_cb},
	{.name = "revoked_peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_REVOCATION,
	 .take = arc_engine_revocation_take_cb,
	 .applied = arc_engine_revocation_applied_cb,
	 .forgotten = arc_engine_peer_forgotten_cb},
};

/**
 * arc_engine_register_kinds:
 * @self: the engine
 * @registry: its registry
 *
 * Makes the kinds the engine handles itself known to @registry, with its handlers; the
 * license manager and the service manager register their own.
 */
void
arc_engine_register_kinds(ArcEngine *self, ArcRegistry *registry)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_engine_kinds); i++)
		arc_registry_register_kind(registry, &arc_engine_kinds[i], self);
}

/* ---- the registry's methods under the engine's names, for the files not moved yet ---- */

void
arc_engine_records_invalidate(ArcEngine *self)
{
	arc_registry_invalidate(arc_engine_get_registry(self));
}

GPtrArray *
arc_engine_list_all_records(ArcEngine *self, GError **error)
{
	return arc_registry_list_all(arc_engine_get_registry(self), error);
}

const gchar *
arc_engine_get_registry_hash(ArcEngine *self)
{
	return arc_registry_get_hash(arc_engine_get_registry(self));
}

GPtrArray *
arc_engine_get_members(ArcEngine *self)
{
	return arc_registry_get_members(arc_engine_get_registry(self));
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

const ArcMember *
arc_engine_lookup_member(ArcEngine *self, const gchar *peer_id)
{
	return arc_registry_lookup_member(arc_engine_get_registry(self), peer_id);
}

gboolean
arc_engine_peer_is_revoked(ArcEngine *self, const gchar *peer_id)
{
	return arc_registry_peer_is_revoked(arc_engine_get_registry(self), peer_id);
}

gint64
arc_engine_readmitted_floor(ArcEngine *self, const gchar *peer_id)
{
	return arc_registry_readmitted_floor(arc_engine_get_registry(self), peer_id);
}

gboolean
arc_engine_peer_record_fields(ArcEngine *self, const ArcRecord *record, ArcPeerFields *fields)
{
	return arc_registry_peer_fields(arc_engine_get_registry(self), record, fields);
}

void
arc_engine_purge_tombstones(ArcEngine *self)
{
	arc_registry_purge_tombstones(arc_engine_get_registry(self), arc_engine_now(self),
				      arc_engine_get_config(self)->tombstone_retention);
}
