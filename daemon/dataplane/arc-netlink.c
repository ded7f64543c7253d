/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-netlink.h"

#include <arctic-plugin.h>

/**
 * arc_netlink_fail:
 * @error: return location for a #GError
 * @what: what failed
 * @err: libnl's (negative) error code
 *
 * Returns: %FALSE, with @error set to `WHAT: libnl's message`
 */
gboolean
arc_netlink_fail(GError **error, const gchar *what, gint err)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "%s: %s", what, nl_geterror(err));
	return FALSE;
}

/**
 * arc_netlink_open:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a socket connected to NETLINK_ROUTE; free it with
 *   nl_socket_free()
 */
struct nl_sock *
arc_netlink_open(GError **error)
{
	struct nl_sock *sock = nl_socket_alloc();
	gint err;

	if (sock == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL, "no netlink socket");
		return NULL;
	}
	err = nl_connect(sock, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(sock);
		arc_netlink_fail(error, "cannot open rtnetlink", err);
		return NULL;
	}
	return sock;
}
