/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sodium.h>

G_BEGIN_DECLS

/**
 * ArcLicenseToolKeyPair:
 * @sk: the libsodium Ed25519 secret key (seed followed by the public key)
 * @pk: the public key
 *
 * An issuer's key pair. Always allocated with sodium_malloc(), so the secret never leaves
 * guarded, wiped memory.
 */
typedef struct {
	guint8 sk[crypto_sign_SECRETKEYBYTES];
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	/*< private >*/
	guint8 check_pk[crypto_sign_PUBLICKEYBYTES];
	guint8 check_sk[crypto_sign_SECRETKEYBYTES];
	gchar text[256];
} ArcLicenseToolKeyPair;

ArcLicenseToolKeyPair *arc_license_tool_key_pair_new(GError **error);
ArcLicenseToolKeyPair *arc_license_tool_key_pair_load(const gchar *secret_path, GError **error);
gboolean arc_license_tool_key_pair_save(ArcLicenseToolKeyPair *self, const gchar *secret_path,
					const gchar *public_path, gboolean force, GError **error);
gchar *arc_license_tool_key_pair_get_public_b64(ArcLicenseToolKeyPair *self);
void arc_license_tool_key_pair_free(ArcLicenseToolKeyPair *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcLicenseToolKeyPair, arc_license_tool_key_pair_free)

G_END_DECLS
