/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Time from exec to the first `GET /readyz` that answers 200: spawns the command given on
 * the command line and polls 127.0.0.1:PORT every 0.5 ms with a raw HTTP/1.0 request.
 * Prints the milliseconds and leaves the process running; its pid goes to stdout too.
 */
#include <gio/gio.h>
#include <stdlib.h>

static gboolean
arc_bench_ready_probe(guint16 port)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) conn = NULL;
	const gchar *req = "GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	gchar buf[64] = {0};
	gssize n;

	conn = g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
	if (conn == NULL)
		return FALSE;
	if (!g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(conn)), req,
				       strlen(req), NULL, NULL, NULL))
		return FALSE;
	n = g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(conn)), buf,
				sizeof(buf) - 1, NULL, NULL);
	return n > 12 && g_str_has_prefix(buf, "HTTP/1.") && strncmp(buf + 9, "200", 3) == 0;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) proc = NULL;
	gint64 start, deadline;
	guint16 port;

	if (argc < 3) {
		g_printerr("usage: %s PORT COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	port = (guint16)atoi(argv[1]);
	start = g_get_monotonic_time();
	deadline = start + 10 * G_USEC_PER_SEC;
	/* the child must not hold our stdout, or $(arc-bench-ready ...) never returns */
	proc = g_subprocess_newv((const gchar *const *)argv + 2, G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
				 &error);
	if (proc == NULL) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	while (g_get_monotonic_time() < deadline) {
		if (arc_bench_ready_probe(port)) {
			g_print("%.1f %s\n", (g_get_monotonic_time() - start) / 1000.0,
				g_subprocess_get_identifier(proc));
			return 0;
		}
		g_usleep(500);
	}
	g_printerr("not ready after 10 s\n");
	g_subprocess_force_exit(proc);
	return 1;
}
