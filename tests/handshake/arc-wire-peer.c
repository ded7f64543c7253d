/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-wire-peer.h"

#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "arc-error-map.h"
#include "arc-record-sign.h"
#include "arc-wire-tamper.h"

struct _ArcWirePeer {
	GObject parent_instance;
	gchar *dir;
	ArcIdentity *identity;
	ArcIdentity *other; /* another agent's key, for an attacker to substitute */
	gchar *peer_id;
	gchar *address;
	GMainContext *context; /* of the server thread */
	GMainLoop *loop;
	SoupServer *server;
	GThread *thread;

	/* what the server thread shares with the test */
	GMutex mutex;
	ArcHandshakePeer *record;
	gchar *license_id;
	ArcWireReply reply;
	gboolean refuse_confirm;
	gchar *last_reply;
	guint hellos;
	guint confirms;
	guint verified_confirms;
	guint probes;

	/* the pending exchange as responder */
	ArcHandshakePeer *initiator;
	gchar *initiator_license_id;
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	guint8 challenge_b[ARC_HANDSHAKE_CHALLENGE_SIZE];
	gchar *session;
};

G_DEFINE_FINAL_TYPE(ArcWirePeer, arc_wire_peer, G_TYPE_OBJECT)

static gboolean
arc_wire_peer_quit_cb(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

static void
arc_wire_peer_rm_dir(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		g_unlink(child);
	}
	g_rmdir(path);
}

static void
arc_wire_peer_finalize(GObject *object)
{
	ArcWirePeer *self = ARC_WIRE_PEER(object);

	if (self->thread != NULL) {
		/* an idle source, not g_main_loop_quit(): the loop may not be running yet */
		g_main_context_invoke(self->context, arc_wire_peer_quit_cb, self->loop);
		g_thread_join(self->thread);
	}
	if (self->server != NULL) {
		g_main_context_push_thread_default(self->context);
		soup_server_disconnect(self->server);
		g_clear_object(&self->server);
		g_main_context_pop_thread_default(self->context);
	}
	g_clear_pointer(&self->loop, g_main_loop_unref);
	g_clear_pointer(&self->context, g_main_context_unref);
	g_clear_object(&self->identity);
	g_clear_object(&self->other);
	if (self->dir != NULL && g_getenv("ARC_TEST_KEEP_TMPDIR") == NULL)
		arc_wire_peer_rm_dir(self->dir);
	g_free(self->dir);
	g_free(self->peer_id);
	g_free(self->address);
	arc_handshake_peer_free(self->record);
	g_free(self->license_id);
	g_free(self->last_reply);
	arc_handshake_peer_free(self->initiator);
	g_free(self->initiator_license_id);
	g_free(self->session);
	g_mutex_clear(&self->mutex);
	G_OBJECT_CLASS(arc_wire_peer_parent_class)->finalize(object);
}

static void
arc_wire_peer_class_init(ArcWirePeerClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_wire_peer_finalize;
}

static void
arc_wire_peer_init(ArcWirePeer *self)
{
	g_mutex_init(&self->mutex);
}

static gchar *
arc_wire_peer_license_id(const gchar *license)
{
	g_autoptr(ArcLicense) parsed = arc_license_parse(license, -1, NULL);
	return parsed != NULL ? g_strdup(parsed->license_id) : NULL;
}

/* ---- the server thread ---- */

static void
arc_wire_peer_send_json(SoupServerMessage *msg, guint status, const gchar *body)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_COPY, body,
					 strlen(body));
}

/* the error an agent would send: {"error", "code", "reason"} */
static void
arc_wire_peer_send_error(SoupServerMessage *msg, ArcHandshakeReason reason)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	ArcError code = arc_handshake_reason_to_error(reason);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "error");
	json_builder_add_string_value(b, arc_handshake_reason_get_message(reason));
	json_builder_set_member_name(b, "code");
	json_builder_add_string_value(b, arc_error_to_code(code));
	json_builder_set_member_name(b, "reason");
	json_builder_add_string_value(b, arc_handshake_reason_to_string(reason));
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	body = json_to_string(root, FALSE);
	arc_wire_peer_send_json(msg, arc_error_http_status(code), body);
}

