/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-agent-transports.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The transport plugins (`tcp`, `kcp`: those in the plugin directory) between the proxy and
 * the other peers. Every vfunc is called here, on the main thread; a stream's fd is then
 * handed to the proxy's relay threads. A member's transport listens on the host of its API
 * address at `[proxy] transport_port`, the same on every peer: no record field advertises
 * it (docs/dataplane.md). */

static const gchar *const arc_agent_transport_names[] = {"tcp", "kcp"};

struct _ArcAgentTransports {
	ArcConfig *config;
	ArcIdentity *identity;
	GHashTable *transports;  /* name → ArcTransport (owned by the loader) */
	GHashTable *listening;   /* names of those that listen */
	ArcClusterView *view;    /* (nullable): the last one */
	ArcTproxymgr *tproxymgr; /* (nullable) */
	GCancellable *cancellable;
};

/**
 * arc_agent_transports_new:
 * @loader: the plugins, scanned
 * @config: agent.conf
 * @identity: this node's identity (its key proves who opens and accepts streams)
 *
 * Loads the transport plugins the plugin directory has; none is not an error (TCP routed to
 * another peer is then reset, with a log line naming the missing transport).
 *
 * Returns: (transfer full): the transports
 */
ArcAgentTransports *
arc_agent_transports_new(ArcPluginLoader *loader, ArcConfig *config, ArcIdentity *identity)
{
	ArcAgentTransports *self = g_new0(ArcAgentTransports, 1);

	self->config = config;
	self->identity = g_object_ref(identity);
	self->transports = g_hash_table_new(g_str_hash, g_str_equal);
	self->listening = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->cancellable = g_cancellable_new();
	for (guint i = 0; i < G_N_ELEMENTS(arc_agent_transport_names); i++) {
		const gchar *name = arc_agent_transport_names[i];
		g_autoptr(GError) error = NULL;
		ArcPlugin *plugin = arc_plugin_loader_get_plugin(loader, ARC_PLUGIN_KIND_TRANSPORT,
								 name, &error);

		if (plugin == NULL ||
		    !arc_plugin_setup(plugin, config->keyfile, config->data_dir, &error)) {
			g_info("transport '%s' not available: %s", name, error->message);
			continue;
		}
		g_hash_table_insert(self->transports, (gpointer)name, plugin);
	}
	return self;
}

void
arc_agent_transports_free(ArcAgentTransports *self)
{
	GHashTableIter iter;
	gpointer name, transport;

	if (self == NULL)
		return;
	g_cancellable_cancel(self->cancellable);
	g_hash_table_iter_init(&iter, self->transports);
	while (g_hash_table_iter_next(&iter, &name, &transport)) {
		g_signal_handlers_disconnect_by_data(transport, self);
		if (g_hash_table_contains(self->listening, name))
			arc_transport_stop(ARC_TRANSPORT(transport));
	}
	g_hash_table_unref(self->transports);
	g_hash_table_unref(self->listening);
	g_clear_pointer(&self->view, arc_cluster_view_unref);
	g_object_unref(self->cancellable);
	g_object_unref(self->identity);
	g_free(self);
}

/* `host:port` → host (brackets of IPv6 removed) */
static gchar *
arc_agent_transports_host(const gchar *endpoint)
{
	const gchar *colon = endpoint != NULL ? strrchr(endpoint, ':') : NULL;

	if (colon == NULL)
		return NULL;
	if (endpoint[0] == '[')
		return g_strndup(endpoint + 1, colon - endpoint - 2);
	return g_strndup(endpoint, colon - endpoint);
}

/* where @member's transports listen: the host of its API address, [proxy] transport_port */
static GSocketAddress *
arc_agent_transports_address(ArcAgentTransports *self, const ArcClusterMember *member)
{
	g_autofree gchar *host = arc_agent_transports_host(member->api_endpoint);

	if (host == NULL)
		return NULL;
	return g_inet_socket_address_new_from_string(host, self->config->proxy_transport_port);
}

