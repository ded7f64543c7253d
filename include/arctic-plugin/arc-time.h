/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar *arc_time_format_rfc3339(gint64 unix_secs);
gint64 arc_time_parse_rfc3339(const gchar *text);

G_END_DECLS
