/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-license-manager.h"
#include "arc-node.h"
#include "arc-peer-client.h"
#include "arc-peer-manager.h"
#include "arc-registry.h"

G_BEGIN_DECLS

/* Leaving the cluster (docs/protocol.md §5.6): this agent's own departure
 * (`DELETE /v1/peers/self`), stored and then announced to every peer it knew, and the
 * announcement of another peer's (`POST /v1/handshake/leave`). */

typedef struct _ArcLeaver ArcLeaver;

ArcLeaver *arc_leaver_new(ArcNode *node, ArcRegistry *registry, ArcPeerManager *peers,
			  ArcLicenseManager *licenses);
void arc_leaver_free(ArcLeaver *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcLeaver, arc_leaver_free)

gboolean arc_leaver_take_announcement(ArcLeaver *self, const gchar *body, gsize length,
				      GError **error);
void arc_leaver_leave(ArcLeaver *self, ArcPeerClient *client, const gchar *by, GTask *task);

G_END_DECLS
