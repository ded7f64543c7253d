/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* prlimit() */
#endif
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "arc-rest-fixture.h"
#include "arc-test-assert.h"

/* Refused inputs (docs/protocol.md §1, docs/decisions.md): duplicate member names, control
 * and bidirectional formatting characters in names and descriptions, over-long names; and a
 * storage check that notices when the store can no longer be written. */

#define ARC_REST_INPUT_TWO_SCOPES                                                                  \
	"{\"scopes\":[\"" ARC_REST_SCOPE_URN("peers.read") "\"],"                                  \
							   "\"scopes\":[\"" ARC_REST_SCOPE_URN(    \
								   "admin") "\"]}"

static gchar *
arc_rest_input_peer_name(ArcRestFixture *fixture)
{
	guint status = 0;
	g_autofree gchar *path =
		g_strconcat("/v1/peers/", arc_test_agent_get_peer_id(fixture->agent), NULL);
	g_autoptr(JsonNode) peer =
		arc_test_agent_call(fixture->agent, "GET", path, fixture->token, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	return g_strdup(arc_test_json_string(peer, "name"));
}

static JsonNode *
arc_rest_input_rename(ArcRestFixture *fixture, const gchar *body, guint *status)
{
	g_autofree gchar *path =
		g_strconcat("/v1/peers/", arc_test_agent_get_peer_id(fixture->agent), NULL);
	return arc_test_agent_call(fixture->agent, "PUT", path, fixture->token, body, status);
}

/* json-glib keeps the last of two members with one name; the API refuses the body instead,
 * at any depth and whatever the escapes, and changes nothing */
static void
arc_rest_input_duplicate_keys_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *bodies[] = {
		"{\"name\":\"first\",\"name\":\"second\"}",
		"{\"name\":\"first\",\"n\\u0061me\":\"second\"}",
		"{\"name\":\"first\",\"x\":{\"a\":[{\"b\":1,\"b\":2}]}}",
	};
	g_autofree gchar *before = arc_rest_input_peer_name(fixture);
	guint status = 0;

	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autoptr(JsonNode) answer = arc_rest_input_rename(fixture, bodies[i], &status);
		g_autofree gchar *after = NULL;

		g_test_message("%s", bodies[i]);
		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
		g_assert_nonnull(strstr(arc_test_json_string(answer, "error"), "duplicate member"));
		after = arc_rest_input_peer_name(fixture);
		g_assert_cmpstr(after, ==, before);
	}
	/* a credential asking for two scope lists is not created with either */
	{
		g_autoptr(GPtrArray) ids_before =
			arc_rest_list_client_ids(fixture->agent, fixture->token);
		g_autoptr(JsonNode) answer =
			arc_test_agent_call(fixture->agent, "POST", "/v1/credentials",
					    fixture->token, ARC_REST_INPUT_TWO_SCOPES, &status);
		g_autoptr(GPtrArray) ids = NULL;
		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
		ids = arc_rest_list_client_ids(fixture->agent, fixture->token);
		g_assert_cmpuint(ids->len, ==, ids_before->len);
	}
}

/* names that would drive the operator's terminal, or read as another, are refused with the
 * validation error and change nothing; so are names over 128 bytes */
static void
arc_rest_input_control_names_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *long_name = g_strnfill(129, 'n');
	g_autofree gchar *longest = g_strnfill(128, 'n');
	g_autofree gchar *long_body = g_strdup_printf("{\"name\":\"%s\"}", long_name);
	g_autofree gchar *longest_body = g_strdup_printf("{\"name\":\"%s\"}", longest);
	const gchar *bodies[] = {
		"{\"name\":\"evil\\u001b]0;owned\\u0007\"}", /* OSC: retitles the window */
		"{\"name\":\"tab\\there\"}",
		"{\"name\":\"line\\nbreak\"}",
		"{\"name\":\"del\\u007f\"}",
		"{\"name\":\"csi\\u009b2J\"}",   /* C1 CSI: clears the screen */
		"{\"name\":\"gpj.\\u202eexe\"}", /* right-to-left override */
		"{\"name\":\"iso\\u2066late\"}", /* isolate */
		long_body,
	};
	g_autofree gchar *before = arc_rest_input_peer_name(fixture);
	guint status = 0;

	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autoptr(JsonNode) answer = arc_rest_input_rename(fixture, bodies[i], &status);
		g_autofree gchar *after = NULL;

		g_test_message("%s", bodies[i]);
		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
		g_assert_nonnull(strstr(arc_test_json_string(answer, "error"), "'name'"));
		after = arc_rest_input_peer_name(fixture);
		g_assert_cmpstr(after, ==, before);
	}
	/* adding a peer under such a name is refused before anything is dialled */
	{
		g_autoptr(JsonNode) answer = arc_test_agent_call(
			fixture->agent, "POST", "/v1/peers", fixture->token,
			"{\"address\":\"127.0.0.1:9\",\"name\":\"x\\u001b[2J\"}", &status);
		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
	}
	/* what is allowed: 128 bytes, and any printable text, accents and emoji included */
	{
		g_autoptr(JsonNode) renamed = arc_rest_input_rename(fixture, longest_body, &status);
		arc_test_assert_status(status, SOUP_STATUS_OK);
		g_assert_cmpstr(arc_test_json_string(renamed, "name"), ==, longest);
	}
	{
		g_autoptr(JsonNode) renamed = arc_rest_input_rename(
			fixture,
			"{\"name\":\"caf\\u00e9 \\ud83d\\ude00 \\u05e9\\u05dc\\u05d5\\u05dd\"}",
			&status);
		g_autofree gchar *after = arc_rest_input_peer_name(fixture);
		arc_test_assert_status(status, SOUP_STATUS_OK);
		g_assert_cmpstr(arc_test_json_string(renamed, "name"), ==, after);
		g_assert_cmpstr(after, ==,
				"caf\xc3\xa9 \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	}
}

/* bootstrap's name and description follow the same rules, and a refused bootstrap leaves
 * the agent unbootstrapped */
static void
arc_rest_input_bootstrap_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *license = arc_test_agent_make_default_license(fixture->agent);
	g_autofree gchar *long_description = g_strnfill(1025, 'd');
	gchar *bodies[] = {
		g_strdup_printf("{\"license\":%s,\"name\":\"a\\u001bb\"}", license),
		g_strdup_printf("{\"license\":%s,\"description\":\"x\\u009by\"}", license),
		g_strdup_printf("{\"license\":%s,\"description\":\"%s\"}", license,
				long_description),
		g_strdup_printf("{\"license\":%s,\"name\":\"a\",\"name\":\"b\"}", license),
	};
	guint status = 0;

	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autoptr(JsonNode) answer = arc_test_agent_call(
			fixture->agent, "POST", "/v1/bootstrap", NULL, bodies[i], &status);
		g_autoptr(JsonNode) identity = NULL;

		arc_test_assert_status(status, SOUP_STATUS_BAD_REQUEST);
		arc_test_assert_api_error(answer, "INVALID_REQUEST");
		identity = arc_test_agent_call(fixture->agent, "GET", "/v1/cluster/identity", NULL,
					       NULL, &status);
		arc_test_assert_status(status, SOUP_STATUS_OK);
		g_assert_true(arc_test_json_is_null(identity, "peer_id"));
	}
	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++)
		g_free(bodies[i]);
}

