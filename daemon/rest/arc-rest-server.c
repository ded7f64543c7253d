/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"
/* POLLRDHUP */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include "arc-rest-server.h"

#include "arc-rest-request.h"
#include "arc-rest-tls.h"

#include "arc-engine-license.h"
#include "arc-error-map.h"

#include <errno.h>

#include "arc-metrics.h"
#include "arc-rest-conn.h"
#include "arc-rest-dispatch.h"
#include "arc-rest-head.h"
#include "arc-rest-idle-watch.h"
#include "arc-rest-render.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The REST adapter: parse, authorise, call one engine method, serialise. Routing is a table
 * (arc-rest-routes.c) so that the route × scope test can walk it. */

/* descriptors kept for everything but API connections: storage, plugins, the tunnel and the
 * agent's own connections to its peers */
#define ARC_REST_FD_RESERVE 64
/* the fewest connections the API takes, however low the descriptor limit */
#define ARC_REST_MIN_CONNECTIONS 8
/* a failing accept() is retried after this, doubling up to the maximum */
#define ARC_REST_ACCEPT_BACKOFF_MIN_MSEC 50
#define ARC_REST_ACCEPT_BACKOFF_MAX_MSEC 1000
/* connections taken per wake-up of the listener, so that serving goes on under a flood */
#define ARC_REST_ACCEPT_BATCH 32
/* each kind of trouble on the API port is logged at most once in this many seconds */
#define ARC_REST_LOG_EVERY_SECS 10

typedef struct {
	gint64 last;      /* monotonic µs */
	guint suppressed; /* since then */
} ArcRestLogLimit;

struct _ArcRestServer {
	GObject parent_instance;
	ArcEngine *engine;
	ArcConfig *config;
	SoupServer *server;
	GSocket *listener;
	GSource *accept_source;
	guint accept_retry_id;
	guint accept_backoff; /* ms, 0 while accept() succeeds */
	guint sweep_id;
	GSocket *quiet_end; /* see arc_rest_server_add_quiet_listener() */
	guint16 port;
	GTlsCertificate *tls_certificate;   /* NULL: plain HTTP */
	guint tls_pending;                  /* connections still in their TLS handshake */
	GHashTable *tls_pending_by_address; /* address text → count of those */
	GHashTable *idle_watches;           /* GSocket → ArcRestIdleWatch */
	GHashTable *conns;                  /* ArcRestConn (owned) set: every open API connection */
	ArcRestConnLimits limits;
	GHashTable *log_limits; /* static kind string → ArcRestLogLimit */
};

G_DEFINE_FINAL_TYPE(ArcRestServer, arc_rest_server, G_TYPE_OBJECT)

static void
arc_rest_server_forget_conn_cb(gpointer data, gpointer value, gpointer user_data)
{
	arc_rest_conn_set_closed_func(ARC_REST_CONN(data), NULL, NULL);
}

static void
arc_rest_server_finalize(GObject *object)
{
	ArcRestServer *self = ARC_REST_SERVER(object);
	g_hash_table_unref(self->idle_watches);
	if (self->accept_source != NULL) {
		g_source_destroy(self->accept_source);
		g_clear_pointer(&self->accept_source, g_source_unref);
	}
	g_clear_handle_id(&self->accept_retry_id, g_source_remove);
	g_clear_handle_id(&self->sweep_id, g_source_remove);
	if (self->listener != NULL)
		g_socket_close(self->listener, NULL);
	g_clear_object(&self->listener);
	/* connections that libsoup closes from here on have no server to tell */
	g_hash_table_foreach(self->conns, arc_rest_server_forget_conn_cb, NULL);
	if (self->server != NULL)
		soup_server_disconnect(self->server);
	g_hash_table_unref(self->conns);
	g_hash_table_unref(self->tls_pending_by_address);
	g_clear_pointer(&self->log_limits, g_hash_table_unref);
	g_clear_pointer(&self->limits.line_too_long, g_bytes_unref);
	g_clear_pointer(&self->limits.head_too_large, g_bytes_unref);
	g_clear_pointer(&self->limits.method_unknown, g_bytes_unref);
	g_clear_pointer(&self->limits.bad_length, g_bytes_unref);
	g_clear_pointer(&self->limits.length_required, g_bytes_unref);
	g_clear_object(&self->server);
	g_clear_object(&self->quiet_end);
	g_clear_object(&self->tls_certificate);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_rest_server_parent_class)->finalize(object);
}

static void
arc_rest_server_class_init(ArcRestServerClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_rest_server_finalize;
}

static void
arc_rest_server_init(ArcRestServer *self)
{
	self->idle_watches = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						   (GDestroyNotify)arc_rest_idle_watch_free);
	self->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
	self->tls_pending_by_address = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->log_limits = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
}

