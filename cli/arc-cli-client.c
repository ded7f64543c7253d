/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-client.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "arc-cli-error.h"
#include "arc-cli-json.h"
#include "arc-cli-output.h"
#include "arc-cli-trace.h"
#include "arc-error-map.h"

/*
 * The REST client of one agent. It is given the endpoints to try in order; the first that
 * answers is used for the rest of the command.
 */
struct _ArcCliClient {
	GObject parent_instance;
	SoupSession *session;
	GPtrArray *urls; /* of gchar*, without a trailing slash */
	guint current;
	gboolean connected;
	gboolean trace;
	gchar *bearer_token;
	gchar *recovery_token;
	gboolean license_warned; /* once per command */
};

G_DEFINE_FINAL_TYPE(ArcCliClient, arc_cli_client, G_TYPE_OBJECT)

/* One request, as sent to whichever endpoint answers */
typedef struct {
	const gchar *method;
	const gchar *path;
	const gchar *content_type;
	GBytes *body;        /* nullable */
	gboolean idempotent; /* sending it twice does no harm */
} ArcCliClientRequest;

static void
arc_cli_client_finalize(GObject *object)
{
	ArcCliClient *self = ARC_CLI_CLIENT(object);

	g_object_unref(self->session);
	g_ptr_array_unref(self->urls);
	g_free(self->bearer_token);
	g_free(self->recovery_token);
	G_OBJECT_CLASS(arc_cli_client_parent_class)->finalize(object);
}

static void
arc_cli_client_class_init(ArcCliClientClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_cli_client_finalize;
}

static void
arc_cli_client_init(ArcCliClient *self)
{
	self->urls = g_ptr_array_new_with_free_func(g_free);
}

/**
 * arc_cli_client_normalize_url:
 * @url: an agent URL as the user wrote it; `host:port` means `http://host:port`
 *
 * Returns: (transfer full): the URL without a trailing slash, or %NULL with @error set
 * (%ARC_CLI_ERROR_USAGE)
 */
gchar *
arc_cli_client_normalize_url(const gchar *url, GError **error)
{
	g_autofree gchar *full = NULL;
	g_autoptr(GUri) uri = NULL;
	gsize length;

	full = strstr(url, "://") != NULL ? g_strdup(url) : g_strconcat("http://", url, NULL);
	uri = g_uri_parse(full, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL || g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0' ||
	    (g_strcmp0(g_uri_get_scheme(uri), "http") != 0 &&
	     g_strcmp0(g_uri_get_scheme(uri), "https") != 0)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: %s is what the user passed */
			    _("invalid agent URL: %s"), url);
		return NULL;
	}
	length = strlen(full);
	while (length > 0 && full[length - 1] == '/')
		full[--length] = '\0';
	return g_steal_pointer(&full);
}

static const gchar *
arc_cli_client_getenv_either(const gchar *lower, const gchar *upper)
{
	const gchar *value = g_getenv(lower);

	if (value == NULL || value[0] == '\0')
		value = g_getenv(upper);
	return value != NULL && value[0] != '\0' ? value : NULL;
}

/*
 * Proxies as curl takes them: http_proxy, https_proxy, no_proxy. Not the desktop's proxy
 * settings: the default GIO resolver reads GSettings and aborts where no schemas are found.
 */
static GProxyResolver *
arc_cli_client_proxy_resolver(void)
{
	const gchar *http = arc_cli_client_getenv_either("http_proxy", "HTTP_PROXY");
	const gchar *https = arc_cli_client_getenv_either("https_proxy", "HTTPS_PROXY");
	const gchar *no_proxy = arc_cli_client_getenv_either("no_proxy", "NO_PROXY");
	g_auto(GStrv) ignore = NULL;
	GSimpleProxyResolver *resolver;

	if (http == NULL && https == NULL)
		return NULL;
	ignore = no_proxy != NULL ? g_strsplit(no_proxy, ",", -1) : NULL;
	for (guint i = 0; ignore != NULL && ignore[i] != NULL; i++)
		g_strstrip(ignore[i]);
	resolver = G_SIMPLE_PROXY_RESOLVER(g_simple_proxy_resolver_new(NULL, ignore));
	if (http != NULL)
		g_simple_proxy_resolver_set_uri_proxy(resolver, "http", http);
	if (https != NULL)
		g_simple_proxy_resolver_set_uri_proxy(resolver, "https", https);
	return G_PROXY_RESOLVER(resolver);
}

