/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

#define ARC_TYPE_DBUS_SERVICE (arc_dbus_service_get_type())
G_DECLARE_FINAL_TYPE(ArcDbusService, arc_dbus_service, ARC, DBUS_SERVICE, GObject)

ArcDbusService *
arc_dbus_service_new(ArcEngine *engine, gboolean session_bus);
void
arc_dbus_service_start(ArcDbusService *self);

G_END_DECLS
