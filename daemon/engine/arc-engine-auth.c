/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine.h"
#include "arc-engine-license.h"
#include "arc-engine-managers.h"

#include <sodium.h>

#include "arc-metrics.h"

/* The engine's side of authentication: it authorises the caller (scope, then license state),
 * then hands tokens and credentials to the auth manager (arc-auth-manager.h). */

void
arc_created_credential_free(ArcCreatedCredential *self)
{
	if (self == NULL)
		return;
	if (self->client_secret != NULL) {
		sodium_memzero(self->client_secret, strlen(self->client_secret));
		g_free(self->client_secret);
	}
	g_free(self);
}

/**
 * arc_engine_get_token_issuer:
 * @self: the engine
 *
 * Returns: (nullable): the `iss` of the cluster's tokens, %NULL before bootstrap
 */
const gchar *
arc_engine_get_token_issuer(ArcEngine *self)
{
	return arc_engine_get_auth(self) != NULL
		       ? arc_auth_manager_get_issuer(arc_engine_get_auth(self))
		       : NULL;
}

/**
 * arc_engine_get_public_url:
 * @self: the engine
 *
 * Where clients reach the token endpoint and the JWKS: the configured issuer URL, which
 * names the cluster's front door, else this agent's advertised address. Never what a
 * request's `Host` header claims: a client would be sent wherever it was told.
 *
 * Returns: (transfer full): a URL without trailing slash
 */
gchar *
arc_engine_get_public_url(ArcEngine *self)
{
	g_autofree gchar *address = NULL;
	const gchar *url = arc_engine_get_auth(self) != NULL
				   ? arc_auth_manager_get_issuer_url(arc_engine_get_auth(self))
				   : NULL;

	if (url != NULL)
		return g_strdup(url);
	/* `https://host:port` already when the API port speaks TLS */
	address = arc_node_advertised_address(arc_engine_get_node(self), NULL);
	if (g_str_has_prefix(address, "https://"))
		return g_steal_pointer(&address);
	return g_strconcat("http://", address, NULL);
}

/**
 * arc_engine_issue_token:
 * @self: the engine
 * @client_id: OAuth2 client id
 * @client_secret: OAuth2 client secret
 * @requested: the scopes asked for (the `scope` parameter), %ARC_SCOPE_NONE for all the
 *   client's own
 * @error: return location for a #GError
 *
 * Returns: (transfer full): an access token, or %NULL with %ARC_ERROR_UNAUTHORIZED, or
 *   %ARC_ERROR_FORBIDDEN when @requested exceeds the client's scopes
 */
ArcTokenGrant *
arc_engine_issue_token(ArcEngine *self, const gchar *client_id, const gchar *client_secret,
		       ArcScope requested, GError **error)
{
	return arc_auth_manager_issue_token(arc_engine_get_auth(self), client_id, client_secret,
					    requested, error);
}

/**
 * arc_engine_authenticate:
 * @self: the engine
 * @bearer: (nullable): the bearer token
 * @recovery: (nullable): the recovery token
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the caller, or %NULL with %ARC_ERROR_UNAUTHORIZED or
 *   %ARC_ERROR_TOKEN_EXPIRED
 */
ArcCaller *
arc_engine_authenticate(ArcEngine *self, const gchar *bearer, const gchar *recovery, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	ArcCaller *caller;

	if (recovery != NULL)
		return arc_auth_manager_authenticate_recovery(arc_engine_get_auth(self), recovery,
							      error);
	if (bearer == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED, "unauthorized");
		return NULL;
	}
	caller = arc_auth_manager_authenticate_bearer(arc_engine_get_auth(self), bearer,
						      &error_local);
	if (caller == NULL) {
		arc_metrics_count("arctic_token_rejections_total",
				  g_error_matches(error_local, ARC_ERROR, ARC_ERROR_TOKEN_EXPIRED)
					  ? "reason=\"expired\""
					  : "reason=\"invalid\"");
		g_propagate_error(error, g_steal_pointer(&error_local));
	}
	return caller;
}

/**
 * arc_engine_check_scope:
 * @caller: who is calling
 * @needed: the scope the operation requires
 * @error: return location for a #GError
 *
 * The scope alone, for the license operations, which every license state allows.
 *
 * Returns: %TRUE if @caller holds @needed; otherwise %ARC_ERROR_FORBIDDEN
 */
