/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-transport.h"

#include "arc-error.h"
#include "arc-plugin.h"

G_DEFINE_INTERFACE(ArcTransport, arc_transport, ARC_TYPE_PLUGIN)

static void
arc_transport_default_init(ArcTransportInterface *iface)
{
	/**
	 * ArcTransport::incoming:
	 * @self: the transport
	 * @stream: the accepted stream
	 * @remote: the remote address
	 *
	 * A peer opened a stream to this transport's listener.
	 */
	g_signal_new("incoming", G_TYPE_FROM_INTERFACE(iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
		     NULL, G_TYPE_NONE, 2, G_TYPE_IO_STREAM, G_TYPE_SOCKET_ADDRESS);
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
arc_transport_listen(ArcTransport *self, GSocketAddress *address, GError **error)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->listen == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "listen", error);
	ok = iface->listen(self, address, &error_local);
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
arc_transport_connect_async(ArcTransport *self, GSocketAddress *address, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(self);
	if (iface->connect_async == NULL || iface->connect_finish == NULL) {
		g_task_report_new_error(self, callback, user_data, arc_transport_connect_async,
					ARC_ERROR, ARC_ERROR_NOT_SUPPORTED,
					"%s: connect is not implemented",
					arc_plugin_get_name(ARC_PLUGIN(self)));
		return;
	}
	iface->connect_async(self, address, cancellable, callback, user_data);
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
