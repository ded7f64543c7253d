/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arctic-plugin.h>
#include <string.h>

#include "arc-identity.h"
#include "arc-jwt.h"
#include "arc-rest-fixture.h"
#include "arc-rest-request.h"
#include "arc-key-file.h"

/* Who may do what: bearer tokens, credentials and scopes (spec §3, §4.10, DESIGN §6). The
 * route × scope walk reads the agent's own route table, so a route added without a scope
 * check fails here. */

typedef struct {
	ArcScope scope;
	const gchar *name;
} ArcRestScopeName;

static const ArcRestScopeName arc_rest_scopes[] = {
	{ARC_SCOPE_ADMIN, "admin"},
	{ARC_SCOPE_PEERS_READ, "peers.read"},
	{ARC_SCOPE_PEERS_WRITE, "peers.write"},
	{ARC_SCOPE_SERVICES_READ, "services.read"},
	{ARC_SCOPE_SERVICES_WRITE, "services.write"},
	{ARC_SCOPE_CREDENTIALS_READ, "credentials.read"},
	{ARC_SCOPE_CREDENTIALS_WRITE, "credentials.write"},
};

static void
arc_rest_assert_refused(ArcTestAgent *agent, const gchar *token, guint expected, const gchar *code)
{
	guint status = 0;
	g_autoptr(JsonNode) answer =
		arc_test_agent_call(agent, "GET", "/v1/credentials", token, NULL, &status);

	arc_test_assert_status(status, expected);
	arc_test_assert_api_error(answer, code);
}

static void
arc_rest_assert_accepted(ArcTestAgent *agent, const gchar *token)
{
	guint status = 0;
	G_GNUC_UNUSED g_autoptr(JsonNode) answer =
		arc_test_agent_call(agent, "GET", "/v1/credentials", token, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
}

static void
arc_rest_tokens_missing_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) resp = arc_test_agent_send(
		fixture->agent, "GET", "/v1/credentials", NULL, NULL, 0, NULL, &error);
	const gchar *headers[] = {"Authorization: Basic YWRtaW46YWRtaW4=", NULL};
	guint status = 0;
	g_autoptr(JsonNode) basic = NULL;

	g_assert_no_error(error);
	arc_test_assert_status(resp->status, SOUP_STATUS_UNAUTHORIZED);
	arc_test_assert_api_error(resp->json, "UNAUTHORIZED");
	g_assert_nonnull(soup_message_headers_get_one(resp->headers, "WWW-Authenticate"));

	/* another scheme is no token either */
	basic = arc_test_agent_request(fixture->agent, "GET", "/v1/credentials", headers, NULL,
				       NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_UNAUTHORIZED);
	arc_test_assert_api_error(basic, "UNAUTHORIZED");
}

static gchar *
arc_rest_b64url(const gchar *text)
{
	return arc_base64url_encode((const guint8 *)text, strlen(text));
}

static void
arc_rest_tokens_garbage_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *token = fixture->token;
	const gchar *dot = strchr(token, '.');
	g_autofree gchar *header_only = g_strndup(token, (gsize)(dot - token));
	g_autofree gchar *extra_part = g_strconcat(token, ".x", NULL);
	g_autofree gchar *not_json = arc_rest_b64url("not json");
	g_autofree gchar *not_json_token =
		g_strconcat(not_json, ".", not_json, ".", not_json, NULL);
	const gchar *garbage[] = {"garbage",  "a.b.c",        "...",      header_only,
				  extra_part, not_json_token, "eyJ.eyJ.", NULL};

	for (guint i = 0; garbage[i] != NULL; i++) {
		g_test_message("token %s", garbage[i]);
		arc_rest_assert_refused(fixture->agent, garbage[i], 401, "UNAUTHORIZED");
	}
	arc_rest_assert_accepted(fixture->agent, token);
}

static void
arc_rest_tokens_bad_signature_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *tampered = g_strdup(fixture->token);
	gchar *sig = strrchr(tampered, '.') + 1;

	/* a character in the middle of the signature: the decoded bytes differ */
	g_assert_cmpuint(strlen(sig), >, 40);
	sig[20] = sig[20] == 'A' ? 'B' : 'A';
	arc_rest_assert_refused(fixture->agent, tampered, 401, "UNAUTHORIZED");
	arc_rest_assert_accepted(fixture->agent, fixture->token);
}

/* the claims of @token with @member replaced by the JSON @value, re-encoded */
static gchar *
arc_rest_edit_claims(const gchar *token, const gchar *member, const gchar *value)
{
	const gchar *dot1 = strchr(token, '.');
	const gchar *dot2 = strchr(dot1 + 1, '.');
	gsize len = 0;
	g_autofree guint8 *raw = arc_base64url_decode(dot1 + 1, (gssize)(dot2 - dot1 - 1), &len);
	g_autofree gchar *text = g_strndup((const gchar *)raw, len);
	g_autoptr(JsonNode) claims = json_from_string(text, NULL);
	g_autofree gchar *edited = NULL;

	g_assert_nonnull(claims);
	json_object_set_member(json_node_get_object(claims), member, json_from_string(value, NULL));
	edited = json_to_string(claims, FALSE);
	return arc_rest_b64url(edited);
}

static void
arc_rest_tokens_alg_none_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *header_json =
		g_strdup_printf("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
				arc_test_agent_get_peer_id(fixture->agent));
	g_autofree gchar *header = arc_rest_b64url(header_json);
	g_autofree gchar *claims = arc_rest_edit_claims(fixture->token, "jti", "\"none-1\"");
	g_autofree gchar *unsigned_token = g_strconcat(header, ".", claims, ".", NULL);
	const gchar *real_sig = strrchr(fixture->token, '.');
	g_autofree gchar *with_sig = g_strconcat(header, ".", claims, real_sig, NULL);

	arc_rest_assert_refused(fixture->agent, unsigned_token, 401, "UNAUTHORIZED");
	arc_rest_assert_refused(fixture->agent, with_sig, 401, "UNAUTHORIZED");
}

static void
arc_rest_tokens_edited_claims_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *dot1 = strchr(fixture->token, '.');
	const gchar *sig = strrchr(fixture->token, '.');
	g_autofree gchar *header = g_strndup(fixture->token, (gsize)(dot1 - fixture->token));
	g_autofree gchar *claims =
		arc_rest_edit_claims(fixture->token, "exp", "4102444800"); /* year 2100 */
	g_autofree gchar *longer = g_strconcat(header, ".", claims, sig, NULL);

	/* a longer life with the old signature */
	arc_rest_assert_refused(fixture->agent, longer, 401, "UNAUTHORIZED");
}

