/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-credential.h"

#include <sodium.h>
#include <string.h>

#include "arc-time.h"

#define ARC_CREDENTIAL_SECRET_BYTES 32

static void
arc_credential_hash(const guint8 *salt, const gchar *secret, guint8 *out)
{
	crypto_generichash(out, ARC_CREDENTIAL_HASH_SIZE, (const guchar *)secret, strlen(secret),
			   salt, ARC_CREDENTIAL_SALT_SIZE);
}

/**
 * arc_credential_new:
 * @client_id: `cli_…`
 * @secret: the client secret, hashed here and not kept
 * @scopes: what the client may do
 *
 * Returns: (transfer full): the credential
 */
ArcCredential *
arc_credential_new(const gchar *client_id, const gchar *secret, ArcScope scopes)
{
	ArcCredential *self = g_new0(ArcCredential, 1);
	self->client_id = g_strdup(client_id);
	self->scopes = scopes;
	randombytes_buf(self->salt, sizeof(self->salt));
	arc_credential_hash(self->salt, secret, self->hash);
	return self;
}

void
arc_credential_free(ArcCredential *self)
{
	if (self == NULL)
		return;
	g_free(self->client_id);
	g_free(self->license_id);
	g_free(self->kind);
	g_free(self->created_by);
	g_free(self->created_by_peer);
	g_free(self->cluster_id);
	g_free(self->rotated_by);
	g_free(self);
}

/**
 * arc_credential_check_secret:
 * @self: (nullable): the credential, or %NULL for an unknown client
 * @secret: what the client presented
 * @now: Unix time, for the grace period of a rotated secret
 *
 * Takes the same time whether or not the client exists or the secret matches, and checks
 * the previous secret of a rotated credential every time.
 *
 * Returns: %TRUE if @secret is the credential's secret, or its previous secret within the
 *   24 hours after a rotation
 */
gboolean
arc_credential_check_secret(const ArcCredential *self, const gchar *secret, gint64 now)
{
	static const guint8 dummy_salt[ARC_CREDENTIAL_SALT_SIZE] = {0};
	guint8 computed[ARC_CREDENTIAL_HASH_SIZE];
	guint8 previous[ARC_CREDENTIAL_HASH_SIZE];
	gboolean ok, ok_previous;

	arc_credential_hash(self != NULL ? self->salt : dummy_salt, secret, computed);
	arc_credential_hash(self != NULL ? self->previous_salt : dummy_salt, secret, previous);
	ok = self != NULL && sodium_memcmp(computed, self->hash, sizeof(computed)) == 0;
	ok_previous = self != NULL &&
		      sodium_memcmp(previous, self->previous_hash, sizeof(previous)) == 0 &&
		      self->has_previous && now < self->previous_until;
	sodium_memzero(computed, sizeof(computed));
	sodium_memzero(previous, sizeof(previous));
	return ok || ok_previous;
}

/**
 * arc_credential_rotate:
 * @self: the credential
 * @secret: its new secret, hashed here and not kept
 * @rotated_by: the peer that rotates it
 * @now: Unix time
 *
 * The current secret becomes the previous one, accepted for 24 more hours.
 */
void
arc_credential_rotate(ArcCredential *self, const gchar *secret, const gchar *rotated_by, gint64 now)
{
	memcpy(self->previous_salt, self->salt, sizeof(self->salt));
	memcpy(self->previous_hash, self->hash, sizeof(self->hash));
	self->has_previous = TRUE;
	self->previous_until = now + ARC_CREDENTIAL_ROTATION_GRACE_SECS;
	randombytes_buf(self->salt, sizeof(self->salt));
	arc_credential_hash(self->salt, secret, self->hash);
	self->rotation = MAX(self->rotation, 1) + 1;
	g_free(self->rotated_by);
	self->rotated_by = g_strdup(rotated_by);
	self->rotated_at = now;
}

/**
 * arc_credential_new_secret:
 *
 * Returns: (transfer full): `sec_` and 256 random bits in base64url
 */
gchar *
arc_credential_new_secret(void)
{
	guint8 raw[ARC_CREDENTIAL_SECRET_BYTES];
	g_autofree gchar *b64 = NULL;
	gchar *secret;

	randombytes_buf(raw, sizeof(raw));
	b64 = arc_base64url_encode(raw, sizeof(raw));
	secret = g_strconcat("sec_", b64, NULL);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b64, strlen(b64));
	return secret;
}

/**
 * arc_credential_to_json:
 * @self: the credential
 *
 * Returns: (transfer full): the record body, with the salted hash and never the secret
 */
