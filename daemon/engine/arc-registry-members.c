/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-registry-private.h"

#include "arc-handshake.h"

/* ---- members ---- */

/* What a peer record's body says, parsed once per body: the handshake reads every peer
 * record several times (duplicates, the node limit), and removed peers stay as records, so
 * parsing them all again cost more than the handshake's signatures (bench/README.md). Keyed
 * by record id and checked against the exact body, so a changed record is parsed afresh.
 * The tunnel fields are read in the same pass: the peer list and the cluster view read them
 * of every member, and a parse of their own cost each side of a handshake over a million
 * instructions. */
static const ArcRegistryPeerBody *
arc_registry_parse_peer_body(ArcRegistry *self, const ArcRecord *record)
{
	ArcRegistryPeerBody *body = g_hash_table_lookup(self->peer_bodies, record->id);
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) tunnel_error = NULL;
	JsonObject *obj;

	if (body != NULL && g_strcmp0(body->body, record->body) == 0)
		return body;
	root = arc_json_parse_object(record->body, -1, 8, NULL);
	if (root == NULL) {
		g_hash_table_remove(self->peer_bodies, record->id);
		return NULL;
	}
	obj = json_node_get_object(root);
	body = g_new0(ArcRegistryPeerBody, 1);
	body->body = g_strdup(record->body);
	body->name = g_strdup(arc_json_object_get_string(obj, "name"));
	body->public_key = g_strdup(arc_json_object_get_string(obj, "public_key"));
	body->address = g_strdup(arc_json_object_get_string(obj, "address"));
	body->state = arc_peer_state_from_record(arc_json_object_get_string(obj, "state"));
	body->cluster_id = g_strdup(arc_json_object_get_string(obj, "cluster_id"));
	body->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	if (!arc_peer_tunnel_read(obj, &body->tunnel, &tunnel_error)) {
		memset(&body->tunnel, 0, sizeof(body->tunnel));
		body->tunnel_error = g_strdup(tunnel_error->message);
	}
	g_hash_table_replace(self->peer_bodies, g_strdup(record->id), body);
	return body;
}

/**
 * arc_registry_peer_fields:
 * @self: the registry
 * @record: a live member record
 * @fields: (out): what its body says, valid until @record's body is parsed again
 *
 * The member list reads every peer record on every change of the members; this spares it
 * the parse of the bodies it read before.
 *
 * Returns: %FALSE if the body is not a JSON object
 */
gboolean
arc_registry_peer_fields(ArcRegistry *self, const ArcRecord *record, ArcPeerFields *fields)
{
	const ArcRegistryPeerBody *body = arc_registry_parse_peer_body(self, record);

	if (body == NULL)
		return FALSE;
	fields->name = body->name;
	fields->public_key = body->public_key;
	fields->address = body->address;
	fields->state = body->state;
	fields->cluster_id = body->cluster_id;
	fields->created_at = body->created_at;
	fields->tunnel = &body->tunnel;
	fields->tunnel_error = body->tunnel_error;
	return TRUE;
}

/**
 * arc_registry_trim_peer_bodies:
 * @self: the registry
 * @live: how many member records there are
 *
 * Drops the parsed bodies when far more are kept than there are records (peers removed and
 * purged), so that the cache does not grow without bound.
 */
void
arc_registry_trim_peer_bodies(ArcRegistry *self, guint live)
{
	if (g_hash_table_size(self->peer_bodies) > 2 * live + 16)
		g_hash_table_remove_all(self->peer_bodies);
}

/**
 * arc_registry_revocation_is_active:
 * @record: a revocation
 *
 * A revocation stays in force until an operator's explicit `peers add` writes its next
 * version, stating `readmitted` (docs/protocol.md §5.6).
 *
 * Returns: whether @record still keeps its peer out
 */
gboolean
arc_registry_revocation_is_active(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj;

	/* Every member list reads every revocation ever written, so skip the parse when the
	 * text cannot hold the member: without a backslash no escape can spell its name. */
	if (record->body == NULL ||
	    (strstr(record->body, "readmitted") == NULL && strchr(record->body, '\\') == NULL))
		return TRUE;
	root = arc_json_parse_object(record->body, -1, 4, NULL);
	obj = root != NULL ? json_node_get_object(root) : NULL;
	return obj == NULL ||
	       !json_object_get_boolean_member_with_default(obj, "readmitted", FALSE);
}

