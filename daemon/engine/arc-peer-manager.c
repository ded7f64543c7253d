/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-peer-manager.h"

#include "arc-handshake.h"
#include "arc-record-sign.h"
#include "arc-text.h"
#include "arc-time.h"

/* The peers of the cluster as this agent shows them: the replicated `peer` records, and the
 * operations on them that need no other agent (update, delete, receiving a deactivation).
 * The handshake that adds a peer lives in arc-engine-handshake.c. */

#define ARC_PEER_MAX_NAME 128

struct _ArcPeerManager {
	ArcNode *node;
	ArcRegistry *registry;
	ArcAuthManager *auth; /* (nullable) whose peer-minted credentials go with a removed peer */
	ArcStorage *storage;
	const ArcPeerManagerHost *host;
	gpointer host_data;
	gint deactivated;   /* -1: not read yet */
	GHashTable *warned; /* "peer id/version" of records whose tunnel fields were refused */
};

static void arc_peer_manager_register_kinds(ArcPeerManager *self);

/**
 * arc_peer_manager_new:
 * @node: this agent: its peer id, name and clock
 * @registry: the replicated records, whose storage holds the peers
 * @auth: (nullable): the credentials, whose peer-minted ones go with a removed peer
 * @host: (transfer none): what the manager needs of the agent; must outlive it
 * @host_data: for @host
 *
 * Registers the `peer`, `peer_alias` and `revoked_peer` kinds with @registry.
 *
 * Returns: (transfer full): the peer manager
 */
ArcPeerManager *
arc_peer_manager_new(ArcNode *node, ArcRegistry *registry, ArcAuthManager *auth,
		     const ArcPeerManagerHost *host, gpointer host_data)
{
	ArcPeerManager *self = g_new0(ArcPeerManager, 1);

	self->node = g_object_ref(node);
	self->auth = auth != NULL ? g_object_ref(auth) : NULL;

	self->registry = g_object_ref(registry);
	self->storage = arc_registry_get_storage(registry);
	self->host = host;
	self->host_data = host_data;
	self->deactivated = -1;
	self->warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	arc_peer_manager_register_kinds(self);
	return self;
}

void
arc_peer_manager_free(ArcPeerManager *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->registry);
	g_clear_object(&self->node);
	g_clear_object(&self->auth);
	g_clear_pointer(&self->warned, g_hash_table_unref);
	g_free(self);
}

static const gchar *
arc_peer_manager_own_id(ArcPeerManager *self)
{
	return arc_node_get_peer_id(self->node);
}

/* (transfer none): for arc-peer-manager-tunnel.c */
ArcNode *
arc_peer_manager_get_node(ArcPeerManager *self)
{
	return self->node;
}

ArcRegistry *
arc_peer_manager_get_registry(ArcPeerManager *self)
{
	return self->registry;
}

/* whether a refusal of @key ("peer id/version") is logged already; from now on it is */
gboolean
arc_peer_manager_warned_once(ArcPeerManager *self, const gchar *key)
{
	return !g_hash_table_add(self->warned, g_strdup(key));
}

/* this agent's peer id, %NULL before the bootstrap */
const gchar *
arc_peer_manager_get_local_id(ArcPeerManager *self)
{
	return arc_peer_manager_own_id(self);
}

static void
arc_peer_manager_emit_changed(ArcPeerManager *self, const gchar *peer_id)
{
	self->host->peer_changed(self->host_data, peer_id);
}

/**
 * arc_peer_manager_changed:
 * @self: the manager
 * @peer_id: a peer that was added, changed or removed by someone else than this manager (the
 *   handshake, the leave protocol)
 *
 * Tells the host (#ArcPeerManagerHost.peer_changed), which every change of a peer goes through.
 */
void
arc_peer_manager_changed(ArcPeerManager *self, const gchar *peer_id)
{
	arc_peer_manager_emit_changed(self, peer_id);
}

void
arc_peer_info_free(ArcPeerInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self->name);
	g_free(self->public_key);
	g_free(self->address);
	g_free(self->tunnel_key);
	g_free(self->tunnel_ipv4);
	g_free(self->tunnel_ipv6);
	g_free(self);
}

