/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/*
 * `arctic config view | delete-peer`, `arctic cache refresh | status` and
 * `arctic completion` / `arctic __complete` (spec §5.11, §5.12, §6.3)
 */

#define ARC_TEST_PEERS_BODY                                                                        \
	"[{\"id\":\"peer_01TEST\",\"name\":\"agent-a\",\"address\":\"127.0.0.1:8080\","            \
	"\"is_local\":true,\"state\":\"active\"},{\"id\":\"peer_01OTHER\",\"name\":\"agent-b\","   \
	"\"address\":\"10.0.0.2:8080\",\"is_local\":false,\"state\":\"active\"}]"
#define ARC_TEST_SERVICES_BODY                                                                     \
	"[{\"id\":\"svc_01WEB\",\"source_peer_id\":\"peer_01TEST\",\"target_peer_id\":"            \
	"\"peer_01OTHER\"}]"

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
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/services", 200,
					ARC_TEST_SERVICES_BODY);
	arc_cli_test_write_cluster_config(fixture->url, NULL);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

static gchar *
arc_test_cache_path(void)
{
	return g_build_filename(g_get_user_cache_dir(), "arctic", "completion.json", NULL);
}

static gchar *
arc_test_read_config(void)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	gchar *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

static void
arc_test_config_view_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) view = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) clear = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *root;

	ARC_CLI_TEST_REQUIRE_CLI();
	view = arc_cli_test_runv("config", "view", NULL);
	g_assert_cmpint(view->exit_code, ==, 0);
	g_assert_nonnull(strstr(view->out, "current_cluster: clu_01TEST\n"));
	g_assert_nonnull(strstr(view->out, "client_id: cli_01TEST\n"));
	g_assert_nonnull(strstr(view->out, "client_secret: <redacted>\n"));
	g_assert_null(strstr(view->out, ARC_CLI_TEST_SECRET));
	g_assert_null(strstr(view->err, ARC_CLI_TEST_SECRET));
	g_assert_nonnull(strstr(view->err, "--show-secrets"));

	json = arc_cli_test_runv("config", "view", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	root = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(root, "current_cluster"), ==, "clu_01TEST");
	g_assert_null(strstr(json->out, ARC_CLI_TEST_SECRET));

	clear = arc_cli_test_runv("config", "view", "--show-secrets", NULL);
	g_assert_cmpint(clear->exit_code, ==, 0);
	g_assert_nonnull(strstr(clear->out, "client_secret: " ARC_CLI_TEST_SECRET "\n"));
	/* nothing was asked of the agent */
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

static void
arc_test_config_view_missing_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	g_assert_cmpint(g_unlink(path), ==, 0);
	result = arc_cli_test_runv("config", "view", NULL);
	g_assert_cmpint(result->exit_code, ==, 3);
	g_assert_cmpstr(result->out, ==, "");
	g_assert_true(g_str_has_prefix(result->err, "Error: no config file at "));
}

static void
arc_test_config_delete_peer_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autoptr(ArcCliTestResult) missing = NULL;
	g_autoptr(ArcCliTestResult) by_name = NULL;
	g_autoptr(ArcCliTestResult) usage = NULL;
	g_autofree gchar *expected = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_config("current_cluster: clu_01TEST\n"
				  "clusters:\n"
				  "  clu_01TEST:\n"
				  "    cluster_id: clu_01TEST\n"
				  "    client_id: cli_01TEST\n"
				  "    client_secret: sec_01TESTSECRETVALUE\n"
				  "    peers:\n"
				  "      - peer_id: peer_01A\n"
				  "        name: agent-a\n"
				  "        endpoints: [http://10.0.0.1:8080]\n"
				  "      - peer_id: peer_01B\n"
				  "        name: agent-b\n"
				  "        endpoints: [http://10.0.0.2:8080]\n"
				  "    default_peer: peer_01B\n");
	before = arc_test_read_config();

	/* an unknown peer changes nothing */
	missing = arc_cli_test_runv("config", "delete-peer", "agent-z", NULL);
	g_assert_cmpint(missing->exit_code, ==, 1);
	g_assert_cmpstr(missing->err, ==,
			"Error: peer not found: no peer \"agent-z\" in cluster clu_01TEST of the "
			"config\n");
	after = arc_test_read_config();
	g_assert_cmpstr(after, ==, before);
	g_clear_pointer(&after, g_free);

	usage = arc_cli_test_runv("config", "delete-peer", NULL);
	g_assert_cmpint(usage->exit_code, ==, 2);

	/* by name; the default peer goes with it */
	by_name = arc_cli_test_runv("config", "delete-peer", "agent-b", NULL);
	g_assert_cmpint(by_name->exit_code, ==, 0);
	expected = g_strdup_printf("Peer peer_01B removed from cluster clu_01TEST in %s\n", path);
	g_assert_cmpstr(by_name->out, ==, expected);
	after = arc_test_read_config();
	g_assert_null(strstr(after, "peer_01B"));
	g_assert_null(strstr(after, "default_peer"));
	g_assert_nonnull(strstr(after, "peer_id: peer_01A"));
	g_assert_nonnull(strstr(after, "client_secret: sec_01TESTSECRETVALUE"));
}

