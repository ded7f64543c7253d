/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-sqlite-plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arc-sqlite-migrations.h"
#include "arc-sqlite-statement.h"

/* How long a write waits for another connection (sqlite3 CLI, a backup) before failing. */
#define ARC_SQLITE_BUSY_TIMEOUT_MS 5000

typedef enum {
	ARC_SQLITE_STMT_BEGIN,
	ARC_SQLITE_STMT_BEGIN_READ,
	ARC_SQLITE_STMT_COMMIT,
	ARC_SQLITE_STMT_ROLLBACK,
	ARC_SQLITE_STMT_GET_META,
	ARC_SQLITE_STMT_SET_META,
	ARC_SQLITE_STMT_DELETE_META,
	ARC_SQLITE_STMT_GET_RECORD,
	ARC_SQLITE_STMT_LIST_RECORDS,
	ARC_SQLITE_STMT_PUT_RECORD,
	ARC_SQLITE_STMT_PURGE_RECORD,
	ARC_SQLITE_STMT_CHECK,
	ARC_SQLITE_STMT_DATA_VERSION,
	ARC_SQLITE_STMT_LAST
} ArcSqliteStmtId;

/* the column order arc_sqlite_plugin_record_from_row() reads */
#define ARC_SQLITE_RECORD_COLUMNS "kind, id, version, writer, body, signature, deleted, updated_at"

static const gchar *const arc_sqlite_stmt_sql[] = {
	/* IMMEDIATE takes the write lock up front: a deferred transaction could fail half way
	 * with SQLITE_BUSY when it upgrades from reading to writing */
	[ARC_SQLITE_STMT_BEGIN] = "BEGIN IMMEDIATE",
	/* the reads of one turn of the main loop: see arc_sqlite_plugin_begin_read() */
	[ARC_SQLITE_STMT_BEGIN_READ] = "BEGIN DEFERRED",
	[ARC_SQLITE_STMT_COMMIT] = "COMMIT",
	[ARC_SQLITE_STMT_ROLLBACK] = "ROLLBACK",
	[ARC_SQLITE_STMT_GET_META] = "SELECT value FROM meta WHERE key = ?1",
	[ARC_SQLITE_STMT_SET_META] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
				     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ARC_SQLITE_STMT_DELETE_META] = "DELETE FROM meta WHERE key = ?1",
	[ARC_SQLITE_STMT_GET_RECORD] = "SELECT " ARC_SQLITE_RECORD_COLUMNS " FROM records "
				       "WHERE kind = ?1 AND id = ?2",
	[ARC_SQLITE_STMT_LIST_RECORDS] = "SELECT " ARC_SQLITE_RECORD_COLUMNS " FROM records "
					 "WHERE kind = ?1 ORDER BY id",
	/* an upsert rather than INSERT OR REPLACE, which deletes the old row first */
	[ARC_SQLITE_STMT_PUT_RECORD] =
		"INSERT INTO records (" ARC_SQLITE_RECORD_COLUMNS ") "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		"ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, "
		"writer = excluded.writer, body = excluded.body, signature = excluded.signature, "
		"deleted = excluded.deleted, updated_at = excluded.updated_at",
	[ARC_SQLITE_STMT_PURGE_RECORD] = "DELETE FROM records WHERE kind = ?1 AND id = ?2",
	/* reads the database header, so a schema changed under the agent (by a newer agent
	 * sharing the data dir) shows up, not only a closed connection */
	[ARC_SQLITE_STMT_CHECK] = "PRAGMA user_version",
	/* changes when another connection commits: see arc_sqlite_plugin_check_data_version() */
	[ARC_SQLITE_STMT_DATA_VERSION] = "PRAGMA data_version",
};

G_STATIC_ASSERT(G_N_ELEMENTS(arc_sqlite_stmt_sql) == ARC_SQLITE_STMT_LAST);

/* Lists longer than this are read from the file every time rather than kept: peers, names,
 * revocations and credentials are short; routes may number tens of thousands. */
