/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arctic-plugin.h"

G_BEGIN_DECLS

#define ARC_TYPE_TCP_PLUGIN (arc_tcp_plugin_get_type())
G_DECLARE_FINAL_TYPE(ArcTcpPlugin, arc_tcp_plugin, ARC, TCP_PLUGIN, ArcPlugin)

G_END_DECLS
