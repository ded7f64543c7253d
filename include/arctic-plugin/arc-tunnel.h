/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ArcTunnelSettings:
 * @struct_size: `sizeof(ArcTunnelSettings)` as the caller was compiled; set by
 *   arc_tunnel_settings_init()
 * @ifname: the interface to create, e.g. `arctic0`
 * @listen_port: the UDP port the tunnel listens on (51840 by default), 0 for any free port
 * @private_key: this peer's tunnel private key, X25519, 32 bytes. The agent keeps it in secure
 *   memory; the plugin copies it into its own (sodium_malloc) and never logs it.
 * @mtu: the interface MTU, 0 for the plugin's default
 * @fwmark: the firewall mark of the tunnel's own UDP packets, 0 for none
 *
 * What arc_tunnel_start() needs. Every field is borrowed for the duration of the call.
 * New fields are only ever appended (a minor bump): read them with ARC_STRUCT_HAS_FIELD().
 */
typedef struct {
	gsize struct_size;
	const gchar *ifname;
	guint16 listen_port;
	GBytes *private_key;
	guint32 mtu;
	guint32 fwmark;
} ArcTunnelSettings;

/**
 * ArcTunnelPeer:
 * @struct_size: `sizeof(ArcTunnelPeer)` as the caller was compiled; set by
 *   arc_tunnel_peer_init()
 * @peer_id: the peer's id (`peer_…`), for logs and statistics
 * @public_key: the peer's tunnel public key, X25519, 32 bytes
 * @endpoint: where the peer's tunnel listens, `host:port`, or %NULL while unknown
 * @allowed_ips: %NULL-terminated CIDRs routed to this peer
 * @keepalive: persistent keepalive interval in seconds, 0 for none
 * @ifname: (nullable): the peer's own TUN device (ABI 2.1): everything routed into it goes to
 *   this peer, whatever its destination; %NULL to reach the peer through the interface of
 *   #ArcTunnelSettings by its allowed IPs. Read it after `ARC_STRUCT_HAS_FIELD()`.
 *
 * One peer of the tunnel. Every field is borrowed for the duration of the call; new fields
 * are only ever appended, as for #ArcTunnelSettings.
 */
typedef struct {
	gsize struct_size;
	const gchar *peer_id;
	GBytes *public_key;
	const gchar *endpoint;
	const gchar *const *allowed_ips;
	guint keepalive;
	const gchar *ifname;
} ArcTunnelPeer;

#define ARC_TYPE_TUNNEL (arc_tunnel_get_type())
G_DECLARE_INTERFACE(ArcTunnel, arc_tunnel, ARC, TUNNEL, GObject)

/**
 * ArcTunnelInterface:
 * @start: create the interface and start the tunnel's I/O threads with @settings
 * @stop: stop the I/O threads (joined before it returns) and remove the interface
 * @set_peer: add a peer, or replace the one with the same public key
 * @remove_peer: forget the peer with @public_key (32 bytes)
 * @get_stats: counters as an `a{sv}` variant (floating)
 *
 * The encrypted IP tunnel that carries non-TCP traffic between peers (tempest: WireGuard in
 * userspace over a TUN device).
 *
 * Threads: the agent calls every vfunc from its main thread, one at a time, and none may
 * block it for more than a few milliseconds. Packets never touch the main thread: the plugin
 * runs its own I/O threads between start() and stop(), and set_peer()/remove_peer() change
 * what those threads see without stopping them (swap in a new peer table). get_stats() reads
 * counters the I/O threads update, without locking them out for long.
 */
struct _ArcTunnelInterface {
	GTypeInterface parent_iface;
	gboolean (*start)(ArcTunnel *self, const ArcTunnelSettings *settings, GError **error);
	void (*stop)(ArcTunnel *self);
	gboolean (*set_peer)(ArcTunnel *self, const ArcTunnelPeer *peer, GError **error);
	gboolean (*remove_peer)(ArcTunnel *self, GBytes *public_key, GError **error);
	GVariant *(*get_stats)(ArcTunnel *self);
};

void arc_tunnel_settings_init(ArcTunnelSettings *settings);
void arc_tunnel_peer_init(ArcTunnelPeer *peer);
gboolean arc_tunnel_start(ArcTunnel *self, const ArcTunnelSettings *settings, GError **error);
void arc_tunnel_stop(ArcTunnel *self);
gboolean arc_tunnel_set_peer(ArcTunnel *self, const ArcTunnelPeer *peer, GError **error);
gboolean arc_tunnel_remove_peer(ArcTunnel *self, GBytes *public_key, GError **error);
GVariant *arc_tunnel_get_stats(ArcTunnel *self);

G_END_DECLS
