/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-peer-state.h"

static const gchar *const arc_gossip_state_names[] = {
	[ARC_GOSSIP_STATE_ALIVE] = "alive",
	[ARC_GOSSIP_STATE_SUSPECT] = "suspect",
	[ARC_GOSSIP_STATE_UNREACHABLE] = "unreachable",
};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_gossip_state_names) == ARC_GOSSIP_STATE_LAST);

static const gchar *const arc_peer_state_names[] = {
	[ARC_PEER_STATE_ACTIVE] = "active",
	[ARC_PEER_STATE_DEACTIVATED] = "deactivated",
	[ARC_PEER_STATE_OVER_LIMIT] = "over_limit",
};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_peer_state_names) == ARC_PEER_STATE_LAST);

/* the index of @str in @names, or -1 */
static gint
arc_peer_state_lookup(const gchar *const *names, guint n, const gchar *str)
{
	for (guint i = 0; str != NULL && i < n; i++) {
		if (g_strcmp0(names[i], str) == 0)
			return (gint)i;
	}
	return -1;
}

/**
 * arc_gossip_state_to_string:
 * @state: a reachability
 *
 * Returns: `alive`, `suspect` or `unreachable`; `unknown` for a value out of range
 */
const gchar *
arc_gossip_state_to_string(ArcGossipState state)
{
	if ((guint)state >= ARC_GOSSIP_STATE_LAST)
		return "unknown";
	return arc_gossip_state_names[state];
}

/**
 * arc_gossip_state_from_string:
 * @str: (nullable): a reachability as the API writes it
 * @state: (out): the state
 *
 * Returns: %TRUE if @str is one of the strings arc_gossip_state_to_string() gives
 */
gboolean
arc_gossip_state_from_string(const gchar *str, ArcGossipState *state)
{
	gint i = arc_peer_state_lookup(arc_gossip_state_names, ARC_GOSSIP_STATE_LAST, str);

	if (i < 0)
		return FALSE;
	*state = (ArcGossipState)i;
	return TRUE;
}

/**
 * arc_peer_state_to_string:
 * @state: a membership
 *
 * Returns: `active`, `deactivated` or `over_limit`; `unknown` for a value out of range
 */
const gchar *
arc_peer_state_to_string(ArcPeerState state)
{
	if ((guint)state >= ARC_PEER_STATE_LAST)
		return "unknown";
	return arc_peer_state_names[state];
}

/**
 * arc_peer_state_from_string:
 * @str: (nullable): a peer's `state` as a record or the API writes it
 * @state: (out): the state
 *
 * Returns: %TRUE if @str is one of the strings arc_peer_state_to_string() gives
 */
gboolean
arc_peer_state_from_string(const gchar *str, ArcPeerState *state)
{
	gint i = arc_peer_state_lookup(arc_peer_state_names, ARC_PEER_STATE_LAST, str);

	if (i < 0)
		return FALSE;
	*state = (ArcPeerState)i;
	return TRUE;
}

/**
 * arc_peer_state_from_record:
 * @str: (nullable): the `state` a peer record's body states
 *
 * A record without a state is a member's (records older than the field); a state this
 * agent does not know is no membership, so such a peer counts as neither member nor
 * active peer.
 *
 * Returns: the membership @str means
 */
ArcPeerState
arc_peer_state_from_record(const gchar *str)
{
	ArcPeerState state;

	if (str == NULL)
		return ARC_PEER_STATE_ACTIVE;
	if (!arc_peer_state_from_string(str, &state))
		return ARC_PEER_STATE_DEACTIVATED;
	return state;
}