/*
 * The agent accepts connections itself (GSocketService) and hands each to libsoup with
 * soup_server_accept_iostream(): libsoup 3.2's own listener keeps a reference to every
 * socket it ever accepted (fixed upstream in 3.3, "soup-listener: Plug a leak"), about
 * 800 bytes per connection. Agents open a connection to one another about once a second,
 * so that was some 70 MB a day. Such a connection's GSocket is kept on its remote address
 * object, which libsoup hands back with each message.
 */
static GQuark
arc_rest_conn_quark(void)
{
	return g_quark_from_static_string("arc-rest-conn");
}

static ArcRestConn *
arc_rest_server_conn_of(SoupServerMessage *msg)
{
	GSocketAddress *remote = soup_server_message_get_remote_address(msg);
	return remote != NULL ? g_object_get_qdata(G_OBJECT(remote), arc_rest_conn_quark()) : NULL;
}

static GSocket *
arc_rest_server_socket_of(SoupServerMessage *msg)
{
	ArcRestConn *conn = arc_rest_server_conn_of(msg);
	return conn != NULL ? arc_rest_conn_get_socket(conn) : NULL;
}

/*
 * libsoup 3.2 keeps a connection alive after a request only on a server that has a listener
 * of its own (soup-server.c, request_finished()); connections handed over with
 * soup_server_accept_iostream() would be closed after every request. The server gets one
 * listener that never accepts anything: one end of a socket pair, whose other end is kept
 * open and never written to, so it never becomes readable.
 */
static gboolean
arc_rest_server_add_quiet_listener(ArcRestServer *self, GError **error)
{
	gint fds[2];
	g_autoptr(GSocket) end = NULL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "socketpair: %s",
			    g_strerror(errno));
		return FALSE;
	}
	end = g_socket_new_from_fd(fds[0], error);
	if (end == NULL) {
		close(fds[0]);
		close(fds[1]);
		return FALSE;
	}
	self->quiet_end = g_socket_new_from_fd(fds[1], error);
	if (self->quiet_end == NULL) {
		close(fds[1]);
		return FALSE;
	}
	return soup_server_listen_socket(self->server, end, 0, error);
}

/* Trouble on the API port is logged by its kind, a fixed string, and at most once in
 * ARC_REST_LOG_EVERY_SECS with a count of what was left out: nothing a client sends decides
 * how much the agent logs. */
static void arc_rest_server_warn_limited(ArcRestServer *self, const gchar *kind,
					 const gchar *format, ...) G_GNUC_PRINTF(3, 4);

static void
arc_rest_server_warn_limited(ArcRestServer *self, const gchar *kind, const gchar *format, ...)
{
	ArcRestLogLimit *limit = g_hash_table_lookup(self->log_limits, kind);
	gint64 now = g_get_monotonic_time();
	g_autofree gchar *text = NULL;
	va_list args;

	if (limit == NULL) {
		limit = g_new0(ArcRestLogLimit, 1);
		g_hash_table_insert(self->log_limits, (gpointer)kind, limit);
	} else if (now - limit->last < ARC_REST_LOG_EVERY_SECS * G_USEC_PER_SEC) {
		limit->suppressed++;
		return;
	}
	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	if (limit->suppressed > 0)
		g_warning("%s (%u more like it in the last %d s)", text, limit->suppressed,
			  ARC_REST_LOG_EVERY_SECS);
	else
		g_warning("%s", text);
	limit->last = now;
	limit->suppressed = 0;
}

static void
arc_rest_server_count_drop(const gchar *reason)
{
	g_autofree gchar *labels = g_strdup_printf("reason=\"%s\"", reason);
	arc_metrics_count("arctic_api_connections_dropped_total", labels);
}

/* how many API connections may be open: the configured cap, and never so many that the agent
 * runs out of descriptors for everything else (the limit is read each time: an operator may
 * change it with prlimit) */
static guint
arc_rest_server_capacity(ArcRestServer *self)
{
	struct rlimit limit;
	guint cap = self->config->api_max_connections;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
		rlim_t budget = limit.rlim_cur > ARC_REST_FD_RESERVE + ARC_REST_MIN_CONNECTIONS
					? limit.rlim_cur - ARC_REST_FD_RESERVE
					: ARC_REST_MIN_CONNECTIONS;
		if (budget < cap)
			cap = (guint)budget;
	}
	return cap;
}

static guint
arc_rest_server_count_peers(ArcRestServer *self)
{
	GHashTableIter iter;
	gpointer conn;
	guint n = 0;

	g_hash_table_iter_init(&iter, self->conns);
	while (g_hash_table_iter_next(&iter, &conn, NULL))
		n += arc_rest_conn_get_peer(conn) ? 1 : 0;
	return n;
}

