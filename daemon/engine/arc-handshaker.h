/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-handshake.h"
#include "arc-peer-client.h"
#include "arc-peer-manager.h"

G_BEGIN_DECLS

/* The state of the peer handshake (docs/protocol.md §5) that outlives one request: the
 * sessions this agent holds open as responder, within their bounds per initiator, per source
 * address and in all, the addresses it is adding as initiator, and the peer clients both
 * roles use. The checks and messages of the handshake are in arc-engine-handshake.c. */

/* how long an initiator has to confirm */
#define ARC_HANDSHAKE_SESSION_SECS 10
#define ARC_HANDSHAKE_MAX_SESSIONS 256
/* one initiator runs one handshake at a time; two let a retry overlap a lost reply */
#define ARC_HANDSHAKE_SESSIONS_PER_PEER 2
/* Sessions one source address may hold: an initiator id costs nothing to make (a license
 * captured once goes with any key), an address does. A host behind NAT with several agents
 * joining at once stays well below it; filling the table takes 32 addresses. */
#define ARC_HANDSHAKE_SESSIONS_PER_SOURCE 8

/**
 * ArcHandshakeSession:
 * @id: the session id, `hs_` and 32 hex digits, given by arc_handshaker_open_session()
 * @initiator: the record the initiator presented
 * @initiator_license_id: the license it presented
 * @responder: this agent's record as sent in the reply
 * @challenge_a: the initiator's challenge
 * @challenge_b: this agent's challenge, wiped with the session
 * @expires: monotonic µs
 * @vouched: met through the cluster: no node limit
 * @join: (nullable): the join token the initiator presented
 * @source: (nullable): the address the hello came from
 */
typedef struct {
	gchar *id;
	ArcHandshakePeer *initiator;
	gchar *initiator_license_id;
	ArcHandshakePeer *responder;
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	guint8 challenge_b[ARC_HANDSHAKE_CHALLENGE_SIZE];
	gint64 expires;
	gboolean vouched;
	ArcHandshakeJoin *join;
	gchar *source;
} ArcHandshakeSession;

void arc_handshake_session_free(ArcHandshakeSession *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcHandshakeSession, arc_handshake_session_free)
ArcHandshakeTranscript arc_handshake_session_transcript(ArcHandshakeSession *session,
							const gchar *responder_license_id);

typedef struct _ArcHandshaker ArcHandshaker;

/* seconds since the epoch, for join tokens */
typedef gint64 (*ArcHandshakerClock)(gpointer data);

ArcHandshaker *arc_handshaker_new(guint handshake_timeout, guint reach_back_timeout,
				  const gchar *tls_ca_file);
void arc_handshaker_set_peers(ArcHandshaker *self, ArcRegistry *registry, ArcPeerManager *peers,
			      ArcHandshakerClock now, gpointer now_data);
void arc_handshaker_free(ArcHandshaker *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcHandshaker, arc_handshaker_free)

ArcHandshakeSession *arc_handshaker_open_session(ArcHandshaker *self, ArcHandshakeSession *session,
						 GError **error);
ArcHandshakeSession *arc_handshaker_take_session(ArcHandshaker *self, const gchar *id);
guint arc_handshaker_count_sessions(ArcHandshaker *self);

gboolean arc_handshaker_begin_add(ArcHandshaker *self, const gchar *address);
void arc_handshaker_end_add(ArcHandshaker *self, const gchar *address);

/* join tokens (docs/protocol.md §5.7), arc-handshaker-join.c */
ArcJoinToken *arc_handshaker_new_join_token(ArcHandshaker *self, gint64 ttl, ArcStorageTxn *txn,
					    GError **error);
gboolean arc_handshaker_check_join(ArcHandshaker *self, const ArcHandshakePeer *peer,
				   const guint8 *challenge_a, const ArcHandshakeJoin *join,
				   gboolean member, gboolean vouched, gchar **token_used,
				   gchar **detail, GError **error);
void arc_handshaker_stage_join_used(ArcHandshaker *self, ArcStorageTxn *txn, const gchar *token_id,
				    const gchar *peer_id);

ArcPeerClient *arc_handshaker_get_client(ArcHandshaker *self);
ArcPeerClient *arc_handshaker_get_probe(ArcHandshaker *self);

G_END_DECLS
