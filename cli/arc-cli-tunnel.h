/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A handshake older than this means the session keys have expired (WireGuard's
 * REJECT_AFTER_TIME): the tunnel is idle and handshakes again at the next packet. */
#define ARC_CLI_TUNNEL_SESSION_SECONDS 180

gchar *arc_cli_tunnel_summary(JsonObject *holder, const gchar *member, gboolean with_endpoint);

G_END_DECLS
