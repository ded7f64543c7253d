/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-cli-test-run.h"
#include "arc-test-agent.h"
#include "arc-test-license.h"

/* `arctic license update` and the license warning against the built arctic-agent, bootstrapped
 * with the real CLI into the test's default CLI config (docs/license.md) */

typedef struct {
	ArcTestAgent *agent;
	gchar *url;
} ArcTestFixture;

static gchar *
arc_test_write_license(ArcTestFixture *fixture, const gchar *name, const gchar *license)
{
	gchar *path = arc_test_agent_build_path(fixture->agent, name);

	g_assert_true(g_file_set_contents(path, license, -1, NULL));
	return path;
}

static gchar *
arc_test_license_id(const gchar *license)
{
	g_autoptr(JsonNode) node = json_from_string(license, NULL);
	return g_strdup(json_object_get_string_member(json_node_get_object(node), "license_id"));
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
	license_path = arc_test_write_license(fixture, "license.json", license);
	boot = arc_cli_test_runv("bootstrap", "--url", fixture->url, "--license-file", license_path,
				 NULL);
	g_assert_cmpint(boot->exit_code, ==, 0);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	g_clear_object(&fixture->agent);
	g_free(fixture->url);
}

/* a read_only agent: one warning on stderr per command, nothing of it on stdout; `license
 * update` renews, after which the warning is gone */
static void
arc_test_update_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *fresh = NULL;
	g_autofree gchar *fresh_id = NULL;
	g_autofree gchar *fresh_path = NULL;
	g_autoptr(ArcCliTestResult) status = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) update = NULL;
	g_autoptr(ArcCliTestResult) after = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *object;
	const gchar *warning;

	ARC_CLI_TEST_REQUIRE_CLI();
	arc_test_license_age(fixture->agent, -20 * ARC_TEST_DAY);

	status = arc_cli_test_runv("license", "status", NULL);
	g_assert_cmpint(status->exit_code, ==, 0);
	g_assert_nonnull(strstr(status->out, "State:"));
	g_assert_nonnull(strstr(status->out, "read_only"));
	g_assert_nonnull(strstr(status->out, "the agent is read-only"));
	warning = strstr(
		status->err,
		"Warning: the license has expired and the agent is read-only: peers, services and "
		"routes cannot be changed");
	g_assert_nonnull(warning);
	g_assert_null(strstr(warning + 1, "Warning: the license"));

	/* -j: the data alone on stdout, the warning on stderr */
	json = arc_cli_test_runv("peers", "list", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	g_assert_null(strstr(json->out, "Warning"));
	g_assert_nonnull(
		strstr(json->err, "Warning: the license has expired and the agent is read-only"));

	fresh = arc_test_license_expiring(fixture->agent, 365 * ARC_TEST_DAY);
	fresh_id = arc_test_license_id(fresh);
	fresh_path = arc_test_write_license(fixture, "renewed.json", fresh);
	update = arc_cli_test_runv("license", "update", "--license-file", fresh_path, "-j", NULL);
	g_assert_cmpint(update->exit_code, ==, 0);
	object = arc_cli_test_parse_object(update->out, &node);
	g_assert_cmpstr(json_object_get_string_member(object, "license_id"), ==, fresh_id);
	g_assert_cmpstr(json_object_get_string_member(object, "state"), ==, "valid");
	g_assert_null(strstr(update->err, "Warning"));

	after = arc_cli_test_runv("license", "show", NULL);
	g_assert_cmpint(after->exit_code, ==, 0);
	g_assert_nonnull(strstr(after->out, fresh_id));
	g_assert_cmpstr(after->err, ==, "");
}

static void
arc_test_update_refused_func(ArcTestFixture *fixture, gconstpointer data)
{
	gint64 now = arc_test_license_now();
	g_autofree gchar *other = NULL;
	g_autofree gchar *other_path = NULL;
	g_autoptr(ArcCliTestResult) missing = NULL;
	g_autoptr(ArcCliTestResult) mismatch = NULL;
	g_autoptr(ArcCliTestResult) unreadable = NULL;
	g_autoptr(ArcCliTestResult) help = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	missing = arc_cli_test_runv("license", "update", NULL);
	g_assert_cmpint(missing->exit_code, ==, 2);
	g_assert_nonnull(strstr(missing->err, "--license-file is required"));

	unreadable =
		arc_cli_test_runv("license", "update", "--license-file", "/nonexistent.json", NULL);
	g_assert_cmpint(unreadable->exit_code, ==, 1);
	g_assert_nonnull(strstr(unreadable->err, "failed to read license file"));

	other = arc_test_agent_make_license(fixture->agent, "cust_OTHERCUSTOMER", now - 10,
					    now + 2 * 365 * ARC_TEST_DAY, 10, 100);
	other_path = arc_test_write_license(fixture, "other.json", other);
	mismatch = arc_cli_test_runv("license", "update", "--license-file", other_path, NULL);
	g_assert_cmpint(mismatch->exit_code, ==, 1);
	g_assert_nonnull(strstr(mismatch->err, "cust_OTHERCUSTOMER"));
	g_assert_cmpstr(mismatch->out, ==, "");

	help = arc_cli_test_runv("license", "update", "--help", NULL);
	g_assert_cmpint(help->exit_code, ==, 0);
	g_assert_nonnull(strstr(help->out, "--license-file"));
	g_assert_nonnull(strstr(help->out, "renewed license"));
}

/* the built agent reports the nodes in use: one, itself, right after bootstrap */
static void
arc_test_show_nodes_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) show = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(JsonNode) node = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	show = arc_cli_test_runv("license", "show", "--trace", NULL);
	g_assert_cmpint(show->exit_code, ==, 0);
	g_assert_nonnull(strstr(show->out, "\nNodes In Use:   1\n"));
	/* the agent's nodes_in_use, not the CLI's count of /v1/peers */
	g_assert_nonnull(strstr(show->err, "/v1/license"));
	g_assert_null(strstr(show->err, "/v1/peers"));
	json = arc_cli_test_runv("license", "show", "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	node = json_from_string(json->out, NULL);
	g_assert_nonnull(node);
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(node), "nodes_in_use"), ==,
			1);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/license/update", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_update_func, arc_test_fixture_teardown);
	g_test_add("/cli/license/update-refused", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_update_refused_func, arc_test_fixture_teardown);
	g_test_add("/cli/license/show-nodes", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_show_nodes_func, arc_test_fixture_teardown);
	return g_test_run();
}
