/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine.h"
#include "arc-engine-managers.h"

/* The gossip endpoints and what the adapters ask of gossip: they check that this agent
 * gossips before they hand over to ArcGossip (its upcalls are wired in arc-engine.c). */

/**
 * arc_engine_get_peer_health:
 * @self: the engine
 * @peer_id: a peer
 * @state: (out): alive, suspect or unreachable as this agent observes it
 * @last_seen: (out) (optional): its last signed message, ms since the epoch, 0 if none
 * @registry_hash: (out) (optional) (transfer none): the registry hash it last stated
 *
 * Returns: %TRUE if gossip tracks @peer_id; %FALSE for the local peer and the peers it does
 *   not, leaving the out arguments alone
 */
gboolean
arc_engine_get_peer_health(ArcEngine *self, const gchar *peer_id, ArcGossipState *state,
			   gint64 *last_seen, const gchar **registry_hash)
{
	ArcGossip *gossip = arc_engine_get_gossip(self);
	gint64 seen = 0;
	const gchar *hash = NULL;

	if (gossip == NULL || !arc_gossip_get_peer(gossip, peer_id, state, &seen, &hash))
		return FALSE;
	if (last_seen != NULL)
		*last_seen = seen;
	if (registry_hash != NULL)
		*registry_hash = hash;
	return TRUE;
}

static gboolean
arc_engine_check_gossip(ArcEngine *self, GError **error)
{
	if (arc_engine_get_gossip(self) == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
				    "gossip refused: this agent is not bootstrapped");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_engine_gossip_receive:
 * @self: the engine
 * @type: `digest` or `records`
 * @body: the request, untrusted
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the signed answer, or %NULL
 */
gchar *
arc_engine_gossip_receive(ArcEngine *self, const gchar *type, const gchar *body, gsize length,
			  GError **error)
{
	if (!arc_engine_check_gossip(self, error))
		return NULL;
	return arc_gossip_receive(arc_engine_get_gossip(self), type, body, length, error);
}

static void
arc_engine_probe_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	GError *error = NULL;
	gchar *reply = arc_gossip_probe_finish(ARC_GOSSIP(source), res, &error);

	if (reply == NULL)
		g_task_return_error(task, error);
	else
		g_task_return_pointer(task, reply, g_free);
}

void
arc_engine_gossip_probe_async(ArcEngine *self, const gchar *body, gsize length,
			      GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, NULL, callback, user_data);
	GError *error = NULL;

	if (!arc_engine_check_gossip(self, &error)) {
		g_task_return_error(task, error);
		return;
	}
	arc_gossip_probe_async(arc_engine_get_gossip(self), body, length, arc_engine_probe_cb,
			       g_steal_pointer(&task));
}

gchar *
arc_engine_gossip_probe_finish(ArcEngine *self, GAsyncResult *res, GError **error)
{
	return g_task_propagate_pointer(G_TASK(res), error);
}

/**
 * arc_engine_sync:
 * @self: the engine
 * @caller: who is calling (admin)
 * @error: return location for a #GError
 *
 * `POST /v1/cluster/sync`: a gossip round with every peer now.
 *
 * Returns: the number of peers contacted, or -1
 */
gint
arc_engine_sync(ArcEngine *self, const ArcCaller *caller, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_ADMIN, error))
		return -1;
	if (arc_engine_get_gossip(self) == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return -1;
	}
	if (arc_peer_manager_is_deactivated(arc_engine_get_peer_manager(self))) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "this agent has left the cluster");
		return -1;
	}
	g_info("cluster sync triggered by %s", arc_caller_describe(caller));
	return (gint)arc_gossip_sync_all(arc_engine_get_gossip(self));
}

guint
arc_engine_count_peers_in_state(ArcEngine *self, ArcGossipState state)
{
	ArcGossip *gossip = arc_engine_get_gossip(self);

	return gossip != NULL ? arc_gossip_count_state(gossip, state) : 0;
}
