/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "arc-handshake.h"
#include "arc-test-agent.h"
#include "arc-wire-peer.h"
#include "arc-wire-tamper.h"

/* The handshake on the wire (docs/protocol.md §5). The test plays one side itself, with a key
 * and a license of its own (ArcWirePeer), against a real arctic-agent on the other: a
 * captured message replayed later, or altered in any field, must be refused, and the agent's
 * peer list must not change. */

typedef struct {
	ArcTestAgent *agent;
	gchar *token;
	ArcWirePeer *peer;
} ArcWireFixture;

static gint64
arc_wire_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

static void
arc_wire_fixture_setup(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autofree gchar *license = NULL;

	fx->agent = arc_test_agent_new();
	arc_test_agent_start(fx->agent, &error);
	g_assert_no_error(error);
	boot = arc_test_agent_bootstrap(fx->agent, &error);
	g_assert_no_error(error);
	fx->token = arc_test_agent_token(fx->agent, NULL, NULL, &error);
	g_assert_no_error(error);
	/* the agent's vendor issued the test's license too */
	license = arc_test_agent_make_default_license(fx->agent);
	fx->peer = arc_wire_peer_new(license);
}

static void
arc_wire_fixture_teardown(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	gint status = -1;

	arc_test_agent_stop(fx->agent, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
	g_clear_object(&fx->agent);
	g_clear_object(&fx->peer);
	g_clear_pointer(&fx->token, g_free);
}

/* ---- talking to the agent ---- */

static ArcTestResponse *
arc_wire_send(ArcWireFixture *fx, const gchar *method, const gchar *path, const gchar *token,
	      const gchar *body)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *auth =
		token != NULL ? g_strconcat("Authorization: Bearer ", token, NULL) : NULL;
	const gchar *headers[] = {auth, NULL};
	ArcTestResponse *resp =
		arc_test_agent_send(fx->agent, method, path, headers, body, -1,
				    body != NULL ? "application/json" : NULL, &error);

	g_assert_no_error(error);
	g_assert_nonnull(resp);
	g_test_message("%s %s → %u %.*s", method, path, resp->status,
		       (int)g_bytes_get_size(resp->body),
		       (const gchar *)g_bytes_get_data(resp->body, NULL));
	return resp;
}

/* a handshake message to the agent's public endpoint */
static ArcTestResponse *
arc_wire_post(ArcWireFixture *fx, const gchar *path, const gchar *body)
{
	return arc_wire_send(fx, "POST", path, NULL, body);
}

static gint
arc_wire_id_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the ids of the agent's peer list, sorted, comma-separated */
static gchar *
arc_wire_peer_list(ArcWireFixture *fx)
{
	g_autoptr(ArcTestResponse) resp = arc_wire_send(fx, "GET", "/v1/peers", fx->token, NULL);
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	JsonArray *array;

	g_assert_cmpuint(resp->status, ==, SOUP_STATUS_OK);
	g_assert_true(JSON_NODE_HOLDS_ARRAY(resp->json));
	array = json_node_get_array(resp->json);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonObject *peer = json_array_get_object_element(array, i);
		g_ptr_array_add(ids, (gpointer)json_object_get_string_member(peer, "id"));
	}
	g_ptr_array_sort(ids, arc_wire_id_cmp);
	g_ptr_array_add(ids, NULL);
	return g_strjoinv(",", (gchar **)ids->pdata);
}

/**
 * arc_wire_assert_refused:
 * @resp: the agent's answer
 * @status: the HTTP status it must have
 * @code: the API `code`
 * @reason: (nullable): the handshake `reason`, whose message is then the `error`; %NULL when
 *   the answer has none
 */
static void
arc_wire_assert_refused(ArcTestResponse *resp, guint status, const gchar *code, const gchar *reason)
{
	JsonObject *obj;
	ArcHandshakeReason known;

	g_assert_cmpuint(resp->status, ==, status);
	g_assert_nonnull(resp->json);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(resp->json));
	obj = json_node_get_object(resp->json);
	g_assert_cmpstr(json_object_get_string_member_with_default(obj, "code", NULL), ==, code);
	g_assert_cmpstr(json_object_get_string_member_with_default(obj, "reason", NULL), ==,
			reason);
	if (reason == NULL) {
		g_assert_cmpstr(json_object_get_string_member_with_default(obj, "error", ""), !=,
				"");
		return;
	}
	g_assert_true(arc_handshake_reason_from_string(reason, &known));
	g_assert_cmpstr(json_object_get_string_member_with_default(obj, "error", NULL), ==,
			arc_handshake_reason_get_message(known));
}

static void
arc_wire_assert_not_listed(const gchar *list, const gchar *peer_id)
{
	g_auto(GStrv) ids = g_strsplit(list, ",", -1);
	g_assert_false(g_strv_contains((const gchar *const *)ids, peer_id));
}

/* ---- the test as initiator, the agent as responder ---- */

/**
 * ArcWireExchange:
 * @challenge_a: the test's challenge
 * @hello: the hello the test meant to send
 * @reply: (nullable): the agent's reply
 * @confirm: (nullable): the confirm the test signs for the exchange it intended
 */
typedef struct {
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	gchar *hello;
	ArcHandshakeMessage *reply;
	gchar *confirm;
} ArcWireExchange;

static void
arc_wire_exchange_free(ArcWireExchange *self)
{
	g_free(self->hello);
	arc_handshake_message_free(self->reply);
	g_free(self->confirm);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcWireExchange, arc_wire_exchange_free)

static ArcWireExchange *
arc_wire_exchange_new(ArcWireFixture *fx)
{
	ArcWireExchange *ex = g_new0(ArcWireExchange, 1);
	ex->hello = arc_wire_peer_hello(fx->peer, ex->challenge_a);
	return ex;
}

