/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-kcp-io.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-kcp-fec.h"
#include "arc-kcp.h"
#include "arctic-plugin.h"
#include "pegasus-session.h"

/* Conversations (docs/protocol.md "KCP transport"): the dialling side picks a random
 * conversation id and sends from a UDP socket of its own, connected to the peer's port, so
 * that two peers dialling each other at once make two conversations; the listener tells the
 * conversations peers opened apart by their source address and takes the id from their first
 * segment. Both ends run the ARQ in nodelay mode (10 ms, fast resend 2, no congestion window)
 * with windows about the bandwidth-delay product of 100 Mbit/s at 50 ms, under FEC 10+3. */
#define ARC_KCP_UDP_MTU 1400
#define ARC_KCP_ARQ_MTU (ARC_KCP_UDP_MTU - ARC_KCP_FEC_DATA_OVERHEAD)
#define ARC_KCP_WND 512
#define ARC_KCP_FEC_K 10
#define ARC_KCP_FEC_M 3
#define ARC_KCP_INTERVAL_MS 10
/* conversations peers opened that have not finished their handshake: each holds its windows
 * (about 1.4 MB), so a flood of source addresses is bounded by this many */
#define ARC_KCP_MAX_PENDING 16
#define ARC_KCP_SOCKET_BUFFER (4 * 1024 * 1024)
/* "no such conversation" (docs/protocol.md §9.5): type, 3 zero bytes, the conversation id */
#define ARC_KCP_RESET_TYPE 0xf3
#define ARC_KCP_RESET_LEN 8

/* a handshake must finish within this; an established session with nothing received for
 * ARC_KCP_IDLE_PING gets a PING, and is dropped after ARC_KCP_DEAD of silence */
#define ARC_KCP_HANDSHAKE_TIMEOUT (10 * G_USEC_PER_SEC)
#define ARC_KCP_IDLE_PING (15 * G_USEC_PER_SEC)
#define ARC_KCP_DEAD (45 * G_USEC_PER_SEC)
/* bytes one stream or connection may move per wakeup before others get their turn */
#define ARC_KCP_BUDGET (512 * 1024)
#define ARC_KCP_MAX_EVENTS 64

typedef enum {
	ARC_KCP_EP_LISTENER,
	ARC_KCP_EP_WAKE,
	ARC_KCP_EP_CONN, /* a dialled conversation's own UDP socket */
	ARC_KCP_EP_STREAM,
} ArcKcpEpKind;

typedef enum {
	ARC_KCP_CONN_HS_INITIATOR,
	ARC_KCP_CONN_HS_RESPONDER,
	ARC_KCP_CONN_ESTABLISHED,
	ARC_KCP_CONN_DEAD,
} ArcKcpConnState;

typedef struct {
	ArcKcpEpKind kind;
	int fd;
	guint32 events; /* registered with epoll; 0 = not registered */
	gboolean dead;  /* freed at the end of the loop iteration */
} ArcKcpEp;

typedef struct _ArcKcpConn ArcKcpConn;

typedef struct {
	ArcKcpEp ep;
	ArcKcpConn *conn;
	guint32 id;
	gboolean rd_eof; /* the agent's end will write no more: FIN sent */
} ArcKcpStream;

struct _ArcKcpConn {
	ArcKcpEp ep; /* the dialler's own socket; fd -1 for a conversation a peer opened */
	ArcKcpIo *io;
	ArcKcp *kcp; /* NULL until a peer's first segment names the conversation */
	ArcKcpFecEncoder *enc;
	ArcKcpFecDecoder *dec;
	struct sockaddr_storage addr; /* where the listener's datagrams for it go */
	socklen_t addr_len;
	GBytes *addr_key; /* its key in by_addr (a conversation a peer opened) */
	gboolean counted; /* in n_pending */
	gboolean touched; /* in the touched list of the current batch */
	ArcKcpConnState state;
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
	GHashTable *streams; /* id -> ArcKcpStream */
	GPtrArray *pending;  /* ArcKcpConnect waiting for the handshake */
	gboolean out_full;   /* streams wait until the output drains */
	gint64 deadline;
	gint64 last_rx;
	gint64 last_ping;
};

typedef enum {
	ARC_KCP_CMD_CONNECT,
	ARC_KCP_CMD_PEERS,
	ARC_KCP_CMD_STOP,
} ArcKcpCmdKind;

typedef struct {
	ArcKcpCmdKind kind;
	guint8 remote_key[PEGASUS_KEY_LEN];
	gchar *peer_id;
	GBytes *public_key;
	GSocketAddress *address;
	int plugin_fd;
	GSocketConnection *connection;
	GTask *task;
} ArcKcpConnect;

struct _ArcKcpIo {
	ArcKcpEp listener; /* the UDP socket */
	ArcKcpEp wake;
	int epfd;
	PegasusIdentity *identity;
	ArcKcpIncomingFunc incoming;
	gpointer incoming_data;
	GThread *thread;
	GAsyncQueue *commands; /* ArcKcpConnect */
	GMutex lock;           /* guards allowed */
	GHashTable *allowed;   /* X25519 key -> ArcKcpAllowed */
	/* the I/O thread's own */
	GHashTable *conns;      /* ArcKcpConn set */
	GHashTable *by_peer;    /* X25519 key (GBytes) -> the newest established ArcKcpConn */
	GHashTable *last_stamp; /* X25519 key (GBytes) -> newest accepted timestamp (GBytes) */
	GPtrArray *graveyard;   /* ArcKcpEp freed after the current batch of events */
	GHashTable *by_addr;    /* sockaddr bytes (GBytes) -> ArcKcpConn a peer opened */
	guint n_pending;        /* of those, not yet through their handshake */
	GPtrArray *touched;     /* conversations that received datagrams in this batch */
	GPtrArray *dead;        /* scratch: conversations found dead by the timers */
	guint8 rx[65536];       /* one datagram */
	PegasusSessionConfig config;
	gboolean stopping;
};