/**
 * arc_cli_client_new:
 * @urls: (element-type utf8): normalized agent URLs to try, in order
 * @timeout_sec: timeout for connecting and for each read
 * @trace: print every request and response on stderr
 *
 * Returns: (transfer full): a client
 */
ArcCliClient *
arc_cli_client_new(GPtrArray *urls, guint timeout_sec, gboolean trace)
{
	ArcCliClient *self = g_object_new(ARC_TYPE_CLI_CLIENT, NULL);
	g_autofree gchar *user_agent = g_strdup_printf("arctic/%s", PACKAGE_VERSION);
	g_autoptr(GProxyResolver) proxy = arc_cli_client_proxy_resolver();

	for (guint i = 0; i < urls->len; i++)
		g_ptr_array_add(self->urls, g_strdup(g_ptr_array_index(urls, i)));
	self->trace = trace;
	self->session = soup_session_new_with_options("timeout", timeout_sec, "user-agent",
						      user_agent, "proxy-resolver", proxy, NULL);
	return self;
}

/**
 * arc_cli_client_set_bearer_token:
 * @self: a client
 * @token: (nullable): the access token sent as `Authorization: Bearer`
 */
void
arc_cli_client_set_bearer_token(ArcCliClient *self, const gchar *token)
{
	g_free(self->bearer_token);
	self->bearer_token = g_strdup(token);
}

/**
 * arc_cli_client_set_recovery_token:
 * @self: a client
 * @token: (nullable): the recovery token sent as `X-Arctic-Recovery`
 */
void
arc_cli_client_set_recovery_token(ArcCliClient *self, const gchar *token)
{
	g_free(self->recovery_token);
	self->recovery_token = g_strdup(token);
}

/**
 * arc_cli_client_set_tls_database:
 * @self: a client
 * @database: (nullable): the authorities https:// agents are checked against instead of
 *   the system store (`--cacert`), or %NULL for the system store
 */
void
arc_cli_client_set_tls_database(ArcCliClient *self, GTlsDatabase *database)
{
	if (database != NULL)
		soup_session_set_tls_database(self->session, database);
}

/**
 * arc_cli_client_load_ca_file:
 * @path: PEM certificates of the authorities to trust (`--cacert` or the `cacert` preference)
 * @error: return location for a #GError (%ARC_CLI_ERROR_CONFIG)
 *
 * Returns: (transfer full): the authorities, or %NULL with @error set
 */
GTlsDatabase *
arc_cli_client_load_ca_file(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	/* GIO wants an absolute path, and reads the file only when it first verifies */
	g_autofree gchar *absolute = g_canonicalize_filename(path, NULL);
	GList *certificates = g_tls_certificate_list_new_from_file(absolute, &error_local);
	GTlsDatabase *database = NULL;

	if (certificates == NULL && error_local == NULL)
		error_local = g_error_new_literal(G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
						  _("no PEM certificate in it"));
	g_list_free_full(certificates, g_object_unref);
	if (error_local == NULL)
		database = g_tls_file_database_new(absolute, &error_local);
	if (database == NULL)
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: first %s is a file, second the reason */
			    _("cannot read CA certificates from %s: %s"), path,
			    error_local->message);
	return database;
}

/**
 * arc_cli_client_get_url:
 * @self: a client
 *
 * Returns: the endpoint that answered, or the one that will be tried first
 */
const gchar *
arc_cli_client_get_url(ArcCliClient *self)
{
	if (self->urls->len == 0)
		return NULL;
	return g_ptr_array_index(self->urls, self->current);
}

