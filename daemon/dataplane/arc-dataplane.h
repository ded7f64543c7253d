/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-cluster-view.h"
#include "arc-dataplane-config.h"
#include "arc-service-interface-status.h"
#include "arc-tproxymgr.h"
#include "arc-tunnel-status.h"

G_BEGIN_DECLS

/**
 * ArcDataplaneCheck:
 * @manager: `netmgr`, `iptunmgr`, `tproxymgr` or `fwmgr`; `dataplane` before the first view and
 * after a stop
 * @ok: whether it is up
 * @detail: what is up, or what failed and why
 *
 * One line of the data plane's readiness report.
 */
typedef struct {
	gchar *manager;
	gboolean ok;
	gchar *detail;
} ArcDataplaneCheck;

#define ARC_TYPE_DATAPLANE (arc_dataplane_get_type())
G_DECLARE_FINAL_TYPE(ArcDataplane, arc_dataplane, ARC, DATAPLANE, GObject)

gboolean arc_dataplane_check_privileges(GError **error);
ArcDataplane *arc_dataplane_new(const ArcDataplaneConfig *config, GError **error);
void arc_dataplane_set_tunnel(ArcDataplane *self, ArcTunnel *tunnel);
gboolean arc_dataplane_apply(ArcDataplane *self, ArcClusterView *view, GError **error);
void arc_dataplane_stop(ArcDataplane *self);
GPtrArray *arc_dataplane_get_report(ArcDataplane *self);
gboolean arc_dataplane_is_ready(ArcDataplane *self);
ArcTproxymgr *arc_dataplane_get_tproxymgr(ArcDataplane *self);
guint arc_dataplane_get_peer_slot(ArcDataplane *self, const gchar *peer_id);
GPtrArray *arc_dataplane_get_tunnel_status(ArcDataplane *self);
GPtrArray *arc_dataplane_get_service_interfaces(ArcDataplane *self);

G_END_DECLS
