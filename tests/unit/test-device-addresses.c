/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-device-addresses.h"

/* What netmgr keeps on the tunnel device towards a member and what it deletes, without root
 * (netmgr's netlink side runs in the netns suite): when this node or the member loses an
 * address claim and picks again, the address given up leaves the device. */

static ArcCidr
da_address(const gchar *text)
{
	ArcCidr out;

	g_assert_true(arc_cidr_read_address(text, &out));
	return out;
}

static ArcDeviceAddress
da_device(const gchar *local, const gchar *peer)
{
	ArcDeviceAddress out = {0};

	out.local = da_address(local);
	out.has_peer = peer != NULL;
	if (peer != NULL)
		out.peer = da_address(peer);
	return out;
}

/* this node and a member, each with the addresses given (NULL: none of that family) */
static void
da_sides(ArcClusterSelf *node, ArcClusterMember *member, const gchar *node_v4, const gchar *node_v6,
	 const gchar *member_v4, const gchar *member_v6)
{
	memset(node, 0, sizeof(*node));
	memset(member, 0, sizeof(*member));
	node->peer_id = (gchar *)"peer_a";
	member->peer_id = (gchar *)"peer_b";
	if ((node->has_tunnel_v4 = node_v4 != NULL))
		node->tunnel_v4 = da_address(node_v4);
	if ((node->has_tunnel_v6 = node_v6 != NULL))
		node->tunnel_v6 = da_address(node_v6);
	if ((member->has_tunnel_v4 = member_v4 != NULL))
		member->tunnel_v4 = da_address(member_v4);
	if ((member->has_tunnel_v6 = member_v6 != NULL))
		member->tunnel_v6 = da_address(member_v6);
}

static void
da_wanted_func(void)
{
	ArcClusterSelf node;
	ArcClusterMember member;
	g_autoptr(GArray) wanted = NULL;
	ArcDeviceAddress v4 = da_device("100.79.0.1", "100.79.0.2");
	ArcDeviceAddress v6 = da_device("fd79:a7c::1", NULL);

	/* the member has no IPv6 address (the view took a lost claim from it): this node's
	 * own, without the other end */
	da_sides(&node, &member, "100.79.0.1", "fd79:a7c::1", "100.79.0.2", NULL);
	wanted = arc_device_addresses_wanted(&node, &member);
	g_assert_cmpuint(wanted->len, ==, 2);
	g_assert_true(arc_device_addresses_contains(wanted, &v4));
	g_assert_true(arc_device_addresses_contains(wanted, &v6));
	g_clear_pointer(&wanted, g_array_unref);
	/* this node without an IPv4 address (its range is full): nothing of IPv4 */
	da_sides(&node, &member, NULL, "fd79:a7c::1", "100.79.0.2", "fd79:a7c::2");
	wanted = arc_device_addresses_wanted(&node, &member);
	g_assert_cmpuint(wanted->len, ==, 1);
	g_assert_cmpuint(g_array_index(wanted, ArcDeviceAddress, 0).local.family, ==, 6);
	/* IPv6 never with the other end: what netlink leaves on the device is compared */
	g_assert_true(arc_device_addresses_contains(wanted, &v6));
}

static void
da_check_stale(const gchar *why, GArray *wanted, const ArcDeviceAddress *present, guint n_present,
	       const ArcDeviceAddress *expected, guint n_expected)
{
	ArcCidr ranges[2];
	g_autoptr(GArray) stale = NULL;

	g_assert_cmpint(arc_cidr_read("100.79.0.0/16", ARC_CIDR_NETWORK, &ranges[0]), ==,
			ARC_CIDR_OK);
	g_assert_cmpint(arc_cidr_read("fd79:a7c::/64", ARC_CIDR_NETWORK, &ranges[1]), ==,
			ARC_CIDR_OK);
	stale = arc_device_addresses_stale(wanted, ranges, G_N_ELEMENTS(ranges), present,
					   n_present);

	g_test_message("%s", why);
	g_assert_cmpuint(stale->len, ==, n_expected);
	for (guint i = 0; i < n_expected; i++)
		g_assert_true(arc_device_addresses_contains(stale, &expected[i]));
}

static void
da_stale_func(void)
{
	ArcClusterSelf node;
	ArcClusterMember member;
	g_autoptr(GArray) wanted = NULL;
	ArcDeviceAddress link_local = da_device("fe80::1", NULL);
	ArcDeviceAddress present[4];

	link_local.link_local = TRUE;
	/* this node lost 100.79.0.1 and picked 100.79.0.7 */
	da_sides(&node, &member, "100.79.0.7", "fd79:a7c::1", "100.79.0.2", "fd79:a7c::2");
	wanted = arc_device_addresses_wanted(&node, &member);
	present[0] = da_device("100.79.0.1", "100.79.0.2");
	present[1] = da_device("100.79.0.7", "100.79.0.2");
	present[2] = da_device("fd79:a7c::1", NULL); /* the kernel keeps no IPv6 peer */
	present[3] = link_local;
	da_check_stale("this node picked again", wanted, present, 4, present, 1);
	/* all in place: nothing to delete */
	da_check_stale("in place", wanted, present + 1, 3, NULL, 0);

	/* the member lost 100.79.0.2 and picked 100.79.0.9: the old other end goes */
	g_clear_pointer(&wanted, g_array_unref);
	da_sides(&node, &member, "100.79.0.7", "fd79:a7c::1", "100.79.0.9", "fd79:a7c::2");
	wanted = arc_device_addresses_wanted(&node, &member);
	da_check_stale("the member picked again", wanted, present + 1, 3, present + 1, 1);

	/* this node has no IPv6 address any more; someone's /64 on our device goes too */
	g_clear_pointer(&wanted, g_array_unref);
	da_sides(&node, &member, "100.79.0.7", NULL, "100.79.0.2", "fd79:a7c::2");
	wanted = arc_device_addresses_wanted(&node, &member);
	present[0] = da_device("100.79.0.7", "100.79.0.2");
	present[1] = da_device("fd79:a7c::1", "fd79:a7c::2");
	present[2] = da_device("fd79:a7c::5", NULL);
	present[2].local.prefix = 64;
	present[3] = link_local;
	da_check_stale("no IPv6 address", wanted, present, 4, present + 1, 2);

	/* addresses outside the tunnel ranges are an operator's (or a test's): left alone */
	present[0] = da_device("100.79.0.7", "100.79.0.2");
	present[1] = da_device("192.0.2.1", NULL);
	present[1].local.prefix = 24;
	present[2] = da_device("2001:db8::1", NULL);
	present[3] = da_device("100.80.0.1", "100.79.0.2");
	da_check_stale("outside the ranges", wanted, present, 4, NULL, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device-addresses/wanted", da_wanted_func);
	g_test_add_func("/device-addresses/stale", da_stale_func);
	return g_test_run();
}
