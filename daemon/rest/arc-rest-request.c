/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-rest-request.h"

#include "arc-error-map.h"
#include "arc-handshake.h"
#include "arc-time.h"

#define ARC_REST_MAX_JSON_DEPTH 16

static void
arc_rest_set_json(SoupServerMessage *msg, guint status, JsonNode *root)
{
	gsize len = 0;
	g_autoptr(JsonGenerator) gen = json_generator_new();
	gchar *data;

	json_generator_set_root(gen, root);
	data = json_generator_to_data(gen, &len);
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

/**
 * arc_rest_reply_json:
 * @req: the request
 * @status: HTTP status
 * @builder: a builder holding the complete response
 */
void
arc_rest_reply_json(ArcRestRequest *req, guint status, JsonBuilder *builder)
{
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	arc_rest_set_json(req->msg, status, root);
}

/**
 * arc_rest_reply_error_literal:
 * @msg: the message
 * @code: the error
 * @message: what went wrong, for humans
 *
 * The one error shape of the API: `{"error": message, "code": CODE}`, status from the error
 * table.
 */
void
arc_rest_reply_error_literal(SoupServerMessage *msg, ArcError code, const gchar *message)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	guint status = arc_error_http_status(code);

	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "error", message);
	arc_rest_builder_add_string(b, "code", arc_error_to_code(code));
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	if (status == SOUP_STATUS_UNAUTHORIZED)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "WWW-Authenticate", "Bearer");
	arc_rest_set_json(msg, status, root);
}

void
arc_rest_reply_error(SoupServerMessage *msg, const GError *error)
{
	ArcError code = error->domain == ARC_ERROR ? (ArcError)error->code : ARC_ERROR_INTERNAL;

	if (error->domain == ARC_HANDSHAKE_ERROR) {
		arc_rest_reply_handshake_error(msg, error, NULL, FALSE);
		return;
	}
	arc_rest_reply_error_literal(msg, code, error->message);
}

/**
 * arc_rest_builder_add_steps:
 * @b: a builder inside an object
 * @steps: (element-type ArcHandshakeStep): what the handshake did
 */
void
arc_rest_builder_add_steps(JsonBuilder *b, GPtrArray *steps)
{
	json_builder_set_member_name(b, "steps");
	json_builder_begin_array(b);
	for (guint i = 0; steps != NULL && i < steps->len; i++) {
		ArcHandshakeStep *step = g_ptr_array_index(steps, i);
		json_builder_begin_object(b);
		arc_rest_builder_add_string(b, "step", step->step);
		json_builder_set_member_name(b, "ok");
		json_builder_add_boolean_value(b, step->ok);
		arc_rest_builder_add_string(b, "detail", step->detail);
		json_builder_set_member_name(b, "elapsed_ms");
		json_builder_add_double_value(b, step->elapsed_ms);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/**
 * arc_rest_reply_handshake_error:
 * @msg: the message
 * @error: the failure; %ARC_HANDSHAKE_ERROR adds its `reason`
 * @steps: (nullable) (element-type ArcHandshakeStep): what the handshake did; the failed
 *   step's detail becomes `detail`
 * @with_steps: whether to include @steps (`?debug=true`)
 *
 * `{"error", "code", "reason", "detail", "steps"}`
 */
void
arc_rest_reply_handshake_error(SoupServerMessage *msg, const GError *error, GPtrArray *steps,
			       gboolean with_steps)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	ArcError code = ARC_ERROR_INTERNAL;
	const gchar *detail = NULL;

	if (error->domain == ARC_ERROR)
		code = (ArcError)error->code;
	else if (error->domain == ARC_HANDSHAKE_ERROR)
		code = arc_handshake_reason_to_error((ArcHandshakeReason)error->code);
	for (guint i = 0; steps != NULL && i < steps->len; i++) {
		ArcHandshakeStep *step = g_ptr_array_index(steps, i);
		if (!step->ok)
			detail = step->detail;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "error", error->message);
	arc_rest_builder_add_string(b, "code", arc_error_to_code(code));
	if (error->domain == ARC_HANDSHAKE_ERROR)
		arc_rest_builder_add_string(
			b, "reason",
			arc_handshake_reason_to_string((ArcHandshakeReason)error->code));
	if (detail != NULL)
		arc_rest_builder_add_string(b, "detail", detail);
	if (with_steps)
		arc_rest_builder_add_steps(b, steps);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	if (arc_error_http_status(code) == SOUP_STATUS_UNAUTHORIZED)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "WWW-Authenticate", "Bearer");
	arc_rest_set_json(msg, arc_error_http_status(code), root);
}

