/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-leaver.h"

#define ARC_LEAVER_WINDOW_SECS 300

struct _ArcLeaver {
	ArcNode *node;
	ArcRegistry *registry;
	ArcPeerManager *peers; /* not owned: outlives this */
	ArcLicenseManager *licenses;
};

/**
 * arc_leaver_new:
 * @node: this agent
 * @registry: the replicated records, which store a departure
 * @peers: (transfer none): the peers, which a departure changes; must outlive the result
 * @licenses: (nullable): the license in force, whose id this agent's announcement states;
 *   only arc_leaver_leave() needs it
 *
 * Returns: (transfer full): the leaver
 */
ArcLeaver *
arc_leaver_new(ArcNode *node, ArcRegistry *registry, ArcPeerManager *peers,
	       ArcLicenseManager *licenses)
{
	ArcLeaver *self = g_new0(ArcLeaver, 1);

	self->node = g_object_ref(node);
	self->registry = g_object_ref(registry);
	self->peers = peers;
	self->licenses = licenses != NULL ? g_object_ref(licenses) : NULL;
	return self;
}

void
arc_leaver_free(ArcLeaver *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->node);
	g_clear_object(&self->registry);
	g_clear_object(&self->licenses);
	g_free(self);
}

/* whether @peer_id is revoked here already, and the announcement is recent and signed by the
 * key its revocation names: then it changes nothing, and is acknowledged */
static gboolean
arc_leaver_already_known(ArcLeaver *self, const gchar *peer_id, const gchar *license_id,
			 gint64 timestamp, const guint8 *signature)
{
	gint64 now = arc_node_now(self->node);
	g_autoptr(ArcRecord) revoked = arc_storage_get_record(arc_node_get_storage(self->node),
							      "revoked_peer", peer_id, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autofree guchar *key = NULL;
	const gchar *public_key;
	gsize key_len = 0;

	if (revoked == NULL || timestamp < now - ARC_LEAVER_WINDOW_SECS ||
	    timestamp > now + ARC_LEAVER_WINDOW_SECS)
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
 * arc_leaver_take_announcement:
 * @self: the leaver
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
arc_leaver_take_announcement(ArcLeaver *self, const gchar *body, gsize length, GError **error)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *license_id = NULL;
	g_autofree guchar *key = NULL;
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gint64 timestamp = 0, now = arc_node_now(self->node);
	gsize key_len = 0;

	if (!arc_node_is_bootstrapped(self->node)) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED);
		return FALSE;
	}
	if (!arc_handshake_parse_leave(body, length, &peer_id, &license_id, &timestamp, signature,
				       error))
		return FALSE;
	/* gossip may have carried the departure here before the announcement itself */
	if (arc_leaver_already_known(self, peer_id, license_id, timestamp, signature))
		return TRUE;
	info = arc_peer_manager_lookup(self->peers, peer_id, &record, error);
	if (info == NULL)
		return FALSE;
	if (info->is_local) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SELF);
		return FALSE;
	}
	key = g_base64_decode(info->public_key, &key_len);
	/* the error is set once, here: the same whether the key or the signature is wrong */
	if (key_len != ARC_IDENTITY_PUBLIC_KEY_SIZE ||
	    !arc_handshake_verify_leave(peer_id, license_id, timestamp, key, signature, NULL)) {
		g_warning("deactivation announcement for peer %s refused: bad signature", peer_id);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return FALSE;
	}
	/* compared without subtracting: an untrusted timestamp must not overflow */
	if (timestamp < now - ARC_LEAVER_WINDOW_SECS || timestamp > now + ARC_LEAVER_WINDOW_SECS) {
		g_warning("deactivation announcement for peer %s refused: its timestamp "
			  "%" G_GINT64_FORMAT " is more than %d s from now",
			  peer_id, timestamp, ARC_LEAVER_WINDOW_SECS);
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		return FALSE;
	}
	arc_peer_manager_stage_removal(self->peers, txn, record, info->public_key);
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, error))
		return FALSE;
	g_info("peer %s (%s) left the cluster", peer_id, info->address);
	arc_peer_manager_changed(self->peers, peer_id);
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

