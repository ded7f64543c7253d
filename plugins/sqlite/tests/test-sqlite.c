/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sqlite storage plugin, linked in statically and driven through the ArcStorage runners
 * as the agent drives it. Databases are inspected with a second SQLite connection.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arc-sqlite-migrations.h"
#include "arc-sqlite-plugin.h"

typedef struct {
	gchar *data_dir;
	gchar *db_path;
	ArcStorage *storage;
} ArcTestFixture;

typedef sqlite3 ArcTestDb;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTestDb, sqlite3_close)

static ArcStorage *
arc_test_storage_new(void)
{
	ArcStorage *storage = g_object_new(ARC_TYPE_SQLITE_PLUGIN, NULL);
	arc_plugin_set_name(ARC_PLUGIN(storage), "sqlite");
	return storage;
}

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->data_dir = g_dir_make_tmp("arctic-sqlite-XXXXXX", &error);
	g_assert_no_error(error);
	fixture->db_path = g_build_filename(fixture->data_dir, ARC_SQLITE_DB_FILENAME, NULL);
	fixture->storage = arc_test_storage_new();
}

/* the data dir only ever holds arctic.db and its -wal and -shm files */
static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	g_clear_object(&fixture->storage);
	dir = g_dir_open(fixture->data_dir, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(fixture->data_dir, name, NULL);
		g_assert_cmpint(g_unlink(path), ==, 0);
	}
	g_assert_cmpint(g_rmdir(fixture->data_dir), ==, 0);
	g_free(fixture->db_path);
	g_free(fixture->data_dir);
}

static void
arc_test_open(ArcTestFixture *fixture)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = arc_storage_open(fixture->storage, fixture->data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* closes the plugin and opens a new instance on the same directory, as a restart would */
static void
arc_test_reopen(ArcTestFixture *fixture)
{
	arc_storage_close(fixture->storage);
	g_clear_object(&fixture->storage);
	fixture->storage = arc_test_storage_new();
	arc_test_open(fixture);
}

static void
arc_test_commit(ArcTestFixture *fixture, ArcStorageTxn *txn)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = arc_storage_commit(fixture->storage, txn, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static ArcRecord *
arc_test_record_new(const gchar *kind, const gchar *id, gint64 version, const gchar *body)
{
	ArcRecord *record = arc_record_new(kind, id, body);
	record->version = version;
	record->writer = g_strdup("peer_01J0000000000000000000WRTR");
	record->signature = g_strdup_printf("sig-%s-%" G_GINT64_FORMAT, id, version);
	record->updated_at = 1767225600000000 + version;
	return record;
}

static void
arc_test_put_record(ArcTestFixture *fixture, const ArcRecord *record)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	arc_storage_txn_put_record(txn, record);
	arc_test_commit(fixture, txn);
}

static void
arc_test_assert_record_equal(const ArcRecord *a, const ArcRecord *b)
{
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_cmpstr(a->kind, ==, b->kind);
	g_assert_cmpstr(a->id, ==, b->id);
	g_assert_cmpint(a->version, ==, b->version);
	g_assert_cmpstr(a->writer, ==, b->writer);
	g_assert_cmpstr(a->body, ==, b->body);
	g_assert_cmpstr(a->signature, ==, b->signature);
	g_assert_cmpint(a->deleted, ==, b->deleted);
	g_assert_cmpint(a->updated_at, ==, b->updated_at);
}

static ArcRecord *
arc_test_get_record(ArcTestFixture *fixture, const gchar *kind, const gchar *id)
{
	g_autoptr(GError) error = NULL;
	ArcRecord *record = arc_storage_get_record(fixture->storage, kind, id, &error);
	g_assert_no_error(error);
	return record;
}

static gchar *
arc_test_get_meta(ArcTestFixture *fixture, const gchar *key)
{
	g_autoptr(GError) error = NULL;
	gchar *value = arc_storage_get_meta(fixture->storage, key, &error);
	g_assert_no_error(error);
	return value;
}

static GPtrArray *
arc_test_list_records(ArcTestFixture *fixture, const gchar *kind)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *records = arc_storage_list_records(fixture->storage, kind, &error);
	g_assert_no_error(error);
	g_assert_nonnull(records);
	return records;
}

