/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include "config.h"

#include "arc-tcp-io.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arctic-plugin.h"
#include "pegasus-session.h"

/* a handshake must finish within this; an established session with nothing received for
 * ARC_TCP_IDLE_PING gets a PING, and is dropped after ARC_TCP_DEAD of silence */
#define ARC_TCP_HANDSHAKE_TIMEOUT (10 * G_USEC_PER_SEC)
#define ARC_TCP_IDLE_PING (15 * G_USEC_PER_SEC)
#define ARC_TCP_DEAD (45 * G_USEC_PER_SEC)
/* bytes one stream or connection may move per wakeup before others get their turn */
#define ARC_TCP_BUDGET (512 * 1024)
#define ARC_TCP_MAX_EVENTS 64
/* connections accepted and not through their handshake yet: more are closed at once */
#define ARC_TCP_MAX_HANDSHAKES 256
/* records one readv() of a stream fills */
#define ARC_TCP_READ_RECORDS 8

typedef enum {
	ARC_TCP_EP_LISTENER,
	ARC_TCP_EP_WAKE,
	ARC_TCP_EP_CONN,
	ARC_TCP_EP_STREAM,
} ArcTcpEpKind;

typedef enum {
	ARC_TCP_CONN_CONNECTING,
	ARC_TCP_CONN_HS_INITIATOR,
	ARC_TCP_CONN_HS_RESPONDER,
	ARC_TCP_CONN_ESTABLISHED,
	ARC_TCP_CONN_DEAD,
} ArcTcpConnState;

typedef struct {
	ArcTcpEpKind kind;
	int fd;
	guint32 events; /* registered with epoll; 0 = not registered */
	gboolean dead;  /* freed at the end of the loop iteration */
} ArcTcpEp;

typedef struct _ArcTcpConn ArcTcpConn;

typedef struct {
	ArcTcpEp ep;
	ArcTcpConn *conn;
	guint32 id;
	gboolean rd_eof; /* the agent's end will write no more: FIN sent */
	gboolean dirty;  /* received bytes to deliver after this read */
} ArcTcpStream;

struct _ArcTcpConn {
	ArcTcpEp ep;
	ArcTcpIo *io;
	ArcTcpConnState state;
	gboolean initiator;
	guint8 remote_key[PEGASUS_KEY_LEN];
	gchar *peer_id;
	GBytes *public_key;
	GSocketAddress *remote;
	PegasusHandshake *hs;
	guint8 hs_in[PEGASUS_INITIATION_LEN];
	gsize hs_in_len;
	guint8 hs_out[PEGASUS_INITIATION_LEN];
	gsize hs_out_len;
	gsize hs_out_off;
	PegasusSession *session;
	GHashTable *streams; /* id -> ArcTcpStream */
	GPtrArray *pending;  /* ArcTcpConnect waiting for the handshake */
	GPtrArray *dirty;    /* ids of streams with bytes received in this read */
	gboolean out_full;   /* streams wait until the output drains */
	gint64 deadline;
	gboolean counted;    /* in io->n_handshakes */
	gboolean registered; /* in io->by_peer */
	gint64 last_rx;
	gint64 last_ping;
};

typedef enum {
	ARC_TCP_CMD_CONNECT,
	ARC_TCP_CMD_PEERS,
	ARC_TCP_CMD_STOP,
} ArcTcpCmdKind;

typedef struct {
	ArcTcpCmdKind kind;
	guint8 remote_key[PEGASUS_KEY_LEN];
	gchar *peer_id;
	GBytes *public_key;
	GSocketAddress *address;
	int plugin_fd;
	GSocketConnection *connection;
	GTask *task;
} ArcTcpConnect;

struct _ArcTcpIo {
	ArcTcpEp listener;
	ArcTcpEp wake;
	int epfd;
	PegasusIdentity *identity;
	ArcTcpHandoffQueue *handoff;
	GThread *thread;
	GAsyncQueue *commands; /* ArcTcpConnect */
	GMutex lock;           /* guards allowed */
	GHashTable *allowed;   /* X25519 key -> ArcTcpAllowed */
	/* the I/O thread's own */
	GHashTable *conns;      /* ArcTcpConn set */
	GHashTable *by_peer;    /* X25519 key (GBytes) -> the newest established ArcTcpConn */
	GHashTable *last_stamp; /* X25519 key (GBytes) -> newest accepted timestamp (GBytes) */
	GPtrArray *graveyard;   /* ArcTcpEp freed after the current batch of events */
	PegasusSessionConfig config;
	guint n_handshakes; /* accepted connections still in their handshake */
	gboolean stopping;
};

static void arc_tcp_conn_fail(ArcTcpConn *conn, const gchar *why);
static GPtrArray *arc_tcp_io_conn_list(ArcTcpIo *io);
static void arc_tcp_conn_write(ArcTcpConn *conn);
static void arc_tcp_stream_update(ArcTcpStream *stream);

/* What the I/O thread hands to the main context: finished connects and incoming streams,
 * queued and delivered in batches, so that a burst of streams costs one wakeup of the main
 * loop rather than one per stream. Shared with the idle that drains it (refcounted): the I/O
 * side closes it when it stops, and what is still queued is then settled there. */
struct _ArcTcpHandoffQueue {
	gint refcount;
	GMutex lock;
	GPtrArray *items; /* ArcTcpHandoff */
	GMainContext *context;
	ArcTcpIncomingFunc incoming;
	gpointer incoming_data;
	gboolean closed;
};

typedef struct {
	GTask *task; /* a connect: its connection or error */
	GSocketConnection *connection;
	GError *error;
	int fd; /* an incoming stream: the agent's end, and who opened it */
	gchar *peer_id;
	GBytes *public_key;
	GSocketAddress *remote;
} ArcTcpHandoff;

