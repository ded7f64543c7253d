/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "arc-dbus-generated.h"
#include "arc-test-agent.h"

/* The D-Bus API of the built arctic-agent, on a private session bus (DESIGN.md §7): the test
 * talks to the agent only through D-Bus and HTTP, as a user would. */

#define ARC_DBUS_TEST_BUS_NAME "com.tillered.Arctic1"
#define ARC_DBUS_TEST_OBJECT_PATH "/com/tillered/Arctic1"
#define ARC_DBUS_TEST_AGENT_PATH "/com/tillered/Arctic1/Agent"
#define ARC_DBUS_TEST_MANAGE_ACTION "com.tillered.arctic.manage"
#define ARC_DBUS_TEST_AGENT_IFACE "com.tillered.Arctic1.Agent"
#define ARC_DBUS_TEST_PEER_IFACE "com.tillered.Arctic1.Peer"
#define ARC_DBUS_TEST_PEERS_PATH "/com/tillered/Arctic1/peers"
#define ARC_DBUS_TEST_SERVICE_IFACE "com.tillered.Arctic1.Service"
#define ARC_DBUS_TEST_SERVICES_PATH "/com/tillered/Arctic1/services"
#define ARC_DBUS_TEST_CUSTOMER_ID "cust_dbus"
#define ARC_DBUS_TEST_TIMEOUT_US (15 * G_USEC_PER_SEC)
#define ARC_DBUS_TEST_POLL_US (20 * 1000)
#define ARC_DBUS_TEST_DBUS_UNAVAILABLE "D-Bus unavailable"

typedef struct {
	GTestDBus *bus;
	gchar *tmpdir;
	gchar *config_path;
	gchar *license_path;
	gchar *stderr_path;
	GSubprocess *agent;
	gboolean agent_exited;
	guint16 port;
	GDBusConnection *connection;
	ArcDbusAgent *proxy;
	GPtrArray *changed; /* names of properties seen in PropertiesChanged */
	GPtrArray *events;  /* "added PATH", "removed PATH", "changed PATH PROPERTY" of peers
			     * and services */
	guint signal_ids[4];
	ArcTestAgent *other; /* a second agent of the same customer, REST only */
} ArcDbusTestFixture;

static const gchar *
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

static void
arc_dbus_test_rm_rf(const gchar *path)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		dir = g_dir_open(path, 0, NULL);
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			arc_dbus_test_rm_rf(child);
		}
	}
	g_remove(path);
}

static gchar *
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

static void
arc_dbus_test_write_file(const gchar *path, const gchar *contents, gint mode)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
}

/* a port nobody listens on now; the agent binds it a moment later */
static guint16
arc_dbus_test_free_port(void)
{
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GError) error = NULL;

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      &error);
	g_assert_no_error(error);
	g_socket_bind(socket, any, FALSE, &error);
	g_assert_no_error(error);
	bound = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static void
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

/* An issuer of our own, trusted through the issuers dir named in agent.conf. */
static void
arc_dbus_test_make_issuer_and_config(ArcDbusTestFixture *fx)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *issuers = g_build_filename(fx->tmpdir, "issuers", NULL);
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	g_autofree gchar *public = g_build_filename(issuers, "test.pub", NULL);
	g_autofree gchar *token = g_build_filename(fx->tmpdir, "recovery.token", NULL);
	g_autofree gchar *conf = NULL;
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

	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	arc_dbus_test_run_tool(keygen);
	g_assert_cmpint(g_chmod(public, 0644), ==, 0);
	arc_dbus_test_run_tool(issue);

	conf = g_strdup_printf("[agent]\nrecovery_token_file=%s\n\n"
			       "[plugin:ed25519-file]\nissuers_dir=%s\n",
			       token, issuers);
	fx->config_path = g_build_filename(fx->tmpdir, "agent.conf", NULL);
	arc_dbus_test_write_file(fx->config_path, conf, 0644);
}

static void
arc_dbus_test_agent_exited_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcDbusTestFixture *fx = user_data;
	g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
	fx->agent_exited = TRUE;
}

static void
arc_dbus_test_check_agent_alive(ArcDbusTestFixture *fx)
{
	if (fx->agent_exited) {
		g_autofree gchar *log = arc_dbus_test_read_file(fx->stderr_path);
		g_error("arctic-agent exited early; its stderr:\n%s", log);
	}
}

/* runs in the agent between fork and exec: a test that dies takes its agent with it */
static void
arc_dbus_test_agent_child_setup_cb(gpointer user_data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts the built agent. @bus_address: %NULL to keep the environment's buses (the private
 * session bus), otherwise the address given to both DBUS_*_BUS_ADDRESS variables. */
static void
arc_dbus_test_start_agent(ArcDbusTestFixture *fx, gboolean session_bus, const gchar *bus_address)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *data_dir = g_build_filename(fx->tmpdir, "data", NULL);

	fx->port = arc_dbus_test_free_port();
	g_free(fx->stderr_path);
	fx->stderr_path = g_build_filename(fx->tmpdir, "agent.stderr", NULL);
	g_ptr_array_add(argv, g_strdup(arc_dbus_test_getenv("ARC_AGENT")));
	if (session_bus)
		g_ptr_array_add(argv, g_strdup("--session-bus"));
	g_ptr_array_add(argv, g_strdup("--config"));
	g_ptr_array_add(argv, g_strdup(fx->config_path));
	g_ptr_array_add(argv, g_strdup("--data-dir"));
	g_ptr_array_add(argv, g_strdup(data_dir));
	g_ptr_array_add(argv, g_strdup("--listen"));
	g_ptr_array_add(argv, g_strdup_printf("127.0.0.1:%u", fx->port));
	g_ptr_array_add(argv, g_strdup("--plugin-dir"));
	g_ptr_array_add(argv, g_strdup(arc_dbus_test_getenv("ARC_PLUGIN_DIR")));
	g_ptr_array_add(argv, NULL);

	g_subprocess_launcher_set_stderr_file_path(launcher, fx->stderr_path);
	g_subprocess_launcher_set_child_setup(launcher, arc_dbus_test_agent_child_setup_cb, NULL,
					      NULL);
	g_subprocess_launcher_unsetenv(launcher, "API_PORT");
	g_subprocess_launcher_unsetenv(launcher, "DATA_DIR");
	g_subprocess_launcher_unsetenv(launcher, "LOG_FORMAT");
	g_subprocess_launcher_unsetenv(launcher, "JOURNAL_STREAM");
	if (bus_address != NULL) {
		g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS", bus_address,
					     TRUE);
		g_subprocess_launcher_setenv(launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address,
					     TRUE);
	}
	fx->agent =
		g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	g_subprocess_wait_async(fx->agent, NULL, arc_dbus_test_agent_exited_cb, fx);
}

static void
arc_dbus_test_sleep(void)
{
	g_main_context_iteration(NULL, FALSE);
	g_usleep(ARC_DBUS_TEST_POLL_US);
}

