/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

G_BEGIN_DECLS

/* The storage check of /readyz: whether the store can still be written, not only read */

#define ARC_STORAGE_PROBE_META "readiness.write_probe"

typedef struct _ArcStorageProbe ArcStorageProbe;

ArcStorageProbe *arc_storage_probe_new(gint64 interval_usec);
void arc_storage_probe_free(ArcStorageProbe *self);
gboolean arc_storage_probe_check(ArcStorageProbe *self, ArcStorage *storage, gint64 now_mono,
				 GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcStorageProbe, arc_storage_probe_free)

G_END_DECLS
