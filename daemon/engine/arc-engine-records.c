/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-engine-private.h"

#include "arc-metrics.h"
#include "arc-record-sign.h"
#include "arc-time.h"

/* The replicated records as gossip sees them (docs/protocol.md §6): which peers are members
 * and with which key, the registry hash, and the rules a record received from another agent
 * must pass before it is stored. The transport is arc-gossip.c. */

/* every kind this version replicates, sorted */
static const gchar *const arc_engine_kinds[] = {
	"auth_issuer", "credential",   "join_token", "license", "peer",
	"peer_alias",  "revoked_peer", "route",      "service", NULL};

struct _ArcRecordsState {
	gchar *registry_hash; /* NULL: to compute */
	GPtrArray *members;   /* (element-type ArcMember), NULL: to load */
	GHashTable *member_index;
	GHashTable *member_hosts; /* the other members' API hosts as IP text, for the API's cap */
};

const gchar *const *
arc_engine_replicated_kinds(void)
{
	return arc_engine_kinds;
}

static gboolean
arc_engine_kind_is_replicated(const gchar *kind)
{
	return g_strv_contains(arc_engine_kinds, kind);
}

static void
arc_member_free(ArcMember *self)
{
	g_free(self->id);
	g_free(self->address);
	g_free(self->cluster_id);
	g_free(self);
}

ArcRecordsState *
arc_records_state_new(void)
{
	return g_new0(ArcRecordsState, 1);
}

void
arc_records_state_free(ArcRecordsState *self)
{
	if (self == NULL)
		return;
	g_free(self->registry_hash);
	g_clear_pointer(&self->members, g_ptr_array_unref);
	g_clear_pointer(&self->member_index, g_hash_table_unref);
	g_clear_pointer(&self->member_hosts, g_hash_table_unref);
	g_free(self);
}

/**
 * arc_engine_records_invalidate:
 * @self: the engine
 *
 * Records changed: the registry hash and the member list are computed again when next
 * asked for.
 */
void
arc_engine_records_invalidate(ArcEngine *self)
{
	ArcRecordsState *state = arc_engine_get_records_state(self);
	g_clear_pointer(&state->registry_hash, g_free);
	g_clear_pointer(&state->members, g_ptr_array_unref);
	g_clear_pointer(&state->member_index, g_hash_table_unref);
	g_clear_pointer(&state->member_hosts, g_hash_table_unref);
}

/**
 * arc_engine_records_changed:
 * @self: the engine
 * @records: (element-type ArcRecord): records just stored
 *
 * The registry hash is computed again when next asked for. When peers or revocations
 * changed, the members are read again now, so that the tokens of a removed peer stop at
 * once; other writes (a credential, a name) keep them, and the token cache with them.
 */
void
arc_engine_records_changed(ArcEngine *self, GPtrArray *records)
{
	ArcRecordsState *state = arc_engine_get_records_state(self);

	g_clear_pointer(&state->registry_hash, g_free);
	arc_engine_services_changed(self, records);
	for (guint i = 0; i < records->len; i++) {
		const ArcRecord *record = g_ptr_array_index(records, i);
		if (g_strcmp0(record->kind, "peer") == 0 ||
		    g_strcmp0(record->kind, "revoked_peer") == 0) {
			arc_engine_records_invalidate(self);
			g_ptr_array_unref(arc_engine_get_members(self));
			return;
		}
	}
}

/**
 * arc_engine_list_all_records:
 * @self: the engine
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRecord): every replicated record,
 *   tombstones included, by kind then id
 */
GPtrArray *
arc_engine_list_all_records(ArcEngine *self, GError **error)
{
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);

	for (guint k = 0; arc_engine_kinds[k] != NULL; k++) {
		g_autoptr(GPtrArray) records = arc_storage_list_records(
			arc_engine_get_storage(self), arc_engine_kinds[k], error);
		if (records == NULL)
			return NULL;
		for (guint i = 0; i < records->len; i++)
			g_ptr_array_add(all, arc_record_copy(g_ptr_array_index(records, i)));
	}
	return g_steal_pointer(&all);
}

