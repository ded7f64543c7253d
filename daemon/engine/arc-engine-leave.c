/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-managers.h"

/* Leaving the cluster (docs/protocol.md §5.6): authorised here, done by ArcLeaver
 * (arc-leaver.c). */

/**
 * arc_engine_handshake_leave:
 * @self: the engine
 * @body: `POST /v1/handshake/leave`, untrusted
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * A peer announces that it left the cluster (arc_leaver_take_announcement()).
 *
 * Returns: %TRUE once the peer is removed
 */
gboolean
arc_engine_handshake_leave(ArcEngine *self, const gchar *body, gsize length, GError **error)
{
	return arc_leaver_take_announcement(arc_engine_get_leaver(self), body, length, error);
}

/**
 * arc_engine_remove_self_async:
 * @self: the engine
 * @caller: who is calling
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * The local peer leaves the cluster (arc_leaver_leave()).
 */
void
arc_engine_remove_self_async(ArcEngine *self, const ArcCaller *caller, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data)
{
	ArcHandshaker *handshaker = arc_engine_get_handshaker(self);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	GError *error = NULL;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, &error)) {
		g_task_return_error(task, error);
		return;
	}
	if (!arc_engine_is_bootstrapped(self)) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
					"agent is not bootstrapped");
		return;
	}
	if (arc_peer_manager_is_deactivated(arc_engine_get_peer_manager(self))) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					"this agent has already left the cluster");
		return;
	}
	arc_leaver_leave(arc_engine_get_leaver(self), arc_handshaker_get_client(handshaker),
			 arc_caller_describe(caller), task);
}

ArcLeaveResult *
arc_engine_remove_self_finish(ArcEngine *self, GAsyncResult *res, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	return g_task_propagate_pointer(G_TASK(res), error);
}