#define ARC_SQLITE_LIST_CACHE_MAX 1024

struct _ArcSqlitePlugin {
	ArcPlugin parent_instance;
	/* the engine may call from a GTask thread, and a transaction or a statement lease
	 * spans several sqlite calls on shared cached statements */
	GMutex mutex;
	sqlite3 *db;
	gchar *path;
	sqlite3_stmt *stmts[ARC_SQLITE_STMT_LAST];
	GSource *end_read; /* set while the reads of this turn share a transaction */
	GHashTable *lists; /* kind -> (element-type ArcRecord) what list_records() last read */
	gint64 data_version;
};

static void arc_sqlite_plugin_storage_iface_init(ArcStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcSqlitePlugin, arc_sqlite_plugin, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_STORAGE,
						    arc_sqlite_plugin_storage_iface_init))

static const gchar *
arc_sqlite_plugin_str_or_none(const gchar *str)
{
	return str != NULL ? str : "(none)";
}

static gboolean
arc_sqlite_plugin_ensure_open(ArcSqlitePlugin *self, GError **error)
{
	if (self->db != NULL)
		return TRUE;
	g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s is not open",
		    self->path != NULL ? self->path : ARC_SQLITE_DB_FILENAME);
	return FALSE;
}

/* Runs a cached statement that returns no rows. */
static gboolean
arc_sqlite_plugin_run(ArcSqlitePlugin *self, ArcSqliteStmtId id, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[id];
	return arc_sqlite_step_done(stmt, error);
}

/* Ends the read transaction that arc_sqlite_plugin_begin_read() opened, if any. */
static void
arc_sqlite_plugin_end_read(ArcSqlitePlugin *self)
{
	g_autoptr(GError) error_local = NULL;

	if (self->end_read == NULL)
		return;
	g_source_destroy(self->end_read);
	g_clear_pointer(&self->end_read, g_source_unref);
	/* an error in a read may have ended the transaction already */
	if (self->db == NULL || sqlite3_get_autocommit(self->db))
		return;
	if (!arc_sqlite_plugin_run(self, ARC_SQLITE_STMT_COMMIT, &error_local))
		g_warning("cannot end a read transaction on %s: %s", self->path,
			  error_local->message);
}

static gboolean
arc_sqlite_plugin_end_read_cb(gpointer user_data)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(user_data);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	arc_sqlite_plugin_end_read(self);
	return G_SOURCE_REMOVE;
}

/* Starts the turn's read transaction and forgets the kept lists when another connection (the
 * sqlite3 CLI) has committed since the last turn; this agent's own commits are written into
 * them, so a kept list is what the file holds in this transaction. */
static gboolean
arc_sqlite_plugin_check_data_version(ArcSqlitePlugin *self, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[ARC_SQLITE_STMT_DATA_VERSION];
	gboolean has_row = FALSE;
	gint64 version;

	if (!arc_sqlite_step_row(stmt, &has_row, error))
		return FALSE;
	version = has_row ? sqlite3_column_int64(stmt, 0) : -1;
	if (version != self->data_version)
		g_hash_table_remove_all(self->lists);
	self->data_version = version;
	return TRUE;
}

/* Every read outside a transaction is a read transaction of its own, which in WAL mode takes
 * and drops a lock of the -shm file (two fcntl() calls) and checks the WAL header again; a
 * handshake reads the store 20 to 50 times in a few turns of the main loop. The reads of one
 * turn share one transaction instead, ended by an idle of the next turn, or before a write,
 * a check or closing. This agent is the only writer while it runs and its own writes end the
 * transaction first, so no read misses a change of its own; another connection's write (the
 * sqlite3 CLI) is seen from the next turn on. Without a running main loop (a plugin test) the
 * transaction lasts until the next write, check or close. */
