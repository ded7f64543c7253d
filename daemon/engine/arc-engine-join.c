/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-private.h"

#include <sodium.h>

/* Join tokens (docs/protocol.md §5.7): the consent of the cluster an unknown initiator must
 * show to a member. A token is a replicated `join_token` record holding only the public half
 * of a key pair derived from its secret, so every member can check a proof and none can make
 * one; using it writes the record's tombstone, which gossip
 * carries to every member, so it is spent everywhere. */

#define ARC_JOIN_TOKEN_DEFAULT_TTL 900
#define ARC_JOIN_TOKEN_MAX_TTL 86400
#define ARC_JOIN_TOKEN_SECRET_BYTES 32

void
arc_join_token_free(ArcJoinToken *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	if (self->token != NULL) {
		sodium_memzero(self->token, strlen(self->token));
		g_free(self->token);
	}
	g_free(self);
}

static gchar *
arc_engine_join_token_body(const guint8 *key, gint64 expires_at, const gchar *created_by)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *key_b64 = g_base64_encode(key, ARC_HANDSHAKE_JOIN_KEY_SIZE);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "key");
	json_builder_add_string_value(b, key_b64);
	json_builder_set_member_name(b, "expires_at");
	json_builder_add_int_value(b, expires_at);
	json_builder_set_member_name(b, "created_by");
	json_builder_add_string_value(b, created_by);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/**
 * arc_engine_create_join_token:
 * @self: the engine
 * @caller: who is calling (`peers.write`)
 * @ttl: seconds the token is valid, 0 for the default (900); at most 86400
 * @error: return location for a #GError
 *
 * A single-use token with which one new host may join the cluster through any member
 * (`arctic peers add MEMBER --join-token TOKEN` on that host). Only its public key is
 * stored.
 *
 * Returns: (transfer full): the token, shown this once
 */
ArcJoinToken *
arc_engine_create_join_token(ArcEngine *self, const ArcCaller *caller, gint64 ttl, GError **error)
{
	g_autoptr(ArcJoinToken) res = g_new0(ArcJoinToken, 1);
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *body = NULL;
	guint8 raw[ARC_JOIN_TOKEN_SECRET_BYTES];
	guint8 key[ARC_HANDSHAKE_JOIN_KEY_SIZE];

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return NULL;
	if (ttl < 0 || ttl > ARC_JOIN_TOKEN_MAX_TTL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'ttl' must be between 1 and %d seconds", ARC_JOIN_TOKEN_MAX_TTL);
		return NULL;
	}
	if (arc_engine_is_deactivated(self)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "this agent has left the cluster");
		return NULL;
	}
	res->id = arc_id_new("jt_");
	res->expires_at = arc_engine_now(self) + (ttl > 0 ? ttl : ARC_JOIN_TOKEN_DEFAULT_TTL);
	randombytes_buf(raw, sizeof(raw));
	secret = arc_base64url_encode(raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	arc_handshake_join_keypair(res->id, secret, key, NULL);
	res->token = g_strconcat(res->id, ".", secret, NULL);
	sodium_memzero(secret, strlen(secret));
	body = arc_engine_join_token_body(key, res->expires_at, arc_engine_get_peer_id(self));
	record = arc_record_new("join_token", res->id, body);
	record->version = 1;
	record->writer = g_strdup(arc_engine_get_peer_id(self));
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("join token %s created by %s, valid until %" G_GINT64_FORMAT, res->id,
	       arc_caller_describe(caller), res->expires_at);
	return g_steal_pointer(&res);
}

/* whether this agent has no other peer yet: it then takes its first handshake from anyone
 * whose license passed, as a new agent always did */
static gboolean
arc_engine_is_alone(ArcEngine *self)
{
	g_autoptr(GPtrArray) peers = arc_engine_load_peers(self, NULL);

	for (guint i = 0; peers != NULL && i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		if (!peer->is_local && g_strcmp0(peer->state, "deactivated") != 0)
			return FALSE;
	}
	return TRUE;
}