static const gchar *
arc_rest_input_storage_status(JsonNode *readyz, const gchar **message)
{
	JsonArray *checks = json_object_get_array_member(json_node_get_object(readyz), "checks");

	for (guint i = 0; i < json_array_get_length(checks); i++) {
		JsonNode *check = json_array_get_element(checks, i);
		if (g_strcmp0(arc_test_json_string(check, "name"), "storage") == 0) {
			*message = arc_test_json_string(check, "message");
			return arc_test_json_string(check, "status");
		}
	}
	g_error("/readyz has no storage check");
	return NULL;
}

/* polls /readyz (its write probe is spaced by 5 s) until it answers @expected */
static JsonNode *
arc_rest_input_wait_readyz(ArcRestFixture *fixture, guint expected)
{
	for (guint i = 0; i < 80; i++) {
		guint status = 0;
		g_autoptr(JsonNode) answer =
			arc_test_agent_call(fixture->agent, "GET", "/readyz", NULL, NULL, &status);
		if (status == expected)
			return g_steal_pointer(&answer);
		g_usleep(250 * 1000);
	}
	g_error("/readyz never answered %u", expected);
	return NULL;
}

/* A store that still reads but can no longer be written, as on a full disk, here by a file
 * size limit of one byte set on the running agent: /readyz answers 503 with the storage
 * check failing, and recovers once writes succeed again */
static void
arc_rest_input_readyz_unwritable_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	pid_t pid = (pid_t)arc_test_agent_get_pid(fixture->agent);
	struct rlimit saved, tiny;
	g_autoptr(JsonNode) failing = NULL, recovered = NULL;
	const gchar *message = NULL;

	g_assert_cmpint(pid, >, 0);
	g_assert_cmpint(prlimit(pid, RLIMIT_FSIZE, NULL, &saved), ==, 0);
	tiny = saved;
	tiny.rlim_cur = 1;
	g_assert_cmpint(prlimit(pid, RLIMIT_FSIZE, &tiny, NULL), ==, 0);
	failing = arc_rest_input_wait_readyz(fixture, SOUP_STATUS_SERVICE_UNAVAILABLE);
	g_assert_cmpstr(arc_test_json_string(failing, "status"), ==, "unavailable");
	g_assert_cmpstr(arc_rest_input_storage_status(failing, &message), ==, "fail");
	g_assert_nonnull(strstr(message, "cannot write"));
	g_assert_true(arc_test_agent_is_running(fixture->agent));

	g_assert_cmpint(prlimit(pid, RLIMIT_FSIZE, &saved, NULL), ==, 0);
	recovered = arc_rest_input_wait_readyz(fixture, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_rest_input_storage_status(recovered, &message), ==, "ok");
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);
#define ARC_REST_TEST(path, setup, func)                                                           \
	g_test_add("/rest/input/" path, ArcRestFixture, NULL, setup, func,                         \
		   arc_rest_fixture_teardown)
	ARC_REST_TEST("duplicate-keys", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_input_duplicate_keys_func);
	ARC_REST_TEST("control-names", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_input_control_names_func);
	ARC_REST_TEST("bootstrap-labels", arc_rest_fixture_setup, arc_rest_input_bootstrap_func);
	ARC_REST_TEST("readyz-unwritable", arc_rest_fixture_setup_bootstrapped,
		      arc_rest_input_readyz_unwritable_func);
#undef ARC_REST_TEST
	return g_test_run();
}
