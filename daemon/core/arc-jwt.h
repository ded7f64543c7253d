/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-identity.h"

G_BEGIN_DECLS

#define ARC_JWT_MAX_SIZE 8192
/* RFC 9068 §2.1: the media type of a JWT access token, without `application/` */
#define ARC_JWT_TYPE "at+jwt"

/**
 * ArcJwt:
 *
 * An access token as the agent issues it, an RFC 9068 JWT access token: header `typ`
 * `at+jwt`, EdDSA (Ed25519), `kid` = issuing peer id; claims iss (the cluster's issuer),
 * sub, client_id, aud, scope, iat, exp, jti (DESIGN.md §4).
 */
typedef struct {
	gchar *kid;
	gchar *iss;
	gchar *sub;
	gchar *client_id;
	gchar *aud;
	gchar *scope;
	gchar *jti;
	gint64 iat;
	gint64 exp;
	/*< private >*/
	gchar *signing_input;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
} ArcJwt;

ArcJwt *arc_jwt_new(void);
void arc_jwt_free(ArcJwt *self);
ArcJwt *arc_jwt_parse(const gchar *token, gsize len, GError **error);
gboolean arc_jwt_verify_signature(ArcJwt *self, const guint8 *public_key, GError **error);
gchar *arc_jwt_encode(ArcJwt *self, ArcIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcJwt, arc_jwt_free)

G_END_DECLS
