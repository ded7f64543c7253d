/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the data plane realised of a service's MACVLAN (docs/services.md: `interface_mac`,
 * `actual_interface_ipv4`, `actual_interface_ipv6`): the data plane reads it from the kernel,
 * the engine hands it to the REST and D-Bus adapters through a function the agent installs,
 * as for the tunnel's status, so that neither side knows the other. */

/**
 * ArcServiceInterfaceStatus:
 * @service_id: the service
 * @interface: its MACVLAN's name
 * @mac: (nullable): the interface's MAC, `02:…`; %NULL while it does not exist
 * @ipv4: (nullable): its IPv4 address with prefix (`192.0.2.7/24`), from DHCP or the desired
 *   one; %NULL for none
 * @ipv6: (nullable): its first global IPv6 address with prefix; %NULL for none
 */
typedef struct {
	gchar *service_id;
	gchar *interface;
	gchar *mac;
	gchar *ipv4;
	gchar *ipv6;
} ArcServiceInterfaceStatus;

/**
 * ArcServiceInterfaceFunc:
 * @user_data: what the function was installed with
 *
 * Reads the service interfaces now, on the main thread (one netlink dump).
 *
 * Returns: (transfer full) (element-type ArcServiceInterfaceStatus) (nullable): one entry per
 *   service interface this node wants, or %NULL when no data plane runs
 */
typedef GPtrArray *(*ArcServiceInterfaceFunc)(gpointer user_data);

void arc_service_interface_status_free(ArcServiceInterfaceStatus *self);
GPtrArray *arc_service_interface_status_list_new(void);
const ArcServiceInterfaceStatus *arc_service_interface_status_find(GPtrArray *list,
								   const gchar *service_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcServiceInterfaceStatus, arc_service_interface_status_free)

G_END_DECLS
