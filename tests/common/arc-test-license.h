/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-test-agent.h"

G_BEGIN_DECLS

#define ARC_TEST_DAY (24 * 3600)

gint64 arc_test_license_now(void);
gchar *arc_test_license_expiring(ArcTestAgent *agent, gint64 expires_in);
void arc_test_license_age(ArcTestAgent *agent, gint64 expires_in);

G_END_DECLS
