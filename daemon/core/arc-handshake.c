/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshake.h"

#include "arc-record-sign.h"

#include <arctic-plugin.h>
#include <gio/gio.h>
#include <sodium.h>
#include <string.h>

#define ARC_HANDSHAKE_MAX_DEPTH 10
#define ARC_HANDSHAKE_MAX_NAME 128
#define ARC_HANDSHAKE_MAX_ADDRESS 261 /* a 255-byte host name, ':' and a port */
#define ARC_HANDSHAKE_MAX_SESSION 64
#define ARC_HANDSHAKE_LEAVE_DOMAIN "arctic-leave-v1"

G_DEFINE_QUARK(arc - handshake - error - quark, arc_handshake_error)

static const struct {
	const gchar *reason;
	ArcError code;
	const gchar *message;
} arc_handshake_reasons[] = {
	[ARC_HANDSHAKE_REASON_CONNECTION_REFUSED] = {"connection_refused",
						     ARC_ERROR_PEER_UNREACHABLE,
						     "handshake failed: connection refused"},
	[ARC_HANDSHAKE_REASON_CONNECTION_TIMEOUT] = {"connection_timeout",
						     ARC_ERROR_PEER_UNREACHABLE,
						     "handshake failed: connection timeout"},
	[ARC_HANDSHAKE_REASON_LICENSE_MISMATCH] = {"license_mismatch", ARC_ERROR_LICENSE_MISMATCH,
						   "handshake failed: license mismatch"},
	[ARC_HANDSHAKE_REASON_LICENSE_INVALID] = {"license_invalid", ARC_ERROR_LICENSE_INVALID,
						  "handshake failed: invalid license"},
	[ARC_HANDSHAKE_REASON_LICENSE_EXPIRED] = {"license_expired", ARC_ERROR_LICENSE_EXPIRED,
						  "handshake failed: license expired"},
	[ARC_HANDSHAKE_REASON_INVALID_SIGNATURE] = {"invalid_signature", ARC_ERROR_HANDSHAKE_FAILED,
						    "handshake failed: invalid signature"},
	[ARC_HANDSHAKE_REASON_NODE_LIMIT_EXCEEDED] = {"node_limit_exceeded",
						      ARC_ERROR_NODE_LIMIT_EXCEEDED,
						      "handshake failed: node limit exceeded"},
	[ARC_HANDSHAKE_REASON_ALREADY_EXISTS] = {"already_exists", ARC_ERROR_ALREADY_EXISTS,
						 "peer already exists in cluster"},
	[ARC_HANDSHAKE_REASON_UNREACHABLE_BACK] = {"unreachable_back", ARC_ERROR_PEER_UNREACHABLE,
						   "handshake failed: the peer cannot reach this "
						   "agent at its advertised address"},
	[ARC_HANDSHAKE_REASON_SESSION_EXPIRED] = {"session_expired", ARC_ERROR_HANDSHAKE_FAILED,
						  "handshake failed: session expired or unknown"},
	[ARC_HANDSHAKE_REASON_PROTOCOL_ERROR] = {"protocol_error", ARC_ERROR_HANDSHAKE_FAILED,
						 "handshake failed: invalid handshake message"},
	[ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED] =
		{"not_bootstrapped", ARC_ERROR_HANDSHAKE_FAILED,
		 "handshake failed: the peer is not bootstrapped"},
	[ARC_HANDSHAKE_REASON_REVOKED] = {"revoked", ARC_ERROR_HANDSHAKE_FAILED,
					  "handshake failed: peer has left the cluster"},
	[ARC_HANDSHAKE_REASON_SELF] = {"self", ARC_ERROR_INVALID_REQUEST,
				       "cannot add the local agent as its own peer"},
	[ARC_HANDSHAKE_REASON_BUSY] = {"busy", ARC_ERROR_UNAVAILABLE,
				       "handshake failed: too many handshakes in progress"},
	[ARC_HANDSHAKE_REASON_JOIN_TOKEN_REQUIRED] =
		{"join_token_required", ARC_ERROR_HANDSHAKE_FAILED,
		 "handshake failed: this cluster requires a join token"},
	[ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID] =
		{"join_token_invalid", ARC_ERROR_HANDSHAKE_FAILED,
		 "handshake failed: join token invalid, expired or already used"},
};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_handshake_reasons) == ARC_HANDSHAKE_REASON_LAST);

const gchar *
arc_handshake_reason_to_string(ArcHandshakeReason reason)
{
	g_return_val_if_fail(reason < ARC_HANDSHAKE_REASON_LAST, NULL);
	return arc_handshake_reasons[reason].reason;
}

