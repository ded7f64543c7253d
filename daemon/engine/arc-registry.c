/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-registry.h"

#include "arc-handshake.h"
#include "arc-metrics.h"
#include "arc-record-sign.h"

/* The registry owns the replicated records: storage goes through the SDK runners, the hash
 * and the members are caches of what storage holds, dropped when records change. What a
 * kind means beyond the rules below is the business of the handler registered for it. */

typedef struct {
	const ArcRecordKind *kind;
	gpointer user_data;
} ArcRegistryKindEntry;

typedef struct {
	gchar *body; /* the text parsed, to notice a new version */
	gchar *name;
	gchar *public_key;
	gchar *address;
	gchar *state;
	gchar *cluster_id;
	gint64 created_at;
} ArcRegistryPeerBody;

struct _ArcRegistry {
	GObject parent_instance;
	ArcStorage *storage;
	GPtrArray *kinds;      /* (element-type ArcRegistryKindEntry), sorted by name */
	GPtrArray *kind_names; /* NULL-terminated, the replicated ones */
	const ArcRegistryKindEntry *member_kind;
	const ArcRegistryKindEntry *revocation_kind;
	ArcIdentity *identity;    /* (nullable): signs what this agent writes */
	gchar *peer_id;           /* (nullable): this agent */
	gint64 max_nodes;         /* 0: no limit */
	gchar *hash;              /* NULL: to compute */
	GPtrArray *members;       /* (element-type ArcMember), NULL: to load */
	GHashTable *member_index; /* id -> ArcMember in members */
	GHashTable *member_hosts; /* the other members' API hosts as IP text, for the API's cap */
	GHashTable *peer_bodies;  /* id -> ArcRegistryPeerBody */
};

struct _ArcRegistryMerge {
	ArcStorageTxn *txn;
	GHashTable *revoked; /* peer ids revoked by this merge */
	ArcRegistry *registry;
};

enum { SIGNAL_RECORDS_CHANGED, SIGNAL_MEMBERS_CHANGED, N_SIGNALS };
static guint arc_registry_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcRegistry, arc_registry, G_TYPE_OBJECT)

static void
arc_member_free(ArcMember *self)
{
	g_free(self->id);
	g_free(self->address);
	g_free(self->cluster_id);
	g_free(self);
}

static void
arc_registry_peer_body_free(ArcRegistryPeerBody *self)
{
	g_free(self->body);
	g_free(self->name);
	g_free(self->public_key);
	g_free(self->address);
	g_free(self->state);
	g_free(self->cluster_id);
	g_free(self);
}

static void
arc_registry_finalize(GObject *object)
{
	ArcRegistry *self = ARC_REGISTRY(object);

	arc_registry_invalidate(self);
	g_clear_object(&self->storage);
	g_clear_object(&self->identity);
	g_ptr_array_unref(self->kinds);
	g_ptr_array_unref(self->kind_names);
	g_hash_table_unref(self->peer_bodies);
	g_free(self->peer_id);
	G_OBJECT_CLASS(arc_registry_parent_class)->finalize(object);
}

static void
arc_registry_class_init(ArcRegistryClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->finalize = arc_registry_finalize;
	/**
	 * ArcRegistry::records-changed:
	 * @records: (element-type ArcRecord): the records just committed
	 * @from: (nullable): the peer that sent them, not to be sent them back
	 * @push: whether to push them to other peers at once
	 */
	arc_registry_signals[SIGNAL_RECORDS_CHANGED] = g_signal_new(
		"records-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
		G_TYPE_NONE, 3, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_STRING,
		G_TYPE_BOOLEAN);
	/**
	 * ArcRegistry::members-changed:
	 * @members: (element-type ArcMember): the active peers, as arc_registry_get_members()
	 */
	arc_registry_signals[SIGNAL_MEMBERS_CHANGED] = g_signal_new(
		"members-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
		G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
arc_registry_init(ArcRegistry *self)
{
	self->kinds = g_ptr_array_new_with_free_func(g_free);
	self->kind_names = g_ptr_array_new();
	g_ptr_array_add(self->kind_names, NULL);
	self->peer_bodies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)arc_registry_peer_body_free);
}

