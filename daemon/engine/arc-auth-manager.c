/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "auth"

#include "arc-auth-manager.h"

#include <sodium.h>
#include <string.h>

#include "arc-jwt.h"
#include "arc-record-sign.h"
#include "arc-time.h"

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
	gchar *issuer;                  /* `iss` of every token of the cluster */
	GHashTable *former_cluster_ids; /* id → gint64: accepted as audience until then */
	GHashTable *former_issuers;     /* iss → gint64: accepted until then */
	GHashTable *credentials;        /* client_id → ArcCredential */
	GHashTable *peer_keys;          /* peer_id → GBytes (32) */
	GHashTable *token_cache;        /* token → ArcAuthCachedToken */
	gchar *recovery_token;          /* sodium_malloc */
};

G_DEFINE_FINAL_TYPE(ArcAuthManager, arc_auth_manager, G_TYPE_OBJECT)

/* who did it, for the log: a client id, the recovery token, or a local caller (D-Bus) */
const gchar *
arc_caller_describe(const ArcCaller *self)
{
	if (self->client_id != NULL)
		return self->client_id;
	return self->recovery ? "the recovery token" : "a local caller";
}

void
arc_caller_free(ArcCaller *self)
{
	if (self == NULL)
		return;
	g_free(self->client_id);
	g_free(self);
}

void
arc_token_grant_free(ArcTokenGrant *self)
{
	if (self == NULL)
		return;
	g_free(self->access_token);
	g_free(self->scope);
	g_free(self);
}

static void
arc_auth_cached_token_free(ArcAuthCachedToken *self)
{
	g_free(self->client_id);
	g_free(self->kid);
	g_free(self->aud);
	g_free(self->iss);
	g_bytes_unref(self->key);
	g_free(self);
}

static void
arc_auth_manager_finalize(GObject *object)
{
	ArcAuthManager *self = ARC_AUTH_MANAGER(object);
	g_clear_object(&self->storage);
	g_clear_object(&self->identity);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	g_free(self->issuer_url);
	g_free(self->issuer);
	g_hash_table_unref(self->former_cluster_ids);
	g_hash_table_unref(self->former_issuers);
	g_hash_table_unref(self->credentials);
	g_hash_table_unref(self->peer_keys);
	g_hash_table_unref(self->token_cache);
	if (self->recovery_token != NULL)
		sodium_free(self->recovery_token);
	G_OBJECT_CLASS(arc_auth_manager_parent_class)->finalize(object);
}

static void
arc_auth_manager_class_init(ArcAuthManagerClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_auth_manager_finalize;
}

static void
arc_auth_manager_init(ArcAuthManager *self)
{
	self->credentials = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						  (GDestroyNotify)arc_credential_free);
	self->peer_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						(GDestroyNotify)g_bytes_unref);
	self->token_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)arc_auth_cached_token_free);
	self->former_cluster_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->former_issuers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * arc_auth_manager_new:
 * @storage: where credentials are kept
 *
 * Returns: (transfer full): the manager of credentials, tokens and the recovery token
 */
ArcAuthManager *
arc_auth_manager_new(ArcStorage *storage)
{
	ArcAuthManager *self = g_object_new(ARC_TYPE_AUTH_MANAGER, NULL);
	self->storage = g_object_ref(storage);
	return self;
}

/**
 * arc_auth_manager_load:
 * @self: the manager
 * @error: return location for a #GError
 *
 * Reads the stored credentials.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_auth_manager_load(ArcAuthManager *self, GError **error)
{
	g_autoptr(GPtrArray) records =
		arc_storage_list_records(self->storage, ARC_AUTH_RECORD_KIND, error);
	if (records == NULL)
		return FALSE;
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autofree gchar *key = NULL;
		g_autofree gchar *last_used = NULL;
		ArcCredential *credential;

		if (record->deleted)
			continue;
		credential = arc_credential_from_json(record->body, error);
		if (credential == NULL) {
			g_prefix_error(error, "credential %s: ", record->id);
			return FALSE;
		}
		key = g_strconcat("credential.last_used.", credential->client_id, NULL);
		last_used = arc_storage_get_meta(self->storage, key, NULL);
		if (last_used != NULL)
			credential->last_used_at = g_ascii_strtoll(last_used, NULL, 10);
		g_hash_table_replace(self->credentials, credential->client_id, credential);
	}
	return TRUE;
}

/* the issuer every peer of a cluster states when none is configured: it needs no
 * agreement beyond the cluster id, which gossip already settles (docs/auth.md) */