gboolean
arc_handshake_reason_from_string(const gchar *str, ArcHandshakeReason *reason)
{
	for (guint i = 0; str != NULL && i < ARC_HANDSHAKE_REASON_LAST; i++) {
		if (g_strcmp0(arc_handshake_reasons[i].reason, str) == 0) {
			*reason = (ArcHandshakeReason)i;
			return TRUE;
		}
	}
	return FALSE;
}

/* the API code that goes with @reason */
ArcError
arc_handshake_reason_to_error(ArcHandshakeReason reason)
{
	g_return_val_if_fail(reason < ARC_HANDSHAKE_REASON_LAST, ARC_ERROR_INTERNAL);
	return arc_handshake_reasons[reason].code;
}

/* what the operator reads: the seed guide's words where it has them */
const gchar *
arc_handshake_reason_get_message(ArcHandshakeReason reason)
{
	g_return_val_if_fail(reason < ARC_HANDSHAKE_REASON_LAST, NULL);
	return arc_handshake_reasons[reason].message;
}

void
arc_handshake_set_error(GError **error, ArcHandshakeReason reason)
{
	g_set_error_literal(error, ARC_HANDSHAKE_ERROR, (gint)reason,
			    arc_handshake_reason_get_message(reason));
}

/**
 * arc_handshake_error_convert:
 * @error: (inout) (nullable): an error of %ARC_HANDSHAKE_ERROR
 *
 * Turns a handshake error into the #ArcError its reason maps to, keeping the message, for
 * the adapters (D-Bus) that have no `reason`.
 */
void
arc_handshake_error_convert(GError **error)
{
	GError *old;

	if (error == NULL || *error == NULL || (*error)->domain != ARC_HANDSHAKE_ERROR)
		return;
	old = *error;
	*error = g_error_new_literal(ARC_ERROR,
				     arc_handshake_reason_to_error((ArcHandshakeReason)old->code),
				     old->message);
	g_error_free(old);
}

void
arc_handshake_peer_free(ArcHandshakePeer *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->name);
	g_free(self->address);
	g_free(self->public_key);
	g_free(self->license);
	g_clear_pointer(&self->record, arc_record_free);
	g_free(self);
}

/**
 * arc_handshake_peer_new:
 * @peer_id: the peer id
 * @name: (nullable): the peer's name
 * @address: `host:port` of its API
 * @key: its Ed25519 public key
 * @license: its license document
 *
 * Returns: (transfer full): an identity record to send
 */
ArcHandshakePeer *
arc_handshake_peer_new(const gchar *peer_id, const gchar *name, const gchar *address,
		       const guint8 *key, const gchar *license)
{
	ArcHandshakePeer *self = g_new0(ArcHandshakePeer, 1);
	self->peer_id = g_strdup(peer_id);
	self->name = g_strdup(name != NULL ? name : "");
	self->address = g_strdup(address);
	memcpy(self->key, key, sizeof(self->key));
	self->public_key = g_base64_encode(key, sizeof(self->key));
	self->license = g_strdup(license);
	return self;
}

void
arc_handshake_message_free(ArcHandshakeMessage *self)
{
	if (self == NULL)
		return;
	arc_handshake_peer_free(self->peer);
	g_free(self->session);
	arc_handshake_join_free(self->join);
	g_free(self);
}

void
arc_handshake_join_free(ArcHandshakeJoin *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self);
}

#define ARC_HANDSHAKE_JOIN_ID_LEN (3 + 26)
#define ARC_HANDSHAKE_JOIN_SECRET_LEN 43 /* base64url of 32 bytes, unpadded */

static gboolean
arc_handshake_join_id_is_valid(const gchar *id)
{
	if (id == NULL || strlen(id) != ARC_HANDSHAKE_JOIN_ID_LEN || !g_str_has_prefix(id, "jt_"))
		return FALSE;
	for (const gchar *p = id + 3; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p))
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_handshake_join_token_split:
 * @token: a join token as `arctic cluster join-token create` printed it, `<id>.<secret>`
 * @id: (out): its id
 * @secret: (out): its secret; the caller wipes it
 *
 * Returns: whether @token has that form
 */
