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

/* What happens around the requests: bad input that must change nothing, answers that must
 * survive kill -9, restarts with damaged files, and the recovery token (DESIGN §2, §5, §6). */

#define ARC_REST_MIB (1024 * 1024)

static void
arc_rest_assert_answer(ArcTestAgent *agent, const gchar *method, const gchar *path, guint expected,
		       const gchar *code)
{
	guint status = 0;
	g_autoptr(JsonNode) answer = arc_test_agent_call(agent, method, path, NULL, NULL, &status);

	g_test_message("%s %s", method, path);
	arc_test_assert_status(status, expected);
	arc_test_assert_api_error(answer, code);
}

static void
arc_rest_unknown_route_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *paths[] = {"/",
				"/v1",
				"/v1/",
				"/v1/nothing",
				"/v1/credentials/a/b",
				"/livez/extra",
				"/V1/credentials",
				"/v2/credentials",
				NULL};

	for (guint i = 0; paths[i] != NULL; i++)
		arc_rest_assert_answer(fixture->agent, "GET", paths[i], 404, "NOT_FOUND");
}

static void
arc_rest_assert_not_allowed(ArcTestAgent *agent, const gchar *method, const gchar *path,
			    const gchar *const *allowed)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) resp =
		arc_test_agent_send(agent, method, path, NULL, NULL, 0, NULL, &error);
	const gchar *allow;
	g_auto(GStrv) methods = NULL;

	g_test_message("%s %s", method, path);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, SOUP_STATUS_METHOD_NOT_ALLOWED);
	arc_test_assert_api_error(resp->json, "METHOD_NOT_ALLOWED");
	allow = soup_message_headers_get_one(resp->headers, "Allow");
	g_assert_nonnull(allow);
	methods = g_strsplit(allow, ",", -1);
	for (guint i = 0; methods[i] != NULL; i++)
		g_strstrip(methods[i]);
	g_assert_cmpuint(g_strv_length(methods), ==, g_strv_length((gchar **)allowed));
	for (guint i = 0; allowed[i] != NULL; i++)
		g_assert_true(g_strv_contains((const gchar *const *)methods, allowed[i]));
}

static void
arc_rest_wrong_method_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *get_post[] = {"GET", "HEAD", "POST", NULL};
	const gchar *get[] = {"GET", "HEAD", NULL};
	const gchar *post[] = {"POST", NULL};
	const gchar *delete[] = {"DELETE", NULL};

	arc_rest_assert_not_allowed(fixture->agent, "PUT", "/v1/credentials", get_post);
	arc_rest_assert_not_allowed(fixture->agent, "DELETE", "/v1/credentials", get_post);
	arc_rest_assert_not_allowed(fixture->agent, "DELETE", "/livez", get);
	arc_rest_assert_not_allowed(fixture->agent, "POST", "/v1/cluster/identity", get);
	arc_rest_assert_not_allowed(fixture->agent, "GET", "/v1/bootstrap", post);
	arc_rest_assert_not_allowed(fixture->agent, "GET", "/v1/oauth/token", post);
	arc_rest_assert_not_allowed(fixture->agent, "GET", "/v1/credentials/cli_x", delete);
}

static GPtrArray *
arc_rest_client_ids(ArcRestFixture *fixture)
{
	return arc_rest_list_client_ids(fixture->agent, fixture->token);
}

static void
arc_rest_assert_same_ids(GPtrArray *before, GPtrArray *after)
{
	g_assert_cmpuint(after->len, ==, before->len);
	for (guint i = 0; i < before->len; i++)
		g_assert_cmpstr(g_ptr_array_index(after, i), ==, g_ptr_array_index(before, i));
}

static ArcTestResponse *
arc_rest_post_large(ArcRestFixture *fixture, gsize size, const gchar *extra_header, gboolean *early)
{
	g_autofree gchar *body = g_malloc(size);
	g_autoptr(GBytes) bytes = NULL;
	g_autofree gchar *head = NULL;
	g_autoptr(GError) error = NULL;
	ArcTestResponse *resp;

	/* a valid JSON document, only too long */
	memset(body, ' ', size);
	memcpy(body, "{\"scopes\": []}", strlen("{\"scopes\": []}"));
	bytes = g_bytes_new_take(g_steal_pointer(&body), size);
	head = g_strdup_printf("POST /v1/credentials HTTP/1.1\r\n"
			       "Host: 127.0.0.1:%u\r\n"
			       "Authorization: Bearer %s\r\n"
			       "Content-Type: application/json\r\n"
			       "%s"
			       "Content-Length: %" G_GSIZE_FORMAT "\r\n"
			       "\r\n",
			       arc_test_agent_get_port(fixture->agent), fixture->token,
			       extra_header, size);
	resp = arc_test_agent_raw(fixture->agent, head, bytes, early, &error);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
	arc_test_assert_api_error(resp->json, "PAYLOAD_TOO_LARGE");
	return resp;
}