static gchar *
arc_auth_manager_derived_issuer(const gchar *cluster_id)
{
	return g_strconcat(ARC_AUTH_ISSUER_URN_PREFIX, cluster_id, NULL);
}

/* A new issuer (a URL set, the cluster merged) leaves the tokens already out valid for the
 * rest of their life: clients refresh on their own schedule */
static void
arc_auth_manager_update_issuer(ArcAuthManager *self)
{
	g_autofree gchar *next = self->issuer_url != NULL ? g_strdup(self->issuer_url)
				 : self->cluster_id != NULL
					 ? arc_auth_manager_derived_issuer(self->cluster_id)
					 : NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GHashTableIter iter;
	gint64 *until;

	/* the same issuer again (a replicated record applied once more): nothing changes, and
	 * the verified tokens stay cached */
	if (g_strcmp0(next, self->issuer) == 0)
		return;
	g_hash_table_iter_init(&iter, self->former_issuers);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&until)) {
		if (*until < now)
			g_hash_table_iter_remove(&iter);
	}
	if (self->issuer != NULL) {
		until = g_new(gint64, 1);
		*until = now + ARC_TOKEN_LIFETIME_SECS;
		g_hash_table_replace(self->former_issuers, g_steal_pointer(&self->issuer), until);
	}
	self->issuer = g_steal_pointer(&next);
	if (self->issuer != NULL)
		g_hash_table_remove(self->former_issuers, self->issuer);
	g_hash_table_remove_all(self->token_cache);
}

/**
 * arc_auth_manager_set_issuer:
 * @self: the manager
 * @identity: the local peer's key, which signs tokens
 * @peer_id: the local peer id (`kid`)
 * @cluster_id: the audience of every token
 */
void
arc_auth_manager_set_issuer(ArcAuthManager *self, ArcIdentity *identity, const gchar *peer_id,
			    const gchar *cluster_id)
{
	g_set_object(&self->identity, identity);
	g_free(self->peer_id);
	self->peer_id = g_strdup(peer_id);
	g_free(self->cluster_id);
	self->cluster_id = g_strdup(cluster_id);
	arc_auth_manager_update_issuer(self);
	arc_auth_manager_add_peer_key(self, peer_id, arc_identity_get_public_key(identity));
}

/**
 * arc_auth_manager_set_issuer_url:
 * @self: the manager
 * @url: (nullable): the cluster's issuer URL, or %NULL for `urn:arctic:cluster:<cluster id>`
 *
 * The `iss` of the tokens this agent issues and the one it accepts.
 */
void
arc_auth_manager_set_issuer_url(ArcAuthManager *self, const gchar *url)
{
	g_free(self->issuer_url);
	self->issuer_url = g_strdup(url);
	arc_auth_manager_update_issuer(self);
}

/**
 * arc_auth_manager_get_issuer:
 * @self: the manager
 *
 * Returns: (nullable): the cluster's issuer, %NULL before bootstrap
 */
const gchar *
arc_auth_manager_get_issuer(ArcAuthManager *self)
{
	return self->issuer;
}

/**
 * arc_auth_manager_get_issuer_url:
 * @self: the manager
 *
 * Returns: (nullable): the configured issuer URL, %NULL when the issuer is derived
 */
const gchar *
arc_auth_manager_get_issuer_url(ArcAuthManager *self)
{
	return self->issuer_url;
}

/* the URL an `auth_issuer` record states: NULL for a tombstone or a body without one */
static gchar *
arc_auth_manager_issuer_from_record(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = NULL;

	if (record == NULL || record->deleted)
		return NULL;
	root = arc_json_parse_object(record->body, -1, 2, NULL);
	if (root == NULL)
		return NULL;
	return g_strdup(arc_json_object_get_string(json_node_get_object(root), "issuer"));
}

/**
 * arc_auth_manager_load_issuer:
 * @self: the manager
 * @configured: (nullable): `[auth] issuer` of this agent
 *
 * The issuer URL: this agent's own setting, else the one the cluster replicated.
 */
