/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-compose-plan.h"
#include "arc-compose.h"

/* The compose file model (cli/arc-compose.c) and the planner (cli/arc-compose-plan.c) */

#define ARC_TEST_VALID                                                                             \
	"version: v1\n"                                                                            \
	"license: license.json\n"                                                                  \
	"peers:\n"                                                                                 \
	"- name: a\n"                                                                              \
	"  address: '127.0.0.1:8081'\n"                                                            \
	"- name: b\n"                                                                              \
	"  address: '[::1]:8082'\n"                                                                \
	"services:\n"                                                                              \
	"- name: web\n"                                                                            \
	"  source_peer: a\n"                                                                       \
	"  target_peer: b\n"                                                                       \
	"  transport_type: tcp\n"                                                                  \
	"  fully_transparent: true\n"                                                              \
	"  interface:\n"                                                                           \
	"    enabled: true\n"                                                                      \
	"    ipv4: 10.0.0.1/24\n"                                                                  \
	"    ipv6: fd00::1/64\n"                                                                   \
	"  qos:\n"                                                                                 \
	"    bandwidth_limit_mbps: 100\n"                                                          \
	"  routes:\n"                                                                              \
	"  - priority: 100\n"                                                                      \
	"    source_cidr: 10.0.0.0/8\n"                                                            \
	"    dest_cidr: 192.168.100.0/24\n"                                                        \
	"- name: db\n"                                                                             \
	"  source_peer: b\n"                                                                       \
	"  target_peer: a\n"                                                                       \
	"  transport_type: kcp\n"                                                                  \
	"  routes:\n"                                                                              \
	"  - priority: 5\n"                                                                        \
	"    dest_cidr: fd00:0:0::/48\n"

static ArcComposeFile *
arc_test_parse(const gchar *text, ArcComposeReport **report_out)
{
	ArcComposeReport *report = arc_compose_report_new();
	ArcComposeFile *file = arc_compose_parse("c.yaml", text, strlen(text), report);

	if (file != NULL)
		arc_compose_validate(file, report);
	*report_out = report;
	return file;
}

static void
arc_test_valid_func(void)
{
	g_autoptr(ArcComposeReport) report = NULL;
	g_autoptr(ArcComposeFile) file = arc_test_parse(ARC_TEST_VALID, &report);
	ArcComposeService *web, *db;
	ArcComposeRoute *route;

	g_assert_nonnull(file);
	g_assert_cmpuint(report->errors->len, ==, 0);
	g_assert_cmpuint(report->warnings->len, ==, 0);
	g_assert_cmpstr(file->license, ==, "license.json");
	g_assert_cmpuint(file->peers->len, ==, 2);
	g_assert_cmpstr(arc_compose_file_get_peer(file, "b")->address, ==, "[::1]:8082");
	web = arc_compose_file_get_service(file, "web");
	g_assert_nonnull(web);
	g_assert_true(web->fully_transparent);
	g_assert_true(web->interface_enabled);
	g_assert_cmpstr(web->interface_ipv4, ==, "10.0.0.1/24");
	g_assert_cmpint(web->bandwidth_limit_mbps, ==, 100);
	route = g_ptr_array_index(web->routes, 0);
	g_assert_cmpint(route->priority, ==, 100);
	g_assert_cmpint(route->line, ==, 21);
	g_assert_cmpint(route->column, ==, 5);
	db = arc_compose_file_get_service(file, "db");
	route = g_ptr_array_index(db->routes, 0);
	/* networks are canonical */
	g_assert_cmpstr(route->dest_cidr, ==, "fd00::/48");
	g_assert_null(route->source_cidr);
}

