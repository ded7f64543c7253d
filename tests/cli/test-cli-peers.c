/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-test-agent.h"
#include "arc-cli-test-run.h"

/* `arctic peers add | update | delete | remove-self` against a fake agent (spec §5.5, and the
 * error lines of spec/seed-handshake-failures.txt) */

#define ARC_TEST_PEER_FIELDS                                                                       \
	"\"id\":\"peer_01NEW\",\"name\":\"edge-1\",\"public_key\":"                                \
	"\"qnGyPtol7lqzLYU3989eaC+K4xda0w9KXlcEOM9cSBQ=\",\"is_local\":false,"                     \
	"\"address\":\"10.0.0.5:8080\",\"created_at\":\"2025-12-09T04:43:41Z\","                   \
	"\"state\":\"active\""
#define ARC_TEST_PEER_BODY "{" ARC_TEST_PEER_FIELDS "}"
#define ARC_TEST_STEPS                                                                             \
	"\"steps\":[{\"step\":\"connect\",\"ok\":true,\"detail\":\"connected to 10.0.0.5:8080\","  \
	"\"elapsed_ms\":0.31},{\"step\":\"hello\",\"ok\":true,\"detail\":\"sent challenge to "     \
	"10.0.0.5:8080\",\"elapsed_ms\":1.42},{\"step\":\"store\",\"ok\":true,\"elapsed_ms\":2}]"
#define ARC_TEST_PEER_DEBUG_BODY "{" ARC_TEST_PEER_FIELDS "," ARC_TEST_STEPS "}"
#define ARC_TEST_REFUSED_DEBUG_BODY                                                                \
	"{\"error\":\"handshake failed: connection refused\",\"code\":\"PEER_UNREACHABLE\","       \
	"\"reason\":\"connection_refused\",\"detail\":\"connect to 10.0.0.5:8080: Connection "     \
	"refused (3 attempts)\",\"steps\":[{\"step\":\"connect\",\"ok\":false,\"detail\":"         \
	"\"connection refused\",\"elapsed_ms\":0.2}]}"
#define ARC_TEST_PEER_TABLE                                                                        \
	"ID:             peer_01NEW\n"                                                             \
	"Name:           edge-1\n"                                                                 \
	"Public Key:     qnGyPtol7lqzLYU3989eaC+K4xda0w9KXlcEOM9cSBQ=\n"                           \
	"Is Local:       No\n"                                                                     \
	"Address:        10.0.0.5:8080\n"                                                          \
	"Created At:     2025-12-09 04:43:41 UTC\n"
#define ARC_TEST_LEFT_BODY                                                                         \
	"{\"deactivated\":true,\"id\":\"peer_01ME\",\"notified\":[\"peer_01A\",\"peer_01B\"],"     \
	"\"unreachable\":[{\"id\":\"peer_01C\",\"address\":\"10.0.0.7:8080\",\"error\":"           \
	"\"connection refused\"},{\"id\":\"peer_01D\",\"address\":\"10.0.0.8:8080\",\"error\":"    \
	"\"connection timeout\"}]}"

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
	arc_cli_test_write_cluster_config(fixture->url, NULL);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	arc_cli_test_agent_free(fixture->agent);
}

/* @first comes before @second in @text, and both are there */
static void
arc_test_assert_order(const gchar *text, const gchar *first, const gchar *second)
{
	const gchar *a = strstr(text, first);
	const gchar *b = strstr(text, second);

	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_cmpint(a - text, <, b - text);
}

