/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-auth-manager.h"
#include "arc-node.h"
#include "arc-peer-manager.h"

G_BEGIN_DECLS

/* The cluster id this agent holds (docs/protocol.md §6.4): the older of two ids wins when
 * clusters meet, tokens for a former id stay valid for one token lifetime, and
 * `cluster init --force` mints a new one for a lone agent. The #ArcNode holds the id and
 * announces its changes; this decides when it changes and stores it. */

typedef struct _ArcClusterIdentity ArcClusterIdentity;

ArcClusterIdentity *arc_cluster_identity_new(ArcNode *node, ArcAuthManager *auth,
					     ArcPeerManager *peers);
void arc_cluster_identity_free(ArcClusterIdentity *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterIdentity, arc_cluster_identity_free)

void arc_cluster_identity_load_former(ArcClusterIdentity *self);
void arc_cluster_identity_offer(ArcClusterIdentity *self, const gchar *cluster_id,
				const gchar *from);
gboolean arc_cluster_identity_renew(ArcClusterIdentity *self, const gchar *by, GError **error);

G_END_DECLS