/**
 * arc_registry_new:
 * @storage: where the records are stored, open before the registry is first asked
 *
 * Returns: (transfer full): a registry that knows no kind yet: register them before use
 */
ArcRegistry *
arc_registry_new(ArcStorage *storage)
{
	ArcRegistry *self = g_object_new(ARC_TYPE_REGISTRY, NULL);
	self->storage = g_object_ref(storage);
	return self;
}

static gint
arc_registry_kind_entry_cmp(gconstpointer pa, gconstpointer pb)
{
	const ArcRegistryKindEntry *a = *(const ArcRegistryKindEntry *const *)pa;
	const ArcRegistryKindEntry *b = *(const ArcRegistryKindEntry *const *)pb;
	return strcmp(a->kind->name, b->kind->name);
}

static void
arc_registry_index_kinds(ArcRegistry *self)
{
	g_ptr_array_set_size(self->kind_names, 0);
	self->member_kind = NULL;
	self->revocation_kind = NULL;
	for (guint i = 0; i < self->kinds->len; i++) {
		const ArcRegistryKindEntry *entry = g_ptr_array_index(self->kinds, i);
		if (entry->kind->flags & ARC_RECORD_KIND_FLAG_REPLICATED)
			g_ptr_array_add(self->kind_names, (gpointer)entry->kind->name);
		if (entry->kind->flags & ARC_RECORD_KIND_FLAG_MEMBER)
			self->member_kind = entry;
		if (entry->kind->flags & ARC_RECORD_KIND_FLAG_REVOCATION)
			self->revocation_kind = entry;
	}
	g_ptr_array_add(self->kind_names, NULL);
}

/**
 * arc_registry_register_kind:
 * @self: the registry
 * @kind: (transfer none): the handler of one kind, static: it must outlive @self
 * @user_data: for its hooks
 *
 * Makes @kind known: replicated kinds count in the registry hash and are taken from other
 * agents. At most one kind carries %ARC_RECORD_KIND_FLAG_MEMBER and one
 * %ARC_RECORD_KIND_FLAG_REVOCATION.
 */
void
arc_registry_register_kind(ArcRegistry *self, const ArcRecordKind *kind, gpointer user_data)
{
	ArcRegistryKindEntry *entry = g_new0(ArcRegistryKindEntry, 1);

	g_return_if_fail(kind != NULL && kind->name != NULL);
	entry->kind = kind;
	entry->user_data = user_data;
	g_ptr_array_add(self->kinds, entry);
	g_ptr_array_sort(self->kinds, arc_registry_kind_entry_cmp);
	arc_registry_index_kinds(self);
	arc_registry_invalidate(self);
}

static const ArcRegistryKindEntry *
arc_registry_lookup_kind(ArcRegistry *self, const gchar *name)
{
	for (guint i = 0; name != NULL && i < self->kinds->len; i++) {
		const ArcRegistryKindEntry *entry = g_ptr_array_index(self->kinds, i);
		if (strcmp(entry->kind->name, name) == 0)
			return entry;
	}
	return NULL;
}

static const ArcRegistryKindEntry *
arc_registry_lookup_replicated(ArcRegistry *self, const gchar *name)
{
	const ArcRegistryKindEntry *entry = arc_registry_lookup_kind(self, name);
	return entry != NULL && (entry->kind->flags & ARC_RECORD_KIND_FLAG_REPLICATED) ? entry
										       : NULL;
}

static gboolean
arc_registry_kind_has(const ArcRegistryKindEntry *entry, ArcRecordKindFlags flag)
{
	return entry != NULL && (entry->kind->flags & flag) != 0;
}

/**
 * arc_registry_get_kinds:
 * @self: the registry
 *
 * Returns: (transfer none): the replicated kinds, sorted, %NULL-terminated
 */
