/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "arc-cluster-fixture.h"
#include "arc-record-sign.h"

/* Suite 'cluster': real agents joined with the real CLI, and every failure of
 * spec/seed-handshake-failures.txt produced by the situation the guide describes. Each
 * failure is checked where the operator sees it (the CLI's line, word for word), where the
 * other agent refused it (its log), and in both agents' stored views, which must not
 * change. */

static void
cl_assert_error_line(ArcCliTestResult *res, const gchar *message)
{
	g_autofree gchar *line = g_strdup_printf("Error: %s\n", message);

	if (res->exit_code != 1 || g_strcmp0(res->err, line) != 0)
		g_printerr("exit %d\nstdout: %s\nstderr: %s\n", res->exit_code, res->out, res->err);
	g_assert_cmpint(res->exit_code, ==, 1);
	g_assert_cmpstr(res->err, ==, line);
	g_assert_cmpstr(res->out, ==, "");
}

/* every record in @agent's database is signed by its writer, one of @peers (docs/protocol.md
 * §6.1); read while the agent runs, as a backup tool would */
static void
cl_assert_records_signed(ArcClusterAgent *agent, ArcClusterAgent *const *peers, guint n_peers)
{
	g_autofree gchar *db =
		g_build_filename(arc_test_agent_get_data_dir(agent->agent), "arctic.db", NULL);
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;
	guint checked = 0;

	g_assert_cmpint(sqlite3_open_v2(db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(handle,
					   "SELECT kind, id, version, writer, body, signature, "
					   "deleted, updated_at FROM records",
					   -1, &stmt, NULL),
			==, SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		g_autoptr(ArcRecord) record =
			arc_record_new((const gchar *)sqlite3_column_text(stmt, 0),
				       (const gchar *)sqlite3_column_text(stmt, 1),
				       (const gchar *)sqlite3_column_text(stmt, 4));
		g_autoptr(GError) error = NULL;
		const guint8 *key = NULL;

		record->version = sqlite3_column_int64(stmt, 2);
		record->writer = g_strdup((const gchar *)sqlite3_column_text(stmt, 3));
		record->signature = g_strdup((const gchar *)sqlite3_column_text(stmt, 5));
		record->deleted = sqlite3_column_int(stmt, 6) != 0;
		record->updated_at = sqlite3_column_int64(stmt, 7);
		for (guint i = 0; i < n_peers; i++) {
			if (g_strcmp0(peers[i]->peer_id, record->writer) == 0)
				key = peers[i]->public_key;
		}
		g_assert_nonnull(key);
		if (!arc_record_verify(record, key, &error))
			g_printerr("%s/%s by %s: %s\n", record->kind, record->id, record->writer,
				   error->message);
		g_assert_no_error(error);
		checked++;
	}
	sqlite3_finalize(stmt);
	sqlite3_close(handle);
	g_assert_cmpuint(checked, >=, 3);
}

#define CL_WAIT_MS 15000

/* @agent's `peers list -o json` comes to contain @needle within CL_WAIT_MS */
static void
cl_wait_peers_contain(ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(CL_WAIT_MS) * 1000;
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

/* @agent's `peers list -o json` comes to lack @needle within CL_WAIT_MS */
static void
cl_wait_peers_lack(ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(CL_WAIT_MS) * 1000;
	g_autofree gchar *peers = NULL;

	do {
		g_free(peers);
		peers = arc_cluster_peers(agent);
		if (strstr(peers, needle) == NULL)
			return;
		g_usleep(100 * 1000);
	} while (g_get_monotonic_time() < deadline);
	g_printerr("peers of %s still show %s:\n%s\n", agent->name, needle, peers);
	g_assert_not_reached();
}

/* @agent's `peers list -o json`, asked with the credential of @holder's CLI, comes to
 * contain @needle within CL_WAIT_MS */
static void
cl_wait_peers_contain_as(ArcClusterAgent *holder, ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(CL_WAIT_MS) * 1000;
	g_autoptr(ArcCliTestResult) list = NULL;

	do {
		g_clear_pointer(&list, arc_cli_test_result_free);
		list = arc_cluster_cli(holder, "--url", agent->url, "peers", "list", "-o", "json",
				       NULL);
		if (list->exit_code == 0 && strstr(list->out, needle) != NULL)
			return;
		g_usleep(100 * 1000);
	} while (g_get_monotonic_time() < deadline);
	g_printerr("peers of %s asked by %s never showed %s:\n%s%s\n", agent->name, holder->name,
		   needle, list->out, list->err);
	g_assert_not_reached();
}

/* @agent's log comes to contain @needle within CL_WAIT_MS */
static void
cl_wait_log(ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(CL_WAIT_MS) * 1000;
	g_autofree gchar *log = NULL;

	do {
		g_free(log);
		log = arc_test_agent_get_log(agent->agent);
		if (log != NULL && strstr(log, needle) != NULL)
			return;
		g_usleep(100 * 1000);
	} while (g_get_monotonic_time() < deadline);
	g_printerr("log of %s never showed \"%s\":\n%s\n", agent->name, needle,
		   log != NULL ? log : "(none)");
	g_assert_not_reached();
}

static void
cl_wait_knows(ArcClusterAgent *agent, const gchar *peer_id)
{
	cl_wait_peers_contain(agent, peer_id);
}

/* @agent's `cluster status` comes to show @needle within CL_WAIT_MS */
static void
cl_wait_status(ArcClusterAgent *agent, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + arc_test_scale_ms(CL_WAIT_MS) * 1000;

	do {
		g_autoptr(ArcCliTestResult) st = arc_cluster_cli(agent, "cluster", "status", NULL);
		if (st->exit_code == 0 && strstr(st->out, needle) != NULL)
			return;
		if (g_get_monotonic_time() >= deadline) {
			g_printerr("status of %s never showed %s:\n%s%s\n", agent->name, needle,
				   st->out, st->err);
			g_assert_not_reached();
		}
		g_usleep(100 * 1000);
	} while (TRUE);
}

/* A adds B and C: both sides store each other, `peers list` shows them */
static void
cl_join_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcCliTestResult) add = NULL, list = NULL, get = NULL;
	g_autofree gchar *peers_b = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);

	add = arc_cluster_cli(a, "peers", "add", b->address, "--name", "bee", NULL);
	if (add->exit_code != 0) {
		g_autofree gchar *log = arc_test_agent_get_log(a->agent);
		g_printerr("%s%s\n%s", add->out, add->err, log);
	}
	g_assert_cmpint(add->exit_code, ==, 0);
	g_assert_cmpstr(add->err, ==, "");
	g_assert_nonnull(strstr(add->out, b->peer_id));
	g_assert_nonnull(strstr(add->out, "Is Local:       No"));
	g_assert_nonnull(strstr(add->out, "Name:           bee"));
	arc_cluster_join(a, c);

	list = arc_cluster_cli(a, "peers", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(list->out, "ID "));
	g_assert_nonnull(strstr(list->out, a->peer_id));
	g_assert_nonnull(strstr(list->out, b->peer_id));
	g_assert_nonnull(strstr(list->out, c->peer_id));
	g_assert_nonnull(strstr(list->out, b->address));
	g_assert_nonnull(strstr(list->out, c->address));

	/* B stored A, at the address A advertised and B reached back; B and C, which nobody
	 * introduced, met through the cluster (transitive discovery) */
	cl_wait_knows(b, c->peer_id);
	cl_wait_knows(c, b->peer_id);
	peers_b = arc_cluster_peers(b);
	g_assert_nonnull(strstr(peers_b, a->peer_id));
	g_assert_nonnull(strstr(peers_b, a->address));
	get = arc_cluster_cli(b, "peers", "get", a->peer_id, NULL);
	g_assert_cmpint(get->exit_code, ==, 0);
	g_assert_nonnull(strstr(get->out, "Is Local:       No"));
	/* agents run without CAP_NET_ADMIN: no tunnel counters that would read as a dead tunnel */
	g_assert_nonnull(strstr(get->out, "Tunnel:         data plane disabled on this agent"));

	{
		ArcClusterAgent *const all[] = {a, b, c};
		cl_assert_records_signed(a, all, G_N_ELEMENTS(all));
		cl_assert_records_signed(b, all, G_N_ELEMENTS(all));
	}
	/* `arctic cluster status`: the local registry and every stored peer; each agent's
	 * cluster credential is replicated */
	cl_wait_status(a, "credential 3, join_token 0, license 0, peer 3");
	{
		g_autoptr(ArcCliTestResult) st = arc_cluster_cli(a, "cluster", "status", NULL);
		g_autofree gchar *local = g_strconcat(a->peer_id, "*", NULL);
		g_assert_cmpint(st->exit_code, ==, 0);
		g_assert_nonnull(strstr(st->out, "Registry Hash:  "));
		g_assert_nonnull(strstr(st->out, "ID  "));
		g_assert_nonnull(strstr(st->out, local));
		g_assert_nonnull(strstr(st->out, b->peer_id));
		g_assert_nonnull(strstr(st->out, c->peer_id));
		g_assert_nonnull(strstr(st->out, "active"));
		/* what gossip observes of each other peer */
		g_assert_nonnull(strstr(st->out, "REACHABILITY"));
		g_assert_nonnull(strstr(st->out, "alive"));
		/* and what the tunnel says of them: nothing, the data plane being off */
		g_assert_nonnull(strstr(st->out, "TUNNEL"));
		g_assert_nonnull(strstr(st->out, "data plane disabled on this agent"));
	}

	/* an alias, changed later */
	{
		g_autoptr(ArcCliTestResult) upd =
			arc_cluster_cli(a, "peers", "update", b->peer_id, "--name", "bee-2", NULL);
		g_autofree gchar *peers_a = NULL;
		g_assert_cmpint(upd->exit_code, ==, 0);
		g_assert_nonnull(strstr(upd->out, "Name:           bee-2"));
		peers_a = arc_cluster_peers(a);
		g_assert_nonnull(strstr(peers_a, "\"bee-2\""));
		/* a name is the cluster's: B shows it too */
		cl_wait_peers_contain(b, "\"bee-2\"");
	}
}

