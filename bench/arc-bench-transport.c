/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arctic-plugin.h"

/* Two instances of a transport plugin in one process over loopback (bench/README.md):
 * single-stream throughput (one stream, bytes one way, for --seconds), beside the same load on
 * one plain TCP connection, and streams opened per second (each stream: connect, one byte
 * there, one byte back, close; --parallel at once).
 *   arc-bench-transport build/plugins/tcp/tcp.so [--seconds 5] [--parallel 64] [--only RUN]
 * Prints `direct_gbit=…`, `throughput_gbit=…` (each with the process's CPU seconds per Gbit)
 * and `streams_per_s=…` (with CPU microseconds per stream). */

static gint opt_seconds = 5;

/* the whole process's CPU time (both instances, the load threads too), in seconds: on a shared
 * machine a steadier figure than the wall clock */
static gdouble
bench_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (gdouble)ru.ru_utime.tv_sec + (gdouble)ru.ru_stime.tv_sec +
	       ((gdouble)ru.ru_utime.tv_usec + (gdouble)ru.ru_stime.tv_usec) / 1e6;
}
static gint opt_parallel = 64;
static gchar *opt_only;

typedef struct {
	ArcPlugin *plugin;
	guint8 ed_public[crypto_sign_PUBLICKEYBYTES];
	guint8 ed_secret[crypto_sign_SECRETKEYBYTES];
	GSocketAddress *address;
} BenchNode;

static ArcPlugin *
bench_load(const gchar *path)
{
	GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	const ArcPluginDescriptor *descriptor = NULL;
	ArcPlugin *plugin;

	if (module == NULL ||
	    !g_module_symbol(module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, (gpointer *)&descriptor))
		g_error("cannot load %s: %s", path, g_module_error());
	g_module_make_resident(module);
	plugin = g_object_new(descriptor->get_type(), NULL);
	arc_plugin_set_name(plugin, descriptor->name);
	return plugin;
}

static void
bench_start(BenchNode *node, const gchar *path, const gchar *id)
{
	ArcTransportSettings settings;
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_autoptr(GBytes) key = NULL;
	g_autoptr(GError) error = NULL;

	crypto_sign_keypair(node->ed_public, node->ed_secret);
	key = g_bytes_new(node->ed_secret, sizeof(node->ed_secret));
	node->plugin = bench_load(path);
	arc_transport_settings_init(&settings);
	settings.address = any;
	settings.peer_id = id;
	settings.private_key = key;
	if (!arc_transport_listen(ARC_TRANSPORT(node->plugin), &settings, &error))
		g_error("%s", error->message);
	g_object_get(node->plugin, "listen-address", &node->address, NULL);
}

static int
bench_fd(GIOStream *stream)
{
	int fd = g_socket_get_fd(g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream)));

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* ---- the receiving side: mode 'T' discards to EOF on a thread, 'C' answers one byte ---- */

static gint bench_mode;

static gpointer
bench_sink_thread(gpointer data)
{
	g_autoptr(GIOStream) stream = data;
	int fd = bench_fd(stream);
	static guint8 buf[1 << 18];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

static guint8 bench_echo[1];

/* 'C': on the main loop, as the agent's relay would be: one byte read, one byte back */
static void
bench_echo_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GIOStream) stream = user_data;

	if (g_input_stream_read_finish(G_INPUT_STREAM(source), result, NULL) == 1)
		g_output_stream_write_all(g_io_stream_get_output_stream(stream), bench_echo, 1,
					  NULL, NULL, NULL);
}

static void
bench_on_incoming(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
		  GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	if (bench_mode == 'C')
		g_input_stream_read_async(g_io_stream_get_input_stream(stream), bench_echo, 1,
					  G_PRIORITY_DEFAULT, NULL, bench_echo_read,
					  g_object_ref(stream));
	else
		g_thread_unref(g_thread_new("sink", bench_sink_thread, g_object_ref(stream)));
}

typedef struct {
	GMainLoop *loop;
	ArcTransport *from;
	ArcTransportPeer peer;
	gint64 deadline;
	gint in_flight;
	guint64 done;
	GIOStream *stream;
} BenchRun;

static void bench_open_next(BenchRun *run);

static BenchRun *bench_run;

static void
bench_closed(GObject *source, GAsyncResult *result, gpointer user_data)
{
	BenchRun *run = bench_run;

	/* the answer byte arrived (or the stream ended): one stream done, closed */
	if (g_input_stream_read_finish(G_INPUT_STREAM(source), result, NULL) == 1)
		run->done++;
	g_object_unref(user_data);
	run->in_flight--;
	bench_open_next(run);
}

static guint8 bench_answer[1];

static void
bench_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
	BenchRun *run = user_data;
	g_autoptr(GError) error = NULL;
	GIOStream *stream = arc_transport_connect_finish(ARC_TRANSPORT(source), result, &error);

	if (stream == NULL)
		g_error("connect: %s", error->message);
	if (run->deadline == 0) {
		run->stream = stream;
		g_main_loop_quit(run->loop);
		return;
	}
	g_output_stream_write_all(g_io_stream_get_output_stream(stream), "x", 1, NULL, NULL, NULL);
	g_input_stream_read_async(g_io_stream_get_input_stream(stream), bench_answer, 1,
				  G_PRIORITY_DEFAULT, NULL, bench_closed, stream);
}

static void
bench_open_next(BenchRun *run)
{
	while (g_get_monotonic_time() < run->deadline && run->in_flight < opt_parallel) {
		run->in_flight++;
		arc_transport_connect_async(run->from, &run->peer, NULL, bench_connected, run);
	}
	if (run->in_flight == 0)
		g_main_loop_quit(run->loop);
}

