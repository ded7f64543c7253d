/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-noise.h"

#include <sodium.h>
#include <string.h>

struct _TempestHandshake {
	GMutex lock;
	TempestHandshakeState state;
	const TempestStaticIdentity *local;
	guint8 remote_static[TEMPEST_KEY_LEN];
	/* DH(our static, their static): the same for every handshake, so computed once */
	guint8 static_static[TEMPEST_KEY_LEN];
	guint8 psk[TEMPEST_KEY_LEN];
	guint8 hash[TEMPEST_HASH_LEN];
	guint8 chaining_key[TEMPEST_HASH_LEN];
	guint8 ephemeral_private[TEMPEST_KEY_LEN];
	guint8 remote_ephemeral[TEMPEST_KEY_LEN];
	guint32 local_index;
	guint32 remote_index;
	/* the replay record of consumed initiations: kept across handshakes */
	gboolean have_timestamp;
	guint8 greatest_timestamp[TEMPEST_TIMESTAMP_LEN];
	gint64 last_initiation_consumed;
};

/* the transcript of a handshake in progress: hash and chaining key, on the stack */
typedef struct {
	guint8 hash[TEMPEST_HASH_LEN];
	guint8 chaining_key[TEMPEST_HASH_LEN];
	guint8 key[TEMPEST_KEY_LEN];
} TempestNoiseTranscript;

static void
tempest_noise_transcript_wipe(TempestNoiseTranscript *t)
{
	sodium_memzero(t, sizeof(*t));
}

const gchar *
tempest_noise_result_to_string(TempestNoiseResult result)
{
	static const gchar *const names[] = {
		[TEMPEST_NOISE_OK] = "ok",
		[TEMPEST_NOISE_ERROR_DECRYPT] = "does not decrypt",
		[TEMPEST_NOISE_ERROR_UNKNOWN_PEER] = "unknown peer",
		[TEMPEST_NOISE_ERROR_REPLAY] = "replayed",
		[TEMPEST_NOISE_ERROR_FLOOD] = "too many initiations",
		[TEMPEST_NOISE_ERROR_STATE] = "unexpected in this handshake state",
		[TEMPEST_NOISE_ERROR_INDEX] = "unknown receiver index",
		[TEMPEST_NOISE_ERROR_KEY] = "bad public key",
		[TEMPEST_NOISE_ERROR_EXPIRED] = "keypair expired",
		[TEMPEST_NOISE_ERROR_LENGTH] = "bad length",
	};

	if ((guint)result >= G_N_ELEMENTS(names))
		return "unknown";
	return names[result];
}

static guint8 tempest_noise_ck0[TEMPEST_HASH_LEN];
static guint8 tempest_noise_h0[TEMPEST_HASH_LEN];

static void
tempest_noise_constants_init(void)
{
	static gsize done = 0;

	if (g_once_init_enter(&done)) {
		tempest_hash2(tempest_noise_ck0, (const guint8 *)TEMPEST_NOISE_CONSTRUCTION,
			      strlen(TEMPEST_NOISE_CONSTRUCTION), NULL, 0);
		tempest_hash2(tempest_noise_h0, tempest_noise_ck0, sizeof(tempest_noise_ck0),
			      (const guint8 *)TEMPEST_NOISE_IDENTIFIER,
			      strlen(TEMPEST_NOISE_IDENTIFIER));
		g_once_init_leave(&done, 1);
	}
}

const guint8 *
tempest_noise_initial_chaining_key(void)
{
	tempest_noise_constants_init();
	return tempest_noise_ck0;
}

const guint8 *
tempest_noise_initial_hash(void)
{
	tempest_noise_constants_init();
	return tempest_noise_h0;
}

static void
tempest_noise_mix_hash(guint8 hash[TEMPEST_HASH_LEN], const guint8 *data, gsize len)
{
	tempest_hash2(hash, hash, TEMPEST_HASH_LEN, data, len);
}