static gboolean
arc_wire_peer_check_method(SoupServerMessage *msg, const gchar *method)
{
	if (g_strcmp0(soup_server_message_get_method(msg), method) == 0)
		return TRUE;
	soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
	return FALSE;
}

static void
arc_wire_peer_identity_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			  GHashTable *query, gpointer user_data)
{
	ArcWirePeer *self = ARC_WIRE_PEER(user_data);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autofree gchar *body = NULL;

	if (!arc_wire_peer_check_method(msg, "GET"))
		return;
	self->probes++;
	body = g_strdup_printf("{\"peer_id\":\"%s\",\"public_key\":\"%s\",\"name\":\"\"}",
			       self->peer_id, self->record->public_key);
	arc_wire_peer_send_json(msg, SOUP_STATUS_OK, body);
}

static ArcHandshakeTranscript
arc_wire_peer_responder_transcript(ArcWirePeer *self)
{
	ArcHandshakeTranscript t = {
		.initiator = self->initiator,
		.initiator_license_id = self->initiator_license_id,
		.responder = self->record,
		.responder_license_id = self->license_id,
		.challenge_a = self->challenge_a,
		.challenge_b = self->challenge_b,
		.session = self->session,
	};
	return t;
}

/* opens a new pending exchange for @hello and answers it honestly */
static gchar *
arc_wire_peer_sign_reply(ArcWirePeer *self, ArcHandshakeMessage *hello)
{
	guint8 raw[16];
	gchar hex[sizeof(raw) * 2 + 1];
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;

	arc_handshake_peer_free(self->initiator);
	self->initiator = g_steal_pointer(&hello->peer);
	g_free(self->initiator_license_id);
	self->initiator_license_id = arc_wire_peer_license_id(self->initiator->license);
	g_assert_nonnull(self->initiator_license_id);
	memcpy(self->challenge_a, hello->challenge, sizeof(self->challenge_a));
	randombytes_buf(self->challenge_b, sizeof(self->challenge_b));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	g_free(self->session);
	self->session = g_strconcat("hs_", hex, NULL);
	t = arc_wire_peer_responder_transcript(self);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_RESPONDER, self->identity, signature);
	return arc_handshake_reply_to_json(self->session, self->record, self->challenge_b,
					   signature);
}

/* what an attacker on the path makes of the honest @reply */
static gchar *
arc_wire_peer_tamper_reply(ArcWirePeer *self, const gchar *reply)
{
	g_autofree gchar *peer_id = NULL;

	switch (self->reply) {
	case ARC_WIRE_REPLY_ALTER_PEER_ID:
		peer_id = arc_id_new("peer_");
		return arc_wire_tamper_set_string(reply, "peer.peer_id", peer_id);
	case ARC_WIRE_REPLY_ALTER_NAME:
		return arc_wire_tamper_set_string(reply, "peer.name", "mallory");
	case ARC_WIRE_REPLY_ALTER_ADDRESS:
		return arc_wire_tamper_set_string(reply, "peer.address", "127.0.0.1:9");
	case ARC_WIRE_REPLY_ALTER_PUBLIC_KEY:
		return arc_wire_tamper_set_string(reply, "peer.public_key",
						  arc_identity_get_public_key_base64(self->other));
	case ARC_WIRE_REPLY_ALTER_CHALLENGE:
		return arc_wire_tamper_flip_bit(reply, "challenge");
	case ARC_WIRE_REPLY_ALTER_SESSION:
		return arc_wire_tamper_flip_char(reply, "session");
	case ARC_WIRE_REPLY_NOT_JSON:
		return g_strdup("<html><body>not a handshake reply</body></html>");
	case ARC_WIRE_REPLY_TRUNCATED:
		return g_strndup(reply, strlen(reply) / 2);
	case ARC_WIRE_REPLY_HONEST:
	case ARC_WIRE_REPLY_REPLAY:
	default:
		return g_strdup(reply);
	}
}