/* Sends @sent as the hello (what the agent receives); a 200 answer is parsed as the reply
 * and answered with the confirm the test signs over the exchange it intended. */
static ArcTestResponse *
arc_wire_exchange_send_hello(ArcWireFixture *fx, ArcWireExchange *ex, const gchar *sent)
{
	ArcTestResponse *resp = arc_wire_post(fx, "/v1/handshake/hello", sent);
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	const gchar *data;

	if (resp->status != SOUP_STATUS_OK)
		return resp;
	data = g_bytes_get_data(resp->body, &len);
	ex->reply = arc_handshake_parse_reply(data, len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(ex->reply);
	ex->confirm = arc_wire_peer_confirm(fx->peer, ex->challenge_a, ex->reply);
	return resp;
}

/* a whole honest handshake, which the agent must accept */
static ArcWireExchange *
arc_wire_join(ArcWireFixture *fx)
{
	g_autoptr(ArcWireExchange) ex = arc_wire_exchange_new(fx);
	g_autoptr(ArcTestResponse) hello = arc_wire_exchange_send_hello(fx, ex, ex->hello);
	g_autoptr(ArcTestResponse) confirm = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_cmpuint(hello->status, ==, SOUP_STATUS_OK);
	ok = arc_wire_peer_check_reply(fx->peer, ex->challenge_a, ex->reply, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	confirm = arc_wire_post(fx, "/v1/handshake/confirm", ex->confirm);
	g_assert_cmpuint(confirm->status, ==, SOUP_STATUS_OK);
	g_assert_true(
		json_object_get_boolean_member(json_node_get_object(confirm->json), "stored"));
	return g_steal_pointer(&ex);
}

static void
arc_wire_initiator_accepted_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(ArcWireExchange) ex = NULL;
	g_autoptr(ArcTestResponse) identity = NULL;
	g_autoptr(ArcTestResponse) stored = NULL;
	g_autofree gchar *agent_address = arc_test_agent_get_address(fx->agent);
	g_autofree gchar *path = NULL;
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *after = NULL;

	g_assert_cmpstr(before, ==, arc_test_agent_get_peer_id(fx->agent));
	ex = arc_wire_join(fx);

	/* the reply is signed by the agent's own key, the one it publishes */
	identity = arc_wire_send(fx, "GET", "/v1/cluster/identity", NULL, NULL);
	g_assert_cmpstr(ex->reply->peer->peer_id, ==, arc_test_agent_get_peer_id(fx->agent));
	g_assert_cmpstr(ex->reply->peer->public_key, ==,
			arc_test_json_string(identity->json, "public_key"));
	g_assert_cmpstr(ex->reply->peer->address, ==, agent_address);
	g_assert_cmpuint(arc_wire_peer_get_probes(fx->peer), ==, 1);

	after = arc_wire_peer_list(fx);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));
	path = g_strdup_printf("/v1/peers/%s", arc_wire_peer_get_peer_id(fx->peer));
	stored = arc_wire_send(fx, "GET", path, fx->token, NULL);
	g_assert_cmpuint(stored->status, ==, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(stored->json, "address"), ==,
			arc_wire_peer_get_address(fx->peer));
	g_assert_cmpstr(arc_test_json_string(stored->json, "public_key"), ==,
			arc_wire_peer_get_public_key(fx->peer));
	g_assert_cmpstr(arc_test_json_string(stored->json, "state"), ==, "active");
}

/* a confirm is accepted once */
static void
arc_wire_initiator_confirm_replayed_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(ArcWireExchange) ex = arc_wire_join(fx);
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *after = NULL;
	g_autoptr(ArcTestResponse) again = arc_wire_post(fx, "/v1/handshake/confirm", ex->confirm);

	arc_wire_assert_refused(again, 422, "HANDSHAKE_FAILED", "session_expired");
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpuint(arc_wire_peer_get_probes(fx->peer), ==, 1);
}

/* A replayed hello opens a new session with a new challenge, which the recorded confirm
 * does not cover. */
static void
arc_wire_initiator_hello_replayed_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(ArcWireExchange) ex = arc_wire_join(fx);
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *after = NULL;
	g_autofree gchar *forged = NULL;
	g_autoptr(ArcTestResponse) hello = arc_wire_post(fx, "/v1/handshake/hello", ex->hello);
	g_autoptr(ArcHandshakeMessage) reply = NULL;
	g_autoptr(ArcTestResponse) confirm = NULL;
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	const gchar *data = g_bytes_get_data(hello->body, &len);

	g_assert_cmpuint(hello->status, ==, SOUP_STATUS_OK);
	reply = arc_handshake_parse_reply(data, len, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(reply->session, !=, ex->reply->session);
	g_assert_cmpint(memcmp(reply->challenge, ex->reply->challenge, sizeof(reply->challenge)),
			!=, 0);

	forged = arc_wire_tamper_set_string(ex->confirm, "session", reply->session);
	confirm = arc_wire_post(fx, "/v1/handshake/confirm", forged);
	arc_wire_assert_refused(confirm, 422, "HANDSHAKE_FAILED", "invalid_signature");
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpuint(arc_wire_peer_get_probes(fx->peer), ==, 1);
}

/* A captured hello replayed 300 times holds a session or two, not the agent's table: another
 * peer joining right after is not refused as `busy`. */
static void
arc_wire_initiator_hello_flood_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(ArcWireExchange) captured = arc_wire_exchange_new(fx);
	g_autoptr(ArcWireExchange) joined = NULL;
	g_autofree gchar *license = arc_test_agent_make_default_license(fx->agent);
	g_autofree gchar *after = NULL;

	for (guint i = 0; i < 300; i++) {
		g_autoptr(ArcTestResponse) resp =
			arc_wire_post(fx, "/v1/handshake/hello", captured->hello);
		g_assert_cmpuint(resp->status, ==, SOUP_STATUS_OK);
	}
	g_clear_object(&fx->peer);
	fx->peer = arc_wire_peer_new(license);
	joined = arc_wire_join(fx);
	after = arc_wire_peer_list(fx);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));
}

