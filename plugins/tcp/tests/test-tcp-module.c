/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-test-module.h"
#include "pegasus-handshake.h"

/* The built tcp.so as the agent's loader sees it: two instances on 127.0.0.1 that know each
 * other, many concurrent streams checked byte for byte (SHA-256 both ways) with half-close and
 * EOF, and peers with the wrong key refused. */

#define N_STREAMS 24
#define REPLY_LEN (256 * 1024 + 7)

typedef struct {
	guint8 ed_public[crypto_sign_PUBLICKEYBYTES];
	guint8 ed_secret[crypto_sign_SECRETKEYBYTES];
	ArcPlugin *plugin;
	GSocketAddress *address;
	gint incoming;
} TestNode;

static void
test_node_start(ArcTestModule *fx, TestNode *node, const gchar *name)
{
	ArcTransportSettings settings;
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_autoptr(GBytes) key = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	crypto_sign_keypair(node->ed_public, node->ed_secret);
	key = g_bytes_new(node->ed_secret, sizeof(node->ed_secret));
	node->plugin = g_object_new(fx->descriptor->get_type(), NULL);
	arc_plugin_set_name(node->plugin, name);
	arc_transport_settings_init(&settings);
	settings.address = any;
	settings.peer_id = name;
	settings.private_key = key;
	ok = arc_transport_listen(ARC_TRANSPORT(node->plugin), &settings, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_object_get(node->plugin, "listen-address", &node->address, NULL);
	g_assert_cmpuint(g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(node->address)), >,
			 0);
}

static void
test_node_stop(TestNode *node)
{
	arc_transport_stop(ARC_TRANSPORT(node->plugin));
	g_clear_object(&node->plugin);
	g_clear_object(&node->address);
}

/* the peer as `node` is known to others */
static void
test_node_peer(TestNode *node, const gchar *id, ArcTransportPeer *peer, GBytes **key)
{
	*key = g_bytes_new(node->ed_public, sizeof(node->ed_public));
	arc_transport_peer_init(peer);
	peer->peer_id = id;
	peer->public_key = *key;
	peer->address = node->address;
}

static void
test_node_allow(TestNode *node, TestNode *other, const gchar *other_id)
{
	ArcTransportPeer peer;
	g_autoptr(GBytes) key = NULL;
	const ArcTransportPeer *peers[] = {&peer};
	g_autoptr(GError) error = NULL;
	gboolean ok;

	test_node_peer(other, other_id, &peer, &key);
	ok = arc_transport_set_peers(ARC_TRANSPORT(node->plugin), peers, 1, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static int
test_fd(GIOStream *stream)
{
	int fd = g_socket_get_fd(g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream)));

	/* the contract: a non-blocking AF_UNIX stream socket; the threads here block on it */
	g_assert_cmpint(fcntl(fd, F_GETFL) & O_NONBLOCK, !=, 0);
	g_assert_cmpint(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK), ==, 0);
	return fd;
}

static void
test_write_all(int fd, const guint8 *data, gsize len)
{
	while (len > 0) {
		gssize n = write(fd, data, len);
		g_assert_cmpint(n, >, 0);
		data += n;
		len -= (gsize)n;
	}
}

/* reads to EOF: the bytes' SHA-256 (hex) */
static gchar *
test_read_hash(int fd, GByteArray *head, gsize head_len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 buf[65536];
	gssize n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		gsize skip = 0;
		if (head != NULL && head->len < head_len) {
			skip = MIN((gsize)n, head_len - head->len);
			g_byte_array_append(head, buf, (guint)skip);
		}
		g_checksum_update(sum, buf + skip, n - (gssize)skip);
	}
	g_assert_cmpint(n, ==, 0);
	return g_strdup(g_checksum_get_string(sum));
}

static void
test_fill(guint8 *buf, gsize len, guint32 seed)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);

	for (gsize i = 0; i < len; i += 4) {
		guint32 v = g_rand_int(rand);
		memcpy(buf + i, &v, MIN(4, len - i));
	}
}

static gchar *
test_hash(const guint8 *data, gsize len)
{
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
}