/* A client that asks for 100-continue learns at once, before sending the body. One that
 * does not is answered after libsoup has read the body, but none of it is kept: the agent
 * does not grow by what Content-Length announces. */
static void
arc_rest_too_large_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GPtrArray) before = arc_rest_client_ids(fixture);
	g_autoptr(GPtrArray) after = NULL;
	g_autoptr(ArcTestResponse) resp1 = NULL;
	g_autoptr(ArcTestResponse) resp2 = NULL;
	gboolean early = FALSE;
	guint64 rss_before, rss_after;

	resp1 = arc_rest_post_large(fixture, 2 * ARC_REST_MIB, "Expect: 100-continue\r\n", &early);
	g_assert_true(early);

	rss_before = arc_test_agent_get_rss_kb(fixture->agent);
	resp2 = arc_rest_post_large(fixture, 64 * ARC_REST_MIB, "", NULL);
	rss_after = arc_test_agent_get_rss_kb(fixture->agent);
	g_assert_cmpuint(rss_before, >, 0);
	if (!arc_rest_rss_is_meaningful())
		g_test_message("RSS not checked: a sanitizer or a wrapper keeps freed memory");
	else
		g_assert_cmpuint(rss_after, <, rss_before + 16 * 1024);

	after = arc_rest_client_ids(fixture);
	arc_rest_assert_same_ids(before, after);
}

static void
arc_rest_limit_is_one_mib_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gsize size = ARC_REST_MIB + 1;
	g_autoptr(GBytes) body = g_bytes_new_take(g_strnfill(size, ' '), size);
	g_autofree gchar *head = NULL;
	g_autoptr(ArcTestResponse) resp = NULL;
	g_autoptr(GError) error = NULL;

	/* one byte over the limit */
	head = g_strdup_printf("POST /v1/bootstrap HTTP/1.1\r\n"
			       "Host: 127.0.0.1\r\n"
			       "Content-Type: application/json\r\n"
			       "Content-Length: %" G_GSIZE_FORMAT "\r\n"
			       "\r\n",
			       size);
	resp = arc_test_agent_raw(fixture->agent, head, body, NULL, &error);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
	arc_test_assert_api_error(resp->json, "PAYLOAD_TOO_LARGE");
}

static void
arc_rest_chunked_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GPtrArray) before = arc_rest_client_ids(fixture);
	g_autoptr(GPtrArray) after = NULL;
	g_autofree gchar *head = NULL;
	g_autoptr(GBytes) body = g_bytes_new_static("2\r\n{}\r\n0\r\n\r\n", 12);
	g_autoptr(ArcTestResponse) resp = NULL;
	g_autoptr(GError) error = NULL;

	head = g_strdup_printf("POST /v1/credentials HTTP/1.1\r\n"
			       "Host: 127.0.0.1\r\n"
			       "Authorization: Bearer %s\r\n"
			       "Content-Type: application/json\r\n"
			       "Transfer-Encoding: chunked\r\n"
			       "\r\n",
			       fixture->token);
	resp = arc_test_agent_raw(fixture->agent, head, body, NULL, &error);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, SOUP_STATUS_LENGTH_REQUIRED);
	arc_test_assert_api_error(resp->json, "LENGTH_REQUIRED");
	after = arc_rest_client_ids(fixture);
	arc_rest_assert_same_ids(before, after);
}

