/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-cluster-fixture.h"
#include "arc-test-tls.h"

/*
 * TLS on the API port (docs/tls.md): agents with a certificate from a throwaway authority,
 * the CLI with and without --cacert, plain HTTP to the TLS port, a client that never
 * finishes its handshake, bad certificate files, and agents that meet over https://.
 */

#define TLS_WAIT_MS 15000

#define TLS_REQUIRE_TOOLS()                                                                        \
	G_STMT_START                                                                               \
	{                                                                                          \
		ARC_CLI_TEST_REQUIRE_CLI();                                                        \
		if (!arc_test_tls_have_openssl()) {                                                \
			g_test_skip("openssl is not installed");                                   \
			return;                                                                    \
		}                                                                                  \
	}                                                                                          \
	G_STMT_END

/* a throwaway authority and a certificate for 127.0.0.1, in @agent's temp dir */
static ArcTestTls *
tls_files(ArcTestAgent *agent)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = arc_test_agent_build_path(agent, "tls");
	ArcTestTls *tls;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	tls = arc_test_tls_new(dir, &error);
	g_assert_no_error(error);
	return tls;
}

/*
 * An agent of the cluster fixture serving HTTPS with @tls's certificate (@issuer_of's
 * license issuer, if given), whose operator's CLI config trusts the authority through the
 * `cacert` preference.
 */
