/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "arc-cli-config.h"
#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* Exit codes (spec §5.2), endpoint failover, credentials, --trace and --debug */

#define ARC_TEST_CREDENTIALS_BODY                                                                  \
	"{\"credentials\":[{\"client_id\":\"cli_01TEST\",\"scopes\":[\"urn:tillered:arctic:"       \
	"admin\"],\"license_id\":\"lic_abc\",\"created_at\":\"2025-12-09T04:43:41Z\","             \
	"\"last_used_at\":null}]}"

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
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/credentials", 200,
					ARC_TEST_CREDENTIALS_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/cluster/identity", 200,
					ARC_CLI_TEST_IDENTITY_BODY);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

static void
arc_test_connection_refused_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autoptr(ArcCliTestResult) health = NULL;
	g_autoptr(ArcCliTestResult) license = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	health = arc_cli_test_runv("health", "--url", closed, NULL);
	g_assert_cmpint(health->exit_code, ==, 4);
	g_assert_cmpstr(health->err, ==, "Error: connection refused\n");
	g_assert_cmpstr(health->out, ==, "");

	/* the same from the config, for a command that needs a token */
	arc_cli_test_write_cluster_config(closed, NULL);
	license = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(license->exit_code, ==, 4);
	g_assert_cmpstr(license->err, ==, "Error: connection refused\n");
}

/* A peer that accepts the connection and never answers */
static void
arc_test_timeout_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(GSocketListener) listener = g_socket_listener_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *url = NULL;
	guint16 port;

	ARC_CLI_TEST_REQUIRE_CLI();
	port = g_socket_listener_add_any_inet_port(listener, NULL, &error);
	g_assert_no_error(error);
	url = g_strdup_printf("http://127.0.0.1:%u", port);
	result = arc_cli_test_runv("health", "--timeout", "1", "--url", url, NULL);
	g_assert_cmpint(result->exit_code, ==, 4);
	g_assert_cmpstr(result->err, ==, "Error: connection timeout\n");
}

static void
arc_test_unauthorized_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) token = NULL;
	g_autoptr(ArcCliTestResult) scope = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/oauth/token", 401,
					ARC_CLI_TEST_UNAUTHORIZED_BODY);
	token = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(token->exit_code, ==, 5);
	g_assert_cmpstr(token->err, ==, "Error: unauthorized\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "GET", "/v1/credentials"), ==, 0);

	/* a valid token without the scope */
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/oauth/token", 200,
					ARC_CLI_TEST_TOKEN_BODY);
	arc_cli_test_agent_set_response(
		fixture->agent, "GET", "/v1/credentials", 403,
		"{\"error\":\"insufficient scope\",\"code\":\"FORBIDDEN\"}");
	scope = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(scope->exit_code, ==, 5);
	g_assert_cmpstr(scope->err, ==, "Error: insufficient scope\n");
}

static void
arc_test_usage_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		const gchar *args[6];
		const gchar *err_prefix;
	} table[] = {
		{{"health", "--unknown-flag", NULL}, "Error: unknown flag: --unknown-flag\n"},
		{{"--unknown-flag", "health", NULL}, "Error: unknown flag: --unknown-flag\n"},
		{{"frobnicate", NULL},
		 "Error: unknown command \"frobnicate\"; available commands:\n"},
		{{"license", "frobnicate", NULL}, "Error: unknown subcommand \"frobnicate\""},
		{{"license", NULL}, "Error: missing subcommand for \"license\""},
		{{"health", "-o", "xml", NULL}, "Error: invalid output format \"xml\""},
		{{"health", "--timeout", "0", NULL}, "Error: --timeout must be a positive"},
		{{"health", "--url", "ftp://x", NULL}, "Error: invalid agent URL: ftp://x\n"},
		{{"credentials", "revoke", NULL}, "Error: missing argument; usage: "},
		{{"health", "extra", NULL}, "Error: unexpected argument \"extra\""},
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, table[i].args);

		g_assert_cmpint(result->exit_code, ==, 2);
		g_assert_true(g_str_has_prefix(result->err, table[i].err_prefix));
	}
}