/**
 * arc_engine_get_registry_hash:
 * @self: the engine
 *
 * Returns: (transfer none): the registry hash of the records this agent holds, kept until
 *   they change
 */
const gchar *
arc_engine_get_registry_hash(ArcEngine *self)
{
	ArcRecordsState *state = arc_engine_get_records_state(self);
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GError) error = NULL;

	if (state->registry_hash != NULL)
		return state->registry_hash;
	all = arc_engine_list_all_records(self, &error);
	if (all == NULL) {
		g_warning("cannot read the records for the registry hash: %s", error->message);
		return "";
	}
	state->registry_hash = arc_record_registry_hash(all);
	return state->registry_hash;
}

static ArcMember *
arc_engine_member_from_record(ArcEngine *self, const ArcRecord *record)
{
	ArcPeerFields fields;
	g_autofree guint8 *key = NULL;
	ArcMember *member;
	gsize len = 0;

	if (!arc_engine_peer_record_fields(self, record, &fields))
		return NULL;
	if (g_strcmp0(fields.state, "active") != 0)
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
arc_engine_address_host(const gchar *advertised)
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
arc_engine_index_member_host(ArcEngine *self, ArcRecordsState *state, const ArcMember *member)
{
	g_autofree gchar *host = arc_engine_address_host(member->address);
	g_autoptr(GInetAddress) inet = host != NULL ? g_inet_address_new_from_string(host) : NULL;

	if (inet != NULL && g_strcmp0(member->id, arc_engine_get_peer_id(self)) != 0)
		g_hash_table_add(state->member_hosts, g_inet_address_to_string(inet));
}

/* active peers: a live `peer` record in state active, with a key, not revoked; ordered as the
 * node limit counts them (docs/protocol.md §6.4) */
static void
arc_engine_load_members(ArcEngine *self, ArcRecordsState *state)
{
	g_autoptr(GPtrArray) peers = NULL;
	g_autoptr(GPtrArray) revoked = NULL;
	g_autoptr(GHashTable) revoked_ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) error = NULL;
	ArcLicense *license = arc_engine_get_license_doc(self);

	state->members = g_ptr_array_new_with_free_func((GDestroyNotify)arc_member_free);
	state->member_index = g_hash_table_new(g_str_hash, g_str_equal);
	state->member_hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	peers = arc_storage_list_records(arc_engine_get_storage(self), "peer", &error);
	revoked = peers != NULL ? arc_storage_list_records(arc_engine_get_storage(self),
							   "revoked_peer", &error)
				: NULL;
	if (revoked == NULL) {
		g_warning("cannot read the peers: %s", error->message);
		return;
	}
	for (guint i = 0; i < revoked->len; i++) {
		ArcRecord *record = g_ptr_array_index(revoked, i);
		if (arc_engine_revocation_is_active(record))
			g_hash_table_add(revoked_ids, record->id);
	}
	for (guint i = 0; i < peers->len; i++) {
		ArcRecord *record = g_ptr_array_index(peers, i);
		ArcMember *member;

		if (record->deleted || g_hash_table_contains(revoked_ids, record->id))
			continue;
		member = arc_engine_member_from_record(self, record);
		if (member != NULL)
			g_ptr_array_add(state->members, member);
	}
	g_ptr_array_sort(state->members, arc_member_cmp_join);
	for (guint i = 0; i < state->members->len; i++) {
		ArcMember *member = g_ptr_array_index(state->members, i);
		member->over_limit =
			license != NULL && license->max_nodes > 0 && i >= (guint)license->max_nodes;
		g_hash_table_insert(state->member_index, member->id, member);
		arc_engine_index_member_host(self, state, member);
	}
	arc_engine_members_changed(self, state->members);
}

/**
 * arc_engine_get_members:
 * @self: the engine
 *
 * Returns: (transfer container) (element-type ArcMember): the active peers, this agent
 *   included, in the order the node limit counts them
 */
