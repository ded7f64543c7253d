/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-aead.h"
#include "tempest-crypto.h"
#include "tempest-messages.h"
#include "tempest-replay.h"
#include "tempest-timers.h"

/* Noise_IKpsk2 as WireGuard instantiates it (whitepaper §5.4): the construction and identifier
 * strings, the handshake of one peer, and the keypairs it yields. Message indices (sender and
 * receiver) are chosen by the caller, who owns the table that maps them back to peers. MAC1 and
 * MAC2 are not this module's: the caller fills and checks them with tempest-cookie.h.
 *
 * Secrets live in sodium_malloc() memory (locked, guarded) and are wiped when freed. */

#define TEMPEST_NOISE_CONSTRUCTION "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
#define TEMPEST_NOISE_IDENTIFIER "WireGuard v1 zx2c4 Jason@zx2c4.com"
#define TEMPEST_LABEL_MAC1 "mac1----"
#define TEMPEST_LABEL_COOKIE "cookie--"

typedef enum {
	TEMPEST_NOISE_OK = 0,
	TEMPEST_NOISE_ERROR_DECRYPT,      /* an AEAD field does not open: wrong key or tampered */
	TEMPEST_NOISE_ERROR_UNKNOWN_PEER, /* the initiator's static key is no peer of ours */
	TEMPEST_NOISE_ERROR_REPLAY,       /* timestamp not newer than the greatest seen */
	TEMPEST_NOISE_ERROR_FLOOD,        /* initiations from one peer faster than 50/s */
	TEMPEST_NOISE_ERROR_STATE,        /* the handshake is not at the step this message needs */
	TEMPEST_NOISE_ERROR_INDEX,        /* the receiver index names another session */
	TEMPEST_NOISE_ERROR_KEY,          /* a Diffie-Hellman gave zero (a low-order point) */
	TEMPEST_NOISE_ERROR_EXPIRED,      /* the keypair may not send or receive any more */
	TEMPEST_NOISE_ERROR_LENGTH,       /* a transport message or buffer of an unusable size */
} TempestNoiseResult;

const gchar *tempest_noise_result_to_string(TempestNoiseResult result);

/* HASH(CONSTRUCTION) and HASH(HASH(CONSTRUCTION) || IDENTIFIER): the initial chaining key and
 * the hash before the responder's static key is mixed in */
const guint8 *tempest_noise_initial_chaining_key(void);

const guint8 *tempest_noise_initial_hash(void);

/* This interface's own keys and what is derived from them once. Immutable after creation:
 * share it between threads freely; replace it (and every handshake made with it) to change
 * the private key. */
typedef struct {
	guint8 private_key[TEMPEST_KEY_LEN];
	guint8 public_key[TEMPEST_KEY_LEN];
	/* HASH(initial hash || public key): where a responder's transcript starts */
	guint8 responder_hash[TEMPEST_HASH_LEN];
	/* HASH(LABEL_MAC1 || public key): MAC1 of messages sent to us */
	guint8 mac1_key[TEMPEST_HASH_LEN];
	/* HASH(LABEL_COOKIE || public key): seals the cookie replies we send */
	guint8 cookie_key[TEMPEST_HASH_LEN];
} TempestStaticIdentity;

/* NULL for the all-zero private key; the key is clamped */
TempestStaticIdentity *tempest_static_identity_new(const guint8 private_key[TEMPEST_KEY_LEN]);

void tempest_static_identity_free(TempestStaticIdentity *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestStaticIdentity, tempest_static_identity_free)

typedef enum {
	TEMPEST_HANDSHAKE_ZEROED = 0,
	TEMPEST_HANDSHAKE_CREATED_INITIATION,
	TEMPEST_HANDSHAKE_CONSUMED_INITIATION,
	TEMPEST_HANDSHAKE_CREATED_RESPONSE,
	TEMPEST_HANDSHAKE_CONSUMED_RESPONSE,
} TempestHandshakeState;

/* the handshake state with one peer; its functions lock it, so any thread may call them */
typedef struct _TempestHandshake TempestHandshake;

/* NULL when DH(our static, their static) is zero (their key is a low-order point);
 * psk may be NULL (then all zeros, as WireGuard does without one) */
TempestHandshake *tempest_handshake_new(const TempestStaticIdentity *local,
					const guint8 remote_static[TEMPEST_KEY_LEN],
					const guint8 *psk);

void tempest_handshake_free(TempestHandshake *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestHandshake, tempest_handshake_free)

void tempest_handshake_set_psk(TempestHandshake *self, const guint8 *psk);

const guint8 *tempest_handshake_get_remote_static(const TempestHandshake *self);