void
arc_auth_manager_load_issuer(ArcAuthManager *self, const gchar *configured)
{
	g_autoptr(ArcRecord) record = NULL;
	g_autofree gchar *stored = NULL;

	if (configured != NULL) {
		arc_auth_manager_set_issuer_url(self, configured);
		return;
	}
	record = arc_storage_get_record(self->storage, ARC_AUTH_ISSUER_KIND, ARC_AUTH_ISSUER_ID,
					NULL);
	stored = arc_auth_manager_issuer_from_record(record);
	arc_auth_manager_set_issuer_url(self, stored);
}

/**
 * arc_auth_manager_stage_issuer:
 * @self: the manager
 * @txn: a transaction
 * @configured: `[auth] issuer` of this agent
 *
 * Replicates @configured to the cluster unless the cluster already states it, so that a
 * URL set on one peer becomes every peer's issuer.
 *
 * Returns: %TRUE if a record was staged
 */
gboolean
arc_auth_manager_stage_issuer(ArcAuthManager *self, ArcStorageTxn *txn, const gchar *configured)
{
	g_autoptr(ArcRecord) old = arc_storage_get_record(self->storage, ARC_AUTH_ISSUER_KIND,
							  ARC_AUTH_ISSUER_ID, NULL);
	g_autofree gchar *stored = arc_auth_manager_issuer_from_record(old);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	g_autoptr(ArcRecord) record = NULL;

	if (g_strcmp0(stored, configured) == 0)
		return FALSE;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "issuer");
	json_builder_add_string_value(b, configured);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	body = json_to_string(root, FALSE);
	record = arc_record_new(ARC_AUTH_ISSUER_KIND, ARC_AUTH_ISSUER_ID, body);
	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(self->peer_id);
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
	return TRUE;
}

/**
 * arc_auth_manager_apply_issuer_record:
 * @self: the manager
 * @record: an `auth_issuer` record another peer wrote, stored
 * @configured: (nullable): `[auth] issuer` of this agent, which wins here
 */
void
arc_auth_manager_apply_issuer_record(ArcAuthManager *self, const ArcRecord *record,
				     const gchar *configured)
{
	g_autofree gchar *url = arc_auth_manager_issuer_from_record(record);

	if (configured != NULL) {
		if (g_strcmp0(url, configured) != 0)
			g_warning("peer %s set the cluster's token issuer to %s, but [auth] issuer "
				  "of this agent says %s: each refuses the other's tokens until "
				  "both say the same",
				  record->writer, url != NULL ? url : "(derived)", configured);
		return;
	}
	if (g_strcmp0(url, self->issuer_url) != 0)
		g_info("the cluster's token issuer is now %s (set by peer %s)",
		       url != NULL ? url : "derived from the cluster id", record->writer);
	arc_auth_manager_set_issuer_url(self, url);
}

/**
 * arc_auth_manager_add_peer_key:
 * @self: the manager
 * @peer_id: a peer of the cluster
 * @public_key: its Ed25519 key; tokens it issued are accepted here
 */
void
arc_auth_manager_add_peer_key(ArcAuthManager *self, const gchar *peer_id, const guint8 *public_key)
{
	g_hash_table_replace(self->peer_keys, g_strdup(peer_id),
			     g_bytes_new(public_key, ARC_IDENTITY_PUBLIC_KEY_SIZE));
}

/**
 * arc_auth_manager_reset_peer_keys:
 * @self: the manager
 *
 * Forgets every peer key but this agent's own, before arc_auth_manager_add_peer_key() is
 * called for each active peer: a peer that left or was removed no longer counts, and
 * neither do the tokens it issued. Verified tokens stay cached: each hit looks its signer's
 * key up again (arc_auth_manager_cache_hit_ok()).
 */
void
arc_auth_manager_reset_peer_keys(ArcAuthManager *self)
{
	g_hash_table_remove_all(self->peer_keys);
	if (self->identity != NULL)
		arc_auth_manager_add_peer_key(self, self->peer_id,
					      arc_identity_get_public_key(self->identity));
}

/**
 * arc_auth_manager_add_former_cluster_id:
 * @self: the manager
 * @cluster_id: a cluster id this agent held before clusters merged
 * @until: Unix time until which tokens for it are still accepted
 */
