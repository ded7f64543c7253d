/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker-private.h"

#include <sodium.h>

#include "arc-text.h"

/* The initiator's side of the handshake (docs/protocol.md §5): the agent that got
 * `POST /v1/peers` says hello, verifies the reply, confirms and stores the other side. */

typedef struct {
	ArcHandshaker *handshaker;
	gchar *address;
	gchar *name;
	gchar *caller;
	GPtrArray *steps;
	gint64 step_start;
	ArcHandshakePeer *me;
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	ArcHandshakeMessage *reply;
	gchar *peer_license_id;
	gboolean in_flight;
	gboolean discovery;
	gchar *join_token; /* as the operator gave it; wiped */
} ArcAddPeerOp;

static void
arc_add_peer_op_free(ArcAddPeerOp *self)
{
	if (self->in_flight)
		arc_handshaker_end_add(self->handshaker, self->address);
	g_free(self->address);
	g_free(self->name);
	g_free(self->caller);
	g_ptr_array_unref(self->steps);
	arc_handshake_peer_free(self->me);
	arc_handshake_message_free(self->reply);
	g_free(self->peer_license_id);
	if (self->join_token != NULL)
		sodium_memzero(self->join_token, strlen(self->join_token));
	g_free(self->join_token);
	g_free(self);
}

static void
arc_add_peer_op_step(ArcAddPeerOp *op, const gchar *step, gboolean ok, gchar *detail)
{
	ArcHandshakeStep *s = g_new0(ArcHandshakeStep, 1);
	gint64 now = g_get_monotonic_time();

	s->step = g_strdup(step);
	s->ok = ok;
	s->detail = detail;
	s->elapsed_ms = (gdouble)(now - op->step_start) / 1000.0;
	op->step_start = now;
	g_ptr_array_add(op->steps, s);
	/* discovery races with the other side's own discovery: a peer met meanwhile is no
	 * failure anyone needs to hear about */
	if (!ok && op->discovery)
		g_info("meeting peer %s stopped at %s: %s", op->address, step,
		       detail != NULL ? detail : "");
	else if (!ok)
		g_warning("adding peer %s failed at %s: %s", op->address, step,
			  detail != NULL ? detail : "");
	else
		g_debug("adding peer %s: %s ok: %s", op->address, step,
			detail != NULL ? detail : "");
}

static void
arc_add_peer_fail(GTask *task, const gchar *step, GError *error, gchar *detail)
{
	ArcAddPeerOp *op = g_task_get_task_data(task);
	arc_handshaker_count("initiator", error);
	arc_add_peer_op_step(op, step, FALSE, detail != NULL ? detail : g_strdup(error->message));
	g_task_return_error(task, error);
}

static ArcHandshakeTranscript
arc_add_peer_transcript(ArcAddPeerOp *op)
{
	ArcHandshakeTranscript t = {
		.initiator = op->me,
		.initiator_license_id =
			op->handshaker->host->get_license(op->handshaker->host_data)->license_id,
		.responder = op->reply->peer,
		.responder_license_id = op->peer_license_id,
		.challenge_a = op->challenge_a,
		.challenge_b = op->reply->challenge,
		.session = op->reply->session,
	};
	return t;
}

