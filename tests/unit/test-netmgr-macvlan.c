/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-netmgr-macvlan.h"

/* The pure part of netmgr's service interfaces: their names and MACs, which interfaces are the
 * agent's, and the plan a view makes (tests/netns/test-macvlan-netns.sh checks the kernel). */

static void
mv_name_func(void)
{
	gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];

	arc_cluster_service_interface_name("svc_01KB3Z7Q9XW4M2N8P6R5T0V1YZ", name);
	g_assert_cmpstr(name, ==, "arcn8p6r5t0v1yz");
	arc_cluster_service_interface_name("svc_01KBAAAAAAAAAAAAAAAAAAAAAB", name);
	g_assert_cmpstr(name, ==, "arcaaaaaaaaaaab");
	g_assert_cmpuint(strlen(name), <=, 15);
	g_assert_true(arc_netmgr_macvlan_is_ours(name));
	g_assert_true(arc_netmgr_macvlan_is_ours("arc0123456789az"));
	/* a tunnel device, an operator's interfaces */
	g_assert_false(arc_netmgr_macvlan_is_ours("arc-3f9a1c04b7e"));
	g_assert_false(arc_netmgr_macvlan_is_ours("arc0123456789a"));
	g_assert_false(arc_netmgr_macvlan_is_ours("arcABCDEFGHIJKL"));
	g_assert_false(arc_netmgr_macvlan_is_ours("eth0"));
	g_assert_false(arc_netmgr_macvlan_is_ours(NULL));
}

static void
mv_mac_func(void)
{
	guint8 a[6], again[6], b[6];
	g_autofree gchar *digest = g_compute_checksum_for_string(
		G_CHECKSUM_SHA256, "svc_01KBAAAAAAAAAAAAAAAAAAAAAB", -1);
	guint first = (guint)g_ascii_strtoull((gchar[]){digest[0], digest[1], 0}, NULL, 16);

	arc_netmgr_macvlan_mac("svc_01KBAAAAAAAAAAAAAAAAAAAAAB", a);
	arc_netmgr_macvlan_mac("svc_01KBAAAAAAAAAAAAAAAAAAAAAB", again);
	arc_netmgr_macvlan_mac("svc_01KBAAAAAAAAAAAAAAAAAAAAAC", b);
	g_assert_cmpmem(a, 6, again, 6);
	g_assert_true(memcmp(a, b, 6) != 0);
	/* locally administered, unicast; the rest is the digest */
	g_assert_cmpuint(a[0] & 0x03, ==, 0x02);
	g_assert_cmpuint(b[0] & 0x03, ==, 0x02);
	g_assert_cmpuint(a[0], ==, (first & 0xfe) | 0x02);
	g_assert_cmpuint(a[5], ==,
			 (guint)g_ascii_strtoull((gchar[]){digest[10], digest[11], 0}, NULL, 16));
}

static void
mv_add_service(ArcClusterViewBuilder *builder, const gchar *id, const gchar *source,
	       const gchar *target, gboolean interface, const gchar *v4, const gchar *v6)
{
	ArcClusterService service = {0};

	service.id = service.name = (gchar *)id;
	service.source_peer_id = (gchar *)source;
	service.target_peer_id = (gchar *)target;
	service.transport = (gchar *)"tcp";
	service.flags = interface ? ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE : 0;
	service.has_desired_v4 = v4 != NULL && arc_cidr_read(v4, 0, &service.desired_v4) == 0;
	service.has_desired_v6 = v6 != NULL && arc_cidr_read(v6, 0, &service.desired_v6) == 0;
	arc_cluster_view_builder_add_service(builder, &service);
}

/* one interface per service with requires_interface entering here, with its desired
 * addresses; none for services entering elsewhere or without an interface */
static void
mv_plan_func(void)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(1);
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(GArray) plan = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *v6 = NULL;
	const ArcMacvlanPlan *dhcp, *fixed;
	guint8 mac[6];

	arc_cluster_view_builder_set_self(builder, &node);
	mv_add_service(builder, "svc_01KB0000000000DHCPSERVICE1", "peer_A", "peer_B", TRUE, NULL,
		       NULL);
	mv_add_service(builder, "svc_01KB0000000000FIXEDSERVICE", "peer_A", "peer_B", TRUE,
		       "10.0.0.1/24", "fd00::10/64");
	mv_add_service(builder, "svc_01KB0000000000NOINTERFACE1", "peer_A", "peer_B", FALSE, NULL,
		       NULL);
	mv_add_service(builder, "svc_01KB0000000000ELSEWHERE001", "peer_B", "peer_A", TRUE, NULL,
		       NULL);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	plan = arc_netmgr_macvlan_plan(view);
	g_assert_cmpuint(plan->len, ==, 2);
	dhcp = &g_array_index(plan, ArcMacvlanPlan, 0);
	fixed = &g_array_index(plan, ArcMacvlanPlan, 1);
	g_assert_cmpstr(dhcp->service_id, ==, "svc_01KB0000000000DHCPSERVICE1");
	g_assert_cmpstr(dhcp->name, ==, "arcdhcpservice1");
	arc_netmgr_macvlan_mac(dhcp->service_id, mac);
	g_assert_cmpmem(dhcp->mac, 6, mac, 6);
	g_assert_false(dhcp->has_v4);
	g_assert_false(dhcp->has_v6);
	g_assert_cmpstr(fixed->name, ==, "arcfixedservice");
	g_assert_true(fixed->has_v4);
	g_assert_true(fixed->has_v6);
	v4 = arc_cidr_to_string(&fixed->v4);
	v6 = arc_cidr_to_string(&fixed->v6);
	g_assert_cmpstr(v4, ==, "10.0.0.1/24");
	g_assert_cmpstr(v6, ==, "fd00::10/64");
}

/* a change of desired address is a new view: the data plane applies it */
static void
mv_view_equal_func(void)
{
	g_autoptr(ArcClusterView) a = NULL;
	g_autoptr(ArcClusterView) b = NULL;
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};
	const gchar *addresses[] = {"10.0.0.1/24", "10.0.0.2/24"};
	ArcClusterView **views[] = {&a, &b};

	for (guint i = 0; i < 2; i++) {
		g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(i + 1);
		g_autoptr(GError) error = NULL;

		arc_cluster_view_builder_set_self(builder, &node);
		mv_add_service(builder, "svc_01KB0000000000FIXEDSERVICE", "peer_A", "peer_B", TRUE,
			       addresses[i], NULL);
		*views[i] = arc_cluster_view_builder_end(builder, &error);
		g_assert_no_error(error);
	}
	g_assert_false(arc_cluster_view_equal(a, b));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/netmgr-macvlan/name", mv_name_func);
	g_test_add_func("/netmgr-macvlan/mac", mv_mac_func);
	g_test_add_func("/netmgr-macvlan/plan", mv_plan_func);
	g_test_add_func("/netmgr-macvlan/view-equal", mv_view_equal_func);
	return g_test_run();
}