/* one bad thing per row, with the place it is reported at */
static void
arc_test_errors_func(void)
{
	const gchar *peers = "peers:\n- name: a\n  address: 'h:1'\n- name: b\n  address: 'h:2'\n";
	struct {
		const gchar *body;
		const gchar *error;
	} rows[] = {
		{"", "c.yaml:1:1: the file is empty"},
		{"version: v1\npeers: [\n", "c.yaml:3:1: while parsing a flow node"},
		{"- 1\n", "c.yaml:1:1: file: expected a mapping, got a list"},
		{"version: v2\npeers: []\n", "c.yaml:1:10: version: unsupported version \"v2\""},
		{"peers: []\n", "c.yaml:1:1: file: missing required key \"version\""},
		{"version: v1\n", "c.yaml:1:1: file: missing required key \"peers\""},
		{"version: v1\npeers: []\n", "c.yaml:1:1: peers: at least one peer is required"},
		{"version: v1\nversion: v1\npeers: []\n",
		 "c.yaml:2:1: file: duplicate key \"version\""},
		{"version: v1\ncolour: red\npeers: []\n",
		 "c.yaml:2:1: file: unknown key \"colour\""},
		{"version: v1\npeers:\n- name: 1\n  address: 'h:1'\n",
		 "c.yaml:3:9: name: expected a string, got an integer"},
		{"version: v1\npeers:\n- name: a\n",
		 "c.yaml:3:3: peer: missing required key \"address\""},
		{"version: v1\npeers:\n- name: a\n  address: h\n",
		 "c.yaml:4:12: address: invalid address \"h\": expected HOST:PORT"},
		{"version: v1\npeers:\n- name: a b\n  address: 'h:1'\n",
		 "c.yaml:3:3: peer: invalid name \"a b\""},
		{"version: v1\npeers:\n- name: a\n  address: 'h:1'\n- name: a\n  address: 'h:2'\n",
		 "c.yaml:5:3: peer: duplicate name \"a\" (first at line 3)"},
		{"version: v1\npeers:\n- name: a\n  address: 'h:1'\n- name: b\n  address: 'h:1'\n",
		 "c.yaml:5:3: peer: address h:1 is already used by peer \"a\" (line 3)"},
		{"S- name: s\n  source_peer: a\n  target_peer: c\n  transport_type: tcp\n"
		 "  interface: {enabled: true}\n",
		 "c.yaml:8:3: service \"s\": target_peer \"c\" is not one of the peers"},
		{"S- name: s\n  source_peer: a\n  target_peer: a\n  transport_type: tcp\n"
		 "  interface: {enabled: true}\n",
		 "c.yaml:8:3: service \"s\": source_peer and target_peer must differ"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: udp\n"
		 "  interface: {enabled: true}\n",
		 "c.yaml:11:19: transport_type: \"udp\" is not a transport"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n",
		 "c.yaml:8:3: service \"s\": needs interface.enabled: true or at least one route"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n",
		 "c.yaml:8:3: service: missing required key \"transport_type\""},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: kcp\n"
		 "  fully_transparent: true\n  interface: {enabled: true}\n",
		 "c.yaml:8:3: service \"s\": fully_transparent needs transport_type: tcp"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  fully_transparent: yes\n  interface: {enabled: true}\n",
		 "c.yaml:12:22: fully_transparent: expected true or false, got a string"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  interface: {enabled: false, ipv4: 10.0.0.1/24}\n",
		 "c.yaml:8:3: service \"s\": interface addresses need interface.enabled: true"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  interface: {enabled: true, ipv4: 'fd00::1/64'}\n",
		 "c.yaml:12:36: ipv4: invalid CIDR notation \"fd00::1/64\": not an IPv4 address"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  qos: {bandwidth_limit_mbps: -1}\n  interface: {enabled: true}\n",
		 "c.yaml:12:31: bandwidth_limit_mbps: -1 is out of range"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  routes:\n  - priority: 1\n    source_cidr: 10.0.0.1/8\n",
		 "c.yaml:14:18: source_cidr: invalid CIDR notation \"10.0.0.1/8\": host bits are "
		 "set"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  routes:\n  - priority: 1\n    dest_cidr: 10.0.0.0/33\n",
		 "c.yaml:14:16: dest_cidr: invalid CIDR notation \"10.0.0.0/33\": the prefix must "
		 "be "
		 "0 to 32"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  routes:\n  - priority: 1\n",
		 "c.yaml:13:5: route: at least one of source_cidr and dest_cidr is required"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  routes:\n  - dest_cidr: 10.0.0.0/8\n",
		 "c.yaml:13:5: route: missing required key \"priority\""},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  routes:\n  - {priority: 1, dest_cidr: 10.0.0.0/8}\n"
		 "  - {priority: 2, dest_cidr: 10.0.0.0/8}\n",
		 "c.yaml:14:5: route: the same source_cidr and dest_cidr as the route at line 13"},
		{"S- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		 "  interface: {enabled: true}\n- name: s\n  source_peer: b\n  target_peer: a\n"
		 "  transport_type: tcp\n  interface: {enabled: true}\n",
		 "c.yaml:13:3: service: duplicate name \"s\" (first at line 8)"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(ArcComposeReport) report = NULL;
		g_autoptr(ArcComposeFile) file = NULL;
		g_autofree gchar *text = NULL;
		gboolean found = FALSE;

		/* "S" stands for a file with two peers whose services follow */
		if (rows[i].body[0] == 'S')
			text = g_strconcat("version: v1\n", peers, "services:\n", rows[i].body + 1,
					   NULL);
		else
			text = g_strdup(rows[i].body);
		file = arc_test_parse(text, &report);
		for (guint e = 0; e < report->errors->len; e++) {
			const gchar *error = g_ptr_array_index(report->errors, e);
			g_test_message("row %u: %s", i, error);
			found |= g_str_has_prefix(error, rows[i].error);
		}
		if (!found)
			g_error("row %u: expected an error starting with \"%s\"", i, rows[i].error);
	}
}