static void
arc_tcp_handoff_settle(ArcTcpHandoffQueue *queue, ArcTcpHandoff *h, gboolean deliver)
{
	if (h->task != NULL) {
		if (h->connection != NULL)
			g_task_return_pointer(h->task, g_steal_pointer(&h->connection),
					      g_object_unref);
		else
			g_task_return_error(h->task, g_steal_pointer(&h->error));
		g_object_unref(h->task);
	} else if (deliver) {
		queue->incoming(h->fd, h->peer_id, h->public_key, h->remote, queue->incoming_data);
	} else {
		close(h->fd);
	}
	g_free(h->peer_id);
	g_clear_pointer(&h->public_key, g_bytes_unref);
	g_clear_object(&h->remote);
	g_free(h);
}

static void
arc_tcp_handoff_unref(ArcTcpHandoffQueue *queue)
{
	if (!g_atomic_int_dec_and_test(&queue->refcount))
		return;
	g_mutex_clear(&queue->lock);
	g_ptr_array_free(queue->items, TRUE);
	g_main_context_unref(queue->context);
	g_free(queue);
}

/* on the main context: everything queued so far */
static gboolean
arc_tcp_handoff_drain(gpointer data)
{
	ArcTcpHandoffQueue *queue = data;
	GPtrArray *items;
	gboolean deliver;

	g_mutex_lock(&queue->lock);
	items = queue->items;
	queue->items = g_ptr_array_new();
	deliver = !queue->closed;
	g_mutex_unlock(&queue->lock);
	for (guint i = 0; i < items->len; i++)
		arc_tcp_handoff_settle(queue, g_ptr_array_index(items, i), deliver);
	g_ptr_array_free(items, TRUE);
	return G_SOURCE_REMOVE;
}

static void
arc_tcp_handoff_push(ArcTcpHandoffQueue *queue, ArcTcpHandoff *h)
{
	GSource *source;
	gboolean first;

	g_mutex_lock(&queue->lock);
	first = queue->items->len == 0;
	g_ptr_array_add(queue->items, h);
	g_mutex_unlock(&queue->lock);
	if (!first)
		return;
	/* an idle attached to the context, not g_main_context_invoke(): that would run the
	 * drain right here whenever the main thread does not hold its context at this instant
	 * (this thread's default context is the same global one) */
	source = g_idle_source_new();
	g_source_set_priority(source, G_PRIORITY_DEFAULT);
	g_atomic_int_inc(&queue->refcount);
	g_source_set_callback(source, arc_tcp_handoff_drain, queue,
			      (GDestroyNotify)arc_tcp_handoff_unref);
	g_source_attach(source, queue->context);
	g_source_unref(source);
}

void
arc_tcp_allowed_free(gpointer data)
{
	ArcTcpAllowed *allowed = data;

	g_free(allowed->peer_id);
	g_bytes_unref(allowed->public_key);
	g_free(allowed);
}

static void
arc_tcp_connect_free(ArcTcpConnect *req)
{
	if (req->plugin_fd >= 0)
		close(req->plugin_fd);
	g_clear_object(&req->connection);
	g_clear_object(&req->task);
	g_clear_object(&req->address);
	g_clear_pointer(&req->public_key, g_bytes_unref);
	g_free(req->peer_id);
	g_free(req);
}

/* the connect's answer, on its caller's context: the connection, or else the error */
static void
arc_tcp_connect_answer(ArcTcpIo *io, ArcTcpConnect *req, const gchar *message)
{
	ArcTcpHandoff *h = g_new0(ArcTcpHandoff, 1);

	h->fd = -1;
	h->task = g_steal_pointer(&req->task);
	if (message == NULL)
		h->connection = g_steal_pointer(&req->connection);
	else
		h->error = g_error_new(ARC_ERROR, ARC_ERROR_PEER_UNREACHABLE, "%s", message);
	arc_tcp_handoff_push(io->handoff, h);
	arc_tcp_connect_free(req);
}

void
arc_tcp_io_tune_socket(int fd)
{
	int one = 1;
	int idle = 30, interval = 10, count = 3;
	static const char bbr[] = "bbr";

	/* our records are already batched: Nagle would only hold back an interactive stream's
	 * last partial record */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* BBR where the kernel has it; the default otherwise. Buffers stay autotuned: a fixed
	 * SO_RCVBUF would switch autotuning off and cap the window on long fat paths. */
	setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, bbr, sizeof(bbr) - 1);
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

/* registers, changes or drops ep's epoll interest: 0 events means not registered, so a
 * hung-up socket nobody wants to hear from cannot spin the loop */
static void
arc_tcp_ep_set(ArcTcpIo *io, ArcTcpEp *ep, guint32 events)
{
	struct epoll_event ev = {.events = events, .data.ptr = ep};
	int op;

	if (ep->dead || events == ep->events)
		return;
	if (events == 0)
		op = EPOLL_CTL_DEL;
	else if (ep->events == 0)
		op = EPOLL_CTL_ADD;
	else
		op = EPOLL_CTL_MOD;
	if (epoll_ctl(io->epfd, op, ep->fd, &ev) != 0 && op != EPOLL_CTL_DEL)
		g_warning("tcp: epoll_ctl: %s", g_strerror(errno));
	ep->events = events;
}

/* A stream's end closed with unread bytes in it would make the agent's next read fail with
 * ECONNRESET; the contract promises EOF. Shut both ways first (the agent's writes now fail
 * with EPIPE, so nothing more arrives), then discard what it had written. */
