/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-private.h"

#include "arc-record-sign.h"

#include <sodium.h>

#include "arc-error-map.h"
#include "arc-license-state.h"
#include "arc-metrics.h"
#include "arc-peer-client.h"
#include "arc-text.h"
#include "arc-time.h"

/* The peer handshake of docs/protocol.md §5: the engine authorises and hands the protocol to
 * the handshaker (arc-handshaker.h); what the handshaker needs of the agent it gets through
 * ArcHandshakerHost: this agent's identity, license and record with the address it
 * advertises, the commit and the signal. */

void
arc_handshake_step_free(ArcHandshakeStep *self)
{
	if (self == NULL)
		return;
	g_free(self->step);
	g_free(self->detail);
	g_free(self);
}

/* ---- this agent's record ---- */

static gchar *
arc_engine_join_host_port(const gchar *host, guint16 port)
{
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

/* The local address a connection to @remote would leave from: a connected UDP socket
 * sends nothing but knows its route. */
static gchar *
arc_engine_route_source(const gchar *remote)
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

/**
 * arc_engine_advertised_address:
 * @self: the engine
 * @remote: (nullable): the agent it is for
 *
 * Where other agents reach this one: `advertise` of agent.conf, else the listen address
 * unless it is a wildcard, else the local address on the route to @remote, else the host
 * name. `https://` goes before it when the API port speaks TLS.
 *
 * Returns: (transfer full): `host:port` or `https://host:port`
 */
static gchar *
arc_engine_advertised_host_port(ArcEngine *self, const gchar *remote)
{
	ArcConfig *config = arc_engine_get_config(self);
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autofree gchar *source = NULL;

	if (config->advertise_address != NULL)
		return g_strdup(config->advertise_address);
	if (listen != NULL && !g_inet_address_get_is_any(listen))
		return arc_engine_join_host_port(config->listen_address,
						 arc_engine_get_api_port(self));
	source = remote != NULL ? arc_engine_route_source(remote) : NULL;
	return arc_engine_join_host_port(source != NULL ? source : g_get_host_name(),
					 arc_engine_get_api_port(self));
}

/* with TLS on the API port, other agents are told to speak HTTPS (docs/tls.md) */
gchar *
arc_engine_advertised_address(ArcEngine *self, const gchar *remote)
{
	g_autofree gchar *host_port = arc_engine_advertised_host_port(self, remote);

	if (arc_engine_get_config(self)->tls_certificate != NULL)
		return g_strconcat("https://", host_port, NULL);
	return g_steal_pointer(&host_port);
}

/**
 * arc_engine_own_address:
 * @self: the engine
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
arc_engine_own_address(ArcEngine *self, const gchar *stored, const gchar *remote)
{
	ArcConfig *config = arc_engine_get_config(self);
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autoptr(GSocketConnectable) parsed =
		stored != NULL
			? g_network_address_parse(arc_handshake_address_host_port(stored), 0, NULL)
			: NULL;
	const gchar *host =
		parsed != NULL ? g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed)) : NULL;

	if (config->advertise_address != NULL ||
	    (listen != NULL && !g_inet_address_get_is_any(listen)))
		return arc_engine_advertised_address(self, remote);
	if (host != NULL && g_hostname_is_ip_address(host)) {
		g_autofree gchar *host_port =
			arc_engine_join_host_port(host, arc_engine_get_api_port(self));
		if (config->tls_certificate != NULL)
			return g_strconcat("https://", host_port, NULL);
		return g_steal_pointer(&host_port);
	}
	return arc_engine_advertised_address(self, remote);
}

static ArcHandshakePeer *
arc_engine_own_record(gpointer host, const gchar *remote)
{
	ArcEngine *self = ARC_ENGINE(host);
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(self);
	g_autoptr(ArcRecord) stored =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", info->peer_id, NULL);
	ArcPeerFields fields;
	gboolean parsed = stored != NULL &&
			  arc_registry_peer_fields(arc_engine_get_registry(self), stored, &fields);
	g_autofree gchar *stored_address = parsed ? g_strdup(fields.address) : NULL;
	g_autofree gchar *address = arc_engine_own_address(self, stored_address, remote);
	g_autoptr(GError) error = NULL;
	ArcIdentity *identity = arc_engine_get_identity_key(self);
	ArcHandshakePeer *peer;

	/* the record the other side stores states the address this one advertises; it is
	 * written again only when that changed (a host name giving way to a route's source) */
	if (parsed && g_strcmp0(stored_address, address) != 0) {
		if (!arc_engine_edit_own_record(self, "address", address, &error))
			g_warning("cannot record this agent's address %s: %s", address,
				  error->message);
		g_clear_pointer(&stored, arc_record_free);
		stored = arc_storage_get_record(arc_engine_get_storage(self), "peer", info->peer_id,
						NULL);
	}
	peer = arc_handshake_peer_new(info->peer_id, info->name, address,
				      arc_identity_get_public_key(identity),
				      arc_engine_get_license_doc(self)->document);
	peer->record = g_steal_pointer(&stored);
	return peer;
}