gboolean
arc_handshake_join_token_split(const gchar *token, gchar **id, gchar **secret)
{
	const gchar *dot = token != NULL ? strchr(token, '.') : NULL;
	g_autofree gchar *head = NULL;

	if (dot == NULL || strlen(dot + 1) != ARC_HANDSHAKE_JOIN_SECRET_LEN)
		return FALSE;
	head = g_strndup(token, dot - token);
	if (!arc_handshake_join_id_is_valid(head))
		return FALSE;
	for (const gchar *p = dot + 1; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return FALSE;
	}
	*id = g_steal_pointer(&head);
	*secret = g_strdup(dot + 1);
	return TRUE;
}

/**
 * arc_handshake_join_keypair:
 * @id: the token's id
 * @secret: its secret
 * @public_key: (out caller-allocates): %ARC_HANDSHAKE_JOIN_KEY_SIZE bytes
 * @secret_key: (out caller-allocates) (nullable): %ARC_HANDSHAKE_JOIN_SECRET_SIZE bytes, to
 *   be wiped by the caller
 *
 * The Ed25519 key pair of a join token, seeded with BLAKE2b-256 of
 * `"arctic-join-token-v1" 0x00 id 0x00 secret`. Members store and replicate only the public
 * key: a copy of it (from gossip in clear, or a member's database) verifies a proof but
 * cannot make one. The secret is 256 random bits, so no salt or slow hash is needed.
 */
void
arc_handshake_join_keypair(const gchar *id, const gchar *secret, guint8 *public_key,
			   guint8 *secret_key)
{
	crypto_generichash_state st;
	static const guint8 zero = 0;
	guint8 seed[crypto_sign_SEEDBYTES];
	guint8 sk[crypto_sign_SECRETKEYBYTES];

	crypto_generichash_init(&st, NULL, 0, sizeof(seed));
	crypto_generichash_update(&st, (const guint8 *)"arctic-join-token-v1", 20);
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const guint8 *)id, strlen(id));
	crypto_generichash_update(&st, &zero, 1);
	crypto_generichash_update(&st, (const guint8 *)secret, strlen(secret));
	crypto_generichash_final(&st, seed, sizeof(seed));
	crypto_sign_seed_keypair(public_key, sk, seed);
	if (secret_key != NULL)
		memcpy(secret_key, sk, sizeof(sk));
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
}

/* `"arctic-join-v1" 0x00 peer_id 0x00 public_key 0x00 challenge_a`, what a proof signs */
static GByteArray *
arc_handshake_join_message(const gchar *peer_id, const gchar *public_key, const guint8 *challenge_a)
{
	GByteArray *msg = g_byte_array_new();
	static const guint8 zero = 0;

	g_byte_array_append(msg, (const guint8 *)"arctic-join-v1", 14);
	g_byte_array_append(msg, &zero, 1);
	g_byte_array_append(msg, (const guint8 *)peer_id, strlen(peer_id));
	g_byte_array_append(msg, &zero, 1);
	g_byte_array_append(msg, (const guint8 *)public_key, strlen(public_key));
	g_byte_array_append(msg, &zero, 1);
	g_byte_array_append(msg, challenge_a, ARC_HANDSHAKE_CHALLENGE_SIZE);
	return msg;
}

/**
 * arc_handshake_join_proof:
 * @secret_key: the token's secret key (arc_handshake_join_keypair())
 * @peer_id: the initiator
 * @public_key: its key, base64
 * @challenge_a: its challenge in this exchange
 * @proof: (out caller-allocates): %ARC_HANDSHAKE_JOIN_PROOF_SIZE bytes
 *
 * The token key's signature over the initiator's id, key and challenge: someone who reads
 * the hello learns nothing they could present for another key or another exchange.
 */
void
arc_handshake_join_proof(const guint8 *secret_key, const gchar *peer_id, const gchar *public_key,
			 const guint8 *challenge_a, guint8 *proof)
{
	g_autoptr(GByteArray) msg = arc_handshake_join_message(peer_id, public_key, challenge_a);

	crypto_sign_detached(proof, NULL, msg->data, msg->len, secret_key);
}

/**
 * arc_handshake_join_verify:
 * @token_key: the token's public key, as members store it
 * @peer_id: the initiator
 * @public_key: its key, base64
 * @challenge_a: its challenge in this exchange
 * @proof: the proof its hello carries
 *
 * Returns: whether @proof was made with the token for this initiator and exchange
 */
gboolean
arc_handshake_join_verify(const guint8 *token_key, const gchar *peer_id, const gchar *public_key,
			  const guint8 *challenge_a, const guint8 *proof)
{
	g_autoptr(GByteArray) msg = arc_handshake_join_message(peer_id, public_key, challenge_a);

	return crypto_sign_verify_detached(proof, msg->data, msg->len, token_key) == 0;
}

