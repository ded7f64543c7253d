/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arctic-plugin.h"

G_BEGIN_DECLS

#define ARC_ED25519_FILE_PLUGIN_GROUP "plugin:ed25519-file"

#define ARC_TYPE_ED25519_FILE_PLUGIN (arc_ed25519_file_plugin_get_type())
G_DECLARE_FINAL_TYPE(ArcEd25519FilePlugin, arc_ed25519_file_plugin, ARC, ED25519_FILE_PLUGIN,
		     ArcPlugin)

const gchar *arc_ed25519_file_plugin_get_issuers_dir(ArcEd25519FilePlugin *self);

G_END_DECLS