/* the hash and chaining key both absorb an ephemeral public key */
static void
tempest_noise_mix_ephemeral(TempestNoiseTranscript *t, const guint8 ephemeral[TEMPEST_KEY_LEN])
{
	tempest_kdf(t->chaining_key, NULL, NULL, t->chaining_key, ephemeral, TEMPEST_KEY_LEN);
	tempest_noise_mix_hash(t->hash, ephemeral, TEMPEST_KEY_LEN);
}

/* (ck, key) = KDF2(ck, shared) when with_key, else ck = KDF1(ck, shared) */
static void
tempest_noise_mix_shared(TempestNoiseTranscript *t, const guint8 shared[TEMPEST_KEY_LEN],
			 gboolean with_key)
{
	tempest_kdf(t->chaining_key, with_key ? t->key : NULL, NULL, t->chaining_key, shared,
		    TEMPEST_KEY_LEN);
}

/* mixes DH(private, public); FALSE for a zero result */
static gboolean
tempest_noise_mix_dh(TempestNoiseTranscript *t, const guint8 private_key[TEMPEST_KEY_LEN],
		     const guint8 public_key[TEMPEST_KEY_LEN], gboolean with_key)
{
	guint8 shared[TEMPEST_KEY_LEN];

	if (!tempest_dh(shared, private_key, public_key))
		return FALSE;
	tempest_noise_mix_shared(t, shared, with_key);
	sodium_memzero(shared, sizeof(shared));
	return TRUE;
}

/* (ck, tau, key) = KDF3(ck, psk); hash absorbs tau */
static void
tempest_noise_mix_psk(TempestNoiseTranscript *t, const guint8 psk[TEMPEST_KEY_LEN])
{
	guint8 tau[TEMPEST_HASH_LEN];

	tempest_kdf(t->chaining_key, tau, t->key, t->chaining_key, psk, TEMPEST_KEY_LEN);
	tempest_noise_mix_hash(t->hash, tau, sizeof(tau));
	sodium_memzero(tau, sizeof(tau));
}

/* AEAD(key, 0, plain, hash) into sealed, then hash absorbs sealed */
static void
tempest_noise_seal(TempestNoiseTranscript *t, guint8 *sealed, const guint8 *plain, gsize len)
{
	const TempestAead *aead = tempest_aead_sodium();

	aead->seal(sealed, plain, len, t->hash, TEMPEST_HASH_LEN, 0, t->key);
	tempest_noise_mix_hash(t->hash, sealed, len + TEMPEST_AEAD_TAG_LEN);
}

static gboolean
tempest_noise_open(TempestNoiseTranscript *t, guint8 *plain, const guint8 *sealed, gsize len)
{
	const TempestAead *aead = tempest_aead_sodium();

	if (!aead->open(plain, sealed, len, t->hash, TEMPEST_HASH_LEN, 0, t->key))
		return FALSE;
	tempest_noise_mix_hash(t->hash, sealed, len);
	return TRUE;
}

TempestStaticIdentity *
tempest_static_identity_new(const guint8 private_key[TEMPEST_KEY_LEN])
{
	TempestStaticIdentity *self = tempest_secure_alloc(sizeof(TempestStaticIdentity));

	memcpy(self->private_key, private_key, TEMPEST_KEY_LEN);
	tempest_private_key_clamp(self->private_key);
	if (tempest_is_zero(private_key, TEMPEST_KEY_LEN) ||
	    !tempest_public_key_from_private(self->public_key, self->private_key)) {
		tempest_secure_free(self);
		return NULL;
	}
	tempest_hash2(self->responder_hash, tempest_noise_initial_hash(), TEMPEST_HASH_LEN,
		      self->public_key, TEMPEST_KEY_LEN);
	tempest_hash2(self->mac1_key, (const guint8 *)TEMPEST_LABEL_MAC1,
		      strlen(TEMPEST_LABEL_MAC1), self->public_key, TEMPEST_KEY_LEN);
	tempest_hash2(self->cookie_key, (const guint8 *)TEMPEST_LABEL_COOKIE,
		      strlen(TEMPEST_LABEL_COOKIE), self->public_key, TEMPEST_KEY_LEN);
	return self;
}

void
tempest_static_identity_free(TempestStaticIdentity *self)
{
	tempest_secure_free(self);
}