/* Hellos under 300 different ids (new keys, the one captured license) from one address, as
 * a holder of a stolen license can make them: a new agent still takes a real join after
 * them, the address holding only a few sessions */
static void
arc_wire_initiator_hello_many_ids_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *license = arc_test_agent_make_default_license(fx->agent);
	g_autoptr(ArcWireExchange) joined = NULL;
	g_autofree gchar *after = NULL;

	for (guint i = 0; i < 300; i++) {
		g_autoptr(ArcWireExchange) ex = NULL;
		g_autoptr(ArcTestResponse) resp = NULL;

		g_clear_object(&fx->peer);
		fx->peer = arc_wire_peer_new(license);
		ex = arc_wire_exchange_new(fx);
		resp = arc_wire_post(fx, "/v1/handshake/hello", ex->hello);
		g_assert_cmpuint(resp->status, ==, SOUP_STATUS_OK);
	}
	g_clear_object(&fx->peer);
	fx->peer = arc_wire_peer_new(license);
	joined = arc_wire_join(fx);
	after = arc_wire_peer_list(fx);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));
}

/* @hello with a join_token member proving @token for @peer_id, @public_key, @challenge_a */
static gchar *
arc_wire_hello_with_token(const gchar *hello, const gchar *token, const gchar *peer_id,
			  const gchar *public_key, const guint8 *challenge_a)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *proof_b64 = NULL;
	g_autofree gchar *join = NULL;
	g_autoptr(JsonNode) root = NULL;
	guint8 key[ARC_HANDSHAKE_JOIN_KEY_SIZE];
	guint8 secret_key[ARC_HANDSHAKE_JOIN_SECRET_SIZE];
	guint8 proof[ARC_HANDSHAKE_JOIN_PROOF_SIZE];

	g_assert_true(arc_handshake_join_token_split(token, &id, &secret));
	arc_handshake_join_keypair(id, secret, key, secret_key);
	arc_handshake_join_proof(secret_key, peer_id, public_key, challenge_a, proof);
	proof_b64 = g_base64_encode(proof, sizeof(proof));
	join = g_strdup_printf("{\"id\":\"%s\",\"proof\":\"%s\"}", id, proof_b64);
	root = json_from_string(hello, NULL);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
	json_object_set_member(json_node_get_object(root), "join_token",
			       json_from_string(join, NULL));
	return json_to_string(root, FALSE);
}

/* Once the agent has a peer, an initiator it does not know needs a join token, and the
 * proof in a hello is bound to that hello's key and challenge: copied into another hello it
 * is refused. A token admits one peer. */
static void
arc_wire_initiator_join_token_func(ArcWireFixture *fx, gconstpointer user_data)
{
	G_GNUC_UNUSED g_autoptr(ArcWireExchange) first = arc_wire_join(fx);
	g_autofree gchar *license = arc_test_agent_make_default_license(fx->agent);
	g_autoptr(ArcWireExchange) bare = NULL, copied = NULL, ok = NULL, spent = NULL;
	g_autoptr(ArcTestResponse) refused = NULL, created = NULL, wrong = NULL, hello = NULL,
				   confirm = NULL, again = NULL;
	g_autofree gchar *before = NULL, *after = NULL, *token = NULL;
	g_autofree gchar *copied_hello = NULL, *ok_hello = NULL, *spent_hello = NULL;

	g_clear_object(&fx->peer);
	fx->peer = arc_wire_peer_new(license);
	before = arc_wire_peer_list(fx);
	bare = arc_wire_exchange_new(fx);
	refused = arc_wire_post(fx, "/v1/handshake/hello", bare->hello);
	arc_wire_assert_refused(refused, 422, "HANDSHAKE_FAILED", "join_token_required");

	created = arc_wire_send(fx, "POST", "/v1/cluster/join-tokens", fx->token, "{\"ttl\":60}");
	g_assert_cmpuint(created->status, ==, SOUP_STATUS_CREATED);
	token = g_strdup(arc_test_json_string(created->json, "token"));
	g_assert_true(g_str_has_prefix(token, "jt_"));

	/* the proof of another exchange (bare's challenge) in this one */
	copied = arc_wire_exchange_new(fx);
	copied_hello = arc_wire_hello_with_token(
		copied->hello, token, arc_wire_peer_get_peer_id(fx->peer),
		arc_wire_peer_get_public_key(fx->peer), bare->challenge_a);
	wrong = arc_wire_post(fx, "/v1/handshake/hello", copied_hello);
	arc_wire_assert_refused(wrong, 422, "HANDSHAKE_FAILED", "join_token_invalid");
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);

	ok = arc_wire_exchange_new(fx);
	ok_hello =
		arc_wire_hello_with_token(ok->hello, token, arc_wire_peer_get_peer_id(fx->peer),
					  arc_wire_peer_get_public_key(fx->peer), ok->challenge_a);
	hello = arc_wire_exchange_send_hello(fx, ok, ok_hello);
	g_assert_cmpuint(hello->status, ==, SOUP_STATUS_OK);
	confirm = arc_wire_post(fx, "/v1/handshake/confirm", ok->confirm);
	g_assert_cmpuint(confirm->status, ==, SOUP_STATUS_OK);
	g_clear_pointer(&after, g_free);
	after = arc_wire_peer_list(fx);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));

	/* spent */
	g_clear_object(&fx->peer);
	fx->peer = arc_wire_peer_new(license);
	spent = arc_wire_exchange_new(fx);
	spent_hello = arc_wire_hello_with_token(
		spent->hello, token, arc_wire_peer_get_peer_id(fx->peer),
		arc_wire_peer_get_public_key(fx->peer), spent->challenge_a);
	again = arc_wire_post(fx, "/v1/handshake/hello", spent_hello);
	arc_wire_assert_refused(again, 422, "HANDSHAKE_FAILED", "join_token_invalid");
}

