/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ceiling for this stack: a libsoup 3 server that answers every GET with fixed bytes,
 * no routing, no authentication. bench/api-bench.sh serves it the same bytes the agent
 * returns so the two are compared like for like.
 */
#include <libsoup/soup.h>
#include <stdlib.h>

static GBytes *arc_bench_body;

static void
arc_bench_handler_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
		     GHashTable *query, gpointer user_data)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(arc_bench_body, &len);
	soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_STATIC, data, len);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GSocketAddress) address = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autofree gchar *contents = NULL;
	gsize len = 0;

	if (argc != 3) {
		g_printerr("usage: %s PORT BODY-FILE\n", argv[0]);
		return 2;
	}
	if (!g_file_get_contents(argv[2], &contents, &len, &error)) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	arc_bench_body = g_bytes_new_take(g_steal_pointer(&contents), len);
	server = soup_server_new("server-header", "bare/1 ", NULL);
	soup_server_add_handler(server, NULL, arc_bench_handler_cb, NULL, NULL);
	address = g_inet_socket_address_new_from_string("127.0.0.1", (guint)atoi(argv[1]));
	if (!soup_server_listen(server, address, 0, &error)) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	g_main_loop_run(loop);
	return 0;
}
