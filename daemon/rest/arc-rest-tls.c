/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "config.h"

#include "arc-rest-tls.h"

#include <arctic-plugin.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * TLS on the API port (docs/tls.md): the certificate of `[api] tls_certificate` and
 * `tls_key`, served by GIO's TLS backend (glib-networking, GnuTLS). The agent accepts
 * connections itself (arc-rest-server.c), so the handshake is done here, with a deadline,
 * before libsoup sees the connection.
 */

static gboolean
arc_rest_tls_check_backend(GError **error)
{
	if (g_tls_backend_supports_tls(g_tls_backend_get_default()))
		return TRUE;
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "[api] tls_certificate is set but no TLS backend is available: "
			    "install glib-networking");
	return FALSE;
}

typedef struct {
	guint pending;
	GError *error; /* the first side's failure */
} ArcRestTlsProbe;

static void
arc_rest_tls_probe_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcRestTlsProbe *probe = user_data;
	g_autoptr(GError) error = NULL;

	if (!g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), res, &error) &&
	    probe->error == NULL)
		probe->error = g_steal_pointer(&error);
	probe->pending--;
}

/* the probe's client only wants to see the key in use, not to trust it */
static gboolean
arc_rest_tls_accept_any_cb(GTlsConnection *conn, GTlsCertificate *peer_cert,
			   GTlsCertificateFlags errors, gpointer user_data)
{
	return TRUE;
}

static gboolean
arc_rest_tls_probe_timeout_cb(gpointer user_data)
{
	g_cancellable_cancel(G_CANCELLABLE(user_data));
	return G_SOURCE_REMOVE;
}

/* both ends of a socket pair, one with the certificate and one without */
static gboolean
arc_rest_tls_probe_pair(GTlsCertificate *certificate, GIOStream **server, GIOStream **client,
			GError **error)
{
	gint fds[2];
	g_autoptr(GSocket) a = NULL;
	g_autoptr(GSocket) b = NULL;
	g_autoptr(GSocketConnection) ca = NULL;
	g_autoptr(GSocketConnection) cb = NULL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "socketpair: %s",
			    g_strerror(errno));
		return FALSE;
	}
	a = g_socket_new_from_fd(fds[0], NULL);
	b = g_socket_new_from_fd(fds[1], NULL);
	if (a == NULL || b == NULL) {
		if (a == NULL)
			close(fds[0]);
		if (b == NULL)
			close(fds[1]);
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL, "socket pair");
		return FALSE;
	}
	ca = g_socket_connection_factory_create_connection(a);
	cb = g_socket_connection_factory_create_connection(b);
	*server = g_tls_server_connection_new(G_IO_STREAM(ca), certificate, error);
	if (*server == NULL)
		return FALSE;
	*client = g_tls_client_connection_new(G_IO_STREAM(cb), NULL, error);
	if (*client == NULL)
		return FALSE;
	g_signal_connect(*client, "accept-certificate", G_CALLBACK(arc_rest_tls_accept_any_cb),
			 NULL);
	return TRUE;
}

/*
 * GIO loads a certificate and a key without checking that they belong together; a wrong key
 * would only show when clients fail their handshakes. One handshake with itself over a socket
 * pair, at start, proves that the key signs for the certificate, within `[api]
 * tls_key_check_timeout` (5 s; a slow machine or a sanitizer build may need more).
 */