/* "Connection Refused": nothing listens at the address */
static void
cl_connection_refused_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	before = arc_cluster_views(a, NULL);
	add = arc_cluster_cli(a, "peers", "add", closed + strlen("http://"), NULL);
	cl_assert_error_line(add, "handshake failed: connection refused");
	arc_cluster_assert_views(a, NULL, before);
	arc_cluster_assert_log(a, "failed at connect");
}

/* an agent that was never bootstrapped answers, but cannot join */
static void
cl_not_bootstrapped_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) fresh =
		arc_cluster_agent_new(a, "fresh", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	before = arc_cluster_views(a, NULL);
	add = arc_cluster_cli(a, "peers", "add", fresh->address, NULL);
	cl_assert_error_line(add, "handshake failed: the peer is not bootstrapped");
	arc_cluster_assert_log(fresh, "refused: handshake failed: the peer is not bootstrapped");
	arc_cluster_assert_views(a, NULL, before);
}

/* The receiving side of an unreachable path: B cannot reach A where A says it is. A
 * advertises a port nothing listens on. */
static void
cl_unreachable_back_func(void)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *conf =
		g_strdup_printf("[agent]\nadvertise=%s\n", closed + strlen("http://"));
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, conf);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	before = arc_cluster_views(a, b);
	add = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	cl_assert_error_line(add, "handshake failed: the peer cannot reach this agent at its "
				  "advertised address");
	arc_cluster_assert_log(b, "cannot reach");
	arc_cluster_assert_views(a, b, before);
}

