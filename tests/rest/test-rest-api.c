/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "arc-rest-fixture.h"

/* The public part of the API against the built agent: health, identity, bootstrap and the
 * OAuth2 token endpoint with its discovery documents (spec §4.4, §4.5, §4.11, §3.1). */

static void
arc_rest_assert_recent(const gchar *timestamp)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(timestamp, NULL);

	arc_test_assert_rfc3339(timestamp);
	g_assert_cmpint(ABS(g_date_time_to_unix(dt) - arc_rest_now()), <=, 60);
}

static void
arc_rest_livez_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(JsonNode) answer =
		arc_test_agent_call(fixture->agent, "GET", "/livez", NULL, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(answer, "status"), ==, "ok");
	arc_rest_assert_recent(arc_test_json_string(answer, "timestamp"));
}

/* returns the message of the check named @name, asserting every check passes */
static const gchar *
arc_rest_readyz_check(JsonNode *answer, const gchar *name)
{
	JsonArray *checks = json_object_get_array_member(json_node_get_object(answer), "checks");
	const gchar *message = NULL;

	g_assert_nonnull(checks);
	for (guint i = 0; i < json_array_get_length(checks); i++) {
		JsonNode *check = json_array_get_element(checks, i);
		g_assert_cmpstr(arc_test_json_string(check, "status"), ==, "ok");
		if (g_strcmp0(arc_test_json_string(check, "name"), name) == 0)
			message = arc_test_json_string(check, "message");
	}
	if (message == NULL)
		g_error("/readyz has no check named '%s'", name);
	g_assert_cmpstr(message, !=, "");
	return message;
}

static void
arc_rest_readyz_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(JsonNode) before = NULL;
	g_autoptr(JsonNode) after = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *port = g_strdup_printf("%u", arc_test_agent_get_port(fixture->agent));
	const gchar *names[] = {"storage", "license", "plugins", "listeners", "dataplane"};

	before = arc_test_agent_call(fixture->agent, "GET", "/readyz", NULL, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(before, "status"), ==, "ok");
	arc_rest_assert_recent(arc_test_json_string(before, "timestamp"));
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		arc_rest_readyz_check(before, names[i]);
	g_assert_nonnull(strstr(arc_rest_readyz_check(before, "listeners"), port));
	g_assert_nonnull(strstr(arc_rest_readyz_check(before, "plugins"), "sqlite"));
	g_assert_nonnull(strstr(arc_rest_readyz_check(before, "plugins"), "ed25519-file"));
	/* the harness starts agents without CAP_NET_ADMIN, as a user would: ready, data plane off
	 */
	g_assert_true(g_str_has_prefix(arc_rest_readyz_check(before, "dataplane"), "disabled: "));
	g_assert_nonnull(strstr(arc_rest_readyz_check(before, "dataplane"), "CAP_NET_ADMIN"));

	/* once bootstrapped, the license check names the license in force */
	boot = arc_test_agent_bootstrap(fixture->agent, &error);
	g_assert_no_error(error);
	after = arc_test_agent_call(fixture->agent, "GET", "/readyz", NULL, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_nonnull(strstr(arc_rest_readyz_check(after, "license"),
				arc_test_json_string(boot, "license_id")));
}

static void
arc_rest_identity_unbootstrapped_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(JsonNode) answer = arc_test_agent_call(
		fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL, &status);
	const gchar *unset[] = {"peer_id", "public_key", "license_id", "customer_id", "cluster_id"};
	g_autoptr(JsonNode) jwks = NULL;
	JsonArray *keys;

	arc_test_assert_status(status, SOUP_STATUS_OK);
	for (guint i = 0; i < G_N_ELEMENTS(unset); i++)
		g_assert_true(arc_test_json_is_null(answer, unset[i]));
	g_assert_cmpstr(arc_test_json_string(answer, "version"), ==, PACKAGE_VERSION);

	/* no key yet, so nothing a verifier could trust */
	jwks = arc_test_agent_call(fixture->agent, "GET", "/.well-known/jwks.json", NULL, NULL,
				   &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	keys = json_object_get_array_member(json_node_get_object(jwks), "keys");
	g_assert_nonnull(keys);
	g_assert_cmpuint(json_array_get_length(keys), ==, 0);
}

static void
arc_rest_assert_public_key(const gchar *b64)
{
	g_autofree guchar *raw = NULL;
	gsize len = 0;

	g_assert_cmpuint(strlen(b64), ==, 44);
	raw = g_base64_decode(b64, &len);
	g_assert_cmpuint(len, ==, crypto_sign_PUBLICKEYBYTES);
}

static void
arc_rest_identity_bootstrapped_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = arc_test_agent_bootstrap(fixture->agent, &error);
	g_autoptr(JsonNode) answer = NULL;

	g_assert_no_error(error);
	answer = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				     &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "peer_id"), "peer_"));
	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "cluster_id"), "clu_"));
	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "license_id"), "lic_"));
	g_assert_cmpstr(arc_test_json_string(answer, "customer_id"), ==, ARC_TEST_CUSTOMER_ID);
	arc_rest_assert_public_key(arc_test_json_string(answer, "public_key"));
	g_assert_cmpstr(arc_test_json_string(answer, "version"), ==, PACKAGE_VERSION);

	/* the same identity the bootstrap answer announced */
	g_assert_cmpstr(arc_test_json_string(answer, "peer_id"), ==,
			arc_test_json_string(boot, "peer_id"));
	g_assert_cmpstr(arc_test_json_string(answer, "cluster_id"), ==,
			arc_test_json_string(boot, "cluster_id"));
	g_assert_cmpstr(arc_test_json_string(answer, "license_id"), ==,
			arc_test_json_string(boot, "license_id"));
	g_assert_cmpstr(arc_test_json_string(answer, "public_key"), ==,
			arc_test_json_string(boot, "peer_public_key"));
}