TempestHandshake *
tempest_handshake_new(const TempestStaticIdentity *local,
		      const guint8 remote_static[TEMPEST_KEY_LEN], const guint8 *psk)
{
	TempestHandshake *self;

	g_return_val_if_fail(local != NULL, NULL);
	self = tempest_secure_alloc(sizeof(TempestHandshake));
	if (!tempest_dh(self->static_static, local->private_key, remote_static)) {
		tempest_secure_free(self);
		return NULL;
	}
	g_mutex_init(&self->lock);
	self->local = local;
	memcpy(self->remote_static, remote_static, TEMPEST_KEY_LEN);
	if (psk != NULL)
		memcpy(self->psk, psk, TEMPEST_KEY_LEN);
	return self;
}

void
tempest_handshake_free(TempestHandshake *self)
{
	if (self == NULL)
		return;
	g_mutex_clear(&self->lock);
	tempest_secure_free(self);
}

void
tempest_handshake_set_psk(TempestHandshake *self, const guint8 *psk)
{
	g_mutex_lock(&self->lock);
	if (psk != NULL)
		memcpy(self->psk, psk, TEMPEST_KEY_LEN);
	else
		sodium_memzero(self->psk, TEMPEST_KEY_LEN);
	g_mutex_unlock(&self->lock);
}

const guint8 *
tempest_handshake_get_remote_static(const TempestHandshake *self)
{
	return self->remote_static;
}

TempestHandshakeState
tempest_handshake_get_state(TempestHandshake *self)
{
	TempestHandshakeState state;

	g_mutex_lock(&self->lock);
	state = self->state;
	g_mutex_unlock(&self->lock);
	return state;
}

guint32
tempest_handshake_get_local_index(TempestHandshake *self)
{
	guint32 index;

	g_mutex_lock(&self->lock);
	index = self->local_index;
	g_mutex_unlock(&self->lock);
	return index;
}

/* wipes the secrets of the handshake in progress; lock held */
static void
tempest_handshake_wipe_locked(TempestHandshake *self)
{
	sodium_memzero(self->hash, sizeof(self->hash));
	sodium_memzero(self->chaining_key, sizeof(self->chaining_key));
	sodium_memzero(self->ephemeral_private, sizeof(self->ephemeral_private));
	sodium_memzero(self->remote_ephemeral, sizeof(self->remote_ephemeral));
	self->local_index = 0;
	self->remote_index = 0;
	self->state = TEMPEST_HANDSHAKE_ZEROED;
}

void
tempest_handshake_clear(TempestHandshake *self)
{
	g_mutex_lock(&self->lock);
	tempest_handshake_wipe_locked(self);
	g_mutex_unlock(&self->lock);
}

/* the initiation's cryptography, on the transcript only; lock held */
static TempestNoiseResult
tempest_handshake_build_initiation(TempestHandshake *self, TempestNoiseTranscript *t,
				   const guint8 ephemeral_private[TEMPEST_KEY_LEN],
				   const guint8 timestamp[TEMPEST_TIMESTAMP_LEN],
				   TempestMsgInitiation *msg)
{
	memcpy(t->chaining_key, tempest_noise_initial_chaining_key(), TEMPEST_HASH_LEN);
	tempest_hash2(t->hash, tempest_noise_initial_hash(), TEMPEST_HASH_LEN, self->remote_static,
		      TEMPEST_KEY_LEN);
	if (!tempest_public_key_from_private(msg->ephemeral, ephemeral_private))
		return TEMPEST_NOISE_ERROR_KEY;
	tempest_noise_mix_ephemeral(t, msg->ephemeral);
	if (!tempest_noise_mix_dh(t, ephemeral_private, self->remote_static, TRUE))
		return TEMPEST_NOISE_ERROR_KEY;
	tempest_noise_seal(t, msg->encrypted_static, self->local->public_key, TEMPEST_KEY_LEN);
	tempest_noise_mix_shared(t, self->static_static, TRUE);
	tempest_noise_seal(t, msg->encrypted_timestamp, timestamp, TEMPEST_TIMESTAMP_LEN);
	return TEMPEST_NOISE_OK;
}