static void
arc_test_add_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) named = NULL;
	g_autoptr(ArcCliTestResult) url_form = NULL;
	g_autoptr(ArcCliTestResult) alias = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *query = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 201,
					ARC_TEST_PEER_BODY);
	named = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", "--name", "edge-1", NULL);
	g_assert_cmpint(named->exit_code, ==, 0);
	g_assert_cmpstr(named->out, ==, ARC_TEST_PEER_TABLE);
	g_assert_cmpstr(named->err, ==, "");
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/peers");
	g_assert_cmpstr(body, ==, "{\"address\":\"10.0.0.5:8080\",\"name\":\"edge-1\"}");
	g_clear_pointer(&body, g_free);
	query = arc_cli_test_agent_get_last_query(fixture->agent, "POST", "/v1/peers");
	g_assert_null(query);

	/* the agent's URL as other commands take it: the scheme goes, no name is sent */
	url_form = arc_cli_test_runv("peers", "add", "http://10.0.0.5:8080/", NULL);
	g_assert_cmpint(url_form->exit_code, ==, 0);
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/peers");
	g_assert_cmpstr(body, ==, "{\"address\":\"10.0.0.5:8080\"}");
	g_clear_pointer(&body, g_free);

	alias = arc_cli_test_runv("peer", "add", "[fd00::5]:8080", NULL);
	g_assert_cmpint(alias->exit_code, ==, 0);
	body = arc_cli_test_agent_get_last_body(fixture->agent, "POST", "/v1/peers");
	g_assert_cmpstr(body, ==, "{\"address\":\"[fd00::5]:8080\"}");
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/peers"), ==,
			 3);
}

/* -o json / yaml print the peer object, never the handshake steps */
static void
arc_test_add_formats_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) yaml = NULL;
	g_autoptr(JsonNode) printed = NULL;
	g_autoptr(JsonNode) expected = json_from_string(ARC_TEST_PEER_BODY, NULL);

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 201,
					ARC_TEST_PEER_DEBUG_BODY);
	json = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", "-j", "--debug", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	arc_cli_test_parse_object(json->out, &printed);
	g_assert_true(json_node_equal(printed, expected));
	g_assert_nonnull(strstr(json->err, "debug: handshake: hello ok"));

	yaml = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", "-o", "yaml", NULL);
	g_assert_cmpint(yaml->exit_code, ==, 0);
	g_assert_nonnull(strstr(yaml->out, "id: peer_01NEW\n"));
	g_assert_nonnull(strstr(yaml->out, "address: '10.0.0.5:8080'\n"));
	g_assert_null(strstr(yaml->out, "steps"));
	g_assert_null(strstr(yaml->out, "connect"));
}

static void
arc_test_add_debug_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) ok = NULL;
	g_autoptr(ArcCliTestResult) refused = NULL;
	g_autoptr(ArcCliTestResult) quiet = NULL;
	g_autofree gchar *query = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 201,
					ARC_TEST_PEER_DEBUG_BODY);
	ok = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", "--debug", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==, ARC_TEST_PEER_TABLE);
	query = arc_cli_test_agent_get_last_query(fixture->agent, "POST", "/v1/peers");
	g_assert_cmpstr(query, ==, "debug=true");
	g_assert_nonnull(strstr(ok->err, "debug: handshake: connect ok (0.3 ms): connected to "
					 "10.0.0.5:8080\n"));
	g_assert_nonnull(strstr(ok->err, "debug: handshake: hello ok (1.4 ms): sent challenge to "
					 "10.0.0.5:8080\n"));
	g_assert_nonnull(strstr(ok->err, "debug: handshake: store ok (2.0 ms)\n"));
	arc_test_assert_order(ok->err, "handshake: connect ok", "handshake: hello ok");

	/* the steps of a failure come before the error line, with the agent's detail */
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 422,
					ARC_TEST_REFUSED_DEBUG_BODY);
	refused = arc_cli_test_runv("--debug", "peers", "add", "10.0.0.5:8080", NULL);
	g_assert_cmpint(refused->exit_code, ==, 1);
	g_assert_cmpstr(refused->out, ==, "");
	g_assert_true(
		g_str_has_suffix(refused->err, "\nError: handshake failed: connection refused\n"));
	arc_test_assert_order(refused->err,
			      "debug: handshake: connect FAILED (0.2 ms): connection refused\n",
			      "Error: handshake failed: connection refused\n");
	arc_test_assert_order(refused->err,
			      "debug: detail: connect to 10.0.0.5:8080: Connection refused "
			      "(3 attempts)\n",
			      "Error: ");
	g_assert_nonnull(strstr(refused->err, "PEER_UNREACHABLE"));

	/* without --debug: no steps asked for, none shown, and no detail */
	quiet = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", NULL);
	g_assert_cmpint(quiet->exit_code, ==, 1);
	g_assert_cmpstr(quiet->err, ==, "Error: handshake failed: connection refused\n");
	g_clear_pointer(&query, g_free);
	query = arc_cli_test_agent_get_last_query(fixture->agent, "POST", "/v1/peers");
	g_assert_null(query);
}

