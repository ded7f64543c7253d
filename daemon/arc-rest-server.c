/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "config.h"

#include "arc-rest-server.h"

#include "arc-rest-request.h"

#include "arc-engine-license.h"

#include <errno.h>

#include "arc-metrics.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

/* The REST adapter: parse, authorise, call one engine method, serialise. Routing is a table
 * (arc-rest-routes.c) so that the route × scope test can walk it. */

struct _ArcRestServer {
	GObject parent_instance;
	ArcEngine *engine;
	ArcConfig *config;
	SoupServer *server;
	GSocketService *service;
	GSocket *quiet_end; /* see arc_rest_server_add_quiet_listener() */
	guint16 port;
	GHashTable *idle_watches; /* GSocket → ArcRestIdleWatch */
};

/*
 * libsoup 3.2 (Debian 12) never closes a kept-alive connection that the client closes while
 * it is idle (fixed upstream in 3.3.0): every curl or CLI run would leave the agent one file
 * descriptor in CLOSE_WAIT. The agent watches each kept-alive socket between requests, ahead
 * of libsoup's own source; when the client has closed it, the connection is taken back from
 * the server (which forgets it) and closed. One watch per connection, paused while a request
 * is being served (nothing is polled for but errors), so a request costs two hash lookups,
 * no allocation and no wake-up of the main loop.
 */
typedef struct {
	GSource source;
	ArcRestServer *server;
	SoupServerMessage *msg; /* the connection's first; it keeps the connection */
	GSocket *socket;
	GPollFD pollfd;
	gulong disconnected_id;
} ArcRestIdleWatch;

G_DEFINE_FINAL_TYPE(ArcRestServer, arc_rest_server, G_TYPE_OBJECT)

static void
arc_rest_idle_watch_finalize(GSource *source)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)source;
	if (watch->disconnected_id != 0)
		g_signal_handler_disconnect(watch->msg, watch->disconnected_id);
	g_object_unref(watch->msg);
	g_object_unref(watch->socket);
}

static void
arc_rest_idle_watch_free(ArcRestIdleWatch *watch)
{
	g_source_destroy(&watch->source);
	g_source_unref(&watch->source);
}

static void
arc_rest_server_finalize(GObject *object)
{
	ArcRestServer *self = ARC_REST_SERVER(object);
	g_hash_table_unref(self->idle_watches);
	if (self->service != NULL) {
		g_socket_service_stop(self->service);
		g_socket_listener_close(G_SOCKET_LISTENER(self->service));
		g_clear_object(&self->service);
	}
	if (self->server != NULL)
		soup_server_disconnect(self->server);
	g_clear_object(&self->server);
	g_clear_object(&self->quiet_end);
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
}

/* the connection ended some other way: nothing to watch */
static void
arc_rest_idle_watch_disconnected_cb(SoupServerMessage *msg, gpointer user_data)
{
	ArcRestIdleWatch *watch = user_data;
	g_signal_handler_disconnect(msg, watch->disconnected_id);
	watch->disconnected_id = 0;
	g_hash_table_remove(watch->server->idle_watches, watch->socket);
}

#define ARC_REST_IDLE_EVENTS (G_IO_IN | G_IO_HUP | G_IO_ERR)

static void
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

static gboolean
arc_rest_idle_watch_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
	ArcRestIdleWatch *watch = (ArcRestIdleWatch *)source;
	g_autoptr(GIOStream) stream = NULL;
	gchar byte;
	gssize n;

	if (watch->pollfd.events == 0) {
		g_hash_table_remove(watch->server->idle_watches, watch->socket);
		return G_SOURCE_REMOVE;
	}
	n = recv(g_socket_get_fd(watch->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n > 0) {
		/* the next request: libsoup reads it; the watch resumes after it */
		arc_rest_idle_watch_set_armed(watch, FALSE);
		return G_SOURCE_CONTINUE;
	}
	/* closed by the client (or broken) while idle */
	g_signal_handler_disconnect(watch->msg, watch->disconnected_id);
	watch->disconnected_id = 0;
	stream = soup_server_message_steal_connection(watch->msg);
	if (stream != NULL)
		g_io_stream_close(stream, NULL, NULL);
	g_hash_table_remove(watch->server->idle_watches, watch->socket);
	return G_SOURCE_REMOVE;
}

