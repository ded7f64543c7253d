/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* The fixture of the D-Bus suite, shared by tests/dbus/test-dbus-*.c: the agent is started by
 * the harness of tests/common (ArcTestAgent), so ARC_TEST_AGENT_WRAPPER applies to it. */

const gchar *
arc_dbus_test_getenv(const gchar *name)
{
	const gchar *value = g_getenv(name);
	if (value == NULL)
		g_error("%s is not set: run this test through meson", name);
	return value;
}

static gboolean
arc_dbus_test_have_dbus_daemon(void)
{
	g_autofree gchar *path = g_find_program_in_path("dbus-daemon");
	if (path == NULL) {
		g_test_skip("dbus-daemon is not installed");
		return FALSE;
	}
	return TRUE;
}

gchar *
arc_dbus_test_read_file(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;

	if (!g_file_get_contents(path, &contents, NULL, &error)) {
		if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_error("cannot read %s: %s", path, error->message);
		return g_strdup("");
	}
	return contents;
}

void
arc_dbus_test_write_file(const gchar *path, const gchar *contents, gint mode)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
}

void
arc_dbus_test_run_tool(const gchar *const *argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;

	g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
		     &status, &error);
	g_assert_no_error(error);
	if (!g_spawn_check_wait_status(status, &error))
		g_error("%s %s failed: %s\n%s", argv[0], argv[1], error->message, err);
}

/* An issuer of our own, made with the built arctic-license: the agent trusts its public key
 * (in place of the harness's issuer), and it signs every license of the suite. */
static void
arc_dbus_test_make_issuer(ArcDbusTestFixture *fx)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	g_autofree gchar *public = g_build_filename(fx->tmpdir, "issuer.pub", NULL);
	g_autofree gchar *public_key = NULL;
	const gchar *keygen[] = {tool, "keygen", "--secret", secret, "--public", public, NULL};
	const gchar *issue[] = {tool,
				"issue",
				"--key",
				secret,
				"--customer-id",
				ARC_DBUS_TEST_CUSTOMER_ID,
				"--days",
				"365",
				"--max-nodes",
				"5",
				"--max-services",
				"10",
				"--output",
				fx->license_path,
				NULL};

	arc_dbus_test_run_tool(keygen);
	public_key = arc_dbus_test_read_file(public);
	arc_dbus_test_write_file(arc_test_agent_get_issuer_pub_path(fx->agent), public_key, 0644);
	arc_dbus_test_run_tool(issue);
}

void
arc_dbus_test_check_agent_alive(ArcDbusTestFixture *fx)
{
	if (fx->started && !arc_test_agent_is_running(fx->agent)) {
		g_autofree gchar *log = arc_test_agent_get_log(fx->agent);
		g_error("arctic-agent exited early; its stderr:\n%s", log);
	}
}

/* Starts the built agent, on a port of its own at each start, and waits until it answers
 * /livez. @session_bus: it serves the session bus (--session-bus), or the system bus.
 * @bus_address: %NULL to keep the environment's buses (the private session bus), otherwise
 * the address given to both DBUS_*_BUS_ADDRESS variables. */
void
arc_dbus_test_start_agent(ArcDbusTestFixture *fx, gboolean session_bus, const gchar *bus_address)
{
	g_autoptr(GError) error = NULL;

	arc_test_agent_set_bus(fx->agent,
			       session_bus ? ARC_TEST_AGENT_BUS_SESSION : ARC_TEST_AGENT_BUS_SYSTEM,
			       bus_address);
	arc_test_agent_set_port(fx->agent, 0);
	arc_test_agent_start(fx->agent, &error);
	g_assert_no_error(error);
	fx->started = TRUE;
}

void
arc_dbus_test_sleep(void)
{
	g_main_context_iteration(NULL, FALSE);
	g_usleep(ARC_DBUS_TEST_POLL_US);
}

/* Stops the agent we started, by its pid, and checks it shut down cleanly. */
void
arc_dbus_test_stop_agent(ArcDbusTestFixture *fx)
{
	g_autoptr(GError) error = NULL;
	gint status = -1;

	if (!fx->started)
		return;
	arc_dbus_test_check_agent_alive(fx);
	fx->started = FALSE;
	arc_test_agent_stop(fx->agent, &status, &error);
	g_assert_no_error(error);
	if (status != 0) {
		g_autofree gchar *log = arc_test_agent_get_log(fx->agent);
		g_error("arctic-agent did not exit cleanly; its stderr:\n%s", log);
	}
}