/* what the record states of the peer's tunnel, for `arctic peers get` */
static void
arc_peer_manager_info_tunnel(ArcPeerManager *self, const ArcRecord *record, ArcPeerInfo *info)
{
	ArcPeerTunnel tunnel;

	if (!arc_peer_manager_read_tunnel(self, record, &tunnel))
		return;
	info->tunnel_key = g_base64_encode(tunnel.key, sizeof(tunnel.key));
	info->tunnel_port = tunnel.port;
	info->tunnel_ipv4 = tunnel.has_v4 ? arc_peer_tunnel_address_text(&tunnel.v4) : NULL;
	info->tunnel_ipv6 = tunnel.has_v6 ? arc_peer_tunnel_address_text(&tunnel.v6) : NULL;
}

static ArcPeerInfo *
arc_peer_manager_info_from_record(ArcPeerManager *self, const ArcRecord *record,
				  GHashTable *aliases)
{
	ArcPeerFields fields;
	const ArcPeerFields *body =
		arc_registry_peer_fields(self->registry, record, &fields) ? &fields : NULL;
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
	info->state = body->state;
	info->created_at = body->created_at;
	info->is_local = g_strcmp0(record->id, arc_peer_manager_own_id(self)) == 0;
	arc_peer_manager_info_tunnel(self, record, info);
	/* beyond the node limit after two partitions merged (docs/protocol.md §6.4) */
	member = arc_registry_lookup_member(self->registry, record->id);
	if (member != NULL && member->over_limit)
		info->state = ARC_PEER_STATE_OVER_LIMIT;
	return info;
}

/* peer id → the name the cluster gave it (`PUT /v1/peers/{id}`) */
static GHashTable *
arc_peer_manager_load_aliases(ArcPeerManager *self)
{
	GHashTable *aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GPtrArray) records = arc_storage_list_records(self->storage, "peer_alias", NULL);

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
 * arc_peer_manager_stage_alias:
 * @self: the peer manager
 * @txn: the transaction
 * @peer_id: a peer
 * @name: the name the cluster shows for it
 *
 * Names are replicated `peer_alias` records that any active peer may write, so every agent
 * shows the same name; without one a peer shows the name it gave itself.
 */
void
arc_peer_manager_stage_alias(ArcPeerManager *self, ArcStorageTxn *txn, const gchar *peer_id,
			     const gchar *name)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(self->storage, "peer_alias", peer_id, NULL);
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
	record->writer = g_strdup(arc_peer_manager_own_id(self));
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/* the local peer's name as the cluster shows it, told to the host */
void
arc_peer_manager_refresh_name(ArcPeerManager *self)
{
	g_autoptr(GHashTable) aliases = arc_peer_manager_load_aliases(self);
	g_autoptr(ArcRecord) record =
		arc_storage_get_record(self->storage, "peer", arc_peer_manager_own_id(self), NULL);
	g_autoptr(ArcPeerInfo) info =
		record != NULL ? arc_peer_manager_info_from_record(self, record, aliases) : NULL;

	if (info != NULL)
		arc_node_set_name(self->node, info->name);
}

/**
 * arc_peer_record_body:
 *
 * Returns: (transfer full): the body of a `peer` record
 */
gchar *
arc_peer_record_body(const gchar *id, const gchar *name, const gchar *description,
		     const gchar *public_key, const gchar *address, const gchar *license_id,
		     const gchar *cluster_id, ArcPeerState state, gint64 created_at)
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
	json_builder_add_string_value(b, arc_peer_state_to_string(state));
	json_builder_set_member_name(b, "created_at");
	json_builder_add_string_value(b, created);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/**
 * arc_peer_manager_stage_peer:
 * @self: the peer manager
 * @txn: the transaction
 * @old: (nullable): the version it replaces, as the caller read it; %NULL for a new record
 * @id: the peer
 * @body: the new body
 * @deleted: whether this is a tombstone
 *
 * Writes the next version of a `peer` record, written by this agent.
 */
void
arc_peer_manager_stage_peer(ArcPeerManager *self, ArcStorageTxn *txn, const ArcRecord *old,
			    const gchar *id, const gchar *body, gboolean deleted)
{
	g_autoptr(ArcRecord) record = arc_record_new("peer", id, body);

	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(arc_peer_manager_own_id(self));
	record->deleted = deleted;
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/**
 * arc_peer_manager_load:
 * @self: the peer manager
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcPeerInfo): the peers not deleted, by id
 */
GPtrArray *
arc_peer_manager_load(ArcPeerManager *self, GError **error)
{
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GPtrArray) peers =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_peer_info_free);
	g_autoptr(GHashTable) aliases = NULL;

	records = arc_storage_list_records(self->storage, "peer", error);
	if (records == NULL)
		return NULL;
	aliases = arc_peer_manager_load_aliases(self);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		ArcPeerInfo *info;

		if (record->deleted)
			continue;
		info = arc_peer_manager_info_from_record(self, record, aliases);
		if (info != NULL)
			g_ptr_array_add(peers, info);
	}
	/* records gone for good (tombstones purged) leave their bodies: start over */
	arc_registry_trim_peer_bodies(self->registry, records->len);
	return g_steal_pointer(&peers);
}

