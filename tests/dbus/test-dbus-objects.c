/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

#include <string.h>

/* The objects as a whole: the object paths that link the Agent, Peers and Services, and
 * Properties.Set refused on every read-only property. */

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
	g_test_add("/dbus/object-paths", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_object_paths_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/read-only", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_read_only_func, arc_dbus_test_fixture_teardown);
	return g_test_run();
}