/* Every error line of the seed guide, exactly, with exit 1 */
static void
arc_test_add_errors_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		guint status;
		const gchar *code;
		const gchar *reason;
		const gchar *message;
	} table[] = {
		{422, "PEER_UNREACHABLE", "connection_refused",
		 "handshake failed: connection refused"},
		{422, "PEER_UNREACHABLE", "connection_timeout",
		 "handshake failed: connection timeout"},
		{422, "LICENSE_MISMATCH", "license_mismatch", "handshake failed: license mismatch"},
		{422, "HANDSHAKE_FAILED", "invalid_signature",
		 "handshake failed: invalid signature"},
		{409, "ALREADY_EXISTS", "already_exists", "peer already exists in cluster"},
		{422, "NODE_LIMIT_EXCEEDED", "node_limit_exceeded",
		 "handshake failed: node limit exceeded"},
		{422, "LICENSE_INVALID", "license_invalid", "handshake failed: invalid license"},
		{422, "LICENSE_EXPIRED", "license_expired", "handshake failed: license expired"},
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autofree gchar *body = g_strdup_printf(
			"{\"error\":\"%s\",\"code\":\"%s\",\"reason\":\"%s\",\"detail\":\"more\"}",
			table[i].message, table[i].code, table[i].reason);
		g_autofree gchar *line = g_strdup_printf("Error: %s\n", table[i].message);
		g_autoptr(ArcCliTestResult) result = NULL;

		arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers",
						table[i].status, body);
		result = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", NULL);
		g_assert_cmpint(result->exit_code, ==, 1);
		g_assert_cmpstr(result->err, ==, line);
		g_assert_cmpstr(result->out, ==, "");
	}
}

/* Exit 4 is for our own agent being out of reach, not the peer */
static void
arc_test_add_agent_down_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_write_cluster_config(closed, NULL);
	result = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", NULL);
	g_assert_cmpint(result->exit_code, ==, 4);
	g_assert_cmpstr(result->err, ==, "Error: connection refused\n");
}

static void
arc_test_add_bad_address_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *table[] = {
		"10.0.0.5",         "10.0.0.5:",          ":8080",
		"10.0.0.5:0",       "10.0.0.5:65536",     "10.0.0.5:http",
		"https://x",        "ftp://x:8080",       "http://10.0.0.5",
		"http://x:80/path", "user@10.0.0.5:8080", "10.0.0.5:8080?x=1",
		"fd00::5",          "a b:8080",           "",
	};

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		const gchar *args[] = {"peers", "add", table[i], NULL};
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, args);
		g_autofree gchar *line =
			g_strdup_printf("Error: invalid peer address \"%s\": use HOST:PORT, e.g. "
					"192.168.1.20:8080\n",
					table[i]);

		g_assert_cmpint(result->exit_code, ==, 2);
		g_assert_cmpstr(result->err, ==, line);
	}
	{
		g_autoptr(ArcCliTestResult) missing = arc_cli_test_runv("peers", "add", NULL);

		g_assert_cmpint(missing->exit_code, ==, 2);
		g_assert_cmpstr(missing->err, ==,
				"Error: missing argument; usage: arctic peers add ADDRESS "
				"[--name ALIAS] [--join-token TOKEN]\n");
	}
	/* refused before anything is sent, even before asking for a token */
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/peers"), ==,
			 0);
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/oauth/token"), ==,
		0);
}