static void
arc_rest_malformed_json_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GPtrArray) before = arc_rest_client_ids(fixture);
	g_autoptr(GPtrArray) after = NULL;
	g_autofree gchar *opening = g_strnfill(100, '[');
	g_autofree gchar *closing = g_strnfill(100, ']');
	g_autofree gchar *deep = g_strdup_printf("{\"scopes\": %s%s}", opening, closing);
	const gchar *bodies[] = {"{",          "{\"scopes\": [\"peers.read\"",
				 "[]",         "\"scopes\"",
				 "null",       "{\"scopes\": [\"peers.read\"]} trailing",
				 "\xff\xfe{}", "{\"scopes\": [\"peers.read\" \"admin\"]}",
				 deep,         NULL};

	for (guint i = 0; bodies[i] != NULL; i++) {
		guint status = 0;
		g_autoptr(JsonNode) answer =
			arc_test_agent_call(fixture->agent, "POST", "/v1/credentials",
					    fixture->token, bodies[i], &status);
		g_autofree gchar *shown = g_strescape(bodies[i], NULL);

		g_test_message("POST /v1/credentials %s", shown);
		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
	}
	after = arc_rest_client_ids(fixture);
	arc_rest_assert_same_ids(before, after);
}

static void
arc_rest_durable_credential_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\": [\"credentials.read\"]}", &secret);
	g_autofree gchar *token = NULL;
	g_autoptr(GPtrArray) ids = NULL;

	/* acknowledged, then the power goes */
	arc_test_agent_kill(fixture->agent);
	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);

	token = arc_rest_token_for(fixture->agent, id, secret);
	ids = arc_rest_list_client_ids(fixture->agent, token);
	g_assert_true(g_ptr_array_find_with_equal_func(ids, id, g_str_equal, NULL));
}

static void
arc_rest_durable_revocation_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint status = 0;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *id =
		arc_rest_create_credential(fixture->agent, fixture->token, NULL, &secret);
	g_autofree gchar *path = g_strconcat("/v1/credentials/", id, NULL);
	g_autoptr(JsonNode) deleted = NULL;
	g_autofree gchar *refused = NULL;

	deleted =
		arc_test_agent_call(fixture->agent, "DELETE", path, fixture->token, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	arc_test_agent_kill(fixture->agent);
	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);

	refused = arc_test_agent_token(fixture->agent, id, secret, &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
	g_assert_null(refused);
}

static JsonNode *
arc_rest_identity(ArcTestAgent *agent)
{
	guint status = 0;
	JsonNode *identity =
		arc_test_agent_call(agent, "GET", "/v1/cluster/identity", NULL, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	return identity;
}

static void
arc_rest_assert_same_identity(JsonNode *a, JsonNode *b)
{
	const gchar *members[] = {"peer_id", "cluster_id", "public_key", "license_id",
				  "customer_id"};

	for (guint i = 0; i < G_N_ELEMENTS(members); i++)
		g_assert_cmpstr(arc_test_json_string(a, members[i]), ==,
				arc_test_json_string(b, members[i]));
}

static void
arc_rest_durable_bootstrap_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = arc_test_agent_bootstrap(fixture->agent, &error);
	g_autoptr(JsonNode) before = NULL;
	g_autoptr(JsonNode) after = NULL;
	g_autofree gchar *token = NULL;

	g_assert_no_error(error);
	arc_test_agent_kill(fixture->agent);
	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);

	after = arc_rest_identity(fixture->agent);
	g_assert_cmpstr(arc_test_json_string(after, "peer_id"), ==,
			arc_test_json_string(boot, "peer_id"));
	g_assert_cmpstr(arc_test_json_string(after, "cluster_id"), ==,
			arc_test_json_string(boot, "cluster_id"));
	g_assert_cmpstr(arc_test_json_string(after, "public_key"), ==,
			arc_test_json_string(boot, "peer_public_key"));
	token = arc_rest_token_for(fixture->agent, arc_test_json_string(boot, "client_id"),
				   arc_test_json_string(boot, "client_secret"));
	g_assert_cmpstr(token, !=, "");

	/* and it survives the next kill too */
	before = g_steal_pointer(&after);
	arc_test_agent_kill(fixture->agent);
	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);
	after = arc_rest_identity(fixture->agent);
	arc_rest_assert_same_identity(before, after);
}

static void
arc_rest_restart_keeps_identity_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) before = arc_rest_identity(fixture->agent);
	g_autoptr(JsonNode) after = NULL;
	guint status = 0;
	g_autoptr(JsonNode) list = NULL;

	arc_test_agent_restart(fixture->agent, &error);
	g_assert_no_error(error);
	after = arc_rest_identity(fixture->agent);
	arc_rest_assert_same_identity(before, after);

	/* a token issued before the restart is still good */
	list = arc_test_agent_call(fixture->agent, "GET", "/v1/credentials", fixture->token, NULL,
				   &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
}