static gboolean
arc_sqlite_plugin_begin_read(ArcSqlitePlugin *self, GError **error)
{
	GMainContext *context = g_main_context_default();

	if (self->end_read != NULL || !sqlite3_get_autocommit(self->db))
		return TRUE;
	if (!arc_sqlite_plugin_run(self, ARC_SQLITE_STMT_BEGIN_READ, error) ||
	    !arc_sqlite_plugin_check_data_version(self, error))
		return FALSE;
	self->end_read = g_idle_source_new();
	g_source_set_priority(self->end_read, G_PRIORITY_DEFAULT);
	g_source_set_callback(self->end_read, arc_sqlite_plugin_end_read_cb, self, NULL);
	g_source_set_static_name(self->end_read, "[arctic] sqlite read transaction");
	g_source_attach(self->end_read, context);
	return TRUE;
}

static void
arc_sqlite_plugin_close_locked(ArcSqlitePlugin *self)
{
	arc_sqlite_plugin_end_read(self);
	g_hash_table_remove_all(self->lists);
	for (guint i = 0; i < ARC_SQLITE_STMT_LAST; i++)
		g_clear_pointer(&self->stmts[i], sqlite3_finalize);
	if (self->db == NULL)
		return;
	/* the last connection to close checkpoints the WAL into arctic.db */
	if (sqlite3_close(self->db) != SQLITE_OK)
		g_warning("cannot close %s: %s", self->path, sqlite3_errmsg(self->db));
	self->db = NULL;
}

/* Creates the database file with mode 0600 whatever the umask: it holds the cluster's state
 * and credential hashes. SQLite gives the -wal and -shm files the mode of the database. */
static gboolean
arc_sqlite_plugin_create_file(const gchar *path, GError **error)
{
	gint fd = g_open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	gint saved_errno;

	if (fd < 0) {
		saved_errno = errno;
		/* an existing file keeps the mode its owner chose */
		if (saved_errno == EEXIST)
			return TRUE;
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "cannot create %s: %s", path,
			    g_strerror(saved_errno));
		return FALSE;
	}
	if (fchmod(fd, 0600) != 0) {
		saved_errno = errno;
		close(fd);
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "cannot set the mode of %s: %s",
			    path, g_strerror(saved_errno));
		return FALSE;
	}
	close(fd);
	return TRUE;
}

/* WAL with synchronous=FULL syncs the WAL on every commit, so a commit that returned is on
 * disk; foreign_keys is per connection and off by default, and later schemas may rely on it. */
static gboolean
arc_sqlite_plugin_configure(ArcSqlitePlugin *self, GError **error)
{
	g_autofree gchar *journal_mode = NULL;

	journal_mode = arc_sqlite_query_text(self->db, "PRAGMA journal_mode = WAL", error);
	if (journal_mode == NULL)
		return FALSE;
	if (g_ascii_strcasecmp(journal_mode, "wal") != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
			    "cannot use write-ahead logging (journal mode is %s)", journal_mode);
		return FALSE;
	}
	return arc_sqlite_exec(self->db,
			       "PRAGMA synchronous = FULL;"
			       "PRAGMA foreign_keys = ON;",
			       error);
}

