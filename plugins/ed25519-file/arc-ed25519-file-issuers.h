/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_ED25519_FILE_KEY_FILE_MAX_SIZE 4096

gchar *arc_ed25519_file_issuers_parse_key(const gchar *text, gsize length, GError **error);
gboolean arc_ed25519_file_issuers_decode_key(const gchar *key_b64, guint8 *key_out);
gchar *arc_ed25519_file_issuers_load_file(const gchar *path, gboolean check_owner, GError **error);
void arc_ed25519_file_issuers_add_builtin(GPtrArray *keys, const gchar *list);
void arc_ed25519_file_issuers_scan_dir(GPtrArray *keys, const gchar *dir);

G_END_DECLS
