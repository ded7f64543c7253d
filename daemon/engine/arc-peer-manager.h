/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-auth-manager.h"
#include "arc-engine.h"
#include "arc-gossip.h"
#include "arc-node.h"
#include "arc-peer-tunnel.h"
#include "arc-registry.h"

G_BEGIN_DECLS

/* The peers of the cluster as this agent shows them: the replicated `peer`, `peer_alias` and
 * `revoked_peer` records (docs/protocol.md §5, §6), and what changes them without another
 * agent: rename, delete, revocation and readmission staging, a removal of this agent sent by
 * a member, and whether this agent left the cluster. */

typedef struct _ArcPeerManager ArcPeerManager;

/**
 * ArcPeerManagerHost:
 * @peer_changed: a peer was added, changed or removed
 * @offer_cluster_id: a member's record states @cluster_id (docs/protocol.md §6.4)
 * @get_gossip: (nullable): gossip, once it runs
 *
 * The upcalls of the peer manager into the agent it runs in; what it needs to know of this
 * agent (peer id, name, clock) is the #ArcNode's, and commits go to the registry. Every function
 * gets the host data given to arc_peer_manager_new().
 */
typedef struct {
	void (*peer_changed)(gpointer host, const gchar *peer_id);
	void (*offer_cluster_id)(gpointer host, const gchar *cluster_id, const gchar *from);
	ArcGossip *(*get_gossip)(gpointer host);
} ArcPeerManagerHost;

ArcPeerManager *arc_peer_manager_new(ArcNode *node, ArcRegistry *registry, ArcAuthManager *auth,
				     const ArcPeerManagerHost *host, gpointer host_data);
void arc_peer_manager_changed(ArcPeerManager *self, const gchar *peer_id);
void arc_peer_manager_free(ArcPeerManager *self);
const gchar *arc_peer_manager_get_local_id(ArcPeerManager *self);
ArcNode *arc_peer_manager_get_node(ArcPeerManager *self);
ArcRegistry *arc_peer_manager_get_registry(ArcPeerManager *self);
gboolean arc_peer_manager_warned_once(ArcPeerManager *self, const gchar *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcPeerManager, arc_peer_manager_free)

/* the peer list */
GPtrArray *arc_peer_manager_load(ArcPeerManager *self, GError **error);
ArcPeerInfo *arc_peer_manager_lookup(ArcPeerManager *self, const gchar *peer_id,
				     ArcRecord **record_out, GError **error);
ArcPeerInfo *arc_peer_list_find(GPtrArray *peers, const gchar *id, const gchar *public_key,
				const gchar *address);
guint arc_peer_list_count_active(GPtrArray *peers);
gchar *arc_peer_record_body(const gchar *id, const gchar *name, const gchar *description,
			    const gchar *public_key, const gchar *address, const gchar *license_id,
			    const gchar *cluster_id, ArcPeerState state, gint64 created_at);

/* the tunnel fields of the peer records (arc-peer-manager-tunnel.c) */
gboolean arc_peer_manager_read_tunnel(ArcPeerManager *self, const ArcRecord *record,
				      ArcPeerTunnel *out);
gboolean arc_peer_manager_publish_tunnel(ArcPeerManager *self, GError **error);

/* what operators change */
ArcPeerInfo *arc_peer_manager_rename(ArcPeerManager *self, const gchar *peer_id, const gchar *name,
				     GError **error);
gboolean arc_peer_manager_delete(ArcPeerManager *self, const gchar *peer_id, const gchar *by,
				 GPtrArray **revoked_credentials, GError **error);
gboolean arc_peer_manager_edit_own_record(ArcPeerManager *self, const gchar *member,
					  const gchar *value, GError **error);
void arc_peer_manager_refresh_name(ArcPeerManager *self);

/* staging, for the handshake and the removal announcements */
void arc_peer_manager_stage_peer(ArcPeerManager *self, ArcStorageTxn *txn, const ArcRecord *old,
				 const gchar *id, const gchar *body, gboolean deleted);
void arc_peer_manager_stage_alias(ArcPeerManager *self, ArcStorageTxn *txn, const gchar *peer_id,
				  const gchar *name);
void arc_peer_manager_stage_revocation(ArcPeerManager *self, ArcStorageTxn *txn,
				       const gchar *peer_id, const gchar *public_key,
				       gboolean readmitted, gint64 deleted_version);
void arc_peer_manager_stage_removal(ArcPeerManager *self, ArcStorageTxn *txn,
				    const ArcRecord *record, const gchar *public_key);

/* removal of this agent, and its departure */
void arc_peer_manager_tell_removed(ArcPeerManager *self, const gchar *peer_id);
gboolean arc_peer_manager_take_removal(ArcPeerManager *self, const ArcRecord *record,
				       const gchar *from);
void arc_peer_manager_own_record_above(ArcPeerManager *self, gint64 version);
gboolean arc_peer_manager_is_deactivated(ArcPeerManager *self);
void arc_peer_manager_set_deactivated(ArcPeerManager *self);

G_END_DECLS
