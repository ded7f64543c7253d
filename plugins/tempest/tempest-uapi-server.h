/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-uapi.h"

G_BEGIN_DECLS

/*
 * The wg configuration socket of one interface, /var/run/wireguard/IFNAME.sock, served on a
 * thread of its own (poll, no main loop). The `wg` tool and anything else speaking the
 * cross-platform protocol connect there.
 *
 * Threads: start and stop from one thread (the device's); the callbacks run on the server's
 * thread, one at a time, never concurrently with each other; they must not call stop.
 */

#define TEMPEST_UAPI_SERVER_DIR "/var/run/wireguard"
#define TEMPEST_UAPI_SERVER_MAX_CLIENTS 8
#define TEMPEST_UAPI_SERVER_TIMEOUT_MS 5000

/* fills @snapshot with the interface's state */
typedef void (*TempestUapiGetFunc)(TempestUapiSnapshot *snapshot, gpointer user_data);
/* applies @change whole or not at all; *errno_out: 0 or a positive errno */
typedef void (*TempestUapiSetFunc)(const TempestUapiChange *change, gint *errno_out,
				   gpointer user_data);

typedef struct {
	TempestUapiGetFunc get;
	TempestUapiSetFunc set;
	gpointer user_data;
	/* answer get, refuse every set with EPERM (the agent's own tunnel) */
	gboolean read_only;
	/* 0: the defaults above and TEMPEST_UAPI_MAX_REQUEST */
	guint max_clients;
	guint timeout_ms;
	gsize max_request;
} TempestUapiServerConfig;

typedef struct _TempestUapiServer TempestUapiServer;

gboolean tempest_uapi_server_check_ifname(const gchar *ifname);
TempestUapiServer *tempest_uapi_server_start(const gchar *socket_dir, const gchar *ifname,
					     const TempestUapiServerConfig *config, GError **error);
const gchar *tempest_uapi_server_get_path(const TempestUapiServer *self);
void tempest_uapi_server_stop(TempestUapiServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestUapiServer, tempest_uapi_server_stop)

G_END_DECLS
