/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "pegasus-handshake.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "tempest-aead.h"
#include "tempest-crypto.h"

typedef enum {
	PEGASUS_HS_INIT = 0,
	PEGASUS_HS_SENT_INITIATION,
	PEGASUS_HS_READ_INITIATION,
	PEGASUS_HS_DONE,
} PegasusHsState;

struct _PegasusHandshake {
	PegasusHsState state;
	gboolean is_initiator;
	PegasusIdentity local;
	guint8 remote_static[PEGASUS_KEY_LEN];
	guint8 ephemeral_private[PEGASUS_KEY_LEN];
	guint8 remote_ephemeral[PEGASUS_KEY_LEN];
	guint8 hash[32];
	guint8 chaining_key[32];
	guint8 key[32];
};

const gchar *
pegasus_hs_result_to_string(PegasusHsResult result)
{
	static const gchar *const names[] = {
		[PEGASUS_HS_OK] = "ok",
		[PEGASUS_HS_ERROR_LENGTH] = "not a handshake message",
		[PEGASUS_HS_ERROR_DECRYPT] = "does not decrypt (wrong key or tampered)",
		[PEGASUS_HS_ERROR_KEY] = "bad public key",
		[PEGASUS_HS_ERROR_STATE] = "unexpected at this step",
	};

	if ((guint)result >= G_N_ELEMENTS(names))
		return "unknown";
	return names[result];
}

PegasusIdentity *
pegasus_identity_new(const guint8 *ed25519_secret, gsize len)
{
	PegasusIdentity *self;

	tempest_crypto_init();
	if (ed25519_secret == NULL || len != crypto_sign_SECRETKEYBYTES)
		return NULL;
	self = tempest_secure_alloc(sizeof(*self));
	if (crypto_sign_ed25519_sk_to_curve25519(self->private_key, ed25519_secret) != 0 ||
	    !tempest_public_key_from_private(self->public_key, self->private_key)) {
		tempest_secure_free(self);
		return NULL;
	}
	return self;
}

void
pegasus_identity_free(PegasusIdentity *self)
{
	tempest_secure_free(self);
}

gboolean
pegasus_public_key_from_ed25519(guint8 out[PEGASUS_KEY_LEN], const guint8 *ed25519_public,
				gsize len)
{
	tempest_crypto_init();
	if (ed25519_public == NULL || len != crypto_sign_PUBLICKEYBYTES)
		return FALSE;
	return crypto_sign_ed25519_pk_to_curve25519(out, ed25519_public) == 0 &&
	       !tempest_is_zero(out, PEGASUS_KEY_LEN);
}

void
pegasus_keys_wipe(PegasusKeys *keys)
{
	sodium_memzero(keys, sizeof(*keys));
}

/* HASH(CONSTRUCTION) and HASH(HASH(CONSTRUCTION) || PROLOGUE): where every transcript starts */
static void
pegasus_handshake_start(PegasusHandshake *self, const guint8 responder_static[PEGASUS_KEY_LEN])
{
	tempest_hash2(self->chaining_key, (const guint8 *)PEGASUS_NOISE_CONSTRUCTION,
		      strlen(PEGASUS_NOISE_CONSTRUCTION), NULL, 0);
	tempest_hash2(self->hash, self->chaining_key, 32, (const guint8 *)PEGASUS_NOISE_PROLOGUE,
		      strlen(PEGASUS_NOISE_PROLOGUE));
	tempest_hash2(self->hash, self->hash, 32, responder_static, PEGASUS_KEY_LEN);
}

static PegasusHandshake *
pegasus_handshake_new(const PegasusIdentity *local, gboolean is_initiator)
{
	PegasusHandshake *self = tempest_secure_alloc(sizeof(*self));

	self->is_initiator = is_initiator;
	self->local = *local;
	return self;
}

PegasusHandshake *
pegasus_handshake_new_initiator(const PegasusIdentity *local,
				const guint8 remote_static[PEGASUS_KEY_LEN])
{
	PegasusHandshake *self = pegasus_handshake_new(local, TRUE);

	memcpy(self->remote_static, remote_static, PEGASUS_KEY_LEN);
	pegasus_handshake_start(self, remote_static);
	return self;
}

PegasusHandshake *
pegasus_handshake_new_responder(const PegasusIdentity *local)
{
	PegasusHandshake *self = pegasus_handshake_new(local, FALSE);

	pegasus_handshake_start(self, local->public_key);
	return self;
}

void
pegasus_handshake_free(PegasusHandshake *self)
{
	tempest_secure_free(self);
}

static void
pegasus_mix_hash(PegasusHandshake *self, const guint8 *data, gsize len)
{
	tempest_hash2(self->hash, self->hash, sizeof(self->hash), data, len);
}

/* MixKey(DH(private, public)): FALSE for a low-order point */
static gboolean
pegasus_mix_dh(PegasusHandshake *self, const guint8 *private_key, const guint8 *public_key)
{
	guint8 shared[PEGASUS_KEY_LEN];
	gboolean ok = tempest_dh(shared, private_key, public_key);

	if (ok)
		tempest_kdf(self->chaining_key, self->key, NULL, self->chaining_key, shared,
			    sizeof(shared));
	sodium_memzero(shared, sizeof(shared));
	return ok;
}

