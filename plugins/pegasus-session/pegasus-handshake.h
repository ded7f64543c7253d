/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* The handshake of a Pegasus transport session (docs/protocol.md "Transport sessions (tcp,
 * kcp)"): Noise IK over X25519, ChaCha20-Poly1305 and BLAKE2s, built from Tempest's
 * primitives but with its own construction, prologue and message types, so that a transport
 * handshake can never be taken for a tunnel one (or the other way round).
 *
 * Both peers' static X25519 keys are derived from their Ed25519 identity keys. The initiator
 * knows whom it dials (the responder's key); the responder learns the initiator's key from
 * the initiation and must check it against the peers it accepts, and that its timestamp is
 * newer than the last one it accepted from that key (pegasus_timestamp_newer()). Even a
 * replayed initiation that slips past a responder without that record opens nothing: the
 * session keys depend on the responder's fresh ephemeral key, so the replayer can neither read
 * the response nor produce one authenticated record, and a responder counts a session as open
 * only from the first record it authenticates.
 *
 * Pure code: no I/O, no clocks except pegasus_timestamp_now(). Secrets live in sodium_malloc()
 * memory and are wiped when freed. */

#define PEGASUS_KEY_LEN 32
#define PEGASUS_TIMESTAMP_LEN 12
#define PEGASUS_NOISE_CONSTRUCTION "Noise_IK_25519_ChaChaPoly_BLAKE2s"
#define PEGASUS_NOISE_PROLOGUE "Arctic Pegasus transport v1"

/* message types: the first byte of each handshake message (never 1..4, WireGuard's) */
#define PEGASUS_MSG_INITIATION 0x50
#define PEGASUS_MSG_RESPONSE 0x51
/* type, 3 reserved zero bytes, ephemeral, sealed static key, sealed timestamp */
#define PEGASUS_INITIATION_LEN (4 + 32 + (32 + 16) + (12 + 16))
/* type, 3 reserved zero bytes, ephemeral, sealed empty payload */
#define PEGASUS_RESPONSE_LEN (4 + 32 + 16)

typedef enum {
	PEGASUS_HS_OK = 0,
	PEGASUS_HS_ERROR_LENGTH,  /* not a message of that kind: wrong size, type or reserved */
	PEGASUS_HS_ERROR_DECRYPT, /* a sealed field does not open: wrong key or tampered */
	PEGASUS_HS_ERROR_KEY,     /* a Diffie-Hellman gave zero (a low-order point) */
	PEGASUS_HS_ERROR_STATE,   /* the handshake is not at the step this call needs */
} PegasusHsResult;

const gchar *pegasus_hs_result_to_string(PegasusHsResult result);

/* This peer's static X25519 key pair, derived from its Ed25519 identity key. Immutable:
 * share it between threads. */
typedef struct {
	guint8 private_key[PEGASUS_KEY_LEN];
	guint8 public_key[PEGASUS_KEY_LEN];
} PegasusIdentity;

/* NULL when the key is not a usable Ed25519 secret key (64 bytes, libsodium's form) */
PegasusIdentity *pegasus_identity_new(const guint8 *ed25519_secret, gsize len);

void pegasus_identity_free(PegasusIdentity *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PegasusIdentity, pegasus_identity_free)

/* a remote's Ed25519 public key (32 bytes) as the X25519 key the handshake uses; FALSE for
 * a point that has none */
gboolean pegasus_public_key_from_ed25519(guint8 out[PEGASUS_KEY_LEN], const guint8 *ed25519_public,
					 gsize len);

/* the transport keys a finished handshake yields, each side's send key being the other's
 * receive key */
typedef struct {
	guint8 send_key[PEGASUS_KEY_LEN];
	guint8 recv_key[PEGASUS_KEY_LEN];
	gboolean is_initiator;
} PegasusKeys;

void pegasus_keys_wipe(PegasusKeys *keys);

typedef struct _PegasusHandshake PegasusHandshake;

/* an initiator's handshake towards remote_static (the X25519 key of the peer dialled) */
PegasusHandshake *pegasus_handshake_new_initiator(const PegasusIdentity *local,
						  const guint8 remote_static[PEGASUS_KEY_LEN]);

/* a responder's handshake: the initiator's key is learnt from its message */
PegasusHandshake *pegasus_handshake_new_responder(const PegasusIdentity *local);

void pegasus_handshake_free(PegasusHandshake *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PegasusHandshake, pegasus_handshake_free)

/* Initiator, step 1. The timestamp is pegasus_timestamp_now(). */
PegasusHsResult pegasus_handshake_write_initiation(PegasusHandshake *self,
						   guint8 out[PEGASUS_INITIATION_LEN]);

/* the same with a given ephemeral key and timestamp: for tests only */
PegasusHsResult pegasus_handshake_write_initiation_with(
	PegasusHandshake *self, const guint8 ephemeral_private[PEGASUS_KEY_LEN],
	const guint8 timestamp[PEGASUS_TIMESTAMP_LEN], guint8 out[PEGASUS_INITIATION_LEN]);

/* Responder, step 1: opens the initiator's static key and timestamp. The caller must then
 * check both (an allowed peer; a timestamp newer than its last) before writing the
 * response. */
PegasusHsResult pegasus_handshake_read_initiation(PegasusHandshake *self, const guint8 *msg,
						  gsize len, guint8 remote_static[PEGASUS_KEY_LEN],
						  guint8 timestamp[PEGASUS_TIMESTAMP_LEN]);

/* Responder, step 2: the response, and the session's keys in *keys */
PegasusHsResult pegasus_handshake_write_response(PegasusHandshake *self,
						 guint8 out[PEGASUS_RESPONSE_LEN],
						 PegasusKeys *keys);

/* Initiator, step 2: checks the response came from the key dialled; the keys in *keys */
PegasusHsResult pegasus_handshake_read_response(PegasusHandshake *self, const guint8 *msg,
						gsize len, PegasusKeys *keys);

/* TAI64N of the wall clock to the nanosecond, strictly increasing within this process (two
 * sessions dialled in one nanosecond still get distinct stamps) */
void pegasus_timestamp_now(guint8 out[PEGASUS_TIMESTAMP_LEN]);

/* whether candidate is strictly newer than last (both TAI64N, big-endian) */
gboolean pegasus_timestamp_newer(const guint8 candidate[PEGASUS_TIMESTAMP_LEN],
				 const guint8 last[PEGASUS_TIMESTAMP_LEN]);