/* The connection to give up for a newcomer: one not being answered, of a client that is not
 * a peer (unless @peers_too), from the address that holds the most connections, the one that
 * has waited longest. Whoever floods the port loses its own connections first. When the
 * newcomer's own address (@newcomer, if not a peer) would then hold the most, there is none:
 * the newcomer is the one to refuse, which costs nothing to set up or tear down. */
static ArcRestConn *
arc_rest_server_pick_victim(ArcRestServer *self, gboolean peers_too, GInetAddress *newcomer)
{
	g_autoptr(GHashTable) per_address =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) candidates = g_ptr_array_new();
	g_autofree gchar *newcomer_address =
		newcomer != NULL ? g_inet_address_to_string(newcomer) : NULL;
	ArcRestConn *victim = NULL;
	guint victim_count = 0;
	GHashTableIter iter;
	gpointer conn;

	g_hash_table_iter_init(&iter, self->conns);
	while (g_hash_table_iter_next(&iter, &conn, NULL)) {
		gchar *address = NULL;
		guint count;

		if (arc_rest_conn_get_state(conn) == ARC_REST_CONN_SERVING ||
		    (!peers_too && arc_rest_conn_get_peer(conn)))
			continue;
		address = g_inet_address_to_string(arc_rest_conn_get_remote(conn));
		count = GPOINTER_TO_UINT(g_hash_table_lookup(per_address, address));
		g_hash_table_insert(per_address, g_strdup(address), GUINT_TO_POINTER(count + 1));
		g_ptr_array_add(addresses, address);
		g_ptr_array_add(candidates, conn);
	}
	for (guint i = 0; i < candidates->len; i++) {
		ArcRestConn *candidate = g_ptr_array_index(candidates, i);
		guint count = GPOINTER_TO_UINT(
			g_hash_table_lookup(per_address, g_ptr_array_index(addresses, i)));
		if (victim == NULL || count > victim_count ||
		    (count == victim_count &&
		     arc_rest_conn_get_since(candidate) < arc_rest_conn_get_since(victim))) {
			victim = candidate;
			victim_count = count;
		}
	}
	if (newcomer_address != NULL &&
	    GPOINTER_TO_UINT(g_hash_table_lookup(per_address, newcomer_address)) + 1 > victim_count)
		return NULL;
	return victim;
}

static void
arc_rest_server_forget(ArcRestServer *self, ArcRestConn *conn)
{
	arc_rest_conn_set_closed_func(conn, NULL, NULL);
	g_hash_table_remove(self->conns, conn);
}

static void
arc_rest_server_conn_closed_cb(gpointer conn, gpointer user_data)
{
	arc_rest_server_forget(ARC_REST_SERVER(user_data), conn);
}

/* Closes a connection the server gives up: one that libsoup kept alive is taken back from it
 * (see ArcRestIdleWatch), one whose first request is being read is cut, and libsoup closes it
 * when it next reads. */
static void
arc_rest_server_drop(ArcRestServer *self, ArcRestConn *conn, const gchar *reason)
{
	g_autoptr(ArcRestConn) ref = g_object_ref(conn);
	ArcRestIdleWatch *watch =
		g_hash_table_lookup(self->idle_watches, arc_rest_conn_get_socket(conn));

	arc_rest_server_count_drop(reason);
	arc_rest_server_forget(self, conn);
	if (watch != NULL)
		arc_rest_idle_watch_close(watch);
	else
		arc_rest_conn_abort(conn);
}

/* Whether a new connection from @remote may be served, making room if need be. Clients that
 * are not peers share all but peer_reserve percent of the connections; peers may use them
 * all. */
static gboolean
arc_rest_server_make_room(ArcRestServer *self, GInetAddress *remote, gboolean peer)
{
	guint cap = arc_rest_server_capacity(self);
	guint reserve = cap * self->config->api_peer_reserve / 100;
	guint total = g_hash_table_size(self->conns) + self->tls_pending;
	ArcRestConn *victim;

	/* the common case, decided without walking the connections */
	if (total < cap - reserve)
		return TRUE;
	if (total < cap && (peer || total - arc_rest_server_count_peers(self) < cap - reserve))
		return TRUE;
	victim = arc_rest_server_pick_victim(self, FALSE, peer ? NULL : remote);
	if (victim == NULL && peer)
		victim = arc_rest_server_pick_victim(self, TRUE, NULL);
	if (victim == NULL) {
		arc_rest_server_count_drop("limit");
		arc_rest_server_warn_limited(self, "limit",
					     "API connections at the limit (%u): new ones from "
					     "the busiest clients are closed",
					     cap);
		return FALSE;
	}
	arc_rest_server_warn_limited(self, "evict",
				     "API connections at the limit (%u): the longest waiting "
				     "ones of the busiest clients are closed",
				     cap);
	arc_rest_server_drop(self, victim, "limit");
	return TRUE;
}