static void
arc_wire_peer_hello_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
		       GHashTable *query, gpointer user_data)
{
	ArcWirePeer *self = ARC_WIRE_PEER(user_data);
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcHandshakeMessage) hello = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *honest = NULL;
	g_autofree gchar *reply = NULL;

	if (!arc_wire_peer_check_method(msg, "POST"))
		return;
	self->hellos++;
	hello = arc_handshake_parse_hello(body->data, (gsize)body->length, &error);
	if (hello == NULL) {
		g_test_message("wire peer: bad hello: %s", error->message);
		arc_wire_peer_send_error(msg, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
		return;
	}
	if (self->reply == ARC_WIRE_REPLY_REPLAY) {
		g_assert_nonnull(self->last_reply);
		arc_wire_peer_send_json(msg, SOUP_STATUS_OK, self->last_reply);
		return;
	}
	honest = arc_wire_peer_sign_reply(self, hello);
	g_free(self->last_reply);
	self->last_reply = g_strdup(honest);
	reply = arc_wire_peer_tamper_reply(self, honest);
	arc_wire_peer_send_json(msg, SOUP_STATUS_OK, reply);
}

static void
arc_wire_peer_confirm_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
			 GHashTable *query, gpointer user_data)
{
	ArcWirePeer *self = ARC_WIRE_PEER(user_data);
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(ArcHandshakeMessage) confirm = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *answer = NULL;
	ArcHandshakeTranscript t;

	if (!arc_wire_peer_check_method(msg, "POST"))
		return;
	self->confirms++;
	confirm = arc_handshake_parse_confirm(body->data, (gsize)body->length, &error);
	if (confirm == NULL) {
		arc_wire_peer_send_error(msg, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
		return;
	}
	if (self->session == NULL || g_strcmp0(confirm->session, self->session) != 0) {
		arc_wire_peer_send_error(msg, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		return;
	}
	t = arc_wire_peer_responder_transcript(self);
	if (!arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_INITIATOR, self->initiator->key,
				  confirm->signature, &error)) {
		arc_wire_peer_send_error(msg, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
		return;
	}
	/* a confirm counts once */
	g_clear_pointer(&self->session, g_free);
	self->verified_confirms++;
	if (self->refuse_confirm) {
		arc_wire_peer_send_error(msg, ARC_HANDSHAKE_REASON_UNREACHABLE_BACK);
		return;
	}
	answer = g_strdup_printf("{\"stored\":true,\"peer_id\":\"%s\"}", self->peer_id);
	arc_wire_peer_send_json(msg, SOUP_STATUS_OK, answer);
}

static gpointer
arc_wire_peer_thread_cb(gpointer user_data)
{
	ArcWirePeer *self = ARC_WIRE_PEER(user_data);

	g_main_context_push_thread_default(self->context);
	g_main_loop_run(self->loop);
	g_main_context_pop_thread_default(self->context);
	return NULL;
}

/* A listening socket on a free port of 127.0.0.1, made here rather than by
 * soup_server_listen() so that the port is known without soup_server_get_uris(), which
 * leaks an address in libsoup 3.2. */
static GSocket *
arc_wire_peer_bind(guint16 *port)
{
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GError) error = NULL;

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      &error);
	g_assert_no_error(error);
	g_socket_bind(socket, any_port, FALSE, &error);
	g_assert_no_error(error);
	g_socket_listen(socket, &error);
	g_assert_no_error(error);
	bound = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	*port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
	return g_steal_pointer(&socket);
}

