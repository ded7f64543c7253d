/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-license.h"

#include <sodium.h>
#include <string.h>

#include "arc-base64url.h"
#include "arc-canonical-json.h"
#include "arc-error.h"

#define ARC_LICENSE_MAX_DEPTH 8
#define ARC_LICENSE_MAX_ID 128
#define ARC_LICENSE_MAX_FEATURES 256

G_DEFINE_BOXED_TYPE(ArcLicense, arc_license, arc_license_ref, arc_license_unref)

ArcLicense *
arc_license_ref(ArcLicense *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_atomic_int_inc(&self->ref_count);
	return self;
}

void
arc_license_unref(ArcLicense *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->ref_count))
		return;
	g_free(self->customer_id);
	g_free(self->license_id);
	g_strfreev(self->features);
	g_free(self->signature);
	g_free(self->issuer_key);
	g_free(self->document);
	g_free(self->canonical);
	g_free(self);
}

static gboolean
arc_license_is_printable_id(const gchar *str)
{
	gsize len = strlen(str);
	if (len == 0 || len > ARC_LICENSE_MAX_ID)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum(str[i]) && str[i] != '_' && str[i] != '-' && str[i] != '.')
			return FALSE;
	}
	return TRUE;
}

static const gchar *
arc_license_get_string(JsonObject *obj, const gchar *name, GError **error)
{
	JsonNode *node = json_object_get_member(obj, name);
	if (node == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: missing field '%s'", name);
		return NULL;
	}
	if (json_node_get_value_type(node) != G_TYPE_STRING) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: field '%s' must be a string", name);
		return NULL;
	}
	return json_node_get_string(node);
}

static gboolean
arc_license_get_id(JsonObject *obj, const gchar *name, gchar **out, GError **error)
{
	const gchar *str = arc_license_get_string(obj, name, error);
	if (str == NULL)
		return FALSE;
	if (!arc_license_is_printable_id(str)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: field '%s' is not a valid identifier", name);
		return FALSE;
	}
	*out = g_strdup(str);
	return TRUE;
}

static gboolean
arc_license_get_time(JsonObject *obj, const gchar *name, gint64 *out, GError **error)
{
	g_autoptr(GDateTime) dt = NULL;
	const gchar *str = arc_license_get_string(obj, name, error);

	if (str == NULL)
		return FALSE;
	dt = g_date_time_new_from_iso8601(str, NULL);
	if (dt == NULL || strchr(str, 'T') == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: field '%s' is not an RFC 3339 timestamp with a time zone",
			    name);
		return FALSE;
	}
	*out = g_date_time_to_unix(dt);
	return TRUE;
}

static gboolean
arc_license_get_count(JsonObject *obj, const gchar *name, gint64 *out, GError **error)
{
	JsonNode *node = json_object_get_member(obj, name);
	if (node == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: missing field '%s'", name);
		return FALSE;
	}
	if (json_node_get_value_type(node) != G_TYPE_INT64 || json_node_get_int(node) < 1 ||
	    json_node_get_int(node) > G_MAXINT32) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: field '%s' must be a positive integer", name);
		return FALSE;
	}
	*out = json_node_get_int(node);
	return TRUE;
}

static gboolean
arc_license_get_features(JsonObject *obj, gchar ***out, GError **error)
{
	JsonNode *node = json_object_get_member(obj, "features");
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	JsonArray *array;

	if (node == NULL || JSON_NODE_HOLDS_NULL(node)) {
		*out = g_strv_builder_end(builder);
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "license: field 'features' must be an array of strings");
		return FALSE;
	}
	array = json_node_get_array(node);
	if (json_array_get_length(array) > ARC_LICENSE_MAX_FEATURES) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "license: too many features");
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *item = json_array_get_element(array, i);
		if (json_node_get_value_type(item) != G_TYPE_STRING ||
		    !arc_license_is_printable_id(json_node_get_string(item))) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "license: field 'features' must be an array of names");
			return FALSE;
		}
		g_strv_builder_add(builder, json_node_get_string(item));
	}
	*out = g_strv_builder_end(builder);
	return TRUE;
}