static gboolean
arc_handshake_fail(GError **error, const gchar *what)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "handshake message: %s", what);
	return FALSE;
}

static gboolean
arc_handshake_get_fixed(JsonObject *obj, const gchar *member, guint8 *out, gsize size,
			GError **error)
{
	const gchar *text = arc_json_object_get_string(obj, member);
	g_autofree guint8 *raw = NULL;
	gsize len = 0;

	if (text != NULL)
		raw = arc_base64_decode_strict(text, -1, &len);
	if (raw == NULL || len != size) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "handshake message: '%s' must be %u bytes of base64", member,
			    (guint)size);
		return FALSE;
	}
	memcpy(out, raw, size);
	return TRUE;
}

#define ARC_HANDSHAKE_TLS_SCHEME "https://"

/**
 * arc_handshake_address_is_tls:
 * @address: the API address of an agent
 *
 * Returns: whether it is `https://host:port`: an agent serving its API over TLS
 */
gboolean
arc_handshake_address_is_tls(const gchar *address)
{
	return address != NULL && g_ascii_strncasecmp(address, ARC_HANDSHAKE_TLS_SCHEME,
						      strlen(ARC_HANDSHAKE_TLS_SCHEME)) == 0;
}

/**
 * arc_handshake_address_host_port:
 * @address: the API address of an agent, `host:port` or `https://host:port`
 *
 * Returns: (transfer none): its `host:port`, within @address
 */
const gchar *
arc_handshake_address_host_port(const gchar *address)
{
	if (arc_handshake_address_is_tls(address))
		return address + strlen(ARC_HANDSHAKE_TLS_SCHEME);
	return address;
}

/* host:port, [v6]:port, either after https:// (docs/tls.md); the host is not resolved here */
gboolean
arc_handshake_address_is_valid(const gchar *address)
{
	g_autoptr(GSocketConnectable) parsed = NULL;

	if (address == NULL)
		return FALSE;
	address = arc_handshake_address_host_port(address);
	if (strlen(address) > ARC_HANDSHAKE_MAX_ADDRESS)
		return FALSE;
	for (const gchar *p = address; *p != '\0'; p++) {
		if (!g_ascii_isgraph(*p))
			return FALSE;
	}
	parsed = g_network_address_parse(address, 0, NULL);
	return parsed != NULL && g_network_address_get_port(G_NETWORK_ADDRESS(parsed)) != 0;
}

static ArcHandshakePeer *
arc_handshake_parse_peer(JsonObject *parent, GError **error)
{
	JsonNode *node = json_object_get_member(parent, "peer");
	g_autoptr(ArcHandshakePeer) peer = g_new0(ArcHandshakePeer, 1);
	JsonObject *obj;
	JsonNode *license;
	const gchar *name;
	g_autofree gchar *canonical = NULL;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		arc_handshake_fail(error, "'peer' must be an identity record");
		return NULL;
	}
	obj = json_node_get_object(node);
	peer->peer_id = g_strdup(arc_json_object_get_string(obj, "peer_id"));
	if (!arc_id_is_valid(peer->peer_id, "peer_")) {
		arc_handshake_fail(error, "'peer_id' is not a peer id");
		return NULL;
	}
	name = arc_json_object_get_string(obj, "name");
	if (name == NULL || strlen(name) > ARC_HANDSHAKE_MAX_NAME) {
		arc_handshake_fail(error, "'name' must be a string of at most 128 bytes");
		return NULL;
	}
	if (!arc_text_check_label(name, "name", ARC_HANDSHAKE_MAX_NAME, NULL)) {
		arc_handshake_fail(error, "'name' must not contain control or bidirectional "
					  "formatting characters");
		return NULL;
	}
	peer->name = g_strdup(name);
	peer->address = g_strdup(arc_json_object_get_string(obj, "address"));
	if (!arc_handshake_address_is_valid(peer->address)) {
		arc_handshake_fail(error, "'address' must be host:port");
		return NULL;
	}
	if (!arc_handshake_get_fixed(obj, "public_key", peer->key, sizeof(peer->key), error))
		return NULL;
	peer->public_key = g_base64_encode(peer->key, sizeof(peer->key));
	license = json_object_get_member(obj, "license");
	if (license == NULL || !JSON_NODE_HOLDS_OBJECT(license)) {
		arc_handshake_fail(error, "'license' must be the license object");
		return NULL;
	}
	/* a license is verified in its canonical form; one that has none (e.g. a number out of
	 * range) is no license */
	canonical = arc_canonical_json(license, NULL, NULL);
	if (canonical == NULL) {
		arc_handshake_fail(error, "'license' must be a license object");
		return NULL;
	}
	peer->license = json_to_string(license, FALSE);
	node = json_object_get_member(obj, "record");
	if (node != NULL) {
		peer->record = arc_record_from_json(node, error);
		if (peer->record == NULL) {
			g_prefix_error(error, "handshake message: ");
			return NULL;
		}
	}
	return g_steal_pointer(&peer);
}