static void
arc_rest_assert_bootstrap_answer(ArcRestFixture *fixture, JsonNode *answer, JsonNode *license)
{
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autoptr(GDateTime) answered = NULL;
	g_autoptr(GDateTime) licensed = NULL;
	GStatBuf st;

	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "peer_id"), "peer_"));
	arc_rest_assert_public_key(arc_test_json_string(answer, "peer_public_key"));
	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "client_id"), "cli_"));
	g_assert_true(g_str_has_prefix(arc_test_json_string(answer, "client_secret"), "sec_"));
	g_assert_cmpuint(strlen(arc_test_json_string(answer, "client_secret")), >, 20);
	g_assert_true(arc_id_is_valid(arc_test_json_string(answer, "cluster_id"), "clu_"));
	g_assert_cmpstr(arc_test_json_string(answer, "license_id"), ==,
			arc_test_json_string(license, "license_id"));
	arc_test_assert_rfc3339(arc_test_json_string(answer, "expires_at"));
	answered = g_date_time_new_from_iso8601(arc_test_json_string(answer, "expires_at"), NULL);
	licensed = g_date_time_new_from_iso8601(arc_test_json_string(license, "expires_at"), NULL);
	g_assert_cmpint(g_date_time_to_unix(answered), ==, g_date_time_to_unix(licensed));
	g_assert_cmpint(arc_test_json_int(answer, "max_nodes"), ==,
			arc_test_json_int(license, "max_nodes"));
	g_assert_cmpint(arc_test_json_int(answer, "max_services"), ==,
			arc_test_json_int(license, "max_services"));

	/* the private key is on disk, readable by the agent's user only */
	g_assert_cmpint(g_stat(key_path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
}

static void
arc_rest_bootstrap_bare_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *license = arc_test_agent_make_license(
		fixture->agent, ARC_TEST_CUSTOMER_ID, arc_rest_now() - 60,
		arc_rest_now() + 90 * 24 * 3600, 7, 42);
	g_autoptr(JsonNode) license_node = json_from_string(license, NULL);
	g_autoptr(JsonNode) answer = NULL;
	g_autofree gchar *token = NULL;

	answer = arc_test_agent_request(fixture->agent, "POST", "/v1/bootstrap", NULL, license,
					"application/json", &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	arc_rest_assert_bootstrap_answer(fixture, answer, license_node);
	g_assert_cmpint(arc_test_json_int(answer, "max_nodes"), ==, 7);
	g_assert_cmpint(arc_test_json_int(answer, "max_services"), ==, 42);

	/* the cluster credential works at once */
	token = arc_rest_token_for(fixture->agent, arc_test_json_string(answer, "client_id"),
				   arc_test_json_string(answer, "client_secret"));
	g_assert_cmpstr(token, !=, "");
}

static void
arc_rest_bootstrap_wrapper_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *license = arc_test_agent_make_default_license(fixture->agent);
	g_autoptr(JsonNode) license_node = json_from_string(license, NULL);
	g_autofree gchar *body = g_strdup_printf(
		"{\"license\": %s, \"name\": \"agent-a\", \"description\": \"Production server\"}",
		license);
	g_autoptr(JsonNode) answer = NULL;
	g_autoptr(JsonNode) identity = NULL;

	answer = arc_test_agent_request(fixture->agent, "POST", "/v1/bootstrap", NULL, body,
					"application/json", &status);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	arc_rest_assert_bootstrap_answer(fixture, answer, license_node);

	identity = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				       &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(identity, "name"), ==, "agent-a");
	g_assert_cmpstr(arc_test_json_string(identity, "peer_id"), ==,
			arc_test_json_string(answer, "peer_id"));
}

static void
arc_rest_bootstrap_twice_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autofree gchar *license = arc_test_agent_make_default_license(fixture->agent);
	g_autoptr(JsonNode) second = NULL;
	g_autoptr(JsonNode) identity = NULL;

	second = arc_test_agent_request(fixture->agent, "POST", "/v1/bootstrap", NULL, license,
					"application/json", &status);
	arc_test_assert_status(status, SOUP_STATUS_CONFLICT);
	arc_test_assert_api_error(second, "ALREADY_BOOTSTRAPPED");

	/* the agent is still the peer of the first bootstrap */
	identity = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				       &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(identity, "peer_id"), ==,
			arc_test_agent_get_peer_id(fixture->agent));
	g_assert_cmpstr(arc_test_json_string(identity, "cluster_id"), ==,
			arc_test_agent_get_cluster_id(fixture->agent));
}

typedef struct {
	const gchar *what;
	gchar *body;
	guint status;
	const gchar *code;
} ArcRestBadBootstrap;

static void
arc_rest_bad_bootstrap_clear(gpointer data)
{
	ArcRestBadBootstrap *bad = data;
	g_free(bad->body);
}

static void
arc_rest_add_bad(GArray *cases, const gchar *what, gchar *body, guint status, const gchar *code)
{
	ArcRestBadBootstrap bad = {what, body, status, code};
	g_array_append_val(cases, bad);
}

/* @license with @member replaced by the JSON @value (or removed when @value is NULL) */
static gchar *
arc_rest_edit_license(const gchar *license, const gchar *member, const gchar *value)
{
	g_autoptr(JsonNode) root = json_from_string(license, NULL);
	JsonObject *obj = json_node_get_object(root);

	json_object_remove_member(obj, member);
	if (value != NULL)
		json_object_set_member(obj, member, json_from_string(value, NULL));
	return json_to_string(root, FALSE);
}

static gchar *
arc_rest_change_one_byte(const gchar *license)
{
	gchar *copy = g_strdup(license);
	gchar *at = strstr(copy, ARC_TEST_CUSTOMER_ID);

	/* a signed field, same length, still a well-formed license */
	g_assert_nonnull(at);
	at[strlen(ARC_TEST_CUSTOMER_ID) - 1] ^= 0x01;
	return copy;
}

