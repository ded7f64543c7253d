/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arctic-plugin.h"

G_BEGIN_DECLS

#define ARC_TYPE_TEMPEST_PLUGIN (arc_tempest_plugin_get_type())
G_DECLARE_FINAL_TYPE(ArcTempestPlugin, arc_tempest_plugin, ARC, TEMPEST_PLUGIN, ArcPlugin)

G_END_DECLS