static JsonObject *
arc_handshake_parse_envelope(const gchar *data, gsize len, JsonNode **root, GError **error)
{
	JsonNode *version;
	JsonObject *obj;

	if (len > ARC_HANDSHAKE_MAX_SIZE) {
		arc_handshake_fail(error, "too large");
		return NULL;
	}
	*root = arc_json_parse_object(data, (gssize)len, ARC_HANDSHAKE_MAX_DEPTH, error);
	if (*root == NULL)
		return NULL;
	obj = json_node_get_object(*root);
	version = json_object_get_member(obj, "version");
	if (version == NULL || json_node_get_value_type(version) != G_TYPE_INT64 ||
	    json_node_get_int(version) != ARC_HANDSHAKE_VERSION) {
		arc_handshake_fail(error, "unsupported version (this agent speaks version 1)");
		return NULL;
	}
	return obj;
}

static gboolean
arc_handshake_parse_session(JsonObject *obj, ArcHandshakeMessage *msg, GError **error)
{
	const gchar *session = arc_json_object_get_string(obj, "session");

	if (session == NULL || session[0] == '\0' || strlen(session) > ARC_HANDSHAKE_MAX_SESSION) {
		arc_handshake_fail(error, "'session' must be a short string");
		return FALSE;
	}
	for (const gchar *p = session; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_')
			return arc_handshake_fail(error, "'session' must be a short string");
	}
	msg->session = g_strdup(session);
	return TRUE;
}

/* the optional `join_token` of a hello: {"id": "jt_<ULID>", "proof": <32 bytes>} */
static gboolean
arc_handshake_parse_join(JsonObject *obj, ArcHandshakeMessage *msg, GError **error)
{
	JsonNode *node = json_object_get_member(obj, "join_token");
	JsonObject *join = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
	g_autoptr(ArcHandshakeJoin) parsed = g_new0(ArcHandshakeJoin, 1);
	const gchar *id = join != NULL ? arc_json_object_get_string(join, "id") : NULL;

	if (!arc_handshake_join_id_is_valid(id))
		return arc_handshake_fail(error, "'join_token' must be {\"id\": \"jt_…\", "
						 "\"proof\": …}");
	if (!arc_handshake_get_fixed(join, "proof", parsed->proof, sizeof(parsed->proof), error))
		return FALSE;
	parsed->id = g_strdup(id);
	msg->join = g_steal_pointer(&parsed);
	return TRUE;
}

/**
 * arc_handshake_parse_hello:
 * @data: the request body, untrusted
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the initiator's record and challenge, or %NULL with
 *   %ARC_ERROR_INVALID_REQUEST
 */
ArcHandshakeMessage *
arc_handshake_parse_hello(const gchar *data, gsize len, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcHandshakeMessage) msg = g_new0(ArcHandshakeMessage, 1);
	JsonObject *obj = arc_handshake_parse_envelope(data, len, &root, error);

	if (obj == NULL)
		return NULL;
	msg->peer = arc_handshake_parse_peer(obj, error);
	if (msg->peer == NULL || !arc_handshake_get_fixed(obj, "challenge", msg->challenge,
							  sizeof(msg->challenge), error))
		return NULL;
	msg->discovery = json_object_get_boolean_member_with_default(obj, "discovery", FALSE);
	if (json_object_has_member(obj, "join_token") && !arc_handshake_parse_join(obj, msg, error))
		return NULL;
	return g_steal_pointer(&msg);
}

/**
 * arc_handshake_parse_reply:
 * @data: the response body, untrusted
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the responder's session, record, challenge and signature
 */