/* The verifier a member stores for join token @id: the first base64 member of its record
 * body other than who made it, read from the agent's database as anyone holding a copy of
 * it (or of gossip in clear) would */
static guint8 *
arc_wire_stored_verifier(ArcWireFixture *fx, const gchar *id, gsize *len)
{
	g_autofree gchar *db =
		g_build_filename(arc_test_agent_get_data_dir(fx->agent), "arctic.db", NULL);
	g_autoptr(JsonNode) root = NULL;
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;
	guint8 *verifier = NULL;
	JsonObjectIter iter;
	const gchar *name;
	JsonNode *value;

	g_assert_cmpint(sqlite3_open_v2(db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(handle,
					   "SELECT body FROM records WHERE kind = 'join_token' "
					   "AND id = ?",
					   -1, &stmt, NULL),
			==, SQLITE_OK);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
	root = json_from_string((const gchar *)sqlite3_column_text(stmt, 0), NULL);
	sqlite3_finalize(stmt);
	sqlite3_close(handle);
	g_assert_nonnull(root);
	json_object_iter_init(&iter, json_node_get_object(root));
	while (verifier == NULL && json_object_iter_next(&iter, &name, &value)) {
		if (g_strcmp0(name, "created_by") != 0 && JSON_NODE_HOLDS_VALUE(value) &&
		    json_node_get_value_type(value) == G_TYPE_STRING)
			verifier = g_base64_decode(json_node_get_string(value), len);
	}
	g_assert_nonnull(verifier);
	return verifier;
}

/* @hello with a join_token member whose proof is @proof */
static gchar *
arc_wire_hello_with_proof(const gchar *hello, const gchar *id, const guint8 *proof, gsize len)
{
	g_autofree gchar *proof_b64 = g_base64_encode(proof, len);
	g_autofree gchar *join = g_strdup_printf("{\"id\":\"%s\",\"proof\":\"%s\"}", id, proof_b64);
	g_autoptr(JsonNode) root = json_from_string(hello, NULL);

	json_object_set_member(json_node_get_object(root), "join_token",
			       json_from_string(join, NULL));
	return json_to_string(root, FALSE);
}

/* What members store of a join token, copied from a member's database (or from gossip in
 * clear), lets nobody make a proof: neither a MAC keyed with it nor a signature with it as
 * the seed admits a host. */
static void
arc_wire_initiator_join_token_stored_func(ArcWireFixture *fx, gconstpointer user_data)
{
	G_GNUC_UNUSED g_autoptr(ArcWireExchange) first = arc_wire_join(fx);
	g_autofree gchar *license = arc_test_agent_make_default_license(fx->agent);
	g_autoptr(ArcTestResponse) created = NULL;
	g_autofree gchar *before = NULL, *id = NULL, *secret = NULL;
	g_autofree guint8 *verifier = NULL;
	gsize len = 0;

	g_clear_object(&fx->peer);
	fx->peer = arc_wire_peer_new(license);
	before = arc_wire_peer_list(fx);
	created = arc_wire_send(fx, "POST", "/v1/cluster/join-tokens", fx->token, "{\"ttl\":60}");
	g_assert_cmpuint(created->status, ==, SOUP_STATUS_CREATED);
	g_assert_true(arc_handshake_join_token_split(arc_test_json_string(created->json, "token"),
						     &id, &secret));
	verifier = arc_wire_stored_verifier(fx, id, &len);
	g_assert_cmpuint(len, ==, 32);

	for (guint attack = 0; attack < 2; attack++) {
		g_autoptr(ArcWireExchange) ex = arc_wire_exchange_new(fx);
		g_autoptr(ArcTestResponse) resp = NULL;
		g_autofree gchar *forged = NULL, *after = NULL;
		const gchar *peer_id = arc_wire_peer_get_peer_id(fx->peer);
		const gchar *public_key = arc_wire_peer_get_public_key(fx->peer);
		guint8 proof[64] = {0};
		gsize proof_len = 64;

		if (attack == 0) {
			/* a MAC keyed with the stored value over the initiator and its challenge */
			crypto_generichash_state st;
			static const guint8 zero = 0;

			crypto_generichash_init(&st, verifier, len, 32);
			crypto_generichash_update(&st, (const guint8 *)"arctic-join-v1", 14);
			crypto_generichash_update(&st, &zero, 1);
			crypto_generichash_update(&st, (const guint8 *)peer_id, strlen(peer_id));
			crypto_generichash_update(&st, &zero, 1);
			crypto_generichash_update(&st, (const guint8 *)public_key,
						  strlen(public_key));
			crypto_generichash_update(&st, &zero, 1);
			crypto_generichash_update(&st, ex->challenge_a, 32);
			crypto_generichash_final(&st, proof, 32);
			proof_len = 32;
		} else {
			/* the stored value taken for the key's seed */
			guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

			crypto_sign_seed_keypair(pk, sk, verifier);
			arc_handshake_join_proof(sk, peer_id, public_key, ex->challenge_a, proof);
		}
		forged = arc_wire_hello_with_proof(ex->hello, id, proof, proof_len);
		resp = arc_wire_post(fx, "/v1/handshake/hello", forged);
		g_assert_cmpuint(resp->status, !=, SOUP_STATUS_OK);
		after = arc_wire_peer_list(fx);
		g_assert_cmpstr(after, ==, before);
	}
}

static void
arc_wire_initiator_unknown_session_func(ArcWireFixture *fx, gconstpointer user_data)
{
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE] = {0};
	g_autofree gchar *body =
		arc_handshake_confirm_to_json("hs_0123456789abcdef0123456789abcdef", signature);
	g_autoptr(ArcTestResponse) resp = arc_wire_post(fx, "/v1/handshake/confirm", body);
	g_autofree gchar *after = NULL;

	arc_wire_assert_refused(resp, 422, "HANDSHAKE_FAILED", "session_expired");
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));
}