static gboolean
arc_dbus_test_name_has_owner(ArcDbusTestFixture *fx)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	gboolean has_owner = FALSE;

	reply = g_dbus_connection_call_sync(
		fx->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "NameHasOwner",
		g_variant_new("(s)", ARC_DBUS_TEST_BUS_NAME), G_VARIANT_TYPE("(b)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_variant_get(reply, "(b)", &has_owner);
	return has_owner;
}

static void
arc_dbus_test_properties_changed_cb(GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
				    gpointer user_data)
{
	ArcDbusTestFixture *fx = user_data;
	GVariantIter iter;
	const gchar *name;

	g_variant_iter_init(&iter, changed);
	while (g_variant_iter_next(&iter, "{&sv}", &name, NULL))
		g_ptr_array_add(fx->changed, g_strdup(name));
}

void
arc_dbus_test_fixture_setup(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	fx->agent = arc_test_agent_new();
	fx->tmpdir = arc_test_agent_get_tmpdir(fx->agent);
	fx->changed = g_ptr_array_new_with_free_func(g_free);
	fx->events = g_ptr_array_new_with_free_func(g_free);
	fx->license_path = g_build_filename(fx->tmpdir, "license.json", NULL);
	arc_dbus_test_make_issuer(fx);
}

/* waits until the agent owns its name */
void
arc_dbus_test_wait_name(ArcDbusTestFixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (!arc_dbus_test_name_has_owner(fx)) {
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
}

/* Brings up a private bus and an agent on it, and waits until the agent owns its name.
 * @session_bus: the agent serves it as its session bus (--session-bus), or as its system bus */
gboolean
arc_dbus_test_fixture_start_on_bus_full(ArcDbusTestFixture *fx, gboolean session_bus)
{
	g_autoptr(GError) error = NULL;

	if (!arc_dbus_test_have_dbus_daemon())
		return FALSE;
	fx->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(fx->bus);
	fx->connection = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(fx->bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);

	arc_dbus_test_start_agent(fx, session_bus,
				  session_bus ? NULL : g_test_dbus_get_bus_address(fx->bus));
	arc_dbus_test_wait_name(fx);
	fx->proxy = arc_dbus_agent_proxy_new_sync(
		fx->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ARC_DBUS_TEST_BUS_NAME,
		ARC_DBUS_TEST_AGENT_PATH, NULL, &error);
	g_assert_no_error(error);
	g_signal_connect(fx->proxy, "g-properties-changed",
			 G_CALLBACK(arc_dbus_test_properties_changed_cb), fx);
	return TRUE;
}

gboolean
arc_dbus_test_fixture_start_on_bus(ArcDbusTestFixture *fx)
{
	return arc_dbus_test_fixture_start_on_bus_full(fx, TRUE);
}

void
arc_dbus_test_fixture_teardown(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_clear_object(&fx->other);
	g_clear_object(&fx->proxy);
	arc_dbus_test_stop_agent(fx);
	for (guint i = 0; i < G_N_ELEMENTS(fx->signal_ids); i++) {
		if (fx->signal_ids[i] != 0)
			g_dbus_connection_signal_unsubscribe(fx->connection, fx->signal_ids[i]);
	}
	if (fx->connection != NULL) {
		g_dbus_connection_close_sync(fx->connection, NULL, NULL);
		g_clear_object(&fx->connection);
	}
	if (fx->bus != NULL) {
		g_test_dbus_down(fx->bus);
		g_clear_object(&fx->bus);
	}
	g_clear_object(&fx->agent); /* and its temp dir */
	g_free(fx->license_path);
	g_ptr_array_unref(fx->changed);
	g_ptr_array_unref(fx->events);
}

/* HTTP: GET a path of the agent and parse the JSON object it answers with; status 0 when
 * nothing answered */
JsonObject *
arc_dbus_test_http_get(ArcDbusTestFixture *fx, const gchar *path, guint *status)
{
	g_autoptr(ArcTestResponse) resp = NULL;
	g_autoptr(GError) error = NULL;

	resp = arc_test_agent_send(fx->agent, "GET", path, NULL, NULL, 0, NULL, &error);
	if (resp == NULL) {
		*status = 0;
		return NULL;
	}
	*status = resp->status;
	g_assert_nonnull(resp->json);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(resp->json));
	return json_object_ref(json_node_get_object(resp->json));
}

gchar *
arc_dbus_test_vardict_string(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_STRING);
	if (value == NULL)
		g_error("a{sv} has no string '%s'", key);
	return g_variant_dup_string(value, NULL);
}

