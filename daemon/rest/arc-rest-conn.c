/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "config.h"

#include "arc-rest-conn.h"

#include "arc-metrics.h"
#include "arc-rest-conn-input.h"
#include "arc-rest-head.h"

#include <sys/socket.h>

/*
 * One API connection, as the agent hands it to libsoup (soup_server_accept_iostream()). It
 * sees the client's bytes before libsoup does, because libsoup 3.2 reads a request head of up
 * to 64 KiB and then drops the connection without an answer ("Header too big"), interns every
 * method it is sent, leaks the path of a head whose body length it cannot read, and keeps
 * reading whatever body a Content-Length announces even after an early answer. Here every head
 * is checked first (arc-rest-head.c) and one refused gets its 414, 431, 501, 400 or 411 at
 * once, and a request the server refuses from its early handler gets its answer written at
 * once; either way no further byte of it is read.
 */

/* what the client may still send after a refusal is read and dropped for this long, so that
 * closing with unread data (which makes the kernel send a reset) does not destroy the answer
 * before the client has read it */
#define ARC_REST_CONN_LINGER_MSEC 2000
#define ARC_REST_CONN_LINGER_BYTES (256 * 1024)

struct _ArcRestConn {
	GIOStream parent_instance;
	GIOStream *base;
	GSocket *socket;
	GInputStream *input;
	GInetAddress *remote;
	const ArcRestConnLimits *limits;
	ArcRestConnState state;
	gint64 since; /* monotonic, when the state began */
	ArcRestHeadScan head;
	gboolean refused; /* answered by the agent itself: nothing more is read */
	gboolean aborted; /* dropped by the server: nothing more is read */
	gboolean peer;
	GFunc closed_func;
	gpointer closed_data;
};

G_DEFINE_FINAL_TYPE(ArcRestConn, arc_rest_conn, G_TYPE_IO_STREAM)

static gboolean
arc_rest_conn_before_read(gpointer data, GError **error)
{
	ArcRestConn *self = data;

	if (self->refused || self->aborted) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
				    "connection closed by the agent");
		return FALSE;
	}
	return TRUE;
}

static void
arc_rest_conn_count_refusal(guint status)
{
	gchar labels[64];

	/* no method or route yet: the head was never parsed */
	g_snprintf(labels, sizeof(labels), "method=\"other\",route=\"none\",status=\"%u\"", status);
	arc_metrics_count("arctic_api_requests_total", labels);
}

/* the answer to a head the scan refused, and its status */
static GBytes *
arc_rest_conn_answer_for(const ArcRestConnLimits *limits, ArcRestHeadVerdict verdict, guint *status)
{
	switch (verdict) {
	case ARC_REST_HEAD_METHOD_UNKNOWN:
		*status = 501;
		return limits->method_unknown;
	case ARC_REST_HEAD_LINE_TOO_LONG:
		*status = 414;
		return limits->line_too_long;
	case ARC_REST_HEAD_BAD_LENGTH:
		*status = 400;
		return limits->bad_length;
	case ARC_REST_HEAD_TRANSFER_ENCODING:
		*status = 411;
		return limits->length_required;
	case ARC_REST_HEAD_TOO_LARGE:
	case ARC_REST_HEAD_OK:
	default:
		*status = 431;
		return limits->head_too_large;
	}
}

/* follows the requests' framing; FALSE (and the answer sent) when a head is refused */
static gboolean
arc_rest_conn_check_head(ArcRestConn *self, const guint8 *buf, gsize n)
{
	const ArcRestConnLimits *limits = self->limits;
	ArcRestHeadVerdict verdict =
		arc_rest_head_scan_feed(&self->head, limits->max_line, limits->max_head, buf, n);
	GBytes *answer;
	guint status = 0;

	if (verdict == ARC_REST_HEAD_OK)
		return TRUE;
	answer = arc_rest_conn_answer_for(limits, verdict, &status);
	g_debug("request head refused before it was parsed: %u", status);
	arc_rest_conn_count_refusal(status);
	arc_rest_conn_refuse(self, answer);
	return FALSE;
}

static gboolean
arc_rest_conn_after_read(gpointer data, const guint8 *buf, gsize n, GError **error)
{
	ArcRestConn *self = data;

	/* the first bytes of the next request on a kept-alive connection */
	if (self->state == ARC_REST_CONN_IDLE)
		arc_rest_conn_set_state(self, ARC_REST_CONN_HEAD);
	if (arc_rest_conn_check_head(self, buf, n))
		return TRUE;
	g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
			    "request head refused");
	return FALSE;
}

