/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* health, cluster identity, license and credentials against a fake agent */

#define ARC_TEST_LIVEZ_BODY "{\"status\":\"ok\",\"timestamp\":\"2025-12-09T04:43:41Z\"}"
#define ARC_TEST_READYZ_503_BODY                                                                   \
	"{\"status\":\"unavailable\",\"timestamp\":\"2025-12-09T04:43:41Z\",\"checks\":["          \
	"{\"name\":\"storage\",\"status\":\"fail\",\"message\":\"disk full\"},"                    \
	"{\"name\":\"license\",\"status\":\"ok\",\"message\":\"\"}]}"
#define ARC_TEST_LICENSE_BODY                                                                      \
	"{\"license_id\":\"lic_01MINE\",\"customer_id\":\"cust_01TEST\",\"issued_at\":"            \
	"\"2025-01-01T00:00:00Z\",\"expires_at\":\"2026-12-31T23:59:59Z\",\"max_nodes\":10,"       \
	"\"max_services\":100,\"features\":[\"kcp\",\"macvlan\"],\"issuer\":\"AAAA\","             \
	"\"state\":\"warning\",\"state_since\":\"2026-12-01T23:59:59Z\",\"next_state\":"           \
	"\"grace_period\",\"next_state_at\":\"2026-12-31T23:59:59Z\",\"days_until_expiry\":12,"    \
	"\"message\":\"license expires in 12 days\"}"
#define ARC_TEST_CREDENTIALS_BODY                                                                  \
	"{\"credentials\":[{\"client_id\":\"cli_01A\",\"scopes\":[\"urn:tillered:arctic:admin\"]," \
	"\"license_id\":\"lic_01MINE\",\"created_at\":\"2025-12-09T04:43:41Z\","                   \
	"\"last_used_at\":null},{\"client_id\":\"cli_01B\",\"scopes\":[\"urn:tillered:arctic:"     \
	"peers.read\",\"urn:tillered:arctic:services.read\"],\"license_id\":\"lic_01MINE\","       \
	"\"created_at\":\"2025-12-10T00:00:00Z\",\"last_used_at\":\"2025-12-11T08:00:00Z\"}]}"
#define ARC_TEST_CREATED_BODY                                                                      \
	"{\"client_id\":\"cli_01NEW\",\"client_secret\":\"sec_01NEWSECRET\",\"scopes\":["          \
	"\"urn:tillered:arctic:peers.read\"],\"created_at\":\"2024-01-15T10:30:00Z\"}"

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
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/cluster/identity", 200,
					ARC_CLI_TEST_IDENTITY_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/livez", 200, ARC_TEST_LIVEZ_BODY);
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/license", 200,
					ARC_TEST_LICENSE_BODY);
	arc_cli_test_write_cluster_config(fixture->url, NULL);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

static void
arc_test_health_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) yaml = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *expected = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("health", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	expected = g_strdup_printf("Peer ID:     peer_01REMOTE\n"
				   "Name:        agent-b\n"
				   "URL:         %s\n"
				   "Status:      ok\n"
				   "Timestamp:   2025-12-09 04:43:41 UTC\n",
				   fixture->url);
	g_assert_cmpstr(table->out, ==, expected);
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);

	json = arc_cli_test_runv("health", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(object, "peer_id"), ==, "peer_01REMOTE");
	g_assert_cmpstr(json_object_get_string_member(object, "url"), ==, fixture->url);
	g_assert_cmpstr(json_object_get_string_member(object, "status"), ==, "ok");
	g_assert_cmpstr(json_object_get_string_member(object, "timestamp"), ==,
			"2025-12-09 04:43:41 UTC");
	g_assert_false(json_object_has_member(object, "checks"));

	yaml = arc_cli_test_runv("health", "-o", "yaml", NULL);
	g_assert_cmpint(yaml->exit_code, ==, 0);
	g_assert_nonnull(strstr(yaml->out, "peer_id: peer_01REMOTE\n"));
	g_assert_nonnull(strstr(yaml->out, "timestamp: 2025-12-09 04:43:41 UTC\n"));
}