static void
arc_test_warning_func(void)
{
	g_autoptr(ArcComposeReport) report = NULL;
	g_autoptr(ArcComposeFile) file = arc_test_parse(
		"version: v1\npeers:\n- {name: a, address: 'h:1'}\n- {name: b, address: 'h:2'}\n"
		"services:\n- name: s\n  source_peer: a\n  target_peer: b\n  transport_type: tcp\n"
		"  routes:\n  - {priority: 1, source_cidr: 10.0.0.0/8, dest_cidr: 'fd00::/8'}\n",
		&report);

	g_assert_nonnull(file);
	g_assert_cmpuint(report->errors->len, ==, 0);
	g_assert_cmpuint(report->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(report->warnings, 0), ==,
			"c.yaml:11:5: route: source_cidr and dest_cidr are of different address "
			"families: it can never match");
}

/* fmt: the canonical form parses back to itself, and is stable */
static void
arc_test_fmt_func(void)
{
	g_autoptr(ArcComposeReport) report = NULL;
	g_autoptr(ArcComposeReport) report2 = NULL;
	g_autoptr(ArcComposeFile) file = arc_test_parse(ARC_TEST_VALID, &report);
	g_autoptr(ArcComposeFile) again = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = arc_compose_file_to_yaml(file, &error);
	g_autofree gchar *text2 = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(strstr(text, "dest_cidr: fd00::/48\n"));
	g_assert_null(strstr(text, "fully_transparent: false"));
	again = arc_test_parse(text, &report2);
	g_assert_cmpuint(report2->errors->len, ==, 0);
	text2 = arc_compose_file_to_yaml(again, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(text, ==, text2);
}

static void
arc_test_comments_func(void)
{
	const gchar *with = "version: v1 # the schema\npeers: []\n";
	const gchar *hash_in_string = "version: 'v#1'\npeers: []\n";
	guint line = 0;

	g_assert_true(arc_compose_has_comments(with, strlen(with), &line));
	g_assert_cmpuint(line, ==, 1);
	g_assert_false(arc_compose_has_comments(hash_in_string, strlen(hash_in_string), NULL));
}

/* ---- the planner ---- */

static JsonArray *
arc_test_array(const gchar *json)
{
	g_autoptr(JsonParser) parser = json_parser_new();

	g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
	return json_array_ref(json_node_get_array(json_parser_get_root(parser)));
}

#define ARC_TEST_PEERS                                                                             \
	"[{\"id\":\"peer_A\",\"name\":\"a\",\"address\":\"127.0.0.1:8081\"},"                      \
	"{\"id\":\"peer_B\",\"name\":\"b\",\"address\":\"[::1]:8082\"}]"
#define ARC_TEST_SERVICES                                                                          \
	"[{\"id\":\"svc_1\",\"name\":\"web\",\"source_peer_id\":\"peer_A\","                       \
	"\"target_peer_id\":\"peer_B\",\"transport_type\":\"tcp\",\"requires_interface\":true,"    \
	"\"desired_ipv4_cidr\":\"10.0.0.1/24\",\"desired_ipv6_cidr\":\"fd00:0::1/64\","            \
	"\"fully_transparent\":true,\"bandwidth_limit_mbps\":100},"                                \
	"{\"id\":\"svc_2\",\"name\":\"db\",\"source_peer_id\":\"peer_B\","                         \
	"\"target_peer_id\":\"peer_A\",\"transport_type\":\"kcp\",\"requires_interface\":false,"   \
	"\"desired_ipv4_cidr\":null,\"fully_transparent\":false,\"bandwidth_limit_mbps\":0}]"
#define ARC_TEST_ROUTES                                                                            \
	"[{\"id\":1,\"service_id\":\"svc_1\",\"priority\":100,\"source_cidr\":\"10.0.0.0/8\","     \
	"\"dest_cidr\":\"192.168.100.0/24\"},"                                                     \
	"{\"id\":2,\"service_id\":\"svc_2\",\"priority\":5,\"source_cidr\":null,"                  \
	"\"dest_cidr\":\"fd00::/48\"}]"

typedef struct {
	ArcComposeFile *file;
	ArcComposeState state;
} ArcTestPlanFixture;

static void
arc_test_plan_setup(ArcTestPlanFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcComposeReport) report = NULL;
	const gchar *ids[] = {"peer_A", "peer_B"};

	fixture->file = arc_test_parse(ARC_TEST_VALID, &report);
	fixture->state.peer_states =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_peer_state_free);
	for (guint i = 0; i < fixture->file->peers->len; i++) {
		ArcComposePeer *peer = g_ptr_array_index(fixture->file->peers, i);
		ArcComposePeerState *state = arc_compose_peer_state_new(peer->name, peer->address);

		state->reachable = TRUE;
		state->bootstrapped = TRUE;
		state->peer_id = g_strdup(ids[i]);
		g_ptr_array_add(fixture->state.peer_states, state);
	}
	fixture->state.peers = arc_test_array(ARC_TEST_PEERS);
	fixture->state.services = arc_test_array(ARC_TEST_SERVICES);
	fixture->state.routes = arc_test_array(ARC_TEST_ROUTES);
}