static const ArcRestReadHooks arc_rest_conn_hooks = {
	.before_read = arc_rest_conn_before_read,
	.after_read = arc_rest_conn_after_read,
};

static GInputStream *
arc_rest_conn_get_input_stream(GIOStream *stream)
{
	return ARC_REST_CONN(stream)->input;
}

static GOutputStream *
arc_rest_conn_get_output_stream(GIOStream *stream)
{
	return g_io_stream_get_output_stream(ARC_REST_CONN(stream)->base);
}

typedef struct {
	GIOStream *base;
	GSocket *socket;
	gsize drained;
} ArcRestConnLinger;

static void
arc_rest_conn_linger_free(ArcRestConnLinger *linger)
{
	g_io_stream_close(linger->base, NULL, NULL);
	g_object_unref(linger->base);
	g_object_unref(linger->socket);
	g_free(linger);
}

static gboolean
arc_rest_conn_linger_cb(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	ArcRestConnLinger *linger = user_data;
	gchar buf[4096];
	gssize n = g_socket_receive_with_blocking(socket, buf, sizeof(buf), FALSE, NULL, NULL);

	if (n < 0 && !(condition & (G_IO_HUP | G_IO_ERR)))
		return G_SOURCE_CONTINUE;
	linger->drained += n > 0 ? (gsize)n : 0;
	if (n > 0 && linger->drained < ARC_REST_CONN_LINGER_BYTES)
		return G_SOURCE_CONTINUE;
	return G_SOURCE_REMOVE;
}

static gboolean
arc_rest_conn_linger_timeout_cb(gpointer user_data)
{
	g_source_destroy(user_data);
	return G_SOURCE_REMOVE;
}

/* the answer was written and the sending side shut: what the client still sends is dropped
 * for a while, then the connection is closed */
static void
arc_rest_conn_linger(ArcRestConn *self)
{
	ArcRestConnLinger *linger = g_new0(ArcRestConnLinger, 1);
	g_autoptr(GSource) source = g_socket_create_source(self->socket, G_IO_IN, NULL);
	g_autoptr(GSource) timeout = g_timeout_source_new(ARC_REST_CONN_LINGER_MSEC);

	linger->base = g_object_ref(self->base);
	linger->socket = g_object_ref(self->socket);
	/* the timeout ends the socket source, which frees the linger */
	g_source_set_callback(timeout, arc_rest_conn_linger_timeout_cb, g_source_ref(source),
			      (GDestroyNotify)g_source_unref);
	g_source_attach(timeout, NULL);
	g_source_set_callback(source, G_SOURCE_FUNC(arc_rest_conn_linger_cb), linger,
			      (GDestroyNotify)arc_rest_conn_linger_free);
	g_source_attach(source, NULL);
}

static gboolean
arc_rest_conn_close(GIOStream *stream, GCancellable *cancellable, GError **error)
{
	ArcRestConn *self = ARC_REST_CONN(stream);
	gboolean ok = TRUE;

	if (self->refused && !g_socket_is_closed(self->socket))
		arc_rest_conn_linger(self);
	else
		ok = g_io_stream_close(self->base, cancellable, error);
	if (self->closed_func != NULL)
		self->closed_func(self, self->closed_data);
	return ok;
}

static void
arc_rest_conn_finalize(GObject *object)
{
	ArcRestConn *self = ARC_REST_CONN(object);
	g_object_unref(self->input);
	g_object_unref(self->base);
	g_object_unref(self->socket);
	g_object_unref(self->remote);
	G_OBJECT_CLASS(arc_rest_conn_parent_class)->finalize(object);
}

static void
arc_rest_conn_class_init(ArcRestConnClass *klass)
{
	GIOStreamClass *stream_class = G_IO_STREAM_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = arc_rest_conn_finalize;
	stream_class->get_input_stream = arc_rest_conn_get_input_stream;
	stream_class->get_output_stream = arc_rest_conn_get_output_stream;
	stream_class->close_fn = arc_rest_conn_close;
}

static void
arc_rest_conn_init(ArcRestConn *self)
{
	self->state = ARC_REST_CONN_HEAD;
	self->since = g_get_monotonic_time();
	arc_rest_head_scan_reset(&self->head);
}