/* Stops the agent we started, by its pid, and checks it shut down cleanly. */
static void
arc_dbus_test_stop_agent(ArcDbusTestFixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	if (fx->agent == NULL)
		return;
	if (!fx->agent_exited)
		g_subprocess_send_signal(fx->agent, SIGTERM);
	while (!fx->agent_exited && g_get_monotonic_time() < deadline)
		arc_dbus_test_sleep();
	if (!fx->agent_exited) {
		g_subprocess_force_exit(fx->agent);
		g_error("arctic-agent did not stop on SIGTERM");
	}
	if (!g_subprocess_get_if_exited(fx->agent) ||
	    g_subprocess_get_exit_status(fx->agent) != 0) {
		g_autofree gchar *log = arc_dbus_test_read_file(fx->stderr_path);
		g_error("arctic-agent did not exit cleanly; its stderr:\n%s", log);
	}
	g_clear_object(&fx->agent);
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

static void
arc_dbus_test_fixture_setup(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fx->tmpdir = g_dir_make_tmp("arctic-dbus-XXXXXX", &error);
	g_assert_no_error(error);
	fx->changed = g_ptr_array_new_with_free_func(g_free);
	fx->events = g_ptr_array_new_with_free_func(g_free);
	fx->license_path = g_build_filename(fx->tmpdir, "license.json", NULL);
	arc_dbus_test_make_issuer_and_config(fx);
}

/* Brings up a private bus and an agent on it, and waits until the agent owns its name.
 * @session_bus: the agent serves it as its session bus (--session-bus), or as its system bus */
static void
arc_dbus_test_wait_name(ArcDbusTestFixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	while (!arc_dbus_test_name_has_owner(fx)) {
		arc_dbus_test_check_agent_alive(fx);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		arc_dbus_test_sleep();
	}
}

static gboolean
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

static gboolean
arc_dbus_test_fixture_start_on_bus(ArcDbusTestFixture *fx)
{
	return arc_dbus_test_fixture_start_on_bus_full(fx, TRUE);
}

static void
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
	arc_dbus_test_rm_rf(fx->tmpdir);
	g_free(fx->tmpdir);
	g_free(fx->config_path);
	g_free(fx->license_path);
	g_free(fx->stderr_path);
	g_ptr_array_unref(fx->changed);
	g_ptr_array_unref(fx->events);
}

/* HTTP: GET a path of the agent and parse the JSON object it answers with */
static JsonObject *
arc_dbus_test_http_get(ArcDbusTestFixture *fx, const gchar *path, guint *status)
{
	/* no proxy: the default resolver would read GSettings, absent under ISOLATE_DIRS */
	g_autoptr(SoupSession) session =
		soup_session_new_with_options("proxy-resolver", NULL, NULL);
	g_autofree gchar *uri = g_strdup_printf("http://127.0.0.1:%u%s", fx->port, path);
	g_autoptr(SoupMessage) msg = soup_message_new("GET", uri);
	g_autoptr(GBytes) body = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	body = soup_session_send_and_read(session, msg, NULL, &error);
	if (body == NULL) {
		*status = 0;
		return NULL;
	}
	*status = soup_message_get_status(msg);
	json_parser_load_from_data(parser, g_bytes_get_data(body, NULL),
				   (gssize)g_bytes_get_size(body), &error);
	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
	return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

static gchar *
arc_dbus_test_vardict_string(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_STRING);
	if (value == NULL)
		g_error("a{sv} has no string '%s'", key);
	return g_variant_dup_string(value, NULL);
}

static gint64
arc_dbus_test_vardict_int64(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_INT64);
	if (value == NULL)
		g_error("a{sv} has no int64 '%s'", key);
	return g_variant_get_int64(value);
}

static gchar *
arc_dbus_test_license_text(ArcDbusTestFixture *fx)
{
	return arc_dbus_test_read_file(fx->license_path);
}

static void
arc_dbus_test_assert_dbus_error(GError *error, const gchar *name)
{
	g_autofree gchar *remote = NULL;

	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
}

static GVariant *
arc_dbus_test_bootstrap(ArcDbusTestFixture *fx, const gchar *name)
{
	g_autofree gchar *license = arc_dbus_test_license_text(fx);
	g_autoptr(GError) error = NULL;
	GVariant *result = NULL;

	arc_dbus_agent_call_bootstrap_sync(fx->proxy, license, name, &result, NULL, &error);
	g_assert_no_error(error);
	return result;
}

static void
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

static gboolean
arc_dbus_test_changed_contains(ArcDbusTestFixture *fx, const gchar *name)
{
	return arc_dbus_test_strings_contain(fx->changed, name);
}

static GVariant *arc_dbus_test_managed(ArcDbusTestFixture *fx, const gchar *path,
				       const gchar *iface);
static gboolean arc_dbus_test_vardict_bool(GVariant *dict, const gchar *key);

/* tests */

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
	g_assert_cmpstr(g_subprocess_get_identifier(fx->agent), ==, pid_str);

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

