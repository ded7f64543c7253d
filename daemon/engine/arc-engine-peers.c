/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-private.h"

#include "arc-record-sign.h"
#include "arc-text.h"
#include "arc-time.h"

/* The peers of the cluster as the engine shows them: the replicated `peer` records, and the
 * operations on them that need no other agent (update, delete, receiving a deactivation).
 * The handshake that adds a peer lives in arc-engine-handshake.c. */

#define ARC_ENGINE_LEAVE_WINDOW_SECS 300

void
arc_peer_info_free(ArcPeerInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self->name);
	g_free(self->public_key);
	g_free(self->address);
	g_free(self->state);
	g_free(self);
}

static ArcPeerInfo *
arc_engine_peer_from_record(ArcEngine *self, const ArcRecord *record, GHashTable *aliases)
{
	ArcPeerFields fields;
	const ArcPeerFields *body =
		arc_engine_peer_record_fields(self, record, &fields) ? &fields : NULL;
	const gchar *alias = aliases != NULL ? g_hash_table_lookup(aliases, record->id) : NULL;
	const ArcMember *member;
	ArcPeerInfo *info;

	if (body == NULL) {
		g_warning("peer record %s is not a JSON object, ignored", record->id);
		return NULL;
	}
	info = g_new0(ArcPeerInfo, 1);
	info->id = g_strdup(record->id);
	info->name = g_strdup(alias != NULL ? alias : body->name);
	info->public_key = g_strdup(body->public_key);
	info->address = g_strdup(body->address);
	info->state = g_strdup(body->state);
	info->created_at = body->created_at;
	info->is_local = g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0;
	/* beyond the node limit after two partitions merged (docs/protocol.md §6.4) */
	member = arc_engine_lookup_member(self, record->id);
	if (member != NULL && member->over_limit) {
		g_free(info->state);
		info->state = g_strdup("over_limit");
	}
	return info;
}

/* peer id → the name the cluster gave it (`PUT /v1/peers/{id}`) */
static GHashTable *
arc_engine_load_aliases(ArcEngine *self)
{
	GHashTable *aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GPtrArray) records =
		arc_storage_list_records(arc_engine_get_storage(self), "peer_alias", NULL);

	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autoptr(JsonNode) root = NULL;
		const gchar *name;

		if (record->deleted)
			continue;
		root = arc_json_parse_object(record->body, -1, 4, NULL);
		name = root != NULL ? arc_json_object_get_string(json_node_get_object(root), "name")
				    : NULL;
		if (name != NULL)
			g_hash_table_replace(aliases, g_strdup(record->id), g_strdup(name));
	}
	return aliases;
}

/**
 * arc_engine_stage_alias:
 * @self: the engine
 * @txn: the transaction
 * @peer_id: a peer
 * @name: the name the cluster shows for it
 *
 * Names are replicated `peer_alias` records that any active peer may write, so every agent
 * shows the same name; without one a peer shows the name it gave itself.
 */
void
arc_engine_stage_alias(ArcEngine *self, ArcStorageTxn *txn, const gchar *peer_id, const gchar *name)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(arc_engine_get_storage(self), "peer_alias", peer_id, NULL);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	g_autoptr(ArcRecord) record = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	body = json_to_string(root, FALSE);
	record = arc_record_new("peer_alias", peer_id, body);
	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(arc_engine_get_peer_id(self));
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/* the local peer's name as the cluster shows it */
void
arc_engine_refresh_name(ArcEngine *self)
{
	g_autoptr(GHashTable) aliases = arc_engine_load_aliases(self);
	g_autoptr(ArcRecord) record = arc_storage_get_record(arc_engine_get_storage(self), "peer",
							     arc_engine_get_peer_id(self), NULL);
	g_autoptr(ArcPeerInfo) info =
		record != NULL ? arc_engine_peer_from_record(self, record, aliases) : NULL;

	if (info != NULL)
		arc_engine_set_peer_name(self, info->name);
}

/**
 * arc_engine_peer_body:
 *
 * Returns: (transfer full): the body of a `peer` record
 */