static ArcTestDb *
arc_test_db_open(const gchar *path)
{
	sqlite3 *db = NULL;
	gint rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	g_assert_cmpstr(sqlite3_errstr(rc), ==, sqlite3_errstr(SQLITE_OK));
	return db;
}

static void
arc_test_db_exec(ArcTestDb *db, const gchar *sql)
{
	gint rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	g_assert_cmpstr(sqlite3_errmsg(db), ==, sqlite3_errstr(SQLITE_OK));
	g_assert_cmpint(rc, ==, SQLITE_OK);
}

/* the first column of the first row of @sql, as text */
static gchar *
arc_test_db_query(const gchar *path, const gchar *sql)
{
	g_autoptr(ArcTestDb) db = arc_test_db_open(path);
	g_autoptr(GString) result = g_string_new(NULL);
	sqlite3_stmt *stmt = NULL;

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
	g_string_append(result, (const gchar *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return g_string_free(g_steal_pointer(&result), FALSE);
}

static void
arc_test_assert_file_mode(const gchar *path, guint mode)
{
	GStatBuf st;
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 07777, ==, mode);
}

static GBytes *
arc_test_read_file(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	g_file_get_contents(path, &contents, &len, &error);
	g_assert_no_error(error);
	return g_bytes_new_take(contents, len);
}

static void
arc_sqlite_create_reopen_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) peer = arc_test_record_new("peer", "peer_01", 3, "{\"name\":\"a\"}");
	g_autoptr(ArcRecord) tombstone = arc_record_new("service", "svc_01", NULL);
	g_autoptr(ArcRecord) got = NULL;
	g_autofree gchar *value = NULL;

	tombstone->version = 7;
	tombstone->deleted = TRUE;
	tombstone->updated_at = G_MAXINT64;
	arc_test_open(fixture);
	arc_storage_txn_set_meta(txn, "peer_id", "peer_01");
	arc_storage_txn_put_record(txn, peer);
	arc_storage_txn_put_record(txn, tombstone);
	arc_test_commit(fixture, txn);

	arc_test_reopen(fixture);
	value = arc_test_get_meta(fixture, "peer_id");
	g_assert_cmpstr(value, ==, "peer_01");
	got = arc_test_get_record(fixture, "peer", "peer_01");
	arc_test_assert_record_equal(got, peer);
	g_clear_pointer(&got, arc_record_free);
	/* NULL fields stay NULL rather than becoming empty strings */
	got = arc_test_get_record(fixture, "service", "svc_01");
	arc_test_assert_record_equal(got, tombstone);
}

static void
arc_sqlite_file_mode_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) record = arc_test_record_new("peer", "peer_01", 1, "{}");
	g_autofree gchar *wal_path = g_strconcat(fixture->db_path, "-wal", NULL);
	mode_t old_umask;

	/* a permissive umask must not leak the cluster state to other users */
	old_umask = umask(0);
	arc_test_open(fixture);
	arc_test_put_record(fixture, record);
	umask(old_umask);
	arc_test_assert_file_mode(fixture->db_path, 0600);
	arc_test_assert_file_mode(wal_path, 0600);
}

static void
arc_sqlite_existing_mode_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents(fixture->db_path, "", 0, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(fixture->db_path, 0640), ==, 0);
	arc_test_open(fixture);
	arc_test_assert_file_mode(fixture->db_path, 0640);
}

static void
arc_sqlite_wal_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *wal_path = g_strconcat(fixture->db_path, "-wal", NULL);
	g_autofree gchar *mode = NULL;

	arc_test_open(fixture);
	mode = arc_test_db_query(fixture->db_path, "PRAGMA journal_mode");
	g_assert_cmpstr(mode, ==, "wal");
	g_assert_true(g_file_test(wal_path, G_FILE_TEST_EXISTS));
}