/* The guide's `arctic peers add REMOTE_IP:8080 --trace`: the exchange, secrets hidden */
static void
arc_test_add_trace_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;
	g_autofree gchar *request_line = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "POST", "/v1/peers", 201,
					ARC_TEST_PEER_BODY);
	result = arc_cli_test_runv("peers", "add", "10.0.0.5:8080", "--trace", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==, ARC_TEST_PEER_TABLE);
	request_line = g_strdup_printf("> POST %s/v1/peers\n", fixture->url);
	g_assert_nonnull(strstr(result->err, request_line));
	g_assert_nonnull(strstr(result->err, "> {\"address\":\"10.0.0.5:8080\"}\n"));
	g_assert_nonnull(strstr(result->err, "Authorization: Bearer [REDACTED]"));
	g_assert_nonnull(strstr(result->err, "< 201 Created"));
	g_assert_nonnull(strstr(result->err, "\"id\":\"peer_01NEW\""));
	g_assert_null(strstr(result->err, "TOKEN-SECRET"));
	g_assert_null(strstr(result->err, ARC_CLI_TEST_SECRET));
}

static void
arc_test_update_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) ok = NULL;
	g_autoptr(ArcCliTestResult) no_name = NULL;
	g_autoptr(ArcCliTestResult) missing = NULL;
	g_autofree gchar *body = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "PUT", "/v1/peers/peer_01NEW", 200,
					ARC_TEST_PEER_BODY);
	ok = arc_cli_test_runv("peers", "update", "peer_01NEW", "--name", "edge-1", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==, ARC_TEST_PEER_TABLE);
	body = arc_cli_test_agent_get_last_body(fixture->agent, "PUT", "/v1/peers/peer_01NEW");
	g_assert_cmpstr(body, ==, "{\"name\":\"edge-1\"}");

	no_name = arc_cli_test_runv("peers", "update", "peer_01NEW", NULL);
	g_assert_cmpint(no_name->exit_code, ==, 2);
	g_assert_cmpstr(no_name->err, ==, "Error: --name is required\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "PUT", "/v1/peers/peer_01NEW"),
		==, 1);

	missing = arc_cli_test_runv("peers", "update", "peer_01NOPE", "--name", "x", NULL);
	g_assert_cmpint(missing->exit_code, ==, 1);
	g_assert_cmpstr(missing->err, ==, "Error: not found\n");
}

static void
arc_test_delete_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) ok = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) no_tty = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/peer_01NEW", 200,
					"{\"deleted\":true,\"id\":\"peer_01NEW\"}");
	ok = arc_cli_test_runv("peers", "delete", "peer_01NEW", "--yes", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==, "Peer peer_01NEW deleted\n");
	g_assert_cmpstr(ok->err, ==, "");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/peer_01NEW"),
		==, 1);

	json = arc_cli_test_runv("peers", "delete", "peer_01NEW", "-y", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_true(json_object_get_boolean_member(object, "deleted"));
	g_assert_cmpstr(json_object_get_string_member(object, "id"), ==, "peer_01NEW");

	/* no terminal to confirm on: refused, and nothing is deleted */
	no_tty = arc_cli_test_runv("peers", "delete", "peer_01NEW", NULL);
	g_assert_cmpint(no_tty->exit_code, ==, 2);
	g_assert_cmpstr(no_tty->err, ==,
			"Error: confirmation needed but stdin is not a terminal: pass --yes to "
			"proceed\n");
	g_assert_cmpstr(no_tty->out, ==, "");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/peer_01NEW"),
		==, 2);
}

/* the credentials minted on the removed peer went with it: listed, and a warning when the
 * CLI's own credential is one of them (docs/auth.md) */