static void
arc_dbus_test_license_state_cb(ArcDbusAgent *proxy, const gchar *state, const gchar *message,
			       gpointer user_data)
{
	GPtrArray *seen = user_data;

	g_ptr_array_add(seen, g_strdup_printf("%s|%s", state, message));
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

/* As the system bus service, writes need root or polkit: there is no polkit on the private
 * bus, so a caller other than root is refused, and root is let through without asking. */
static void
arc_dbus_test_system_bus_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *license = NULL;
	g_autoptr(GVariant) identity = NULL;
	g_autoptr(GError) error = NULL;
	GVariant *result = NULL;

	if (!arc_dbus_test_fixture_start_on_bus_full(fx, FALSE))
		return;
	arc_dbus_agent_call_get_identity_sync(fx->proxy, &identity, NULL, &error);
	g_assert_no_error(error);

	license = arc_dbus_test_license_text(fx);
	arc_dbus_agent_call_bootstrap_sync(fx->proxy, license, "", &result, NULL, &error);
	if (getuid() == 0) {
		g_assert_no_error(error);
		g_variant_unref(result);
		arc_dbus_test_wait_bootstrapped(fx);
	} else {
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_assert_false(arc_dbus_agent_get_bootstrapped(fx->proxy));
		g_clear_error(&error);
		arc_dbus_agent_call_remove_peer_sync(fx->proxy, "peer_x", NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_remove_self_sync(fx->proxy, NULL, NULL, NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_remove_peer_with_options_sync(
			fx->proxy, "peer_x", g_variant_new_parsed("@a{sv} {}"), NULL, NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_add_peer_with_options_sync(fx->proxy, "127.0.0.1:1",
							       g_variant_new_parsed("@a{sv} {}"),
							       NULL, NULL, NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_create_join_token_sync(fx->proxy, 0, NULL, NULL, NULL, NULL,
							   &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_create_service_sync(
			fx->proxy, g_variant_new_parsed("{'target_peer_id': <'peer_x'>}"), NULL,
			NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		arc_dbus_agent_call_update_license_sync(fx->proxy, license, NULL, NULL, &error);
		arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.Forbidden");
		g_clear_error(&error);
		/* a read: open to everyone, so it reaches the engine */
		arc_dbus_agent_call_get_license_sync(fx->proxy, NULL, NULL, &error);
		arc_dbus_test_assert_dbus_error(error,
						"com.tillered.Arctic1.Error.NotBootstrapped");
	}
}

static void
arc_dbus_test_wait_for_log(ArcDbusTestFixture *fx, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	for (;;) {
		g_autofree gchar *log = arc_dbus_test_read_file(fx->stderr_path);
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
	g_autofree gchar *log = arc_dbus_test_read_file(fx->stderr_path);
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

/* peers: one com.tillered.Arctic1.Peer object each, below the ObjectManager */

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

static void
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

static guint
arc_dbus_test_count_events(ArcDbusTestFixture *fx, const gchar *prefix)
{
	guint count = 0;

	for (guint i = 0; i < fx->events->len; i++) {
		if (g_str_has_prefix(g_ptr_array_index(fx->events, i), prefix))
			count++;
	}
	return count;
}

static void
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

static gchar *
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
static GVariant *
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
static guint
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

static gboolean
arc_dbus_test_vardict_bool(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_BOOLEAN);
	if (value == NULL)
		g_error("a{sv} has no boolean '%s'", key);
	return g_variant_get_boolean(value);
}

/* the agent's REST API as the operator reaches it, with the recovery token */
static JsonNode *
arc_dbus_test_api(ArcDbusTestFixture *fx, const gchar *method, const gchar *path,
		  const gchar *json_body, guint *status)
{
	g_autoptr(SoupSession) session =
		soup_session_new_with_options("proxy-resolver", NULL, NULL);
	g_autofree gchar *uri = g_strdup_printf("http://127.0.0.1:%u%s", fx->port, path);
	g_autofree gchar *token_path = g_build_filename(fx->tmpdir, "recovery.token", NULL);
	g_autofree gchar *token = arc_dbus_test_read_file(token_path);
	g_autoptr(SoupMessage) msg = soup_message_new(method, uri);
	g_autoptr(GBytes) body = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	soup_message_headers_replace(soup_message_get_request_headers(msg), "X-Arctic-Recovery",
				     g_strstrip(token));
	if (json_body != NULL) {
		g_autoptr(GBytes) request = g_bytes_new(json_body, strlen(json_body));
		soup_message_set_request_body_from_bytes(msg, "application/json", request);
	}
	body = soup_session_send_and_read(session, msg, NULL, &error);
	g_assert_no_error(error);
	*status = soup_message_get_status(msg);
	json_parser_load_from_data(parser, g_bytes_get_data(body, NULL),
				   (gssize)g_bytes_get_size(body), &error);
	g_assert_no_error(error);
	return json_node_copy(json_parser_get_root(parser));
}

static void
arc_dbus_test_assert_error_message(GError *error, const gchar *name, const gchar *message)
{
	arc_dbus_test_assert_dbus_error(error, name);
	g_dbus_error_strip_remote_error(error);
	g_assert_cmpstr(error->message, ==, message);
}

/* Bootstraps over D-Bus and waits for the local peer's object. Returns: the local peer id */
static gchar *
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
static void
arc_dbus_test_start_other(ArcDbusTestFixture *fx)
{
	const gchar *tool = arc_dbus_test_getenv("ARC_LICENSE_TOOL");
	g_autofree gchar *secret = g_build_filename(fx->tmpdir, "issuer.key", NULL);
	g_autofree gchar *public = g_build_filename(fx->tmpdir, "issuers", "test.pub", NULL);
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
static gchar *
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

/* The Peer object at @path shows what GET /v1/peers shows for that peer. */
static void
arc_dbus_test_assert_peer_as_rest(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GVariant) props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_autoptr(JsonNode) list = NULL;
	g_autoptr(GDateTime) created = NULL;
	g_autofree gchar *id = NULL;
	JsonObject *rest = NULL;
	JsonArray *peers;
	guint status = 0;
	const gchar *strings[][2] = {
		{"Name", "name"},
		{"Address", "address"},
		{"PublicKey", "public_key"},
		{"State", "state"},
	};

	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	list = arc_dbus_test_api(fx, "GET", "/v1/peers", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	peers = json_node_get_array(list);
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		if (g_strcmp0(json_object_get_string_member(peer, "id"), id) == 0)
			rest = peer;
	}
	g_assert_nonnull(rest);
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(props, strings[i][0]);
		g_assert_cmpstr(value, ==, json_object_get_string_member(rest, strings[i][1]));
	}
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "IsLocal"), ==,
			json_object_get_boolean_member(rest, "is_local"));
	created = g_date_time_new_from_iso8601(json_object_get_string_member(rest, "created_at"),
					       NULL);
	g_assert_nonnull(created);
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), ==,
			g_date_time_to_unix(created));
}

static void
arc_dbus_test_peers_objects_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *public_key = NULL;
	g_autofree gchar *state = NULL;
	g_autofree gchar *own_key = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) again = NULL;
	g_autoptr(GVariant) identity = NULL;
	g_autoptr(GError) error = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "local-node");
	path = arc_dbus_test_peer_path(peer_id);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);

	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	name = arc_dbus_test_vardict_string(props, "Name");
	address = arc_dbus_test_vardict_string(props, "Address");
	public_key = arc_dbus_test_vardict_string(props, "PublicKey");
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(id, ==, peer_id);
	g_assert_cmpstr(name, ==, "local-node");
	g_assert_cmpstr(address, !=, "");
	arc_dbus_agent_call_get_identity_sync(fx->proxy, &identity, NULL, &error);
	g_assert_no_error(error);
	own_key = arc_dbus_test_vardict_string(identity, "public_key");
	g_assert_cmpstr(public_key, ==, own_key);
	g_assert_cmpstr(state, ==, "active");
	g_assert_true(arc_dbus_test_vardict_bool(props, "IsLocal"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), >, 0);
	arc_dbus_test_assert_peer_as_rest(fx, path);

	/* a restarted agent exports its peers from the start (on a new port: a new Address) */
	g_clear_object(&fx->proxy);
	arc_dbus_test_stop_agent(fx);
	fx->agent_exited = FALSE;
	arc_dbus_test_start_agent(fx, TRUE, NULL);
	arc_dbus_test_wait_name(fx);
	again = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(again);
	g_assert_true(arc_dbus_test_vardict_bool(again, "IsLocal"));
	arc_dbus_test_assert_peer_as_rest(fx, path);
}

static void
arc_dbus_test_peers_update_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *event = NULL;
	g_autofree gchar *changed_prefix = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *name = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "before");
	path = arc_dbus_test_peer_path(peer_id);

	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "after", NULL, &error);
	g_assert_no_error(error);
	event = g_strdup_printf("changed %s Name", path);
	arc_dbus_test_wait_event(fx, event);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	name = arc_dbus_test_vardict_string(props, "Name");
	g_assert_cmpstr(name, ==, "after");
	rest_path = g_strconcat("/v1/peers/", peer_id, NULL);
	rest = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "name"), ==,
			"after");

	/* the same name again changes nothing, so nothing is announced: a later change shows
	 * that the earlier signal would have arrived before it */
	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "after", NULL, &error);
	g_assert_no_error(error);
	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "", NULL, &error);
	g_assert_no_error(error);
	changed_prefix = g_strdup_printf("changed %s ", path);
	arc_dbus_test_wait_events(fx, changed_prefix, 2);
	g_usleep(G_USEC_PER_SEC / 10);
	g_main_context_iteration(NULL, FALSE);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, changed_prefix), ==, 2);

	/* an unknown peer */
	arc_dbus_agent_call_update_peer_sync(fx->proxy, "peer_01J00000000000000000000000", "x",
					     NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotFound",
					   "peer not found: peer_01J00000000000000000000000");
}

static void
arc_dbus_test_peers_remove_local_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *message = "cannot delete the local peer: use 'arctic peers remove-self' to "
			       "leave the cluster";
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "");
	path = arc_dbus_test_peer_path(peer_id);

	arc_dbus_agent_call_remove_peer_sync(fx->proxy, peer_id, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   message);
	rest_path = g_strconcat("/v1/peers/", peer_id, NULL);
	rest = arc_dbus_test_api(fx, "DELETE", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 400);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "error"), ==,
			message);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, "removed "), ==, 0);
}

static void
arc_dbus_test_peers_add_refused_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *address = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	/* nothing listens on a port just freed */
	address = g_strdup_printf("127.0.0.1:%u", arc_dbus_test_free_port());

	/* an agent that is not bootstrapped adds no peer */
	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotBootstrapped",
					   "agent is not bootstrapped");
	g_clear_error(&error);

	peer_id = arc_dbus_test_bootstrap_peers(fx, "");
	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, "nobody", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.PeerUnreachable",
					   "handshake failed: connection refused");
	g_clear_error(&error);
	body = g_strdup_printf("{\"address\": \"%s\", \"name\": \"nobody\"}", address);
	rest = arc_dbus_test_api(fx, "POST", "/v1/peers", body, &status);
	g_assert_cmpuint(status, ==, 422);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "error"), ==,
			"handshake failed: connection refused");

	arc_dbus_agent_call_add_peer_sync(fx->proxy, "", "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'address' is required (host:port)");
	g_clear_error(&error);
	arc_dbus_agent_call_add_peer_sync(fx->proxy, "no-port", "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'address' must be host:port, e.g. 192.168.1.20:8080");
	g_assert_null(path);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);
}