/**
 * arc_cli_client_get_connected:
 * @self: a client
 *
 * Returns: %TRUE once an endpoint has answered
 */
gboolean
arc_cli_client_get_connected(ArcCliClient *self)
{
	return self->connected;
}

/* why an https:// agent's certificate was refused, in the operator's terms */
static GError *
arc_cli_client_certificate_error(GTlsCertificateFlags flags)
{
	const gchar *why;

	if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
		why = _("it is not signed by a trusted authority (use --cacert FILE for a "
			"private CA)");
	else if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
		why = _("it is not for this host name or address");
	else if (flags & G_TLS_CERTIFICATE_EXPIRED)
		why = _("it has expired");
	else if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
		why = _("it is not valid yet");
	else
		why = _("it is not valid");
	return g_error_new(ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION,
			   /* TRANSLATORS: %s says why, e.g. "it has expired" */
			   _("TLS certificate verification failed: %s"), why);
}

/* Every failure to exchange a request and a response means the agent cannot be reached;
 * @flags are the certificate's faults when it was refused */
static GError *
arc_cli_client_connection_error(const GError *error, GTlsCertificateFlags flags)
{
	const gchar *message = NULL;

	if (g_error_matches(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
		return arc_cli_client_certificate_error(flags);
	if (error->domain == G_RESOLVER_ERROR)
		/* TRANSLATORS: DNS lookup of the agent's host name failed */
		message = _("could not resolve host");
	else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
		message = _("connection refused");
	else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
		message = _("connection timeout");
	else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
		 g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
		message = _("host unreachable");
	if (message != NULL)
		return g_error_new_literal(ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION, message);
	return g_error_new(ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION,
			   /* TRANSLATORS: %s is the reason */
			   _("cannot reach the agent: %s"), error->message);
}

static SoupMessage *
arc_cli_client_new_message(ArcCliClient *self, const gchar *base, const ArcCliClientRequest *req)
{
	g_autofree gchar *url = g_strconcat(base, req->path, NULL);
	SoupMessage *msg = soup_message_new(req->method, url);
	SoupMessageHeaders *headers;

	if (msg == NULL)
		return NULL;
	headers = soup_message_get_request_headers(msg);
	soup_message_headers_replace(headers, "Accept", "application/json");
	if (self->bearer_token != NULL) {
		g_autofree gchar *value = g_strdup_printf("Bearer %s", self->bearer_token);

		soup_message_headers_replace(headers, "Authorization", value);
	}
	if (self->recovery_token != NULL)
		soup_message_headers_replace(headers, "X-Arctic-Recovery", self->recovery_token);
	if (req->body != NULL)
		soup_message_set_request_body_from_bytes(msg, req->content_type, req->body);
	return msg;
}

static void
arc_cli_client_network_event_cb(SoupMessage *msg, GSocketClientEvent event, GIOStream *connection,
				gpointer user_data)
{
	gboolean *connected = user_data;

	if (event == G_SOCKET_CLIENT_CONNECTED)
		*connected = TRUE;
}

/*
 * Whether a request that failed may go to the next endpoint: only if this one cannot have
 * received it (refused, unreachable, unknown host, or a timeout before any connection was
 * made), or if it does no harm to send it twice (@idempotent) and no answer came.
 */
static gboolean
arc_cli_client_may_fail_over(const GError *error, gboolean connected, gboolean idempotent)
{
	if (error->domain == G_RESOLVER_ERROR ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
		return TRUE;
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
		return idempotent || !connected;
	return FALSE;
}

/* what an agent whose license is not valid means for the operator (docs/license.md) */
static gchar *
arc_cli_client_license_advice(const gchar *state)
{
	if (g_strcmp0(state, "warning") == 0)
		return g_strdup(_("the license expires soon: renew it with 'arctic license update "
				  "--license-file FILE'"));
	if (g_strcmp0(state, "grace_period") == 0)
		return g_strdup(_("the license has expired and the agent becomes read-only when "
				  "the grace period ends: renew it with 'arctic license update "
				  "--license-file FILE'"));
	if (g_strcmp0(state, "read_only") == 0)
		return g_strdup(_("the license has expired and the agent is read-only: peers, "
				  "services and routes cannot be changed; renew it with 'arctic "
				  "license update --license-file FILE'"));
	if (g_strcmp0(state, "suspended") == 0)
		return g_strdup(
			_("the license has expired and the agent is suspended: only health, "
			  "identity, license and token requests are served; renew it with "
			  "'arctic license update --license-file FILE'"));
	/* TRANSLATORS: %s is a license state the agent names and this CLI does not know */
	return g_strdup_printf(_("the license is %s: renew it with 'arctic license update "
				 "--license-file FILE'"),
			       state);
}

/* One line on stderr, never on stdout with the data, the first time an answer of the
 * agent says its license is not valid. The token endpoint's answer does not count: the
 * command's own request follows it (and after `license update` the license is valid). */
static void
arc_cli_client_check_license(ArcCliClient *self, SoupMessage *msg, const ArcCliClientRequest *req)
{
	const gchar *state = soup_message_headers_get_one(soup_message_get_response_headers(msg),
							  "Arctic-License-State");
	g_autofree gchar *advice = NULL;

	if (state == NULL || self->license_warned || g_strcmp0(req->path, "/v1/oauth/token") == 0)
		return;
	self->license_warned = TRUE;
	advice = arc_cli_client_license_advice(state);
	arc_cli_output_warning("%s", advice);
}

/* One attempt at one endpoint; after a failure @may_retry says if the next may be tried */
static GBytes *
arc_cli_client_send_to(ArcCliClient *self, const gchar *base, const ArcCliClientRequest *req,
		       guint *status, gboolean *may_retry, GError **error)
{
	g_autoptr(SoupMessage) msg = arc_cli_client_new_message(self, base, req);
	g_autoptr(GError) error_local = NULL;
	GBytes *response;
	gint64 start = g_get_monotonic_time();
	gboolean connected = FALSE;

	if (msg == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE, _("invalid agent URL: %s"),
			    base);
		return NULL;
	}
	g_signal_connect(msg, "network-event", G_CALLBACK(arc_cli_client_network_event_cb),
			 &connected);
	arc_cli_output_debug("%s %s%s", req->method, base, req->path);
	if (self->trace)
		arc_cli_trace_request(msg, req->body);
	response = soup_session_send_and_read(self->session, msg, NULL, &error_local);
	g_signal_handlers_disconnect_by_data(msg, &connected);
	if (response == NULL) {
		if (self->trace)
			g_printerr("< (%s)\n", error_local->message);
		arc_cli_output_debug("%s: %s", base, error_local->message);
		*may_retry = arc_cli_client_may_fail_over(error_local, connected, req->idempotent);
		g_propagate_error(
			error,
			arc_cli_client_connection_error(
				error_local, soup_message_get_tls_peer_certificate_errors(msg)));
		return NULL;
	}
	if (self->trace)
		arc_cli_trace_response(msg, response, g_get_monotonic_time() - start);
	arc_cli_client_check_license(self, msg, req);
	*status = soup_message_get_status(msg);
	return response;
}

/*
 * Tries the endpoints in order until one answers; after that only that one. Each endpoint
 * is tried once, and the next only when the request cannot have reached this one (or can be
 * sent twice): a POST that timed out may have been carried out.
 */
static GBytes *
arc_cli_client_send(ArcCliClient *self, const ArcCliClientRequest *req, guint *status,
		    GError **error)
{
	g_autoptr(GError) error_local = NULL;

	for (guint i = self->current; i < self->urls->len; i++) {
		const gchar *base = g_ptr_array_index(self->urls, i);
		const gchar *next =
			i + 1 < self->urls->len ? g_ptr_array_index(self->urls, i + 1) : NULL;
		gboolean may_retry = FALSE;
		GBytes *response;

		g_clear_error(&error_local);
		response =
			arc_cli_client_send_to(self, base, req, status, &may_retry, &error_local);
		if (response != NULL) {
			self->current = i;
			self->connected = TRUE;
			return response;
		}
		if (next == NULL || self->connected ||
		    !g_error_matches(error_local, ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION))
			break;
		if (!may_retry) {
			arc_cli_output_debug("not trying %s: %s may have received the request",
					     next, base);
			break;
		}
		/* TRANSLATORS: first %s is an agent URL, second the reason, third the next URL */
		arc_cli_output_warning(_("%s unreachable (%s), trying %s"), base,
				       error_local->message, next);
		self->current = i + 1;
	}
	if (error_local == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
				    _("no agent URL to connect to"));
		return NULL;
	}
	g_propagate_error(error, g_steal_pointer(&error_local));
	return NULL;
}

static ArcError
arc_cli_client_error_for_status(guint status)
{
	switch (status) {
	case 400:
		return ARC_ERROR_INVALID_REQUEST;
	case 401:
		return ARC_ERROR_UNAUTHORIZED;
	case 403:
		return ARC_ERROR_FORBIDDEN;
	case 404:
		return ARC_ERROR_NOT_FOUND;
	case 405:
		return ARC_ERROR_METHOD_NOT_ALLOWED;
	case 409:
		return ARC_ERROR_ALREADY_EXISTS;
	case 413:
		return ARC_ERROR_PAYLOAD_TOO_LARGE;
	case 501:
		return ARC_ERROR_NOT_SUPPORTED;
	case 503:
		return ARC_ERROR_UNAVAILABLE;
	default:
		return ARC_ERROR_INTERNAL;
	}
}

/**
 * arc_cli_client_api_error:
 * @status: the HTTP status of an error response
 * @body: (nullable): its body, `{"error": "...", "code": "..."}`
 *
 * Returns: (transfer full): an %ARC_ERROR with the agent's code and message; a code we do
 * not know is mapped from the status
 */
GError *
arc_cli_client_api_error(guint status, JsonNode *body)
{
	JsonObject *object =
		body != NULL && JSON_NODE_HOLDS_OBJECT(body) ? json_node_get_object(body) : NULL;
	/* the token endpoint's `error` is an RFC 6749 code; its `message` is the sentence */
	const gchar *message = arc_cli_json_get_string(object, "message") != NULL
				       ? arc_cli_json_get_string(object, "message")
				       : arc_cli_json_get_string(object, "error");
	ArcError code;
	g_autofree gchar *fallback = NULL;

	if (!arc_error_from_code(arc_cli_json_get_string(object, "code"), &code))
		code = arc_cli_client_error_for_status(status);
	if (message == NULL || message[0] == '\0') {
		const gchar *phrase = soup_status_get_phrase(status);

		fallback = phrase != NULL ? g_ascii_strdown(phrase, -1)
					  : g_strdup_printf("HTTP status %u", status);
		message = fallback;
	}
	return g_error_new_literal(ARC_ERROR, code, message);
}

static JsonNode *
arc_cli_client_parse_response(GBytes *response, guint status, GError **error)
{
	gsize length = 0;
	const gchar *data = g_bytes_get_data(response, &length);
	g_autoptr(GError) error_local = NULL;
	JsonNode *node;

	if (length == 0)
		return json_node_new(JSON_NODE_NULL);
	node = arc_cli_json_parse(data, length, &error_local);
	if (node != NULL)
		return node;
	/* an error status says enough on its own */
	if (status >= 400)
		return json_node_new(JSON_NODE_NULL);
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
		    /* TRANSLATORS: %s is the reason */
		    _("invalid JSON from the agent: %s"), error_local->message);
	return NULL;
}

