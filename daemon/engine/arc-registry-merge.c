/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-registry-private.h"

#include "arc-handshake.h"
#include "arc-metrics.h"
#include "arc-record-sign.h"

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