static void
arc_test_cache_refresh_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) before = NULL;
	g_autoptr(ArcCliTestResult) refresh = NULL;
	g_autoptr(ArcCliTestResult) status = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) cache_node = NULL;
	g_autoptr(JsonNode) status_node = NULL;
	g_autofree gchar *cache_path = arc_test_cache_path();
	g_autofree gchar *text = NULL;
	g_autofree gchar *location = NULL;
	JsonObject *cache, *cluster, *peer, *st;

	ARC_CLI_TEST_REQUIRE_CLI();
	before = arc_cli_test_runv("cache", "status", NULL);
	g_assert_cmpint(before->exit_code, ==, 0);
	location = g_strdup_printf("Cache Location: %s\n", cache_path);
	g_assert_true(g_str_has_prefix(before->out, location));
	g_assert_nonnull(strstr(before->out, "Last Updated:   never\n"));
	g_assert_nonnull(strstr(before->out, "TTL:            1h\n"));

	refresh = arc_cli_test_runv("cache", "refresh", NULL);
	g_assert_cmpint(refresh->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(refresh->out, "CLUSTER "));
	g_assert_nonnull(strstr(refresh->out, "clu_01TEST"));
	g_assert_nonnull(strstr(refresh->out, "success"));
	g_assert_true(g_file_get_contents(cache_path, &text, NULL, NULL));
	cache = arc_cli_test_parse_object(text, &cache_node);
	g_assert_cmpint(json_object_get_int_member(cache, "version"), ==, 1);
	g_assert_true(json_object_has_member(cache, "updated_at"));
	cluster = json_object_get_object_member(json_object_get_object_member(cache, "clusters"),
						"clu_01TEST");
	g_assert_nonnull(cluster);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(cluster, "peers")), ==,
			 2);
	peer = json_array_get_object_element(json_object_get_array_member(cluster, "peers"), 0);
	g_assert_cmpstr(json_object_get_string_member(peer, "id"), ==, "peer_01TEST");
	g_assert_cmpstr(json_object_get_string_member(peer, "name"), ==, "agent-a");
	g_assert_cmpstr(json_object_get_string_member(peer, "url"), ==, "http://127.0.0.1:8080");
	g_assert_true(json_object_get_boolean_member(peer, "is_local"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(cluster, "services")),
			 ==, 1);

	status = arc_cli_test_runv("cache", "status", NULL);
	g_assert_cmpint(status->exit_code, ==, 0);
	g_assert_nonnull(strstr(status->out, "[FRESH]"));
	g_assert_nonnull(strstr(status->out, "Cluster clu_01TEST: 2 peers, 1 services\n"));
	json = arc_cli_test_runv("cache", "status", "-j", NULL);
	st = arc_cli_test_parse_object(json->out, &status_node);
	g_assert_false(json_object_get_boolean_member(st, "stale"));
	g_assert_cmpint(json_object_get_int_member(st, "ttl_seconds"), ==, 3600);
}

