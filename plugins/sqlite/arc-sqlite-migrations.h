/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The schema this plugin writes, kept in PRAGMA user_version. Adding a migration bumps it;
 * tests/fixtures/sqlite-schema-vN.sql keeps every older schema to migrate from. */
#define ARC_SQLITE_SCHEMA_VERSION 1

gboolean arc_sqlite_schema_get_version(sqlite3 *db, const gchar *path, gint64 *version,
				       GError **error);
gboolean arc_sqlite_schema_migrate(sqlite3 *db, gint64 from_version, GError **error);

G_END_DECLS
