/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pegasus-handshake.h"

/* The tcp transport's I/O thread: one epoll loop that accepts and dials TCP connections,
 * runs their Pegasus handshakes and sessions, and relays each stream between the session and
 * the plugin's end of the stream's socketpair. No GLib main loop runs on it; the plugin talks
 * to it through a command queue and an eventfd, and it hands streams back through GTask (the
 * connect callback, on the caller's context) and the incoming function. */

typedef struct _ArcTcpIo ArcTcpIo;
typedef struct _ArcTcpHandoffQueue ArcTcpHandoffQueue;

/* a peer the listener accepts: its id and Ed25519 key, by its X25519 key */
typedef struct {
	gchar *peer_id;
	GBytes *public_key;
} ArcTcpAllowed;

void arc_tcp_allowed_free(gpointer data);

/* a stream a peer opened: agent_fd is the agent's end of its socketpair (the callee owns it).
 * Called on the main context of the thread that made the ArcTcpIo, never after
 * arc_tcp_io_free(). */
typedef void (*ArcTcpIncomingFunc)(int agent_fd, const gchar *peer_id, GBytes *public_key,
				   GSocketAddress *remote, gpointer user_data);

/* starts the thread on a bound, listening, non-blocking socket (taken, as is identity);
 * connects are answered and incoming streams delivered on the caller's thread-default main
 * context */
ArcTcpIo *arc_tcp_io_new(int listen_fd, PegasusIdentity *identity, ArcTcpIncomingFunc incoming,
			 gpointer user_data, GError **error);

/* stops and joins the thread: every connection and stream closes, pending connects fail
 * (answered before it returns); call it from the thread that made self */
void arc_tcp_io_free(ArcTcpIo *self);

/* replaces the accepted peers (X25519 key as a 32-byte GBytes -> ArcTcpAllowed; taken);
 * sessions a peer no longer named opened to us are closed */
void arc_tcp_io_set_peers(ArcTcpIo *self, GHashTable *allowed);

/* a stream to the peer with remote_key at address: task returns the GSocketConnection of
 * connection (the agent's end) once the stream is registered; plugin_fd is the other end
 * (both taken) */
void arc_tcp_io_connect(ArcTcpIo *self, const guint8 remote_key[PEGASUS_KEY_LEN],
			const gchar *peer_id, GBytes *public_key, GSocketAddress *address,
			int plugin_fd, GSocketConnection *connection, GTask *task);

/* the tuning every inter-peer TCP socket gets (docs/protocol.md) */
void arc_tcp_io_tune_socket(int fd);
