/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-discovery.h"

#include <string.h>

#include "arc-handshake.h"

#define ARC_GOSSIP_DISCOVERY_RETRY_USEC (30 * G_USEC_PER_SEC)
#define ARC_GOSSIP_MAX_MEETINGS 4

struct _ArcGossipDiscovery {
	GObject parent_instance;
	gchar *own_id;
	gint64 first_delay; /* µs the agent with the greater id waits */
	const ArcGossipHost *host;
	gpointer host_data;
	GHashTable *candidates; /* peer id → gint64 next attempt (monotonic) */
	guint meetings;         /* handshakes in flight */
};

G_DEFINE_FINAL_TYPE(ArcGossipDiscovery, arc_gossip_discovery, G_TYPE_OBJECT)

typedef struct {
	ArcGossipDiscovery *discovery;
	gchar *peer_id;
} ArcGossipMeeting;

static void
arc_gossip_meeting_free(ArcGossipMeeting *self)
{
	self->discovery->meetings--;
	g_object_unref(self->discovery);
	g_free(self->peer_id);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipMeeting, arc_gossip_meeting_free)

static void
arc_gossip_discovery_finalize(GObject *object)
{
	ArcGossipDiscovery *self = ARC_GOSSIP_DISCOVERY(object);

	g_free(self->own_id);
	g_hash_table_unref(self->candidates);
	G_OBJECT_CLASS(arc_gossip_discovery_parent_class)->finalize(object);
}

static void
arc_gossip_discovery_class_init(ArcGossipDiscoveryClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_gossip_discovery_finalize;
}

static void
arc_gossip_discovery_init(ArcGossipDiscovery *self)
{
	self->candidates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * arc_gossip_discovery_new:
 * @own_id: this agent
 * @interval_ms: the gossip interval
 * @host: (transfer none): runs the handshakes, static
 * @host_data: for @host; outlives the result
 *
 * Returns: (transfer full): discovery that knows of no candidate yet
 */
ArcGossipDiscovery *
arc_gossip_discovery_new(const gchar *own_id, guint interval_ms, const ArcGossipHost *host,
			 gpointer host_data)
{
	ArcGossipDiscovery *self = g_object_new(ARC_TYPE_GOSSIP_DISCOVERY, NULL);

	self->own_id = g_strdup(own_id);
	self->first_delay = 3 * (gint64)interval_ms * 1000;
	self->host = host;
	self->host_data = host_data;
	return self;
}

static void
arc_gossip_discovery_met_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipMeeting) meeting = user_data;
	const gchar *peer_id = meeting->peer_id;
	ArcGossipDiscovery *self = meeting->discovery;
	g_autofree gchar *met = NULL;
	g_autofree gchar *address = NULL;
	g_autoptr(GError) error = NULL;

	if (self->host->meet_finish(self->host_data, res, &met, &address, &error))
		g_info("met peer %s at %s, learned of through the cluster", met, address);
	else if (g_error_matches(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_ALREADY_EXISTS))
		g_debug("peer %s was met meanwhile", peer_id);
	else
		g_warning("cannot meet peer %s, learned of through the cluster: %s (retrying in "
			  "%d s)",
			  peer_id, error->message,
			  (gint)(ARC_GOSSIP_DISCOVERY_RETRY_USEC / G_USEC_PER_SEC));
}

/* where an active peer record says its peer answers; NULL for any other */
static gchar *
arc_gossip_discovery_address(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	JsonObject *obj = root != NULL ? json_node_get_object(root) : NULL;
	const gchar *address = obj != NULL ? arc_json_object_get_string(obj, "address") : NULL;
	const gchar *state = obj != NULL ? arc_json_object_get_string(obj, "state") : NULL;
	ArcPeerState membership;

	/* unlike the member list, a record that states no membership is no candidate */
	if (address == NULL || !arc_peer_state_from_string(state, &membership) ||
	    membership != ARC_PEER_STATE_ACTIVE)
		return NULL;
	return g_strdup(address);
}

static void
arc_gossip_discovery_start(ArcGossipDiscovery *self, const gchar *peer_id, const gchar *address,
			   GCancellable *cancellable)
{
	ArcGossipMeeting *meeting = g_new0(ArcGossipMeeting, 1);

	g_info("learned of peer %s at %s through the cluster: meeting it", peer_id, address);
	meeting->discovery = g_object_ref(self);
	meeting->peer_id = g_strdup(peer_id);
	self->meetings++;
	self->host->meet_async(self->host_data, address, cancellable, arc_gossip_discovery_met_cb,
			       meeting);
}

/**
 * arc_gossip_discovery_meet:
 * @self: discovery
 * @candidates: (element-type ArcRecord): peer records of peers this agent does not know
 * @now: monotonic time
 * @cancellable: cancels the handshakes
 *
 * A peer another member knows and this agent does not: this agent runs the handshake with it
 * (docs/protocol.md §6.4). Of two agents that learn of each other at once, the one with the
 * smaller id goes first; the other waits a few rounds. At most ARC_GOSSIP_MAX_MEETINGS run at
 * once (an agent joining a large cluster learns of every peer at once): the others come
 * again with the next rounds.
 */
void
arc_gossip_discovery_meet(ArcGossipDiscovery *self, GPtrArray *candidates, gint64 now,
			  GCancellable *cancellable)
{
	for (guint i = 0; i < candidates->len; i++) {
		ArcRecord *record = g_ptr_array_index(candidates, i);
		g_autofree gchar *address = arc_gossip_discovery_address(record);
		gint64 *next = g_hash_table_lookup(self->candidates, record->id);

		if (address == NULL)
			continue;
		if (next == NULL) {
			next = g_new(gint64, 1);
			*next = strcmp(self->own_id, record->id) < 0 ? now
								     : now + self->first_delay;
			g_hash_table_insert(self->candidates, g_strdup(record->id), next);
		}
		if (now < *next || self->meetings >= ARC_GOSSIP_MAX_MEETINGS)
			continue;
		*next = now + ARC_GOSSIP_DISCOVERY_RETRY_USEC;
		arc_gossip_discovery_start(self, record->id, address, cancellable);
	}
}

/* @peer_id is a member now: no longer a candidate */
void
arc_gossip_discovery_met(ArcGossipDiscovery *self, const gchar *peer_id)
{
	g_hash_table_remove(self->candidates, peer_id);
}

/* a peer a member told this agent about, that it has not met yet */
gboolean
arc_gossip_discovery_contains(ArcGossipDiscovery *self, const gchar *peer_id)
{
	return g_hash_table_contains(self->candidates, peer_id);
}
