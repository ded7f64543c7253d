/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

/* What /readyz reports beyond the engine's managers: the storage probe's pace and whether
 * the adapters listen. The engine owns one and asks it for the checks. */
typedef struct _ArcEngineReadiness ArcEngineReadiness;

ArcEngineReadiness *arc_engine_readiness_new(void);
void arc_engine_readiness_free(ArcEngineReadiness *self);
void arc_engine_readiness_set_listeners(ArcEngineReadiness *self, gboolean ready,
					const gchar *detail);
void arc_engine_readiness_set_dataplane(ArcEngineReadiness *self, gboolean ok,
					const gchar *detail);
GArray *arc_engine_readiness_check(ArcEngineReadiness *self, ArcEngine *engine, gboolean *all_ok);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcEngineReadiness, arc_engine_readiness_free)

G_END_DECLS
