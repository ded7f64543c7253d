/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-config.h"

G_BEGIN_DECLS

/* Where the agent's settings come from: agent.conf and the environment. The settings and
 * their checks are core's (arc-config.c, no I/O). */

gboolean arc_config_load_file(ArcConfig *self, const gchar *path, gboolean must_exist,
			      GError **error);
gboolean arc_config_apply_environment(ArcConfig *self, GError **error);

G_END_DECLS