/*
 * The accept path: every connection is wrapped (arc_rest_server_wrap()) before libsoup gets
 * it, tracked until it closes, and counted against the connection cap. A TLS listener wraps
 * the accepted connection first and hands the TLS stream to arc_rest_server_wrap().
 */
static ArcRestConn *
arc_rest_server_wrap(ArcRestServer *self, GIOStream *stream, GSocket *socket, GInetAddress *remote)
{
	ArcRestConn *conn = arc_rest_conn_new(stream, socket, remote, &self->limits);

	g_hash_table_add(self->conns, g_object_ref(conn));
	arc_rest_conn_set_closed_func(conn, arc_rest_server_conn_closed_cb, self);
	return conn;
}

/* the client's address as peers advertise theirs: an IPv4 client of a dual-stack listener
 * (`[::]`) arrives as ::ffff:a.b.c.d */
static GInetAddress *
arc_rest_server_client_address(GInetSocketAddress *remote)
{
	GInetAddress *address = g_inet_socket_address_get_address(remote);
	const guint8 *bytes = g_inet_address_to_bytes(address);
	static const guint8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (g_inet_address_get_family(address) == G_SOCKET_FAMILY_IPV6 &&
	    memcmp(bytes, mapped, sizeof(mapped)) == 0)
		return g_inet_address_new_from_bytes(bytes + 12, G_SOCKET_FAMILY_IPV4);
	return g_object_ref(address);
}

/* Hands a connection to libsoup once wrapped: @stream is the socket's connection, or the TLS
 * connection over it once its handshake is done. */
static void
arc_rest_server_serve(ArcRestServer *self, GIOStream *stream, GSocket *socket,
		      GInetAddress *remote_inet, gboolean peer)
{
	g_autoptr(GSocketAddress) local = g_socket_get_local_address(socket, NULL);
	g_autoptr(GSocketAddress) remote = g_socket_get_remote_address(socket, NULL);
	g_autoptr(ArcRestConn) conn = NULL;
	g_autoptr(GError) error = NULL;

	/* a client already gone: dropping the stream closes it */
	if (local == NULL || remote == NULL)
		return;
	conn = arc_rest_server_wrap(self, stream, socket, remote_inet);
	arc_rest_conn_set_peer(conn, peer);
	g_object_set_qdata_full(G_OBJECT(remote), arc_rest_conn_quark(), g_object_ref(conn),
				g_object_unref);
	if (!soup_server_accept_iostream(self->server, G_IO_STREAM(conn), local, remote, &error))
		g_debug("connection from a client not taken: %s", error->message);
}

/* TLS handshakes one address may have under way at once: they cannot be chosen to make room
 * (arc_rest_server_pick_victim() sees only served connections), so a client that opens
 * connections and never finishes a handshake must not hold more than this many slots */
#define ARC_REST_TLS_PENDING_PER_ADDRESS 32

typedef struct {
	GWeakRef server;
	GSocket *socket;
	GInetAddress *remote_inet;
	gboolean peer;
} ArcRestTlsPending;

/* @delta (+1, -1) TLS handshakes under way from @address; returns how many there are now */
static guint
arc_rest_server_count_tls_pending(ArcRestServer *self, GInetAddress *address, gint delta)
{
	g_autofree gchar *key = g_inet_address_to_string(address);
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(self->tls_pending_by_address, key));

	n = delta < 0 && n == 0 ? 0 : (guint)((gint)n + delta);
	self->tls_pending = (guint)((gint)self->tls_pending + delta);
	if (n == 0)
		g_hash_table_remove(self->tls_pending_by_address, key);
	else
		g_hash_table_replace(self->tls_pending_by_address, g_steal_pointer(&key),
				     GUINT_TO_POINTER(n));
	return n;
}

static void
arc_rest_tls_pending_free(ArcRestTlsPending *pending)
{
	g_weak_ref_clear(&pending->server);
	g_object_unref(pending->socket);
	g_object_unref(pending->remote_inet);
	g_free(pending);
}

static void
arc_rest_server_tls_accepted_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcRestTlsPending *pending = user_data;
	g_autoptr(ArcRestServer) self = g_weak_ref_get(&pending->server);
	g_autoptr(GError) error = NULL;
	g_autoptr(GIOStream) stream = arc_rest_tls_accept_finish(res, &error);

	if (self != NULL)
		arc_rest_server_count_tls_pending(self, pending->remote_inet, -1);
	if (stream == NULL)
		g_debug("TLS handshake with a client failed: %s", error->message);
	else if (self == NULL)
		g_io_stream_close(stream, NULL, NULL);
	else
		arc_rest_server_serve(self, stream, pending->socket, pending->remote_inet,
				      pending->peer);
	arc_rest_tls_pending_free(pending);
}

