/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "arc-tunnel-status.h"

G_BEGIN_DECLS

void arc_rest_tunnel_status_add(JsonBuilder *b, const gchar *name, GPtrArray *list,
				const gchar *peer_id, gint64 now);

G_END_DECLS