gchar *
arc_engine_peer_body(const gchar *id, const gchar *name, const gchar *description,
		     const gchar *public_key, const gchar *address, const gchar *license_id,
		     const gchar *cluster_id, const gchar *state, gint64 created_at)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *created = arc_time_format_rfc3339(created_at);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, id);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name != NULL ? name : "");
	json_builder_set_member_name(b, "description");
	json_builder_add_string_value(b, description != NULL ? description : "");
	json_builder_set_member_name(b, "public_key");
	json_builder_add_string_value(b, public_key);
	json_builder_set_member_name(b, "address");
	json_builder_add_string_value(b, address);
	if (license_id != NULL) {
		json_builder_set_member_name(b, "license_id");
		json_builder_add_string_value(b, license_id);
	}
	if (cluster_id != NULL) {
		json_builder_set_member_name(b, "cluster_id");
		json_builder_add_string_value(b, cluster_id);
	}
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, state);
	json_builder_set_member_name(b, "created_at");
	json_builder_add_string_value(b, created);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/**
 * arc_engine_stage_peer:
 * @self: the engine
 * @txn: the transaction
 * @old: (nullable): the version it replaces, as the caller read it; %NULL for a new record
 * @id: the peer
 * @body: the new body
 * @deleted: whether this is a tombstone
 *
 * Writes the next version of a `peer` record, written by this agent.
 */
void
arc_engine_stage_peer(ArcEngine *self, ArcStorageTxn *txn, const ArcRecord *old, const gchar *id,
		      const gchar *body, gboolean deleted)
{
	g_autoptr(ArcRecord) record = arc_record_new("peer", id, body);

	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(arc_engine_get_peer_id(self));
	record->deleted = deleted;
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/**
 * arc_engine_load_peers:
 * @self: the engine
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcPeerInfo): the peers not deleted, by id
 */
GPtrArray *
arc_engine_load_peers(ArcEngine *self, GError **error)
{
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GPtrArray) peers =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_peer_info_free);
	g_autoptr(GHashTable) aliases = NULL;

	records = arc_storage_list_records(arc_engine_get_storage(self), "peer", error);
	if (records == NULL)
		return NULL;
	aliases = arc_engine_load_aliases(self);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		ArcPeerInfo *info;

		if (record->deleted)
			continue;
		info = arc_engine_peer_from_record(self, record, aliases);
		if (info != NULL)
			g_ptr_array_add(peers, info);
	}
	/* records gone for good (tombstones purged) leave their bodies: start over */
	arc_registry_trim_peer_bodies(arc_engine_get_registry(self), records->len);
	return g_steal_pointer(&peers);
}

/**
 * arc_engine_find_peer:
 * @peers: (element-type ArcPeerInfo): from arc_engine_load_peers()
 * @id: (nullable): a peer id
 * @public_key: (nullable): a base64 key
 * @address: (nullable): a `host:port`, with or without `https://`
 *
 * Returns: (transfer none) (nullable): the first peer matching any of the given fields
 */
ArcPeerInfo *
arc_engine_find_peer(GPtrArray *peers, const gchar *id, const gchar *public_key,
		     const gchar *address)
{
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		if ((id != NULL && g_strcmp0(peer->id, id) == 0) ||
		    (public_key != NULL && g_strcmp0(peer->public_key, public_key) == 0) ||
		    (address != NULL && peer->address != NULL &&
		     g_ascii_strcasecmp(arc_handshake_address_host_port(peer->address),
					arc_handshake_address_host_port(address)) == 0))
			return peer;
	}
	return NULL;
}

/* the nodes the license counts: every peer that has not left */
guint
arc_engine_count_active_peers(GPtrArray *peers)
{
	guint n = 0;
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		if (g_strcmp0(peer->state, "active") == 0)
			n++;
	}
	return n;
}

/* whether the local record says this agent left the cluster with `DELETE /v1/peers/self`;
 * arc_engine_is_deactivated() keeps the answer */