TempestNoiseResult
tempest_handshake_create_initiation_with(TempestHandshake *self, guint32 local_index,
					 const guint8 ephemeral_private[TEMPEST_KEY_LEN],
					 const guint8 timestamp[TEMPEST_TIMESTAMP_LEN],
					 TempestMsgInitiation *msg)
{
	TempestNoiseTranscript t;
	TempestNoiseResult result;

	tempest_msg_init_initiation(msg, local_index);
	g_mutex_lock(&self->lock);
	result = tempest_handshake_build_initiation(self, &t, ephemeral_private, timestamp, msg);
	if (result == TEMPEST_NOISE_OK) {
		tempest_handshake_wipe_locked(self);
		memcpy(self->hash, t.hash, TEMPEST_HASH_LEN);
		memcpy(self->chaining_key, t.chaining_key, TEMPEST_HASH_LEN);
		memcpy(self->ephemeral_private, ephemeral_private, TEMPEST_KEY_LEN);
		self->local_index = local_index;
		self->state = TEMPEST_HANDSHAKE_CREATED_INITIATION;
	}
	g_mutex_unlock(&self->lock);
	tempest_noise_transcript_wipe(&t);
	return result;
}

TempestNoiseResult
tempest_handshake_create_initiation(TempestHandshake *self, guint32 local_index,
				    TempestMsgInitiation *msg)
{
	guint8 ephemeral[TEMPEST_KEY_LEN];
	guint8 timestamp[TEMPEST_TIMESTAMP_LEN];
	TempestNoiseResult result;

	tempest_private_key_generate(ephemeral);
	tempest_timestamp_now(timestamp);
	result = tempest_handshake_create_initiation_with(self, local_index, ephemeral, timestamp,
							  msg);
	sodium_memzero(ephemeral, sizeof(ephemeral));
	return result;
}

/* the initiation's timestamp against the peer's record, then the commit; lock held */
static TempestNoiseResult
tempest_handshake_accept_initiation_locked(TempestHandshake *self, TempestNoiseTranscript *t,
					   const TempestMsgInitiation *msg, gint64 now)
{
	guint8 timestamp[TEMPEST_TIMESTAMP_LEN];

	tempest_noise_mix_shared(t, self->static_static, TRUE);
	if (!tempest_noise_open(t, timestamp, msg->encrypted_timestamp,
				sizeof(msg->encrypted_timestamp)))
		return TEMPEST_NOISE_ERROR_DECRYPT;
	/* TAI64N is big-endian, so byte order is time order */
	if (self->have_timestamp &&
	    memcmp(timestamp, self->greatest_timestamp, TEMPEST_TIMESTAMP_LEN) <= 0)
		return TEMPEST_NOISE_ERROR_REPLAY;
	if (self->last_initiation_consumed != 0 &&
	    now - self->last_initiation_consumed < TEMPEST_INITIATION_MIN_INTERVAL)
		return TEMPEST_NOISE_ERROR_FLOOD;

	tempest_handshake_wipe_locked(self);
	memcpy(self->hash, t->hash, TEMPEST_HASH_LEN);
	memcpy(self->chaining_key, t->chaining_key, TEMPEST_HASH_LEN);
	memcpy(self->remote_ephemeral, msg->ephemeral, TEMPEST_KEY_LEN);
	self->remote_index = tempest_msg_get_u32(msg->sender);
	memcpy(self->greatest_timestamp, timestamp, TEMPEST_TIMESTAMP_LEN);
	self->have_timestamp = TRUE;
	/* 0 means "never"; a monotonic clock at exactly 0 only delays the next one */
	self->last_initiation_consumed = now != 0 ? now : 1;
	self->state = TEMPEST_HANDSHAKE_CONSUMED_INITIATION;
	return TEMPEST_NOISE_OK;
}