static void
arc_tcp_stream_end(int fd)
{
	guint8 buf[4096];

	shutdown(fd, SHUT_RDWR);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* takes ep out of the loop for good; its memory goes when the current batch is done */
static void
arc_tcp_ep_bury(ArcTcpIo *io, ArcTcpEp *ep)
{
	arc_tcp_ep_set(io, ep, 0);
	if (ep->fd >= 0 && ep->kind == ARC_TCP_EP_STREAM)
		arc_tcp_stream_end(ep->fd);
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
	ep->dead = TRUE;
	g_ptr_array_add(io->graveyard, ep);
}

/* ---- streams: the plugin's end of a socketpair, relayed into the session ---- */

static ArcTcpStream *
arc_tcp_stream_new(ArcTcpConn *conn, guint32 id, int fd)
{
	ArcTcpStream *stream = g_new0(ArcTcpStream, 1);

	stream->ep.kind = ARC_TCP_EP_STREAM;
	stream->ep.fd = fd;
	stream->conn = conn;
	stream->id = id;
	g_hash_table_insert(conn->streams, GUINT_TO_POINTER(id), stream);
	pegasus_session_stream_set_user_data(conn->session, id, stream);
	arc_tcp_stream_update(stream);
	return stream;
}

/* closes the plugin's end: the agent reads EOF after what was already written to it */
static void
arc_tcp_stream_destroy(ArcTcpStream *stream)
{
	g_hash_table_remove(stream->conn->streams, GUINT_TO_POINTER(stream->id));
	arc_tcp_ep_bury(stream->conn->io, &stream->ep);
}

/* aborts the stream both ways: RST to the remote */
static void
arc_tcp_stream_kill(ArcTcpStream *stream)
{
	pegasus_session_stream_reset(stream->conn->session, stream->id);
	arc_tcp_stream_destroy(stream);
}

static void
arc_tcp_stream_update(ArcTcpStream *stream)
{
	ArcTcpConn *conn = stream->conn;
	guint32 events = 0;
	gsize pending = 0;

	if (!stream->rd_eof && !conn->out_full &&
	    pegasus_session_stream_credit(conn->session, stream->id) > 0)
		events |= EPOLLIN;
	pegasus_session_stream_peek(conn->session, stream->id, &pending);
	if (pending > 0)
		events |= EPOLLOUT;
	arc_tcp_ep_set(conn->io, &stream->ep, events);
}

static ArcTcpStream *
arc_tcp_conn_stream(ArcTcpConn *conn, guint32 id)
{
	return g_hash_table_lookup(conn->streams, GUINT_TO_POINTER(id));
}

/* the agent's bytes into records, read straight into the session's output buffer: one
 * readv() fills up to ARC_TCP_READ_RECORDS whole records */
static void
arc_tcp_stream_readable(ArcTcpStream *stream)
{
	ArcTcpConn *conn = stream->conn;
	guint32 id = stream->id;
	gsize budget = ARC_TCP_BUDGET;

	while (budget > 0) {
		struct iovec iov[ARC_TCP_READ_RECORDS];
		guint n_iov = pegasus_session_data_reserve_many(conn->session, id, iov,
								G_N_ELEMENTS(iov));
		gssize n;

		if (n_iov == 0)
			break;
		n = readv(stream->ep.fd, iov, (int)n_iov);
		if (n > 0) {
			pegasus_session_data_commit_many(conn->session, id, iov, n_iov, (gsize)n);
			budget -= MIN(budget, (gsize)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			arc_tcp_stream_kill(stream);
			return;
		}
		stream->rd_eof = TRUE;
		pegasus_session_stream_fin(conn->session, id);
		break;
	}
	if (pegasus_session_output_pending(conn->session) >= conn->io->config.output_soft_limit)
		conn->out_full = TRUE;
	/* the FIN may have closed the stream (the remote had finished too) */
	stream = arc_tcp_conn_stream(conn, id);
	if (stream != NULL)
		arc_tcp_stream_update(stream);
}

/* what the agent's end could not take before: written now */
static void
arc_tcp_stream_writable(ArcTcpStream *stream)
{
	ArcTcpConn *conn = stream->conn;
	guint32 id = stream->id;
	gsize len;
	const guint8 *data = pegasus_session_stream_peek(conn->session, id, &len);
	gssize n;

	if (len == 0)
		return;
	n = send(stream->ep.fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		arc_tcp_stream_kill(stream);
		return;
	}
	/* the rest waits for EPOLLOUT */
	if (n > 0)
		pegasus_session_stream_drain(conn->session, id, (gsize)n);
	stream = arc_tcp_conn_stream(conn, id);
	if (stream != NULL)
		arc_tcp_stream_update(stream);
}

static void
arc_tcp_stream_event(ArcTcpStream *stream, guint32 events)
{
	ArcTcpConn *conn = stream->conn;
	guint32 id = stream->id;

	if (conn->state != ARC_TCP_CONN_ESTABLISHED)
		return;
	/* a hang-up is handled by the read or write that notices it */
	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP) && (stream->ep.events & EPOLLOUT))
		arc_tcp_stream_writable(stream);
	stream = arc_tcp_conn_stream(conn, id);
	if (stream != NULL && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) &&
	    (stream->ep.events & EPOLLIN))
		arc_tcp_stream_readable(stream);
	arc_tcp_conn_write(conn);
}

/* ---- session callbacks (on the I/O thread, while the session processes input) ---- */

static void
arc_tcp_on_opened(PegasusSession *session, guint32 id, gpointer user_data)
{
	ArcTcpConn *conn = user_data;
	ArcTcpHandoff *h;
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
		g_warning("tcp: stream from %s: socketpair: %s", conn->peer_id, g_strerror(errno));
		pegasus_session_stream_reset(session, id);
		return;
	}
	arc_tcp_stream_new(conn, id, fds[0]);
	h = g_new0(ArcTcpHandoff, 1);
	h->fd = fds[1];
	h->peer_id = g_strdup(conn->peer_id);
	h->public_key = g_bytes_ref(conn->public_key);
	h->remote = conn->remote != NULL ? g_object_ref(conn->remote) : NULL;
	arc_tcp_handoff_push(conn->io->handoff, h);
}