static void
arc_test_health_not_ready_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/readyz", 503,
					ARC_TEST_READYZ_503_BODY);
	result = arc_cli_test_runv("health", "--readyz", NULL);
	g_assert_cmpint(result->exit_code, ==, 1);
	g_assert_nonnull(strstr(result->out, "Status:      unavailable\n"));
	g_assert_nonnull(strstr(result->out, "Checks:\n  storage: fail (disk full)\n"
					     "  license: ok\n"));
	g_assert_true(g_str_has_prefix(result->err, "Error: agent is not ready"));

	json = arc_cli_test_runv("health", "--readyz", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 1);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(object, "checks")), ==,
			 2);
}

static void
arc_test_cluster_identity_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) printed = NULL;
	g_autoptr(JsonNode) expected = json_from_string(ARC_CLI_TEST_IDENTITY_BODY, NULL);

	ARC_CLI_TEST_REQUIRE_CLI();
	table = arc_cli_test_runv("cluster", "identity", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_cmpstr(table->out, ==,
			"Peer ID:        peer_01REMOTE\n"
			"Name:           agent-b\n"
			"Public Key:     qnGyPtol7lqzLYU3989eaC+K4xda0w9KXlcEOM9cSBQ=\n"
			"License ID:     lic_01OTHER\n"
			"Customer ID:    cust_01OTHER\n"
			"Cluster ID:     clu_01OTHER\n"
			"Version:        0.1.0\n");
	json = arc_cli_test_runv("cluster", "identity", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	arc_cli_test_parse_object(json->out, &printed);
	g_assert_true(json_node_equal(printed, expected));
}

static void
arc_test_license_show_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *auth = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	result = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==,
			"License ID:     lic_01MINE\n"
			"Customer ID:    cust_01TEST\n"
			"Issued:         2025-01-01 00:00:00 UTC\n"
			"Expires:        2026-12-31 23:59:59 UTC\n"
			"Max Nodes:      10\n"
			/* the fake agent reports no count and has no /v1/peers */
			"Nodes In Use:   -\n"
			"Max Services:   100\n"
			"Features:       kcp, macvlan\n"
			"State:          warning\n");
	auth = arc_cli_test_agent_get_last_header(fixture->agent, "GET", "/v1/license",
						  "Authorization");
	g_assert_cmpstr(auth, ==, "Bearer " ARC_CLI_TEST_TOKEN);
}

/* The node limit next to the nodes in use: from the agent, else counted from /v1/peers */
static void
arc_test_license_nodes_in_use_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) reported = NULL;
	g_autoptr(ArcCliTestResult) counted = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *license;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/license", 200,
					"{\"license_id\":\"lic_01MINE\",\"max_nodes\":10,"
					"\"nodes_in_use\":3,\"state\":\"valid\"}");
	reported = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(reported->exit_code, ==, 0);
	g_assert_nonnull(strstr(reported->out, "Max Nodes:      10\nNodes In Use:   3\n"));
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "GET", "/v1/peers"), ==,
			 0);

	/* an agent that does not report it: the active members of /v1/peers */
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/license", 200,
					ARC_TEST_LICENSE_BODY);
	arc_cli_test_agent_set_response(
		fixture->agent, "GET", "/v1/peers", 200,
		"[{\"id\":\"peer_01A\",\"state\":\"active\"},{\"id\":\"peer_01B\",\"state\":"
		"\"active\"},{\"id\":\"peer_01C\",\"state\":\"deactivated\"}]");
	counted = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(counted->exit_code, ==, 0);
	g_assert_nonnull(strstr(counted->out, "Max Nodes:      10\nNodes In Use:   2\n"));
	json = arc_cli_test_runv("license", "show", "-j", NULL);
	license = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpint(json_object_get_int_member(license, "nodes_in_use"), ==, 2);
	g_assert_cmpint(json_object_get_int_member(license, "max_nodes"), ==, 10);
}