/* The server is made in the thread's context, which the thread then runs. */
static void
arc_wire_peer_listen(ArcWirePeer *self)
{
	g_autoptr(GError) error = NULL;
	guint16 port = 0;
	g_autoptr(GSocket) socket = arc_wire_peer_bind(&port);

	self->context = g_main_context_new();
	self->loop = g_main_loop_new(self->context, FALSE);
	g_main_context_push_thread_default(self->context);
	self->server = soup_server_new("server-header", "arc-wire-peer", NULL);
	soup_server_add_handler(self->server, "/v1/cluster/identity", arc_wire_peer_identity_cb,
				self, NULL);
	soup_server_add_handler(self->server, "/v1/handshake/hello", arc_wire_peer_hello_cb, self,
				NULL);
	soup_server_add_handler(self->server, "/v1/handshake/confirm", arc_wire_peer_confirm_cb,
				self, NULL);
	soup_server_listen_socket(self->server, socket, 0, &error);
	g_main_context_pop_thread_default(self->context);
	g_assert_no_error(error);
	self->address = g_strdup_printf("127.0.0.1:%u", port);
}

static ArcIdentity *
arc_wire_peer_make_key(const gchar *dir, const gchar *name)
{
	ArcIdentity *identity = arc_identity_new_random();

	g_assert_nonnull(identity);
	return identity;
}

/**
 * arc_wire_peer_new:
 * @license: the license it presents, from an issuer the agents trust
 *
 * Creates the key pair and a fresh peer id, and starts serving on a free port of 127.0.0.1.
 *
 * Returns: (transfer full): the peer
 */
ArcWirePeer *
arc_wire_peer_new(const gchar *license)
{
	ArcWirePeer *self = g_object_new(ARC_TYPE_WIRE_PEER, NULL);
	g_autoptr(GError) error = NULL;

	self->dir = g_dir_make_tmp("arc-wire-peer-XXXXXX", &error);
	g_assert_no_error(error);
	self->identity = arc_wire_peer_make_key(self->dir, "peer.key");
	self->other = arc_wire_peer_make_key(self->dir, "other.key");
	self->peer_id = arc_id_new("peer_");
	arc_wire_peer_listen(self);
	arc_wire_peer_set_license(self, license);
	self->thread = g_thread_new("arc-wire-peer", arc_wire_peer_thread_cb, self);
	return self;
}

const gchar *
arc_wire_peer_get_peer_id(ArcWirePeer *self)
{
	return self->peer_id;
}

/* `127.0.0.1:PORT` */
const gchar *
arc_wire_peer_get_address(ArcWirePeer *self)
{
	return self->address;
}

const gchar *
arc_wire_peer_get_public_key(ArcWirePeer *self)
{
	return arc_identity_get_public_key_base64(self->identity);
}

/* a key that is not this peer's: what an attacker substitutes */
const gchar *
arc_wire_peer_get_other_public_key(ArcWirePeer *self)
{
	return arc_identity_get_public_key_base64(self->other);
}

const gchar *
arc_wire_peer_get_license_id(ArcWirePeer *self)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return self->license_id;
}

/* its own `peer` record, signed, as an agent presents it in the handshake */
static ArcRecord *
arc_wire_peer_own_record(ArcWirePeer *self)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"wire\",\"description\":\"\",\"public_key\":\"%s\","
		"\"address\":\"%s\",\"license_id\":\"%s\",\"state\":\"active\","
		"\"created_at\":\"2026-01-01T00:00:00Z\"}",
		self->peer_id, arc_identity_get_public_key_base64(self->identity), self->address,
		self->license_id);
	ArcRecord *record = arc_record_new("peer", self->peer_id, body);

	record->version = 1;
	record->writer = g_strdup(self->peer_id);
	record->updated_at = g_get_real_time();
	g_assert_true(arc_record_sign(record, self->identity, NULL));
	return record;
}

/**
 * arc_wire_peer_set_license:
 * @self: the peer
 * @license: the license document it presents from now on
 *
 * Any well-formed license, trusted or not: the peer signs honestly with it.
 */
void
arc_wire_peer_set_license(ArcWirePeer *self, const gchar *license)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	g_free(self->license_id);
	self->license_id = arc_wire_peer_license_id(license);
	g_assert_nonnull(self->license_id);
	arc_handshake_peer_free(self->record);
	self->record = arc_handshake_peer_new(self->peer_id, "wire", self->address,
					      arc_identity_get_public_key(self->identity), license);
	self->record->record = arc_wire_peer_own_record(self);
}

void
arc_wire_peer_set_reply(ArcWirePeer *self, ArcWireReply reply)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	self->reply = reply;
}

