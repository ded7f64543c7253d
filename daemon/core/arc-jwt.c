/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-jwt.h"

#include <arctic-plugin.h>
#include <sodium.h>
#include <string.h>

#define ARC_JWT_MAX_DEPTH 4

ArcJwt *
arc_jwt_new(void)
{
	return g_new0(ArcJwt, 1);
}

void
arc_jwt_free(ArcJwt *self)
{
	if (self == NULL)
		return;
	g_free(self->kid);
	g_free(self->iss);
	g_free(self->sub);
	g_free(self->client_id);
	g_free(self->aud);
	g_free(self->scope);
	g_free(self->jti);
	g_free(self->signing_input);
	g_free(self);
}

static gboolean
arc_jwt_fail(GError **error, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED, "invalid token: %s", why);
	return FALSE;
}

static JsonObject *
arc_jwt_decode_part(const gchar *part, gsize len, JsonNode **node_out, GError **error)
{
	g_autofree guint8 *raw = NULL;
	gsize raw_len = 0;
	g_autoptr(GError) error_local = NULL;

	raw = arc_base64url_decode(part, (gssize)len, &raw_len);
	if (raw == NULL) {
		arc_jwt_fail(error, "not base64url");
		return NULL;
	}
	*node_out = arc_json_parse_object((const gchar *)raw, (gssize)raw_len, ARC_JWT_MAX_DEPTH,
					  &error_local);
	if (*node_out == NULL) {
		arc_jwt_fail(error, error_local->message);
		return NULL;
	}
	return json_node_get_object(*node_out);
}

static gboolean
arc_jwt_get_string(JsonObject *obj, const gchar *name, gchar **out, GError **error)
{
	JsonNode *node = json_object_get_member(obj, name);
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "invalid token: claim '%s' missing or not a string", name);
		return FALSE;
	}
	*out = g_strdup(json_node_get_string(node));
	return TRUE;
}

static gboolean
arc_jwt_get_int(JsonObject *obj, const gchar *name, gint64 *out, GError **error)
{
	JsonNode *node = json_object_get_member(obj, name);
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "invalid token: claim '%s' missing or not an integer", name);
		return FALSE;
	}
	*out = json_node_get_int(node);
	return TRUE;
}

static gboolean
arc_jwt_parse_header(ArcJwt *self, const gchar *part, gsize len, GError **error)
{
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *alg = NULL;
	g_autofree gchar *typ = NULL;
	JsonObject *obj = arc_jwt_decode_part(part, len, &node, error);

	if (obj == NULL)
		return FALSE;
	if (!arc_jwt_get_string(obj, "alg", &alg, error) ||
	    !arc_jwt_get_string(obj, "typ", &typ, error) ||
	    !arc_jwt_get_string(obj, "kid", &self->kid, error))
		return FALSE;
	/* the algorithm is fixed: never let the token choose it */
	if (g_strcmp0(alg, "EdDSA") != 0)
		return arc_jwt_fail(error, "algorithm must be EdDSA");
	/* RFC 9068 §4: a JWT of another kind (an ID token, say) is no access token; the media
	 * type may carry its `application/` prefix and any case (RFC 7515 §4.1.9) */
	if (g_ascii_strcasecmp(typ, ARC_JWT_TYPE) != 0 &&
	    g_ascii_strcasecmp(typ, "application/" ARC_JWT_TYPE) != 0)
		return arc_jwt_fail(error, "typ must be at+jwt");
	return TRUE;
}

static gboolean
arc_jwt_parse_claims(ArcJwt *self, const gchar *part, gsize len, GError **error)
{
	g_autoptr(JsonNode) node = NULL;
	JsonObject *obj = arc_jwt_decode_part(part, len, &node, error);

	if (obj == NULL)
		return FALSE;
	return arc_jwt_get_string(obj, "iss", &self->iss, error) &&
	       arc_jwt_get_string(obj, "sub", &self->sub, error) &&
	       arc_jwt_get_string(obj, "client_id", &self->client_id, error) &&
	       arc_jwt_get_string(obj, "aud", &self->aud, error) &&
	       arc_jwt_get_string(obj, "scope", &self->scope, error) &&
	       arc_jwt_get_string(obj, "jti", &self->jti, error) &&
	       arc_jwt_get_int(obj, "iat", &self->iat, error) &&
	       arc_jwt_get_int(obj, "exp", &self->exp, error);
}

/**
 * arc_jwt_parse:
 * @token: a compact JWS, untrusted
 * @len: bytes in @token
 * @error: return location for a #GError
 *
 * Parses the structure and claims; the signature is checked by arc_jwt_verify_signature().
 *
 * Returns: (transfer full): the token, or %NULL with %ARC_ERROR_UNAUTHORIZED
 */
