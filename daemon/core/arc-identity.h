/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ARC_IDENTITY_PUBLIC_KEY_SIZE 32
#define ARC_IDENTITY_SIGNATURE_SIZE 64

#define ARC_TYPE_IDENTITY (arc_identity_get_type())
G_DECLARE_FINAL_TYPE(ArcIdentity, arc_identity, ARC, IDENTITY, GObject)

ArcIdentity *arc_identity_new_from_seed(const gchar *path, const guint8 *seed);
ArcIdentity *arc_identity_new_random(void);
const guint8 *arc_identity_get_public_key(ArcIdentity *self);
GBytes *arc_identity_dup_private_key(ArcIdentity *self);
const gchar *arc_identity_get_public_key_base64(ArcIdentity *self);
const gchar *arc_identity_get_path(ArcIdentity *self);
void arc_identity_sign(ArcIdentity *self, const guint8 *data, gsize len,
		       guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE]);

G_END_DECLS