/* ---- a hello altered in transit ---- */

typedef gchar *(*ArcWireAlterFunc)(ArcWireFixture *fx, const gchar *hello);

/**
 * ArcWireHelloCase:
 * @name: the test's name
 * @alter: what the attacker does to the hello
 * @hello_status: the agent's answer to the altered hello; 200: it answers and the confirm
 *   must then be refused with @reason
 * @code: the API code of the refusal
 * @reason: (nullable): its handshake reason
 * @reply_verifies: whether the agent's reply still verifies over the exchange the test
 *   intended (the alteration is outside what the responder signs)
 */
typedef struct {
	const gchar *name;
	ArcWireAlterFunc alter;
	guint hello_status;
	const gchar *code;
	const gchar *reason;
	gboolean reply_verifies;
} ArcWireHelloCase;

static gchar *
arc_wire_alter_peer_id(ArcWireFixture *fx, const gchar *hello)
{
	g_autofree gchar *other = arc_id_new("peer_");
	return arc_wire_tamper_set_string(hello, "peer.peer_id", other);
}

static gchar *
arc_wire_alter_peer_id_malformed(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_string(hello, "peer.peer_id", "peer_not-a-ulid");
}

static gchar *
arc_wire_alter_name(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_string(hello, "peer.name", "mallory");
}

static gchar *
arc_wire_alter_address(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_string(hello, "peer.address", "127.0.0.1:9");
}

static gchar *
arc_wire_alter_public_key(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_string(hello, "peer.public_key",
					  arc_wire_peer_get_other_public_key(fx->peer));
}

static gchar *
arc_wire_alter_license_field(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_int(hello, "peer.license.max_nodes", 1000);
}

static gchar *
arc_wire_alter_license_customer(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_string(hello, "peer.license.customer_id", "cust_MALLORY");
}

/* another genuine license of the same customer: it verifies, but is not the one signed for */
static gchar *
arc_wire_alter_license_swapped(ArcWireFixture *fx, const gchar *hello)
{
	g_autofree gchar *other = arc_test_agent_make_default_license(fx->agent);
	return arc_wire_tamper_set_json(hello, "peer.license", other);
}

static gchar *
arc_wire_alter_challenge(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_flip_bit(hello, "challenge");
}

static gchar *
arc_wire_alter_version(ArcWireFixture *fx, const gchar *hello)
{
	return arc_wire_tamper_set_int(hello, "version", 2);
}

static const ArcWireHelloCase arc_wire_hello_cases[] = {
	{"peer-id", arc_wire_alter_peer_id, 200, "HANDSHAKE_FAILED", "invalid_signature", FALSE},
	{"peer-id-malformed", arc_wire_alter_peer_id_malformed, 400, "INVALID_REQUEST", NULL,
	 FALSE},
	{"name", arc_wire_alter_name, 200, "HANDSHAKE_FAILED", "invalid_signature", FALSE},
	{"address", arc_wire_alter_address, 200, "HANDSHAKE_FAILED", "invalid_signature", FALSE},
	{"public-key", arc_wire_alter_public_key, 200, "HANDSHAKE_FAILED", "invalid_signature",
	 FALSE},
	{"license-field", arc_wire_alter_license_field, 422, "LICENSE_INVALID", "license_invalid",
	 FALSE},
	{"license-customer", arc_wire_alter_license_customer, 422, "LICENSE_INVALID",
	 "license_invalid", FALSE},
	{"license-swapped", arc_wire_alter_license_swapped, 200, "HANDSHAKE_FAILED",
	 "invalid_signature", FALSE},
	{"challenge", arc_wire_alter_challenge, 200, "HANDSHAKE_FAILED", "invalid_signature",
	 FALSE},
	{"version", arc_wire_alter_version, 400, "INVALID_REQUEST", NULL, FALSE},
};

static void
arc_wire_initiator_hello_altered_func(ArcWireFixture *fx, gconstpointer user_data)
{
	const ArcWireHelloCase *c = user_data;
	g_autoptr(ArcWireExchange) ex = arc_wire_exchange_new(fx);
	g_autofree gchar *sent = c->alter(fx, ex->hello);
	g_autoptr(ArcTestResponse) hello = arc_wire_exchange_send_hello(fx, ex, sent);
	g_autoptr(ArcTestResponse) confirm = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *sent_id = arc_wire_tamper_get_string(sent, "peer.peer_id");

	g_assert_cmpstr(sent, !=, ex->hello);
	if (c->hello_status != SOUP_STATUS_OK) {
		arc_wire_assert_refused(hello, c->hello_status, c->code, c->reason);
	} else {
		g_assert_cmpuint(hello->status, ==, SOUP_STATUS_OK);
		/* the initiator notices whatever the responder signs */
		g_assert_cmpint(
			arc_wire_peer_check_reply(fx->peer, ex->challenge_a, ex->reply, &error), ==,
			c->reply_verifies);
		confirm = arc_wire_post(fx, "/v1/handshake/confirm", ex->confirm);
		arc_wire_assert_refused(confirm, 422, c->code, c->reason);
	}
	/* refused before the probe: the agent contacts nobody for an unverified confirm */
	g_assert_cmpuint(arc_wire_peer_get_probes(fx->peer), ==, 0);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));
	arc_wire_assert_not_listed(after, arc_wire_peer_get_peer_id(fx->peer));
	arc_wire_assert_not_listed(after, sent_id);
}