static void arc_kcp_conn_fail(ArcKcpConn *conn, const gchar *why);
static GPtrArray *arc_kcp_io_conn_list(ArcKcpIo *io);
static void arc_kcp_conn_write(ArcKcpConn *conn);
static void arc_kcp_stream_update(ArcKcpStream *stream);
static void arc_kcp_conn_pump(ArcKcpConn *conn);

static void arc_kcp_conn_send_reset(ArcKcpConn *conn);

static guint32
arc_kcp_now_ms(void)
{
	return (guint32)(g_get_monotonic_time() / 1000);
}

static guint32
arc_kcp_get32(const guint8 *p)
{
	return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

void
arc_kcp_allowed_free(gpointer data)
{
	ArcKcpAllowed *allowed = data;

	g_free(allowed->peer_id);
	g_bytes_unref(allowed->public_key);
	g_free(allowed);
}

static void
arc_kcp_connect_free(ArcKcpConnect *req)
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

static void
arc_kcp_connect_fail(ArcKcpConnect *req, const gchar *message)
{
	g_task_return_new_error(req->task, ARC_ERROR, ARC_ERROR_PEER_UNREACHABLE, "%s", message);
	arc_kcp_connect_free(req);
}

/* bursts of a window at 100 Mbit/s must not overflow the default socket buffers */
static void
arc_kcp_io_tune_socket(int fd)
{
	int size = ARC_KCP_SOCKET_BUFFER;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* registers, changes or drops ep's epoll interest: 0 events means not registered, so a
 * hung-up socket nobody wants to hear from cannot spin the loop */
static void
arc_kcp_ep_set(ArcKcpIo *io, ArcKcpEp *ep, guint32 events)
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
		g_warning("kcp: epoll_ctl: %s", g_strerror(errno));
	ep->events = events;
}

/* takes ep out of the loop for good; its memory goes when the current batch is done */
static void
arc_kcp_ep_bury(ArcKcpIo *io, ArcKcpEp *ep)
{
	arc_kcp_ep_set(io, ep, 0);
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
	ep->dead = TRUE;
	g_ptr_array_add(io->graveyard, ep);
}

/* ---- streams: the plugin's end of a socketpair, relayed into the session ---- */

static ArcKcpStream *
arc_kcp_stream_new(ArcKcpConn *conn, guint32 id, int fd)
{
	ArcKcpStream *stream = g_new0(ArcKcpStream, 1);

	stream->ep.kind = ARC_KCP_EP_STREAM;
	stream->ep.fd = fd;
	stream->conn = conn;
	stream->id = id;
	g_hash_table_insert(conn->streams, GUINT_TO_POINTER(id), stream);
	pegasus_session_stream_set_user_data(conn->session, id, stream);
	arc_kcp_stream_update(stream);
	return stream;
}

/* closes the plugin's end: the agent reads EOF after what was already written to it */
static void
arc_kcp_stream_destroy(ArcKcpStream *stream)
{
	g_hash_table_remove(stream->conn->streams, GUINT_TO_POINTER(stream->id));
	arc_kcp_ep_bury(stream->conn->io, &stream->ep);
}

/* aborts the stream both ways: RST to the remote */
static void
arc_kcp_stream_kill(ArcKcpStream *stream)
{
	pegasus_session_stream_reset(stream->conn->session, stream->id);
	arc_kcp_stream_destroy(stream);
}

static void
arc_kcp_stream_update(ArcKcpStream *stream)
{
	ArcKcpConn *conn = stream->conn;
	guint32 events = 0;
	gsize pending = 0;

	if (!stream->rd_eof && !conn->out_full &&
	    pegasus_session_stream_credit(conn->session, stream->id) > 0)
		events |= EPOLLIN;
	pegasus_session_stream_peek(conn->session, stream->id, &pending);
	if (pending > 0)
		events |= EPOLLOUT;
	arc_kcp_ep_set(conn->io, &stream->ep, events);
}

static ArcKcpStream *
arc_kcp_conn_stream(ArcKcpConn *conn, guint32 id)
{
	return g_hash_table_lookup(conn->streams, GUINT_TO_POINTER(id));
}

/* the agent's bytes into records, read straight into the session's output buffer */
static void
arc_kcp_stream_readable(ArcKcpStream *stream)
{
	ArcKcpConn *conn = stream->conn;
	guint32 id = stream->id;
	gsize budget = ARC_KCP_BUDGET;

	while (budget > 0) {
		gsize max;
		guint8 *p = pegasus_session_data_reserve(conn->session, id, &max);
		gssize n;

		if (p == NULL)
			break;
		n = read(stream->ep.fd, p, max);
		if (n > 0) {
			pegasus_session_data_commit(conn->session, id, (gsize)n);
			budget -= MIN(budget, (gsize)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			arc_kcp_stream_kill(stream);
			return;
		}
		stream->rd_eof = TRUE;
		pegasus_session_stream_fin(conn->session, id);
		break;
	}
	if (pegasus_session_output_pending(conn->session) >= conn->io->config.output_soft_limit)
		conn->out_full = TRUE;
	/* the FIN may have closed the stream (the remote had finished too) */
	stream = arc_kcp_conn_stream(conn, id);
	if (stream != NULL)
		arc_kcp_stream_update(stream);
}

/* what the agent's end could not take before: written now */
static void
arc_kcp_stream_writable(ArcKcpStream *stream)
{
	ArcKcpConn *conn = stream->conn;
	guint32 id = stream->id;
	gsize len;
	const guint8 *data = pegasus_session_stream_peek(conn->session, id, &len);
	gssize n;

	if (len == 0)
		return;
	n = send(stream->ep.fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		arc_kcp_stream_kill(stream);
		return;
	}
	pegasus_session_stream_drain(conn->session, id, (gsize)n);
	stream = arc_kcp_conn_stream(conn, id);
	if (stream != NULL)
		arc_kcp_stream_update(stream);
}

static void
arc_kcp_stream_event(ArcKcpStream *stream, guint32 events)
{
	ArcKcpConn *conn = stream->conn;
	guint32 id = stream->id;

	if (conn->state != ARC_KCP_CONN_ESTABLISHED)
		return;
	/* a hang-up is handled by the read or write that notices it */
	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP) && (stream->ep.events & EPOLLOUT))
		arc_kcp_stream_writable(stream);
	stream = arc_kcp_conn_stream(conn, id);
	if (stream != NULL && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) &&
	    (stream->ep.events & EPOLLIN))
		arc_kcp_stream_readable(stream);
	arc_kcp_conn_write(conn);
}

