/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker-private.h"

#include <sodium.h>

#include "arc-error-map.h"
#include "arc-metrics.h"
#include "arc-record-sign.h"

/* logs a refusal and hands it on, @detail (taken) for the initiator's operator */
static void
arc_handshaker_refuse(const ArcHandshakePeer *peer, GError *error_local, gchar *detail,
		      gchar **refusal, GError **error)
{
	arc_handshaker_log_refusal("handshake", peer, error_local, detail);
	if (refusal != NULL)
		*refusal = detail;
	else
		g_free(detail);
	g_propagate_error(error, error_local);
}

/* the reply to an open @session: this agent's record, a fresh challenge, and its signature
 * over the transcript as responder */
static gchar *
arc_handshaker_answer(ArcHandshaker *self, ArcHandshakeSession *session)
{
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;

	session->responder = arc_handshaker_own_record(self, session->initiator->address);
	randombytes_buf(session->challenge_b, sizeof(session->challenge_b));
	t = arc_handshake_session_transcript(session,
					     self->host->get_license(self->host_data)->license_id);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_RESPONDER, arc_node_get_identity(self->node),
			   signature);
	return arc_handshake_reply_to_json(session->id, session->responder, session->challenge_b,
					   signature);
}

/**
 * arc_handshaker_hello:
 * @self: the handshaker
 * @body: `POST /v1/handshake/hello`, untrusted
 * @length: bytes in @body
 * @source: (nullable): the address the hello came from, which bounds the sessions it may
 *   hold open
 * @refusal: (out) (optional) (nullable): on a refusal, why, in the terms of the initiator's
 *   operator (never a secret): the initiator shows it with `--debug`
 * @error: return location for a #GError, %ARC_HANDSHAKE_ERROR for a refusal
 *
 * Checks the initiator's record, opens a session and answers with this agent's record, a
 * fresh challenge and its signature as responder.
 *
 * Returns: (transfer full): the reply's body
 */
gchar *
arc_handshaker_hello(ArcHandshaker *self, const gchar *body, gsize length, const gchar *source,
		     gchar **refusal, GError **error)
{
	g_autoptr(ArcHandshakeMessage) hello = NULL;
	g_autoptr(ArcLicense) license = NULL;
	ArcHandshakeSession *session = NULL;
	g_autofree gchar *detail = NULL;
	g_autofree gchar *reply = NULL;
	g_auto(ArcMembership) m = {0};
	gboolean vouched;
	GError *error_local = NULL;

	hello = arc_handshake_parse_hello(body, length, &error_local);
	if (hello == NULL) {
		g_warning("handshake hello refused: %s", error_local->message);
		g_propagate_error(error, error_local);
		return NULL;
	}
	if (!arc_handshaker_check_can_join(self, FALSE, &detail, &error_local)) {
		arc_handshaker_refuse(hello->peer, error_local, g_steal_pointer(&detail), refusal,
				      error);
		return NULL;
	}
	/* the initiator says it met this agent through the cluster, and this agent learned of
	 * it the same way */
	vouched = hello->discovery && self->host->is_vouched(self->host_data, hello->peer->peer_id);
	license = arc_handshaker_check_candidate(self, hello->peer, vouched, FALSE, &m, &detail,
						 &error_local);
	if (license == NULL ||
	    !arc_handshaker_check_join(self, hello->peer, hello->challenge, hello->join,
				       m.known || m.replaces != NULL, vouched, &m.join_token,
				       &detail, &error_local)) {
		arc_handshaker_refuse(hello->peer, error_local, g_steal_pointer(&detail), refusal,
				      error);
		return NULL;
	}
	session = g_new0(ArcHandshakeSession, 1);
	session->initiator = g_steal_pointer(&hello->peer);
	session->initiator_license_id = g_strdup(license->license_id);
	session->vouched = vouched;
	session->join = g_steal_pointer(&hello->join);
	session->source = g_strdup(source);
	memcpy(session->challenge_a, hello->challenge, sizeof(session->challenge_a));
	/* the table is full: nothing of this agent's own record changes */
	session = arc_handshaker_open_session(self, session, error);
	if (session == NULL)
		return NULL;
	reply = arc_handshaker_answer(self, session);
	g_debug("handshake hello from %s at %s: session %s%s", session->initiator->peer_id,
		session->initiator->address, session->id, m.known ? " (known peer)" : "");
	return g_steal_pointer(&reply);
}

typedef struct {
	ArcHandshaker *handshaker;
	ArcHandshakeSession *session;
} ArcConfirmOp;

static void
arc_confirm_op_free(ArcConfirmOp *self)
{
	arc_handshake_session_free(self->session);
	g_free(self);
}