/* With TLS, the connection is served once the client's handshake is done (or never, when
 * it fails or takes longer than tls_handshake_timeout); the head checks of ArcRestConn then
 * see the decrypted bytes. Until then it counts against the cap (arc_rest_server_make_room()),
 * though it cannot be chosen to make room. */
static void
arc_rest_server_start_tls(ArcRestServer *self, GSocketConnection *connection, GSocket *socket,
			  GInetAddress *remote_inet, gboolean peer)
{
	ArcRestTlsPending *pending = g_new0(ArcRestTlsPending, 1);

	g_weak_ref_init(&pending->server, self);
	pending->socket = g_object_ref(socket);
	pending->remote_inet = g_object_ref(remote_inet);
	pending->peer = peer;
	arc_rest_server_count_tls_pending(self, remote_inet, +1);
	arc_rest_tls_accept_async(connection, self->tls_certificate,
				  self->config->tls_handshake_timeout,
				  arc_rest_server_tls_accepted_cb, pending);
}

/* whether @address has all the TLS handshakes under way it may have */
static gboolean
arc_rest_server_tls_pending_full(ArcRestServer *self, GInetAddress *address)
{
	g_autofree gchar *key = g_inet_address_to_string(address);

	if (GPOINTER_TO_UINT(g_hash_table_lookup(self->tls_pending_by_address, key)) <
	    ARC_REST_TLS_PENDING_PER_ADDRESS)
		return FALSE;
	arc_rest_server_count_drop("tls_pending");
	arc_rest_server_warn_limited(
		self, "tls_pending",
		"a client has %d TLS handshakes under way: its new connections "
		"are closed until they finish",
		ARC_REST_TLS_PENDING_PER_ADDRESS);
	return TRUE;
}

static void
arc_rest_server_take(ArcRestServer *self, GSocket *socket)
{
	g_autoptr(GSocketAddress) remote = g_socket_get_remote_address(socket, NULL);
	g_autoptr(GSocketConnection) connection = NULL;
	g_autoptr(GInetAddress) remote_inet = NULL;
	gboolean peer;

	/* a client already gone: dropping the socket closes it */
	if (!G_IS_INET_SOCKET_ADDRESS(remote))
		return;
	remote_inet = arc_rest_server_client_address(G_INET_SOCKET_ADDRESS(remote));
	peer = arc_engine_is_member_address(self->engine, remote_inet);
	if (self->tls_certificate != NULL && !peer &&
	    arc_rest_server_tls_pending_full(self, remote_inet))
		return;
	if (!arc_rest_server_make_room(self, remote_inet, peer))
		return;
	g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
	connection = g_socket_connection_factory_create_connection(socket);
	if (self->tls_certificate != NULL)
		arc_rest_server_start_tls(self, connection, socket, remote_inet, peer);
	else
		arc_rest_server_serve(self, G_IO_STREAM(connection), socket, remote_inet, peer);
}

static void arc_rest_server_watch_listener(ArcRestServer *self);

static gboolean
arc_rest_server_accept_retry_cb(gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);

	self->accept_retry_id = 0;
	arc_rest_server_watch_listener(self);
	return G_SOURCE_REMOVE;
}

/* accept() failed, most likely for want of descriptors (EMFILE, ENFILE): the listener rests
 * for a while instead of failing again at once, and a connection of the busiest client is
 * given up to free one */
static void
arc_rest_server_accept_failed(ArcRestServer *self, const GError *error)
{
	ArcRestConn *victim = arc_rest_server_pick_victim(self, FALSE, NULL);

	arc_rest_server_count_drop("accept_failed");
	self->accept_backoff = self->accept_backoff == 0 ? ARC_REST_ACCEPT_BACKOFF_MIN_MSEC
							 : MIN(self->accept_backoff * 2,
							       ARC_REST_ACCEPT_BACKOFF_MAX_MSEC);
	arc_rest_server_warn_limited(self, "accept", "cannot accept API connections: %s",
				     error->message);
	if (victim != NULL)
		arc_rest_server_drop(self, victim, "accept_failed");
	g_clear_pointer(&self->accept_source, g_source_unref);
	self->accept_retry_id =
		g_timeout_add(self->accept_backoff, arc_rest_server_accept_retry_cb, self);
}

static gboolean
arc_rest_server_accept_cb(GSocket *listener, GIOCondition condition, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);

	for (guint i = 0; i < ARC_REST_ACCEPT_BATCH; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GSocket) socket = g_socket_accept(listener, NULL, &error);

		if (socket == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			break;
		if (socket == NULL) {
			arc_rest_server_accept_failed(self, error);
			return G_SOURCE_REMOVE;
		}
		self->accept_backoff = 0;
		arc_rest_server_take(self, socket);
	}
	return G_SOURCE_CONTINUE;
}

