/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-dbus-generated.h"
#include "arc-dbus-service.h"
#include "arc-engine.h"

G_BEGIN_DECLS

#define ARC_DBUS_SERVICES_PATH ARC_DBUS_SERVICE_PATH "/services"

#define ARC_TYPE_DBUS_SERVICES (arc_dbus_services_get_type())
G_DECLARE_FINAL_TYPE(ArcDbusServices, arc_dbus_services, ARC, DBUS_SERVICES, GObject)

ArcDbusServices *arc_dbus_services_new(ArcDbusService *service, ArcEngine *engine,
				       GDBusObjectManagerServer *manager, ArcDbusAgent *agent);
void arc_dbus_services_authorized(ArcDbusServices *self, GDBusMethodInvocation *invocation,
				  const ArcCaller *caller);

/* defined in arc-dbus-service.c, which authorises every D-Bus write */
void arc_dbus_service_authorize_services_write(ArcDbusService *self,
					       GDBusMethodInvocation *invocation);

G_END_DECLS