static void
arc_sqlite_upsert_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) v1 = arc_test_record_new("peer", "peer_01", 1, "{\"v\":1}");
	g_autoptr(ArcRecord) v2 = arc_test_record_new("peer", "peer_01", 2, "{\"v\":2}");
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GPtrArray) records = NULL;
	g_autofree gchar *n_rows = NULL;

	arc_test_open(fixture);
	arc_test_put_record(fixture, v1);
	/* every field is replaced, including those that go back to NULL */
	g_clear_pointer(&v2->signature, g_free);
	v2->deleted = TRUE;
	arc_test_put_record(fixture, v2);

	got = arc_test_get_record(fixture, "peer", "peer_01");
	arc_test_assert_record_equal(got, v2);
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(records->len, ==, 1);
	n_rows = arc_test_db_query(fixture->db_path, "SELECT count(*) FROM records");
	g_assert_cmpstr(n_rows, ==, "1");
}

static void
arc_sqlite_purge_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) a = arc_test_record_new("route", "1", 1, "{}");
	g_autoptr(ArcRecord) b = arc_test_record_new("route", "2", 1, "{}");
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GPtrArray) records = NULL;

	arc_test_open(fixture);
	arc_test_put_record(fixture, a);
	arc_test_put_record(fixture, b);
	arc_storage_txn_purge_record(txn, "route", "1");
	/* purging what is not there is not an error: replicas purge on their own schedule */
	arc_storage_txn_purge_record(txn, "route", "404");
	arc_test_commit(fixture, txn);

	got = arc_test_get_record(fixture, "route", "1");
	g_assert_null(got);
	records = arc_test_list_records(fixture, "route");
	g_assert_cmpuint(records->len, ==, 1);
	arc_test_assert_record_equal(g_ptr_array_index(records, 0), b);
	arc_test_reopen(fixture);
	got = arc_test_get_record(fixture, "route", "1");
	g_assert_null(got);
}

static void
arc_sqlite_list_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	const gchar *ids[] = {"svc_c", "svc_a", "svc_b"};
	g_autoptr(ArcRecord) other = arc_test_record_new("peer", "svc_0", 1, "{}");
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GPtrArray) none = NULL;

	arc_test_open(fixture);
	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		g_autoptr(ArcRecord) record = arc_test_record_new("service", ids[i], 1, "{}");
		record->deleted = i == 0;
		arc_test_put_record(fixture, record);
	}
	arc_test_put_record(fixture, other);

	records = arc_test_list_records(fixture, "service");
	g_assert_cmpuint(records->len, ==, 3);
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(records, 0))->id, ==, "svc_a");
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(records, 1))->id, ==, "svc_b");
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(records, 2))->id, ==, "svc_c");
	g_assert_true(((ArcRecord *)g_ptr_array_index(records, 2))->deleted);
	none = arc_test_list_records(fixture, "credential");
	g_assert_cmpuint(none->len, ==, 0);
}

static void
arc_sqlite_meta_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcStorageTxn) txn1 = arc_storage_txn_new();
	g_autoptr(ArcStorageTxn) txn2 = arc_storage_txn_new();
	g_autofree gchar *absent = NULL;
	g_autofree gchar *value = NULL;
	g_autofree gchar *deleted = NULL;

	arc_test_open(fixture);
	absent = arc_test_get_meta(fixture, "license_state");
	g_assert_null(absent);

	arc_storage_txn_set_meta(txn1, "license_state", "valid");
	arc_storage_txn_set_meta(txn1, "license_state", "warning");
	arc_test_commit(fixture, txn1);
	value = arc_test_get_meta(fixture, "license_state");
	g_assert_cmpstr(value, ==, "warning");

	arc_storage_txn_delete_meta(txn2, "license_state");
	arc_test_commit(fixture, txn2);
	deleted = arc_test_get_meta(fixture, "license_state");
	g_assert_null(deleted);
}

