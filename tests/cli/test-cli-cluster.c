/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-config.h"
#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* `arctic cluster sync | init | credentials` and `arctic credentials rotate` against a fake
 * agent (spec §3.4, §5.8, §5.9) */

#define ARC_TEST_INIT_BODY                                                                         \
	"{\"cluster_id\":\"clu_01NEW\",\"created_by\":\"peer_01ME\",\"oldest_peer_id\":"           \
	"\"peer_01OLD\",\"was_created\":true,\"message\":\"Cluster initialized\"}"
#define ARC_TEST_INIT_TABLE                                                                        \
	"Cluster initialized\n"                                                                    \
	"Cluster ID:     clu_01NEW\n"                                                              \
	"Created By:     peer_01ME\n"                                                              \
	"Oldest Peer:    peer_01OLD\n"                                                             \
	"Was Created:    true\n"
#define ARC_TEST_CLUSTER_CREDENTIAL_BODY                                                           \
	"{\"client_id\":\"cli_01TEST\",\"version\":2,\"rotated_by\":\"peer_01ME\","                \
	"\"rotated_at\":\"2024-01-15T10:30:00Z\"}"
#define ARC_TEST_NEW_SECRET "sec_01NEWROTATEDSECRET"
#define ARC_TEST_ROTATED_BODY                                                                      \
	"{\"client_id\":\"cli_01TEST\",\"client_secret\":\"" ARC_TEST_NEW_SECRET "\","             \
	"\"version\":2,\"rotated_by\":\"peer_01ME\",\"rotated_at\":\"2024-01-15T10:30:00Z\"}"
#define ARC_TEST_ROTATED_TABLE                                                                     \
	"Cluster credential rotated\n"                                                             \
	"Client ID:      cli_01TEST\n"                                                             \
	"Client Secret:  " ARC_TEST_NEW_SECRET "\n"                                                \
	"Version:        2\n"                                                                      \
	"Rotated By:     peer_01ME\n"                                                              \
	"Rotated At:     2024-01-15 10:30:00 UTC\n"                                                \
	"\n"                                                                                       \
	"WARNING: The client secret is only shown once. Store it securely.\n"                      \
	"The old secret stays valid for 24 hours.\n"

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
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/cluster/sync", 200,
					"{\"triggered\":true,\"peers\":2}");
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/cluster/init", 200,
					ARC_TEST_INIT_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/cluster/credentials", 200,
					ARC_TEST_CLUSTER_CREDENTIAL_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/cluster/credentials/rotate",
					200, ARC_TEST_ROTATED_BODY);
	arc_cli_test_write_cluster_config(fixture->url, NULL);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

static gchar *
arc_test_config_secret(void)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(GError) error = NULL;

	arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	cluster = arc_cli_config_get_cluster(config, "clu_01TEST");
	g_assert_nonnull(cluster);
	return g_strdup(cluster->client_secret);
}

static void
arc_test_sync_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) yaml = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *auth = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("cluster", "sync", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==, "Cluster sync triggered\n");
	g_assert_cmpstr(table->err, ==, "");
	auth = arc_cli_test_agent_get_last_header(fixture->agent, "POST", "/v1/cluster/sync",
						  "Authorization");
	g_assert_cmpstr(auth, ==, "Bearer " ARC_CLI_TEST_TOKEN);

	json = arc_cli_test_runv("cluster", "sync", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_true(json_object_get_boolean_member(object, "triggered"));
	g_assert_cmpint(json_object_get_int_member(object, "peers"), ==, 2);

	yaml = arc_cli_test_runv("cluster", "sync", "-o", "yaml", NULL);
	g_assert_cmpint(yaml->exit_code, ==, 0);
	g_assert_nonnull(strstr(yaml->out, "triggered: true\n"));
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/sync"), ==,
		3);
}

/* without admin scope the agent refuses: exit 5 */
static void
arc_test_sync_forbidden_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(
		fixture->agent, "POST", "/v1/cluster/sync", 403,
		"{\"error\":\"insufficient scope\",\"code\":\"FORBIDDEN\"}");
	result = arc_cli_test_runv("cluster", "sync", NULL);
	g_assert_cmpint(result->exit_code, ==, 5);
	g_assert_cmpstr(result->err, ==, "Error: insufficient scope\n");
}