/* ---- a confirm altered in transit ---- */

typedef struct {
	const gchar *name;
	const gchar *member;
	gboolean is_base64;
	const gchar *reason;
} ArcWireConfirmCase;

static const ArcWireConfirmCase arc_wire_confirm_cases[] = {
	{"signature", "signature", TRUE, "invalid_signature"},
	{"session", "session", FALSE, "session_expired"},
};

static void
arc_wire_initiator_confirm_altered_func(ArcWireFixture *fx, gconstpointer user_data)
{
	const ArcWireConfirmCase *c = user_data;
	g_autoptr(ArcWireExchange) ex = arc_wire_exchange_new(fx);
	g_autoptr(ArcTestResponse) hello = arc_wire_exchange_send_hello(fx, ex, ex->hello);
	g_autoptr(ArcTestResponse) confirm = NULL;
	g_autofree gchar *sent = NULL;
	g_autofree gchar *after = NULL;

	g_assert_cmpuint(hello->status, ==, SOUP_STATUS_OK);
	sent = c->is_base64 ? arc_wire_tamper_flip_bit(ex->confirm, c->member)
			    : arc_wire_tamper_flip_char(ex->confirm, c->member);
	g_assert_cmpstr(sent, !=, ex->confirm);
	confirm = arc_wire_post(fx, "/v1/handshake/confirm", sent);
	arc_wire_assert_refused(confirm, 422, "HANDSHAKE_FAILED", c->reason);
	g_assert_cmpuint(arc_wire_peer_get_probes(fx->peer), ==, 0);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));
}

/* ---- the agent as initiator, the test as responder ---- */

static ArcTestResponse *
arc_wire_add_peer(ArcWireFixture *fx)
{
	g_autofree gchar *body =
		g_strdup_printf("{\"address\":\"%s\"}", arc_wire_peer_get_address(fx->peer));
	return arc_wire_send(fx, "POST", "/v1/peers", fx->token, body);
}

static void
arc_wire_responder_accepted_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autoptr(ArcTestResponse) resp = arc_wire_add_peer(fx);
	g_autofree gchar *after = NULL;

	g_assert_cmpuint(resp->status, ==, SOUP_STATUS_CREATED);
	g_assert_cmpstr(arc_test_json_string(resp->json, "id"), ==,
			arc_wire_peer_get_peer_id(fx->peer));
	g_assert_cmpstr(arc_test_json_string(resp->json, "address"), ==,
			arc_wire_peer_get_address(fx->peer));
	g_assert_cmpstr(arc_test_json_string(resp->json, "public_key"), ==,
			arc_wire_peer_get_public_key(fx->peer));
	/* the agent signed, as initiator, the exchange the test answered */
	g_assert_cmpuint(arc_wire_peer_get_hellos(fx->peer), ==, 1);
	g_assert_cmpuint(arc_wire_peer_get_verified_confirms(fx->peer), ==, 1);
	after = arc_wire_peer_list(fx);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));
}

/* A reply recorded from an earlier exchange covers that exchange's challenge, not the new
 * one. The earlier exchange is refused at the confirm, so that the agent stores nothing. */
static void
arc_wire_responder_reply_replayed_func(ArcWireFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *after = NULL;
	g_autoptr(ArcTestResponse) first = NULL;
	g_autoptr(ArcTestResponse) replayed = NULL;

	arc_wire_peer_set_refuse_confirm(fx->peer, TRUE);
	first = arc_wire_add_peer(fx);
	/* the agent reports the responder's own reason */
	arc_wire_assert_refused(first, 422, "PEER_UNREACHABLE", "unreachable_back");
	g_assert_cmpuint(arc_wire_peer_get_verified_confirms(fx->peer), ==, 1);

	arc_wire_peer_set_refuse_confirm(fx->peer, FALSE);
	arc_wire_peer_set_reply(fx->peer, ARC_WIRE_REPLY_REPLAY);
	replayed = arc_wire_add_peer(fx);
	arc_wire_assert_refused(replayed, 422, "HANDSHAKE_FAILED", "invalid_signature");
	g_assert_cmpstr(arc_test_json_string(replayed->json, "error"), ==,
			"handshake failed: invalid signature");
	g_assert_cmpuint(arc_wire_peer_get_hellos(fx->peer), ==, 2);
	g_assert_cmpuint(arc_wire_peer_get_confirms(fx->peer), ==, 1);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);
}

typedef enum {
	ARC_WIRE_LICENSE_OWN,
	ARC_WIRE_LICENSE_OTHER_CUSTOMER,
	ARC_WIRE_LICENSE_UNTRUSTED_ISSUER,
} ArcWireLicense;

/**
 * ArcWireReplyCase:
 * @name: the test's name
 * @reply: what the test's server answers to the agent's hello
 * @license: the license it presents (and signs with, honestly)
 * @code: the API code of the agent's refusal
 * @reason: its handshake reason
 */
typedef struct {
	const gchar *name;
	ArcWireReply reply;
	ArcWireLicense license;
	const gchar *code;
	const gchar *reason;
} ArcWireReplyCase;