static void
arc_test_plan_teardown(ArcTestPlanFixture *fixture, gconstpointer data)
{
	arc_compose_file_free(fixture->file);
	g_ptr_array_unref(fixture->state.peer_states);
	g_clear_pointer(&fixture->state.peers, json_array_unref);
	g_clear_pointer(&fixture->state.services, json_array_unref);
	g_clear_pointer(&fixture->state.routes, json_array_unref);
}

static void
arc_test_plan_in_sync_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcComposePlan) plan = arc_compose_plan_new(fixture->file, &fixture->state);
	g_autofree gchar *text = arc_compose_plan_to_text(plan);

	g_assert_cmpstr(text, ==, "No changes: the cluster matches the file.\n");
	g_assert_cmpuint(plan->actions->len, ==, 0);
	g_assert_cmpint(plan->anchor, ==, 0);
}

static void
arc_test_plan_changes_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	ArcComposeService *web = arc_compose_file_get_service(fixture->file, "web");
	ArcComposeService *db = arc_compose_file_get_service(fixture->file, "db");
	g_autoptr(ArcComposePlan) plan = NULL;
	g_autofree gchar *text = NULL;

	web->bandwidth_limit_mbps = 200;
	((ArcComposeRoute *)g_ptr_array_index(db->routes, 0))->priority = 7;
	g_ptr_array_add(db->routes, arc_compose_route_new(1, "10.1.0.0/16", NULL));
	g_ptr_array_add(fixture->file->services, arc_compose_service_new("new"));
	((ArcComposeService *)g_ptr_array_index(fixture->file->services, 2))->source_peer =
		g_strdup("a");
	((ArcComposeService *)g_ptr_array_index(fixture->file->services, 2))->target_peer =
		g_strdup("b");
	plan = arc_compose_plan_new(fixture->file, &fixture->state);
	text = arc_compose_plan_to_text(plan);
	g_assert_cmpstr(
		text, ==,
		"~ update service web\n"
		"    bandwidth_limit_mbps: 100 -> 200\n"
		"~ update route db any -> fd00::/48 (id 2)\n"
		"    priority: 5 -> 7\n"
		"+ create route db 10.1.0.0/16 -> any priority 1\n"
		"+ create service new (a -> b, tcp, 0 routes)\n"
		"Plan: 0 to bootstrap, 0 to join, 2 to create, 2 to update, 0 to delete.\n");
}