const gchar *const *
arc_registry_get_kinds(ArcRegistry *self)
{
	return (const gchar *const *)self->kind_names->pdata;
}

ArcStorage *
arc_registry_get_storage(ArcRegistry *self)
{
	return self->storage;
}

/**
 * arc_registry_set_signer:
 * @self: the registry
 * @identity: (nullable): the key that signs the records this agent writes
 * @peer_id: (nullable): this agent's peer id
 */
void
arc_registry_set_signer(ArcRegistry *self, ArcIdentity *identity, const gchar *peer_id)
{
	g_set_object(&self->identity, identity);
	g_free(self->peer_id);
	self->peer_id = g_strdup(peer_id);
	arc_registry_invalidate(self);
}

/**
 * arc_registry_set_max_nodes:
 * @self: the registry
 * @max_nodes: the license's node limit, 0 for none
 *
 * The members beyond it are marked over the limit when next read.
 */
void
arc_registry_set_max_nodes(ArcRegistry *self, gint64 max_nodes)
{
	self->max_nodes = max_nodes;
	arc_registry_invalidate(self);
}

/**
 * arc_registry_invalidate:
 * @self: the registry
 *
 * Records changed behind the registry's back: the registry hash and the member list are
 * computed again when next asked for.
 */
void
arc_registry_invalidate(ArcRegistry *self)
{
	g_clear_pointer(&self->hash, g_free);
	g_clear_pointer(&self->members, g_ptr_array_unref);
	g_clear_pointer(&self->member_index, g_hash_table_unref);
	g_clear_pointer(&self->member_hosts, g_hash_table_unref);
}

/**
 * arc_registry_list_all:
 * @self: the registry
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRecord): every replicated record,
 *   tombstones included, by kind then id
 */
GPtrArray *
arc_registry_list_all(ArcRegistry *self, GError **error)
{
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	const gchar *const *kinds = arc_registry_get_kinds(self);

	for (guint k = 0; kinds[k] != NULL; k++) {
		g_autoptr(GPtrArray) records =
			arc_storage_list_records(self->storage, kinds[k], error);
		if (records == NULL)
			return NULL;
		for (guint i = 0; i < records->len; i++)
			g_ptr_array_add(all, arc_record_copy(g_ptr_array_index(records, i)));
	}
	return g_steal_pointer(&all);
}

/**
 * arc_registry_get_hash:
 * @self: the registry
 *
 * Returns: (transfer none): the registry hash of the records this agent holds, kept until
 *   they change
 */
const gchar *
arc_registry_get_hash(ArcRegistry *self)
{
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GError) error = NULL;

	if (self->hash != NULL)
		return self->hash;
	all = arc_registry_list_all(self, &error);
	if (all == NULL) {
		g_warning("cannot read the records for the registry hash: %s", error->message);
		return "";
	}
	self->hash = arc_record_registry_hash(all);
	return self->hash;
}

/* ---- members ---- */

/* What a peer record's body says, parsed once per body: the handshake reads every peer
 * record several times (duplicates, the node limit), and removed peers stay as records, so
 * parsing them all again cost more than the handshake's signatures (bench/README.md). Keyed
 * by record id and checked against the exact body, so a changed record is parsed afresh. */
