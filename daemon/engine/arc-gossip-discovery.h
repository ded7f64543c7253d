/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-gossip.h"

G_BEGIN_DECLS

/* Transitive discovery (docs/protocol.md §6.4): the peers other members know and this agent
 * does not, and the handshakes that meet them. */

#define ARC_TYPE_GOSSIP_DISCOVERY (arc_gossip_discovery_get_type())
G_DECLARE_FINAL_TYPE(ArcGossipDiscovery, arc_gossip_discovery, ARC, GOSSIP_DISCOVERY, GObject)

ArcGossipDiscovery *arc_gossip_discovery_new(const gchar *own_id, guint interval_ms,
					     const ArcGossipHost *host, gpointer host_data);
void arc_gossip_discovery_meet(ArcGossipDiscovery *self, GPtrArray *candidates, gint64 now,
			       GCancellable *cancellable);
void arc_gossip_discovery_met(ArcGossipDiscovery *self, const gchar *peer_id);
gboolean arc_gossip_discovery_contains(ArcGossipDiscovery *self, const gchar *peer_id);

G_END_DECLS
