/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-peer-state.h"

G_BEGIN_DECLS

/* Anti-entropy, pushes and failure detection between the agents of a cluster
 * (docs/protocol.md §6.3, §6.4), over the API port. The rules for what is stored are the
 * engine's (arc-engine-records.c). */

#define ARC_TYPE_GOSSIP (arc_gossip_get_type())
G_DECLARE_FINAL_TYPE(ArcGossip, arc_gossip, ARC, GOSSIP, GObject)

ArcGossip *arc_gossip_new(ArcEngine *engine);
void arc_gossip_start(ArcGossip *self);
void arc_gossip_stop(ArcGossip *self);
void arc_gossip_push(ArcGossip *self, GPtrArray *records, const gchar *exclude);
void arc_gossip_tell(ArcGossip *self, const gchar *peer_id, const gchar *address, const guint8 *key,
		     GPtrArray *records);
guint arc_gossip_sync_all(ArcGossip *self);
gchar *arc_gossip_receive(ArcGossip *self, const gchar *type, const gchar *data, gsize len,
			  GError **error);
void arc_gossip_probe_async(ArcGossip *self, const gchar *data, gsize len,
			    GAsyncReadyCallback callback, gpointer user_data);
gchar *arc_gossip_probe_finish(ArcGossip *self, GAsyncResult *res, GError **error);
gboolean arc_gossip_get_peer(ArcGossip *self, const gchar *peer_id, ArcGossipState *state,
			     gint64 *last_seen, const gchar **registry_hash);
gboolean arc_gossip_is_candidate(ArcGossip *self, const gchar *peer_id);
guint arc_gossip_count_state(ArcGossip *self, ArcGossipState state);

G_END_DECLS
