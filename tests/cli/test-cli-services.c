/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "arc-cli-test-run.h"
#include "arc-test-agent.h"

/* `arctic services` and `arctic routes` (spec §5.6, §5.7, docs/services.md) against two built
 * arctic-agents on 127.0.0.1: A bootstrapped with the real CLI into the test's CLI config, B
 * added to A's cluster with `arctic peers add`, so that A's services have a target. */

typedef struct {
	ArcTestAgent *a;
	ArcTestAgent *b;
	gchar *a_id;
	gchar *b_id;
} ArcTestFixture;

/* the value after @label on its line in @out, %NULL if not there */
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
	g_autofree gchar *a_url = NULL;
	g_autofree gchar *b_address = NULL;
	g_autoptr(JsonNode) boot_b = NULL;
	g_autoptr(ArcCliTestResult) boot = NULL;
	g_autoptr(ArcCliTestResult) add = NULL;
	gboolean ok;

	if (g_getenv("ARCTIC_CLI") == NULL)
		return;
	fixture->a = arc_test_agent_new();
	arc_test_agent_set_no_dbus(fixture->a, TRUE);
	ok = arc_test_agent_start(fixture->a, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fixture->b = arc_test_agent_new();
	arc_test_agent_share_issuer(fixture->b, fixture->a);
	arc_test_agent_set_no_dbus(fixture->b, TRUE);
	ok = arc_test_agent_start(fixture->b, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	a_url = arc_test_agent_get_base_url(fixture->a);
	license = arc_test_agent_make_default_license(fixture->a);
	license_path = arc_test_agent_build_path(fixture->a, "license.json");
	g_assert_true(g_file_set_contents(license_path, license, -1, NULL));
	boot = arc_cli_test_runv("bootstrap", "--url", a_url, "--license-file", license_path,
				 "--name", "agent-a", NULL);
	g_assert_cmpint(boot->exit_code, ==, 0);
	fixture->a_id = arc_test_value(boot->out, "Peer ID:");
	g_assert_nonnull(fixture->a_id);

	boot_b = arc_test_agent_bootstrap(fixture->b, &error);
	g_assert_no_error(error);
	fixture->b_id = g_strdup(arc_test_agent_get_peer_id(fixture->b));
	b_address = arc_test_agent_get_address(fixture->b);
	add = arc_cli_test_runv("peers", "add", b_address, "--name", "agent-b", NULL);
	g_assert_cmpint(add->exit_code, ==, 0);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer data)
{
	g_clear_object(&fixture->a);
	g_clear_object(&fixture->b);
	g_free(fixture->a_id);
	g_free(fixture->b_id);
}

/* @out with the times of `Created At:` and `Updated At:` lines replaced by `TIME` */
static gchar *
arc_test_mask_times(const gchar *out)
{
	g_autoptr(GRegex) regex = g_regex_new("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC",
					      G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);

	return g_regex_replace_literal(regex, out, -1, 0, "TIME", G_REGEX_MATCH_DEFAULT, NULL);
}

/* the id `services create` printed last: `Service created successfully: ID=svc_…` */
static gchar *
arc_test_created_id(ArcCliTestResult *result)
{
	gchar *id = arc_test_value(result->out, "Service created successfully: ID=");

	g_assert_cmpint(result->exit_code, ==, 0);
	g_assert_nonnull(id);
	g_assert_true(g_str_has_prefix(id, "svc_"));
	return id;
}

static gchar *
arc_test_create(ArcTestFixture *fixture, const gchar *name)
{
	/* the target by its name, as an operator types it */
	g_autoptr(ArcCliTestResult) created = arc_cli_test_runv(
		"services", "create", "--target-peer", "agent-b", "--name", name, NULL);
	g_autofree gchar *id = arc_test_created_id(created);
	g_autofree gchar *target = g_strdup_printf("\nTarget Peer ID:         %s\n", fixture->b_id);

	g_assert_nonnull(strstr(created->out, target));
	return g_steal_pointer(&id);
}

/* create, get, list (and its filters), update and delete, as the user sees them */
static void
arc_test_lifecycle_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcCliTestResult) created = NULL;
	g_autoptr(ArcCliTestResult) got = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(ArcCliTestResult) by_target = NULL;
	g_autoptr(ArcCliTestResult) by_name = NULL;
	g_autoptr(ArcCliTestResult) without_iface = NULL;
	g_autoptr(ArcCliTestResult) with_iface = NULL;
	g_autoptr(ArcCliTestResult) updated = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) deleted = NULL;
	g_autoptr(ArcCliTestResult) gone = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *plain = NULL;
	g_autofree gchar *masked = NULL;
	g_autofree gchar *expected = NULL;
	g_autofree gchar *iface = NULL;
	JsonObject *service;

	ARC_CLI_TEST_REQUIRE_CLI();
	created = arc_cli_test_runv("services", "create", "--target-peer", fixture->b_id, "--name",
				    "web", "--requires-interface", "--desired-ipv4", "10.99.0.1/24",
				    "--fully-transparent", "--bandwidth-limit", "1000", NULL);
	id = arc_test_created_id(created);
	g_assert_cmpstr(created->err, ==, "");
	got = arc_cli_test_runv("services", "get", id, NULL);
	g_assert_cmpint(got->exit_code, ==, 0);
	iface = arc_test_value(got->out, "Interface Name:");
	masked = arc_test_mask_times(got->out);
	expected = g_strdup_printf("ID:                     %s\n"
				   "Source Peer ID:         %s\n"
				   "Source Peer Name:       agent-a\n"
				   "Target Peer ID:         %s\n"
				   "Target Peer Name:       agent-b\n"
				   "Transport:              tcp\n"
				   "Requires Interface:     Yes\n"
				   "Interface MAC:          -\n"
				   "Actual Interface IPv4:  -\n"
				   "Actual Interface IPv6:  -\n"
				   "Name:                   web\n"
				   "Interface Name:         %s\n"
				   "Desired IPv4:           10.99.0.1/24\n"
				   "Desired IPv6:           -\n"
				   "Fully Transparent:      Yes\n"
				   "Bandwidth Limit:        1000 Mbps\n"
				   "State:                  active\n"
				   "Created At:             TIME\n"
				   "Updated At:             TIME\n"
				   "Routes:                 none\n",
				   id, fixture->a_id, fixture->b_id, iface);
	g_assert_cmpstr(masked, ==, expected);
	/* create prints the same, then says it is done */
	g_free(masked);
	masked = arc_test_mask_times(created->out);
	g_free(expected);
	expected = arc_test_mask_times(got->out);
	g_assert_true(g_str_has_prefix(masked, expected));
	g_free(expected);
	expected = g_strdup_printf("\nService created successfully: ID=%s\n", id);
	g_assert_true(g_str_has_suffix(masked, expected));

	/* the list, with its legend; the filters */
	plain = arc_test_create(fixture, "db");
	list = arc_cli_test_runv("services", "list", NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	g_assert_cmpstr(list->err, ==, "");
	g_free(expected);
	expected = g_strdup_printf(
		"ID                              SOURCE   TARGET   TRANSPORT  FLAGS\n"
		"%s  agent-a  agent-b  tcp        ITQ\n",
		id);
	g_assert_true(g_str_has_prefix(list->out, expected));
	g_assert_true(g_str_has_suffix(list->out,
				       "  agent-a  agent-b  tcp        -\n"
				       "\n"
				       "FLAGS: I=interface, T=transparent, Q=qos, -=none\n"));
	without_iface =
		arc_cli_test_runv("services", "list", "--requires-interface", "false", NULL);
	g_assert_cmpint(without_iface->exit_code, ==, 0);
	g_assert_null(strstr(without_iface->out, id));
	g_assert_nonnull(strstr(without_iface->out, "tcp        -\n"));
	with_iface = arc_cli_test_runv("services", "list", "--requires-interface=true", NULL);
	g_assert_cmpint(with_iface->exit_code, ==, 0);
	g_assert_true(g_str_has_prefix(with_iface->out, expected));
	g_assert_null(strstr(with_iface->out, "tcp        -\n"));
	by_target = arc_cli_test_runv("services", "list", "--target-peer", fixture->a_id, NULL);
	g_assert_cmpint(by_target->exit_code, ==, 0);
	g_assert_cmpstr(by_target->out, ==, "");
	g_assert_cmpstr(by_target->err, ==, "No services found.\n");
	by_name = arc_cli_test_runv("services", "list", "--target-peer", "agent-b", NULL);
	g_assert_cmpint(by_name->exit_code, ==, 0);
	g_assert_cmpstr(by_name->out, ==, list->out);

	/* a partial update: what was not given stays */
	updated = arc_cli_test_runv("services", "update", id, "--bandwidth-limit", "0",
				    "--fully-transparent=false", NULL);
	g_assert_cmpint(updated->exit_code, ==, 0);
	g_assert_nonnull(strstr(updated->out, "\nName:                   web\n"));
	g_assert_nonnull(strstr(updated->out, "\nFully Transparent:      No\n"));
	g_assert_nonnull(strstr(updated->out, "\nBandwidth Limit:        unlimited\n"));
	g_assert_nonnull(strstr(updated->out, "\nRequires Interface:     Yes\n"));
	g_free(expected);
	expected = g_strdup_printf("\nService updated successfully: ID=%s\n", id);
	g_assert_true(g_str_has_suffix(updated->out, expected));

	/* -j: the agent's object, routes included */
	json = arc_cli_test_runv("services", "get", id, "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	service = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(service, "id"), ==, id);
	g_assert_cmpint(json_object_get_int_member(service, "bandwidth_limit_mbps"), ==, 0);
	g_assert_false(json_object_get_boolean_member(service, "fully_transparent"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(service, "routes")), ==,
			 0);

	deleted = arc_cli_test_runv("services", "delete", id, "--yes", NULL);
	g_assert_cmpint(deleted->exit_code, ==, 0);
	g_free(expected);
	expected = g_strdup_printf("Service %s deleted\n", id);
	g_assert_cmpstr(deleted->out, ==, expected);
	gone = arc_cli_test_runv("services", "get", id, NULL);
	g_assert_cmpint(gone->exit_code, ==, 1);
	g_assert_cmpstr(gone->out, ==, "");
	g_assert_cmpstr(gone->err, ==, "Error: service not found\n");
}

/* add one, add a batch from a file, list, update, delete; with arguments or --service */
static void
arc_test_routes_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *file = NULL;
	g_autofree gchar *expected = NULL;
	g_autoptr(ArcCliTestResult) added = NULL;
	g_autoptr(ArcCliTestResult) batch = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autoptr(ArcCliTestResult) by_name = NULL;
	g_autoptr(ArcCliTestResult) all = NULL;
	g_autoptr(ArcCliTestResult) updated = NULL;
	g_autoptr(ArcCliTestResult) deleted = NULL;
	g_autoptr(ArcCliTestResult) after = NULL;
	g_autoptr(ArcCliTestResult) got = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	id = arc_test_create(fixture, "web");
	added = arc_cli_test_runv("routes", "add", id, "--priority", "100", "--source-cidr",
				  "10.0.0.0/8", "--dest-cidr", "192.168.100.0/24", NULL);
	g_assert_cmpint(added->exit_code, ==, 0);
	g_assert_cmpstr(added->out, ==,
			"Route IDs: 1\nCount: 1\nRoute added successfully: ID=1, Priority=100\n");

	file = arc_cli_test_write_file("routes.json",
				       "[{\"priority\": 50, \"dest_cidr\": \"192.168.0.0/16\"},"
				       " {\"priority\": 300, \"source_cidr\": \"fd00::/64\"}]");
	/* spec §5.7 spells the service --service */
	batch = arc_cli_test_runv("routes", "add", "--service", id, "--from-file", file, NULL);
	g_assert_cmpint(batch->exit_code, ==, 0);
	g_assert_cmpstr(batch->out, ==, "Route IDs: 2, 3\nCount: 2\n2 routes added successfully\n");

	list = arc_cli_test_runv("routes", "list", id, NULL);
	g_assert_cmpint(list->exit_code, ==, 0);
	/* a service is named by its name as well as its id */
	by_name = arc_cli_test_runv("routes", "list", "web", NULL);
	g_assert_cmpint(by_name->exit_code, ==, 0);
	g_assert_cmpstr(by_name->out, ==, list->out);
	g_assert_cmpstr(list->out, ==,
			"ID  PRIORITY  SOURCE CIDR  DEST CIDR\n"
			"1   100       10.0.0.0/8   192.168.100.0/24\n"
			"2   50        -            192.168.0.0/16\n"
			"3   300       fd00::/64    -\n");
	/* every route of every service when none is named */
	all = arc_cli_test_runv("routes", "list", NULL);
	g_assert_cmpint(all->exit_code, ==, 0);
	expected = g_strdup_printf(
		"ID  SERVICE                         PRIORITY  SOURCE CIDR  DEST CIDR\n"
		"1   %s  100       10.0.0.0/8   192.168.100.0/24\n"
		"2   %s  50        -            192.168.0.0/16\n"
		"3   %s  300       fd00::/64    -\n",
		id, id, id);
	g_assert_cmpstr(all->out, ==, expected);

	/* partial: the CIDRs stay */
	updated = arc_cli_test_runv("routes", "update", id, "2", "--priority", "75", NULL);
	g_assert_cmpint(updated->exit_code, ==, 0);
	g_free(expected);
	expected = g_strdup_printf("ID:             2\n"
				   "Service ID:     %s\n"
				   "Priority:       75\n"
				   "Source CIDR:    -\n"
				   "Dest CIDR:      192.168.0.0/16\n",
				   id);
	g_assert_true(g_str_has_prefix(updated->out, expected));
	g_assert_true(g_str_has_suffix(updated->out,
				       "\nRoute updated successfully: ID=2, Priority=75\n"));

	deleted = arc_cli_test_runv("routes", "delete", id, "3", "--yes", NULL);
	g_assert_cmpint(deleted->exit_code, ==, 0);
	g_free(expected);
	expected = g_strdup_printf("Route 3 deleted from service %s\n", id);
	g_assert_cmpstr(deleted->out, ==, expected);
	after = arc_cli_test_runv("routes", "list", "--service", id, NULL);
	g_assert_cmpstr(after->out, ==,
			"ID  PRIORITY  SOURCE CIDR  DEST CIDR\n"
			"1   100       10.0.0.0/8   192.168.100.0/24\n"
			"2   75        -            192.168.0.0/16\n");
	/* and `services get` shows them */
	got = arc_cli_test_runv("services", "get", id, NULL);
	g_assert_true(g_str_has_suffix(got->out, "Routes:\n"
						 "  ID  PRIORITY  SOURCE CIDR  DEST CIDR\n"
						 "  1   100       10.0.0.0/8   192.168.100.0/24\n"
						 "  2   75        -            192.168.0.0/16\n"));
}

