/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_ULID_LENGTH 26

gchar *arc_id_new(const gchar *prefix);
gchar *arc_id_new_at(const gchar *prefix, gint64 unix_ms);
gboolean arc_id_is_valid(const gchar *id, const gchar *prefix);

G_END_DECLS