/* hands a transport's stream to the proxy: its fd, the stream object closed */
static gint
arc_agent_transports_steal_fd(GIOStream *stream)
{
	GSocket *socket;
	gint fd;

	if (!G_IS_SOCKET_CONNECTION(stream))
		return -1;
	socket = g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream));
	fd = fcntl(g_socket_get_fd(socket), F_DUPFD_CLOEXEC, 0);
	g_io_stream_close(stream, NULL, NULL);
	if (fd >= 0)
		g_unix_set_fd_nonblocking(fd, TRUE, NULL);
	return fd;
}

static void
arc_agent_transports_incoming_cb(ArcTransport *transport, GIOStream *stream, const gchar *peer_id,
				 GBytes *public_key, GSocketAddress *remote, gpointer user_data)
{
	ArcAgentTransports *self = user_data;
	const ArcClusterMember *member =
		self->view != NULL ? arc_cluster_view_find_member(self->view, peer_id) : NULL;
	gint fd;

	if (member == NULL || member->identity_key == NULL || public_key == NULL ||
	    !g_bytes_equal(member->identity_key, public_key) || self->tproxymgr == NULL) {
		g_message("stream from %s refused: %s", peer_id,
			  self->tproxymgr == NULL ? "the proxy does not run"
						  : "not an active member with that key");
		g_io_stream_close(stream, NULL, NULL);
		return;
	}
	fd = arc_agent_transports_steal_fd(stream);
	if (fd < 0) {
		g_warning("stream from %s refused: the transport's stream has no socket", peer_id);
		return;
	}
	arc_tproxymgr_adopt_exit(self->tproxymgr, fd, peer_id);
}

/* the listeners start once this node's own member (its API host) is in a view */
static void
arc_agent_transports_listen(ArcAgentTransports *self, const ArcClusterView *view)
{
	const ArcClusterMember *me =
		arc_cluster_view_find_member(view, arc_cluster_view_get_self(view)->peer_id);
	g_autoptr(GSocketAddress) address =
		me != NULL ? arc_agent_transports_address(self, me) : NULL;
	g_autoptr(GBytes) key = NULL;
	GHashTableIter iter;
	gpointer name, transport;

	if (address == NULL)
		return;
	key = arc_identity_dup_private_key(self->identity);
	g_hash_table_iter_init(&iter, self->transports);
	while (g_hash_table_iter_next(&iter, &name, &transport)) {
		g_autoptr(GError) error = NULL;
		ArcTransportSettings settings;

		if (g_hash_table_contains(self->listening, name))
			continue;
		arc_transport_settings_init(&settings);
		settings.address = address;
		settings.peer_id = me->peer_id;
		settings.private_key = key;
		if (!arc_transport_listen(transport, &settings, &error)) {
			g_warning("transport '%s' does not listen: %s", (gchar *)name,
				  error->message);
			continue;
		}
		g_signal_connect(transport, "incoming",
				 G_CALLBACK(arc_agent_transports_incoming_cb), self);
		g_hash_table_add(self->listening, g_strdup(name));
		g_info("transport '%s' listening on %s port %u", (gchar *)name, me->api_endpoint,
		       self->config->proxy_transport_port);
	}
}

/* the peers whose streams the listeners accept: every other active member */
static void
arc_agent_transports_authorize(ArcAgentTransports *self, const ArcClusterView *view)
{
	g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func(g_free);
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;
	GHashTableIter iter;
	gpointer name, transport;

	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		ArcTransportPeer *peer;

		if (g_strcmp0(member->peer_id, self_id) == 0 || member->identity_key == NULL)
			continue;
		peer = g_new0(ArcTransportPeer, 1);
		arc_transport_peer_init(peer);
		peer->peer_id = member->peer_id;
		peer->public_key = member->identity_key;
		g_ptr_array_add(peers, peer);
	}
	g_hash_table_iter_init(&iter, self->transports);
	while (g_hash_table_iter_next(&iter, &name, &transport)) {
		g_autoptr(GError) error = NULL;

		if (g_hash_table_contains(self->listening, name) &&
		    !arc_transport_set_peers(transport,
					     (const ArcTransportPeer *const *)peers->pdata,
					     peers->len, &error))
			g_warning("transport '%s': the peers are not set: %s", (gchar *)name,
				  error->message);
	}
}

