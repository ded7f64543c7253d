/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-rest-request.h"

G_BEGIN_DECLS

GQuark arc_rest_route_quark(void);
void arc_rest_dispatch(ArcEngine *engine, SoupServerMessage *msg, const gchar *path);
void arc_rest_set_license_header(ArcEngine *engine, SoupServerMessage *msg);

G_END_DECLS
