/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-transport.h"

#include <string.h>

#include "arc-error.h"
#include "arc-plugin.h"

G_DEFINE_INTERFACE(ArcTransport, arc_transport, ARC_TYPE_PLUGIN)

static void
arc_transport_default_init(ArcTransportInterface *iface)
{
	/**
	 * ArcTransport::incoming:
	 * @self: the transport
	 * @stream: the accepted stream, authenticated
	 * @peer_id: the remote peer's id (`peer_…`), as it claimed it
	 * @public_key: the identity key (Ed25519, 32 bytes) the remote end proved it holds
	 * @remote: the remote address
	 *
	 * A peer opened a stream to this transport's listener. Emitted on the main context of
	 * the thread that called arc_transport_listen(). The agent checks @peer_id and
	 * @public_key against the cluster's active members and closes the stream otherwise.
	 */
	g_signal_new("incoming", G_TYPE_FROM_INTERFACE(iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
		     NULL, G_TYPE_NONE, 4, G_TYPE_IO_STREAM, G_TYPE_STRING, G_TYPE_BYTES,
		     G_TYPE_SOCKET_ADDRESS);
}

/**
 * arc_transport_settings_init:
 * @settings: settings to fill
 *
 * Zeroes @settings and sets its `struct_size`: call it before setting any field.
 */
void
arc_transport_settings_init(ArcTransportSettings *settings)
{
	memset(settings, 0, sizeof(*settings));
	settings->struct_size = sizeof(*settings);
}

/**
 * arc_transport_peer_init:
 * @peer: a peer to fill
 *
 * Zeroes @peer and sets its `struct_size`: call it before setting any field.
 */
void
arc_transport_peer_init(ArcTransportPeer *peer)
{
	memset(peer, 0, sizeof(*peer));
	peer->struct_size = sizeof(*peer);
}

/* A struct from a caller that did not use the init function would be read past its end. */
static gboolean
arc_transport_check_size(ArcTransport *self, const gchar *vfunc_name, gsize struct_size,
			 gsize needed, GError **error)
{
	if (struct_size >= needed)
		return TRUE;
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
		    "%s: %s: settings of %" G_GSIZE_FORMAT " bytes, at least %" G_GSIZE_FORMAT
		    " expected",
		    arc_plugin_get_name(ARC_PLUGIN(self)), vfunc_name, struct_size, needed);
	return FALSE;
}

const gchar *
arc_transport_get_protocol(ArcTransport *self)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	if (iface->get_protocol == NULL)
		return arc_plugin_get_name(ARC_PLUGIN(self));
	return iface->get_protocol(self);
}

gboolean
arc_transport_listen(ArcTransport *self, const ArcTransportSettings *settings, GError **error)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->listen == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "listen", error);
	if (!arc_transport_check_size(
		    self, "listen", settings->struct_size,
		    G_STRUCT_OFFSET(ArcTransportSettings, private_key) + sizeof(GBytes *), error))
		return FALSE;
	ok = iface->listen(self, settings, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "listen", ok, error_local, error);
}

void
arc_transport_stop(ArcTransport *self)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	if (iface->stop != NULL)
		iface->stop(self);
}

void
arc_transport_connect_async(ArcTransport *self, const ArcTransportPeer *peer,
			    GCancellable *cancellable, GAsyncReadyCallback callback,
			    gpointer user_data)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	GError *error = NULL;

	if (iface->connect_async == NULL || iface->connect_finish == NULL)
		arc_plugin_not_supported(ARC_PLUGIN(self), "connect", &error);
	else
		arc_transport_check_size(self, "connect", peer->struct_size,
					 G_STRUCT_OFFSET(ArcTransportPeer, address) +
						 sizeof(GSocketAddress *),
					 &error);
	if (error != NULL) {
		g_task_report_error(self, callback, user_data, arc_transport_connect_async, error);
		return;
	}
	iface->connect_async(self, peer, cancellable, callback, user_data);
}

GIOStream *
arc_transport_connect_finish(ArcTransport *self, GAsyncResult *result, GError **error)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	GError *error_local = NULL;
	GIOStream *stream;

	if (g_async_result_is_tagged(result, arc_transport_connect_async))
		return g_task_propagate_pointer(G_TASK(result), error);
	stream = iface->connect_finish(self, result, &error_local);
	if (!arc_plugin_check_result(ARC_PLUGIN(self), "connect", stream != NULL, error_local,
				     error)) {
		g_clear_object(&stream);
		return NULL;
	}
	return stream;
}

/**
 * arc_transport_set_peers:
 * @self: a transport
 * @peers: (array length=n_peers): the peers the listener accepts, by `peer_id` and
 *   `public_key`
 * @n_peers: how many
 * @error: the plugin's reason
 *
 * Replaces the set of peers whose streams the listener accepts (since ABI 2.2). A plugin
 * built before it has no such vfunc: %ARC_ERROR_NOT_SUPPORTED.
 *
 * Returns: whether the plugin took the set
 */
gboolean
arc_transport_set_peers(ArcTransport *self, const ArcTransportPeer *const *peers, guint n_peers,
			GError **error)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->set_peers == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "set_peers", error);
	for (guint i = 0; i < n_peers; i++) {
		if (!arc_transport_check_size(self, "set_peers", peers[i]->struct_size,
					      G_STRUCT_OFFSET(ArcTransportPeer, public_key) +
						      sizeof(GBytes *),
					      error))
			return FALSE;
	}
	ok = iface->set_peers(self, peers, n_peers, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "set_peers", ok, error_local, error);
}
