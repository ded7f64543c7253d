/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-config.h"
#include "arc-identity.h"
#include "arc-plugin-loader.h"
#include "arc-tproxymgr.h"

G_BEGIN_DECLS

/* The transport plugins that carry the proxy's streams between peers (docs/dataplane.md,
 * "TCP: the transparent proxy"). */

typedef struct _ArcAgentTransports ArcAgentTransports;

ArcAgentTransports *arc_agent_transports_new(ArcPluginLoader *loader, ArcConfig *config,
					     ArcIdentity *identity);
void arc_agent_transports_free(ArcAgentTransports *self);
void arc_agent_transports_set_view(ArcAgentTransports *self, ArcClusterView *view,
				   ArcTproxymgr *tproxymgr);
void arc_agent_transports_connect(gint client_fd, const ArcPegasusPreamble *preamble,
				  const gchar *target_peer_id, gpointer user_data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcAgentTransports, arc_agent_transports_free)

G_END_DECLS
