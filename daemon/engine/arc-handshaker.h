/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-config.h"
#include "arc-handshake.h"
#include "arc-identity.h"
#include "arc-license-state.h"
#include "arc-peer-client.h"
#include "arc-peer-manager.h"

G_BEGIN_DECLS

/* The state of the peer handshake (docs/protocol.md §5) that outlives one request: the
 * sessions this agent holds open as responder, within their bounds per initiator, per source
 * address and in all, the addresses it is adding as initiator, and the peer clients both
 * roles use; the checks both sides make (arc-handshaker-checks.c), the responder's side
 * (arc-handshaker-responder.c) and the initiator's (arc-handshaker-initiator.c). */

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

ArcHandshaker *arc_handshaker_new(guint handshake_timeout, guint reach_back_timeout,
				  const gchar *tls_ca_file);
void arc_handshaker_set_peers(ArcHandshaker *self, ArcNode *node, ArcRegistry *registry,
			      ArcPeerManager *peers);
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

/**
 * ArcHandshakerHost:
 * @get_license: this agent's license
 * @get_license_state: where this agent's license stands
 * @is_vouched: whether a member gossiped @peer_id's own record to this agent
 *
 * What the protocol asks of the agent it runs in, beyond the node, the registry and the peer
 * manager of arc_handshaker_set_peers(): the license in force and what gossip heard. Every
 * function gets the host data given to arc_handshaker_set_host().
 */
typedef struct {
	ArcLicense *(*get_license)(gpointer host);
	ArcLicenseState (*get_license_state)(gpointer host);
	gboolean (*is_vouched)(gpointer host, const gchar *peer_id);
} ArcHandshakerHost;

void arc_handshaker_set_host(ArcHandshaker *self, const ArcHandshakerHost *host,
			     gpointer host_data);

/**
 * ArcMembership:
 * @known: the other side is a stored peer (same id and key)
 * @replaces: (nullable): a peer that presented the same key under an older id (the host was
 *   reset and bootstrapped again, keeping peer.key)
 * @readmit: a removed peer an operator adds again
 * @join_token: (nullable): the join token the admission rests on, spent when stored
 *
 * What arc_handshaker_check_membership() found besides a refusal.
 */
typedef struct {
	gboolean known;
	gchar *replaces;
	gboolean readmit;
	gchar *join_token;
} ArcMembership;

void arc_membership_clear(ArcMembership *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcMembership, arc_membership_clear)

/* the checks both sides make, arc-handshaker-checks.c; a refusal is %ARC_HANDSHAKE_ERROR
 * with @detail in the terms of the operator who reads it */
gboolean arc_handshaker_check_can_join(ArcHandshaker *self, gboolean local, gchar **detail,
				       GError **error);
gboolean arc_handshaker_check_node_limit(ArcHandshaker *self, GPtrArray *peers, gchar **detail,
					 GError **error);
gboolean arc_handshaker_check_membership(ArcHandshaker *self, const ArcHandshakePeer *peer,
					 gboolean vouched, gboolean explicit, ArcMembership *m,
					 gchar **detail, GError **error);
gboolean arc_handshaker_check_peer_record(const ArcHandshakePeer *peer, gchar **detail,
					  GError **error);
ArcLicense *arc_handshaker_check_candidate(ArcHandshaker *self, const ArcHandshakePeer *peer,
					   gboolean vouched, gboolean explicit, ArcMembership *m,
					   gchar **detail, GError **error);
gboolean arc_handshaker_store_peer(ArcHandshaker *self, const ArcHandshakePeer *peer,
				   const gchar *name, const ArcMembership *m, GError **error);

/* this agent's address and record, arc-handshaker-address.c */
gchar *arc_handshaker_advertised_address(const ArcConfig *config, guint16 port,
					 const gchar *remote);
gchar *arc_handshaker_own_address(const ArcConfig *config, guint16 port, const gchar *stored,
				  const gchar *remote);
ArcHandshakePeer *arc_handshaker_own_record(ArcHandshaker *self, const gchar *remote);

/* the responder, arc-handshaker-responder.c */
gchar *arc_handshaker_hello(ArcHandshaker *self, const gchar *body, gsize length,
			    const gchar *source, gchar **refusal, GError **error);
void arc_handshaker_confirm_async(ArcHandshaker *self, gpointer source_object, const gchar *body,
				  gsize length, GCancellable *cancellable,
				  GAsyncReadyCallback callback, gpointer user_data);
gboolean arc_handshaker_confirm_finish(GAsyncResult *res, GError **error);

/* the initiator, arc-handshaker-initiator.c: @source_object is the task's (the engine) */
void arc_handshaker_add_peer_async(ArcHandshaker *self, gpointer source_object, const gchar *caller,
				   const gchar *address, const gchar *name, const gchar *join_token,
				   gboolean discovery, GCancellable *cancellable,
				   GAsyncReadyCallback callback, gpointer user_data);
ArcPeerInfo *arc_handshaker_add_peer_finish(GAsyncResult *res, GPtrArray **steps, GError **error);

G_END_DECLS
