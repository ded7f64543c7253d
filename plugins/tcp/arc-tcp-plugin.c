/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-tcp-plugin.h"

#include <errno.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-tcp-io.h"

/* The tcp transport plugin (docs/protocol.md "Transport sessions (tcp, kcp)"): ArcTransport
 * over Pegasus sessions on long-lived TCP connections, one per remote peer, run by one I/O
 * thread (arc-tcp-io.c). Everything here runs on the agent's main thread. */

struct _ArcTcpPlugin {
	ArcPlugin parent_instance;
	ArcTcpIo *io;
	GHashTable *allowed; /* set_peers() before listen(): handed to the I/O thread then */
	GSocketAddress *listen_address;
};

enum {
	PROP_0,
	PROP_LISTEN_ADDRESS,
};

static void arc_tcp_plugin_transport_iface_init(ArcTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcTcpPlugin, arc_tcp_plugin, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_TRANSPORT,
						    arc_tcp_plugin_transport_iface_init))

static GSocketConnection *
arc_tcp_connection_from_fd(int fd, GError **error)
{
	g_autoptr(GSocket) socket = g_socket_new_from_fd(fd, error);

	if (socket == NULL)
		return NULL;
	return g_socket_connection_factory_create_connection(socket);
}

/* on the main context (the I/O thread hands streams over in batches): the stream goes to
 * whoever listens, or closes */
static void
arc_tcp_plugin_incoming(int agent_fd, const gchar *peer_id, GBytes *public_key,
			GSocketAddress *remote, gpointer user_data)
{
	ArcTcpPlugin *self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocketConnection) connection = arc_tcp_connection_from_fd(agent_fd, &error);

	if (connection == NULL) {
		g_warning("tcp: stream from %s: %s", peer_id, error->message);
		close(agent_fd);
		return;
	}
	g_signal_emit_by_name(self, "incoming", connection, peer_id, public_key, remote);
}

static const gchar *
arc_tcp_plugin_get_protocol(ArcTransport *transport)
{
	return "tcp";
}

static int
arc_tcp_plugin_bind(GSocketAddress *address, GSocketAddress **bound, GError **error)
{
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)g_socket_address_get_native_size(address);
	int one = 1;
	int fd;

	if (!g_socket_address_to_native(address, &ss, sizeof(ss), error))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4096) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		int err = errno;
		g_autofree gchar *where =
			g_socket_connectable_to_string(G_SOCKET_CONNECTABLE(address));
		if (fd >= 0)
			close(fd);
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "cannot listen on %s: %s",
			    where, g_strerror(err));
		return -1;
	}
	*bound = g_socket_address_new_from_native(&ss, len);
	return fd;
}

static gboolean
arc_tcp_plugin_listen(ArcTransport *transport, const ArcTransportSettings *settings, GError **error)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(transport);
	PegasusIdentity *identity;
	gsize key_len = 0;
	const guint8 *key;
	int fd;

	if (self->io != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_ALREADY_EXISTS, "already listening");
		return FALSE;
	}
	if (settings->address == NULL || settings->private_key == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "an address and a private key are needed");
		return FALSE;
	}
	key = g_bytes_get_data(settings->private_key, &key_len);
	identity = pegasus_identity_new(key, key_len);
	if (identity == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "the private key is not an Ed25519 key of 64 bytes");
		return FALSE;
	}
	g_clear_object(&self->listen_address);
	fd = arc_tcp_plugin_bind(settings->address, &self->listen_address, error);
	if (fd < 0) {
		pegasus_identity_free(identity);
		return FALSE;
	}
	self->io = arc_tcp_io_new(fd, identity, arc_tcp_plugin_incoming, self, error);
	if (self->io == NULL)
		return FALSE;
	if (self->allowed != NULL)
		arc_tcp_io_set_peers(self->io, g_steal_pointer(&self->allowed));
	return TRUE;
}

static void
arc_tcp_plugin_stop(ArcTransport *transport)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(transport);

	g_clear_pointer(&self->io, arc_tcp_io_free);
}

/* a peer's Ed25519 key as the X25519 key its handshake proves */
static gboolean
arc_tcp_plugin_peer_key(const ArcTransportPeer *peer, guint8 out[PEGASUS_KEY_LEN], GError **error)
{
	gsize len = 0;
	const guint8 *key =
		peer->public_key != NULL ? g_bytes_get_data(peer->public_key, &len) : NULL;

	if (peer->peer_id == NULL || !pegasus_public_key_from_ed25519(out, key, len)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "peer %s: an id and an Ed25519 public key of 32 bytes are needed",
			    peer->peer_id != NULL ? peer->peer_id : "(none)");
		return FALSE;
	}
	return TRUE;
}

