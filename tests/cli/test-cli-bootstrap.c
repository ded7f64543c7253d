/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include "arc-cli-config.h"
#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* `arctic bootstrap` against a fake agent (spec §5.3) */

#define ARC_TEST_LICENSE                                                                           \
	"{\"customer_id\":\"cust_01TEST\",\"license_id\":\"lic_abc123\",\"issued_at\":"            \
	"\"2024-01-01T00:00:00Z\",\"expires_at\":\"2025-12-31T23:59:59Z\",\"max_nodes\":10,"       \
	"\"max_services\":100,\"features\":[],\"signature\":\"c2lnbmF0dXJl\"}"

#define ARC_TEST_BOOTSTRAP_BODY                                                                    \
	"{\"peer_id\":\"peer_01HXYZ\",\"peer_public_key\":\"qnGyPtol7lqzLYU3989eaC+K4xda0w9KXlc"   \
	"EOM9cSBQ=\",\"client_id\":\"cli_01HXYZ\",\"client_secret\":\"" ARC_CLI_TEST_SECRET        \
	"\",\"license_id\":\"lic_abc123\",\"customer_id\":\"cust_01TEST\",\"cluster_id\":"         \
	"\"clu_01HABC\",\"expires_at\":\"2025-12-31T23:59:59Z\",\"max_nodes\":10,"                 \
	"\"max_services\":100,\"name\":\"agent-a\"}"

typedef struct {
	ArcCliTestAgent *agent;
	gchar *license_file;
	gchar *config_path;
} ArcTestFixture;

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer data)
{
	fixture->agent = arc_cli_test_agent_new();
	fixture->license_file = arc_cli_test_write_file("license.json", ARC_TEST_LICENSE);
	fixture->config_path = arc_cli_test_config_path();
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
	g_free(fixture->license_file);
	g_free(fixture->config_path);
}

/* the config holds the new cluster, current, private */
static void
arc_test_assert_saved_config(ArcTestFixture *fixture, const gchar *url)
{
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(fixture->config_path);
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(GError) error = NULL;
	ArcCliPeer *peer;
	GStatBuf st;
	gboolean ok;

	g_assert_cmpint(g_stat(fixture->config_path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
	ok = arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(arc_cli_config_get_current_cluster(config), ==, "clu_01HABC");
	cluster = arc_cli_config_get_cluster(config, "clu_01HABC");
	g_assert_nonnull(cluster);
	g_assert_cmpstr(cluster->client_id, ==, "cli_01HXYZ");
	g_assert_cmpstr(cluster->client_secret, ==, ARC_CLI_TEST_SECRET);
	g_assert_cmpstr(cluster->customer_id, ==, "cust_01TEST");
	g_assert_cmpstr(cluster->default_peer, ==, "peer_01HXYZ");
	peer = arc_cli_cluster_get_default_peer(cluster);
	g_assert_cmpstr(peer->name, ==, "agent-a");
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, url);
}

static void
arc_test_bootstrap_success_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *url = arc_cli_test_agent_get_url(fixture->agent);
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) sent = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *expected = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/bootstrap", 201,
					ARC_TEST_BOOTSTRAP_BODY);
	/* global --url after the command */
	result = arc_cli_test_runv("bootstrap", "--license-file", fixture->license_file, "--name",
				   "agent-a", "--url", url, NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	expected = g_strdup_printf("Peer ID:        peer_01HXYZ\n"
				   "Cluster ID:     clu_01HABC\n"
				   "Client ID:      cli_01HXYZ\n"
				   "License ID:     lic_abc123\n"
				   "Expires:        2025-12-31 23:59:59 UTC\n"
				   "Max Nodes:      10\n"
				   "Max Services:   100\n"
				   "\n"
				   "Configuration saved to %s\n"
				   "Set as current cluster: clu_01HABC\n",
				   fixture->config_path);
	g_assert_cmpstr(result->out, ==, expected);

	/* the request wraps the license file */
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/bootstrap");
	sent = json_from_string(body, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(
		json_object_get_string_member(
			json_object_get_object_member(json_node_get_object(sent), "license"),
			"license_id"),
		==, "lic_abc123");
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(sent), "name"), ==,
			"agent-a");
	arc_test_assert_saved_config(fixture, url);
}

