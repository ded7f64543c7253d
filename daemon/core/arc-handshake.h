/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include <arctic-plugin.h>

#include "arc-identity.h"

G_BEGIN_DECLS

/* The messages of the peer handshake (docs/protocol.md §5): parsing of untrusted bytes,
 * serialisation, and the transcript both sides sign. No I/O here. */

#define ARC_HANDSHAKE_VERSION 1
#define ARC_HANDSHAKE_CHALLENGE_SIZE 32
#define ARC_HANDSHAKE_MAX_SIZE (96 * 1024)
#define ARC_HANDSHAKE_DOMAIN "arctic-handshake-v1"

/**
 * ArcHandshakeReason:
 *
 * Why a handshake failed: the `reason` of the API's error body, the error code of
 * %ARC_HANDSHAKE_ERROR. The API code and the message (the seed guide's words) follow from it.
 */
typedef enum {
	ARC_HANDSHAKE_REASON_CONNECTION_REFUSED,
	ARC_HANDSHAKE_REASON_CONNECTION_TIMEOUT,
	ARC_HANDSHAKE_REASON_LICENSE_MISMATCH,
	ARC_HANDSHAKE_REASON_LICENSE_INVALID,
	ARC_HANDSHAKE_REASON_LICENSE_EXPIRED,
	ARC_HANDSHAKE_REASON_INVALID_SIGNATURE,
	ARC_HANDSHAKE_REASON_NODE_LIMIT_EXCEEDED,
	ARC_HANDSHAKE_REASON_ALREADY_EXISTS,
	ARC_HANDSHAKE_REASON_UNREACHABLE_BACK,
	ARC_HANDSHAKE_REASON_SESSION_EXPIRED,
	ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
	ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED,
	ARC_HANDSHAKE_REASON_REVOKED,
	ARC_HANDSHAKE_REASON_SELF,
	ARC_HANDSHAKE_REASON_BUSY,
	ARC_HANDSHAKE_REASON_JOIN_TOKEN_REQUIRED,
	ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID,
	ARC_HANDSHAKE_REASON_LAST /*< skip >*/
} ArcHandshakeReason;

#define ARC_HANDSHAKE_ERROR (arc_handshake_error_quark())
GQuark arc_handshake_error_quark(void);
const gchar *arc_handshake_reason_to_string(ArcHandshakeReason reason);
gboolean arc_handshake_reason_from_string(const gchar *str, ArcHandshakeReason *reason);
ArcError arc_handshake_reason_to_error(ArcHandshakeReason reason);
const gchar *arc_handshake_reason_get_message(ArcHandshakeReason reason);
void arc_handshake_set_error(GError **error, ArcHandshakeReason reason);
void arc_handshake_error_convert(GError **error);
gboolean arc_handshake_address_is_valid(const gchar *address);
const gchar *arc_handshake_address_host_port(const gchar *address);
gboolean arc_handshake_address_is_tls(const gchar *address);

typedef enum {
	ARC_HANDSHAKE_ROLE_INITIATOR,
	ARC_HANDSHAKE_ROLE_RESPONDER,
} ArcHandshakeRole;

/**
 * ArcHandshakePeer:
 * @peer_id: `peer_` + ULID
 * @name: the peer's name, possibly empty
 * @address: where its API answers, `host:port`
 * @public_key: its Ed25519 key, base64
 * @key: the same, decoded
 * @license: its license document (JSON), to be verified by the license backend
 * @record: (nullable): its own `peer` record as it signed it (docs/protocol.md §6.1), which
 *   the other side stores as it is
 *
 * The identity record each side presents.
 */
typedef struct {
	gchar *peer_id;
	gchar *name;
	gchar *address;
	gchar *public_key;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	gchar *license;
	ArcRecord *record;
} ArcHandshakePeer;

#define ARC_HANDSHAKE_JOIN_KEY_SIZE 32    /* the token's Ed25519 public key */
#define ARC_HANDSHAKE_JOIN_SECRET_SIZE 64 /* its Ed25519 secret key, libsodium's form */
#define ARC_HANDSHAKE_JOIN_PROOF_SIZE 64  /* an Ed25519 signature */

/**
 * ArcHandshakeJoin:
 * @id: the join token's id, `jt_` + ULID
 * @proof: the token key's Ed25519 signature over the initiator's id, key and challenge
 *   (docs/protocol.md §5.7): proves the token without showing it, for this exchange only,
 *   and verifies with what members store, which cannot make one
 *
 * The consent of the cluster an initiator carries in its hello.
 */
