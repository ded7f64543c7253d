/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "arc-cli-config.h"
#include "arc-cli-test-run.h"
#include "arc-test-agent.h"

/* `arctic compose` against three built arctic-agents on 127.0.0.1, none bootstrapped at the
 * start: apply bootstraps, joins and creates; apply again, export then apply, and --dry-run
 * change nothing; --prune deletes what the file does not name; diff shows the difference. */

#define ARC_TEST_AGENTS 3

typedef struct {
	ArcTestAgent *agents[ARC_TEST_AGENTS];
	gchar *addresses[ARC_TEST_AGENTS];
	gchar *license;
	gchar *compose;
} ArcTestFixture;

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *license = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	if (g_getenv("ARCTIC_CLI") == NULL)
		return;
	for (guint i = 0; i < ARC_TEST_AGENTS; i++) {
		fixture->agents[i] = arc_test_agent_new();
		if (i > 0)
			arc_test_agent_share_issuer(fixture->agents[i], fixture->agents[0]);
		arc_test_agent_add_config(fixture->agents[i],
					  "[peers]\nhandshake_timeout=4\nreach_back_timeout=2\n");
		ok = arc_test_agent_start(fixture->agents[i], &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		fixture->addresses[i] = arc_test_agent_get_address(fixture->agents[i]);
	}
	license = arc_test_agent_make_default_license(fixture->agents[0]);
	fixture->license = arc_test_agent_build_path(fixture->agents[0], "license.json");
	g_assert_true(g_file_set_contents(fixture->license, license, -1, NULL));
	fixture->compose = arc_test_agent_build_path(fixture->agents[0], "cluster.yaml");
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	for (guint i = 0; i < ARC_TEST_AGENTS; i++) {
		g_clear_object(&fixture->agents[i]);
		g_free(fixture->addresses[i]);
	}
	g_free(fixture->license);
	g_free(fixture->compose);
}

/* Three peers; web a->b with two routes, db b->c with one route and a QoS cap */
static void
arc_test_write_compose(ArcTestFixture *fixture, guint db_priority, gboolean with_extra)
{
	g_autofree gchar *text = g_strdup_printf(
		"version: v1\n"
		"license: license.json\n"
		"peers:\n"
		"- name: agent-a\n  address: '%s'\n"
		"- name: agent-b\n  address: '%s'\n"
		"- name: agent-c\n  address: '%s'\n"
		"services:\n"
		"- name: web\n  source_peer: agent-a\n  target_peer: agent-b\n"
		"  transport_type: tcp\n"
		"  routes:\n"
		"  - priority: 100\n    source_cidr: 10.0.0.0/8\n    dest_cidr: 192.168.100.0/24\n"
		"  - priority: 50\n    dest_cidr: 192.168.200.0/24\n"
		"- name: db\n  source_peer: agent-b\n  target_peer: agent-c\n"
		"  transport_type: kcp\n  qos:\n    bandwidth_limit_mbps: 100\n"
		"  routes:\n"
		"  - priority: %u\n    dest_cidr: 172.16.0.0/12\n"
		"%s",
		fixture->addresses[0], fixture->addresses[1], fixture->addresses[2], db_priority,
		with_extra ? "- name: extra\n  source_peer: agent-c\n  target_peer: agent-a\n"
			     "  transport_type: tcp\n  routes:\n  - priority: 1\n"
			     "    dest_cidr: 10.9.0.0/16\n"
			   : "");

	g_assert_true(g_file_set_contents(fixture->compose, text, -1, NULL));
}

static ArcCliTestResult *
arc_test_compose(const gchar *subcommand, const gchar *file, const gchar *flag1, const gchar *flag2)
{
	ArcCliTestResult *result =
		arc_cli_test_runv("compose", subcommand, file, flag1, flag2, NULL);

	if (result->exit_code != 0)
		g_test_message("compose %s exit %d\nout:\n%s\nerr:\n%s", subcommand,
			       result->exit_code, result->out, result->err);
	return result;
}