/* 4 when no agent answers; 6 when one cluster of two failed (--all) */
static void
arc_test_cache_refresh_failures_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *two = NULL;
	g_autoptr(ArcCliTestResult) unreachable = NULL;
	g_autoptr(ArcCliTestResult) partial = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *cache_path = arc_test_cache_path();

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, NULL);
	unreachable = arc_cli_test_runv("cache", "refresh", NULL);
	g_assert_cmpint(unreachable->exit_code, ==, 4);
	g_assert_nonnull(strstr(unreachable->out, "failed"));
	g_assert_false(g_file_test(cache_path, G_FILE_TEST_EXISTS));

	two = g_strdup_printf("current_cluster: clu_01TEST\n"
			      "clusters:\n"
			      "  clu_01TEST:\n"
			      "    cluster_id: clu_01TEST\n"
			      "    client_id: cli_01TEST\n"
			      "    client_secret: sec_01TESTSECRETVALUE\n"
			      "    peers:\n"
			      "      - peer_id: peer_01TEST\n"
			      "        endpoints: [%s]\n"
			      "  clu_01DOWN:\n"
			      "    cluster_id: clu_01DOWN\n"
			      "    client_id: cli_01DOWN\n"
			      "    client_secret: sec_01DOWN\n"
			      "    peers:\n"
			      "      - peer_id: peer_01DOWN\n"
			      "        endpoints: [%s]\n",
			      fixture->url, closed);
	arc_cli_test_write_config(two);
	partial = arc_cli_test_runv("cache", "refresh", "--all", NULL);
	g_assert_cmpint(partial->exit_code, ==, 6);
	g_assert_nonnull(strstr(partial->err, "Error: cache refresh failed for 1 of 2 clusters"));
	g_assert_true(g_file_test(cache_path, G_FILE_TEST_EXISTS));
	json = arc_cli_test_runv("cache", "refresh", "--all", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 6);
	node = json_from_string(json->out, NULL);
	g_assert_nonnull(node);
	g_assert_true(JSON_NODE_HOLDS_ARRAY(node));
	g_assert_cmpuint(json_array_get_length(json_node_get_array(node)), ==, 2);
}

static ArcCliTestResult *arc_test_complete(const gchar *first, ...) G_GNUC_NULL_TERMINATED;

/* `arctic __complete arctic WORD…`: what the completion scripts run */
static ArcCliTestResult *
arc_test_complete(const gchar *first, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	g_ptr_array_add(args, (gpointer) "__complete");
	g_ptr_array_add(args, (gpointer) "arctic");
	va_start(ap, first);
	for (const gchar *word = first; word != NULL; word = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)word);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return arc_cli_test_run(NULL, (const gchar *const *)args->pdata);
}

static void
arc_test_complete_words_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) commands = NULL;
	g_autoptr(ArcCliTestResult) subs = NULL;
	g_autoptr(ArcCliTestResult) opts = NULL;
	g_autoptr(ArcCliTestResult) value = NULL;
	g_autoptr(ArcCliTestResult) format = NULL;
	g_autoptr(ArcCliTestResult) shells = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	commands = arc_test_complete("c", NULL);
	g_assert_cmpint(commands->exit_code, ==, 0);
	g_assert_cmpstr(commands->out, ==,
			"cluster\ncompose\ncredentials\nconfig\ncache\ncompletion\n");
	subs = arc_test_complete("--url", "http://x:1", "peers", "", NULL);
	g_assert_cmpstr(subs->out, ==, "list\nget\nadd\nupdate\ndelete\nremove-self\n");
	opts = arc_test_complete("services", "create", "--tr", NULL);
	g_assert_cmpstr(opts->out, ==, "--transport\n--trace\n");
	value = arc_test_complete("services", "create", "--transport", "", NULL);
	g_assert_cmpstr(value->out, ==, "tcp\nkcp\n");
	format = arc_test_complete("-o", "y", NULL);
	g_assert_cmpstr(format->out, ==, "yaml\n");
	shells = arc_test_complete("completion", "", NULL);
	g_assert_cmpstr(shells->out, ==, "bash\nzsh\nfish\n");
	/* completion never talks to the agent */
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

