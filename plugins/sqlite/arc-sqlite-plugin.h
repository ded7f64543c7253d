/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

G_BEGIN_DECLS

#define ARC_TYPE_SQLITE_PLUGIN (arc_sqlite_plugin_get_type())
G_DECLARE_FINAL_TYPE(ArcSqlitePlugin, arc_sqlite_plugin, ARC, SQLITE_PLUGIN, ArcPlugin)

/* The file the plugin keeps under the agent's data directory. */
#define ARC_SQLITE_DB_FILENAME "arctic.db"

G_END_DECLS