/* the route guide's example: two services, the most specific route wins, the others are
 * listed with why they lost */
static void
arc_test_explain_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *web = NULL;
	g_autofree gchar *db = NULL;
	g_autofree gchar *expected = NULL;
	g_autoptr(ArcCliTestResult) r1 = NULL;
	g_autoptr(ArcCliTestResult) r2 = NULL;
	g_autoptr(ArcCliTestResult) r3 = NULL;
	g_autoptr(ArcCliTestResult) explain = NULL;
	g_autoptr(ArcCliTestResult) json = NULL;
	g_autoptr(ArcCliTestResult) none = NULL;
	g_autoptr(ArcCliTestResult) every = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *lookup;

	ARC_CLI_TEST_REQUIRE_CLI();
	web = arc_test_create(fixture, "web");
	db = arc_test_create(fixture, "db");
	r1 = arc_cli_test_runv("routes", "add", web, "--priority", "100", "--source-cidr",
			       "10.0.0.0/8", "--dest-cidr", "192.168.100.0/24", NULL);
	r2 = arc_cli_test_runv("routes", "add", web, "--priority", "100", "--source-cidr",
			       "10.0.0.0/8", "--dest-cidr", "192.168.0.0/16", NULL);
	r3 = arc_cli_test_runv("routes", "add", db, "--priority", "200", "--source-cidr",
			       "10.1.0.0/16", "--dest-cidr", "192.168.100.0/24", NULL);
	g_assert_cmpint(r1->exit_code + r2->exit_code + r3->exit_code, ==, 0);

	explain = arc_cli_test_runv("routes", "explain", "--src", "10.1.2.3", "--dst",
				    "192.168.100.7", NULL);
	g_assert_cmpint(explain->exit_code, ==, 0);
	g_assert_cmpstr(explain->err, ==, "");
	expected = g_strdup_printf("Packet:         10.1.2.3 -> 192.168.100.7\n"
				   "Interface:      -\n"
				   "Entry Peer:     %s\n"
				   "Service:        db (%s)\n"
				   "Source Peer:    agent-a (%s)\n"
				   "Target Peer:    agent-b (%s)\n"
				   "Transport:      tcp\n"
				   "Route ID:       3\n"
				   "Priority:       200\n"
				   "Source CIDR:    10.1.0.0/16\n"
				   "Dest CIDR:      192.168.100.0/24\n"
				   "Category:       source and destination\n"
				   "Reason:         ",
				   fixture->a_id, db, fixture->a_id, fixture->b_id);
	g_assert_true(g_str_has_prefix(explain->out, expected));
	/* the losers, in a table: route 1 has the shorter source prefix, route 2 the shorter
	 * destination prefix */
	g_free(expected);
	expected = g_strdup_printf("\nOther routes:\n"
				   "ROUTE  SERVICE                         PRIORITY  SOURCE CIDR  "
				   "DEST CIDR         WHY NOT CHOSEN\n");
	g_assert_nonnull(strstr(explain->out, expected));
	g_free(expected);
	expected = g_strdup_printf("\n1      %s  100       10.0.0.0/8   192.168.100.0/24  "
				   "a shorter source prefix (/8) than route 3 (/16)\n",
				   web);
	g_assert_nonnull(strstr(explain->out, expected));
	g_free(expected);
	expected = g_strdup_printf("\n2      %s  100       10.0.0.0/8   192.168.0.0/16    a "
				   "shorter destination prefix (/16) than route 3 (/24)\n",
				   web);
	g_assert_nonnull(strstr(explain->out, expected));

	/* -j: the agent's lookup */
	json = arc_cli_test_runv("routes", "explain", "--src", "10.1.2.3", "--dst", "192.168.100.7",
				 "-j", NULL);
	g_assert_cmpint(json->exit_code, ==, 0);
	lookup = arc_cli_test_parse_object(json->out, &node);
	g_assert_cmpstr(json_object_get_string_member(lookup, "service_id"), ==, db);
	g_assert_cmpstr(json_object_get_string_member(lookup, "category"), ==,
			"source_destination");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(lookup, "candidates")),
			 ==, 2);

	/* no route matches: says so */
	none = arc_cli_test_runv("routes", "explain", "--src", "172.16.0.1", "--dst", "8.8.8.8",
				 NULL);
	g_assert_cmpint(none->exit_code, ==, 0);
	g_assert_nonnull(strstr(none->out, "\nService:        none\n"));
	g_assert_nonnull(strstr(none->out, "\nCategory:       none\n"));
	g_assert_null(strstr(none->out, "Other routes:"));
	g_assert_nonnull(strstr(none->out,
				"\n3 other routes do not match the packet (--all lists them).\n"));
	/* --all lists them, with why */
	every = arc_cli_test_runv("routes", "explain", "--src", "172.16.0.1", "--dst", "8.8.8.8",
				  "--all", NULL);
	g_assert_cmpint(every->exit_code, ==, 0);
	g_assert_nonnull(strstr(every->out, "\nOther routes:\n"));
	g_assert_nonnull(strstr(every->out, "the source is outside 10.0.0.0/8\n"));
	g_assert_null(strstr(every->out, "do not match the packet"));
}

