/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "arc-cli-config.h"
#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/*
 * Endpoint failover (spec §6.1): the endpoints of the default peer, then those of the other
 * peers, each tried once, and only when the request cannot have reached the agent; the one
 * that answered is tried first next time. And `peers add` giving failover a new place to go.
 */

#define ARC_TEST_PEERS_BODY "[{\"id\":\"peer_01TEST\",\"name\":\"agent-a\",\"address\":\"x:1\"}]"

typedef struct {
	ArcCliTestAgent *agent;
	const gchar *url;
} ArcTestFixture;

static void
arc_test_fake_agent_answer(ArcCliTestAgent *agent)
{
	arc_cli_test_agent_set_response(agent, "POST", "/v1/oauth/token", 200,
					ARC_CLI_TEST_TOKEN_BODY);
	arc_cli_test_agent_set_response(agent, "GET", "/v1/cluster/identity", 200,
					ARC_CLI_TEST_IDENTITY_BODY);
	arc_cli_test_agent_set_response(agent, "GET", "/v1/peers", 200, ARC_TEST_PEERS_BODY);
	arc_cli_test_agent_set_response(agent, "POST", "/v1/cluster/sync", 200,
					"{\"triggered\":true,\"peers\":2}");
}

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer data)
{
	fixture->agent = arc_cli_test_agent_new();
	fixture->url = arc_cli_test_agent_get_url(fixture->agent);
	arc_test_fake_agent_answer(fixture->agent);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	g_clear_pointer(&fixture->agent, arc_cli_test_agent_free);
}

/* clu_01TEST with two peers: peer_01A at @a (two endpoints) and peer_01B at @b */
static void
arc_test_write_two_peers(const gchar *a1, const gchar *a2, const gchar *b, const gchar *extra)
{
	g_autofree gchar *yaml = g_strdup_printf("current_cluster: clu_01TEST\n"
						 "clusters:\n"
						 "  clu_01TEST:\n"
						 "    cluster_id: clu_01TEST\n"
						 "    client_id: cli_01TEST\n"
						 "    client_secret: " ARC_CLI_TEST_SECRET "\n"
						 "    peers:\n"
						 "      - peer_id: peer_01A\n"
						 "        endpoints: ['%s', '%s']\n"
						 "      - peer_id: peer_01B\n"
						 "        endpoints: ['%s']\n"
						 "    default_peer: peer_01A\n"
						 "%s",
						 a1, a2, b, extra != NULL ? extra : "");
	arc_cli_test_write_config(yaml);
}

static ArcCliCluster *
arc_test_load_cluster(void)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);
	g_autoptr(GError) error = NULL;
	ArcCliCluster *cluster;

	arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	cluster = arc_cli_config_get_cluster(config, "clu_01TEST");
	g_assert_nonnull(cluster);
	return cluster;
}

static gchar *
arc_test_warning(const gchar *from, const gchar *reason, const gchar *to)
{
	return g_strdup_printf("Warning: %s unreachable (%s), trying %s\n", from, reason, to);
}

/* a port that accepts connections and never answers; @listener keeps it open */
static gchar *
arc_test_silent_url(GSocketListener *listener)
{
	g_autoptr(GError) error = NULL;
	guint16 port = g_socket_listener_add_any_inet_port(listener, NULL, &error);

	g_assert_no_error(error);
	return g_strdup_printf("http://127.0.0.1:%u", port);
}

/* The default peer's second endpoint answers `peers list`: one warning, then it comes first */
static void
arc_test_next_endpoint_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *warning = NULL;
	g_autoptr(ArcCliTestResult) first = NULL;
	g_autoptr(ArcCliTestResult) again = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	ArcCliPeer *peer;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, fixture->url, NULL);
	first = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(first->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(first->out, "ID "));
	warning = arc_test_warning(closed, "connection refused", fixture->url);
	g_assert_cmpstr(first->err, ==, warning);

	cluster = arc_test_load_cluster();
	peer = arc_cli_cluster_get_default_peer(cluster);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, fixture->url);
	again = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(again->exit_code, ==, 0);
	g_assert_cmpstr(again->err, ==, "");
}