/* the listening side of a stream: reads to EOF, answers the hash and REPLY_LEN bytes */
static gpointer
test_server_thread(gpointer data)
{
	g_autoptr(GIOStream) stream = data;
	int fd = test_fd(stream);
	g_autofree gchar *hash = test_read_hash(fd, NULL, 0);
	g_autofree guint8 *reply = g_malloc(REPLY_LEN);

	test_write_all(fd, (const guint8 *)hash, 64);
	test_fill(reply, REPLY_LEN, hash[0]);
	test_write_all(fd, reply, REPLY_LEN);
	return NULL;
}

static void
test_on_incoming(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
		 GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	TestNode *node = user_data;

	g_assert_cmpstr(peer_id, ==, "peer_a");
	g_assert_cmpuint(g_bytes_get_size(public_key), ==, 32);
	g_assert_true(G_IS_INET_SOCKET_ADDRESS(remote));
	g_atomic_int_inc(&node->incoming);
	g_thread_unref(g_thread_new("server", test_server_thread, g_object_ref(stream)));
}

typedef struct {
	GMainLoop *loop;
	gint pending;
	gint ok;
	GError *error; /* the last connect's */
} TestRun;

typedef struct {
	TestRun *run;
	GIOStream *stream;
	guint index;
} TestClient;

/* the dialling side: sends its bytes, half-closes, and checks the answer to EOF */
static gpointer
test_client_thread(gpointer data)
{
	TestClient *client = data;
	int fd = test_fd(client->stream);
	gsize len = 1 + (client->index * 92821u) % (2 * 1024 * 1024);
	g_autofree guint8 *payload = g_malloc(len);
	g_autofree guint8 *reply = g_malloc(REPLY_LEN);
	g_autofree gchar *expect = NULL;
	g_autofree gchar *expect_reply = NULL;
	g_autofree gchar *got_reply = NULL;
	g_autoptr(GByteArray) head = g_byte_array_new();

	test_fill(payload, len, client->index);
	expect = test_hash(payload, len);
	test_write_all(fd, payload, len);
	g_assert_cmpint(shutdown(fd, SHUT_WR), ==, 0);
	got_reply = test_read_hash(fd, head, 64);
	g_assert_cmpuint(head->len, ==, 64);
	g_assert_cmpmem(head->data, 64, expect, 64);
	test_fill(reply, REPLY_LEN, expect[0]);
	expect_reply = test_hash(reply, REPLY_LEN);
	g_assert_cmpstr(got_reply, ==, expect_reply);
	g_atomic_int_inc(&client->run->ok);
	g_object_unref(client->stream);
	if (g_atomic_int_dec_and_test(&client->run->pending))
		g_main_loop_quit(client->run->loop);
	g_free(client);
	return NULL;
}

static void
test_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
	TestClient *client = user_data;
	TestRun *run = client->run;

	GError *error = NULL;

	client->stream = arc_transport_connect_finish(ARC_TRANSPORT(source), result, &error);
	if (client->stream == NULL) {
		g_assert_error(error, ARC_ERROR, ARC_ERROR_PEER_UNREACHABLE);
		g_clear_error(&run->error);
		run->error = error;
		g_free(client);
		if (g_atomic_int_dec_and_test(&run->pending))
			g_main_loop_quit(run->loop);
		return;
	}
	g_thread_unref(g_thread_new("client", test_client_thread, client));
}

/* n streams from `from` to `to` at once; the number that checked out */
static gint
test_streams(TestNode *from, TestNode *to, guint8 *to_key_override, guint n)
{
	TestRun run = {.loop = g_main_loop_new(NULL, FALSE), .pending = (gint)n};
	ArcTransportPeer peer;
	g_autoptr(GBytes) key = NULL;

	test_node_peer(to, "peer_b", &peer, &key);
	if (to_key_override != NULL) {
		g_bytes_unref(key);
		key = g_bytes_new(to_key_override, 32);
		peer.public_key = key;
	}
	for (guint i = 0; i < n; i++) {
		TestClient *client = g_new0(TestClient, 1);
		client->run = &run;
		client->index = i;
		arc_transport_connect_async(ARC_TRANSPORT(from->plugin), &peer, NULL,
					    test_connected, client);
	}
	g_main_loop_run(run.loop);
	g_main_loop_unref(run.loop);
	if (run.ok != (gint)n && run.error != NULL)
		g_test_message("connect: %s", run.error->message);
	g_clear_error(&run.error);
	return run.ok;
}

/* ---- one stream at a time, for the tests of stalls and ends ---- */