static const ArcRegistryPeerBody *
arc_registry_parse_peer_body(ArcRegistry *self, const ArcRecord *record)
{
	ArcRegistryPeerBody *body = g_hash_table_lookup(self->peer_bodies, record->id);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj;
	const gchar *state;

	if (body != NULL && g_strcmp0(body->body, record->body) == 0)
		return body;
	root = arc_json_parse_object(record->body, -1, 8, NULL);
	if (root == NULL) {
		g_hash_table_remove(self->peer_bodies, record->id);
		return NULL;
	}
	obj = json_node_get_object(root);
	state = arc_json_object_get_string(obj, "state");
	body = g_new0(ArcRegistryPeerBody, 1);
	body->body = g_strdup(record->body);
	body->name = g_strdup(arc_json_object_get_string(obj, "name"));
	body->public_key = g_strdup(arc_json_object_get_string(obj, "public_key"));
	body->address = g_strdup(arc_json_object_get_string(obj, "address"));
	body->state = g_strdup(state != NULL ? state : "active");
	body->cluster_id = g_strdup(arc_json_object_get_string(obj, "cluster_id"));
	body->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
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
	g_signal_emit(self, arc_registry_signals[SIGNAL_MEMBERS_CHANGED], 0, self->members);
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

/* ---- committing ---- */

/* the records a transaction stores, to hand on */
static GPtrArray *
arc_registry_txn_records(ArcStorageTxn *txn)
{
	GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);

	for (guint i = 0; i < arc_storage_txn_get_size(txn); i++) {
		const ArcStorageOp *op = arc_storage_txn_get_op(txn, i);
		if (op->kind == ARC_STORAGE_OP_PUT_RECORD && op->record != NULL)
			g_ptr_array_add(records, arc_record_copy(op->record));
	}
	return records;
}

/* whether @records change who is a member */
static gboolean
arc_registry_touches_members(ArcRegistry *self, GPtrArray *records)
{
	for (guint i = 0; i < records->len; i++) {
		const ArcRecord *record = g_ptr_array_index(records, i);
		const ArcRegistryKindEntry *entry = arc_registry_lookup_kind(self, record->kind);
		if (arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_MEMBER |
							 ARC_RECORD_KIND_FLAG_REVOCATION))
			return TRUE;
	}
	return FALSE;
}

/* each record stored, to the handler of its kind */
static void
arc_registry_tell_changed(ArcRegistry *self, GPtrArray *records)
{
	for (guint i = 0; i < records->len; i++) {
		const ArcRecord *record = g_ptr_array_index(records, i);
		const ArcRegistryKindEntry *entry = arc_registry_lookup_kind(self, record->kind);
		if (entry != NULL && entry->kind->changed != NULL)
			entry->kind->changed(record, entry->user_data);
	}
}

/**
 * arc_registry_commit:
 * @self: the registry
 * @txn: writes to store together
 * @from: (nullable): the peer that sent the records @txn stores, which is not sent them back
 * @push: whether the records are to be pushed to other peers at once
 * @error: return location for a #GError
 *
 * Signs the records this agent writes (docs/protocol.md §6.1), commits, and emits
 * #ArcRegistry::records-changed. When members or revocations changed, the members are read
 * again at once; other writes (a credential, a name) keep them, and the token cache with
 * them.
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_registry_commit(ArcRegistry *self, ArcStorageTxn *txn, const gchar *from, gboolean push,
		    GError **error)
{
	g_autoptr(GPtrArray) records = NULL;

	if (self->identity != NULL && self->peer_id != NULL &&
	    !arc_record_sign_txn(txn, self->identity, self->peer_id, error))
		return FALSE;
	if (!arc_storage_commit(self->storage, txn, error))
		return FALSE;
	records = arc_registry_txn_records(txn);
	if (records->len == 0)
		return TRUE;
	g_clear_pointer(&self->hash, g_free);
	if (arc_registry_touches_members(self, records))
		arc_registry_reload_members(self);
	arc_registry_tell_changed(self, records);
	g_signal_emit(self, arc_registry_signals[SIGNAL_RECORDS_CHANGED], 0, records, from, push);
	return TRUE;
}

/* ---- merging what another agent sent ---- */

ArcStorageTxn *
arc_registry_merge_get_txn(ArcRegistryMerge *merge)
{
	return merge->txn;
}

/**
 * arc_registry_merge_is_revoked:
 * @merge: a merge under way
 * @peer_id: a peer
 *
 * Returns: whether @peer_id is revoked, stored or staged by this merge
 */