/**
 * arc_peer_list_find:
 * @peers: (element-type ArcPeerInfo): from arc_peer_manager_load()
 * @id: (nullable): a peer id
 * @public_key: (nullable): a base64 key
 * @address: (nullable): a `host:port`, with or without `https://`
 *
 * Returns: (transfer none) (nullable): the first peer matching any of the given fields
 */
ArcPeerInfo *
arc_peer_list_find(GPtrArray *peers, const gchar *id, const gchar *public_key, const gchar *address)
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
arc_peer_list_count_active(GPtrArray *peers)
{
	guint n = 0;
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		if (peer->state == ARC_PEER_STATE_ACTIVE)
			n++;
	}
	return n;
}

/* whether the local record says this agent left the cluster with `DELETE /v1/peers/self` */
static gboolean
arc_peer_manager_read_deactivated(ArcPeerManager *self)
{
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(self, NULL);
	ArcPeerInfo *local =
		peers != NULL ? arc_peer_list_find(peers, arc_peer_manager_own_id(self), NULL, NULL)
			      : NULL;

	return local != NULL && local->state == ARC_PEER_STATE_DEACTIVATED;
}

/* checked on every handshake: read from the local record once, then kept */
gboolean
arc_peer_manager_is_deactivated(ArcPeerManager *self)
{
	if (arc_peer_manager_own_id(self) == NULL)
		return FALSE;
	if (self->deactivated < 0)
		self->deactivated = arc_peer_manager_read_deactivated(self) ? 1 : 0;
	return self->deactivated > 0;
}

void
arc_peer_manager_set_deactivated(ArcPeerManager *self)
{
	self->deactivated = 1;
}

/**
 * arc_peer_manager_lookup:
 * @self: the peer manager
 * @peer_id: a peer
 * @record_out: (out) (optional) (transfer full): its record
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the peer, or %NULL with %ARC_ERROR_NOT_FOUND
 */
ArcPeerInfo *
arc_peer_manager_lookup(ArcPeerManager *self, const gchar *peer_id, ArcRecord **record_out,
			GError **error)
{
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(GError) error_local = NULL;
	ArcPeerInfo *info = NULL;

	record = arc_storage_get_record(self->storage, "peer", peer_id, &error_local);
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	if (record != NULL && !record->deleted) {
		g_autoptr(GHashTable) aliases = arc_peer_manager_load_aliases(self);
		info = arc_peer_manager_info_from_record(self, record, aliases);
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
 * arc_peer_manager_edit_own_record:
 * @self: the peer manager
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
arc_peer_manager_edit_own_record(ArcPeerManager *self, const gchar *member, const gchar *value,
				 GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record =
		arc_storage_get_record(self->storage, "peer", arc_peer_manager_own_id(self), error);
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
	arc_peer_manager_stage_peer(self, txn, record, record->id, body, FALSE);
	return arc_registry_commit(self->registry, txn, NULL, TRUE, error);
}

/**
 * arc_peer_manager_stage_revocation:
 * @self: the peer manager
 * @txn: the transaction
 * @peer_id: a peer
 * @public_key: its key, base64
 * @readmitted: %FALSE to keep the peer out (it left or was removed), %TRUE when an operator
 *   adds it again
 * @deleted_version: (readmitted) the version of the peer's tombstone this agent holds
 *
 * The next version of the peer's `revoked_peer` record, never purged: a revoked peer id
 * never joins again unless an operator adds it again. Revocation and readmission are
 * versions of one record, so the later decision wins on every agent whatever order gossip
 * delivers them in.
 */
void
arc_peer_manager_stage_revocation(ArcPeerManager *self, ArcStorageTxn *txn, const gchar *peer_id,
				  const gchar *public_key, gboolean readmitted,
				  gint64 deleted_version)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(self->storage, "revoked_peer", peer_id, NULL);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	g_autoptr(ArcRecord) revoked = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "public_key");
	json_builder_add_string_value(b, public_key != NULL ? public_key : "");
	json_builder_set_member_name(b, "revoked_at");
	json_builder_add_int_value(b, arc_node_now(self->node));
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
	revoked->writer = g_strdup(arc_peer_manager_own_id(self));
	revoked->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, revoked);
}

