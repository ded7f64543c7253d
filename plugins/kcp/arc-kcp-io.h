/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pegasus-handshake.h"

/* The kcp transport's I/O thread: one epoll loop over the listening UDP socket (conversations
 * peers opened, told apart by their address) and one connected UDP socket per conversation
 * this side opened; each conversation is an ArcKcp stream under FEC carrying a Pegasus
 * handshake and session, whose streams it relays to the plugin's end of each stream's
 * socketpair, as the tcp transport does over TCP. No GLib main loop runs on it; the plugin talks
 * to it through a command queue and an eventfd, and it hands streams back through GTask (the
 * connect callback, on the caller's context) and the incoming function. */

typedef struct _ArcKcpIo ArcKcpIo;

/* a peer the listener accepts: its id and Ed25519 key, by its X25519 key */
typedef struct {
	gchar *peer_id;
	GBytes *public_key;
} ArcKcpAllowed;

void arc_kcp_allowed_free(gpointer data);

/* a stream a peer opened: agent_fd is the agent's end of its socketpair (the callee owns it).
 * Called on the I/O thread. */
typedef void (*ArcKcpIncomingFunc)(int agent_fd, const gchar *peer_id, GBytes *public_key,
				   GSocketAddress *remote, gpointer user_data);

/* starts the thread on a bound, non-blocking UDP socket (taken, as is identity) */
ArcKcpIo *arc_kcp_io_new(int listen_fd, PegasusIdentity *identity, ArcKcpIncomingFunc incoming,
			 gpointer user_data, GError **error);

/* stops and joins the thread: every connection and stream closes, pending connects fail */
void arc_kcp_io_free(ArcKcpIo *self);

/* replaces the accepted peers (X25519 key as a 32-byte GBytes -> ArcKcpAllowed; taken);
 * sessions a peer no longer named opened to us are closed */
void arc_kcp_io_set_peers(ArcKcpIo *self, GHashTable *allowed);

/* a stream to the peer with remote_key at address: task returns the GSocketConnection of
 * connection (the agent's end) once the stream is registered; plugin_fd is the other end
 * (both taken) */
void arc_kcp_io_connect(ArcKcpIo *self, const guint8 remote_key[PEGASUS_KEY_LEN],
			const gchar *peer_id, GBytes *public_key, GSocketAddress *address,
			int plugin_fd, GSocketConnection *connection, GTask *task);