/**
 * arc_cli_client_request:
 * @self: a client
 * @method: `GET`, `POST`, ...
 * @path: the path, e.g. `/v1/license`
 * @body: (nullable): a JSON request body
 * @status: (out): the HTTP status
 *
 * Sends a request and reads the JSON response, whatever its status.
 *
 * Returns: (transfer full): the response body (a null node if empty), or %NULL with @error
 * set when the agent could not be reached (%ARC_CLI_ERROR_CONNECTION)
 */
JsonNode *
arc_cli_client_request(ArcCliClient *self, const gchar *method, const gchar *path, JsonNode *body,
		       guint *status, GError **error)
{
	g_autoptr(GBytes) request = NULL;
	g_autoptr(GBytes) response = NULL;
	ArcCliClientRequest req = {
		.method = method,
		.path = path,
		.content_type = "application/json",
		.idempotent = g_strcmp0(method, "GET") == 0 || g_strcmp0(method, "HEAD") == 0,
	};

	if (body != NULL) {
		gchar *text = json_to_string(body, FALSE);

		request = g_bytes_new_take(text, strlen(text));
	}
	req.body = request;
	response = arc_cli_client_send(self, &req, status, error);
	if (response == NULL)
		return NULL;
	return arc_cli_client_parse_response(response, *status, error);
}