static void
arc_rest_server_watch_listener(ArcRestServer *self)
{
	self->accept_source = g_socket_create_source(self->listener, G_IO_IN, NULL);
	g_source_set_callback(self->accept_source, G_SOURCE_FUNC(arc_rest_server_accept_cb), self,
			      NULL);
	g_source_attach(self->accept_source, NULL);
}

/* how long a connection may stay in @state, in µs; 0: no limit */
static gint64
arc_rest_server_timeout_of(ArcRestServer *self, ArcRestConnState state)
{
	switch (state) {
	case ARC_REST_CONN_HEAD:
		return (gint64)self->config->api_header_timeout * G_USEC_PER_SEC;
	case ARC_REST_CONN_BODY:
		return (gint64)self->config->api_body_timeout * G_USEC_PER_SEC;
	case ARC_REST_CONN_IDLE:
		return (gint64)self->config->api_idle_timeout * G_USEC_PER_SEC;
	case ARC_REST_CONN_SERVING:
	default:
		return 0;
	}
}

static const gchar *
arc_rest_server_timeout_reason(ArcRestConnState state)
{
	switch (state) {
	case ARC_REST_CONN_HEAD:
		return "header_timeout";
	case ARC_REST_CONN_BODY:
		return "body_timeout";
	case ARC_REST_CONN_IDLE:
	case ARC_REST_CONN_SERVING:
	default:
		return "idle_timeout";
	}
}

/* once a second: connections that took too long over a head (slowloris), a body, or sat
 * idle too long are closed */
static gboolean
arc_rest_server_sweep_cb(gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func(g_object_unref);
	gint64 now = g_get_monotonic_time();
	GHashTableIter iter;
	gpointer conn;

	g_hash_table_iter_init(&iter, self->conns);
	while (g_hash_table_iter_next(&iter, &conn, NULL)) {
		gint64 timeout = arc_rest_server_timeout_of(self, arc_rest_conn_get_state(conn));
		if (timeout > 0 && now - arc_rest_conn_get_since(conn) > timeout)
			g_ptr_array_add(expired, g_object_ref(conn));
	}
	for (guint i = 0; i < expired->len; i++) {
		ArcRestConn *conn_i = g_ptr_array_index(expired, i);
		arc_rest_server_drop(
			self, conn_i,
			arc_rest_server_timeout_reason(arc_rest_conn_get_state(conn_i)));
	}
	return G_SOURCE_CONTINUE;
}

/* a request is being read (possibly one the client pipelined, already in libsoup's buffer):
 * the connection is busy, not idle */
static GQuark
arc_rest_started_quark(void)
{
	return g_quark_from_static_string("arc-rest-started");
}

/* the status of an answer the agent wrote itself (arc_rest_conn_refuse()); libsoup then ends
 * the message as aborted, with a status of its own */
static GQuark
arc_rest_refused_quark(void)
{
	return g_quark_from_static_string("arc-rest-refused");
}

/* method, route pattern (never the raw path: bounded labels) and status of an answer */
static void
arc_rest_server_count(SoupServerMessage *msg)
{
	const gchar *route = g_object_get_qdata(G_OBJECT(msg), arc_rest_route_quark());
	gint64 *started = g_object_get_qdata(G_OBJECT(msg), arc_rest_started_quark());
	g_autofree gchar *route_label = arc_metrics_escape_label(route != NULL ? route : "none");
	guint status =
		GPOINTER_TO_UINT(g_object_get_qdata(G_OBJECT(msg), arc_rest_refused_quark()));
	gchar labels[256];

	if (status == 0)
		status = soup_server_message_get_status(msg);
	/* every value from a fixed list: the method's, the route table's, a status number */
	g_snprintf(labels, sizeof(labels), "method=\"%s\",route=\"%s\",status=\"%u\"",
		   arc_metrics_method_label(soup_server_message_get_method(msg)), route_label,
		   status);

	arc_metrics_count("arctic_api_requests_total", labels);
	if (started != NULL)
		arc_metrics_observe_request((gdouble)(g_get_monotonic_time() - *started) /
					    G_USEC_PER_SEC);
}

static void
arc_rest_server_request_started_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	GSocket *socket = arc_rest_server_socket_of(msg);
	gint64 *started = g_new(gint64, 1);
	ArcRestIdleWatch *watch;

	*started = g_get_monotonic_time();
	g_object_set_qdata_full(G_OBJECT(msg), arc_rest_started_quark(), started, g_free);
	if (arc_rest_server_conn_of(msg) != NULL)
		arc_rest_conn_set_state(arc_rest_server_conn_of(msg), ARC_REST_CONN_HEAD);
	watch = socket != NULL ? g_hash_table_lookup(self->idle_watches, socket) : NULL;

	if (watch != NULL)
		arc_rest_idle_watch_set_armed(watch, FALSE);
}

