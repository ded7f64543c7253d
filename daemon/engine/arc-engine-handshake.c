/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-managers.h"

/* The peer handshake of docs/protocol.md §5: the engine authorises and hands the protocol to
 * the handshaker (arc-handshaker.h), whose upcalls are wired in arc-engine.c. */

void
arc_handshake_step_free(ArcHandshakeStep *self)
{
	if (self == NULL)
		return;
	g_free(self->step);
	g_free(self->detail);
	g_free(self);
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
