/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

#include <sqlite3.h>
#include <string.h>

/* The Agent object of the built arctic-agent on a private bus: its name and properties,
 * Bootstrap, GetIdentity, the license methods and signal, and the agent without a bus or
 * losing it. */

static void
arc_dbus_test_name_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GVariant) pid_reply = NULL;
	g_autoptr(GVariant) objects = NULL;
	g_autoptr(GVariant) children = NULL;
	g_autoptr(GVariant) xml_reply = NULL;
	g_autoptr(GVariant) agent_xml_reply = NULL;
	g_autoptr(GVariant) agent = NULL;
	g_autoptr(GVariant) peers = NULL;
	g_autoptr(GVariant) services = NULL;
	g_autofree gchar *local_peer = NULL;
	g_autofree gchar *pid_str = NULL;
	g_autofree gchar *agent_pid = NULL;
	g_autoptr(GDBusNodeInfo) node = NULL;
	g_autoptr(GDBusNodeInfo) agent_node = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *xml = NULL;
	guint32 pid = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;

	/* the name belongs to the agent we started */
	pid_reply = g_dbus_connection_call_sync(
		fx->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "GetConnectionUnixProcessID",
		g_variant_new("(s)", ARC_DBUS_TEST_BUS_NAME), G_VARIANT_TYPE("(u)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_variant_get(pid_reply, "(u)", &pid);
	pid_str = g_strdup_printf("%u", pid);
	agent_pid = g_strdup_printf("%d", arc_test_agent_get_pid(fx->agent));
	g_assert_cmpstr(agent_pid, ==, pid_str);

	/* the root object is the ObjectManager; the Agent is a child object of its own */
	xml_reply = g_dbus_connection_call_sync(
		fx->connection, ARC_DBUS_TEST_BUS_NAME, ARC_DBUS_TEST_OBJECT_PATH,
		"org.freedesktop.DBus.Introspectable", "Introspect", NULL, G_VARIANT_TYPE("(s)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_variant_get(xml_reply, "(&s)", &xml);
	node = g_dbus_node_info_new_for_xml(xml, &error);
	g_assert_no_error(error);
	g_assert_null(g_dbus_node_info_lookup_interface(node, ARC_DBUS_TEST_AGENT_IFACE));
	g_assert_nonnull(
		g_dbus_node_info_lookup_interface(node, "org.freedesktop.DBus.ObjectManager"));
	agent_xml_reply = g_dbus_connection_call_sync(
		fx->connection, ARC_DBUS_TEST_BUS_NAME, ARC_DBUS_TEST_AGENT_PATH,
		"org.freedesktop.DBus.Introspectable", "Introspect", NULL, G_VARIANT_TYPE("(s)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_variant_get(agent_xml_reply, "(&s)", &xml);
	agent_node = g_dbus_node_info_new_for_xml(xml, &error);
	g_assert_no_error(error);
	g_assert_nonnull(g_dbus_node_info_lookup_interface(agent_node, ARC_DBUS_TEST_AGENT_IFACE));

	/* no peers or services yet: the ObjectManager lists the Agent alone, with its
	 * properties, the object paths among them */
	objects = g_dbus_connection_call_sync(
		fx->connection, ARC_DBUS_TEST_BUS_NAME, ARC_DBUS_TEST_OBJECT_PATH,
		"org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
		G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	children = g_variant_get_child_value(objects, 0);
	g_assert_cmpuint(g_variant_n_children(children), ==, 1);
	agent = arc_dbus_test_managed(fx, ARC_DBUS_TEST_AGENT_PATH, ARC_DBUS_TEST_AGENT_IFACE);
	g_assert_nonnull(agent);
	g_assert_false(arc_dbus_test_vardict_bool(agent, "Bootstrapped"));
	peers = g_variant_lookup_value(agent, "Peers", G_VARIANT_TYPE("ao"));
	services = g_variant_lookup_value(agent, "Services", G_VARIANT_TYPE("ao"));
	g_assert_nonnull(peers);
	g_assert_nonnull(services);
	g_assert_cmpuint(g_variant_n_children(peers), ==, 0);
	g_assert_cmpuint(g_variant_n_children(services), ==, 0);
	g_assert_true(g_variant_lookup(agent, "LocalPeer", "o", &local_peer));
	g_assert_cmpstr(local_peer, ==, "/");
}

static void
arc_dbus_test_properties_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(JsonObject) identity = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	g_assert_false(arc_dbus_agent_get_bootstrapped(fx->proxy));
	g_assert_cmpstr(arc_dbus_agent_get_peer_id(fx->proxy), ==, "");
	g_assert_cmpstr(arc_dbus_agent_get_cluster_id(fx->proxy), ==, "");
	g_assert_cmpstr(arc_dbus_agent_get_license_id(fx->proxy), ==, "");
	g_assert_cmpstr(arc_dbus_agent_get_license_state(fx->proxy), ==, "");

	identity = arc_dbus_test_http_get(fx, "/v1/cluster/identity", &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(arc_dbus_agent_get_version(fx->proxy), !=, "");
	g_assert_cmpstr(arc_dbus_agent_get_version(fx->proxy), ==,
			json_object_get_string_member(identity, "version"));
}

static void
arc_dbus_test_bootstrap_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GVariant) result = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *cluster_id = NULL;
	g_autofree gchar *license_id = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *license = NULL;
	g_autoptr(GError) error = NULL;
	GVariant *again = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	result = arc_dbus_test_bootstrap(fx, "dbus-node");
	peer_id = arc_dbus_test_vardict_string(result, "peer_id");
	cluster_id = arc_dbus_test_vardict_string(result, "cluster_id");
	license_id = arc_dbus_test_vardict_string(result, "license_id");
	secret = arc_dbus_test_vardict_string(result, "client_secret");
	name = arc_dbus_test_vardict_string(result, "name");
	g_assert_true(g_str_has_prefix(peer_id, "peer_"));
	g_assert_true(g_str_has_prefix(cluster_id, "clu_"));
	g_assert_true(g_str_has_prefix(license_id, "lic_"));
	g_assert_true(g_str_has_prefix(secret, "sec_"));
	g_assert_cmpstr(name, ==, "dbus-node");
	g_free(arc_dbus_test_vardict_string(result, "peer_public_key"));
	g_free(arc_dbus_test_vardict_string(result, "client_id"));
	g_free(arc_dbus_test_vardict_string(result, "customer_id"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(result, "max_nodes"), ==, 5);
	g_assert_cmpint(arc_dbus_test_vardict_int64(result, "max_services"), ==, 10);
	g_assert_cmpint(arc_dbus_test_vardict_int64(result, "expires_at"), >,
			g_get_real_time() / G_USEC_PER_SEC + 364 * 24 * 3600);

	/* the properties follow, announced by PropertiesChanged */
	arc_dbus_test_wait_bootstrapped(fx);
	g_assert_true(arc_dbus_test_changed_contains(fx, "Bootstrapped"));
	g_assert_true(arc_dbus_test_changed_contains(fx, "PeerId"));
	g_assert_cmpstr(arc_dbus_agent_get_peer_id(fx->proxy), ==, peer_id);
	g_assert_cmpstr(arc_dbus_agent_get_cluster_id(fx->proxy), ==, cluster_id);
	g_assert_cmpstr(arc_dbus_agent_get_license_id(fx->proxy), ==, license_id);
	g_assert_cmpstr(arc_dbus_agent_get_license_state(fx->proxy), ==, "valid");

	/* once only */
	license = arc_dbus_test_license_text(fx);
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, license, "", &again, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.AlreadyBootstrapped");
	g_assert_null(again);
}

/* LicenseStateChanged: a license that expires within 30 days is in warning from bootstrap
 * on; the signal says so with the message of the log, after the LicenseState property */
static void
arc_dbus_test_license_state_changed_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	g_autofree gchar *path = g_build_filename(fx->tmpdir, "short-license.json", NULL);
	g_autofree gchar *license = NULL;
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GVariant) result = NULL;
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;
	const gchar *issue[] = {tool,
				"issue",
				"--key",
				secret,
				"--customer-id",
				ARC_DBUS_TEST_CUSTOMER_ID,
				"--days",
				"10",
				"--max-nodes",
				"5",
				"--max-services",
				"10",
				"--output",
				path,
				NULL};
	gulong id;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	arc_dbus_test_run_tool(issue);
	license = arc_dbus_test_read_file(path);
	id = g_signal_connect(fx->proxy, "license-state-changed",
			      G_CALLBACK(arc_dbus_test_license_state_cb), seen);
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, license, "short", &result, NULL, &error);
	g_assert_no_error(error);
	while (seen->len == 0 && g_get_monotonic_time() < deadline)
		arc_dbus_test_sleep();
	g_signal_handler_disconnect(fx->proxy, id);
	g_assert_cmpuint(seen->len, ==, 1);
	g_assert_true(
		g_str_has_prefix(g_ptr_array_index(seen, 0), "warning|the license expires on "));
	g_assert_nonnull(strstr(g_ptr_array_index(seen, 0), "arctic license update"));
	g_assert_cmpstr(arc_dbus_agent_get_license_state(fx->proxy), ==, "warning");
}

static void
arc_dbus_test_bootstrap_bad_license_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *license = NULL;
	g_autofree gchar *tampered = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	GVariant *result = NULL;
	JsonObject *obj;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;

	/* more nodes than the issuer signed for */
	license = arc_dbus_test_license_text(fx);
	json_parser_load_from_data(parser, license, -1, &error);
	g_assert_no_error(error);
	obj = json_node_get_object(json_parser_get_root(parser));
	json_object_set_int_member(obj, "max_nodes", 500);
	tampered = json_to_string(json_parser_get_root(parser), FALSE);
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, tampered, "", &result, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.LicenseInvalid");
	g_clear_error(&error);

	/* not a JSON object */
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, "[1, 2]", "", &result, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.InvalidRequest");
	g_clear_error(&error);
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, "not json", "", &result, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.InvalidRequest");
	g_clear_error(&error);
	g_assert_null(result);

	/* nothing changed: the good license still bootstraps */
	g_variant_unref(arc_dbus_test_bootstrap(fx, ""));
	arc_dbus_test_wait_bootstrapped(fx);
}

static void
arc_dbus_test_identity_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *keys[] = {"peer_id",     "name",       "public_key", "license_id",
			       "customer_id", "cluster_id", "version"};
	g_autoptr(GVariant) identity = NULL;
	g_autoptr(JsonObject) rest = NULL;
	g_autoptr(GError) error = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	g_variant_unref(arc_dbus_test_bootstrap(fx, "identity-node"));

	arc_dbus_agent_call_get_identity_sync(fx->proxy, &identity, NULL, &error);
	g_assert_no_error(error);
	rest = arc_dbus_test_http_get(fx, "/v1/cluster/identity", &status);
	g_assert_cmpuint(status, ==, 200);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(identity, keys[i]);
		g_assert_cmpstr(value, !=, "");
		g_assert_cmpstr(value, ==, json_object_get_string_member(rest, keys[i]));
	}
}