/* The seed guide's `arctic license show --url http://REMOTE_IP:8080` at another cluster */
static void
arc_test_license_show_fallback_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) refused = NULL;
	g_autoptr(ArcCliTestResult) no_config = NULL;
	g_autoptr(ArcCliTestResult) status = NULL;
	const gchar *expected = "License ID:     lic_01OTHER\n"
				"Cluster ID:     clu_01OTHER\n";

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/oauth/token", 401,
					ARC_CLI_TEST_UNAUTHORIZED_BODY);
	refused = arc_cli_test_runv("license", "show", "--url", fixture->url, NULL);
	g_assert_cmpint(refused->exit_code, ==, 0);
	g_assert_cmpstr(refused->out, ==, expected);
	g_assert_nonnull(strstr(refused->err, "need credentials for that agent"));
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "GET", "/v1/license"),
			 ==, 0);

	/* no config at all: nothing to authenticate with, the identity still answers */
	arc_cli_test_write_config("");
	no_config = arc_cli_test_runv("license", "show", "--url", fixture->url, NULL);
	g_assert_cmpint(no_config->exit_code, ==, 0);
	g_assert_cmpstr(no_config->out, ==, expected);

	/* license status has no such fallback */
	arc_cli_test_write_cluster_config(fixture->url, NULL);
	status = arc_cli_test_runv("license", "status", NULL);
	g_assert_cmpint(status->exit_code, ==, 5);
	g_assert_cmpstr(status->err, ==, "Error: unauthorized\n");
}

static void
arc_test_license_status_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	result = arc_cli_test_runv("license", "status", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==,
			"State:              warning\n"
			"Expires:            2026-12-31 23:59:59 UTC\n"
			"Days Until Expiry:  12\n"
			"Next State:         grace_period (from 2026-12-31 23:59:59 UTC)\n"
			"Message:            license expires in 12 days\n");
}

static void
arc_test_credentials_list_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(ArcCliTestResult) alias = NULL;
	g_autoptr(ArcCliTestResult) yaml = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "GET", "/v1/credentials", 200,
					ARC_TEST_CREDENTIALS_BODY);
	result = arc_cli_test_runv("credentials", "list", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==,
			"Client ID:      cli_01A\n"
			"Scopes:         urn:tillered:arctic:admin\n"
			"License ID:     lic_01MINE\n"
			"Created At:     2025-12-09 04:43:41 UTC\n"
			"Last Used At:   never\n"
			"\n"
			"Client ID:      cli_01B\n"
			"Scopes:         urn:tillered:arctic:peers.read, "
			"urn:tillered:arctic:services.read\n"
			"License ID:     lic_01MINE\n"
			"Created At:     2025-12-10 00:00:00 UTC\n"
			"Last Used At:   2025-12-11 08:00:00 UTC\n");
	alias = arc_cli_test_runv("credential", "list", NULL);
	g_assert_cmpint(alias->exit_code, ==, 0);
	g_assert_cmpstr(alias->out, ==, result->out);

	yaml = arc_cli_test_runv("credentials", "list", "-o", "yaml", NULL);
	g_assert_cmpint(yaml->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(yaml->out, "credentials:\n- client_id: cli_01A\n"));
	g_assert_nonnull(strstr(yaml->out, "  last_used_at: null\n"));
}

static void
arc_test_credentials_create_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autoptr(ArcCliTestResult) inherit = NULL;
	g_autofree gchar *body = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/credentials", 201,
					ARC_TEST_CREATED_BODY);
	result = arc_cli_test_runv("credentials", "create", "--scopes", "peers.read,services.read",
				   "urn:tillered:arctic:credentials.read", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==,
			"Credentials created\n"
			"Client ID:      cli_01NEW\n"
			"Client Secret:  sec_01NEWSECRET\n"
			"Scopes:         urn:tillered:arctic:peers.read\n"
			"Created:        2024-01-15 10:30:00 UTC\n"
			"\n"
			"WARNING: The client secret is only shown once. Store it securely.\n");
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/credentials");
	g_assert_cmpstr(body, ==,
			"{\"scopes\":[\"peers.read\",\"services.read\","
			"\"urn:tillered:arctic:credentials.read\"]}");
	g_clear_pointer(&body, g_free);

	/* no scopes: the agent gives the caller's */
	inherit = arc_cli_test_runv("credentials", "create", NULL);
	g_assert_cmpint(inherit->exit_code, ==, 0);
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/credentials");
	g_assert_cmpstr(body, ==, "");
}