/* ---- what the handshaker needs of the engine (ArcHandshakerHost) ---- */

static const gchar *
arc_engine_handshaker_peer_id_cb(gpointer host)
{
	return arc_engine_get_peer_id(ARC_ENGINE(host));
}

static ArcIdentity *
arc_engine_handshaker_identity_cb(gpointer host)
{
	return arc_engine_get_identity_key(ARC_ENGINE(host));
}

static ArcLicense *
arc_engine_handshaker_license_cb(gpointer host)
{
	return arc_engine_get_license_doc(ARC_ENGINE(host));
}

static ArcLicenseBackend *
arc_engine_handshaker_backend_cb(gpointer host)
{
	return arc_engine_get_license_backend(ARC_ENGINE(host));
}

static ArcLicenseState
arc_engine_handshaker_license_state_cb(gpointer host)
{
	return arc_engine_get_license_state(ARC_ENGINE(host));
}

static gboolean
arc_engine_handshaker_vouched_cb(gpointer host, const gchar *peer_id)
{
	return arc_engine_is_vouched(ARC_ENGINE(host), peer_id);
}

static gboolean
arc_engine_handshaker_commit_cb(gpointer host, ArcStorageTxn *txn, const gchar *from, gboolean push,
				GError **error)
{
	return arc_engine_commit_full(ARC_ENGINE(host), txn, from, push, error);
}

static void
arc_engine_handshaker_peer_changed_cb(gpointer host, const gchar *peer_id)
{
	arc_engine_emit_peer_changed(ARC_ENGINE(host), peer_id);
}

static const ArcHandshakerHost arc_engine_handshaker_host = {
	.get_peer_id = arc_engine_handshaker_peer_id_cb,
	.get_identity = arc_engine_handshaker_identity_cb,
	.get_license = arc_engine_handshaker_license_cb,
	.get_license_backend = arc_engine_handshaker_backend_cb,
	.get_license_state = arc_engine_handshaker_license_state_cb,
	.is_vouched = arc_engine_handshaker_vouched_cb,
	.own_record = arc_engine_own_record,
	.commit = arc_engine_handshaker_commit_cb,
	.peer_changed = arc_engine_handshaker_peer_changed_cb,
};

/* the handshaker the engine made runs the protocol for it */
void
arc_engine_attach_handshaker(ArcEngine *self, ArcHandshaker *handshaker)
{
	arc_handshaker_set_host(handshaker, &arc_engine_handshaker_host, self);
}

/* ---- the public API: authorise, then delegate ---- */

static void
arc_engine_start_add_peer(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			  const gchar *name, const gchar *join_token, gboolean discovery,
			  GCancellable *cancellable, GAsyncReadyCallback callback,
			  gpointer user_data)
{
	GError *error = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, &error)) {
		g_task_report_error(self, callback, user_data, arc_engine_start_add_peer, error);
		return;
	}
	arc_handshaker_add_peer_async(arc_engine_get_handshaker(self), self,
				      arc_caller_describe(caller), address, name, join_token,
				      discovery, cancellable, callback, user_data);
}