/* the departure as stored: this agent's own record deactivated, every other peer's
 * forgotten */
static gboolean
arc_leaver_store_departure(ArcLeaver *self, const gchar *own_id, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) records =
		arc_storage_list_records(arc_node_get_storage(self->node), "peer", error);

	if (records == NULL)
		return FALSE;
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		if (record->deleted)
			continue;
		if (g_strcmp0(record->id, own_id) == 0) {
			g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
			g_autofree gchar *body = NULL;
			if (root == NULL)
				continue;
			json_object_set_string_member(
				json_node_get_object(root), "state",
				arc_peer_state_to_string(ARC_PEER_STATE_DEACTIVATED));
			body = json_to_string(root, FALSE);
			arc_peer_manager_stage_peer(self->peers, txn, record, record->id, body,
						    FALSE);
		} else {
			arc_peer_manager_stage_peer(self->peers, txn, record, record->id,
						    record->body, TRUE);
		}
	}
	/* not pushed: what this agent forgets is its own business. The others learn of the
	 * departure from the announcement, and those it misses from the revocation the others
	 * write and gossip. */
	return arc_registry_commit(self->registry, txn, NULL, FALSE, error);
}

/**
 * arc_leaver_leave:
 * @self: the leaver, of a bootstrapped agent that has not left (the caller checks)
 * @client: what carries the announcements
 * @by: who asked, for the log
 * @task: returns the #ArcLeaveResult, or the error
 *
 * The local peer leaves the cluster: it is marked deactivated and forgets the others (both
 * stored first), then a signed deactivation announcement goes to every peer it knew.
 */
void
arc_leaver_leave(ArcLeaver *self, ArcPeerClient *client, const gchar *by, GTask *task)
{
	g_autoptr(GPtrArray) peers = NULL;
	g_autofree gchar *message = NULL;
	const gchar *own_id = arc_node_get_peer_id(self->node);
	ArcLeaveOp *op;
	GError *error = NULL;

	/* read before the departure forgets them */
	peers = arc_peer_manager_load(self->peers, &error);
	if (peers == NULL || !arc_leaver_store_departure(self, own_id, &error)) {
		g_task_return_error(task, error);
		return;
	}
	arc_peer_manager_set_deactivated(self->peers);
	g_info("this agent (peer %s) left the cluster, by %s", own_id, by);
	op = g_new0(ArcLeaveOp, 1);
	op->result = g_new0(ArcLeaveResult, 1);
	op->result->peer_id = g_strdup(own_id);
	op->result->notified = g_ptr_array_new_with_free_func(g_free);
	op->result->unreachable = g_ptr_array_new_with_free_func(g_free);
	op->pending = 1;
	g_task_set_task_data(task, op, (GDestroyNotify)arc_leave_op_free);
	message = arc_handshake_leave_to_json(
		own_id, arc_license_manager_get_license(self->licenses)->license_id,
		arc_node_now(self->node), arc_node_get_identity(self->node));
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		ArcLeaveNotice *notice;

		arc_peer_manager_changed(self->peers, peer->id);
		if (peer->is_local)
			continue;
		notice = g_new0(ArcLeaveNotice, 1);
		notice->task = g_object_ref(task);
		notice->peer_id = g_strdup(peer->id);
		notice->address = g_strdup(peer->address);
		op->pending++;
		arc_peer_client_request_async(client, "POST", peer->address, "/v1/handshake/leave",
					      message, g_task_get_cancellable(task),
					      arc_leave_notice_cb, notice);
	}
	if (--op->pending == 0)
		g_task_return_pointer(task, g_steal_pointer(&op->result),
				      (GDestroyNotify)arc_leave_result_free);
}
