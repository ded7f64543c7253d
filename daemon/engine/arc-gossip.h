/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-config.h"
#include "arc-identity.h"
#include "arc-node.h"
#include "arc-registry.h"
#include "arc-peer-state.h"

G_BEGIN_DECLS

/* Anti-entropy, pushes and failure detection between the agents of a cluster
 * (docs/protocol.md §6.3, §6.4), over the API port. What is stored, and the rules for it, are
 * the registry's (arc-registry.h); what gossip needs of the agent beyond them comes through
 * ArcGossipHost. */

#define ARC_TYPE_GOSSIP (arc_gossip_get_type())
G_DECLARE_FINAL_TYPE(ArcGossip, arc_gossip, ARC, GOSSIP, GObject)

/**
 * ArcGossipHost:
 * @is_deactivated: whether this agent left the cluster (it then neither sends nor takes)
 * @offer_cluster_id: another member states @cluster_id (docs/protocol.md §6.4)
 * @tell_removed: a removed peer knocked: tell it that it is out
 * @meet_async: run the handshake with a peer learned of through the cluster
 * @meet_finish: its result: the peer met, or an error
 *
 * The upcalls of gossip into the agent it runs in; what it needs to know of this agent is the
 * #ArcNode's, and it replicates the registry through the peer client. Every
 * function gets the host data given to arc_gossip_new().
 */
typedef struct {
	gboolean (*is_deactivated)(gpointer host);
	void (*offer_cluster_id)(gpointer host, const gchar *cluster_id, const gchar *from);
	void (*tell_removed)(gpointer host, const gchar *peer_id);
	void (*meet_async)(gpointer host, const gchar *address, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data);
	gboolean (*meet_finish)(gpointer host, GAsyncResult *res, gchar **peer_id, gchar **address,
				GError **error);
} ArcGossipHost;

ArcGossip *arc_gossip_new(ArcNode *node, ArcRegistry *registry, const ArcGossipHost *host,
			  gpointer host_data);
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