static GArray *
arc_rest_bad_bootstraps(ArcTestAgent *agent)
{
	GArray *cases = g_array_new(FALSE, TRUE, sizeof(ArcRestBadBootstrap));
	gint64 now = arc_rest_now();
	g_autofree gchar *good = arc_test_agent_make_default_license(agent);
	g_autofree gchar *foreign = arc_test_agent_make_foreign_license(
		agent, ARC_TEST_CUSTOMER_ID, now - 60, now + 24 * 3600, 10, 100);
	g_autofree gchar *expired = arc_test_agent_make_license(
		agent, ARC_TEST_CUSTOMER_ID, now - 90 * 24 * 3600, now - 3600, 10, 100);
	g_autofree gchar *opening = g_strnfill(64, '[');
	g_autofree gchar *closing = g_strnfill(64, ']');
	g_autofree gchar *deep = g_strdup_printf("{\"license\": %s%s}", opening, closing);
	g_autofree gchar *long_name = g_strnfill(4096, 'n');

	g_array_set_clear_func(cases, arc_rest_bad_bootstrap_clear);
	arc_rest_add_bad(cases, "unknown issuer", g_strdup(foreign), 422, "LICENSE_INVALID");
	arc_rest_add_bad(cases, "unknown issuer, wrapped",
			 g_strdup_printf("{\"license\": %s}", foreign), 422, "LICENSE_INVALID");
	arc_rest_add_bad(cases, "one byte changed", arc_rest_change_one_byte(good), 422,
			 "LICENSE_INVALID");
	arc_rest_add_bad(cases, "expired", g_strdup(expired), 422, "LICENSE_EXPIRED");
	arc_rest_add_bad(cases, "expired, wrapped",
			 g_strdup_printf("{\"license\": %s, \"name\": \"x\"}", expired), 422,
			 "LICENSE_EXPIRED");
	arc_rest_add_bad(cases, "malformed JSON", g_strdup("{\"customer_id\": "), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "empty body", g_strdup(""), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "array", g_strdup("[]"), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "string", g_strdup("\"license\""), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "number", g_strdup("42"), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "null", g_strdup("null"), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "deep nesting", g_steal_pointer(&deep), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "empty object", g_strdup("{}"), 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "max_nodes a string",
			 arc_rest_edit_license(good, "max_nodes", "\"10\""), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "expires_at a number",
			 arc_rest_edit_license(good, "expires_at", "1767225600"), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "no license_id", arc_rest_edit_license(good, "license_id", NULL),
			 400, "INVALID_REQUEST");
	arc_rest_add_bad(cases, "no signature", arc_rest_edit_license(good, "signature", NULL), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "license a string", g_strdup("{\"license\": \"lic_1\"}"), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "license null", g_strdup("{\"license\": null}"), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "name a number",
			 g_strdup_printf("{\"license\": %s, \"name\": 42}", good), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "description an array",
			 g_strdup_printf("{\"license\": %s, \"description\": []}", good), 400,
			 "INVALID_REQUEST");
	arc_rest_add_bad(cases, "name too long",
			 g_strdup_printf("{\"license\": %s, \"name\": \"%s\"}", good, long_name),
			 400, "INVALID_REQUEST");
	return cases;
}

static void
arc_rest_assert_unbootstrapped(ArcRestFixture *fixture)
{
	guint status = 0;
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autoptr(JsonNode) identity = arc_test_agent_call(
		fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_true(arc_test_json_is_null(identity, "peer_id"));
	g_assert_true(arc_test_json_is_null(identity, "cluster_id"));
	g_assert_true(arc_test_json_is_null(identity, "license_id"));
	g_assert_false(g_file_test(key_path, G_FILE_TEST_EXISTS));
}

static void
arc_rest_bootstrap_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GArray) cases = arc_rest_bad_bootstraps(fixture->agent);
	g_autoptr(JsonNode) good = NULL;
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < cases->len; i++) {
		ArcRestBadBootstrap *bad = &g_array_index(cases, ArcRestBadBootstrap, i);
		guint status = 0;
		g_autoptr(JsonNode) answer = NULL;

		g_test_message("bootstrap with %s", bad->what);
		answer = arc_test_agent_request(fixture->agent, "POST", "/v1/bootstrap", NULL,
						bad->body, "application/json", &status);
		arc_test_assert_status(status, bad->status);
		arc_test_assert_api_error(answer, bad->code);
		arc_rest_assert_unbootstrapped(fixture);
	}

	/* none of it left a trace: a valid bootstrap still works */
	good = arc_test_agent_bootstrap(fixture->agent, &error);
	g_assert_no_error(error);
	g_assert_nonnull(good);
}

static gchar *
arc_rest_basic_auth(const gchar *client_id, const gchar *secret)
{
	g_autofree gchar *id = g_uri_escape_string(client_id, NULL, FALSE);
	g_autofree gchar *sec = g_uri_escape_string(secret, NULL, FALSE);
	g_autofree gchar *pair = g_strconcat(id, ":", sec, NULL);
	g_autofree gchar *b64 = g_base64_encode((const guchar *)pair, strlen(pair));
	return g_strconcat("Authorization: Basic ", b64, NULL);
}

