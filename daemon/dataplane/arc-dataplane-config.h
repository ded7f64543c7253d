/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cidr.h"

G_BEGIN_DECLS

/* The defaults of docs/dataplane.md, "Marks and tables" */
#define ARC_DATAPLANE_MARK_BASE 0x0a7c0000u
#define ARC_DATAPLANE_MARK_MASK 0xffff0000u
#define ARC_DATAPLANE_TABLE_BASE 0xa7c0u
#define ARC_DATAPLANE_SLOTS 1024u
#define ARC_DATAPLANE_RULE_PRIORITY 10000u
#define ARC_DATAPLANE_PROXY_PORT 61000u
#define ARC_DATAPLANE_TRANSPORT_PORT 61001u

/**
 * ArcDataplaneConfig:
 * @mark_base: the firewall marks the agent owns are those with `mark & @mark_mask ==
 *   @mark_base`; @mark_base itself marks the tunnel's own UDP packets, `@mark_base + slot`
 *   the packets for the peer of that slot
 * @mark_mask: see @mark_base; the bits outside it number the slots
 * @table_base: the routing table of slot s is `@table_base + s`
 * @n_slots: how many remote peers can have a mark and a table (at most the bits outside
 *   @mark_mask allow, and 65535)
 * @rule_priority: the preference of the agent's `ip rule`s (before `main`, 32766)
 * @manage_sysctls: whether netmgr sets the forwarding sysctls
 * @tunnel_ipv4_range: the tunnel addresses' IPv4 range
 * @tunnel_ipv6_range: the tunnel addresses' IPv6 range
 * @service_parent_interface: the parent of the service interfaces (MACVLANs); empty for the
 *   interface of the IPv4 default route
 * @proxy_port: where the transparent proxy listens (`[proxy] port`); 0 captures no TCP
 * @transport_port: where every member's inter-peer transport listens, on the host of its
 *   API address (`[proxy] transport_port`): never captured
 *
 * The proxy takes the slot after the last: mark `@mark_base + @n_slots + 1` sends a packet
 * to table `@table_base + @n_slots + 1`, whose `local default dev lo` delivers it to the
 * proxy's socket (arc_dataplane_config_proxy_mark()).
 */
typedef struct {
	guint32 mark_base;
	guint32 mark_mask;
	guint32 table_base;
	guint n_slots;
	guint32 rule_priority;
	gboolean manage_sysctls;
	ArcCidr tunnel_ipv4_range;
	ArcCidr tunnel_ipv6_range;
	gchar service_parent_interface[16];
	guint16 proxy_port;
	guint16 transport_port;
} ArcDataplaneConfig;

void arc_dataplane_config_init(ArcDataplaneConfig *config);
gboolean arc_dataplane_config_check(const ArcDataplaneConfig *config, GError **error);
guint arc_dataplane_config_proxy_slot(const ArcDataplaneConfig *config);
guint32 arc_dataplane_config_proxy_mark(const ArcDataplaneConfig *config);

G_END_DECLS
