/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-device-addresses.h"

#include <string.h>

static void
arc_device_addresses_add(GArray *out, gboolean has_local, const ArcCidr *local, gboolean has_peer,
			 const ArcCidr *peer)
{
	ArcDeviceAddress address = {0};

	if (!has_local)
		return;
	address.local = *local;
	address.has_peer = has_peer;
	if (has_peer)
		address.peer = *peer;
	g_array_append_val(out, address);
}

/**
 * arc_device_addresses_wanted:
 * @node: this node, from the view
 * @member: a remote member, from the view
 *
 * Returns: (transfer full) (element-type ArcDeviceAddress): what the device towards @member
 *   carries: per family in which this node has a tunnel address, that address, with
 *   @member's IPv4 address (if it has one the view grants) at the other end
 */
GArray *
arc_device_addresses_wanted(const ArcClusterSelf *node, const ArcClusterMember *member)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(ArcDeviceAddress));

	arc_device_addresses_add(out, node->has_tunnel_v4, &node->tunnel_v4, member->has_tunnel_v4,
				 &member->tunnel_v4);
	/* IPv6 without the other end: libnl-route-3 (3.7) does not pass an IPv6 peer to the
	 * kernel, which then keeps the address alone; wanting the peer here made every apply
	 * delete and add the address again */
	arc_device_addresses_add(out, node->has_tunnel_v6, &node->tunnel_v6, FALSE, NULL);
	return out;
}

static gboolean
arc_device_cidr_equal(const ArcCidr *a, const ArcCidr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

/**
 * arc_device_address_equal:
 * @a: an address
 * @b: another
 *
 * Returns: whether both have the same local address and the same other end (or none)
 */
gboolean
arc_device_address_equal(const ArcDeviceAddress *a, const ArcDeviceAddress *b)
{
	if (!arc_device_cidr_equal(&a->local, &b->local) || a->has_peer != b->has_peer)
		return FALSE;
	return !a->has_peer || arc_device_cidr_equal(&a->peer, &b->peer);
}

/**
 * arc_device_addresses_stale:
 * @wanted: (element-type ArcDeviceAddress): arc_device_addresses_wanted()
 * @ranges: (array length=n_ranges): the cluster's tunnel address ranges
 * @n_ranges: how many
 * @present: (array length=n_present): what the kernel says the device carries
 * @n_present: how many
 *
 * An address this node gave up (it lost a claim) or one whose other end the member gave up
 * would stay on the device, and keep routing that address into the tunnel, if nobody
 * removed it. Addresses of the tunnel ranges are the agent's, so those the device carries
 * beyond @wanted go; any other (an operator's, the link-local ones the kernel gives it) is
 * left alone, as fwmgr leaves every table but its own.
 *
 * Returns: (transfer full) (element-type ArcDeviceAddress): the addresses of @present to
 *   delete
 */
static gboolean
arc_device_address_in_ranges(const ArcDeviceAddress *address, const ArcCidr *ranges, guint n_ranges)
{
	for (guint i = 0; i < n_ranges; i++) {
		if (arc_cidr_contains(&ranges[i], &address->local))
			return TRUE;
	}
	return FALSE;
}

GArray *
arc_device_addresses_stale(GArray *wanted, const ArcCidr *ranges, guint n_ranges,
			   const ArcDeviceAddress *present, guint n_present)
{
	GArray *stale = g_array_new(FALSE, TRUE, sizeof(ArcDeviceAddress));

	for (guint i = 0; i < n_present; i++) {
		if (!present[i].link_local &&
		    arc_device_address_in_ranges(&present[i], ranges, n_ranges) &&
		    !arc_device_addresses_contains(wanted, &present[i]))
			g_array_append_val(stale, present[i]);
	}
	return stale;
}

/**
 * arc_device_addresses_contains:
 * @addresses: (element-type ArcDeviceAddress): a set
 * @address: an address
 *
 * Returns: whether @addresses holds one equal to @address
 */
gboolean
arc_device_addresses_contains(GArray *addresses, const ArcDeviceAddress *address)
{
	for (guint i = 0; i < addresses->len; i++) {
		if (arc_device_address_equal(&g_array_index(addresses, ArcDeviceAddress, i),
					     address))
			return TRUE;
	}
	return FALSE;
}
