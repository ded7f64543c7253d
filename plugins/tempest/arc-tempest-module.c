/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>

#include "arc-tempest-plugin.h"

/* compiled only into tempest.so: its one exported symbol */
ARC_PLUGIN_DEFINE("tempest", ARC_PLUGIN_KIND_TUNNEL, PACKAGE_VERSION, arc_tempest_plugin_get_type)
