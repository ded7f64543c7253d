/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <netlink/netlink.h>

G_BEGIN_DECLS

/* The DHCP client of one service interface in the agent: the state machine of
 * arc-dhcp-client.c on a UDP socket bound to the interface's port 68, driven by the main loop
 * (a few packets per lease: no I/O thread), putting the lease's address on the interface with
 * the lease's lifetime. */

typedef struct _ArcNetmgrDhcp ArcNetmgrDhcp;

ArcNetmgrDhcp *arc_netmgr_dhcp_new(struct nl_sock *sock, const gchar *ifname, const guint8 mac[6],
				   guint32 previous, GError **error);
void arc_netmgr_dhcp_free(ArcNetmgrDhcp *self);
void arc_netmgr_dhcp_release(ArcNetmgrDhcp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNetmgrDhcp, arc_netmgr_dhcp_free)

G_END_DECLS