/**
 * arc_cli_client_call:
 * @self: a client
 * @method: `GET`, `POST`, ...
 * @path: the path
 * @body: (nullable): a JSON request body
 *
 * Like arc_cli_client_request(), but an error status is an error: an %ARC_ERROR built by
 * arc_cli_client_api_error().
 *
 * Returns: (transfer full): the response body of a 2xx answer, or %NULL with @error set
 */
JsonNode *
arc_cli_client_call(ArcCliClient *self, const gchar *method, const gchar *path, JsonNode *body,
		    GError **error)
{
	guint status = 0;
	g_autoptr(JsonNode) response =
		arc_cli_client_request(self, method, path, body, &status, error);

	if (response == NULL)
		return NULL;
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_propagate_error(error, arc_cli_client_api_error(status, response));
		return NULL;
	}
	return g_steal_pointer(&response);
}

/**
 * arc_cli_client_fetch_token:
 * @self: a client
 * @client_id: the OAuth client id
 * @client_secret: its secret
 *
 * Gets an access token with the client-credentials grant (`POST /v1/oauth/token`) and sends
 * it with every later request.
 *
 * Returns: %TRUE on success; a refusal is an %ARC_ERROR such as %ARC_ERROR_UNAUTHORIZED
 */
gboolean
arc_cli_client_fetch_token(ArcCliClient *self, const gchar *client_id, const gchar *client_secret,
			   GError **error)
{
	gchar *form = soup_form_encode("grant_type", "client_credentials", "client_id", client_id,
				       "client_secret", client_secret, NULL);
	g_autoptr(GBytes) request = g_bytes_new_take(form, strlen(form));
	g_autoptr(GBytes) response = NULL;
	g_autoptr(JsonNode) node = NULL;
	const gchar *token;
	guint status = 0;
	/* issuing a token changes nothing: this POST may go to the next endpoint too */
	ArcCliClientRequest req = {
		.method = "POST",
		.path = "/v1/oauth/token",
		.content_type = "application/x-www-form-urlencoded",
		.body = request,
		.idempotent = TRUE,
	};

	arc_cli_output_debug("requesting an access token for client %s", client_id);
	response = arc_cli_client_send(self, &req, &status, error);
	if (response == NULL)
		return FALSE;
	node = arc_cli_client_parse_response(response, status, error);
	if (node == NULL)
		return FALSE;
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_propagate_error(error, arc_cli_client_api_error(status, node));
		return FALSE;
	}
	token = JSON_NODE_HOLDS_OBJECT(node)
			? arc_cli_json_get_string(json_node_get_object(node), "access_token")
			: NULL;
	if (token == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_AUTH,
				    _("the agent did not return an access token"));
		return FALSE;
	}
	arc_cli_client_set_bearer_token(self, token);
	arc_cli_output_debug("got an access token");
	return TRUE;
}