static void
arc_test_delete_revoked_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) ok = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(
		fixture->agent, "DELETE", "/v1/peers/peer_01NEW", 200,
		"{\"deleted\":true,\"id\":\"peer_01NEW\","
		"\"revoked_credentials\":[\"cli_01OTHER\",\"cli_01TEST\"]}");
	ok = arc_cli_test_runv("peers", "delete", "peer_01NEW", "--yes", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==,
			"Peer peer_01NEW deleted\n"
			"Credential cli_01OTHER revoked with the peer\n"
			"Credential cli_01TEST revoked with the peer\n");
	g_assert_cmpstr(ok->err, ==,
			"Warning: cli_01TEST is the credential this CLI uses: its next command "
			"will be refused; configure another credential\n");
}

static void
arc_test_delete_refused_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) local = NULL;
	g_autoptr(ArcCliTestResult) self = NULL;
	g_autoptr(ArcCliTestResult) missing = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/peer_01ME", 400,
					"{\"error\":\"cannot delete the local peer: use 'arctic "
					"peers remove-self' to leave "
					"the cluster\",\"code\":\"INVALID_REQUEST\"}");
	local = arc_cli_test_runv("peers", "delete", "peer_01ME", "--yes", NULL);
	g_assert_cmpint(local->exit_code, ==, 1);
	g_assert_cmpstr(local->err, ==,
			"Error: cannot delete the local peer: use 'arctic peers remove-self' to "
			"leave the cluster\n");
	g_assert_cmpstr(local->out, ==, "");

	/* DELETE /v1/peers/self would make this agent leave: that is remove-self's job */
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/self", 200,
					ARC_TEST_LEFT_BODY);
	self = arc_cli_test_runv("peers", "delete", "self", "--yes", NULL);
	g_assert_cmpint(self->exit_code, ==, 2);
	g_assert_cmpstr(self->err, ==,
			"Error: to remove this agent from the cluster, use 'arctic peers "
			"remove-self'\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/self"), ==,
		0);

	missing = arc_cli_test_runv("peers", "delete", "peer_01NOPE", "--yes", NULL);
	g_assert_cmpint(missing->exit_code, ==, 1);
	g_assert_cmpstr(missing->err, ==, "Error: not found\n");
}

/* "without --yes it asks": on a terminal the question is asked, and only a yes deletes */
static void
arc_test_delete_asks_func(ArcTestFixture *fixture, gconstpointer data)
{
	const gchar *args[] = {"peers", "delete", "peer_01NEW", NULL};
	g_autoptr(ArcCliTestResult) no = NULL;
	g_autoptr(ArcCliTestResult) yes = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/peer_01NEW", 200,
					"{\"deleted\":true,\"id\":\"peer_01NEW\"}");
	no = arc_cli_test_run_tty(args, "n\n");
	g_assert_cmpint(no->exit_code, ==, 1);
	g_assert_true(g_str_has_prefix(
		no->err, "Delete peer peer_01NEW from the cluster? It is revoked on every node. "
			 "[y/N] "));
	g_assert_nonnull(strstr(no->err, "Error: aborted"));
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/peer_01NEW"),
		==, 0);

	yes = arc_cli_test_run_tty(args, "y\n");
	g_assert_cmpint(yes->exit_code, ==, 0);
	g_assert_cmpstr(yes->out, ==, "Peer peer_01NEW deleted\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/peer_01NEW"),
		==, 1);
}