GPtrArray *
arc_engine_get_members(ArcEngine *self)
{
	ArcRecordsState *state = arc_engine_get_records_state(self);
	if (state->members == NULL)
		arc_engine_load_members(self, state);
	return g_ptr_array_ref(state->members);
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
	ArcRecordsState *state = arc_engine_get_records_state(self);
	g_autofree gchar *text = g_inet_address_to_string(address);

	if (state->members == NULL)
		arc_engine_load_members(self, state);
	return g_hash_table_contains(state->member_hosts, text);
}

/**
 * arc_engine_lookup_member:
 * @self: the engine
 * @peer_id: a peer id
 *
 * Returns: (transfer none) (nullable): the active peer, valid until records change
 */
const ArcMember *
arc_engine_lookup_member(ArcEngine *self, const gchar *peer_id)
{
	ArcRecordsState *state = arc_engine_get_records_state(self);
	if (state->members == NULL)
		arc_engine_load_members(self, state);
	return g_hash_table_lookup(state->member_index, peer_id);
}

/* ---- merging what another agent sent ---- */

static gboolean
arc_engine_refuse(GError **error, const ArcRecord *record, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
		    "record %s/%s v%" G_GINT64_FORMAT " by %s refused: %s", record->kind,
		    record->id, record->version, record->writer, why);
	return FALSE;
}

/* the key in a `peer` record's own body, for a record its peer wrote of itself */
static gboolean
arc_engine_body_key(const ArcRecord *record, guint8 *key)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_autofree guint8 *raw = NULL;
	const gchar *text;
	gsize len = 0;

	if (root == NULL)
		return FALSE;
	text = arc_json_object_get_string(json_node_get_object(root), "public_key");
	if (text != NULL)
		raw = arc_base64_decode_strict(text, -1, &len);
	if (raw == NULL || len != ARC_IDENTITY_PUBLIC_KEY_SIZE)
		return FALSE;
	memcpy(key, raw, len);
	return TRUE;
}

static gboolean
arc_engine_is_revoked_in(ArcEngine *self, const gchar *peer_id, GHashTable *staged)
{
	return arc_engine_peer_is_revoked(self, peer_id) || g_hash_table_contains(staged, peer_id);
}

/**
 * arc_engine_check_received:
 * @self: the engine
 * @record: a record another agent sent, untrusted
 * @candidate: (out): set when @record is the own record of a peer this agent has not
 *   handshaken with (it is then not stored: see docs/protocol.md §6.4)
 * @error: return location for a #GError
 *
 * The rules of docs/protocol.md §6.1: a kind this agent knows, a writer that may write it,
 * a signature by the writer's key.
 *
 * Returns: %TRUE if @record may be stored (when it wins over the local version)
 */
static gboolean
arc_engine_check_received(ArcEngine *self, const ArcRecord *record, GHashTable *revoked_now,
			  gboolean *candidate, GError **error)
{
	const ArcMember *writer = arc_engine_lookup_member(self, record->writer);
	gboolean own_record = g_strcmp0(record->kind, "peer") == 0 &&
			      g_strcmp0(record->id, record->writer) == 0 && !record->deleted;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	g_autoptr(GError) error_local = NULL;

	*candidate = FALSE;
	if (!arc_engine_kind_is_replicated(record->kind))
		return arc_engine_refuse(error, record, "unknown kind");
	if (g_strcmp0(record->kind, "peer") == 0 &&
	    arc_engine_is_revoked_in(self, record->id, revoked_now) && !record->deleted)
		return arc_engine_refuse(error, record, "the peer was removed for good");
	if (g_strcmp0(record->kind, "revoked_peer") == 0 && record->deleted)
		return arc_engine_refuse(error, record, "a revocation cannot be undone");
	/* the deletion an operator's `peers add` overrode, arriving late */
	if (g_strcmp0(record->kind, "peer") == 0 && record->deleted &&
	    record->version <= arc_engine_readmitted_floor(self, record->id))
		return arc_engine_refuse(error, record, "the peer was added again since");
	if (g_strcmp0(record->kind, "peer") == 0 && !record->deleted && !own_record)
		return arc_engine_refuse(error, record, "only a peer writes its own record");
	if (writer != NULL) {
		memcpy(key, writer->key, sizeof(key));
		/* a member's own record must keep its key */
		if (own_record && (!arc_engine_body_key(record, key) ||
				   memcmp(key, writer->key, sizeof(key)) != 0))
			return arc_engine_refuse(error, record, "the key of a peer never changes");
	} else if (own_record && !arc_engine_is_revoked_in(self, record->id, revoked_now)) {
		/* a peer we have not met: checked against the key it states, then met by
		 * handshake before anything it writes is taken */
		if (!arc_engine_body_key(record, key))
			return arc_engine_refuse(error, record, "no valid public key");
		*candidate = TRUE;
	} else {
		return arc_engine_refuse(error, record, "the writer is not an active peer");
	}
	if (!arc_record_verify(record, key, &error_local))
		return arc_engine_refuse(error, record, error_local->message);
	/* a license is checked here too, not only by the agent that took it */
	if (g_strcmp0(record->kind, "license") == 0 &&
	    !arc_engine_check_license_record(self, record, &error_local))
		return arc_engine_refuse(error, record, error_local->message);
	return TRUE;
}