static void
arc_rest_server_request_finished_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	GSocket *socket = arc_rest_server_socket_of(msg);
	ArcRestIdleWatch *watch;

	arc_rest_server_count(msg);
	if (socket == NULL || g_socket_is_closed(socket))
		return;
	arc_rest_conn_set_state(arc_rest_server_conn_of(msg), ARC_REST_CONN_IDLE);
	watch = g_hash_table_lookup(self->idle_watches, socket);
	if (watch != NULL) {
		arc_rest_idle_watch_set_armed(watch, TRUE);
		return;
	}
	arc_rest_idle_watch_new(self->idle_watches, msg, socket);
}

static void
arc_rest_server_aborted_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	arc_rest_server_count(msg);
}

/* the whole request is in: it is being answered, and no timeout applies */
static void
arc_rest_server_request_read_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	ArcRestConn *conn = arc_rest_server_conn_of(msg);

	if (conn != NULL)
		arc_rest_conn_set_state(conn, ARC_REST_CONN_SERVING);
}

static void
arc_rest_server_handler_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			   GHashTable *query, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);

	/* already answered by the early handler */
	if (soup_server_message_get_status(msg) != SOUP_STATUS_NONE)
		return;
	arc_rest_set_license_header(self->engine, msg);
	arc_rest_dispatch(self->engine, msg, path);
	arc_rest_set_license_header(self->engine, msg);
	g_debug("%s %s -> %u", soup_server_message_get_method(msg), path,
		soup_server_message_get_status(msg));
}

/* Answers from the early handler, at once: libsoup 3.2 would only write the answer after
 * reading the whole announced body (unless the client asked for 100-continue), and a
 * Content-Length it misread (`-1`) announces an endless one. The answer is written on the
 * connection now, nothing more of the request is read, and the connection is closed. */
static void
arc_rest_server_refuse_early(ArcRestServer *self, SoupServerMessage *msg, ArcError code,
			     const gchar *message)
{
	ArcRestConn *conn = arc_rest_server_conn_of(msg);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GBytes) answer = NULL;

	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	arc_rest_set_license_header(self->engine, msg);
	soup_message_headers_replace(headers, "Connection", "close");
	arc_rest_reply_error_literal(msg, code, message);
	g_object_set_qdata(G_OBJECT(msg), arc_rest_refused_quark(),
			   GUINT_TO_POINTER(soup_server_message_get_status(msg)));
	if (conn == NULL)
		return;
	body = soup_message_body_flatten(soup_server_message_get_response_body(msg));
	answer = arc_rest_render(soup_server_message_get_status(msg), headers, body);
	arc_rest_conn_refuse(conn, answer);
}

/* Runs once the headers are in, before any body byte is read: a body longer than
 * max_body_size is refused without reading it. A bad Content-Length and any
 * Transfer-Encoding never get here: the head scan of ArcRestConn answered them before
 * libsoup parsed the head (arc-rest-head.c). */
static void
arc_rest_server_early_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			 GHashTable *query, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(headers);
	ArcRestConn *conn = arc_rest_server_conn_of(msg);

	if (conn != NULL)
		arc_rest_conn_set_state(conn, ARC_REST_CONN_BODY);
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(headers) >
		    (goffset)self->config->max_body_size) {
		g_autofree gchar *text =
			g_strdup_printf("request body larger than %" G_GSIZE_FORMAT " bytes",
					self->config->max_body_size);
		arc_rest_server_refuse_early(self, msg, ARC_ERROR_PAYLOAD_TOO_LARGE, text);
	}
}

/**
 * arc_rest_server_new:
 * @engine: the engine the API drives
 * @config: (transfer none): listen address and body limit; must outlive the server
 *
 * Returns: (transfer full): a server; call arc_rest_server_listen()
 */