static ArcRecord *
arc_registry_get_revocation(ArcRegistry *self, const gchar *peer_id)
{
	if (self->revocation_kind == NULL)
		return NULL;
	return arc_storage_get_record(self->storage, self->revocation_kind->kind->name, peer_id,
				      NULL);
}

/**
 * arc_registry_peer_is_revoked:
 * @self: the registry
 * @peer_id: a peer
 *
 * Returns: whether a revocation in force keeps @peer_id out
 */
gboolean
arc_registry_peer_is_revoked(ArcRegistry *self, const gchar *peer_id)
{
	g_autoptr(ArcRecord) record = arc_registry_get_revocation(self, peer_id);
	return record != NULL && arc_registry_revocation_is_active(record);
}

/**
 * arc_registry_readmitted_floor:
 * @self: the registry
 * @peer_id: a peer
 *
 * Returns: for a readmitted peer, the version of the deletion its readmission overrides
 *   (tombstones of its record up to it are stale); 0 otherwise
 */
gint64
arc_registry_readmitted_floor(ArcRegistry *self, const gchar *peer_id)
{
	g_autoptr(ArcRecord) record = arc_registry_get_revocation(self, peer_id);
	g_autoptr(JsonNode) root = NULL;

	if (record == NULL || arc_registry_revocation_is_active(record))
		return 0;
	root = arc_json_parse_object(record->body, -1, 4, NULL);
	return json_object_get_int_member_with_default(json_node_get_object(root),
						       "deleted_version", 0);
}

static ArcMember *
arc_registry_member_from_record(ArcRegistry *self, const ArcRecord *record)
{
	ArcPeerFields fields;
	g_autofree guint8 *key = NULL;
	ArcMember *member;
	gsize len = 0;

	if (!arc_registry_peer_fields(self, record, &fields))
		return NULL;
	if (fields.state != ARC_PEER_STATE_ACTIVE)
		return NULL;
	if (fields.public_key != NULL)
		key = arc_base64_decode_strict(fields.public_key, -1, &len);
	if (key == NULL || len != ARC_IDENTITY_PUBLIC_KEY_SIZE || fields.address == NULL)
		return NULL;
	member = g_new0(ArcMember, 1);
	member->id = g_strdup(record->id);
	member->address = g_strdup(fields.address);
	member->cluster_id = g_strdup(fields.cluster_id);
	member->created_at = fields.created_at;
	memcpy(member->key, key, sizeof(member->key));
	return member;
}

static gint
arc_member_cmp_join(gconstpointer pa, gconstpointer pb)
{
	const ArcMember *a = *(const ArcMember *const *)pa;
	const ArcMember *b = *(const ArcMember *const *)pb;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return g_strcmp0(a->id, b->id);
}

/* the host part of a member's `HOST:PORT` or `[IPV6]:PORT` address, after `https://` too */
static gchar *
arc_registry_address_host(const gchar *advertised)
{
	const gchar *address = arc_handshake_address_host_port(advertised);
	const gchar *colon = strrchr(address, ':');

	if (address[0] == '[') {
		const gchar *end = strchr(address, ']');
		return end != NULL ? g_strndup(address + 1, (gsize)(end - address - 1)) : NULL;
	}
	if (colon != NULL && strchr(address, ':') == colon)
		return g_strndup(address, (gsize)(colon - address));
	return g_strdup(address);
}

/* @member's API host, in the text form g_inet_address_to_string() gives (a name is not
 * resolved: such a peer shares the general pool, docs/api-limits.md) */
static void
arc_registry_index_member_host(ArcRegistry *self, const ArcMember *member)
{
	g_autofree gchar *host = arc_registry_address_host(member->address);
	g_autoptr(GInetAddress) inet = host != NULL ? g_inet_address_new_from_string(host) : NULL;

	if (inet != NULL && g_strcmp0(member->id, self->peer_id) != 0)
		g_hash_table_add(self->member_hosts, g_inet_address_to_string(inet));
}