static void
arc_test_credentials_revoke_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) ok = NULL;
	g_autoptr(ArcCliTestResult) no_tty = NULL;
	g_autoptr(ArcCliTestResult) current = NULL;
	g_autoptr(ArcCliTestResult) missing = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/credentials/cli_01B", 200,
					"{\"deleted\":true}");
	ok = arc_cli_test_runv("credentials", "revoke", "cli_01B", "--yes", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==, "Credential cli_01B revoked\n");

	/* no terminal to confirm on */
	no_tty = arc_cli_test_runv("credentials", "revoke", "cli_01B", NULL);
	g_assert_cmpint(no_tty->exit_code, ==, 2);
	g_assert_nonnull(strstr(no_tty->err, "--yes"));
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "DELETE",
							   "/v1/credentials/cli_01B"),
			 ==, 1);

	arc_cli_test_agent_set_response(
		fixture->agent, "DELETE", "/v1/credentials/cli_01TEST", 422,
		"{\"error\":\"credential in use\",\"code\":\"CANNOT_REVOKE_CURRENT\"}");
	current = arc_cli_test_runv("credentials", "revoke", "cli_01TEST", "-y", NULL);
	g_assert_cmpint(current->exit_code, ==, 1);
	g_assert_cmpstr(current->err, ==, "Error: cannot revoke the credential currently in use\n");

	missing = arc_cli_test_runv("credentials", "revoke", "cli_01NOPE", "--yes", NULL);
	g_assert_cmpint(missing->exit_code, ==, 1);
	g_assert_cmpstr(missing->err, ==, "Error: not found\n");
}

/* preferences.output_format is the default format; --output overrides it */
static void
arc_test_preferences_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *yaml = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) table = NULL;
	g_autoptr(JsonNode) node = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	yaml = g_strdup_printf("current_cluster: clu_01TEST\n"
			       "clusters:\n"
			       "  clu_01TEST:\n"
			       "    peers: [{peer_id: peer_01TEST, endpoints: ['%s']}]\n"
			       "preferences:\n"
			       "  output_format: json\n"
			       "  timeout: 5\n",
			       fixture->url);
	arc_cli_test_write_config(yaml);
	json = arc_cli_test_runv("cluster", "identity", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	arc_cli_test_parse_object(json->out, &node);
	table = arc_cli_test_runv("cluster", "identity", "-o", "table", NULL);
	g_assert_cmpint(table->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(table->out, "Peer ID:        peer_01REMOTE\n"));
}

/* The German catalog from the build tree */
static void
arc_test_german_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *args[] = {"bootstrap", NULL};
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	result = arc_cli_test_run_german(args);
	if (result == NULL)
		return;
	g_assert_cmpint(result->exit_code, ==, 2);
	g_assert_cmpstr(result->err, ==, "Fehler: --url ist für bootstrap erforderlich\n");
}

/* A usage error of a command added later than the catalog was first written (join tokens) */
static void
arc_test_german_join_token_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *args[] = {"cluster", "join-token", "revoke", NULL};
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	result = arc_cli_test_run_german(args);
	if (result == NULL)
		return;
	g_assert_cmpint(result->exit_code, ==, 2);
	g_assert_cmpstr(result->err, ==,
			"Fehler: unbekannte Aktion »revoke«: »arctic cluster join-token create "
			"[--ttl SECONDS]« verwenden\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/commands/health", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_health_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/health-not-ready", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_health_not_ready_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/cluster-identity", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_cluster_identity_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/license-show", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_license_show_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/license-nodes-in-use", ArcTestFixture, NULL,
		   arc_test_fixture_setup, arc_test_license_nodes_in_use_func,
		   arc_test_fixture_teardown);
	g_test_add("/cli/commands/license-show-fallback", ArcTestFixture, NULL,
		   arc_test_fixture_setup, arc_test_license_show_fallback_func,
		   arc_test_fixture_teardown);
	g_test_add("/cli/commands/license-status", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_license_status_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/credentials-list", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_credentials_list_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/credentials-create", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_credentials_create_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/credentials-revoke", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_credentials_revoke_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/preferences", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_preferences_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/german", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_german_func, arc_test_fixture_teardown);
	g_test_add("/cli/commands/german-join-token", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_german_join_token_func, arc_test_fixture_teardown);
	return g_test_run();
}
