/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "arc-rest-tunnel-status.h"

#include "arc-rest-request.h"

/* @value, or null without @status */
static void
arc_rest_tunnel_status_add_counter(JsonBuilder *b, const gchar *name,
				   const ArcTunnelPeerStatus *status, guint64 value)
{
	json_builder_set_member_name(b, name);
	if (status == NULL)
		json_builder_add_null_value(b);
	else /* JSON integers are signed 64-bit here; no tunnel carries 8 EiB */
		json_builder_add_int_value(b, (gint64)MIN(value, (guint64)G_MAXINT64));
}

/**
 * arc_rest_tunnel_status_add:
 * @b: a builder inside an object
 * @name: the member to add
 * @list: (nullable) (element-type ArcTunnelPeerStatus): what arc_engine_get_tunnel_status()
 *   returned; %NULL when this agent has no tunnel
 * @peer_id: the remote peer
 * @now: Unix seconds, for the handshake's age
 *
 * Adds the tunnel's state of @peer_id (docs/dataplane.md, "Troubleshooting the tunnel"): %NULL
 * without a tunnel, so that a disabled data plane never reads as a dead tunnel; `in_tunnel` false
 * and every other member null when this agent's tunnel does not hold the peer.
 */
void
arc_rest_tunnel_status_add(JsonBuilder *b, const gchar *name, GPtrArray *list, const gchar *peer_id,
			   gint64 now)
{
	const ArcTunnelPeerStatus *status = arc_tunnel_peer_status_find(list, peer_id);

	json_builder_set_member_name(b, name);
	if (list == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "in_tunnel");
	json_builder_add_boolean_value(b, status != NULL);
	arc_rest_builder_add_string(b, "endpoint", status != NULL ? status->endpoint : NULL);
	arc_rest_builder_add_time(b, "last_handshake", status != NULL ? status->last_handshake : 0);
	json_builder_set_member_name(b, "handshake_age_seconds");
	if (status != NULL && status->last_handshake > 0)
		json_builder_add_int_value(b, MAX(now - status->last_handshake, 0));
	else
		json_builder_add_null_value(b);
	arc_rest_tunnel_status_add_counter(b, "rx_bytes", status,
					   status != NULL ? status->rx_bytes : 0);
	arc_rest_tunnel_status_add_counter(b, "tx_bytes", status,
					   status != NULL ? status->tx_bytes : 0);
	json_builder_end_object(b);
}