static void
pegasus_seal(PegasusHandshake *self, guint8 *sealed, const guint8 *plain, gsize len)
{
	tempest_aead_sodium()->seal(sealed, plain, len, self->hash, sizeof(self->hash), 0,
				    self->key);
	pegasus_mix_hash(self, sealed, len + TEMPEST_AEAD_TAG_LEN);
}

static gboolean
pegasus_open(PegasusHandshake *self, guint8 *plain, const guint8 *sealed, gsize len)
{
	if (!tempest_aead_sodium()->open(plain, sealed, len + TEMPEST_AEAD_TAG_LEN, self->hash,
					 sizeof(self->hash), 0, self->key))
		return FALSE;
	pegasus_mix_hash(self, sealed, len + TEMPEST_AEAD_TAG_LEN);
	return TRUE;
}

/* the ephemeral key: sent in clear, mixed into hash and chaining key */
static void
pegasus_mix_ephemeral(PegasusHandshake *self, const guint8 ephemeral_public[PEGASUS_KEY_LEN])
{
	pegasus_mix_hash(self, ephemeral_public, PEGASUS_KEY_LEN);
	tempest_kdf(self->chaining_key, NULL, NULL, self->chaining_key, ephemeral_public,
		    PEGASUS_KEY_LEN);
}

static void
pegasus_header(guint8 *out, guint8 type)
{
	out[0] = type;
	out[1] = out[2] = out[3] = 0;
}

static gboolean
pegasus_header_ok(const guint8 *msg, gsize len, guint8 type, gsize want)
{
	return msg != NULL && len == want && msg[0] == type && msg[1] == 0 && msg[2] == 0 &&
	       msg[3] == 0;
}

PegasusHsResult
pegasus_handshake_write_initiation_with(PegasusHandshake *self,
					const guint8 ephemeral_private[PEGASUS_KEY_LEN],
					const guint8 timestamp[PEGASUS_TIMESTAMP_LEN],
					guint8 out[PEGASUS_INITIATION_LEN])
{
	guint8 *ephemeral = out + 4;

	if (!self->is_initiator || self->state != PEGASUS_HS_INIT)
		return PEGASUS_HS_ERROR_STATE;
	memcpy(self->ephemeral_private, ephemeral_private, PEGASUS_KEY_LEN);
	tempest_private_key_clamp(self->ephemeral_private);
	if (!tempest_public_key_from_private(ephemeral, self->ephemeral_private))
		return PEGASUS_HS_ERROR_KEY;
	pegasus_header(out, PEGASUS_MSG_INITIATION);
	pegasus_mix_ephemeral(self, ephemeral);
	/* es, then s; ss, then the timestamp */
	if (!pegasus_mix_dh(self, self->ephemeral_private, self->remote_static))
		return PEGASUS_HS_ERROR_KEY;
	pegasus_seal(self, out + 36, self->local.public_key, PEGASUS_KEY_LEN);
	if (!pegasus_mix_dh(self, self->local.private_key, self->remote_static))
		return PEGASUS_HS_ERROR_KEY;
	pegasus_seal(self, out + 36 + 48, timestamp, PEGASUS_TIMESTAMP_LEN);
	self->state = PEGASUS_HS_SENT_INITIATION;
	return PEGASUS_HS_OK;
}

PegasusHsResult
pegasus_handshake_write_initiation(PegasusHandshake *self, guint8 out[PEGASUS_INITIATION_LEN])
{
	guint8 ephemeral[PEGASUS_KEY_LEN];
	guint8 timestamp[PEGASUS_TIMESTAMP_LEN];
	PegasusHsResult result;

	tempest_private_key_generate(ephemeral);
	pegasus_timestamp_now(timestamp);
	result = pegasus_handshake_write_initiation_with(self, ephemeral, timestamp, out);
	sodium_memzero(ephemeral, sizeof(ephemeral));
	return result;
}

PegasusHsResult
pegasus_handshake_read_initiation(PegasusHandshake *self, const guint8 *msg, gsize len,
				  guint8 remote_static[PEGASUS_KEY_LEN],
				  guint8 timestamp[PEGASUS_TIMESTAMP_LEN])
{
	if (self->is_initiator || self->state != PEGASUS_HS_INIT)
		return PEGASUS_HS_ERROR_STATE;
	if (!pegasus_header_ok(msg, len, PEGASUS_MSG_INITIATION, PEGASUS_INITIATION_LEN))
		return PEGASUS_HS_ERROR_LENGTH;
	/* a failure leaves the transcript half-mixed: the handshake is then spent */
	self->state = PEGASUS_HS_DONE;
	memcpy(self->remote_ephemeral, msg + 4, PEGASUS_KEY_LEN);
	pegasus_mix_ephemeral(self, self->remote_ephemeral);
	if (!pegasus_mix_dh(self, self->local.private_key, self->remote_ephemeral))
		return PEGASUS_HS_ERROR_KEY;
	if (!pegasus_open(self, self->remote_static, msg + 36, PEGASUS_KEY_LEN))
		return PEGASUS_HS_ERROR_DECRYPT;
	if (!pegasus_mix_dh(self, self->local.private_key, self->remote_static))
		return PEGASUS_HS_ERROR_KEY;
	if (!pegasus_open(self, timestamp, msg + 36 + 48, PEGASUS_TIMESTAMP_LEN))
		return PEGASUS_HS_ERROR_DECRYPT;
	memcpy(remote_static, self->remote_static, PEGASUS_KEY_LEN);
	self->state = PEGASUS_HS_READ_INITIATION;
	return PEGASUS_HS_OK;
}