static void
arc_dbus_test_wait_for_log(ArcDbusTestFixture *fx, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	for (;;) {
		g_autofree gchar *log = arc_test_agent_get_log(fx->agent);
		if (strstr(log, needle) != NULL)
			return;
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
}

static guint
arc_dbus_test_count_log(ArcDbusTestFixture *fx, const gchar *needle)
{
	g_autofree gchar *log = arc_test_agent_get_log(fx->agent);
	guint count = 0;

	for (const gchar *p = strstr(log, needle); p != NULL; p = strstr(p + 1, needle))
		count++;
	return count;
}

static void
arc_dbus_test_assert_livez(ArcDbusTestFixture *fx)
{
	g_autoptr(JsonObject) livez = NULL;
	guint status = 0;

	livez = arc_dbus_test_http_get(fx, "/livez", &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(json_object_get_string_member(livez, "status"), ==, "ok");
}

/* Without a reachable bus the agent says so once and serves REST alone. */
static void
arc_dbus_test_no_bus_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	gboolean session_bus = GPOINTER_TO_INT(user_data);
	g_autofree gchar *address = g_strdup_printf("unix:path=%s/no-such-bus-socket", fx->tmpdir);
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	arc_dbus_test_start_agent(fx, session_bus, address);
	for (;;) {
		g_autoptr(JsonObject) livez = NULL;
		guint status = 0;

		livez = arc_dbus_test_http_get(fx, "/livez", &status);
		if (status == 200)
			break;
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
	arc_dbus_test_wait_for_log(fx, ARC_DBUS_TEST_DBUS_UNAVAILABLE);

	/* still serving a while later, and nothing repeated */
	g_usleep(G_USEC_PER_SEC / 2);
	arc_dbus_test_assert_livez(fx);
	arc_dbus_test_stop_agent(fx);
	g_assert_cmpuint(arc_dbus_test_count_log(fx, ARC_DBUS_TEST_DBUS_UNAVAILABLE), ==, 1);
	g_assert_cmpuint(arc_dbus_test_count_log(fx, "serving REST only"), ==, 1);
}

/* A bus that goes away (dbus-daemon restarted) does not take the agent down with it. */
static void
arc_dbus_test_bus_vanishes_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	g_assert_cmpuint(arc_dbus_test_count_log(fx, ARC_DBUS_TEST_DBUS_UNAVAILABLE), ==, 0);
	g_clear_object(&fx->proxy);
	g_dbus_connection_close_sync(fx->connection, NULL, NULL);
	g_clear_object(&fx->connection);
	g_test_dbus_down(fx->bus);
	g_clear_object(&fx->bus);

	arc_dbus_test_wait_for_log(fx, ARC_DBUS_TEST_DBUS_UNAVAILABLE);
	g_usleep(G_USEC_PER_SEC / 2);
	arc_dbus_test_check_agent_alive(fx);
	arc_dbus_test_assert_livez(fx);
	arc_dbus_test_stop_agent(fx);
	g_assert_cmpuint(arc_dbus_test_count_log(fx, ARC_DBUS_TEST_DBUS_UNAVAILABLE), ==, 1);
}

/* license renewal (docs/license.md "Renewal"): UpdateLicense is PUT /v1/license */

#define ARC_DBUS_TEST_DAY (24 * 3600)

/* a license of @customer_id signed by the agent's trusted issuer, issued @issued_ago seconds
 * ago and valid for @days days from then */
static gchar *
arc_dbus_test_issue_license(ArcDbusTestFixture *fx, const gchar *name, const gchar *customer_id,
			    gint64 issued_ago, gint days)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	g_autofree gchar *path = g_build_filename(fx->tmpdir, name, NULL);
	g_autoptr(GDateTime) issued =
		g_date_time_new_from_unix_utc(g_get_real_time() / G_USEC_PER_SEC - issued_ago);
	g_autofree gchar *issued_at = g_date_time_format(issued, "%Y-%m-%dT%H:%M:%SZ");
	g_autofree gchar *days_str = g_strdup_printf("%d", days);
	const gchar *issue[] = {
		tool,          "issue",       "--key",          secret,   "--customer-id",
		customer_id,   "--issued-at", issued_at,        "--days", days_str,
		"--max-nodes", "5",           "--max-services", "10",     "--output",
		path,          NULL};

	arc_dbus_test_run_tool(issue);
	return arc_dbus_test_read_file(path);
}