/* @join's token is live here and @join's proof was made with it, for @peer and @challenge_a */
static gboolean
arc_engine_join_token_verifies(ArcEngine *self, const ArcHandshakePeer *peer,
			       const guint8 *challenge_a, const ArcHandshakeJoin *join)
{
	g_autoptr(ArcRecord) record =
		arc_storage_get_record(arc_engine_get_storage(self), "join_token", join->id, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autofree guint8 *key = NULL;
	JsonObject *obj;
	const gchar *key_b64;
	gsize len = 0;

	if (record == NULL || record->deleted)
		return FALSE;
	root = arc_json_parse_object(record->body, -1, 4, NULL);
	obj = root != NULL ? json_node_get_object(root) : NULL;
	key_b64 = obj != NULL ? arc_json_object_get_string(obj, "key") : NULL;
	if (key_b64 != NULL)
		key = arc_base64_decode_strict(key_b64, -1, &len);
	if (key == NULL || len != ARC_HANDSHAKE_JOIN_KEY_SIZE ||
	    json_object_get_int_member_with_default(obj, "expires_at", 0) <= arc_engine_now(self))
		return FALSE;
	return arc_handshake_join_verify(key, peer->peer_id, peer->public_key, challenge_a,
					 join->proof);
}

/**
 * arc_engine_check_join:
 * @self: the engine (the responder)
 * @peer: the initiator, whose other checks passed
 * @challenge_a: its challenge
 * @join: (nullable): the join token it presents
 * @member: it is already a member here, or holds a member's key (a reset host)
 * @vouched: a member gossiped its record to this agent (transitive discovery)
 * @token_used: (out): set to @join's id when the admission rests on it
 * @detail: (out) (optional): what went wrong, for the log and the initiator
 * @error: return location for a #GError, %ARC_HANDSHAKE_ERROR
 *
 * Whether the cluster consents to this initiator: a license alone is never enough once this
 * agent belongs to a cluster (docs/protocol.md §5.7).
 *
 * Returns: %TRUE if it may join
 */
gboolean
arc_engine_check_join(ArcEngine *self, const ArcHandshakePeer *peer, const guint8 *challenge_a,
		      const ArcHandshakeJoin *join, gboolean member, gboolean vouched,
		      gchar **token_used, gchar **detail, GError **error)
{
	*token_used = NULL;
	if (member || vouched || arc_engine_is_alone(self))
		return TRUE;
	if (join == NULL) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_JOIN_TOKEN_REQUIRED);
		*detail = g_strdup_printf(
			"peer %s is not a member of this cluster: create a join token on a member "
			"('arctic cluster join-token create') and pass it to 'arctic peers add "
			"--join-token' on the new host (an agent that already belongs to this "
			"cluster is introduced here by gossip within seconds)",
			peer->peer_id);
		return FALSE;
	}
	if (!arc_engine_join_token_verifies(self, peer, challenge_a, join)) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID);
		*detail = g_strdup_printf("join token %s is unknown here, expired, already used, "
					  "or not the one presented",
					  join->id);
		return FALSE;
	}
	*token_used = g_strdup(join->id);
	return TRUE;
}

/**
 * arc_engine_stage_join_used:
 * @self: the engine
 * @txn: the transaction that stores the new peer
 * @token_id: the join token it came with
 * @peer_id: the new peer
 *
 * Spends the token: its tombstone, which wins over the live record on every member.
 */
void
arc_engine_stage_join_used(ArcEngine *self, ArcStorageTxn *txn, const gchar *token_id,
			   const gchar *peer_id)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(arc_engine_get_storage(self), "join_token", token_id, NULL);
	g_autoptr(ArcRecord) spent = NULL;
	g_autofree gchar *body = NULL;

	if (old == NULL)
		return;
	body = g_strdup_printf("{\"used_by\":\"%s\",\"used_at\":%" G_GINT64_FORMAT "}", peer_id,
			       arc_engine_now(self));
	spent = arc_record_new("join_token", token_id, body);
	spent->version = old->version + 1;
	spent->writer = g_strdup(arc_engine_get_peer_id(self));
	spent->deleted = TRUE;
	spent->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, spent);
	g_info("join token %s used by peer %s", token_id, peer_id);
}
