/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-registry-private.h"

#include "arc-handshake.h"
#include "arc-metrics.h"
#include "arc-record-sign.h"

/* The registry owns the replicated records: storage goes through the SDK runners, the hash
 * and the members are caches of what storage holds, dropped when records change. What a
 * kind means beyond the rules below is the business of the handler registered for it. */

enum { SIGNAL_RECORDS_CHANGED, SIGNAL_MEMBERS_CHANGED, N_SIGNALS };
static guint arc_registry_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcRegistry, arc_registry, G_TYPE_OBJECT)

void
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
	g_free(self->cluster_id);
	g_free(self->tunnel_error);
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

/* for arc-registry-members.c, which reads the members */
void
arc_registry_emit_members_changed(ArcRegistry *self)
{
	g_signal_emit(self, arc_registry_signals[SIGNAL_MEMBERS_CHANGED], 0, self->members);
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

const ArcRegistryKindEntry *
arc_registry_lookup_kind(ArcRegistry *self, const gchar *name)
{
	for (guint i = 0; name != NULL && i < self->kinds->len; i++) {
		const ArcRegistryKindEntry *entry = g_ptr_array_index(self->kinds, i);
		if (strcmp(entry->kind->name, name) == 0)
			return entry;
	}
	return NULL;
}

const ArcRegistryKindEntry *
arc_registry_lookup_replicated(ArcRegistry *self, const gchar *name)
{
	const ArcRegistryKindEntry *entry = arc_registry_lookup_kind(self, name);
	return entry != NULL && (entry->kind->flags & ARC_RECORD_KIND_FLAG_REPLICATED) ? entry
										       : NULL;
}

gboolean
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
