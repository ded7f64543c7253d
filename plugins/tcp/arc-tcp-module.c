/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>

#include "arc-tcp-plugin.h"

/* compiled only into tcp.so: its one exported symbol */
ARC_PLUGIN_DEFINE("tcp", ARC_PLUGIN_KIND_TRANSPORT, PACKAGE_VERSION, arc_tcp_plugin_get_type)
