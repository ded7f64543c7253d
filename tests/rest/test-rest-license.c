/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-rest-fixture.h"
#include "arc-test-license.h"

/* The license lifecycle through the API (docs/license.md): what read_only and suspended
 * refuse and still serve, the Arctic-License-State header, /readyz, and PUT /v1/license. */

#define ARC_REST_READ_ONLY_EXPIRY (-20 * ARC_TEST_DAY)
#define ARC_REST_SUSPENDED_EXPIRY (-60 * ARC_TEST_DAY)

/* @expected status and, for an error, its code */
static JsonNode *
arc_rest_lic_call(ArcRestFixture *fixture, const gchar *method, const gchar *path,
		  const gchar *body, guint expected, const gchar *code)
{
	guint status = 0;
	JsonNode *answer =
		arc_test_agent_call(fixture->agent, method, path, fixture->token, body, &status);

	g_test_message("%s %s", method, path);
	arc_test_assert_status(status, expected);
	if (code != NULL)
		arc_test_assert_api_error(answer, code);
	return answer;
}

static void
arc_rest_lic_expect(ArcRestFixture *fixture, const gchar *method, const gchar *path,
		    const gchar *body, guint expected, const gchar *code)
{
	G_GNUC_UNUSED g_autoptr(JsonNode) answer =
		arc_rest_lic_call(fixture, method, path, body, expected, code);
}

/* the header every answer carries while the license is not valid, NULL when valid */
static gchar *
arc_rest_lic_header(ArcRestFixture *fixture, const gchar *path)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *auth = g_strdup_printf("Authorization: Bearer %s", fixture->token);
	const gchar *headers[] = {auth, NULL};
	g_autoptr(ArcTestResponse) resp =
		arc_test_agent_send(fixture->agent, "GET", path, headers, NULL, 0, NULL, &error);

	g_assert_no_error(error);
	return g_strdup(soup_message_headers_get_one(resp->headers, "Arctic-License-State"));
}

static gchar *
arc_rest_lic_id(const gchar *license)
{
	g_autoptr(JsonNode) node = json_from_string(license, NULL);
	return g_strdup(arc_test_json_string(node, "license_id"));
}

/* the license check of /readyz: passes, and says the state */
static void
arc_rest_lic_assert_readyz(ArcRestFixture *fixture, const gchar *state)
{
	g_autoptr(JsonNode) ready = arc_rest_lic_call(fixture, "GET", "/readyz", NULL, 200, NULL);
	JsonArray *checks = json_object_get_array_member(json_node_get_object(ready), "checks");
	g_autofree gchar *needle = g_strdup_printf(" is %s: ", state);
	gboolean seen = FALSE;

	for (guint i = 0; i < json_array_get_length(checks); i++) {
		JsonObject *check = json_array_get_object_element(checks, i);
		if (g_strcmp0(json_object_get_string_member(check, "name"), "license") != 0)
			continue;
		seen = TRUE;
		g_assert_cmpstr(json_object_get_string_member(check, "status"), ==, "ok");
		g_assert_nonnull(strstr(json_object_get_string_member(check, "message"), needle));
	}
	g_assert_true(seen);
}

static void
arc_rest_lic_assert_state(ArcRestFixture *fixture, const gchar *state)
{
	g_autoptr(JsonNode) license =
		arc_rest_lic_call(fixture, "GET", "/v1/license", NULL, 200, NULL);
	g_autofree gchar *header = arc_rest_lic_header(fixture, "/v1/license");

	g_assert_cmpstr(arc_test_json_string(license, "state"), ==, state);
	g_assert_cmpstr(header, ==, g_strcmp0(state, "valid") == 0 ? NULL : state);
	arc_rest_lic_assert_readyz(fixture, state);
}

/* a fresh license of the same customer restores everything */
static void
arc_rest_lic_renew(ArcRestFixture *fixture)
{
	g_autofree gchar *fresh = arc_test_license_expiring(fixture->agent, 365 * ARC_TEST_DAY);
	g_autofree gchar *fresh_id = arc_rest_lic_id(fresh);
	g_autoptr(JsonNode) answer =
		arc_rest_lic_call(fixture, "PUT", "/v1/license", fresh, 200, NULL);

	g_assert_cmpstr(arc_test_json_string(answer, "license_id"), ==, fresh_id);
	g_assert_cmpstr(arc_test_json_string(answer, "state"), ==, "valid");
	arc_rest_lic_assert_state(fixture, "valid");
}