void
arc_auth_manager_add_former_cluster_id(ArcAuthManager *self, const gchar *cluster_id, gint64 until)
{
	gint64 *value = g_new(gint64, 1);
	*value = until;
	g_hash_table_replace(self->former_cluster_ids, g_strdup(cluster_id), value);
}

static gboolean
arc_auth_manager_audience_ok(ArcAuthManager *self, const gchar *aud, gint64 now)
{
	const gint64 *until;

	if (g_strcmp0(aud, self->cluster_id) == 0)
		return TRUE;
	until = aud != NULL ? g_hash_table_lookup(self->former_cluster_ids, aud) : NULL;
	return until != NULL && now < *until;
}

/* the cluster's issuer; after clusters merged, also the derived issuer of the former id for
 * as long as tokens for it are accepted */
static gboolean
arc_auth_manager_issuer_ok(ArcAuthManager *self, const gchar *iss, gint64 now)
{
	GHashTableIter iter;
	gpointer key, value;

	const gint64 *former_until;

	if (g_strcmp0(iss, self->issuer) == 0)
		return TRUE;
	former_until = g_hash_table_lookup(self->former_issuers, iss);
	if (former_until != NULL && now < *former_until)
		return TRUE;
	if (self->issuer_url != NULL || !g_str_has_prefix(iss, ARC_AUTH_ISSUER_URN_PREFIX))
		return FALSE;
	g_hash_table_iter_init(&iter, self->former_cluster_ids);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		g_autofree gchar *former = arc_auth_manager_derived_issuer(key);
		if (g_strcmp0(iss, former) == 0 && now < *(const gint64 *)value)
			return TRUE;
	}
	return FALSE;
}

static gint
arc_auth_manager_strcmp_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/**
 * arc_auth_manager_get_peer_keys:
 * @self: the manager
 *
 * Returns: (transfer container) (element-type utf8): the ids of the peers whose tokens are
 *   accepted, sorted
 */
GPtrArray *
arc_auth_manager_get_peer_keys(ArcAuthManager *self)
{
	GPtrArray *ids = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, self->peer_keys);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(ids, key);
	g_ptr_array_sort(ids, (GCompareFunc)arc_auth_manager_strcmp_cb);
	return ids;
}

/**
 * arc_auth_manager_prepare_credential:
 * @self: the manager
 * @scopes: the new credential's scopes
 * @kind: "cluster" for the shared cluster credential, "api" otherwise
 * @created_by: client id of the creator, or "bootstrap"
 * @license_id: the license in force
 * @secret_out: (out): the secret, to be shown once
 *
 * Returns: (transfer full): a credential not yet stored; see
 *   arc_auth_manager_stage_credential() and arc_auth_manager_adopt_credential()
 */
ArcCredential *
arc_auth_manager_prepare_credential(ArcAuthManager *self, ArcScope scopes, const gchar *kind,
				    const gchar *created_by, const gchar *license_id,
				    gchar **secret_out)
{
	g_autofree gchar *client_id = arc_id_new("cli_");
	gchar *secret = arc_credential_new_secret();
	ArcCredential *credential = arc_credential_new(client_id, secret, scopes);

	credential->kind = g_strdup(kind);
	credential->created_by = g_strdup(created_by);
	credential->created_by_peer = g_strdup(self->peer_id);
	credential->license_id = g_strdup(license_id);
	credential->created_at = g_get_real_time() / G_USEC_PER_SEC;
	*secret_out = secret;
	return credential;
}

static ArcRecord *
arc_auth_manager_record(ArcAuthManager *self, const gchar *client_id, const gchar *body,
			gboolean deleted)
{
	g_autoptr(ArcRecord) existing =
		arc_storage_get_record(self->storage, ARC_AUTH_RECORD_KIND, client_id, NULL);
	ArcRecord *record = arc_record_new(ARC_AUTH_RECORD_KIND, client_id, body);

	record->version = existing != NULL ? existing->version + 1 : 1;
	record->writer = g_strdup(self->peer_id);
	record->deleted = deleted;
	record->updated_at = g_get_real_time();
	/* before bootstrap adopts the key, the engine signs the bootstrap transaction */
	if (self->identity != NULL && !arc_record_sign(record, self->identity, NULL))
		g_warning("cannot sign credential record %s", client_id);
	return record;
}

/**
 * arc_auth_manager_stage_credential:
 * @self: the manager
 * @txn: the transaction that will store it
 * @credential: a prepared credential
 */
