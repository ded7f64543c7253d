/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-message.h"

#include <arctic-plugin.h>
#include <sodium.h>
#include <string.h>

#define ARC_GOSSIP_MAX_DEPTH 24
#define ARC_GOSSIP_MAX_ID 64

void
arc_gossip_message_free(ArcGossipMessage *self)
{
	if (self == NULL)
		return;
	g_free(self->type);
	g_free(self->from);
	g_free(self->to);
	if (self->body != NULL)
		json_node_unref(self->body);
	g_free(self->signed_bytes);
	g_free(self);
}

static void
arc_gossip_add_string(JsonBuilder *b, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(b, member);
	json_builder_add_string_value(b, value);
}

/* `arctic-gossip-v1 NUL canonical_json(envelope without its signature)` */
static gchar *
arc_gossip_signed_bytes(JsonNode *envelope, gsize *len, GError **error)
{
	g_autofree gchar *canonical = arc_canonical_json(envelope, "signature", error);
	GByteArray *out;

	if (canonical == NULL)
		return NULL;
	out = g_byte_array_new();
	g_byte_array_append(out, (const guint8 *)ARC_GOSSIP_DOMAIN, sizeof(ARC_GOSSIP_DOMAIN));
	g_byte_array_append(out, (const guint8 *)canonical, (guint)strlen(canonical));
	*len = out->len;
	return (gchar *)g_byte_array_free(out, FALSE);
}

/**
 * arc_gossip_message_build:
 * @type: the message type
 * @from: the sender, this agent's peer id
 * @to: the recipient's peer id
 * @timestamp: now, milliseconds since the epoch
 * @body: (transfer none): the message's JSON object
 * @identity: this agent's key
 * @nonce_out: (out caller-allocates) (optional): the fresh nonce, %ARC_GOSSIP_NONCE_SIZE bytes,
 *   which an answer names in its `in_reply_to`
 *
 * `{"version": 1, "type", "from", "to", "timestamp", "nonce", "body", "signature"}`, signed over
 * everything but the signature, with a fresh nonce.
 *
 * Returns: (transfer full): the message
 */
gchar *
arc_gossip_message_build(const gchar *type, const gchar *from, const gchar *to, gint64 timestamp,
			 JsonNode *body, ArcIdentity *identity, guint8 *nonce_out)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *bytes = NULL;
	g_autofree gchar *nonce_b64 = NULL;
	g_autofree gchar *sig_b64 = NULL;
	guint8 nonce[ARC_GOSSIP_NONCE_SIZE];
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gsize len = 0;

	randombytes_buf(nonce, sizeof(nonce));
	if (nonce_out != NULL)
		memcpy(nonce_out, nonce, sizeof(nonce));
	nonce_b64 = g_base64_encode(nonce, sizeof(nonce));
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, ARC_GOSSIP_VERSION);
	arc_gossip_add_string(b, "type", type);
	arc_gossip_add_string(b, "from", from);
	arc_gossip_add_string(b, "to", to);
	json_builder_set_member_name(b, "timestamp");
	json_builder_add_int_value(b, timestamp);
	arc_gossip_add_string(b, "nonce", nonce_b64);
	json_builder_set_member_name(b, "body");
	json_builder_add_value(b, json_node_copy(body));
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	/* the caller's body is ours to trust: it has a canonical form */
	bytes = arc_gossip_signed_bytes(root, &len, NULL);
	g_return_val_if_fail(bytes != NULL, NULL);
	arc_identity_sign(identity, (const guint8 *)bytes, len, signature);
	sig_b64 = g_base64_encode(signature, sizeof(signature));
	json_object_set_string_member(json_node_get_object(root), "signature", sig_b64);
	return json_to_string(root, FALSE);
}

static gboolean
arc_gossip_fail(GError **error, const gchar *what)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "gossip message: %s", what);
	return FALSE;
}

static gboolean
arc_gossip_get_fixed(JsonObject *obj, const gchar *member, guint8 *out, gsize size, GError **error)
{
	const gchar *text = arc_json_object_get_string(obj, member);
	g_autofree guint8 *raw = NULL;
	gsize len = 0;

	if (text != NULL)
		raw = arc_base64_decode_strict(text, -1, &len);
	if (raw == NULL || len != size) {
		g_autofree gchar *what =
			g_strdup_printf("'%s' must be %u bytes of base64", member, (guint)size);
		return arc_gossip_fail(error, what);
	}
	memcpy(out, raw, size);
	return TRUE;
}