static void
arc_rest_lic_read_only_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *peer_id = arc_test_agent_get_peer_id(fixture->agent);
	g_autofree gchar *peer_path = g_strdup_printf("/v1/peers/%s", peer_id);
	g_autoptr(JsonNode) credential = NULL;

	arc_test_license_age(fixture->agent, ARC_REST_READ_ONLY_EXPIRY);
	arc_rest_lic_assert_state(fixture, "read_only");
	g_assert_true(arc_rest_log_contains(fixture->agent, "is read_only: the license expired"));

	/* writes of peers, services and routes are refused */
	arc_rest_lic_expect(fixture, "POST", "/v1/peers", "{\"address\":\"127.0.0.1:9\"}", 403,
			    "LICENSE_READ_ONLY");
	arc_rest_lic_expect(fixture, "PUT", peer_path, "{\"name\":\"renamed\"}", 403,
			    "LICENSE_READ_ONLY");
	arc_rest_lic_expect(fixture, "POST", "/v1/services", "{\"target_peer_id\":\"x\"}", 403,
			    "LICENSE_READ_ONLY");
	arc_rest_lic_expect(fixture, "PUT", "/v1/services/svc_01X/routes/1", "{}", 403,
			    "LICENSE_READ_ONLY");
	arc_rest_lic_expect(fixture, "DELETE", "/v1/services/svc_01X", NULL, 403,
			    "LICENSE_READ_ONLY");

	/* reads, health, identity and the rest still answer */
	arc_rest_lic_expect(fixture, "GET", "/v1/peers", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/services", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/routes", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/livez", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/cluster/identity", NULL, 200, NULL);
	credential = arc_rest_lic_call(fixture, "POST", "/v1/credentials",
				       "{\"scopes\":[\"peers.read\"]}", 201, NULL);

	arc_rest_lic_renew(fixture);
	arc_rest_lic_expect(fixture, "PUT", peer_path, "{\"name\":\"renamed\"}", 200, NULL);
}

