/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-health.h"

#define ARC_GOSSIP_LOG_EVERY_USEC (60 * G_USEC_PER_SEC)

typedef struct {
	gchar *id;
	ArcGossipState state;
	gint64 heard_mono;   /* last signed message, or when tracking began */
	gint64 last_seen;    /* wall clock, ms; 0: never */
	gint64 attempt_mono; /* last round started towards it */
	guint failures;
	gboolean in_flight;
	gboolean probing;
	gchar *registry_hash;
	gchar *last_error; /* the last refusal logged, to log a change only once */
	gint64 error_logged_mono;
} ArcGossipPeer;

struct _ArcGossipHealth {
	GObject parent_instance;
	gchar *own_id;
	gint64 suspect_after;     /* µs */
	gint64 unreachable_after; /* µs */
	GHashTable *peers;        /* id → ArcGossipPeer */
	GPtrArray *order;         /* ids, shuffled, for the rounds */
	guint order_pos;
};

enum { SIGNAL_PEER_STATE_CHANGED, N_SIGNALS };
static guint arc_gossip_health_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcGossipHealth, arc_gossip_health, G_TYPE_OBJECT)

static void
arc_gossip_peer_free(ArcGossipPeer *self)
{
	g_free(self->id);
	g_free(self->registry_hash);
	g_free(self->last_error);
	g_free(self);
}

static void
arc_gossip_health_finalize(GObject *object)
{
	ArcGossipHealth *self = ARC_GOSSIP_HEALTH(object);

	g_free(self->own_id);
	g_hash_table_unref(self->peers);
	g_ptr_array_unref(self->order);
	G_OBJECT_CLASS(arc_gossip_health_parent_class)->finalize(object);
}

static void
arc_gossip_health_class_init(ArcGossipHealthClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_gossip_health_finalize;
	/**
	 * ArcGossipHealth::peer-state-changed:
	 * @peer_id: a peer
	 * @state: an #ArcGossipState: what this agent now observes of it
	 */
	arc_gossip_health_signals[SIGNAL_PEER_STATE_CHANGED] =
		g_signal_new("peer-state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
}

static void
arc_gossip_health_init(ArcGossipHealth *self)
{
	self->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					    (GDestroyNotify)arc_gossip_peer_free);
	self->order = g_ptr_array_new_with_free_func(g_free);
}

/**
 * arc_gossip_health_new:
 * @own_id: this agent, never tracked
 * @suspect_after_ms: silence after which a peer that nobody reaches is suspect
 * @unreachable_after_ms: silence after which a suspect peer is unreachable
 *
 * Returns: (transfer full): a detector that tracks no peer yet
 */
ArcGossipHealth *
arc_gossip_health_new(const gchar *own_id, guint suspect_after_ms, guint unreachable_after_ms)
{
	ArcGossipHealth *self = g_object_new(ARC_TYPE_GOSSIP_HEALTH, NULL);

	self->own_id = g_strdup(own_id);
	self->suspect_after = (gint64)suspect_after_ms * 1000;
	self->unreachable_after = (gint64)unreachable_after_ms * 1000;
	return self;
}

static void
arc_gossip_health_set_state(ArcGossipHealth *self, ArcGossipPeer *peer, ArcGossipState state,
			    gint64 now)
{
	if (peer->state == state)
		return;
	if (state == ARC_GOSSIP_STATE_ALIVE)
		g_info("peer %s is alive again (was %s)", peer->id,
		       arc_gossip_state_to_string(peer->state));
	else
		g_warning("peer %s is %s: nothing heard from it for %" G_GINT64_FORMAT " ms",
			  peer->id, arc_gossip_state_to_string(state),
			  (now - peer->heard_mono) / 1000);
	peer->state = state;
	g_signal_emit(self, arc_gossip_health_signals[SIGNAL_PEER_STATE_CHANGED], 0, peer->id,
		      (gint)state);
}

/**
 * arc_gossip_health_track:
 * @self: the detector
 * @members: (element-type ArcMember): the members, this agent among them or not
 * @now: monotonic time
 *
 * The tracked peers follow the members: a new member starts alive, heard @now; a former
 * one is forgotten.
 */
