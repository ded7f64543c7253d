/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-identity.h"

#include <arctic-plugin.h>
#include <sodium.h>
#include <string.h>

/* peer.key holds the base64 of the 32-byte Ed25519 seed on one line, mode 0600. The expanded
 * secret key lives only in sodium_malloc memory. */

struct _ArcIdentity {
	GObject parent_instance;
	gchar *path;
	guint8 *secret_key; /* sodium_malloc, crypto_sign_SECRETKEYBYTES */
	guint8 public_key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	gchar *public_key_b64;
};

G_DEFINE_FINAL_TYPE(ArcIdentity, arc_identity, G_TYPE_OBJECT)

static void
arc_identity_finalize(GObject *object)
{
	ArcIdentity *self = ARC_IDENTITY(object);
	if (self->secret_key != NULL)
		sodium_free(self->secret_key);
	g_free(self->path);
	g_free(self->public_key_b64);
	G_OBJECT_CLASS(arc_identity_parent_class)->finalize(object);
}

static void
arc_identity_class_init(ArcIdentityClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_identity_finalize;
}

static void
arc_identity_init(ArcIdentity *self)
{
}

/**
 * arc_identity_new_from_seed:
 * @path: (nullable): the file the seed came from, for arc_identity_get_path()
 * @seed: the 32-byte Ed25519 seed, copied
 *
 * The key pair of a seed; reading and writing peer.key is the engine's (arc-key-file.c).
 *
 * Returns: (transfer full): the identity
 */
ArcIdentity *
arc_identity_new_from_seed(const gchar *path, const guint8 *seed)
{
	ArcIdentity *self = g_object_new(ARC_TYPE_IDENTITY, NULL);
	self->path = g_strdup(path);
	self->secret_key = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_seed_keypair(self->public_key, self->secret_key, seed);
	self->public_key_b64 = g_base64_encode(self->public_key, sizeof(self->public_key));
	return self;
}

/**
 * arc_identity_new_random:
 *
 * A key pair of a fresh random seed, kept in memory only (tests, tools).
 *
 * Returns: (transfer full): the identity
 */
ArcIdentity *
arc_identity_new_random(void)
{
	guint8 *seed = sodium_malloc(crypto_sign_SEEDBYTES);
	ArcIdentity *self;

	randombytes_buf(seed, crypto_sign_SEEDBYTES);
	self = arc_identity_new_from_seed(NULL, seed);
	sodium_free(seed);
	return self;
}

const guint8 *
arc_identity_get_public_key(ArcIdentity *self)
{
	return self->public_key;
}

const gchar *
arc_identity_get_public_key_base64(ArcIdentity *self)
{
	return self->public_key_b64;
}

const gchar *
arc_identity_get_path(ArcIdentity *self)
{
	return self->path;
}

/**
 * arc_identity_sign:
 * @self: the identity
 * @data: bytes to sign
 * @len: length of @data
 * @signature: (out caller-allocates): the Ed25519 signature
 */
void
arc_identity_sign(ArcIdentity *self, const guint8 *data, gsize len,
		  guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE])
{
	crypto_sign_detached(signature, NULL, data, len, self->secret_key);
}

/**
 * arc_identity_dup_private_key:
 * @self: the identity
 *
 * The Ed25519 secret key in libsodium's form, for a transport plugin
 * (#ArcTransportSettings.private_key), in its own sodium_malloc memory that is wiped when
 * the last reference goes.
 *
 * Returns: (transfer full): 64 bytes
 */
GBytes *
arc_identity_dup_private_key(ArcIdentity *self)
{
	guint8 *copy;

	g_return_val_if_fail(ARC_IS_IDENTITY(self), NULL);
	copy = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	memcpy(copy, self->secret_key, crypto_sign_SECRETKEYBYTES);
	return g_bytes_new_with_free_func(copy, crypto_sign_SECRETKEYBYTES, sodium_free, copy);
}
