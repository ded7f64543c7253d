/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-rest-fixture.h"

#include <sodium.h>
#include <string.h>

/* The fixture of the rest suite: every test gets an agent of its own, so that no test sees
 * another's state, and every agent must stop cleanly (exit status 0) when the test ends. */

void
arc_rest_init(int *argc, char ***argv)
{
	g_test_init(argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
}

gint64
arc_rest_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

void
arc_rest_fixture_setup(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->agent = arc_test_agent_new();
	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);
}

void
arc_rest_fixture_setup_bootstrapped(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) answer = NULL;

	arc_rest_fixture_setup(fixture, user_data);
	answer = arc_test_agent_bootstrap(fixture->agent, &error);
	g_assert_no_error(error);
	g_assert_nonnull(answer);
	fixture->token = arc_test_agent_token(fixture->agent, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(fixture->token);
}

void
arc_rest_fixture_teardown(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	if (arc_test_agent_is_running(fixture->agent)) {
		gint status = -1;
		arc_test_agent_stop(fixture->agent, &status, &error);
		g_assert_no_error(error);
		g_assert_cmpint(status, ==, 0);
	}
	g_clear_object(&fixture->agent);
	g_clear_pointer(&fixture->token, g_free);
}

/**
 * arc_rest_create_credential:
 * @agent: the agent
 * @token: a token with credentials.write
 * @json_body: (nullable): the body of POST /v1/credentials
 * @secret_out: (out) (optional): the new secret
 *
 * Returns: (transfer full): the new client id; the request must succeed
 */
gchar *
arc_rest_create_credential(ArcTestAgent *agent, const gchar *token, const gchar *json_body,
			   gchar **secret_out)
{
	guint status = 0;
	g_autoptr(JsonNode) answer =
		arc_test_agent_call(agent, "POST", "/v1/credentials", token, json_body, &status);

	g_assert_nonnull(answer);
	arc_test_assert_status(status, SOUP_STATUS_CREATED);
	if (secret_out != NULL)
		*secret_out = g_strdup(arc_test_json_string(answer, "client_secret"));
	return g_strdup(arc_test_json_string(answer, "client_id"));
}

/**
 * arc_rest_token_for:
 * @agent: the agent
 * @client_id: a client id
 * @secret: its secret
 *
 * Returns: (transfer full): an access token; the request must succeed
 */
gchar *
arc_rest_token_for(ArcTestAgent *agent, const gchar *client_id, const gchar *secret)
{
	g_autoptr(GError) error = NULL;
	gchar *token = arc_test_agent_token(agent, client_id, secret, &error);

	g_assert_no_error(error);
	g_assert_nonnull(token);
	return token;
}

/**
 * arc_rest_list_client_ids:
 * @agent: the agent
 * @token: a token with credentials.read
 *
 * Returns: (transfer container) (element-type utf8): the client ids GET /v1/credentials lists
 */
GPtrArray *
arc_rest_list_client_ids(ArcTestAgent *agent, const gchar *token)
{
	guint status = 0;
	g_autoptr(JsonNode) answer =
		arc_test_agent_call(agent, "GET", "/v1/credentials", token, NULL, &status);
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	JsonArray *list;

	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_nonnull(answer);
	list = json_object_get_array_member(json_node_get_object(answer), "credentials");
	g_assert_nonnull(list);
	for (guint i = 0; i < json_array_get_length(list); i++) {
		JsonNode *item = json_array_get_element(list, i);
		g_ptr_array_add(ids, g_strdup(arc_test_json_string(item, "client_id")));
	}
	return ids;
}

/**
 * arc_rest_log_contains:
 * @agent: the agent
 * @needle: a fragment
 *
 * Returns: whether the current run's stderr holds @needle
 */
gboolean
arc_rest_log_contains(ArcTestAgent *agent, const gchar *needle)
{
	g_autofree gchar *log = arc_test_agent_get_log(agent);
	return strstr(log, needle) != NULL;
}

/* AddressSanitizer keeps freed memory in quarantine (up to 256 MiB), and valgrind (through
 * ARC_TEST_AGENT_WRAPPER) in its free list: then the agent's RSS says nothing about what the
 * agent keeps. */
#if defined(__SANITIZE_ADDRESS__)
#define ARC_REST_ASAN TRUE
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARC_REST_ASAN TRUE
#endif
#endif
#ifndef ARC_REST_ASAN
#define ARC_REST_ASAN FALSE
#endif

/**
 * arc_rest_agent_is_sanitized:
 *
 * The agent is built as the tests are (one meson build).
 *
 * Returns: whether the agent runs with AddressSanitizer
 */
gboolean
arc_rest_agent_is_sanitized(void)
{
	return ARC_REST_ASAN;
}

/**
 * arc_rest_rss_is_meaningful:
 *
 * Returns: whether the agent's RSS tells what it keeps (no sanitizer, no wrapper); when it
 *   does not, a test message says so
 */
gboolean
arc_rest_rss_is_meaningful(void)
{
	if (ARC_REST_ASAN || g_getenv("ARC_TEST_AGENT_WRAPPER") != NULL) {
		g_test_message("RSS not checked: a sanitizer or a wrapper keeps freed memory");
		return FALSE;
	}
	return TRUE;
}
