/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-private.h"

/* Indirect probes (docs/protocol.md §6.3): a round that found no answer asks up to fanout
 * other members to reach the peer before it may be suspected, and this agent tries to reach
 * a peer for a member that asks it to. */

typedef struct _ArcGossipProbe {
	ArcGossip *gossip;
	gchar *target;
	guint pending;
	gboolean reached;
} ArcGossipProbe;

static void
arc_gossip_probe_done(ArcGossipProbe *probe)
{
	ArcGossip *self = probe->gossip;

	if (!arc_gossip_stopped(self))
		arc_gossip_health_end_probe(self->health, probe->target, probe->reached,
					    g_get_monotonic_time());
	g_object_unref(probe->gossip);
	g_free(probe->target);
	g_free(probe);
}

static void
arc_gossip_probe_ask_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossipProbe *probe = call->probe;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	gboolean transport = FALSE;

	if (!arc_gossip_stopped(call->gossip)) {
		body = arc_gossip_open_reply(call->gossip, call, source, res, &transport, &error);
		if (body != NULL && json_object_get_boolean_member_with_default(
					    json_node_get_object(body), "reachable", FALSE))
			probe->reached = TRUE;
	}
	if (--probe->pending == 0)
		arc_gossip_probe_done(probe);
}

/* a round found no answer: ask others to try before suspecting the peer */
void
arc_gossip_round_failed(ArcGossip *self, const gchar *peer_id)
{
	g_autoptr(GPtrArray) helpers = NULL;
	ArcGossipProbe *probe;

	if (!arc_gossip_health_begin_probe(self->health, peer_id))
		return;
	helpers = arc_gossip_pick(self, self->config->gossip_fanout, peer_id, NULL);
	probe = g_new0(ArcGossipProbe, 1);
	probe->gossip = g_object_ref(self);
	probe->target = g_strdup(peer_id);
	probe->pending = 1;
	for (guint i = 0; i < helpers->len; i++) {
		const ArcMember *helper =
			arc_registry_lookup_member(self->registry, g_ptr_array_index(helpers, i));
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) body = NULL;
		ArcGossipCall *call;

		if (helper == NULL)
			continue;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "target");
		json_builder_add_string_value(b, peer_id);
		body = arc_gossip_builder_end(b);
		call = arc_gossip_call_new(self, ARC_GOSSIP_CALL_PROBE_ASK, helper);
		call->probe = probe;
		probe->pending++;
		arc_gossip_send(self, call, self->probe_client, "probe", body,
				arc_gossip_probe_ask_cb);
	}
	if (--probe->pending == 0)
		arc_gossip_probe_done(probe);
}

static void
arc_gossip_probe_ping_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossipMessage *msg = g_task_get_task_data(call->task);
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	gboolean transport = FALSE;

	if (arc_gossip_stopped(call->gossip)) {
		g_task_return_new_error(call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
					"agent stopping");
		return;
	}
	body = arc_gossip_open_reply(call->gossip, call, source, res, &transport, &error);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "target");
	json_builder_add_string_value(b, call->peer_id);
	json_builder_set_member_name(b, "reachable");
	json_builder_add_boolean_value(b, body != NULL);
	g_task_return_pointer(call->task, arc_gossip_reply(call->gossip, "probe", msg, b), g_free);
}

/**
 * arc_gossip_probe_async:
 * @self: gossip
 * @data: `POST /v1/gossip/probe`, untrusted: `{"target": <peer id>}` from a member
 * @len: its length
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Tries to reach the target for a member that could not.
 */
void
arc_gossip_probe_async(ArcGossip *self, const gchar *data, gsize len, GAsyncReadyCallback callback,
		       gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, NULL, callback, user_data);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) body = NULL;
	ArcGossipMessage *msg = arc_gossip_open(self, "probe", data, len, &error);
	const ArcMember *target;
	ArcGossipCall *call;

	if (msg == NULL) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	g_task_set_task_data(task, msg, (GDestroyNotify)arc_gossip_message_free);
	arc_gossip_heard(self, msg->from, NULL);
	target = arc_registry_lookup_member(
		self->registry,
		arc_json_object_get_string(json_node_get_object(msg->body), "target"));
	if (target == NULL || g_strcmp0(target->id, self->peer_id) == 0) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "reachable");
		json_builder_add_boolean_value(b, target != NULL);
		g_task_return_pointer(task, arc_gossip_reply(self, "probe", msg, b), g_free);
		return;
	}
	body = arc_gossip_digest_body(self);
	call = arc_gossip_call_new(self, ARC_GOSSIP_CALL_PROBE_PING, target);
	call->task = g_steal_pointer(&task);
	arc_gossip_send(self, call, self->client, "digest", body, arc_gossip_probe_ping_cb);
}

gchar *
arc_gossip_probe_finish(ArcGossip *self, GAsyncResult *res, GError **error)
{
	return g_task_propagate_pointer(G_TASK(res), error);
}
