/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-test-agent.h"

#include <libsoup/soup.h>
#include <string.h>

typedef struct {
	guint status;
	gchar *body;
} ArcCliTestResponse;

typedef struct {
	gchar *key;   /* "METHOD /path" */
	gchar *query; /* nullable */
	gchar *body;
	SoupMessageHeaders *headers;
} ArcCliTestRequest;

struct _ArcCliTestAgent {
	GThread *thread;
	GMainContext *context;
	GMainLoop *loop;
	gchar *url;
	GMutex mutex;
	GCond cond;
	GHashTable *responses; /* "METHOD /path" → ArcCliTestResponse */
	GPtrArray *requests;   /* of ArcCliTestRequest */
};

static void
arc_cli_test_response_free(ArcCliTestResponse *response)
{
	g_free(response->body);
	g_free(response);
}

static void
arc_cli_test_request_free(ArcCliTestRequest *request)
{
	g_free(request->key);
	g_free(request->query);
	g_free(request->body);
	soup_message_headers_unref(request->headers);
	g_free(request);
}

static void
arc_cli_test_agent_record(ArcCliTestAgent *self, SoupServerMessage *msg, const gchar *key)
{
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	ArcCliTestRequest *request = g_new0(ArcCliTestRequest, 1);

	request->key = g_strdup(key);
	request->query = g_strdup(g_uri_get_query(soup_server_message_get_uri(msg)));
	request->body = g_strndup(body->data != NULL ? body->data : "", (gsize)body->length);
	request->headers = soup_message_headers_ref(soup_server_message_get_request_headers(msg));
	g_ptr_array_add(self->requests, request);
}

static void
arc_cli_test_agent_handler_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			      GHashTable *query, gpointer user_data)
{
	ArcCliTestAgent *self = user_data;
	g_autofree gchar *key = g_strdup_printf("%s %s", soup_server_message_get_method(msg), path);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	ArcCliTestResponse *response = g_hash_table_lookup(self->responses, key);
	const gchar *body = "{\"error\":\"not found\",\"code\":\"NOT_FOUND\"}";
	guint status = SOUP_STATUS_NOT_FOUND;

	arc_cli_test_agent_record(self, msg, key);
	if (response != NULL) {
		status = response->status;
		body = response->body;
	}
	soup_server_message_set_status(msg, status, NULL);
	if (body != NULL)
		soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_COPY, body,
						 strlen(body));
}

static gpointer
arc_cli_test_agent_thread_cb(gpointer data)
{
	ArcCliTestAgent *self = data;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GError) error = NULL;
	GSList *uris;

	g_main_context_push_thread_default(self->context);
	server = soup_server_new("server-header", "fake-arctic-agent", NULL);
	soup_server_add_handler(server, NULL, arc_cli_test_agent_handler_cb, self, NULL);
	soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
	g_assert_no_error(error);
	uris = soup_server_get_uris(server);
	g_mutex_lock(&self->mutex);
	self->url = g_strdup_printf("http://127.0.0.1:%d", g_uri_get_port(uris->data));
	g_cond_signal(&self->cond);
	g_mutex_unlock(&self->mutex);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	g_main_loop_run(self->loop);
	soup_server_disconnect(server);
	g_main_context_pop_thread_default(self->context);
	return NULL;
}

/**
 * arc_cli_test_agent_new:
 *
 * Starts a fake agent. Unconfigured paths answer 404 NOT_FOUND.
 *
 * Returns: (transfer full): the running agent
 */
ArcCliTestAgent *
arc_cli_test_agent_new(void)
{
	ArcCliTestAgent *self = g_new0(ArcCliTestAgent, 1);

	g_mutex_init(&self->mutex);
	g_cond_init(&self->cond);
	self->responses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						(GDestroyNotify)arc_cli_test_response_free);
	self->requests = g_ptr_array_new_with_free_func((GDestroyNotify)arc_cli_test_request_free);
	self->context = g_main_context_new();
	self->loop = g_main_loop_new(self->context, FALSE);
	self->thread = g_thread_new("fake-agent", arc_cli_test_agent_thread_cb, self);
	g_mutex_lock(&self->mutex);
	while (self->url == NULL)
		g_cond_wait(&self->cond, &self->mutex);
	g_mutex_unlock(&self->mutex);
	return self;
}

static gboolean
arc_cli_test_agent_quit_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