/* whether a confirm that verifies is then refused (unreachable_back), as if the probe failed */
void
arc_wire_peer_set_refuse_confirm(ArcWirePeer *self, gboolean refuse)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	self->refuse_confirm = refuse;
}

guint
arc_wire_peer_get_hellos(ArcWirePeer *self)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return self->hellos;
}

/* confirms received, well formed or not */
guint
arc_wire_peer_get_confirms(ArcWirePeer *self)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return self->confirms;
}

/* confirms whose signature verified over the pending exchange */
guint
arc_wire_peer_get_verified_confirms(ArcWirePeer *self)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return self->verified_confirms;
}

/* requests for GET /v1/cluster/identity: a responder's probes */
guint
arc_wire_peer_get_probes(ArcWirePeer *self)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return self->probes;
}

/* ---- as initiator ---- */

/**
 * arc_wire_peer_hello:
 * @self: the peer
 * @challenge_a: (out caller-allocates): its fresh challenge
 *
 * Returns: (transfer full): the hello it sends
 */
gchar *
arc_wire_peer_hello(ArcWirePeer *self, guint8 *challenge_a)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	randombytes_buf(challenge_a, ARC_HANDSHAKE_CHALLENGE_SIZE);
	return arc_handshake_hello_to_json(self->record, challenge_a, FALSE);
}

/* the exchange as this peer, the initiator, sees it: its own record as it sent it */
static ArcHandshakeTranscript
arc_wire_peer_initiator_transcript(ArcWirePeer *self, const guint8 *challenge_a,
				   const ArcHandshakeMessage *reply, const gchar *reply_license_id)
{
	ArcHandshakeTranscript t = {
		.initiator = self->record,
		.initiator_license_id = self->license_id,
		.responder = reply->peer,
		.responder_license_id = reply_license_id,
		.challenge_a = challenge_a,
		.challenge_b = reply->challenge,
		.session = reply->session,
	};
	return t;
}

/**
 * arc_wire_peer_check_reply:
 * @self: the peer
 * @challenge_a: the challenge of the hello it sent
 * @reply: the responder's reply
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the responder signed, with the key it presents, the exchange this peer
 *   started
 */
gboolean
arc_wire_peer_check_reply(ArcWirePeer *self, const guint8 *challenge_a,
			  const ArcHandshakeMessage *reply, GError **error)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autofree gchar *license_id = arc_wire_peer_license_id(reply->peer->license);
	ArcHandshakeTranscript t;

	g_assert_nonnull(license_id);
	t = arc_wire_peer_initiator_transcript(self, challenge_a, reply, license_id);
	return arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_RESPONDER, reply->peer->key,
				    reply->signature, error);
}

/**
 * arc_wire_peer_confirm:
 * @self: the peer
 * @challenge_a: the challenge of the hello it sent
 * @reply: the responder's reply
 *
 * Signs the exchange this peer intended, whatever the responder received.
 *
 * Returns: (transfer full): the confirm it sends
 */
gchar *
arc_wire_peer_confirm(ArcWirePeer *self, const guint8 *challenge_a,
		      const ArcHandshakeMessage *reply)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autofree gchar *license_id = arc_wire_peer_license_id(reply->peer->license);
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;

	g_assert_nonnull(license_id);
	t = arc_wire_peer_initiator_transcript(self, challenge_a, reply, license_id);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_INITIATOR, self->identity, signature);
	return arc_handshake_confirm_to_json(reply->session, signature);
}

/**
 * arc_wire_peer_leave:
 * @self: the peer
 * @timestamp: when it claims to sign, seconds since the epoch
 * @other_key: sign with a key that is not this peer's
 *
 * Returns: (transfer full): the body of `POST /v1/handshake/leave` for this peer
 */
gchar *
arc_wire_peer_leave(ArcWirePeer *self, gint64 timestamp, gboolean other_key)
{
	G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	return arc_handshake_leave_to_json(self->peer_id, self->license_id, timestamp,
					   other_key ? self->other : self->identity);
}
