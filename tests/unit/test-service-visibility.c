/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-dbus-realised-service.h"
#include "arc-engine.h"

/* What the data plane realised of a service's interface reaches D-Bus through the engine,
 * in-process: the function the data plane installs is read on each Get and GetAll of the
 * Service object's InterfaceMac and ActualInterface* (REST reads the same function; the
 * netns test macvlan-netns checks it with `arctic services get`). */

typedef struct {
	ArcEngine *engine;
	const gchar *ipv4; /* what the fake data plane has */
	guint reads;
} SvFixture;

static GPtrArray *
sv_interfaces_cb(gpointer user_data)
{
	SvFixture *fx = user_data;
	GPtrArray *list = arc_service_interface_status_list_new();
	ArcServiceInterfaceStatus *status = g_new0(ArcServiceInterfaceStatus, 1);

	fx->reads++;
	status->service_id = g_strdup("svc_01KBAAAAAAAAAAAAAAAAAAAAAB");
	status->interface = g_strdup("arcaaaaaaaaaaab");
	status->mac = g_strdup("3e:c8:8e:d5:0f:0b");
	status->ipv4 = g_strdup(fx->ipv4);
	g_ptr_array_add(list, status);
	return list;
}

static void
sv_setup(SvFixture *fx, gconstpointer data)
{
	g_autoptr(ArcConfig) config = arc_config_new();

	fx->engine = arc_engine_new(config);
	fx->ipv4 = "192.0.2.7/24";
}

static void
sv_teardown(SvFixture *fx, gconstpointer data)
{
	g_clear_object(&fx->engine);
}

static ArcDbusClusterService *
sv_service(SvFixture *fx, const gchar *id)
{
	ArcDbusClusterService *iface = arc_dbus_realised_service_new(fx->engine);

	arc_dbus_cluster_service_set_id(iface, id);
	return iface;
}

static void
sv_disabled_func(SvFixture *fx, gconstpointer data)
{
	g_autoptr(ArcDbusClusterService) iface = sv_service(fx, "svc_01KBAAAAAAAAAAAAAAAAAAAAAB");
	g_autoptr(GVariant) props =
		g_dbus_interface_skeleton_get_properties(G_DBUS_INTERFACE_SKELETON(iface));
	const gchar *text = NULL;

	g_assert_null(arc_engine_get_service_interfaces(fx->engine));
	g_assert_true(g_variant_lookup(props, "InterfaceMac", "&s", &text));
	g_assert_cmpstr(text, ==, "");
	g_assert_true(g_variant_lookup(props, "ActualInterfaceIpv4", "&s", &text));
	g_assert_cmpstr(text, ==, "");
}

static void
sv_dbus_func(SvFixture *fx, gconstpointer data)
{
	g_autoptr(ArcDbusClusterService) iface = sv_service(fx, "svc_01KBAAAAAAAAAAAAAAAAAAAAAB");
	g_autoptr(ArcDbusClusterService) other = sv_service(fx, "svc_01KBAAAAAAAAAAAAAAAAAAAAAC");
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) other_props = NULL;
	g_autoptr(GVariant) ipv4 = NULL;
	g_autoptr(GError) error = NULL;
	GDBusInterfaceVTable *vtable;
	const gchar *text = NULL;
	guint reads;

	arc_engine_set_service_interface_func(fx->engine, sv_interfaces_cb, fx);
	props = g_dbus_interface_skeleton_get_properties(G_DBUS_INTERFACE_SKELETON(iface));
	g_assert_true(g_variant_lookup(props, "InterfaceMac", "&s", &text));
	g_assert_cmpstr(text, ==, "3e:c8:8e:d5:0f:0b");
	g_assert_true(g_variant_lookup(props, "ActualInterfaceIpv4", "&s", &text));
	g_assert_cmpstr(text, ==, "192.0.2.7/24");
	g_assert_true(g_variant_lookup(props, "ActualInterfaceIpv6", "&s", &text));
	g_assert_cmpstr(text, ==, "");
	/* Properties.Get reads the data plane again: a lease renewed to another address */
	fx->ipv4 = "192.0.2.9/24";
	reads = fx->reads;
	vtable = g_dbus_interface_skeleton_get_vtable(G_DBUS_INTERFACE_SKELETON(iface));
	ipv4 = vtable->get_property(NULL, NULL, "/", "com.tillered.Arctic1.Service",
				    "ActualInterfaceIpv4", &error, iface);
	g_assert_no_error(error);
	g_assert_cmpstr(g_variant_get_string(ipv4, NULL), ==, "192.0.2.9/24");
	g_assert_cmpuint(fx->reads, ==, reads + 1);
	/* a service without an interface here */
	other_props = g_dbus_interface_skeleton_get_properties(G_DBUS_INTERFACE_SKELETON(other));
	g_assert_true(g_variant_lookup(other_props, "InterfaceMac", "&s", &text));
	g_assert_cmpstr(text, ==, "");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/service-visibility/disabled", SvFixture, NULL, sv_setup, sv_disabled_func,
		   sv_teardown);
	g_test_add("/service-visibility/dbus", SvFixture, NULL, sv_setup, sv_dbus_func,
		   sv_teardown);
	return g_test_run();
}