static gboolean
arc_gossip_is_token(const gchar *text)
{
	if (text == NULL || text[0] == '\0' || strlen(text) > ARC_GOSSIP_MAX_ID)
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_gossip_message_parse:
 * @data: the request body, untrusted
 * @len: its length
 * @error: return location for a #GError
 *
 * Checks the envelope's shape (not its signature: see arc_gossip_message_verify()).
 *
 * Returns: (transfer full): the message, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcGossipMessage *
arc_gossip_message_parse(const gchar *data, gsize len, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcGossipMessage) msg = g_new0(ArcGossipMessage, 1);
	JsonObject *obj;
	JsonNode *node;

	if (len > ARC_GOSSIP_MAX_SIZE) {
		arc_gossip_fail(error, "too large");
		return NULL;
	}
	root = arc_json_parse_object(data, (gssize)len, ARC_GOSSIP_MAX_DEPTH, error);
	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	node = json_object_get_member(obj, "version");
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64 ||
	    json_node_get_int(node) != ARC_GOSSIP_VERSION) {
		arc_gossip_fail(error, "unsupported version (this agent speaks version 1)");
		return NULL;
	}
	msg->type = g_strdup(arc_json_object_get_string(obj, "type"));
	if (!arc_gossip_is_token(msg->type)) {
		arc_gossip_fail(error, "'type' must be a short word");
		return NULL;
	}
	msg->from = g_strdup(arc_json_object_get_string(obj, "from"));
	if (!arc_id_is_valid(msg->from, "peer_")) {
		arc_gossip_fail(error, "'from' is not a peer id");
		return NULL;
	}
	msg->to = g_strdup(arc_json_object_get_string(obj, "to"));
	if (!arc_id_is_valid(msg->to, "peer_")) {
		arc_gossip_fail(error, "'to' is not a peer id");
		return NULL;
	}
	node = json_object_get_member(obj, "timestamp");
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64 ||
	    json_node_get_int(node) <= 0) {
		arc_gossip_fail(error, "'timestamp' must be a positive integer");
		return NULL;
	}
	msg->timestamp = json_node_get_int(node);
	node = json_object_get_member(obj, "body");
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		arc_gossip_fail(error, "'body' must be an object");
		return NULL;
	}
	if (!arc_gossip_get_fixed(obj, "nonce", msg->nonce, sizeof(msg->nonce), error) ||
	    !arc_gossip_get_fixed(obj, "signature", msg->signature, sizeof(msg->signature), error))
		return NULL;
	msg->signed_bytes = arc_gossip_signed_bytes(root, &msg->signed_len, error);
	if (msg->signed_bytes == NULL)
		return NULL;
	msg->body = json_node_copy(node);
	return g_steal_pointer(&msg);
}

/**
 * arc_gossip_message_verify:
 * @self: a parsed message
 * @key: the key this agent holds for its sender
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the sender signed the message as it arrived
 */
gboolean
arc_gossip_message_verify(const ArcGossipMessage *self, const guint8 *key, GError **error)
{
	if (crypto_sign_verify_detached(self->signature, (const guchar *)self->signed_bytes,
					self->signed_len, key) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "gossip message from %s: bad signature", self->from);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_gossip_message_check_recipient:
 * @self: a message whose signature verified
 * @peer_id: this agent's peer id
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @self is addressed to @peer_id, else %FALSE with
 *   %ARC_ERROR_UNAUTHORIZED: a message one peer received must not be replayed to another
 */
gboolean
arc_gossip_message_check_recipient(const ArcGossipMessage *self, const gchar *peer_id,
				   GError **error)
{
	if (g_strcmp0(self->to, peer_id) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "gossip message from %s refused: it is addressed to another peer (%s)",
			    self->from, self->to);
		return FALSE;
	}
	return TRUE;
}

struct _ArcGossipReplayGuard {
	gint64 max_skew;
	GHashTable *seen; /* "from/nonce" → expiry (ms) */
	gint64 next_prune;
};

/**
 * arc_gossip_replay_guard_new:
 * @max_skew_ms: how far a sender's clock may be from ours
 *
 * Remembers the nonces of accepted messages for as long as their timestamps stay acceptable:
 * a message is refused when its timestamp is outside the window, or when its nonce was seen.
 *
 * Returns: (transfer full): a guard
 */
ArcGossipReplayGuard *
arc_gossip_replay_guard_new(gint64 max_skew_ms)
{
	ArcGossipReplayGuard *self = g_new0(ArcGossipReplayGuard, 1);
	self->max_skew = max_skew_ms;
	self->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return self;
}

