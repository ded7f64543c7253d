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

/* fwmgr: the agent's nftables table, `table inet arctic`, and nothing else. The ruleset is
 * rendered from a view by a pure function and written in one transaction. */

#define ARC_FWMGR_TABLE "arctic"

gchar *arc_fwmgr_render(const ArcClusterView *view, const ArcPeerSlots *slots,
			const ArcDataplaneConfig *config);
guint32 arc_fwmgr_service_mark(const ArcClusterView *view, const ArcPeerSlots *slots,
			       const ArcDataplaneConfig *config, const ArcClusterService *service,
			       gchar **why);
guint32 arc_fwmgr_route_mark(const ArcClusterView *view, const ArcPeerSlots *slots,
			     const ArcDataplaneConfig *config, const ArcRoute *route, gchar **why);

typedef struct _ArcFwmgr ArcFwmgr;

ArcFwmgr *arc_fwmgr_new(void);
void arc_fwmgr_free(ArcFwmgr *self);
gboolean arc_fwmgr_apply(ArcFwmgr *self, const gchar *table, GError **error);
gboolean arc_fwmgr_remove(ArcFwmgr *self, GError **error);
gboolean arc_fwmgr_is_present(ArcFwmgr *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcFwmgr, arc_fwmgr_free)

G_END_DECLS
