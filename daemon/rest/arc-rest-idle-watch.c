/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"
/* POLLRDHUP */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "arc-rest-idle-watch.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

/*
 * libsoup 3.2 (Debian 12) never closes a kept-alive connection that the client closes while
 * it is idle (fixed upstream in 3.3.0): every curl or CLI run would leave the agent one file
 * descriptor in CLOSE_WAIT. The agent watches each kept-alive socket between requests, ahead
 * of libsoup's own source; when the client has closed it, the connection is taken back from
 * the server (which forgets it) and closed. One watch per connection, paused while a request
 * is being served (nothing is polled for but errors), so a request costs two hash lookups,
 * no allocation and no wake-up of the main loop.
 */
struct _ArcRestIdleWatch {
	GSource source;
	GHashTable *watches;    /* the server's, which owns the watch */
	SoupServerMessage *msg; /* the connection's first; it keeps the connection */
	GSocket *socket;
	GPollFD pollfd;
	gulong disconnected_id;
};

static void
arc_rest_idle_watch_finalize(GSource *source)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)source;
	if (watch->disconnected_id != 0)
		g_signal_handler_disconnect(watch->msg, watch->disconnected_id);
	g_object_unref(watch->msg);
	g_object_unref(watch->socket);
}

void
arc_rest_idle_watch_free(ArcRestIdleWatch *watch)
{
	g_source_destroy(&watch->source);
	g_source_unref(&watch->source);
}

/* the connection ended some other way: nothing to watch */
static void
arc_rest_idle_watch_disconnected_cb(SoupServerMessage *msg, gpointer user_data)
{
	ArcRestIdleWatch *watch = user_data;
	g_signal_handler_disconnect(msg, watch->disconnected_id);
	watch->disconnected_id = 0;
	g_hash_table_remove(watch->watches, watch->socket);
}

#define ARC_REST_IDLE_EVENTS (G_IO_IN | G_IO_HUP | G_IO_ERR)

void
arc_rest_idle_watch_set_armed(ArcRestIdleWatch *watch, gboolean armed)
{
	watch->pollfd.events = armed ? ARC_REST_IDLE_EVENTS : 0;
	watch->pollfd.revents = 0;
}

/* poll() reports hang-ups and errors even for no events: a paused watch then dispatches to
 * step aside (libsoup finishes that connection itself) rather than wake the loop forever */
static gboolean
arc_rest_idle_watch_check(GSource *source)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)source;
	return watch->pollfd.revents != 0;
}

/* a TLS record (types 0x14 to 0x17); a request in plain HTTP starts with a letter */
static gboolean
arc_rest_idle_watch_is_tls_record(gchar first)
{
	return (guchar)first >= 0x14 && (guchar)first <= 0x17;
}

/*
 * Over TLS a client closes with an alert record (close_notify) before its FIN: data, not
 * the end of the stream, and libsoup reads it like a request. A TLS record with the end of
 * the client's stream behind it is a close; a TLS record alone may be either, so the watch
 * steps aside for libsoup but keeps watching for the end of the stream (POLLRDHUP) until
 * the next request starts.
 */
static gboolean
arc_rest_idle_watch_tls_closed(ArcRestIdleWatch *watch, gchar first)
{
	struct pollfd pfd = {.fd = g_socket_get_fd(watch->socket), .events = POLLRDHUP};

	if (!arc_rest_idle_watch_is_tls_record(first))
		return FALSE;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP)) != 0)
		return TRUE;
	watch->pollfd.events = POLLRDHUP;
	return FALSE;
}

/* takes the connection back from libsoup, which forgets it, and closes it; frees @watch */
void
arc_rest_idle_watch_close(ArcRestIdleWatch *watch)
{
	g_autoptr(GIOStream) stream = NULL;

	g_signal_handler_disconnect(watch->msg, watch->disconnected_id);
	watch->disconnected_id = 0;
	if (watch->pollfd.events == POLLRDHUP) {
		/* stepped aside for a TLS record: libsoup may have read the close_notify and let
		 * go of the connection, which can then no longer be taken from it: closing the
		 * socket is what is left */
		g_socket_close(watch->socket, NULL);
	} else {
		stream = soup_server_message_steal_connection(watch->msg);
		if (stream != NULL)
			g_io_stream_close(stream, NULL, NULL);
	}
	g_hash_table_remove(watch->watches, watch->socket);
}

static gboolean
arc_rest_idle_watch_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)source;
	gchar byte;
	gssize n;

	if (watch->pollfd.events == 0) {
		g_hash_table_remove(watch->watches, watch->socket);
		return G_SOURCE_REMOVE;
	}
	n = recv(g_socket_get_fd(watch->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n > 0) {
		/* the next request: libsoup reads it; the watch resumes after it */
		arc_rest_idle_watch_set_armed(watch, FALSE);
		if (!arc_rest_idle_watch_tls_closed(watch, byte))
			return G_SOURCE_CONTINUE;
	}
	/* closed by the client (or broken) while idle */
	arc_rest_idle_watch_close(watch);
	return G_SOURCE_REMOVE;
}

static GSourceFuncs arc_rest_idle_watch_funcs = {
	.check = arc_rest_idle_watch_check,
	.dispatch = arc_rest_idle_watch_dispatch,
	.finalize = arc_rest_idle_watch_finalize,
};

/**
 * arc_rest_idle_watch_new:
 * @watches: the server's table of watches (#GSocket → watch), which takes the watch
 * @msg: the connection's first message, which keeps the connection
 * @socket: the connection's socket
 *
 * Starts watching a connection that libsoup keeps alive, armed.
 */
void
arc_rest_idle_watch_new(GHashTable *watches, SoupServerMessage *msg, GSocket *socket)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)g_source_new(&arc_rest_idle_watch_funcs,
								   sizeof(ArcRestIdleWatch));

	watch->watches = watches;
	watch->msg = g_object_ref(msg);
	watch->socket = g_object_ref(socket);
	watch->pollfd.fd = g_socket_get_fd(socket);
	arc_rest_idle_watch_set_armed(watch, TRUE);
	g_source_add_poll(&watch->source, &watch->pollfd);
	/* ahead of libsoup's source on the same socket, which would otherwise see the end of
	 * the stream first and drop the connection's state without closing it */
	g_source_set_priority(&watch->source, G_PRIORITY_HIGH);
	g_source_set_name(&watch->source, "arctic idle connection");
	g_source_attach(&watch->source, NULL);
	watch->disconnected_id = g_signal_connect(
		msg, "disconnected", G_CALLBACK(arc_rest_idle_watch_disconnected_cb), watch);
	g_hash_table_insert(watches, socket, watch);
}