/* delete asks first: no terminal means no, so does anything but y; y deletes */
static void
arc_test_confirm_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *question = NULL;
	g_autoptr(ArcCliTestResult) no_tty = NULL;
	g_autoptr(ArcCliTestResult) answered_no = NULL;
	g_autoptr(ArcCliTestResult) still = NULL;
	g_autoptr(ArcCliTestResult) added = NULL;
	g_autoptr(ArcCliTestResult) route_no_tty = NULL;
	g_autoptr(ArcCliTestResult) route_yes = NULL;
	g_autoptr(ArcCliTestResult) routes = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	id = arc_test_create(fixture, "web");
	added = arc_cli_test_runv("routes", "add", id, "--priority", "1", "--dest-cidr",
				  "10.0.0.0/8", NULL);
	g_assert_cmpint(added->exit_code, ==, 0);

	no_tty = arc_cli_test_runv("services", "delete", id, NULL);
	g_assert_cmpint(no_tty->exit_code, ==, 2);
	g_assert_cmpstr(no_tty->out, ==, "");
	g_assert_cmpstr(no_tty->err, ==,
			"Error: confirmation needed but stdin is not a terminal: pass --yes to "
			"proceed\n");
	{
		const gchar *args[] = {"services", "delete", id, NULL};
		answered_no = arc_cli_test_run_tty(args, "n\n");
	}
	g_assert_cmpint(answered_no->exit_code, ==, 1);
	question = g_strdup_printf("Delete service %s and its 1 route? [y/N] Error: aborted\n", id);
	g_assert_cmpstr(answered_no->err, ==, question);
	still = arc_cli_test_runv("services", "get", id, NULL);
	g_assert_cmpint(still->exit_code, ==, 0);

	route_no_tty = arc_cli_test_runv("routes", "delete", id, "1", NULL);
	g_assert_cmpint(route_no_tty->exit_code, ==, 2);
	{
		const gchar *args[] = {"routes", "delete", id, "1", NULL};
		route_yes = arc_cli_test_run_tty(args, "y\n");
	}
	g_assert_cmpint(route_yes->exit_code, ==, 0);
	routes = arc_cli_test_runv("routes", "list", id, NULL);
	g_assert_cmpstr(routes->out, ==, "");
	g_free(question);
	question = g_strdup_printf("Service %s has no routes.\n", id);
	g_assert_cmpstr(routes->err, ==, question);
}

