/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>

#include "arc-ed25519-file-plugin.h"

/* compiled only into ed25519-file.so: its one exported symbol */
ARC_PLUGIN_DEFINE("ed25519-file", ARC_PLUGIN_KIND_LICENSE, PACKAGE_VERSION,
		  arc_ed25519_file_plugin_get_type)
