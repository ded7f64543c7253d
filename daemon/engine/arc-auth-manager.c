/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "auth"

#include "arc-auth-manager-private.h"

#include <sodium.h>
#include <string.h>

#include "arc-jwt.h"
#include "arc-record-sign.h"
#include "arc-time.h"

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
	g_free(self->configured_issuer);
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

static void
arc_auth_manager_credential_applied_cb(const ArcRecord *record, const gchar *from,
				       gpointer user_data)
{
	arc_auth_manager_apply_record(ARC_AUTH_MANAGER(user_data), record);
}

static void
arc_auth_manager_credential_forgotten_cb(const gchar *id, gpointer user_data)
{
	arc_auth_manager_forget(ARC_AUTH_MANAGER(user_data), id);
}

static void
arc_auth_manager_issuer_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcAuthManager *self = ARC_AUTH_MANAGER(user_data);
	arc_auth_manager_apply_issuer_record(self, record, self->configured_issuer);
}

/* what a credential or the cluster's issuer received by gossip changes beyond storage (the
 * join tokens are the handshaker's, and need nothing beyond storage) */
static const ArcRecordKind arc_auth_manager_kinds[] = {
	{.name = ARC_AUTH_ISSUER_KIND,
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_auth_manager_issuer_applied_cb},
	{.name = ARC_AUTH_RECORD_KIND,
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_auth_manager_credential_applied_cb,
	 .forgotten = arc_auth_manager_credential_forgotten_cb},
	{.name = "join_token", .flags = ARC_RECORD_KIND_FLAG_REPLICATED},
};

/* tokens of every active peer are accepted here */
static void
arc_auth_manager_members_changed_cb(ArcRegistry *registry, GPtrArray *members, gpointer user_data)
{
	ArcAuthManager *self = ARC_AUTH_MANAGER(user_data);

	arc_auth_manager_reset_peer_keys(self);
	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		arc_auth_manager_add_peer_key(self, member->id, member->key);
	}
}

/**
 * arc_auth_manager_set_registry:
 * @self: the manager
 * @registry: the replicated records
 * @configured: (nullable): `[auth] issuer` of this agent, which wins over the cluster's
 *
 * Makes the `auth_issuer`, `credential` and `join_token` kinds known to @registry, with the
 * manager's handlers, and follows the members of @registry: their keys sign the tokens
 * accepted here.
 */
void
arc_auth_manager_set_registry(ArcAuthManager *self, ArcRegistry *registry, const gchar *configured)
{
	g_free(self->configured_issuer);
	self->configured_issuer = g_strdup(configured);
	for (guint i = 0; i < G_N_ELEMENTS(arc_auth_manager_kinds); i++)
		arc_registry_register_kind(registry, &arc_auth_manager_kinds[i], self);
	g_signal_connect_object(registry, "members-changed",
				G_CALLBACK(arc_auth_manager_members_changed_cb), self, 0);
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