static const ArcWireReplyCase arc_wire_reply_cases[] = {
	{"peer-id", ARC_WIRE_REPLY_ALTER_PEER_ID, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"name", ARC_WIRE_REPLY_ALTER_NAME, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"address", ARC_WIRE_REPLY_ALTER_ADDRESS, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"public-key", ARC_WIRE_REPLY_ALTER_PUBLIC_KEY, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"challenge", ARC_WIRE_REPLY_ALTER_CHALLENGE, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"session", ARC_WIRE_REPLY_ALTER_SESSION, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "invalid_signature"},
	{"license-other-customer", ARC_WIRE_REPLY_HONEST, ARC_WIRE_LICENSE_OTHER_CUSTOMER,
	 "LICENSE_MISMATCH", "license_mismatch"},
	{"license-untrusted-issuer", ARC_WIRE_REPLY_HONEST, ARC_WIRE_LICENSE_UNTRUSTED_ISSUER,
	 "LICENSE_INVALID", "license_invalid"},
	{"not-json", ARC_WIRE_REPLY_NOT_JSON, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "protocol_error"},
	{"truncated", ARC_WIRE_REPLY_TRUNCATED, ARC_WIRE_LICENSE_OWN, "HANDSHAKE_FAILED",
	 "protocol_error"},
};

static void
arc_wire_responder_reply_bad_func(ArcWireFixture *fx, gconstpointer user_data)
{
	const ArcWireReplyCase *c = user_data;
	gint64 now = arc_wire_now();
	g_autofree gchar *license = NULL;
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *after = NULL;
	g_autoptr(ArcTestResponse) resp = NULL;

	if (c->license == ARC_WIRE_LICENSE_OTHER_CUSTOMER)
		license = arc_test_agent_make_license(fx->agent, "cust_OTHERCUSTOMER", now - 3600,
						      now + 365 * 24 * 3600, 10, 100);
	else if (c->license == ARC_WIRE_LICENSE_UNTRUSTED_ISSUER)
		license = arc_test_agent_make_foreign_license(fx->agent, ARC_TEST_CUSTOMER_ID,
							      now - 3600, now + 365 * 24 * 3600, 10,
							      100);
	if (license != NULL)
		arc_wire_peer_set_license(fx->peer, license);
	arc_wire_peer_set_reply(fx->peer, c->reply);

	resp = arc_wire_add_peer(fx);
	arc_wire_assert_refused(resp, 422, c->code, c->reason);
	g_assert_nonnull(arc_test_json_string(resp->json, "detail"));
	g_assert_cmpuint(arc_wire_peer_get_hellos(fx->peer), ==, 1);
	/* the agent signs nothing for an exchange it did not verify */
	g_assert_cmpuint(arc_wire_peer_get_confirms(fx->peer), ==, 0);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);
	arc_wire_assert_not_listed(after, arc_wire_peer_get_peer_id(fx->peer));
}

/* ---- the deactivation announcement ---- */

static ArcTestResponse *
arc_wire_leave(ArcWireFixture *fx, const gchar *body)
{
	return arc_wire_post(fx, "/v1/handshake/leave", body);
}

/* the peer leaves: it is removed, and its identity cannot join again */
static void
arc_wire_leave_accepted_func(ArcWireFixture *fx, gconstpointer user_data)
{
	G_GNUC_UNUSED g_autoptr(ArcWireExchange) ex = arc_wire_join(fx);
	g_autofree gchar *body = arc_wire_peer_leave(fx->peer, arc_wire_now(), FALSE);
	g_autoptr(ArcTestResponse) resp = arc_wire_leave(fx, body);
	g_autoptr(ArcTestResponse) again = NULL;
	g_autoptr(ArcWireExchange) rejoin = arc_wire_exchange_new(fx);
	g_autoptr(ArcTestResponse) hello = NULL;
	g_autofree gchar *after = NULL;

	g_assert_cmpuint(resp->status, ==, SOUP_STATUS_OK);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(resp->json), "removed"));
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));

	/* again (as gossip may carry the departure ahead of the announcement): acknowledged,
	 * and nothing changes */
	again = arc_wire_leave(fx, body);
	g_assert_cmpuint(again->status, ==, SOUP_STATUS_OK);
	g_free(after);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));

	hello = arc_wire_exchange_send_hello(fx, rejoin, rejoin->hello);
	arc_wire_assert_refused(hello, 422, "HANDSHAKE_FAILED", "revoked");
	g_free(after);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, arc_test_agent_get_peer_id(fx->agent));
}

typedef gchar *(*ArcWireLeaveFunc)(ArcWireFixture *fx);

/**
 * ArcWireLeaveCase:
 * @name: the test's name
 * @make: the announcement the agent receives
 * @status: the agent's answer
 * @code: its API code
 * @reason: (nullable): its handshake reason
 */
typedef struct {
	const gchar *name;
	ArcWireLeaveFunc make;
	guint status;
	const gchar *code;
	const gchar *reason;
} ArcWireLeaveCase;

/* signed long ago: a recording */
static gchar *
arc_wire_leave_stale(ArcWireFixture *fx)
{
	return arc_wire_peer_leave(fx->peer, arc_wire_now() - 3600, FALSE);
}

static gchar *
arc_wire_leave_future(ArcWireFixture *fx)
{
	return arc_wire_peer_leave(fx->peer, arc_wire_now() + 3600, FALSE);
}

/* now - timestamp wraps to G_MININT64, whose ABS() is negative */
static gchar *
arc_wire_leave_wrapping(ArcWireFixture *fx)
{
	return arc_wire_peer_leave(fx->peer, G_MININT64 + arc_wire_now(), FALSE);
}

static gchar *
arc_wire_leave_other_key(ArcWireFixture *fx)
{
	return arc_wire_peer_leave(fx->peer, arc_wire_now(), TRUE);
}

static gchar *
arc_wire_leave_signature(ArcWireFixture *fx)
{
	g_autofree gchar *body = arc_wire_peer_leave(fx->peer, arc_wire_now(), FALSE);
	return arc_wire_tamper_flip_bit(body, "signature");
}