/* The number of services each agent lists, through the CLI's saved credentials */
static JsonArray *
arc_test_services(ArcTestFixture *fixture, guint agent, JsonNode **holder)
{
	g_autofree gchar *url = arc_test_agent_get_base_url(fixture->agents[agent]);
	g_autoptr(ArcCliTestResult) list =
		arc_cli_test_runv("--url", url, "-j", "services", "list", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();

	/* the cluster credential reaches the other agents by gossip */
	if (list->exit_code != 0) {
		*holder = json_node_init_array(json_node_alloc(), json_array_new());
		return json_node_get_array(*holder);
	}
	g_assert_true(json_parser_load_from_data(parser, list->out, -1, NULL));
	*holder = json_node_copy(json_parser_get_root(parser));
	return json_node_get_array(*holder);
}

static gboolean
arc_test_has_service(JsonArray *services, const gchar *name)
{
	for (guint i = 0; i < json_array_get_length(services); i++) {
		JsonObject *service = json_array_get_object_element(services, i);
		if (g_strcmp0(json_object_get_string_member_with_default(service, "name", ""),
			      name) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
arc_test_apply_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) dry = NULL;
	g_autoptr(ArcCliTestResult) apply = NULL;
	g_autoptr(ArcCliTestResult) again = NULL;
	g_autoptr(ArcCliTestResult) peers = NULL;
	g_autoptr(JsonNode) holder = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *credentials = NULL;
	g_autofree gchar *credentials_text = NULL;
	g_autofree gchar *a_url = NULL;
	JsonArray *services;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_write_compose(fixture, 10, FALSE);
	credentials = arc_test_agent_build_path(fixture->agents[0], "credentials.json");

	/* a dry run plans everything and changes nothing */
	dry = arc_test_compose("apply", fixture->compose, "--dry-run", NULL);
	g_assert_cmpint(dry->exit_code, ==, 0);
	g_assert_nonnull(strstr(dry->out, "Validating "));
	g_assert_nonnull(strstr(dry->out, "OK - Configuration is valid\n"));
	g_assert_nonnull(strstr(dry->out, "+ bootstrap peer agent-a"));
	g_assert_nonnull(strstr(dry->out, "+ join peer agent-c"));
	g_assert_nonnull(
		strstr(dry->out, "+ create service web (agent-a -> agent-b, tcp, 2 routes)"));
	g_assert_nonnull(strstr(dry->out, "Plan: 3 to bootstrap, 2 to join, 2 to create"));
	a_url = arc_test_agent_get_base_url(fixture->agents[0]);
	{
		guint status = 0;
		g_autoptr(JsonNode) identity = arc_test_agent_call(
			fixture->agents[0], "GET", "/v1/cluster/identity", NULL, NULL, &status);
		g_assert_true(arc_test_json_is_null(identity, "peer_id"));
	}

	apply = arc_test_compose("apply", fixture->compose, "--credentials-file", credentials);
	g_assert_cmpint(apply->exit_code, ==, 0);
	g_assert_nonnull(strstr(apply->out, "Apply complete: 7 changes.\n"));
	ok = g_file_get_contents(credentials, &credentials_text, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_nonnull(strstr(credentials_text, "\"client_secret\""));

	/* every agent serves both services, through the saved config */
	for (guint i = 0; i < ARC_TEST_AGENTS; i++) {
		gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

		for (;;) {
			g_clear_pointer(&holder, json_node_unref);
			services = arc_test_services(fixture, i, &holder);
			if ((arc_test_has_service(services, "web") &&
			     arc_test_has_service(services, "db")) ||
			    g_get_monotonic_time() > deadline)
				break;
			g_usleep(200 * 1000);
		}
		g_assert_true(arc_test_has_service(services, "web"));
		g_assert_true(arc_test_has_service(services, "db"));
	}
	peers = arc_cli_test_runv("peers", "list", NULL);
	g_assert_cmpint(peers->exit_code, ==, 0);
	g_assert_nonnull(strstr(peers->out, "agent-c"));

	/* idempotent */
	again = arc_test_compose("apply", fixture->compose, NULL, NULL);
	g_assert_cmpint(again->exit_code, ==, 0);
	g_assert_nonnull(strstr(again->out, "No changes: the cluster matches the file.\n"));
}

static void
arc_test_apply_initial(ArcTestFixture *fixture)
{
	g_autoptr(ArcCliTestResult) apply = NULL;

	arc_test_write_compose(fixture, 10, FALSE);
	apply = arc_test_compose("apply", fixture->compose, "--license-file", fixture->license);
	g_assert_cmpint(apply->exit_code, ==, 0);
}

/* diff shows a priority change as an update; apply makes it; export then apply is a no-op */
static void
arc_test_diff_export_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) diff = NULL;
	g_autoptr(ArcCliTestResult) apply = NULL;
	g_autoptr(ArcCliTestResult) export = NULL;
	g_autoptr(ArcCliTestResult) reapply = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autofree gchar *exported = NULL;
	g_autofree gchar *exported_text = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_apply_initial(fixture);
	arc_test_write_compose(fixture, 20, FALSE);
	diff = arc_test_compose("diff", fixture->compose, NULL, NULL);
	g_assert_cmpint(diff->exit_code, ==, 0);
	g_assert_nonnull(strstr(diff->out, "~ update route db any -> 172.16.0.0/12"));
	g_assert_nonnull(strstr(diff->out, "    priority: 10 -> 20\n"));
	g_assert_nonnull(strstr(diff->out, "Plan: 0 to bootstrap, 0 to join, 0 to create, "
					   "1 to update, 0 to delete.\n"));
	json = arc_cli_test_runv("-j", "compose", "diff", fixture->compose, NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	g_assert_nonnull(strstr(json->out, "\"update_route\""));

	apply = arc_test_compose("apply", fixture->compose, NULL, NULL);
	g_assert_cmpint(apply->exit_code, ==, 0);
	g_assert_nonnull(strstr(apply->out, "Apply complete: 1 change.\n"));

	exported = arc_test_agent_build_path(fixture->agents[1], "exported.yaml");
	export = arc_test_compose("export", "--file", exported, NULL);
	g_assert_cmpint(export->exit_code, ==, 0);
	g_assert_true(g_file_get_contents(exported, &exported_text, NULL, NULL));
	g_assert_nonnull(strstr(exported_text, "name: db\n"));
	g_assert_nonnull(strstr(exported_text, "priority: 20\n"));
	reapply = arc_test_compose("apply", exported, NULL, NULL);
	g_assert_cmpint(reapply->exit_code, ==, 0);
	g_assert_nonnull(strstr(reapply->out, "No changes: the cluster matches the file.\n"));
}

/* a service the file no longer names is kept, and deleted with --prune */
static void
arc_test_prune_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) add = NULL;
	g_autoptr(ArcCliTestResult) keep = NULL;
	g_autoptr(ArcCliTestResult) prune = NULL;
	g_autoptr(JsonNode) holder = NULL;
	JsonArray *services;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_write_compose(fixture, 10, TRUE);
	add = arc_test_compose("apply", fixture->compose, "--license-file", fixture->license);
	g_assert_cmpint(add->exit_code, ==, 0);
	services = arc_test_services(fixture, 0, &holder);
	g_assert_true(arc_test_has_service(services, "extra"));

	arc_test_write_compose(fixture, 10, FALSE);
	keep = arc_test_compose("apply", fixture->compose, NULL, NULL);
	g_assert_cmpint(keep->exit_code, ==, 0);
	g_assert_nonnull(strstr(keep->out, "- delete service extra"));
	g_assert_nonnull(strstr(keep->out, "(kept: not in the file; --prune deletes it)"));
	g_assert_nonnull(strstr(keep->out, "No changes"));

	prune = arc_test_compose("apply", fixture->compose, "--prune", NULL);
	g_assert_cmpint(prune->exit_code, ==, 0);
	g_assert_nonnull(strstr(prune->out, "Apply complete: 1 change.\n"));
	g_clear_pointer(&holder, json_node_unref);
	services = arc_test_services(fixture, 0, &holder);
	g_assert_false(arc_test_has_service(services, "extra"));
	g_assert_true(arc_test_has_service(services, "web"));
}