/* a token signed with the agent's own peer.key, as the agent would sign it */
static gchar *
arc_rest_mint(ArcRestFixture *fixture, const gchar *aud, gint64 iat, gint64 exp)
{
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcIdentity) identity = arc_identity_load(key_path, &error);
	g_autoptr(ArcJwt) jwt = arc_jwt_new();

	g_assert_no_error(error);
	g_assert_nonnull(identity);
	jwt->kid = g_strdup(arc_test_agent_get_peer_id(fixture->agent));
	jwt->iss = g_strconcat("urn:arctic:cluster:", arc_test_agent_get_cluster_id(fixture->agent),
			       NULL);
	jwt->sub = g_strdup(arc_test_agent_get_client_id(fixture->agent));
	jwt->client_id = g_strdup(jwt->sub);
	jwt->aud = g_strdup(aud != NULL ? aud : arc_test_agent_get_cluster_id(fixture->agent));
	jwt->scope = g_strdup(ARC_REST_SCOPE_URN("admin"));
	jwt->jti = arc_id_new(NULL);
	jwt->iat = iat;
	jwt->exp = exp;
	return arc_jwt_encode(jwt, identity);
}

static void
arc_rest_tokens_expired_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint64 now = arc_rest_now();
	g_autofree gchar *fresh = arc_rest_mint(fixture, NULL, now - 10, now + 3590);
	g_autofree gchar *expired = arc_rest_mint(fixture, NULL, now - 7200, now - 3600);
	g_autofree gchar *just_expired = arc_rest_mint(fixture, NULL, now - 3610, now - 10);
	g_autofree gchar *future = arc_rest_mint(fixture, NULL, now + 3600, now + 7200);

	/* the minting is right: the same recipe with a future exp is accepted */
	arc_rest_assert_accepted(fixture->agent, fresh);
	arc_rest_assert_refused(fixture->agent, expired, 401, "TOKEN_EXPIRED");
	arc_rest_assert_refused(fixture->agent, just_expired, 401, "TOKEN_EXPIRED");
	arc_rest_assert_refused(fixture->agent, future, 401, "UNAUTHORIZED");
}

static void
arc_rest_tokens_other_cluster_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(ArcTestAgent) other = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autofree gchar *foreign_token = NULL;
	g_autofree gchar *other_aud = NULL;
	gint64 now = arc_rest_now();
	gint status = -1;

	arc_test_agent_start(other, &error);
	g_assert_no_error(error);
	boot = arc_test_agent_bootstrap(other, &error);
	g_assert_no_error(error);
	foreign_token = arc_rest_token_for(other, NULL, NULL);
	arc_rest_assert_accepted(other, foreign_token);
	arc_rest_assert_refused(fixture->agent, foreign_token, 401, "UNAUTHORIZED");

	/* signed by this agent's key, but for the other cluster */
	other_aud = arc_rest_mint(fixture, arc_test_agent_get_cluster_id(other), now, now + 3600);
	arc_rest_assert_refused(fixture->agent, other_aud, 401, "UNAUTHORIZED");

	arc_test_agent_stop(other, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
}

static JsonNode *
arc_rest_find_credential(JsonNode *list, const gchar *client_id)
{
	JsonArray *items = json_object_get_array_member(json_node_get_object(list), "credentials");

	g_assert_nonnull(items);
	for (guint i = 0; i < json_array_get_length(items); i++) {
		JsonNode *item = json_array_get_element(items, i);
		if (g_strcmp0(arc_test_json_string(item, "client_id"), client_id) == 0)
			return item;
	}
	return NULL;
}

static void
arc_rest_credentials_list_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\": [\"peers.read\"]}", &secret);
	g_autoptr(JsonNode) identity = NULL;
	g_autoptr(JsonNode) list = NULL;
	g_autofree gchar *text = NULL;
	const gchar *secrets[] = {arc_test_agent_get_client_secret(fixture->agent), secret};
	const gchar *ids[] = {arc_test_agent_get_client_id(fixture->agent), id};

	identity = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				       &status);
	g_assert_true(arc_id_is_valid(arc_test_json_string(identity, "license_id"), "lic_"));
	list = arc_test_agent_call(fixture->agent, "GET", "/v1/credentials", fixture->token, NULL,
				   &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpuint(json_object_get_size(json_node_get_object(list)), ==, 1);
	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		JsonNode *item = arc_rest_find_credential(list, ids[i]);
		JsonObject *obj;

		g_assert_nonnull(item);
		obj = json_node_get_object(item);
		g_assert_true(json_object_has_member(obj, "scopes"));
		g_assert_cmpstr(arc_test_json_string(item, "license_id"), ==,
				arc_test_json_string(identity, "license_id"));
		arc_test_assert_rfc3339(arc_test_json_string(item, "created_at"));
		g_assert_true(json_object_has_member(obj, "last_used_at"));
		g_assert_false(json_object_has_member(obj, "client_secret"));
		g_assert_false(json_object_has_member(obj, "secret"));
	}
	/* the cluster credential got a token: it was used; the new one never was */
	arc_test_assert_rfc3339(
		arc_test_json_string(arc_rest_find_credential(list, ids[0]), "last_used_at"));
	g_assert_true(arc_test_json_is_null(arc_rest_find_credential(list, id), "last_used_at"));
	g_assert_true(arc_test_json_array_has_string(arc_rest_find_credential(list, id), "scopes",
						     ARC_REST_SCOPE_URN("peers.read")));

	/* no secret appears anywhere in the list */
	text = json_to_string(list, FALSE);
	for (guint i = 0; i < G_N_ELEMENTS(secrets); i++)
		g_assert_null(strstr(text, secrets[i]));
}

static void
arc_rest_assert_scopes(JsonNode *node, const gchar *const *expected)
{
	JsonArray *scopes = json_object_get_array_member(json_node_get_object(node), "scopes");

	g_assert_nonnull(scopes);
	g_assert_cmpuint(json_array_get_length(scopes), ==, g_strv_length((gchar **)expected));
	for (guint i = 0; expected[i] != NULL; i++)
		g_assert_true(arc_test_json_array_has_string(node, "scopes", expected[i]));
}