ArcHandshakeMessage *
arc_handshake_parse_reply(const gchar *data, gsize len, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcHandshakeMessage) msg = g_new0(ArcHandshakeMessage, 1);
	JsonObject *obj = arc_handshake_parse_envelope(data, len, &root, error);

	if (obj == NULL || !arc_handshake_parse_session(obj, msg, error))
		return NULL;
	msg->peer = arc_handshake_parse_peer(obj, error);
	if (msg->peer == NULL ||
	    !arc_handshake_get_fixed(obj, "challenge", msg->challenge, sizeof(msg->challenge),
				     error) ||
	    !arc_handshake_get_fixed(obj, "signature", msg->signature, sizeof(msg->signature),
				     error))
		return NULL;
	return g_steal_pointer(&msg);
}

/**
 * arc_handshake_parse_confirm:
 * @data: the request body, untrusted
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the session and the initiator's signature
 */
ArcHandshakeMessage *
arc_handshake_parse_confirm(const gchar *data, gsize len, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcHandshakeMessage) msg = g_new0(ArcHandshakeMessage, 1);
	JsonObject *obj = arc_handshake_parse_envelope(data, len, &root, error);

	if (obj == NULL || !arc_handshake_parse_session(obj, msg, error) ||
	    !arc_handshake_get_fixed(obj, "signature", msg->signature, sizeof(msg->signature),
				     error))
		return NULL;
	return g_steal_pointer(&msg);
}

static void
arc_handshake_add_bytes(JsonBuilder *b, const gchar *member, const guint8 *data, gsize len)
{
	g_autofree gchar *text = g_base64_encode(data, len);
	json_builder_set_member_name(b, member);
	json_builder_add_string_value(b, text);
}

static void
arc_handshake_add_string(JsonBuilder *b, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(b, member);
	json_builder_add_string_value(b, value);
}

static void
arc_handshake_add_peer(JsonBuilder *b, const ArcHandshakePeer *peer)
{
	g_autoptr(JsonNode) license = json_from_string(peer->license, NULL);

	json_builder_set_member_name(b, "peer");
	json_builder_begin_object(b);
	arc_handshake_add_string(b, "peer_id", peer->peer_id);
	arc_handshake_add_string(b, "name", peer->name);
	arc_handshake_add_string(b, "address", peer->address);
	arc_handshake_add_string(b, "public_key", peer->public_key);
	json_builder_set_member_name(b, "license");
	if (license != NULL)
		json_builder_add_value(b, g_steal_pointer(&license));
	else
		json_builder_add_null_value(b);
	if (peer->record != NULL) {
		json_builder_set_member_name(b, "record");
		arc_record_add_json(b, peer->record);
	}
	json_builder_end_object(b);
}

static gchar *
arc_handshake_finish(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = NULL;
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

static JsonBuilder *
arc_handshake_begin(void)
{
	JsonBuilder *b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, ARC_HANDSHAKE_VERSION);
	return b;
}

/**
 * arc_handshake_hello_to_json:
 * @peer: the initiator's record
 * @challenge: its fresh challenge
 * @discovery: the initiator learned of the responder through the cluster
 *
 * Returns: (transfer full): the body of `POST /v1/handshake/hello`
 */
gchar *
arc_handshake_hello_to_json(const ArcHandshakePeer *peer, const guint8 *challenge,
			    gboolean discovery)
{
	return arc_handshake_hello_to_json_full(peer, challenge, discovery, NULL);
}

/**
 * arc_handshake_hello_to_json_full:
 * @peer: the initiator's record
 * @challenge: its fresh challenge
 * @discovery: the initiator learned of the responder through the cluster
 * @join: (nullable): the join token it presents
 *
 * Returns: (transfer full): the body of `POST /v1/handshake/hello`
 */
gchar *
arc_handshake_hello_to_json_full(const ArcHandshakePeer *peer, const guint8 *challenge,
				 gboolean discovery, const ArcHandshakeJoin *join)
{
	g_autoptr(JsonBuilder) b = arc_handshake_begin();
	arc_handshake_add_peer(b, peer);
	arc_handshake_add_bytes(b, "challenge", challenge, ARC_HANDSHAKE_CHALLENGE_SIZE);
	if (discovery) {
		json_builder_set_member_name(b, "discovery");
		json_builder_add_boolean_value(b, TRUE);
	}
	if (join != NULL) {
		json_builder_set_member_name(b, "join_token");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, join->id);
		arc_handshake_add_bytes(b, "proof", join->proof, sizeof(join->proof));
		json_builder_end_object(b);
	}
	return arc_handshake_finish(b);
}

/**
 * arc_handshake_reply_to_json:
 * @session: the responder's session id
 * @peer: the responder's record
 * @challenge: its fresh challenge
 * @signature: its signature over the transcript
 *
 * Returns: (transfer full): the answer to a hello
 */
