/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled only into the sqlite.so module: the descriptor is its one exported symbol.
 */
#include "config.h"

#include <gmodule.h>

#include "arc-sqlite-plugin.h"

ARC_PLUGIN_DEFINE("sqlite", ARC_PLUGIN_KIND_STORAGE, PACKAGE_VERSION, arc_sqlite_plugin_get_type)