static ArcClusterAgent *
tls_agent_new(ArcClusterAgent *issuer_of, const gchar *name, ArcTestTls *tls)
{
	ArcClusterAgent *self = g_new0(ArcClusterAgent, 1);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = NULL;
	g_autofree gchar *yaml = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gboolean ok;

	self->agent = arc_test_agent_new();
	self->name = g_strdup(name);
	if (issuer_of != NULL)
		arc_test_agent_share_issuer(self->agent, issuer_of->agent);
	arc_test_agent_add_config(self->agent,
				  "[peers]\nhandshake_timeout=4\nreach_back_timeout=2\n");
	arc_test_agent_use_tls(self->agent, tls->cert_path, tls->key_path, tls->ca_path);
	ok = arc_test_agent_start(self->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	self->url = arc_test_agent_get_base_url(self->agent);
	self->address = arc_test_agent_get_address(self->agent);
	self->config = arc_test_agent_build_path(self->agent, "cli-config.yaml");
	yaml = g_strdup_printf("preferences:\n  cacert: %s\n", tls->ca_path);
	g_assert_true(g_file_set_contents(self->config, yaml, -1, NULL));
	self->license = arc_test_agent_build_path(self->agent, "license.json");
	license = arc_test_agent_make_license(self->agent, ARC_CLUSTER_CUSTOMER, now - 60,
					      now + 300 * 86400, 10, 10);
	g_assert_true(g_file_set_contents(self->license, license, -1, NULL));
	return self;
}

/* The CLI verifies the agent's certificate: against the system store by default (which
 * does not know the test's authority), against --cacert or the `cacert` preference */
static void
tls_cli_func(void)
{
	g_autoptr(ArcTestAgent) probe = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(ArcClusterAgent) a = NULL;
	g_autoptr(ArcCliTestResult) plain = NULL, flag = NULL, pref = NULL, bad_ca = NULL;
	g_autoptr(ArcCliTestResult) id = NULL;
	g_autoptr(JsonNode) discovery = NULL;
	const gchar *token_endpoint;
	guint status = 0;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(probe);
	a = tls_agent_new(NULL, "agent-a", tls);
	g_assert_true(g_str_has_prefix(a->url, "https://"));

	plain = arc_cli_test_runv("--url", a->url, "health", NULL);
	g_assert_cmpint(plain->exit_code, ==, 4);
	g_assert_cmpstr(plain->err, ==,
			"Error: TLS certificate verification failed: it is not signed by a "
			"trusted authority (use --cacert FILE for a private CA)\n");

	flag = arc_cli_test_runv("--url", a->url, "--cacert", tls->ca_path, "health", NULL);
	g_assert_cmpint(flag->exit_code, ==, 0);
	g_assert_nonnull(strstr(flag->out, "Status:      ok"));

	bad_ca = arc_cli_test_runv("--url", a->url, "--cacert", tls->key_path, "health", NULL);
	g_assert_cmpint(bad_ca->exit_code, ==, 3);
	g_assert_nonnull(strstr(bad_ca->err, "cannot read CA certificates from"));

	/* the operator's config trusts the authority: bootstrap and identity over https */
	pref = arc_cluster_cli(a, "--url", a->url, "health", NULL);
	g_assert_cmpint(pref->exit_code, ==, 0);
	arc_cluster_agent_bootstrap(a);
	id = arc_cluster_cli(a, "cluster", "identity", NULL);
	g_assert_cmpint(id->exit_code, ==, 0);
	g_assert_nonnull(strstr(id->out, a->peer_id));

	/* the discovery document sends clients to the https:// endpoints */
	discovery = arc_test_agent_request(a->agent, "GET", "/.well-known/openid-configuration",
					   NULL, NULL, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	token_endpoint =
		json_object_get_string_member(json_node_get_object(discovery), "token_endpoint");
	g_assert_true(g_str_has_prefix(token_endpoint, "https://"));
}

/* a client speaking plain HTTP to the TLS port is told so, and the port keeps serving */
static void
tls_plain_http_func(void)
{
	g_autoptr(ArcTestAgent) probe = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(ArcClusterAgent) a = NULL;
	g_autoptr(SoupSession) session = soup_session_new();
	g_autoptr(SoupMessage) msg = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *url = NULL;
	g_autoptr(ArcCliTestResult) health = NULL;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(probe);
	a = tls_agent_new(NULL, "agent-a", tls);
	soup_session_set_proxy_resolver(session, NULL);
	url = g_strdup_printf("http://127.0.0.1:%u/v1/cluster/identity",
			      arc_test_agent_get_port(a->agent));
	msg = soup_message_new("GET", url);
	body = soup_session_send_and_read(session, msg, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(soup_message_get_status(msg), ==, 400);
	g_assert_cmpstr(g_bytes_get_data(body, NULL), ==,
			"{\"error\":\"this agent's API uses TLS: use https://\","
			"\"code\":\"INVALID_REQUEST\"}");

	health = arc_cluster_cli(a, "--url", a->url, "health", NULL);
	g_assert_cmpint(health->exit_code, ==, 0);
}

/* One address holds at most 32 connections in their TLS handshake: the connections after
 * those are closed at once (before the handshake deadline), the first ones are not */
static void
tls_pending_per_address_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GError) error = NULL;
	guint closed = 0, open = 0;
	gboolean ok;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(agent);
	arc_test_agent_use_tls(agent, tls->cert_path, tls->key_path, tls->ca_path);
	arc_test_agent_add_config(agent, "[api]\ntls_handshake_timeout=30\n");
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	g_socket_client_set_enable_proxy(client, FALSE);
	for (guint i = 0; i < 40; i++) {
		GSocketConnection *conn = g_socket_client_connect_to_host(
			client, "127.0.0.1", arc_test_agent_get_port(agent), NULL, &error);
		g_assert_no_error(error);
		g_ptr_array_add(idle, conn);
	}
	for (guint i = 0; i < idle->len; i++) {
		GSocket *socket = g_socket_connection_get_socket(g_ptr_array_index(idle, i));
		g_autoptr(GError) wait_error = NULL;
		gchar byte;

		/* a closed one reads its end at once; an open one times out */
		if (g_socket_condition_timed_wait(socket, G_IO_IN, arc_test_scale_ms(100) * 1000,
						  NULL, &wait_error) &&
		    g_socket_receive(socket, &byte, 1, NULL, NULL) == 0)
			closed++;
		else
			open++;
	}
	g_assert_cmpuint(open, ==, 32);
	g_assert_cmpuint(closed, ==, 8);
}

/* a client that connects and never sends its handshake is cut off after
 * tls_handshake_timeout, and does not keep the agent from serving others meanwhile */
static void
tls_handshake_timeout_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) idle = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) live = NULL;
	gchar byte;
	gssize n;
	gint64 start;
	gboolean ok;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(agent);
	arc_test_agent_use_tls(agent, tls->cert_path, tls->key_path, tls->ca_path);
	arc_test_agent_add_config(agent, "[api]\ntls_handshake_timeout=1\n");
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	/* 127.0.0.1 only: never through the desktop's proxy settings */
	g_socket_client_set_enable_proxy(client, FALSE);
	idle = g_socket_client_connect_to_host(client, "127.0.0.1", arc_test_agent_get_port(agent),
					       NULL, &error);
	g_assert_no_error(error);
	start = g_get_monotonic_time();
	live = arc_test_agent_send(agent, "GET", "/livez", NULL, NULL, 0, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(live->status, ==, 200);

	g_socket_set_timeout(g_socket_connection_get_socket(idle), arc_test_process_timeout(5));
	n = g_socket_receive(g_socket_connection_get_socket(idle), &byte, 1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(n, ==, 0);
	g_assert_cmpint(g_get_monotonic_time() - start, <, arc_test_scale_ms(4000) * 1000);
}

/* the agent refuses to start, naming the file, on a key that is not the certificate's, a
 * missing certificate or an authority file without certificates */
static void
tls_bad_files_func(void)
{
	g_autoptr(ArcTestAgent) probe = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autofree gchar *missing = arc_test_agent_build_path(probe, "missing.pem");
	struct {
		const gchar *cert, *key, *ca, *says;
	} cases[3];
	gboolean ok;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(probe);
	cases[0] = (typeof(cases[0])){tls->cert_path, tls->other_key_path, tls->ca_path,
				      "does not belong to"};
	cases[1] = (typeof(cases[0])){missing, tls->key_path, tls->ca_path, "missing.pem"};
	cases[2] = (typeof(cases[0])){tls->cert_path, tls->key_path, tls->other_key_path,
				      "no PEM certificate"};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
		g_autoptr(GError) error = NULL;
		g_autofree gchar *log = NULL;
		gint status = 0;

		arc_test_agent_use_tls(agent, cases[i].cert, cases[i].key, cases[i].ca);
		ok = arc_test_agent_start_expect_exit(agent, &status, &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpint(status, ==, 1);
		log = arc_test_agent_get_log(agent);
		g_assert_nonnull(strstr(log, "[api]"));
		g_assert_nonnull(strstr(log, cases[i].says));
	}
}

/* one HTTPS request on a connection of its own, which the client then closes (close_notify,
 * then its FIN), as every curl and CLI run does */
static void
tls_one_connection(ArcTestAgent *agent, GTlsDatabase *ca, const gchar *url)
{
	g_autoptr(SoupSession) session = soup_session_new();
	g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GError) error = NULL;

	soup_session_set_proxy_resolver(session, NULL);
	soup_session_set_tls_database(session, ca);
	body = soup_session_send_and_read(session, msg, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
	soup_session_abort(session);
}

/* Clients that close their kept-alive TLS connection leave the agent no file descriptor
 * behind (their close_notify arrives before their FIN, and libsoup 3.2 alone would keep the
 * connection in CLOSE_WAIT) */
static void
tls_closed_connections_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(GTlsDatabase) ca = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *base = NULL;
	g_autofree gchar *url = NULL;
	gint before, after = -1;
	gboolean ok;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(agent);
	arc_test_agent_use_tls(agent, tls->cert_path, tls->key_path, tls->ca_path);
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ca = g_tls_file_database_new(tls->ca_path, &error);
	g_assert_no_error(error);
	base = arc_test_agent_get_base_url(agent);
	url = g_strconcat(base, "/livez", NULL);

	tls_one_connection(agent, ca, url);
	g_usleep(100 * 1000);
	before = arc_test_agent_count_fds(agent);
	g_assert_cmpint(before, >, 0);
	for (guint i = 0; i < 30; i++)
		tls_one_connection(agent, ca, url);
	for (guint i = 0; i < 100; i++) {
		after = arc_test_agent_count_fds(agent);
		if (after <= before)
			break;
		g_usleep(20 * 1000);
	}
	g_test_message("open fds: %d before, %d after 30 closed connections", before, after);
	g_assert_cmpint(after, <=, before);
	tls_one_connection(agent, ca, url);
}