/* the ids of the peers a revocation in force keeps out */
static GHashTable *
arc_registry_revoked_ids(ArcRegistry *self, GPtrArray *revoked)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < revoked->len; i++) {
		ArcRecord *record = g_ptr_array_index(revoked, i);
		if (arc_registry_revocation_is_active(record))
			g_hash_table_add(ids, record->id);
	}
	return ids;
}

static GPtrArray *
arc_registry_list_kind(ArcRegistry *self, const ArcRegistryKindEntry *entry, GError **error)
{
	if (entry == NULL)
		return g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	return arc_storage_list_records(self->storage, entry->kind->name, error);
}

/* active peers: a live member record in state active, with a key, not revoked; ordered as
 * the node limit counts them (docs/protocol.md §6.4) */
static void
arc_registry_load_members(ArcRegistry *self)
{
	g_autoptr(GPtrArray) peers = NULL;
	g_autoptr(GPtrArray) revoked = NULL;
	g_autoptr(GHashTable) revoked_ids = NULL;
	g_autoptr(GError) error = NULL;

	self->members = g_ptr_array_new_with_free_func((GDestroyNotify)arc_member_free);
	self->member_index = g_hash_table_new(g_str_hash, g_str_equal);
	self->member_hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	peers = arc_registry_list_kind(self, self->member_kind, &error);
	revoked =
		peers != NULL ? arc_registry_list_kind(self, self->revocation_kind, &error) : NULL;
	if (revoked == NULL) {
		g_warning("cannot read the peers: %s", error->message);
		return;
	}
	revoked_ids = arc_registry_revoked_ids(self, revoked);
	for (guint i = 0; i < peers->len; i++) {
		ArcRecord *record = g_ptr_array_index(peers, i);
		ArcMember *member;

		if (record->deleted || g_hash_table_contains(revoked_ids, record->id))
			continue;
		member = arc_registry_member_from_record(self, record);
		if (member != NULL)
			g_ptr_array_add(self->members, member);
	}
	g_ptr_array_sort(self->members, arc_member_cmp_join);
	for (guint i = 0; i < self->members->len; i++) {
		ArcMember *member = g_ptr_array_index(self->members, i);
		member->over_limit = self->max_nodes > 0 && i >= (guint)self->max_nodes;
		g_hash_table_insert(self->member_index, member->id, member);
		arc_registry_index_member_host(self, member);
	}
	arc_registry_emit_members_changed(self);
}

/**
 * arc_registry_reload_members:
 * @self: the registry
 *
 * Reads the members again now (not when next asked for), which emits
 * #ArcRegistry::members-changed: the tokens of a removed peer stop at once.
 */
void
arc_registry_reload_members(ArcRegistry *self)
{
	arc_registry_invalidate(self);
	arc_registry_load_members(self);
}

/**
 * arc_registry_get_members:
 * @self: the registry
 *
 * Returns: (transfer container) (element-type ArcMember): the active peers, this agent
 *   included, in the order the node limit counts them
 */
GPtrArray *
arc_registry_get_members(ArcRegistry *self)
{
	if (self->members == NULL)
		arc_registry_load_members(self);
	return g_ptr_array_ref(self->members);
}

/**
 * arc_registry_lookup_member:
 * @self: the registry
 * @peer_id: a peer id
 *
 * Returns: (transfer none) (nullable): the active peer, valid until records change
 */
const ArcMember *
arc_registry_lookup_member(ArcRegistry *self, const gchar *peer_id)
{
	if (self->members == NULL)
		arc_registry_load_members(self);
	return peer_id != NULL ? g_hash_table_lookup(self->member_index, peer_id) : NULL;
}

/**
 * arc_registry_is_member_host:
 * @self: the registry
 * @address: where a connection comes from
 *
 * Returns: whether @address is the advertised address of another active peer
 */
gboolean
arc_registry_is_member_host(ArcRegistry *self, GInetAddress *address)
{
	g_autofree gchar *text = g_inet_address_to_string(address);

	if (self->members == NULL)
		arc_registry_load_members(self);
	return g_hash_table_contains(self->member_hosts, text);
}
