/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar *arc_base64url_encode(const guint8 *data, gsize len);
guint8 *arc_base64url_decode(const gchar *text, gssize text_len, gsize *out_len);

guint8 *arc_base64_decode_strict(const gchar *text, gssize text_len, gsize *out_len);

G_END_DECLS