static void
arc_test_init_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) existing = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *body = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("cluster", "init", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==, ARC_TEST_INIT_TABLE);
	g_assert_cmpstr(table->err, ==, "");
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/cluster/init");
	g_assert_cmpstr(body, ==, "{\"force\":false}");

	json = arc_cli_test_runv("cluster", "init", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(object, "cluster_id"), ==, "clu_01NEW");
	g_assert_true(json_object_get_boolean_member(object, "was_created"));

	/* a cluster that was there already; no message: the CLI's own first line */
	arc_cli_test_agent_set_response(
		fixture->agent, "POST", "/v1/cluster/init", 200,
		"{\"cluster_id\":\"clu_01OLD\",\"created_by\":\"peer_01OLD\","
		"\"oldest_peer_id\":\"peer_01OLD\",\"was_created\":false}");
	existing = arc_cli_test_runv("cluster", "init", NULL);
	g_assert_cmpint(existing->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(existing->out, "Cluster initialized\n"));
	g_assert_nonnull(strstr(existing->out, "Was Created:    false\n"));
}

/* --force makes a new cluster id: asked for like other destructive commands, --yes skips it */
static void
arc_test_init_force_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *args[] = {"cluster", "init", "--force", NULL};
	g_autoptr(ArcCliTestResult) no_tty = NULL;
	g_autoptr(ArcCliTestResult) no = NULL;
	g_autoptr(ArcCliTestResult) yes = NULL;
	g_autoptr(ArcCliTestResult) flag = NULL;
	g_autofree gchar *body = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	no_tty = arc_cli_test_runv("cluster", "init", "--force", NULL);
	g_assert_cmpint(no_tty->exit_code, ==, 2);
	g_assert_cmpstr(no_tty->err, ==,
			"Error: confirmation needed but stdin is not a terminal: pass --yes to "
			"proceed\n");
	g_assert_cmpstr(no_tty->out, ==, "");

	no = arc_cli_test_run_tty(args, "n\n");
	g_assert_cmpint(no->exit_code, ==, 1);
	g_assert_true(g_str_has_prefix(no->err, "Make a new cluster ID for this agent? The "
						"existing cluster state is destroyed. [y/N] "));
	g_assert_nonnull(strstr(no->err, "Error: aborted"));
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/init"), ==,
		0);

	yes = arc_cli_test_run_tty(args, "y\n");
	g_assert_cmpint(yes->exit_code, ==, 0);
	g_assert_cmpstr(yes->out, ==, ARC_TEST_INIT_TABLE);
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/cluster/init");
	g_assert_cmpstr(body, ==, "{\"force\":true}");

	flag = arc_cli_test_runv("cluster", "init", "--force", "--yes", NULL);
	g_assert_cmpint(flag->exit_code, ==, 0);
	g_assert_cmpstr(flag->out, ==, ARC_TEST_INIT_TABLE);
	g_assert_cmpstr(flag->err, ==, "");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/init"), ==,
		2);
}

static void
arc_test_cluster_credentials_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("cluster", "credentials", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==,
			"Client ID:      cli_01TEST\n"
			"Version:        2\n"
			"Rotated By:     peer_01ME\n"
			"Rotated At:     2024-01-15 10:30:00 UTC\n");
	json = arc_cli_test_runv("cluster", "credentials", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpint(json_object_get_int_member(object, "version"), ==, 2);
	g_assert_false(json_object_has_member(object, "client_secret"));
}

/* Without --update-config the config is left alone */
static void
arc_test_rotate_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *secret = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("credentials", "rotate", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==, ARC_TEST_ROTATED_TABLE);
	g_assert_cmpstr(table->err, ==, "");
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST",
						"/v1/cluster/credentials/rotate");
	g_assert_cmpstr(body, ==, "");
	secret = arc_test_config_secret();
	g_assert_cmpstr(secret, ==, ARC_CLI_TEST_SECRET);

	json = arc_cli_test_runv("credential", "rotate", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(object, "client_secret"), ==,
			ARC_TEST_NEW_SECRET);
}