/* Received bytes wait in the session's stream buffer until the records of this read are all
 * processed; then each stream touched gets one send() for all of them (arc_tcp_conn_deliver):
 * a copy of the bytes costs less than a system call per record. */
static gsize
arc_tcp_on_data(PegasusSession *session, guint32 id, gpointer stream_user_data, const guint8 *data,
		gsize len, gpointer user_data)
{
	ArcTcpStream *stream = stream_user_data;
	ArcTcpConn *conn = user_data;

	if (stream == NULL)
		return len;
	if (!stream->dirty) {
		stream->dirty = TRUE;
		g_ptr_array_add(conn->dirty, GUINT_TO_POINTER(id));
	}
	return 0;
}

static void
arc_tcp_on_writable(PegasusSession *session, guint32 id, gpointer stream_user_data,
		    gpointer user_data)
{
	if (stream_user_data != NULL)
		arc_tcp_stream_update(stream_user_data);
}

static void
arc_tcp_on_fin(PegasusSession *session, guint32 id, gpointer stream_user_data, gpointer user_data)
{
	ArcTcpStream *stream = stream_user_data;

	if (stream != NULL)
		shutdown(stream->ep.fd, SHUT_WR);
}

static void
arc_tcp_on_closed(PegasusSession *session, guint32 id, gpointer stream_user_data, gboolean reset,
		  gpointer user_data)
{
	if (stream_user_data != NULL)
		arc_tcp_stream_destroy(stream_user_data);
}

static const PegasusSessionCallbacks arc_tcp_callbacks = {
	.stream_opened = arc_tcp_on_opened,
	.stream_data = arc_tcp_on_data,
	.stream_writable = arc_tcp_on_writable,
	.stream_fin = arc_tcp_on_fin,
	.stream_closed = arc_tcp_on_closed,
};

/* ---- connections ---- */

static ArcTcpConn *
arc_tcp_conn_new(ArcTcpIo *io, int fd, ArcTcpConnState state)
{
	ArcTcpConn *conn = g_new0(ArcTcpConn, 1);

	conn->ep.kind = ARC_TCP_EP_CONN;
	conn->ep.fd = fd;
	conn->io = io;
	conn->state = state;
	conn->initiator = state == ARC_TCP_CONN_CONNECTING;
	conn->streams = g_hash_table_new(NULL, NULL);
	conn->pending = g_ptr_array_new();
	conn->dirty = g_ptr_array_new();
	conn->deadline = g_get_monotonic_time() + ARC_TCP_HANDSHAKE_TIMEOUT;
	g_hash_table_add(io->conns, conn);
	return conn;
}

static void
arc_tcp_conn_free(ArcTcpConn *conn)
{
	g_free(conn->peer_id);
	g_clear_pointer(&conn->public_key, g_bytes_unref);
	g_clear_object(&conn->remote);
	g_clear_pointer(&conn->hs, pegasus_handshake_free);
	g_clear_pointer(&conn->session, pegasus_session_free);
	g_hash_table_destroy(conn->streams);
	g_ptr_array_free(conn->pending, TRUE);
	g_ptr_array_free(conn->dirty, TRUE);
	g_free(conn);
}

static GBytes *
arc_tcp_key_bytes(const guint8 key[PEGASUS_KEY_LEN])
{
	return g_bytes_new(key, PEGASUS_KEY_LEN);
}

/* every stream ends (the agent reads EOF), every waiting connect fails */
static void
arc_tcp_conn_fail(ArcTcpConn *conn, const gchar *why)
{
	ArcTcpIo *io = conn->io;
	g_autoptr(GBytes) key = arc_tcp_key_bytes(conn->remote_key);
	GHashTableIter iter;
	gpointer stream;

	if (conn->state == ARC_TCP_CONN_DEAD)
		return;
	if (conn->state == ARC_TCP_CONN_ESTABLISHED || conn->initiator)
		g_message("tcp: session with %s closed: %s", conn->peer_id ? conn->peer_id : "?",
			  why);
	conn->state = ARC_TCP_CONN_DEAD;
	if (conn->counted)
		io->n_handshakes--;
	conn->counted = FALSE;
	g_hash_table_iter_init(&iter, conn->streams);
	while (g_hash_table_iter_next(&iter, NULL, &stream)) {
		g_hash_table_iter_steal(&iter);
		arc_tcp_ep_bury(io, &((ArcTcpStream *)stream)->ep);
	}
	for (guint i = 0; i < conn->pending->len; i++)
		arc_tcp_connect_answer(io, g_ptr_array_index(conn->pending, i), why);
	g_ptr_array_set_size(conn->pending, 0);
	if (g_hash_table_lookup(io->by_peer, key) == conn)
		g_hash_table_remove(io->by_peer, key);
	g_hash_table_remove(io->conns, conn);
	arc_tcp_ep_bury(io, &conn->ep);
}

static void
arc_tcp_conn_update(ArcTcpConn *conn)
{
	guint32 events = EPOLLIN;

	if (conn->state == ARC_TCP_CONN_CONNECTING || conn->hs_out_off < conn->hs_out_len ||
	    (conn->session != NULL && pegasus_session_output_pending(conn->session) > 0))
		events |= EPOLLOUT;
	arc_tcp_ep_set(conn->io, &conn->ep, events);
}

