/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

G_BEGIN_DECLS

gboolean arc_plugin_note_find(const guint8 *data, gsize size, ArcPluginNoteDesc *desc);
gboolean arc_plugin_note_read_file(const gchar *path, ArcPluginNoteDesc *desc);

G_END_DECLS