/* the version of a record whose tombstone was purged here, 0 if none */
static gint64
arc_engine_purged_version(ArcEngine *self, const gchar *kind, const gchar *id)
{
	g_autofree gchar *key = g_strdup_printf("gossip.purged.%s/%s", kind, id);
	g_autofree gchar *value = arc_storage_get_meta(arc_engine_get_storage(self), key, NULL);
	return value != NULL ? g_ascii_strtoll(value, NULL, 10) : 0;
}

/* what a received record changes beyond storage */
static void
arc_engine_apply_received(ArcEngine *self, const ArcRecord *record)
{
	if (g_strcmp0(record->kind, "credential") == 0) {
		arc_auth_manager_apply_record(arc_engine_get_auth(self), record);
		return;
	}
	if (g_strcmp0(record->kind, "auth_issuer") == 0) {
		arc_auth_manager_apply_issuer_record(arc_engine_get_auth(self), record,
						     arc_engine_get_config(self)->auth_issuer);
		return;
	}
	if (g_strcmp0(record->kind, "license") == 0) {
		arc_engine_license_received(self, record);
		return;
	}
	/* added again: this agent's record must win over the tombstone everywhere */
	if (g_strcmp0(record->kind, "revoked_peer") == 0 &&
	    g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0)
		arc_engine_own_record_above(self, arc_engine_readmitted_floor(self, record->id));
	if (g_strcmp0(record->kind, "peer_alias") == 0 &&
	    g_strcmp0(record->id, arc_engine_get_peer_id(self)) == 0)
		arc_engine_refresh_name(self);
	if (g_strcmp0(record->kind, "peer") == 0 || g_strcmp0(record->kind, "revoked_peer") == 0 ||
	    g_strcmp0(record->kind, "peer_alias") == 0)
		arc_engine_emit_peer_changed(self, record->id);
}

/* A peer that left (its own record says deactivated) is revoked here too, so that even an
 * agent the announcement missed never takes it back. */
static void
arc_engine_stage_leaver(ArcEngine *self, ArcStorageTxn *txn, const ArcRecord *record,
			GHashTable *revoked_now)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	const gchar *state;

	if (root == NULL)
		return;
	state = arc_json_object_get_string(json_node_get_object(root), "state");
	if (g_strcmp0(state, "deactivated") != 0 ||
	    arc_engine_is_revoked_in(self, record->id, revoked_now))
		return;
	arc_engine_stage_revocation(
		self, txn, record->id,
		arc_json_object_get_string(json_node_get_object(root), "public_key"));
	/* the next version, after the one being stored */
	arc_engine_stage_peer(self, txn, record, record->id, record->body, TRUE);
	g_hash_table_add(revoked_now, g_strdup(record->id));
	g_info("peer %s left the cluster", record->id);
}

