/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-cidr.h"
#include "arc-tunnel-key.h"

G_BEGIN_DECLS

/* the lowest `tunnel_port` a record may state (docs/protocol.md §6.5) */
#define ARC_PEER_TUNNEL_PORT_MIN 1024

/* The tunnel fields of a `peer` record (docs/protocol.md, "Tunnel addresses"): the member's
 * X25519 key, its tunnel's UDP port, the addresses it claims and when it claimed them. A
 * record without `tunnel_key` is valid: that member has no tunnel yet. */

/**
 * ArcPeerTunnel:
 * @has_key: whether the record states a tunnel key; nothing else counts without one
 * @key: the X25519 public key
 * @port: the UDP port its tunnel listens on
 * @has_v4: whether @v4 is claimed
 * @v4: the IPv4 tunnel address, a full-length prefix
 * @has_v6: whether @v6 is claimed
 * @v6: the IPv6 tunnel address, a full-length prefix
 * @claimed_at: when the addresses were claimed, microseconds since the epoch
 */
typedef struct {
	gboolean has_key;
	guint8 key[ARC_TUNNEL_KEY_SIZE];
	guint16 port;
	gboolean has_v4;
	ArcCidr v4;
	gboolean has_v6;
	ArcCidr v6;
	gint64 claimed_at;
} ArcPeerTunnel;

/**
 * ArcPeerTunnelClaims:
 * @v4: (element-type ArcTunnelClaim): IPv4 claims of other members
 * @v6: (element-type ArcTunnelClaim): IPv6 claims of other members
 *
 * The peer ids the claims point to belong to the records they were read from.
 */
typedef struct {
	GArray *v4;
	GArray *v6;
} ArcPeerTunnelClaims;

gboolean arc_peer_tunnel_read(JsonObject *body, ArcPeerTunnel *out, GError **error);
void arc_peer_tunnel_write(JsonObject *body, const ArcPeerTunnel *tunnel);
gchar *arc_peer_tunnel_address_text(const ArcCidr *address);
void arc_peer_tunnel_claims_init(ArcPeerTunnelClaims *claims);
void arc_peer_tunnel_claims_clear(ArcPeerTunnelClaims *claims);
void arc_peer_tunnel_claims_add(ArcPeerTunnelClaims *claims, const gchar *peer_id,
				const ArcPeerTunnel *tunnel);
gboolean arc_peer_tunnel_claim(const ArcCidr *v4_range, const ArcCidr *v6_range,
			       const gchar *peer_id, const ArcPeerTunnelClaims *others, gint64 now,
			       ArcPeerTunnel *tunnel);
void arc_peer_tunnel_drop_lost_claims(const ArcCidr *v4_range, const ArcCidr *v6_range,
				      const gchar *peer_id, const ArcPeerTunnelClaims *claims,
				      ArcPeerTunnel *tunnel);

G_END_DECLS