void
arc_gossip_health_track(ArcGossipHealth *self, GPtrArray *members, gint64 now)
{
	g_autoptr(GHashTable) current = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter iter;
	gpointer key;

	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		ArcGossipPeer *peer;

		if (g_strcmp0(member->id, self->own_id) == 0)
			continue;
		g_hash_table_add(current, member->id);
		if (g_hash_table_contains(self->peers, member->id))
			continue;
		peer = g_new0(ArcGossipPeer, 1);
		peer->id = g_strdup(member->id);
		peer->heard_mono = now;
		g_hash_table_insert(self->peers, peer->id, peer);
	}
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(current, key))
			g_hash_table_iter_remove(&iter);
	}
}

gboolean
arc_gossip_health_contains(ArcGossipHealth *self, const gchar *peer_id)
{
	return g_hash_table_contains(self->peers, peer_id);
}

/**
 * arc_gossip_health_list:
 * @self: the detector
 *
 * Returns: (transfer container) (element-type utf8): the tracked peers' ids, valid until the
 *   next arc_gossip_health_track()
 */
GPtrArray *
arc_gossip_health_list(ArcGossipHealth *self)
{
	GPtrArray *ids = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(ids, key);
	return ids;
}

/**
 * arc_gossip_health_heard:
 * @self: the detector
 * @peer_id: the sender of a verified message
 * @registry_hash: (nullable): the registry hash it stated, if it did
 * @now: monotonic time
 *
 * The peer is alive: its failures are forgiven.
 */
void
arc_gossip_health_heard(ArcGossipHealth *self, const gchar *peer_id, const gchar *registry_hash,
			gint64 now)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL)
		return;
	peer->heard_mono = now;
	peer->last_seen = g_get_real_time() / 1000;
	peer->failures = 0;
	if (registry_hash != NULL) {
		g_free(peer->registry_hash);
		peer->registry_hash = g_strdup(registry_hash);
	}
	arc_gossip_health_set_state(self, peer, ARC_GOSSIP_STATE_ALIVE, now);
}

/* whether @peer_id may be asked to help: untracked peers count as alive */
gboolean
arc_gossip_health_is_alive(ArcGossipHealth *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	return peer == NULL || peer->state == ARC_GOSSIP_STATE_ALIVE;
}

/**
 * arc_gossip_health_begin_round:
 * @self: the detector
 * @peer_id: a peer
 * @now: monotonic time
 *
 * Returns: %TRUE if a round with @peer_id may start now: it is tracked and none is under way
 */
gboolean
arc_gossip_health_begin_round(ArcGossipHealth *self, const gchar *peer_id, gint64 now)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL || peer->in_flight)
		return FALSE;
	peer->in_flight = TRUE;
	peer->attempt_mono = now;
	return TRUE;
}

gboolean
arc_gossip_health_in_round(ArcGossipHealth *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	return peer != NULL && peer->in_flight;
}

void
arc_gossip_health_end_round(ArcGossipHealth *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer != NULL)
		peer->in_flight = FALSE;
}

/**
 * arc_gossip_health_begin_probe:
 * @self: the detector
 * @peer_id: a peer a round found no answer from
 *
 * Counts the failure.
 *
 * Returns: %TRUE if others are to be asked to reach it: it is tracked and no such probe is
 *   under way
 */
gboolean
arc_gossip_health_begin_probe(ArcGossipHealth *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL || peer->probing)
		return FALSE;
	peer->failures++;
	peer->probing = TRUE;
	return TRUE;
}

/**
 * arc_gossip_health_end_probe:
 * @self: the detector
 * @peer_id: the peer probed
 * @reached: whether another member reached it
 * @now: monotonic time
 *
 * A peer others reach is alive: the path from here is at fault, not the peer. One nobody
 * reaches is suspect once nothing was heard from it for suspect_after.
 */
void
arc_gossip_health_end_probe(ArcGossipHealth *self, const gchar *peer_id, gboolean reached,
			    gint64 now)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL)
		return;
	peer->probing = FALSE;
	if (reached) {
		g_debug("peer %s did not answer this agent, but answered another peer", peer_id);
		peer->heard_mono = now;
		arc_gossip_health_set_state(self, peer, ARC_GOSSIP_STATE_ALIVE, now);
	} else if (peer->state == ARC_GOSSIP_STATE_ALIVE &&
		   now - peer->heard_mono >= self->suspect_after) {
		arc_gossip_health_set_state(self, peer, ARC_GOSSIP_STATE_SUSPECT, now);
	}
}