/* Split(): the two transport keys from the final chaining key */
static void
pegasus_handshake_split(PegasusHandshake *self, PegasusKeys *keys)
{
	guint8 first[32];
	guint8 second[32];

	tempest_kdf(first, second, NULL, self->chaining_key, NULL, 0);
	keys->is_initiator = self->is_initiator;
	memcpy(keys->send_key, self->is_initiator ? first : second, 32);
	memcpy(keys->recv_key, self->is_initiator ? second : first, 32);
	sodium_memzero(first, sizeof(first));
	sodium_memzero(second, sizeof(second));
	sodium_memzero(self->ephemeral_private, sizeof(self->ephemeral_private));
	sodium_memzero(self->chaining_key, sizeof(self->chaining_key));
	sodium_memzero(self->key, sizeof(self->key));
	self->state = PEGASUS_HS_DONE;
}

PegasusHsResult
pegasus_handshake_write_response(PegasusHandshake *self, guint8 out[PEGASUS_RESPONSE_LEN],
				 PegasusKeys *keys)
{
	guint8 *ephemeral = out + 4;

	if (self->is_initiator || self->state != PEGASUS_HS_READ_INITIATION)
		return PEGASUS_HS_ERROR_STATE;
	self->state = PEGASUS_HS_DONE;
	tempest_private_key_generate(self->ephemeral_private);
	if (!tempest_public_key_from_private(ephemeral, self->ephemeral_private))
		return PEGASUS_HS_ERROR_KEY;
	pegasus_header(out, PEGASUS_MSG_RESPONSE);
	pegasus_mix_ephemeral(self, ephemeral);
	/* ee, se: the responder's fresh ephemeral enters every transport key */
	if (!pegasus_mix_dh(self, self->ephemeral_private, self->remote_ephemeral) ||
	    !pegasus_mix_dh(self, self->ephemeral_private, self->remote_static))
		return PEGASUS_HS_ERROR_KEY;
	pegasus_seal(self, out + 36, NULL, 0);
	pegasus_handshake_split(self, keys);
	return PEGASUS_HS_OK;
}

PegasusHsResult
pegasus_handshake_read_response(PegasusHandshake *self, const guint8 *msg, gsize len,
				PegasusKeys *keys)
{
	guint8 empty[1];

	if (!self->is_initiator || self->state != PEGASUS_HS_SENT_INITIATION)
		return PEGASUS_HS_ERROR_STATE;
	if (!pegasus_header_ok(msg, len, PEGASUS_MSG_RESPONSE, PEGASUS_RESPONSE_LEN))
		return PEGASUS_HS_ERROR_LENGTH;
	self->state = PEGASUS_HS_DONE;
	memcpy(self->remote_ephemeral, msg + 4, PEGASUS_KEY_LEN);
	pegasus_mix_ephemeral(self, self->remote_ephemeral);
	if (!pegasus_mix_dh(self, self->ephemeral_private, self->remote_ephemeral) ||
	    !pegasus_mix_dh(self, self->local.private_key, self->remote_ephemeral))
		return PEGASUS_HS_ERROR_KEY;
	/* only the holder of the dialled key's private half can seal this */
	if (!pegasus_open(self, empty, msg + 36, 0))
		return PEGASUS_HS_ERROR_DECRYPT;
	pegasus_handshake_split(self, keys);
	return PEGASUS_HS_OK;
}

void
pegasus_timestamp_now(guint8 out[PEGASUS_TIMESTAMP_LEN])
{
	static gint64 last_ns;
	static GMutex lock;
	struct timespec ts;
	gint64 ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
	g_mutex_lock(&lock);
	if (ns <= last_ns)
		ns = last_ns + 1;
	last_ns = ns;
	g_mutex_unlock(&lock);
	tempest_timestamp_from_unix(out, ns / 1000000000, (guint32)(ns % 1000000000));
}

gboolean
pegasus_timestamp_newer(const guint8 candidate[PEGASUS_TIMESTAMP_LEN],
			const guint8 last[PEGASUS_TIMESTAMP_LEN])
{
	return memcmp(candidate, last, PEGASUS_TIMESTAMP_LEN) > 0;
}