typedef struct {
	gchar *id;
	guint8 proof[ARC_HANDSHAKE_JOIN_PROOF_SIZE];
} ArcHandshakeJoin;

void arc_handshake_join_free(ArcHandshakeJoin *self);
gboolean arc_handshake_join_token_split(const gchar *token, gchar **id, gchar **secret);
void arc_handshake_join_keypair(const gchar *id, const gchar *secret, guint8 *public_key,
				guint8 *secret_key);
void arc_handshake_join_proof(const guint8 *secret_key, const gchar *peer_id,
			      const gchar *public_key, const guint8 *challenge_a, guint8 *proof);
gboolean arc_handshake_join_verify(const guint8 *token_key, const gchar *peer_id,
				   const gchar *public_key, const guint8 *challenge_a,
				   const guint8 *proof);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcHandshakeJoin, arc_handshake_join_free)

/**
 * ArcHandshakeMessage:
 * @peer: the sender's record (hello and reply)
 * @challenge: the sender's challenge (hello and reply)
 * @session: the responder's session id (reply and confirm)
 * @signature: the sender's signature over the transcript (reply and confirm)
 * @discovery: (hello) the initiator learned of the responder through the cluster rather than
 *   from an operator: the node limit then marks peers over_limit instead of refusing them
 * @join: (hello) (nullable): the join token the initiator presents
 */
typedef struct {
	ArcHandshakePeer *peer;
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE];
	gchar *session;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gboolean discovery;
	ArcHandshakeJoin *join;
} ArcHandshakeMessage;

/**
 * ArcHandshakeTranscript:
 *
 * What both signatures bind: both challenges, both peer ids, addresses and license ids, and
 * the session.
 */
typedef struct {
	const ArcHandshakePeer *initiator;
	const gchar *initiator_license_id;
	const ArcHandshakePeer *responder;
	const gchar *responder_license_id;
	const guint8 *challenge_a;
	const guint8 *challenge_b;
	const gchar *session;
} ArcHandshakeTranscript;

void arc_handshake_peer_free(ArcHandshakePeer *self);
ArcHandshakePeer *arc_handshake_peer_new(const gchar *peer_id, const gchar *name,
					 const gchar *address, const guint8 *key,
					 const gchar *license);
void arc_handshake_message_free(ArcHandshakeMessage *self);

ArcHandshakeMessage *arc_handshake_parse_hello(const gchar *data, gsize len, GError **error);
ArcHandshakeMessage *arc_handshake_parse_reply(const gchar *data, gsize len, GError **error);
ArcHandshakeMessage *arc_handshake_parse_confirm(const gchar *data, gsize len, GError **error);
gchar *arc_handshake_hello_to_json(const ArcHandshakePeer *peer, const guint8 *challenge,
				   gboolean discovery);
gchar *arc_handshake_hello_to_json_full(const ArcHandshakePeer *peer, const guint8 *challenge,
					gboolean discovery, const ArcHandshakeJoin *join);
gchar *arc_handshake_reply_to_json(const gchar *session, const ArcHandshakePeer *peer,
				   const guint8 *challenge, const guint8 *signature);
gchar *arc_handshake_confirm_to_json(const gchar *session, const guint8 *signature);

gchar *arc_handshake_leave_to_json(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
				   ArcIdentity *identity);
gboolean arc_handshake_parse_leave(const gchar *data, gsize len, gchar **peer_id,
				   gchar **license_id, gint64 *timestamp, guint8 *signature,
				   GError **error);
gboolean arc_handshake_verify_leave(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
				    const guint8 *key, const guint8 *signature, GError **error);

gchar *arc_handshake_transcript_bytes(const ArcHandshakeTranscript *transcript,
				      ArcHandshakeRole role, gsize *len);
void arc_handshake_sign(const ArcHandshakeTranscript *transcript, ArcHandshakeRole role,
			ArcIdentity *identity, guint8 *signature);
gboolean arc_handshake_verify(const ArcHandshakeTranscript *transcript, ArcHandshakeRole role,
			      const guint8 *key, const guint8 *signature, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcHandshakePeer, arc_handshake_peer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcHandshakeMessage, arc_handshake_message_free)

G_END_DECLS
