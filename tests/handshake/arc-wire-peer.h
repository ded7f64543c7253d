/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "arc-handshake.h"
#include "arc-identity.h"

G_BEGIN_DECLS

/*
 * ArcWirePeer: the test's own side of a handshake, in process: an Ed25519 identity in a temp
 * dir, a peer id, a license, and an HTTP server on 127.0.0.1 (a thread of its own, so that it
 * answers while the test waits for an agent) that serves
 *
 *   GET  /v1/cluster/identity     {"peer_id", "public_key"}, for a responder's probe
 *   POST /v1/handshake/hello      the responder's reply, honest or tampered (ArcWireReply)
 *   POST /v1/handshake/confirm    checks the initiator's signature over the pending exchange
 *
 * As an initiator the test builds the hello and the confirm itself with
 * arc_wire_peer_hello() and arc_wire_peer_confirm(), and the deactivation announcement with
 * arc_wire_peer_leave().
 */

/**
 * ArcWireReply:
 * @ARC_WIRE_REPLY_HONEST: signed over the exchange, sent as signed
 * @ARC_WIRE_REPLY_REPLAY: the previous reply again, verbatim
 * @ARC_WIRE_REPLY_ALTER_PEER_ID: `peer.peer_id` changed after signing
 * @ARC_WIRE_REPLY_ALTER_NAME: `peer.name` changed to "mallory" after signing
 * @ARC_WIRE_REPLY_ALTER_ADDRESS: `peer.address` changed after signing
 * @ARC_WIRE_REPLY_ALTER_PUBLIC_KEY: `peer.public_key` replaced by another agent's key
 * @ARC_WIRE_REPLY_ALTER_CHALLENGE: `challenge` changed after signing
 * @ARC_WIRE_REPLY_ALTER_SESSION: `session` changed after signing
 * @ARC_WIRE_REPLY_NOT_JSON: a 200 answer that is not JSON
 * @ARC_WIRE_REPLY_TRUNCATED: the honest reply cut in half
 *
 * How the peer answers a hello.
 */
typedef enum {
	ARC_WIRE_REPLY_HONEST,
	ARC_WIRE_REPLY_REPLAY,
	ARC_WIRE_REPLY_ALTER_PEER_ID,
	ARC_WIRE_REPLY_ALTER_NAME,
	ARC_WIRE_REPLY_ALTER_ADDRESS,
	ARC_WIRE_REPLY_ALTER_PUBLIC_KEY,
	ARC_WIRE_REPLY_ALTER_CHALLENGE,
	ARC_WIRE_REPLY_ALTER_SESSION,
	ARC_WIRE_REPLY_NOT_JSON,
	ARC_WIRE_REPLY_TRUNCATED,
} ArcWireReply;

#define ARC_TYPE_WIRE_PEER (arc_wire_peer_get_type())
G_DECLARE_FINAL_TYPE(ArcWirePeer, arc_wire_peer, ARC, WIRE_PEER, GObject)

ArcWirePeer *arc_wire_peer_new(const gchar *license);
const gchar *arc_wire_peer_get_peer_id(ArcWirePeer *self);
const gchar *arc_wire_peer_get_address(ArcWirePeer *self);
const gchar *arc_wire_peer_get_public_key(ArcWirePeer *self);
const gchar *arc_wire_peer_get_other_public_key(ArcWirePeer *self);
const gchar *arc_wire_peer_get_license_id(ArcWirePeer *self);

/* as responder */
void arc_wire_peer_set_license(ArcWirePeer *self, const gchar *license);
void arc_wire_peer_set_reply(ArcWirePeer *self, ArcWireReply reply);
void arc_wire_peer_set_refuse_confirm(ArcWirePeer *self, gboolean refuse);
guint arc_wire_peer_get_hellos(ArcWirePeer *self);
guint arc_wire_peer_get_confirms(ArcWirePeer *self);
guint arc_wire_peer_get_verified_confirms(ArcWirePeer *self);
guint arc_wire_peer_get_probes(ArcWirePeer *self);

/* as initiator */
gchar *arc_wire_peer_hello(ArcWirePeer *self, guint8 *challenge_a);
gboolean arc_wire_peer_check_reply(ArcWirePeer *self, const guint8 *challenge_a,
				   const ArcHandshakeMessage *reply, GError **error);
gchar *arc_wire_peer_confirm(ArcWirePeer *self, const guint8 *challenge_a,
			     const ArcHandshakeMessage *reply);

/* leaving */
gchar *arc_wire_peer_leave(ArcWirePeer *self, gint64 timestamp, gboolean other_key);

G_END_DECLS
