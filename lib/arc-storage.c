/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-storage.h"

#include "arc-error.h"
#include "arc-plugin.h"

struct _ArcStorageTxn {
	GPtrArray *ops; /* of ArcStorageOp */
};

G_DEFINE_INTERFACE(ArcStorage, arc_storage, ARC_TYPE_PLUGIN)

static void
arc_storage_default_init(ArcStorageInterface *iface)
{
}

static void
arc_storage_op_free(ArcStorageOp *op)
{
	g_free(op->key);
	g_free(op->value);
	arc_record_free(op->record);
	g_free(op);
}

/**
 * arc_storage_txn_new:
 *
 * Returns: (transfer full): an empty transaction for arc_storage_commit()
 */
ArcStorageTxn *
arc_storage_txn_new(void)
{
	ArcStorageTxn *self = g_new0(ArcStorageTxn, 1);
	self->ops = g_ptr_array_new_with_free_func((GDestroyNotify)arc_storage_op_free);
	return self;
}

void
arc_storage_txn_free(ArcStorageTxn *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->ops);
	g_free(self);
}

static ArcStorageOp *
arc_storage_txn_add(ArcStorageTxn *self, ArcStorageOpKind kind)
{
	ArcStorageOp *op = g_new0(ArcStorageOp, 1);
	op->kind = kind;
	g_ptr_array_add(self->ops, op);
	return op;
}

void
arc_storage_txn_set_meta(ArcStorageTxn *self, const gchar *key, const gchar *value)
{
	ArcStorageOp *op = arc_storage_txn_add(self, ARC_STORAGE_OP_SET_META);
	op->key = g_strdup(key);
	op->value = g_strdup(value);
}

void
arc_storage_txn_delete_meta(ArcStorageTxn *self, const gchar *key)
{
	ArcStorageOp *op = arc_storage_txn_add(self, ARC_STORAGE_OP_DELETE_META);
	op->key = g_strdup(key);
}

void
arc_storage_txn_put_record(ArcStorageTxn *self, const ArcRecord *record)
{
	ArcStorageOp *op = arc_storage_txn_add(self, ARC_STORAGE_OP_PUT_RECORD);
	op->record = arc_record_copy(record);
}

void
arc_storage_txn_purge_record(ArcStorageTxn *self, const gchar *kind, const gchar *id)
{
	ArcStorageOp *op = arc_storage_txn_add(self, ARC_STORAGE_OP_PURGE_RECORD);
	op->record = arc_record_new(kind, id, NULL);
}

guint
arc_storage_txn_get_size(ArcStorageTxn *self)
{
	return self->ops->len;
}

const ArcStorageOp *
arc_storage_txn_get_op(ArcStorageTxn *self, guint idx)
{
	g_return_val_if_fail(idx < self->ops->len, NULL);
	return g_ptr_array_index(self->ops, idx);
}

/**
 * arc_storage_open:
 * @self: a storage plugin
 * @data_dir: the agent's data directory
 * @error: return location for a #GError
 *
 * Opens the store, creating or migrating it.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_storage_open(ArcStorage *self, const gchar *data_dir, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->open == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "open", error);
	ok = iface->open(self, data_dir, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "open", ok, error_local, error);
}

void
arc_storage_close(ArcStorage *self)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	if (iface->close != NULL)
		iface->close(self);
}

/**
 * arc_storage_get_meta:
 * @self: a storage plugin
 * @key: the setting
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the value; %NULL without an error when it is not set
 */
gchar *
arc_storage_get_meta(ArcStorage *self, const gchar *key, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	gchar *value;

	if (iface->get_meta == NULL) {
		arc_plugin_not_supported(ARC_PLUGIN(self), "get_meta", error);
		return NULL;
	}
	value = iface->get_meta(self, key, &error_local);
	if (!arc_plugin_check_result(ARC_PLUGIN(self), "get_meta", error_local == NULL, error_local,
				     error)) {
		g_free(value);
		return NULL;
	}
	return value;
}

/**
 * arc_storage_get_record:
 * @self: a storage plugin
 * @kind: the record kind
 * @id: the record id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the record, tombstones included; %NULL without an
 *   error when there is none
 */
ArcRecord *
arc_storage_get_record(ArcStorage *self, const gchar *kind, const gchar *id, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	ArcRecord *record;

	if (iface->get_record == NULL) {
		arc_plugin_not_supported(ARC_PLUGIN(self), "get_record", error);
		return NULL;
	}
	record = iface->get_record(self, kind, id, &error_local);
	if (!arc_plugin_check_result(ARC_PLUGIN(self), "get_record", error_local == NULL,
				     error_local, error)) {
		arc_record_free(record);
		return NULL;
	}
	return record;
}

/**
 * arc_storage_list_records:
 * @self: a storage plugin
 * @kind: the record kind
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type ArcRecord): the records, ordered by id
 */
GPtrArray *
arc_storage_list_records(ArcStorage *self, const gchar *kind, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	GPtrArray *records;

	if (iface->list_records == NULL) {
		arc_plugin_not_supported(ARC_PLUGIN(self), "list_records", error);
		return NULL;
	}
	records = iface->list_records(self, kind, &error_local);
	if (!arc_plugin_check_result(ARC_PLUGIN(self), "list_records", records != NULL, error_local,
				     error)) {
		if (records != NULL)
			g_ptr_array_unref(records);
		return NULL;
	}
	return records;
}

/**
 * arc_storage_commit:
 * @self: a storage plugin
 * @txn: the writes
 * @error: return location for a #GError
 *
 * Applies every write of @txn in one transaction.
 *
 * Returns: %TRUE once the writes are durable
 */
gboolean
arc_storage_commit(ArcStorage *self, ArcStorageTxn *txn, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->commit == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "commit", error);
	ok = iface->commit(self, txn, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "commit", ok, error_local, error);
}

gboolean
arc_storage_check(ArcStorage *self, GError **error)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->check == NULL)
		return TRUE;
	ok = iface->check(self, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "check", ok, error_local, error);
}

gchar *
arc_storage_describe(ArcStorage *self)
{
	ArcStorageInterface *iface = ARC_STORAGE_GET_IFACE(self);
	if (iface->describe == NULL)
		return g_strdup(arc_plugin_get_name(ARC_PLUGIN(self)));
	return iface->describe(self);
}
