/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker-private.h"

#include <sodium.h>

/* Join tokens (docs/protocol.md §5.7): the consent of the cluster an unknown initiator must
 * show to a member. A token is a replicated `join_token` record holding only the public half
 * of a key pair derived from its secret, so every member can check a proof and none can make
 * one; using it writes the record's tombstone, which gossip carries to every member, so it is
 * spent everywhere. */
#define ARC_JOIN_TOKEN_DEFAULT_TTL 900
#define ARC_JOIN_TOKEN_MAX_TTL 86400
#define ARC_JOIN_TOKEN_SECRET_BYTES 32

void
arc_handshake_session_free(ArcHandshakeSession *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	arc_handshake_peer_free(self->initiator);
	g_free(self->initiator_license_id);
	arc_handshake_peer_free(self->responder);
	arc_handshake_join_free(self->join);
	g_free(self->source);
	sodium_memzero(self->challenge_b, sizeof(self->challenge_b));
	g_free(self);
}

/* what both sides sign for @session */
ArcHandshakeTranscript
arc_handshake_session_transcript(ArcHandshakeSession *session, const gchar *responder_license_id)
{
	ArcHandshakeTranscript t = {
		.initiator = session->initiator,
		.initiator_license_id = session->initiator_license_id,
		.responder = session->responder,
		.responder_license_id = responder_license_id,
		.challenge_a = session->challenge_a,
		.challenge_b = session->challenge_b,
		.session = session->id,
	};
	return t;
}

/**
 * arc_handshaker_new:
 * @handshake_timeout: seconds a handshake request to another agent may take
 * @reach_back_timeout: seconds the responder's check of the initiator's address may take
 * @tls_ca_file: (nullable): extra trust for https:// peers
 *
 * Returns: (transfer full): a handshaker with no session open
 */
ArcHandshaker *
arc_handshaker_new(guint handshake_timeout, guint reach_back_timeout, const gchar *tls_ca_file)
{
	ArcHandshaker *self = g_new0(ArcHandshaker, 1);

	self->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify)arc_handshake_session_free);
	self->in_flight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->client = arc_peer_client_new(handshake_timeout);
	self->probe = arc_peer_client_new(reach_back_timeout);
	/* unreadable: already refused at start (arc_rest_server_listen()) */
	arc_peer_client_set_ca_file(self->client, tls_ca_file, NULL);
	arc_peer_client_set_ca_file(self->probe, tls_ca_file, NULL);
	return self;
}

/**
 * arc_handshaker_set_peers:
 * @self: the handshaker
 * @node: this agent: its peer id, name, key, license plugin, the address it advertises and
 *   the clock join tokens expire by
 * @registry: the replicated records, where join tokens are, and which commits
 * @peers: (transfer none): the peers of the cluster, told of each peer added; must outlive
 *   @self
 */
void
arc_handshaker_set_peers(ArcHandshaker *self, ArcNode *node, ArcRegistry *registry,
			 ArcPeerManager *peers)
{
	g_set_object(&self->node, node);
	g_set_object(&self->registry, registry);
	self->peers = peers;
}

void
arc_handshaker_set_host(ArcHandshaker *self, const ArcHandshakerHost *host, gpointer host_data)
{
	self->host = host;
	self->host_data = host_data;
}

void
arc_handshaker_free(ArcHandshaker *self)
{
	if (self == NULL)
		return;
	if (self->prune_id != 0)
		g_source_remove(self->prune_id);
	g_hash_table_unref(self->sessions);
	g_hash_table_unref(self->in_flight);
	g_clear_object(&self->client);
	g_clear_object(&self->probe);
	g_clear_object(&self->registry);
	g_clear_object(&self->node);
	g_free(self);
}

static void
arc_handshaker_prune(ArcHandshaker *self)
{
	GHashTableIter iter;
	ArcHandshakeSession *session;
	gint64 now = g_get_monotonic_time();

	g_hash_table_iter_init(&iter, self->sessions);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&session)) {
		if (session->expires <= now)
			g_hash_table_iter_remove(&iter);
	}
}

/* Drops the oldest session of those whose initiator (@by_source FALSE) or source address
 * (TRUE) is @key, when they hold @limit already. */
static void
arc_handshaker_limit(ArcHandshaker *self, gboolean by_source, const gchar *key, guint limit)
{
	GHashTableIter iter;
	ArcHandshakeSession *session;
	ArcHandshakeSession *oldest = NULL;
	guint held = 0;

	g_hash_table_iter_init(&iter, self->sessions);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&session)) {
		const gchar *of = by_source ? session->source : session->initiator->peer_id;
		if (g_strcmp0(of, key) != 0)
			continue;
		held++;
		if (oldest == NULL || session->expires < oldest->expires)
			oldest = session;
	}
	if (held >= limit)
		g_hash_table_remove(self->sessions, oldest->id);
}

