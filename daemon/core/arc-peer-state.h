/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The states of a peer the daemon keeps as enums: what gossip observes of it (its
 * reachability) and what its record says (its membership). The strings are those of the
 * records, the REST and D-Bus answers and the metric labels. */

/**
 * ArcGossipState:
 * @ARC_GOSSIP_STATE_ALIVE: it answered lately
 * @ARC_GOSSIP_STATE_SUSPECT: it stopped answering, others are asked
 * @ARC_GOSSIP_STATE_UNREACHABLE: nobody reaches it
 *
 * A peer's reachability as this agent's gossip observes it (`reachability`).
 */
typedef enum {
	ARC_GOSSIP_STATE_ALIVE,
	ARC_GOSSIP_STATE_SUSPECT,
	ARC_GOSSIP_STATE_UNREACHABLE,
	ARC_GOSSIP_STATE_LAST /*< skip >*/
} ArcGossipState;

const gchar *arc_gossip_state_to_string(ArcGossipState state);
gboolean arc_gossip_state_from_string(const gchar *str, ArcGossipState *state);

/**
 * ArcPeerState:
 * @ARC_PEER_STATE_ACTIVE: a member (a record without a state is one)
 * @ARC_PEER_STATE_DEACTIVATED: it left the cluster
 * @ARC_PEER_STATE_OVER_LIMIT: active, but beyond the license's `max_nodes`; never stored
 *
 * A peer's membership (`state` of a peer).
 */
typedef enum {
	ARC_PEER_STATE_ACTIVE,
	ARC_PEER_STATE_DEACTIVATED,
	ARC_PEER_STATE_OVER_LIMIT,
	ARC_PEER_STATE_LAST /*< skip >*/
} ArcPeerState;

const gchar *arc_peer_state_to_string(ArcPeerState state);
gboolean arc_peer_state_from_string(const gchar *str, ArcPeerState *state);
ArcPeerState arc_peer_state_from_record(const gchar *str);

G_END_DECLS
