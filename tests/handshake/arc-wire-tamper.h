/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What an attacker on the path does to a handshake message: change one member, named by a
 * dotted path such as "peer.license.max_nodes", and pass the rest on unchanged. Each function
 * returns the altered message; the member must exist. */

gchar *arc_wire_tamper_get_string(const gchar *json, const gchar *path);
gchar *arc_wire_tamper_set_string(const gchar *json, const gchar *path, const gchar *value);
gchar *arc_wire_tamper_set_int(const gchar *json, const gchar *path, gint64 value);
gchar *arc_wire_tamper_set_json(const gchar *json, const gchar *path, const gchar *value);
gchar *arc_wire_tamper_flip_bit(const gchar *json, const gchar *path);
gchar *arc_wire_tamper_flip_char(const gchar *json, const gchar *path);

G_END_DECLS
