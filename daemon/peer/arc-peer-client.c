/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "peers"

#include "config.h"

#include "arc-peer-client.h"

#include <libsoup/soup.h>

#define ARC_PEER_CLIENT_MAX_BODY (256 * 1024)

struct _ArcPeerClient {
	GObject parent_instance;
	SoupSession *session;
	gsize max_body;
	GTlsDatabase *ca_database; /* [api] tls_ca_file, trusted besides the system store */
};

G_DEFINE_FINAL_TYPE(ArcPeerClient, arc_peer_client, G_TYPE_OBJECT)

void
arc_peer_response_free(ArcPeerResponse *self)
{
	if (self == NULL)
		return;
	g_bytes_unref(self->body);
	g_free(self);
}

static void
arc_peer_client_finalize(GObject *object)
{
	ArcPeerClient *self = ARC_PEER_CLIENT(object);
	g_clear_object(&self->session);
	g_clear_object(&self->ca_database);
	G_OBJECT_CLASS(arc_peer_client_parent_class)->finalize(object);
}

static void
arc_peer_client_class_init(ArcPeerClientClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_peer_client_finalize;
}

static void
arc_peer_client_init(ArcPeerClient *self)
{
}

/**
 * arc_peer_client_new:
 * @timeout_secs: the limit for connecting and for each read or write
 *
 * Returns: (transfer full): a client; agents talk HTTP, or HTTPS to `https://` agents, on
 *   the API port, never through a proxy
 */
ArcPeerClient *
arc_peer_client_new(guint timeout_secs)
{
	return arc_peer_client_new_full(timeout_secs, 30, ARC_PEER_CLIENT_MAX_BODY);
}

/**
 * arc_peer_client_new_full:
 * @timeout_secs: the limit for connecting and for each read or write
 * @idle_secs: how long an idle connection is kept for the next request
 * @max_body: the largest answer taken
 *
 * Returns: (transfer full): a client
 */
ArcPeerClient *
arc_peer_client_new_full(guint timeout_secs, guint idle_secs, gsize max_body)
{
	ArcPeerClient *self = g_object_new(ARC_TYPE_PEER_CLIENT, NULL);
	self->max_body = max_body;
	self->session =
		soup_session_new_with_options("timeout", timeout_secs, "idle-timeout", idle_secs,
					      "user-agent", "arctic-agent/" PACKAGE_VERSION, NULL);
	soup_session_set_proxy_resolver(self->session, NULL);
	return self;
}

/**
 * arc_peer_client_set_ca_file:
 * @self: the client
 * @path: (nullable): PEM certificates of the authorities that sign other agents'
 *   certificates (`[api] tls_ca_file`), trusted in addition to the system store
 * @error: return location for a #GError naming the file
 *
 * Returns: %TRUE if @path is unset or was read
 */
gboolean
arc_peer_client_set_ca_file(ArcPeerClient *self, const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	g_clear_object(&self->ca_database);
	if (path == NULL)
		return TRUE;
	self->ca_database = g_tls_file_database_new(path, &error_local);
	if (self->ca_database == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "[api] tls_ca_file %s: %s",
			    path, error_local->message);
		return FALSE;
	}
	return TRUE;
}

/* Called when the system store does not vouch for an https:// agent's certificate: the
 * cluster's own authority (tls_ca_file) may, for the host and port asked for. */
