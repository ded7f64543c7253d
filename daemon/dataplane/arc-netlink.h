/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <netlink/netlink.h>

G_BEGIN_DECLS

/* what netmgr and its service interfaces share of libnl: a connected rtnetlink socket, and
 * libnl's errors as GErrors */
struct nl_sock *arc_netlink_open(GError **error);
gboolean arc_netlink_fail(GError **error, const gchar *what, gint err);

G_END_DECLS
