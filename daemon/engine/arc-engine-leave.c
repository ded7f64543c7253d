/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"

#include "arc-peer-client.h"

/* Leaving the cluster (docs/protocol.md §5.6): this agent's own departure
 * (`DELETE /v1/peers/self`), announced to every peer it knows, and the announcement of
 * another peer's (`POST /v1/handshake/leave`). */

#define ARC_ENGINE_LEAVE_WINDOW_SECS 300

/* whether @peer_id is revoked here already, and the announcement is recent and signed by the
 * key its revocation names: then it changes nothing, and is acknowledged */
static gboolean
arc_engine_leave_already_known(ArcEngine *self, const gchar *peer_id, const gchar *license_id,
			       gint64 timestamp, const guint8 *signature)
{
	gint64 now = arc_engine_now(self);
	g_autoptr(ArcRecord) revoked = arc_storage_get_record(
		arc_node_get_storage(arc_engine_get_node(self)), "revoked_peer", peer_id, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autofree guchar *key = NULL;
	const gchar *public_key;
	gsize key_len = 0;

	if (revoked == NULL || timestamp < now - ARC_ENGINE_LEAVE_WINDOW_SECS ||
	    timestamp > now + ARC_ENGINE_LEAVE_WINDOW_SECS)
		return FALSE;
	root = arc_json_parse_object(revoked->body, -1, 4, NULL);
	public_key = root != NULL
			     ? arc_json_object_get_string(json_node_get_object(root), "public_key")
			     : NULL;
	if (public_key != NULL)
		key = g_base64_decode(public_key, &key_len);
	return key_len == ARC_IDENTITY_PUBLIC_KEY_SIZE &&
	       arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, NULL);
}

/**
 * arc_engine_handshake_leave:
 * @self: the engine
 * @body: `POST /v1/handshake/leave`, untrusted
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * A peer announces that it left the cluster. The announcement must be signed by the key
 * this agent holds for it and be recent; the peer is then removed and can never come back
 * with the same id.
 *
 * Returns: %TRUE once the peer is removed
 */
gboolean
arc_engine_handshake_leave(ArcEngine *self, const gchar *body, gsize length, GError **error)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *license_id = NULL;
	g_autofree guchar *key = NULL;
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gint64 timestamp = 0, now = arc_engine_now(self);
	gsize key_len = 0;

	if (!arc_engine_is_bootstrapped(self)) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED);
		return FALSE;
	}
	if (!arc_handshake_parse_leave(body, length, &peer_id, &license_id, &timestamp, signature,
				       error))
		return FALSE;
	/* gossip may have carried the departure here before the announcement itself */
	if (arc_engine_leave_already_known(self, peer_id, license_id, timestamp, signature))
		return TRUE;
	info = arc_peer_manager_lookup(arc_engine_get_peer_manager(self), peer_id, &record, error);
	if (info == NULL)
		return FALSE;
	if (info->is_local) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SELF);
		return FALSE;
	}
	key = g_base64_decode(info->public_key, &key_len);
	if (key_len != ARC_IDENTITY_PUBLIC_KEY_SIZE ||
	    !arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, error)) {
		g_warning("deactivation announcement for peer %s refused: bad signature", peer_id);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return FALSE;
	}
	/* compared without subtracting: an untrusted timestamp must not overflow */
	if (timestamp < now - ARC_ENGINE_LEAVE_WINDOW_SECS ||
	    timestamp > now + ARC_ENGINE_LEAVE_WINDOW_SECS) {
		g_warning("deactivation announcement for peer %s refused: its timestamp "
			  "%" G_GINT64_FORMAT " is more than %d s from now",
			  peer_id, timestamp, ARC_ENGINE_LEAVE_WINDOW_SECS);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		return FALSE;
	}
	arc_peer_manager_stage_removal(arc_engine_get_peer_manager(self), txn, record,
				       info->public_key);
	if (!arc_registry_commit(arc_engine_get_registry(self), txn, NULL, TRUE, error))
		return FALSE;
	g_info("peer %s (%s) left the cluster", peer_id, info->address);
	arc_peer_manager_changed(arc_engine_get_peer_manager(self), peer_id);
	return TRUE;
}

void
arc_leave_result_free(ArcLeaveResult *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_ptr_array_unref(self->notified);
	g_ptr_array_unref(self->unreachable);
	g_free(self);
}

typedef struct {
	ArcLeaveResult *result;
	guint pending;
} ArcLeaveOp;

static void
arc_leave_op_free(ArcLeaveOp *self)
{
	arc_leave_result_free(self->result);
	g_free(self);
}

typedef struct {
	GTask *task;
	gchar *peer_id;
	gchar *address;
} ArcLeaveNotice;

