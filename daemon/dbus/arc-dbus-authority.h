/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* the polkit action every D-Bus write needs (dbus/com.tillered.arctic.policy) */
#define ARC_DBUS_AUTHORITY_ACTION_MANAGE "com.tillered.arctic.manage"

/* what a write by the caller would meet, as GetPermissions tells it */
typedef enum {
	ARC_DBUS_PERMISSION_NO,
	ARC_DBUS_PERMISSION_AUTH, /* polkit would allow it after authentication */
	ARC_DBUS_PERMISSION_YES,
} ArcDbusPermission;

void arc_dbus_authorize_async(GDBusMethodInvocation *invocation, gboolean session_bus,
			      gboolean may_interact, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data);
gboolean arc_dbus_authorize_finish(GAsyncResult *res, guint32 *uid, ArcDbusPermission *permission,
				   GError **error);
const gchar *arc_dbus_permission_to_string(ArcDbusPermission permission);

G_END_DECLS