/* Ids from the cache while it is fresh; nothing once it is older than cache_ttl */
static void
arc_test_complete_ids_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) refresh = NULL;
	g_autoptr(ArcCliTestResult) peers = NULL;
	g_autoptr(ArcCliTestResult) services = NULL;
	g_autoptr(ArcCliTestResult) stale = NULL;
	g_autoptr(ArcCliTestResult) status = NULL;
	g_autoptr(ArcCliTestResult) config_peers = NULL;
	g_autofree gchar *cache_path = arc_test_cache_path();
	g_autofree gchar *text = NULL;
	g_autofree gchar *old = NULL;
	g_autoptr(GRegex) stamp = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	refresh = arc_cli_test_runv("cache", "refresh", NULL);
	g_assert_cmpint(refresh->exit_code, ==, 0);
	peers = arc_test_complete("peers", "delete", "peer_", NULL);
	g_assert_cmpstr(peers->out, ==, "peer_01TEST\npeer_01OTHER\n");
	services = arc_test_complete("routes", "list", "--service", "", NULL);
	g_assert_cmpstr(services->out, ==, "svc_01WEB\n");
	config_peers = arc_test_complete("config", "delete-peer", "agent", NULL);
	g_assert_cmpstr(config_peers->out, ==, "agent-a\n");

	/* a cache refreshed two hours ago is stale under the default TTL of one hour */
	g_assert_true(g_file_get_contents(cache_path, &text, NULL, NULL));
	stamp = g_regex_new("\"updated_at\":\"[^\"]*\"", 0, 0, NULL);
	old = g_regex_replace_literal(stamp, text, -1, 0, "\"updated_at\":\"2000-01-01T00:00:00Z\"",
				      0, NULL);
	g_assert_true(g_file_set_contents(cache_path, old, -1, NULL));
	stale = arc_test_complete("peers", "delete", "peer_", NULL);
	g_assert_cmpstr(stale->out, ==, "");
	status = arc_cli_test_runv("cache", "status", NULL);
	g_assert_nonnull(strstr(status->out, "[STALE]"));
	g_assert_nonnull(strstr(status->out, "Hint: Cache is older than TTL."));
}

static void
arc_test_completion_scripts_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *shells[] = {"bash", "zsh", "fish"};
	g_autoptr(ArcCliTestResult) bad = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(shells); i++) {
		g_autoptr(ArcCliTestResult) result =
			arc_cli_test_runv("completion", shells[i], NULL);

		g_assert_cmpint(result->exit_code, ==, 0);
		g_assert_nonnull(strstr(result->out, "__complete"));
		g_assert_cmpstr(result->err, ==, "");
	}
	bad = arc_cli_test_runv("completion", "tcsh", NULL);
	g_assert_cmpint(bad->exit_code, ==, 2);
	g_assert_cmpstr(bad->err, ==, "Error: unknown shell \"tcsh\": use bash, zsh or fish\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ARC_TEST_ADD(path, func)                                                                   \
	g_test_add(path, ArcTestFixture, NULL, arc_test_fixture_setup, func,                       \
		   arc_test_fixture_teardown)
	ARC_TEST_ADD("/cli/local/config-view", arc_test_config_view_func);
	ARC_TEST_ADD("/cli/local/config-view-missing", arc_test_config_view_missing_func);
	ARC_TEST_ADD("/cli/local/config-delete-peer", arc_test_config_delete_peer_func);
	ARC_TEST_ADD("/cli/local/cache-refresh", arc_test_cache_refresh_func);
	ARC_TEST_ADD("/cli/local/cache-refresh-failures", arc_test_cache_refresh_failures_func);
	ARC_TEST_ADD("/cli/local/complete-words", arc_test_complete_words_func);
	ARC_TEST_ADD("/cli/local/complete-ids", arc_test_complete_ids_func);
	ARC_TEST_ADD("/cli/local/completion-scripts", arc_test_completion_scripts_func);
	return g_test_run();
}