/* @agent's `peers list -o json` comes to contain @needle */
static void
tls_wait_peers_contain(ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(TLS_WAIT_MS) * 1000;
	g_autofree gchar *peers = NULL;

	do {
		g_free(peers);
		peers = arc_cluster_peers(agent);
		if (strstr(peers, needle) != NULL)
			return;
		g_usleep(100 * 1000);
	} while (g_get_monotonic_time() < deadline);
	g_printerr("peers of %s never showed %s:\n%s\n", agent->name, needle, peers);
	g_assert_not_reached();
}

/* Agents with TLS meet over https://: A adds B and C by their https:// addresses, each
 * stores the other's https:// address, and B and C, never introduced, find each other
 * through gossip and a handshake of their own, all verified against tls_ca_file */
static void
tls_peers_func(void)
{
	g_autoptr(ArcTestAgent) probe = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(ArcClusterAgent) a = NULL, b = NULL, c = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;
	g_autofree gchar *peers_b = NULL;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(probe);
	a = tls_agent_new(NULL, "agent-a", tls);
	b = tls_agent_new(a, "agent-b", tls);
	c = tls_agent_new(a, "agent-c", tls);
	g_assert_true(g_str_has_prefix(b->address, "https://127.0.0.1:"));
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);

	add = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	if (add->exit_code != 0)
		g_printerr("%s%s\n", add->out, add->err);
	g_assert_cmpint(add->exit_code, ==, 0);
	g_assert_nonnull(strstr(add->out, b->peer_id));
	arc_cluster_join(a, c);

	/* B stored A at the https:// address A advertised (and B reached back) */
	peers_b = arc_cluster_peers(b);
	g_assert_nonnull(strstr(peers_b, a->address));
	tls_wait_peers_contain(b, c->peer_id);
	tls_wait_peers_contain(c, b->peer_id);
	tls_wait_peers_contain(c, b->address);
}

