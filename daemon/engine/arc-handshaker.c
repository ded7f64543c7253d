/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker.h"

#include <sodium.h>

struct _ArcHandshaker {
	GHashTable *sessions;  /* id → ArcHandshakeSession */
	GHashTable *in_flight; /* addresses this agent is adding */
	ArcPeerClient *client;
	ArcPeerClient *probe;
	guint prune_id; /* while sessions are open */
};

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
