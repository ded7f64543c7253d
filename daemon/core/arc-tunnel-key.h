/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ARC_TUNNEL_KEY_SIZE 32

#define ARC_TYPE_TUNNEL_KEY (arc_tunnel_key_get_type())
G_DECLARE_FINAL_TYPE(ArcTunnelKey, arc_tunnel_key, ARC, TUNNEL_KEY, GObject)

void arc_tunnel_key_clamp(guint8 key[ARC_TUNNEL_KEY_SIZE]);
ArcTunnelKey *arc_tunnel_key_new(guint8 *private_key);
const guint8 *arc_tunnel_key_get_public_key(ArcTunnelKey *self);
const gchar *arc_tunnel_key_get_public_key_base64(ArcTunnelKey *self);
GBytes *arc_tunnel_key_dup_private_key(ArcTunnelKey *self);
gboolean arc_tunnel_key_parse_public(const gchar *base64, guint8 key[ARC_TUNNEL_KEY_SIZE]);

G_END_DECLS