static void
arc_dbus_test_peers_add_remove_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *other_path = NULL;
	g_autofree gchar *other_address = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *public_key = NULL;
	g_autofree gchar *state = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) identity = NULL;
	g_autoptr(GError) error = NULL;
	gchar *again = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "local-node");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_peer_path(arc_test_agent_get_peer_id(fx->other));
	other_address = arc_test_agent_get_address(fx->other);

	/* a new object, announced by InterfacesAdded, at the path AddPeer answers */
	path = arc_dbus_test_add_other(fx, "other-node");
	g_assert_cmpstr(path, ==, other_path);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	name = arc_dbus_test_vardict_string(props, "Name");
	address = arc_dbus_test_vardict_string(props, "Address");
	public_key = arc_dbus_test_vardict_string(props, "PublicKey");
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(id, ==, arc_test_agent_get_peer_id(fx->other));
	g_assert_cmpstr(name, ==, "other-node");
	g_assert_cmpstr(address, ==, other_address);
	identity =
		arc_test_agent_call(fx->other, "GET", "/v1/cluster/identity", NULL, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(public_key, ==, arc_test_json_string(identity, "public_key"));
	g_assert_cmpstr(state, ==, "active");
	g_assert_false(arc_dbus_test_vardict_bool(props, "IsLocal"));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 2);

	/* the same again: refused as REST refuses it */
	arc_dbus_agent_call_add_peer_sync(fx->proxy, other_address, "", &again, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.AlreadyExists",
					   "peer already exists in cluster");
	g_clear_error(&error);
	g_assert_null(again);

	/* removed: InterfacesRemoved, and the local peer stays */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	g_assert_no_error(error);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, "removed "), ==, 1);

	/* and gone for good */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.NotFound");
}

/* RemoveSelf with the other agent answering, or stopped (then it is unreachable). */
static void
arc_dbus_test_peers_remove_self_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	gboolean reachable = GPOINTER_TO_INT(user_data);
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *other_path = NULL;
	g_autofree gchar *other_address = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *state = NULL;
	g_auto(GStrv) notified = NULL;
	g_autoptr(GVariant) unreachable = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *id = NULL;
	const gchar *address = NULL;
	const gchar *reason = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "leaver");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_add_other(fx, "");
	other_address = arc_test_agent_get_address(fx->other);
	if (!reachable) {
		arc_test_agent_stop(fx->other, NULL, &error);
		g_assert_no_error(error);
	}

	arc_dbus_agent_call_remove_self_sync(fx->proxy, &notified, &unreachable, NULL, &error);
	g_assert_no_error(error);
	if (reachable) {
		g_assert_cmpuint(g_strv_length(notified), ==, 1);
		g_assert_cmpstr(notified[0], ==, arc_test_agent_get_peer_id(fx->other));
		g_assert_cmpuint(g_variant_n_children(unreachable), ==, 0);
	} else {
		g_assert_cmpuint(g_strv_length(notified), ==, 0);
		g_assert_cmpuint(g_variant_n_children(unreachable), ==, 1);
		g_variant_get_child(unreachable, 0, "(&s&s&s)", &id, &address, &reason);
		g_assert_cmpstr(id, ==, arc_test_agent_get_peer_id(fx->other));
		g_assert_cmpstr(address, ==, other_address);
		g_assert_cmpstr(reason, !=, "");
	}

	/* the other peer's object goes, the local one stays, deactivated */
	removed = g_strconcat("removed ", other_path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	changed = g_strdup_printf("changed %s State", local_path);
	arc_dbus_test_wait_event(fx, changed);
	props = arc_dbus_test_managed(fx, local_path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(state, ==, "deactivated");
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);

	arc_dbus_agent_call_remove_self_sync(fx->proxy, NULL, NULL, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "this agent has already left the cluster");
}

/* Reachability follows what gossip observes of a peer; Sync starts a round with each peer */
static void
arc_dbus_test_peers_reachability_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *conf = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *local_reach = NULL;
	g_autoptr(GError) error = NULL;
	gint64 deadline;
	guint peers = 0;

	/* fast gossip, so that a stopped peer is unreachable within a second or two */
	conf = arc_dbus_test_read_file(fx->config_path);
	{
		g_autofree gchar *more = g_strconcat(conf,
						     "\n[gossip]\ninterval=0.1\n"
						     "suspect_after=0.5\nunreachable_after=1\n"
						     "timeout=1\n",
						     NULL);
		arc_dbus_test_write_file(fx->config_path, more, 0644);
	}
	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "watcher");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	path = arc_dbus_test_add_other(fx, "watched");

	{
		g_autoptr(GVariant) props =
			arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
		g_autoptr(GVariant) local =
			arc_dbus_test_managed(fx, local_path, ARC_DBUS_TEST_PEER_IFACE);
		g_autofree gchar *reach = arc_dbus_test_vardict_string(props, "Reachability");
		local_reach = arc_dbus_test_vardict_string(local, "Reachability");
		g_assert_cmpstr(reach, ==, "alive");
		g_assert_cmpstr(local_reach, ==, "");
	}
	arc_dbus_agent_call_sync_sync(fx->proxy, &peers, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(peers, ==, 1);

	arc_test_agent_kill(fx->other);
	changed = g_strdup_printf("changed %s Reachability", path);
	arc_dbus_test_wait_event(fx, changed);
	deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;
	for (;;) {
		g_autoptr(GVariant) props =
			arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
		g_autofree gchar *reach = arc_dbus_test_vardict_string(props, "Reachability");
		if (g_strcmp0(reach, "unreachable") == 0)
			break;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_assert_true(g_strcmp0(reach, "alive") == 0 || g_strcmp0(reach, "suspect") == 0);
		arc_dbus_test_sleep();
	}
}

/* services: one com.tillered.Arctic1.Service object each, below the ObjectManager */

static void
arc_dbus_test_watch_services(ArcDbusTestFixture *fx)
{
	fx->signal_ids[3] = g_dbus_connection_signal_subscribe(
		fx->connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
		ARC_DBUS_TEST_SERVICE_IFACE, G_DBUS_SIGNAL_FLAGS_NONE,
		arc_dbus_test_peer_properties_cb, fx, NULL);
}

static ArcDbusClusterService *
arc_dbus_test_service_proxy(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GError) error = NULL;
	ArcDbusClusterService *proxy = arc_dbus_cluster_service_proxy_new_sync(
		fx->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ARC_DBUS_TEST_BUS_NAME, path,
		NULL, &error);

	g_assert_no_error(error);
	return proxy;
}

static gint64
arc_dbus_test_rest_time(JsonObject *obj, const gchar *member)
{
	g_autoptr(GDateTime) time =
		g_date_time_new_from_iso8601(json_object_get_string_member(obj, member), NULL);

	g_assert_nonnull(time);
	return g_date_time_to_unix(time);
}