gboolean
arc_engine_read_deactivated(ArcEngine *self)
{
	g_autoptr(GPtrArray) peers = NULL;
	ArcPeerInfo *local;

	if (!arc_engine_is_bootstrapped(self))
		return FALSE;
	peers = arc_engine_load_peers(self, NULL);
	local = peers != NULL
			? arc_engine_find_peer(peers, arc_engine_get_peer_id(self), NULL, NULL)
			: NULL;
	return local != NULL && g_strcmp0(local->state, "deactivated") == 0;
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
	g_autoptr(GPtrArray) peers = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_READ, error))
		return NULL;
	peers = arc_engine_load_peers(self, error);
	if (peers == NULL)
		return NULL;
	for (guint i = peers->len; is_local >= 0 && i > 0; i--) {
		ArcPeerInfo *info = g_ptr_array_index(peers, i - 1);
		if (info->is_local != (is_local != 0))
			g_ptr_array_remove_index(peers, i - 1);
	}
	return g_steal_pointer(&peers);
}

static ArcPeerInfo *
arc_engine_lookup_peer(ArcEngine *self, const gchar *peer_id, ArcRecord **record_out,
		       GError **error)
{
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(GError) error_local = NULL;
	ArcPeerInfo *info = NULL;

	record =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", peer_id, &error_local);
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	if (record != NULL && !record->deleted) {
		g_autoptr(GHashTable) aliases = arc_engine_load_aliases(self);
		info = arc_engine_peer_from_record(self, record, aliases);
	}
	if (info == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "peer not found: %s", peer_id);
		return NULL;
	}
	if (record_out != NULL)
		*record_out = g_steal_pointer(&record);
	return info;
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
	return arc_engine_lookup_peer(self, peer_id, NULL, error);
}

/**
 * arc_engine_edit_own_record:
 * @self: the engine
 * @member: a member of the local `peer` record's body
 * @value: its new value
 * @error: return location for a #GError
 *
 * Writes the next version of the local peer's own record when @member changes; gossip
 * carries it to every peer.
 *
 * Returns: %TRUE if stored or unchanged
 */
gboolean
arc_engine_edit_own_record(ArcEngine *self, const gchar *member, const gchar *value, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record = arc_storage_get_record(arc_engine_get_storage(self), "peer",
							     arc_engine_get_peer_id(self), error);
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	JsonObject *obj;

	if (record == NULL)
		return error == NULL || *error == NULL;
	root = arc_json_parse_object(record->body, -1, 8, error);
	if (root == NULL)
		return FALSE;
	obj = json_node_get_object(root);
	if (g_strcmp0(arc_json_object_get_string(obj, member), value) == 0)
		return TRUE;
	json_object_set_string_member(obj, member, value);
	body = json_to_string(root, FALSE);
	arc_engine_stage_peer(self, txn, record, record->id, body, FALSE);
	return arc_engine_commit(self, txn, error);
}

/**
 * arc_engine_stage_revocation:
 * @self: the engine
 * @txn: the transaction
 * @peer_id: a peer that left or was removed
 * @public_key: its key, base64
 *
 * The next version of its `revoked_peer` record, never purged: that peer id never joins again
 * unless an operator adds it again (arc_engine_stage_revocation_full()).
 */
void
arc_engine_stage_revocation(ArcEngine *self, ArcStorageTxn *txn, const gchar *peer_id,
			    const gchar *public_key)
{
	arc_engine_stage_revocation_full(self, txn, peer_id, public_key, FALSE, 0);
}

/**
 * arc_engine_stage_revocation_full:
 * @self: the engine
 * @txn: the transaction
 * @peer_id: a peer
 * @public_key: its key, base64
 * @readmitted: %FALSE to keep the peer out, %TRUE when an operator adds it again
 * @deleted_version: (readmitted) the version of the peer's tombstone this agent holds
 *
 * The next version of the peer's `revoked_peer` record. Revocation and readmission are
 * versions of one record, so the later decision wins on every agent whatever order gossip
 * delivers them in.
 */
