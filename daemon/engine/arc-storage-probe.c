/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-storage-probe.h"

/* A store that answers reads can still refuse every write: a full disk, a file size limit,
 * a file made read-only. The agent would then accept requests it cannot keep, so readiness
 * writes one local meta key in a transaction, the same path every change takes. Each probe
 * costs an fsync: probes are spaced by an interval, and between them the last result
 * stands. */

struct _ArcStorageProbe {
	gint64 interval;
	gint64 last;   /* monotonic µs of the last probe, 0 before the first */
	GError *error; /* the last probe's failure, or NULL */
};

/**
 * arc_storage_probe_new:
 * @interval_usec: the least time between two writes
 *
 * Returns: (transfer full): a probe that has not written yet
 */
ArcStorageProbe *
arc_storage_probe_new(gint64 interval_usec)
{
	ArcStorageProbe *self = g_new0(ArcStorageProbe, 1);
	self->interval = interval_usec;
	return self;
}

void
arc_storage_probe_free(ArcStorageProbe *self)
{
	if (self == NULL)
		return;
	g_clear_error(&self->error);
	g_free(self);
}

static gboolean
arc_storage_probe_write(ArcStorage *storage, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *now = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time());

	if (!arc_storage_check(storage, error))
		return FALSE;
	arc_storage_txn_set_meta(txn, ARC_STORAGE_PROBE_META, now);
	if (!arc_storage_commit(storage, txn, error)) {
		g_prefix_error(error, "cannot write: ");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_storage_probe_check:
 * @self: the probe
 * @storage: the store
 * @now_mono: g_get_monotonic_time()
 * @error: return location for a #GError
 *
 * Reads and writes @storage if the last probe is older than the interval, else repeats the
 * last result.
 *
 * Returns: %TRUE if the store could be written
 */
gboolean
arc_storage_probe_check(ArcStorageProbe *self, ArcStorage *storage, gint64 now_mono, GError **error)
{
	if (self->last == 0 || now_mono - self->last >= self->interval) {
		g_clear_error(&self->error);
		self->last = now_mono;
		arc_storage_probe_write(storage, &self->error);
	}
	if (self->error != NULL) {
		g_propagate_error(error, g_error_copy(self->error));
		return FALSE;
	}
	return TRUE;
}