/* the routes of a Routes property, as "id priority source dest" lines, in order */
static gchar *
arc_dbus_test_routes_text(GVariant *props)
{
	g_autoptr(GVariant) routes =
		g_variant_lookup_value(props, "Routes", G_VARIANT_TYPE("a(xxss)"));
	g_autoptr(GString) text = g_string_new(NULL);
	GVariantIter iter;
	const gchar *source = NULL;
	const gchar *dest = NULL;
	gint64 id = 0;
	gint64 priority = 0;

	g_assert_nonnull(routes);
	g_variant_iter_init(&iter, routes);
	while (g_variant_iter_next(&iter, "(xx&s&s)", &id, &priority, &source, &dest))
		g_string_append_printf(text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %s\n",
				       id, priority, source, dest);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* the same routes as GET /v1/services/{id} shows them */
static gchar *
arc_dbus_test_rest_routes_text(JsonObject *service)
{
	JsonArray *routes = json_object_get_array_member(service, "routes");
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(routes); i++) {
		JsonObject *route = json_array_get_object_element(routes, i);
		const gchar *source = json_object_get_null_member(route, "source_cidr")
					      ? ""
					      : json_object_get_string_member(route, "source_cidr");
		const gchar *dest = json_object_get_null_member(route, "dest_cidr")
					    ? ""
					    : json_object_get_string_member(route, "dest_cidr");
		g_string_append_printf(text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %s\n",
				       json_object_get_int_member(route, "id"),
				       json_object_get_int_member(route, "priority"), source, dest);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* The Service object at @path shows what GET /v1/services/{id} shows. */
static void
arc_dbus_test_assert_service_as_rest(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GVariant) props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *rest_routes = NULL;
	JsonObject *rest;
	guint status = 0;
	const gchar *strings[][2] = {
		{"Name", "name"},
		{"SourcePeerId", "source_peer_id"},
		{"SourcePeerName", "source_peer_name"},
		{"TargetPeerId", "target_peer_id"},
		{"TargetPeerName", "target_peer_name"},
		{"TransportType", "transport_type"},
		{"DesiredIpv4Cidr", "desired_ipv4_cidr"},
		{"DesiredIpv6Cidr", "desired_ipv6_cidr"},
		{"InterfaceName", "interface_name"},
		{"State", "state"},
	};

	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	rest_path = g_strconcat("/v1/services/", id, NULL);
	node = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	rest = json_node_get_object(node);
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(props, strings[i][0]);
		const gchar *expected =
			json_object_get_null_member(rest, strings[i][1])
				? ""
				: json_object_get_string_member(rest, strings[i][1]);
		g_assert_cmpstr(value, ==, expected);
	}
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "RequiresInterface"), ==,
			json_object_get_boolean_member(rest, "requires_interface"));
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "FullyTransparent"), ==,
			json_object_get_boolean_member(rest, "fully_transparent"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "BandwidthLimitMbps"), ==,
			json_object_get_int_member(rest, "bandwidth_limit_mbps"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), ==,
			arc_dbus_test_rest_time(rest, "created_at"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "UpdatedAt"), ==,
			arc_dbus_test_rest_time(rest, "updated_at"));
	routes = arc_dbus_test_routes_text(props);
	rest_routes = arc_dbus_test_rest_routes_text(rest);
	g_assert_cmpstr(routes, ==, rest_routes);
}

/* Two peers, the other one added over D-Bus. Returns: the local peer id */
static gchar *
arc_dbus_test_two_peers(ArcDbusTestFixture *fx)
{
	g_autofree gchar *other_path = NULL;
	gchar *local_id = arc_dbus_test_bootstrap_peers(fx, "source-node");

	arc_dbus_test_watch_services(fx);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_add_other(fx, "target-node");
	return local_id;
}

static gchar *
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

/* A service the other agent creates, then deletes, through its REST API. */
static void
arc_dbus_test_gossiped_service(ArcDbusTestFixture *fx, const gchar *local_id)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = arc_test_agent_token(fx->other, NULL, NULL, &error);
	g_autofree gchar *body = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *added = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *source = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) created = NULL;
	g_autoptr(JsonNode) deleted = NULL;
	const gchar *id;
	guint status = 0;

	g_assert_no_error(error);
	body = g_strdup_printf("{\"target_peer_id\": \"%s\", \"name\": \"from-other\"}", local_id);
	created = arc_test_agent_call(fx->other, "POST", "/v1/services", token, body, &status);
	g_assert_cmpuint(status, ==, 201);
	id = json_object_get_string_member(json_node_get_object(created), "id");
	path = g_strconcat(ARC_DBUS_TEST_SERVICES_PATH "/", id, NULL);
	added = g_strconcat("added ", path, NULL);
	arc_dbus_test_wait_event(fx, added);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_nonnull(props);
	source = arc_dbus_test_vardict_string(props, "SourcePeerId");
	g_assert_cmpstr(source, ==, arc_test_agent_get_peer_id(fx->other));
	arc_dbus_test_assert_service_as_rest(fx, path);

	rest_path = g_strconcat("/v1/services/", id, NULL);
	deleted = arc_test_agent_call(fx->other, "DELETE", rest_path, token, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);
}

static void
arc_dbus_test_services_objects_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *other_id = NULL;
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *value = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *removed = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) after = NULL;
	g_autoptr(JsonNode) rest = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_two_peers(fx);
	other_id = arc_test_agent_get_peer_id(fx->other);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);

	/* created over D-Bus, with a route: an object with every property set */
	path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'name': <'web'>, "
					 "'requires_interface': <true>, "
					 "'desired_ipv4_cidr': <'10.0.0.1/24'>, "
					 "'bandwidth_limit_mbps': <int32 100>, "
					 "'routes': <[{'priority': <100>, "
					 "'dest_cidr': <'192.168.0.0/16'>}]>}",
					 other_id));
	g_assert_true(g_str_has_prefix(path, ARC_DBUS_TEST_SERVICES_PATH "/svc_"));
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	g_assert_cmpstr(path + strlen(ARC_DBUS_TEST_SERVICES_PATH "/"), ==, id);
	value = arc_dbus_test_vardict_string(props, "TargetPeerId");
	g_assert_cmpstr(value, ==, other_id);
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "SourcePeerId");
	g_assert_cmpstr(value, ==, local_id);
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "TargetPeerName");
	g_assert_cmpstr(value, ==, "target-node");
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(value, ==, "active");
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "BandwidthLimitMbps"), ==, 100);
	g_assert_true(arc_dbus_test_vardict_bool(props, "RequiresInterface"));
	routes = arc_dbus_test_routes_text(props);
	g_assert_true(g_str_has_suffix(routes, " 100  192.168.0.0/16\n"));
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* changed through REST: PropertiesChanged carries the new value */
	rest_path = g_strconcat("/v1/services/", id, NULL);
	rest = arc_dbus_test_api(fx, "PUT", rest_path, "{\"bandwidth_limit_mbps\": 500}", &status);
	g_assert_cmpuint(status, ==, 200);
	changed = g_strdup_printf("changed %s BandwidthLimitMbps", path);
	arc_dbus_test_wait_event(fx, changed);
	after = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_cmpint(arc_dbus_test_vardict_int64(after, "BandwidthLimitMbps"), ==, 500);
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* deleted through REST: InterfacesRemoved */
	g_clear_pointer(&rest, json_node_unref);
	rest = arc_dbus_test_api(fx, "DELETE", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);

	/* created and deleted on the other agent: gossip brings both here */
	arc_dbus_test_gossiped_service(fx, local_id);
}

