/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-tunnel-key.h"

#include <arctic-plugin.h>
#include <sodium.h>

/* tunnel.key, beside peer.key: the peer's X25519 key for the tunnel (WireGuard's static key),
 * kept apart from the Ed25519 identity so that neither key serves two protocols. Its public
 * half is published in the peer's signed record; the private half lives only in sodium_malloc
 * memory and goes to the tunnel plugin as a GBytes over such memory. */

G_STATIC_ASSERT(crypto_scalarmult_SCALARBYTES == ARC_TUNNEL_KEY_SIZE);
G_STATIC_ASSERT(crypto_scalarmult_BYTES == ARC_TUNNEL_KEY_SIZE);

struct _ArcTunnelKey {
	GObject parent_instance;
	guint8 *private_key; /* sodium_malloc, ARC_TUNNEL_KEY_SIZE */
	guint8 public_key[ARC_TUNNEL_KEY_SIZE];
	gchar *public_key_b64;
};

G_DEFINE_FINAL_TYPE(ArcTunnelKey, arc_tunnel_key, G_TYPE_OBJECT)

static void
arc_tunnel_key_finalize(GObject *object)
{
	ArcTunnelKey *self = ARC_TUNNEL_KEY(object);

	if (self->private_key != NULL)
		sodium_free(self->private_key);
	g_free(self->public_key_b64);
	G_OBJECT_CLASS(arc_tunnel_key_parent_class)->finalize(object);
}

static void
arc_tunnel_key_class_init(ArcTunnelKeyClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_tunnel_key_finalize;
}

static void
arc_tunnel_key_init(ArcTunnelKey *self)
{
}

/* WireGuard's clamping, so that the file holds the key `wg genkey` would */
void
arc_tunnel_key_clamp(guint8 key[ARC_TUNNEL_KEY_SIZE])
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

/**
 * arc_tunnel_key_new:
 * @private_key: (transfer full): a clamped private key in sodium_malloc() memory, which the
 *   key frees
 *
 * The key pair of a private key; reading and writing tunnel.key is the engine's
 * (arc-key-file.c).
 *
 * Returns: (transfer full): the key
 */
ArcTunnelKey *
arc_tunnel_key_new(guint8 *private_key)
{
	ArcTunnelKey *self = g_object_new(ARC_TYPE_TUNNEL_KEY, NULL);

	self->private_key = private_key;
	crypto_scalarmult_base(self->public_key, self->private_key);
	self->public_key_b64 = g_base64_encode(self->public_key, sizeof(self->public_key));
	return self;
}

const guint8 *
arc_tunnel_key_get_public_key(ArcTunnelKey *self)
{
	g_return_val_if_fail(ARC_IS_TUNNEL_KEY(self), NULL);
	return self->public_key;
}

const gchar *
arc_tunnel_key_get_public_key_base64(ArcTunnelKey *self)
{
	g_return_val_if_fail(ARC_IS_TUNNEL_KEY(self), NULL);
	return self->public_key_b64;
}

/**
 * arc_tunnel_key_dup_private_key:
 * @self: the key
 *
 * The private key for #ArcTunnelSettings, in its own sodium_malloc memory that is wiped when
 * the last reference goes.
 *
 * Returns: (transfer full): 32 bytes
 */
GBytes *
arc_tunnel_key_dup_private_key(ArcTunnelKey *self)
{
	guint8 *copy;

	g_return_val_if_fail(ARC_IS_TUNNEL_KEY(self), NULL);
	copy = sodium_malloc(ARC_TUNNEL_KEY_SIZE);
	memcpy(copy, self->private_key, ARC_TUNNEL_KEY_SIZE);
	return g_bytes_new_with_free_func(copy, ARC_TUNNEL_KEY_SIZE, sodium_free, copy);
}

/**
 * arc_tunnel_key_parse_public:
 * @base64: a public key as a peer record carries it
 * @key: (out caller-allocates): the key
 *
 * Returns: %TRUE when @base64 is the standard base64 of 32 bytes (as `wg pubkey` prints)
 */
gboolean
arc_tunnel_key_parse_public(const gchar *base64, guint8 key[ARC_TUNNEL_KEY_SIZE])
{
	gsize len = 0;

	if (base64 == NULL || strlen(base64) != 44 || base64[43] != '=')
		return FALSE;
	if (sodium_base642bin(key, ARC_TUNNEL_KEY_SIZE, base64, 44, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return FALSE;
	return len == ARC_TUNNEL_KEY_SIZE;
}
