/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>

#include "arc-kcp-plugin.h"

/* compiled only into kcp.so: its one exported symbol */
ARC_PLUGIN_DEFINE("kcp", ARC_PLUGIN_KIND_TRANSPORT, PACKAGE_VERSION, arc_kcp_plugin_get_type)
