/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-config.h"
#include "arc-engine.h"
#include "arc-plugin-loader.h"

G_BEGIN_DECLS

/* The agent's data plane (DESIGN.md §8): the tunnel plugin agent.conf names and an
 * ArcDataplane that realises every view the engine publishes; disabled, and said once, when
 * the agent lacks CAP_NET_ADMIN. It reports to /readyz through the engine's `dataplane`
 * check. */

typedef struct _ArcAgentDataplane ArcAgentDataplane;

ArcAgentDataplane *arc_agent_dataplane_start(ArcEngine *engine, ArcPluginLoader *loader,
					     ArcConfig *config);
void arc_agent_dataplane_stop(ArcAgentDataplane *self);
void arc_agent_dataplane_free(ArcAgentDataplane *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcAgentDataplane, arc_agent_dataplane_free)

G_END_DECLS