/* "License Mismatch": B was bootstrapped with another customer's license; refused by
 * whichever side receives the handshake */
static void
cl_license_mismatch_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b = arc_cluster_agent_new(a, "agent-b", "cust_OTHER", 10, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) ab = NULL, ba = NULL, show_a = NULL, show_b = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	before = arc_cluster_views(a, b);

	ab = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	cl_assert_error_line(ab, "handshake failed: license mismatch");
	arc_cluster_assert_log(b, "refused: handshake failed: license mismatch");
	ba = arc_cluster_cli(b, "peers", "add", a->address, NULL);
	cl_assert_error_line(ba, "handshake failed: license mismatch");
	arc_cluster_assert_log(a, "refused: handshake failed: license mismatch");

	arc_cluster_assert_views(a, b, before);

	/* the guide's diagnosis: the license ids differ */
	show_a = arc_cluster_cli(a, "license", "show", NULL);
	show_b = arc_cluster_cli(a, "license", "show", "--url", b->url, NULL);
	g_assert_cmpint(show_a->exit_code, ==, 0);
	g_assert_cmpint(show_b->exit_code, ==, 0);
	{
		const gchar *id_a = strstr(show_a->out, "License ID:");
		const gchar *id_b = strstr(show_b->out, "License ID:");
		g_assert_nonnull(id_a);
		g_assert_nonnull(id_b);
		g_assert_false(strncmp(id_a, id_b, strcspn(id_a, "\n")) == 0);
	}
}