/* A hello costs the responder a session, so one initiator may hold only a few, and so may
 * one source address: a new hello takes the place of the oldest session of the same peer id
 * or address. A captured hello replayed any number of times thus holds
 * ARC_HANDSHAKE_SESSIONS_PER_PEER sessions, and hellos under ever new ids from one address
 * ARC_HANDSHAKE_SESSIONS_PER_SOURCE, never the table. */
static void
arc_handshaker_make_room(ArcHandshaker *self, const gchar *initiator, const gchar *source)
{
	arc_handshaker_limit(self, FALSE, initiator, ARC_HANDSHAKE_SESSIONS_PER_PEER);
	if (source != NULL)
		arc_handshaker_limit(self, TRUE, source, ARC_HANDSHAKE_SESSIONS_PER_SOURCE);
}

/* sessions an initiator never confirmed go when they expire, not at the next hello */
static gboolean
arc_handshaker_prune_cb(gpointer user_data)
{
	ArcHandshaker *self = user_data;

	arc_handshaker_prune(self);
	if (g_hash_table_size(self->sessions) > 0)
		return G_SOURCE_CONTINUE;
	self->prune_id = 0;
	return G_SOURCE_REMOVE;
}

/**
 * arc_handshaker_open_session:
 * @self: the handshaker
 * @session: (transfer full): a session for a hello whose checks passed, with its initiator
 *   and source
 * @error: return location for a #GError
 *
 * Gives @session a fresh id and its expiry and keeps it for the confirm, in place of the
 * oldest session of the same initiator or source address when they hold their share.
 *
 * Returns: (transfer none) (nullable): @session, or %NULL with
 *   %ARC_HANDSHAKE_REASON_BUSY when the table is full
 */
ArcHandshakeSession *
arc_handshaker_open_session(ArcHandshaker *self, ArcHandshakeSession *session, GError **error)
{
	g_autoptr(ArcHandshakeSession) owned = session;
	guint8 raw[16];
	gchar hex[sizeof(raw) * 2 + 1];

	arc_handshaker_prune(self);
	arc_handshaker_make_room(self, session->initiator->peer_id, session->source);
	if (g_hash_table_size(self->sessions) >= ARC_HANDSHAKE_MAX_SESSIONS) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_BUSY);
		return NULL;
	}
	if (self->prune_id == 0)
		self->prune_id = g_timeout_add_seconds(ARC_HANDSHAKE_SESSION_SECS,
						       arc_handshaker_prune_cb, self);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	g_free(session->id);
	session->id = g_strconcat("hs_", hex, NULL);
	session->expires = g_get_monotonic_time() + ARC_HANDSHAKE_SESSION_SECS * G_USEC_PER_SEC;
	g_hash_table_insert(self->sessions, session->id, g_steal_pointer(&owned));
	return session;
}

/**
 * arc_handshaker_take_session:
 * @self: the handshaker
 * @id: a session id from a confirm, untrusted
 *
 * A confirm counts once: the session goes, used or not.
 *
 * Returns: (transfer full) (nullable): the session, %NULL if unknown, used or expired
 */
ArcHandshakeSession *
arc_handshaker_take_session(ArcHandshaker *self, const gchar *id)
{
	gpointer key = NULL, value = NULL;

	if (!g_hash_table_steal_extended(self->sessions, id, &key, &value))
		return NULL;
	if (((ArcHandshakeSession *)value)->expires <= g_get_monotonic_time()) {
		arc_handshake_session_free(value);
		return NULL;
	}
	return value;
}

guint
arc_handshaker_count_sessions(ArcHandshaker *self)
{
	return g_hash_table_size(self->sessions);
}

/**
 * arc_handshaker_begin_add:
 * @self: the handshaker
 * @address: a peer this agent starts adding
 *
 * Returns: %FALSE if a handshake with @address is already running
 */
gboolean
arc_handshaker_begin_add(ArcHandshaker *self, const gchar *address)
{
	return g_hash_table_add(self->in_flight, g_strdup(address));
}

void
arc_handshaker_end_add(ArcHandshaker *self, const gchar *address)
{
	g_hash_table_remove(self->in_flight, address);
}

ArcPeerClient *
arc_handshaker_get_client(ArcHandshaker *self)
{
	return self->client;
}

ArcPeerClient *
arc_handshaker_get_probe(ArcHandshaker *self)
{
	return self->probe;
}

/* ---- join tokens ---- */

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
arc_handshaker_join_token_body(const guint8 *key, gint64 expires_at, const gchar *created_by)
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
 * arc_handshaker_new_join_token:
 * @self: the handshaker
 * @ttl: seconds the token is valid, 0 for the default (900); at most 86400
 * @txn: where its record is staged
 * @error: return location for a #GError
 *
 * A single-use token with which one new host may join the cluster through any member
 * (`arctic peers add MEMBER --join-token TOKEN` on that host). Only its public key is
 * stored.
 *
 * Returns: (transfer full): the token, shown this once
 */
