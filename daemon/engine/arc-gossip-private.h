/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-gossip.h"

#include "arc-gossip-discovery.h"
#include "arc-gossip-health.h"
#include "arc-gossip-message.h"
#include "arc-gossip-refusals.h"
#include "arc-peer-client.h"

G_BEGIN_DECLS

/* Shared by the files of ArcGossip only: arc-gossip.c (rounds, pushes, receiving) and
 * arc-gossip-probe.c (indirect probes). Nothing outside them includes it. */

struct _ArcGossip {
	GObject parent_instance;
	ArcNode *node; /* its cluster id and clock */
	ArcRegistry *registry;
	ArcIdentity *identity; /* signs what this agent sends */
	gchar *peer_id;        /* this agent */
	const ArcGossipHost *host;
	gpointer host_data; /* owns this object */
	ArcConfig *config;
	ArcPeerClient *client;
	ArcPeerClient *probe_client;
	ArcGossipReplayGuard *guard;
	GCancellable *cancellable;
	ArcGossipHealth *health;       /* what this agent observes of the other members */
	ArcGossipDiscovery *discovery; /* the peers others know and this agent does not */
	ArcGossipRefusals *refusals;   /* of incoming messages, for the log */
	guint timer_id;
	guint purge_id;
	gint64 busy_mono; /* when records last arrived */
	gint64 trimmed_mono;
};

/* one outgoing message and what to do with its answer */
typedef enum {
	ARC_GOSSIP_CALL_ROUND,
	ARC_GOSSIP_CALL_PUSH,
	ARC_GOSSIP_CALL_PROBE_PING, /* a ping on behalf of another peer's probe */
	ARC_GOSSIP_CALL_PROBE_ASK,  /* asking another peer to probe */
} ArcGossipCallKind;

typedef struct {
	ArcGossip *gossip;
	ArcGossipCallKind kind;
	gchar *peer_id;
	gchar *address;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	gchar *nonce;
	gchar *expected;
	GTask *task;                   /* PROBE_PING: the probe request waiting for the answer */
	struct _ArcGossipProbe *probe; /* PROBE_ASK: the probe it is part of */
} ArcGossipCall;

void arc_gossip_call_free(ArcGossipCall *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipCall, arc_gossip_call_free)

/* arc-gossip.c */
gboolean arc_gossip_stopped(ArcGossip *self);
void arc_gossip_heard(ArcGossip *self, const gchar *peer_id, const gchar *registry_hash);
GPtrArray *arc_gossip_pick(ArcGossip *self, guint n, const gchar *exclude_a,
			   const gchar *exclude_b);
JsonNode *arc_gossip_builder_end(JsonBuilder *b);
ArcGossipCall *arc_gossip_call_new(ArcGossip *self, ArcGossipCallKind kind,
				   const ArcMember *member);
void arc_gossip_send(ArcGossip *self, ArcGossipCall *call, ArcPeerClient *client, const gchar *type,
		     JsonNode *body, GAsyncReadyCallback callback);
JsonNode *arc_gossip_open_reply(ArcGossip *self, ArcGossipCall *call, GObject *source,
				GAsyncResult *res, gboolean *transport, GError **error);
JsonNode *arc_gossip_digest_body(ArcGossip *self);
gchar *arc_gossip_reply(ArcGossip *self, const gchar *type, const ArcGossipMessage *msg,
			JsonBuilder *b);
ArcGossipMessage *arc_gossip_open(ArcGossip *self, const gchar *type, const gchar *data, gsize len,
				  GError **error);

/* arc-gossip-probe.c */
void arc_gossip_round_failed(ArcGossip *self, const gchar *peer_id);

G_END_DECLS