static gboolean
arc_license_get_signature(JsonObject *obj, gchar **out, GError **error)
{
	g_autofree guchar *raw = NULL;
	gsize raw_len = 0;
	const gchar *str = arc_license_get_string(obj, "signature", error);

	if (str == NULL)
		return FALSE;
	raw = arc_base64_decode_strict(str, -1, &raw_len);
	if (raw_len != crypto_sign_BYTES) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "license: signature must be 64 bytes in base64");
		return FALSE;
	}
	*out = g_strdup(str);
	return TRUE;
}

static gboolean
arc_license_load_fields(ArcLicense *self, JsonObject *obj, GError **error)
{
	if (!arc_license_get_id(obj, "customer_id", &self->customer_id, error) ||
	    !arc_license_get_id(obj, "license_id", &self->license_id, error) ||
	    !arc_license_get_time(obj, "issued_at", &self->issued_at, error) ||
	    !arc_license_get_time(obj, "expires_at", &self->expires_at, error) ||
	    !arc_license_get_count(obj, "max_nodes", &self->max_nodes, error) ||
	    !arc_license_get_count(obj, "max_services", &self->max_services, error) ||
	    !arc_license_get_features(obj, &self->features, error) ||
	    !arc_license_get_signature(obj, &self->signature, error))
		return FALSE;
	if (self->expires_at <= self->issued_at) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "license: expires_at must be after issued_at");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_license_parse:
 * @document: the license JSON, untrusted
 * @length: bytes in @document, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Checks the shape and types of a license and computes its canonical form. It does not
 * check the signature: see arc_license_verify().
 *
 * Returns: (transfer full): the license, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcLicense *
arc_license_parse(const gchar *document, gssize length, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcLicense) self = NULL;
	gsize len;

	g_return_val_if_fail(document != NULL, NULL);
	len = length < 0 ? strlen(document) : (gsize)length;
	if (len > ARC_LICENSE_MAX_SIZE) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "license: larger than %u bytes", (guint)ARC_LICENSE_MAX_SIZE);
		return NULL;
	}
	root = arc_json_parse_object(document, (gssize)len, ARC_LICENSE_MAX_DEPTH, error);
	if (root == NULL) {
		g_prefix_error(error, "license: ");
		return NULL;
	}
	self = g_new0(ArcLicense, 1);
	self->ref_count = 1;
	if (!arc_license_load_fields(self, json_node_get_object(root), error))
		return NULL;
	self->canonical = arc_canonical_json(root, "signature", error);
	if (self->canonical == NULL) {
		g_prefix_error(error, "license: ");
		return NULL;
	}
	self->document = g_strndup(document, len);
	return g_steal_pointer(&self);
}

/**
 * arc_license_get_canonical_form:
 * @self: a license
 *
 * Returns: the bytes the issuer signed: the document without `signature`, canonical JSON
 */
const gchar *
arc_license_get_canonical_form(ArcLicense *self)
{
	return self->canonical;
}

/**
 * arc_license_verify:
 * @self: a parsed license
 * @public_key: a 32-byte Ed25519 issuer public key
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @public_key signed @self; otherwise %ARC_ERROR_LICENSE_INVALID
 */
/* Signatures already checked, by a BLAKE2b digest of (key, signature, canonical form). Every
 * handshake checks the other side's license, in most clusters the same document every time,
 * and the Ed25519 check is most of what that costs. Only a signature that verified is kept,
 * and only under the exact bytes it verified: the answer for those bytes never changes, so the
 * check is the same; which keys are trusted is decided by the caller on every call. */
#define ARC_LICENSE_VERIFIED_MAX 64
static GMutex arc_license_verified_lock;
static GHashTable *arc_license_verified; /* (element-type GBytes) */