/**
 * arc_agent_transports_set_view:
 * @self: the transports
 * @view: the view just applied
 * @tproxymgr: (nullable): the proxy, once it runs
 *
 * Starts the listeners (once) and tells them which peers may open streams.
 */
void
arc_agent_transports_set_view(ArcAgentTransports *self, ArcClusterView *view,
			      ArcTproxymgr *tproxymgr)
{
	g_clear_pointer(&self->view, arc_cluster_view_unref);
	self->view = arc_cluster_view_ref(view);
	if (self->tproxymgr != tproxymgr && tproxymgr != NULL)
		arc_tproxymgr_set_connect_func(tproxymgr, arc_agent_transports_connect, self);
	self->tproxymgr = tproxymgr;
	arc_agent_transports_listen(self, view);
	arc_agent_transports_authorize(self, view);
}

typedef struct {
	ArcAgentTransports *self;
	gint client_fd;
	ArcPegasusPreamble preamble;
	gchar *target;
} ArcAgentTransportsConnect;

static void
arc_agent_transports_connect_free(ArcAgentTransportsConnect *ctx)
{
	g_free(ctx->target);
	g_free(ctx);
}

/* the stream is open: the preamble first (a fresh socketpair has room for it), then relay */
static void
arc_agent_transports_connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	ArcAgentTransportsConnect *ctx = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GIOStream) stream =
		arc_transport_connect_finish(ARC_TRANSPORT(source), result, &error);
	guint8 bytes[ARC_PEGASUS_PREAMBLE_MAX];
	gsize len = arc_pegasus_preamble_write(&ctx->preamble, bytes);
	gint fd = -1;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		arc_tproxymgr_reset_fd(ctx->client_fd);
		arc_agent_transports_connect_free(ctx);
		return;
	}
	if (stream != NULL)
		fd = arc_agent_transports_steal_fd(stream);
	if (fd >= 0 && send(fd, bytes, len, MSG_NOSIGNAL) != (gssize)len) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		g_message("connection for %s reset: no stream to %s: %s", ctx->preamble.service_id,
			  ctx->target, error != NULL ? error->message : "the stream failed");
	if (ctx->self->tproxymgr != NULL)
		arc_tproxymgr_adopt_entry(ctx->self->tproxymgr, ctx->client_fd, fd);
	arc_agent_transports_connect_free(ctx);
}

/**
 * arc_agent_transports_connect:
 * @client_fd: (transfer full): a captured connection
 * @preamble: what the stream starts with
 * @target_peer_id: the service's target
 * @user_data: the transports
 *
 * The proxy's #ArcTproxymgrConnectFunc: a stream over the service's transport.
 */
void
arc_agent_transports_connect(gint client_fd, const ArcPegasusPreamble *preamble,
			     const gchar *target_peer_id, gpointer user_data)
{
	ArcAgentTransports *self = user_data;
	const ArcClusterService *service =
		self->view != NULL ? arc_cluster_view_find_service(self->view, preamble->service_id)
				   : NULL;
	const ArcClusterMember *member =
		self->view != NULL ? arc_cluster_view_find_member(self->view, target_peer_id)
				   : NULL;
	ArcTransport *transport =
		service != NULL ? g_hash_table_lookup(self->transports, service->transport) : NULL;
	g_autoptr(GSocketAddress) address =
		member != NULL ? arc_agent_transports_address(self, member) : NULL;
	ArcAgentTransportsConnect *ctx;
	ArcTransportPeer peer;

	if (transport == NULL || address == NULL || member->identity_key == NULL) {
		g_message("connection for %s reset: %s", preamble->service_id,
			  transport == NULL ? "its transport is not loaded here"
					    : "the target's transport address is unknown");
		arc_tproxymgr_adopt_entry(self->tproxymgr, client_fd, -1);
		return;
	}
	ctx = g_new0(ArcAgentTransportsConnect, 1);
	ctx->self = self;
	ctx->client_fd = client_fd;
	ctx->preamble = *preamble;
	ctx->target = g_strdup(target_peer_id);
	arc_transport_peer_init(&peer);
	peer.peer_id = member->peer_id;
	peer.public_key = member->identity_key;
	peer.address = address;
	arc_transport_connect_async(transport, &peer, self->cancellable,
				    arc_agent_transports_connect_cb, ctx);
}