static GSourceFuncs arc_rest_idle_watch_funcs = {
	.check = arc_rest_idle_watch_check,
	.dispatch = arc_rest_idle_watch_dispatch,
	.finalize = arc_rest_idle_watch_finalize,
};

/*
 * The agent accepts connections itself (GSocketService) and hands each to libsoup with
 * soup_server_accept_iostream(): libsoup 3.2's own listener keeps a reference to every
 * socket it ever accepted (fixed upstream in 3.3, "soup-listener: Plug a leak"), about
 * 800 bytes per connection. Agents open a connection to one another about once a second,
 * so that was some 70 MB a day. Such a connection's GSocket is kept on its remote address
 * object, which libsoup hands back with each message.
 */
static GQuark
arc_rest_socket_quark(void)
{
	return g_quark_from_static_string("arc-rest-socket");
}

static GSocket *
arc_rest_server_socket_of(SoupServerMessage *msg)
{
	GSocketAddress *remote = soup_server_message_get_remote_address(msg);
	return remote != NULL ? g_object_get_qdata(G_OBJECT(remote), arc_rest_socket_quark())
			      : NULL;
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

static gboolean
arc_rest_server_incoming_cb(GSocketService *service, GSocketConnection *connection, GObject *source,
			    gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	GSocket *socket = g_socket_connection_get_socket(connection);
	g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address(connection, NULL);
	g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(connection, NULL);
	g_autoptr(GError) error = NULL;

	/* a client already gone: the service drops the connection */
	if (local == NULL || remote == NULL)
		return TRUE;
	g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
	g_object_set_qdata_full(G_OBJECT(remote), arc_rest_socket_quark(), g_object_ref(socket),
				g_object_unref);
	if (!soup_server_accept_iostream(self->server, G_IO_STREAM(connection), local, remote,
					 &error))
		g_debug("connection from a client not taken: %s", error->message);
	return TRUE;
}

/* a request is being read (possibly one the client pipelined, already in libsoup's buffer):
 * the connection is busy, not idle */
static GQuark
arc_rest_started_quark(void)
{
	return g_quark_from_static_string("arc-rest-started");
}

static GQuark
arc_rest_route_quark(void)
{
	return g_quark_from_static_string("arc-rest-route");
}

/* method, route pattern (never the raw path: bounded labels) and status of an answer */
static void
arc_rest_server_count(SoupServerMessage *msg)
{
	const gchar *route = g_object_get_qdata(G_OBJECT(msg), arc_rest_route_quark());
	gint64 *started = g_object_get_qdata(G_OBJECT(msg), arc_rest_started_quark());
	gchar labels[256];

	g_snprintf(labels, sizeof(labels), "method=\"%s\",route=\"%s\",status=\"%u\"",
		   soup_server_message_get_method(msg), route != NULL ? route : "none",
		   soup_server_message_get_status(msg));

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
	watch = g_hash_table_lookup(self->idle_watches, socket);
	if (watch != NULL) {
		arc_rest_idle_watch_set_armed(watch, TRUE);
		return;
	}
	watch = (ArcRestIdleWatch *)g_source_new(&arc_rest_idle_watch_funcs,
						 sizeof(ArcRestIdleWatch));
	watch->server = self;
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
	g_hash_table_insert(self->idle_watches, socket, watch);
}

static void
arc_rest_server_aborted_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	arc_rest_server_count(msg);
}