static void
arc_test_rotate_update_config_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autofree gchar *expected =
		g_strdup_printf("%sConfiguration updated: %s\n", ARC_TEST_ROTATED_TABLE, path);
	g_autofree gchar *note = g_strdup_printf("Configuration updated: %s\n", path);
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) after = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *form = NULL;
	GStatBuf st;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("credentials", "rotate", "--update-config", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==, expected);
	g_assert_cmpstr(table->err, ==, "");
	secret = arc_test_config_secret();
	g_assert_cmpstr(secret, ==, ARC_TEST_NEW_SECRET);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);

	/* the next command signs in with the new secret */
	after = arc_cli_test_runv("cluster", "credentials", NULL);
	g_assert_cmpint(after->exit_code, ==, 0);
	form = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/oauth/token");
	g_assert_cmpstr(form, ==,
			"grant_type=client_credentials&client_id=cli_01TEST&client_secret="
			"" ARC_TEST_NEW_SECRET);

	/* -j: stdout is the JSON, the note goes to stderr */
	json = arc_cli_test_runv("credentials", "rotate", "--update-config", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json->err, ==, note);
}

/* The agent rotated another client's credential: shown, but not written under ours */
static void
arc_test_rotate_other_client_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *secret = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(
		fixture->agent, "POST", "/v1/cluster/credentials/rotate", 200,
		"{\"client_id\":\"cli_01OTHER\",\"client_secret\":\"sec_X\","
		"\"version\":3,\"rotated_by\":\"peer_01ME\",\"rotated_at\":"
		"\"2024-01-15T10:30:00Z\"}");
	result = arc_cli_test_runv("credentials", "rotate", "--update-config", NULL);
	g_assert_cmpint(result->exit_code, ==, 3);
	g_assert_nonnull(strstr(result->out, "Client Secret:  sec_X\n"));
	g_assert_true(g_str_has_prefix(result->err, "Error: the rotated credential cli_01OTHER "
						    "is not the credential of cluster clu_01TEST "
						    "(cli_01TEST) in "));
	g_assert_true(g_str_has_suffix(result->err, ": configuration not updated\n"));
	secret = arc_test_config_secret();
	g_assert_cmpstr(secret, ==, ARC_CLI_TEST_SECRET);
}

/* --update-config with no cluster in the config: refused before anything is rotated */
static void
arc_test_rotate_no_config_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_config("preferences: {timeout: 5}\n");
	result = arc_cli_test_runv("credentials", "rotate", "--update-config", "--url",
				   fixture->url, "--token", "jwt.given", NULL);
	g_assert_cmpint(result->exit_code, ==, 3);
	g_assert_true(g_str_has_prefix(result->err,
				       "Error: --update-config: no cluster with client "
				       "credentials in "));
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "POST",
							   "/v1/cluster/credentials/rotate"),
			 ==, 0);
}

static void
arc_test_help_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		const gchar *args[4];
		const gchar *usage;
		const gchar *text;
	} table[] = {
		{{"cluster", "sync", "--help", NULL},
		 "cluster sync",
		 "Make the agent sync with every peer now"},
		{{"cluster", "init", "-h", NULL}, "cluster init [--force] [--yes]", "--force"},
		{{"cluster", "credentials", "--help", NULL},
		 "cluster credentials",
		 "Show the shared cluster credential"},
		{{"credentials", "rotate", "--help", NULL},
		 "credentials rotate [--update-config]",
		 "--update-config"},
	};
	g_autoptr(ArcCliTestResult) cluster = NULL;
	g_autoptr(ArcCliTestResult) credentials = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, table[i].args);

		g_assert_cmpint(result->exit_code, ==, 0);
		g_assert_nonnull(strstr(result->out, table[i].usage));
		g_assert_nonnull(strstr(result->out, table[i].text));
		g_assert_cmpstr(result->err, ==, "");
	}
	cluster = arc_cli_test_runv("cluster", "--help", NULL);
	g_assert_nonnull(strstr(cluster->out, "  init "));
	g_assert_nonnull(strstr(cluster->out, "  sync "));
	g_assert_nonnull(strstr(cluster->out, "  credentials "));
	credentials = arc_cli_test_runv("credentials", "--help", NULL);
	g_assert_nonnull(strstr(credentials->out, "  rotate "));
}