gint64
arc_dbus_test_vardict_int64(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_INT64);
	if (value == NULL)
		g_error("a{sv} has no int64 '%s'", key);
	return g_variant_get_int64(value);
}

gboolean
arc_dbus_test_vardict_bool(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_BOOLEAN);
	if (value == NULL)
		g_error("a{sv} has no boolean '%s'", key);
	return g_variant_get_boolean(value);
}

gchar *
arc_dbus_test_license_text(ArcDbusTestFixture *fx)
{
	return arc_dbus_test_read_file(fx->license_path);
}

void
arc_dbus_test_license_state_cb(ArcDbusAgent *proxy, const gchar *state, const gchar *message,
			       gpointer user_data)
{
	GPtrArray *seen = user_data;

	g_ptr_array_add(seen, g_strdup_printf("%s|%s", state, message));
}

void
arc_dbus_test_assert_dbus_error(GError *error, const gchar *name)
{
	g_autofree gchar *remote = NULL;

	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
}

GVariant *
arc_dbus_test_bootstrap(ArcDbusTestFixture *fx, const gchar *name)
{
	g_autofree gchar *license = arc_dbus_test_license_text(fx);
	g_autoptr(GError) error = NULL;
	GVariant *result = NULL;

	arc_dbus_agent_call_bootstrap_sync(fx->proxy, license, name, &result, NULL, &error);
	g_assert_no_error(error);
	return result;
}

