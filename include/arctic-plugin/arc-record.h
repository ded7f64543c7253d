/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ArcRecord:
 * @kind: what the record describes: "peer", "credential", "service", "route", "cluster", ...
 * @id: the record id, unique within @kind
 * @version: increases with every write of the record; replication keeps the highest
 * @writer: peer id of the peer that wrote this version
 * @body: the record as a JSON object (UTF-8)
 * @signature: base64 Ed25519 signature of the writer over the record, or %NULL
 * @deleted: %TRUE for a tombstone
 * @updated_at: wall-clock time of the write, in microseconds since the epoch
 *
 * One replicated item of cluster state as the storage plugin keeps it.
 */
typedef struct {
	gchar *kind;
	gchar *id;
	gint64 version;
	gchar *writer;
	gchar *body;
	gchar *signature;
	gboolean deleted;
	gint64 updated_at;
} ArcRecord;

#define ARC_TYPE_RECORD (arc_record_get_type())
GType arc_record_get_type(void);
ArcRecord *arc_record_new(const gchar *kind, const gchar *id, const gchar *body);
ArcRecord *arc_record_copy(const ArcRecord *self);
void arc_record_free(ArcRecord *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRecord, arc_record_free)

G_END_DECLS