static TempestNoiseResult
tempest_noise_open_initiator(const TempestStaticIdentity *local, const TempestMsgInitiation *msg,
			     TempestNoiseTranscript *t, guint8 initiator_static[TEMPEST_KEY_LEN])
{
	memcpy(t->chaining_key, tempest_noise_initial_chaining_key(), TEMPEST_HASH_LEN);
	memcpy(t->hash, local->responder_hash, TEMPEST_HASH_LEN);
	tempest_noise_mix_ephemeral(t, msg->ephemeral);
	if (!tempest_noise_mix_dh(t, local->private_key, msg->ephemeral, TRUE))
		return TEMPEST_NOISE_ERROR_KEY;
	if (!tempest_noise_open(t, initiator_static, msg->encrypted_static,
				sizeof(msg->encrypted_static)))
		return TEMPEST_NOISE_ERROR_DECRYPT;
	return TEMPEST_NOISE_OK;
}

TempestNoiseResult
tempest_noise_consume_initiation(const TempestStaticIdentity *local,
				 const TempestMsgInitiation *msg, gint64 now,
				 TempestHandshakeLookupFunc lookup, gpointer user_data,
				 TempestHandshake **out)
{
	TempestNoiseTranscript t;
	guint8 initiator_static[TEMPEST_KEY_LEN];
	TempestHandshake *hs = NULL;
	TempestNoiseResult result;

	result = tempest_noise_open_initiator(local, msg, &t, initiator_static);
	if (result == TEMPEST_NOISE_OK) {
		hs = lookup(initiator_static, user_data);
		if (hs == NULL || hs->local != local)
			result = TEMPEST_NOISE_ERROR_UNKNOWN_PEER;
	}
	if (result == TEMPEST_NOISE_OK) {
		g_mutex_lock(&hs->lock);
		result = tempest_handshake_accept_initiation_locked(hs, &t, msg, now);
		g_mutex_unlock(&hs->lock);
	}
	tempest_noise_transcript_wipe(&t);
	if (out != NULL)
		*out = result == TEMPEST_NOISE_OK ? hs : NULL;
	return result;
}

/* the response's cryptography after the ephemeral key is in: the two DHs, the PSK and the
 * empty payload; shared by both sides, which differ only in which keys they hold */
static TempestNoiseResult
tempest_noise_response_keys(TempestNoiseTranscript *t, const guint8 *ee_private,
			    const guint8 *ee_public, const guint8 *se_private,
			    const guint8 *se_public, const guint8 psk[TEMPEST_KEY_LEN])
{
	if (!tempest_noise_mix_dh(t, ee_private, ee_public, FALSE) ||
	    !tempest_noise_mix_dh(t, se_private, se_public, FALSE))
		return TEMPEST_NOISE_ERROR_KEY;
	tempest_noise_mix_psk(t, psk);
	return TEMPEST_NOISE_OK;
}

TempestNoiseResult
tempest_handshake_create_response_with(TempestHandshake *self, guint32 local_index,
				       const guint8 ephemeral_private[TEMPEST_KEY_LEN],
				       TempestMsgResponse *msg)
{
	TempestNoiseTranscript t;
	TempestNoiseResult result = TEMPEST_NOISE_OK;
	static const guint8 nothing[1] = {0};

	g_mutex_lock(&self->lock);
	if (self->state != TEMPEST_HANDSHAKE_CONSUMED_INITIATION)
		result = TEMPEST_NOISE_ERROR_STATE;
	tempest_msg_init_response(msg, local_index, self->remote_index);
	memcpy(t.hash, self->hash, TEMPEST_HASH_LEN);
	memcpy(t.chaining_key, self->chaining_key, TEMPEST_HASH_LEN);
	if (result == TEMPEST_NOISE_OK &&
	    !tempest_public_key_from_private(msg->ephemeral, ephemeral_private))
		result = TEMPEST_NOISE_ERROR_KEY;
	if (result == TEMPEST_NOISE_OK) {
		tempest_noise_mix_ephemeral(&t, msg->ephemeral);
		result = tempest_noise_response_keys(&t, ephemeral_private, self->remote_ephemeral,
						     ephemeral_private, self->remote_static,
						     self->psk);
	}
	if (result == TEMPEST_NOISE_OK) {
		tempest_noise_seal(&t, msg->encrypted_nothing, nothing, 0);
		memcpy(self->hash, t.hash, TEMPEST_HASH_LEN);
		memcpy(self->chaining_key, t.chaining_key, TEMPEST_HASH_LEN);
		memcpy(self->ephemeral_private, ephemeral_private, TEMPEST_KEY_LEN);
		self->local_index = local_index;
		self->state = TEMPEST_HANDSHAKE_CREATED_RESPONSE;
	}
	g_mutex_unlock(&self->lock);
	tempest_noise_transcript_wipe(&t);
	return result;
}