/**
 * arc_peer_manager_stage_removal:
 * @self: the peer manager
 * @txn: the transaction
 * @record: the live record of a peer that left or was removed
 * @public_key: its key, base64
 *
 * Stages the tombstone of @record and, unless the peer is revoked already, its revocation.
 */
void
arc_peer_manager_stage_removal(ArcPeerManager *self, ArcStorageTxn *txn, const ArcRecord *record,
			       const gchar *public_key)
{
	arc_peer_manager_stage_peer(self, txn, record, record->id, record->body, TRUE);
	if (!arc_registry_peer_is_revoked(self->registry, record->id))
		arc_peer_manager_stage_revocation(self, txn, record->id, public_key, FALSE, 0);
}

/**
 * arc_peer_manager_rename:
 * @self: the peer manager
 * @peer_id: the peer
 * @name: (nullable): its new name (an alias for remote peers)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the peer as stored, or %NULL
 */
ArcPeerInfo *
arc_peer_manager_rename(ArcPeerManager *self, const gchar *peer_id, const gchar *name,
			GError **error)
{
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();

	if (name == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'name' is required");
		return NULL;
	}
	if (!arc_text_check_label(name, "name", ARC_PEER_MAX_NAME, error))
		return NULL;
	info = arc_peer_manager_lookup(self, peer_id, NULL, error);
	if (info == NULL)
		return NULL;
	arc_peer_manager_stage_alias(self, txn, peer_id, name);
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, error))
		return NULL;
	if (info->is_local)
		arc_node_set_name(self->node, name);
	g_free(info->name);
	info->name = g_strdup(name);
	g_info("peer %s renamed to '%s'", peer_id, name);
	arc_peer_manager_emit_changed(self, peer_id);
	return g_steal_pointer(&info);
}

/**
 * arc_peer_manager_delete:
 * @self: the peer manager
 * @peer_id: a remote peer
 * @by: who removes it, for the log
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
arc_peer_manager_delete(ArcPeerManager *self, const gchar *peer_id, const gchar *by,
			GPtrArray **revoked_credentials, GError **error)
{
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) revoked = NULL;
	ArcAuthManager *auth = self->auth;

	info = arc_peer_manager_lookup(self, peer_id, &record, error);
	if (info == NULL)
		return FALSE;
	if (info->is_local) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "cannot delete the local peer: use 'arctic peers remove-self' "
				    "to leave the cluster");
		return FALSE;
	}
	arc_peer_manager_stage_removal(self, txn, record, info->public_key);
	revoked = auth != NULL ? arc_auth_manager_stage_peer_revocations(auth, txn, peer_id)
			       : g_ptr_array_new_with_free_func(g_free);
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, error))
		return FALSE;
	if (auth != NULL)
		arc_auth_manager_forget_all(auth, revoked);
	g_info("peer %s (%s) removed from the cluster by %s", peer_id, info->address, by);
	if (revoked_credentials != NULL)
		*revoked_credentials = g_steal_pointer(&revoked);
	arc_peer_manager_emit_changed(self, peer_id);
	arc_peer_manager_tell_removed(self, peer_id);
	return TRUE;
}

/**
 * arc_peer_manager_tell_removed:
 * @self: the peer manager
 * @peer_id: a peer removed from the cluster
 *
 * Sends the removed peer, which no member gossips with any more, the two records that
 * removed it (its revocation and the tombstone of its record), as a gossip push signed by
 * this agent: it still holds this agent as a member and so learns that it is out. Also
 * called when a removed peer that was away knocks with gossip. Best effort: a peer that
 * misses it learns it at its next knock.
 */
void
arc_peer_manager_tell_removed(ArcPeerManager *self, const gchar *peer_id)
{
	g_autoptr(ArcRecord) revoked =
		arc_storage_get_record(self->storage, "revoked_peer", peer_id, NULL);
	g_autoptr(ArcRecord) tombstone =
		arc_storage_get_record(self->storage, "peer", peer_id, NULL);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree guint8 *key = NULL;
	ArcGossip *gossip = self->host->get_gossip(self->host_data);
	ArcMember former = {0};
	JsonObject *obj;
	gsize len = 0;

	if (revoked == NULL || !arc_registry_revocation_is_active(revoked) || tombstone == NULL ||
	    !tombstone->deleted || gossip == NULL)
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
	arc_gossip_tell(gossip, former.id, former.address, former.key, records);
}