static gboolean
arc_peer_client_accept_certificate_cb(SoupMessage *msg, GTlsCertificate *certificate,
				      GTlsCertificateFlags errors, gpointer user_data)
{
	ArcPeerClient *self = ARC_PEER_CLIENT(user_data);
	GUri *uri = soup_message_get_uri(msg);
	g_autoptr(GSocketConnectable) identity = NULL;
	g_autoptr(GError) error = NULL;
	GTlsCertificateFlags flags;

	if (self->ca_database == NULL)
		return FALSE;
	identity = g_network_address_new(g_uri_get_host(uri), (guint16)g_uri_get_port(uri));
	flags = g_tls_database_verify_chain(self->ca_database, certificate,
					    G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
					    NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error);
	if (error != NULL || flags != 0) {
		g_debug("certificate of %s:%d not trusted (flags 0x%x)%s%s", g_uri_get_host(uri),
			g_uri_get_port(uri), flags, error != NULL ? ": " : "",
			error != NULL ? error->message : "");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_peer_client_convert_error:
 * @error: (inout): a transport error from arc_peer_client_request_finish()
 * @address: the agent it was for
 * @detail: (out) (optional): the transport's own words, for debug output and logs
 *
 * Names a transport error as the seed guide does: connection refused (nothing answers, no
 * route, unknown host) or connection timeout (no answer in time).
 */
void
arc_peer_client_convert_error(GError **error, const gchar *address, gchar **detail)
{
	ArcHandshakeReason reason = ARC_HANDSHAKE_REASON_CONNECTION_REFUSED;
	GError *old = *error;

	if (old->domain == ARC_HANDSHAKE_ERROR || old->domain == ARC_ERROR)
		return;
	if (g_error_matches(old, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
		reason = ARC_HANDSHAKE_REASON_CONNECTION_TIMEOUT;
	if (detail != NULL)
		*detail = g_strdup_printf("%s: %s", address, old->message);
	*error = g_error_new_literal(ARC_HANDSHAKE_ERROR, (gint)reason,
				     arc_handshake_reason_get_message(reason));
	g_error_free(old);
}

static void
arc_peer_client_read_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	SoupMessage *msg = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) body =
		soup_session_send_and_read_finish(SOUP_SESSION(source), res, &error);
	ArcPeerResponse *response;

	if (body == NULL) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	if (g_bytes_get_size(body) > ARC_PEER_CLIENT(g_task_get_source_object(task))->max_body) {
		g_task_return_new_error(
			task, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR, "%s",
			arc_handshake_reason_get_message(ARC_HANDSHAKE_REASON_PROTOCOL_ERROR));
		return;
	}
	response = g_new0(ArcPeerResponse, 1);
	response->status = soup_message_get_status(msg);
	response->body = g_steal_pointer(&body);
	g_task_return_pointer(task, response, (GDestroyNotify)arc_peer_response_free);
}

/**
 * arc_peer_client_request_async:
 * @self: the client
 * @method: GET or POST
 * @address: the other agent, `host:port` (HTTP) or `https://host:port`
 * @path: the API path
 * @body: (nullable): a JSON body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Sends one request; any HTTP answer is a success here, see arc_peer_response_check().
 */
void
arc_peer_client_request_async(ArcPeerClient *self, const gchar *method, const gchar *address,
			      const gchar *path, const gchar *body, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autofree gchar *url = arc_handshake_address_is_tls(address)
					? g_strconcat(address, path, NULL)
					: g_strdup_printf("http://%s%s", address, path);
	g_autoptr(GError) error = NULL;
	g_autoptr(GUri) uri = g_uri_parse(url, SOUP_HTTP_URI_FLAGS, &error);
	SoupMessage *msg;

	g_task_set_name(task, address);
	if (uri == NULL) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					"not a valid address: %s", address);
		return;
	}
	msg = soup_message_new_from_uri(method, uri);
	/* every agent-to-agent request may be sent again (a hello opens a fresh session, a
	 * repeated confirm or leave is refused or has no effect), so kept-alive connections to
	 * the other agent are reused for POSTs too */
	soup_message_add_flags(msg, SOUP_MESSAGE_IDEMPOTENT);
	g_signal_connect_object(msg, "accept-certificate",
				G_CALLBACK(arc_peer_client_accept_certificate_cb), self, 0);
	if (body != NULL) {
		g_autoptr(GBytes) bytes = g_bytes_new(body, strlen(body));
		soup_message_set_request_body_from_bytes(msg, "application/json", bytes);
	}
	g_task_set_task_data(task, msg, g_object_unref);
	soup_session_send_and_read_async(self->session, msg, G_PRIORITY_DEFAULT, cancellable,
					 arc_peer_client_read_cb, g_steal_pointer(&task));
}

/**
 * arc_peer_client_request_finish:
 * @self: the client
 * @res: the result
 * @error: return location for a #GError: a transport error when the agent could not be
 *   reached, see arc_peer_client_convert_error()
 *
 * Returns: (transfer full): the answer
 */