TempestNoiseResult
tempest_handshake_create_response(TempestHandshake *self, guint32 local_index,
				  TempestMsgResponse *msg)
{
	guint8 ephemeral[TEMPEST_KEY_LEN];
	TempestNoiseResult result;

	tempest_private_key_generate(ephemeral);
	result = tempest_handshake_create_response_with(self, local_index, ephemeral, msg);
	sodium_memzero(ephemeral, sizeof(ephemeral));
	return result;
}

TempestNoiseResult
tempest_handshake_consume_response(TempestHandshake *self, const TempestMsgResponse *msg)
{
	TempestNoiseTranscript t;
	TempestNoiseResult result = TEMPEST_NOISE_OK;
	guint8 nothing[1];

	g_mutex_lock(&self->lock);
	if (self->state != TEMPEST_HANDSHAKE_CREATED_INITIATION)
		result = TEMPEST_NOISE_ERROR_STATE;
	else if (tempest_msg_get_u32(msg->receiver) != self->local_index)
		result = TEMPEST_NOISE_ERROR_INDEX;
	memcpy(t.hash, self->hash, TEMPEST_HASH_LEN);
	memcpy(t.chaining_key, self->chaining_key, TEMPEST_HASH_LEN);
	if (result == TEMPEST_NOISE_OK) {
		tempest_noise_mix_ephemeral(&t, msg->ephemeral);
		result = tempest_noise_response_keys(&t, self->ephemeral_private, msg->ephemeral,
						     self->local->private_key, msg->ephemeral,
						     self->psk);
	}
	if (result == TEMPEST_NOISE_OK && !tempest_noise_open(&t, nothing, msg->encrypted_nothing,
							      sizeof(msg->encrypted_nothing)))
		result = TEMPEST_NOISE_ERROR_DECRYPT;
	if (result == TEMPEST_NOISE_OK) {
		memcpy(self->hash, t.hash, TEMPEST_HASH_LEN);
		memcpy(self->chaining_key, t.chaining_key, TEMPEST_HASH_LEN);
		memcpy(self->remote_ephemeral, msg->ephemeral, TEMPEST_KEY_LEN);
		self->remote_index = tempest_msg_get_u32(msg->sender);
		self->state = TEMPEST_HANDSHAKE_CONSUMED_RESPONSE;
	}
	g_mutex_unlock(&self->lock);
	tempest_noise_transcript_wipe(&t);
	return result;
}

TempestNoiseResult
tempest_handshake_begin_session(TempestHandshake *self, gint64 now, TempestKeypair **out)
{
	TempestKeypair *kp;
	guint8 first[TEMPEST_KEY_LEN], second[TEMPEST_KEY_LEN];
	gboolean initiator;

	g_mutex_lock(&self->lock);
	if (self->state != TEMPEST_HANDSHAKE_CONSUMED_RESPONSE &&
	    self->state != TEMPEST_HANDSHAKE_CREATED_RESPONSE) {
		g_mutex_unlock(&self->lock);
		*out = NULL;
		return TEMPEST_NOISE_ERROR_STATE;
	}
	initiator = self->state == TEMPEST_HANDSHAKE_CONSUMED_RESPONSE;
	tempest_kdf(first, second, NULL, self->chaining_key, NULL, 0);
	kp = tempest_secure_alloc(sizeof(TempestKeypair));
	memcpy(kp->send_key, initiator ? first : second, TEMPEST_KEY_LEN);
	memcpy(kp->recv_key, initiator ? second : first, TEMPEST_KEY_LEN);
	kp->local_index = self->local_index;
	kp->remote_index = self->remote_index;
	kp->created = now;
	kp->is_initiator = initiator;
	g_mutex_init(&kp->replay_lock);
	tempest_replay_init(&kp->replay);
	tempest_handshake_wipe_locked(self);
	g_mutex_unlock(&self->lock);
	sodium_memzero(first, sizeof(first));
	sodium_memzero(second, sizeof(second));
	*out = kp;
	return TEMPEST_NOISE_OK;
}