/* The new strings in the German catalog of the build tree */
static void
arc_test_german_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *args[] = {"cluster", "sync", NULL};
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	result = arc_cli_test_run_german(args);
	if (result == NULL)
		return;
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==, "Cluster-Synchronisierung angestoßen\n");
}

#define ARC_TEST_STATUS_PEER(id, local, tunnel)                                                    \
	"{\"id\":\"" id "\",\"name\":\"n\",\"address\":\"10.0.0.5:8080\",\"state\":"               \
	"\"active\",\"is_local\":" local ",\"reachability\":\"alive\",\"last_seen\":null,"         \
	"\"registry_hash\":\"abcdef\"" tunnel "}"
#define ARC_TEST_STATUS_TUNNEL_UP                                                                  \
	",\"tunnel\":{\"in_tunnel\":true,\"endpoint\":\"10.0.0.2:51840\",\"last_handshake\":"      \
	"\"2025-12-09T04:43:41Z\",\"handshake_age_seconds\":42,\"rx_bytes\":1258291,"              \
	"\"tx_bytes\":3565158}"
#define ARC_TEST_STATUS_SELF ARC_TEST_STATUS_PEER("peer_01SELF", "true", "")
#define ARC_TEST_STATUS_UP ARC_TEST_STATUS_PEER("peer_01UP", "false", ARC_TEST_STATUS_TUNNEL_UP)
#define ARC_TEST_STATUS_OFF ARC_TEST_STATUS_PEER("peer_01OFF", "false", ",\"tunnel\":null")
#define ARC_TEST_STATUS_BODY                                                                       \
	"{\"peer_id\":\"peer_01SELF\",\"cluster_id\":\"clu_01X\",\"registry_hash\":\"abcdef\","    \
	"\"records\":{},\"peers\":[" ARC_TEST_STATUS_SELF "," ARC_TEST_STATUS_UP                   \
	"," ARC_TEST_STATUS_OFF "]}"

/* `cluster status`: a TUNNEL column with what the agent's tunnel says of each peer; that the
 * data plane is off rather than zeros; a dash for the local peer */
static void
arc_test_status_tunnel_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) status = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/cluster/status", 200,
					ARC_TEST_STATUS_BODY);
	status = arc_cli_test_runv("cluster", "status", NULL);
	g_test_message("%s", status->out);
	g_assert_cmpint(status->exit_code, ==, 0);
	g_assert_nonnull(strstr(status->out, "REGISTRY HASH  TUNNEL\n"));
	g_assert_nonnull(strstr(status->out, "up, handshake 42s ago, rx 1.2 MiB, tx 3.4 MiB\n"));
	g_assert_nonnull(strstr(status->out, "data plane disabled on this agent\n"));
	g_assert_nonnull(strstr(status->out, "abcdef         -\n"));
	json = arc_cli_test_runv("cluster", "status", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	g_assert_nonnull(strstr(json->out, "\"handshake_age_seconds\" : 42"));
	g_assert_nonnull(strstr(json->out, "\"tunnel\" : null"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/cluster/sync", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_sync_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/sync-forbidden", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_sync_forbidden_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/init", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_init_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/init-force", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_init_force_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/credentials", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_cluster_credentials_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/rotate", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_rotate_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/rotate-update-config", ArcTestFixture, NULL,
		   arc_test_fixture_setup, arc_test_rotate_update_config_func,
		   arc_test_fixture_teardown);
	g_test_add("/cli/cluster/rotate-other-client", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_rotate_other_client_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/rotate-no-config", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_rotate_no_config_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/status-tunnel", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_status_tunnel_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/help", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_help_func, arc_test_fixture_teardown);
	g_test_add("/cli/cluster/german", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_german_func, arc_test_fixture_teardown);
	return g_test_run();
}