/* Update, routes and Delete on the service object, each seen by REST as well */
static void
arc_dbus_test_services_methods_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *cidr = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *expected = NULL;
	g_autofree gchar *routes_path = NULL;
	g_autofree gchar *message = NULL;
	g_autofree gchar *state_changed = NULL;
	g_autofree gchar *state = NULL;
	g_autoptr(ArcDbusClusterService) service = NULL;
	g_autoptr(GVariant) ids = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) lookup = NULL;
	g_autoptr(GVariant) route = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	const gint64 *route_ids;
	gsize n_ids = 0;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_two_peers(fx);
	path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'requires_interface': <true>, "
					 "'desired_ipv4_cidr': <'10.0.0.1/24'>}",
					 arc_test_agent_get_peer_id(fx->other)));
	service = arc_dbus_test_service_proxy(fx, path);
	id = g_strdup(arc_dbus_cluster_service_get_id(service));
	rest_path = g_strconcat("/v1/services/", id, NULL);

	/* Update: a name, and "" clears the desired address as null does in REST */
	arc_dbus_cluster_service_call_update_sync(
		service, g_variant_new_parsed("{'name': <'db'>, 'desired_ipv4_cidr': <''>}"), NULL,
		&error);
	g_assert_no_error(error);
	changed = g_strdup_printf("changed %s Name", path);
	arc_dbus_test_wait_event(fx, changed);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	name = arc_dbus_test_vardict_string(props, "Name");
	cidr = arc_dbus_test_vardict_string(props, "DesiredIpv4Cidr");
	g_assert_cmpstr(name, ==, "db");
	g_assert_cmpstr(cidr, ==, "");
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* AddRoutes answers with the new ids; a bad one in the batch stores none */
	arc_dbus_cluster_service_call_add_routes_sync(
		service,
		g_variant_new_parsed("[{'priority': <100>, 'dest_cidr': <'192.168.0.0/16'>}, "
				     "{'priority': <200>, 'source_cidr': <'10.0.0.0/8'>, "
				     "'dest_cidr': <'192.168.100.0/24'>}]"),
		&ids, NULL, &error);
	g_assert_no_error(error);
	route_ids = g_variant_get_fixed_array(ids, &n_ids, sizeof(gint64));
	g_assert_cmpuint(n_ids, ==, 2);
	g_assert_cmpint(route_ids[1], >, route_ids[0]);
	g_clear_pointer(&props, g_variant_unref);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	routes = arc_dbus_test_routes_text(props);
	expected = g_strdup_printf("%" G_GINT64_FORMAT " 100  192.168.0.0/16\n"
				   "%" G_GINT64_FORMAT " 200 10.0.0.0/8 192.168.100.0/24\n",
				   route_ids[0], route_ids[1]);
	g_assert_cmpstr(routes, ==, expected);
	arc_dbus_test_assert_service_as_rest(fx, path);
	arc_dbus_cluster_service_call_add_routes_sync(
		service,
		g_variant_new_parsed("[{'priority': <1>, 'dest_cidr': <'172.16.0.0/12'>}, "
				     "{'priority': <2>, 'dest_cidr': <'192.168.1.1/24'>}]"),
		NULL, NULL, &error);
	routes_path = g_strconcat(rest_path, "/routes", NULL);
	rest = arc_dbus_test_api(
		fx, "POST", routes_path,
		"{\"routes\": [{\"priority\": 1, \"dest_cidr\": \"172.16.0.0/12\"}, "
		"{\"priority\": 2, \"dest_cidr\": \"192.168.1.1/24\"}]}",
		&status);
	g_assert_cmpuint(status, ==, 400);
	arc_dbus_test_assert_error_message(
		error, "com.tillered.Arctic1.Error.InvalidCidr",
		json_object_get_string_member(json_node_get_object(rest), "error"));
	g_assert_true(g_str_has_prefix(error->message, "routes[1].dest_cidr: "));
	g_clear_error(&error);
	g_clear_pointer(&rest, json_node_unref);
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* LookupRoute: the evaluation of GET /v1/routes/lookup */
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "10.1.2.3", "192.168.100.7",
					      g_variant_new_parsed("@a{sv} {}"), &lookup, NULL,
					      &error);
	g_assert_no_error(error);
	{
		g_autofree gchar *category = arc_dbus_test_vardict_string(lookup, "category");
		g_autofree gchar *service_id = arc_dbus_test_vardict_string(lookup, "service_id");
		g_autoptr(GVariant) object =
			g_variant_lookup_value(lookup, "service", G_VARIANT_TYPE_OBJECT_PATH);
		g_autoptr(GVariant) candidates =
			g_variant_lookup_value(lookup, "candidates", G_VARIANT_TYPE("aa{sv}"));
		g_autoptr(JsonNode) rest_lookup = NULL;
		g_autofree gchar *query = g_strdup_printf(
			"/v1/routes/lookup?src=10.1.2.3&dst=192.168.100.7&peer=%s", local_id);

		route = g_variant_lookup_value(lookup, "route", G_VARIANT_TYPE_VARDICT);
		g_assert_cmpstr(category, ==, "source_destination");
		g_assert_cmpstr(service_id, ==, id);
		g_assert_cmpstr(g_variant_get_string(object, NULL), ==, path);
		g_assert_cmpint(arc_dbus_test_vardict_int64(route, "id"), ==, route_ids[1]);
		g_assert_cmpuint(g_variant_n_children(candidates), ==, 1);
		rest_lookup = arc_dbus_test_api(fx, "GET", query, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
		g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest_lookup),
							      "category"),
				==, category);
	}
	g_clear_pointer(&lookup, g_variant_unref);
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "10.1.2.3", "192.168.100.7",
					      g_variant_new_parsed("{'color': <'red'>}"), &lookup,
					      NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'color' is not an option: interface or peer");
	g_clear_error(&error);
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "", "192.168.100.7",
					      g_variant_new_parsed("@a{sv} {}"), &lookup, NULL,
					      &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.MissingField");
	g_clear_error(&error);

	/* UpdateRoute and DeleteRoute change Routes */
	arc_dbus_cluster_service_call_update_route_sync(
		service, route_ids[0], g_variant_new_parsed("{'priority': <int64 150>}"), NULL,
		&error);
	g_assert_no_error(error);
	arc_dbus_cluster_service_call_delete_route_sync(service, route_ids[1], NULL, &error);
	g_assert_no_error(error);
	g_clear_pointer(&props, g_variant_unref);
	g_clear_pointer(&routes, g_free);
	g_clear_pointer(&expected, g_free);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	routes = arc_dbus_test_routes_text(props);
	expected = g_strdup_printf("%" G_GINT64_FORMAT " 150  192.168.0.0/16\n", route_ids[0]);
	g_assert_cmpstr(routes, ==, expected);
	arc_dbus_test_assert_service_as_rest(fx, path);
	arc_dbus_cluster_service_call_delete_route_sync(service, route_ids[1], NULL, &error);
	message = g_strdup_printf("route %" G_GINT64_FORMAT " not found in service %s",
				  route_ids[1], id);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotFound", message);
	g_clear_error(&error);

	/* the target leaves the cluster: the service stays, inactive */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	g_assert_no_error(error);
	state_changed = g_strdup_printf("changed %s State", path);
	arc_dbus_test_wait_event(fx, state_changed);
	g_clear_pointer(&props, g_variant_unref);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(state, ==, "inactive");
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* Delete: the object goes before the reply, and REST no longer knows it */
	arc_dbus_cluster_service_call_delete_sync(service, NULL, &error);
	g_assert_no_error(error);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE));
	rest = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 404);
}

static gchar *
arc_dbus_test_replace(const gchar *text, const gchar *find, const gchar *replacement)
{
	GString *str = g_string_new(text);

	g_string_replace(str, find, replacement, 0);
	return g_string_free(str, FALSE);
}

/* The errors of CreateService are those of POST /v1/services, message for message. */
static void
arc_dbus_test_services_errors_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *unknown = "peer_01J00000000000000000000000";
	struct {
		const gchar *spec;
		const gchar *body;
		const gchar *error;
		guint status;
	} cases[] = {
		{"{'target_peer_id': <'PEER'>, 'requires_interface': <true>, "
		 "'desired_ipv4_cidr': <'10.0.0.300/24'>}",
		 "{\"target_peer_id\": \"PEER\", \"requires_interface\": true, "
		 "\"desired_ipv4_cidr\": \"10.0.0.300/24\"}",
		 "com.tillered.Arctic1.Error.InvalidCidr", 400},
		{"{'target_peer_id': <'PEER'>}", "{\"target_peer_id\": \"PEER\"}",
		 "com.tillered.Arctic1.Error.NotFound", 404},
		{"{'name': <'x'>}", "{\"name\": \"x\"}", "com.tillered.Arctic1.Error.MissingField",
		 400},
		{"{'target_peer_id': <'PEER'>, 'transport_type': <'udp'>}",
		 "{\"target_peer_id\": \"PEER\", \"transport_type\": \"udp\"}",
		 "com.tillered.Arctic1.Error.InvalidTransport", 400},
		{"{'target_peer_id': <'PEER'>, 'colour': <'red'>}",
		 "{\"target_peer_id\": \"PEER\", \"colour\": \"red\"}",
		 "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"{'target_peer_id': <'PEER'>, 'bandwidth_limit_mbps': <'fast'>}",
		 "{\"target_peer_id\": \"PEER\", \"bandwidth_limit_mbps\": \"fast\"}",
		 "com.tillered.Arctic1.Error.InvalidRequest", 400},
	};
	g_autofree gchar *local_id = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "");
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = arc_dbus_test_replace(cases[i].spec, "PEER", unknown);
		g_autofree gchar *body = arc_dbus_test_replace(cases[i].body, "PEER", unknown);
		g_autoptr(GVariant) spec = g_variant_ref_sink(g_variant_new_parsed(text));
		g_autoptr(JsonNode) rest = NULL;
		g_autoptr(GError) error = NULL;
		gchar *path = NULL;
		guint status = 0;

		arc_dbus_agent_call_create_service_sync(fx->proxy, spec, &path, NULL, &error);
		rest = arc_dbus_test_api(fx, "POST", "/v1/services", body, &status);
		g_assert_cmpuint(status, ==, cases[i].status);
		arc_dbus_test_assert_error_message(
			error, cases[i].error,
			json_object_get_string_member(json_node_get_object(rest), "error"));
		g_assert_null(path);
	}
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);
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
	g_autofree gchar *db = g_build_filename(fx->tmpdir, "data", "arctic.db", NULL);
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;

	arc_dbus_test_stop_agent(fx);
	fx->agent_exited = FALSE;
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