gchar *
arc_credential_to_json(const ArcCredential *self)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *salt = arc_base64url_encode(self->salt, sizeof(self->salt));
	g_autofree gchar *hash = arc_base64url_encode(self->hash, sizeof(self->hash));
	g_autofree gchar *created = arc_time_format_rfc3339(self->created_at);
	g_auto(GStrv) scopes = arc_scope_to_strv(self->scopes);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "client_id");
	json_builder_add_string_value(b, self->client_id);
	json_builder_set_member_name(b, "salt");
	json_builder_add_string_value(b, salt);
	json_builder_set_member_name(b, "secret_hash");
	json_builder_add_string_value(b, hash);
	json_builder_set_member_name(b, "scopes");
	json_builder_begin_array(b);
	for (guint i = 0; scopes[i] != NULL; i++)
		json_builder_add_string_value(b, scopes[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "license_id");
	json_builder_add_string_value(b, self->license_id);
	json_builder_set_member_name(b, "kind");
	json_builder_add_string_value(b, self->kind);
	json_builder_set_member_name(b, "created_by");
	json_builder_add_string_value(b, self->created_by);
	if (self->created_by_peer != NULL) {
		json_builder_set_member_name(b, "created_by_peer");
		json_builder_add_string_value(b, self->created_by_peer);
	}
	json_builder_set_member_name(b, "created_at");
	json_builder_add_string_value(b, created);
	if (self->cluster_id != NULL) {
		g_autofree gchar *rotated = arc_time_format_rfc3339(self->rotated_at);
		json_builder_set_member_name(b, "cluster_id");
		json_builder_add_string_value(b, self->cluster_id);
		json_builder_set_member_name(b, "rotation");
		json_builder_add_int_value(b, MAX(self->rotation, 1));
		json_builder_set_member_name(b, "rotated_by");
		json_builder_add_string_value(b, self->rotated_by);
		json_builder_set_member_name(b, "rotated_at");
		json_builder_add_string_value(b, rotated);
	}
	if (self->has_previous) {
		g_autofree gchar *prev_salt =
			arc_base64url_encode(self->previous_salt, sizeof(self->previous_salt));
		g_autofree gchar *prev_hash =
			arc_base64url_encode(self->previous_hash, sizeof(self->previous_hash));
		g_autofree gchar *until = arc_time_format_rfc3339(self->previous_until);
		json_builder_set_member_name(b, "previous_salt");
		json_builder_add_string_value(b, prev_salt);
		json_builder_set_member_name(b, "previous_secret_hash");
		json_builder_add_string_value(b, prev_hash);
		json_builder_set_member_name(b, "previous_valid_until");
		json_builder_add_string_value(b, until);
	}
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

static gboolean
arc_credential_decode_fixed(JsonObject *obj, const gchar *name, guint8 *out, gsize size)
{
	const gchar *text = arc_json_object_get_string(obj, name);
	gsize len = 0;
	g_autofree guint8 *raw = text != NULL ? arc_base64url_decode(text, -1, &len) : NULL;

	if (raw == NULL || len != size)
		return FALSE;
	memcpy(out, raw, size);
	return TRUE;
}

static gboolean
arc_credential_load_scopes(JsonObject *obj, ArcScope *scopes, GError **error)
{
	JsonArray *array = arc_json_object_get_array(obj, "scopes");
	g_autoptr(GPtrArray) names = g_ptr_array_new();

	for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
		JsonNode *item = json_array_get_element(array, i);
		if (json_node_get_value_type(item) != G_TYPE_STRING) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_STORAGE,
					    "credential record: scopes must be strings");
			return FALSE;
		}
		g_ptr_array_add(names, (gpointer)json_node_get_string(item));
	}
	g_ptr_array_add(names, NULL);
	return arc_scope_parse_list((const gchar *const *)names->pdata, scopes, error);
}

/**
 * arc_credential_from_json:
 * @json: a record body written by arc_credential_to_json()
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the credential
 */
ArcCredential *
arc_credential_from_json(const gchar *json, GError **error)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(json, -1, 4, error);
	g_autoptr(ArcCredential) self = g_new0(ArcCredential, 1);
	const gchar *kind;
	JsonObject *obj;

	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	self->client_id = g_strdup(arc_json_object_get_string(obj, "client_id"));
	self->license_id = g_strdup(arc_json_object_get_string(obj, "license_id"));
	kind = arc_json_object_get_string(obj, "kind");
	self->kind = g_strdup(kind != NULL ? kind : "api");
	self->created_by = g_strdup(arc_json_object_get_string(obj, "created_by"));
	self->created_by_peer = g_strdup(arc_json_object_get_string(obj, "created_by_peer"));
	self->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	if (self->client_id == NULL ||
	    !arc_credential_decode_fixed(obj, "salt", self->salt, sizeof(self->salt)) ||
	    !arc_credential_decode_fixed(obj, "secret_hash", self->hash, sizeof(self->hash))) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_STORAGE,
				    "credential record is malformed");
		return NULL;
	}
	if (!arc_credential_load_scopes(obj, &self->scopes, error))
		return NULL;
	self->cluster_id = g_strdup(arc_json_object_get_string(obj, "cluster_id"));
	self->rotation = json_object_get_int_member_with_default(obj, "rotation", 1);
	self->rotated_by = g_strdup(arc_json_object_get_string(obj, "rotated_by"));
	self->rotated_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "rotated_at"));
	if (arc_json_object_get_string(obj, "previous_secret_hash") != NULL) {
		if (!arc_credential_decode_fixed(obj, "previous_salt", self->previous_salt,
						 sizeof(self->previous_salt)) ||
		    !arc_credential_decode_fixed(obj, "previous_secret_hash", self->previous_hash,
						 sizeof(self->previous_hash))) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_STORAGE,
					    "credential record is malformed");
			return NULL;
		}
		self->has_previous = TRUE;
		self->previous_until = arc_time_parse_rfc3339(
			arc_json_object_get_string(obj, "previous_valid_until"));
	}
	return g_steal_pointer(&self);
}