/**
 * arc_gossip_health_check:
 * @self: the detector
 * @now: monotonic time
 *
 * Suspects silent for unreachable_after turn unreachable. Peers that failed get another try
 * sooner than their turn.
 *
 * Returns: (nullable): a peer to start a round with now
 */
const gchar *
arc_gossip_health_check(ArcGossipHealth *self, gint64 now)
{
	gint64 retry_after = self->suspect_after / 2;
	GHashTableIter iter;
	gpointer value;
	const gchar *retry = NULL;

	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcGossipPeer *peer = value;
		if (peer->state == ARC_GOSSIP_STATE_SUSPECT &&
		    now - peer->heard_mono >= self->unreachable_after)
			arc_gossip_health_set_state(self, peer, ARC_GOSSIP_STATE_UNREACHABLE, now);
		if ((peer->failures > 0 || peer->state != ARC_GOSSIP_STATE_ALIVE) &&
		    !peer->in_flight && now - peer->attempt_mono >= retry_after && retry == NULL)
			retry = peer->id;
	}
	return retry;
}

static void
arc_gossip_health_shuffle(ArcGossipHealth *self)
{
	GHashTableIter iter;
	gpointer key;

	g_ptr_array_set_size(self->order, 0);
	self->order_pos = 0;
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(self->order, g_strdup(key));
	for (guint i = self->order->len; i > 1; i--) {
		guint j = (guint)g_random_int_range(0, (gint32)i);
		gpointer tmp = self->order->pdata[i - 1];
		self->order->pdata[i - 1] = self->order->pdata[j];
		self->order->pdata[j] = tmp;
	}
}

/**
 * arc_gossip_health_next:
 * @self: the detector
 *
 * Every peer gets its turn once in a shuffled order, then the order is shuffled again.
 *
 * Returns: (nullable): the next peer with no round under way
 */
const gchar *
arc_gossip_health_next(ArcGossipHealth *self)
{
	for (guint tries = 0; tries < 2; tries++) {
		while (self->order_pos < self->order->len) {
			const gchar *id = g_ptr_array_index(self->order, self->order_pos++);
			ArcGossipPeer *peer = g_hash_table_lookup(self->peers, id);
			if (peer != NULL && !peer->in_flight)
				return id;
		}
		arc_gossip_health_shuffle(self);
	}
	return NULL;
}

/**
 * arc_gossip_health_log_failure:
 * @self: the detector
 * @peer_id: a peer that refused or sent no valid answer
 * @what: why, for the log
 * @now: monotonic time
 *
 * Logs a peer's refusals when they change, and then at most once a minute.
 */
void
arc_gossip_health_log_failure(ArcGossipHealth *self, const gchar *peer_id, const gchar *what,
			      gint64 now)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL)
		return;
	if (g_strcmp0(peer->last_error, what) == 0 &&
	    now - peer->error_logged_mono < ARC_GOSSIP_LOG_EVERY_USEC) {
		g_debug("gossip with peer %s: %s", peer_id, what);
		return;
	}
	g_free(peer->last_error);
	peer->last_error = g_strdup(what);
	peer->error_logged_mono = now;
	g_warning("gossip with peer %s: %s", peer_id, what);
}

/**
 * arc_gossip_health_get_peer:
 * @self: the detector
 * @peer_id: a member
 * @state: (out): what this agent observes of it
 * @last_seen: (out): its last signed message, ms since the epoch, 0 if none yet
 * @registry_hash: (out) (transfer none) (nullable): the registry hash it last stated
 *
 * Returns: %TRUE if @peer_id is tracked
 */
gboolean
arc_gossip_health_get_peer(ArcGossipHealth *self, const gchar *peer_id, ArcGossipState *state,
			   gint64 *last_seen, const gchar **registry_hash)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL)
		return FALSE;
	*state = peer->state;
	*last_seen = peer->last_seen;
	*registry_hash = peer->registry_hash;
	return TRUE;
}

guint
arc_gossip_health_count_state(ArcGossipHealth *self, ArcGossipState state)
{
	GHashTableIter iter;
	gpointer value;
	guint n = 0;

	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		n += ((ArcGossipPeer *)value)->state == state;
	return n;
}