static void
test_got_stream(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GIOStream **out = user_data;
	g_autoptr(GError) error = NULL;

	*out = arc_transport_connect_finish(ARC_TRANSPORT(source), result, &error);
	g_assert_no_error(error);
}

static GIOStream *
test_open_to(TestNode *from, TestNode *to, const gchar *to_id)
{
	ArcTransportPeer peer;
	g_autoptr(GBytes) key = NULL;
	GIOStream *stream = NULL;

	test_node_peer(to, to_id, &peer, &key);
	arc_transport_connect_async(ARC_TRANSPORT(from->plugin), &peer, NULL, test_got_stream,
				    &stream);
	while (stream == NULL)
		g_main_context_iteration(NULL, TRUE);
	return stream;
}

static GIOStream *
test_open(TestNode *from, TestNode *to)
{
	return test_open_to(from, to, "peer_b");
}

/* b's side of each stream, kept as it arrives: the test decides what to do with it */
static void
test_keep_incoming(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
		   GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	g_ptr_array_add(user_data, g_object_ref(stream));
}

static GIOStream *
test_wait_incoming(GPtrArray *kept, guint n)
{
	while (kept->len < n)
		g_main_context_iteration(NULL, TRUE);
	return g_ptr_array_index(kept, n - 1);
}

/* writes until the stream refuses: how many bytes went */
static gsize
test_write_until_error(int fd)
{
	static guint8 buf[65536];
	gsize total = 0;
	gssize n;

	while ((n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL)) > 0)
		total += (gsize)n;
	g_assert_cmpint(n, <, 0);
	return total;
}

/* writes without blocking until nothing more goes for a while */
static gsize
test_fill_until_blocked(int fd)
{
	static guint8 buf[65536];
	gsize total = 0;
	guint idle = 0;

	while (idle < 5) {
		gssize n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			total += (gsize)n;
			idle = 0;
			continue;
		}
		g_assert_cmpint(errno, ==, EAGAIN);
		idle++;
		g_usleep(100 * 1000);
	}
	return total;
}

static gpointer
test_writer_thread(gpointer data)
{
	return GSIZE_TO_POINTER(test_write_until_error(GPOINTER_TO_INT(data)));
}

/* a reader that never reads holds only its own stream: the writer blocks at the window and
 * buffers, while a second stream of the same session goes on */
static void
test_stalled_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0};
	g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GIOStream) stalled = NULL;
	g_autoptr(GIOStream) other = NULL;
	int fd, bfd, ofd;
	guint8 byte = 0;
	gssize n;
	gsize filled;
	GThread *writer;

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	test_node_allow(&b, &a, "peer_a");
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(test_keep_incoming), kept);
	stalled = test_open(&a, &b);
	fd = test_fd(stalled);
	g_assert_cmpint(write(fd, "s", 1), ==, 1);
	test_wait_incoming(kept, 1);
	/* the stalled stream's writer fills its window and the buffers, no more */
	filled = test_fill_until_blocked(fd);
	g_assert_cmpuint(filled, >=, 1024 * 1024);
	g_assert_cmpuint(filled, <=, 16 * 1024 * 1024);
	/* the other stream still goes both ways */
	other = test_open(&a, &b);
	ofd = test_fd(other);
	g_assert_cmpint(write(ofd, "ping", 4), ==, 4);
	bfd = test_fd(test_wait_incoming(kept, 2));
	g_assert_cmpint(read(bfd, &byte, 1), ==, 1);
	g_assert_cmpint(byte, ==, 'p');
	g_assert_cmpint(write(bfd, "!", 1), ==, 1);
	n = read(ofd, &byte, 1);
	g_assert_cmpint(n, ==, 1);
	g_assert_cmpint(byte, ==, '!');
	/* closing b's end of the stalled stream resets it: a's writer stops with an error */
	writer = g_thread_new("writer", test_writer_thread, GINT_TO_POINTER(fd));
	g_ptr_array_remove_index(kept, 0);
	g_thread_join(writer);
	test_node_stop(&a);
	test_node_stop(&b);
}

/* when the session goes (b stops), a's streams read EOF */
static void
test_session_end_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0};
	g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GIOStream) stream = NULL;
	guint8 buf[16];
	int fd;

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	test_node_allow(&b, &a, "peer_a");
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(test_keep_incoming), kept);
	stream = test_open(&a, &b);
	fd = test_fd(stream);
	g_assert_cmpint(write(fd, "x", 1), ==, 1);
	test_wait_incoming(kept, 1);
	test_node_stop(&b);
	g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 0);
	test_node_stop(&a);
}