gboolean
arc_registry_merge_is_revoked(ArcRegistryMerge *merge, const gchar *peer_id)
{
	return arc_registry_peer_is_revoked(merge->registry, peer_id) ||
	       g_hash_table_contains(merge->revoked, peer_id);
}

void
arc_registry_merge_add_revoked(ArcRegistryMerge *merge, const gchar *peer_id)
{
	g_hash_table_add(merge->revoked, g_strdup(peer_id));
}

static gboolean
arc_registry_refuse(GError **error, const ArcRecord *record, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
		    "record %s/%s v%" G_GINT64_FORMAT " by %s refused: %s", record->kind,
		    record->id, record->version, record->writer, why);
	return FALSE;
}

/* the key in a member record's own body, for a record its peer wrote of itself */
static gboolean
arc_registry_body_key(const ArcRecord *record, guint8 *key)
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

/* revocation precedence (docs/protocol.md §5.6): what a revocation forbids */
static gboolean
arc_registry_check_revocations(ArcRegistryMerge *merge, const ArcRegistryKindEntry *entry,
			       const ArcRecord *record, gboolean own_record, GError **error)
{
	gboolean member_kind = arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_MEMBER);

	if (member_kind && !record->deleted && arc_registry_merge_is_revoked(merge, record->id))
		return arc_registry_refuse(error, record, "the peer was removed for good");
	if (arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_REVOCATION) && record->deleted)
		return arc_registry_refuse(error, record, "a revocation cannot be undone");
	/* the deletion an operator's `peers add` overrode, arriving late */
	if (member_kind && record->deleted &&
	    record->version <= arc_registry_readmitted_floor(merge->registry, record->id))
		return arc_registry_refuse(error, record, "the peer was added again since");
	if (member_kind && !record->deleted && !own_record)
		return arc_registry_refuse(error, record, "only a peer writes its own record");
	return TRUE;
}

/* the key @record must be signed with: its writer's as a member, or for the own record of a
 * peer not met yet the key it states (then @candidate) */
static gboolean
arc_registry_writer_key(ArcRegistryMerge *merge, const ArcRecord *record, gboolean own_record,
			guint8 *key, gboolean *candidate, GError **error)
{
	const ArcMember *writer = arc_registry_lookup_member(merge->registry, record->writer);

	if (writer != NULL) {
		memcpy(key, writer->key, ARC_IDENTITY_PUBLIC_KEY_SIZE);
		/* a member's own record must keep its key */
		if (own_record && (!arc_registry_body_key(record, key) ||
				   memcmp(key, writer->key, ARC_IDENTITY_PUBLIC_KEY_SIZE) != 0))
			return arc_registry_refuse(error, record,
						   "the key of a peer never changes");
		return TRUE;
	}
	if (own_record && !arc_registry_merge_is_revoked(merge, record->id)) {
		/* a peer we have not met: checked against the key it states, then met by
		 * handshake before anything it writes is taken */
		if (!arc_registry_body_key(record, key))
			return arc_registry_refuse(error, record, "no valid public key");
		*candidate = TRUE;
		return TRUE;
	}
	return arc_registry_refuse(error, record, "the writer is not an active peer");
}

/*
 * The rules of docs/protocol.md §6.1: a kind this agent knows, a writer that may write it,
 * a signature by the writer's key, and what the kind's handler checks. @candidate is set
 * when @record is the own record of a peer this agent has not handshaken with (it is then not
 * stored: see docs/protocol.md §6.4).
 */
static gboolean
arc_registry_check_received(ArcRegistryMerge *merge, const ArcRegistryKindEntry *entry,
			    const ArcRecord *record, gboolean *candidate, GError **error)
{
	gboolean own_record = arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_MEMBER) &&
			      g_strcmp0(record->id, record->writer) == 0 && !record->deleted;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	g_autoptr(GError) error_local = NULL;

	*candidate = FALSE;
	if (entry == NULL)
		return arc_registry_refuse(error, record, "unknown kind");
	if (!arc_registry_check_revocations(merge, entry, record, own_record, error))
		return FALSE;
	if (!arc_registry_writer_key(merge, record, own_record, key, candidate, error))
		return FALSE;
	if (!arc_record_verify(record, key, &error_local))
		return arc_registry_refuse(error, record, error_local->message);
	if (entry->kind->check != NULL &&
	    !entry->kind->check(record, entry->user_data, &error_local))
		return arc_registry_refuse(error, record, error_local->message);
	return TRUE;
}

