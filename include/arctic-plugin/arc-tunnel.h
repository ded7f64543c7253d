/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ArcTunnelPeer:
 * @public_key: the peer's tunnel public key (X25519, base64)
 * @endpoint: where the peer's tunnel listens, `host:port`
 * @allowed_ips: %NULL-terminated CIDRs routed to this peer
 * @keepalive: persistent keepalive interval in seconds, 0 for none
 */
typedef struct {
	gchar *public_key;
	gchar *endpoint;
	gchar **allowed_ips;
	guint keepalive;
} ArcTunnelPeer;

#define ARC_TYPE_TUNNEL (arc_tunnel_get_type())
G_DECLARE_INTERFACE(ArcTunnel, arc_tunnel, ARC, TUNNEL, GObject)

/**
 * ArcTunnelInterface:
 * @start: create interface @ifname and listen on UDP @listen_port with @private_key (32 bytes)
 * @stop: tear the tunnel down
 * @set_peer: add a peer or replace the one with the same public key
 * @remove_peer: forget a peer
 * @get_stats: counters as an `a{sv}` variant (floating)
 *
 * The encrypted IP tunnel that carries non-TCP traffic between peers.
 */
struct _ArcTunnelInterface {
	GTypeInterface parent_iface;
	gboolean (*start)(ArcTunnel *self, const gchar *ifname, guint16 listen_port,
			  GBytes *private_key, GError **error);
	void (*stop)(ArcTunnel *self);
	gboolean (*set_peer)(ArcTunnel *self, const ArcTunnelPeer *peer, GError **error);
	gboolean (*remove_peer)(ArcTunnel *self, const gchar *public_key, GError **error);
	GVariant *(*get_stats)(ArcTunnel *self);
};

gboolean arc_tunnel_start(ArcTunnel *self, const gchar *ifname, guint16 listen_port,
			  GBytes *private_key, GError **error);
void arc_tunnel_stop(ArcTunnel *self);
gboolean arc_tunnel_set_peer(ArcTunnel *self, const ArcTunnelPeer *peer, GError **error);
gboolean arc_tunnel_remove_peer(ArcTunnel *self, const gchar *public_key, GError **error);
GVariant *arc_tunnel_get_stats(ArcTunnel *self);

G_END_DECLS