ArcPeerResponse *
arc_peer_client_request_finish(ArcPeerClient *self, GAsyncResult *res, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	return g_task_propagate_pointer(G_TASK(res), error);
}

/**
 * arc_peer_response_check:
 * @response: an answer of another agent
 * @address: who answered, for messages
 * @detail: (out) (optional): what the other side said, for the operator's debug output
 * @error: return location for a #GError
 *
 * An error answer of the API becomes the handshake error its `reason` names, so that both
 * sides report the same failure; anything else that is not a 2xx is a protocol error.
 *
 * Returns: %TRUE for a 2xx answer
 */
gboolean
arc_peer_response_check(ArcPeerResponse *response, const gchar *address, gchar **detail,
			GError **error)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(response->body, &len);
	g_autoptr(JsonNode) root = NULL;
	ArcHandshakeReason reason = ARC_HANDSHAKE_REASON_PROTOCOL_ERROR;
	const gchar *message = NULL;
	const gchar *why = NULL;

	if (SOUP_STATUS_IS_SUCCESSFUL(response->status))
		return TRUE;
	if (len > 0)
		root = arc_json_parse_object(data, (gssize)len, 8, NULL);
	if (root != NULL) {
		JsonObject *obj = json_node_get_object(root);
		message = arc_json_object_get_string(obj, "error");
		why = arc_json_object_get_string(obj, "detail");
		if (!arc_handshake_reason_from_string(arc_json_object_get_string(obj, "reason"),
						      &reason))
			reason = ARC_HANDSHAKE_REASON_PROTOCOL_ERROR;
	}
	if (detail != NULL) {
		/* the other side's words, untrusted: valid UTF-8, bounded */
		g_autofree gchar *text =
			why != NULL
				? g_strdup_printf("%s (%s)", message != NULL ? message : "", why)
				: g_strdup(message != NULL ? message : "");
		g_autofree gchar *safe = NULL;
		if (strlen(text) > 512)
			text[512] = '\0';
		safe = g_utf8_make_valid(text, -1);
		*detail = message != NULL
				  ? g_strdup_printf("%s answered HTTP %u: %s", address,
						    response->status, safe)
				  : g_strdup_printf("%s answered HTTP %u, not an Arctic agent's "
						    "handshake answer",
						    address, response->status);
	}
	arc_handshake_set_error(error, reason);
	return FALSE;
}

/**
 * arc_peer_response_is_ok:
 * @response: an answer of another agent
 *
 * Returns: %TRUE for `200 OK`, the one answer of a gossip exchange or an identity probe
 */
gboolean
arc_peer_response_is_ok(const ArcPeerResponse *response)
{
	return response->status == SOUP_STATUS_OK;
}

/**
 * arc_peer_response_describe_refusal:
 * @response: an error answer of another agent
 *
 * Returns: (transfer full): `HTTP <status>: <the answer's error>`, for the log
 */
gchar *
arc_peer_response_describe_refusal(const ArcPeerResponse *response)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(response->body, &len);
	g_autoptr(JsonNode) root =
		arc_json_parse_object(data != NULL ? data : "", (gssize)len, 4, NULL);
	const gchar *text =
		root != NULL ? arc_json_object_get_string(json_node_get_object(root), "error")
			     : NULL;
	return g_strdup_printf("HTTP %u: %s", response->status, text != NULL ? text : "?");
}

/**
 * arc_peer_response_check_ok:
 * @response: an answer of another agent
 * @address: who answered, for @detail
 * @request: what was asked, for @detail, e.g. `GET /v1/cluster/identity`
 * @detail: (out): set when the answer is not `200 OK`, saying so
 *
 * Returns: arc_peer_response_is_ok()
 */
gboolean
arc_peer_response_check_ok(const ArcPeerResponse *response, const gchar *address,
			   const gchar *request, gchar **detail)
{
	if (arc_peer_response_is_ok(response))
		return TRUE;
	*detail = g_strdup_printf("%s answered HTTP %u to %s", address, response->status, request);
	return FALSE;
}