ArcJwt *
arc_jwt_parse(const gchar *token, gsize len, GError **error)
{
	g_autoptr(ArcJwt) self = arc_jwt_new();
	const gchar *dot1, *dot2;
	g_autofree guint8 *sig = NULL;
	gsize sig_len = 0;

	if (len == 0 || len > ARC_JWT_MAX_SIZE) {
		arc_jwt_fail(error, "empty or too long");
		return NULL;
	}
	dot1 = memchr(token, '.', len);
	dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (gsize)(dot1 + 1 - token)) : NULL;
	if (dot1 == NULL || dot2 == NULL ||
	    memchr(dot2 + 1, '.', len - (gsize)(dot2 + 1 - token)) != NULL) {
		arc_jwt_fail(error, "not three dot-separated parts");
		return NULL;
	}
	if (!arc_jwt_parse_header(self, token, (gsize)(dot1 - token), error) ||
	    !arc_jwt_parse_claims(self, dot1 + 1, (gsize)(dot2 - dot1 - 1), error))
		return NULL;
	sig = arc_base64url_decode(dot2 + 1, (gssize)(len - (gsize)(dot2 + 1 - token)), &sig_len);
	if (sig == NULL || sig_len != sizeof(self->signature)) {
		arc_jwt_fail(error, "signature is not 64 bytes of base64url");
		return NULL;
	}
	memcpy(self->signature, sig, sizeof(self->signature));
	self->signing_input = g_strndup(token, (gsize)(dot2 - token));
	return g_steal_pointer(&self);
}

/**
 * arc_jwt_verify_signature:
 * @self: a parsed token
 * @public_key: the issuing peer's Ed25519 public key
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the issuer signed this token
 */
gboolean
arc_jwt_verify_signature(ArcJwt *self, const guint8 *public_key, GError **error)
{
	if (crypto_sign_verify_detached(self->signature, (const guchar *)self->signing_input,
					strlen(self->signing_input), public_key) != 0)
		return arc_jwt_fail(error, "bad signature");
	return TRUE;
}

static gchar *
arc_jwt_encode_json(JsonBuilder *builder)
{
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	g_autofree gchar *json = json_to_string(root, FALSE);
	return arc_base64url_encode((const guint8 *)json, strlen(json));
}

/**
 * arc_jwt_encode:
 * @self: the claims and kid
 * @identity: the issuing peer's key
 *
 * Returns: (transfer full): the compact JWS
 */
gchar *
arc_jwt_encode(ArcJwt *self, ArcIdentity *identity)
{
	g_autoptr(JsonBuilder) hb = json_builder_new();
	g_autoptr(JsonBuilder) cb = json_builder_new();
	g_autofree gchar *header = NULL;
	g_autofree gchar *claims = NULL;
	g_autofree gchar *input = NULL;
	g_autofree gchar *sig_b64 = NULL;
	guint8 sig[ARC_IDENTITY_SIGNATURE_SIZE];

	json_builder_begin_object(hb);
	json_builder_set_member_name(hb, "alg");
	json_builder_add_string_value(hb, "EdDSA");
	json_builder_set_member_name(hb, "typ");
	json_builder_add_string_value(hb, ARC_JWT_TYPE);
	json_builder_set_member_name(hb, "kid");
	json_builder_add_string_value(hb, self->kid);
	json_builder_end_object(hb);

	json_builder_begin_object(cb);
	json_builder_set_member_name(cb, "iss");
	json_builder_add_string_value(cb, self->iss);
	json_builder_set_member_name(cb, "sub");
	json_builder_add_string_value(cb, self->sub);
	json_builder_set_member_name(cb, "client_id");
	json_builder_add_string_value(cb, self->client_id);
	json_builder_set_member_name(cb, "aud");
	json_builder_add_string_value(cb, self->aud);
	json_builder_set_member_name(cb, "scope");
	json_builder_add_string_value(cb, self->scope);
	json_builder_set_member_name(cb, "iat");
	json_builder_add_int_value(cb, self->iat);
	json_builder_set_member_name(cb, "exp");
	json_builder_add_int_value(cb, self->exp);
	json_builder_set_member_name(cb, "jti");
	json_builder_add_string_value(cb, self->jti);
	json_builder_end_object(cb);

	header = arc_jwt_encode_json(hb);
	claims = arc_jwt_encode_json(cb);
	input = g_strconcat(header, ".", claims, NULL);
	arc_identity_sign(identity, (const guint8 *)input, strlen(input), sig);
	sig_b64 = arc_base64url_encode(sig, sizeof(sig));
	return g_strconcat(input, ".", sig_b64, NULL);
}
