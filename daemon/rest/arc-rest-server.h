/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

#define ARC_TYPE_REST_SERVER (arc_rest_server_get_type())
G_DECLARE_FINAL_TYPE(ArcRestServer, arc_rest_server, ARC, REST_SERVER, GObject)

ArcRestServer *arc_rest_server_new(ArcEngine *engine, ArcConfig *config);
gboolean arc_rest_server_listen(ArcRestServer *self, GError **error);
guint16 arc_rest_server_get_port(ArcRestServer *self);
gboolean arc_rest_server_get_tls(ArcRestServer *self);

G_END_DECLS