void
arc_dbus_test_wait_bootstrapped(ArcDbusTestFixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (!arc_dbus_agent_get_bootstrapped(fx->proxy)) {
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
}

static gboolean
arc_dbus_test_strings_contain(GPtrArray *strings, const gchar *str)
{
	for (guint i = 0; i < strings->len; i++) {
		if (g_strcmp0(g_ptr_array_index(strings, i), str) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
arc_dbus_test_changed_contains(ArcDbusTestFixture *fx, const gchar *name)
{
	return arc_dbus_test_strings_contain(fx->changed, name);
}

/* peers and services: one com.tillered.Arctic1.Peer or .Service object each, below the
 * ObjectManager */

static void
arc_dbus_test_object_manager_cb(GDBusConnection *connection, const gchar *sender, const gchar *path,
				const gchar *iface, const gchar *signal, GVariant *params,
				gpointer user_data)
{
	ArcDbusTestFixture *fx = user_data;
	const gchar *object = NULL;

	g_variant_get_child(params, 0, "&o", &object);
	if (!g_str_has_prefix(object, ARC_DBUS_TEST_PEERS_PATH "/") &&
	    !g_str_has_prefix(object, ARC_DBUS_TEST_SERVICES_PATH "/"))
		return;
	g_ptr_array_add(
		fx->events,
		g_strdup_printf("%s %s",
				g_strcmp0(signal, "InterfacesAdded") == 0 ? "added" : "removed",
				object));
}

static void
arc_dbus_test_peer_properties_cb(GDBusConnection *connection, const gchar *sender,
				 const gchar *path, const gchar *iface, const gchar *signal,
				 GVariant *params, gpointer user_data)
{
	ArcDbusTestFixture *fx = user_data;
	g_autoptr(GVariant) changed = g_variant_get_child_value(params, 1);
	GVariantIter iter;
	const gchar *name;

	g_variant_iter_init(&iter, changed);
	while (g_variant_iter_next(&iter, "{&sv}", &name, NULL))
		g_ptr_array_add(fx->events, g_strdup_printf("changed %s %s", path, name));
}

/* records the peer objects' InterfacesAdded, InterfacesRemoved and PropertiesChanged */
static void
arc_dbus_test_watch_peers(ArcDbusTestFixture *fx)
{
	fx->signal_ids[0] = g_dbus_connection_signal_subscribe(
		fx->connection, NULL, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
		ARC_DBUS_TEST_OBJECT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
		arc_dbus_test_object_manager_cb, fx, NULL);
	fx->signal_ids[1] = g_dbus_connection_signal_subscribe(
		fx->connection, NULL, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
		ARC_DBUS_TEST_OBJECT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
		arc_dbus_test_object_manager_cb, fx, NULL);
	fx->signal_ids[2] = g_dbus_connection_signal_subscribe(
		fx->connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
		ARC_DBUS_TEST_PEER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE,
		arc_dbus_test_peer_properties_cb, fx, NULL);
}

/* records the service objects' PropertiesChanged too (InterfacesAdded and -Removed come with
 * arc_dbus_test_watch_peers()) */
static void
arc_dbus_test_watch_services(ArcDbusTestFixture *fx)
{
	fx->signal_ids[3] = g_dbus_connection_signal_subscribe(
		fx->connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
		ARC_DBUS_TEST_SERVICE_IFACE, G_DBUS_SIGNAL_FLAGS_NONE,
		arc_dbus_test_peer_properties_cb, fx, NULL);
}

void
arc_dbus_test_wait_event(ArcDbusTestFixture *fx, const gchar *event)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (!arc_dbus_test_strings_contain(fx->events, event)) {
		arc_dbus_test_check_agent_alive(fx);
		if (g_get_monotonic_time() >= deadline)
			g_error("no D-Bus signal '%s' arrived", event);
		arc_dbus_test_sleep();
	}
}

guint
arc_dbus_test_count_events(ArcDbusTestFixture *fx, const gchar *prefix)
{
	guint count = 0;

	for (guint i = 0; i < fx->events->len; i++) {
		if (g_str_has_prefix(g_ptr_array_index(fx->events, i), prefix))
			count++;
	}
	return count;
}

void
arc_dbus_test_wait_events(ArcDbusTestFixture *fx, const gchar *prefix, guint count)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (arc_dbus_test_count_events(fx, prefix) < count) {
		arc_dbus_test_check_agent_alive(fx);
		if (g_get_monotonic_time() >= deadline)
			g_error("fewer than %u D-Bus signals '%s…' arrived", count, prefix);
		arc_dbus_test_sleep();
	}
}

gchar *
arc_dbus_test_peer_path(const gchar *peer_id)
{
	return g_strconcat(ARC_DBUS_TEST_PEERS_PATH "/", peer_id, NULL);
}

static GVariant *
arc_dbus_test_managed_objects(ArcDbusTestFixture *fx)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;

	reply = g_dbus_connection_call_sync(
		fx->connection, ARC_DBUS_TEST_BUS_NAME, ARC_DBUS_TEST_OBJECT_PATH,
		"org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
		G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	return g_variant_get_child_value(reply, 0);
}

/* Returns: (nullable): the properties of @path's @iface as GetManagedObjects lists them */
GVariant *
arc_dbus_test_managed(ArcDbusTestFixture *fx, const gchar *path, const gchar *iface)
{
	g_autoptr(GVariant) objects = arc_dbus_test_managed_objects(fx);
	g_autoptr(GVariant) ifaces =
		g_variant_lookup_value(objects, path, G_VARIANT_TYPE("a{sa{sv}}"));

	if (ifaces == NULL)
		return NULL;
	return g_variant_lookup_value(ifaces, iface, G_VARIANT_TYPE_VARDICT);
}

/* how many objects GetManagedObjects lists under @prefix */
guint
arc_dbus_test_count_objects(ArcDbusTestFixture *fx, const gchar *prefix)
{
	g_autoptr(GVariant) objects = arc_dbus_test_managed_objects(fx);
	GVariantIter iter;
	const gchar *path;
	guint count = 0;

	g_variant_iter_init(&iter, objects);
	while (g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, NULL)) {
		if (g_str_has_prefix(path, prefix))
			count++;
	}
	return count;
}

/* the agent's REST API as the operator reaches it, with the recovery token */
JsonNode *
arc_dbus_test_api(ArcDbusTestFixture *fx, const gchar *method, const gchar *path,
		  const gchar *json_body, guint *status)
{
	const gchar *token_path = arc_test_agent_get_recovery_token_path(fx->agent);
	g_autofree gchar *token = arc_dbus_test_read_file(token_path);
	g_autofree gchar *header = g_strconcat("X-Arctic-Recovery: ", g_strstrip(token), NULL);
	const gchar *headers[] = {header, NULL};
	g_autoptr(ArcTestResponse) resp = NULL;
	g_autoptr(GError) error = NULL;

	resp = arc_test_agent_send(fx->agent, method, path, headers, json_body, -1,
				   json_body != NULL ? "application/json" : NULL, &error);
	g_assert_no_error(error);
	*status = resp->status;
	g_assert_nonnull(resp->json);
	return json_node_ref(resp->json);
}

gint64
arc_dbus_test_rest_time(JsonObject *obj, const gchar *member)
{
	g_autoptr(GDateTime) time =
		g_date_time_new_from_iso8601(json_object_get_string_member(obj, member), NULL);

	g_assert_nonnull(time);
	return g_date_time_to_unix(time);
}

void
arc_dbus_test_assert_error_message(GError *error, const gchar *name, const gchar *message)
{
	arc_dbus_test_assert_dbus_error(error, name);
	g_dbus_error_strip_remote_error(error);
	g_assert_cmpstr(error->message, ==, message);
}

/* Bootstraps over D-Bus and waits for the local peer's object. Returns: the local peer id */
gchar *
arc_dbus_test_bootstrap_peers(ArcDbusTestFixture *fx, const gchar *name)
{
	g_autoptr(GVariant) result = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *event = NULL;
	gchar *peer_id;

	arc_dbus_test_watch_peers(fx);
	result = arc_dbus_test_bootstrap(fx, name);
	peer_id = arc_dbus_test_vardict_string(result, "peer_id");
	path = arc_dbus_test_peer_path(peer_id);
	event = g_strconcat("added ", path, NULL);
	arc_dbus_test_wait_event(fx, event);
	return peer_id;
}

/* Another agent, REST only, of the same customer and trusting the same issuer. */
void
arc_dbus_test_start_other(ArcDbusTestFixture *fx)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	const gchar *public = arc_test_agent_get_issuer_pub_path(fx->agent);
	g_autofree gchar *license_path = g_build_filename(fx->tmpdir, "other-license.json", NULL);
	g_autofree gchar *public_key = arc_dbus_test_read_file(public);
	g_autofree gchar *license = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *issue[] = {tool,
				"issue",
				"--key",
				secret,
				"--customer-id",
				ARC_DBUS_TEST_CUSTOMER_ID,
				"--days",
				"365",
				"--max-nodes",
				"5",
				"--max-services",
				"10",
				"--output",
				license_path,
				NULL};

	arc_dbus_test_run_tool(issue);
	license = arc_dbus_test_read_file(license_path);
	fx->other = arc_test_agent_new();
	arc_dbus_test_write_file(arc_test_agent_get_issuer_pub_path(fx->other), public_key, 0644);
	arc_test_agent_start(fx->other, &error);
	g_assert_no_error(error);
	boot = arc_test_agent_bootstrap_with(fx->other, license, &error);
	g_assert_no_error(error);
}

