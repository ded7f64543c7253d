/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "auth"

#include "arc-auth-manager-private.h"

#include <sodium.h>
#include <string.h>

#include "arc-jwt.h"
#include "arc-time.h"

/* Issuing tokens for a client id and secret, verifying them (with the cache of verified
 * tokens), and the break-glass recovery token. */

static void
arc_auth_manager_touch(ArcAuthManager *self, ArcCredential *credential, gint64 now)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *key = g_strconcat("credential.last_used.", credential->client_id, NULL);
	g_autofree gchar *value = g_strdup_printf("%" G_GINT64_FORMAT, now);
	g_autoptr(GError) error = NULL;

	credential->last_used_at = now;
	arc_storage_txn_set_meta(txn, key, value);
	if (!arc_storage_commit(self->storage, txn, &error))
		g_warning("cannot record when %s was last used: %s", credential->client_id,
			  error->message);
}

/**
 * arc_auth_manager_issue_token:
 * @self: the manager
 * @client_id: the OAuth2 client id
 * @secret: the client secret
 * @requested: the scopes the client asked for, %ARC_SCOPE_NONE for all of its own
 * @error: return location for a #GError
 *
 * The client-credentials grant.
 *
 * Returns: (transfer full): the access token, or %NULL with %ARC_ERROR_UNAUTHORIZED, or
 *   %ARC_ERROR_FORBIDDEN when @requested exceeds the client's scopes
 */
ArcTokenGrant *
arc_auth_manager_issue_token(ArcAuthManager *self, const gchar *client_id, const gchar *secret,
			     ArcScope requested, GError **error)
{
	ArcCredential *credential = g_hash_table_lookup(self->credentials, client_id);
	g_autoptr(ArcJwt) jwt = arc_jwt_new();
	ArcTokenGrant *grant;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (!arc_credential_check_secret(credential, secret, now)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "invalid client credentials");
		return NULL;
	}
	if (self->identity == NULL || self->issuer == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return NULL;
	}
	jwt->kid = g_strdup(self->peer_id);
	jwt->iss = g_strdup(self->issuer);
	jwt->sub = g_strdup(client_id);
	/* RFC 9068 §2.2: with client credentials the subject is the client itself */
	jwt->client_id = g_strdup(client_id);
	jwt->aud = g_strdup(self->cluster_id);
	if (requested != ARC_SCOPE_NONE && !arc_scope_is_subset(requested, credential->scopes)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
				    "the requested scope exceeds the client's scopes");
		return NULL;
	}
	jwt->scope =
		arc_scope_to_claim(requested != ARC_SCOPE_NONE ? requested : credential->scopes);
	jwt->iat = now;
	jwt->exp = now + ARC_TOKEN_LIFETIME_SECS;
	jwt->jti = arc_id_new(NULL);
	grant = g_new0(ArcTokenGrant, 1);
	grant->access_token = arc_jwt_encode(jwt, self->identity);
	grant->expires_in = ARC_TOKEN_LIFETIME_SECS;
	grant->scope = g_strdup(jwt->scope);
	arc_auth_manager_touch(self, credential, now);
	return grant;
}

/* what arc_auth_manager_verify() checked that can change without the token changing: the
 * signer's membership and key, and the windows of a former audience or issuer */
static gboolean
arc_auth_manager_cache_hit_ok(ArcAuthManager *self, const ArcAuthCachedToken *cached, gint64 now,
			      GError **error)
{
	GBytes *key = g_hash_table_lookup(self->peer_keys, cached->kid);

	if (key == NULL || !g_bytes_equal(key, cached->key)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token was not issued by a peer of this cluster");
		return FALSE;
	}
	if (!arc_auth_manager_audience_ok(self, cached->aud, now) ||
	    !arc_auth_manager_issuer_ok(self, cached->iss, now)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token is for another cluster");
		return FALSE;
	}
	return TRUE;
}

static ArcCaller *
arc_auth_manager_caller_from_cache(ArcAuthManager *self, ArcAuthCachedToken *cached, gint64 now,
				   GError **error)
{
	ArcCaller *caller;

	if (!arc_auth_manager_cache_hit_ok(self, cached, now, error))
		return NULL;
	if (now >= cached->exp) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_TOKEN_EXPIRED, "token has expired");
		return NULL;
	}
	if (!g_hash_table_contains(self->credentials, cached->client_id)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "the token's credential has been revoked");
		return NULL;
	}
	caller = g_new0(ArcCaller, 1);
	caller->client_id = g_strdup(cached->client_id);
	caller->scopes = cached->scopes;
	return caller;
}

