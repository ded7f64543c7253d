/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-sqlite-statement.h"

#include <arctic-plugin.h>

void
arc_sqlite_stmt_lease_release(ArcSqliteStmtLease *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/**
 * arc_sqlite_set_error:
 * @db: the connection whose last call failed
 * @error: return location for a #GError
 * @format: what was being done
 *
 * Sets an %ARC_ERROR_STORAGE error made of @format and SQLite's own message. Call it before
 * anything else runs on @db (a ROLLBACK would replace the message).
 *
 * Returns: %FALSE, so that callers can return it
 */
gboolean
arc_sqlite_set_error(sqlite3 *db, GError **error, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *what = NULL;

	va_start(args, format);
	what = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s: %s", what, sqlite3_errmsg(db));
	return FALSE;
}

/* Runs SQL that returns no rows, such as DDL in a migration. */
gboolean
arc_sqlite_exec(sqlite3 *db, const gchar *sql, GError **error)
{
	g_autofree gchar *msg = NULL;
	gchar *errmsg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &errmsg) != SQLITE_OK) {
		/* sqlite3_exec() can fail before it allocates a message (out of memory) */
		msg = g_strdup(errmsg != NULL ? errmsg : sqlite3_errmsg(db));
		sqlite3_free(errmsg);
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s", msg);
		return FALSE;
	}
	return TRUE;
}

/* Steps a statement that must complete without returning a row. */
gboolean
arc_sqlite_step_done(sqlite3_stmt *stmt, GError **error)
{
	gint rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "unexpected row from: %s",
			    sqlite3_sql(stmt));
		return FALSE;
	}
	if (rc != SQLITE_DONE) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s",
			    sqlite3_errmsg(sqlite3_db_handle(stmt)));
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_sqlite_step_row:
 * @stmt: a query
 * @has_row: (out): whether a row is ready to read
 * @error: return location for a #GError
 *
 * Steps a query that may return rows.
 *
 * Returns: %FALSE with @error set when the step failed
 */
gboolean
arc_sqlite_step_row(sqlite3_stmt *stmt, gboolean *has_row, GError **error)
{
	gint rc = sqlite3_step(stmt);

	*has_row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s",
			    sqlite3_errmsg(sqlite3_db_handle(stmt)));
		return FALSE;
	}
	return TRUE;
}

static sqlite3_stmt *
arc_sqlite_query_row(sqlite3 *db, const gchar *sql, GError **error)
{
	g_autoptr(ArcSqliteStmt) stmt = NULL;
	gint rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		arc_sqlite_set_error(db, error, "cannot prepare %s", sql);
		return NULL;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE, "%s: %s", sql,
			    rc == SQLITE_DONE ? "no result" : sqlite3_errmsg(db));
		return NULL;
	}
	return g_steal_pointer(&stmt);
}

/* Runs a query whose first column of its first row is an integer, such as a pragma. */
gboolean
arc_sqlite_query_int(sqlite3 *db, const gchar *sql, gint64 *value, GError **error)
{
	g_autoptr(ArcSqliteStmt) stmt = arc_sqlite_query_row(db, sql, error);

	if (stmt == NULL)
		return FALSE;
	*value = sqlite3_column_int64(stmt, 0);
	return TRUE;
}

/* Like arc_sqlite_query_int() for a text result; a NULL value gives an empty string. */
gchar *
arc_sqlite_query_text(sqlite3 *db, const gchar *sql, GError **error)
{
	g_autoptr(ArcSqliteStmt) stmt = arc_sqlite_query_row(db, sql, error);
	const gchar *text;

	if (stmt == NULL)
		return NULL;
	text = (const gchar *)sqlite3_column_text(stmt, 0);
	return g_strdup(text != NULL ? text : "");
}

/* Binds @text (or SQL NULL) without copying: the caller keeps it alive until the statement
 * is reset, which an #ArcSqliteStmtLease does at the end of the same scope. */
gboolean
arc_sqlite_bind_text(sqlite3_stmt *stmt, gint idx, const gchar *text, GError **error)
{
	/* only a value larger than SQLITE_MAX_LENGTH can fail here; storing NULL instead
	 * would lose data without a word */
	if (sqlite3_bind_text(stmt, idx, text, -1, SQLITE_STATIC) != SQLITE_OK)
		return arc_sqlite_set_error(sqlite3_db_handle(stmt), error,
					    "cannot bind parameter %d", idx);
	return TRUE;
}