/* ?name=true */
gboolean
arc_rest_query_flag(ArcRestRequest *req, const gchar *name)
{
	const gchar *query = g_uri_get_query(soup_server_message_get_uri(req->msg));
	g_autoptr(GHashTable) params = NULL;

	if (query == NULL)
		return FALSE;
	params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL);
	return params != NULL && g_strcmp0(g_hash_table_lookup(params, name), "true") == 0;
}

/**
 * arc_rest_request_pause:
 * @req: a request being handled
 *
 * Returns: (transfer full): the request, kept until it is answered
 */
ArcRestPending *
arc_rest_request_pause(ArcRestRequest *req)
{
	ArcRestPending *self = g_new0(ArcRestPending, 1);
	self->req.msg = g_object_ref(req->msg);
	self->req.engine = g_object_ref(req->engine);
	self->req.body = req->body != NULL ? g_bytes_ref(req->body) : NULL;
	soup_server_message_pause(req->msg);
	return self;
}

/* answer first: the message goes out on unpause */
void
arc_rest_pending_free(ArcRestPending *self)
{
	if (self == NULL)
		return;
	soup_server_message_unpause(self->req.msg);
	g_object_unref(self->req.msg);
	g_object_unref(self->req.engine);
	if (self->req.body != NULL)
		g_bytes_unref(self->req.body);
	g_free(self);
}

/**
 * arc_rest_parse_body:
 * @req: the request
 * @optional: whether an empty body is fine (then %NULL is returned without an error)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the body's JSON object
 */
JsonNode *
arc_rest_parse_body(ArcRestRequest *req, gboolean optional, GError **error)
{
	gsize len = 0;
	const gchar *data = req->body != NULL ? g_bytes_get_data(req->body, &len) : NULL;

	if (len == 0) {
		if (!optional)
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "request body is required");
		return NULL;
	}
	return arc_json_parse_object(data, (gssize)len, ARC_REST_MAX_JSON_DEPTH, error);
}

void
arc_rest_builder_add_string(JsonBuilder *b, const gchar *name, const gchar *value)
{
	json_builder_set_member_name(b, name);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

void
arc_rest_builder_add_time(JsonBuilder *b, const gchar *name, gint64 unix_secs)
{
	g_autofree gchar *text = unix_secs > 0 ? arc_time_format_rfc3339(unix_secs) : NULL;
	arc_rest_builder_add_string(b, name, text);
}

void
arc_rest_add_string_array(JsonBuilder *b, const gchar *name, const gchar *const *values)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; values != NULL && values[i] != NULL; i++)
		json_builder_add_string_value(b, values[i]);
	json_builder_end_array(b);
}

void
arc_rest_builder_add_int(JsonBuilder *b, const gchar *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

/* ---- ArcRestJson ---- */

void
arc_rest_json_init(ArcRestJson *j)
{
	j->buf = g_string_sized_new(512);
	j->depth = 0;
	j->filled = 0;
}

void
arc_rest_json_clear(ArcRestJson *j)
{
	if (j->buf != NULL)
		g_string_free(j->buf, TRUE);
	j->buf = NULL;
}

/* as json-glib's generator: '"', '\\', control characters and DEL escaped, the rest verbatim
 * (except that 0x1f is escaped too: json-glib 1.6 writes it raw, which is not JSON) */
static void
arc_rest_json_append_string(GString *out, const gchar *str)
{
	static const gchar hex[] = "0123456789abcdef";
	const gchar *run = str;

	g_string_append_c(out, '"');
	for (const gchar *p = str; *p != '\0'; p++) {
		guchar c = (guchar)*p;
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		g_string_append_len(out, run, p - run);
		run = p + 1;
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			g_string_append(out, "\\u00");
			g_string_append_c(out, hex[c >> 4]);
			g_string_append_c(out, hex[c & 0xf]);
		}
	}
	g_string_append(out, run);
	g_string_append_c(out, '"');
}