/* sends an initiation on a fresh connection to node: the bytes answered before the listener
 * closed (a response, or nothing) */
static gssize
test_raw_initiation(TestNode *node, const guint8 *initiation, guint8 *answer, gsize answer_len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						 G_SOCKET_PROTOCOL_TCP, &error);
	gsize done = 0;
	gssize sent;
	gboolean ok;

	g_assert_no_error(error);
	g_socket_set_timeout(socket, 10);
	ok = g_socket_connect(socket, node->address, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	sent = g_socket_send(socket, (const gchar *)initiation, PEGASUS_INITIATION_LEN, NULL,
			     &error);
	g_assert_no_error(error);
	g_assert_cmpint(sent, ==, PEGASUS_INITIATION_LEN);
	while (done < answer_len) {
		gssize n = g_socket_receive(socket, (gchar *)answer + done, answer_len - done, NULL,
					    &error);
		g_assert_no_error(error);
		if (n == 0)
			break;
		done += (gsize)n;
	}
	return (gssize)done;
}

/* a captured initiation sent again is refused: no response, the connection closed */
static void
test_replay_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0};
	g_autoptr(PegasusIdentity) identity = NULL;
	g_autoptr(PegasusHandshake) hs = NULL;
	guint8 b_key[PEGASUS_KEY_LEN];
	guint8 initiation[PEGASUS_INITIATION_LEN];
	guint8 answer[PEGASUS_RESPONSE_LEN];

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	test_node_allow(&b, &a, "peer_a");
	identity = pegasus_identity_new(a.ed_secret, sizeof(a.ed_secret));
	g_assert_true(pegasus_public_key_from_ed25519(b_key, b.ed_public, sizeof(b.ed_public)));
	hs = pegasus_handshake_new_initiator(identity, b_key);
	g_assert_cmpint(pegasus_handshake_write_initiation(hs, initiation), ==, PEGASUS_HS_OK);
	g_assert_cmpint(test_raw_initiation(&b, initiation, answer, sizeof(answer)), ==,
			PEGASUS_RESPONSE_LEN);
	g_assert_cmpint(answer[0], ==, PEGASUS_MSG_RESPONSE);
	g_assert_cmpint(test_raw_initiation(&b, initiation, answer, sizeof(answer)), ==, 0);
	test_node_stop(&a);
	test_node_stop(&b);
}

/* the session a dialled carries b's streams to a too: a accepts nobody on its listener, so
 * a stream from b can only come over that session */
static void
test_reverse_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0};
	g_autoptr(GPtrArray) at_a = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GPtrArray) at_b = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GIOStream) ab = NULL;
	g_autoptr(GIOStream) ba = NULL;
	guint8 byte = 0;
	int fd, afd;

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	test_node_allow(&b, &a, "peer_a");
	g_signal_connect(a.plugin, "incoming", G_CALLBACK(test_keep_incoming), at_a);
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(test_keep_incoming), at_b);
	ab = test_open_to(&a, &b, "peer_b");
	g_assert_cmpint(write(test_fd(ab), "1", 1), ==, 1);
	g_assert_cmpint(read(test_fd(test_wait_incoming(at_b, 1)), &byte, 1), ==, 1);
	/* a's first record reached b: the session now carries b's streams too */
	ba = test_open_to(&b, &a, "peer_a");
	fd = test_fd(ba);
	g_assert_cmpint(write(fd, "2", 1), ==, 1);
	afd = test_fd(test_wait_incoming(at_a, 1));
	g_assert_cmpint(read(afd, &byte, 1), ==, 1);
	g_assert_cmpint(byte, ==, '2');
	g_assert_cmpint(write(afd, "3", 1), ==, 1);
	g_assert_cmpint(read(fd, &byte, 1), ==, 1);
	g_assert_cmpint(byte, ==, '3');
	test_node_stop(&a);
	test_node_stop(&b);
}

