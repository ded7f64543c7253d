/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "arc-identity.h"

G_BEGIN_DECLS

/* The signed envelope of every gossip message (docs/protocol.md §6.3) and the guard against
 * replays and skewed clocks. No I/O here. */

#define ARC_GOSSIP_VERSION 1
#define ARC_GOSSIP_DOMAIN "arctic-gossip-v1"
#define ARC_GOSSIP_NONCE_SIZE 16
#define ARC_GOSSIP_MAX_SIZE (4 * 1024 * 1024)

/**
 * ArcGossipMessage:
 * @type: `digest`, `records`, `probe`, …
 * @from: the sender's peer id
 * @to: the recipient's peer id: a message captured on its way to one peer is refused by any
 *   other
 * @timestamp: when the sender signed, milliseconds since the epoch
 * @nonce: random bytes, unique per message
 * @body: the message's JSON object
 * @signature: the sender's Ed25519 signature
 */
typedef struct {
	gchar *type;
	gchar *from;
	gchar *to;
	gint64 timestamp;
	guint8 nonce[ARC_GOSSIP_NONCE_SIZE];
	JsonNode *body;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	/*< private >*/
	gchar *signed_bytes;
	gsize signed_len;
} ArcGossipMessage;

void arc_gossip_message_free(ArcGossipMessage *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipMessage, arc_gossip_message_free)

gchar *arc_gossip_message_build(const gchar *type, const gchar *from, const gchar *to,
				gint64 timestamp, JsonNode *body, ArcIdentity *identity,
				guint8 *nonce_out);
ArcGossipMessage *arc_gossip_message_parse(const gchar *data, gsize len, GError **error);
gboolean arc_gossip_message_verify(const ArcGossipMessage *self, const guint8 *key, GError **error);
gboolean arc_gossip_message_check_recipient(const ArcGossipMessage *self, const gchar *peer_id,
					    GError **error);

typedef struct _ArcGossipReplayGuard ArcGossipReplayGuard;

/**
 * ArcGossipReplayRefusal:
 * @ARC_GOSSIP_REPLAY_ACCEPTED: fresh and new
 * @ARC_GOSSIP_REPLAY_CLOCK_SKEW: the timestamp is outside the window
 * @ARC_GOSSIP_REPLAY_REPLAYED: the nonce was seen
 *
 * Why the guard refused a message; its string is the metric label.
 */
typedef enum {
	ARC_GOSSIP_REPLAY_ACCEPTED,
	ARC_GOSSIP_REPLAY_CLOCK_SKEW,
	ARC_GOSSIP_REPLAY_REPLAYED,
} ArcGossipReplayRefusal;

const gchar *arc_gossip_replay_refusal_to_string(ArcGossipReplayRefusal refusal);

ArcGossipReplayGuard *arc_gossip_replay_guard_new(gint64 max_skew_ms);
void arc_gossip_replay_guard_free(ArcGossipReplayGuard *self);
gboolean arc_gossip_replay_guard_check(ArcGossipReplayGuard *self, const ArcGossipMessage *msg,
				       gint64 now_ms, GError **error);
gboolean arc_gossip_replay_guard_check_full(ArcGossipReplayGuard *self, const ArcGossipMessage *msg,
					    gint64 now_ms, ArcGossipReplayRefusal *refusal,
					    GError **error);
guint arc_gossip_replay_guard_get_size(ArcGossipReplayGuard *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipReplayGuard, arc_gossip_replay_guard_free)

G_END_DECLS