/* One cluster, agents with and without TLS: A (plain HTTP, trusting the test's authority
 * with tls_ca_file) adds B at its https:// address; then C, plain when A added it, turns TLS
 * on and restarts, and its new https:// address reaches A through gossip, over which the
 * two keep talking */
static void
tls_mixed_func(void)
{
	g_autoptr(ArcTestAgent) probe = arc_test_agent_new();
	g_autoptr(ArcTestTls) tls = NULL;
	g_autoptr(ArcClusterAgent) a = NULL, b = NULL, c = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *trust = NULL;
	g_autofree gchar *peers_b = NULL;
	g_autofree gchar *c_tls = NULL;
	gboolean ok;

	TLS_REQUIRE_TOOLS();
	tls = tls_files(probe);
	trust = g_strdup_printf("[api]\ntls_ca_file=%s\n", tls->ca_path);
	a = arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, trust);
	b = tls_agent_new(a, "agent-b", tls);
	c = arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, trust);
	g_assert_true(g_str_has_prefix(a->url, "http://"));
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);

	arc_cluster_join(a, b);
	peers_b = arc_cluster_peers(b);
	g_assert_nonnull(strstr(peers_b, a->address));
	tls_wait_peers_contain(a, b->address);

	arc_cluster_join(a, c);
	arc_test_agent_use_tls(c->agent, tls->cert_path, tls->key_path, tls->ca_path);
	ok = arc_test_agent_restart(c->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	c_tls = arc_test_agent_get_address(c->agent);
	g_assert_true(g_str_has_prefix(c_tls, "https://"));
	tls_wait_peers_contain(a, c_tls);
	tls_wait_peers_contain(b, c_tls);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tls/cli", tls_cli_func);
	g_test_add_func("/tls/plain-http", tls_plain_http_func);
	g_test_add_func("/tls/handshake-timeout", tls_handshake_timeout_func);
	g_test_add_func("/tls/pending-per-address", tls_pending_per_address_func);
	g_test_add_func("/tls/bad-files", tls_bad_files_func);
	g_test_add_func("/tls/closed-connections", tls_closed_connections_func);
	g_test_add_func("/tls/peers", tls_peers_func);
	g_test_add_func("/tls/mixed", tls_mixed_func);
	return g_test_run();
}
