/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* For bench/transport-path-bench.sh: one end of a transport plugin (tcp.so, kcp.so) loaded as
 * the agent loads it, with identities derived from fixed seeds so that the two ends know each
 * other without exchanging keys.
 *
 *   arc-bench-transport-path MODULE server ADDR PORT
 *       listens as "server" and accepts "client"; each stream is read to EOF and answered
 *       with its byte count (8 bytes, big-endian)
 *   arc-bench-transport-path MODULE client ADDR PORT BYTES
 *       sends BYTES on one stream to the server at ADDR:PORT, half-closes, waits for the
 *       count and prints "<Mbit/s> <seconds>" (goodput from the first byte to the answer) */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <gmodule.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arctic-plugin.h"

typedef struct {
	guint8 public_key[crypto_sign_PUBLICKEYBYTES];
	guint8 secret_key[crypto_sign_SECRETKEYBYTES];
} BenchIdentity;

static void
bench_identity(BenchIdentity *id, guint8 seed_byte)
{
	guint8 seed[crypto_sign_SEEDBYTES];

	memset(seed, seed_byte, sizeof(seed));
	crypto_sign_seed_keypair(id->public_key, id->secret_key, seed);
}

static ArcTransport *
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
	return ARC_TRANSPORT(plugin);
}

static void
bench_listen(ArcTransport *transport, const BenchIdentity *self, const gchar *name,
	     const gchar *addr, guint16 port, const BenchIdentity *peer, const gchar *peer_name)
{
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string(addr, port);
	g_autoptr(GBytes) key = g_bytes_new(self->secret_key, sizeof(self->secret_key));
	g_autoptr(GBytes) peer_key = g_bytes_new(peer->public_key, sizeof(peer->public_key));
	g_autoptr(GError) error = NULL;
	ArcTransportSettings settings;
	ArcTransportPeer allowed;
	const ArcTransportPeer *peers[] = {&allowed};

	arc_transport_settings_init(&settings);
	settings.address = address;
	settings.peer_id = name;
	settings.private_key = key;
	if (!arc_transport_listen(transport, &settings, &error))
		g_error("listen: %s", error->message);
	arc_transport_peer_init(&allowed);
	allowed.peer_id = peer_name;
	allowed.public_key = peer_key;
	if (!arc_transport_set_peers(transport, peers, 1, &error))
		g_error("set_peers: %s", error->message);
}

static int
bench_fd(GIOStream *stream)
{
	int fd = g_socket_get_fd(g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream)));

	g_unix_set_fd_nonblocking(fd, FALSE, NULL);
	return fd;
}

static gpointer
bench_serve_thread(gpointer data)
{
	g_autoptr(GIOStream) stream = data;
	int fd = bench_fd(stream);
	guint8 buf[65536], answer[8];
	guint64 total = 0;
	gssize n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (guint64)n;
	for (guint i = 0; i < 8; i++)
		answer[i] = (guint8)(total >> (56 - 8 * i));
	if (write(fd, answer, sizeof(answer)) != sizeof(answer))
		g_printerr("answer: %s\n", g_strerror(errno));
	return NULL;
}

static void
bench_incoming_cb(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
		  GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	g_thread_unref(g_thread_new("serve", bench_serve_thread, g_object_ref(stream)));
}

typedef struct {
	GMainLoop *loop;
	GIOStream *stream;
	GError *error;
} BenchConnect;

static void
bench_connected_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	BenchConnect *c = user_data;

	c->stream = arc_transport_connect_finish(ARC_TRANSPORT(source), result, &c->error);
	g_main_loop_quit(c->loop);
}

/* sends @bytes on a stream to the server and waits for its count; prints the goodput */
static int
bench_client(ArcTransport *transport, const BenchIdentity *server, const gchar *addr, guint16 port,
	     guint64 bytes)
{
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string(addr, port);
	g_autoptr(GBytes) key = g_bytes_new(server->public_key, sizeof(server->public_key));
	g_autofree guint8 *buf = g_malloc0(65536);
	BenchConnect c = {g_main_loop_new(NULL, FALSE)};
	ArcTransportPeer peer;
	guint8 answer[8];
	guint64 sent = 0, got = 0;
	gint64 start = g_get_monotonic_time();
	gdouble seconds;
	int fd;

	arc_transport_peer_init(&peer);
	peer.peer_id = "server";
	peer.public_key = key;
	peer.address = address;
	arc_transport_connect_async(transport, &peer, NULL, bench_connected_cb, &c);
	g_main_loop_run(c.loop);
	g_main_loop_unref(c.loop);
	if (c.stream == NULL)
		g_error("connect: %s", c.error->message);
	fd = bench_fd(c.stream);
	while (sent < bytes) {
		gssize n = write(fd, buf, MIN(65536, bytes - sent));
		if (n <= 0)
			g_error("write: %s", g_strerror(errno));
		sent += (guint64)n;
	}
	shutdown(fd, SHUT_WR);
	if (read(fd, answer, sizeof(answer)) != sizeof(answer))
		g_error("no answer from the server");
	seconds = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	for (guint i = 0; i < 8; i++)
		got = (got << 8) | answer[i];
	if (got != bytes)
		g_error("the server got %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT, got,
			bytes);
	g_print("%.1f %.2f\n", (gdouble)bytes * 8 / seconds / 1e6, seconds);
	g_object_unref(c.stream);
	return 0;
}

int
main(int argc, char **argv)
{
	BenchIdentity server, client;
	ArcTransport *transport;
	guint16 port;

	if (argc < 5 || sodium_init() < 0) {
		g_printerr("usage: %s MODULE server|client ADDR PORT [BYTES]\n", argv[0]);
		return 2;
	}
	bench_identity(&server, 's');
	bench_identity(&client, 'c');
	transport = bench_load(argv[1]);
	port = (guint16)atoi(argv[4]);
	if (g_str_equal(argv[2], "server")) {
		g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

		bench_listen(transport, &server, "server", argv[3], port, &client, "client");
		g_signal_connect(transport, "incoming", G_CALLBACK(bench_incoming_cb), NULL);
		g_print("ready\n");
		g_main_loop_run(loop);
		return 0;
	}
	if (argc < 6)
		return 2;
	/* the client listens too (connect needs a running transport) on any port */
	bench_listen(transport, &client, "client", "0.0.0.0", 0, &server, "server");
	return bench_client(transport, &server, argv[3], port, g_ascii_strtoull(argv[5], NULL, 10));
}