static JsonNode *
arc_rest_post_credential(ArcRestFixture *fixture, const gchar *token, const gchar *body,
			 guint *status)
{
	return arc_test_agent_call(fixture->agent, "POST", "/v1/credentials", token, body, status);
}

#define ARC_REST_SERVICES_BODY                                                                     \
	"{\"scopes\": [\"urn:tillered:arctic:services.read\", "                                    \
	"\"urn:tillered:arctic:services.write\"]}"

static void
arc_rest_credentials_create_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	const gchar *peers_read[] = {ARC_REST_SCOPE_URN("peers.read"), NULL};
	const gchar *services[] = {ARC_REST_SCOPE_URN("services.read"),
				   ARC_REST_SCOPE_URN("services.write"), NULL};
	g_autoptr(JsonNode) short_names = NULL;
	g_autoptr(JsonNode) urns = NULL;
	g_autofree gchar *token = NULL;
	g_autoptr(JsonNode) used = NULL;

	short_names = arc_rest_post_credential(fixture, fixture->token,
					       "{\"scopes\": [\"peers.read\"]}", &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	g_assert_true(arc_id_is_valid(arc_test_json_string(short_names, "client_id"), "cli_"));
	g_assert_true(g_str_has_prefix(arc_test_json_string(short_names, "client_secret"), "sec_"));
	arc_test_assert_rfc3339(arc_test_json_string(short_names, "created_at"));
	arc_rest_assert_scopes(short_names, peers_read);

	urns = arc_rest_post_credential(fixture, fixture->token, ARC_REST_SERVICES_BODY, &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	arc_rest_assert_scopes(urns, services);

	/* the new credential works, with exactly its scopes */
	token = arc_rest_token_for(fixture->agent, arc_test_json_string(short_names, "client_id"),
				   arc_test_json_string(short_names, "client_secret"));
	arc_rest_assert_refused(fixture->agent, token, 403, "FORBIDDEN");
	used = arc_test_agent_call(fixture->agent, "GET", "/v1/license", token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
}

static void
arc_rest_credentials_inherit_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	const gchar *admin[] = {ARC_REST_SCOPE_URN("admin"), NULL};
	const gchar *caller_scopes[] = {ARC_REST_SCOPE_URN("peers.read"),
					ARC_REST_SCOPE_URN("credentials.write"), NULL};
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = arc_rest_create_credential(
		fixture->agent, fixture->token,
		"{\"scopes\": [\"peers.read\", \"credentials.write\"]}", &secret);
	g_autofree gchar *token = arc_rest_token_for(fixture->agent, id, secret);
	g_autoptr(JsonNode) from_admin = NULL;
	g_autoptr(JsonNode) no_body = NULL;

	from_admin = arc_rest_post_credential(fixture, fixture->token, "{}", &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	arc_rest_assert_scopes(from_admin, admin);

	/* never more than the caller: a narrower caller hands out its own scopes */
	no_body = arc_rest_post_credential(fixture, token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	arc_rest_assert_scopes(no_body, caller_scopes);
	/* an empty list is refused instead (credentials/empty-scopes) */
}

static void
arc_rest_assert_create_refused(ArcRestFixture *fixture, const gchar *token, const gchar *body,
			       guint expected, const gchar *code)
{
	guint status = 0;
	g_autoptr(GPtrArray) before = arc_rest_list_client_ids(fixture->agent, fixture->token);
	g_autoptr(GPtrArray) after = NULL;
	g_autoptr(JsonNode) answer = arc_rest_post_credential(fixture, token, body, &status);

	g_test_message("POST /v1/credentials %s", body != NULL ? body : "(no body)");
	arc_test_assert_status(status, expected);
	arc_test_assert_api_error(answer, code);
	after = arc_rest_list_client_ids(fixture->agent, fixture->token);
	g_assert_cmpuint(after->len, ==, before->len);
}

static void
arc_rest_credentials_create_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *reader_secret = NULL;
	g_autofree gchar *writer_secret = NULL;
	g_autofree gchar *reader_id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\": [\"peers.read\"]}", &reader_secret);
	g_autofree gchar *writer_id =
		arc_rest_create_credential(fixture->agent, fixture->token,
					   "{\"scopes\": [\"credentials.write\"]}", &writer_secret);
	g_autofree gchar *reader = arc_rest_token_for(fixture->agent, reader_id, reader_secret);
	g_autofree gchar *writer = arc_rest_token_for(fixture->agent, writer_id, writer_secret);

	arc_rest_assert_create_refused(fixture, reader, "{\"scopes\": [\"peers.read\"]}", 403,
				       "FORBIDDEN");
	arc_rest_assert_create_refused(fixture, reader, NULL, 403, "FORBIDDEN");
	arc_rest_assert_create_refused(fixture, writer, "{\"scopes\": [\"admin\"]}", 403,
				       "FORBIDDEN");
	arc_rest_assert_create_refused(fixture, writer,
				       "{\"scopes\": [\"" ARC_REST_SCOPE_URN("admin") "\"]}", 403,
				       "FORBIDDEN");
	arc_rest_assert_create_refused(fixture, writer, "{\"scopes\": [\"peers.read\"]}", 403,
				       "FORBIDDEN");
	arc_rest_assert_create_refused(fixture, fixture->token, "{\"scopes\": [\"bogus.scope\"]}",
				       400, "INVALID_REQUEST");
	arc_rest_assert_create_refused(fixture, fixture->token,
				       "{\"scopes\": [\"urn:tillered:arctic:root\"]}", 400,
				       "INVALID_REQUEST");
	arc_rest_assert_create_refused(fixture, fixture->token, "{\"scopes\": \"admin\"}", 400,
				       "INVALID_REQUEST");
	arc_rest_assert_create_refused(fixture, fixture->token, "{\"scopes\": [1]}", 400,
				       "INVALID_REQUEST");
}

static void
arc_rest_credentials_revoke_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\": [\"credentials.read\"]}", &secret);
	g_autofree gchar *token = arc_rest_token_for(fixture->agent, id, secret);
	g_autofree gchar *path = g_strconcat("/v1/credentials/", id, NULL);
	g_autoptr(JsonNode) deleted = NULL;
	g_autoptr(JsonNode) again = NULL;
	g_autoptr(GPtrArray) ids = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *refused = NULL;

	arc_rest_assert_accepted(fixture->agent, token);
	deleted =
		arc_test_agent_call(fixture->agent, "DELETE", path, fixture->token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(deleted), "deleted"));
	g_assert_cmpuint(json_object_get_size(json_node_get_object(deleted)), ==, 1);

	/* at once: the outstanding token, the secret, the list */
	arc_rest_assert_refused(fixture->agent, token, 401, "UNAUTHORIZED");
	refused = arc_test_agent_token(fixture->agent, id, secret, &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
	g_assert_nonnull(strstr(error->message, "401"));
	g_assert_null(refused);
	ids = arc_rest_list_client_ids(fixture->agent, fixture->token);
	g_assert_false(g_ptr_array_find_with_equal_func(ids, id, g_str_equal, NULL));

	again = arc_test_agent_call(fixture->agent, "DELETE", path, fixture->token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_NOT_FOUND);
	arc_test_assert_api_error(again, "NOT_FOUND");
}

