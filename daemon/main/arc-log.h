/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-config.h"

G_BEGIN_DECLS

void arc_log_setup(ArcLogFormat format, gboolean verbose);

G_END_DECLS