static gchar *
arc_dbus_test_license_id(const gchar *license)
{
	g_autoptr(JsonNode) node = json_from_string(license, NULL);

	g_assert_nonnull(node);
	return g_strdup(json_object_get_string_member(json_node_get_object(node), "license_id"));
}

/* As time would (tests/common/arc-test-license.c): the stopped agent's stored license is
 * replaced by one that expired @expired_ago seconds ago, and the agent computes its state at
 * the next start. */
static void
arc_dbus_test_age_license(ArcDbusTestFixture *fx, gint64 expired_ago)
{
	g_autofree gchar *license =
		arc_dbus_test_issue_license(fx, "expired-license.json", ARC_DBUS_TEST_CUSTOMER_ID,
					    365 * ARC_DBUS_TEST_DAY + expired_ago, 365);
	g_autofree gchar *db =
		g_build_filename(arc_test_agent_get_data_dir(fx->agent), "arctic.db", NULL);
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;

	arc_dbus_test_stop_agent(fx);
	g_assert_cmpint(sqlite3_open(db, &handle), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(handle,
					   "UPDATE meta SET value = ?1 WHERE key = 'license'", -1,
					   &stmt, NULL),
			==, SQLITE_OK);
	sqlite3_bind_text(stmt, 1, license, -1, SQLITE_TRANSIENT);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_DONE);
	g_assert_cmpint(sqlite3_changes(handle), ==, 1);
	sqlite3_finalize(stmt);
	sqlite3_close(handle);
	/* the proxy follows the new owner of the name and loads its properties again */
	arc_dbus_test_start_agent(fx, TRUE, NULL);
	arc_dbus_test_wait_name(fx);
}