gboolean
arc_engine_check_scope(const ArcCaller *caller, ArcScope needed, GError **error)
{
	if (!arc_scope_allows(caller->scopes, needed)) {
		g_autofree gchar *claim = arc_scope_to_claim(needed);
		g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN, "forbidden: requires scope %s",
			    claim);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_engine_authorize:
 * @self: the engine
 * @caller: who is calling
 * @needed: the scope the operation requires
 * @error: return location for a #GError
 *
 * The scope, then the license state (DESIGN.md §5 "license states"): in `read_only` the
 * writes of peers, services and routes are refused, in `suspended` every operation that
 * comes here. What needs no token (health, identity, token, the peer-to-peer endpoints)
 * never comes here, nor do the license operations (arc_engine_check_scope()).
 *
 * Returns: %TRUE if @caller may; otherwise %ARC_ERROR_FORBIDDEN,
 *   %ARC_ERROR_LICENSE_READ_ONLY or %ARC_ERROR_LICENSE_SUSPENDED
 */
gboolean
arc_engine_authorize(ArcEngine *self, const ArcCaller *caller, ArcScope needed, GError **error)
{
	ArcError refusal = ARC_ERROR_FORBIDDEN;
	g_autofree gchar *message = NULL;

	if (!arc_engine_check_scope(caller, needed, error))
		return FALSE;
	if (arc_engine_get_license_doc(self) == NULL ||
	    arc_license_state_allows(arc_engine_get_license_state(self), needed, &refusal))
		return TRUE;
	message = arc_engine_get_license_message(self);
	g_set_error(error, ARC_ERROR, refusal, "refused: %s", message);
	return FALSE;
}

/**
 * arc_engine_authorize_bootstrapped:
 * @self: the engine
 * @caller: who is calling
 * @needed: the scope the operation requires
 * @error: return location for a #GError
 *
 * For operations on the cluster: the scope, then a bootstrapped agent (the recovery token
 * works before bootstrap, but there is no cluster yet).
 *
 * Returns: %TRUE if @caller may; otherwise %ARC_ERROR_FORBIDDEN or
 *   %ARC_ERROR_NOT_BOOTSTRAPPED
 */
gboolean
arc_engine_authorize_bootstrapped(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
				  GError **error)
{
	if (!arc_engine_authorize(self, caller, needed, error))
		return FALSE;
	if (!arc_engine_is_bootstrapped(self)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return FALSE;
	}
	return TRUE;
}

/* Rotating or revoking a credential is as strong as creating it: whoever does it must hold
 * every scope it has, or `credentials.write` alone would reach the cluster's admin secret. */
static gboolean
arc_engine_check_holds(const ArcCaller *caller, const ArcCredential *credential, const gchar *what,
		       GError **error)
{
	g_autofree gchar *claim = NULL;

	if (arc_scope_is_subset(credential->scopes, caller->scopes))
		return TRUE;
	claim = arc_scope_to_claim(credential->scopes);
	g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
		    "forbidden: %s credential %s requires every scope it has (%s)", what,
		    credential->client_id, claim);
	return FALSE;
}

/* stores a credential made or changed here and makes it effective; frees it on failure */
static gboolean
arc_engine_store_credential(ArcEngine *self, ArcCredential *credential, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();

	arc_auth_manager_stage_credential(arc_engine_get_auth(self), txn, credential);
	if (!arc_registry_commit(arc_engine_get_registry(self), txn, NULL, TRUE, error)) {
		arc_credential_free(credential);
		return FALSE;
	}
	arc_auth_manager_adopt_credential(arc_engine_get_auth(self), credential);
	return TRUE;
}

/**
 * arc_engine_list_credentials:
 * @self: the engine
 * @caller: who is calling
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcCredential): the credentials
 */
GPtrArray *
arc_engine_list_credentials(ArcEngine *self, const ArcCaller *caller, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_CREDENTIALS_READ, error))
		return NULL;
	return arc_auth_manager_list_credentials(arc_engine_get_auth(self));
}

/**
 * arc_engine_create_credential:
 * @self: the engine
 * @caller: who is calling
 * @scopes: (nullable): scope names or URNs; %NULL inherits the caller's scopes, an empty
 *   list is refused
 * @error: return location for a #GError
 *
 * A caller can hand out only scopes it holds itself.
 *
 * Returns: (transfer full): the credential and its secret, or %NULL
 */
ArcCreatedCredential *
arc_engine_create_credential(ArcEngine *self, const ArcCaller *caller, const gchar *const *scopes,
			     GError **error)
{
	g_autoptr(ArcCreatedCredential) created = g_new0(ArcCreatedCredential, 1);
	ArcCredential *credential;
	ArcScope wanted = caller->scopes;
	ArcLicense *license;

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_CREDENTIALS_WRITE, error))
		return NULL;
	/* an empty list is a mistake, not a wish to inherit everything (docs/auth.md) */
	if (scopes != NULL && scopes[0] == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'scopes' must not be empty: omit it to inherit the caller's "
				    "scopes");
		return NULL;
	}
	if (scopes != NULL && !arc_scope_parse_list(scopes, &wanted, error))
		return NULL;
	if (!arc_scope_is_subset(wanted, caller->scopes)) {
		g_set_error_literal(
			error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
			"forbidden: a credential cannot grant scopes its creator lacks");
		return NULL;
	}
	if (wanted & ARC_SCOPE_ADMIN)
		wanted = ARC_SCOPE_ADMIN;
	/* authorised, so bootstrapped: a license is in force */
	license = arc_engine_get_license_doc(self);
	if (license == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return NULL;
	}
	credential = arc_auth_manager_prepare_credential(
		arc_engine_get_auth(self), wanted, "api",
		caller->client_id != NULL ? caller->client_id
					  : (caller->recovery ? "recovery" : "local"),
		license->license_id, &created->client_secret);
	if (!arc_engine_store_credential(self, credential, error))
		return NULL;
	created->credential = credential;
	g_info("credential %s created by %s", credential->client_id, credential->created_by);
	return g_steal_pointer(&created);
}

