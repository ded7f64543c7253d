/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arc-error.h>

G_BEGIN_DECLS

const gchar *arc_error_to_code(ArcError code);
gboolean arc_error_from_code(const gchar *code_str, ArcError *code);
guint arc_error_http_status(ArcError code);
const gchar *arc_error_dbus_name(ArcError code);
void arc_error_register_dbus_domain(void);

G_END_DECLS