static GBytes *
arc_license_verified_digest(const ArcLicense *self, const guint8 *public_key)
{
	crypto_generichash_state state;
	guint8 digest[crypto_generichash_BYTES];

	crypto_generichash_init(&state, NULL, 0, sizeof(digest));
	crypto_generichash_update(&state, public_key, crypto_sign_PUBLICKEYBYTES);
	crypto_generichash_update(&state, (const guchar *)self->signature,
				  strlen(self->signature) + 1);
	crypto_generichash_update(&state, (const guchar *)self->canonical, strlen(self->canonical));
	crypto_generichash_final(&state, digest, sizeof(digest));
	return g_bytes_new(digest, sizeof(digest));
}

static gboolean
arc_license_verified_lookup(GBytes *digest)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&arc_license_verified_lock);
	return arc_license_verified != NULL && g_hash_table_contains(arc_license_verified, digest);
}

static void
arc_license_verified_remember(GBytes *digest)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&arc_license_verified_lock);

	if (arc_license_verified == NULL)
		arc_license_verified = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
							     (GDestroyNotify)g_bytes_unref, NULL);
	if (g_hash_table_size(arc_license_verified) >= ARC_LICENSE_VERIFIED_MAX)
		g_hash_table_remove_all(arc_license_verified);
	g_hash_table_add(arc_license_verified, g_bytes_ref(digest));
}

gboolean
arc_license_verify(ArcLicense *self, const guint8 *public_key, GError **error)
{
	g_autofree guchar *sig = NULL;
	g_autoptr(GBytes) digest = NULL;
	gsize sig_len = 0;

	g_return_val_if_fail(self->signature != NULL && self->canonical != NULL, FALSE);
	digest = arc_license_verified_digest(self, public_key);
	if (arc_license_verified_lookup(digest))
		return TRUE;
	sig = arc_base64_decode_strict(self->signature, -1, &sig_len);
	if (sig == NULL || sig_len != crypto_sign_BYTES ||
	    crypto_sign_verify_detached(sig, (const guchar *)self->canonical,
					strlen(self->canonical), public_key) != 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
				    "license signature does not verify");
		return FALSE;
	}
	arc_license_verified_remember(digest);
	return TRUE;
}

/**
 * arc_license_sign_document:
 * @document: a license JSON object, with or without a `signature` member
 * @length: bytes in @document, or -1 if NUL-terminated
 * @secret_key: a 64-byte libsodium Ed25519 secret key
 * @error: return location for a #GError
 *
 * The issuer's half: replaces `signature` with one over the canonical form and checks that
 * the result is a well-formed license.
 *
 * Returns: (transfer full): the signed license as pretty-printed JSON
 */
gchar *
arc_license_sign_document(const gchar *document, gssize length, const guint8 *secret_key,
			  GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(ArcLicense) check = NULL;
	g_autofree gchar *canonical = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *sig_b64 = NULL;
	guchar sig[crypto_sign_BYTES];

	root = arc_json_parse_object(document, length, ARC_LICENSE_MAX_DEPTH, error);
	if (root == NULL)
		return NULL;
	canonical = arc_canonical_json(root, "signature", error);
	if (canonical == NULL)
		return NULL;
	crypto_sign_detached(sig, NULL, (const guchar *)canonical, strlen(canonical), secret_key);
	sig_b64 = g_base64_encode(sig, sizeof(sig));
	json_object_set_string_member(json_node_get_object(root), "signature", sig_b64);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	check = arc_license_parse(text, -1, error);
	if (check == NULL)
		return NULL;
	return g_steal_pointer(&text);
}

/**
 * arc_license_has_feature:
 * @self: a license
 * @feature: a feature name
 *
 * Returns: %TRUE if the license enables @feature
 */
gboolean
arc_license_has_feature(ArcLicense *self, const gchar *feature)
{
	return self->features != NULL &&
	       g_strv_contains((const gchar *const *)self->features, feature);
}