static void
arc_rest_assert_grant(ArcTestAgent *agent, ArcTestResponse *resp)
{
	guint status = 0;
	g_autoptr(JsonNode) list = NULL;
	const gchar *token;

	arc_test_assert_status(resp->status, SOUP_STATUS_OK);
	token = arc_test_json_string(resp->json, "access_token");
	g_assert_cmpuint(strlen(token), >, 20);
	g_assert_cmpstr(arc_test_json_string(resp->json, "token_type"), ==, "Bearer");
	g_assert_cmpint(arc_test_json_int(resp->json, "expires_in"), ==, 3600);
	g_assert_cmpstr(soup_message_headers_get_one(resp->headers, "Cache-Control"), ==,
			"no-store");
	list = arc_test_agent_call(agent, "GET", "/v1/credentials", token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
}

static void
arc_rest_token_post_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *form =
		soup_form_encode("grant_type", "client_credentials", "client_id",
				 arc_test_agent_get_client_id(fixture->agent), "client_secret",
				 arc_test_agent_get_client_secret(fixture->agent), NULL);
	g_autoptr(ArcTestResponse) resp =
		arc_test_agent_send(fixture->agent, "POST", "/v1/oauth/token", NULL, form, -1,
				    "application/x-www-form-urlencoded", &error);

	g_assert_no_error(error);
	arc_rest_assert_grant(fixture->agent, resp);
}

static void
arc_rest_token_basic_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *auth =
		arc_rest_basic_auth(arc_test_agent_get_client_id(fixture->agent),
				    arc_test_agent_get_client_secret(fixture->agent));
	const gchar *headers[] = {auth, NULL};
	g_autoptr(ArcTestResponse) resp = arc_test_agent_send(
		fixture->agent, "POST", "/v1/oauth/token", headers, "grant_type=client_credentials",
		-1, "application/x-www-form-urlencoded", &error);

	g_assert_no_error(error);
	arc_rest_assert_grant(fixture->agent, resp);
}

/* RFC 6749 §5.2 names the error; the API's own code and message are kept for the CLI */
static void
arc_rest_assert_token_refused(ArcTestAgent *agent, const gchar *header, const gchar *form,
			      guint expected, const gchar *code)
{
	guint status = 0;
	const gchar *headers[] = {header, NULL};
	g_autoptr(JsonNode) answer =
		arc_test_agent_request(agent, "POST", "/v1/oauth/token", headers, form,
				       "application/x-www-form-urlencoded", &status);

	g_test_message("token request %s %s", header != NULL ? header : "", form);
	arc_test_assert_status(status, expected);
	g_assert_cmpstr(arc_test_json_string(answer, "code"), ==, code);
	g_assert_cmpstr(arc_test_json_string(answer, "error"), ==,
			status == 401 ? "invalid_client"
				      : (strstr(form, "password") != NULL ? "unsupported_grant_type"
									  : "invalid_request"));
	g_assert_cmpstr(arc_test_json_string(answer, "message"), !=, "");
}

static void
arc_rest_token_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	ArcTestAgent *agent = fixture->agent;
	const gchar *id = arc_test_agent_get_client_id(agent);
	const gchar *secret = arc_test_agent_get_client_secret(agent);
	g_autofree gchar *unknown = arc_id_new("cli_");
	g_autofree gchar *wrong_secret = g_strconcat(secret, "x", NULL);
	g_autofree gchar *wrong = soup_form_encode("grant_type", "client_credentials", "client_id",
						   id, "client_secret", wrong_secret, NULL);
	g_autofree gchar *stranger =
		soup_form_encode("grant_type", "client_credentials", "client_id", unknown,
				 "client_secret", secret, NULL);
	g_autofree gchar *no_grant =
		soup_form_encode("client_id", id, "client_secret", secret, NULL);
	g_autofree gchar *password = soup_form_encode("grant_type", "password", "client_id", id,
						      "client_secret", secret, NULL);
	g_autofree gchar *no_secret =
		soup_form_encode("grant_type", "client_credentials", "client_id", id, NULL);
	g_autofree gchar *basic_wrong = arc_rest_basic_auth(id, wrong_secret);

	arc_rest_assert_token_refused(agent, NULL, wrong, 401, "UNAUTHORIZED");
	arc_rest_assert_token_refused(agent, NULL, stranger, 401, "UNAUTHORIZED");
	arc_rest_assert_token_refused(agent, NULL, no_secret, 401, "UNAUTHORIZED");
	arc_rest_assert_token_refused(agent, basic_wrong, "grant_type=client_credentials", 401,
				      "UNAUTHORIZED");
	arc_rest_assert_token_refused(agent, NULL, no_grant, 400, "INVALID_REQUEST");
	arc_rest_assert_token_refused(agent, NULL, password, 400, "INVALID_REQUEST");
	arc_rest_assert_token_refused(agent, NULL, "", 400, "INVALID_REQUEST");
}

/* the decoded JSON of one dot-separated part of a JWS */
static JsonNode *
arc_rest_jwt_part(const gchar *part, gsize len)
{
	gsize raw_len = 0;
	g_autofree guint8 *raw = arc_base64url_decode(part, (gssize)len, &raw_len);
	g_autofree gchar *text = NULL;
	JsonNode *node;

	g_assert_nonnull(raw);
	text = g_strndup((const gchar *)raw, raw_len);
	node = json_from_string(text, NULL);
	g_assert_nonnull(node);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
	return node;
}

/* the JWK of @kid in /.well-known/jwks.json, as any JOSE library would look it up */
static JsonNode *
arc_rest_find_jwk(ArcTestAgent *agent, const gchar *path, const gchar *kid)
{
	guint status = 0;
	g_autoptr(JsonNode) jwks = arc_test_agent_call(agent, "GET", path, NULL, NULL, &status);
	JsonArray *keys;

	arc_test_assert_status(status, SOUP_STATUS_OK);
	keys = json_object_get_array_member(json_node_get_object(jwks), "keys");
	g_assert_nonnull(keys);
	for (guint i = 0; i < json_array_get_length(keys); i++) {
		JsonNode *key = json_array_get_element(keys, i);
		if (g_strcmp0(arc_test_json_string(key, "kid"), kid) == 0)
			return json_node_copy(key);
	}
	g_error("no key with kid %s in %s", kid, path);
	return NULL;
}