static void
arc_rest_credentials_revoke_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *own =
		g_strconcat("/v1/credentials/", arc_test_agent_get_client_id(fixture->agent), NULL);
	g_autofree gchar *unknown_id = arc_id_new("cli_");
	g_autofree gchar *unknown = g_strconcat("/v1/credentials/", unknown_id, NULL);
	g_autoptr(JsonNode) self_revoke = NULL;
	g_autoptr(JsonNode) not_found = NULL;

	self_revoke =
		arc_test_agent_call(fixture->agent, "DELETE", own, fixture->token, NULL, &status);
	arc_test_assert_status(status, 422);
	arc_test_assert_api_error(self_revoke, "CANNOT_REVOKE_CURRENT");
	arc_rest_assert_accepted(fixture->agent, fixture->token);

	not_found = arc_test_agent_call(fixture->agent, "DELETE", unknown, fixture->token, NULL,
					&status);
	arc_test_assert_status(status, SOUP_STATUS_NOT_FOUND);
	arc_test_assert_api_error(not_found, "NOT_FOUND");
}

/* The endpoint catalogue of spec §4.2 with DESIGN §6: what each route must require. */
typedef struct {
	const gchar *method;
	const gchar *pattern;
	ArcRestAuth auth;
	ArcScope scope;
} ArcRestSpecRoute;