/* the version of a record whose tombstone was purged here, 0 if none */
static gint64
arc_registry_purged_version(ArcRegistry *self, const gchar *kind, const gchar *id)
{
	g_autofree gchar *key = g_strdup_printf("gossip.purged.%s/%s", kind, id);
	g_autofree gchar *value = arc_storage_get_meta(self->storage, key, NULL);
	return value != NULL ? g_ascii_strtoll(value, NULL, 10) : 0;
}

typedef enum {
	ARC_REGISTRY_VERDICT_SKIP,
	ARC_REGISTRY_VERDICT_REFUSED,
	ARC_REGISTRY_VERDICT_STAGE,
} ArcRegistryVerdict;

/* last writer wins, and a record purged here stays purged */
static ArcRegistryVerdict
arc_registry_weigh(ArcRegistry *self, const ArcRegistryKindEntry *entry, const ArcRecord *record,
		   const gchar *from, GPtrArray *purged, GPtrArray *displaced)
{
	g_autoptr(ArcRecord) local =
		arc_storage_get_record(self->storage, record->kind, record->id, NULL);
	gint64 gone;

	if (local != NULL) {
		if (arc_record_compare_versions(record, local) <= 0)
			return ARC_REGISTRY_VERDICT_SKIP;
		if (entry->kind->displaces != NULL &&
		    entry->kind->displaces(local, record, entry->user_data))
			g_ptr_array_add(displaced, g_steal_pointer(&local));
		return ARC_REGISTRY_VERDICT_STAGE;
	}
	gone = arc_registry_purged_version(self, record->kind, record->id);
	if (record->version > gone)
		return ARC_REGISTRY_VERDICT_STAGE;
	/* the sender missed the deletion: it learns it from the answer */
	g_debug("from %s: %s/%s v%" G_GINT64_FORMAT " was deleted here", from, record->kind,
		record->id, record->version);
	g_ptr_array_add(purged,
			g_strdup_printf("%s/%s/%" G_GINT64_FORMAT, record->kind, record->id, gone));
	return ARC_REGISTRY_VERDICT_REFUSED;
}

/* whether @record is the own record of a peer not met yet: kept aside, not stored */
static gboolean
arc_registry_keep_candidate(ArcRegistry *self, const ArcRecord *record, GPtrArray *candidates)
{
	g_autoptr(ArcRecord) local =
		arc_storage_get_record(self->storage, record->kind, record->id, NULL);

	if (local == NULL || local->deleted)
		g_ptr_array_add(candidates, arc_record_copy(record));
	return TRUE;
}

/* ArcRegistryVerdict for one record of a merge */
static ArcRegistryVerdict
arc_registry_merge_one(ArcRegistryMerge *merge, ArcRecord *record, const gchar *from,
		       GPtrArray *candidates, GPtrArray *purged, GPtrArray *displaced)
{
	ArcRegistry *self = merge->registry;
	const ArcRegistryKindEntry *entry = arc_registry_lookup_replicated(self, record->kind);
	g_autoptr(GError) why = NULL;
	gboolean candidate = FALSE;
	ArcRegistryVerdict verdict;

	if (!arc_registry_check_received(merge, entry, record, &candidate, &why)) {
		g_debug("from %s: %s", from, why->message);
		return ARC_REGISTRY_VERDICT_REFUSED;
	}
	if (entry->kind->take != NULL && entry->kind->take(record, from, entry->user_data))
		return ARC_REGISTRY_VERDICT_SKIP;
	if (candidate && arc_registry_keep_candidate(self, record, candidates))
		return ARC_REGISTRY_VERDICT_SKIP;
	verdict = arc_registry_weigh(self, entry, record, from, purged, displaced);
	if (verdict != ARC_REGISTRY_VERDICT_STAGE)
		return verdict;
	arc_storage_txn_put_record(merge->txn, record);
	if (arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_REVOCATION))
		arc_registry_merge_add_revoked(merge, record->id);
	if (entry->kind->staged != NULL)
		entry->kind->staged(record, merge, entry->user_data);
	return ARC_REGISTRY_VERDICT_STAGE;
}