static void
arc_rest_verify_jws(const gchar *token, JsonNode *jwk)
{
	const gchar *last_dot = strrchr(token, '.');
	g_autofree guint8 *x = NULL;
	g_autofree guint8 *sig = NULL;
	gsize x_len = 0;
	gsize sig_len = 0;

	g_assert_cmpstr(arc_test_json_string(jwk, "kty"), ==, "OKP");
	g_assert_cmpstr(arc_test_json_string(jwk, "crv"), ==, "Ed25519");
	x = arc_base64url_decode(arc_test_json_string(jwk, "x"), -1, &x_len);
	g_assert_cmpuint(x_len, ==, crypto_sign_PUBLICKEYBYTES);
	sig = arc_base64url_decode(last_dot + 1, -1, &sig_len);
	g_assert_cmpuint(sig_len, ==, crypto_sign_BYTES);
	g_assert_cmpint(crypto_sign_verify_detached(sig, (const guchar *)token,
						    (gsize)(last_dot - token), x),
			==, 0);
}

static void
arc_rest_token_jwt_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *token = fixture->token;
	const gchar *dot1 = strchr(token, '.');
	const gchar *dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
	const gchar *peer_id = arc_test_agent_get_peer_id(fixture->agent);
	g_autofree gchar *issuer = g_strconcat(
		"urn:arctic:cluster:", arc_test_agent_get_cluster_id(fixture->agent), NULL);
	g_autoptr(JsonNode) header = NULL;
	g_autoptr(JsonNode) claims = NULL;
	g_autoptr(JsonNode) jwk = NULL;
	g_auto(GStrv) scopes = NULL;

	g_assert_nonnull(dot2);
	g_assert_null(strchr(dot2 + 1, '.'));
	header = arc_rest_jwt_part(token, (gsize)(dot1 - token));
	claims = arc_rest_jwt_part(dot1 + 1, (gsize)(dot2 - dot1 - 1));

	g_assert_cmpstr(arc_test_json_string(header, "alg"), ==, "EdDSA");
	g_assert_cmpstr(arc_test_json_string(header, "kid"), ==, peer_id);
	/* RFC 9068: the cluster's issuer, the client, the media type */
	g_assert_cmpstr(arc_test_json_string(claims, "iss"), ==, issuer);
	g_assert_cmpstr(arc_test_json_string(claims, "client_id"), ==,
			arc_test_agent_get_client_id(fixture->agent));
	g_assert_cmpstr(arc_test_json_string(header, "typ"), ==, "at+jwt");
	g_assert_cmpstr(arc_test_json_string(claims, "sub"), ==,
			arc_test_agent_get_client_id(fixture->agent));
	g_assert_cmpstr(arc_test_json_string(claims, "aud"), ==,
			arc_test_agent_get_cluster_id(fixture->agent));
	scopes = g_strsplit(arc_test_json_string(claims, "scope"), " ", -1);
	g_assert_true(g_strv_contains((const gchar *const *)scopes, ARC_REST_SCOPE_URN("admin")));
	g_assert_cmpint(ABS(arc_test_json_int(claims, "iat") - arc_rest_now()), <=, 60);
	g_assert_cmpint(arc_test_json_int(claims, "exp"), ==,
			arc_test_json_int(claims, "iat") + 3600);
	g_assert_cmpstr(arc_test_json_string(claims, "jti"), !=, "");

	/* a standard verifier: the key named by kid in the JWKS checks the signature */
	jwk = arc_rest_find_jwk(fixture->agent, "/.well-known/jwks.json", peer_id);
	arc_rest_verify_jws(token, jwk);
}

static void
arc_rest_jwks_matches_identity_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(JsonNode) identity = arc_test_agent_call(
		fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL, &status);
	g_autoptr(JsonNode) jwk = arc_rest_find_jwk(fixture->agent, "/.well-known/jwks.json",
						    arc_test_agent_get_peer_id(fixture->agent));
	g_autofree guchar *public_key = NULL;
	g_autofree gchar *x = NULL;
	gsize len = 0;

	public_key = g_base64_decode(arc_test_json_string(identity, "public_key"), &len);
	x = arc_base64url_encode(public_key, len);
	g_assert_cmpstr(arc_test_json_string(jwk, "x"), ==, x);
}

static const gchar *
arc_rest_url_path(const gchar *url, ArcTestAgent *agent)
{
	g_autofree gchar *base = arc_test_agent_get_base_url(agent);

	g_assert_true(g_str_has_prefix(url, base));
	return url + strlen(base);
}

static void
arc_rest_openid_configuration_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(JsonNode) conf = arc_test_agent_call(
		fixture->agent, "GET", "/.well-known/openid-configuration", NULL, NULL, &status);
	g_autofree gchar *issuer = g_strconcat(
		"urn:arctic:cluster:", arc_test_agent_get_cluster_id(fixture->agent), NULL);
	g_autoptr(JsonNode) jwk = NULL;
	JsonArray *grants;

	arc_test_assert_status(status, SOUP_STATUS_OK);
	/* what a verifier compares with the tokens' iss: the cluster's, not this peer's */
	g_assert_cmpstr(arc_test_json_string(conf, "issuer"), ==, issuer);
	/* no authorization endpoint, so no response type exists */
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
				 json_node_get_object(conf), "response_types_supported")),
			 ==, 0);
	g_assert_cmpstr(
		arc_rest_url_path(arc_test_json_string(conf, "token_endpoint"), fixture->agent), ==,
		"/v1/oauth/token");
	grants = json_object_get_array_member(json_node_get_object(conf), "grant_types_supported");
	g_assert_nonnull(grants);
	g_assert_cmpuint(json_array_get_length(grants), ==, 1);
	g_assert_cmpstr(json_array_get_string_element(grants, 0), ==, "client_credentials");
	g_assert_true(arc_test_json_array_has_string(conf, "token_endpoint_auth_methods_supported",
						     "client_secret_post"));
	g_assert_true(arc_test_json_array_has_string(conf, "token_endpoint_auth_methods_supported",
						     "client_secret_basic"));
	g_assert_true(arc_test_json_array_has_string(conf, "id_token_signing_alg_values_supported",
						     "EdDSA"));

	/* jwks_uri leads to the key that verifies the tokens */
	jwk = arc_rest_find_jwk(
		fixture->agent,
		arc_rest_url_path(arc_test_json_string(conf, "jwks_uri"), fixture->agent),
		arc_test_agent_get_peer_id(fixture->agent));
	arc_rest_verify_jws(fixture->token, jwk);
}