static void
arc_add_peer_confirm_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcAddPeerOp *op = g_task_get_task_data(task);
	ArcHandshakePeer *peer = op->reply->peer;
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	GError *error = NULL;
	gchar *detail = NULL;
	g_auto(ArcMembership) m = {0};

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response == NULL) {
		arc_peer_client_convert_error(&error, op->address, &detail);
		arc_add_peer_fail(task, "confirm", error, detail);
		return;
	}
	if (!arc_peer_response_check(response, op->address, &detail, &error)) {
		arc_add_peer_fail(task, "confirm", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "confirm", TRUE,
			     g_strdup_printf("%s verified our signature, reached us at %s and "
					     "stored this agent",
					     peer->peer_id, op->me->address));
	/* the view may have changed during the exchange */
	if (!arc_handshaker_check_membership(op->handshaker, peer, op->discovery, !op->discovery,
					     &m, &detail, &error)) {
		arc_add_peer_fail(task, "store", error, detail);
		return;
	}
	if (m.known) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_ALREADY_EXISTS);
		arc_add_peer_fail(task, "store", error,
				  g_strdup_printf("%s was added meanwhile", peer->peer_id));
		return;
	}
	if (!arc_handshaker_store_peer(op->handshaker, peer, op->name, &m, &error)) {
		arc_add_peer_fail(task, "store", error, NULL);
		return;
	}
	arc_add_peer_op_step(op, "store", TRUE,
			     g_strdup_printf("stored peer %s at %s", peer->peer_id, op->address));
	arc_handshaker_count("initiator", NULL);
	g_info("peer %s at %s added by %s", peer->peer_id, op->address, op->caller);
	info = arc_peer_manager_lookup(op->handshaker->peers, peer->peer_id, NULL, &error);
	if (info == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, g_steal_pointer(&info), (GDestroyNotify)arc_peer_info_free);
}

/* the address the operator gave may already belong to another peer */
static gboolean
arc_add_peer_check_dialed(ArcAddPeerOp *op, const gchar *replaces, gchar **detail, GError **error)
{
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(op->handshaker->peers, error);
	ArcPeerInfo *same;

	if (peers == NULL)
		return FALSE;
	same = arc_peer_list_find(peers, NULL, NULL, op->address);
	if (same != NULL && g_strcmp0(same->id, op->reply->peer->peer_id) != 0 &&
	    g_strcmp0(same->id, replaces) != 0) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_ALREADY_EXISTS,
				    g_strdup_printf("%s is already peer %s (now it answers as %s): "
						    "delete that peer first",
						    op->address, same->id,
						    op->reply->peer->peer_id));
		return FALSE;
	}
	return TRUE;
}

/* the hello's answer: the other side's reply, or the step that failed */
static gboolean
arc_add_peer_take_reply(GTask *task, ArcPeerResponse *response, GError *error)
{
	ArcAddPeerOp *op = g_task_get_task_data(task);
	gchar *detail = NULL;
	gsize len = 0;
	const gchar *data;

	if (response == NULL) {
		arc_peer_client_convert_error(&error, op->address, &detail);
		arc_add_peer_fail(task, "connect", error, detail);
		return FALSE;
	}
	arc_add_peer_op_step(op, "connect", TRUE, g_strdup_printf("%s answered", op->address));
	if (!arc_peer_response_check(response, op->address, &detail, &error)) {
		arc_add_peer_fail(task, "hello", error, detail);
		return FALSE;
	}
	data = g_bytes_get_data(response->body, &len);
	op->reply = arc_handshake_parse_reply(data != NULL ? data : "", len, &error);
	if (op->reply == NULL) {
		detail = g_strdup_printf("%s sent a bad reply: %s", op->address, error->message);
		g_clear_error(&error);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
		arc_add_peer_fail(task, "hello", error, detail);
		return FALSE;
	}
	arc_add_peer_op_step(op, "hello", TRUE,
			     g_strdup_printf("%s is peer %s, license checks passed on its side",
					     op->address, op->reply->peer->peer_id));
	return TRUE;
}

/* the reply's record, its license and its signature over this exchange */
static ArcLicense *
arc_add_peer_verify_reply(ArcAddPeerOp *op, gchar **detail, GError **error)
{
	g_autoptr(ArcLicense) license = NULL;
	g_auto(ArcMembership) m = {0};
	ArcHandshakeTranscript t;

	license = arc_handshaker_check_candidate(op->handshaker, op->reply->peer, op->discovery,
						 !op->discovery, &m, detail, error);
	if (license == NULL)
		return NULL;
	if (m.known) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_ALREADY_EXISTS);
		*detail = g_strdup_printf("%s is already peer %s", op->address,
					  op->reply->peer->peer_id);
		return NULL;
	}
	if (!arc_add_peer_check_dialed(op, m.replaces, detail, error))
		return NULL;
	op->peer_license_id = g_strdup(license->license_id);
	t = arc_add_peer_transcript(op);
	if (!arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_RESPONDER, op->reply->peer->key,
				  op->reply->signature, error)) {
		*detail = g_strdup_printf("the reply of %s is not signed by the key it presents, "
					  "over this exchange",
					  op->address);
		return NULL;
	}
	if (!arc_handshaker_check_peer_record(op->reply->peer, detail, error))
		return NULL;
	return g_steal_pointer(&license);
}