void
arc_engine_stage_revocation_full(ArcEngine *self, ArcStorageTxn *txn, const gchar *peer_id,
				 const gchar *public_key, gboolean readmitted,
				 gint64 deleted_version)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(arc_engine_get_storage(self), "revoked_peer", peer_id, NULL);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	g_autoptr(ArcRecord) revoked = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "public_key");
	json_builder_add_string_value(b, public_key != NULL ? public_key : "");
	json_builder_set_member_name(b, "revoked_at");
	json_builder_add_int_value(b, arc_engine_now(self));
	if (readmitted) {
		json_builder_set_member_name(b, "readmitted");
		json_builder_add_boolean_value(b, TRUE);
		json_builder_set_member_name(b, "deleted_version");
		json_builder_add_int_value(b, deleted_version);
	}
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	body = json_to_string(root, FALSE);
	revoked = arc_record_new("revoked_peer", peer_id, body);
	revoked->version = old != NULL ? old->version + 1 : 1;
	revoked->writer = g_strdup(arc_engine_get_peer_id(self));
	revoked->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, revoked);
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
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	const gchar *name = update->name;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return NULL;
	if (!arc_peer_update_validate(update, error))
		return NULL;
	info = arc_engine_lookup_peer(self, peer_id, &record, error);
	if (info == NULL)
		return NULL;
	arc_engine_stage_alias(self, txn, peer_id, name);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	if (info->is_local)
		arc_engine_set_peer_name(self, name);
	g_free(info->name);
	info->name = g_strdup(name);
	g_info("peer %s renamed to '%s'", peer_id, name);
	arc_engine_emit_peer_changed(self, peer_id);
	return g_steal_pointer(&info);
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
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) revoked = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return FALSE;
	info = arc_engine_lookup_peer(self, peer_id, &record, error);
	if (info == NULL)
		return FALSE;
	if (info->is_local) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "cannot delete the local peer: use 'arctic peers remove-self' "
				    "to leave the cluster");
		return FALSE;
	}
	arc_engine_stage_peer(self, txn, record, peer_id, record->body, TRUE);
	if (!arc_engine_peer_is_revoked(self, peer_id))
		arc_engine_stage_revocation(self, txn, peer_id, info->public_key);
	revoked = arc_auth_manager_stage_peer_revocations(arc_engine_get_auth(self), txn, peer_id);
	if (!arc_engine_commit(self, txn, error))
		return FALSE;
	arc_auth_manager_forget_all(arc_engine_get_auth(self), revoked);
	g_info("peer %s (%s) removed from the cluster by %s", peer_id, info->address,
	       arc_caller_describe(caller));
	if (revoked_credentials != NULL)
		*revoked_credentials = g_steal_pointer(&revoked);
	arc_engine_emit_peer_changed(self, peer_id);
	arc_engine_tell_removed(self, peer_id);
	return TRUE;
}

/**
 * arc_engine_tell_removed:
 * @self: the engine
 * @peer_id: a peer removed from the cluster
 *
 * Sends the removed peer, which no member gossips with any more, the two records that
 * removed it (its revocation and the tombstone of its record), as a gossip push signed by
 * this agent: it still holds this agent as a member and so learns that it is out. Also
 * called when a removed peer that was away knocks with gossip. Best effort: a peer that
 * misses it learns it at its next knock.
 */
void
arc_engine_tell_removed(ArcEngine *self, const gchar *peer_id)
{
	g_autoptr(ArcRecord) revoked =
		arc_storage_get_record(arc_engine_get_storage(self), "revoked_peer", peer_id, NULL);
	g_autoptr(ArcRecord) tombstone =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", peer_id, NULL);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree guint8 *key = NULL;
	ArcMember former = {0};
	JsonObject *obj;
	gsize len = 0;

	if (revoked == NULL || !arc_registry_revocation_is_active(revoked) || tombstone == NULL ||
	    !tombstone->deleted || arc_engine_get_gossip(self) == NULL)
		return;
	root = arc_json_parse_object(tombstone->body, -1, 8, NULL);
	obj = root != NULL ? json_node_get_object(root) : NULL;
	if (obj != NULL && arc_json_object_get_string(obj, "public_key") != NULL)
		key = arc_base64_decode_strict(arc_json_object_get_string(obj, "public_key"), -1,
					       &len);
	if (key == NULL || len != sizeof(former.key) ||
	    arc_json_object_get_string(obj, "address") == NULL)
		return;
	former.id = (gchar *)peer_id;
	former.address = (gchar *)arc_json_object_get_string(obj, "address");
	memcpy(former.key, key, sizeof(former.key));
	/* the tombstone first: once the revocation is taken there, this agent is no longer a
	 * member whose records count */
	g_ptr_array_add(records, tombstone);
	g_ptr_array_add(records, revoked);
	g_info("telling peer %s at %s that it was removed from the cluster", peer_id,
	       former.address);
	arc_gossip_tell(arc_engine_get_gossip(self), former.id, former.address, former.key,
			records);
}

