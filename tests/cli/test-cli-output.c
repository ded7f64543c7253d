/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* Text an agent sends, names above all, can hold control characters when an older agent
 * stored them: the CLI must print it without letting it drive the operator's terminal
 * (docs/decisions.md), in tables, JSON, YAML and error lines alike. */

/* "evil" + OSC retitle + BEL, C1 CSI "2J", right-to-left override, DEL */
#define ARC_TEST_EVIL_JSON "evil\\u001b]0;owned\\u0007 \\u009b2J gpj.\\u202eexe\\u007f"
#define ARC_TEST_EVIL_UTF8                                                                         \
	"evil\x1b]0;owned\x07 \xc2\x9b"                                                            \
	"2J gpj.\xe2\x80\xae"                                                                      \
	"exe\x7f"
#define ARC_TEST_PEER_BODY                                                                         \
	"{\"id\":\"peer_01TEST\",\"name\":\"" ARC_TEST_EVIL_JSON "\",\"address\":\"x:1\","         \
	"\"is_local\":true,\"state\":\"active\"}"
#define ARC_TEST_PEERS_BODY "[" ARC_TEST_PEER_BODY "]"

typedef struct {
	ArcCliTestAgent *agent;
	const gchar *url;
} ArcTestFixture;

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer data)
{
	fixture->agent = arc_cli_test_agent_new();
	fixture->url = arc_cli_test_agent_get_url(fixture->agent);
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/oauth/token", 200,
					ARC_CLI_TEST_TOKEN_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/peers", 200,
					ARC_TEST_PEERS_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/peers/peer_01TEST", 200,
					ARC_TEST_PEER_BODY);
	arc_cli_test_write_cluster_config(fixture->url, NULL);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

/* none of the bytes a terminal would act on */
static void
arc_test_assert_inert(const gchar *text)
{
	const gchar *const bad[] = {"\x1b", "\x07", "\x7f", "\xc2\x9b", "\xe2\x80\xae"};

	g_test_message("%s", text);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_null(strstr(text, bad[i]));
}

static void
arc_test_table_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) list = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	list = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	arc_test_assert_inert(list->out);
	/* shown, escaped, so the operator sees what is there */
	g_assert_nonnull(strstr(list->out, "evil\\x1b]0;owned\\x07 \\x9b2J gpj.\\u202eexe\\x7f"));
	g_assert_nonnull(strstr(list->out, "peer_01TEST"));
}

static void
arc_test_get_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) got = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	got = arc_cli_test_runv("peers", "get", "peer_01TEST", NULL);
	g_assert_cmpint(got->exit_code, ==, 0);
	arc_test_assert_inert(got->out);
	g_assert_nonnull(strstr(got->out, "evil\\x1b]0;owned\\x07"));
}

/* JSON stays JSON with the same value; YAML is inert too */
static void
arc_test_formats_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) yaml = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error = NULL;
	JsonArray *peers;

	ARC_CLI_TEST_REQUIRE_CLI();
	json = arc_cli_test_runv("peers", "list", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	arc_test_assert_inert(json->out);
	root = json_from_string(json->out, &error);
	g_assert_no_error(error);
	peers = json_node_get_array(root);
	g_assert_cmpstr(
		json_object_get_string_member(json_array_get_object_element(peers, 0), "name"), ==,
		ARC_TEST_EVIL_UTF8);
	yaml = arc_cli_test_runv("peers", "list", "-o", "yaml", NULL);
	g_assert_cmpint(yaml->exit_code, ==, 0);
	arc_test_assert_inert(yaml->out);
	g_assert_nonnull(strstr(yaml->out, "peer_01TEST"));
}

/* an agent's error message reaches stderr inert as well */
static void
arc_test_error_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) failed = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/peers", 400,
					"{\"error\":\"" ARC_TEST_EVIL_JSON "\","
					"\"code\":\"INVALID_REQUEST\"}");
	failed = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(failed->exit_code, !=, 0);
	arc_test_assert_inert(failed->err);
	g_assert_nonnull(strstr(failed->err, "evil\\x1b"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/output/table", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_table_func, arc_test_fixture_teardown);
	g_test_add("/cli/output/get", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_get_func, arc_test_fixture_teardown);
	g_test_add("/cli/output/formats", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_formats_func, arc_test_fixture_teardown);
	g_test_add("/cli/output/error", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_error_func, arc_test_fixture_teardown);
	return g_test_run();
}
