/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

/* for the files of the engine split by concern (arc-engine-*.c) */
ArcStorage *arc_engine_get_storage(ArcEngine *self);
const gchar *arc_engine_get_peer_id(ArcEngine *self);

G_END_DECLS