/* Adds the other agent over D-Bus. Returns: the path of its new object */
gchar *
arc_dbus_test_add_other(ArcDbusTestFixture *fx, const gchar *name)
{
	g_autofree gchar *address = arc_test_agent_get_address(fx->other);
	g_autofree gchar *event = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = NULL;

	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, name, &path, NULL, &error);
	g_assert_no_error(error);
	event = g_strconcat("added ", path, NULL);
	arc_dbus_test_wait_event(fx, event);
	return path;
}

/* Two peers, the other one added over D-Bus. Returns: the local peer id */
gchar *
arc_dbus_test_two_peers(ArcDbusTestFixture *fx)
{
	g_autofree gchar *other_path = NULL;
	gchar *local_id = arc_dbus_test_bootstrap_peers(fx, "source-node");

	arc_dbus_test_watch_services(fx);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_add_other(fx, "target-node");
	return local_id;
}

gchar *
arc_dbus_test_create_service(ArcDbusTestFixture *fx, GVariant *spec)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *event = NULL;
	gchar *path = NULL;

	arc_dbus_agent_call_create_service_sync(fx->proxy, spec, &path, NULL, &error);
	g_assert_no_error(error);
	event = g_strconcat("added ", path, NULL);
	/* announced before the reply */
	arc_dbus_test_wait_event(fx, event);
	return path;
}