/* Runs @sql, with @peer_id as ?1, on @agent's database, which must change at least
 * @min_changes rows. The agent must be stopped. */
static void
cl_edit_db(ArcClusterAgent *agent, const gchar *sql, const gchar *peer_id, gint min_changes)
{
	g_autofree gchar *db =
		g_build_filename(arc_test_agent_get_data_dir(agent->agent), "arctic.db", NULL);
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;

	g_assert_cmpint(sqlite3_open(db, &handle), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	sqlite3_bind_text(stmt, 1, peer_id, -1, SQLITE_TRANSIENT);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_DONE);
	g_assert_cmpint(sqlite3_changes(handle), >=, min_changes);
	sqlite3_finalize(stmt);
	sqlite3_close(handle);
}

/* Replaces the public key stored for @peer_id in @agent's database, as a corrupted or
 * tampered record would have it. */
static void
cl_tamper_peer_key(ArcClusterAgent *agent, const gchar *peer_id)
{
	cl_edit_db(
		agent,
		"UPDATE records SET body = json_set(body, '$.public_key', "
		"'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=') WHERE kind = 'peer' AND id = ?1",
		peer_id, 1);
}

/* Removes every record about @peer_id from @agent's database, as a backup from before the
 * two met would have it. */
static void
cl_forget_peer(ArcClusterAgent *agent, const gchar *peer_id)
{
	cl_edit_db(agent, "DELETE FROM records WHERE id = ?1", peer_id, 1);
}

static void
cl_start(ArcClusterAgent *agent)
{
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_test_agent_start(agent->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* "Invalid Signature": a peer key that does not match its record. On the initiating side
 * A holds a tampered key for B; on the receiving side B holds one for A. */
static void
cl_invalid_signature_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) initiating = NULL, receiving = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_join(a, b);

	/* initiating side: A's record of B no longer matches B's key */
	ok = arc_test_agent_stop(a->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	cl_tamper_peer_key(a, b->peer_id);
	cl_start(a);
	before = arc_cluster_views(a, b);
	initiating = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	cl_assert_error_line(initiating, "handshake failed: invalid signature");
	arc_cluster_assert_log(a, "does not match its record");
	arc_cluster_assert_views(a, b, before);

	/* receiving side: A lost its record of B (a restored backup) and adds B again, but B's
	 * record of A was tampered */
	ok = arc_test_agent_stop(a->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	cl_forget_peer(a, b->peer_id);
	cl_tamper_peer_key(b, a->peer_id);
	cl_start(a);
	cl_start(b);
	g_clear_pointer(&before, g_free);
	before = arc_cluster_views(a, b);
	receiving = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	cl_assert_error_line(receiving, "handshake failed: invalid signature");
	arc_cluster_assert_log(b, "refused: handshake failed: invalid signature");
	arc_cluster_assert_views(a, b, before);
}

/* "Node Limit Exceeded": licenses for two nodes; A and B are a cluster. The receiving side
 * refuses C's handshake, the initiating side refuses before contacting anyone. */
static void
cl_node_limit_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 2, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 2, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 2, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) receiving = NULL, initiating = NULL, show = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);
	arc_cluster_join(a, b);
	before = arc_cluster_views(a, c);

	receiving = arc_cluster_cli(c, "peers", "add", a->address, NULL);
	cl_assert_error_line(receiving, "handshake failed: node limit exceeded");
	arc_cluster_assert_log(a, "refused: handshake failed: node limit exceeded");
	initiating = arc_cluster_cli(a, "peers", "add", c->address, NULL);
	cl_assert_error_line(initiating, "handshake failed: node limit exceeded");
	arc_cluster_assert_log(a, "failed at check");

	arc_cluster_assert_views(a, c, before);
	/* "Check your license limits: arctic license show" */
	show = arc_cluster_cli(a, "license", "show", NULL);
	g_assert_cmpint(show->exit_code, ==, 0);
	g_assert_nonnull(strstr(show->out, "Max Nodes:"));
	g_assert_nonnull(strstr(show->out, "2"));
}

/* "Peer Already Exists", then the guide's way out: list, delete with --yes, add again. The
 * receiving side refuses an agent that was reset (new peer id, same host key) while its
 * old record is still there. */