void
arc_auth_manager_stage_credential(ArcAuthManager *self, ArcStorageTxn *txn,
				  const ArcCredential *credential)
{
	g_autofree gchar *body = arc_credential_to_json(credential);
	g_autoptr(ArcRecord) record =
		arc_auth_manager_record(self, credential->client_id, body, FALSE);
	arc_storage_txn_put_record(txn, record);
}

/**
 * arc_auth_manager_adopt_credential:
 * @self: the manager
 * @credential: (transfer full): a credential whose transaction committed
 */
void
arc_auth_manager_adopt_credential(ArcAuthManager *self, ArcCredential *credential)
{
	g_hash_table_replace(self->credentials, credential->client_id, credential);
}

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

static gint
arc_auth_manager_cmp_cb(gconstpointer a, gconstpointer b)
{
	const ArcCredential *ca = *(ArcCredential *const *)a;
	const ArcCredential *cb = *(ArcCredential *const *)b;
	return g_strcmp0(ca->client_id, cb->client_id);
}

/**
 * arc_auth_manager_list_credentials:
 * @self: the manager
 *
 * Returns: (transfer container) (element-type ArcCredential): by client id
 */
GPtrArray *
arc_auth_manager_list_credentials(ArcAuthManager *self)
{
	GPtrArray *list = g_ptr_array_new();
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, self->credentials);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_ptr_array_add(list, value);
	g_ptr_array_sort(list, arc_auth_manager_cmp_cb);
	return list;
}

const ArcCredential *
arc_auth_manager_lookup(ArcAuthManager *self, const gchar *client_id)
{
	return g_hash_table_lookup(self->credentials, client_id);
}

/**
 * arc_auth_manager_get_cluster_credential:
 * @self: the manager
 * @cluster_id: the cluster id in force
 *
 * The shared credential created at the bootstrap of the cluster's first peer. Every agent
 * bootstrapped on its own created one; when clusters merge, the one of the cluster id that
 * won is the cluster's (the others stay valid credentials).
 *
 * Returns: (transfer none) (nullable): the cluster credential
 */
const ArcCredential *
arc_auth_manager_get_cluster_credential(ArcAuthManager *self, const gchar *cluster_id)
{
	GHashTableIter iter;
	gpointer value;
	const ArcCredential *oldest = NULL;

	g_hash_table_iter_init(&iter, self->credentials);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		const ArcCredential *credential = value;
		if (g_strcmp0(credential->kind, "cluster") != 0)
			continue;
		if (g_strcmp0(credential->cluster_id, cluster_id) == 0)
			return credential;
		/* agents bootstrapped before the credential stated its cluster */
		if (credential->cluster_id == NULL &&
		    (oldest == NULL || credential->created_at < oldest->created_at))
			oldest = credential;
	}
	return oldest;
}

/**
 * arc_auth_manager_prepare_rotation:
 * @self: the manager
 * @credential: the credential to rotate
 * @rotated_by: the local peer id
 * @now: Unix time
 * @secret_out: (out): the new secret, shown once
 *
 * Returns: (transfer full): the rotated credential, not yet stored: stage it with
 *   arc_auth_manager_stage_credential(), then adopt it
 */
ArcCredential *
arc_auth_manager_prepare_rotation(ArcAuthManager *self, const ArcCredential *credential,
				  const gchar *rotated_by, gint64 now, gchar **secret_out)
{
	g_autofree gchar *json = arc_credential_to_json(credential);
	ArcCredential *rotated = arc_credential_from_json(json, NULL);
	gchar *secret = arc_credential_new_secret();

	g_return_val_if_fail(rotated != NULL, NULL);
	rotated->last_used_at = credential->last_used_at;
	arc_credential_rotate(rotated, secret, rotated_by, now);
	*secret_out = secret;
	return rotated;
}

/**
 * arc_auth_manager_stage_revoke:
 * @self: the manager
 * @txn: the transaction that will store the tombstone
 * @client_id: the credential to revoke
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the credential exists and its tombstone is staged
 */
