/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"

G_BEGIN_DECLS

#define ARC_DBUS_SERVICE_NAME "com.tillered.Arctic1"
#define ARC_DBUS_SERVICE_PATH "/com/tillered/Arctic1"
#define ARC_DBUS_SERVICE_AGENT_PATH ARC_DBUS_SERVICE_PATH "/Agent"
#define ARC_DBUS_SERVICE_PEERS_PATH ARC_DBUS_SERVICE_PATH "/peers"

#define ARC_TYPE_DBUS_SERVICE (arc_dbus_service_get_type())
G_DECLARE_FINAL_TYPE(ArcDbusService, arc_dbus_service, ARC, DBUS_SERVICE, GObject)

ArcDbusService *arc_dbus_service_new(ArcEngine *engine, gboolean session_bus);
void arc_dbus_service_start(ArcDbusService *self);
GDBusObjectManagerServer *arc_dbus_service_get_object_manager(ArcDbusService *self);
gchar *arc_dbus_service_object_path(const gchar *base, const gchar *id);
gchar *arc_dbus_service_peer_object(ArcDbusService *self, const gchar *peer_id);
void arc_dbus_service_objects_changed(ArcDbusService *self);
void arc_dbus_service_return_error(GDBusMethodInvocation *invocation, GError **error);

G_END_DECLS