static void
arc_dbus_test_wait_license_state(ArcDbusTestFixture *fx, const gchar *state)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (g_strcmp0(arc_dbus_agent_get_license_state(fx->proxy), state) != 0) {
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
}

/* GetLicense and UpdateLicense answer with the members of GET /v1/license */
static void
arc_dbus_test_assert_license_as_rest(ArcDbusTestFixture *fx, GVariant *license)
{
	const gchar *strings[] = {"license_id", "customer_id", "issuer", "state", "message"};
	const gchar *ints[] = {"max_nodes", "max_services", "days_until_expiry"};
	const gchar *times[] = {"issued_at", "expires_at", "state_since", "next_state_at"};
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GVariant) features = NULL;
	g_autofree gchar *next_state = NULL;
	JsonObject *obj;
	guint status = 0;

	rest = arc_dbus_test_api(fx, "GET", "/v1/license", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	obj = json_node_get_object(rest);
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(license, strings[i]);
		g_assert_cmpstr(value, ==, json_object_get_string_member(obj, strings[i]));
	}
	for (guint i = 0; i < G_N_ELEMENTS(ints); i++)
		g_assert_cmpint(arc_dbus_test_vardict_int64(license, ints[i]), ==,
				json_object_get_int_member(obj, ints[i]));
	for (guint i = 0; i < G_N_ELEMENTS(times); i++)
		g_assert_cmpint(arc_dbus_test_vardict_int64(license, times[i]), ==,
				arc_dbus_test_rest_time(obj, times[i]));
	next_state = arc_dbus_test_vardict_string(license, "next_state");
	g_assert_cmpstr(next_state, ==, json_object_get_string_member(obj, "next_state"));
	features = g_variant_lookup_value(license, "features", G_VARIANT_TYPE_STRING_ARRAY);
	g_assert_nonnull(features);
	g_assert_cmpuint(g_variant_n_children(features), ==,
			 json_array_get_length(json_object_get_array_member(obj, "features")));
}

