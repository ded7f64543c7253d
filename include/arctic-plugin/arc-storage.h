/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "arc-record.h"

G_BEGIN_DECLS

typedef enum {
	ARC_STORAGE_OP_SET_META,
	ARC_STORAGE_OP_DELETE_META,
	ARC_STORAGE_OP_PUT_RECORD,
	ARC_STORAGE_OP_PURGE_RECORD,
} ArcStorageOpKind;

/**
 * ArcStorageOp:
 * @kind: what to do
 * @key: the meta key (meta operations)
 * @value: the meta value (%ARC_STORAGE_OP_SET_META)
 * @record: the record to write, or for a purge the record whose kind and id to remove
 */
typedef struct {
	ArcStorageOpKind kind;
	gchar *key;
	gchar *value;
	ArcRecord *record;
} ArcStorageOp;

/* A set of writes that the storage applies all together or not at all. */
typedef struct _ArcStorageTxn ArcStorageTxn;

ArcStorageTxn *arc_storage_txn_new(void);
void arc_storage_txn_free(ArcStorageTxn *self);
void arc_storage_txn_set_meta(ArcStorageTxn *self, const gchar *key, const gchar *value);
void arc_storage_txn_delete_meta(ArcStorageTxn *self, const gchar *key);
void arc_storage_txn_put_record(ArcStorageTxn *self, const ArcRecord *record);
void arc_storage_txn_purge_record(ArcStorageTxn *self, const gchar *kind, const gchar *id);
guint arc_storage_txn_get_size(ArcStorageTxn *self);
const ArcStorageOp *arc_storage_txn_get_op(ArcStorageTxn *self, guint idx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcStorageTxn, arc_storage_txn_free)

#define ARC_TYPE_STORAGE (arc_storage_get_type())
G_DECLARE_INTERFACE(ArcStorage, arc_storage, ARC, STORAGE, GObject)

/**
 * ArcStorageInterface:
 * @open: open or create the store under @data_dir, migrating an older schema
 * @close: flush and close; the object may be opened again
 * @get_meta: a local (not replicated) setting; %NULL without an error when absent
 * @get_record: one record, tombstones included; %NULL without an error when absent
 * @list_records: all records of @kind, tombstones included, ordered by id
 * @commit: apply every operation of @txn in one transaction, durable when it returns %TRUE
 * @check: cheap readiness probe
 * @describe: where the data lives, for logs and /readyz
 *
 * A storage plugin keeps the agent's local settings and its replica of the cluster state.
 */
struct _ArcStorageInterface {
	GTypeInterface parent_iface;
	gboolean (*open)(ArcStorage *self, const gchar *data_dir, GError **error);
	void (*close)(ArcStorage *self);
	gchar *(*get_meta)(ArcStorage *self, const gchar *key, GError **error);
	ArcRecord *(*get_record)(ArcStorage *self, const gchar *kind, const gchar *id,
				 GError **error);
	GPtrArray *(*list_records)(ArcStorage *self, const gchar *kind, GError **error);
	gboolean (*commit)(ArcStorage *self, ArcStorageTxn *txn, GError **error);
	gboolean (*check)(ArcStorage *self, GError **error);
	gchar *(*describe)(ArcStorage *self);
};

/* runners: what the agent calls; they check the plugin's result and name it in errors */
gboolean arc_storage_open(ArcStorage *self, const gchar *data_dir, GError **error);
void arc_storage_close(ArcStorage *self);
gchar *arc_storage_get_meta(ArcStorage *self, const gchar *key, GError **error);
ArcRecord *arc_storage_get_record(ArcStorage *self, const gchar *kind, const gchar *id,
				  GError **error);
GPtrArray *arc_storage_list_records(ArcStorage *self, const gchar *kind, GError **error);
gboolean arc_storage_commit(ArcStorage *self, ArcStorageTxn *txn, GError **error);
gboolean arc_storage_check(ArcStorage *self, GError **error);
gchar *arc_storage_describe(ArcStorage *self);

G_END_DECLS
