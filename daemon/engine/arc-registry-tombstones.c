/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-registry-private.h"

#include "arc-metrics.h"

/* ---- tombstones and purged records ---- */

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