/* the object paths: the Agent's Peers, Services and LocalPeer, a Service's peers */

static void
arc_dbus_test_wait_agent_paths(ArcDbusTestFixture *fx, const gchar *property, const gchar *expected)
{
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;

	for (;;) {
		g_auto(GStrv) paths = NULL;
		g_autofree gchar *joined = NULL;

		g_object_get(fx->proxy, property, &paths, NULL);
		joined = paths != NULL ? g_strjoinv(" ", paths) : g_strdup("");
		if (g_strcmp0(joined, expected) == 0)
			return;
		arc_dbus_test_check_agent_alive(fx);
		if (g_get_monotonic_time() >= deadline)
			g_error("%s is '%s', not '%s'", property, joined, expected);
		arc_dbus_test_sleep();
	}
}

static gchar *
arc_dbus_test_vardict_path(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_OBJECT_PATH);
	if (value == NULL)
		g_error("a{sv} has no object path '%s'", key);
	return g_variant_dup_string(value, NULL);
}

static void
arc_dbus_test_object_paths_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *other_path = NULL;
	g_autofree gchar *service_path = NULL;
	g_autofree gchar *both = NULL;
	g_autofree gchar *source = NULL;
	g_autofree gchar *target = NULL;
	g_autofree gchar *gone = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) after = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *other_id;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	g_assert_cmpstr(arc_dbus_agent_get_local_peer(fx->proxy), ==, "/");
	local_id = arc_dbus_test_two_peers(fx);
	other_id = arc_test_agent_get_peer_id(fx->other);
	local_path = arc_dbus_test_peer_path(local_id);
	other_path = arc_dbus_test_peer_path(other_id);

	/* both peers, sorted by path, and which one is this agent */
	both = g_strcmp0(local_path, other_path) < 0
		       ? g_strconcat(local_path, " ", other_path, NULL)
		       : g_strconcat(other_path, " ", local_path, NULL);
	arc_dbus_test_wait_agent_paths(fx, "peers", both);
	g_assert_cmpstr(arc_dbus_agent_get_local_peer(fx->proxy), ==, local_path);
	g_assert_true(arc_dbus_test_changed_contains(fx, "Peers"));
	g_assert_true(arc_dbus_test_changed_contains(fx, "LocalPeer"));
	arc_dbus_test_wait_agent_paths(fx, "services", "");

	/* a new service: Services lists it, and it names its peers by object path */
	service_path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'name': <'paths'>}", other_id));
	arc_dbus_test_wait_agent_paths(fx, "services", service_path);
	g_assert_true(arc_dbus_test_changed_contains(fx, "Services"));
	props = arc_dbus_test_managed(fx, service_path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_nonnull(props);
	source = arc_dbus_test_vardict_path(props, "SourcePeer");
	target = arc_dbus_test_vardict_path(props, "TargetPeer");
	g_assert_cmpstr(source, ==, local_path);
	g_assert_cmpstr(target, ==, other_path);

	/* the target leaves the cluster: the service names no object for it any more */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, other_id, NULL, &error);
	g_assert_no_error(error);
	gone = g_strconcat("removed ", other_path, NULL);
	arc_dbus_test_wait_event(fx, gone);
	changed = g_strdup_printf("changed %s TargetPeer", service_path);
	arc_dbus_test_wait_event(fx, changed);
	arc_dbus_test_wait_agent_paths(fx, "peers", local_path);
	after = arc_dbus_test_managed(fx, service_path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_clear_pointer(&target, g_free);
	target = arc_dbus_test_vardict_path(after, "TargetPeer");
	g_assert_cmpstr(target, ==, "/");
	g_clear_pointer(&source, g_free);
	source = arc_dbus_test_vardict_path(after, "SourcePeer");
	g_assert_cmpstr(source, ==, local_path);

	/* deleted through REST: Services is empty again */
	rest_path = g_strconcat("/v1/services/",
				service_path + strlen(ARC_DBUS_TEST_SERVICES_PATH "/"), NULL);
	rest = arc_dbus_test_api(fx, "DELETE", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	arc_dbus_test_wait_agent_paths(fx, "services", "");
}

/* GetPermissions: what a write by this caller would meet */

typedef struct {
	gboolean done;
	GVariant *permissions;
	GError *error;
} ArcDbusTestPermissions;

static void
arc_dbus_test_get_permissions_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcDbusTestPermissions *result = user_data;

	arc_dbus_agent_call_get_permissions_finish(ARC_DBUS_AGENT(source), &result->permissions,
						   res, &result->error);
	result->done = TRUE;
}

/* Asynchronously, as the agent may call back into this process (the fake polkit). Returns:
 * what GetPermissions says of com.tillered.arctic.manage, after checking it names no other */
static gchar *
arc_dbus_test_get_permission(ArcDbusTestFixture *fx)
{
	ArcDbusTestPermissions result = {0};
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;
	g_autoptr(GVariant) permissions = NULL;
	gchar *value = NULL;

	arc_dbus_agent_call_get_permissions(fx->proxy, NULL, arc_dbus_test_get_permissions_cb,
					    &result);
	while (!result.done) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_main_context_iteration(NULL, TRUE);
	}
	g_assert_no_error(result.error);
	permissions = result.permissions;
	g_assert_cmpuint(g_variant_n_children(permissions), ==, 1);
	g_assert_true(g_variant_lookup(permissions, ARC_DBUS_TEST_MANAGE_ACTION, "s", &value));
	return value;
}

static void
arc_dbus_test_permissions_session_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *manage = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	/* the agent's own user on the session bus: its writes go through */
	manage = arc_dbus_test_get_permission(fx);
	g_assert_cmpstr(manage, ==, "yes");
}

/* a polkit authority of our own on the private system bus */
typedef struct {
	gboolean authorized;
	gboolean challenge;
	guint calls;
	guint32 last_flags;
	gchar *last_action;
} ArcDbusTestPolkit;

static void
arc_dbus_test_polkit_method_cb(GDBusConnection *connection, const gchar *sender, const gchar *path,
			       const gchar *iface, const gchar *method, GVariant *params,
			       GDBusMethodInvocation *invocation, gpointer user_data)
{
	ArcDbusTestPolkit *polkit = user_data;
	g_autoptr(GVariant) details = NULL;

	if (g_strcmp0(method, "CheckAuthorization") != 0) {
		g_dbus_method_invocation_return_dbus_error(
			invocation, "org.freedesktop.DBus.Error.UnknownMethod", method);
		return;
	}
	polkit->calls++;
	g_free(polkit->last_action);
	g_variant_get(params, "((&s@a{sv})s@a{ss}u&s)", NULL, NULL, &polkit->last_action, NULL,
		      &polkit->last_flags, NULL);
	polkit->last_action = g_strdup(polkit->last_action);
	details = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	g_dbus_method_invocation_return_value(
		invocation, g_variant_new("((bb@a{ss}))", polkit->authorized, polkit->challenge,
					  g_steal_pointer(&details)));
}