/* the handshake message, then the session's records, as far as the socket takes them */
static gboolean
arc_tcp_conn_send(ArcTcpConn *conn)
{
	while (conn->hs_out_off < conn->hs_out_len) {
		gssize n = send(conn->ep.fd, conn->hs_out + conn->hs_out_off,
				conn->hs_out_len - conn->hs_out_off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		conn->hs_out_off += (gsize)n;
	}
	if (conn->session == NULL)
		return TRUE;
	pegasus_session_flush(conn->session);
	for (;;) {
		gsize len;
		const guint8 *out = pegasus_session_output(conn->session, &len);
		gssize n;

		if (len == 0)
			return TRUE;
		n = send(conn->ep.fd, out, len, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		pegasus_session_output_consume(conn->session, (gsize)n);
	}
}

/* once the output has drained to half its limit, the streams that waited read again */
static void
arc_tcp_conn_unblock(ArcTcpConn *conn)
{
	GHashTableIter iter;
	gpointer stream;

	if (!conn->out_full ||
	    pegasus_session_output_pending(conn->session) > conn->io->config.output_soft_limit / 2)
		return;
	conn->out_full = FALSE;
	g_hash_table_iter_init(&iter, conn->streams);
	while (g_hash_table_iter_next(&iter, NULL, &stream))
		arc_tcp_stream_update(stream);
}

static void
arc_tcp_conn_write(ArcTcpConn *conn)
{
	if (conn->state == ARC_TCP_CONN_DEAD)
		return;
	if (!arc_tcp_conn_send(conn)) {
		arc_tcp_conn_fail(conn, g_strerror(errno));
		return;
	}
	if (conn->session != NULL && pegasus_session_get_error(conn->session) != 0) {
		arc_tcp_conn_fail(conn, pegasus_session_result_to_string(
						pegasus_session_get_error(conn->session)));
		return;
	}
	if (conn->session != NULL)
		arc_tcp_conn_unblock(conn);
	arc_tcp_conn_update(conn);
}

/* a stream for a waiting connect: registered, and the agent's end handed over at once */
static void
arc_tcp_conn_open_stream(ArcTcpConn *conn, ArcTcpConnect *req)
{
	guint32 id;

	if (pegasus_session_open_stream(conn->session, NULL, &id) != PEGASUS_SESSION_OK) {
		arc_tcp_connect_answer(conn->io, req, "too many streams to this peer");
		return;
	}
	arc_tcp_stream_new(conn, id, req->plugin_fd);
	req->plugin_fd = -1;
	arc_tcp_connect_answer(conn->io, req, NULL);
}

/* the session this side's connects to that peer use from now on */
static void
arc_tcp_conn_register(ArcTcpConn *conn)
{
	conn->registered = TRUE;
	g_hash_table_replace(conn->io->by_peer, arc_tcp_key_bytes(conn->remote_key), conn);
}

static void
arc_tcp_conn_established(ArcTcpConn *conn, const PegasusKeys *keys)
{
	ArcTcpIo *io = conn->io;

	if (conn->counted)
		io->n_handshakes--;
	conn->counted = FALSE;
	conn->session = pegasus_session_new(keys, &io->config, &arc_tcp_callbacks, conn);
	conn->state = ARC_TCP_CONN_ESTABLISHED;
	conn->deadline = 0;
	conn->last_rx = conn->last_ping = g_get_monotonic_time();
	g_clear_pointer(&conn->hs, pegasus_handshake_free);
	/* a responder's session carries this side's streams only once a record proved the
	 * initiator is live (a replayed initiation gets this far when the timestamp record was
	 * lost, e.g. after a restart, and must not swallow our streams) */
	if (conn->initiator)
		arc_tcp_conn_register(conn);
	for (guint i = 0; i < conn->pending->len; i++)
		arc_tcp_conn_open_stream(conn, g_ptr_array_index(conn->pending, i));
	g_ptr_array_set_size(conn->pending, 0);
}

/* ---- handshakes ---- */

/* the dialled peer answered: its key is the one we asked for, or nothing opens */
static void
arc_tcp_conn_read_response(ArcTcpConn *conn)
{
	PegasusKeys keys;
	PegasusHsResult result;

	result = pegasus_handshake_read_response(conn->hs, conn->hs_in, conn->hs_in_len, &keys);
	if (result != PEGASUS_HS_OK) {
		arc_tcp_conn_fail(conn, pegasus_hs_result_to_string(result));
		return;
	}
	arc_tcp_conn_established(conn, &keys);
	pegasus_keys_wipe(&keys);
}

/* an allowed peer whose initiation is newer than the last accepted from it */
static const gchar *
arc_tcp_conn_admit(ArcTcpConn *conn, const guint8 stamp[PEGASUS_TIMESTAMP_LEN])
{
	ArcTcpIo *io = conn->io;
	g_autoptr(GBytes) key = arc_tcp_key_bytes(conn->remote_key);
	ArcTcpAllowed *allowed;
	GBytes *last;

	g_mutex_lock(&io->lock);
	allowed = io->allowed != NULL ? g_hash_table_lookup(io->allowed, key) : NULL;
	if (allowed != NULL) {
		conn->peer_id = g_strdup(allowed->peer_id);
		conn->public_key = g_bytes_ref(allowed->public_key);
	}
	g_mutex_unlock(&io->lock);
	if (allowed == NULL)
		return "not a peer of this cluster";
	last = g_hash_table_lookup(io->last_stamp, key);
	if (last != NULL && !pegasus_timestamp_newer(stamp, g_bytes_get_data(last, NULL)))
		return "replayed initiation";
	g_hash_table_replace(io->last_stamp, g_bytes_ref(key),
			     g_bytes_new(stamp, PEGASUS_TIMESTAMP_LEN));
	return NULL;
}

static void
arc_tcp_conn_read_initiation(ArcTcpConn *conn)
{
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	PegasusKeys keys;
	PegasusHsResult result;
	const gchar *refused;

	result = pegasus_handshake_read_initiation(conn->hs, conn->hs_in, conn->hs_in_len,
						   conn->remote_key, stamp);
	refused = result != PEGASUS_HS_OK ? pegasus_hs_result_to_string(result)
					  : arc_tcp_conn_admit(conn, stamp);
	if (refused != NULL) {
		g_autofree gchar *addr =
			conn->remote != NULL
				? g_socket_connectable_to_string(G_SOCKET_CONNECTABLE(conn->remote))
				: g_strdup("?");
		g_message("tcp: handshake from %s refused: %s", addr, refused);
		arc_tcp_conn_fail(conn, refused);
		return;
	}
	result = pegasus_handshake_write_response(conn->hs, conn->hs_out, &keys);
	if (result != PEGASUS_HS_OK) {
		arc_tcp_conn_fail(conn, pegasus_hs_result_to_string(result));
		return;
	}
	conn->hs_out_len = PEGASUS_RESPONSE_LEN;
	conn->hs_out_off = 0;
	arc_tcp_conn_established(conn, &keys);
	pegasus_keys_wipe(&keys);
}

/* gathers the fixed-size handshake message; FALSE until it is whole */
static gboolean
arc_tcp_conn_hs_read(ArcTcpConn *conn, gsize want)
{
	while (conn->hs_in_len < want) {
		/* exactly the message: the records behind it are the session's */
		gssize n =
			recv(conn->ep.fd, conn->hs_in + conn->hs_in_len, want - conn->hs_in_len, 0);
		if (n > 0) {
			conn->hs_in_len += (gsize)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return FALSE;
		arc_tcp_conn_fail(conn, n == 0 ? "closed during the handshake" : g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static void
arc_tcp_conn_connected(ArcTcpConn *conn)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(conn->ep.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err != 0) {
		arc_tcp_conn_fail(conn, g_strerror(err));
		return;
	}
	if (pegasus_handshake_write_initiation(conn->hs, conn->hs_out) != PEGASUS_HS_OK) {
		arc_tcp_conn_fail(conn, "bad key");
		return;
	}
	conn->hs_out_len = PEGASUS_INITIATION_LEN;
	conn->state = ARC_TCP_CONN_HS_INITIATOR;
}

/* what this read brought, to each stream's agent end in one send() */
static void
arc_tcp_conn_deliver(ArcTcpConn *conn)
{
	for (guint i = 0; i < conn->dirty->len; i++) {
		guint32 id = GPOINTER_TO_UINT(g_ptr_array_index(conn->dirty, i));
		ArcTcpStream *stream = arc_tcp_conn_stream(conn, id);

		if (stream == NULL)
			continue;
		stream->dirty = FALSE;
		arc_tcp_stream_writable(stream);
	}
	g_ptr_array_set_size(conn->dirty, 0);
}

/* received records: straight into the session's input buffer, processed in place */
static void
arc_tcp_conn_readable(ArcTcpConn *conn)
{
	gsize budget = ARC_TCP_BUDGET;

	while (budget > 0 && conn->state == ARC_TCP_CONN_ESTABLISHED) {
		gsize space;
		guint8 *p = pegasus_session_input_space(conn->session, &space);
		gssize n = recv(conn->ep.fd, p, space, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			arc_tcp_conn_fail(conn, n == 0 ? "closed by the peer" : g_strerror(errno));
			return;
		}
		conn->last_rx = g_get_monotonic_time();
		pegasus_session_input_commit(conn->session, (gsize)n);
		if (pegasus_session_process(conn->session) != PEGASUS_SESSION_OK)
			return; /* arc_tcp_conn_write() reports it */
		arc_tcp_conn_deliver(conn);
		if (!conn->registered && pegasus_session_is_confirmed(conn->session))
			arc_tcp_conn_register(conn);
		budget -= MIN(budget, (gsize)n);
	}
}

static void
arc_tcp_conn_event(ArcTcpConn *conn, guint32 events)
{
	if (conn->state == ARC_TCP_CONN_CONNECTING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		arc_tcp_conn_connected(conn);
	if (conn->state == ARC_TCP_CONN_HS_INITIATOR &&
	    (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) &&
	    arc_tcp_conn_hs_read(conn, PEGASUS_RESPONSE_LEN))
		arc_tcp_conn_read_response(conn);
	else if (conn->state == ARC_TCP_CONN_HS_RESPONDER &&
		 (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) &&
		 arc_tcp_conn_hs_read(conn, PEGASUS_INITIATION_LEN))
		arc_tcp_conn_read_initiation(conn);
	else if (conn->state == ARC_TCP_CONN_ESTABLISHED &&
		 (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		arc_tcp_conn_readable(conn);
	arc_tcp_conn_write(conn);
}

/* ---- the loop ---- */

static void
arc_tcp_io_accept(ArcTcpIo *io)
{
	for (guint i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(io->listener.fd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		ArcTcpConn *conn;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				g_warning("tcp: accept: %s", g_strerror(errno));
			return;
		}
		if (io->n_handshakes >= ARC_TCP_MAX_HANDSHAKES) {
			close(fd);
			continue;
		}
		arc_tcp_io_tune_socket(fd);
		conn = arc_tcp_conn_new(io, fd, ARC_TCP_CONN_HS_RESPONDER);
		conn->counted = TRUE;
		io->n_handshakes++;
		conn->remote = g_socket_address_new_from_native(&ss, len);
		conn->hs = pegasus_handshake_new_responder(io->identity);
		arc_tcp_conn_update(conn);
	}
}

static ArcTcpConn *
arc_tcp_io_dial(ArcTcpIo *io, ArcTcpConnect *req)
{
	struct sockaddr_storage ss;
	gsize len = g_socket_address_get_native_size(req->address);
	ArcTcpConn *conn;
	int fd;

	if (!g_socket_address_to_native(req->address, &ss, sizeof(ss), NULL))
		return NULL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	arc_tcp_io_tune_socket(fd);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) != 0 && errno != EINPROGRESS) {
		int err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	conn = arc_tcp_conn_new(io, fd, ARC_TCP_CONN_CONNECTING);
	memcpy(conn->remote_key, req->remote_key, PEGASUS_KEY_LEN);
	conn->peer_id = g_strdup(req->peer_id);
	conn->public_key = g_bytes_ref(req->public_key);
	conn->remote = g_object_ref(req->address);
	conn->hs = pegasus_handshake_new_initiator(io->identity, req->remote_key);
	arc_tcp_conn_update(conn);
	return conn;
}

/* the session to that peer if one is up, else one being dialled, else a new one */
static void
arc_tcp_io_do_connect(ArcTcpIo *io, ArcTcpConnect *req)
{
	g_autoptr(GBytes) key = arc_tcp_key_bytes(req->remote_key);
	ArcTcpConn *conn = g_hash_table_lookup(io->by_peer, key);
	GHashTableIter iter;
	gpointer candidate;

	if (conn != NULL) {
		arc_tcp_conn_open_stream(conn, req);
		arc_tcp_conn_write(conn);
		return;
	}
	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &candidate, NULL)) {
		ArcTcpConn *c = candidate;
		if (c->initiator && c->state != ARC_TCP_CONN_ESTABLISHED &&
		    memcmp(c->remote_key, req->remote_key, PEGASUS_KEY_LEN) == 0) {
			g_ptr_array_add(c->pending, req);
			return;
		}
	}
	conn = arc_tcp_io_dial(io, req);
	if (conn == NULL) {
		g_autofree gchar *msg = g_strdup_printf("%s: %s", req->peer_id, g_strerror(errno));
		arc_tcp_connect_answer(io, req, msg);
		return;
	}
	g_ptr_array_add(conn->pending, req);
}

/* sessions that peers no longer named opened to us are closed */
static void
arc_tcp_io_recheck_peers(ArcTcpIo *io)
{
	g_autoptr(GPtrArray) gone = g_ptr_array_new();
	GHashTableIter iter;
	gpointer candidate;

	g_mutex_lock(&io->lock);
	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &candidate, NULL)) {
		ArcTcpConn *c = candidate;
		g_autoptr(GBytes) key = arc_tcp_key_bytes(c->remote_key);
		if (!c->initiator && c->state == ARC_TCP_CONN_ESTABLISHED &&
		    (io->allowed == NULL || !g_hash_table_contains(io->allowed, key)))
			g_ptr_array_add(gone, c);
	}
	g_mutex_unlock(&io->lock);
	for (guint i = 0; i < gone->len; i++)
		arc_tcp_conn_fail(g_ptr_array_index(gone, i), "no longer a peer");
}

static void
arc_tcp_io_commands(ArcTcpIo *io)
{
	guint64 count;
	ArcTcpConnect *req;

	if (read(io->wake.fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		g_warning("tcp: eventfd: %s", g_strerror(errno));
	while ((req = g_async_queue_try_pop(io->commands)) != NULL) {
		if (req->kind == ARC_TCP_CMD_STOP) {
			io->stopping = TRUE;
			arc_tcp_connect_free(req);
		} else if (req->kind == ARC_TCP_CMD_PEERS) {
			arc_tcp_io_recheck_peers(io);
			arc_tcp_connect_free(req);
		} else if (io->stopping) {
			arc_tcp_connect_answer(io, req, "the transport is stopping");
		} else {
			arc_tcp_io_do_connect(io, req);
		}
	}
}

/* a copy of the connection set, to fail some while walking it */
static GPtrArray *
arc_tcp_io_conn_list(ArcTcpIo *io)
{
	GPtrArray *list = g_ptr_array_new();
	GHashTableIter iter;
	gpointer conn;

	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &conn, NULL))
		g_ptr_array_add(list, conn);
	return list;
}

/* handshake deadlines, keepalive PINGs and silent sessions, once a second */
static void
arc_tcp_io_tick(ArcTcpIo *io)
{
	gint64 now = g_get_monotonic_time();
	g_autoptr(GPtrArray) conns = arc_tcp_io_conn_list(io);

	for (guint i = 0; i < conns->len; i++) {
		ArcTcpConn *c = g_ptr_array_index(conns, i);

		if (c->state != ARC_TCP_CONN_ESTABLISHED) {
			if (now > c->deadline)
				arc_tcp_conn_fail(c, "handshake timed out");
		} else if (now - c->last_rx > ARC_TCP_DEAD) {
			arc_tcp_conn_fail(c, "peer silent");
		} else if (now - c->last_rx > ARC_TCP_IDLE_PING &&
			   now - c->last_ping > ARC_TCP_IDLE_PING) {
			c->last_ping = now;
			pegasus_session_ping(c->session, (guint64)now);
			arc_tcp_conn_write(c);
		}
	}
}

static void
arc_tcp_io_dispatch(ArcTcpIo *io, ArcTcpEp *ep, guint32 events)
{
	if (ep->dead)
		return;
	switch (ep->kind) {
	case ARC_TCP_EP_LISTENER:
		arc_tcp_io_accept(io);
		break;
	case ARC_TCP_EP_WAKE:
		arc_tcp_io_commands(io);
		break;
	case ARC_TCP_EP_CONN:
		arc_tcp_conn_event((ArcTcpConn *)ep, events);
		break;
	case ARC_TCP_EP_STREAM:
		arc_tcp_stream_event((ArcTcpStream *)ep, events);
		break;
	}
}

static void
arc_tcp_io_empty_graveyard(ArcTcpIo *io)
{
	for (guint i = 0; i < io->graveyard->len; i++) {
		ArcTcpEp *ep = g_ptr_array_index(io->graveyard, i);
		if (ep->kind == ARC_TCP_EP_CONN)
			arc_tcp_conn_free((ArcTcpConn *)ep);
		else
			g_free(ep);
	}
	g_ptr_array_set_size(io->graveyard, 0);
}

static gpointer
arc_tcp_io_thread(gpointer data)
{
	ArcTcpIo *io = data;
	struct epoll_event events[ARC_TCP_MAX_EVENTS];
	gint64 next_tick = g_get_monotonic_time() + G_USEC_PER_SEC;

	while (!io->stopping) {
		int n = epoll_wait(io->epfd, events, ARC_TCP_MAX_EVENTS, 1000);

		for (int i = 0; i < n; i++)
			arc_tcp_io_dispatch(io, events[i].data.ptr, events[i].events);
		if (g_get_monotonic_time() >= next_tick) {
			arc_tcp_io_tick(io);
			next_tick = g_get_monotonic_time() + G_USEC_PER_SEC;
		}
		arc_tcp_io_empty_graveyard(io);
	}
	/* stopping: every session and stream closes, waiting connects fail */
	{
		g_autoptr(GPtrArray) conns = arc_tcp_io_conn_list(io);
		for (guint i = 0; i < conns->len; i++)
			arc_tcp_conn_fail(g_ptr_array_index(conns, i), "the transport stopped");
	}
	arc_tcp_io_commands(io);
	arc_tcp_io_empty_graveyard(io);
	return NULL;
}

ArcTcpIo *
arc_tcp_io_new(int listen_fd, PegasusIdentity *identity, ArcTcpIncomingFunc incoming,
	       gpointer user_data, GError **error)
{
	ArcTcpIo *io = g_new0(ArcTcpIo, 1);

	io->listener.kind = ARC_TCP_EP_LISTENER;
	io->listener.fd = listen_fd;
	io->wake.kind = ARC_TCP_EP_WAKE;
	io->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	io->epfd = epoll_create1(EPOLL_CLOEXEC);
	io->identity = identity;
	io->handoff = g_new0(ArcTcpHandoffQueue, 1);
	io->handoff->refcount = 1;
	g_mutex_init(&io->handoff->lock);
	io->handoff->items = g_ptr_array_new();
	io->handoff->context = g_main_context_ref_thread_default();
	io->handoff->incoming = incoming;
	io->handoff->incoming_data = user_data;
	io->commands = g_async_queue_new();
	g_mutex_init(&io->lock);
	io->conns = g_hash_table_new(NULL, NULL);
	io->by_peer = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
					    (GDestroyNotify)g_bytes_unref, NULL);
	io->last_stamp =
		g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
				      (GDestroyNotify)g_bytes_unref);
	io->graveyard = g_ptr_array_new();
	pegasus_session_config_init(&io->config);
	if (io->wake.fd < 0 || io->epfd < 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "epoll: %s", g_strerror(errno));
		arc_tcp_io_free(io);
		return NULL;
	}
	arc_tcp_ep_set(io, &io->listener, EPOLLIN);
	arc_tcp_ep_set(io, &io->wake, EPOLLIN);
	io->thread = g_thread_new("arc-tcp-io", arc_tcp_io_thread, io);
	return io;
}