static const ArcRestSpecRoute arc_rest_spec_routes[] = {
	{"GET", "/livez", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/readyz", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/metrics", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/.well-known/openid-configuration", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/.well-known/oauth-authorization-server", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/.well-known/jwks.json", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/oauth/token", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/bootstrap", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/v1/cluster/identity", ARC_REST_AUTH_PUBLIC, 0},
	/* agent to agent: authenticated by the handshake's signatures (docs/protocol.md §5) */
	{"POST", "/v1/handshake/hello", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/handshake/confirm", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/handshake/leave", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/gossip/digest", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/gossip/records", ARC_REST_AUTH_PUBLIC, 0},
	{"POST", "/v1/gossip/probe", ARC_REST_AUTH_PUBLIC, 0},
	{"GET", "/v1/license", ARC_REST_AUTH_TOKEN, 0},
	{"PUT", "/v1/license", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"GET", "/v1/cluster/status", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"POST", "/v1/cluster/sync", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"POST", "/v1/cluster/init", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"GET", "/v1/cluster/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"POST", "/v1/cluster/credentials/rotate", ARC_REST_AUTH_SCOPE,
	 ARC_SCOPE_CREDENTIALS_WRITE},
	{"GET", "/v1/peers", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_READ},
	{"GET", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_READ},
	{"POST", "/v1/peers", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE},
	{"PUT", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE},
	{"DELETE", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE},
	{"DELETE", "/v1/peers/self", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE},
	{"GET", "/v1/services", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ},
	{"GET", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ},
	{"POST", "/v1/services", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"PUT", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"DELETE", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"GET", "/v1/services/{}/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ},
	{"POST", "/v1/services/{}/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"PUT", "/v1/services/{}/routes/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"DELETE", "/v1/services/{}/routes/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE},
	{"GET", "/v1/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ},
	{"GET", "/v1/routes/lookup", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ},
	{"GET", "/v1/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_READ},
	{"POST", "/v1/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_WRITE},
	{"DELETE", "/v1/credentials/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_WRITE},
	{"POST", "/v1/cluster/init", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"POST", "/v1/cluster/sync", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"GET", "/v1/cluster/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN},
	{"POST", "/v1/cluster/credentials/rotate", ARC_REST_AUTH_SCOPE,
	 ARC_SCOPE_CREDENTIALS_WRITE},
};

static const ArcRestSpecRoute *
arc_rest_spec_lookup(const ArcRestRoute *route)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_rest_spec_routes); i++) {
		const ArcRestSpecRoute *spec = &arc_rest_spec_routes[i];
		if (g_strcmp0(spec->method, route->method) == 0 &&
		    g_strcmp0(spec->pattern, route->pattern) == 0)
			return spec;
	}
	return NULL;
}

static gboolean
arc_rest_is_one_known_scope(ArcScope scope)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_rest_scopes); i++) {
		if (arc_rest_scopes[i].scope == scope)
			return TRUE;
	}
	return FALSE;
}

/* what is wrong with @route's declared protection, appended to @gaps */
static void
arc_rest_check_declaration(const ArcRestRoute *route, GString *gaps)
{
	const ArcRestSpecRoute *spec = arc_rest_spec_lookup(route);

	if (route->auth == ARC_REST_AUTH_PUBLIC && (spec == NULL || spec->auth != route->auth))
		g_string_append_printf(gaps, "%s %s is public\n", route->method, route->pattern);
	if (route->auth == ARC_REST_AUTH_TOKEN && (spec == NULL || spec->auth != route->auth))
		g_string_append_printf(gaps, "%s %s takes any token, without a scope\n",
				       route->method, route->pattern);
	if (route->auth == ARC_REST_AUTH_SCOPE && !arc_rest_is_one_known_scope(route->scope))
		g_string_append_printf(gaps, "%s %s requires scope bits 0x%x, not one scope\n",
				       route->method, route->pattern, (guint)route->scope);
	if (spec != NULL && route->auth == ARC_REST_AUTH_SCOPE &&
	    (spec->auth != route->auth || spec->scope != route->scope))
		g_string_append_printf(gaps, "%s %s requires scope 0x%x, the spec says 0x%x\n",
				       route->method, route->pattern, (guint)route->scope,
				       (guint)spec->scope);
}

static void
arc_rest_routes_declared_func(void)
{
	guint n_routes = 0;
	const ArcRestRoute *routes = arc_rest_routes_get(&n_routes);
	g_autoptr(GString) gaps = g_string_new(NULL);

	g_assert_cmpuint(n_routes, >, 0);
	for (guint i = 0; i < n_routes; i++) {
		g_assert_nonnull(routes[i].handler);
		arc_rest_check_declaration(&routes[i], gaps);
		for (guint j = 0; j < i; j++) {
			if (g_strcmp0(routes[i].method, routes[j].method) == 0 &&
			    g_strcmp0(routes[i].pattern, routes[j].pattern) == 0)
				g_string_append_printf(gaps, "%s %s is declared twice\n",
						       routes[i].method, routes[i].pattern);
		}
	}
	g_assert_cmpstr(gaps->str, ==, "");
}

/* a plausible id for the `{}` after @collection: it need not exist */
static gchar *
arc_rest_param_for(const gchar *collection)
{
	if (g_strcmp0(collection, "credentials") == 0)
		return arc_id_new("cli_");
	if (g_strcmp0(collection, "peers") == 0)
		return arc_id_new("peer_");
	if (g_strcmp0(collection, "services") == 0)
		return arc_id_new("svc_");
	if (g_strcmp0(collection, "routes") == 0)
		return g_strdup("1");
	return arc_id_new(NULL);
}

static gchar *
arc_rest_fill_pattern(const gchar *pattern)
{
	g_auto(GStrv) segments = g_strsplit(pattern, "/", -1);

	for (guint i = 1; segments[i] != NULL; i++) {
		if (g_strcmp0(segments[i], "{}") == 0) {
			g_free(segments[i]);
			segments[i] = arc_rest_param_for(segments[i - 1]);
		}
	}
	return g_strjoinv("/", segments);
}

typedef struct {
	gchar *tokens[G_N_ELEMENTS(arc_rest_scopes)];
	GString *gaps;
} ArcRestWalk;

static guint
arc_rest_walk_call(ArcTestAgent *agent, const ArcRestRoute *route, const gchar *token)
{
	guint status = 0;
	g_autofree gchar *path = arc_rest_fill_pattern(route->pattern);
	gboolean with_body = g_strcmp0(route->method, "POST") == 0 ||
			     g_strcmp0(route->method, "PUT") == 0 ||
			     g_strcmp0(route->method, "PATCH") == 0;
	G_GNUC_UNUSED g_autoptr(JsonNode) answer = arc_test_agent_call(
		agent, route->method, path, token, with_body ? "{}" : NULL, &status);
	return status;
}

static gboolean
arc_rest_walk_allows(const ArcRestRoute *route, ArcScope held)
{
	if (route->auth == ARC_REST_AUTH_TOKEN || held == ARC_SCOPE_ADMIN)
		return TRUE;
	return held == route->scope;
}

/* the calls that must be refused change nothing, so they all come first */
static void
arc_rest_walk_refusals(ArcTestAgent *agent, const ArcRestRoute *route, ArcRestWalk *walk)
{
	guint status = arc_rest_walk_call(agent, route, NULL);

	if (status != SOUP_STATUS_UNAUTHORIZED)
		g_string_append_printf(walk->gaps, "%s %s without a token: %u\n", route->method,
				       route->pattern, status);
	status = arc_rest_walk_call(agent, route, "not-a-token");
	if (status != SOUP_STATUS_UNAUTHORIZED)
		g_string_append_printf(walk->gaps, "%s %s with a bad token: %u\n", route->method,
				       route->pattern, status);
	for (guint s = 0; s < G_N_ELEMENTS(arc_rest_scopes); s++) {
		if (arc_rest_walk_allows(route, arc_rest_scopes[s].scope))
			continue;
		status = arc_rest_walk_call(agent, route, walk->tokens[s]);
		if (status != SOUP_STATUS_FORBIDDEN)
			g_string_append_printf(walk->gaps, "%s %s with only %s: %u, not 403\n",
					       route->method, route->pattern,
					       arc_rest_scopes[s].name, status);
	}
}

static void
arc_rest_walk_grants(ArcTestAgent *agent, const ArcRestRoute *route, ArcRestWalk *walk)
{
	for (guint s = 0; s < G_N_ELEMENTS(arc_rest_scopes); s++) {
		guint status;

		if (!arc_rest_walk_allows(route, arc_rest_scopes[s].scope))
			continue;
		/* the route lets credentials.write in, but the cluster credential is admin and
		 * rotating it takes every scope it has (credentials/rotate-refused) */
		if (g_strcmp0(route->pattern, "/v1/cluster/credentials/rotate") == 0 &&
		    arc_rest_scopes[s].scope != ARC_SCOPE_ADMIN)
			continue;
		status = arc_rest_walk_call(agent, route, walk->tokens[s]);
		if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
			g_string_append_printf(walk->gaps, "%s %s with %s: %u\n", route->method,
					       route->pattern, arc_rest_scopes[s].name, status);
	}
}

/* a token signed with the agent's key for longer than it would ever issue one: before, the
 * signature and exp alone decided */
static void
arc_rest_tokens_lifetime_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint64 now = arc_rest_now();
	g_autofree gchar *full = arc_rest_mint(fixture, NULL, now, now + 3600);
	g_autofree gchar *two_hours = arc_rest_mint(fixture, NULL, now, now + 7200);
	g_autofree gchar *year = arc_rest_mint(fixture, NULL, now - 60, now + 365 * 86400);

	arc_rest_assert_accepted(fixture->agent, full);
	arc_rest_assert_refused(fixture->agent, two_hours, 401, "UNAUTHORIZED");
	arc_rest_assert_refused(fixture->agent, year, 401, "UNAUTHORIZED");
}

/* iss is the cluster's issuer, not the signing peer (RFC 9068 §4) */
static void
arc_rest_tokens_issuer_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcIdentity) identity = arc_identity_load(key_path, &error);
	g_autoptr(ArcJwt) jwt = arc_jwt_new();
	g_autofree gchar *peer_iss = NULL;
	gint64 now = arc_rest_now();

	g_assert_no_error(error);
	jwt->kid = g_strdup(arc_test_agent_get_peer_id(fixture->agent));
	jwt->iss = g_strdup(jwt->kid);
	jwt->sub = g_strdup(arc_test_agent_get_client_id(fixture->agent));
	jwt->client_id = g_strdup(jwt->sub);
	jwt->aud = g_strdup(arc_test_agent_get_cluster_id(fixture->agent));
	jwt->scope = g_strdup(ARC_REST_SCOPE_URN("admin"));
	jwt->jti = arc_id_new(NULL);
	jwt->iat = now;
	jwt->exp = now + 3600;
	peer_iss = arc_jwt_encode(jwt, identity);
	arc_rest_assert_refused(fixture->agent, peer_iss, 401, "UNAUTHORIZED");
	arc_rest_assert_accepted(fixture->agent, fixture->token);
}

