/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-identity.h"

#include "arc-key-file.h"

#include <arctic-plugin.h>
#include <sodium.h>
#include <string.h>

/* peer.key holds the base64 of the 32-byte Ed25519 seed on one line, mode 0600. The expanded
 * secret key lives only in sodium_malloc memory. */

G_STATIC_ASSERT(crypto_sign_SEEDBYTES == ARC_KEY_FILE_SECRET_SIZE);

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

static ArcIdentity *
arc_identity_new_from_seed(const gchar *path, const guint8 *seed)
{
	ArcIdentity *self = g_object_new(ARC_TYPE_IDENTITY, NULL);
	self->path = g_strdup(path);
	self->secret_key = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_seed_keypair(self->public_key, self->secret_key, seed);
	self->public_key_b64 = g_base64_encode(self->public_key, sizeof(self->public_key));
	return self;
}

static gboolean
arc_identity_read_seed(const gchar *path, guint8 *seed, GError **error)
{
	g_autofree gchar *not_a_key = g_strdup_printf(
		"%s does not hold an Ed25519 key; restore it from a backup or reset the agent "
		"(remove arctic.db and peer.key) and bootstrap again",
		path);

	return arc_key_file_read(path, "peer's private key", not_a_key, seed, error);
}

/**
 * arc_identity_load:
 * @path: the peer.key file
 * @error: return location for a #GError
 *
 * Loads the peer's key, refusing a file other users can read.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
ArcIdentity *
arc_identity_load(const gchar *path, GError **error)
{
	guint8 *seed = sodium_malloc(crypto_sign_SEEDBYTES);
	ArcIdentity *self = NULL;

	if (arc_identity_read_seed(path, seed, error))
		self = arc_identity_new_from_seed(path, seed);
	sodium_free(seed);
	return self;
}

/**
 * arc_identity_load_or_create:
 * @path: the peer.key file
 * @error: return location for a #GError
 *
 * Used at bootstrap: keeps an existing, well-protected key (a restored peer.key keeps the
 * host's identity) and otherwise creates one.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
ArcIdentity *
arc_identity_load_or_create(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	ArcIdentity *self = arc_identity_load(path, &error_local);
	guint8 *seed;

	if (self != NULL)
		return self;
	if (!g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		arc_error_convert(&error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	seed = sodium_malloc(crypto_sign_SEEDBYTES);
	randombytes_buf(seed, crypto_sign_SEEDBYTES);
	if (arc_key_file_write(path, seed, error))
		self = arc_identity_new_from_seed(path, seed);
	else
		arc_error_convert(error);
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
