/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tunnel and transport interfaces as a plugin sees them through the SDK's runners, before
 * any real plugin (tempest, tcp) exists: what reaches the vfuncs, what a caller that did not
 * fill a settings struct gets, and what the incoming signal carries.
 */
#include <arctic-plugin.h>

/* ---- a tunnel plugin that records what it was given ---- */

#define ARC_TEST_TYPE_TUNNEL (arc_test_tunnel_get_type())
G_DECLARE_FINAL_TYPE(ArcTestTunnel, arc_test_tunnel, ARC_TEST, TUNNEL, ArcPlugin)

struct _ArcTestTunnel {
	ArcPlugin parent_instance;
	guint starts;
	gchar *ifname;
	guint16 listen_port;
	GBytes *private_key;
	guint32 mtu;
	guint32 fwmark;
	gchar *peer_id;
	gchar *peer_endpoint;
};

static void arc_test_tunnel_iface_init(ArcTunnelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcTestTunnel, arc_test_tunnel, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_TUNNEL, arc_test_tunnel_iface_init))

static gboolean
arc_test_tunnel_start(ArcTunnel *tunnel, const ArcTunnelSettings *settings, GError **error)
{
	ArcTestTunnel *self = ARC_TEST_TUNNEL(tunnel);

	self->starts++;
	if (g_strcmp0(settings->ifname, "busy0") == 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "%s exists", settings->ifname);
		return FALSE;
	}
	self->ifname = g_strdup(settings->ifname);
	self->listen_port = settings->listen_port;
	self->private_key = g_bytes_ref(settings->private_key);
	self->mtu = settings->mtu;
	self->fwmark =
		ARC_STRUCT_HAS_FIELD(settings, ArcTunnelSettings, fwmark) ? settings->fwmark : 0;
	return TRUE;
}

static gboolean
arc_test_tunnel_set_peer(ArcTunnel *tunnel, const ArcTunnelPeer *peer, GError **error)
{
	ArcTestTunnel *self = ARC_TEST_TUNNEL(tunnel);

	g_free(self->peer_id);
	g_free(self->peer_endpoint);
	self->peer_id = g_strdup(peer->peer_id);
	self->peer_endpoint = g_strdup(peer->endpoint);
	return TRUE;
}

static void
arc_test_tunnel_iface_init(ArcTunnelInterface *iface)
{
	iface->start = arc_test_tunnel_start;
	iface->set_peer = arc_test_tunnel_set_peer;
}

static void
arc_test_tunnel_finalize(GObject *object)
{
	ArcTestTunnel *self = ARC_TEST_TUNNEL(object);

	g_free(self->ifname);
	g_free(self->peer_id);
	g_free(self->peer_endpoint);
	g_clear_pointer(&self->private_key, g_bytes_unref);
	G_OBJECT_CLASS(arc_test_tunnel_parent_class)->finalize(object);
}

static void
arc_test_tunnel_class_init(ArcTestTunnelClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_test_tunnel_finalize;
}

static void
arc_test_tunnel_init(ArcTestTunnel *self)
{
}

/* ---- a transport plugin whose streams are in memory ---- */

#define ARC_TEST_TYPE_TRANSPORT (arc_test_transport_get_type())
G_DECLARE_FINAL_TYPE(ArcTestTransport, arc_test_transport, ARC_TEST, TRANSPORT, ArcPlugin)

struct _ArcTestTransport {
	ArcPlugin parent_instance;
	gchar *local_peer_id;
	gchar *connected_peer_id;
	GBytes *connected_key;
	guint n_peers_set;
};

static void arc_test_transport_iface_init(ArcTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcTestTransport, arc_test_transport, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_TRANSPORT,
						    arc_test_transport_iface_init))

static GIOStream *
arc_test_memory_stream_new(void)
{
	g_autoptr(GInputStream) input = g_memory_input_stream_new();
	g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable();

	return g_simple_io_stream_new(input, output);
}

static gboolean
arc_test_transport_listen(ArcTransport *transport, const ArcTransportSettings *settings,
			  GError **error)
{
	ArcTestTransport *self = ARC_TEST_TRANSPORT(transport);

	self->local_peer_id = g_strdup(settings->peer_id);
	return TRUE;
}