/* after the commit: what each handler makes of the records stored and displaced */
static void
arc_registry_merged(ArcRegistry *self, GPtrArray *accepted, GPtrArray *displaced, const gchar *from)
{
	for (guint i = 0; i < accepted->len; i++) {
		const ArcRecord *record = g_ptr_array_index(accepted, i);
		const ArcRegistryKindEntry *entry = arc_registry_lookup_kind(self, record->kind);
		if (entry->kind->applied != NULL)
			entry->kind->applied(record, from, entry->user_data);
	}
	for (guint k = 0; displaced->len > 0 && k < self->kinds->len; k++) {
		const ArcRegistryKindEntry *entry = g_ptr_array_index(self->kinds, k);
		g_autoptr(GPtrArray) mine = g_ptr_array_new();

		for (guint i = 0; i < displaced->len; i++) {
			ArcRecord *record = g_ptr_array_index(displaced, i);
			if (strcmp(record->kind, entry->kind->name) == 0)
				g_ptr_array_add(mine, record);
		}
		if (mine->len > 0 && entry->kind->displaced != NULL)
			entry->kind->displaced(mine, entry->user_data);
	}
}

/**
 * arc_registry_merge:
 * @self: the registry
 * @records: (element-type ArcRecord): records another agent sent, untrusted
 * @from: the member that sent them
 * @candidates: (out) (element-type ArcRecord) (transfer container): own records of peers
 *   this agent should meet by handshake
 * @purged: (out) (element-type utf8) (transfer container): `kind/id/version` of records
 *   the sender still holds that were deleted and purged here
 * @error: return location for a #GError (storage failures only; refused records are logged
 *   and counted)
 *
 * Stores every record that passes the rules and wins over the local version, in one commit
 * (which hands them on to other members), then tells each kind's handler.
 *
 * Returns: the number of records stored, or -1 on a storage failure
 */
gint
arc_registry_merge(ArcRegistry *self, GPtrArray *records, const gchar *from, GPtrArray **candidates,
		   GPtrArray **purged, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GHashTable) revoked =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ArcRegistryMerge merge = {.txn = txn, .revoked = revoked, .registry = self};
	g_autoptr(GPtrArray) accepted = g_ptr_array_new();
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) displaced =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	guint refused = 0;

	*candidates = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	*purged = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autofree gchar *key = g_strconcat(record->kind, "/", record->id, NULL);
		ArcRegistryVerdict verdict;

		if (!g_hash_table_add(seen, g_steal_pointer(&key)))
			continue; /* one version of a record per message */
		verdict = arc_registry_merge_one(&merge, record, from, *candidates, *purged,
						 displaced);
		if (verdict == ARC_REGISTRY_VERDICT_REFUSED)
			refused++;
		else if (verdict == ARC_REGISTRY_VERDICT_STAGE)
			g_ptr_array_add(accepted, record);
	}
	if (refused > 0) {
		arc_metrics_add("arctic_gossip_records_total", "result=\"refused\"", refused);
		g_info("refused %u of %u records from %s (see debug log)", refused, records->len,
		       from);
	}
	if (accepted->len == 0)
		return 0;
	if (!arc_registry_commit(self, txn, from, TRUE, error))
		return -1;
	arc_metrics_add("arctic_gossip_records_total", "result=\"accepted\"", accepted->len);
	arc_registry_merged(self, accepted, displaced, from);
	return (gint)accepted->len;
}

