/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-cluster-view.h"
#include "arc-tunnel-status.h"

G_BEGIN_DECLS

/* iptunmgr: the tunnel plugin's peers from the view. Without a tunnel it does nothing, and
 * netmgr then makes the peers' tables unreachable: nothing leaves unencrypted. */

typedef struct _ArcIptunmgr ArcIptunmgr;

ArcIptunmgr *arc_iptunmgr_new(ArcTunnel *tunnel);
void arc_iptunmgr_free(ArcIptunmgr *self);
gboolean arc_iptunmgr_has_tunnel(ArcIptunmgr *self);
gboolean arc_iptunmgr_apply(ArcIptunmgr *self, const ArcClusterView *view, GPtrArray *problems);
void arc_iptunmgr_remove(ArcIptunmgr *self);
GPtrArray *arc_iptunmgr_get_status(ArcIptunmgr *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcIptunmgr, arc_iptunmgr_free)

G_END_DECLS