/* an unreachable peer stops apply before any change, unless --ignore-unreachable */
static void
arc_test_unreachable_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) apply = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_write_compose(fixture, 10, FALSE);
	ok = arc_test_agent_stop(fixture->agents[2], NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	apply = arc_test_compose("apply", fixture->compose, "--license-file", fixture->license);
	g_assert_cmpint(apply->exit_code, ==, 4);
	g_assert_nonnull(strstr(apply->err, "peer agent-c ("));
	{
		guint status = 0;
		g_autoptr(JsonNode) identity = arc_test_agent_call(
			fixture->agents[0], "GET", "/v1/cluster/identity", NULL, NULL, &status);
		g_assert_true(arc_test_json_is_null(identity, "peer_id"));
	}
}

/* the license allows one service, the file has two: apply stops at the second, and the
 * credential of the cluster it bootstrapped is kept (file and CLI config) all the same */
static void
arc_test_apply_fails_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) apply = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *credentials = NULL;
	g_autofree gchar *credentials_text = NULL;
	g_autofree gchar *license = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gboolean ok;

	ARC_CLI_TEST_REQUIRE_CLI();
	license = arc_test_agent_make_license(fixture->agents[0], ARC_TEST_CUSTOMER_ID, now - 3600,
					      now + 365 * 24 * 3600, 10, 1);
	g_assert_true(g_file_set_contents(fixture->license, license, -1, NULL));
	arc_test_write_compose(fixture, 10, FALSE);
	credentials = arc_test_agent_build_path(fixture->agents[0], "credentials.json");

	apply = arc_test_compose("apply", fixture->compose, "--credentials-file", credentials);
	g_assert_cmpint(apply->exit_code, ==, 1);
	g_assert_nonnull(strstr(apply->err, "Error: create service db"));
	ok = g_file_get_contents(credentials, &credentials_text, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_nonnull(strstr(credentials_text, "\"client_secret\""));
	/* the saved configuration reaches the cluster: the service created before the stop */
	list = arc_cli_test_runv("services", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_nonnull(strstr(list->out, "agent-a  agent-b  tcp"));
	g_assert_null(strstr(list->out, "agent-b  agent-c"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/compose/apply", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_apply_func, arc_test_fixture_teardown);
	g_test_add("/cli/compose/apply-fails", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_apply_fails_func, arc_test_fixture_teardown);
	g_test_add("/cli/compose/diff-export", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_diff_export_func, arc_test_fixture_teardown);
	g_test_add("/cli/compose/prune", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_prune_func, arc_test_fixture_teardown);
	g_test_add("/cli/compose/unreachable", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_unreachable_func, arc_test_fixture_teardown);
	return g_test_run();
}