/* RFC 6750 §3: which challenge a refused request gets */
static void
arc_rest_tokens_challenge_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	const gchar *bad[] = {"Authorization: Bearer not-a-token", NULL};
	g_autoptr(ArcTestResponse) none = arc_test_agent_send(
		fixture->agent, "GET", "/v1/credentials", NULL, NULL, 0, NULL, &error);
	g_autoptr(ArcTestResponse) invalid = NULL;

	g_assert_no_error(error);
	arc_test_assert_status(none->status, SOUP_STATUS_UNAUTHORIZED);
	g_assert_cmpstr(soup_message_headers_get_one(none->headers, "WWW-Authenticate"), ==,
			"Bearer");
	invalid = arc_test_agent_send(fixture->agent, "GET", "/v1/credentials", bad, NULL, 0, NULL,
				      &error);
	g_assert_no_error(error);
	arc_test_assert_status(invalid->status, SOUP_STATUS_UNAUTHORIZED);
	arc_test_assert_api_error(invalid->json, "UNAUTHORIZED");
	g_assert_cmpstr(soup_message_headers_get_one(invalid->headers, "WWW-Authenticate"), ==,
			"Bearer error=\"invalid_token\"");
}

/* RFC 6749 §5.2, with the API's own code and message kept */
static ArcTestResponse *
arc_rest_assert_oauth_error(ArcTestAgent *agent, const gchar *header, const gchar *form,
			    guint expected, const gchar *oauth_error, const gchar *code)
{
	g_autoptr(GError) error = NULL;
	const gchar *headers[] = {header, NULL};
	ArcTestResponse *resp =
		arc_test_agent_send(agent, "POST", "/v1/oauth/token", headers, form, -1,
				    "application/x-www-form-urlencoded", &error);

	g_test_message("token request %s %s", header != NULL ? header : "", form);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, expected);
	g_assert_cmpstr(arc_test_json_string(resp->json, "error"), ==, oauth_error);
	g_assert_cmpstr(arc_test_json_string(resp->json, "code"), ==, code);
	g_assert_cmpstr(arc_test_json_string(resp->json, "error_description"), !=, "");
	g_assert_cmpstr(arc_test_json_string(resp->json, "message"), ==,
			arc_test_json_string(resp->json, "error_description"));
	g_assert_false(json_object_has_member(json_node_get_object(resp->json), "access_token"));
	return resp;
}

static gchar *
arc_rest_basic(const gchar *id, const gchar *secret)
{
	g_autofree gchar *pair = g_strconcat(id, ":", secret, NULL);
	g_autofree gchar *b64 = g_base64_encode((const guchar *)pair, strlen(pair));
	return g_strconcat("Authorization: Basic ", b64, NULL);
}

static void
arc_rest_oauth_errors_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	ArcTestAgent *agent = fixture->agent;
	const gchar *id = arc_test_agent_get_client_id(agent);
	const gchar *secret = arc_test_agent_get_client_secret(agent);
	g_autofree gchar *basic = arc_rest_basic(id, secret);
	g_autofree gchar *basic_wrong = arc_rest_basic(id, "sec_wrong");
	g_autofree gchar *body = soup_form_encode("grant_type", "client_credentials", "client_id",
						  id, "client_secret", secret, NULL);
	g_autofree gchar *wrong = soup_form_encode("grant_type", "client_credentials", "client_id",
						   id, "client_secret", "sec_wrong", NULL);
	g_autofree gchar *password = soup_form_encode("grant_type", "password", "client_id", id,
						      "client_secret", secret, NULL);
	g_autofree gchar *no_grant =
		soup_form_encode("client_id", id, "client_secret", secret, NULL);
	g_autofree gchar *nul_secret = g_strdup_printf(
		"grant_type=client_credentials&client_id=%s&client_secret=%s%%00x", id, secret);
	g_autofree gchar *nul_id = g_strdup_printf(
		"grant_type=client_credentials&client_id=%s%%00&client_secret=%s", id, secret);
	g_autofree gchar *twice = g_strdup_printf("%s&client_id=%s", body, id);
	g_autofree gchar *unknown_scope = g_strconcat(body, "&scope=root", NULL);
	g_autoptr(ArcTestResponse) r = NULL;

	r = arc_rest_assert_oauth_error(agent, NULL, wrong, 401, "invalid_client", "UNAUTHORIZED");
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, basic_wrong, "grant_type=client_credentials", 401,
					"invalid_client", "UNAUTHORIZED");
	g_assert_true(g_str_has_prefix(soup_message_headers_get_one(r->headers, "WWW-Authenticate"),
				       "Basic "));
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, NULL, password, 400, "unsupported_grant_type",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, NULL, no_grant, 400, "invalid_request",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	/* one way of authenticating per request (RFC 6749 §2.3) */
	r = arc_rest_assert_oauth_error(agent, basic, body, 400, "invalid_request",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	/* a NUL cuts a C string: "id\0" must not mean "id" */
	r = arc_rest_assert_oauth_error(agent, NULL, nul_secret, 400, "invalid_request",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, NULL, nul_id, 400, "invalid_request",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, NULL, twice, 400, "invalid_request",
					"INVALID_REQUEST");
	g_clear_pointer(&r, arc_test_response_free);
	r = arc_rest_assert_oauth_error(agent, NULL, unknown_scope, 400, "invalid_scope",
					"INVALID_REQUEST");
}