/* ---- session callbacks (on the I/O thread, while the session processes input) ---- */

static void
arc_kcp_on_opened(PegasusSession *session, guint32 id, gpointer user_data)
{
	ArcKcpConn *conn = user_data;
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
		g_warning("kcp: stream from %s: socketpair: %s", conn->peer_id, g_strerror(errno));
		pegasus_session_stream_reset(session, id);
		return;
	}
	arc_kcp_stream_new(conn, id, fds[0]);
	conn->io->incoming(fds[1], conn->peer_id, conn->public_key, conn->remote,
			   conn->io->incoming_data);
}

static gsize
arc_kcp_on_data(PegasusSession *session, guint32 id, gpointer stream_user_data, const guint8 *data,
		gsize len, gpointer user_data)
{
	ArcKcpStream *stream = stream_user_data;
	gssize n;

	if (stream == NULL)
		return len;
	n = send(stream->ep.fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n >= 0) {
		if ((gsize)n < len)
			arc_kcp_ep_set(stream->conn->io, &stream->ep, stream->ep.events | EPOLLOUT);
		return (gsize)n;
	}
	if (errno == EAGAIN || errno == EINTR) {
		arc_kcp_ep_set(stream->conn->io, &stream->ep, stream->ep.events | EPOLLOUT);
		return 0;
	}
	/* the agent closed its end: nobody will read the rest */
	arc_kcp_stream_kill(stream);
	return len;
}

static void
arc_kcp_on_writable(PegasusSession *session, guint32 id, gpointer stream_user_data,
		    gpointer user_data)
{
	if (stream_user_data != NULL)
		arc_kcp_stream_update(stream_user_data);
}

static void
arc_kcp_on_fin(PegasusSession *session, guint32 id, gpointer stream_user_data, gpointer user_data)
{
	ArcKcpStream *stream = stream_user_data;

	if (stream != NULL)
		shutdown(stream->ep.fd, SHUT_WR);
}

static void
arc_kcp_on_closed(PegasusSession *session, guint32 id, gpointer stream_user_data, gboolean reset,
		  gpointer user_data)
{
	if (stream_user_data != NULL)
		arc_kcp_stream_destroy(stream_user_data);
}

static const PegasusSessionCallbacks arc_kcp_callbacks = {
	.stream_opened = arc_kcp_on_opened,
	.stream_data = arc_kcp_on_data,
	.stream_writable = arc_kcp_on_writable,
	.stream_fin = arc_kcp_on_fin,
	.stream_closed = arc_kcp_on_closed,
};

/* ---- connections ---- */

static ArcKcpConn *
arc_kcp_conn_new(ArcKcpIo *io, int fd, ArcKcpConnState state)
{
	ArcKcpConn *conn = g_new0(ArcKcpConn, 1);

	conn->ep.kind = ARC_KCP_EP_CONN;
	conn->ep.fd = fd;
	conn->io = io;
	conn->state = state;
	conn->initiator = state == ARC_KCP_CONN_HS_INITIATOR;
	conn->streams = g_hash_table_new(NULL, NULL);
	conn->pending = g_ptr_array_new();
	conn->deadline = g_get_monotonic_time() + ARC_KCP_HANDSHAKE_TIMEOUT;
	g_hash_table_add(io->conns, conn);
	return conn;
}

static void
arc_kcp_conn_free(ArcKcpConn *conn)
{
	g_free(conn->peer_id);
	g_clear_pointer(&conn->public_key, g_bytes_unref);
	g_clear_object(&conn->remote);
	g_clear_pointer(&conn->hs, pegasus_handshake_free);
	g_clear_pointer(&conn->session, pegasus_session_free);
	g_hash_table_destroy(conn->streams);
	g_ptr_array_free(conn->pending, TRUE);
	arc_kcp_free(conn->kcp);
	arc_kcp_fec_encoder_free(conn->enc);
	arc_kcp_fec_decoder_free(conn->dec);
	g_clear_pointer(&conn->addr_key, g_bytes_unref);
	g_free(conn);
}

static GBytes *
arc_kcp_key_bytes(const guint8 key[PEGASUS_KEY_LEN])
{
	return g_bytes_new(key, PEGASUS_KEY_LEN);
}

/* every stream ends (the agent reads EOF), every waiting connect fails */
static void
arc_kcp_conn_fail(ArcKcpConn *conn, const gchar *why)
{
	ArcKcpIo *io = conn->io;
	g_autoptr(GBytes) key = arc_kcp_key_bytes(conn->remote_key);
	GHashTableIter iter;
	gpointer stream;

	if (conn->state == ARC_KCP_CONN_DEAD)
		return;
	/* the other end learns at once, instead of after its ARQ gives up */
	arc_kcp_conn_send_reset(conn);
	if (conn->state == ARC_KCP_CONN_ESTABLISHED || conn->initiator)
		g_message("kcp: session with %s closed: %s", conn->peer_id ? conn->peer_id : "?",
			  why);
	conn->state = ARC_KCP_CONN_DEAD;
	g_hash_table_iter_init(&iter, conn->streams);
	while (g_hash_table_iter_next(&iter, NULL, &stream)) {
		g_hash_table_iter_steal(&iter);
		arc_kcp_ep_bury(io, &((ArcKcpStream *)stream)->ep);
	}
	for (guint i = 0; i < conn->pending->len; i++)
		arc_kcp_connect_fail(g_ptr_array_index(conn->pending, i), why);
	g_ptr_array_set_size(conn->pending, 0);
	if (g_hash_table_lookup(io->by_peer, key) == conn)
		g_hash_table_remove(io->by_peer, key);
	if (conn->addr_key != NULL && g_hash_table_lookup(io->by_addr, conn->addr_key) == conn)
		g_hash_table_remove(io->by_addr, conn->addr_key);
	if (conn->counted)
		io->n_pending--;
	conn->counted = FALSE;
	g_hash_table_remove(io->conns, conn);
	arc_kcp_ep_bury(io, &conn->ep);
}