/**
 * arc_engine_own_record_above:
 * @self: the engine
 * @version: a version of the local peer's record that another agent wrote (a tombstone)
 *
 * Writes the local peer's own record again, live, with a version above @version, so that
 * when this agent is added again its record wins over that tombstone on every agent.
 */
void
arc_engine_own_record_above(ArcEngine *self, gint64 version)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) own = arc_storage_get_record(arc_engine_get_storage(self), "peer",
							  arc_engine_get_peer_id(self), NULL);
	g_autoptr(GError) error = NULL;

	if (own == NULL || own->version > version)
		return;
	own->version = version;
	arc_engine_stage_peer(self, txn, own, own->id, own->body, FALSE);
	if (!arc_engine_commit(self, txn, &error))
		g_warning("cannot write this agent's record again: %s", error->message);
}

/**
 * arc_engine_take_removal:
 * @self: the engine
 * @record: a record a member sent, checked and signed by it, that names this agent out: the
 *   tombstone of its record or a revocation of it in force (the kinds' take handlers,
 *   arc-engine-records.c, pick those)
 * @from: the member that sent it
 *
 * A member says this agent was removed from the cluster (`peers delete` there): this agent
 * stops acting as a member. It forgets the other peers (locally: what it forgets is nobody
 * else's business), so it neither gossips nor serves their tokens, and it lifts its own
 * record above the tombstone, ready to be added again by an operator (docs/protocol.md
 * §5.6). Its own tombstone and revocation are not stored here: this agent stays itself.
 *
 * Returns: %TRUE: @record is about this agent (and so must not be stored)
 */
gboolean
arc_engine_take_removal(ArcEngine *self, const ArcRecord *record, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(ArcRecord) local = NULL;
	g_autofree gchar *admitted = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *own = arc_engine_get_peer_id(self);

	if (record->deleted) {
		arc_engine_own_record_above(self, record->version);
		return TRUE;
	}
	/* A revocation older than the readmission this agent holds: it was added back since.
	 * Before the readmission gets here, a copy relayed by another member (not by the writer,
	 * which holds its own latest decision) that was written before this agent last met a
	 * peer by handshake is taken for the same. */
	local = arc_storage_get_record(arc_engine_get_storage(self), "revoked_peer", own, NULL);
	admitted =
		arc_storage_get_meta(arc_engine_get_storage(self), "membership.admitted_at", NULL);
	if ((local != NULL && arc_record_compare_versions(record, local) <= 0) ||
	    (admitted != NULL && g_strcmp0(from, record->writer) != 0 &&
	     record->updated_at <= g_ascii_strtoll(admitted, NULL, 10))) {
		g_info("a removal of this agent by peer %s, older than its readmission, ignored",
		       record->writer);
		return TRUE;
	}
	records = arc_storage_list_records(arc_engine_get_storage(self), "peer", NULL);
	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *peer = g_ptr_array_index(records, i);
		if (g_strcmp0(peer->id, own) != 0)
			arc_storage_txn_purge_record(txn, "peer", peer->id);
	}
	if (arc_storage_txn_get_size(txn) > 0 &&
	    !arc_storage_commit(arc_engine_get_storage(self), txn, &error)) {
		g_warning("cannot forget the peers of the cluster: %s", error->message);
		return TRUE;
	}
	arc_engine_records_invalidate(self);
	g_ptr_array_unref(arc_engine_get_members(self));
	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *peer = g_ptr_array_index(records, i);
		if (g_strcmp0(peer->id, own) != 0)
			arc_engine_emit_peer_changed(self, peer->id);
	}
	g_warning("this agent was removed from the cluster by peer %s: it forgot the cluster's "
		  "peers and takes no part until an operator adds it again",
		  record->writer);
	return TRUE;
}

