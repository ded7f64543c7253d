/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cluster-view.h"
#include "arc-service-interface-status.h"

G_BEGIN_DECLS

/* netmgr, its service interface part: a MACVLAN (mode bridge) on the parent interface for
 * every service this node is the source of that has requires_interface, named after the
 * service (arc_cluster_service_interface_name()), with a MAC derived from its id, up, with its
 * desired addresses or a DHCP lease (docs/dataplane.md, "Service interfaces"). */

/**
 * ArcMacvlanPlan:
 * @service_id: (unowned): the service, the view's string
 * @name: its interface
 * @mac: its MAC: locally administered, unicast, from SHA-256(@service_id)
 * @has_v4: whether @v4 (the desired IPv4 address) is set; DHCP otherwise
 * @v4: the desired IPv4 address and prefix
 * @has_v6: whether @v6 is set
 * @v6: the desired IPv6 address and prefix
 *
 * One interface a view wants.
 */
typedef struct {
	const gchar *service_id;
	gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
	guint8 mac[6];
	gboolean has_v4;
	ArcCidr v4;
	gboolean has_v6;
	ArcCidr v6;
} ArcMacvlanPlan;

void arc_netmgr_macvlan_mac(const gchar *service_id, guint8 out[6]);
gboolean arc_netmgr_macvlan_is_ours(const gchar *name);
GArray *arc_netmgr_macvlan_plan(const ArcClusterView *view);

typedef struct _ArcNetmgrMacvlan ArcNetmgrMacvlan;

ArcNetmgrMacvlan *arc_netmgr_macvlan_new(const gchar *parent, GError **error);
void arc_netmgr_macvlan_free(ArcNetmgrMacvlan *self);
gboolean arc_netmgr_macvlan_apply(ArcNetmgrMacvlan *self, const ArcClusterView *view,
				  GPtrArray *problems, GError **error);
void arc_netmgr_macvlan_remove(ArcNetmgrMacvlan *self);
GPtrArray *arc_netmgr_macvlan_get_status(ArcNetmgrMacvlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNetmgrMacvlan, arc_netmgr_macvlan_free)

G_END_DECLS