static gchar *
arc_wire_leave_license_id(ArcWireFixture *fx)
{
	g_autofree gchar *body = arc_wire_peer_leave(fx->peer, arc_wire_now(), FALSE);
	g_autofree gchar *other = arc_id_new("lic_");
	return arc_wire_tamper_set_string(body, "license_id", other);
}

static gchar *
arc_wire_leave_timestamp(ArcWireFixture *fx)
{
	g_autofree gchar *body = arc_wire_peer_leave(fx->peer, arc_wire_now(), FALSE);
	return arc_wire_tamper_set_int(body, "timestamp", arc_wire_now() - 1);
}

/* another peer's announcement, as far as the agent can tell */
static gchar *
arc_wire_leave_peer_id(ArcWireFixture *fx)
{
	g_autofree gchar *body = arc_wire_peer_leave(fx->peer, arc_wire_now(), FALSE);
	return arc_wire_tamper_set_string(body, "peer_id", arc_test_agent_get_peer_id(fx->agent));
}

static const ArcWireLeaveCase arc_wire_leave_cases[] = {
	{"stale", arc_wire_leave_stale, 422, "HANDSHAKE_FAILED", "session_expired"},
	{"future", arc_wire_leave_future, 422, "HANDSHAKE_FAILED", "session_expired"},
	{"timestamp-wrapping", arc_wire_leave_wrapping, 422, "HANDSHAKE_FAILED", "session_expired"},
	{"other-key", arc_wire_leave_other_key, 422, "HANDSHAKE_FAILED", "invalid_signature"},
	{"signature", arc_wire_leave_signature, 422, "HANDSHAKE_FAILED", "invalid_signature"},
	{"license-id", arc_wire_leave_license_id, 422, "HANDSHAKE_FAILED", "invalid_signature"},
	{"timestamp", arc_wire_leave_timestamp, 422, "HANDSHAKE_FAILED", "invalid_signature"},
	{"peer-id", arc_wire_leave_peer_id, 400, "INVALID_REQUEST", "self"},
};

/* a refused announcement leaves the peer where it was */
static void
arc_wire_leave_refused_func(ArcWireFixture *fx, gconstpointer user_data)
{
	const ArcWireLeaveCase *c = user_data;
	G_GNUC_UNUSED g_autoptr(ArcWireExchange) ex = arc_wire_join(fx);
	g_autofree gchar *before = arc_wire_peer_list(fx);
	g_autofree gchar *body = c->make(fx);
	g_autoptr(ArcTestResponse) resp = arc_wire_leave(fx, body);
	g_autofree gchar *after = NULL;

	arc_wire_assert_refused(resp, c->status, c->code, c->reason);
	after = arc_wire_peer_list(fx);
	g_assert_cmpstr(after, ==, before);
	g_assert_nonnull(strstr(after, arc_wire_peer_get_peer_id(fx->peer)));
}

static void
arc_wire_add(const gchar *path, gconstpointer data, void (*func)(ArcWireFixture *, gconstpointer))
{
	g_test_add(path, ArcWireFixture, data, arc_wire_fixture_setup, func,
		   arc_wire_fixture_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);

	arc_wire_add("/handshake-wire/initiator/accepted", NULL, arc_wire_initiator_accepted_func);
	arc_wire_add("/handshake-wire/initiator/confirm-replayed", NULL,
		     arc_wire_initiator_confirm_replayed_func);
	arc_wire_add("/handshake-wire/initiator/hello-replayed", NULL,
		     arc_wire_initiator_hello_replayed_func);
	arc_wire_add("/handshake-wire/initiator/hello-flood", NULL,
		     arc_wire_initiator_hello_flood_func);
	arc_wire_add("/handshake-wire/initiator/hello-many-ids", NULL,
		     arc_wire_initiator_hello_many_ids_func);
	arc_wire_add("/handshake-wire/initiator/join-token", NULL,
		     arc_wire_initiator_join_token_func);
	arc_wire_add("/handshake-wire/initiator/join-token-stored", NULL,
		     arc_wire_initiator_join_token_stored_func);
	arc_wire_add("/handshake-wire/initiator/unknown-session", NULL,
		     arc_wire_initiator_unknown_session_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_wire_hello_cases); i++) {
		g_autofree gchar *path = g_strdup_printf(
			"/handshake-wire/initiator/hello-altered/%s", arc_wire_hello_cases[i].name);
		arc_wire_add(path, &arc_wire_hello_cases[i], arc_wire_initiator_hello_altered_func);
	}
	for (guint i = 0; i < G_N_ELEMENTS(arc_wire_confirm_cases); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/handshake-wire/initiator/confirm-altered/%s",
					arc_wire_confirm_cases[i].name);
		arc_wire_add(path, &arc_wire_confirm_cases[i],
			     arc_wire_initiator_confirm_altered_func);
	}
	arc_wire_add("/handshake-wire/responder/accepted", NULL, arc_wire_responder_accepted_func);
	arc_wire_add("/handshake-wire/responder/reply-replayed", NULL,
		     arc_wire_responder_reply_replayed_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_wire_reply_cases); i++) {
		g_autofree gchar *path = g_strdup_printf("/handshake-wire/responder/reply-bad/%s",
							 arc_wire_reply_cases[i].name);
		arc_wire_add(path, &arc_wire_reply_cases[i], arc_wire_responder_reply_bad_func);
	}
	arc_wire_add("/handshake-wire/leave/accepted", NULL, arc_wire_leave_accepted_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_wire_leave_cases); i++) {
		g_autofree gchar *path = g_strdup_printf("/handshake-wire/leave/refused/%s",
							 arc_wire_leave_cases[i].name);
		arc_wire_add(path, &arc_wire_leave_cases[i], arc_wire_leave_refused_func);
	}
	return g_test_run();
}