/* a dialled conversation hears on its own socket; one a peer opened, on the listener's */
static void
arc_kcp_conn_update(ArcKcpConn *conn)
{
	if (conn->ep.fd >= 0)
		arc_kcp_ep_set(conn->io, &conn->ep, EPOLLIN);
}

/* the handshake message, then the session's records, as far as the ARQ's send window takes
 * them (the rest waits for acknowledgements: arc_kcp_conn_write() runs after each input) */
static gboolean
arc_kcp_conn_send(ArcKcpConn *conn)
{
	if (conn->kcp == NULL)
		return TRUE;
	while (conn->hs_out_off < conn->hs_out_len) {
		gssize n = arc_kcp_send(conn->kcp, conn->hs_out + conn->hs_out_off,
					conn->hs_out_len - conn->hs_out_off);
		if (n <= 0)
			return TRUE;
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
		n = arc_kcp_send(conn->kcp, out, len);
		if (n <= 0)
			return TRUE;
		pegasus_session_output_consume(conn->session, (gsize)n);
	}
}

/* once the output has drained to half its limit, the streams that waited read again */
static void
arc_kcp_conn_unblock(ArcKcpConn *conn)
{
	GHashTableIter iter;
	gpointer stream;

	if (!conn->out_full ||
	    pegasus_session_output_pending(conn->session) > conn->io->config.output_soft_limit / 2)
		return;
	conn->out_full = FALSE;
	g_hash_table_iter_init(&iter, conn->streams);
	while (g_hash_table_iter_next(&iter, NULL, &stream))
		arc_kcp_stream_update(stream);
}

static void
arc_kcp_conn_write(ArcKcpConn *conn)
{
	if (conn->state == ARC_KCP_CONN_DEAD)
		return;
	arc_kcp_conn_send(conn);
	if (conn->session != NULL && pegasus_session_get_error(conn->session) != 0) {
		arc_kcp_conn_fail(conn, pegasus_session_result_to_string(
						pegasus_session_get_error(conn->session)));
		return;
	}
	if (conn->session != NULL)
		arc_kcp_conn_unblock(conn);
	arc_kcp_conn_update(conn);
}

/* a stream for a waiting connect: registered, and the agent's end handed over at once */
static void
arc_kcp_conn_open_stream(ArcKcpConn *conn, ArcKcpConnect *req)
{
	guint32 id;

	if (pegasus_session_open_stream(conn->session, NULL, &id) != PEGASUS_SESSION_OK) {
		arc_kcp_connect_fail(req, "too many streams to this peer");
		return;
	}
	arc_kcp_stream_new(conn, id, req->plugin_fd);
	req->plugin_fd = -1;
	g_task_return_pointer(req->task, g_steal_pointer(&req->connection), g_object_unref);
	arc_kcp_connect_free(req);
}

static void
arc_kcp_conn_established(ArcKcpConn *conn, const PegasusKeys *keys)
{
	ArcKcpIo *io = conn->io;

	conn->session = pegasus_session_new(keys, &io->config, &arc_kcp_callbacks, conn);
	conn->state = ARC_KCP_CONN_ESTABLISHED;
	conn->deadline = 0;
	if (conn->counted)
		io->n_pending--;
	conn->counted = FALSE;
	conn->last_rx = conn->last_ping = g_get_monotonic_time();
	g_clear_pointer(&conn->hs, pegasus_handshake_free);
	g_hash_table_replace(io->by_peer, arc_kcp_key_bytes(conn->remote_key), conn);
	for (guint i = 0; i < conn->pending->len; i++)
		arc_kcp_conn_open_stream(conn, g_ptr_array_index(conn->pending, i));
	g_ptr_array_set_size(conn->pending, 0);
}

/* ---- handshakes ---- */

/* the dialled peer answered: its key is the one we asked for, or nothing opens */
static void
arc_kcp_conn_read_response(ArcKcpConn *conn)
{
	PegasusKeys keys;
	PegasusHsResult result;

	result = pegasus_handshake_read_response(conn->hs, conn->hs_in, conn->hs_in_len, &keys);
	if (result != PEGASUS_HS_OK) {
		arc_kcp_conn_fail(conn, pegasus_hs_result_to_string(result));
		return;
	}
	arc_kcp_conn_established(conn, &keys);
	pegasus_keys_wipe(&keys);
}