/* the local peer, as GET /v1/peers shows it after bootstrap */
static void
arc_rest_peers_local_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) list = NULL;
	g_autoptr(JsonNode) remote = NULL;
	g_autoptr(JsonNode) one = NULL;
	g_autoptr(JsonNode) missing = NULL;
	g_autoptr(JsonNode) bad = NULL;
	g_autoptr(JsonNode) identity = NULL;
	g_autofree gchar *path = NULL;
	JsonObject *peer;
	guint status = 0;

	identity = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				       &status);
	list = arc_test_agent_call(fixture->agent, "GET", "/v1/peers", fixture->token, NULL,
				   &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_true(JSON_NODE_HOLDS_ARRAY(list));
	g_assert_cmpuint(json_array_get_length(json_node_get_array(list)), ==, 1);
	peer = json_array_get_object_element(json_node_get_array(list), 0);
	g_assert_cmpstr(json_object_get_string_member(peer, "id"), ==,
			arc_test_agent_get_peer_id(fixture->agent));
	g_assert_true(json_object_get_boolean_member(peer, "is_local"));
	g_assert_cmpstr(
		json_object_get_string_member(peer, "public_key"), ==,
		json_object_get_string_member(json_node_get_object(identity), "public_key"));
	g_assert_true(json_object_has_member(peer, "address"));
	g_assert_true(json_object_has_member(peer, "created_at"));

	remote = arc_test_agent_call(fixture->agent, "GET", "/v1/peers?is_local=false",
				     fixture->token, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpuint(json_array_get_length(json_node_get_array(remote)), ==, 0);
	bad = arc_test_agent_call(fixture->agent, "GET", "/v1/peers?is_local=maybe", fixture->token,
				  NULL, &status);
	g_assert_cmpuint(status, ==, 400);

	path = g_strdup_printf("/v1/peers/%s", arc_test_agent_get_peer_id(fixture->agent));
	one = arc_test_agent_call(fixture->agent, "GET", path, fixture->token, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(one), "is_local"));
	missing = arc_test_agent_call(fixture->agent, "GET",
				      "/v1/peers/peer_01JZZZZZZZZZZZZZZZZZZZZZZZ", fixture->token,
				      NULL, &status);
	g_assert_cmpuint(status, ==, 404);
}

static void
arc_rest_assert_error(JsonNode *body, guint status, guint want_status, const gchar *code,
		      const gchar *reason)
{
	JsonObject *obj;

	g_assert_cmpuint(status, ==, want_status);
	g_assert_nonnull(body);
	obj = json_node_get_object(body);
	g_assert_cmpstr(json_object_get_string_member(obj, "code"), ==, code);
	if (reason != NULL)
		g_assert_cmpstr(json_object_get_string_member_with_default(obj, "reason", NULL), ==,
				reason);
}

/* bad input to the peer write API and the handshake endpoints: the documented error, and
 * the stored peers unchanged */
static void
arc_rest_peers_bad_input_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	static const gchar *const bad_adds[] = {
		"{}",
		"{\"address\": 42}",
		"{\"address\": \"\"}",
		"{\"address\": \"no-port\"}",
		"{\"address\": \"host:0\"}",
		"{\"address\": \"host:99999\"}",
		"{\"address\": \"a b:80\"}",
		"{\"address\": \"127.0.0.1:8080\", \"name\": 7}",
		"[1]",
		"not json",
	};
	static const gchar *const bad_handshakes[] = {
		"", "{}", "{\"version\": 2}", "{\"version\": 1, \"peer\": {}}", "\x01\x02",
	};
	g_autoptr(JsonNode) before = NULL, after = NULL, local = NULL, renamed = NULL;
	g_autofree gchar *self_path = NULL;
	JsonNode *body;
	guint status = 0;

	before = arc_test_agent_call(fixture->agent, "GET", "/v1/peers", fixture->token, NULL,
				     &status);
	for (guint i = 0; i < G_N_ELEMENTS(bad_adds); i++) {
		body = arc_test_agent_call(fixture->agent, "POST", "/v1/peers", fixture->token,
					   bad_adds[i], &status);
		g_test_message("POST /v1/peers %s -> %u", bad_adds[i], status);
		arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", NULL);
		json_node_unref(body);
	}
	/* adding the agent to itself */
	{
		g_autofree gchar *self_add = g_strdup_printf(
			"{\"address\": \"127.0.0.1:%u\"}", arc_test_agent_get_port(fixture->agent));
		body = arc_test_agent_call(fixture->agent, "POST", "/v1/peers", fixture->token,
					   self_add, &status);
		arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", "self");
		json_node_unref(body);
	}
	body = arc_test_agent_call(fixture->agent, "PUT",
				   "/v1/peers/peer_01JZZZZZZZZZZZZZZZZZZZZZZZ", fixture->token,
				   "{\"name\": \"x\"}", &status);
	arc_rest_assert_error(body, status, 404, "NOT_FOUND", NULL);
	json_node_unref(body);
	self_path = g_strdup_printf("/v1/peers/%s", arc_test_agent_get_peer_id(fixture->agent));
	body = arc_test_agent_call(fixture->agent, "PUT", self_path, fixture->token, "{}", &status);
	arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", NULL);
	json_node_unref(body);
	body = arc_test_agent_call(fixture->agent, "DELETE",
				   "/v1/peers/peer_01JZZZZZZZZZZZZZZZZZZZZZZZ", fixture->token,
				   NULL, &status);
	arc_rest_assert_error(body, status, 404, "NOT_FOUND", NULL);
	json_node_unref(body);
	body = arc_test_agent_call(fixture->agent, "DELETE", self_path, fixture->token, NULL,
				   &status);
	arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", NULL);
	g_assert_nonnull(strstr(json_object_get_string_member(json_node_get_object(body), "error"),
				"remove-self"));
	json_node_unref(body);

	for (guint i = 0; i < G_N_ELEMENTS(bad_handshakes); i++) {
		body = arc_test_agent_call(fixture->agent, "POST", "/v1/handshake/hello", NULL,
					   bad_handshakes[i], &status);
		arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", NULL);
		json_node_unref(body);
		body = arc_test_agent_call(fixture->agent, "POST", "/v1/handshake/leave", NULL,
					   bad_handshakes[i], &status);
		arc_rest_assert_error(body, status, 400, "INVALID_REQUEST", NULL);
		json_node_unref(body);
	}
	body = arc_test_agent_call(
		fixture->agent, "POST", "/v1/handshake/confirm", NULL,
		"{\"version\": 1, \"session\": \"hs_0123\", \"signature\": "
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAAAAAA==\"}",
		&status);
	arc_rest_assert_error(body, status, 422, "HANDSHAKE_FAILED", "session_expired");
	json_node_unref(body);

	after = arc_test_agent_call(fixture->agent, "GET", "/v1/peers", fixture->token, NULL,
				    &status);
	g_assert_true(json_node_equal(before, after));

	/* and the local peer can be renamed, which is also the agent's name */
	renamed = arc_test_agent_call(fixture->agent, "PUT", "/v1/peers/self", fixture->token,
				      "{\"name\": \"renamed\"}", &status);
	g_assert_cmpuint(status, ==, 200);
	local = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL, NULL,
				    &status);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(local), "name"), ==,
			"renamed");
}