/* what the file does not name is deleted only with prune */
static void
arc_test_plan_prune_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcComposePlan) keep = NULL;
	g_autoptr(ArcComposePlan) prune = NULL;
	g_autofree gchar *text = NULL;

	g_ptr_array_remove_index(fixture->file->services, 1);
	g_ptr_array_set_size(arc_compose_file_get_service(fixture->file, "web")->routes, 0);
	keep = arc_compose_plan_new(fixture->file, &fixture->state);
	g_assert_cmpuint(keep->actions->len, ==, 2);
	g_assert_cmpuint(arc_compose_plan_count_changes(keep), ==, 0);
	fixture->state.prune = TRUE;
	prune = arc_compose_plan_new(fixture->file, &fixture->state);
	text = arc_compose_plan_to_text(prune);
	g_assert_cmpstr(
		text, ==,
		"- delete route web 10.0.0.0/8 -> 192.168.100.0/24 (id 1)\n"
		"- delete service db (svc_2)\n"
		"Plan: 0 to bootstrap, 0 to join, 0 to create, 0 to update, 2 to delete.\n");
}

/* nothing bootstrapped: the first peer is bootstrapped, the others too, and joined */
static void
arc_test_plan_bootstrap_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	g_autoptr(ArcComposePlan) plan = NULL;
	g_autoptr(JsonNode) json = NULL;
	ArcComposeAction *action;

	for (guint i = 0; i < fixture->state.peer_states->len; i++) {
		ArcComposePeerState *state = g_ptr_array_index(fixture->state.peer_states, i);
		state->bootstrapped = FALSE;
		g_clear_pointer(&state->peer_id, g_free);
	}
	g_clear_pointer(&fixture->state.peers, json_array_unref);
	g_clear_pointer(&fixture->state.services, json_array_unref);
	g_clear_pointer(&fixture->state.routes, json_array_unref);
	plan = arc_compose_plan_new(fixture->file, &fixture->state);
	g_assert_cmpuint(plan->actions->len, ==, 5);
	action = g_ptr_array_index(plan->actions, 0);
	g_assert_cmpint(action->kind, ==, ARC_COMPOSE_ACTION_BOOTSTRAP);
	g_assert_cmpstr(action->peer, ==, "a");
	action = g_ptr_array_index(plan->actions, 2);
	g_assert_cmpint(action->kind, ==, ARC_COMPOSE_ACTION_JOIN);
	g_assert_cmpstr(action->address, ==, "[::1]:8082");
	action = g_ptr_array_index(plan->actions, 3);
	g_assert_cmpint(action->kind, ==, ARC_COMPOSE_ACTION_CREATE_SERVICE);
	g_assert_true(json_object_has_member(action->body, "routes"));
	json = arc_compose_plan_to_json(plan);
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(json), "changes"), ==, 5);
}

/* an unreachable peer the cluster knows by address still resolves; one it does not know
 * makes its services skipped */
