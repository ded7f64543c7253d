/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-gossip.h"

G_BEGIN_DECLS

/* Failure detection (docs/protocol.md §6.3): what this agent observes of each other member,
 * and the bookkeeping of the rounds towards it. A member starts alive; one that answered no
 * round and that no other member reached either turns suspect once nothing was heard from it
 * for suspect_after, and unreachable after unreachable_after; any signed message makes it
 * alive again. Times are monotonic, in microseconds, given by the caller. */

#define ARC_TYPE_GOSSIP_HEALTH (arc_gossip_health_get_type())
G_DECLARE_FINAL_TYPE(ArcGossipHealth, arc_gossip_health, ARC, GOSSIP_HEALTH, GObject)

ArcGossipHealth *arc_gossip_health_new(const gchar *own_id, guint suspect_after_ms,
				       guint unreachable_after_ms);
void arc_gossip_health_track(ArcGossipHealth *self, GPtrArray *members, gint64 now);
gboolean arc_gossip_health_contains(ArcGossipHealth *self, const gchar *peer_id);
GPtrArray *arc_gossip_health_list(ArcGossipHealth *self);
void arc_gossip_health_heard(ArcGossipHealth *self, const gchar *peer_id,
			     const gchar *registry_hash, gint64 now);
gboolean arc_gossip_health_is_alive(ArcGossipHealth *self, const gchar *peer_id);
gboolean arc_gossip_health_begin_round(ArcGossipHealth *self, const gchar *peer_id, gint64 now);
gboolean arc_gossip_health_in_round(ArcGossipHealth *self, const gchar *peer_id);
void arc_gossip_health_end_round(ArcGossipHealth *self, const gchar *peer_id);
gboolean arc_gossip_health_begin_probe(ArcGossipHealth *self, const gchar *peer_id);
void arc_gossip_health_end_probe(ArcGossipHealth *self, const gchar *peer_id, gboolean reached,
				 gint64 now);
const gchar *arc_gossip_health_check(ArcGossipHealth *self, gint64 now);
const gchar *arc_gossip_health_next(ArcGossipHealth *self);
void arc_gossip_health_log_failure(ArcGossipHealth *self, const gchar *peer_id, const gchar *what,
				   gint64 now);
gboolean arc_gossip_health_get_peer(ArcGossipHealth *self, const gchar *peer_id,
				    ArcGossipState *state, gint64 *last_seen,
				    const gchar **registry_hash);
guint arc_gossip_health_count_state(ArcGossipHealth *self, ArcGossipState state);

G_END_DECLS