static void
test_descriptor_func(ArcTestModule *fx, gconstpointer user_data)
{
	const gchar *const internal[] = {
		"arc_tcp_plugin_get_type", "pegasus_session_new", "pegasus_handshake_new_initiator",
		"tempest_aead_select",     "arc_tcp_io_new",
	};

	arc_test_module_assert_descriptor(fx, "tcp", ARC_PLUGIN_KIND_TRANSPORT, PACKAGE_VERSION);
	g_assert_cmpuint(fx->descriptor->abi_minor, ==, ARC_PLUGIN_ABI_MINOR);
	arc_test_module_assert_hidden(fx, internal, G_N_ELEMENTS(internal));
}

static void
test_streams_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0};

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	g_assert_cmpstr(arc_transport_get_protocol(ARC_TRANSPORT(a.plugin)), ==, "tcp");
	test_node_allow(&b, &a, "peer_a");
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(test_on_incoming), &b);
	g_assert_cmpint(test_streams(&a, &b, NULL, N_STREAMS), ==, N_STREAMS);
	g_assert_cmpint(g_atomic_int_get(&b.incoming), ==, N_STREAMS);
	/* the session stays up: more streams on it */
	g_assert_cmpint(test_streams(&a, &b, NULL, 4), ==, 4);
	test_node_stop(&a);
	test_node_stop(&b);
}

/* b accepts only a: c is refused; a dialling b with c's key as b's is refused by a itself
 * (b cannot answer for c); and once b no longer names a, a's session is closed and a new
 * one refused */
static void
test_refused_func(ArcTestModule *fx, gconstpointer user_data)
{
	TestNode a = {0}, b = {0}, c = {0};

	test_node_start(fx, &a, "peer_a");
	test_node_start(fx, &b, "peer_b");
	test_node_start(fx, &c, "peer_c");
	test_node_allow(&b, &a, "peer_a");
	g_signal_connect(b.plugin, "incoming", G_CALLBACK(test_on_incoming), &b);
	g_assert_cmpint(test_streams(&c, &b, NULL, 2), ==, 0);
	g_assert_cmpint(test_streams(&a, &b, c.ed_public, 2), ==, 0);
	g_assert_cmpint(g_atomic_int_get(&b.incoming), ==, 0);
	g_assert_cmpint(test_streams(&a, &b, NULL, 1), ==, 1);
	g_assert_true(arc_transport_set_peers(ARC_TRANSPORT(b.plugin), NULL, 0, NULL));
	/* the closing reaches a asynchronously: a's next connect may still find the old
	 * session, whose streams then end; none gets through */
	g_usleep(200 * 1000);
	g_assert_cmpint(test_streams(&a, &b, NULL, 2), ==, 0);
	g_assert_cmpint(g_atomic_int_get(&b.incoming), ==, 1);
	test_node_stop(&a);
	test_node_stop(&b);
	test_node_stop(&c);
}

static void
test_not_listening_func(ArcTestModule *fx, gconstpointer user_data)
{
	g_autoptr(ArcPlugin) plugin = g_object_new(fx->descriptor->get_type(), NULL);
	ArcTransportSettings settings;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) short_key = g_bytes_new_static("0123456789abcdef", 16);
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);

	arc_plugin_set_name(plugin, "tcp");
	arc_transport_settings_init(&settings);
	settings.address = any;
	settings.private_key = short_key;
	g_assert_false(arc_transport_listen(ARC_TRANSPORT(plugin), &settings, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_true(g_str_has_prefix(error->message, "tcp: "));
	arc_transport_stop(ARC_TRANSPORT(plugin));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	arc_test_module_add("/tcp-module/descriptor", "ARC_TCP_MODULE", test_descriptor_func);
	arc_test_module_add("/tcp-module/streams", "ARC_TCP_MODULE", test_streams_func);
	arc_test_module_add("/tcp-module/refused", "ARC_TCP_MODULE", test_refused_func);
	arc_test_module_add("/tcp-module/reverse", "ARC_TCP_MODULE", test_reverse_func);
	arc_test_module_add("/tcp-module/replay", "ARC_TCP_MODULE", test_replay_func);
	arc_test_module_add("/tcp-module/stalled", "ARC_TCP_MODULE", test_stalled_func);
	arc_test_module_add("/tcp-module/session-end", "ARC_TCP_MODULE", test_session_end_func);
	arc_test_module_add("/tcp-module/not-listening", "ARC_TCP_MODULE", test_not_listening_func);
	return g_test_run();
}
