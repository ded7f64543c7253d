/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "arc-cli-config.h"
#include "arc-cli-test-run.h"
#include "arc-test-agent.h"

/* The cluster commands and endpoint failover against the built arctic-agent, bootstrapped
 * with the real CLI into the test's default CLI config */

typedef struct {
	ArcTestAgent *agent;
	gchar *url;
	gchar *cluster_id;
} ArcTestFixture;

static gchar *
arc_test_value(const gchar *out, const gchar *label)
{
	const gchar *at = strstr(out, label);

	if (at == NULL)
		return NULL;
	at += strlen(label);
	while (*at == ' ')
		at++;
	return g_strndup(at, strcspn(at, "\n"));
}

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = NULL;
	g_autofree gchar *license_path = NULL;
	g_autoptr(ArcCliTestResult) boot = NULL;
	gboolean ok;

	if (g_getenv("ARCTIC_CLI") == NULL)
		return;
	fixture->agent = arc_test_agent_new();
	ok = arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fixture->url = arc_test_agent_get_base_url(fixture->agent);
	license = arc_test_agent_make_default_license(fixture->agent);
	license_path = arc_test_agent_build_path(fixture->agent, "license.json");
	g_assert_true(g_file_set_contents(license_path, license, -1, NULL));
	boot = arc_cli_test_runv("bootstrap", "--url", fixture->url, "--license-file", license_path,
				 "--name", "agent-a", NULL);
	g_assert_cmpint(boot->exit_code, ==, 0);
	fixture->cluster_id = arc_test_value(boot->out, "Cluster ID:");
	g_assert_nonnull(fixture->cluster_id);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	g_clear_object(&fixture->agent);
	g_free(fixture->url);
	g_free(fixture->cluster_id);
}

static ArcCliConfig *
arc_test_load_config(void)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);
	g_autoptr(GError) error = NULL;

	arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	return g_steal_pointer(&config);
}

static ArcCliCluster *
arc_test_load_cluster(ArcTestFixture *fixture)
{
	g_autoptr(ArcCliConfig) config = arc_test_load_config();
	ArcCliCluster *cluster = arc_cli_config_get_cluster(config, fixture->cluster_id);

	g_assert_nonnull(cluster);
	return cluster;
}

/* The default peer's first endpoint is down: the agent at the second answers */
static void
arc_test_failover_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *closed = arc_cli_test_closed_port_url();
	g_autofree gchar *warning = NULL;
	g_autoptr(ArcCliConfig) config = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(ArcCliTestResult) down = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	config = arc_test_load_config();
	cluster = arc_cli_config_get_cluster(config, fixture->cluster_id);
	g_ptr_array_insert(arc_cli_cluster_get_default_peer(cluster)->endpoints, 0,
			   g_strdup(closed));
	arc_cli_config_set_cluster(config, cluster);
	ok = arc_cli_config_save(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	list = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_nonnull(strstr(list->out, "agent-a"));
	warning = g_strdup_printf("Warning: %s unreachable (connection refused), trying %s\n",
				  closed, fixture->url);
	g_assert_cmpstr(list->err, ==, warning);

	/* every endpoint down: the usual error */
	ok = arc_test_agent_stop(fixture->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	down = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(down->exit_code, ==, 4);
	g_assert_true(g_str_has_suffix(down->err, "Error: connection refused\n"));
}

/* The new secret goes into the config and works; the old one works too, for 24 hours */
static void
arc_test_rotate_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliCluster) before = NULL;
	g_autoptr(ArcCliCluster) after = NULL;
	g_autoptr(ArcCliTestResult) shown = NULL;
	g_autoptr(ArcCliTestResult) rotate = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(ArcCliTestResult) version = NULL;
	g_autofree gchar *printed = NULL;
	g_autofree gchar *note = NULL;
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autofree gchar *old_token = NULL;
	g_autoptr(GError) error = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	before = arc_test_load_cluster(fixture);
	shown = arc_cli_test_runv("cluster", "credentials", NULL);
	g_assert_cmpint(shown->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(shown->out, "Client ID:      "));
	g_assert_nonnull(strstr(shown->out, before->client_id));
	g_assert_nonnull(strstr(shown->out, "Version:        1\n"));

	rotate = arc_cli_test_runv("credentials", "rotate", "--update-config", NULL);
	g_assert_cmpint(rotate->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(rotate->out, "Cluster credential rotated\n"));
	g_assert_nonnull(strstr(rotate->out, "Version:        2\n"));
	note = g_strdup_printf("Configuration updated: %s\n", path);
	g_assert_true(g_str_has_suffix(rotate->out, note));
	printed = arc_test_value(rotate->out, "Client Secret:");

	after = arc_test_load_cluster(fixture);
	g_assert_cmpstr(after->client_id, ==, before->client_id);
	g_assert_cmpstr(after->client_secret, ==, printed);
	g_assert_cmpstr(after->client_secret, !=, before->client_secret);

	/* a fresh token with the new secret */
	list = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_cmpstr(list->err, ==, "");
	/* the old secret is still accepted (grace) */
	old_token = arc_test_agent_token(fixture->agent, before->client_id, before->client_secret,
					 &error);
	g_assert_no_error(error);
	g_assert_nonnull(old_token);

	version = arc_cli_test_runv("cluster", "credentials", NULL);
	g_assert_cmpint(version->exit_code, ==, 0);
	g_assert_nonnull(strstr(version->out, "Version:        2\n"));
}

static void
arc_test_sync_init_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) sync = NULL;
	g_autoptr(ArcCliTestResult) init = NULL;
	g_autofree gchar *line = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	sync = arc_cli_test_runv("cluster", "sync", NULL);
	g_assert_cmpint(sync->exit_code, ==, 0);
	g_assert_cmpstr(sync->out, ==, "Cluster sync triggered\n");

	/* a bootstrapped agent has its cluster already */
	init = arc_cli_test_runv("cluster", "init", NULL);
	g_assert_cmpint(init->exit_code, ==, 0);
	line = g_strdup_printf("Cluster ID:     %s\n", fixture->cluster_id);
	g_assert_nonnull(strstr(init->out, line));
	g_assert_nonnull(strstr(init->out, "Was Created:    false\n"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/agent/failover", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_failover_func, arc_test_fixture_teardown);
	g_test_add("/cli/agent/rotate", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_rotate_func, arc_test_fixture_teardown);
	g_test_add("/cli/agent/sync-init", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_sync_init_func, arc_test_fixture_teardown);
	return g_test_run();
}