void
tempest_keypair_free(TempestKeypair *self)
{
	if (self == NULL)
		return;
	g_mutex_clear(&self->replay_lock);
	tempest_secure_free(self);
}

TempestNoiseResult
tempest_transport_seal(TempestKeypair *kp, const TempestAead *aead, gint64 now, guint8 *out,
		       const guint8 *plain, gsize len, gsize *out_len)
{
	guint64 counter;

	*out_len = 0;
	if (len > G_MAXSIZE - TEMPEST_MSG_TRANSPORT_MIN_LEN)
		return TEMPEST_NOISE_ERROR_LENGTH;
	if (now - kp->created >= TEMPEST_REJECT_AFTER_TIME)
		return TEMPEST_NOISE_ERROR_EXPIRED;
	counter = __atomic_fetch_add(&kp->send_counter, 1, __ATOMIC_RELAXED);
	if (counter >= TEMPEST_REJECT_AFTER_MESSAGES) {
		/* keep the counter pinned here, so 2^64 sends cannot wrap it back to valid */
		__atomic_store_n(&kp->send_counter, TEMPEST_REJECT_AFTER_MESSAGES,
				 __ATOMIC_RELAXED);
		return TEMPEST_NOISE_ERROR_EXPIRED;
	}
	tempest_msg_init_transport((TempestMsgTransport *)out, kp->remote_index, counter);
	aead->seal(out + TEMPEST_MSG_TRANSPORT_HEADER_LEN, plain, len, NULL, 0, counter,
		   kp->send_key);
	*out_len = len + TEMPEST_MSG_TRANSPORT_MIN_LEN;
	return TEMPEST_NOISE_OK;
}

TempestNoiseResult
tempest_transport_open(TempestKeypair *kp, const TempestAead *aead, gint64 now, const guint8 *msg,
		       gsize len, guint8 *plain, gsize *plain_len)
{
	const TempestMsgTransport *header = NULL;
	gsize sealed_len = 0;
	guint64 counter;
	gboolean fresh;

	*plain_len = 0;
	if (tempest_msg_parse_transport(msg, len, &header, &sealed_len) != TEMPEST_MSG_OK)
		return TEMPEST_NOISE_ERROR_LENGTH;
	if (tempest_msg_get_u32(header->receiver) != kp->local_index)
		return TEMPEST_NOISE_ERROR_INDEX;
	if (now - kp->created >= TEMPEST_REJECT_AFTER_TIME)
		return TEMPEST_NOISE_ERROR_EXPIRED;
	counter = tempest_msg_get_u64(header->counter);
	if (counter >= TEMPEST_REJECT_AFTER_MESSAGES)
		return TEMPEST_NOISE_ERROR_REPLAY;
	if (!aead->open(plain, msg + TEMPEST_MSG_TRANSPORT_HEADER_LEN, sealed_len, NULL, 0, counter,
			kp->recv_key))
		return TEMPEST_NOISE_ERROR_DECRYPT;
	g_mutex_lock(&kp->replay_lock);
	fresh = tempest_replay_check(&kp->replay, counter);
	g_mutex_unlock(&kp->replay_lock);
	if (!fresh)
		return TEMPEST_NOISE_ERROR_REPLAY;
	*plain_len = sealed_len - TEMPEST_AEAD_TAG_LEN;
	return TEMPEST_NOISE_OK;
}

gsize
tempest_transport_padded_len(gsize len, gsize mtu)
{
	gsize padded = (len + 15) & ~(gsize)15;

	if (mtu != 0 && padded > mtu)
		padded = MAX(len, mtu);
	return padded;
}