static void
arc_test_remove_self_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) no_tty = NULL;
	g_autoptr(ArcCliTestResult) ok = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *object;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/self", 200,
					ARC_TEST_LEFT_BODY);
	no_tty = arc_cli_test_runv("peers", "remove-self", NULL);
	g_assert_cmpint(no_tty->exit_code, ==, 2);
	g_assert_cmpstr(no_tty->err, ==,
			"Error: confirmation needed but stdin is not a terminal: pass --yes to "
			"proceed\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/self"), ==,
		0);

	ok = arc_cli_test_runv("peers", "remove-self", "--yes", NULL);
	g_assert_cmpint(ok->exit_code, ==, 0);
	g_assert_cmpstr(ok->out, ==, "Peer peer_01ME left the cluster\nNotified: 2 peer(s)\n");
	g_assert_cmpstr(ok->err, ==,
			"Could not notify peer_01C at 10.0.0.7:8080: connection refused\n"
			"Could not notify peer_01D at 10.0.0.8:8080: connection timeout\n");
	g_assert_cmpuint(
		arc_cli_test_agent_count_requests(fixture->agent, "DELETE", "/v1/peers/self"), ==,
		1);

	json = arc_cli_test_runv("peers", "remove-self", "-y", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	object = arc_cli_test_parse_object(json->out, &node);
	g_assert_true(json_object_get_boolean_member(object, "deactivated"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(object, "unreachable")),
			 ==, 2);
}

/* Everyone heard: nothing on stderr */
static void
arc_test_remove_self_all_notified_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) result = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cli_test_agent_set_response(fixture->agent, "DELETE", "/v1/peers/self", 200,
					"{\"deactivated\":true,\"id\":\"peer_01ME\",\"notified\":"
					"[\"peer_01A\"],\"unreachable\":[]}");
	result = arc_cli_test_runv("peers", "remove-self", "--yes", NULL);
	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_cmpstr(result->out, ==, "Peer peer_01ME left the cluster\nNotified: 1 peer(s)\n");
	g_assert_cmpstr(result->err, ==, "");
}

static void
arc_test_help_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		const gchar *sub;
		const gchar *usage;
		const gchar *summary;
	} table[] = {
		{"add", "peers add ADDRESS [--name ALIAS]",
		 "Add a peer by the address of its agent"},
		{"update", "peers update PEER-ID --name NAME", "Rename a peer"},
		{"delete", "peers delete PEER-ID [--yes]",
		 "the peer is revoked on every node and told that it was removed"},
		{"remove-self", "peers remove-self [--yes]", "Remove this agent from the cluster"},
	};
	g_autoptr(ArcCliTestResult) group = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		const gchar *args[] = {"peers", table[i].sub, "--help", NULL};
		g_autoptr(ArcCliTestResult) result = arc_cli_test_run(NULL, args);

		g_assert_cmpint(result->exit_code, ==, 0);
		g_assert_nonnull(strstr(result->out, table[i].usage));
		g_assert_nonnull(strstr(result->out, table[i].summary));
		g_assert_cmpstr(result->err, ==, "");
	}
	group = arc_cli_test_runv("peers", "--help", NULL);
	g_assert_cmpint(group->exit_code, ==, 0);
	g_assert_nonnull(strstr(group->out, "  add "));
	g_assert_nonnull(strstr(group->out, "  update "));
	g_assert_nonnull(strstr(group->out, "  delete "));
	g_assert_nonnull(strstr(group->out, "  remove-self "));
	g_assert_cmpuint(arc_cli_test_agent_count_requests(fixture->agent, "POST", "/v1/peers"), ==,
			 0);
}

/* GET /v1/peers/{id} of a peer whose `tunnel.status` is @status (JSON; NULL: none) */
static gchar *
arc_test_tunnel_peer(const gchar *id, const gchar *status)
{
	return g_strdup_printf("{\"id\":\"%s\",\"name\":\"edge\",\"is_local\":%s,"
			       "\"address\":\"10.0.0.5:8080\",\"state\":\"active\","
			       "\"tunnel\":{\"public_key\":\"k\",\"port\":51840%s%s}}",
			       id, status != NULL ? "false" : "true",
			       status != NULL ? ",\"status\":" : "", status != NULL ? status : "");
}

/* `peers get`: what the agent's tunnel says of the peer, in one line; that the data plane
 * is off rather than zeros; nothing for the local peer; the fields in -o json */
