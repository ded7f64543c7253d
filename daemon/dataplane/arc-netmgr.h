/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cluster-view.h"
#include "arc-dataplane-config.h"
#include "arc-peer-slots.h"

G_BEGIN_DECLS

/* netmgr, its policy routing part: per remote peer an `ip rule fwmark → table` and that
 * table's default route through the peer's tunnel device (IPv4 and IPv6), through
 * libnl-route-3; and the forwarding sysctls. */

typedef struct _ArcNetmgr ArcNetmgr;

ArcNetmgr *arc_netmgr_new(const ArcDataplaneConfig *config, GError **error);
void arc_netmgr_free(ArcNetmgr *self);
gboolean arc_netmgr_apply(ArcNetmgr *self, const ArcClusterView *view, const ArcPeerSlots *slots,
			  GPtrArray *problems, GError **error);
gboolean arc_netmgr_remove(ArcNetmgr *self, GError **error);
void arc_netmgr_set_sysctl_root(ArcNetmgr *self, const gchar *root);
gboolean arc_netmgr_set_sysctls(ArcNetmgr *self, gchar **summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNetmgr, arc_netmgr_free)

G_END_DECLS