static void
arc_add_peer_hello_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcAddPeerOp *op = g_task_get_task_data(task);
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autofree gchar *confirm = NULL;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;
	GCancellable *cancellable;
	GError *error = NULL;
	gchar *detail = NULL;

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (!arc_add_peer_take_reply(task, response, error))
		return;
	license = arc_add_peer_verify_reply(op, &detail, &error);
	if (license == NULL) {
		arc_add_peer_fail(task, "verify_reply", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "verify_reply", TRUE,
			     g_strdup_printf("license %s of customer %s, signature of %s verified",
					     license->license_id, license->customer_id,
					     op->reply->peer->peer_id));
	t = arc_add_peer_transcript(op);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_INITIATOR,
			   arc_node_get_identity(op->handshaker->node), signature);
	confirm = arc_handshake_confirm_to_json(op->reply->session, signature);
	/* read before the task is handed on: arguments are evaluated in no set order */
	cancellable = g_task_get_cancellable(task);
	arc_peer_client_request_async(arc_handshaker_get_client(op->handshaker), "POST",
				      op->address, "/v1/handshake/confirm", confirm, cancellable,
				      arc_add_peer_confirm_cb, g_steal_pointer(&task));
}

/* the hello's join_token: the token's proof for this agent's record and challenge */
static ArcHandshakeJoin *
arc_add_peer_op_join(ArcAddPeerOp *op)
{
	g_autoptr(ArcHandshakeJoin) join = NULL;
	g_autofree gchar *secret = NULL;
	guint8 token_key[ARC_HANDSHAKE_JOIN_KEY_SIZE];
	guint8 token_secret[ARC_HANDSHAKE_JOIN_SECRET_SIZE];

	if (op->join_token == NULL)
		return NULL;
	join = g_new0(ArcHandshakeJoin, 1);
	if (!arc_handshake_join_token_split(op->join_token, &join->id, &secret))
		return NULL;
	arc_handshake_join_keypair(join->id, secret, token_key, token_secret);
	sodium_memzero(secret, strlen(secret));
	arc_handshake_join_proof(token_secret, op->me->peer_id, op->me->public_key, op->challenge_a,
				 join->proof);
	sodium_memzero(token_secret, sizeof(token_secret));
	return g_steal_pointer(&join);
}

static gboolean
arc_handshaker_check_join_token_form(const gchar *join_token, GError **error)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *secret = NULL;

	if (join_token == NULL)
		return TRUE;
	if (arc_handshake_join_token_split(join_token, &id, &secret)) {
		sodium_memzero(secret, strlen(secret));
		return TRUE;
	}
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'join_token' must be the token 'arctic cluster join-token create' "
			    "printed (jt_….…)");
	return FALSE;
}

/* what the operator asked for is well-formed */
static gboolean
arc_add_peer_check_request(const gchar *address, const gchar *name, const gchar *join_token,
			   GError **error)
{
	if (!arc_handshake_address_is_valid(address)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'address' must be host:port, e.g. 192.168.1.20:8080");
		return FALSE;
	}
	if (name != NULL && !arc_text_check_label(name, "name", 128, error))
		return FALSE;
	return arc_handshaker_check_join_token_form(join_token, error);
}

/* The `check` step: this agent may take a peer, @address is not this agent, one more node
 * fits (the other side would refuse it too), and no other handshake with @address runs. */