static void
arc_test_get_tunnel_func(ArcTestFixture *fixture, gconstpointer data)
{
	const struct {
		const gchar *id;
		const gchar *status;
		const gchar *line; /* NULL: no Tunnel line */
	} cases[] = {
		{"peer_01UP",
		 "{\"in_tunnel\":true,\"endpoint\":\"10.0.0.2:51840\",\"last_handshake\":"
		 "\"2025-12-09T04:43:41Z\",\"handshake_age_seconds\":42,\"rx_bytes\":1258291,"
		 "\"tx_bytes\":3565158}",
		 "Tunnel:         up, handshake 42s ago, endpoint 10.0.0.2:51840, rx 1.2 MiB, "
		 "tx 3.4 MiB\n"},
		{"peer_01IDLE",
		 "{\"in_tunnel\":true,\"endpoint\":\"10.0.0.3:51840\",\"last_handshake\":"
		 "\"2025-12-09T04:43:41Z\",\"handshake_age_seconds\":3725,\"rx_bytes\":2048,"
		 "\"tx_bytes\":512}",
		 "Tunnel:         idle, handshake 1h 2m ago, endpoint 10.0.0.3:51840, rx 2.0 KiB, "
		 "tx 512 bytes\n"},
		{"peer_01NEW",
		 "{\"in_tunnel\":true,\"endpoint\":null,\"last_handshake\":null,"
		 "\"handshake_age_seconds\":null,\"rx_bytes\":0,\"tx_bytes\":148}",
		 "Tunnel:         no handshake yet, endpoint unknown, rx 0 bytes, tx 148 bytes\n"},
		{"peer_01OUT",
		 "{\"in_tunnel\":false,\"endpoint\":null,\"last_handshake\":null,"
		 "\"handshake_age_seconds\":null,\"rx_bytes\":null,\"tx_bytes\":null}",
		 "Tunnel:         not in this agent's tunnel\n"},
		{"peer_01OFF", "null", "Tunnel:         data plane disabled on this agent\n"},
		{"peer_01SELF", NULL, NULL},
	};
	g_autoptr(ArcCliTestResult) json = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path = g_strconcat("/v1/peers/", cases[i].id, NULL);
		g_autofree gchar *body = arc_test_tunnel_peer(cases[i].id, cases[i].status);
		g_autoptr(ArcCliTestResult) got = NULL;

		arc_cli_test_agent_set_response(fixture->agent, "GET", path, 200, body);
		got = arc_cli_test_runv("peers", "get", cases[i].id, NULL);
		g_test_message("%s", got->out);
		g_assert_cmpint(got->exit_code, ==, 0);
		if (cases[i].line != NULL)
			g_assert_true(g_str_has_suffix(got->out, cases[i].line));
		else
			g_assert_null(strstr(got->out, "Tunnel:"));
	}
	json = arc_cli_test_runv("peers", "get", "peer_01UP", "-o", "json", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	g_assert_nonnull(strstr(json->out, "\"handshake_age_seconds\" : 42"));
	g_assert_nonnull(strstr(json->out, "\"rx_bytes\" : 1258291"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/peers/add", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-formats", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_formats_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-debug", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_debug_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-errors", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_errors_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-agent-down", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_agent_down_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-bad-address", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_bad_address_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/add-trace", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_add_trace_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/update", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_update_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/delete", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_delete_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/delete-revoked", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_delete_revoked_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/delete-refused", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_delete_refused_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/delete-asks", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_delete_asks_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/remove-self", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_remove_self_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/remove-self-all-notified", ArcTestFixture, NULL,
		   arc_test_fixture_setup, arc_test_remove_self_all_notified_func,
		   arc_test_fixture_teardown);
	g_test_add("/cli/peers/get-tunnel", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_get_tunnel_func, arc_test_fixture_teardown);
	g_test_add("/cli/peers/help", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_help_func, arc_test_fixture_teardown);
	return g_test_run();
}