/**
 * arc_engine_get_cluster_credential:
 * @self: the engine
 * @caller: who is calling (admin)
 * @error: return location for a #GError
 *
 * `GET /v1/cluster/credentials`: the shared cluster credential, without its secret.
 *
 * Returns: (transfer none): the credential, or %NULL
 */
const ArcCredential *
arc_engine_get_cluster_credential(ArcEngine *self, const ArcCaller *caller, GError **error)
{
	const ArcCredential *credential;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_ADMIN, error))
		return NULL;
	credential = arc_node_get_cluster_id(arc_engine_get_node(self)) != NULL
			     ? arc_auth_manager_get_cluster_credential(
				       arc_engine_get_auth(self),
				       arc_node_get_cluster_id(arc_engine_get_node(self)))
			     : NULL;
	if (credential == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_FOUND,
				    "this cluster has no shared credential");
		return NULL;
	}
	return credential;
}

/**
 * arc_engine_rotate_cluster_credential:
 * @self: the engine
 * @caller: who is calling (credentials.write)
 * @error: return location for a #GError
 *
 * `POST /v1/cluster/credentials/rotate`: a new secret for the shared cluster credential,
 * valid at once on every peer as gossip carries it; the previous secret stays valid for 24
 * hours.
 *
 * Returns: (transfer full): the credential and its new secret, or %NULL
 */
ArcCreatedCredential *
arc_engine_rotate_cluster_credential(ArcEngine *self, const ArcCaller *caller, GError **error)
{
	g_autoptr(ArcCreatedCredential) created = g_new0(ArcCreatedCredential, 1);
	const ArcCredential *current;
	ArcCredential *rotated;

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_CREDENTIALS_WRITE, error))
		return NULL;
	current = arc_auth_manager_get_cluster_credential(
		arc_engine_get_auth(self), arc_node_get_cluster_id(arc_engine_get_node(self)));
	if (current == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_FOUND,
				    "this cluster has no shared credential");
		return NULL;
	}
	if (!arc_engine_check_holds(caller, current, "rotating", error))
		return NULL;
	rotated = arc_auth_manager_prepare_rotation(arc_engine_get_auth(self), current,
						    arc_node_get_peer_id(arc_engine_get_node(self)),
						    arc_engine_now(self), &created->client_secret);
	/* an older agent's credential did not state its cluster: it does from now on */
	if (rotated->cluster_id == NULL)
		rotated->cluster_id = g_strdup(arc_node_get_cluster_id(arc_engine_get_node(self)));
	if (!arc_engine_store_credential(self, rotated, error))
		return NULL;
	created->credential = rotated;
	g_info("cluster credential %s rotated to version %" G_GINT64_FORMAT
	       " by %s; the previous secret is accepted for 24 hours",
	       rotated->client_id, rotated->rotation, arc_caller_describe(caller));
	return g_steal_pointer(&created);
}

/**
 * arc_engine_revoke_credential:
 * @self: the engine
 * @caller: who is calling
 * @client_id: the credential to revoke
 * @error: return location for a #GError
 *
 * Returns: %TRUE once revoked; %ARC_ERROR_CANNOT_REVOKE_CURRENT for the caller's own
 */
gboolean
arc_engine_revoke_credential(ArcEngine *self, const ArcCaller *caller, const gchar *client_id,
			     GError **error)
{
	g_autoptr(ArcStorageTxn) txn = NULL;
	const ArcCredential *target;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_CREDENTIALS_WRITE, error))
		return FALSE;
	if (g_strcmp0(caller->client_id, client_id) == 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_CANNOT_REVOKE_CURRENT,
				    "cannot revoke the credential currently in use");
		return FALSE;
	}
	target = arc_auth_manager_lookup(arc_engine_get_auth(self), client_id);
	if (target != NULL && !arc_engine_check_holds(caller, target, "revoking", error))
		return FALSE;
	txn = arc_storage_txn_new();
	if (!arc_auth_manager_stage_revoke(arc_engine_get_auth(self), txn, client_id, error) ||
	    !arc_registry_commit(arc_engine_get_registry(self), txn, NULL, TRUE, error))
		return FALSE;
	arc_auth_manager_forget(arc_engine_get_auth(self), client_id);
	g_info("credential %s revoked by %s", client_id, arc_caller_describe(caller));
	return TRUE;
}
