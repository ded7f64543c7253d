/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-cluster-view.h"
#include "arc-license-manager.h"
#include "arc-peer-manager.h"
#include "arc-service-manager.h"

G_BEGIN_DECLS

/* What the engine publishes to the data plane (DESIGN.md §8): an #ArcClusterView rebuilt on
 * idle after the changes that touch it, many changes making one view, published only when it
 * differs from the last. Before each build this node claims its tunnel addresses again
 * (arc_peer_manager_publish_tunnel()), since the members may have changed. */

typedef struct _ArcEngineView ArcEngineView;

/**
 * ArcEngineViewPublish:
 * @view: the new view
 * @user_data: given to arc_engine_view_new()
 */
typedef void (*ArcEngineViewPublish)(ArcClusterView *view, gpointer user_data);

ArcEngineView *arc_engine_view_new(ArcNode *node, ArcPeerManager *peers,
				   ArcServiceManager *services, ArcLicenseManager *licenses,
				   ArcEngineViewPublish publish, gpointer user_data);
void arc_engine_view_free(ArcEngineView *self);
void arc_engine_view_schedule(ArcEngineView *self);
void arc_engine_view_records_changed(ArcEngineView *self, GPtrArray *records);
gboolean arc_engine_view_flush(ArcEngineView *self);
ArcClusterView *arc_engine_view_get(ArcEngineView *self);
ArcClusterView *arc_engine_view_build(ArcEngineView *self, guint64 generation, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcEngineView, arc_engine_view_free)

G_END_DECLS
