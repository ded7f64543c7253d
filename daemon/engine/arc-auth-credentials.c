/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "auth"

#include "arc-auth-manager-private.h"

#include <sodium.h>
#include <string.h>

#include "arc-record-sign.h"
#include "arc-time.h"

/* Credentials: created, rotated, revoked, and kept in step with the credential records
 * other agents write. */

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