static void
arc_test_help_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *table[][4] = {
		{"--help", NULL},
		{"health", "--help", NULL},
		{"credentials", "revoke", "-h", NULL},
		{"license", "--help", NULL},
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	/* help works even with a broken config */
	arc_cli_test_write_config("clusters: [broken\n");
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, table[i]);

		g_assert_cmpint(result->exit_code, ==, 0);
		g_assert_nonnull(strstr(result->out, "Usage:"));
		g_assert_cmpstr(result->err, ==, "");
	}
}

static void
arc_test_config_errors_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) none = NULL;
	g_autoptr(ArcCliTestResult) broken = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	none = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(none->exit_code, ==, 3);
	g_assert_cmpstr(none->err, ==, "Error: no current cluster set\n");

	arc_cli_test_write_config("clusters: [broken\n");
	broken = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(broken->exit_code, ==, 3);
	g_assert_true(g_str_has_prefix(broken->err, "Error: invalid config file "));
}

/* Redaction in --trace: the request is shown, never the secret or the token */
static void
arc_test_trace_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *token_line = NULL;
	g_autofree gchar *list_line = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	result = arc_cli_test_runv("credentials", "list", "--trace", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	token_line = g_strdup_printf("> POST %s/v1/oauth/token\n", fixture->url);
	list_line = g_strdup_printf("> GET %s/v1/credentials\n", fixture->url);
	g_assert_nonnull(strstr(result->err, token_line));
	g_assert_nonnull(strstr(result->err, list_line));
	g_assert_nonnull(strstr(result->err, "client_id=cli_01TEST"));
	g_assert_nonnull(strstr(result->err, "client_secret=[REDACTED]"));
	g_assert_nonnull(strstr(result->err, "Authorization: Bearer [REDACTED]"));
	g_assert_nonnull(strstr(result->err, "\"access_token\":\"[REDACTED]\""));
	g_assert_nonnull(strstr(result->err, "< 200 OK"));
	g_assert_null(strstr(result->err, ARC_CLI_TEST_SECRET));
	g_assert_null(strstr(result->err, "TOKEN-SECRET"));
	g_assert_null(strstr(result->out, "TOKEN-SECRET"));
	g_assert_nonnull(strstr(result->out, "Client ID:      cli_01TEST\n"));
}

static void
arc_test_debug_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *config_path = arc_cli_test_config_path();

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	result = arc_cli_test_runv("--debug", "credentials", "list", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_nonnull(strstr(result->err, config_path));
	g_assert_nonnull(strstr(result->err, fixture->url));
	g_assert_nonnull(strstr(result->err, "requesting an access token for client cli_01TEST"));
	g_assert_null(strstr(result->err, ARC_CLI_TEST_SECRET));
}