static const gchar arc_dbus_test_polkit_xml[] =
	"<node><interface name='org.freedesktop.PolicyKit1.Authority'>"
	"<method name='CheckAuthorization'>"
	"<arg type='(sa{sv})' direction='in'/><arg type='s' direction='in'/>"
	"<arg type='a{ss}' direction='in'/><arg type='u' direction='in'/>"
	"<arg type='s' direction='in'/><arg type='(bba{ss})' direction='out'/>"
	"</method></interface></node>";

static guint
arc_dbus_test_start_polkit(ArcDbusTestFixture *fx, ArcDbusTestPolkit *polkit)
{
	g_autoptr(GDBusNodeInfo) node = NULL;
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	static const GDBusInterfaceVTable vtable = {arc_dbus_test_polkit_method_cb, NULL, NULL};
	guint id;
	guint32 result = 0;

	node = g_dbus_node_info_new_for_xml(arc_dbus_test_polkit_xml, &error);
	g_assert_no_error(error);
	id = g_dbus_connection_register_object(fx->connection,
					       "/org/freedesktop/PolicyKit1/Authority",
					       node->interfaces[0], &vtable, polkit, NULL, &error);
	g_assert_no_error(error);
	reply = g_dbus_connection_call_sync(
		fx->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "RequestName",
		g_variant_new("(su)", "org.freedesktop.PolicyKit1", 0x4 /* DO_NOT_QUEUE */),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_variant_get(reply, "(u)", &result);
	g_assert_cmpuint(result, ==, 1 /* PRIMARY_OWNER */);
	return id;
}

/* On the system bus: polkit decides, asked without interaction; no polkit is a "no", as the
 * writes are refused then (/dbus/system-bus). */
static void
arc_dbus_test_permissions_system_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	ArcDbusTestPolkit polkit = {0};
	g_autofree gchar *manage = NULL;
	guint id;

	if (!arc_dbus_test_fixture_start_on_bus_full(fx, FALSE))
		return;
	manage = arc_dbus_test_get_permission(fx);
	if (getuid() == 0) {
		/* root is let through without asking polkit */
		g_assert_cmpstr(manage, ==, "yes");
		return;
	}
	g_assert_cmpstr(manage, ==, "no");

	id = arc_dbus_test_start_polkit(fx, &polkit);
	polkit.challenge = TRUE;
	g_clear_pointer(&manage, g_free);
	manage = arc_dbus_test_get_permission(fx);
	g_assert_cmpstr(manage, ==, "auth");
	g_assert_cmpuint(polkit.calls, ==, 1);
	g_assert_cmpstr(polkit.last_action, ==, ARC_DBUS_TEST_MANAGE_ACTION);
	g_assert_cmpuint(polkit.last_flags, ==, 0); /* never a password dialog */

	polkit.authorized = TRUE;
	polkit.challenge = FALSE;
	g_clear_pointer(&manage, g_free);
	manage = arc_dbus_test_get_permission(fx);
	g_assert_cmpstr(manage, ==, "yes");

	polkit.authorized = FALSE;
	g_clear_pointer(&manage, g_free);
	manage = arc_dbus_test_get_permission(fx);
	g_assert_cmpstr(manage, ==, "no");
	g_assert_cmpuint(polkit.calls, ==, 3);

	g_dbus_connection_unregister_object(fx->connection, id);
	g_free(polkit.last_action);
}

/* Properties.Set of any property: PropertyReadOnly, and nothing changes */

/* the D-Bus error name, whichever GError domain GDBus maps it to */
static void
arc_dbus_test_assert_remote_error(GError *error, const gchar *name)
{
	g_autofree gchar *remote = NULL;

	g_assert_nonnull(error);
	g_assert_true(g_dbus_error_is_remote_error(error));
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
}

static void
arc_dbus_test_set_property(ArcDbusTestFixture *fx, const gchar *path, const gchar *iface,
			   const gchar *name, GVariant *value, GError **error)
{
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		fx->connection, ARC_DBUS_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties",
		"Set", g_variant_new("(ssv)", iface, name, value), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
		NULL, error);
}

static void
arc_dbus_test_read_only_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *peer_path = NULL;
	g_autofree gchar *service_path = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *service_name = NULL;
	g_autoptr(GVariant) peer = NULL;
	g_autoptr(GVariant) service = NULL;
	g_autoptr(GError) error = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_two_peers(fx);
	peer_path = arc_dbus_test_peer_path(peer_id);
	service_path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'name': <'ro'>}",
					 arc_test_agent_get_peer_id(fx->other)));

	/* one property of each interface, of several types */
	arc_dbus_test_set_property(fx, ARC_DBUS_TEST_AGENT_PATH, ARC_DBUS_TEST_AGENT_IFACE,
				   "PeerId", g_variant_new_string("peer_other"), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, ARC_DBUS_TEST_AGENT_PATH, ARC_DBUS_TEST_AGENT_IFACE,
				   "Bootstrapped", g_variant_new_boolean(FALSE), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, ARC_DBUS_TEST_AGENT_PATH, ARC_DBUS_TEST_AGENT_IFACE, "Peers",
				   g_variant_new_objv(NULL, 0), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, peer_path, ARC_DBUS_TEST_PEER_IFACE, "Name",
				   g_variant_new_string("renamed"), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, service_path, ARC_DBUS_TEST_SERVICE_IFACE,
				   "BandwidthLimitMbps", g_variant_new_int64(5), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, service_path, ARC_DBUS_TEST_SERVICE_IFACE, "Name",
				   g_variant_new_string("renamed"), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);

	/* what does not exist keeps GDBus's own answers */
	arc_dbus_test_set_property(fx, ARC_DBUS_TEST_AGENT_PATH, ARC_DBUS_TEST_AGENT_IFACE,
				   "NoSuchProperty", g_variant_new_string(""), &error);
	arc_dbus_test_assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
	g_clear_error(&error);
	arc_dbus_test_set_property(fx, ARC_DBUS_TEST_SERVICES_PATH "/svc_none",
				   ARC_DBUS_TEST_SERVICE_IFACE, "Name", g_variant_new_string("x"),
				   &error);
	g_assert_true(g_dbus_error_is_remote_error(error));
	name = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(name, !=, "org.freedesktop.DBus.Error.PropertyReadOnly");
	g_clear_error(&error);

	/* nothing changed */
	g_assert_cmpstr(arc_dbus_agent_get_peer_id(fx->proxy), ==, peer_id);
	peer = arc_dbus_test_managed(fx, peer_path, ARC_DBUS_TEST_PEER_IFACE);
	g_clear_pointer(&name, g_free);
	name = arc_dbus_test_vardict_string(peer, "Name");
	g_assert_cmpstr(name, ==, "source-node");
	service = arc_dbus_test_managed(fx, service_path, ARC_DBUS_TEST_SERVICE_IFACE);
	service_name = arc_dbus_test_vardict_string(service, "Name");
	g_assert_cmpstr(service_name, ==, "ro");
	g_assert_cmpint(arc_dbus_test_vardict_int64(service, "BandwidthLimitMbps"), ==, 0);
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
	g_test_add("/dbus/system-bus", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_system_bus_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/bus-vanishes", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_bus_vanishes_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/objects", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_objects_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/update", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_update_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-local", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_remove_local_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/add-refused", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_add_refused_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/add-remove", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_add_remove_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/reachability", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_reachability_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-self", ArcDbusTestFixture, GINT_TO_POINTER(TRUE),
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_remove_self_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-self-unreachable", ArcDbusTestFixture,
		   GINT_TO_POINTER(FALSE), arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_remove_self_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/services/objects", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_objects_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/services/methods", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_methods_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/services/errors", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_errors_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/license/update", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_license_update_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/license/update-refused", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_license_update_refused_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/object-paths", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_object_paths_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/permissions/session", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_permissions_session_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/permissions/system", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_permissions_system_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/read-only", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_read_only_func, arc_dbus_test_fixture_teardown);
	return g_test_run();
}