static void
arc_test_transport_connect_async(ArcTransport *transport, const ArcTransportPeer *peer,
				 GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data)
{
	ArcTestTransport *self = ARC_TEST_TRANSPORT(transport);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);

	/* the struct is borrowed: keep copies of what is needed after the call */
	self->connected_peer_id = g_strdup(peer->peer_id);
	self->connected_key = g_bytes_ref(peer->public_key);
	g_task_return_pointer(task, arc_test_memory_stream_new(), g_object_unref);
}

static GIOStream *
arc_test_transport_connect_finish(ArcTransport *transport, GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

/* set_peers is installed by its test only: the others see a 2.1 transport */
static gboolean
arc_test_transport_set_peers(ArcTransport *transport, const ArcTransportPeer *const *peers,
			     guint n_peers, GError **error)
{
	ARC_TEST_TRANSPORT(transport)->n_peers_set = n_peers;
	return TRUE;
}

static void
arc_test_transport_iface_init(ArcTransportInterface *iface)
{
	iface->listen = arc_test_transport_listen;
	iface->connect_async = arc_test_transport_connect_async;
	iface->connect_finish = arc_test_transport_connect_finish;
}

static void
arc_test_transport_finalize(GObject *object)
{
	ArcTestTransport *self = ARC_TEST_TRANSPORT(object);

	g_free(self->local_peer_id);
	g_free(self->connected_peer_id);
	g_clear_pointer(&self->connected_key, g_bytes_unref);
	G_OBJECT_CLASS(arc_test_transport_parent_class)->finalize(object);
}

static void
arc_test_transport_class_init(ArcTestTransportClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_test_transport_finalize;
}

static void
arc_test_transport_init(ArcTestTransport *self)
{
}

/* ---- tests ---- */

static ArcTestTunnel *
arc_test_tunnel_new(void)
{
	ArcTestTunnel *self = g_object_new(ARC_TEST_TYPE_TUNNEL, NULL);

	arc_plugin_set_name(ARC_PLUGIN(self), "test-tunnel");
	return self;
}

static void
tunnel_start_func(void)
{
	g_autoptr(ArcTestTunnel) tunnel = arc_test_tunnel_new();
	g_autoptr(GBytes) key = g_bytes_new_static("0123456789abcdef0123456789abcdef", 32);
	g_autoptr(GError) error = NULL;
	ArcTunnelSettings settings;
	gboolean ok;

	arc_tunnel_settings_init(&settings);
	g_assert_cmpuint(settings.struct_size, ==, sizeof(ArcTunnelSettings));
	g_assert_cmpuint(settings.mtu, ==, 0);
	settings.ifname = "arctic0";
	settings.listen_port = 51840;
	settings.private_key = key;
	settings.mtu = 1420;
	settings.fwmark = 0x5143;
	ok = arc_tunnel_start(ARC_TUNNEL(tunnel), &settings, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(tunnel->ifname, ==, "arctic0");
	g_assert_cmpuint(tunnel->listen_port, ==, 51840);
	g_assert_true(g_bytes_equal(tunnel->private_key, key));
	g_assert_cmpuint(tunnel->mtu, ==, 1420);
	g_assert_cmpuint(tunnel->fwmark, ==, 0x5143);
}

/* a caller that did not call arc_tunnel_settings_init() is refused before the plugin runs */
static void
tunnel_settings_size_func(void)
{
	g_autoptr(ArcTestTunnel) tunnel = arc_test_tunnel_new();
	g_autoptr(GError) error = NULL;
	ArcTunnelSettings settings = {.ifname = "arctic0"};
	ArcTunnelPeer peer = {.peer_id = "peer_x"};

	g_assert_false(arc_tunnel_start(ARC_TUNNEL(tunnel), &settings, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_true(g_str_has_prefix(error->message, "test-tunnel: start: settings of 0 bytes"));
	g_assert_cmpuint(tunnel->starts, ==, 0);
	g_clear_error(&error);
	g_assert_false(arc_tunnel_set_peer(ARC_TUNNEL(tunnel), &peer, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_null(tunnel->peer_id);

	/* the growth rule: a struct as an older caller compiled it has no fwmark */
	settings.struct_size = G_STRUCT_OFFSET(ArcTunnelSettings, fwmark);
	g_assert_false(ARC_STRUCT_HAS_FIELD(&settings, ArcTunnelSettings, fwmark));
	g_assert_true(ARC_STRUCT_HAS_FIELD(&settings, ArcTunnelSettings, mtu));
}

static void
tunnel_errors_func(void)
{
	g_autoptr(ArcTestTunnel) tunnel = arc_test_tunnel_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;
	g_autoptr(GBytes) key = g_bytes_new_static("0123456789abcdef0123456789abcdef", 32);
	ArcTunnelSettings settings;
	ArcTunnelPeer peer;
	const gchar *allowed[] = {"10.0.0.2/32", NULL};

	arc_tunnel_settings_init(&settings);
	settings.ifname = "busy0";
	settings.private_key = key;
	g_assert_false(arc_tunnel_start(ARC_TUNNEL(tunnel), &settings, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE);
	g_assert_cmpstr(error->message, ==, "test-tunnel: busy0 exists");
	g_clear_error(&error);

	/* remove_peer is not implemented: the runner says so, naming the plugin */
	g_assert_false(arc_tunnel_remove_peer(ARC_TUNNEL(tunnel), key, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_SUPPORTED);
	g_assert_cmpstr(error->message, ==, "test-tunnel: remove_peer is not implemented");
	g_clear_error(&error);

	arc_tunnel_peer_init(&peer);
	peer.peer_id = "peer_01KA0000000000000000000000";
	peer.public_key = key;
	peer.endpoint = "192.0.2.1:51840";
	peer.allowed_ips = allowed;
	ok = arc_tunnel_set_peer(ARC_TUNNEL(tunnel), &peer, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(tunnel->peer_id, ==, "peer_01KA0000000000000000000000");
	g_assert_cmpstr(tunnel->peer_endpoint, ==, "192.0.2.1:51840");
}

static void
arc_test_connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GAsyncResult **out = user_data;

	*out = g_object_ref(result);
}

static GIOStream *
arc_test_connect(ArcTransport *transport, const ArcTransportPeer *peer, GError **error)
{
	g_autoptr(GAsyncResult) result = NULL;

	arc_transport_connect_async(transport, peer, NULL, arc_test_connect_cb, &result);
	while (result == NULL)
		g_main_context_iteration(NULL, TRUE);
	return arc_transport_connect_finish(transport, result, error);
}

static void
transport_connect_func(void)
{
	g_autoptr(ArcTestTransport) transport = g_object_new(ARC_TEST_TYPE_TRANSPORT, NULL);
	g_autoptr(GBytes) key = g_bytes_new_static("remote-ed25519-public-key-32byte", 32);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string("127.0.0.1", 9);
	g_autoptr(GError) error = NULL;
	gboolean ok;
	g_autoptr(GIOStream) stream = NULL;
	ArcTransportPeer peer;
	ArcTransportSettings settings;

	arc_plugin_set_name(ARC_PLUGIN(transport), "test-transport");
	arc_transport_settings_init(&settings);
	settings.address = address;
	settings.peer_id = "peer_local";
	ok = arc_transport_listen(ARC_TRANSPORT(transport), &settings, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(transport->local_peer_id, ==, "peer_local");

	arc_transport_peer_init(&peer);
	peer.peer_id = "peer_remote";
	peer.public_key = key;
	peer.address = address;
	stream = arc_test_connect(ARC_TRANSPORT(transport), &peer, &error);
	g_assert_no_error(error);
	g_assert_nonnull(stream);
	g_assert_cmpstr(transport->connected_peer_id, ==, "peer_remote");
	g_assert_true(g_bytes_equal(transport->connected_key, key));

	/* an uninitialised peer never reaches the plugin */
	g_clear_pointer(&transport->connected_peer_id, g_free);
	peer.struct_size = 0;
	g_assert_null(arc_test_connect(ARC_TRANSPORT(transport), &peer, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_null(transport->connected_peer_id);
}

typedef struct {
	gchar *peer_id;
	GBytes *public_key;
	gboolean has_stream;
} ArcTestIncoming;

static void
arc_test_incoming_cb(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
		     GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	ArcTestIncoming *incoming = user_data;

	incoming->has_stream = G_IS_IO_STREAM(stream) && G_IS_SOCKET_ADDRESS(remote);
	incoming->peer_id = g_strdup(peer_id);
	incoming->public_key = g_bytes_ref(public_key);
}

/* what a transport announces: the stream and who proved to be at the other end */
static void
transport_incoming_func(void)
{
	g_autoptr(ArcTestTransport) transport = g_object_new(ARC_TEST_TYPE_TRANSPORT, NULL);
	g_autoptr(GBytes) key = g_bytes_new_static("remote-ed25519-public-key-32byte", 32);
	g_autoptr(GSocketAddress) remote = g_inet_socket_address_new_from_string("127.0.0.1", 9);
	g_autoptr(GIOStream) stream = arc_test_memory_stream_new();
	ArcTestIncoming incoming = {0};

	g_signal_connect(transport, "incoming", G_CALLBACK(arc_test_incoming_cb), &incoming);
	g_signal_emit_by_name(transport, "incoming", stream, "peer_remote", key, remote);
	g_assert_true(incoming.has_stream);
	g_assert_cmpstr(incoming.peer_id, ==, "peer_remote");
	g_assert_true(g_bytes_equal(incoming.public_key, key));
	g_free(incoming.peer_id);
	g_bytes_unref(incoming.public_key);
}

static void
transport_not_supported_func(void)
{
	g_autoptr(ArcTestTransport) transport = g_object_new(ARC_TEST_TYPE_TRANSPORT, NULL);
	ArcTransportInterface *iface = ARC_TRANSPORT_GET_IFACE(transport);
	ArcTransportPeer peer;
	g_autoptr(GError) error = NULL;
	void (*connect_async)(ArcTransport *, const ArcTransportPeer *, GCancellable *,
			      GAsyncReadyCallback, gpointer) = iface->connect_async;

	arc_plugin_set_name(ARC_PLUGIN(transport), "test-transport");
	arc_transport_peer_init(&peer);
	iface->connect_async = NULL;
	g_assert_null(arc_test_connect(ARC_TRANSPORT(transport), &peer, &error));
	iface->connect_async = connect_async;
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_SUPPORTED);
	g_assert_cmpstr(error->message, ==, "test-transport: connect is not implemented");
}

/* set_peers (ABI 2.2): a transport built before it has no vfunc, and a peer struct too
 * small for its key is refused before the plugin sees it */
static void
transport_set_peers_func(void)
{
	g_autoptr(ArcTestTransport) transport = g_object_new(ARC_TEST_TYPE_TRANSPORT, NULL);
	ArcTransportPeer peer;
	const ArcTransportPeer *peers[] = {&peer};
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_plugin_set_name(ARC_PLUGIN(transport), "test-transport");
	arc_transport_peer_init(&peer);
	g_assert_false(arc_transport_set_peers(ARC_TRANSPORT(transport), peers, 1, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_SUPPORTED);
	g_assert_cmpstr(error->message, ==, "test-transport: set_peers is not implemented");
	g_clear_error(&error);
	ARC_TRANSPORT_GET_IFACE(transport)->set_peers = arc_test_transport_set_peers;
	peer.struct_size = G_STRUCT_OFFSET(ArcTransportPeer, public_key);
	g_assert_false(arc_transport_set_peers(ARC_TRANSPORT(transport), peers, 1, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpuint(transport->n_peers_set, ==, 0);
	g_clear_error(&error);
	arc_transport_peer_init(&peer);
	ok = arc_transport_set_peers(ARC_TRANSPORT(transport), peers, 1, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(transport->n_peers_set, ==, 1);
	ARC_TRANSPORT_GET_IFACE(transport)->set_peers = NULL;
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/sdk/tunnel/start", tunnel_start_func);
	g_test_add_func("/sdk/tunnel/settings-size", tunnel_settings_size_func);
	g_test_add_func("/sdk/tunnel/errors", tunnel_errors_func);
	g_test_add_func("/sdk/transport/connect", transport_connect_func);
	g_test_add_func("/sdk/transport/incoming", transport_incoming_func);
	g_test_add_func("/sdk/transport/not-supported", transport_not_supported_func);
	g_test_add_func("/sdk/transport/set-peers", transport_set_peers_func);
	return g_test_run();
}