static gboolean
arc_rest_tls_check_key(GTlsCertificate *certificate, guint timeout_secs, GError **error)
{
	g_autoptr(GIOStream) server = NULL;
	g_autoptr(GIOStream) client = NULL;
	g_autoptr(GMainContext) context = g_main_context_new();
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GSource) timeout = g_timeout_source_new_seconds(timeout_secs);
	ArcRestTlsProbe probe = {.pending = 2};

	if (!arc_rest_tls_probe_pair(certificate, &server, &client, error))
		return FALSE;
	g_main_context_push_thread_default(context);
	g_source_set_callback(timeout, arc_rest_tls_probe_timeout_cb, cancellable, NULL);
	g_source_attach(timeout, context);
	g_tls_connection_handshake_async(G_TLS_CONNECTION(server), G_PRIORITY_DEFAULT, cancellable,
					 arc_rest_tls_probe_cb, &probe);
	g_tls_connection_handshake_async(G_TLS_CONNECTION(client), G_PRIORITY_DEFAULT, cancellable,
					 arc_rest_tls_probe_cb, &probe);
	while (probe.pending > 0)
		g_main_context_iteration(context, TRUE);
	g_source_destroy(timeout);
	g_main_context_pop_thread_default(context);
	if (probe.error != NULL) {
		g_propagate_error(error, probe.error);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_rest_tls_check_ca_file:
 * @config: `[api] tls_ca_file`
 * @error: return location for a #GError naming the file
 *
 * The authority other agents' certificates are checked against is read when they are met;
 * a missing or unreadable file is a startup error rather than a failed handshake later.
 *
 * Returns: %TRUE if the file is unset or holds certificates
 */
gboolean
arc_rest_tls_check_ca_file(const ArcConfig *config, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	GList *certificates = NULL;

	if (config->tls_ca_file == NULL)
		return TRUE;
	if (!g_tls_backend_supports_tls(g_tls_backend_get_default())) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL,
				    "[api] tls_ca_file is set but no TLS backend is available: "
				    "install glib-networking");
		return FALSE;
	}
	/* the database GIO makes of it reads the file only when it first verifies */
	certificates = g_tls_certificate_list_new_from_file(config->tls_ca_file, &error_local);
	if (certificates == NULL && error_local == NULL)
		error_local = g_error_new_literal(G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
						  "no PEM certificate in it");
	g_list_free_full(certificates, g_object_unref);
	if (error_local != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "[api] tls_ca_file %s: %s",
			    config->tls_ca_file, error_local->message);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_rest_tls_load:
 * @config: `[api] tls_certificate` and `tls_key` (the key may be in the certificate's file)
 * @error: return location for a #GError naming the file at fault
 *
 * Returns: (transfer full) (nullable): the certificate with its key; %NULL without error
 *   when TLS is not configured
 */
GTlsCertificate *
arc_rest_tls_load(const ArcConfig *config, GError **error)
{
	const gchar *key = config->tls_key != NULL ? config->tls_key : config->tls_certificate;
	g_autoptr(GTlsCertificate) certificate = NULL;
	g_autoptr(GError) error_local = NULL;

	if (config->tls_certificate == NULL)
		return NULL;
	if (!arc_rest_tls_check_backend(error))
		return NULL;
	certificate = g_tls_certificate_new_from_files(config->tls_certificate, key, &error_local);
	if (certificate == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[api] cannot use the certificate %s with the key %s: %s",
			    config->tls_certificate, key, error_local->message);
		return NULL;
	}
	if (!arc_rest_tls_check_key(certificate, config->tls_key_check_timeout, &error_local)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[api] the key %s does not belong to the certificate %s: %s", key,
			    config->tls_certificate, error_local->message);
		return NULL;
	}
	return g_steal_pointer(&certificate);
}

typedef struct {
	GSocketConnection *base;
	GIOStream *tls;
	GCancellable *cancellable;
	GSource *timeout;
} ArcRestTlsAccept;

static void
arc_rest_tls_accept_free(ArcRestTlsAccept *accept)
{
	if (accept->timeout != NULL) {
		g_source_destroy(accept->timeout);
		g_source_unref(accept->timeout);
	}
	g_clear_object(&accept->tls);
	g_clear_object(&accept->cancellable);
	g_clear_object(&accept->base);
	g_free(accept);
}

/*
 * A client that spoke plain HTTP to the TLS port (the guide's `curl http://…`) gets an
 * answer it can show rather than a connection closed without a word. What is left of its
 * request is read away first, so that closing does not reset the connection and lose it.
 */
static void
arc_rest_tls_refuse_plain(GSocketConnection *connection)
{
	static const gchar body[] = "{\"error\":\"this agent's API uses TLS: use https://\","
				    "\"code\":\"INVALID_REQUEST\"}";
	g_autofree gchar *answer = g_strdup_printf("HTTP/1.1 400 Bad Request\r\n"
						   "Content-Type: application/json\r\n"
						   "Content-Length: %zu\r\n"
						   "Connection: close\r\n\r\n%s",
						   sizeof(body) - 1, body);
	GSocket *socket = g_socket_connection_get_socket(connection);
	gchar drain[4096];

	g_socket_set_blocking(socket, FALSE);
	while (g_socket_receive(socket, drain, sizeof(drain), NULL, NULL) > 0)
		;
	g_socket_send(socket, answer, strlen(answer), NULL, NULL);
	g_socket_shutdown(socket, FALSE, TRUE, NULL);
}

