/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "auth"

#include "arc-auth-manager-private.h"

/* The issuer the tokens of a cluster state and the keys of the peers that sign them (the
 * JWKS): what a token must match to be accepted (docs/auth.md). */

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

gboolean
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
gboolean
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
