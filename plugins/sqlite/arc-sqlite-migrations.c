/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-sqlite-migrations.h"

#include <arctic-plugin.h>

#include "arc-sqlite-statement.h"

typedef gboolean (*ArcSqliteMigrationFunc)(sqlite3 *db, GError **error);

/*
 * Schema version 1.
 *
 * meta: settings of this agent alone, never replicated (identity, license state, ...).
 * records: this agent's replica of the cluster state, one row per (kind, id). version, writer
 *   and signature are what gossip compares and verifies; deleted marks a tombstone, kept until
 *   the engine purges it after the retention period; updated_at is in microseconds since the
 *   epoch. body is the record's JSON object, NULL for a tombstone that carries none.
 *
 * The keys are NOT NULL explicitly because SQLite otherwise lets NULL into a PRIMARY KEY
 * column of a rowid table.
 */
static gboolean
arc_sqlite_migrate_to_1(sqlite3 *db, GError **error)
{
	/* the text is what sqlite_schema and a dump show, hence the newlines */
	return arc_sqlite_exec(db,
			       "CREATE TABLE meta (\n"
			       "  key TEXT NOT NULL PRIMARY KEY,\n"
			       "  value TEXT NOT NULL\n"
			       ");\n"
			       "CREATE TABLE records (\n"
			       "  kind TEXT NOT NULL,\n"
			       "  id TEXT NOT NULL,\n"
			       "  version INTEGER NOT NULL,\n"
			       "  writer TEXT,\n"
			       "  body TEXT,\n"
			       "  signature TEXT,\n"
			       "  deleted INTEGER NOT NULL DEFAULT 0,\n"
			       "  updated_at INTEGER NOT NULL,\n"
			       "  PRIMARY KEY (kind, id)\n"
			       ");\n",
			       error);
}

/* migrations[N - 1] takes a database from version N - 1 to version N */
static const ArcSqliteMigrationFunc arc_sqlite_migrations[] = {
	arc_sqlite_migrate_to_1,
};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_sqlite_migrations) == ARC_SQLITE_SCHEMA_VERSION);

/* A database at version 0 is either new or not ours: migrating someone else's file would
 * mix our tables into it, so only an empty one is taken. */
static gboolean
arc_sqlite_schema_check_empty(sqlite3 *db, const gchar *path, GError **error)
{
	gint64 n_objects = 0;

	if (!arc_sqlite_query_int(db, "SELECT count(*) FROM sqlite_schema", &n_objects, error)) {
		g_prefix_error(error, "cannot read %s: ", path);
		return FALSE;
	}
	if (n_objects > 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
			    "%s is an SQLite database without an Arctic schema version; "
			    "move it away or point the agent at another data directory",
			    path);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_sqlite_schema_get_version:
 * @db: a connection on which nothing has been written yet
 * @path: the database file, for messages
 * @version: (out): the schema version of the database, 0 for a new one
 * @error: return location for a #GError
 *
 * Reads the schema version and refuses what this plugin must not touch: a file that is not
 * an SQLite database, a schema newer than it knows, a foreign database. It writes nothing,
 * so a refused file is left exactly as it was.
 *
 * Returns: %TRUE if the database can be migrated from @version and used
 */
gboolean
arc_sqlite_schema_get_version(sqlite3 *db, const gchar *path, gint64 *version, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (!arc_sqlite_query_int(db, "PRAGMA user_version", version, &error_local)) {
		if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
				    "%s is not an SQLite database; move it away or point the "
				    "agent at another data directory",
				    path);
			return FALSE;
		}
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "cannot read %s: %s", path,
			    error_local->message);
		return FALSE;
	}
	if (*version > ARC_SQLITE_SCHEMA_VERSION) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
			    "%s has schema version %" G_GINT64_FORMAT
			    ", newer than this agent supports (%d); upgrade the agent",
			    path, *version, ARC_SQLITE_SCHEMA_VERSION);
		return FALSE;
	}
	if (*version < 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
			    "%s has an invalid schema version %" G_GINT64_FORMAT, path, *version);
		return FALSE;
	}
	if (*version == 0)
		return arc_sqlite_schema_check_empty(db, path, error);
	return TRUE;
}

static gboolean
arc_sqlite_schema_migrate_step(sqlite3 *db, gint64 to_version, GError **error)
{
	g_autofree gchar *set_version = NULL;

	if (!arc_sqlite_exec(db, "BEGIN IMMEDIATE", error))
		return FALSE;
	/* user_version lives in the database header, so it commits or rolls back with the
	 * migration it describes */
	set_version = g_strdup_printf("PRAGMA user_version = %" G_GINT64_FORMAT, to_version);
	if (!arc_sqlite_migrations[to_version - 1](db, error) ||
	    !arc_sqlite_exec(db, set_version, error) || !arc_sqlite_exec(db, "COMMIT", error)) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_sqlite_schema_migrate:
 * @db: an open connection
 * @from_version: the version arc_sqlite_schema_get_version() returned
 * @error: return location for a #GError
 *
 * Brings the database to %ARC_SQLITE_SCHEMA_VERSION, one transaction per migration, so that
 * an interrupted upgrade resumes from the last version it completed.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_sqlite_schema_migrate(sqlite3 *db, gint64 from_version, GError **error)
{
	for (gint64 v = from_version + 1; v <= ARC_SQLITE_SCHEMA_VERSION; v++) {
		if (!arc_sqlite_schema_migrate_step(db, v, error)) {
			g_prefix_error(
				error,
				"migration to schema version %" G_GINT64_FORMAT " failed: ", v);
			return FALSE;
		}
	}
	return TRUE;
}