static void
arc_sqlite_txn_atomic_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcStorageTxn) before = arc_storage_txn_new();
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcStorageTxn) after = arc_storage_txn_new();
	g_autoptr(ArcRecord) kept = arc_test_record_new("peer", "peer_kept", 1, "{}");
	g_autoptr(ArcRecord) added = arc_test_record_new("peer", "peer_new", 1, "{}");
	g_autoptr(ArcRecord) broken = arc_test_record_new(NULL, "peer_broken", 1, "{}");
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *value = NULL;
	g_autofree gchar *added_meta = NULL;

	arc_test_open(fixture);
	arc_storage_txn_set_meta(before, "keep", "yes");
	arc_storage_txn_put_record(before, kept);
	arc_test_commit(fixture, before);

	/* every kind of op before the failing one must be undone */
	arc_storage_txn_set_meta(txn, "added", "yes");
	arc_storage_txn_delete_meta(txn, "keep");
	arc_storage_txn_purge_record(txn, "peer", "peer_kept");
	arc_storage_txn_put_record(txn, added);
	arc_storage_txn_put_record(txn, broken);
	g_assert_false(arc_storage_commit(fixture->storage, txn, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_true(g_str_has_prefix(error->message, "sqlite: "));
	g_assert_nonnull(strstr(error->message, "NOT NULL constraint failed: records.kind"));

	value = arc_test_get_meta(fixture, "keep");
	g_assert_cmpstr(value, ==, "yes");
	added_meta = arc_test_get_meta(fixture, "added");
	g_assert_null(added_meta);
	got = arc_test_get_record(fixture, "peer", "peer_new");
	g_assert_null(got);
	got = arc_test_get_record(fixture, "peer", "peer_kept");
	arc_test_assert_record_equal(got, kept);

	/* the connection is not left inside the failed transaction */
	arc_storage_txn_set_meta(after, "added", "later");
	arc_test_commit(fixture, after);
	arc_test_reopen(fixture);
	g_clear_pointer(&added_meta, g_free);
	added_meta = arc_test_get_meta(fixture, "added");
	g_assert_cmpstr(added_meta, ==, "later");
}

/* a database as a newer agent leaves it after a crash: WAL mode, its last transaction still
 * in the -wal file and not yet checkpointed into arctic.db */
static void
arc_test_create_newer_db(const gchar *path, gint64 version)
{
	g_autoptr(ArcTestDb) db = arc_test_db_open(path);
	g_autofree gchar *sql =
		g_strdup_printf("PRAGMA journal_mode = WAL;"
				"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
				"CREATE TABLE future (x);"
				"PRAGMA user_version = %" G_GINT64_FORMAT ";",
				version);

	arc_test_db_exec(db, sql);
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

static void
arc_sqlite_newer_version_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *wal_path = g_strconcat(fixture->db_path, "-wal", NULL);
	g_autofree gchar *expected = NULL;
	g_autoptr(GBytes) db_before = NULL;
	g_autoptr(GBytes) wal_before = NULL;
	g_autoptr(GBytes) db_after = NULL;
	g_autoptr(GBytes) wal_after = NULL;
	g_autoptr(GError) error = NULL;

	arc_test_create_newer_db(fixture->db_path, ARC_SQLITE_SCHEMA_VERSION + 1);
	db_before = arc_test_read_file(fixture->db_path);
	wal_before = arc_test_read_file(wal_path);
	g_assert_cmpuint(g_bytes_get_size(wal_before), >, 0);

	g_assert_false(arc_storage_open(fixture->storage, fixture->data_dir, &error));
	expected = g_strdup_printf("sqlite: %s has schema version %d, newer than this agent "
				   "supports (%d); upgrade the agent",
				   fixture->db_path, ARC_SQLITE_SCHEMA_VERSION + 1,
				   ARC_SQLITE_SCHEMA_VERSION);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_cmpstr(error->message, ==, expected);

	db_after = arc_test_read_file(fixture->db_path);
	wal_after = arc_test_read_file(wal_path);
	g_assert_true(g_bytes_equal(db_before, db_after));
	g_assert_true(g_bytes_equal(wal_before, wal_after));
}

static void
arc_test_assert_open_refused(ArcTestFixture *fixture, const gchar *reason)
{
	g_autoptr(GBytes) before = arc_test_read_file(fixture->db_path);
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_storage_open(fixture->storage, fixture->data_dir, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_false(ok);
	g_assert_nonnull(strstr(error->message, fixture->db_path));
	g_assert_nonnull(strstr(error->message, reason));
	after = arc_test_read_file(fixture->db_path);
	g_assert_true(g_bytes_equal(before, after));
}

static void
arc_sqlite_not_database_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < 200; i++)
		g_string_append(text, "this is a text file, not a database\n");
	g_file_set_contents(fixture->db_path, text->str, text->len, &error);
	g_assert_no_error(error);
	arc_test_assert_open_refused(fixture, "is not an SQLite database");
}

