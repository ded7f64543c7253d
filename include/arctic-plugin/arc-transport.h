/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ARC_TYPE_TRANSPORT (arc_transport_get_type())
G_DECLARE_INTERFACE(ArcTransport, arc_transport, ARC, TRANSPORT, GObject)

/**
 * ArcTransportInterface:
 * @get_protocol: the `transport_type` this plugin carries ("tcp", "kcp", ...)
 * @listen: accept streams from other peers on @address; each is announced with the
 *   #ArcTransport::incoming signal
 * @stop: stop listening and close every stream
 * @connect_async: open a stream to the peer listening at @address
 * @connect_finish: the stream, or %NULL with an error
 *
 * A transport carries proxied TCP streams between two peers (the inter-peer leg of a
 * service). Encryption and framing are the plugin's business.
 */
struct _ArcTransportInterface {
	GTypeInterface parent_iface;
	const gchar *(*get_protocol)(ArcTransport *self);
	gboolean (*listen)(ArcTransport *self, GSocketAddress *address, GError **error);
	void (*stop)(ArcTransport *self);
	void (*connect_async)(ArcTransport *self, GSocketAddress *address,
			      GCancellable *cancellable, GAsyncReadyCallback callback,
			      gpointer user_data);
	GIOStream *(*connect_finish)(ArcTransport *self, GAsyncResult *result, GError **error);
};

const gchar *arc_transport_get_protocol(ArcTransport *self);
gboolean arc_transport_listen(ArcTransport *self, GSocketAddress *address, GError **error);
void arc_transport_stop(ArcTransport *self);
void arc_transport_connect_async(ArcTransport *self, GSocketAddress *address,
				 GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data);
GIOStream *arc_transport_connect_finish(ArcTransport *self, GAsyncResult *result, GError **error);

G_END_DECLS