static void
arc_tcp_io_push(ArcTcpIo *self, ArcTcpConnect *req)
{
	guint64 one = 1;

	g_async_queue_push(self->commands, req);
	if (write(self->wake.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		g_warning("tcp: eventfd: %s", g_strerror(errno));
}

static ArcTcpConnect *
arc_tcp_cmd_new(ArcTcpCmdKind kind)
{
	ArcTcpConnect *req = g_new0(ArcTcpConnect, 1);

	req->kind = kind;
	req->plugin_fd = -1;
	return req;
}

void
arc_tcp_io_free(ArcTcpIo *self)
{
	if (self == NULL)
		return;
	if (self->thread != NULL) {
		arc_tcp_io_push(self, arc_tcp_cmd_new(ARC_TCP_CMD_STOP));
		g_thread_join(self->thread);
	}
	if (self->listener.fd >= 0)
		close(self->listener.fd);
	if (self->wake.fd >= 0)
		close(self->wake.fd);
	if (self->epfd >= 0)
		close(self->epfd);
	/* the connects answered at stop and the streams nobody will take are settled now, on
	 * the main thread that stops us; a drain still scheduled finds nothing */
	g_mutex_lock(&self->handoff->lock);
	self->handoff->closed = TRUE;
	g_mutex_unlock(&self->handoff->lock);
	arc_tcp_handoff_drain(self->handoff);
	arc_tcp_handoff_unref(self->handoff);
	pegasus_identity_free(self->identity);
	g_async_queue_unref(self->commands);
	g_mutex_clear(&self->lock);
	g_clear_pointer(&self->allowed, g_hash_table_unref);
	g_hash_table_destroy(self->conns);
	g_hash_table_destroy(self->by_peer);
	g_hash_table_destroy(self->last_stamp);
	g_ptr_array_free(self->graveyard, TRUE);
	g_free(self);
}

void
arc_tcp_io_set_peers(ArcTcpIo *self, GHashTable *allowed)
{
	g_mutex_lock(&self->lock);
	g_clear_pointer(&self->allowed, g_hash_table_unref);
	self->allowed = allowed;
	g_mutex_unlock(&self->lock);
	arc_tcp_io_push(self, arc_tcp_cmd_new(ARC_TCP_CMD_PEERS));
}

void
arc_tcp_io_connect(ArcTcpIo *self, const guint8 remote_key[PEGASUS_KEY_LEN], const gchar *peer_id,
		   GBytes *public_key, GSocketAddress *address, int plugin_fd,
		   GSocketConnection *connection, GTask *task)
{
	ArcTcpConnect *req = arc_tcp_cmd_new(ARC_TCP_CMD_CONNECT);

	memcpy(req->remote_key, remote_key, PEGASUS_KEY_LEN);
	req->peer_id = g_strdup(peer_id);
	req->public_key = g_bytes_ref(public_key);
	req->address = g_object_ref(address);
	req->plugin_fd = plugin_fd;
	req->connection = connection;
	req->task = task;
	arc_tcp_io_push(self, req);
}