/* what the user gets wrong, and what the agent refuses */
static void
arc_test_errors_func(ArcTestFixture *fixture, gconstpointer data)
{
	g_autofree gchar *id = NULL;
	g_autoptr(ArcCliTestResult) bad_cidr = NULL;
	g_autoptr(ArcCliTestResult) unknown = NULL;
	g_autoptr(ArcCliTestResult) unknown_update = NULL;
	g_autoptr(ArcCliTestResult) no_target = NULL;
	g_autoptr(ArcCliTestResult) no_priority = NULL;
	g_autoptr(ArcCliTestResult) bad_desired = NULL;
	g_autoptr(ArcCliTestResult) bad_switch = NULL;
	g_autoptr(ArcCliTestResult) bad_file = NULL;
	g_autoptr(ArcCliTestResult) list = NULL;
	g_autofree gchar *file = NULL;

	ARC_CLI_TEST_REQUIRE_CLI();
	id = arc_test_create(fixture, "web");
	bad_cidr = arc_cli_test_runv("routes", "add", id, "--priority", "100", "--dest-cidr",
				     "10.0.0.1/8", NULL);
	g_assert_cmpint(bad_cidr->exit_code, ==, 1);
	g_assert_cmpstr(bad_cidr->out, ==, "");
	g_assert_cmpstr(bad_cidr->err, ==,
			"Error: invalid CIDR notation '10.0.0.1/8': host bits are set; the network "
			"is 10.0.0.0/8\n");
	/* in a batch the item is named */
	file = arc_cli_test_write_file("bad.json", "[{\"priority\": 1, \"dest_cidr\": "
						   "\"10.0.0.0/8\"}, {\"priority\": 2, "
						   "\"source_cidr\": \"300.0.0.0/8\"}]");
	bad_file = arc_cli_test_runv("routes", "add", id, "--from-file", file, NULL);
	g_assert_cmpint(bad_file->exit_code, ==, 1);
	g_assert_true(g_str_has_prefix(bad_file->err,
				       "Error: routes[1].source_cidr: invalid CIDR notation "
				       "'300.0.0.0/8'"));
	/* nothing of the batch was stored */
	list = arc_cli_test_runv("routes", "list", NULL);
	g_assert_cmpstr(list->err, ==, "No routes found.\n");

	unknown = arc_cli_test_runv("routes", "add", "svc_01NOSUCHSERVICE", "--priority", "1",
				    "--dest-cidr", "10.0.0.0/8", NULL);
	g_assert_cmpint(unknown->exit_code, ==, 1);
	g_assert_cmpstr(unknown->err, ==, "Error: service not found\n");
	unknown_update = arc_cli_test_runv("services", "update", "svc_01NOSUCHSERVICE",
					   "--bandwidth-limit", "10", NULL);
	g_assert_cmpint(unknown_update->exit_code, ==, 1);
	g_assert_cmpstr(unknown_update->err, ==, "Error: service not found\n");

	no_target = arc_cli_test_runv("services", "create", "--transport", "tcp", NULL);
	g_assert_cmpint(no_target->exit_code, ==, 2);
	g_assert_cmpstr(no_target->err, ==, "Error: --target-peer is required\n");
	no_priority = arc_cli_test_runv("routes", "add", id, "--dest-cidr", "10.0.0.0/8", NULL);
	g_assert_cmpint(no_priority->exit_code, ==, 2);
	g_assert_cmpstr(no_priority->err, ==, "Error: --priority is required\n");
	bad_desired = arc_cli_test_runv("services", "create", "--target-peer", fixture->b_id,
					"--requires-interface", "--desired-ipv4", "10.0.0.1", NULL);
	g_assert_cmpint(bad_desired->exit_code, ==, 1);
	g_assert_true(g_str_has_prefix(bad_desired->err,
				       "Error: invalid CIDR notation '10.0.0.1': an interface "
				       "address with its prefix length is required"));
	bad_switch = arc_cli_test_runv("services", "list", "--requires-interface=maybe", NULL);
	g_assert_cmpint(bad_switch->exit_code, ==, 2);
	g_assert_cmpstr(bad_switch->err, ==,
			"Error: invalid value \"maybe\" for --requires-interface: use true or "
			"false\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/cli/services/lifecycle", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_lifecycle_func, arc_test_fixture_teardown);
	g_test_add("/cli/services/routes", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_routes_func, arc_test_fixture_teardown);
	g_test_add("/cli/services/explain", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_explain_func, arc_test_fixture_teardown);
	g_test_add("/cli/services/confirm", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_confirm_func, arc_test_fixture_teardown);
	g_test_add("/cli/services/errors", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_errors_func, arc_test_fixture_teardown);
	return g_test_run();
}
