/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the tunnel says of each of its peers, for operators (docs/dataplane.md,
 * "Troubleshooting the tunnel"): the data plane reads it from its tunnel plugin, the engine hands
 * it to the REST and D-Bus adapters and to /metrics through a function the agent installs, so that
 * neither side knows the other. */

/**
 * ArcTunnelPeerStatus:
 * @peer_id: the member the tunnel peer stands for
 * @endpoint: (nullable): where its packets last came from or go to, `host:port`; %NULL while
 *   none is known
 * @last_handshake: the latest completed handshake, Unix seconds; 0 for none yet
 * @rx_bytes: bytes received from the peer
 * @tx_bytes: bytes sent to the peer
 *
 * Counters start at 0 when the peer enters the tunnel (the agent starts, the peer joins or
 * changes its key).
 */
typedef struct {
	gchar *peer_id;
	gchar *endpoint;
	gint64 last_handshake;
	guint64 rx_bytes;
	guint64 tx_bytes;
} ArcTunnelPeerStatus;

/**
 * ArcTunnelStatusFunc:
 * @user_data: what the function was installed with
 *
 * Reads the tunnel's peers now, on the main thread, cheaply (the plugin copies counters).
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus) (nullable): one entry per peer
 *   in the tunnel, or %NULL when no tunnel runs
 */
typedef GPtrArray *(*ArcTunnelStatusFunc)(gpointer user_data);

/* longest endpoint kept: `[IPv6%scope]:port` fits well within it */
#define ARC_TUNNEL_STATUS_ENDPOINT_MAX 96

void arc_tunnel_peer_status_free(ArcTunnelPeerStatus *self);
GPtrArray *arc_tunnel_peer_status_list_new(void);
const ArcTunnelPeerStatus *arc_tunnel_peer_status_find(GPtrArray *list, const gchar *peer_id);
GPtrArray *arc_tunnel_peer_status_parse(GVariant *stats, GHashTable *peer_ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTunnelPeerStatus, arc_tunnel_peer_status_free)

G_END_DECLS