static gboolean
arc_rest_tls_timeout_cb(gpointer user_data)
{
	ArcRestTlsAccept *accept = user_data;

	g_debug("TLS handshake not completed in time: connection closed");
	g_cancellable_cancel(accept->cancellable);
	return G_SOURCE_REMOVE;
}

static void
arc_rest_tls_handshake_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	ArcRestTlsAccept *accept = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;

	if (!g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), res, &error)) {
		g_io_stream_close(G_IO_STREAM(accept->base), NULL, NULL);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	g_task_return_pointer(task, g_object_ref(accept->tls), g_object_unref);
}

/* every TLS connection opens with a handshake record */
#define ARC_REST_TLS_RECORD_HANDSHAKE 0x16

/*
 * The client's first byte, once it came: a TLS handshake goes ahead; anything else (plain
 * HTTP) gets an answer saying so; nothing before the deadline closes the connection.
 */
static gboolean
arc_rest_tls_first_byte_cb(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	GTask *task = G_TASK(user_data);
	ArcRestTlsAccept *accept = g_task_get_task_data(task);
	guint8 byte = 0;
	gssize n = 0;

	if (!g_cancellable_is_cancelled(accept->cancellable)) {
		n = recv(g_socket_get_fd(socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return G_SOURCE_CONTINUE;
	}
	if (n == 1 && byte == ARC_REST_TLS_RECORD_HANDSHAKE) {
		g_tls_connection_handshake_async(G_TLS_CONNECTION(accept->tls), G_PRIORITY_DEFAULT,
						 accept->cancellable, arc_rest_tls_handshake_cb,
						 g_object_ref(task));
		return G_SOURCE_REMOVE;
	}
	if (n == 1)
		arc_rest_tls_refuse_plain(accept->base);
	g_io_stream_close(G_IO_STREAM(accept->base), NULL, NULL);
	g_task_return_new_error(task, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS,
				n == 1 ? "the client spoke plain HTTP"
				       : "the client sent no TLS handshake in time");
	return G_SOURCE_REMOVE;
}

/**
 * arc_rest_tls_accept_async:
 * @connection: a connection just accepted
 * @certificate: the API's certificate
 * @timeout_secs: how long the client has for its part of the handshake
 * @callback: called once the handshake is done, failed or timed out
 * @user_data: for @callback
 *
 * The server side of a TLS handshake on @connection, which must be complete within
 * @timeout_secs of the connection. On failure the connection is closed (after an HTTP
 * answer saying so, when the client spoke plain HTTP).
 */
void
arc_rest_tls_accept_async(GSocketConnection *connection, GTlsCertificate *certificate,
			  guint timeout_secs, GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);
	ArcRestTlsAccept *accept = g_new0(ArcRestTlsAccept, 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSource) first = NULL;

	g_task_set_source_tag(task, arc_rest_tls_accept_async);
	g_task_set_task_data(task, accept, (GDestroyNotify)arc_rest_tls_accept_free);
	accept->base = g_object_ref(connection);
	accept->cancellable = g_cancellable_new();
	accept->tls = g_tls_server_connection_new(G_IO_STREAM(connection), certificate, &error);
	if (accept->tls == NULL) {
		g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	accept->timeout = g_timeout_source_new_seconds(timeout_secs);
	g_source_set_callback(accept->timeout, arc_rest_tls_timeout_cb, accept, NULL);
	g_source_attach(accept->timeout, g_main_context_get_thread_default());
	first = g_socket_create_source(g_socket_connection_get_socket(connection), G_IO_IN,
				       accept->cancellable);
	g_source_set_callback(first, (GSourceFunc)(void (*)(void))arc_rest_tls_first_byte_cb,
			      g_steal_pointer(&task), g_object_unref);
	g_source_attach(first, g_main_context_get_thread_default());
}

/**
 * arc_rest_tls_accept_finish:
 * @res: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the encrypted stream, to hand to the HTTP server
 */
GIOStream *
arc_rest_tls_accept_finish(GAsyncResult *res, GError **error)
{
	return g_task_propagate_pointer(G_TASK(res), error);
}