/* Both endpoints of the default peer are down: the other peer answers and becomes the default */
static void
arc_test_other_peer_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed1 = arc_cli_test_closed_port_url();
	g_autofree gchar *closed2 = arc_cli_test_closed_port_url();
	g_autofree gchar *warning1 = arc_test_warning(closed1, "connection refused", closed2);
	g_autofree gchar *warning2 = arc_test_warning(closed2, "connection refused", fixture->url);
	g_autofree gchar *expected = g_strconcat(warning1, warning2, NULL);
	g_autoptr(ArcCliTestResult) first = NULL;
	g_autoptr(ArcCliTestResult) again = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_write_two_peers(closed1, closed2, fixture->url, NULL);
	first = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(first->exit_code, ==, 0);
	g_assert_cmpstr(first->err, ==, expected);
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "GET", "/v1/peers"), ==,
			 1);

	/* remembered: the next command goes there first, and says nothing */
	cluster = arc_test_load_cluster();
	g_assert_cmpstr(cluster->default_peer, ==, "peer_01B");
	g_assert_cmpstr(cluster->client_secret, ==, ARC_CLI_TEST_SECRET);
	again = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(again->exit_code, ==, 0);
	g_assert_cmpstr(again->err, ==, "");
}

/* Nothing answers: a warning per skipped endpoint, then the usual error and exit code */
static void
arc_test_all_down_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed1 = arc_cli_test_closed_port_url();
	g_autofree gchar *closed2 = arc_cli_test_closed_port_url();
	g_autofree gchar *warning = arc_test_warning(closed1, "connection refused", closed2);
	g_autofree gchar *expected = g_strconcat(warning, "Error: connection refused\n", NULL);
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed1, closed2, NULL);
	result = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(result->exit_code, ==, 4);
	g_assert_cmpstr(result->out, ==, "");
	g_assert_cmpstr(result->err, ==, expected);
	/* and nothing was remembered */
	cluster = arc_test_load_cluster();
	g_assert_cmpstr(g_ptr_array_index(arc_cli_cluster_get_default_peer(cluster)->endpoints, 0),
			==, closed1);
}

/* --url names one agent: no failover to the config's endpoints */
static void
arc_test_url_flag_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, fixture->url, NULL);
	result = arc_cli_test_runv("peers", "list", "--url", closed, NULL);
	g_assert_cmpint(result->exit_code, ==, 4);
	g_assert_cmpstr(result->err, ==, "Error: connection refused\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

/* `auto_failover: false` keeps to the default peer's endpoints */
static void
arc_test_auto_failover_off_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed1 = arc_cli_test_closed_port_url();
	g_autofree gchar *closed2 = arc_cli_test_closed_port_url();
	g_autofree gchar *warning = arc_test_warning(closed1, "connection refused", closed2);
	g_autofree gchar *expected = g_strconcat(warning, "Error: connection refused\n", NULL);
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_write_two_peers(closed1, closed2, fixture->url,
				 "preferences:\n  auto_failover: false\n");
	result = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(result->exit_code, ==, 4);
	g_assert_cmpstr(result->err, ==, expected);
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

/*
 * An endpoint that accepts the connection and never answers may have received the request:
 * a GET (and the token request) go on to the next endpoint, a POST does not.
 */
static void
arc_test_timeout_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(GSocketListener) listener = g_socket_listener_new();
	g_autofree gchar *silent = arc_test_silent_url(listener);
	g_autofree gchar *warning = arc_test_warning(silent, "connection timeout", fixture->url);
	g_autoptr(ArcCliTestResult) get = NULL;
	g_autoptr(ArcCliTestResult) post = NULL;
	g_autoptr(ArcCliTestResult) token = NULL;
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autofree gchar *config = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(silent, fixture->url, NULL);
	g_assert_true(g_file_get_contents(path, &config, NULL, NULL));

	post = arc_cli_test_runv("cluster", "sync", "--token", "jwt.given", "--timeout", "1", NULL);
	g_assert_cmpint(post->exit_code, ==, 4);
	g_assert_cmpstr(post->err, ==, "Error: connection timeout\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/sync"), ==,
		0);

	get = arc_cli_test_runv("cluster", "identity", "--timeout", "1", NULL);
	g_assert_cmpint(get->exit_code, ==, 0);
	g_assert_cmpstr(get->err, ==, warning);

	/* the token is fetched from the next endpoint; the sync then goes there */
	arc_cli_test_write_config(config);
	token = arc_cli_test_runv("cluster", "sync", "--timeout", "1", NULL);
	g_assert_cmpint(token->exit_code, ==, 0);
	g_assert_cmpstr(token->out, ==, "Cluster sync triggered\n");
	g_assert_cmpstr(token->err, ==, warning);
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/sync"), ==,
		1);
}

/* A refused connection never carried the request: a POST goes on to the next endpoint */
static void
arc_test_post_refused_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *warning = arc_test_warning(closed, "connection refused", fixture->url);
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, fixture->url, NULL);
	result = arc_cli_test_runv("cluster", "sync", "--token", "jwt.given", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==, "Cluster sync triggered\n");
	g_assert_cmpstr(result->err, ==, warning);
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/cluster/sync"), ==,
		1);
}

