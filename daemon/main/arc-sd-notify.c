/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-sd-notify.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

/**
 * arc_sd_notify:
 * @state: e.g. "READY=1" or "STOPPING=1"
 * @error: return location for a #GError
 *
 * The systemd notification protocol: one datagram to $NOTIFY_SOCKET (a path, or an abstract
 * socket when it starts with '@'). Without the variable there is nobody to tell.
 *
 * Returns: %TRUE if sent or not needed
 */
gboolean
arc_sd_notify(const gchar *state, GError **error)
{
	const gchar *path = g_getenv("NOTIFY_SOCKET");
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GSocketAddress) address = NULL;

	if (path == NULL || path[0] == '\0')
		return TRUE;
	if (path[0] == '@')
		address = g_unix_socket_address_new_with_type(path + 1, -1,
							      G_UNIX_SOCKET_ADDRESS_ABSTRACT);
	else
		address = g_unix_socket_address_new(path);
	socket = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
			      G_SOCKET_PROTOCOL_DEFAULT, error);
	if (socket == NULL)
		return FALSE;
	return g_socket_send_to(socket, address, state, strlen(state), NULL, error) >= 0;
}
