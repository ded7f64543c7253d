/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-identity.h"
#include "arc-tunnel-key.h"

G_BEGIN_DECLS

/* the agent's secret key files (peer.key, tunnel.key): the base64 of a 32-byte secret on one
 * line, mode 0600, owned by the agent's user. The keys themselves are core's (ArcIdentity,
 * ArcTunnelKey, no I/O); reading and creating their files is here. */
#define ARC_KEY_FILE_SECRET_SIZE 32

gboolean arc_key_file_read(const gchar *path, const gchar *what, const gchar *not_a_key,
			   guint8 secret[ARC_KEY_FILE_SECRET_SIZE], GError **error);
gboolean arc_key_file_write(const gchar *path, const guint8 secret[ARC_KEY_FILE_SECRET_SIZE],
			    GError **error);

ArcIdentity *arc_identity_load(const gchar *path, GError **error);
ArcIdentity *arc_identity_load_or_create(const gchar *path, GError **error);
ArcTunnelKey *arc_tunnel_key_load_or_create(const gchar *path, GError **error);

G_END_DECLS
