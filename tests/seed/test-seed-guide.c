/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>

#include "../cli/arc-cli-test-run.h"
#include "arc-test-agent.h"

/* spec/seed-handshake-failures.txt, the parts that exist before peers: every command it
 * gives, as written, against real agents and the real CLI. */

static gchar *
seed_write_license(ArcTestAgent *agent, const gchar *customer, const gchar *name)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	g_autofree gchar *license =
		arc_test_agent_make_license(agent, customer, now - 60, now + 300 * 86400, 5, 10);
	gchar *path = g_build_filename(arc_test_agent_get_tmpdir(agent), name, NULL);
	g_assert_true(g_file_set_contents(path, license, -1, NULL));
	return path;
}

static ArcTestAgent *
seed_agent(const gchar *customer, gchar **url, gchar **license)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	*url = arc_test_agent_get_base_url(agent);
	*license = seed_write_license(agent, customer, "license.json");
	return g_steal_pointer(&agent);
}

static gchar *
seed_value(const gchar *out, const gchar *label)
{
	const gchar *at = strstr(out, label);
	const gchar *end;

	if (at == NULL)
		return NULL;
	at += strlen(label);
	while (*at == ' ')
		at++;
	end = strchr(at, '\n');
	return g_strndup(at, end != NULL ? (gsize)(end - at) : strlen(at));
}

/* "Check license IDs on both agents": arctic license show, and with --url on the remote agent,
 * which belongs to another cluster (the situation the guide troubleshoots) */
static void
seed_license_show_func(void)
{
	g_autofree gchar *url_a = NULL, *url_b = NULL, *lic_a = NULL, *lic_b = NULL;
	G_GNUC_UNUSED g_autoptr(ArcTestAgent) a = seed_agent("cust_SEEDA", &url_a, &lic_a);
	g_autoptr(ArcTestAgent) b = seed_agent("cust_SEEDB", &url_b, &lic_b);
	g_autoptr(ArcCliTestResult) boot_a = NULL, boot_b = NULL, local = NULL, remote = NULL;
	g_autofree gchar *local_id = NULL, *remote_id = NULL, *boot_b_id = NULL;
	g_autofree gchar *config_b =
		g_build_filename(arc_test_agent_get_tmpdir(b), "cfg.yaml", NULL);
	const gchar *env_b[] = {NULL, NULL};
	g_autofree gchar *env_b0 = g_strconcat("ARCTIC_CONFIG=", config_b, NULL);

	ARC_CLI_TEST_REQUIRE_CLI();
	boot_a = arc_cli_test_runv("bootstrap", "--url", url_a, "--license-file", lic_a, NULL);
	g_assert_cmpint(boot_a->exit_code, ==, 0);
	/* B is bootstrapped by someone else, into a config file of their own */
	env_b[0] = env_b0;
	{
		const gchar *args[] = {"bootstrap", "--url", url_b, "--license-file", lic_b, NULL};
		boot_b = arc_cli_test_run(env_b, args);
	}
	g_assert_cmpint(boot_b->exit_code, ==, 0);
	boot_b_id = seed_value(boot_b->out, "License ID:");

	local = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(local->exit_code, ==, 0);
	local_id = seed_value(local->out, "License ID:");
	g_assert_nonnull(local_id);
	g_assert_true(g_str_has_prefix(local_id, "lic_"));

	remote = arc_cli_test_runv("license", "show", "--url", url_b, NULL);
	g_assert_cmpint(remote->exit_code, ==, 0);
	remote_id = seed_value(remote->out, "License ID:");
	g_assert_cmpstr(remote_id, ==, boot_b_id);
	g_assert_cmpstr(remote_id, !=, local_id);
}

/* "Recovery Steps": stop the agent, remove the database, start it, bootstrap again with
 * `arctic bootstrap --url http://localhost:8080 --license-file license.json` */
static void
seed_recovery_func(void)
{
	g_autofree gchar *url = NULL, *license = NULL, *db = NULL, *localhost_url = NULL;
	g_autoptr(ArcTestAgent) agent = seed_agent("cust_SEEDR", &url, &license);
	g_autoptr(ArcCliTestResult) first = NULL, again = NULL, refused = NULL, id1 = NULL,
				    id2 = NULL, down = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *peer1 = NULL, *peer2 = NULL, *key1 = NULL, *key2 = NULL;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	first = arc_cli_test_runv("bootstrap", "--url", url, "--license-file", license, NULL);
	g_assert_cmpint(first->exit_code, ==, 0);
	refused = arc_cli_test_runv("bootstrap", "--url", url, "--license-file", license, NULL);
	g_assert_cmpint(refused->exit_code, ==, 1);
	g_assert_nonnull(strstr(refused->err, "agent is already bootstrapped"));
	id1 = arc_cli_test_runv("cluster", "identity", NULL);
	peer1 = seed_value(id1->out, "Peer ID:");
	/* "List existing peers: arctic peers list" */
	{
		g_autoptr(ArcCliTestResult) list = arc_cli_test_runv("peers", "list", NULL);
		g_assert_cmpint(list->exit_code, ==, 0);
		g_assert_true(g_str_has_prefix(list->out, "ID "));
		g_assert_nonnull(strstr(list->out, "ADDRESS"));
		g_assert_nonnull(strstr(list->out, peer1));
	}
	key1 = seed_value(id1->out, "Public Key:");

	ok = arc_test_agent_stop(agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	down = arc_cli_test_runv("health", "--url", url, NULL);
	g_assert_cmpint(down->exit_code, ==, 4);

	db = g_build_filename(arc_test_agent_get_data_dir(agent), "arctic.db", NULL);
	g_assert_cmpint(g_unlink(db), ==, 0);
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	localhost_url = g_strdup_printf("http://localhost:%u", arc_test_agent_get_port(agent));
	again = arc_cli_test_runv("bootstrap", "--url", localhost_url, "--license-file", license,
				  NULL);
	g_assert_cmpint(again->exit_code, ==, 0);
	id2 = arc_cli_test_runv("cluster", "identity", NULL);
	peer2 = seed_value(id2->out, "Peer ID:");
	key2 = seed_value(id2->out, "Public Key:");
	/* a new peer, but the host keeps its key: peer.key was not removed */
	g_assert_cmpstr(peer1, !=, peer2);
	g_assert_cmpstr(key1, ==, key2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/seed/license-show", seed_license_show_func);
	g_test_add_func("/seed/recovery-steps", seed_recovery_func);
	return g_test_run();
}
