/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ArcTransportSettings:
 * @struct_size: `sizeof(ArcTransportSettings)` as the caller was compiled; set by
 *   arc_transport_settings_init()
 * @address: where to accept streams from other peers
 * @peer_id: this peer's id (`peer_…`)
 * @private_key: this peer's identity key, Ed25519, 64 bytes (libsodium's secret key form).
 *   The agent keeps it in secure memory; the plugin copies it into its own (sodium_malloc)
 *   and never logs it.
 *
 * What arc_transport_listen() needs. Every field is borrowed for the duration of the call.
 * New fields are only ever appended (a minor bump): read them with ARC_STRUCT_HAS_FIELD().
 */
typedef struct {
	gsize struct_size;
	GSocketAddress *address;
	const gchar *peer_id;
	GBytes *private_key;
} ArcTransportSettings;

/**
 * ArcTransportPeer:
 * @struct_size: `sizeof(ArcTransportPeer)` as the caller was compiled; set by
 *   arc_transport_peer_init()
 * @peer_id: the remote peer's id (`peer_…`)
 * @public_key: the remote peer's identity key, Ed25519, 32 bytes: the stream is only
 *   established if the remote end proves it holds the matching private key
 * @address: where the remote peer's transport listens
 *
 * The peer arc_transport_connect_async() opens a stream to. Every field is borrowed for the
 * duration of the call (the plugin keeps references to what it needs later); new fields are
 * only ever appended, as for #ArcTransportSettings.
 */
typedef struct {
	gsize struct_size;
	const gchar *peer_id;
	GBytes *public_key;
	GSocketAddress *address;
} ArcTransportPeer;

#define ARC_TYPE_TRANSPORT (arc_transport_get_type())
G_DECLARE_INTERFACE(ArcTransport, arc_transport, ARC, TRANSPORT, GObject)

/**
 * ArcTransportInterface:
 * @get_protocol: the `transport_type` this plugin carries ("tcp", "kcp", ...)
 * @listen: accept streams from other peers as described by @settings; each authenticated
 *   stream is announced with the #ArcTransport::incoming signal
 * @stop: stop listening and close every stream
 * @connect_async: open a stream to @peer, authenticated with both peers' identity keys
 * @connect_finish: the stream, or %NULL with an error
 * @set_peers: (since ABI 2.2) the peers whose streams the listener accepts, replacing the
 *   previous set; each #ArcTransportPeer gives `peer_id` and `public_key` (`address` is
 *   ignored). Until it is called the listener accepts nobody. Sessions that a peer no longer
 *   named had opened to this listener are closed, their streams with them; sessions this
 *   side dialled are not affected (the agent dials whom it chooses).
 *
 * A transport carries proxied TCP streams between two peers (the inter-peer leg of a
 * service). Encryption, authentication and framing are the plugin's business.
 *
 * Streams (the contract every transport keeps). The #GIOStream handed over by
 * connect_finish() and #ArcTransport::incoming is a #GSocketConnection whose socket is one end
 * of an `AF_UNIX`/`SOCK_STREAM` socketpair, non-blocking and close-on-exec; the plugin's own
 * threads relay the other end into a multiplexed, encrypted session with the remote peer.
 * The agent owns its end: it may read, write or splice() the fd from its relay threads;
 * `shutdown(fd, SHUT_WR)` half-closes (the remote stream's reader sees EOF after every byte
 * written before); close() ends the stream (the remote reader sees EOF after the data already
 * queued, and what the remote still sends is discarded and the remote stream reset). A stream
 * the remote side resets, or whose session breaks, shows up as plain EOF on read (and EPIPE
 * on write); data not yet delivered to the agent's end is then lost.
 *
 * Sessions are long-lived and shared by every stream between two peers. Opening a stream on
 * an existing session costs no round trip: connect_async() completes as soon as the stream is
 * registered locally, and the stream's opening travels with its first bytes. Without a
 * session, connect_async() makes one (a handshake proving both peers' identity keys) and then
 * completes; a broken session is rebuilt on the next connect, and its streams end.
 *
 * Threads: the agent calls every vfunc from its main thread, one at a time, and none may
 * block it. The plugin's network I/O may run on its own threads, but what it hands back to
 * the agent arrives on the agent's main context (the thread-default main context of the
 * thread that called listen() or connect_async()): the connect callback, as for any GIO
 * async call, and every emission of #ArcTransport::incoming. A stream handed over belongs to
 * the agent, which may then read and write it from its proxy threads, one thread at a time.
 */
struct _ArcTransportInterface {
	GTypeInterface parent_iface;
	const gchar *(*get_protocol)(ArcTransport *self);
	gboolean (*listen)(ArcTransport *self, const ArcTransportSettings *settings,
			   GError **error);
	void (*stop)(ArcTransport *self);
	void (*connect_async)(ArcTransport *self, const ArcTransportPeer *peer,
			      GCancellable *cancellable, GAsyncReadyCallback callback,
			      gpointer user_data);
	GIOStream *(*connect_finish)(ArcTransport *self, GAsyncResult *result, GError **error);
	gboolean (*set_peers)(ArcTransport *self, const ArcTransportPeer *const *peers,
			      guint n_peers, GError **error);
};

void arc_transport_settings_init(ArcTransportSettings *settings);
void arc_transport_peer_init(ArcTransportPeer *peer);
const gchar *arc_transport_get_protocol(ArcTransport *self);
gboolean arc_transport_listen(ArcTransport *self, const ArcTransportSettings *settings,
			      GError **error);
void arc_transport_stop(ArcTransport *self);
void arc_transport_connect_async(ArcTransport *self, const ArcTransportPeer *peer,
				 GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data);
GIOStream *arc_transport_connect_finish(ArcTransport *self, GAsyncResult *result, GError **error);
gboolean arc_transport_set_peers(ArcTransport *self, const ArcTransportPeer *const *peers,
				 guint n_peers, GError **error);

G_END_DECLS