static void
arc_test_plan_unreachable_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	ArcComposePeerState *b = g_ptr_array_index(fixture->state.peer_states, 1);
	g_autoptr(ArcComposePlan) known = NULL;
	g_autoptr(ArcComposePlan) unknown = NULL;

	b->reachable = FALSE;
	g_clear_pointer(&b->peer_id, g_free);
	known = arc_compose_plan_new(fixture->file, &fixture->state);
	g_assert_cmpuint(known->actions->len, ==, 0);
	g_clear_pointer(&fixture->state.peers, json_array_unref);
	fixture->state.peers = arc_test_array("[{\"id\":\"peer_A\",\"name\":\"a\","
					      "\"address\":\"127.0.0.1:8081\"}]");
	unknown = arc_compose_plan_new(fixture->file, &fixture->state);
	g_assert_cmpuint(unknown->actions->len, ==, 2);
	g_assert_cmpint(((ArcComposeAction *)g_ptr_array_index(unknown->actions, 0))->kind, ==,
			ARC_COMPOSE_ACTION_SKIP);
	g_assert_cmpuint(arc_compose_plan_count_changes(unknown), ==, 0);
}

/* export: the cluster as a file, which then plans no change */
static void
arc_test_plan_export_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(ArcComposeFile) exported = arc_compose_file_from_cluster(
		"e.yaml", fixture->state.peers, fixture->state.services, fixture->state.routes,
		warnings);
	g_autoptr(ArcComposePlan) plan = arc_compose_plan_new(exported, &fixture->state);
	g_autoptr(ArcComposeReport) report = arc_compose_report_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = arc_compose_file_to_yaml(exported, &error);
	g_autofree gchar *mine = arc_compose_file_to_yaml(fixture->file, &error);

	g_assert_no_error(error);
	arc_compose_validate(exported, report);
	g_assert_cmpuint(report->errors->len, ==, 0);
	g_assert_cmpuint(warnings->len, ==, 0);
	g_assert_cmpuint(arc_compose_plan_count_changes(plan), ==, 0);
	/* the same as the file, but for the license path */
	g_assert_cmpstr(strstr(text, "peers:"), ==, strstr(mine, "peers:"));
}

/* a service without a name is exported by id and matched back by it */
static void
arc_test_plan_unnamed_func(ArcTestPlanFixture *fixture, gconstpointer data)
{
	JsonObject *db = json_array_get_object_element(fixture->state.services, 1);
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(ArcComposeFile) exported = NULL;
	g_autoptr(ArcComposePlan) plan = NULL;

	json_object_set_null_member(db, "name");
	exported = arc_compose_file_from_cluster("e.yaml", fixture->state.peers,
						 fixture->state.services, fixture->state.routes,
						 warnings);
	g_assert_nonnull(arc_compose_file_get_service(exported, "svc_2"));
	plan = arc_compose_plan_new(exported, &fixture->state);
	g_assert_cmpuint(plan->actions->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/compose/parse/valid", arc_test_valid_func);
	g_test_add_func("/compose/parse/errors", arc_test_errors_func);
	g_test_add_func("/compose/parse/warning", arc_test_warning_func);
	g_test_add_func("/compose/fmt/round-trip", arc_test_fmt_func);
	g_test_add_func("/compose/fmt/comments", arc_test_comments_func);
#define ARC_TEST_PLAN(path, func)                                                                  \
	g_test_add(path, ArcTestPlanFixture, NULL, arc_test_plan_setup, func,                      \
		   arc_test_plan_teardown)
	ARC_TEST_PLAN("/compose/plan/in-sync", arc_test_plan_in_sync_func);
	ARC_TEST_PLAN("/compose/plan/changes", arc_test_plan_changes_func);
	ARC_TEST_PLAN("/compose/plan/prune", arc_test_plan_prune_func);
	ARC_TEST_PLAN("/compose/plan/bootstrap", arc_test_plan_bootstrap_func);
	ARC_TEST_PLAN("/compose/plan/unreachable", arc_test_plan_unreachable_func);
	ARC_TEST_PLAN("/compose/plan/export", arc_test_plan_export_func);
	ARC_TEST_PLAN("/compose/plan/unnamed", arc_test_plan_unnamed_func);
	return g_test_run();
}