/**
 * arc_peer_manager_own_record_above:
 * @self: the peer manager
 * @version: a version of the local peer's record that another agent wrote (a tombstone)
 *
 * Writes the local peer's own record again, live, with a version above @version, so that
 * when this agent is added again its record wins over that tombstone on every agent.
 */
void
arc_peer_manager_own_record_above(ArcPeerManager *self, gint64 version)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) own =
		arc_storage_get_record(self->storage, "peer", arc_peer_manager_own_id(self), NULL);
	g_autoptr(GError) error = NULL;

	if (own == NULL || own->version > version)
		return;
	own->version = version;
	arc_peer_manager_stage_peer(self, txn, own, own->id, own->body, FALSE);
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, &error))
		g_warning("cannot write this agent's record again: %s", error->message);
}

/* A revocation older than the readmission this agent holds: it was added back since. Before
 * the readmission gets here, a copy relayed by another member (not by the writer, which
 * holds its own latest decision) that was written before this agent last met a peer by
 * handshake is taken for the same. */
static gboolean
arc_peer_manager_removal_is_stale(ArcPeerManager *self, const ArcRecord *record, const gchar *from)
{
	g_autoptr(ArcRecord) local = arc_storage_get_record(self->storage, "revoked_peer",
							    arc_peer_manager_own_id(self), NULL);
	g_autofree gchar *admitted =
		arc_storage_get_meta(self->storage, "membership.admitted_at", NULL);

	return (local != NULL && arc_record_compare_versions(record, local) <= 0) ||
	       (admitted != NULL && g_strcmp0(from, record->writer) != 0 &&
		record->updated_at <= g_ascii_strtoll(admitted, NULL, 10));
}

/**
 * arc_peer_manager_take_removal:
 * @self: the peer manager
 * @record: a record a member sent, checked and signed by it, that names this agent out: the
 *   tombstone of its record or a revocation of it in force (the kinds' take handlers pick
 *   those)
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
arc_peer_manager_take_removal(ArcPeerManager *self, const ArcRecord *record, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *own = arc_peer_manager_own_id(self);

	if (record->deleted) {
		arc_peer_manager_own_record_above(self, record->version);
		return TRUE;
	}
	if (arc_peer_manager_removal_is_stale(self, record, from)) {
		g_info("a removal of this agent by peer %s, older than its readmission, ignored",
		       record->writer);
		return TRUE;
	}
	records = arc_storage_list_records(self->storage, "peer", NULL);
	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *peer = g_ptr_array_index(records, i);
		if (g_strcmp0(peer->id, own) != 0)
			arc_storage_txn_purge_record(txn, "peer", peer->id);
	}
	if (arc_storage_txn_get_size(txn) > 0 && !arc_storage_commit(self->storage, txn, &error)) {
		g_warning("cannot forget the peers of the cluster: %s", error->message);
		return TRUE;
	}
	arc_registry_invalidate(self->registry);
	g_ptr_array_unref(arc_registry_get_members(self->registry));
	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *peer = g_ptr_array_index(records, i);
		if (g_strcmp0(peer->id, own) != 0)
			arc_peer_manager_emit_changed(self, peer->id);
	}
	g_warning("this agent was removed from the cluster by peer %s: it forgot the cluster's "
		  "peers and takes no part until an operator adds it again",
		  record->writer);
	return TRUE;
}

/* ---- the handlers of the kinds the peer manager owns (ArcRecordKind) ---- */

/* A member's own record whose tunnel fields are not valid is refused whole, so that a
 * member cannot wipe or bend its tunnel in the cluster's view with junk (docs/protocol.md
 * §6.5); what an agent stored before it checked is still read leniently. */
static gboolean
arc_peer_manager_peer_check_cb(const ArcRecord *record, gpointer user_data, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	ArcPeerTunnel tunnel;

	if (record->deleted)
		return TRUE;
	root = arc_json_parse_object(record->body, -1, 8, error);
	if (root == NULL)
		return FALSE;
	return arc_peer_tunnel_read(json_node_get_object(root), &tunnel, error);
}