/* whether @peer_id is revoked here already, and the announcement is recent and signed by the
 * key its revocation names: then it changes nothing, and is acknowledged */
static gboolean
arc_engine_leave_already_known(ArcEngine *self, const gchar *peer_id, const gchar *license_id,
			       gint64 timestamp, const guint8 *signature)
{
	gint64 now = arc_engine_now(self);
	g_autoptr(ArcRecord) revoked =
		arc_storage_get_record(arc_engine_get_storage(self), "revoked_peer", peer_id, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autofree guchar *key = NULL;
	const gchar *public_key;
	gsize key_len = 0;

	if (revoked == NULL || timestamp < now - ARC_ENGINE_LEAVE_WINDOW_SECS ||
	    timestamp > now + ARC_ENGINE_LEAVE_WINDOW_SECS)
		return FALSE;
	root = arc_json_parse_object(revoked->body, -1, 4, NULL);
	public_key = root != NULL
			     ? arc_json_object_get_string(json_node_get_object(root), "public_key")
			     : NULL;
	if (public_key != NULL)
		key = g_base64_decode(public_key, &key_len);
	return key_len == ARC_IDENTITY_PUBLIC_KEY_SIZE &&
	       arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, NULL);
}

/**
 * arc_engine_handshake_leave:
 * @self: the engine
 * @body: `POST /v1/handshake/leave`, untrusted
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * A peer announces that it left the cluster. The announcement must be signed by the key
 * this agent holds for it and be recent; the peer is then removed and can never come back
 * with the same id.
 *
 * Returns: %TRUE once the peer is removed
 */
gboolean
arc_engine_handshake_leave(ArcEngine *self, const gchar *body, gsize length, GError **error)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *license_id = NULL;
	g_autofree guchar *key = NULL;
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gint64 timestamp = 0, now = arc_engine_now(self);
	gsize key_len = 0;

	if (!arc_engine_is_bootstrapped(self)) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED);
		return FALSE;
	}
	if (!arc_handshake_parse_leave(body, length, &peer_id, &license_id, &timestamp, signature,
				       error))
		return FALSE;
	/* gossip may have carried the departure here before the announcement itself */
	if (arc_engine_leave_already_known(self, peer_id, license_id, timestamp, signature))
		return TRUE;
	info = arc_engine_lookup_peer(self, peer_id, &record, error);
	if (info == NULL)
		return FALSE;
	if (info->is_local) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SELF);
		return FALSE;
	}
	key = g_base64_decode(info->public_key, &key_len);
	if (key_len != ARC_IDENTITY_PUBLIC_KEY_SIZE ||
	    !arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, error)) {
		g_warning("deactivation announcement for peer %s refused: bad signature", peer_id);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return FALSE;
	}
	/* compared without subtracting: an untrusted timestamp must not overflow */
	if (timestamp < now - ARC_ENGINE_LEAVE_WINDOW_SECS ||
	    timestamp > now + ARC_ENGINE_LEAVE_WINDOW_SECS) {
		g_warning("deactivation announcement for peer %s refused: its timestamp "
			  "%" G_GINT64_FORMAT " is more than %d s from now",
			  peer_id, timestamp, ARC_ENGINE_LEAVE_WINDOW_SECS);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		return FALSE;
	}
	arc_engine_stage_peer(self, txn, record, peer_id, record->body, TRUE);
	if (!arc_engine_peer_is_revoked(self, peer_id))
		arc_engine_stage_revocation(self, txn, peer_id, info->public_key);
	if (!arc_engine_commit(self, txn, error))
		return FALSE;
	g_info("peer %s (%s) left the cluster", peer_id, info->address);
	arc_engine_emit_peer_changed(self, peer_id);
	return TRUE;
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
		g_autoptr(GPtrArray) records =
			arc_storage_list_records(arc_engine_get_storage(self), kinds[k], error);
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
	status->peers = arc_engine_load_peers(self, error);
	if (status->peers == NULL)
		return NULL;
	return g_steal_pointer(&status);
}