/* Matches @path against @pattern segment by segment; `{}` captures one non-empty segment. */
static gboolean
arc_rest_server_match(const gchar *pattern, const gchar *path, const gchar **params,
		      gchar **storage)
{
	guint n = 0;

	while (*pattern != '\0' && *path != '\0') {
		if (pattern[0] == '{' && pattern[1] == '}') {
			const gchar *end = strchr(path, '/');
			gsize len = end != NULL ? (gsize)(end - path) : strlen(path);
			if (len == 0 || n >= ARC_REST_MAX_PARAMS)
				return FALSE;
			storage[n] = g_uri_unescape_segment(path, path + len, "/");
			if (storage[n] == NULL)
				return FALSE;
			params[n] = storage[n];
			n++;
			path += len;
			pattern += 2;
			continue;
		}
		if (*pattern != *path)
			return FALSE;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static const gchar *
arc_rest_server_bearer(SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	const gchar *auth = soup_message_headers_get_one(headers, "Authorization");

	if (auth == NULL || g_ascii_strncasecmp(auth, "Bearer ", 7) != 0)
		return NULL;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return auth[0] != '\0' ? auth : NULL;
}

/* the license endpoints answer in every license state, so that a renewal can always be
 * installed (docs/license.md) */
static gboolean
arc_rest_server_is_license_route(const ArcRestRoute *route)
{
	return g_strcmp0(route->pattern, "/v1/license") == 0;
}

static gboolean
arc_rest_server_authorize(ArcRestServer *self, ArcRestRequest *req, const ArcRestRoute *route,
			  GError **error)
{
	if (arc_rest_server_is_license_route(route))
		return arc_engine_authorize_license(self->engine, req->caller, route->scope, error);
	return arc_engine_authorize(self->engine, req->caller, route->scope, error);
}

/* RFC 6750 §3: a token that was sent and refused is named in the challenge; a request
 * without one gets the bare challenge that arc_rest_reply_error() sets */
static void
arc_rest_server_reply_auth_error(SoupServerMessage *msg, const GError *error)
{
	arc_rest_reply_error(msg, error);
	if (soup_server_message_get_status(msg) == SOUP_STATUS_UNAUTHORIZED &&
	    arc_rest_server_bearer(msg) != NULL)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "WWW-Authenticate", "Bearer error=\"invalid_token\"");
}

static gboolean
arc_rest_server_authenticate(ArcRestServer *self, ArcRestRequest *req, const ArcRestRoute *route,
			     GError **error)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(req->msg);
	const gchar *recovery = soup_message_headers_get_one(headers, "X-Arctic-Recovery");

	if (route->auth == ARC_REST_AUTH_PUBLIC)
		return TRUE;
	req->caller = arc_engine_authenticate(self->engine, arc_rest_server_bearer(req->msg),
					      recovery, error);
	if (req->caller == NULL)
		return FALSE;
	if (req->caller->recovery) {
		g_warning("recovery token used for %s %s from %s: admin scope granted",
			  soup_server_message_get_method(req->msg),
			  g_uri_get_path(soup_server_message_get_uri(req->msg)),
			  soup_server_message_get_remote_host(req->msg));
	}
	if (route->auth == ARC_REST_AUTH_SCOPE &&
	    !arc_rest_server_authorize(self, req, route, error))
		return FALSE;
	return TRUE;
}

/* Every answer of an agent whose license is not valid says so, for the CLI to warn with
 * (docs/license.md "Warnings"). Set again after a request that may have changed it. */
static void
arc_rest_server_set_license_header(ArcRestServer *self, SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	ArcLicenseState state = arc_engine_get_license_state(self->engine);

	if (!arc_engine_is_bootstrapped(self->engine) || state == ARC_LICENSE_STATE_VALID) {
		soup_message_headers_remove(headers, "Arctic-License-State");
		return;
	}
	soup_message_headers_replace(headers, "Arctic-License-State",
				     arc_license_state_to_string(state));
}

static void
arc_rest_server_reply_not_allowed(SoupServerMessage *msg, GString *allowed)
{
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow",
				     allowed->str);
	arc_rest_reply_error_literal(msg, ARC_ERROR_METHOD_NOT_ALLOWED, "method not allowed");
}

static void
arc_rest_server_dispatch(ArcRestServer *self, SoupServerMessage *msg, const gchar *path)
{
	const gchar *method = soup_server_message_get_method(msg);
	g_autoptr(GString) allowed = g_string_new(NULL);
	guint n_routes = 0;
	const ArcRestRoute *routes = arc_rest_routes_get(&n_routes);

	for (guint i = 0; i < n_routes; i++) {
		ArcRestRequest req = {.msg = msg, .engine = self->engine};
		gchar *storage[ARC_REST_MAX_PARAMS] = {NULL};
		g_autoptr(GError) error = NULL;
		gboolean matched =
			arc_rest_server_match(routes[i].pattern, path, req.params, storage);

		if (matched && g_strcmp0(routes[i].method, method) != 0) {
			g_string_append_printf(allowed, "%s%s", allowed->len > 0 ? ", " : "",
					       routes[i].method);
			matched = FALSE;
		}
		if (matched) {
			g_object_set_qdata(G_OBJECT(msg), arc_rest_route_quark(),
					   (gpointer)routes[i].pattern);
			req.body = soup_message_body_flatten(
				soup_server_message_get_request_body(msg));
			if (arc_rest_server_authenticate(self, &req, &routes[i], &error))
				routes[i].handler(&req);
			else
				arc_rest_server_reply_auth_error(msg, error);
			arc_caller_free(req.caller);
			g_bytes_unref(req.body);
		}
		for (guint j = 0; j < ARC_REST_MAX_PARAMS; j++)
			g_free(storage[j]);
		if (matched)
			return;
	}
	if (allowed->len > 0)
		arc_rest_server_reply_not_allowed(msg, allowed);
	else
		arc_rest_reply_error_literal(msg, ARC_ERROR_NOT_FOUND, "no such endpoint");
}

