/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-oauth-request.h"

#include <sodium.h>
#include <string.h>

/* The body of a token request is application/x-www-form-urlencoded (RFC 6749 §4.4.2). It is
 * parsed here rather than with soup_form_decode(), which cuts a value at an encoded NUL
 * (`%00`) without a word and keeps the last of repeated parameters: a client id could then
 * mean two things, and RFC 6749 §3.2 forbids repeating a parameter anyway. */

G_DEFINE_QUARK(arc - oauth - error - quark, arc_oauth_error)

static const gchar *const arc_oauth_error_names[] = {
	[ARC_OAUTH_ERROR_INVALID_REQUEST] = "invalid_request",
	[ARC_OAUTH_ERROR_INVALID_CLIENT] = "invalid_client",
	[ARC_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE] = "unsupported_grant_type",
	[ARC_OAUTH_ERROR_INVALID_SCOPE] = "invalid_scope",
};

/**
 * arc_oauth_error_to_string:
 * @code: an error of the token endpoint
 *
 * Returns: its RFC 6749 §5.2 name, the `error` of the answer
 */
const gchar *
arc_oauth_error_to_string(ArcOAuthError code)
{
	if ((guint)code >= G_N_ELEMENTS(arc_oauth_error_names))
		return "invalid_request";
	return arc_oauth_error_names[code];
}

/* a string that may hold a secret: wiped before it is freed */
static void
arc_oauth_wipe_free(gchar *text)
{
	if (text == NULL)
		return;
	sodium_memzero(text, strlen(text));
	g_free(text);
}

void
arc_oauth_request_free(ArcOAuthRequest *self)
{
	if (self == NULL)
		return;
	arc_oauth_wipe_free(self->client_id);
	arc_oauth_wipe_free(self->client_secret);
	g_free(self->scope);
	g_free(self);
}

/* percent-decoding that refuses what a C string cannot hold */
static gchar *
arc_oauth_unescape(const gchar *text, gsize len, gboolean plus_is_space, GError **error)
{
	g_autofree gchar *copy = g_strndup(text, len);
	g_autoptr(GBytes) bytes = NULL;
	gsize size = 0;
	const gchar *data;
	gchar *result;

	if (strlen(copy) != len) {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
				    "a parameter holds a NUL byte");
		return NULL;
	}
	if (plus_is_space)
		g_strdelimit(copy, "+", ' ');
	bytes = g_uri_unescape_bytes(copy, -1, NULL, NULL);
	sodium_memzero(copy, len);
	if (bytes == NULL) {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
				    "a parameter is not validly percent-encoded");
		return NULL;
	}
	data = g_bytes_get_data(bytes, &size);
	if (size > 0 && memchr(data, '\0', size) != NULL) {
		sodium_memzero((gpointer)data, size);
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
				    "a parameter holds a NUL byte");
		return NULL;
	}
	result = g_strndup(data != NULL ? data : "", size);
	if (size > 0)
		sodium_memzero((gpointer)data, size);
	return result;
}

static gboolean
arc_oauth_form_add(GHashTable *form, const gchar *pair, gsize len, GError **error)
{
	const gchar *eq = memchr(pair, '=', len);
	gsize name_len = eq != NULL ? (gsize)(eq - pair) : len;
	g_autofree gchar *name = arc_oauth_unescape(pair, name_len, TRUE, error);
	gchar *value;

	if (name == NULL)
		return FALSE;
	if (g_hash_table_contains(form, name)) {
		g_set_error(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
			    "parameter '%s' is given more than once", name);
		return FALSE;
	}
	value = eq != NULL ? arc_oauth_unescape(eq + 1, len - name_len - 1, TRUE, error)
			   : g_strdup("");
	if (value == NULL)
		return FALSE;
	g_hash_table_insert(form, g_steal_pointer(&name), value);
	return TRUE;
}