/* what a services write over REST answers: 201, or the error's code */
static gchar *
arc_dbus_test_rest_create_service(ArcDbusTestFixture *fx, const gchar *target_id, guint *status)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"target_peer_id\": \"%s\", \"name\": \"after-renewal\"}", target_id);
	g_autoptr(JsonNode) answer = arc_dbus_test_api(fx, "POST", "/v1/services", body, status);
	JsonObject *obj = json_node_get_object(answer);

	return g_strdup(json_object_get_string_member_with_default(obj, "code", ""));
}

/* An agent in read_only is renewed over D-Bus: valid again, announced, and writable. */
static void
arc_dbus_test_license_update_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *code = NULL;
	g_autofree gchar *fresh = NULL;
	g_autofree gchar *fresh_id = NULL;
	g_autofree gchar *wrapped = NULL;
	g_autofree gchar *state = NULL;
	g_autofree gchar *answer_id = NULL;
	g_autofree gchar *again_id = NULL;
	g_autoptr(GVariant) answer = NULL;
	g_autoptr(GVariant) again = NULL;
	g_autoptr(GVariant) shown = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	gint64 deadline;
	const gchar *other_id;
	guint status = 0;
	gulong id;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_two_peers(fx);
	other_id = arc_test_agent_get_peer_id(fx->other);
	arc_dbus_test_age_license(fx, 20 * ARC_DBUS_TEST_DAY);
	arc_dbus_test_wait_license_state(fx, "read_only");
	code = arc_dbus_test_rest_create_service(fx, other_id, &status);
	g_assert_cmpuint(status, ==, 403);
	g_assert_cmpstr(code, ==, "LICENSE_READ_ONLY");

	/* the renewal, bare as the issuer wrote it */
	fresh = arc_dbus_test_issue_license(fx, "renewed-license.json", ARC_DBUS_TEST_CUSTOMER_ID,
					    3600, 365);
	fresh_id = arc_dbus_test_license_id(fresh);
	g_ptr_array_set_size(fx->changed, 0);
	id = g_signal_connect(fx->proxy, "license-state-changed",
			      G_CALLBACK(arc_dbus_test_license_state_cb), seen);
	arc_dbus_agent_call_update_license_sync(fx->proxy, fresh, &answer, NULL, &error);
	g_assert_no_error(error);
	answer_id = arc_dbus_test_vardict_string(answer, "license_id");
	state = arc_dbus_test_vardict_string(answer, "state");
	g_assert_cmpstr(answer_id, ==, fresh_id);
	g_assert_cmpstr(state, ==, "valid");
	arc_dbus_test_assert_license_as_rest(fx, answer);

	/* LicenseState and LicenseId follow; LicenseStateChanged says it is valid again */
	deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;
	while (seen->len == 0 && g_get_monotonic_time() < deadline)
		arc_dbus_test_sleep();
	g_assert_cmpuint(seen->len, ==, 1);
	g_assert_true(g_str_has_prefix(g_ptr_array_index(seen, 0), "valid|"));
	arc_dbus_test_wait_license_state(fx, "valid");
	g_assert_true(arc_dbus_test_changed_contains(fx, "LicenseState"));
	g_assert_cmpstr(arc_dbus_agent_get_license_id(fx->proxy), ==, fresh_id);

	/* REST shows the new license, and services can be written again */
	rest = arc_dbus_test_api(fx, "GET", "/v1/license", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "license_id"), ==,
			fresh_id);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "state"), ==,
			"valid");
	g_free(g_steal_pointer(&code));
	code = arc_dbus_test_rest_create_service(fx, other_id, &status);
	g_assert_cmpstr(code, ==, "");
	g_assert_cmpuint(status, ==, 201);

	/* GetLicense shows it too; the same license again, wrapped, changes nothing */
	arc_dbus_agent_call_get_license_sync(fx->proxy, &shown, NULL, &error);
	g_assert_no_error(error);
	arc_dbus_test_assert_license_as_rest(fx, shown);
	wrapped = g_strdup_printf("{\"license\": %s}", fresh);
	arc_dbus_agent_call_update_license_sync(fx->proxy, wrapped, &again, NULL, &error);
	g_assert_no_error(error);
	again_id = arc_dbus_test_vardict_string(again, "license_id");
	g_assert_cmpstr(again_id, ==, fresh_id);
	g_usleep(G_USEC_PER_SEC / 5);
	g_main_context_iteration(NULL, FALSE);
	g_signal_handler_disconnect(fx->proxy, id);
	g_assert_cmpuint(seen->len, ==, 1);
}