TempestHandshakeState tempest_handshake_get_state(TempestHandshake *self);

/* the index we put in our last initiation or response (0 before) */
guint32 tempest_handshake_get_local_index(TempestHandshake *self);

/* forgets an unfinished handshake (wiping its secrets); the timestamp record stays */
void tempest_handshake_clear(TempestHandshake *self);

/* Initiator, step 1: fills msg except mac1/mac2 */
TempestNoiseResult tempest_handshake_create_initiation(TempestHandshake *self, guint32 local_index,
						       TempestMsgInitiation *msg);

/* the same with a given ephemeral private key and timestamp: for test vectors only */
TempestNoiseResult
tempest_handshake_create_initiation_with(TempestHandshake *self, guint32 local_index,
					 const guint8 ephemeral_private[TEMPEST_KEY_LEN],
					 const guint8 timestamp[TEMPEST_TIMESTAMP_LEN],
					 TempestMsgInitiation *msg);

/* maps the initiator's static public key to its handshake, or NULL for a stranger */
typedef TempestHandshake *(*TempestHandshakeLookupFunc)(const guint8 remote_static[TEMPEST_KEY_LEN],
							gpointer user_data);

/* Responder, step 1: decrypts the initiator's identity, finds its handshake with lookup, checks
 * the timestamp against the greatest seen from it and the flood interval, and only then moves
 * that handshake to CONSUMED_INITIATION. mac1 must have been checked before. now is monotonic
 * microseconds. *out is set on success. */
TempestNoiseResult tempest_noise_consume_initiation(const TempestStaticIdentity *local,
						    const TempestMsgInitiation *msg, gint64 now,
						    TempestHandshakeLookupFunc lookup,
						    gpointer user_data, TempestHandshake **out);

/* Responder, step 2: fills msg except mac1/mac2 */
TempestNoiseResult tempest_handshake_create_response(TempestHandshake *self, guint32 local_index,
						     TempestMsgResponse *msg);

TempestNoiseResult
tempest_handshake_create_response_with(TempestHandshake *self, guint32 local_index,
				       const guint8 ephemeral_private[TEMPEST_KEY_LEN],
				       TempestMsgResponse *msg);

/* Initiator, step 2: the caller found self by msg's receiver index */
TempestNoiseResult tempest_handshake_consume_response(TempestHandshake *self,
						      const TempestMsgResponse *msg);

/* After create_response (responder) or consume_response (initiator): derives the transport
 * keys, wipes the handshake back to ZEROED and returns the new keypair in *out */
TempestNoiseResult tempest_handshake_begin_session(TempestHandshake *self, gint64 now,
						   TempestKeypair **out);

/* One session's transport keys. Sending and receiving are thread-safe: the send counter is
 * atomic and the replay window has its own lock, held for a few instructions. */
struct _TempestKeypair {
	guint8 send_key[TEMPEST_KEY_LEN];
	guint8 recv_key[TEMPEST_KEY_LEN];
	guint32 local_index;
	guint32 remote_index;
	gint64 created; /* monotonic microseconds */
	gboolean is_initiator;
	guint64 send_counter; /* the next counter to send; atomic */
	GMutex replay_lock;
	TempestReplay replay;
};

void tempest_keypair_free(TempestKeypair *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestKeypair, tempest_keypair_free)

/* Seals len bytes of plain (padded by the caller: tempest_transport_padded_len()) into a
 * transport message at out, of len + 32 bytes, set in *out_len. plain may be out + 16 (in place,
 * the header written in front of it); otherwise they must not overlap. Takes the next counter;
 * EXPIRED once REJECT_AFTER_MESSAGES were sent or the keypair is older than REJECT_AFTER_TIME. */
TempestNoiseResult tempest_transport_seal(TempestKeypair *kp, const TempestAead *aead, gint64 now,
					  guint8 *out, const guint8 *plain, gsize len,
					  gsize *out_len);

/* Opens a transport message (already found to be for kp by its receiver index) into plain, of
 * len - 32 bytes (set in *plain_len; 0 is a keepalive). plain may be msg + 16. The counter is
 * recorded only when the packet authenticates, so forgeries cannot move the window. */
TempestNoiseResult tempest_transport_open(TempestKeypair *kp, const TempestAead *aead, gint64 now,
					  const guint8 *msg, gsize len, guint8 *plain,
					  gsize *plain_len);

/* the length a packet of len bytes is padded to before sealing: a multiple of 16, but never
 * beyond the MTU (whitepaper §5.4.6) */
gsize tempest_transport_padded_len(gsize len, gsize mtu);
