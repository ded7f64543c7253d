/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-private.h"

/* The peer handshake of docs/protocol.md §5: the engine authorises and hands the protocol to
 * the handshaker (arc-handshaker.h); what the handshaker needs of the agent it gets through
 * ArcHandshakerHost: this agent's id, name, key and license, the address it advertises
 * (agent.conf and the API port), the commit and the signal. */

void
arc_handshake_step_free(ArcHandshakeStep *self)
{
	if (self == NULL)
		return;
	g_free(self->step);
	g_free(self->detail);
	g_free(self);
}

/* ---- what the handshaker needs of the engine (ArcHandshakerHost) ---- */

static const gchar *
arc_engine_handshaker_peer_id_cb(gpointer host)
{
	return arc_node_get_peer_id(arc_engine_get_node(ARC_ENGINE(host)));
}

static ArcIdentity *
arc_engine_handshaker_identity_cb(gpointer host)
{
	return arc_node_get_identity(arc_engine_get_node(ARC_ENGINE(host)));
}

static ArcLicense *
arc_engine_handshaker_license_cb(gpointer host)
{
	return arc_engine_get_license_doc(ARC_ENGINE(host));
}

static ArcLicenseBackend *
arc_engine_handshaker_backend_cb(gpointer host)
{
	return arc_node_get_license_backend(arc_engine_get_node(ARC_ENGINE(host)));
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

static gchar *
arc_engine_handshaker_name_cb(gpointer host)
{
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(ARC_ENGINE(host));

	return g_steal_pointer(&info->name);
}

static gchar *
arc_engine_handshaker_own_address_cb(gpointer host, const gchar *stored, const gchar *remote)
{
	return arc_node_own_address(arc_engine_get_node(ARC_ENGINE(host)), stored, remote);
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
	.get_name = arc_engine_handshaker_name_cb,
	.own_address = arc_engine_handshaker_own_address_cb,
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