/* a client may ask for fewer scopes than it has (RFC 6749 §3.3), never for more */
static void
arc_rest_oauth_scope_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	ArcTestAgent *agent = fixture->agent;
	g_autofree gchar *reader_secret = NULL;
	g_autofree gchar *reader_id = arc_rest_create_credential(
		agent, fixture->token, "{\"scopes\": [\"peers.read\"]}", &reader_secret);
	g_autofree gchar *narrow =
		soup_form_encode("grant_type", "client_credentials", "client_id",
				 arc_test_agent_get_client_id(agent), "client_secret",
				 arc_test_agent_get_client_secret(agent), "scope",
				 ARC_REST_SCOPE_URN("peers.read"), NULL);
	g_autofree gchar *wider =
		soup_form_encode("grant_type", "client_credentials", "client_id", reader_id,
				 "client_secret", reader_secret, "scope", "peers.read admin", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) granted =
		arc_test_agent_send(agent, "POST", "/v1/oauth/token", NULL, narrow, -1,
				    "application/x-www-form-urlencoded", &error);
	g_autoptr(ArcTestResponse) refused = NULL;
	const gchar *token;

	g_assert_no_error(error);
	arc_test_assert_status(granted->status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(granted->json, "scope"), ==,
			ARC_REST_SCOPE_URN("peers.read"));
	token = arc_test_json_string(granted->json, "access_token");
	arc_rest_assert_refused(agent, token, 403, "FORBIDDEN");
	refused = arc_rest_assert_oauth_error(agent, NULL, wider, 400, "invalid_scope",
					      "INVALID_REQUEST");
}

/* `scopes: []` is a mistake, not "inherit everything" (DESIGN §5 says omitting inherits) */
static void
arc_rest_credentials_empty_scopes_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *writer = NULL;
	guint status = 0;
	g_autoptr(JsonNode) inherited = NULL;

	arc_rest_assert_create_refused(fixture, fixture->token, "{\"scopes\": []}", 400,
				       "INVALID_REQUEST");
	id = arc_rest_create_credential(fixture->agent, fixture->token,
					"{\"scopes\": [\"credentials.write\"]}", &secret);
	writer = arc_rest_token_for(fixture->agent, id, secret);
	arc_rest_assert_create_refused(fixture, writer, "{\"scopes\": []}", 400, "INVALID_REQUEST");
	/* omitting the member still inherits */
	inherited = arc_rest_post_credential(fixture, writer, "{}", &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	g_assert_true(arc_test_json_array_has_string(inherited, "scopes",
						     ARC_REST_SCOPE_URN("credentials.write")));
}

/* the cluster credential is admin: credentials.write alone cannot take its secret */
static void
arc_rest_credentials_rotate_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\": [\"credentials.write\"]}", &secret);
	g_autofree gchar *writer = arc_rest_token_for(fixture->agent, id, secret);
	guint status = 0;
	g_autoptr(JsonNode) refused = NULL;
	g_autoptr(JsonNode) before = NULL;
	g_autoptr(JsonNode) after = NULL;
	g_autoptr(JsonNode) rotated = NULL;

	before = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/credentials",
				     fixture->token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	refused = arc_test_agent_call(fixture->agent, "POST", "/v1/cluster/credentials/rotate",
				      writer, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_FORBIDDEN);
	arc_test_assert_api_error(refused, "FORBIDDEN");
	after = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/credentials",
				    fixture->token, NULL, &status);
	g_assert_cmpint(arc_test_json_int(after, "version"), ==,
			arc_test_json_int(before, "version"));
	/* the old secret still works: nothing was rotated */
	g_free(arc_rest_token_for(fixture->agent, arc_test_agent_get_client_id(fixture->agent),
				  arc_test_agent_get_client_secret(fixture->agent)));

	rotated = arc_test_agent_call(fixture->agent, "POST", "/v1/cluster/credentials/rotate",
				      fixture->token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(rotated, "client_secret"), !=, "");
}

/* revoking needs every scope of the credential revoked, as creating it did */
static void
arc_rest_credentials_revoke_scopes_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	ArcTestAgent *agent = fixture->agent;
	g_autofree gchar *w_secret = NULL;
	g_autofree gchar *w_id = arc_rest_create_credential(
		agent, fixture->token, "{\"scopes\": [\"credentials.write\", \"peers.read\"]}",
		&w_secret);
	g_autofree gchar *writer = arc_rest_token_for(agent, w_id, w_secret);
	g_autofree gchar *a_secret = NULL;
	g_autofree gchar *a_id = arc_rest_create_credential(agent, fixture->token,
							    "{\"scopes\": [\"admin\"]}", &a_secret);
	g_autofree gchar *s_secret = NULL;
	g_autofree gchar *s_id = arc_rest_create_credential(
		agent, fixture->token, "{\"scopes\": [\"services.read\"]}", &s_secret);
	g_autofree gchar *p_secret = NULL;
	g_autofree gchar *p_id = arc_rest_create_credential(
		agent, fixture->token, "{\"scopes\": [\"peers.read\"]}", &p_secret);
	const gchar *refused_ids[] = {a_id, s_id, arc_test_agent_get_client_id(agent)};
	g_autofree gchar *p_path = g_strconcat("/v1/credentials/", p_id, NULL);
	g_autoptr(JsonNode) deleted = NULL;
	g_autoptr(GPtrArray) ids = NULL;
	guint status = 0;

	for (guint i = 0; i < G_N_ELEMENTS(refused_ids); i++) {
		g_autofree gchar *path = g_strconcat("/v1/credentials/", refused_ids[i], NULL);
		g_autoptr(JsonNode) refused =
			arc_test_agent_call(agent, "DELETE", path, writer, NULL, &status);
		g_test_message("DELETE %s", path);
		arc_test_assert_status(status, SOUP_STATUS_FORBIDDEN);
		arc_test_assert_api_error(refused, "FORBIDDEN");
	}
	ids = arc_rest_list_client_ids(agent, fixture->token);
	for (guint i = 0; i < G_N_ELEMENTS(refused_ids); i++)
		g_assert_true(
			g_ptr_array_find_with_equal_func(ids, refused_ids[i], g_str_equal, NULL));
	g_free(arc_rest_token_for(agent, a_id, a_secret));
	deleted = arc_test_agent_call(agent, "DELETE", p_path, writer, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
}

/* the endpoints a client is sent to come from the agent, never from the Host header a
 * request claims: a forged Host would otherwise point clients at another server */