/* the tombstone of this agent's own record, which another agent sent */
static gboolean
arc_peer_manager_peer_take_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcPeerManager *self = user_data;

	if (!record->deleted || g_strcmp0(record->id, arc_peer_manager_own_id(self)) != 0)
		return FALSE;
	return arc_peer_manager_take_removal(self, record, from);
}

/* a revocation in force of this agent, which another agent sent */
static gboolean
arc_peer_manager_revocation_take_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcPeerManager *self = user_data;

	if (g_strcmp0(record->id, arc_peer_manager_own_id(self)) != 0 ||
	    !arc_registry_revocation_is_active(record))
		return FALSE;
	return arc_peer_manager_take_removal(self, record, from);
}

static void
arc_peer_manager_forgotten_cb(const gchar *id, gpointer user_data)
{
	arc_peer_manager_emit_changed(user_data, id);
}

/* A peer that left (its own record says deactivated) is revoked here too, so that even an
 * agent the announcement missed never takes it back. */
static void
arc_peer_manager_peer_staged_cb(const ArcRecord *record, ArcRegistryMerge *merge,
				gpointer user_data)
{
	ArcPeerManager *self = user_data;
	ArcStorageTxn *txn = arc_registry_merge_get_txn(merge);
	g_autoptr(JsonNode) root = NULL;
	ArcPeerState state;

	if (record->deleted)
		return;
	root = arc_json_parse_object(record->body, -1, 8, NULL);
	if (root == NULL)
		return;
	/* only a record that says it left: a state this agent does not know revokes nothing */
	if (!arc_peer_state_from_string(
		    arc_json_object_get_string(json_node_get_object(root), "state"), &state) ||
	    state != ARC_PEER_STATE_DEACTIVATED || arc_registry_merge_is_revoked(merge, record->id))
		return;
	arc_peer_manager_stage_revocation(
		self, txn, record->id,
		arc_json_object_get_string(json_node_get_object(root), "public_key"), FALSE, 0);
	/* the next version, after the one being stored */
	arc_peer_manager_stage_peer(self, txn, record, record->id, record->body, TRUE);
	arc_registry_merge_add_revoked(merge, record->id);
	g_info("peer %s left the cluster", record->id);
}

/* a member's own record: the cluster id it states may be older than this agent's */
static void
arc_peer_manager_peer_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcPeerManager *self = user_data;
	const ArcMember *member;

	arc_peer_manager_emit_changed(self, record->id);
	if (record->deleted)
		return;
	member = arc_registry_lookup_member(self->registry, record->id);
	if (member != NULL && member->cluster_id != NULL)
		self->host->offer_cluster_id(self->host_data, member->cluster_id, record->id);
}

static void
arc_peer_manager_alias_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcPeerManager *self = user_data;

	if (g_strcmp0(record->id, arc_peer_manager_own_id(self)) == 0)
		arc_peer_manager_refresh_name(self);
	arc_peer_manager_emit_changed(self, record->id);
}

static void
arc_peer_manager_revocation_applied_cb(const ArcRecord *record, const gchar *from,
				       gpointer user_data)
{
	ArcPeerManager *self = user_data;

	/* added again: this agent's record must win over the tombstone everywhere */
	if (g_strcmp0(record->id, arc_peer_manager_own_id(self)) == 0)
		arc_peer_manager_own_record_above(
			self, arc_registry_readmitted_floor(self->registry, record->id));
	arc_peer_manager_emit_changed(self, record->id);
}

static const ArcRecordKind arc_peer_manager_kinds[] = {
	{.name = "peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_MEMBER,
	 .check = arc_peer_manager_peer_check_cb,
	 .take = arc_peer_manager_peer_take_cb,
	 .staged = arc_peer_manager_peer_staged_cb,
	 .applied = arc_peer_manager_peer_applied_cb,
	 .forgotten = arc_peer_manager_forgotten_cb},
	{.name = "peer_alias",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_peer_manager_alias_applied_cb,
	 .forgotten = arc_peer_manager_forgotten_cb},
	{.name = "revoked_peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_REVOCATION,
	 .take = arc_peer_manager_revocation_take_cb,
	 .applied = arc_peer_manager_revocation_applied_cb,
	 .forgotten = arc_peer_manager_forgotten_cb},
};

static void
arc_peer_manager_register_kinds(ArcPeerManager *self)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_peer_manager_kinds); i++)
		arc_registry_register_kind(self->registry, &arc_peer_manager_kinds[i], self);
}