/* an allowed peer whose initiation is newer than the last accepted from it */
static const gchar *
arc_kcp_conn_admit(ArcKcpConn *conn, const guint8 stamp[PEGASUS_TIMESTAMP_LEN])
{
	ArcKcpIo *io = conn->io;
	g_autoptr(GBytes) key = arc_kcp_key_bytes(conn->remote_key);
	ArcKcpAllowed *allowed;
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
arc_kcp_conn_read_initiation(ArcKcpConn *conn)
{
	guint8 stamp[PEGASUS_TIMESTAMP_LEN];
	PegasusKeys keys;
	PegasusHsResult result;
	const gchar *refused;

	result = pegasus_handshake_read_initiation(conn->hs, conn->hs_in, conn->hs_in_len,
						   conn->remote_key, stamp);
	refused = result != PEGASUS_HS_OK ? pegasus_hs_result_to_string(result)
					  : arc_kcp_conn_admit(conn, stamp);
	if (refused != NULL) {
		g_autofree gchar *addr =
			conn->remote != NULL
				? g_socket_connectable_to_string(G_SOCKET_CONNECTABLE(conn->remote))
				: g_strdup("?");
		g_message("kcp: handshake from %s refused: %s", addr, refused);
		arc_kcp_conn_fail(conn, refused);
		return;
	}
	result = pegasus_handshake_write_response(conn->hs, conn->hs_out, &keys);
	if (result != PEGASUS_HS_OK) {
		arc_kcp_conn_fail(conn, pegasus_hs_result_to_string(result));
		return;
	}
	conn->hs_out_len = PEGASUS_RESPONSE_LEN;
	conn->hs_out_off = 0;
	arc_kcp_conn_established(conn, &keys);
	pegasus_keys_wipe(&keys);
}

/* gathers the fixed-size handshake message; FALSE until it is whole */
static gboolean
arc_kcp_conn_hs_read(ArcKcpConn *conn, gsize want)
{
	while (conn->hs_in_len < want && conn->kcp != NULL) {
		/* exactly the message: the records behind it are the session's */
		gssize n = arc_kcp_recv(conn->kcp, conn->hs_in + conn->hs_in_len,
					want - conn->hs_in_len);
		if (n <= 0)
			return FALSE;
		conn->hs_in_len += (gsize)n;
	}
	return conn->hs_in_len == want;
}

/* received records: from the ARQ straight into the session's input buffer */
static void
arc_kcp_conn_readable(ArcKcpConn *conn)
{
	gsize budget = ARC_KCP_BUDGET;

	while (budget > 0 && conn->state == ARC_KCP_CONN_ESTABLISHED) {
		gsize space;
		guint8 *p = pegasus_session_input_space(conn->session, &space);
		gssize n = arc_kcp_recv(conn->kcp, p, space);

		if (n <= 0)
			break;
		pegasus_session_input_commit(conn->session, (gsize)n);
		if (pegasus_session_process(conn->session) != PEGASUS_SESSION_OK)
			return; /* arc_kcp_conn_write() reports it */
		budget -= MIN(budget, (gsize)n);
	}
}

/* what the ARQ delivered, by state; then what can be sent */
static void
arc_kcp_conn_pump(ArcKcpConn *conn)
{
	if (conn->state == ARC_KCP_CONN_HS_INITIATOR &&
	    arc_kcp_conn_hs_read(conn, PEGASUS_RESPONSE_LEN))
		arc_kcp_conn_read_response(conn);
	else if (conn->state == ARC_KCP_CONN_HS_RESPONDER &&
		 arc_kcp_conn_hs_read(conn, PEGASUS_INITIATION_LEN))
		arc_kcp_conn_read_initiation(conn);
	if (conn->state == ARC_KCP_CONN_ESTABLISHED)
		arc_kcp_conn_readable(conn);
	arc_kcp_conn_write(conn);
}

/* ---- datagrams ---- */

static void
arc_kcp_conn_udp_out_cb(const guint8 *data, gsize len, gpointer user_data)
{
	ArcKcpConn *conn = user_data;

	/* a datagram the socket cannot take now is a lost one: the ARQ sends it again */
	if (conn->ep.fd >= 0)
		(void)!send(conn->ep.fd, data, len, MSG_DONTWAIT);
	else
		(void)!sendto(conn->io->listener.fd, data, len, MSG_DONTWAIT,
			      (struct sockaddr *)&conn->addr, conn->addr_len);
}

static void
arc_kcp_conn_send_reset(ArcKcpConn *conn)
{
	guint8 msg[ARC_KCP_RESET_LEN] = {ARC_KCP_RESET_TYPE};
	guint32 conv;

	if (conn->kcp == NULL)
		return;
	conv = arc_kcp_get_conv(conn->kcp);
	msg[4] = (guint8)(conv >> 24), msg[5] = (guint8)(conv >> 16);
	msg[6] = (guint8)(conv >> 8), msg[7] = (guint8)conv;
	arc_kcp_conn_udp_out_cb(msg, sizeof(msg), conn);
}

static void
arc_kcp_conn_arq_out_cb(const guint8 *data, gsize len, gpointer user_data)
{
	ArcKcpConn *conn = user_data;

	arc_kcp_fec_encoder_push(conn->enc, data, len, arc_kcp_conn_udp_out_cb, conn);
}

static void
arc_kcp_conn_start_arq(ArcKcpConn *conn, guint32 conv)
{
	conn->kcp = arc_kcp_new(conv, ARC_KCP_ARQ_MTU, ARC_KCP_WND, ARC_KCP_WND,
				arc_kcp_conn_arq_out_cb, conn);
	arc_kcp_set_stream(conn->kcp, TRUE);
	arc_kcp_set_nodelay(conn->kcp, TRUE, ARC_KCP_INTERVAL_MS, 2, TRUE);
}

/* one ARQ datagram out of the FEC decoder */
static void
arc_kcp_conn_arq_in_cb(const guint8 *data, gsize len, gpointer user_data)
{
	ArcKcpConn *conn = user_data;

	if (conn->kcp == NULL) {
		if (len < ARC_KCP_HEADER_SIZE)
			return;
		arc_kcp_conn_start_arq(conn, arc_kcp_get32(data));
	}
	if (arc_kcp_input(conn->kcp, data, len, arc_kcp_now_ms()) == ARC_KCP_INPUT_OK)
		conn->last_rx = g_get_monotonic_time();
}

static void
arc_kcp_conn_datagram(ArcKcpConn *conn, const guint8 *data, gsize len)
{
	ArcKcpIo *io = conn->io;

	if (len == ARC_KCP_RESET_LEN && data[0] == ARC_KCP_RESET_TYPE) {
		if (conn->kcp != NULL && arc_kcp_get32(data + 4) == arc_kcp_get_conv(conn->kcp))
			arc_kcp_conn_fail(conn, "reset by the peer");
		return;
	}
	arc_kcp_fec_decoder_input(conn->dec, data, len, arc_kcp_conn_arq_in_cb, conn);
	if (!conn->touched) {
		conn->touched = TRUE;
		g_ptr_array_add(io->touched, conn);
	}
}

static void
arc_kcp_conn_init_fec(ArcKcpConn *conn)
{
	conn->enc = arc_kcp_fec_encoder_new(ARC_KCP_FEC_K, ARC_KCP_FEC_M, ARC_KCP_ARQ_MTU);
	conn->dec = arc_kcp_fec_decoder_new(ARC_KCP_FEC_K, ARC_KCP_FEC_M, ARC_KCP_ARQ_MTU);
}

/* a dialled conversation's own socket */
static void
arc_kcp_conn_event(ArcKcpConn *conn, guint32 events)
{
	ArcKcpIo *io = conn->io;

	for (guint i = 0; i < 256 && conn->state != ARC_KCP_CONN_DEAD; i++) {
		gssize n = recv(conn->ep.fd, io->rx, sizeof(io->rx), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			/* ICMP port unreachable and the like: the ARQ's timers decide */
			continue;
		}
		arc_kcp_conn_datagram(conn, io->rx, (gsize)n);
	}
}

/* ---- the loop ---- */

/* a conversation a peer opens: bounded by ARC_KCP_MAX_PENDING until its handshake is done */
static ArcKcpConn *
arc_kcp_io_new_responder(ArcKcpIo *io, const struct sockaddr_storage *ss, socklen_t len,
			 GBytes *key)
{
	ArcKcpConn *conn;

	if (io->stopping || io->n_pending >= ARC_KCP_MAX_PENDING)
		return NULL;
	conn = arc_kcp_conn_new(io, -1, ARC_KCP_CONN_HS_RESPONDER);
	memcpy(&conn->addr, ss, len);
	conn->addr_len = len;
	conn->addr_key = g_bytes_ref(key);
	conn->counted = TRUE;
	io->n_pending++;
	conn->remote = g_socket_address_new_from_native((gpointer)ss, len);
	conn->hs = pegasus_handshake_new_responder(io->identity);
	arc_kcp_conn_init_fec(conn);
	g_hash_table_insert(io->by_addr, g_bytes_ref(key), conn);
	return conn;
}

/* A datagram from an address with no conversation: the first datagram of a new one (a data
 * shard whose first segment is PUSH 0) makes one; any other data shard is answered with a
 * reset, so that a peer whose conversation this side dropped learns it at once */
static ArcKcpConn *
arc_kcp_io_unknown(ArcKcpIo *io, const guint8 *data, gsize len, const struct sockaddr_storage *ss,
		   socklen_t ss_len, GBytes *key)
{
	const guint8 *seg = data + ARC_KCP_FEC_DATA_OVERHEAD;
	guint8 msg[ARC_KCP_RESET_LEN] = {ARC_KCP_RESET_TYPE};

	if (len < ARC_KCP_FEC_DATA_OVERHEAD + ARC_KCP_HEADER_SIZE ||
	    data[0] != ARC_KCP_FEC_TYPE_DATA)
		return NULL;
	if (seg[4] == ARC_KCP_CMD_PUSH && arc_kcp_get32(seg + 12) == 0)
		return arc_kcp_io_new_responder(io, ss, ss_len, key);
	memcpy(msg + 4, seg, 4);
	(void)!sendto(io->listener.fd, msg, sizeof(msg), MSG_DONTWAIT, (const struct sockaddr *)ss,
		      ss_len);
	return NULL;
}

static void
arc_kcp_io_receive(ArcKcpIo *io)
{
	for (guint i = 0; i < 256; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		gssize n = recvfrom(io->listener.fd, io->rx, sizeof(io->rx), MSG_DONTWAIT,
				    (struct sockaddr *)&ss, &len);
		g_autoptr(GBytes) key = NULL;
		ArcKcpConn *conn;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0)
			continue;
		key = g_bytes_new(&ss, len);
		conn = g_hash_table_lookup(io->by_addr, key);
		if (conn == NULL)
			conn = arc_kcp_io_unknown(io, io->rx, (gsize)n, &ss, len, key);
		if (conn != NULL)
			arc_kcp_conn_datagram(conn, io->rx, (gsize)n);
	}
}