/* the initiator must answer at the address it advertised, as itself */
static gboolean
arc_handshaker_check_identity_answer(ArcPeerResponse *response, const ArcHandshakePeer *peer,
				     gchar **detail)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(response->body, &len);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj;

	if (!arc_peer_response_check_ok(response, peer->address, "GET /v1/cluster/identity",
					detail))
		return FALSE;
	root = len > 0 ? arc_json_parse_object(data, (gssize)len, 8, NULL) : NULL;
	obj = root != NULL ? json_node_get_object(root) : NULL;
	if (obj == NULL ||
	    g_strcmp0(arc_json_object_get_string(obj, "peer_id"), peer->peer_id) != 0 ||
	    g_strcmp0(arc_json_object_get_string(obj, "public_key"), peer->public_key) != 0) {
		*detail = g_strdup_printf("the agent at %s is not peer %s", peer->address,
					  peer->peer_id);
		return FALSE;
	}
	return TRUE;
}

static void
arc_handshaker_confirm_probe_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcConfirmOp *op = g_task_get_task_data(task);
	ArcHandshakePeer *peer = op->session->initiator;
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *detail = NULL;
	g_auto(ArcMembership) m = {0};

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response == NULL) {
		detail = g_strdup_printf("this agent cannot reach %s at %s: %s", peer->peer_id,
					 peer->address, error->message);
	} else {
		arc_handshaker_check_identity_answer(response, peer, &detail);
	}
	if (detail != NULL) {
		g_clear_error(&error);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_UNREACHABLE_BACK);
		arc_handshaker_log_refusal("handshake", peer, error, detail);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	/* the view may have changed while the probe ran */
	if (!arc_handshaker_check_can_join(op->handshaker, FALSE, &detail, &error) ||
	    !arc_handshaker_check_membership(op->handshaker, peer, op->session->vouched, FALSE, &m,
					     &detail, &error) ||
	    !arc_handshaker_check_join(op->handshaker, peer, op->session->challenge_a,
				       op->session->join, m.known || m.replaces != NULL,
				       op->session->vouched, &m.join_token, &detail, &error) ||
	    !arc_handshaker_store_peer(op->handshaker, peer, NULL, &m, &error)) {
		arc_handshaker_log_refusal("handshake", peer, error, detail);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	arc_handshaker_count("responder", NULL);
	g_info("peer %s at %s joined (handshake it initiated)%s", peer->peer_id, peer->address,
	       m.known ? ", record refreshed" : "");
	g_task_return_boolean(task, TRUE);
}

/**
 * arc_handshaker_confirm_async:
 * @self: the handshaker
 * @source_object: (nullable): the task's source object
 * @body: `POST /v1/handshake/confirm`, untrusted
 * @length: bytes in @body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Consumes the session (a confirm counts once), verifies the initiator's signature over the
 * transcript, checks that the initiator answers at its advertised address, and stores it.
 */
void
arc_handshaker_confirm_async(ArcHandshaker *self, gpointer source_object, const gchar *body,
			     gsize length, GCancellable *cancellable, GAsyncReadyCallback callback,
			     gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(source_object, cancellable, callback, user_data);
	g_autoptr(ArcHandshakeMessage) confirm = NULL;
	ArcConfirmOp *op;
	ArcHandshakeTranscript t;
	GError *error = NULL;
	g_autofree gchar *detail = NULL;
	ArcHandshakeSession *session;

	confirm = arc_handshake_parse_confirm(body, length, &error);
	if (confirm == NULL) {
		g_warning("handshake confirm refused: %s", error->message);
		g_task_return_error(task, error);
		return;
	}
	session = arc_handshaker_take_session(self, confirm->session);
	if (session == NULL) {
		g_warning("handshake confirm refused: session %s is unknown, used or expired",
			  confirm->session);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		g_task_return_error(task, error);
		return;
	}
	op = g_new0(ArcConfirmOp, 1);
	op->handshaker = self;
	op->session = session;
	g_task_set_task_data(task, op, (GDestroyNotify)arc_confirm_op_free);
	t = arc_handshake_session_transcript(op->session,
					     self->host->get_license(self->host_data)->license_id);
	if (!arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_INITIATOR, op->session->initiator->key,
				  confirm->signature, &error)) {
		arc_handshaker_log_refusal(
			"handshake", op->session->initiator, error,
			"the confirmation is not signed by the key the initiator "
			"presented, over this session");
		g_task_return_error(task, error);
		return;
	}
	/* the record is checked once the key is proven */
	if (!arc_handshaker_check_peer_record(op->session->initiator, &detail, &error)) {
		arc_handshaker_log_refusal("handshake", op->session->initiator, error, detail);
		g_task_return_error(task, error);
		return;
	}
	arc_peer_client_request_async(arc_handshaker_get_probe(self), "GET",
				      op->session->initiator->address, "/v1/cluster/identity", NULL,
				      cancellable, arc_handshaker_confirm_probe_cb,
				      g_steal_pointer(&task));
}

gboolean
arc_handshaker_confirm_finish(GAsyncResult *res, GError **error)
{
	return g_task_propagate_boolean(G_TASK(res), error);
}