/**
 * arc_rest_conn_new:
 * @base: the client's stream (the accepted connection, or TLS over it)
 * @socket: the accepted socket under @base
 * @remote: the client's address
 * @limits: (transfer none): the head limits and their answers; must outlive the connection
 *
 * Returns: (transfer full): the connection to hand to libsoup
 */
ArcRestConn *
arc_rest_conn_new(GIOStream *base, GSocket *socket, GInetAddress *remote,
		  const ArcRestConnLimits *limits)
{
	ArcRestConn *self = g_object_new(ARC_TYPE_REST_CONN, NULL);

	self->base = g_object_ref(base);
	self->socket = g_object_ref(socket);
	self->remote = g_object_ref(remote);
	self->limits = limits;
	self->input = arc_rest_conn_input_new(g_io_stream_get_input_stream(base),
					      &arc_rest_conn_hooks, self);
	return self;
}

GSocket *
arc_rest_conn_get_socket(ArcRestConn *self)
{
	return self->socket;
}

GInetAddress *
arc_rest_conn_get_remote(ArcRestConn *self)
{
	return self->remote;
}

ArcRestConnState
arc_rest_conn_get_state(ArcRestConn *self)
{
	return self->state;
}

/* monotonic µs: when the current state began */
gint64
arc_rest_conn_get_since(ArcRestConn *self)
{
	return self->since;
}

/**
 * arc_rest_conn_set_state:
 * @self: the connection
 * @state: where the request now is
 *
 * The timeouts apply per state (the head scan follows the bytes, not these states).
 */
void
arc_rest_conn_set_state(ArcRestConn *self, ArcRestConnState state)
{
	if (state == self->state)
		return;
	self->state = state;
	self->since = g_get_monotonic_time();
}

/* whether the client's address is that of an active peer, which has connections reserved */
gboolean
arc_rest_conn_get_peer(ArcRestConn *self)
{
	return self->peer;
}

void
arc_rest_conn_set_peer(ArcRestConn *self, gboolean peer)
{
	self->peer = peer;
}

/**
 * arc_rest_conn_refuse:
 * @self: the connection
 * @answer: a whole HTTP response, which closes the connection
 *
 * Answers now, whatever libsoup is doing: nothing more of the request is read, and the
 * connection lingers for a moment once libsoup closes it.
 */
void
arc_rest_conn_refuse(ArcRestConn *self, GBytes *answer)
{
	GOutputStream *out = g_io_stream_get_output_stream(self->base);
	gsize len = 0;
	const gchar *data = g_bytes_get_data(answer, &len);

	if (self->refused || self->aborted)
		return;
	self->refused = TRUE;
	/* A few hundred bytes, written without blocking: a client that pipelined requests and
	 * reads no answers has a full send buffer, and must not stall the main loop; it loses
	 * the answer instead. */
	if (G_IS_POLLABLE_OUTPUT_STREAM(out) &&
	    g_pollable_output_stream_can_poll(G_POLLABLE_OUTPUT_STREAM(out))) {
		if (g_pollable_output_stream_write_nonblocking(G_POLLABLE_OUTPUT_STREAM(out), data,
							       len, NULL, NULL) != (gssize)len)
			g_debug("a refused client did not take its answer");
	} else {
		g_socket_set_timeout(self->socket, 1);
		if (!g_output_stream_write_all(out, data, len, NULL, NULL, NULL) ||
		    !g_output_stream_flush(out, NULL, NULL))
			g_debug("a refused client did not take its answer");
	}
	g_socket_shutdown(self->socket, FALSE, TRUE, NULL);
}

/**
 * arc_rest_conn_abort:
 * @self: the connection
 *
 * Drops a connection libsoup is reading a request from: libsoup sees the end of the stream
 * and closes it.
 */
void
arc_rest_conn_abort(ArcRestConn *self)
{
	self->aborted = TRUE;
	g_socket_shutdown(self->socket, TRUE, TRUE, NULL);
}

/**
 * arc_rest_conn_set_closed_func:
 * @self: the connection
 * @func: (nullable): called with @self and @data when the connection is closed
 * @data: for @func
 */
void
arc_rest_conn_set_closed_func(ArcRestConn *self, GFunc func, gpointer data)
{
	self->closed_func = func;
	self->closed_data = data;
}