static ArcKcpConn *
arc_kcp_io_dial(ArcKcpIo *io, ArcKcpConnect *req)
{
	struct sockaddr_storage ss;
	gsize len = g_socket_address_get_native_size(req->address);
	ArcKcpConn *conn;
	int fd;

	if (!g_socket_address_to_native(req->address, &ss, sizeof(ss), NULL))
		return NULL;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	arc_kcp_io_tune_socket(fd);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) != 0) {
		int err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	conn = arc_kcp_conn_new(io, fd, ARC_KCP_CONN_HS_INITIATOR);
	memcpy(conn->remote_key, req->remote_key, PEGASUS_KEY_LEN);
	conn->peer_id = g_strdup(req->peer_id);
	conn->public_key = g_bytes_ref(req->public_key);
	conn->remote = g_object_ref(req->address);
	conn->hs = pegasus_handshake_new_initiator(io->identity, req->remote_key);
	arc_kcp_conn_init_fec(conn);
	/* a random conversation id: a stale datagram of an earlier one is not taken for this */
	arc_kcp_conn_start_arq(conn, g_random_int());
	if (pegasus_handshake_write_initiation(conn->hs, conn->hs_out) != PEGASUS_HS_OK) {
		arc_kcp_conn_fail(conn, "bad key");
		errno = EINVAL;
		return NULL;
	}
	conn->hs_out_len = PEGASUS_INITIATION_LEN;
	arc_kcp_conn_update(conn);
	arc_kcp_conn_write(conn);
	return conn;
}

/* the session to that peer if one is up, else one being dialled, else a new one */
static void
arc_kcp_io_do_connect(ArcKcpIo *io, ArcKcpConnect *req)
{
	g_autoptr(GBytes) key = arc_kcp_key_bytes(req->remote_key);
	ArcKcpConn *conn = g_hash_table_lookup(io->by_peer, key);
	GHashTableIter iter;
	gpointer candidate;

	if (conn != NULL) {
		arc_kcp_conn_open_stream(conn, req);
		arc_kcp_conn_write(conn);
		return;
	}
	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &candidate, NULL)) {
		ArcKcpConn *c = candidate;
		if (c->initiator && c->state != ARC_KCP_CONN_ESTABLISHED &&
		    memcmp(c->remote_key, req->remote_key, PEGASUS_KEY_LEN) == 0) {
			g_ptr_array_add(c->pending, req);
			return;
		}
	}
	conn = arc_kcp_io_dial(io, req);
	if (conn == NULL) {
		g_autofree gchar *msg = g_strdup_printf("%s: %s", req->peer_id, g_strerror(errno));
		arc_kcp_connect_fail(req, msg);
		return;
	}
	g_ptr_array_add(conn->pending, req);
}