static void
cl_already_exists_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *before = NULL;
	g_autoptr(ArcCliTestResult) again = NULL, reverse = NULL, asked = NULL, del = NULL,
				    back = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_join(a, b);
	before = arc_cluster_views(a, b);
	again = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	cl_assert_error_line(again, "peer already exists in cluster");
	reverse = arc_cluster_cli(b, "peers", "add", a->address, NULL);
	cl_assert_error_line(reverse, "peer already exists in cluster");
	arc_cluster_assert_views(a, b, before);

	/* "If you need to re-add, delete first": without --yes the CLI asks, and with no
	 * terminal it refuses and deletes nothing */
	asked = arc_cluster_cli(a, "peers", "delete", b->peer_id, NULL);
	g_assert_cmpint(asked->exit_code, !=, 0);
	g_assert_nonnull(strstr(asked->err, "--yes"));
	g_assert_true(arc_cluster_knows(a, b->peer_id));
	del = arc_cluster_cli(a, "peers", "delete", b->peer_id, "--yes", NULL);
	g_assert_cmpint(del->exit_code, ==, 0);
	g_assert_false(arc_cluster_knows(a, b->peer_id));
	/* B is told, and forgets the cluster. Its log says so; its API cannot be asked, since the
	 * credential the test's CLI holds for B was minted by B and went with it
	 * (docs/auth.md), whether or not that revocation reached B before the removal did. */
	cl_wait_log(b, "this agent was removed from the cluster by peer");
	back = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	if (back->exit_code != 0)
		g_printerr("%s%s", back->out, back->err);
	g_assert_cmpint(back->exit_code, ==, 0);
	g_assert_true(arc_cluster_knows(a, b->peer_id));
	/* B's own credential stays revoked once B is back (gossip brings it the revocation):
	 * B's view is asked with A's */
	cl_wait_peers_contain_as(a, b, a->peer_id);
}

/* B is reset as the guide's recovery steps say: stop, remove arctic.db, start, bootstrap
 * again with the same license; peer.key stays, the peer id changes */
static void
cl_reset(ArcClusterAgent *b)
{
	g_autofree gchar *old_b = g_strdup(b->peer_id);
	g_autofree gchar *db = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	db = g_build_filename(arc_test_agent_get_data_dir(b->agent), "arctic.db", NULL);
	g_assert_cmpint(g_unlink(db), ==, 0);
	cl_start(b);
	g_remove(b->config);
	arc_cluster_agent_bootstrap(b);
	g_assert_cmpstr(b->peer_id, !=, old_b);
}

/* After the guide's recovery the next step, adding the agent back, works from either side
 * without deleting the old id by hand: the same key under a new id replaces the old record,
 * on the adding agent and, by gossip, on the others. */
static void
cl_recovery_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autofree gchar *first = NULL, *second = NULL;
	g_autoptr(ArcCliTestResult) from_b = NULL, from_a = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);
	arc_cluster_join(a, b);
	arc_cluster_join(a, c);
	cl_wait_knows(c, b->peer_id);

	/* from the recovered side */
	first = g_strdup(b->peer_id);
	cl_reset(b);
	from_b = arc_cluster_cli(b, "peers", "add", a->address, "--debug", NULL);
	if (from_b->exit_code != 0)
		g_printerr("%s%s", from_b->out, from_b->err);
	g_assert_cmpint(from_b->exit_code, ==, 0);
	g_assert_true(arc_cluster_knows(a, b->peer_id));
	g_assert_false(arc_cluster_knows(a, first));
	cl_wait_knows(c, b->peer_id);
	cl_wait_peers_lack(c, first);
	cl_wait_knows(b, c->peer_id);

	/* from a member */
	second = g_strdup(b->peer_id);
	cl_reset(b);
	from_a = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	if (from_a->exit_code != 0)
		g_printerr("%s%s", from_a->out, from_a->err);
	g_assert_cmpint(from_a->exit_code, ==, 0);
	g_assert_true(arc_cluster_knows(a, b->peer_id));
	g_assert_false(arc_cluster_knows(a, second));
	g_assert_true(arc_cluster_knows(b, a->peer_id));
	cl_wait_knows(c, b->peer_id);
	cl_wait_peers_lack(c, second);
}