/**
 * arc_engine_merge_records:
 * @self: the engine
 * @records: (element-type ArcRecord): records another agent sent, untrusted
 * @from: the member that sent them
 * @candidates: (out) (element-type ArcRecord) (transfer container): own records of peers
 *   this agent should meet by handshake
 * @error: return location for a #GError (storage failures only; refused records are logged
 *   and counted)
 *
 * Stores every record that passes the rules and wins over the local version, in one commit,
 * then forwards them to other members.
 *
 * Returns: the number of records stored, or -1 on a storage failure
 */
gint
arc_engine_merge_records(ArcEngine *self, GPtrArray *records, const gchar *from,
			 GPtrArray **candidates, GPtrArray **purged, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) accepted = g_ptr_array_new();
	g_autoptr(GHashTable) revoked_now =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) displaced =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	guint refused = 0;

	*candidates = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	*purged = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autoptr(ArcRecord) local = NULL;
		g_autoptr(GError) why = NULL;
		g_autofree gchar *key = g_strconcat(record->kind, "/", record->id, NULL);
		gboolean candidate = FALSE;

		if (!g_hash_table_add(seen, g_steal_pointer(&key)))
			continue; /* one version of a record per message */
		if (!arc_engine_check_received(self, record, revoked_now, &candidate, &why)) {
			g_debug("from %s: %s", from, why->message);
			refused++;
			continue;
		}
		if (arc_engine_take_removal(self, record, from))
			continue;
		local = arc_storage_get_record(arc_engine_get_storage(self), record->kind,
					       record->id, NULL);
		if (candidate) {
			if (local == NULL || local->deleted)
				g_ptr_array_add(*candidates, arc_record_copy(record));
			continue;
		}
		if (local != NULL && arc_record_compare_versions(record, local) <= 0)
			continue;
		if (local != NULL && arc_engine_route_displaced(self, local, record))
			g_ptr_array_add(displaced, arc_record_copy(local));
		if (local == NULL) {
			gint64 gone = arc_engine_purged_version(self, record->kind, record->id);
			if (record->version <= gone) {
				/* the sender missed the deletion: it learns it from the answer */
				g_debug("from %s: %s/%s v%" G_GINT64_FORMAT " was deleted here",
					from, record->kind, record->id, record->version);
				g_ptr_array_add(*purged,
						g_strdup_printf("%s/%s/%" G_GINT64_FORMAT,
								record->kind, record->id, gone));
				refused++;
				continue;
			}
		}
		arc_storage_txn_put_record(txn, record);
		g_ptr_array_add(accepted, record);
		if (g_strcmp0(record->kind, "revoked_peer") == 0)
			g_hash_table_add(revoked_now, g_strdup(record->id));
		if (g_strcmp0(record->kind, "peer") == 0 && !record->deleted)
			arc_engine_stage_leaver(self, txn, record, revoked_now);
	}
	if (refused > 0) {
		arc_metrics_add("arctic_gossip_records_total", "result=\"refused\"", refused);
		g_info("refused %u of %u records from %s (see debug log)", refused, records->len,
		       from);
	}
	if (accepted->len == 0)
		return 0;
	if (!arc_engine_commit_full(self, txn, from, TRUE, error))
		return -1;
	arc_metrics_add("arctic_gossip_records_total", "result=\"accepted\"", accepted->len);
	for (guint i = 0; i < accepted->len; i++)
		arc_engine_apply_received(self, g_ptr_array_index(accepted, i));
	if (displaced->len > 0)
		arc_engine_renumber_routes(self, displaced);
	for (guint i = 0; i < accepted->len; i++) {
		ArcRecord *record = g_ptr_array_index(accepted, i);
		if (g_strcmp0(record->kind, "peer") == 0 && !record->deleted) {
			const ArcMember *member = arc_engine_lookup_member(self, record->id);
			if (member != NULL && member->cluster_id != NULL)
				arc_engine_offer_cluster_id(self, member->cluster_id, record->id);
		}
	}
	return (gint)accepted->len;
}