static void
arc_tcp_plugin_connect_async(ArcTransport *transport, const ArcTransportPeer *peer,
			     GCancellable *cancellable, GAsyncReadyCallback callback,
			     gpointer user_data)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(transport);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GError) error = NULL;
	guint8 key[PEGASUS_KEY_LEN];
	GSocketConnection *connection;
	int fds[2];

	g_task_set_source_tag(task, arc_tcp_plugin_connect_async);
	if (self->io == NULL) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "not listening");
		return;
	}
	if (!arc_tcp_plugin_peer_key(peer, key, &error) || peer->address == NULL) {
		if (error == NULL)
			g_set_error(&error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "peer %s: no address", peer->peer_id);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_INTERNAL, "socketpair: %s",
					g_strerror(errno));
		return;
	}
	connection = arc_tcp_connection_from_fd(fds[1], &error);
	if (connection == NULL) {
		close(fds[0]);
		close(fds[1]);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	arc_tcp_io_connect(self->io, key, peer->peer_id, peer->public_key, peer->address, fds[0],
			   connection, g_steal_pointer(&task));
}

static GIOStream *
arc_tcp_plugin_connect_finish(ArcTransport *transport, GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

static gboolean
arc_tcp_plugin_set_peers(ArcTransport *transport, const ArcTransportPeer *const *peers,
			 guint n_peers, GError **error)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(transport);
	g_autoptr(GHashTable) allowed = g_hash_table_new_full(
		g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, arc_tcp_allowed_free);

	for (guint i = 0; i < n_peers; i++) {
		guint8 key[PEGASUS_KEY_LEN];
		ArcTcpAllowed *entry;

		if (!arc_tcp_plugin_peer_key(peers[i], key, error))
			return FALSE;
		entry = g_new0(ArcTcpAllowed, 1);
		entry->peer_id = g_strdup(peers[i]->peer_id);
		entry->public_key = g_bytes_ref(peers[i]->public_key);
		g_hash_table_replace(allowed, g_bytes_new(key, sizeof(key)), entry);
	}
	if (self->io != NULL) {
		arc_tcp_io_set_peers(self->io, g_steal_pointer(&allowed));
	} else {
		g_clear_pointer(&self->allowed, g_hash_table_unref);
		self->allowed = g_steal_pointer(&allowed);
	}
	return TRUE;
}

static void
arc_tcp_plugin_transport_iface_init(ArcTransportInterface *iface)
{
	iface->get_protocol = arc_tcp_plugin_get_protocol;
	iface->listen = arc_tcp_plugin_listen;
	iface->stop = arc_tcp_plugin_stop;
	iface->connect_async = arc_tcp_plugin_connect_async;
	iface->connect_finish = arc_tcp_plugin_connect_finish;
	iface->set_peers = arc_tcp_plugin_set_peers;
}

static void
arc_tcp_plugin_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(object);

	switch (prop_id) {
	case PROP_LISTEN_ADDRESS:
		g_value_set_object(value, self->listen_address);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
arc_tcp_plugin_dispose(GObject *object)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(object);

	g_clear_pointer(&self->io, arc_tcp_io_free);
	G_OBJECT_CLASS(arc_tcp_plugin_parent_class)->dispose(object);
}

static void
arc_tcp_plugin_finalize(GObject *object)
{
	ArcTcpPlugin *self = ARC_TCP_PLUGIN(object);

	g_clear_pointer(&self->allowed, g_hash_table_unref);
	g_clear_object(&self->listen_address);
	G_OBJECT_CLASS(arc_tcp_plugin_parent_class)->finalize(object);
}

static void
arc_tcp_plugin_init(ArcTcpPlugin *self)
{
}

static void
arc_tcp_plugin_class_init(ArcTcpPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = arc_tcp_plugin_get_property;
	object_class->dispose = arc_tcp_plugin_dispose;
	object_class->finalize = arc_tcp_plugin_finalize;
	/* where the listener is bound (the port chosen when the settings asked for port 0) */
	g_object_class_install_property(
		object_class, PROP_LISTEN_ADDRESS,
		g_param_spec_object("listen-address", NULL, NULL, G_TYPE_SOCKET_ADDRESS,
				    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}