/* The value of @key (client_id, client_secret) in the CLI config @text */
static gchar *
cl_config_value(const gchar *text, const gchar *key)
{
	g_autofree gchar *pattern = g_strdup_printf("%s\"?\\s*:\\s*\"?([A-Za-z0-9_-]+)", key);
	g_autoptr(GRegex) regex = g_regex_new(pattern, 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;

	g_assert_true(g_regex_match(regex, text, 0, &match));
	return g_match_info_fetch(match, 1);
}

/* @self's operator takes the client credential of @other's operator: one minted by @other,
 * which survives the removal of @self (credentials go with the peer that minted them) */
static void
cl_use_credential_of(ArcClusterAgent *self, ArcClusterAgent *other)
{
	g_autofree gchar *mine = NULL, *theirs = NULL;
	const gchar *keys[] = {"client_id", "client_secret"};

	g_assert_true(g_file_get_contents(self->config, &mine, NULL, NULL));
	g_assert_true(g_file_get_contents(other->config, &theirs, NULL, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree gchar *old = cl_config_value(mine, keys[i]);
		g_autofree gchar *new = cl_config_value(theirs, keys[i]);
		g_auto(GStrv) parts = g_strsplit(mine, old, -1);

		g_free(mine);
		mine = g_strjoinv(new, parts);
	}
	g_assert_true(g_file_set_contents(self->config, mine, -1, NULL));
}

/* The guide's delete, then re-add, in a cluster of three. The deleted agent learns that it
 * was removed and forgets its peers; gossip never brings it back; the operator's `peers
 * add` does, on every agent, also on C, which saw the deletion but was down during the
 * re-add and comes back holding the old revocation. */
static void
cl_delete_readd_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcCliTestResult) del = NULL, back = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *b_config = NULL, *b_client = NULL;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);
	arc_cluster_join(a, b);
	arc_cluster_join(a, c);
	cl_wait_knows(b, c->peer_id);
	cl_wait_knows(c, b->peer_id);

	del = arc_cluster_cli(a, "peers", "delete", b->peer_id, "--yes", NULL);
	g_assert_cmpint(del->exit_code, ==, 0);
	/* B's own credential goes with it (and is revoked on B once it is back): its operator
	 * asks with one of A's from here on */
	g_assert_true(g_file_get_contents(b->config, &b_config, NULL, NULL));
	b_client = cl_config_value(b_config, "client_id");
	if (strstr(del->out, b_client) == NULL)
		g_printerr("%s", del->out);
	g_assert_nonnull(strstr(del->out, b_client));
	cl_use_credential_of(b, a);
	cl_wait_peers_lack(b, a->peer_id);
	cl_wait_peers_lack(b, c->peer_id);
	arc_cluster_assert_log(b, "this agent was removed from the cluster by peer");
	cl_wait_peers_lack(c, b->peer_id);
	/* gossip does not resurrect it */
	g_usleep(2 * G_USEC_PER_SEC);
	g_assert_false(arc_cluster_knows(a, b->peer_id));
	g_assert_false(arc_cluster_knows(c, b->peer_id));

	ok = arc_test_agent_stop(c->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	back = arc_cluster_cli(a, "peers", "add", b->address, NULL);
	if (back->exit_code != 0)
		g_printerr("%s%s", back->out, back->err);
	g_assert_cmpint(back->exit_code, ==, 0);
	g_assert_true(arc_cluster_knows(b, a->peer_id));
	cl_start(c);
	cl_wait_knows(c, b->peer_id);
	cl_wait_knows(b, c->peer_id);
	/* and it stays: C's old tombstone and revocation do not remove it again */
	g_usleep(3 * G_USEC_PER_SEC);
	g_assert_true(arc_cluster_knows(a, b->peer_id));
	g_assert_true(arc_cluster_knows(c, b->peer_id));
	g_assert_true(arc_cluster_knows(b, a->peer_id));
	g_assert_true(arc_cluster_knows(b, c->peer_id));
}

/* the token `cluster join-token create` printed on @agent */
static gchar *
cl_create_join_token(ArcClusterAgent *agent)
{
	g_autoptr(ArcCliTestResult) res =
		arc_cluster_cli(agent, "cluster", "join-token", "create", "--ttl", "300", NULL);
	const gchar *line;

	if (res->exit_code != 0)
		g_printerr("%s%s", res->out, res->err);
	g_assert_cmpint(res->exit_code, ==, 0);
	line = strstr(res->out, "Token:");
	g_assert_nonnull(line);
	line += strlen("Token:");
	while (*line == ' ')
		line++;
	g_assert_true(g_str_has_prefix(line, "jt_"));
	return g_strndup(line, strcspn(line, "\n"));
}