static void
bench_throughput(BenchRun *run)
{
	static guint8 buf[1 << 18];
	int fd;
	guint64 bytes = 0;
	gint64 start, end;
	gdouble cpu;

	bench_mode = 'T';
	run->deadline = 0;
	arc_transport_connect_async(run->from, &run->peer, NULL, bench_connected, run);
	g_main_loop_run(run->loop);
	fd = bench_fd(run->stream);
	memset(buf, 0x5a, sizeof(buf));
	start = g_get_monotonic_time();
	cpu = bench_cpu();
	end = start + (gint64)opt_seconds * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < end) {
		gssize n = write(fd, buf, sizeof(buf));
		if (n <= 0)
			g_error("write: %s", g_strerror(errno));
		bytes += (guint64)n;
	}
	end = g_get_monotonic_time();
	shutdown(fd, SHUT_WR);
	g_clear_object(&run->stream);
	g_print("throughput_gbit=%.2f cpu_s_per_gbit=%.3f\n",
		(gdouble)bytes * 8 / ((gdouble)(end - start) * 1000),
		(bench_cpu() - cpu) / ((gdouble)bytes * 8 / 1e9));
}

/* the same load over one plain TCP connection on loopback, side by side: the baseline */
static void
bench_direct(void)
{
	static guint8 buf[1 << 18];
	g_autoptr(GSocketListener) listener = g_socket_listener_new();
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) out = NULL;
	g_autoptr(GSocketConnection) in = NULL;
	g_autoptr(GError) error = NULL;
	guint64 bytes = 0;
	gint64 start, end;
	gdouble cpu;
	int fd;

	if (!g_socket_listener_add_address(listener, any, G_SOCKET_TYPE_STREAM,
					   G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error) ||
	    (out = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(bound), NULL, &error)) ==
		    NULL ||
	    (in = g_socket_listener_accept(listener, NULL, NULL, &error)) == NULL)
		g_error("direct: %s", error->message);
	g_thread_unref(g_thread_new("sink", bench_sink_thread, g_object_ref(in)));
	fd = bench_fd(G_IO_STREAM(out));
	memset(buf, 0x5a, sizeof(buf));
	start = g_get_monotonic_time();
	cpu = bench_cpu();
	end = start + (gint64)opt_seconds * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < end) {
		gssize n = write(fd, buf, sizeof(buf));
		if (n <= 0)
			g_error("write: %s", g_strerror(errno));
		bytes += (guint64)n;
	}
	end = g_get_monotonic_time();
	shutdown(fd, SHUT_WR);
	g_print("direct_gbit=%.2f cpu_s_per_gbit=%.3f\n",
		(gdouble)bytes * 8 / ((gdouble)(end - start) * 1000),
		(bench_cpu() - cpu) / ((gdouble)bytes * 8 / 1e9));
}

static void
bench_stream_rate(BenchRun *run)
{
	gint64 start;
	gdouble cpu = bench_cpu();

	bench_mode = 'C';
	start = g_get_monotonic_time();
	run->deadline = start + (gint64)opt_seconds * G_USEC_PER_SEC;
	run->done = 0;
	bench_open_next(run);
	g_main_loop_run(run->loop);
	g_print("streams_per_s=%.0f cpu_us_per_stream=%.1f\n",
		(gdouble)run->done * G_USEC_PER_SEC / (gdouble)(g_get_monotonic_time() - start),
		(bench_cpu() - cpu) * 1e6 / (gdouble)MAX(run->done, 1));
}

int
main(int argc, char **argv)
{
	GOptionEntry entries[] = {
		{"seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "length of each run", "S"},
		{"parallel", 0, 0, G_OPTION_ARG_INT, &opt_parallel, "streams in flight", "N"},
		{"only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "one run: direct, throughput or streams",
		 "RUN"},
		{NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new("MODULE");
	g_autoptr(GError) error = NULL;
	BenchNode a = {0}, b = {0};
	BenchRun run = {0};
	g_autoptr(GBytes) a_key = NULL;
	g_autoptr(GBytes) b_key = NULL;
	ArcTransportPeer allowed;
	const ArcTransportPeer *peers[] = {&allowed};

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) || argc != 2) {
		g_printerr("usage: %s MODULE [--seconds S] [--parallel N]\n", argv[0]);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	bench_start(&a, argv[1], "peer_a");
	bench_start(&b, argv[1], "peer_b");
	a_key = g_bytes_new(a.ed_public, sizeof(a.ed_public));
	b_key = g_bytes_new(b.ed_public, sizeof(b.ed_public));
	arc_transport_peer_init(&allowed);
	allowed.peer_id = "peer_a";
	allowed.public_key = a_key;
	if (!arc_transport_set_peers(ARC_TRANSPORT(b.plugin), peers, 1, &error))
		g_error("%s", error->message);
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(bench_on_incoming), NULL);
	run.loop = g_main_loop_new(NULL, FALSE);
	bench_run = &run;
	run.from = ARC_TRANSPORT(a.plugin);
	arc_transport_peer_init(&run.peer);
	run.peer.peer_id = "peer_b";
	run.peer.public_key = b_key;
	run.peer.address = b.address;
	if (opt_only == NULL || g_strcmp0(opt_only, "direct") == 0)
		bench_direct();
	if (g_strcmp0(opt_only, "streams") != 0 && g_strcmp0(opt_only, "direct") != 0)
		bench_throughput(&run);
	if (opt_only == NULL || g_strcmp0(opt_only, "streams") == 0)
		bench_stream_rate(&run);
	arc_transport_stop(ARC_TRANSPORT(a.plugin));
	arc_transport_stop(ARC_TRANSPORT(b.plugin));
	g_main_loop_unref(run.loop);
	return 0;
}