gboolean
arc_auth_manager_stage_revoke(ArcAuthManager *self, ArcStorageTxn *txn, const gchar *client_id,
			      GError **error)
{
	g_autoptr(ArcRecord) record = NULL;
	g_autofree gchar *key = g_strconcat("credential.last_used.", client_id, NULL);

	if (!g_hash_table_contains(self->credentials, client_id)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "credential %s not found",
			    client_id);
		return FALSE;
	}
	record = arc_auth_manager_record(self, client_id, "{}", TRUE);
	arc_storage_txn_put_record(txn, record);
	arc_storage_txn_delete_meta(txn, key);
	return TRUE;
}

/**
 * arc_auth_manager_stage_peer_revocations:
 * @self: the manager
 * @txn: the transaction that removes @peer_id
 * @peer_id: a peer being removed from the cluster
 *
 * The credentials @peer_id minted go with it (DESIGN.md §5 "credentials and peers"), all but
 * the cluster's shared credential, which belongs to the cluster. Their tombstones replicate
 * like any revocation; call arc_auth_manager_forget() for each once @txn committed.
 *
 * Returns: (transfer full) (element-type utf8): the client ids whose tombstones are staged,
 *   sorted
 */
GPtrArray *
arc_auth_manager_stage_peer_revocations(ArcAuthManager *self, ArcStorageTxn *txn,
					const gchar *peer_id)
{
	g_autoptr(GPtrArray) list = arc_auth_manager_list_credentials(self);
	const ArcCredential *shared =
		self->cluster_id != NULL
			? arc_auth_manager_get_cluster_credential(self, self->cluster_id)
			: NULL;
	GPtrArray *revoked = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < list->len; i++) {
		const ArcCredential *credential = g_ptr_array_index(list, i);
		if (credential == shared || g_strcmp0(credential->created_by_peer, peer_id) != 0)
			continue;
		if (arc_auth_manager_stage_revoke(self, txn, credential->client_id, NULL))
			g_ptr_array_add(revoked, g_strdup(credential->client_id));
	}
	return revoked;
}

/**
 * arc_auth_manager_forget:
 * @self: the manager
 * @client_id: a credential whose tombstone is stored
 *
 * Its tokens stop working at once.
 */
static gboolean
arc_auth_manager_cached_for_cb(gpointer key, gpointer value, gpointer user_data)
{
	const ArcAuthCachedToken *cached = value;
	return g_strcmp0(cached->client_id, user_data) == 0;
}

void
arc_auth_manager_forget(ArcAuthManager *self, const gchar *client_id)
{
	g_hash_table_remove(self->credentials, client_id);
	/* only its own tokens: the others stay verified (a hit checks the credential anyway) */
	g_hash_table_foreach_remove(self->token_cache, arc_auth_manager_cached_for_cb,
				    (gpointer)client_id);
}

/**
 * arc_auth_manager_forget_all:
 * @self: the manager
 * @client_ids: (element-type utf8): credentials whose tombstones are stored
 */
void
arc_auth_manager_forget_all(ArcAuthManager *self, GPtrArray *client_ids)
{
	for (guint i = 0; i < client_ids->len; i++) {
		const gchar *client_id = g_ptr_array_index(client_ids, i);
		g_info("credential %s revoked with the peer that minted it", client_id);
		arc_auth_manager_forget(self, client_id);
	}
}

/**
 * arc_auth_manager_apply_record:
 * @self: the manager
 * @record: a `credential` record another peer wrote, stored
 *
 * A credential created, rotated or revoked on another peer takes effect here.
 */
void
arc_auth_manager_apply_record(ArcAuthManager *self, const ArcRecord *record)
{
	g_autoptr(GError) error = NULL;
	ArcCredential *credential;
	const ArcCredential *old;

	if (record->deleted) {
		if (g_hash_table_contains(self->credentials, record->id))
			g_info("credential %s revoked on peer %s", record->id, record->writer);
		arc_auth_manager_forget(self, record->id);
		return;
	}
	credential = arc_credential_from_json(record->body, &error);
	if (credential == NULL || g_strcmp0(credential->client_id, record->id) != 0) {
		g_warning("credential record %s from peer %s is not a credential: %s", record->id,
			  record->writer, error != NULL ? error->message : "its id differs");
		arc_credential_free(credential);
		return;
	}
	old = g_hash_table_lookup(self->credentials, record->id);
	if (old != NULL)
		credential->last_used_at = old->last_used_at;
	g_hash_table_replace(self->credentials, credential->client_id, credential);
	g_hash_table_remove_all(self->token_cache);
}