/* The first endpoint is down: the second is used, and tried first from then on */
static void
arc_test_failover_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *config_path = arc_cli_test_config_path();
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(ArcCliConfig) config = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(GError) error = NULL;
	ArcCliPeer *peer;
	g_autofree gchar *warning = NULL;
	GStatBuf st;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, fixture->url, NULL);
	result = arc_cli_test_runv("cluster", "identity", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_nonnull(strstr(result->out, "Peer ID:        peer_01REMOTE\n"));
	warning = g_strdup_printf("Warning: %s unreachable (connection refused), trying %s\n",
				  closed, fixture->url);
	g_assert_cmpstr(result->err, ==, warning);

	config = arc_cli_config_new(config_path);
	ok = arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	cluster = arc_cli_config_get_cluster(config, "clu_01TEST");
	peer = arc_cli_cluster_get_default_peer(cluster);
	g_assert_cmpuint(peer->endpoints->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, fixture->url);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 1), ==, closed);
	g_assert_cmpstr(cluster->client_secret, ==, ARC_CLI_TEST_SECRET);
	g_assert_cmpint(g_stat(config_path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
}

/* --token and the recovery token replace the client-credentials grant */
static void
arc_test_token_options_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *file = arc_cli_test_write_file("recovery.token", "rec_FROM_FILE\n");
	const gchar *env_only[] = {"ARCTIC_RECOVERY_TOKEN=rec_FROM_ENV", NULL};
	const gchar *args_file[] = {"credentials", "list", "--recovery-token-file", file, NULL};
	const gchar *args_flag[] = {
		"credentials", "list", "--recovery-token", "rec_FROM_FLAG", "--recovery-token-file",
		file,          NULL};
	g_autoptr(ArcCliTestResult) bearer = NULL;
	g_autoptr(ArcCliTestResult) from_file = NULL;
	g_autoptr(ArcCliTestResult) from_env = NULL;
	g_autoptr(ArcCliTestResult) from_flag = NULL;
	g_autofree gchar *auth = NULL;
	g_autofree gchar *recovery = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	bearer = arc_cli_test_runv("credentials", "list", "--token", "jwt.given.here", NULL);
	g_assert_cmpint(bearer->exit_code, ==, 0);
	auth = arc_cli_test_agent_get_last_header(fixture->agent, "GET", "/v1/credentials",
						  "Authorization");
	g_assert_cmpstr(auth, ==, "Bearer jwt.given.here");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);

	from_file = arc_cli_test_run(NULL, args_file);
	g_assert_cmpint(from_file->exit_code, ==, 0);
	recovery = arc_cli_test_agent_get_last_header(fixture->agent, "GET", "/v1/credentials",
						      "X-Arctic-Recovery");
	g_assert_cmpstr(recovery, ==, "rec_FROM_FILE");
	g_clear_pointer(&recovery, g_free);

	from_env = arc_cli_test_run(env_only, args_file);
	recovery = arc_cli_test_agent_get_last_header(fixture->agent, "GET", "/v1/credentials",
						      "X-Arctic-Recovery");
	g_assert_cmpstr(recovery, ==, "rec_FROM_ENV");
	g_clear_pointer(&recovery, g_free);

	from_flag = arc_cli_test_run(env_only, args_flag);
	recovery = arc_cli_test_agent_get_last_header(fixture->agent, "GET", "/v1/credentials",
						      "X-Arctic-Recovery");
	g_assert_cmpstr(recovery, ==, "rec_FROM_FLAG");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

/* --url at a peer of a configured, non-current cluster uses that cluster's credentials */
static void
arc_test_url_credentials_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *yaml = NULL;
	g_autofree gchar *form = NULL;
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	yaml = g_strdup_printf("current_cluster: clu_A\n"
			       "clusters:\n"
			       "  clu_A:\n"
			       "    client_id: cli_A\n"
			       "    client_secret: sec_A\n"
			       "    peers: [{peer_id: peer_A, endpoints: [http://127.0.0.1:9]}]\n"
			       "  clu_B:\n"
			       "    client_id: cli_B\n"
			       "    client_secret: sec_B\n"
			       "    peers: [{peer_id: peer_B, endpoints: ['%s']}]\n",
			       fixture->url);
	arc_cli_test_write_config(yaml);
	result = arc_cli_test_runv("credentials", "list", "--url", fixture->url, NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	form = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/oauth/token");
	g_assert_cmpstr(form, ==,
			"grant_type=client_credentials&client_id=cli_B&client_secret=sec_B");
}

/* the token endpoint answers RFC 6749 §5.2: `error` is a code there, `message` the sentence */
static void
arc_test_oauth_error_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) token = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	arc_cli_test_agent_set_response(
		fixture->agent, "POST", "/v1/oauth/token", 401,
		"{\"error\":\"invalid_client\",\"error_description\":\"invalid client "
		"credentials\",\"code\":\"UNAUTHORIZED\",\"message\":\"invalid client "
		"credentials\"}");
	token = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(token->exit_code, ==, 5);
	g_assert_cmpstr(token->err, ==, "Error: invalid client credentials\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/errors/connection-refused", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_connection_refused_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/timeout", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_timeout_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/oauth-error", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_oauth_error_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/unauthorized", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_unauthorized_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/usage", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_usage_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/help", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_help_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/config", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_config_errors_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/trace", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_trace_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/debug", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_debug_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/failover", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_failover_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/token-options", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_token_options_func, arc_test_fixture_teardown);
	g_test_add("/cli/errors/url-credentials", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_url_credentials_func, arc_test_fixture_teardown);
	return g_test_run();
}