gchar *
arc_handshake_reply_to_json(const gchar *session, const ArcHandshakePeer *peer,
			    const guint8 *challenge, const guint8 *signature)
{
	g_autoptr(JsonBuilder) b = arc_handshake_begin();
	arc_handshake_add_string(b, "session", session);
	arc_handshake_add_peer(b, peer);
	arc_handshake_add_bytes(b, "challenge", challenge, ARC_HANDSHAKE_CHALLENGE_SIZE);
	arc_handshake_add_bytes(b, "signature", signature, ARC_IDENTITY_SIGNATURE_SIZE);
	return arc_handshake_finish(b);
}

/**
 * arc_handshake_confirm_to_json:
 * @session: the responder's session id
 * @signature: the initiator's signature over the transcript
 *
 * Returns: (transfer full): the body of `POST /v1/handshake/confirm`
 */
gchar *
arc_handshake_confirm_to_json(const gchar *session, const guint8 *signature)
{
	g_autoptr(JsonBuilder) b = arc_handshake_begin();
	arc_handshake_add_string(b, "session", session);
	arc_handshake_add_bytes(b, "signature", signature, ARC_IDENTITY_SIGNATURE_SIZE);
	return arc_handshake_finish(b);
}

static void
arc_handshake_add_side(JsonBuilder *b, const gchar *member, const ArcHandshakePeer *peer,
		       const gchar *license_id)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_object(b);
	arc_handshake_add_string(b, "peer_id", peer->peer_id);
	arc_handshake_add_string(b, "name", peer->name);
	arc_handshake_add_string(b, "address", peer->address);
	arc_handshake_add_string(b, "public_key", peer->public_key);
	arc_handshake_add_string(b, "license_id", license_id);
	json_builder_end_object(b);
}

/**
 * arc_handshake_transcript_bytes:
 * @transcript: what the signatures bind
 * @role: whose signature
 * @len: (out): the length
 *
 * Returns: (transfer full): `arctic-handshake-v1 NUL role NUL canonical-json`
 */
gchar *
arc_handshake_transcript_bytes(const ArcHandshakeTranscript *transcript, ArcHandshakeRole role,
			       gsize *len)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *canonical = NULL;
	const gchar *role_name = role == ARC_HANDSHAKE_ROLE_INITIATOR ? "initiator" : "responder";
	GByteArray *out = g_byte_array_new();

	json_builder_begin_object(b);
	arc_handshake_add_bytes(b, "challenge_a", transcript->challenge_a,
				ARC_HANDSHAKE_CHALLENGE_SIZE);
	arc_handshake_add_bytes(b, "challenge_b", transcript->challenge_b,
				ARC_HANDSHAKE_CHALLENGE_SIZE);
	arc_handshake_add_side(b, "initiator", transcript->initiator,
			       transcript->initiator_license_id);
	arc_handshake_add_side(b, "responder", transcript->responder,
			       transcript->responder_license_id);
	arc_handshake_add_string(b, "session", transcript->session);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	/* strings only: the canonical form always exists */
	canonical = arc_canonical_json(root, NULL, NULL);
	g_byte_array_append(out, (const guint8 *)ARC_HANDSHAKE_DOMAIN,
			    sizeof(ARC_HANDSHAKE_DOMAIN));
	g_byte_array_append(out, (const guint8 *)role_name, (guint)strlen(role_name) + 1);
	g_byte_array_append(out, (const guint8 *)canonical, (guint)strlen(canonical));
	*len = out->len;
	return (gchar *)g_byte_array_free(out, FALSE);
}

/**
 * arc_handshake_sign:
 * @transcript: what the signature binds
 * @role: the signer's role
 * @identity: the signer's key
 * @signature: (out caller-allocates): 64 bytes
 */
void
arc_handshake_sign(const ArcHandshakeTranscript *transcript, ArcHandshakeRole role,
		   ArcIdentity *identity, guint8 *signature)
{
	gsize len = 0;
	g_autofree gchar *bytes = arc_handshake_transcript_bytes(transcript, role, &len);
	arc_identity_sign(identity, (const guint8 *)bytes, len, signature);
}

/**
 * arc_handshake_verify:
 * @transcript: what the signature must bind
 * @role: the role the signer claims
 * @key: the signer's public key, from its identity record
 * @signature: the signature
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the signature is good; otherwise %ARC_ERROR_HANDSHAKE_FAILED with the
 *   seed guide's words
 */