static void
arc_rest_lic_suspended_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = NULL;

	arc_test_license_age(fixture->agent, ARC_REST_SUSPENDED_EXPIRY);
	arc_rest_lic_assert_state(fixture, "suspended");
	g_assert_true(arc_rest_log_contains(fixture->agent, "is suspended: the license expired"));

	/* everything but health, identity, license and token is refused, reads too */
	arc_rest_lic_expect(fixture, "POST", "/v1/peers", "{\"address\":\"127.0.0.1:9\"}", 403,
			    "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "POST", "/v1/services", "{\"target_peer_id\":\"x\"}", 403,
			    "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "PUT", "/v1/services/svc_01X/routes/1", "{}", 403,
			    "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "GET", "/v1/peers", NULL, 403, "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "GET", "/v1/services", NULL, 403, "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "GET", "/v1/credentials", NULL, 403, "LICENSE_SUSPENDED");
	arc_rest_lic_expect(fixture, "GET", "/v1/cluster/status", NULL, 403, "LICENSE_SUSPENDED");

	arc_rest_lic_expect(fixture, "GET", "/livez", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/readyz", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/cluster/identity", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/license", NULL, 200, NULL);
	token = arc_test_agent_token(fixture->agent, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(token);

	arc_rest_lic_renew(fixture);
	arc_rest_lic_expect(fixture, "GET", "/v1/peers", NULL, 200, NULL);
	arc_rest_lic_expect(fixture, "GET", "/v1/credentials", NULL, 200, NULL);
}

/* refused renewals change nothing */
static void
arc_rest_lic_refused_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint64 now = arc_test_license_now();
	g_autoptr(JsonNode) before =
		arc_rest_lic_call(fixture, "GET", "/v1/license", NULL, 200, NULL);
	g_autofree gchar *other =
		arc_test_agent_make_license(fixture->agent, "cust_OTHERCUSTOMER", now - 10,
					    now + 2 * 365 * ARC_TEST_DAY, 10, 100);
	g_autofree gchar *foreign =
		arc_test_agent_make_foreign_license(fixture->agent, ARC_TEST_CUSTOMER_ID, now - 10,
						    now + 2 * 365 * ARC_TEST_DAY, 10, 100);
	g_autofree gchar *older = arc_test_license_expiring(fixture->agent, 30 * ARC_TEST_DAY);
	g_autofree gchar *secret = NULL;
	g_autofree gchar *client_id = arc_rest_create_credential(
		fixture->agent, fixture->token, "{\"scopes\":[\"peers.write\"]}", &secret);
	g_autofree gchar *writer = arc_rest_token_for(fixture->agent, client_id, secret);
	g_autoptr(JsonNode) after = NULL;
	guint status = 0;
	g_autoptr(JsonNode) refused = NULL;

	arc_rest_lic_expect(fixture, "PUT", "/v1/license", other, 422, "LICENSE_MISMATCH");
	arc_rest_lic_expect(fixture, "PUT", "/v1/license", foreign, 422, "LICENSE_INVALID");
	arc_rest_lic_expect(fixture, "PUT", "/v1/license", older, 422, "LICENSE_INVALID");
	arc_rest_lic_expect(fixture, "PUT", "/v1/license", "{\"license\": 3}", 400,
			    "INVALID_REQUEST");
	arc_rest_lic_expect(fixture, "PUT", "/v1/license", "[]", 400, "INVALID_REQUEST");
	refused = arc_test_agent_call(fixture->agent, "PUT", "/v1/license", writer, other, &status);
	arc_test_assert_status(status, 403);
	arc_test_assert_api_error(refused, "FORBIDDEN");

	after = arc_rest_lic_call(fixture, "GET", "/v1/license", NULL, 200, NULL);
	g_assert_cmpstr(arc_test_json_string(after, "license_id"), ==,
			arc_test_json_string(before, "license_id"));
	g_assert_cmpstr(arc_test_json_string(after, "expires_at"), ==,
			arc_test_json_string(before, "expires_at"));
}

/* {"license": …} as bootstrap takes it; the limits follow; the same license again is fine */
static void
arc_rest_lic_update_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint64 now = arc_test_license_now();
	g_autofree gchar *renewed = arc_test_agent_make_license(
		fixture->agent, ARC_TEST_CUSTOMER_ID, now - 10, now + 2 * 365 * ARC_TEST_DAY, 3, 7);
	g_autofree gchar *wrapped = g_strdup_printf("{\"license\": %s}", renewed);
	g_autofree gchar *renewed_id = arc_rest_lic_id(renewed);
	g_autoptr(JsonNode) answer =
		arc_rest_lic_call(fixture, "PUT", "/v1/license", wrapped, 200, NULL);
	g_autoptr(JsonNode) again = NULL;
	g_autoptr(JsonNode) shown = NULL;
	gboolean ok;

	g_assert_cmpstr(arc_test_json_string(answer, "license_id"), ==, renewed_id);
	g_assert_cmpint(arc_test_json_int(answer, "max_nodes"), ==, 3);
	g_assert_cmpint(arc_test_json_int(answer, "max_services"), ==, 7);
	g_assert_cmpstr(arc_test_json_string(answer, "state"), ==, "valid");
	arc_test_assert_rfc3339(arc_test_json_string(answer, "expires_at"));

	again = arc_rest_lic_call(fixture, "PUT", "/v1/license", renewed, 200, NULL);
	g_assert_cmpstr(arc_test_json_string(again, "license_id"), ==, renewed_id);
	shown = arc_rest_lic_call(fixture, "GET", "/v1/cluster/identity", NULL, 200, NULL);
	g_assert_cmpstr(arc_test_json_string(shown, "license_id"), ==, renewed_id);
	g_assert_true(arc_rest_log_contains(fixture->agent, renewed_id));

	/* and it is the license in force after a restart */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) restarted = NULL;

		ok = arc_test_agent_restart(fixture->agent, &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		restarted = arc_rest_lic_call(fixture, "GET", "/v1/license", NULL, 200, NULL);
		g_assert_cmpstr(arc_test_json_string(restarted, "license_id"), ==, renewed_id);
	}
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);

#define ARC_REST_TEST(path, func)                                                                  \
	g_test_add("/rest/license/" path, ArcRestFixture, NULL,                                    \
		   arc_rest_fixture_setup_bootstrapped, func, arc_rest_fixture_teardown)

	ARC_REST_TEST("read-only", arc_rest_lic_read_only_func);
	ARC_REST_TEST("suspended", arc_rest_lic_suspended_func);
	ARC_REST_TEST("refused", arc_rest_lic_refused_func);
	ARC_REST_TEST("update", arc_rest_lic_update_func);
	return g_test_run();
}
