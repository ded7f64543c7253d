/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cluster-view.h"
#include "arc-dataplane-config.h"
#include "arc-pegasus-preamble.h"

G_BEGIN_DECLS

/* tproxymgr: route-matched TCP captured with TPROXY (its chains of `table inet arctic`,
 * rendered here and written by fwmgr) and relayed by the agent's proxy (docs/dataplane.md,
 * "TCP: the transparent proxy"). */

gboolean arc_tproxymgr_service_carries(const ArcClusterView *view, const gchar *service_id,
				       gchar **why);
void arc_tproxymgr_render_chains(GString *out, const ArcClusterView *view,
				 const ArcDataplaneConfig *config);
void arc_tproxymgr_render_socket_rule(GString *out, const ArcClusterView *view,
				      const ArcDataplaneConfig *config);

G_END_DECLS

G_BEGIN_DECLS

/**
 * ArcTproxymgrSettings:
 * @port: the listener's port (IPv4 and IPv6, IP_TRANSPARENT)
 * @own_mark: SO_MARK of the proxy's outbound connections: the agent's base mark, which the
 *   output chain never captures
 * @n_threads: relay threads (epoll, splice); the first also accepts
 * @max_connections: connections relayed at once; more are reset, with a log line
 * @idle_timeout: seconds without a byte either way before a connection is reset
 * @connect_timeout: seconds an outbound connection may take
 */
typedef struct {
	guint16 port;
	guint32 own_mark;
	guint n_threads;
	guint max_connections;
	guint idle_timeout;
	guint connect_timeout;
} ArcTproxymgrSettings;

/**
 * ArcTproxymgrConnectFunc:
 * @client_fd: (transfer full): the captured connection
 * @preamble: what the stream must start with
 * @target_peer_id: the service's target
 * @user_data: as given
 *
 * Opens a stream to another peer, on the main thread (transports are called there): the
 * callee writes the preamble and hands the pair to arc_tproxymgr_adopt_entry(), or closes
 * @client_fd with a reset.
 */
typedef void (*ArcTproxymgrConnectFunc)(gint client_fd, const ArcPegasusPreamble *preamble,
					const gchar *target_peer_id, gpointer user_data);

typedef struct _ArcTproxymgr ArcTproxymgr;

void arc_tproxymgr_settings_init(ArcTproxymgrSettings *settings);
ArcTproxymgr *arc_tproxymgr_new(const ArcTproxymgrSettings *settings, GError **error);
void arc_tproxymgr_free(ArcTproxymgr *self);
void arc_tproxymgr_set_view(ArcTproxymgr *self, ArcClusterView *view);
void arc_tproxymgr_set_connect_func(ArcTproxymgr *self, ArcTproxymgrConnectFunc func,
				    gpointer user_data);
void arc_tproxymgr_adopt_entry(ArcTproxymgr *self, gint client_fd, gint stream_fd);
void arc_tproxymgr_adopt_exit(ArcTproxymgr *self, gint stream_fd, const gchar *from_peer_id);
void arc_tproxymgr_reset_fd(gint fd);
guint arc_tproxymgr_get_n_connections(ArcTproxymgr *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTproxymgr, arc_tproxymgr_free)

G_END_DECLS