/* `peers add` of a member from a new host with @token; the token may still be on its way to
 * that member by gossip (it was created on another) */
static ArcCliTestResult *
cl_join_with_token(ArcClusterAgent *from, ArcClusterAgent *to, const gchar *token)
{
	for (guint i = 0;; i++) {
		ArcCliTestResult *res = arc_cluster_cli(from, "peers", "add", to->address,
							"--join-token", token, NULL);
		if (res->exit_code == 0 || i == 20 ||
		    strstr(res->err, "join token invalid") == NULL)
			return res;
		arc_cli_test_result_free(res);
		g_usleep(200 * 1000);
	}
}

/* A member accepts an unknown initiator only with the cluster's consent: a license that
 * verifies (a stolen one, say) is not enough. The token is created on one member, used on
 * another, and only once. */
static void
cl_join_token_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) d =
		arc_cluster_agent_new(a, "agent-d", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcCliTestResult) bare = NULL, joined = NULL, again = NULL;
	g_autofree gchar *before = NULL, *token = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);
	arc_cluster_agent_bootstrap(d);
	arc_cluster_join(a, b);

	before = arc_cluster_views(a, c);
	bare = arc_cluster_cli(c, "peers", "add", a->address, NULL);
	cl_assert_error_line(bare, "handshake failed: this cluster requires a join token");
	arc_cluster_assert_log(a, "refused: handshake failed: this cluster requires a join token");
	arc_cluster_assert_views(a, c, before);
	/* --debug says why, in the words of the agent that refused */
	{
		g_autoptr(ArcCliTestResult) debug =
			arc_cluster_cli(c, "peers", "add", a->address, "--debug", NULL);
		g_assert_cmpint(debug->exit_code, ==, 1);
		g_assert_nonnull(strstr(debug->err, "arctic cluster join-token create"));
	}

	token = cl_create_join_token(a);
	joined = cl_join_with_token(c, b, token);
	if (joined->exit_code != 0)
		g_printerr("%s%s", joined->out, joined->err);
	g_assert_cmpint(joined->exit_code, ==, 0);
	g_assert_true(arc_cluster_knows(b, c->peer_id));
	g_assert_true(arc_cluster_knows(c, b->peer_id));
	/* C met A through the cluster, no token needed there */
	cl_wait_knows(a, c->peer_id);
	cl_wait_knows(c, a->peer_id);

	/* spent, on every member */
	g_clear_pointer(&before, g_free);
	before = arc_cluster_views(a, d);
	again = arc_cluster_cli(d, "peers", "add", a->address, "--join-token", token, NULL);
	cl_assert_error_line(again,
			     "handshake failed: join token invalid, expired or already used");
	arc_cluster_assert_views(a, d, before);
	/* --trace shows the request without the token */
	{
		g_autoptr(ArcCliTestResult) traced = arc_cluster_cli(
			d, "peers", "add", a->address, "--join-token", token, "--trace", NULL);
		g_assert_cmpint(traced->exit_code, ==, 1);
		g_assert_nonnull(strstr(traced->err, "join_token"));
		g_assert_null(strstr(traced->err, strchr(token, '.') + 1));
	}
}

/* the local peer cannot be deleted; it leaves with remove-self, and the others forget it */
static void
cl_remove_self_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c =
		arc_cluster_agent_new(a, "agent-c", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcCliTestResult) local = NULL, leave = NULL, rejoin = NULL, readd = NULL;
	g_autofree gchar *peers_c = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);
	arc_cluster_join(a, c);
	arc_cluster_join(c, b);

	local = arc_cluster_cli(c, "peers", "delete", c->peer_id, "--yes", NULL);
	g_assert_cmpint(local->exit_code, ==, 1);
	g_assert_true(g_str_has_prefix(local->err, "Error: cannot delete the local peer"));
	g_assert_nonnull(strstr(local->err, "remove-self"));

	leave = arc_cluster_cli(c, "peers", "remove-self", "--yes", NULL);
	g_assert_cmpint(leave->exit_code, ==, 0);
	g_assert_nonnull(strstr(leave->out, "left the cluster"));
	g_assert_nonnull(strstr(leave->out, "Notified: 2 peer(s)"));
	g_assert_false(arc_cluster_knows(a, c->peer_id));
	g_assert_false(arc_cluster_knows(b, c->peer_id));
	peers_c = arc_cluster_peers(c);
	g_assert_nonnull(strstr(peers_c, "\"deactivated\""));
	g_assert_null(strstr(peers_c, a->peer_id));

	/* it is out for good with this identity */
	rejoin = arc_cluster_cli(c, "peers", "add", a->address, NULL);
	cl_assert_error_line(rejoin, "this agent has left the cluster: reset it (remove arctic.db) "
				     "and bootstrap it again to join a cluster");
	readd = arc_cluster_cli(a, "peers", "add", c->address, NULL);
	cl_assert_error_line(readd, "handshake failed: peer has left the cluster");
	g_assert_false(arc_cluster_knows(a, c->peer_id));
}