/* -j prints the API's answer, secret included, and still saves the config */
static void
arc_test_bootstrap_json_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(JsonNode) printed = NULL;
	g_autoptr(JsonNode) expected = json_from_string(ARC_TEST_BOOTSTRAP_BODY, NULL);
	g_autoptr(GError) error = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/bootstrap", 201,
					ARC_TEST_BOOTSTRAP_BODY);
	result = arc_cli_test_runv("-j", "--url", arc_cli_test_agent_get_url(fixture->agent),
				   "bootstrap", "--license-file", fixture->license_file, NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	printed = json_from_string(result->out, &error);
	g_assert_no_error(error);
	g_assert_true(json_node_equal(printed, expected));
	g_assert_nonnull(strstr(result->err, "Configuration saved to"));
	g_assert_true(g_file_test(fixture->config_path, G_FILE_TEST_EXISTS));
}

static void
arc_test_bootstrap_api_error_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		guint status;
		const gchar *body;
		const gchar *err;
	} table[] = {
		{409,
		 "{\"error\":\"agent already bootstrapped\",\"code\":\"ALREADY_BOOTSTRAPPED\"}",
		 "Error: agent is already bootstrapped\n"},
		{422, "{\"error\":\"license expired on 2020-01-01\",\"code\":\"LICENSE_EXPIRED\"}",
		 "Error: license has expired\n"},
		{422, "{\"error\":\"invalid license signature\",\"code\":\"LICENSE_INVALID\"}",
		 "Error: invalid license signature\n"},
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(ArcCliTestResult) result = NULL;

		arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/bootstrap",
						table[i].status, table[i].body);
		result = arc_cli_test_runv("bootstrap", "--url",
					   arc_cli_test_agent_get_url(fixture->agent),
					   "--license-file", fixture->license_file, NULL);
		g_assert_cmpint(result->exit_code, ==, 1);
		g_assert_cmpstr(result->err, ==, table[i].err);
		g_assert_cmpstr(result->out, ==, "");
		g_assert_false(g_file_test(fixture->config_path, G_FILE_TEST_EXISTS));
	}
}

static void
arc_test_bootstrap_usage_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *url = arc_cli_test_agent_get_url(fixture->agent);
	g_autofree gchar *not_json = arc_cli_test_write_file("notjson.txt", "this is not JSON");
	g_autofree gchar *missing = g_build_filename(g_get_home_dir(), "missing.json", NULL);
	const struct {
		const gchar *args[8];
		gint exit_code;
		const gchar *err_prefix;
	} table[] = {
		{{"bootstrap", "--license-file", fixture->license_file, NULL},
		 2,
		 "Error: --url is required for bootstrap\n"},
		{{"bootstrap", "--url", url, NULL}, 2, "Error: --license-file is required\n"},
		{{"bootstrap", "--url", url, "--license-file", missing, NULL},
		 1,
		 "Error: failed to read license file: "},
		{{"bootstrap", "--url", url, "--license-file", not_json, NULL},
		 1,
		 "Error: failed to read license file: "},
		{{"bootstrap", "--url", url, "--license", "x", NULL},
		 2,
		 "Error: unknown flag: --license\n"},
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, table[i].args);

		g_assert_cmpint(result->exit_code, ==, table[i].exit_code);
		g_assert_true(g_str_has_prefix(result->err, table[i].err_prefix));
	}
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/bootstrap"),
			 ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/bootstrap/success", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_bootstrap_success_func, arc_test_fixture_teardown);
	g_test_add("/cli/bootstrap/json", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_bootstrap_json_func, arc_test_fixture_teardown);
	g_test_add("/cli/bootstrap/api-error", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_bootstrap_api_error_func, arc_test_fixture_teardown);
	g_test_add("/cli/bootstrap/usage", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_bootstrap_usage_func, arc_test_fixture_teardown);
	return g_test_run();
}