/* starts the agent expecting it to refuse, and returns its stderr */
static gchar *
arc_rest_expect_refusal(ArcTestAgent *agent)
{
	g_autoptr(GError) error = NULL;
	gint exit_status = -1;

	arc_test_agent_stop(agent, &exit_status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(exit_status, ==, 0);
	arc_test_agent_start_expect_exit(agent, &exit_status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(exit_status, !=, 0);
	g_assert_cmpint(exit_status, <, 128); /* an exit, not a crash */
	return arc_test_agent_get_log(agent);
}

static void
arc_rest_assert_starts_as(ArcTestAgent *agent, JsonNode *identity)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) now = NULL;

	arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	now = arc_rest_identity(agent);
	arc_rest_assert_same_identity(identity, now);
}

static void
arc_rest_restart_key_mode_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) identity = arc_rest_identity(fixture->agent);
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autofree gchar *log = NULL;

	g_assert_cmpint(g_chmod(key_path, 0644), ==, 0);
	log = arc_rest_expect_refusal(fixture->agent);
	g_assert_nonnull(strstr(log, key_path));
	g_assert_nonnull(strstr(log, "chmod 600"));

	g_assert_cmpint(g_chmod(key_path, 0600), ==, 0);
	arc_rest_assert_starts_as(fixture->agent, identity);
}

static void
arc_rest_restart_other_key_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) identity = arc_rest_identity(fixture->agent);
	g_autofree gchar *key_path = arc_test_agent_build_path(fixture->agent, "peer.key");
	g_autofree gchar *original = NULL;
	g_autofree gchar *other = NULL;
	g_autofree gchar *other_line = NULL;
	g_autofree gchar *log = NULL;
	g_autoptr(GError) error = NULL;
	guint8 seed[32];

	g_file_get_contents(key_path, &original, NULL, &error);
	g_assert_no_error(error);
	randombytes_buf(seed, sizeof(seed));
	other = g_base64_encode(seed, sizeof(seed));
	other_line = g_strconcat(other, "\n", NULL);
	g_file_set_contents_full(key_path, other_line, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
	g_assert_no_error(error);

	log = arc_rest_expect_refusal(fixture->agent);
	g_assert_nonnull(strstr(log, "peer.key"));
	g_assert_nonnull(strstr(log, "does not match"));

	g_file_set_contents_full(key_path, original, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
	g_assert_no_error(error);
	arc_rest_assert_starts_as(fixture->agent, identity);
}

static void
arc_rest_restart_issuer_removed_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) identity = arc_rest_identity(fixture->agent);
	const gchar *pub = arc_test_agent_get_issuer_pub_path(fixture->agent);
	g_autofree gchar *contents = NULL;
	g_autofree gchar *log = NULL;
	g_autoptr(GError) error = NULL;

	g_file_get_contents(pub, &contents, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_unlink(pub), ==, 0);
	log = arc_rest_expect_refusal(fixture->agent);
	g_assert_nonnull(strstr(log, "no longer verifies"));

	g_file_set_contents_full(pub, contents, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
	g_assert_no_error(error);
	arc_rest_assert_starts_as(fixture->agent, identity);
}

static gchar *
arc_rest_read_recovery(ArcTestAgent *agent)
{
	g_autoptr(GError) error = NULL;
	gchar *value = NULL;
	GStatBuf st;

	g_assert_cmpint(g_stat(arc_test_agent_get_recovery_token_path(agent), &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_file_get_contents(arc_test_agent_get_recovery_token_path(agent), &value, NULL, &error);
	g_assert_no_error(error);
	g_strstrip(value);
	g_assert_cmpuint(strlen(value), >=, 32);
	return value;
}

static guint
arc_rest_with_recovery(ArcTestAgent *agent, const gchar *value, JsonNode **answer)
{
	guint status = 0;
	g_autofree gchar *header = g_strconcat("X-Arctic-Recovery: ", value, NULL);
	const gchar *headers[] = {header, NULL};

	*answer = arc_test_agent_request(agent, "GET", "/v1/credentials", headers, NULL, NULL,
					 &status);
	return status;
}

static void
arc_rest_recovery_token_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *value = arc_rest_read_recovery(fixture->agent);
	g_autofree gchar *wrong = g_strdup(value);
	g_autofree gchar *renewed = NULL;
	g_autoptr(JsonNode) granted = NULL;
	g_autoptr(JsonNode) refused = NULL;
	g_autoptr(JsonNode) old = NULL;
	g_autoptr(JsonNode) fresh = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_false(arc_rest_log_contains(fixture->agent, "recovery token used"));
	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, value, &granted), ==, 200);
	g_assert_true(json_object_has_member(json_node_get_object(granted), "credentials"));
	g_assert_true(arc_rest_log_contains(fixture->agent, "recovery token used"));
	/* a secret is never logged */
	g_assert_false(arc_rest_log_contains(fixture->agent, value));

	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, wrong, &refused), ==, 401);
	arc_test_assert_api_error(refused, "UNAUTHORIZED");

	/* every start makes a new one; the old one stops working */
	arc_test_agent_restart(fixture->agent, &error);
	g_assert_no_error(error);
	renewed = arc_rest_read_recovery(fixture->agent);
	g_assert_cmpstr(renewed, !=, value);
	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, value, &old), ==, 401);
	arc_test_assert_api_error(old, "UNAUTHORIZED");
	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, renewed, &fresh), ==, 200);
}

