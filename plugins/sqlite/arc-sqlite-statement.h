/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A statement this code owns: going out of scope finalizes it. */
typedef sqlite3_stmt ArcSqliteStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcSqliteStmt, sqlite3_finalize)

/* A cached statement borrowed for one use: going out of scope resets it and clears its
 * bindings, so that no return path leaves it holding a read transaction open or pointing at
 * strings the caller is about to free. */
typedef sqlite3_stmt ArcSqliteStmtLease;
void arc_sqlite_stmt_lease_release(ArcSqliteStmtLease *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcSqliteStmtLease, arc_sqlite_stmt_lease_release)

gboolean arc_sqlite_set_error(sqlite3 *db, GError **error, const gchar *format, ...)
	G_GNUC_PRINTF(3, 4);
gboolean arc_sqlite_exec(sqlite3 *db, const gchar *sql, GError **error);
gboolean arc_sqlite_step_done(sqlite3_stmt *stmt, GError **error);
gboolean arc_sqlite_step_row(sqlite3_stmt *stmt, gboolean *has_row, GError **error);
gboolean arc_sqlite_query_int(sqlite3 *db, const gchar *sql, gint64 *value, GError **error);
gchar *arc_sqlite_query_text(sqlite3 *db, const gchar *sql, GError **error);
gboolean arc_sqlite_bind_text(sqlite3_stmt *stmt, gint idx, const gchar *text, GError **error);

G_END_DECLS
