/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker-private.h"

/* This agent's side of a handshake: the address it advertises to the agent it meets, and
 * its record as that agent sees it. */

static gchar *
arc_handshaker_join_host_port(const gchar *host, guint16 port)
{
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

/* The local address a connection to @remote would leave from: a connected UDP socket
 * sends nothing but knows its route. */
static gchar *
arc_handshaker_route_source(const gchar *remote)
{
	g_autoptr(GSocketConnectable) parsed =
		g_network_address_parse(arc_handshake_address_host_port(remote), 0, NULL);
	g_autoptr(GInetAddress) target = NULL;
	g_autoptr(GSocketAddress) dest = NULL;
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GSocketAddress) local = NULL;

	if (parsed == NULL)
		return NULL;
	target = g_inet_address_new_from_string(
		g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed)));
	if (target == NULL)
		return NULL;
	dest = g_inet_socket_address_new(target,
					 g_network_address_get_port(G_NETWORK_ADDRESS(parsed)));
	socket = g_socket_new(g_inet_address_get_family(target), G_SOCKET_TYPE_DATAGRAM,
			      G_SOCKET_PROTOCOL_UDP, NULL);
	if (socket == NULL || !g_socket_connect(socket, dest, NULL, NULL))
		return NULL;
	local = g_socket_get_local_address(socket, NULL);
	if (!G_IS_INET_SOCKET_ADDRESS(local))
		return NULL;
	return g_inet_address_to_string(
		g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(local)));
}

/*
 * Where other agents reach this one: `advertise` of agent.conf, else the listen address
 * unless it is a wildcard, else the local address on the route to @remote, else the host
 * name. `https://` goes before it when the API port speaks TLS.
 */
static gchar *
arc_handshaker_advertised_host_port(const ArcConfig *config, guint16 port, const gchar *remote)
{
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autofree gchar *source = NULL;

	if (config->advertise_address != NULL)
		return g_strdup(config->advertise_address);
	if (listen != NULL && !g_inet_address_get_is_any(listen))
		return arc_handshaker_join_host_port(config->listen_address, port);
	source = remote != NULL ? arc_handshaker_route_source(remote) : NULL;
	return arc_handshaker_join_host_port(source != NULL ? source : g_get_host_name(), port);
}

/**
 * arc_handshaker_advertised_address:
 * @config: agent.conf
 * @port: the port the API listens on
 * @remote: (nullable): the agent it is for
 *
 * Where other agents reach this one: `advertise` of agent.conf, else the listen address
 * unless it is a wildcard, else the local address on the route to @remote, else the host
 * name. With TLS on the API port, other agents are told to speak HTTPS (docs/tls.md).
 *
 * Returns: (transfer full): `host:port` or `https://host:port`
 */
gchar *
arc_handshaker_advertised_address(const ArcConfig *config, guint16 port, const gchar *remote)
{
	g_autofree gchar *host_port = arc_handshaker_advertised_host_port(config, port, remote);

	if (config->tls_certificate != NULL)
		return g_strconcat("https://", host_port, NULL);
	return g_steal_pointer(&host_port);
}

/**
 * arc_handshaker_own_address:
 * @config: agent.conf
 * @port: the port the API listens on
 * @stored: (nullable): the address in the local peer's own record
 * @remote: (nullable): the agent about to be met
 *
 * The address the local peer's own record should state. `advertise`, or a listen address
 * that is not a wildcard, is fixed. Otherwise a stored IP address stays (with the current
 * port): one address for every peer, not one per route. A host name, the fallback when no
 * route was known, gives way to the source address of the route to @remote.
 *
 * Returns: (transfer full): `host:port`
 */
gchar *
arc_handshaker_own_address(const ArcConfig *config, guint16 port, const gchar *stored,
			   const gchar *remote)
{
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autoptr(GSocketConnectable) parsed =
		stored != NULL
			? g_network_address_parse(arc_handshake_address_host_port(stored), 0, NULL)
			: NULL;
	const gchar *host =
		parsed != NULL ? g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed)) : NULL;

	if (config->advertise_address != NULL ||
	    (listen != NULL && !g_inet_address_get_is_any(listen)))
		return arc_handshaker_advertised_address(config, port, remote);
	if (host != NULL && g_hostname_is_ip_address(host)) {
		g_autofree gchar *host_port = arc_handshaker_join_host_port(host, port);
		if (config->tls_certificate != NULL)
			return g_strconcat("https://", host_port, NULL);
		return g_steal_pointer(&host_port);
	}
	return arc_handshaker_advertised_address(config, port, remote);
}

/**
 * arc_handshaker_own_record:
 * @self: the handshaker
 * @remote: (nullable): the agent about to be met
 *
 * This agent's record as the agent at @remote is to see it, with its own signed `peer` record,
 * which states the address the host advertises (arc_node_own_address()).
 *
 * Returns: (transfer full): this agent in a handshake
 */
ArcHandshakePeer *
arc_handshaker_own_record(ArcHandshaker *self, const gchar *remote)
{
	const gchar *peer_id = arc_node_get_peer_id(self->node);
	const gchar *name = arc_node_get_name(self->node);
	ArcStorage *storage = arc_registry_get_storage(self->registry);
	g_autoptr(ArcRecord) stored = arc_storage_get_record(storage, "peer", peer_id, NULL);
	ArcPeerFields fields;
	gboolean parsed =
		stored != NULL && arc_registry_peer_fields(self->registry, stored, &fields);
	g_autofree gchar *stored_address = parsed ? g_strdup(fields.address) : NULL;
	g_autofree gchar *address = arc_node_own_address(self->node, stored_address, remote);
	g_autoptr(GError) error = NULL;
	ArcIdentity *identity = arc_node_get_identity(self->node);
	ArcHandshakePeer *peer;

	/* the record the other side stores states the address this one advertises; it is
	 * written again only when that changed (a host name giving way to a route's source) */
	if (parsed && g_strcmp0(stored_address, address) != 0) {
		if (!arc_peer_manager_edit_own_record(self->peers, "address", address, &error))
			g_warning("cannot record this agent's address %s: %s", address,
				  error->message);
		g_clear_pointer(&stored, arc_record_free);
		stored = arc_storage_get_record(storage, "peer", peer_id, NULL);
	}
	peer = arc_handshake_peer_new(peer_id, name, address, arc_identity_get_public_key(identity),
				      self->host->get_license(self->host_data)->document);
	peer->record = g_steal_pointer(&stored);
	return peer;
}