/* a marker `kind/id/version` of a record another member purged, if this agent drops it */
static gboolean
arc_registry_stage_marker(ArcRegistry *self, ArcStorageTxn *txn, const gchar *marker)
{
	g_auto(GStrv) parts = g_strsplit(marker, "/", 3);
	const ArcRegistryKindEntry *entry;
	g_autoptr(ArcRecord) local = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *value = NULL;
	gint64 version;

	if (g_strv_length(parts) != 3)
		return FALSE;
	entry = arc_registry_lookup_replicated(self, parts[0]);
	if (entry == NULL || arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_REVOCATION) ||
	    !g_ascii_string_to_signed(parts[2], 10, 1, G_MAXINT64, &version, NULL))
		return FALSE;
	local = arc_storage_get_record(self->storage, parts[0], parts[1], NULL);
	if (local == NULL || local->version > version)
		return FALSE;
	key = g_strdup_printf("gossip.purged.%s/%s", parts[0], parts[1]);
	value = g_strdup_printf("%" G_GINT64_FORMAT, version);
	arc_storage_txn_purge_record(txn, parts[0], parts[1]);
	arc_storage_txn_set_meta(txn, key, value);
	return TRUE;
}

/**
 * arc_registry_apply_purged:
 * @self: the registry
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
arc_registry_apply_purged(ArcRegistry *self, GPtrArray *markers, const gchar *from)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	guint dropped = 0;

	for (guint i = 0; i < markers->len; i++) {
		if (arc_registry_stage_marker(self, txn, g_ptr_array_index(markers, i)))
			dropped++;
	}
	if (dropped == 0)
		return;
	if (!arc_storage_commit(self->storage, txn, &error)) {
		g_warning("cannot drop the records deleted elsewhere: %s", error->message);
		return;
	}
	arc_registry_invalidate(self);
	for (guint i = 0; i < markers->len; i++) {
		g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(markers, i), "/", 3);
		const ArcRegistryKindEntry *entry =
			g_strv_length(parts) == 3 ? arc_registry_lookup_kind(self, parts[0]) : NULL;
		if (entry != NULL && entry->kind->forgotten != NULL)
			entry->kind->forgotten(parts[1], entry->user_data);
	}
	g_info("dropped %u records that were deleted while this agent was away (told by peer "
	       "%s)",
	       dropped, from);
}

/* stages the purge of the tombstones of one kind older than @limit (seconds) */
static guint
arc_registry_stage_purge(ArcRegistry *self, ArcStorageTxn *txn, const gchar *kind, gint64 limit)
{
	g_autoptr(GPtrArray) records = arc_storage_list_records(self->storage, kind, NULL);
	guint purged = 0;

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
	return purged;
}

/**
 * arc_registry_purge_tombstones:
 * @self: the registry
 * @now: the time, seconds since the epoch
 * @retention: how long a tombstone is kept, in seconds
 *
 * Removes tombstones older than @retention, except revocations. What stays is the purged
 * version, a row of meta, so that a late copy of the deleted record is still refused.
 *
 * Returns: how many were purged
 */
guint
arc_registry_purge_tombstones(ArcRegistry *self, gint64 now, guint retention)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	guint purged = 0;

	for (guint k = 0; k < self->kinds->len; k++) {
		const ArcRegistryKindEntry *entry = g_ptr_array_index(self->kinds, k);
		if (!arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_REPLICATED) ||
		    arc_registry_kind_has(entry, ARC_RECORD_KIND_FLAG_REVOCATION))
			continue;
		purged += arc_registry_stage_purge(self, txn, entry->kind->name, now - retention);
	}
	if (purged == 0)
		return 0;
	if (!arc_storage_commit(self->storage, txn, &error)) {
		g_warning("cannot purge old tombstones: %s", error->message);
		return 0;
	}
	arc_registry_invalidate(self);
	g_info("purged %u tombstones older than %u s", purged, retention);
	return purged;
}
