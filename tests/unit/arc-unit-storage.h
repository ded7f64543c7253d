/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

G_BEGIN_DECLS

ArcStorage *arc_unit_open_storage(const gchar *data_dir);

G_END_DECLS
