/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-cidr.h"

G_BEGIN_DECLS

/**
 * ArcTunnelClaim:
 * @peer_id: the peer that claims @address
 * @address: a tunnel address (prefix = the family's full length)
 * @claimed_at: when it claimed it, microseconds since the epoch, from its signed record
 *
 * A peer's tunnel address as its peer record publishes it.
 */
typedef struct {
	const gchar *peer_id;
	ArcCidr address;
	gint64 claimed_at;
} ArcTunnelClaim;

gboolean arc_tunnel_address_candidate(const ArcCidr *range, const gchar *peer_id, guint attempt,
				      ArcCidr *out);
gboolean arc_tunnel_address_choose(const ArcCidr *range, const gchar *peer_id, const ArcCidr *taken,
				   guint n_taken, ArcCidr *out);
gboolean arc_tunnel_address_is_candidate(const ArcCidr *range, const gchar *peer_id,
					 const ArcCidr *address);
gboolean arc_tunnel_claim_yields(const ArcCidr *range, const ArcTunnelClaim *mine,
				 const ArcTunnelClaim *other);

G_END_DECLS