/**
 * arc_cli_test_agent_free:
 * @self: a fake agent
 *
 * Stops the agent and frees it.
 */
void
arc_cli_test_agent_free(ArcCliTestAgent *self)
{
	g_main_context_invoke(self->context, arc_cli_test_agent_quit_cb, self->loop);
	g_thread_join(self->thread);
	g_main_loop_unref(self->loop);
	g_main_context_unref(self->context);
	g_hash_table_unref(self->responses);
	g_ptr_array_unref(self->requests);
	g_mutex_clear(&self->mutex);
	g_cond_clear(&self->cond);
	g_free(self->url);
	g_free(self);
}

/**
 * arc_cli_test_agent_get_url:
 * @self: a fake agent
 *
 * Returns: its base URL, `http://127.0.0.1:PORT`
 */
const gchar *
arc_cli_test_agent_get_url(ArcCliTestAgent *self)
{
	return self->url;
}

/**
 * arc_cli_test_agent_set_response:
 * @self: a fake agent
 * @method: an HTTP method
 * @path: a path
 * @status: the status to answer with
 * @body: (nullable): the JSON body to answer with
 */
void
arc_cli_test_agent_set_response(ArcCliTestAgent *self, const gchar *method, const gchar *path,
				guint status, const gchar *body)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	ArcCliTestResponse *response = g_new0(ArcCliTestResponse, 1);

	response->status = status;
	response->body = g_strdup(body);
	g_hash_table_replace(self->responses, g_strdup_printf("%s %s", method, path), response);
}

static ArcCliTestRequest *
arc_cli_test_agent_find_last(ArcCliTestAgent *self, const gchar *method, const gchar *path)
{
	g_autofree gchar *key = g_strdup_printf("%s %s", method, path);

	for (guint i = self->requests->len; i > 0; i--) {
		ArcCliTestRequest *request = g_ptr_array_index(self->requests, i - 1);

		if (g_strcmp0(request->key, key) == 0)
			return request;
	}
	return NULL;
}

/**
 * arc_cli_test_agent_count_requests:
 * @self: a fake agent
 * @method: an HTTP method
 * @path: a path
 *
 * Returns: how many such requests the agent got
 */
guint
arc_cli_test_agent_count_requests(ArcCliTestAgent *self, const gchar *method, const gchar *path)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autofree gchar *key = g_strdup_printf("%s %s", method, path);
	guint count = 0;

	for (guint i = 0; i < self->requests->len; i++) {
		ArcCliTestRequest *request = g_ptr_array_index(self->requests, i);

		if (g_strcmp0(request->key, key) == 0)
			count++;
	}
	return count;
}

/**
 * arc_cli_test_agent_get_last_body:
 * @self: a fake agent
 * @method: an HTTP method
 * @path: a path
 *
 * Returns: (transfer full) (nullable): the body of the last such request
 */
gchar *
arc_cli_test_agent_get_last_body(ArcCliTestAgent *self, const gchar *method, const gchar *path)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	ArcCliTestRequest *request = arc_cli_test_agent_find_last(self, method, path);

	return request != NULL ? g_strdup(request->body) : NULL;
}

/**
 * arc_cli_test_agent_get_last_query:
 * @self: a fake agent
 * @method: an HTTP method
 * @path: a path, without the query
 *
 * Returns: (transfer full) (nullable): the query string of the last such request, e.g.
 * `debug=true`, or %NULL if it had none (or there was no such request)
 */
gchar *
arc_cli_test_agent_get_last_query(ArcCliTestAgent *self, const gchar *method, const gchar *path)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	ArcCliTestRequest *request = arc_cli_test_agent_find_last(self, method, path);

	return request != NULL ? g_strdup(request->query) : NULL;
}

/**
 * arc_cli_test_agent_get_last_header:
 * @self: a fake agent
 * @method: an HTTP method
 * @path: a path
 * @header: a header name
 *
 * Returns: (transfer full) (nullable): that header of the last such request
 */
gchar *
arc_cli_test_agent_get_last_header(ArcCliTestAgent *self, const gchar *method, const gchar *path,
				   const gchar *header)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	ArcCliTestRequest *request = arc_cli_test_agent_find_last(self, method, path);

	if (request == NULL)
		return NULL;
	return g_strdup(soup_message_headers_get_one(request->headers, header));
}