ArcRestServer *
arc_rest_server_new(ArcEngine *engine, ArcConfig *config)
{
	ArcRestServer *self = g_object_new(ARC_TYPE_REST_SERVER, NULL);
	self->engine = g_object_ref(engine);
	self->config = config;
	self->server = soup_server_new("server-header", ARC_REST_SERVER_HEADER " ", NULL);
	self->limits.max_line = config->api_max_request_line;
	self->limits.max_head = config->api_max_head;
	self->limits.line_too_long = arc_rest_render_limit(SOUP_STATUS_REQUEST_URI_TOO_LONG,
							   "URI_TOO_LONG", "request line too long");
	self->limits.head_too_large =
		arc_rest_render_limit(431, "HEADERS_TOO_LARGE", "request header fields too large");
	self->limits.method_unknown = arc_rest_render_limit(
		SOUP_STATUS_NOT_IMPLEMENTED, "NOT_IMPLEMENTED", "method not implemented");
	self->limits.bad_length = arc_rest_render_limit(
		SOUP_STATUS_BAD_REQUEST, arc_error_to_code(ARC_ERROR_INVALID_REQUEST),
		"invalid Content-Length");
	self->limits.length_required = arc_rest_render_limit(
		SOUP_STATUS_LENGTH_REQUIRED, arc_error_to_code(ARC_ERROR_LENGTH_REQUIRED),
		"request bodies need a Content-Length");
	soup_server_add_early_handler(self->server, NULL, arc_rest_server_early_cb, self, NULL);
	soup_server_add_handler(self->server, NULL, arc_rest_server_handler_cb, self, NULL);
	g_signal_connect(self->server, "request-started",
			 G_CALLBACK(arc_rest_server_request_started_cb), self);
	g_signal_connect(self->server, "request-finished",
			 G_CALLBACK(arc_rest_server_request_finished_cb), self);
	g_signal_connect(self->server, "request-aborted", G_CALLBACK(arc_rest_server_aborted_cb),
			 NULL);
	g_signal_connect(self->server, "request-read", G_CALLBACK(arc_rest_server_request_read_cb),
			 NULL);
	return self;
}

/* The agent's own listening socket rather than a GSocketService, which logs and retries a
 * failing accept() at once, for ever: out of descriptors, that was a busy loop writing
 * "Too many open files" thousands of times a second. */
static GSocket *
arc_rest_server_open_listener(GSocketAddress *address, GSocketAddress **effective, GError **error)
{
	g_autoptr(GSocket) socket =
		g_socket_new(g_socket_address_get_family(address), G_SOCKET_TYPE_STREAM,
			     G_SOCKET_PROTOCOL_TCP, error);

	if (socket == NULL)
		return NULL;
	g_socket_set_blocking(socket, FALSE);
	g_socket_set_listen_backlog(socket, SOMAXCONN);
	if (!g_socket_bind(socket, address, TRUE, error) || !g_socket_listen(socket, error))
		return NULL;
	*effective = g_socket_get_local_address(socket, error);
	if (*effective == NULL)
		return NULL;
	return g_steal_pointer(&socket);
}

/* Every API connection takes a descriptor, and the usual soft limit is 1024: the agent raises
 * it to the hard limit (LimitNOFILE= in the unit), as Consul and Nomad do. Nothing in the
 * agent uses select(), which could not handle descriptors above 1023. */
static void
arc_rest_server_raise_fd_limit(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
		return;
	limit.rlim_cur = limit.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
		g_debug("cannot raise the descriptor limit: %s", g_strerror(errno));
}

/**
 * arc_rest_server_listen:
 * @self: the server
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the API port is open
 */
gboolean
arc_rest_server_listen(ArcRestServer *self, GError **error)
{
	g_autoptr(GSocketAddress) address = NULL;
	g_autoptr(GSocketAddress) effective = NULL;

	address = g_inet_socket_address_new_from_string(self->config->listen_address,
							self->config->listen_port);
	if (address == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "cannot listen on '%s'",
			    self->config->listen_address);
		return FALSE;
	}
	if (!arc_rest_tls_check_ca_file(self->config, error))
		return FALSE;
	self->tls_certificate = arc_rest_tls_load(self->config, error);
	if (self->tls_certificate == NULL && self->config->tls_certificate != NULL)
		return FALSE;
	if (!arc_rest_server_add_quiet_listener(self, error)) {
		g_prefix_error(error, "cannot set up the API server: ");
		return FALSE;
	}
	arc_rest_server_raise_fd_limit();
	self->listener = arc_rest_server_open_listener(address, &effective, error);
	if (self->listener == NULL) {
		g_prefix_error(error, "cannot listen on %s:%u: ", self->config->listen_address,
			       self->config->listen_port);
		arc_error_convert(error);
		return FALSE;
	}
	/* the bound port, which differs from the configured one when that is 0 */
	if (G_IS_INET_SOCKET_ADDRESS(effective))
		self->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
	arc_rest_server_watch_listener(self);
	self->sweep_id = g_timeout_add_seconds(1, arc_rest_server_sweep_cb, self);
	return TRUE;
}

guint16
arc_rest_server_get_port(ArcRestServer *self)
{
	return self->port;
}

/**
 * arc_rest_server_get_tls:
 * @self: the server
 *
 * Returns: whether the API port speaks HTTPS
 */
gboolean
arc_rest_server_get_tls(ArcRestServer *self)
{
	return self->tls_certificate != NULL;
}