/* sessions that peers no longer named opened to us are closed */
static void
arc_kcp_io_recheck_peers(ArcKcpIo *io)
{
	g_autoptr(GPtrArray) gone = g_ptr_array_new();
	GHashTableIter iter;
	gpointer candidate;

	g_mutex_lock(&io->lock);
	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &candidate, NULL)) {
		ArcKcpConn *c = candidate;
		g_autoptr(GBytes) key = arc_kcp_key_bytes(c->remote_key);
		if (!c->initiator && c->state == ARC_KCP_CONN_ESTABLISHED &&
		    (io->allowed == NULL || !g_hash_table_contains(io->allowed, key)))
			g_ptr_array_add(gone, c);
	}
	g_mutex_unlock(&io->lock);
	for (guint i = 0; i < gone->len; i++)
		arc_kcp_conn_fail(g_ptr_array_index(gone, i), "no longer a peer");
}

static void
arc_kcp_io_commands(ArcKcpIo *io)
{
	guint64 count;
	ArcKcpConnect *req;

	if (read(io->wake.fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		g_warning("kcp: eventfd: %s", g_strerror(errno));
	while ((req = g_async_queue_try_pop(io->commands)) != NULL) {
		if (req->kind == ARC_KCP_CMD_STOP) {
			io->stopping = TRUE;
			arc_kcp_connect_free(req);
		} else if (req->kind == ARC_KCP_CMD_PEERS) {
			arc_kcp_io_recheck_peers(io);
			arc_kcp_connect_free(req);
		} else if (io->stopping) {
			arc_kcp_connect_fail(req, "the transport is stopping");
		} else {
			arc_kcp_io_do_connect(io, req);
		}
	}
}

/* a copy of the connection set, to fail some while walking it */
static GPtrArray *
arc_kcp_io_conn_list(ArcKcpIo *io)
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
arc_kcp_io_tick(ArcKcpIo *io)
{
	gint64 now = g_get_monotonic_time();
	g_autoptr(GPtrArray) conns = arc_kcp_io_conn_list(io);

	for (guint i = 0; i < conns->len; i++) {
		ArcKcpConn *c = g_ptr_array_index(conns, i);

		if (c->state != ARC_KCP_CONN_ESTABLISHED) {
			if (now > c->deadline)
				arc_kcp_conn_fail(c, "handshake timed out");
		} else if (now - c->last_rx > ARC_KCP_DEAD) {
			arc_kcp_conn_fail(c, "peer silent");
		} else if (now - c->last_rx > ARC_KCP_IDLE_PING &&
			   now - c->last_ping > ARC_KCP_IDLE_PING) {
			c->last_ping = now;
			pegasus_session_ping(c->session, (guint64)now);
			arc_kcp_conn_write(c);
		}
	}
}

static void
arc_kcp_io_dispatch(ArcKcpIo *io, ArcKcpEp *ep, guint32 events)
{
	if (ep->dead)
		return;
	switch (ep->kind) {
	case ARC_KCP_EP_LISTENER:
		arc_kcp_io_receive(io);
		break;
	case ARC_KCP_EP_WAKE:
		arc_kcp_io_commands(io);
		break;
	case ARC_KCP_EP_CONN:
		arc_kcp_conn_event((ArcKcpConn *)ep, events);
		break;
	case ARC_KCP_EP_STREAM:
		arc_kcp_stream_event((ArcKcpStream *)ep, events);
		break;
	}
}

static void
arc_kcp_io_empty_graveyard(ArcKcpIo *io)
{
	for (guint i = 0; i < io->graveyard->len; i++) {
		ArcKcpEp *ep = g_ptr_array_index(io->graveyard, i);
		if (ep->kind == ARC_KCP_EP_CONN)
			arc_kcp_conn_free((ArcKcpConn *)ep);
		else
			g_free(ep);
	}
	g_ptr_array_set_size(io->graveyard, 0);
}

/* the conversations that received datagrams: what arrived goes up, what waited goes out */
static void
arc_kcp_io_pump_touched(ArcKcpIo *io)
{
	for (guint i = 0; i < io->touched->len; i++) {
		ArcKcpConn *conn = g_ptr_array_index(io->touched, i);

		conn->touched = FALSE;
		if (conn->state != ARC_KCP_CONN_DEAD)
			arc_kcp_conn_pump(conn);
	}
	g_ptr_array_set_size(io->touched, 0);
}

/* runs every ARQ whose time has come (flush, retransmit); closes each FEC group it leaves
 * open, so the last datagrams before a pause are protected too; returns the milliseconds
 * until the next one is due */
static int
arc_kcp_io_timers(ArcKcpIo *io)
{
	guint32 now = arc_kcp_now_ms();
	gint32 wait = 1000;
	GHashTableIter iter;
	gpointer candidate;

	g_hash_table_iter_init(&iter, io->conns);
	while (g_hash_table_iter_next(&iter, &candidate, NULL)) {
		ArcKcpConn *c = candidate;
		gint32 due;

		if (c->kcp == NULL || c->state == ARC_KCP_CONN_DEAD)
			continue;
		due = (gint32)(arc_kcp_check(c->kcp, now) - now);
		if (due <= 0) {
			arc_kcp_update(c->kcp, now);
			arc_kcp_fec_encoder_flush(c->enc, arc_kcp_conn_udp_out_cb, c);
			if (arc_kcp_is_dead(c->kcp))
				g_ptr_array_add(io->dead, c);
			due = (gint32)(arc_kcp_check(c->kcp, now) - now);
		}
		wait = MIN(wait, MAX(due, 1));
	}
	for (guint i = 0; i < io->dead->len; i++)
		arc_kcp_conn_fail(g_ptr_array_index(io->dead, i), "peer unreachable");
	g_ptr_array_set_size(io->dead, 0);
	return wait;
}

static gpointer
arc_kcp_io_thread(gpointer data)
{
	ArcKcpIo *io = data;
	struct epoll_event events[ARC_KCP_MAX_EVENTS];
	gint64 next_tick = g_get_monotonic_time() + G_USEC_PER_SEC;
	int wait = 0;

	while (!io->stopping) {
		int n = epoll_wait(io->epfd, events, ARC_KCP_MAX_EVENTS, wait);

		for (int i = 0; i < n; i++)
			arc_kcp_io_dispatch(io, events[i].data.ptr, events[i].events);
		arc_kcp_io_pump_touched(io);
		if (g_get_monotonic_time() >= next_tick) {
			arc_kcp_io_tick(io);
			next_tick = g_get_monotonic_time() + G_USEC_PER_SEC;
		}
		wait = arc_kcp_io_timers(io);
		arc_kcp_io_empty_graveyard(io);
	}
	/* stopping: every session and stream closes, waiting connects fail */
	{
		g_autoptr(GPtrArray) conns = arc_kcp_io_conn_list(io);
		for (guint i = 0; i < conns->len; i++)
			arc_kcp_conn_fail(g_ptr_array_index(conns, i), "the transport stopped");
	}
	arc_kcp_io_commands(io);
	arc_kcp_io_empty_graveyard(io);
	return NULL;
}

ArcKcpIo *
arc_kcp_io_new(int listen_fd, PegasusIdentity *identity, ArcKcpIncomingFunc incoming,
	       gpointer user_data, GError **error)
{
	ArcKcpIo *io = g_new0(ArcKcpIo, 1);

	io->listener.kind = ARC_KCP_EP_LISTENER;
	io->listener.fd = listen_fd;
	arc_kcp_io_tune_socket(listen_fd);
	io->wake.kind = ARC_KCP_EP_WAKE;
	io->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	io->epfd = epoll_create1(EPOLL_CLOEXEC);
	io->identity = identity;
	io->incoming = incoming;
	io->incoming_data = user_data;
	io->commands = g_async_queue_new();
	g_mutex_init(&io->lock);
	io->conns = g_hash_table_new(NULL, NULL);
	io->by_peer = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
					    (GDestroyNotify)g_bytes_unref, NULL);
	io->last_stamp =
		g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
				      (GDestroyNotify)g_bytes_unref);
	io->graveyard = g_ptr_array_new();
	io->by_addr = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
					    (GDestroyNotify)g_bytes_unref, NULL);
	io->touched = g_ptr_array_new();
	io->dead = g_ptr_array_new();
	pegasus_session_config_init(&io->config);
	if (io->wake.fd < 0 || io->epfd < 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "epoll: %s", g_strerror(errno));
		arc_kcp_io_free(io);
		return NULL;
	}
	arc_kcp_ep_set(io, &io->listener, EPOLLIN);
	arc_kcp_ep_set(io, &io->wake, EPOLLIN);
	io->thread = g_thread_new("arc-kcp-io", arc_kcp_io_thread, io);
	return io;
}

