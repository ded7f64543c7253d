/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean arc_dbus_string_options(GVariant *options, const gchar *const *names, gchar ***values,
				 GError **error);

G_END_DECLS