static void
arc_rest_oauth_discovery_host_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	const gchar *forged[] = {"Host: attacker.example", NULL};
	g_autofree gchar *base = arc_test_agent_get_base_url(fixture->agent);
	g_autofree gchar *token_endpoint = g_strconcat(base, "/v1/oauth/token", NULL);
	g_autofree gchar *jwks_uri = g_strconcat(base, "/.well-known/jwks.json", NULL);
	const gchar *paths[] = {"/.well-known/openid-configuration",
				"/.well-known/oauth-authorization-server"};

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(ArcTestResponse) resp = arc_test_agent_send(
			fixture->agent, "GET", paths[i], forged, NULL, 0, NULL, &error);
		g_assert_no_error(error);
		arc_test_assert_status(resp->status, SOUP_STATUS_OK);
		g_assert_cmpstr(arc_test_json_string(resp->json, "token_endpoint"), ==,
				token_endpoint);
		g_assert_cmpstr(arc_test_json_string(resp->json, "jwks_uri"), ==, jwks_uri);
	}
}

/* [auth] issuer: the URL the discovery document is served under, in every token */
static void
arc_rest_oauth_issuer_url_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autoptr(JsonNode) conf = NULL;
	g_autofree gchar *token = NULL;
	g_autoptr(ArcJwt) jwt = NULL;
	guint status = 0;
	gint exit_status = -1;

	arc_test_agent_add_config(agent, "[auth]\nissuer=https://arctic.example.com\n");
	arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	boot = arc_test_agent_bootstrap(agent, &error);
	g_assert_no_error(error);
	conf = arc_test_agent_call(agent, "GET", "/.well-known/openid-configuration", NULL, NULL,
				   &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(conf, "issuer"), ==, "https://arctic.example.com");
	g_assert_cmpstr(arc_test_json_string(conf, "token_endpoint"), ==,
			"https://arctic.example.com/v1/oauth/token");
	g_assert_cmpstr(arc_test_json_string(conf, "jwks_uri"), ==,
			"https://arctic.example.com/.well-known/jwks.json");
	token = arc_rest_token_for(agent, NULL, NULL);
	jwt = arc_jwt_parse(token, strlen(token), &error);
	g_assert_no_error(error);
	g_assert_cmpstr(jwt->iss, ==, "https://arctic.example.com");
	arc_rest_assert_accepted(agent, token);
	arc_test_agent_stop(agent, &exit_status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(exit_status, ==, 0);
}

static void
arc_rest_routes_scope_walk_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint n_routes = 0;
	const ArcRestRoute *routes = arc_rest_routes_get(&n_routes);
	ArcRestWalk walk = {.gaps = g_string_new(NULL)};
	guint walked = 0;

	for (guint s = 0; s < G_N_ELEMENTS(arc_rest_scopes); s++) {
		g_autofree gchar *body =
			g_strdup_printf("{\"scopes\": [\"%s\"]}", arc_rest_scopes[s].name);
		g_autofree gchar *secret = NULL;
		g_autofree gchar *id =
			arc_rest_create_credential(fixture->agent, fixture->token, body, &secret);
		walk.tokens[s] = arc_rest_token_for(fixture->agent, id, secret);
	}
	for (guint i = 0; i < n_routes; i++) {
		if (routes[i].auth == ARC_REST_AUTH_PUBLIC)
			continue;
		arc_rest_walk_refusals(fixture->agent, &routes[i], &walk);
		walked++;
	}
	/* the granted calls may change state: deletions last */
	for (guint pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < n_routes; i++) {
			gboolean is_delete = g_strcmp0(routes[i].method, "DELETE") == 0;
			if (routes[i].auth != ARC_REST_AUTH_PUBLIC && is_delete == (pass == 1))
				arc_rest_walk_grants(fixture->agent, &routes[i], &walk);
		}
	}
	g_test_message("walked %u protected routes x %u scopes", walked,
		       (guint)G_N_ELEMENTS(arc_rest_scopes));
	g_assert_cmpuint(walked, >=, 3);
	g_assert_cmpstr(walk.gaps->str, ==, "");
	for (guint s = 0; s < G_N_ELEMENTS(arc_rest_scopes); s++)
		g_free(walk.tokens[s]);
	g_string_free(walk.gaps, TRUE);
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);

#define ARC_REST_TEST(path, func)                                                                  \
	g_test_add("/rest/" path, ArcRestFixture, NULL, arc_rest_fixture_setup_bootstrapped, func, \
		   arc_rest_fixture_teardown)

	ARC_REST_TEST("tokens/missing", arc_rest_tokens_missing_func);
	ARC_REST_TEST("tokens/garbage", arc_rest_tokens_garbage_func);
	ARC_REST_TEST("tokens/bad-signature", arc_rest_tokens_bad_signature_func);
	ARC_REST_TEST("tokens/alg-none", arc_rest_tokens_alg_none_func);
	ARC_REST_TEST("tokens/edited-claims", arc_rest_tokens_edited_claims_func);
	ARC_REST_TEST("tokens/expired", arc_rest_tokens_expired_func);
	ARC_REST_TEST("tokens/other-cluster", arc_rest_tokens_other_cluster_func);
	ARC_REST_TEST("credentials/list", arc_rest_credentials_list_func);
	ARC_REST_TEST("credentials/create", arc_rest_credentials_create_func);
	ARC_REST_TEST("credentials/inherit", arc_rest_credentials_inherit_func);
	ARC_REST_TEST("credentials/create-refused", arc_rest_credentials_create_refused_func);
	ARC_REST_TEST("credentials/revoke", arc_rest_credentials_revoke_func);
	ARC_REST_TEST("credentials/revoke-refused", arc_rest_credentials_revoke_refused_func);
	ARC_REST_TEST("credentials/empty-scopes", arc_rest_credentials_empty_scopes_func);
	ARC_REST_TEST("credentials/rotate-refused", arc_rest_credentials_rotate_refused_func);
	ARC_REST_TEST("credentials/revoke-scopes", arc_rest_credentials_revoke_scopes_func);
	ARC_REST_TEST("tokens/lifetime", arc_rest_tokens_lifetime_func);
	ARC_REST_TEST("tokens/issuer", arc_rest_tokens_issuer_func);
	ARC_REST_TEST("tokens/challenge", arc_rest_tokens_challenge_func);
	ARC_REST_TEST("oauth/errors", arc_rest_oauth_errors_func);
	ARC_REST_TEST("oauth/scope", arc_rest_oauth_scope_func);
	ARC_REST_TEST("oauth/discovery-host", arc_rest_oauth_discovery_host_func);
	g_test_add_func("/rest/oauth/issuer-url", arc_rest_oauth_issuer_url_func);
	g_test_add_func("/rest/routes/declared", arc_rest_routes_declared_func);
	ARC_REST_TEST("routes/scope-walk", arc_rest_routes_scope_walk_func);
	return g_test_run();
}
