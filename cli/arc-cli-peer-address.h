/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar *arc_cli_peer_address_parse(const gchar *text, GError **error);
gchar *arc_cli_peer_address_to_url(const gchar *address);

G_END_DECLS