static gboolean
arc_sqlite_plugin_prepare(ArcSqlitePlugin *self, GError **error)
{
	for (guint i = 0; i < ARC_SQLITE_STMT_LAST; i++) {
		if (sqlite3_prepare_v3(self->db, arc_sqlite_stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &self->stmts[i],
				       NULL) != SQLITE_OK)
			return arc_sqlite_set_error(self->db, error, "cannot prepare %s",
						    arc_sqlite_stmt_sql[i]);
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_connect(ArcSqlitePlugin *self, GError **error)
{
	gint64 version = 0;
	gint rc;

	/* the handle is allocated even when opening fails, and must then be closed too */
	rc = sqlite3_open_v2(self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "cannot open %s: %s", self->path,
			    self->db != NULL ? sqlite3_errmsg(self->db) : sqlite3_errstr(rc));
		return FALSE;
	}
	sqlite3_busy_timeout(self->db, ARC_SQLITE_BUSY_TIMEOUT_MS);

	/* until the schema is known to be ours, closing must not checkpoint a WAL left by a
	 * newer agent into its database: a refused file stays exactly as it was */
	sqlite3_db_config(self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (!arc_sqlite_schema_get_version(self->db, self->path, &version, error))
		return FALSE;
	sqlite3_db_config(self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

	if (!arc_sqlite_plugin_configure(self, error) ||
	    !arc_sqlite_schema_migrate(self->db, version, error) ||
	    !arc_sqlite_plugin_prepare(self, error)) {
		g_prefix_error(error, "cannot open %s: ", self->path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_open(ArcStorage *storage, const gchar *data_dir, GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	arc_sqlite_plugin_close_locked(self);
	g_free(self->path);
	self->path = g_build_filename(data_dir, ARC_SQLITE_DB_FILENAME, NULL);
	if (!arc_sqlite_plugin_create_file(self->path, error))
		return FALSE;
	if (!arc_sqlite_plugin_connect(self, error)) {
		arc_sqlite_plugin_close_locked(self);
		return FALSE;
	}
	return TRUE;
}

static void
arc_sqlite_plugin_close(ArcStorage *storage)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	arc_sqlite_plugin_close_locked(self);
}

static gchar *
arc_sqlite_plugin_get_meta(ArcStorage *storage, const gchar *key, GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcSqliteStmtLease) stmt = NULL;
	gboolean has_row = FALSE;

	if (!arc_sqlite_plugin_ensure_open(self, error) ||
	    !arc_sqlite_plugin_begin_read(self, error))
		return NULL;
	stmt = self->stmts[ARC_SQLITE_STMT_GET_META];
	if (!arc_sqlite_bind_text(stmt, 1, key, error) ||
	    !arc_sqlite_step_row(stmt, &has_row, error)) {
		g_prefix_error(error, "cannot read meta %s: ", arc_sqlite_plugin_str_or_none(key));
		return NULL;
	}
	if (!has_row)
		return NULL;
	return g_strdup((const gchar *)sqlite3_column_text(stmt, 0));
}

static ArcRecord *
arc_sqlite_plugin_record_from_row(sqlite3_stmt *stmt)
{
	ArcRecord *record = g_new0(ArcRecord, 1);

	record->kind = g_strdup((const gchar *)sqlite3_column_text(stmt, 0));
	record->id = g_strdup((const gchar *)sqlite3_column_text(stmt, 1));
	record->version = sqlite3_column_int64(stmt, 2);
	record->writer = g_strdup((const gchar *)sqlite3_column_text(stmt, 3));
	record->body = g_strdup((const gchar *)sqlite3_column_text(stmt, 4));
	record->signature = g_strdup((const gchar *)sqlite3_column_text(stmt, 5));
	record->deleted = sqlite3_column_int64(stmt, 6) != 0;
	record->updated_at = sqlite3_column_int64(stmt, 7);
	return record;
}

static ArcRecord *
arc_sqlite_plugin_get_record(ArcStorage *storage, const gchar *kind, const gchar *id,
			     GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcSqliteStmtLease) stmt = NULL;
	gboolean has_row = FALSE;

	if (!arc_sqlite_plugin_ensure_open(self, error) ||
	    !arc_sqlite_plugin_begin_read(self, error))
		return NULL;
	stmt = self->stmts[ARC_SQLITE_STMT_GET_RECORD];
	if (!arc_sqlite_bind_text(stmt, 1, kind, error) ||
	    !arc_sqlite_bind_text(stmt, 2, id, error) ||
	    !arc_sqlite_step_row(stmt, &has_row, error)) {
		g_prefix_error(error,
			       "cannot read record %s/%s: ", arc_sqlite_plugin_str_or_none(kind),
			       arc_sqlite_plugin_str_or_none(id));
		return NULL;
	}
	if (!has_row)
		return NULL;
	return arc_sqlite_plugin_record_from_row(stmt);
}

static GPtrArray *
arc_sqlite_plugin_copy_records(GPtrArray *records)
{
	GPtrArray *copy = g_ptr_array_new_full(records->len, (GDestroyNotify)arc_record_free);

	for (guint i = 0; i < records->len; i++)
		g_ptr_array_add(copy, arc_record_copy(g_ptr_array_index(records, i)));
	return copy;
}

/* A list of a kind is kept until another connection commits (this agent's own commits are
 * written into it): a handshake lists the peers five times, and every removed peer stays as a
 * tombstone and a revocation. Callers get a copy. */
static GPtrArray *
arc_sqlite_plugin_list_records(ArcStorage *storage, const gchar *kind, GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcSqliteStmtLease) stmt = NULL;
	g_autoptr(GPtrArray) records =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	gboolean has_row = FALSE;
	GPtrArray *kept;

	if (!arc_sqlite_plugin_ensure_open(self, error) ||
	    !arc_sqlite_plugin_begin_read(self, error))
		return NULL;
	kept = kind != NULL ? g_hash_table_lookup(self->lists, kind) : NULL;
	if (kept != NULL)
		return arc_sqlite_plugin_copy_records(kept);
	stmt = self->stmts[ARC_SQLITE_STMT_LIST_RECORDS];
	if (!arc_sqlite_bind_text(stmt, 1, kind, error)) {
		g_prefix_error(error, "cannot list records: ");
		return NULL;
	}
	while (TRUE) {
		if (!arc_sqlite_step_row(stmt, &has_row, error)) {
			g_prefix_error(error, "cannot list records of kind %s: ",
				       arc_sqlite_plugin_str_or_none(kind));
			return NULL;
		}
		if (!has_row)
			break;
		g_ptr_array_add(records, arc_sqlite_plugin_record_from_row(stmt));
	}
	if (kind == NULL || records->len > ARC_SQLITE_LIST_CACHE_MAX)
		return g_steal_pointer(&records);
	kept = arc_sqlite_plugin_copy_records(records);
	g_hash_table_replace(self->lists, g_strdup(kind), g_steal_pointer(&records));
	return kept;
}

static gboolean
arc_sqlite_plugin_set_meta(ArcSqlitePlugin *self, const ArcStorageOp *op, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[ARC_SQLITE_STMT_SET_META];

	if (!arc_sqlite_bind_text(stmt, 1, op->key, error) ||
	    !arc_sqlite_bind_text(stmt, 2, op->value, error) ||
	    !arc_sqlite_step_done(stmt, error)) {
		g_prefix_error(error,
			       "cannot set meta %s: ", arc_sqlite_plugin_str_or_none(op->key));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_delete_meta(ArcSqlitePlugin *self, const ArcStorageOp *op, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[ARC_SQLITE_STMT_DELETE_META];

	if (!arc_sqlite_bind_text(stmt, 1, op->key, error) || !arc_sqlite_step_done(stmt, error)) {
		g_prefix_error(error,
			       "cannot delete meta %s: ", arc_sqlite_plugin_str_or_none(op->key));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_put_record(ArcSqlitePlugin *self, const ArcRecord *record, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[ARC_SQLITE_STMT_PUT_RECORD];

	sqlite3_bind_int64(stmt, 3, record->version);
	sqlite3_bind_int64(stmt, 7, record->deleted ? 1 : 0);
	sqlite3_bind_int64(stmt, 8, record->updated_at);
	if (!arc_sqlite_bind_text(stmt, 1, record->kind, error) ||
	    !arc_sqlite_bind_text(stmt, 2, record->id, error) ||
	    !arc_sqlite_bind_text(stmt, 4, record->writer, error) ||
	    !arc_sqlite_bind_text(stmt, 5, record->body, error) ||
	    !arc_sqlite_bind_text(stmt, 6, record->signature, error) ||
	    !arc_sqlite_step_done(stmt, error)) {
		g_prefix_error(error, "cannot write record %s/%s: ",
			       arc_sqlite_plugin_str_or_none(record->kind),
			       arc_sqlite_plugin_str_or_none(record->id));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_purge_record(ArcSqlitePlugin *self, const ArcRecord *record, GError **error)
{
	g_autoptr(ArcSqliteStmtLease) stmt = self->stmts[ARC_SQLITE_STMT_PURGE_RECORD];

	if (!arc_sqlite_bind_text(stmt, 1, record->kind, error) ||
	    !arc_sqlite_bind_text(stmt, 2, record->id, error) ||
	    !arc_sqlite_step_done(stmt, error)) {
		g_prefix_error(error, "cannot purge record %s/%s: ",
			       arc_sqlite_plugin_str_or_none(record->kind),
			       arc_sqlite_plugin_str_or_none(record->id));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_sqlite_plugin_apply_op(ArcSqlitePlugin *self, const ArcStorageOp *op, GError **error)
{
	switch (op->kind) {
	case ARC_STORAGE_OP_SET_META:
		return arc_sqlite_plugin_set_meta(self, op, error);
	case ARC_STORAGE_OP_DELETE_META:
		return arc_sqlite_plugin_delete_meta(self, op, error);
	case ARC_STORAGE_OP_PUT_RECORD:
		return arc_sqlite_plugin_put_record(self, op->record, error);
	case ARC_STORAGE_OP_PURGE_RECORD:
		return arc_sqlite_plugin_purge_record(self, op->record, error);
	default:
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_SUPPORTED,
			    "unknown storage operation %d", (gint)op->kind);
		return FALSE;
	}
}

static void
arc_sqlite_plugin_rollback(ArcSqlitePlugin *self)
{
	g_autoptr(GError) error_local = NULL;

	/* some errors (a full disk, for one) have rolled the transaction back already */
	if (sqlite3_get_autocommit(self->db))
		return;
	if (!arc_sqlite_plugin_run(self, ARC_SQLITE_STMT_ROLLBACK, &error_local))
		g_warning("cannot roll back a transaction on %s: %s", self->path,
			  error_local->message);
}

/* BEGIN, @txn's operations, COMMIT; rolled back on the first failure */
static gboolean
arc_sqlite_plugin_write(ArcSqlitePlugin *self, ArcStorageTxn *txn, GError **error)
{
	guint n_ops = arc_storage_txn_get_size(txn);

	if (!arc_sqlite_plugin_run(self, ARC_SQLITE_STMT_BEGIN, error)) {
		g_prefix_error(error, "cannot begin a transaction: ");
		return FALSE;
	}
	for (guint i = 0; i < n_ops; i++) {
		if (!arc_sqlite_plugin_apply_op(self, arc_storage_txn_get_op(txn, i), error)) {
			arc_sqlite_plugin_rollback(self);
			g_prefix_error(error, "transaction rolled back: ");
			return FALSE;
		}
	}
	if (!arc_sqlite_plugin_run(self, ARC_SQLITE_STMT_COMMIT, error)) {
		arc_sqlite_plugin_rollback(self);
		g_prefix_error(error, "cannot commit a transaction: ");
		return FALSE;
	}
	return TRUE;
}

/* Where @id is in @kept (sorted by id as SQLite's ORDER BY sorts text: by bytes), or
 * where it would go. */
static gboolean
arc_sqlite_plugin_find_kept(GPtrArray *kept, const gchar *id, guint *at)
{
	guint lo = 0, hi = kept->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		gint cmp = strcmp(((ArcRecord *)g_ptr_array_index(kept, mid))->id, id);

		if (cmp == 0) {
			*at = mid;
			return TRUE;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return FALSE;
}

/* A committed @txn written into the kept lists as well, as the file now has it. */
static void
arc_sqlite_plugin_keep_written(ArcSqlitePlugin *self, ArcStorageTxn *txn)
{
	for (guint i = 0; i < arc_storage_txn_get_size(txn); i++) {
		const ArcStorageOp *op = arc_storage_txn_get_op(txn, i);
		GPtrArray *kept;
		ArcRecord *copy;
		guint at = 0;

		if (op->kind != ARC_STORAGE_OP_PUT_RECORD &&
		    op->kind != ARC_STORAGE_OP_PURGE_RECORD)
			continue;
		kept = g_hash_table_lookup(self->lists, op->record->kind);
		if (kept == NULL)
			continue;
		if (arc_sqlite_plugin_find_kept(kept, op->record->id, &at))
			g_ptr_array_remove_index(kept, at);
		if (op->kind == ARC_STORAGE_OP_PURGE_RECORD)
			continue;
		copy = arc_record_copy(op->record);
		copy->deleted = copy->deleted != FALSE;
		g_ptr_array_insert(kept, (gint)at, copy);
		if (kept->len > ARC_SQLITE_LIST_CACHE_MAX)
			g_hash_table_remove(self->lists, op->record->kind);
	}
}

static gboolean
arc_sqlite_plugin_commit(ArcStorage *storage, ArcStorageTxn *txn, GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	if (!arc_sqlite_plugin_ensure_open(self, error))
		return FALSE;
	if (arc_storage_txn_get_size(txn) == 0)
		return TRUE;
	arc_sqlite_plugin_end_read(self);
	if (!arc_sqlite_plugin_write(self, txn, error)) {
		g_hash_table_remove_all(self->lists);
		return FALSE;
	}
	arc_sqlite_plugin_keep_written(self, txn);
	return TRUE;
}

static gboolean
arc_sqlite_plugin_check(ArcStorage *storage, GError **error)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcSqliteStmtLease) stmt = NULL;
	gboolean has_row = FALSE;
	gint64 version;

	if (!arc_sqlite_plugin_ensure_open(self, error))
		return FALSE;
	/* what is on disk now, not what this turn's reads saw */
	arc_sqlite_plugin_end_read(self);
	stmt = self->stmts[ARC_SQLITE_STMT_CHECK];
	if (!arc_sqlite_step_row(stmt, &has_row, error)) {
		g_prefix_error(error, "cannot read %s: ", self->path);
		return FALSE;
	}
	version = has_row ? sqlite3_column_int64(stmt, 0) : -1;
	if (version != ARC_SQLITE_SCHEMA_VERSION) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
			    "%s changed under the agent: schema version %" G_GINT64_FORMAT
			    " instead of %d",
			    self->path, version, ARC_SQLITE_SCHEMA_VERSION);
		return FALSE;
	}
	return TRUE;
}

static gchar *
arc_sqlite_plugin_describe(ArcStorage *storage)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(storage);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	if (self->path == NULL)
		return g_strdup(ARC_SQLITE_DB_FILENAME " (not opened yet)");
	return g_strdup(self->path);
}

static void
arc_sqlite_plugin_storage_iface_init(ArcStorageInterface *iface)
{
	iface->open = arc_sqlite_plugin_open;
	iface->close = arc_sqlite_plugin_close;
	iface->get_meta = arc_sqlite_plugin_get_meta;
	iface->get_record = arc_sqlite_plugin_get_record;
	iface->list_records = arc_sqlite_plugin_list_records;
	iface->commit = arc_sqlite_plugin_commit;
	iface->check = arc_sqlite_plugin_check;
	iface->describe = arc_sqlite_plugin_describe;
}

static void
arc_sqlite_plugin_finalize(GObject *object)
{
	ArcSqlitePlugin *self = ARC_SQLITE_PLUGIN(object);

	arc_sqlite_plugin_close_locked(self);
	g_free(self->path);
	g_hash_table_unref(self->lists);
	g_mutex_clear(&self->mutex);
	G_OBJECT_CLASS(arc_sqlite_plugin_parent_class)->finalize(object);
}

static void
arc_sqlite_plugin_class_init(ArcSqlitePluginClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_sqlite_plugin_finalize;
}

static void
arc_sqlite_plugin_init(ArcSqlitePlugin *self)
{
	g_mutex_init(&self->mutex);
	self->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_ptr_array_unref);
	self->data_version = -1;
}