static void
arc_rest_server_handler_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			   GHashTable *query, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);

	/* already answered by the early handler */
	if (soup_server_message_get_status(msg) != SOUP_STATUS_NONE)
		return;
	arc_rest_server_set_license_header(self, msg);
	arc_rest_server_dispatch(self, msg, path);
	arc_rest_server_set_license_header(self, msg);
	g_debug("%s %s -> %u", soup_server_message_get_method(msg), path,
		soup_server_message_get_status(msg));
}

static void
arc_rest_server_refuse_early(SoupServerMessage *msg, ArcError code, const gchar *message)
{
	/* libsoup still reads the announced body after an early answer (unless the client
	 * asked for 100-continue), so make sure none of it is kept, and close afterwards */
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Connection",
				     "close");
	arc_rest_reply_error_literal(msg, code, message);
}

/* Runs once the headers are in, before any body byte is read: oversized and unbounded
 * bodies are refused without buffering them. */
static void
arc_rest_server_early_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			 GHashTable *query, gpointer user_data)
{
	ArcRestServer *self = ARC_REST_SERVER(user_data);
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(headers);

	if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF) {
		arc_rest_server_set_license_header(self, msg);
		arc_rest_server_refuse_early(msg, ARC_ERROR_LENGTH_REQUIRED,
					     "request bodies need a Content-Length");
		return;
	}
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(headers) >
		    (goffset)self->config->max_body_size) {
		g_autofree gchar *text =
			g_strdup_printf("request body larger than %" G_GSIZE_FORMAT " bytes",
					self->config->max_body_size);
		arc_rest_server_set_license_header(self, msg);
		arc_rest_server_refuse_early(msg, ARC_ERROR_PAYLOAD_TOO_LARGE, text);
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
	self->server = soup_server_new("server-header", "arctic-agent/" PACKAGE_VERSION " ", NULL);
	soup_server_add_early_handler(self->server, NULL, arc_rest_server_early_cb, self, NULL);
	soup_server_add_handler(self->server, NULL, arc_rest_server_handler_cb, self, NULL);
	g_signal_connect(self->server, "request-started",
			 G_CALLBACK(arc_rest_server_request_started_cb), self);
	g_signal_connect(self->server, "request-finished",
			 G_CALLBACK(arc_rest_server_request_finished_cb), self);
	g_signal_connect(self->server, "request-aborted", G_CALLBACK(arc_rest_server_aborted_cb),
			 NULL);
	return self;
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
	if (!arc_rest_server_add_quiet_listener(self, error)) {
		g_prefix_error(error, "cannot set up the API server: ");
		return FALSE;
	}
	self->service = g_socket_service_new();
	g_socket_listener_set_backlog(G_SOCKET_LISTENER(self->service), SOMAXCONN);
	if (!g_socket_listener_add_address(G_SOCKET_LISTENER(self->service), address,
					   G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
					   &effective, error)) {
		g_prefix_error(error, "cannot listen on %s:%u: ", self->config->listen_address,
			       self->config->listen_port);
		arc_error_convert(error);
		g_clear_object(&self->service);
		return FALSE;
	}
	/* the bound port, which differs from the configured one when that is 0 */
	if (G_IS_INET_SOCKET_ADDRESS(effective))
		self->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
	g_signal_connect(self->service, "incoming", G_CALLBACK(arc_rest_server_incoming_cb), self);
	g_socket_service_start(self->service);
	return TRUE;
}

guint16
arc_rest_server_get_port(ArcRestServer *self)
{
	return self->port;
}