gboolean
arc_handshake_verify(const ArcHandshakeTranscript *transcript, ArcHandshakeRole role,
		     const guint8 *key, const guint8 *signature, GError **error)
{
	gsize len = 0;
	g_autofree gchar *bytes = arc_handshake_transcript_bytes(transcript, role, &len);

	if (crypto_sign_verify_detached(signature, (const guchar *)bytes, len, key) != 0) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return FALSE;
	}
	return TRUE;
}

static gchar *
arc_handshake_leave_bytes(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
			  gsize *len)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *canonical = NULL;
	GByteArray *out = g_byte_array_new();

	json_builder_begin_object(b);
	arc_handshake_add_string(b, "license_id", license_id);
	arc_handshake_add_string(b, "peer_id", peer_id);
	json_builder_set_member_name(b, "timestamp");
	json_builder_add_int_value(b, timestamp);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	canonical = arc_canonical_json(root, NULL, NULL);
	g_byte_array_append(out, (const guint8 *)ARC_HANDSHAKE_LEAVE_DOMAIN,
			    sizeof(ARC_HANDSHAKE_LEAVE_DOMAIN));
	g_byte_array_append(out, (const guint8 *)canonical, strlen(canonical));
	*len = out->len;
	return (gchar *)g_byte_array_free(out, FALSE);
}

/**
 * arc_handshake_leave_to_json:
 * @peer_id: the peer that leaves
 * @license_id: its license
 * @timestamp: now, seconds since the epoch
 * @identity: its key
 *
 * The signed deactivation announcement of `DELETE /v1/peers/self`, the body of
 * `POST /v1/handshake/leave`.
 *
 * Returns: (transfer full): the message
 */
gchar *
arc_handshake_leave_to_json(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
			    ArcIdentity *identity)
{
	g_autoptr(JsonBuilder) b = arc_handshake_begin();
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gsize len = 0;
	g_autofree gchar *bytes = arc_handshake_leave_bytes(peer_id, license_id, timestamp, &len);

	arc_identity_sign(identity, (const guint8 *)bytes, len, signature);
	arc_handshake_add_string(b, "peer_id", peer_id);
	arc_handshake_add_string(b, "license_id", license_id);
	json_builder_set_member_name(b, "timestamp");
	json_builder_add_int_value(b, timestamp);
	arc_handshake_add_bytes(b, "signature", signature, sizeof(signature));
	return arc_handshake_finish(b);
}

/**
 * arc_handshake_parse_leave:
 * @data: the request body, untrusted
 * @len: its length
 * @peer_id: (out): the peer that leaves
 * @license_id: (out): its license id
 * @timestamp: (out): when it signed
 * @signature: (out caller-allocates): 64 bytes
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the message is well formed (not yet verified)
 */
gboolean
arc_handshake_parse_leave(const gchar *data, gsize len, gchar **peer_id, gchar **license_id,
			  gint64 *timestamp, guint8 *signature, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj = arc_handshake_parse_envelope(data, len, &root, error);
	JsonNode *ts;
	const gchar *id, *lic;

	if (obj == NULL)
		return FALSE;
	id = arc_json_object_get_string(obj, "peer_id");
	if (!arc_id_is_valid(id, "peer_"))
		return arc_handshake_fail(error, "'peer_id' is not a peer id");
	lic = arc_json_object_get_string(obj, "license_id");
	if (lic == NULL || lic[0] == '\0' || strlen(lic) > ARC_HANDSHAKE_MAX_NAME)
		return arc_handshake_fail(error, "'license_id' must be a short string");
	ts = json_object_get_member(obj, "timestamp");
	if (ts == NULL || json_node_get_value_type(ts) != G_TYPE_INT64)
		return arc_handshake_fail(error, "'timestamp' must be an integer");
	if (!arc_handshake_get_fixed(obj, "signature", signature, ARC_IDENTITY_SIGNATURE_SIZE,
				     error))
		return FALSE;
	*timestamp = json_node_get_int(ts);
	*peer_id = g_strdup(id);
	*license_id = g_strdup(lic);
	return TRUE;
}

gboolean
arc_handshake_verify_leave(const gchar *peer_id, const gchar *license_id, gint64 timestamp,
			   const guint8 *key, const guint8 *signature, GError **error)
{
	gsize len = 0;
	g_autofree gchar *bytes = arc_handshake_leave_bytes(peer_id, license_id, timestamp, &len);

	if (crypto_sign_verify_detached(signature, (const guchar *)bytes, len, key) != 0) {
		arc_handshake_set_error(error, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return FALSE;
	}
	return TRUE;
}