static void
arc_leave_notice_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcLeaveNotice *notice = user_data;
	ArcLeaveOp *op = g_task_get_task_data(notice->task);
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *detail = NULL;

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response != NULL &&
	    arc_peer_response_check(response, notice->address, &detail, &error)) {
		g_ptr_array_add(op->result->notified, g_strdup(notice->peer_id));
	} else {
		g_ptr_array_add(op->result->unreachable, g_strdup(notice->peer_id));
		g_ptr_array_add(op->result->unreachable, g_strdup(notice->address));
		g_ptr_array_add(op->result->unreachable,
				g_strdup(detail != NULL ? detail : error->message));
		g_warning("cannot tell peer %s at %s that this agent left: %s", notice->peer_id,
			  notice->address, detail != NULL ? detail : error->message);
	}
	if (--op->pending == 0)
		g_task_return_pointer(notice->task, g_steal_pointer(&op->result),
				      (GDestroyNotify)arc_leave_result_free);
	g_object_unref(notice->task);
	g_free(notice->peer_id);
	g_free(notice->address);
	g_free(notice);
}

/**
 * arc_engine_remove_self_async:
 * @self: the engine
 * @caller: who is calling
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * The local peer leaves the cluster: it is marked deactivated and forgets the others (both
 * stored first), then a signed deactivation announcement goes to every peer it knew.
 */
void
arc_engine_remove_self_async(ArcEngine *self, const ArcCaller *caller, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data)
{
	ArcHandshaker *handshaker = arc_engine_get_handshaker(self);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GPtrArray) peers = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *message = NULL;
	ArcLeaveOp *op;
	GError *error = NULL;
	const gchar *own_id = arc_node_get_peer_id(arc_engine_get_node(self));

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
	records = arc_storage_list_records(arc_node_get_storage(arc_engine_get_node(self)), "peer",
					   &error);
	peers = records != NULL ? arc_peer_manager_load(arc_engine_get_peer_manager(self), &error)
				: NULL;
	if (peers == NULL) {
		g_task_return_error(task, error);
		return;
	}
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		if (record->deleted)
			continue;
		if (g_strcmp0(record->id, own_id) == 0) {
			g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
			g_autofree gchar *body = NULL;
			if (root == NULL)
				continue;
			json_object_set_string_member(json_node_get_object(root), "state",
						      "deactivated");
			body = json_to_string(root, FALSE);
			arc_peer_manager_stage_peer(arc_engine_get_peer_manager(self), txn, record,
						    record->id, body, FALSE);
		} else {
			arc_peer_manager_stage_peer(arc_engine_get_peer_manager(self), txn, record,
						    record->id, record->body, TRUE);
		}
	}
	/* not pushed: what this agent forgets is its own business. The others learn of the
	 * departure from the announcement, and those it misses from the revocation the others
	 * write and gossip. */
	if (!arc_registry_commit(arc_engine_get_registry(self), txn, NULL, FALSE, &error)) {
		g_task_return_error(task, error);
		return;
	}
	arc_peer_manager_set_deactivated(arc_engine_get_peer_manager(self));
	g_info("this agent (peer %s) left the cluster, by %s", own_id, arc_caller_describe(caller));
	op = g_new0(ArcLeaveOp, 1);
	op->result = g_new0(ArcLeaveResult, 1);
	op->result->peer_id = g_strdup(own_id);
	op->result->notified = g_ptr_array_new_with_free_func(g_free);
	op->result->unreachable = g_ptr_array_new_with_free_func(g_free);
	op->pending = 1;
	g_task_set_task_data(task, op, (GDestroyNotify)arc_leave_op_free);
	message = arc_handshake_leave_to_json(own_id, arc_engine_get_license_doc(self)->license_id,
					      arc_engine_now(self),
					      arc_node_get_identity(arc_engine_get_node(self)));
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		ArcLeaveNotice *notice;

		arc_peer_manager_changed(arc_engine_get_peer_manager(self), peer->id);
		if (peer->is_local)
			continue;
		notice = g_new0(ArcLeaveNotice, 1);
		notice->task = g_object_ref(task);
		notice->peer_id = g_strdup(peer->id);
		notice->address = g_strdup(peer->address);
		op->pending++;
		arc_peer_client_request_async(arc_handshaker_get_client(handshaker), "POST",
					      peer->address, "/v1/handshake/leave", message,
					      cancellable, arc_leave_notice_cb, notice);
	}
	if (--op->pending == 0)
		g_task_return_pointer(task, g_steal_pointer(&op->result),
				      (GDestroyNotify)arc_leave_result_free);
}

ArcLeaveResult *
arc_engine_remove_self_finish(ArcEngine *self, GAsyncResult *res, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	return g_task_propagate_pointer(G_TASK(res), error);
}