/**
 * arc_engine_add_peer_async:
 * @self: the engine
 * @caller: who is calling
 * @address: the other agent's API, `host:port`
 * @name: (nullable): an alias for it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Runs the handshake with the agent at @address and, when both sides accepted, stores it.
 */
void
arc_engine_add_peer_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			  const gchar *name, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data)
{
	arc_engine_start_add_peer(self, caller, address, name, NULL, FALSE, cancellable, callback,
				  user_data);
}

/**
 * arc_engine_join_async:
 * @self: the engine
 * @caller: who is calling
 * @address: a member of the cluster to join, `host:port`
 * @name: (nullable): an alias for it
 * @join_token: (nullable): a join token created on a member (docs/protocol.md §5.7)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with arc_engine_add_peer_finish()
 * @user_data: for @callback
 *
 * arc_engine_add_peer_async() from a host that is not a member yet, with the cluster's
 * consent.
 */
void
arc_engine_join_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
		      const gchar *name, const gchar *join_token, GCancellable *cancellable,
		      GAsyncReadyCallback callback, gpointer user_data)
{
	arc_engine_start_add_peer(self, caller, address, name, join_token, FALSE, cancellable,
				  callback, user_data);
}

/**
 * arc_engine_discover_peer_async:
 * @self: the engine
 * @address: where a peer that a member gossiped about answers
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with arc_engine_add_peer_finish()
 * @user_data: for @callback
 *
 * Transitive discovery (docs/protocol.md §6.4): the handshake with a peer this agent learned
 * of through the cluster. The node limit does not refuse it: the peers that joined last are
 * marked over_limit instead.
 */
void
arc_engine_discover_peer_async(ArcEngine *self, const gchar *address, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data)
{
	ArcCaller caller = {.client_id = (gchar *)"transitive discovery",
			    .scopes = ARC_SCOPE_PEERS_WRITE};
	arc_engine_start_add_peer(self, &caller, address, NULL, NULL, TRUE, cancellable, callback,
				  user_data);
}

/**
 * arc_engine_add_peer_finish:
 * @self: the engine
 * @res: the result
 * @steps: (out) (optional) (transfer container) (element-type ArcHandshakeStep): what
 *   happened, also on failure
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new peer
 */
ArcPeerInfo *
arc_engine_add_peer_finish(ArcEngine *self, GAsyncResult *res, GPtrArray **steps, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	return arc_handshaker_add_peer_finish(res, steps, error);
}

/**
 * arc_engine_handshake_hello:
 * @self: the engine
 * @body: `POST /v1/handshake/hello`, untrusted
 * @length: bytes in @body
 * @source: (nullable): the address the hello came from
 * @refusal: (out) (optional) (nullable): on a refusal, why (arc_handshaker_hello())
 * @error: return location for a #GError, %ARC_HANDSHAKE_ERROR for a refusal
 *
 * Returns: (transfer full): the reply's body
 */
gchar *
arc_engine_handshake_hello(ArcEngine *self, const gchar *body, gsize length, const gchar *source,
			   gchar **refusal, GError **error)
{
	return arc_handshaker_hello(arc_engine_get_handshaker(self), body, length, source, refusal,
				    error);
}

/**
 * arc_engine_handshake_confirm_async:
 * @self: the engine
 * @body: `POST /v1/handshake/confirm`, untrusted
 * @length: bytes in @body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * arc_handshaker_confirm_async(): the initiator's confirmation, and then it is stored.
 */
void
arc_engine_handshake_confirm_async(ArcEngine *self, const gchar *body, gsize length,
				   GCancellable *cancellable, GAsyncReadyCallback callback,
				   gpointer user_data)
{
	arc_handshaker_confirm_async(arc_engine_get_handshaker(self), self, body, length,
				     cancellable, callback, user_data);
}

gboolean
arc_engine_handshake_confirm_finish(ArcEngine *self, GAsyncResult *res, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), FALSE);
	return arc_handshaker_confirm_finish(res, error);
}
