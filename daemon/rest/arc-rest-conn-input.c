/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-rest-conn-input.h"

/* The input side of an API connection as libsoup sees it: the client's bytes, passed through
 * hooks that see them first. Pollable, because libsoup reads without blocking. */

struct _ArcRestConnInput {
	GInputStream parent_instance;
	GInputStream *base; /* pollable */
	const ArcRestReadHooks *hooks;
	gpointer data;
};

static void arc_rest_conn_input_pollable_iface_init(GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcRestConnInput, arc_rest_conn_input, G_TYPE_INPUT_STREAM,
			      G_IMPLEMENT_INTERFACE(G_TYPE_POLLABLE_INPUT_STREAM,
						    arc_rest_conn_input_pollable_iface_init))

static gssize
arc_rest_conn_input_filter(ArcRestConnInput *self, gssize n, const void *buffer, GError **error)
{
	if (n > 0 && !self->hooks->after_read(self->data, buffer, (gsize)n, error))
		return -1;
	return n;
}

static gssize
arc_rest_conn_input_read(GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
			 GError **error)
{
	ArcRestConnInput *self = ARC_REST_CONN_INPUT(stream);
	gssize n;

	if (!self->hooks->before_read(self->data, error))
		return -1;
	n = g_input_stream_read(self->base, buffer, count, cancellable, error);
	return arc_rest_conn_input_filter(self, n, buffer, error);
}

static gssize
arc_rest_conn_input_read_nonblocking(GPollableInputStream *stream, void *buffer, gsize count,
				     GError **error)
{
	ArcRestConnInput *self = ARC_REST_CONN_INPUT(stream);
	gssize n;

	if (!self->hooks->before_read(self->data, error))
		return -1;
	n = g_pollable_input_stream_read_nonblocking(G_POLLABLE_INPUT_STREAM(self->base), buffer,
						     count, NULL, error);
	return arc_rest_conn_input_filter(self, n, buffer, error);
}

static gboolean
arc_rest_conn_input_is_readable(GPollableInputStream *stream)
{
	ArcRestConnInput *self = ARC_REST_CONN_INPUT(stream);
	return g_pollable_input_stream_is_readable(G_POLLABLE_INPUT_STREAM(self->base));
}

static GSource *
arc_rest_conn_input_create_source(GPollableInputStream *stream, GCancellable *cancellable)
{
	ArcRestConnInput *self = ARC_REST_CONN_INPUT(stream);
	g_autoptr(GSource) base_source =
		g_pollable_input_stream_create_source(G_POLLABLE_INPUT_STREAM(self->base), NULL);
	return g_pollable_source_new_full(stream, base_source, cancellable);
}

static gboolean
arc_rest_conn_input_can_poll(GPollableInputStream *stream)
{
	return TRUE;
}

/* the connection closes the client's stream itself (arc-rest-conn.c) */
static gboolean
arc_rest_conn_input_close(GInputStream *stream, GCancellable *cancellable, GError **error)
{
	return TRUE;
}

static void
arc_rest_conn_input_finalize(GObject *object)
{
	ArcRestConnInput *self = ARC_REST_CONN_INPUT(object);
	g_object_unref(self->base);
	G_OBJECT_CLASS(arc_rest_conn_input_parent_class)->finalize(object);
}

static void
arc_rest_conn_input_pollable_iface_init(GPollableInputStreamInterface *iface)
{
	iface->can_poll = arc_rest_conn_input_can_poll;
	iface->is_readable = arc_rest_conn_input_is_readable;
	iface->create_source = arc_rest_conn_input_create_source;
	iface->read_nonblocking = arc_rest_conn_input_read_nonblocking;
}

static void
arc_rest_conn_input_class_init(ArcRestConnInputClass *klass)
{
	GInputStreamClass *input_class = G_INPUT_STREAM_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = arc_rest_conn_input_finalize;
	input_class->read_fn = arc_rest_conn_input_read;
	input_class->close_fn = arc_rest_conn_input_close;
}

static void
arc_rest_conn_input_init(ArcRestConnInput *self)
{
}

/**
 * arc_rest_conn_input_new:
 * @base: the client's stream; must be pollable
 * @hooks: (transfer none): checks on every read; must outlive the stream
 * @data: what the hooks get; must outlive the stream
 *
 * Returns: (transfer full): a pollable stream reading @base through @hooks
 */
GInputStream *
arc_rest_conn_input_new(GInputStream *base, const ArcRestReadHooks *hooks, gpointer data)
{
	ArcRestConnInput *self = g_object_new(ARC_TYPE_REST_CONN_INPUT, NULL);

	g_return_val_if_fail(G_IS_POLLABLE_INPUT_STREAM(base), NULL);
	self->base = g_object_ref(base);
	self->hooks = hooks;
	self->data = data;
	return G_INPUT_STREAM(self);
}