/**
 * arc_engine_apply_purged:
 * @self: the engine
 * @markers: (element-type utf8): `kind/id/version` of records another member deleted and
 *   purged, untrusted beyond the member's signature
 * @from: that member
 *
 * An agent away for longer than the tombstone retention still holds records the others
 * deleted and purged meanwhile: it drops each of them when its version is not above the
 * purged one, and remembers that version, as a purge here would. Revocations are never
 * purged, so never dropped this way.
 */
void
arc_engine_apply_purged(ArcEngine *self, GPtrArray *markers, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	guint dropped = 0;

	for (guint i = 0; i < markers->len; i++) {
		g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(markers, i), "/", 3);
		g_autoptr(ArcRecord) local = NULL;
		g_autofree gchar *key = NULL;
		g_autofree gchar *value = NULL;
		gint64 version;

		if (g_strv_length(parts) != 3 || !arc_engine_kind_is_replicated(parts[0]) ||
		    g_strcmp0(parts[0], "revoked_peer") == 0 ||
		    !g_ascii_string_to_signed(parts[2], 10, 1, G_MAXINT64, &version, NULL))
			continue;
		local = arc_storage_get_record(arc_engine_get_storage(self), parts[0], parts[1],
					       NULL);
		if (local == NULL || local->version > version)
			continue;
		key = g_strdup_printf("gossip.purged.%s/%s", parts[0], parts[1]);
		value = g_strdup_printf("%" G_GINT64_FORMAT, version);
		arc_storage_txn_purge_record(txn, parts[0], parts[1]);
		arc_storage_txn_set_meta(txn, key, value);
		dropped++;
	}
	if (dropped == 0)
		return;
	if (!arc_storage_commit(arc_engine_get_storage(self), txn, &error)) {
		g_warning("cannot drop the records deleted elsewhere: %s", error->message);
		return;
	}
	arc_engine_records_invalidate(self);
	for (guint i = 0; i < markers->len; i++) {
		g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(markers, i), "/", 3);
		if (g_strv_length(parts) == 3 && g_strcmp0(parts[0], "credential") == 0)
			arc_auth_manager_forget(arc_engine_get_auth(self), parts[1]);
		if (g_strv_length(parts) == 3 && g_str_has_prefix(parts[0], "peer"))
			arc_engine_emit_peer_changed(self, parts[1]);
	}
	g_info("dropped %u records that were deleted while this agent was away (told by peer "
	       "%s)",
	       dropped, from);
}

/**
 * arc_engine_purge_tombstones:
 * @self: the engine
 *
 * Removes tombstones older than the retention period (7 days), except revocations. What
 * stays is the purged version, a row of meta, so that a late copy of the deleted record is
 * still refused.
 */
void
arc_engine_purge_tombstones(ArcEngine *self)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	guint retention = arc_engine_get_config(self)->tombstone_retention;
	gint64 limit = arc_engine_now(self) - retention;
	guint purged = 0;

	for (guint k = 0; arc_engine_kinds[k] != NULL; k++) {
		g_autoptr(GPtrArray) records = NULL;

		if (g_strcmp0(arc_engine_kinds[k], "revoked_peer") == 0)
			continue;
		records = arc_storage_list_records(arc_engine_get_storage(self),
						   arc_engine_kinds[k], NULL);
		for (guint i = 0; records != NULL && i < records->len; i++) {
			ArcRecord *record = g_ptr_array_index(records, i);
			g_autofree gchar *key = NULL;
			g_autofree gchar *value = NULL;

			if (!record->deleted || record->updated_at / G_USEC_PER_SEC >= limit)
				continue;
			key = g_strdup_printf("gossip.purged.%s/%s", record->kind, record->id);
			value = g_strdup_printf("%" G_GINT64_FORMAT, record->version);
			arc_storage_txn_purge_record(txn, record->kind, record->id);
			arc_storage_txn_set_meta(txn, key, value);
			purged++;
		}
	}
	if (purged == 0)
		return;
	if (!arc_storage_commit(arc_engine_get_storage(self), txn, &error)) {
		g_warning("cannot purge old tombstones: %s", error->message);
		return;
	}
	arc_engine_records_invalidate(self);
	g_info("purged %u tombstones older than %u s", purged, retention);
}