static void
arc_kcp_io_push(ArcKcpIo *self, ArcKcpConnect *req)
{
	guint64 one = 1;

	g_async_queue_push(self->commands, req);
	if (write(self->wake.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		g_warning("kcp: eventfd: %s", g_strerror(errno));
}

static ArcKcpConnect *
arc_kcp_cmd_new(ArcKcpCmdKind kind)
{
	ArcKcpConnect *req = g_new0(ArcKcpConnect, 1);

	req->kind = kind;
	req->plugin_fd = -1;
	return req;
}

void
arc_kcp_io_free(ArcKcpIo *self)
{
	if (self == NULL)
		return;
	if (self->thread != NULL) {
		arc_kcp_io_push(self, arc_kcp_cmd_new(ARC_KCP_CMD_STOP));
		g_thread_join(self->thread);
	}
	if (self->listener.fd >= 0)
		close(self->listener.fd);
	if (self->wake.fd >= 0)
		close(self->wake.fd);
	if (self->epfd >= 0)
		close(self->epfd);
	pegasus_identity_free(self->identity);
	g_async_queue_unref(self->commands);
	g_mutex_clear(&self->lock);
	g_clear_pointer(&self->allowed, g_hash_table_unref);
	g_hash_table_destroy(self->conns);
	g_hash_table_destroy(self->by_peer);
	g_hash_table_destroy(self->last_stamp);
	g_ptr_array_free(self->graveyard, TRUE);
	g_hash_table_destroy(self->by_addr);
	g_ptr_array_free(self->touched, TRUE);
	g_ptr_array_free(self->dead, TRUE);
	g_free(self);
}

void
arc_kcp_io_set_peers(ArcKcpIo *self, GHashTable *allowed)
{
	g_mutex_lock(&self->lock);
	g_clear_pointer(&self->allowed, g_hash_table_unref);
	self->allowed = allowed;
	g_mutex_unlock(&self->lock);
	arc_kcp_io_push(self, arc_kcp_cmd_new(ARC_KCP_CMD_PEERS));
}

void
arc_kcp_io_connect(ArcKcpIo *self, const guint8 remote_key[PEGASUS_KEY_LEN], const gchar *peer_id,
		   GBytes *public_key, GSocketAddress *address, int plugin_fd,
		   GSocketConnection *connection, GTask *task)
{
	ArcKcpConnect *req = arc_kcp_cmd_new(ARC_KCP_CMD_CONNECT);

	memcpy(req->remote_key, remote_key, PEGASUS_KEY_LEN);
	req->peer_id = g_strdup(peer_id);
	req->public_key = g_bytes_ref(public_key);
	req->address = g_object_ref(address);
	req->plugin_fd = plugin_fd;
	req->connection = connection;
	req->task = task;
	arc_kcp_io_push(self, req);
}
