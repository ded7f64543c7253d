/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean arc_text_is_unsafe_char(gunichar c);
gboolean arc_text_check_label(const gchar *text, const gchar *member, gsize max_bytes,
			      GError **error);

G_END_DECLS