/* One kept-alive request on a connection of its own, which the client then closes. */
static void
arc_rest_one_connection(ArcTestAgent *agent)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *host = g_strdup_printf("127.0.0.1:%u", arc_test_agent_get_port(agent));
	const gchar *request = "GET /livez HTTP/1.1\r\nHost: test\r\n\r\n";
	gchar buf[1024];
	gssize n;

	g_socket_client_set_enable_proxy(client, FALSE);
	conn = g_socket_client_connect_to_host(client, host, 0, NULL, &error);
	g_assert_no_error(error);
	g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(conn)), request,
				  strlen(request), NULL, NULL, &error);
	g_assert_no_error(error);
	n = g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(conn)), buf,
				sizeof(buf) - 1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(n, >, 0);
	buf[n] = '\0';
	g_assert_true(g_str_has_prefix(buf, "HTTP/1.1 200"));
	g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
}

/* Clients that close their kept-alive connection (every curl, every CLI run) leave the
 * agent no file descriptor behind: libsoup 3.2 alone would keep each one in CLOSE_WAIT. */
static void
arc_rest_closed_connections_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint before, after = -1;

	/* one first, so that whatever is opened once (the listener's accept state) is counted */
	arc_rest_one_connection(fixture->agent);
	g_usleep(100 * 1000);
	before = arc_test_agent_count_fds(fixture->agent);
	g_assert_cmpint(before, >, 0);
	for (guint i = 0; i < 60; i++)
		arc_rest_one_connection(fixture->agent);
	for (guint i = 0; i < 100; i++) {
		after = arc_test_agent_count_fds(fixture->agent);
		if (after <= before)
			break;
		g_usleep(20 * 1000);
	}
	g_test_message("open fds: %d before, %d after 60 closed connections", before, after);
	g_assert_cmpint(after, <=, before);
	/* and the agent still answers */
	arc_rest_one_connection(fixture->agent);
}

/* Agents open a connection to one another about once a second: a connection must cost the
 * agent nothing once closed (libsoup 3.2's own listener kept each accepted socket, about 800
 * bytes, for good). */
static void
arc_rest_connections_memory_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint64 before, after;

	for (guint i = 0; i < 200; i++)
		arc_rest_one_connection(fixture->agent);
	before = arc_test_agent_get_rss_kb(fixture->agent);
	for (guint i = 0; i < 2000; i++)
		arc_rest_one_connection(fixture->agent);
	after = arc_test_agent_get_rss_kb(fixture->agent);
	g_test_message("RSS %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT
		       " KiB after 2000 connections",
		       before, after);
	if (arc_rest_rss_is_meaningful())
		g_assert_cmpuint(after, <, before + 512);
}

static gchar *
arc_rest_metrics_text(ArcTestAgent *agent)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) resp =
		arc_test_agent_send(agent, "GET", "/metrics", NULL, NULL, 0, NULL, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(resp->status, ==, 200);
	g_assert_true(g_str_has_prefix(soup_message_headers_get_content_type(resp->headers, NULL),
				       "text/plain"));
	return g_strndup(g_bytes_get_data(resp->body, NULL), g_bytes_get_size(resp->body));
}

/* the value of the sample named exactly @series, 0 when absent */
static guint64
arc_rest_metric(const gchar *text, const gchar *series)
{
	g_autofree gchar *needle = g_strconcat("\n", series, " ", NULL);
	const gchar *at = strstr(text, needle);
	return at != NULL ? g_ascii_strtoull(at + strlen(needle), NULL, 10) : 0;
}

