/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

#include <unistd.h>

/* Who may write over D-Bus: the system bus service asks polkit (a fake authority of the
 * test's own on the private bus), the session bus service trusts its own user; and
 * GetPermissions says so in advance. */

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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/dbus/system-bus", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_system_bus_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/permissions/session", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_permissions_session_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/permissions/system", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_permissions_system_func,
		   arc_dbus_test_fixture_teardown);
	return g_test_run();
}