/* name → value, every value wiped when the table goes */
static GHashTable *
arc_oauth_form_parse(const gchar *body, gsize len, GError **error)
{
	g_autoptr(GHashTable) form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							   (GDestroyNotify)arc_oauth_wipe_free);
	gsize start = 0;

	while (start < len) {
		const gchar *amp = memchr(body + start, '&', len - start);
		gsize end = amp != NULL ? (gsize)(amp - body) : len;

		if (end > start && !arc_oauth_form_add(form, body + start, end - start, error))
			return NULL;
		start = end + 1;
	}
	return g_steal_pointer(&form);
}

/* RFC 6749 §2.3.1: client_secret_basic carries the form-urlencoded id and secret */
static gboolean
arc_oauth_parse_basic(ArcOAuthRequest *self, const gchar *credentials, GError **error)
{
	gsize len = 0;
	g_autofree guchar *raw = g_base64_decode(credentials, &len);
	const gchar *colon = raw != NULL ? memchr(raw, ':', len) : NULL;
	gboolean ok = FALSE;

	if (colon == NULL) {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_CLIENT,
				    "HTTP Basic credentials must be client_id:client_secret");
	} else {
		const gchar *text = (const gchar *)raw;
		gsize id_len = (gsize)(colon - text);

		self->client_id = arc_oauth_unescape(text, id_len, FALSE, error);
		self->client_secret =
			self->client_id != NULL
				? arc_oauth_unescape(colon + 1, len - id_len - 1, FALSE, error)
				: NULL;
		ok = self->client_secret != NULL;
	}
	if (raw != NULL)
		sodium_memzero(raw, len);
	return ok;
}

/* the value of @name, removed from @form */
static gchar *
arc_oauth_form_take(GHashTable *form, const gchar *name)
{
	g_autofree gchar *key = NULL;
	gchar *value = NULL;

	g_hash_table_steal_extended(form, name, (gpointer *)&key, (gpointer *)&value);
	return value;
}

static gboolean
arc_oauth_take_credentials(ArcOAuthRequest *self, const gchar *authorization, GHashTable *form,
			   GError **error)
{
	gboolean in_body = g_hash_table_contains(form, "client_id") ||
			   g_hash_table_contains(form, "client_secret");

	if (authorization != NULL && g_ascii_strncasecmp(authorization, "Basic ", 6) == 0) {
		/* RFC 6749 §2.3: one authentication method per request */
		if (in_body) {
			g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
					    "client credentials in both the Authorization header "
					    "and the body");
			return FALSE;
		}
		return arc_oauth_parse_basic(self, authorization + 6, error);
	}
	self->client_id = arc_oauth_form_take(form, "client_id");
	self->client_secret = arc_oauth_form_take(form, "client_secret");
	if (self->client_id == NULL || self->client_secret == NULL) {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_CLIENT,
				    "client_id and client_secret are required");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_oauth_request_parse:
 * @authorization: (nullable): the request's `Authorization` header
 * @body: the request body, untrusted
 * @body_len: bytes in @body
 * @error: return location for a #GError
 *
 * Every decoded copy of the client secret is wiped before it is freed; @body itself is the
 * caller's to wipe.
 *
 * Returns: (transfer full): the request, or %NULL with an %ARC_OAUTH_ERROR
 */
ArcOAuthRequest *
arc_oauth_request_parse(const gchar *authorization, const gchar *body, gsize body_len,
			GError **error)
{
	g_autoptr(ArcOAuthRequest) self = g_new0(ArcOAuthRequest, 1);
	g_autoptr(GHashTable) form = arc_oauth_form_parse(body, body_len, error);
	const gchar *grant_type;

	if (form == NULL)
		return NULL;
	grant_type = g_hash_table_lookup(form, "grant_type");
	if (grant_type == NULL || grant_type[0] == '\0') {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_REQUEST,
				    "grant_type is required");
		return NULL;
	}
	if (g_strcmp0(grant_type, "client_credentials") != 0) {
		g_set_error_literal(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE,
				    "grant_type must be client_credentials");
		return NULL;
	}
	if (!arc_oauth_take_credentials(self, authorization, form, error))
		return NULL;
	self->scope = g_strdup(g_hash_table_lookup(form, "scope"));
	return g_steal_pointer(&self);
}