static ArcAuthCachedToken *
arc_auth_manager_verify(ArcAuthManager *self, const gchar *token, gint64 now, GError **error)
{
	g_autoptr(ArcJwt) jwt = arc_jwt_parse(token, strlen(token), error);
	GBytes *key;
	ArcAuthCachedToken *cached;

	if (jwt == NULL)
		return NULL;
	key = g_hash_table_lookup(self->peer_keys, jwt->kid);
	if (key == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token was not issued by a peer of this cluster");
		return NULL;
	}
	if (!arc_jwt_verify_signature(jwt, g_bytes_get_data(key, NULL), error))
		return NULL;
	if (!arc_auth_manager_audience_ok(self, jwt->aud, now) ||
	    !arc_auth_manager_issuer_ok(self, jwt->iss, now) ||
	    g_strcmp0(jwt->client_id, jwt->sub) != 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token is for another cluster");
		return NULL;
	}
	if (jwt->iat > now + ARC_AUTH_CLOCK_SKEW_SECS) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token was issued in the future");
		return NULL;
	}
	/* a peer's key signs nothing that lives longer than a token it would issue itself:
	 * a stolen or buggy signer cannot mint a token for a year */
	if (jwt->exp - jwt->iat > ARC_TOKEN_LIFETIME_SECS ||
	    jwt->exp > now + ARC_TOKEN_LIFETIME_SECS + ARC_AUTH_CLOCK_SKEW_SECS) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "token outlives the issuer's maximum lifetime");
		return NULL;
	}
	cached = g_new0(ArcAuthCachedToken, 1);
	cached->client_id = g_strdup(jwt->sub);
	cached->scopes = arc_scope_parse_claim(jwt->scope);
	cached->kid = g_strdup(jwt->kid);
	cached->aud = g_strdup(jwt->aud);
	cached->iss = g_strdup(jwt->iss);
	cached->key = g_bytes_ref(key);
	cached->exp = jwt->exp;
	return cached;
}

/**
 * arc_auth_manager_authenticate_bearer:
 * @self: the manager
 * @token: the bearer token of a request
 * @error: return location for a #GError
 *
 * Returns: (transfer full): who is calling, or %NULL with %ARC_ERROR_UNAUTHORIZED or
 *   %ARC_ERROR_TOKEN_EXPIRED
 */
ArcCaller *
arc_auth_manager_authenticate_bearer(ArcAuthManager *self, const gchar *token, GError **error)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	ArcAuthCachedToken *cached = g_hash_table_lookup(self->token_cache, token);

	if (cached == NULL) {
		if (self->cluster_id == NULL) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
					    "agent is not bootstrapped");
			return NULL;
		}
		cached = arc_auth_manager_verify(self, token, now, error);
		if (cached == NULL)
			return NULL;
		if (g_hash_table_size(self->token_cache) >= ARC_AUTH_CACHE_MAX)
			g_hash_table_remove_all(self->token_cache);
		g_hash_table_insert(self->token_cache, g_strdup(token), cached);
	}
	return arc_auth_manager_caller_from_cache(self, cached, now, error);
}

/**
 * arc_auth_manager_setup_recovery:
 * @self: the manager
 * @path: where to write the token, mode 0600
 * @error: return location for a #GError
 *
 * Makes a new break-glass token; the previous one stops working.
 *
 * Returns: %TRUE if the token was written
 */
gboolean
arc_auth_manager_setup_recovery(ArcAuthManager *self, const gchar *path, GError **error)
{
	guint8 raw[ARC_AUTH_RECOVERY_BYTES];
	g_autofree gchar *b64 = NULL;
	g_autofree gchar *line = NULL;
	gboolean ok;

	if (self->recovery_token != NULL) {
		sodium_free(self->recovery_token);
		self->recovery_token = NULL;
	}
	randombytes_buf(raw, sizeof(raw));
	b64 = arc_base64url_encode(raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	line = g_strconcat(b64, "\n", NULL);
	ok = g_file_set_contents_full(path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
	sodium_memzero(line, strlen(line));
	if (ok) {
		self->recovery_token = sodium_malloc(strlen(b64) + 1);
		memcpy(self->recovery_token, b64, strlen(b64) + 1);
	}
	sodium_memzero(b64, strlen(b64));
	return ok;
}

/**
 * arc_auth_manager_authenticate_recovery:
 * @self: the manager
 * @value: the `X-Arctic-Recovery` header
 * @error: return location for a #GError
 *
 * Returns: (transfer full): an admin caller, or %NULL with %ARC_ERROR_UNAUTHORIZED
 */
ArcCaller *
arc_auth_manager_authenticate_recovery(ArcAuthManager *self, const gchar *value, GError **error)
{
	gsize len = strlen(value);
	ArcCaller *caller;

	if (self->recovery_token == NULL || len != strlen(self->recovery_token) ||
	    sodium_memcmp(value, self->recovery_token, len) != 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
				    "invalid recovery token");
		return NULL;
	}
	caller = g_new0(ArcCaller, 1);
	caller->scopes = ARC_SCOPE_ALL;
	caller->recovery = TRUE;
	return caller;
}