/* Refused renewals answer with the error and message of PUT /v1/license and change nothing. */
static void
arc_dbus_test_license_update_refused_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *other_customer = NULL;
	g_autofree gchar *older = NULL;
	g_autofree gchar *wrapped = NULL;
	g_autofree gchar *license_id = NULL;
	g_autoptr(JsonNode) before = NULL;
	g_autoptr(JsonNode) after = NULL;
	g_autoptr(GError) error = NULL;
	GVariant *result = NULL;
	guint status = 0;
	gulong id;
	struct {
		const gchar *json;
		const gchar *error;
		guint status;
	} cases[] = {
		{NULL /* another customer */, "com.tillered.Arctic1.Error.LicenseMismatch", 422},
		{NULL /* the same, wrapped */, "com.tillered.Arctic1.Error.LicenseMismatch", 422},
		{NULL /* older */, "com.tillered.Arctic1.Error.LicenseInvalid", 422},
		{"not json", "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"", "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"[1, 2]", "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"{\"license\": 3}", "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"{\"customer_id\": \"" ARC_DBUS_TEST_CUSTOMER_ID "\"}",
		 "com.tillered.Arctic1.Error.InvalidRequest", 400},
	};

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;

	/* nothing to renew before bootstrap */
	arc_dbus_agent_call_get_license_sync(fx->proxy, &result, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.NotBootstrapped");
	g_clear_error(&error);
	other_customer = arc_dbus_test_license_text(fx);
	arc_dbus_agent_call_update_license_sync(fx->proxy, other_customer, &result, NULL, &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.NotBootstrapped");
	g_clear_error(&error);
	g_assert_null(result);
	g_free(other_customer);

	g_variant_unref(arc_dbus_test_bootstrap(fx, ""));
	arc_dbus_test_wait_bootstrapped(fx);
	license_id = g_strdup(arc_dbus_agent_get_license_id(fx->proxy));
	before = arc_dbus_test_api(fx, "GET", "/v1/license", NULL, &status);
	g_assert_cmpuint(status, ==, 200);

	other_customer =
		arc_dbus_test_issue_license(fx, "other-customer.json", "cust_other", 60, 730);
	wrapped = g_strdup_printf("{\"license\": %s}", other_customer);
	older = arc_dbus_test_issue_license(fx, "older-license.json", ARC_DBUS_TEST_CUSTOMER_ID,
					    3600, 30);
	cases[0].json = other_customer;
	cases[1].json = wrapped;
	cases[2].json = older;
	id = g_signal_connect(fx->proxy, "license-state-changed",
			      G_CALLBACK(arc_dbus_test_license_state_cb), seen);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(JsonNode) rest = NULL;

		g_test_message("UpdateLicense %s", cases[i].json);
		arc_dbus_agent_call_update_license_sync(fx->proxy, cases[i].json, &result, NULL,
							&error);
		rest = arc_dbus_test_api(fx, "PUT", "/v1/license", cases[i].json, &status);
		g_assert_cmpuint(status, ==, cases[i].status);
		arc_dbus_test_assert_error_message(
			error, cases[i].error,
			json_object_get_string_member(json_node_get_object(rest), "error"));
		g_clear_error(&error);
		g_assert_null(result);
	}

	/* nothing changed, here or over REST */
	after = arc_dbus_test_api(fx, "GET", "/v1/license", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(after), "license_id"),
			==, license_id);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(after), "expires_at"),
			==,
			json_object_get_string_member(json_node_get_object(before), "expires_at"));
	g_main_context_iteration(NULL, FALSE);
	g_signal_handler_disconnect(fx->proxy, id);
	g_assert_cmpuint(seen->len, ==, 0);
	g_assert_cmpstr(arc_dbus_agent_get_license_id(fx->proxy), ==, license_id);
	g_assert_cmpstr(arc_dbus_agent_get_license_state(fx->proxy), ==, "valid");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/dbus/name", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_name_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/properties", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_properties_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/bootstrap", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_bootstrap_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/license-state-changed", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_license_state_changed_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/bootstrap-bad-license", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_bootstrap_bad_license_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/identity", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_identity_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/no-bus/system", ArcDbusTestFixture, GINT_TO_POINTER(FALSE),
		   arc_dbus_test_fixture_setup, arc_dbus_test_no_bus_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/no-bus/session", ArcDbusTestFixture, GINT_TO_POINTER(TRUE),
		   arc_dbus_test_fixture_setup, arc_dbus_test_no_bus_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/bus-vanishes", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_bus_vanishes_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/license/update", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_license_update_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/license/update-refused", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_license_update_refused_func,
		   arc_dbus_test_fixture_teardown);
	return g_test_run();
}