static gboolean
arc_add_peer_check_local(GTask *task, ArcAddPeerOp *op)
{
	ArcHandshaker *self = op->handshaker;
	g_autoptr(GPtrArray) peers = NULL;
	GError *error = NULL;
	gchar *detail = NULL;
	ArcPeerInfo *same;

	if (!arc_handshaker_check_can_join(self, TRUE, &detail, &error)) {
		arc_add_peer_fail(task, "check", error, detail);
		return FALSE;
	}
	peers = arc_peer_manager_load(self->peers, &error);
	if (peers == NULL) {
		g_task_return_error(task, error);
		return FALSE;
	}
	/* a known address is checked once the other side said who it is: a key that no
	 * longer matches its record must say so, not "already exists" */
	same = arc_peer_list_find(peers, NULL, NULL, op->address);
	if (same != NULL && same->is_local) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_SELF);
		arc_add_peer_fail(task, "check", error,
				  g_strdup_printf("%s is this agent", op->address));
		return FALSE;
	}
	if (!op->discovery && !arc_handshaker_check_node_limit(self, peers, &detail, &error)) {
		arc_add_peer_fail(task, "check", error, detail);
		return FALSE;
	}
	if (!arc_handshaker_begin_add(self, op->address)) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_BUSY);
		arc_add_peer_fail(
			task, "check", error,
			g_strdup_printf("a handshake with %s is already running", op->address));
		return FALSE;
	}
	op->in_flight = TRUE;
	return TRUE;
}

/**
 * arc_handshaker_add_peer_async:
 * @self: the handshaker
 * @source_object: (nullable): the task's source object
 * @caller: who asked, for the log
 * @address: the other agent's API, `host:port`
 * @name: (nullable): an alias for it
 * @join_token: (nullable): a join token created on a member (docs/protocol.md §5.7)
 * @discovery: transitive discovery (docs/protocol.md §6.4): no node limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Runs the handshake with the agent at @address and, when both sides accepted, stores it.
 * The caller is authorised already.
 */
void
arc_handshaker_add_peer_async(ArcHandshaker *self, gpointer source_object, const gchar *caller,
			      const gchar *address, const gchar *name, const gchar *join_token,
			      gboolean discovery, GCancellable *cancellable,
			      GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(source_object, cancellable, callback, user_data);
	g_autofree gchar *hello = NULL;
	g_autoptr(ArcHandshakeJoin) join = NULL;
	ArcAddPeerOp *op = g_new0(ArcAddPeerOp, 1);
	GError *error = NULL;

	op->handshaker = self;
	op->address = g_strdup(address);
	op->name = g_strdup(name);
	op->discovery = discovery;
	op->join_token = g_strdup(join_token);
	op->caller = g_strdup(caller);
	op->steps = g_ptr_array_new_with_free_func((GDestroyNotify)arc_handshake_step_free);
	op->step_start = g_get_monotonic_time();
	g_task_set_task_data(task, op, (GDestroyNotify)arc_add_peer_op_free);
	if (!arc_add_peer_check_request(address, name, join_token, &error)) {
		g_task_return_error(task, error);
		return;
	}
	if (!arc_add_peer_check_local(task, op))
		return;
	op->me = arc_handshaker_own_record(self, address);
	arc_add_peer_op_step(op, "check", TRUE,
			     g_strdup_printf("this agent is %s, advertised at %s", op->me->peer_id,
					     op->me->address));
	randombytes_buf(op->challenge_a, sizeof(op->challenge_a));
	join = arc_add_peer_op_join(op);
	hello = arc_handshake_hello_to_json_full(op->me, op->challenge_a, op->discovery, join);
	arc_peer_client_request_async(arc_handshaker_get_client(self), "POST", address,
				      "/v1/handshake/hello", hello, cancellable,
				      arc_add_peer_hello_cb, g_steal_pointer(&task));
}

/**
 * arc_handshaker_add_peer_finish:
 * @res: the result
 * @steps: (out) (optional) (transfer container) (element-type ArcHandshakeStep): what
 *   happened, also on failure (none when the caller was refused before it began)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new peer
 */
ArcPeerInfo *
arc_handshaker_add_peer_finish(GAsyncResult *res, GPtrArray **steps, GError **error)
{
	ArcAddPeerOp *op = g_task_get_task_data(G_TASK(res));

	if (steps != NULL)
		*steps = op != NULL ? g_ptr_array_ref(op->steps)
				    : g_ptr_array_new_with_free_func(
					      (GDestroyNotify)arc_handshake_step_free);
	return g_task_propagate_pointer(G_TASK(res), error);
}