/* "Enable Debug Logging": --debug shows each step, --trace each HTTP exchange with the
 * secrets hidden */
static void
cl_debug_trace_func(void)
{
	g_autoptr(ArcClusterAgent) a =
		arc_cluster_agent_new(NULL, "agent-a", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) b =
		arc_cluster_agent_new(a, "agent-b", ARC_CLUSTER_CUSTOMER, 10, NULL);
	g_autoptr(ArcClusterAgent) c = arc_cluster_agent_new(a, "agent-c", "cust_OTHER", 10, NULL);
	g_autoptr(ArcCliTestResult) debug = NULL, failed = NULL, trace = NULL;
	g_autofree gchar *config = NULL;
	const gchar *steps[] = {"check", "connect", "hello", "verify_reply", "confirm", "store"};

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_cluster_agent_bootstrap(a);
	arc_cluster_agent_bootstrap(b);
	arc_cluster_agent_bootstrap(c);

	debug = arc_cluster_cli(a, "peers", "add", b->address, "--debug", NULL);
	g_assert_cmpint(debug->exit_code, ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_autofree gchar *line = g_strdup_printf("handshake: %s ok", steps[i]);
		g_assert_nonnull(strstr(debug->err, line));
	}
	g_assert_nonnull(strstr(debug->out, b->peer_id));

	failed = arc_cluster_cli(a, "peers", "add", c->address, "--debug", NULL);
	g_assert_cmpint(failed->exit_code, ==, 1);
	g_assert_nonnull(strstr(failed->err, "handshake: hello FAILED"));
	g_assert_nonnull(strstr(failed->err, "reason license_mismatch"));
	g_assert_true(g_str_has_suffix(failed->err, "Error: handshake failed: license mismatch\n"));

	trace = arc_cluster_cli(a, "peers", "add", c->address, "--trace", NULL);
	g_assert_cmpint(trace->exit_code, ==, 1);
	g_assert_nonnull(strstr(trace->err, "POST"));
	g_assert_nonnull(strstr(trace->err, "/v1/peers"));
	g_assert_nonnull(strstr(trace->err, "422"));
	/* the client secret of A's CLI config must not appear */
	g_assert_true(g_file_get_contents(a->config, &config, NULL, NULL));
	{
		const gchar *secret = strstr(config, "client_secret: ");
		g_autofree gchar *value = NULL;
		g_assert_nonnull(secret);
		secret += strlen("client_secret: ");
		value = g_strndup(secret, strcspn(secret, "\n"));
		g_assert_null(strstr(trace->err, value));
	}
	g_assert_null(strstr(trace->err, "eyJ"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cluster/join", cl_join_func);
	g_test_add_func("/cluster/connection-refused", cl_connection_refused_func);
	g_test_add_func("/cluster/unreachable-back", cl_unreachable_back_func);
	g_test_add_func("/cluster/not-bootstrapped", cl_not_bootstrapped_func);
	g_test_add_func("/cluster/license-mismatch", cl_license_mismatch_func);
	g_test_add_func("/cluster/invalid-signature", cl_invalid_signature_func);
	g_test_add_func("/cluster/node-limit", cl_node_limit_func);
	g_test_add_func("/cluster/already-exists", cl_already_exists_func);
	g_test_add_func("/cluster/recovery", cl_recovery_func);
	g_test_add_func("/cluster/delete-readd", cl_delete_readd_func);
	g_test_add_func("/cluster/join-token", cl_join_token_func);
	g_test_add_func("/cluster/remove-self", cl_remove_self_func);
	g_test_add_func("/cluster/debug-trace", cl_debug_trace_func);
	return g_test_run();
}
