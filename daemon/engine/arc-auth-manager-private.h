/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-auth-manager.h"

G_BEGIN_DECLS

/* Shared by the files of ArcAuthManager only: arc-auth-manager.c (state, loading),
 * arc-auth-issuer.c (issuer, peer keys), arc-auth-tokens.c (tokens, recovery) and
 * arc-auth-credentials.c (credentials). Nothing outside them includes it. */

#define ARC_AUTH_RECORD_KIND "credential"
/* the cluster's issuer URL, one record for the whole cluster */
#define ARC_AUTH_ISSUER_KIND "auth_issuer"
#define ARC_AUTH_ISSUER_ID "cluster"
#define ARC_AUTH_CACHE_MAX 4096
#define ARC_AUTH_CLOCK_SKEW_SECS 60
#define ARC_AUTH_RECOVERY_BYTES 32

/* Verified tokens are cached by their exact bytes: an Ed25519 verification costs more than
 * serving a request, and a client reuses its token for an hour. A hit still checks expiry,
 * that the credential was not revoked, that the signing peer is still a member with the key
 * that verified the signature, and the audience and issuer windows: the cache survives peer
 * changes (every handshake is one) without letting a removed peer's tokens through. */
typedef struct {
	ArcScope scopes;
	gchar *client_id;
	gchar *kid;
	gchar *aud;
	gchar *iss;
	GBytes *key; /* the key the signature verified with */
	gint64 exp;
} ArcAuthCachedToken;

struct _ArcAuthManager {
	GObject parent_instance;
	ArcStorage *storage;
	ArcIdentity *identity;
	gchar *peer_id;
	gchar *cluster_id;
	gchar *issuer_url;              /* [auth] issuer, NULL: derived from the cluster id */
	gchar *configured_issuer;       /* [auth] issuer of this agent, which wins here */
	gchar *issuer;                  /* `iss` of every token of the cluster */
	GHashTable *former_cluster_ids; /* id → gint64: accepted as audience until then */
	GHashTable *former_issuers;     /* iss → gint64: accepted until then */
	GHashTable *credentials;        /* client_id → ArcCredential */
	GHashTable *peer_keys;          /* peer_id → GBytes (32) */
	GHashTable *token_cache;        /* token → ArcAuthCachedToken */
	gchar *recovery_token;          /* sodium_malloc */
};

gboolean arc_auth_manager_audience_ok(ArcAuthManager *self, const gchar *aud, gint64 now);
gboolean arc_auth_manager_issuer_ok(ArcAuthManager *self, const gchar *iss, gint64 now);

G_END_DECLS
