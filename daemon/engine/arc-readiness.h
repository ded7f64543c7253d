/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-license-manager.h"
#include "arc-node.h"

G_BEGIN_DECLS

/* What /readyz and the systemd READY notification check: storage answers (probed at a
 * bounded pace), the license (ready in every state), the plugins, and whether the adapters
 * listen; and what the data plane reports back to the engine: whether it runs and how its
 * tunnel's peers fare. */
typedef struct _ArcReadiness ArcReadiness;

ArcReadiness *arc_readiness_new(ArcNode *node);
void arc_readiness_free(ArcReadiness *self);
void arc_readiness_set_listeners(ArcReadiness *self, gboolean ready, const gchar *detail);
void arc_readiness_set_dataplane(ArcReadiness *self, gboolean ok, const gchar *detail);
void arc_readiness_set_tunnel_status_func(ArcReadiness *self, ArcTunnelStatusFunc func,
					  gpointer user_data, GDestroyNotify destroy);
GPtrArray *arc_readiness_get_tunnel_status(ArcReadiness *self);
void arc_readiness_set_service_interface_func(ArcReadiness *self, ArcServiceInterfaceFunc func,
					      gpointer user_data);
GPtrArray *arc_readiness_get_service_interfaces(ArcReadiness *self);
GArray *arc_readiness_check(ArcReadiness *self, ArcLicenseManager *licenses, gboolean *all_ok);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcReadiness, arc_readiness_free)

G_END_DECLS