/* GET /metrics: what the agent did, in the Prometheus text format */
static void
arc_rest_metrics_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *before = arc_rest_metrics_text(fixture->agent);
	g_autofree gchar *after = NULL;
	g_autofree gchar *closed = NULL;
	g_autoptr(JsonNode) livez = NULL, rejected = NULL, failed = NULL;
	guint status = 0;

	g_assert_nonnull(strstr(before, "# TYPE arctic_api_requests_total counter\n"));
	g_assert_nonnull(strstr(before, "arctic_build_info{version="));
	g_assert_nonnull(strstr(before, "arctic_peers{state=\"active\"} 1\n"));
	livez = arc_test_agent_call(fixture->agent, "GET", "/livez", NULL, NULL, &status);
	rejected = arc_test_agent_call(fixture->agent, "GET", "/v1/peers", "not-a-token", NULL,
				       &status);
	g_assert_cmpuint(status, ==, 401);
	closed = g_strdup_printf("{\"address\": \"127.0.0.1:%u\"}", arc_test_agent_free_port());
	failed = arc_test_agent_call(fixture->agent, "POST", "/v1/peers", fixture->token, closed,
				     &status);
	g_assert_cmpuint(status, ==, 422);

	after = arc_rest_metrics_text(fixture->agent);
	g_test_message("%s", after);
#define LIVEZ "arctic_api_requests_total{method=\"GET\",route=\"/livez\",status=\"200\"}"
#define UNAUTH "arctic_api_requests_total{method=\"GET\",route=\"/v1/peers\",status=\"401\"}"
#define REJECTED "arctic_token_rejections_total{reason=\"invalid\"}"
#define REFUSED "arctic_handshakes_total{role=\"initiator\",result=\"connection_refused\"}"
	g_assert_cmpuint(arc_rest_metric(after, LIVEZ), ==, arc_rest_metric(before, LIVEZ) + 1);
	g_assert_cmpuint(arc_rest_metric(after, UNAUTH), ==, arc_rest_metric(before, UNAUTH) + 1);
	g_assert_cmpuint(arc_rest_metric(after, REJECTED), ==,
			 arc_rest_metric(before, REJECTED) + 1);
	g_assert_cmpuint(arc_rest_metric(before, REFUSED), ==, 0);
	g_assert_cmpuint(arc_rest_metric(after, REFUSED), ==, 1);
	g_assert_nonnull(strstr(after, "arctic_api_request_duration_seconds_count "));
	g_assert_null(strstr(after, "not-a-token"));
}

/* GET /v1/cluster/status: the registry hash moves with what is stored, and only then */
static void
arc_rest_cluster_status_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) first = NULL, again = NULL, after = NULL, created = NULL;
	g_autofree gchar *hash1 = NULL;
	JsonObject *obj;
	JsonArray *peers;
	guint status = 0;

	first = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/status", fixture->token,
				    NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	obj = json_node_get_object(first);
	hash1 = g_strdup(json_object_get_string_member(obj, "registry_hash"));
	g_assert_cmpuint(strlen(hash1), ==, 64);
	g_assert_cmpint(json_object_get_int_member(
				json_object_get_object_member(
					json_object_get_object_member(obj, "records"), "peer"),
				"live"),
			==, 1);
	peers = json_object_get_array_member(obj, "peers");
	g_assert_cmpuint(json_array_get_length(peers), ==, 1);
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(peers, 0),
						      "registry_hash"),
			==, hash1);

	again = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/status", fixture->token,
				    NULL, &status);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(again), "registry_hash"),
			==, hash1);
	created = arc_test_agent_call(fixture->agent, "POST", "/v1/credentials", fixture->token,
				      "{\"scopes\": [\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	after = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/status", fixture->token,
				    NULL, &status);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(after), "registry_hash"),
			!=, hash1);
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);

#define ARC_REST_TEST(path, setup, func)                                                           \
	g_test_add("/rest/" path, ArcRestFixture, NULL, setup, func, arc_rest_fixture_teardown)

	ARC_REST_TEST("health/livez", arc_rest_fixture_setup, arc_rest_livez_func);
	ARC_REST_TEST("health/readyz", arc_rest_fixture_setup, arc_rest_readyz_func);
	ARC_REST_TEST("identity/unbootstrapped", arc_rest_fixture_setup,
		      arc_rest_identity_unbootstrapped_func);
	ARC_REST_TEST("identity/bootstrapped", arc_rest_fixture_setup,
		      arc_rest_identity_bootstrapped_func);
	ARC_REST_TEST("bootstrap/bare", arc_rest_fixture_setup, arc_rest_bootstrap_bare_func);
	ARC_REST_TEST("bootstrap/wrapper", arc_rest_fixture_setup, arc_rest_bootstrap_wrapper_func);
	ARC_REST_TEST("bootstrap/twice", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_bootstrap_twice_func);
	ARC_REST_TEST("bootstrap/refused", arc_rest_fixture_setup, arc_rest_bootstrap_refused_func);
	ARC_REST_TEST("oauth/client-secret-post", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_token_post_func);
	ARC_REST_TEST("oauth/client-secret-basic", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_token_basic_func);
	ARC_REST_TEST("oauth/refused", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_token_refused_func);
	ARC_REST_TEST("oauth/jwt", arc_rest_fixture_setup_bootstrapped, arc_rest_token_jwt_func);
	ARC_REST_TEST("peers/local", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_peers_local_func);
	ARC_REST_TEST("metrics", arc_rest_fixture_setup_bootstrapped, arc_rest_metrics_func);
	ARC_REST_TEST("cluster/status", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_cluster_status_func);
	ARC_REST_TEST("connections/closed-by-client", arc_rest_fixture_setup,
		      arc_rest_closed_connections_func);
	ARC_REST_TEST("connections-memory", arc_rest_fixture_setup,
		      arc_rest_connections_memory_func);
	ARC_REST_TEST("peers/bad-input", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_peers_bad_input_func);
	ARC_REST_TEST("oauth/jwks-matches-identity", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_jwks_matches_identity_func);
	ARC_REST_TEST("oauth/openid-configuration", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_openid_configuration_func);
	return g_test_run();
}