/* Break-glass access works before bootstrap too: reads answer, writes that need a cluster
 * are refused cleanly. */
static void
arc_rest_recovery_unbootstrapped_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *value = arc_rest_read_recovery(fixture->agent);
	g_autofree gchar *header = g_strconcat("X-Arctic-Recovery: ", value, NULL);
	const gchar *headers[] = {header, NULL};
	g_autoptr(JsonNode) list = NULL;
	g_autoptr(JsonNode) after = NULL;
	g_autoptr(ArcTestResponse) created = NULL;
	g_autoptr(GError) error = NULL;
	JsonArray *items;

	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, value, &list), ==, 200);
	items = json_object_get_array_member(json_node_get_object(list), "credentials");
	g_assert_nonnull(items);
	g_assert_cmpuint(json_array_get_length(items), ==, 0);

	created = arc_test_agent_send(fixture->agent, "POST", "/v1/credentials", headers,
				      "{\"scopes\": [\"peers.read\"]}", -1, "application/json",
				      &error);
	if (created == NULL) {
		g_autofree gchar *log = arc_test_agent_get_log(fixture->agent);
		arc_test_agent_kill(fixture->agent);
		g_test_fail_printf("POST /v1/credentials with the recovery token before bootstrap "
				   "got no answer (%s): the agent died; its log:\n%s",
				   error->message, log);
		return;
	}
	arc_test_assert_status(created->status, SOUP_STATUS_CONFLICT);
	arc_test_assert_api_error(created->json, "NOT_BOOTSTRAPPED");
	g_assert_cmpuint(arc_rest_with_recovery(fixture->agent, value, &after), ==, 200);
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);

#define ARC_REST_TEST(path, setup, func)                                                           \
	g_test_add("/rest/" path, ArcRestFixture, NULL, setup, func, arc_rest_fixture_teardown)

	ARC_REST_TEST("input/unknown-route", arc_rest_fixture_setup, arc_rest_unknown_route_func);
	ARC_REST_TEST("input/wrong-method", arc_rest_fixture_setup, arc_rest_wrong_method_func);
	ARC_REST_TEST("input/too-large", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_too_large_func);
	ARC_REST_TEST("input/limit-is-1-mib", arc_rest_fixture_setup,
		      arc_rest_limit_is_one_mib_func);
	ARC_REST_TEST("input/chunked", arc_rest_fixture_setup_bootstrapped, arc_rest_chunked_func);
	ARC_REST_TEST("input/malformed-json", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_malformed_json_func);
	ARC_REST_TEST("durability/credential", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_durable_credential_func);
	ARC_REST_TEST("durability/revocation", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_durable_revocation_func);
	ARC_REST_TEST("durability/bootstrap", arc_rest_fixture_setup,
		      arc_rest_durable_bootstrap_func);
	ARC_REST_TEST("restart/keeps-identity", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_restart_keeps_identity_func);
	ARC_REST_TEST("restart/peer-key-mode", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_restart_key_mode_func);
	ARC_REST_TEST("restart/peer-key-replaced", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_restart_other_key_func);
	ARC_REST_TEST("restart/issuer-removed", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_restart_issuer_removed_func);
	ARC_REST_TEST("recovery/token", arc_rest_fixture_setup, arc_rest_recovery_token_func);
	ARC_REST_TEST("recovery/unbootstrapped", arc_rest_fixture_setup,
		      arc_rest_recovery_unbootstrapped_func);
	return g_test_run();
}