/* An HTTP error is an answer: no failover */
static void
arc_test_http_error_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestAgent) other = arc_cli_test_agent_new();
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_fake_agent_answer(other);
	arc_cli_test_agent_set_response(
		fixture->agent, "GET", "/v1/peers", 503,
		"{\"error\":\"storage unavailable\",\"code\":\"UNAVAILABLE\"}");
	arc_cli_test_write_cluster_config(fixture->url, arc_cli_test_agent_get_url(other), NULL);
	result = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(result->exit_code, ==, 1);
	g_assert_cmpstr(result->err, ==, "Error: storage unavailable\n");
	g_assert_cmpuint(arc_cli_test_agent_count_requests(other, "GET", "/v1/peers"), ==, 0);
}

/* `peers add` puts the new peer into the config, silently, once; later commands can use it */
static void
arc_test_peers_add_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestAgent) b = arc_cli_test_agent_new();
	const gchar *address = arc_cli_test_agent_get_url(b) + strlen("http://");
	g_autofree gchar *peer_body = NULL;
	g_autofree gchar *warning = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;
	g_autoptr(ArcCliTestResult) again = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(ArcCliCluster) unchanged = NULL;
	ArcCliPeer *peer;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_fake_agent_answer(b);
	peer_body = g_strdup_printf("{\"id\":\"peer_01B\",\"name\":\"agent-b\",\"public_key\":"
				    "\"AAAA\",\"is_local\":false,\"address\":\"%s\","
				    "\"created_at\":\"2025-12-09T04:43:41Z\"}",
				    address);
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 201, peer_body);
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	add = arc_cli_test_runv("peers", "add", address, NULL);
	g_assert_cmpint(add->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(add->out, "ID:             peer_01B\n"));
	g_assert_cmpstr(add->err, ==, "");

	cluster = arc_test_load_cluster();
	g_assert_cmpuint(cluster->peers->len, ==, 2);
	g_assert_cmpstr(cluster->default_peer, ==, "peer_01TEST");
	peer = arc_cli_cluster_get_peer(cluster, "peer_01B");
	g_assert_nonnull(peer);
	g_assert_cmpstr(peer->name, ==, "agent-b");
	g_assert_cmpuint(peer->endpoints->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, arc_cli_test_agent_get_url(b));
	g_assert_cmpstr(cluster->client_secret, ==, ARC_CLI_TEST_SECRET);

	/* not twice */
	again = arc_cli_test_runv("peers", "add", address, "--name", "bee", NULL);
	g_assert_cmpint(again->exit_code, ==, 0);
	unchanged = arc_test_load_cluster();
	g_assert_cmpuint(unchanged->peers->len, ==, 2);

	/* our agent goes away: the new peer answers */
	warning =
		arc_test_warning(fixture->url, "connection refused", arc_cli_test_agent_get_url(b));
	g_clear_pointer(&fixture->agent, arc_cli_test_agent_free);
	list = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_cmpstr(list->err, ==, warning);
	g_assert_cmpuint(arc_cli_test_agent_count_requests(b, "GET", "/v1/peers"), ==, 1);
}

/* `--url` at an agent the config does not list: the config is left alone */
static void
arc_test_peers_add_unknown_agent_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestAgent) other = arc_cli_test_agent_new();
	g_autoptr(ArcCliTestResult) add = NULL;
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_fake_agent_answer(other);
	arc_cli_test_agent_set_response(other, "POST", "/v1/peers", 201,
					"{\"id\":\"peer_01C\",\"address\":\"10.0.0.9:8080\"}");
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
	add = arc_cli_test_runv("peers", "add", "10.0.0.9:8080", "--url",
				arc_cli_test_agent_get_url(other), NULL);
	g_assert_cmpint(add->exit_code, ==, 0);
	g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
	g_assert_cmpstr(after, ==, before);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/failover/next-endpoint", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_next_endpoint_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/other-peer", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_other_peer_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/all-down", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_all_down_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/url-flag", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_url_flag_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/auto-failover-off", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_auto_failover_off_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/timeout", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_timeout_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/post-refused", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_post_refused_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/http-error", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_http_error_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/peers-add", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_peers_add_func, arc_test_fixture_teardown);
	g_test_add("/cli/failover/peers-add-unknown-agent", ArcTestFixture, NULL,
		   arc_test_fixture_setup, arc_test_peers_add_unknown_agent_func,
		   arc_test_fixture_teardown);
	return g_test_run();
}
