/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-dbus-generated.h"
#include "arc-engine.h"

G_BEGIN_DECLS

/* The com.tillered.Arctic1.Service skeleton of one service, whose InterfaceMac and
 * ActualInterface* properties are read from the engine (the data plane's service interfaces)
 * when a client gets them: a DHCP lease comes and goes without the service changing. Those
 * properties announce no change (EmitsChangedSignal false in the XML). */

#define ARC_TYPE_DBUS_REALISED_SERVICE (arc_dbus_realised_service_get_type())
G_DECLARE_FINAL_TYPE(ArcDbusRealisedService, arc_dbus_realised_service, ARC, DBUS_REALISED_SERVICE,
		     ArcDbusClusterServiceSkeleton)

ArcDbusClusterService *arc_dbus_realised_service_new(ArcEngine *engine);
void arc_dbus_realised_service_refresh(ArcDbusRealisedService *self);

G_END_DECLS