ArcJoinToken *
arc_handshaker_new_join_token(ArcHandshaker *self, gint64 ttl, ArcStorageTxn *txn, GError **error)
{
	g_autoptr(ArcJoinToken) res = g_new0(ArcJoinToken, 1);
	g_autoptr(ArcRecord) record = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *body = NULL;
	const gchar *own_id = arc_peer_manager_get_local_id(self->peers);
	guint8 raw[ARC_JOIN_TOKEN_SECRET_BYTES];
	guint8 key[ARC_HANDSHAKE_JOIN_KEY_SIZE];

	if (ttl < 0 || ttl > ARC_JOIN_TOKEN_MAX_TTL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'ttl' must be between 1 and %d seconds", ARC_JOIN_TOKEN_MAX_TTL);
		return NULL;
	}
	if (arc_peer_manager_is_deactivated(self->peers)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "this agent has left the cluster");
		return NULL;
	}
	res->id = arc_id_new("jt_");
	res->expires_at = arc_node_now(self->node) + (ttl > 0 ? ttl : ARC_JOIN_TOKEN_DEFAULT_TTL);
	randombytes_buf(raw, sizeof(raw));
	secret = arc_base64url_encode(raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	arc_handshake_join_keypair(res->id, secret, key, NULL);
	res->token = g_strconcat(res->id, ".", secret, NULL);
	sodium_memzero(secret, strlen(secret));
	body = arc_handshaker_join_token_body(key, res->expires_at, own_id);
	record = arc_record_new("join_token", res->id, body);
	record->version = 1;
	record->writer = g_strdup(own_id);
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
	return g_steal_pointer(&res);
}

/* whether this agent has no other peer yet: it then takes its first handshake from anyone
 * whose license passed, as a new agent always did */
static gboolean
arc_handshaker_is_alone(ArcHandshaker *self)
{
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(self->peers, NULL);

	for (guint i = 0; peers != NULL && i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		if (!peer->is_local && g_strcmp0(peer->state, "deactivated") != 0)
			return FALSE;
	}
	return TRUE;
}

/* @join's token is live here and @join's proof was made with it, for @peer and @challenge_a */
static gboolean
arc_handshaker_join_token_verifies(ArcHandshaker *self, const ArcHandshakePeer *peer,
				   const guint8 *challenge_a, const ArcHandshakeJoin *join)
{
	g_autoptr(ArcRecord) record = arc_storage_get_record(
		arc_registry_get_storage(self->registry), "join_token", join->id, NULL);
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
	    json_object_get_int_member_with_default(obj, "expires_at", 0) <=
		    arc_node_now(self->node))
		return FALSE;
	return arc_handshake_join_verify(key, peer->peer_id, peer->public_key, challenge_a,
					 join->proof);
}

/**
 * arc_handshaker_check_join:
 * @self: the handshaker (of the responder)
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
arc_handshaker_check_join(ArcHandshaker *self, const ArcHandshakePeer *peer,
			  const guint8 *challenge_a, const ArcHandshakeJoin *join, gboolean member,
			  gboolean vouched, gchar **token_used, gchar **detail, GError **error)
{
	*token_used = NULL;
	if (member || vouched || arc_handshaker_is_alone(self))
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
	if (!arc_handshaker_join_token_verifies(self, peer, challenge_a, join)) {
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
 * arc_handshaker_stage_join_used:
 * @self: the handshaker
 * @txn: the transaction that stores the new peer
 * @token_id: the join token it came with
 * @peer_id: the new peer
 *
 * Spends the token: its tombstone, which wins over the live record on every member.
 */
void
arc_handshaker_stage_join_used(ArcHandshaker *self, ArcStorageTxn *txn, const gchar *token_id,
			       const gchar *peer_id)
{
	g_autoptr(ArcRecord) old = arc_storage_get_record(arc_registry_get_storage(self->registry),
							  "join_token", token_id, NULL);
	g_autoptr(ArcRecord) spent = NULL;
	g_autofree gchar *body = NULL;

	if (old == NULL)
		return;
	body = g_strdup_printf("{\"used_by\":\"%s\",\"used_at\":%" G_GINT64_FORMAT "}", peer_id,
			       arc_node_now(self->node));
	spent = arc_record_new("join_token", token_id, body);
	spent->version = old->version + 1;
	spent->writer = g_strdup(arc_peer_manager_get_local_id(self->peers));
	spent->deleted = TRUE;
	spent->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, spent);
	g_info("join token %s used by peer %s", token_id, peer_id);
}
