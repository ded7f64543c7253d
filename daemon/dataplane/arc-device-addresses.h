/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cluster-view.h"

G_BEGIN_DECLS

/* The addresses netmgr keeps on the tunnel device towards one member: this node's tunnel
 * addresses, the member's at the other end. Computed apart from netlink, so that what is
 * removed when either side's address changes is tested without root. */

/**
 * ArcDeviceAddress:
 * @local: the address on the device, a full-length prefix
 * @has_peer: whether @peer is set
 * @peer: the other end of a point-to-point address
 * @link_local: scope link (IPv6's fe80::/10, IPv4's 169.254/16): the kernel's, never ours
 */
typedef struct {
	ArcCidr local;
	gboolean has_peer;
	ArcCidr peer;
	gboolean link_local;
} ArcDeviceAddress;

GArray *arc_device_addresses_wanted(const ArcClusterSelf *node, const ArcClusterMember *member);
gboolean arc_device_address_equal(const ArcDeviceAddress *a, const ArcDeviceAddress *b);
gboolean arc_device_addresses_contains(GArray *addresses, const ArcDeviceAddress *address);
GArray *arc_device_addresses_stale(GArray *wanted, const ArcCidr *ranges, guint n_ranges,
				   const ArcDeviceAddress *present, guint n_present);

G_END_DECLS