/* the separator and member name before a value at the current depth */
static void
arc_rest_json_element(ArcRestJson *j, const gchar *name)
{
	guint32 bit = 1u << j->depth;

	if (j->filled & bit)
		g_string_append_c(j->buf, ',');
	j->filled |= bit;
	if (name != NULL) {
		arc_rest_json_append_string(j->buf, name);
		g_string_append_c(j->buf, ':');
	}
}

static void
arc_rest_json_open(ArcRestJson *j, const gchar *name, gchar bracket)
{
	g_return_if_fail(j->depth < ARC_REST_JSON_MAX_DEPTH);
	arc_rest_json_element(j, name);
	g_string_append_c(j->buf, bracket);
	j->depth++;
	j->filled &= ~(1u << j->depth);
}

static void
arc_rest_json_close(ArcRestJson *j, gchar bracket)
{
	g_return_if_fail(j->depth > 0);
	j->depth--;
	g_string_append_c(j->buf, bracket);
}

/**
 * arc_rest_json_begin_object:
 * @j: a writer
 * @name: (nullable): the member name, %NULL at the top or inside an array
 */
void
arc_rest_json_begin_object(ArcRestJson *j, const gchar *name)
{
	arc_rest_json_open(j, name, '{');
}

void
arc_rest_json_end_object(ArcRestJson *j)
{
	arc_rest_json_close(j, '}');
}

void
arc_rest_json_begin_array(ArcRestJson *j, const gchar *name)
{
	arc_rest_json_open(j, name, '[');
}

void
arc_rest_json_end_array(ArcRestJson *j)
{
	arc_rest_json_close(j, ']');
}

/**
 * arc_rest_json_string:
 * @j: a writer
 * @name: (nullable): the member name, %NULL inside an array
 * @value: (nullable): the value; %NULL writes `null`
 */
void
arc_rest_json_string(ArcRestJson *j, const gchar *name, const gchar *value)
{
	arc_rest_json_element(j, name);
	if (value != NULL)
		arc_rest_json_append_string(j->buf, value);
	else
		g_string_append(j->buf, "null");
}

/* an RFC 3339 timestamp, or null when @unix_secs is 0 or less (never happened) */
void
arc_rest_json_time(ArcRestJson *j, const gchar *name, gint64 unix_secs)
{
	g_autofree gchar *text = unix_secs > 0 ? arc_time_format_rfc3339(unix_secs) : NULL;
	arc_rest_json_string(j, name, text);
}

void
arc_rest_json_int(ArcRestJson *j, const gchar *name, gint64 value)
{
	arc_rest_json_element(j, name);
	g_string_append_printf(j->buf, "%" G_GINT64_FORMAT, value);
}

/**
 * arc_rest_json_steal:
 * @j: a writer whose containers are all closed
 * @len: (out): the length of the text
 *
 * Returns: (transfer full): the text; @j is cleared
 */
gchar *
arc_rest_json_steal(ArcRestJson *j, gsize *len)
{
	g_warn_if_fail(j->depth == 0);
	*len = j->buf->len;
	return g_string_free(g_steal_pointer(&j->buf), FALSE);
}

/**
 * arc_rest_reply_json_text:
 * @req: the request
 * @status: HTTP status
 * @j: a writer holding the complete response; it is cleared
 */
void
arc_rest_reply_json_text(ArcRestRequest *req, guint status, ArcRestJson *j)
{
	gsize len = 0;
	gchar *data = arc_rest_json_steal(j, &len);

	soup_server_message_set_status(req->msg, status, NULL);
	soup_server_message_set_response(req->msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}