void
arc_gossip_replay_guard_free(ArcGossipReplayGuard *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->seen);
	g_free(self);
}

static void
arc_gossip_replay_guard_prune(ArcGossipReplayGuard *self, gint64 now)
{
	GHashTableIter iter;
	gpointer value;

	if (now < self->next_prune)
		return;
	g_hash_table_iter_init(&iter, self->seen);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		if (*(gint64 *)value < now)
			g_hash_table_iter_remove(&iter);
	}
	self->next_prune = now < G_MAXINT64 - 1000 ? now + 1000 : G_MAXINT64;
}

/**
 * arc_gossip_replay_refusal_to_string:
 * @refusal: a verdict of the guard
 *
 * Returns: the `result` label of `arctic_gossip_messages_total`: `ok`, `clock_skew`, `replayed`
 */
const gchar *
arc_gossip_replay_refusal_to_string(ArcGossipReplayRefusal refusal)
{
	switch (refusal) {
	case ARC_GOSSIP_REPLAY_CLOCK_SKEW:
		return "clock_skew";
	case ARC_GOSSIP_REPLAY_REPLAYED:
		return "replayed";
	case ARC_GOSSIP_REPLAY_ACCEPTED:
	default:
		return "ok";
	}
}

/**
 * arc_gossip_replay_guard_check_full:
 * @self: the guard
 * @msg: a message whose signature verified
 * @now_ms: this agent's clock
 * @refusal: (out) (optional): whether the clock or a replay is to blame, for a label
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @msg is fresh and new (it is then remembered); otherwise
 *   %ARC_ERROR_UNAUTHORIZED saying whether the clock or a replay is to blame
 */
gboolean
arc_gossip_replay_guard_check_full(ArcGossipReplayGuard *self, const ArcGossipMessage *msg,
				   gint64 now_ms, ArcGossipReplayRefusal *refusal, GError **error)
{
	g_autofree gchar *nonce = g_base64_encode(msg->nonce, sizeof(msg->nonce));
	g_autofree gchar *key = g_strconcat(msg->from, "/", nonce, NULL);
	/* bounds saturate rather than overflow; the timestamp, the sender's, is never subtracted */
	gint64 lo = now_ms > G_MININT64 + self->max_skew ? now_ms - self->max_skew : G_MININT64;
	gint64 hi = now_ms < G_MAXINT64 - self->max_skew ? now_ms + self->max_skew : G_MAXINT64;
	gint64 *expiry;

	if (refusal != NULL)
		*refusal = ARC_GOSSIP_REPLAY_ACCEPTED;
	if (msg->timestamp < lo || msg->timestamp > hi) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "gossip message from %s refused: its clock is %s than ours by more "
			    "than %" G_GINT64_FORMAT " ms",
			    msg->from, msg->timestamp < now_ms ? "behind" : "ahead",
			    self->max_skew);
		if (refusal != NULL)
			*refusal = ARC_GOSSIP_REPLAY_CLOCK_SKEW;
		return FALSE;
	}
	arc_gossip_replay_guard_prune(self, now_ms);
	if (g_hash_table_contains(self->seen, key)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "gossip message from %s refused: replayed", msg->from);
		if (refusal != NULL)
			*refusal = ARC_GOSSIP_REPLAY_REPLAYED;
		return FALSE;
	}
	expiry = g_new(gint64, 1);
	*expiry = msg->timestamp < G_MAXINT64 - self->max_skew ? msg->timestamp + self->max_skew
							       : G_MAXINT64;
	g_hash_table_insert(self->seen, g_steal_pointer(&key), expiry);
	return TRUE;
}

/**
 * arc_gossip_replay_guard_check:
 * @self: the guard
 * @msg: a message whose signature verified
 * @now_ms: this agent's clock
 * @error: return location for a #GError
 *
 * arc_gossip_replay_guard_check_full() for a caller that needs no label.
 *
 * Returns: %TRUE if @msg is fresh and new
 */
gboolean
arc_gossip_replay_guard_check(ArcGossipReplayGuard *self, const ArcGossipMessage *msg,
			      gint64 now_ms, GError **error)
{
	return arc_gossip_replay_guard_check_full(self, msg, now_ms, NULL, error);
}

guint
arc_gossip_replay_guard_get_size(ArcGossipReplayGuard *self)
{
	return g_hash_table_size(self->seen);
}