static void
arc_sqlite_foreign_database_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcTestDb) db = arc_test_db_open(fixture->db_path);

	arc_test_db_exec(db, "CREATE TABLE photos (name TEXT)");
	g_clear_pointer(&db, sqlite3_close);
	arc_test_assert_open_refused(fixture, "without an Arctic schema version");
}

static void
arc_sqlite_missing_dir_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *missing = g_build_filename(fixture->data_dir, "missing", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_false(arc_storage_open(fixture->storage, missing, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_nonnull(strstr(error->message, missing));
}

static void
arc_sqlite_closed_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *before = arc_storage_describe(fixture->storage);
	g_autofree gchar *opened = NULL;
	g_autofree gchar *value = NULL;
	gboolean ok;

	g_assert_cmpstr(before, ==, "arctic.db (not opened yet)");
	value = arc_storage_get_meta(fixture->storage, "peer_id", &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_null(value);
	g_clear_error(&error);

	arc_test_open(fixture);
	opened = arc_storage_describe(fixture->storage);
	g_assert_cmpstr(opened, ==, fixture->db_path);
	ok = arc_storage_check(fixture->storage, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	arc_storage_close(fixture->storage);
	g_assert_false(arc_storage_check(fixture->storage, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_clear_error(&error);
	/* the same object opens again, as the interface promises */
	arc_test_open(fixture);
	ok = arc_storage_check(fixture->storage, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* a table, column, type, constraint and index summary of a database's schema, to compare
 * two databases whatever the layout of their CREATE statements */
static gchar *
arc_test_describe_schema(const gchar *path)
{
	g_autoptr(ArcTestDb) db = arc_test_db_open(path);
	g_autoptr(GString) out = g_string_new(NULL);
	sqlite3_stmt *stmt = NULL;
	const gchar *sql = "SELECT m.type || ' ' || m.name || ' ' || coalesce(group_concat("
			   "  p.name || ':' || p.type || ':' || p.\"notnull\" || ':' || "
			   "  coalesce(p.dflt_value, '-') || ':' || p.pk, ','), '') "
			   "FROM sqlite_schema m LEFT JOIN pragma_table_info(m.name) p "
			   "GROUP BY m.type, m.name ORDER BY m.type, m.name";

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		g_string_append_printf(out, "%s\n", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
arc_test_create_from_fixture(const gchar *db_path, guint version)
{
	g_autofree gchar *name = g_strdup_printf("sqlite-schema-v%u.sql", version);
	g_autofree gchar *fixture_path = g_build_filename(ARC_TEST_FIXTURES_DIR, name, NULL);
	g_autoptr(GBytes) sql = arc_test_read_file(fixture_path);
	g_autoptr(ArcTestDb) db = arc_test_db_open(db_path);

	arc_test_db_exec(db, g_bytes_get_data(sql, NULL));
}

/* The fixture of the current version must be what the migrations create: a migration added
 * without its fixture, or a fixture edited by hand, fails here. */
static void
arc_sqlite_fixture_current_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *from_fixture = g_build_filename(fixture->data_dir, "fixture.db", NULL);
	g_autofree gchar *fresh_schema = NULL;
	g_autofree gchar *fixture_schema = NULL;
	g_autofree gchar *fixture_version = NULL;

	arc_test_open(fixture);
	arc_storage_close(fixture->storage);
	arc_test_create_from_fixture(from_fixture, ARC_SQLITE_SCHEMA_VERSION);
	fresh_schema = arc_test_describe_schema(fixture->db_path);
	fixture_schema = arc_test_describe_schema(from_fixture);
	g_assert_cmpstr(fixture_schema, ==, fresh_schema);
	fixture_version = arc_test_db_query(from_fixture, "PRAGMA user_version");
	g_assert_cmpint(g_ascii_strtoll(fixture_version, NULL, 10), ==, ARC_SQLITE_SCHEMA_VERSION);
}

static void
arc_sqlite_fixture_v1_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) peer = NULL;
	g_autoptr(ArcRecord) route = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *version = NULL;
	gboolean ok;

	arc_test_create_from_fixture(fixture->db_path, 1);
	arc_test_open(fixture);
	ok = arc_storage_check(fixture->storage, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	/* the rows the fixture holds come through every migration */
	peer_id = arc_test_get_meta(fixture, "peer_id");
	g_assert_cmpstr(peer_id, ==, "peer_01JD8Z6Q3F4K5M6N7P8Q9R0S1T");
	peer = arc_test_get_record(fixture, "peer", "peer_01JD8Z6Q3F4K5M6N7P8Q9R0S1T");
	g_assert_nonnull(peer);
	g_assert_cmpint(peer->version, ==, 4);
	g_assert_cmpstr(peer->signature, ==, "c2lnbmF0dXJl");
	g_assert_false(peer->deleted);
	route = arc_test_get_record(fixture, "route", "17");
	g_assert_nonnull(route);
	g_assert_true(route->deleted);
	g_assert_null(route->body);

	arc_storage_close(fixture->storage);
	version = arc_test_db_query(fixture->db_path, "PRAGMA user_version");
	g_assert_cmpint(g_ascii_strtoll(version, NULL, 10), ==, ARC_SQLITE_SCHEMA_VERSION);
}

/* Commits @record in a subprocess that dies by SIGKILL right after the commit returned: no
 * close, no finalize, no atexit, as when the agent is killed after a reply. */
static void
arc_sqlite_commit_then_die(const gchar *data_dir, const ArcRecord *record)
{
	if (g_test_subprocess()) {
		g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
		g_autoptr(ArcStorage) storage = arc_test_storage_new();
		g_assert_cmpint(g_mkdir_with_parents(data_dir, 0700), ==, 0);
		g_assert_true(arc_storage_open(storage, data_dir, NULL));
		arc_storage_txn_put_record(txn, record);
		if (arc_storage_commit(storage, txn, NULL))
			kill(getpid(), SIGKILL);
		/* a commit that failed ends normally, which the parent's assertion refuses */
		exit(0);
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
}

/* What commit() acknowledged survives the agent being killed right after the reply. */
static void
arc_sqlite_durable_after_kill_func(void)
{
	g_autofree gchar *data_dir = g_build_filename(g_get_user_data_dir(), "arctic", NULL);
	g_autoptr(ArcStorage) storage = NULL;
	g_autoptr(ArcRecord) record = arc_test_record_new("peer", "peer_01", 9, "{\"d\":1}");
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_sqlite_commit_then_die(data_dir, record);

	storage = arc_test_storage_new();
	ok = arc_storage_open(storage, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	got = arc_storage_get_record(storage, "peer", "peer_01", &error);
	g_assert_no_error(error);
	arc_test_assert_record_equal(got, record);
}

/* The documented reset after a crash: the agent was killed (its WAL is still there), then
 * `rm arctic.db`. The new database must start empty: SQLite does not replay a WAL whose
 * database is gone into a new file, and this keeps it so. */
static void
arc_sqlite_reset_after_kill_func(void)
{
	g_autofree gchar *data_dir = g_build_filename(g_get_user_data_dir(), "arctic", NULL);
	g_autofree gchar *db = g_build_filename(data_dir, "arctic.db", NULL);
	g_autofree gchar *wal = g_strconcat(db, "-wal", NULL);
	g_autoptr(ArcStorage) storage = NULL;
	g_autoptr(ArcRecord) record = arc_test_record_new("peer", "peer_01", 9, "{\"d\":1}");
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_sqlite_commit_then_die(data_dir, record);
	g_assert_true(g_file_test(wal, G_FILE_TEST_EXISTS));
	g_assert_cmpint(g_unlink(db), ==, 0);

	storage = arc_test_storage_new();
	ok = arc_storage_open(storage, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	got = arc_storage_get_record(storage, "peer", "peer_01", &error);
	g_assert_no_error(error);
	g_assert_null(got);
}

#define ARC_TEST_RECORD_COLUMNS "kind, id, version, writer, body, signature, deleted, updated_at"

static void
arc_test_assert_body(ArcTestFixture *fixture, const gchar *body)
{
	g_autoptr(ArcRecord) got = arc_test_get_record(fixture, "peer", "peer_01");
	g_assert_nonnull(got);
	g_assert_cmpstr(got->body, ==, body);
}

/* The reads of one turn of the main loop share a read transaction: a write of the agent in
 * that turn still works and is read back at once, a change made by another connection (the
 * sqlite3 CLI) is read from the next turn on, and a check always reads the file. */
static void
arc_sqlite_read_turn_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) record = arc_test_record_new("peer", "peer_01", 1, "{\"v\":1}");
	g_autoptr(ArcRecord) other = arc_test_record_new("peer", "peer_02", 1, "{}");
	g_autoptr(ArcRecord) fourth = arc_test_record_new("peer", "peer_04", 1, "{}");
	g_autoptr(ArcTestDb) db = NULL;
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GError) error = NULL;

	arc_test_open(fixture);
	arc_test_put_record(fixture, record);
	db = arc_test_db_open(fixture->db_path);

	/* a write after reads of the same turn, then read back in that turn */
	arc_test_assert_body(fixture, "{\"v\":1}");
	g_free(record->body);
	record->body = g_strdup("{\"v\":2}");
	arc_test_put_record(fixture, record);
	arc_test_assert_body(fixture, "{\"v\":2}");
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(records->len, ==, 1);

	/* another connection's change: seen once the loop has turned, or after a write */
	arc_test_db_exec(db, "UPDATE records SET body = '{\"v\":3}' WHERE id = 'peer_01'");
	while (g_main_context_iteration(NULL, FALSE))
		;
	arc_test_assert_body(fixture, "{\"v\":3}");
	arc_test_db_exec(db, "UPDATE records SET body = '{\"v\":4}' WHERE id = 'peer_01'");
	arc_test_put_record(fixture, other);
	arc_test_assert_body(fixture, "{\"v\":4}");

	/* a list is kept across turns until a commit, of this agent's or another connection's */
	g_clear_pointer(&records, g_ptr_array_unref);
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(records->len, ==, 2);
	arc_test_db_exec(db, "INSERT INTO records (" ARC_TEST_RECORD_COLUMNS ") VALUES "
			     "('peer', 'peer_03', 1, 'peer_03', '{}', 'sig', 0, 0)");
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_clear_pointer(&records, g_ptr_array_unref);
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(records->len, ==, 3);
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(records, 2))->id, ==, "peer_03");
	/* a caller may change what it got: the kept list is not its */
	g_free(((ArcRecord *)g_ptr_array_index(records, 2))->id);
	((ArcRecord *)g_ptr_array_index(records, 2))->id = g_strdup("changed");
	g_clear_pointer(&records, g_ptr_array_unref);
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(records, 2))->id, ==, "peer_03");
	arc_test_put_record(fixture, fourth);
	g_clear_pointer(&records, g_ptr_array_unref);
	records = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(records->len, ==, 4);

	/* a check within a turn that read the old schema version still sees the new one */
	arc_test_assert_body(fixture, "{\"v\":4}");
	arc_test_db_exec(db, "PRAGMA user_version = 999");
	g_assert_false(arc_storage_check(fixture->storage, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_nonnull(strstr(error->message, "schema version 999"));
}

/* This agent's own commits are written into the lists it keeps as the file has them: a new
 * record in its place by id, a changed one, a tombstone, a purged one. */
static void
arc_sqlite_kept_lists_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcRecord) b = arc_test_record_new("peer", "peer_b", 1, "{\"n\":1}");
	g_autoptr(ArcRecord) d = arc_test_record_new("peer", "peer_d", 1, "{}");
	g_autoptr(ArcRecord) a = arc_test_record_new("peer", "peer_a", 3, "{}");
	g_autoptr(ArcRecord) c = arc_test_record_new("peer", "peer_c", 1, "{}");
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcStorage) other = NULL;
	g_autoptr(GPtrArray) kept = NULL;
	g_autoptr(GPtrArray) fresh = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_test_open(fixture);
	arc_test_put_record(fixture, b);
	arc_test_put_record(fixture, d);
	kept = arc_test_list_records(fixture, "peer");
	g_assert_cmpuint(kept->len, ==, 2);
	g_clear_pointer(&kept, g_ptr_array_unref);

	b->version = 2;
	b->deleted = TRUE;
	g_clear_pointer(&b->body, g_free);
	arc_storage_txn_put_record(txn, a);
	arc_storage_txn_put_record(txn, c);
	arc_storage_txn_put_record(txn, b);
	arc_storage_txn_purge_record(txn, "peer", "peer_d");
	arc_storage_txn_set_meta(txn, "peer_id", "peer_a");
	arc_test_commit(fixture, txn);
	kept = arc_test_list_records(fixture, "peer");

	other = arc_test_storage_new();
	ok = arc_storage_open(other, fixture->data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fresh = arc_storage_list_records(other, "peer", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(fresh->len, ==, 3);
	g_assert_cmpuint(kept->len, ==, fresh->len);
	for (guint i = 0; i < fresh->len; i++) {
		const ArcRecord *k = g_ptr_array_index(kept, i);
		const ArcRecord *f = g_ptr_array_index(fresh, i);

		arc_test_assert_record_equal(k, f);
		g_assert_cmpint(k->deleted, ==, f->deleted);
	}
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(fresh, 1))->id, ==, "peer_b");
	g_assert_true(((ArcRecord *)g_ptr_array_index(fresh, 1))->deleted);
	arc_storage_close(other);
}

static void
arc_test_add(const gchar *path, void (*func)(ArcTestFixture *, gconstpointer))
{
	g_test_add(path, ArcTestFixture, NULL, arc_test_fixture_setup, func,
		   arc_test_fixture_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	arc_test_add("/sqlite/create-reopen", arc_sqlite_create_reopen_func);
	arc_test_add("/sqlite/file-mode", arc_sqlite_file_mode_func);
	arc_test_add("/sqlite/existing-mode", arc_sqlite_existing_mode_func);
	arc_test_add("/sqlite/wal", arc_sqlite_wal_func);
	arc_test_add("/sqlite/upsert", arc_sqlite_upsert_func);
	arc_test_add("/sqlite/purge", arc_sqlite_purge_func);
	arc_test_add("/sqlite/list", arc_sqlite_list_func);
	arc_test_add("/sqlite/meta", arc_sqlite_meta_func);
	arc_test_add("/sqlite/txn-atomic", arc_sqlite_txn_atomic_func);
	arc_test_add("/sqlite/newer-version", arc_sqlite_newer_version_func);
	arc_test_add("/sqlite/not-database", arc_sqlite_not_database_func);
	arc_test_add("/sqlite/foreign-database", arc_sqlite_foreign_database_func);
	arc_test_add("/sqlite/missing-dir", arc_sqlite_missing_dir_func);
	arc_test_add("/sqlite/closed", arc_sqlite_closed_func);
	arc_test_add("/sqlite/fixture-current", arc_sqlite_fixture_current_func);
	arc_test_add("/sqlite/fixture-v1", arc_sqlite_fixture_v1_func);
	arc_test_add("/sqlite/read-turn", arc_sqlite_read_turn_func);
	arc_test_add("/sqlite/kept-lists", arc_sqlite_kept_lists_func);
	g_test_add_func("/sqlite/durable-after-kill", arc_sqlite_durable_after_kill_func);
	g_test_add_func("/sqlite/reset-after-kill", arc_sqlite_reset_after_kill_func);
	return g_test_run();
}
