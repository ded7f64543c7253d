/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip.h"

#include <malloc.h>
#include <string.h>

#include "arc-handshake.h"
#include "arc-gossip-message.h"
#include "arc-metrics.h"
#include "arc-peer-client.h"
#include "arc-record-sign.h"

/* One round every interval: the next peer of a shuffled list gets this agent's registry hash
 * (`digest`); when the hashes differ it answers with its digest and this agent sends what
 * the other lacks and asks for what it lacks itself (`records`). A round that finds no
 * answer asks up to fanout other peers to try (`probe`); when none reaches the peer either,
 * it is suspect, and unreachable once nothing was heard from it for unreachable_after. Any
 * signed message makes a peer alive again. A local change is pushed at once to fanout peers,
 * and every agent that stores something new passes it on the same way. */

#define ARC_GOSSIP_MAX_RECORDS 256
#define ARC_GOSSIP_SIG_PREFIX 16
#define ARC_GOSSIP_DISCOVERY_RETRY_USEC (30 * G_USEC_PER_SEC)
#define ARC_GOSSIP_LOG_EVERY_USEC (60 * G_USEC_PER_SEC)
#define ARC_GOSSIP_PURGE_SECS 3600
#define ARC_GOSSIP_IDLE_SECS 5
#define ARC_GOSSIP_MAX_MEETINGS 4
#define ARC_GOSSIP_QUIET_SECS 10

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

struct _ArcGossip {
	GObject parent_instance;
	ArcRegistry *registry;
	ArcIdentity *identity; /* signs what this agent sends */
	gchar *peer_id;        /* this agent */
	const ArcGossipHost *host;
	gpointer host_data; /* owns this object */
	ArcConfig *config;
	ArcPeerClient *client;
	ArcPeerClient *probe_client;
	ArcGossipReplayGuard *guard;
	GCancellable *cancellable;
	GHashTable *peers; /* id → ArcGossipPeer */
	GPtrArray *order;  /* ids, shuffled, for the rounds */
	guint order_pos;
	GHashTable *discovery; /* peer id → gint64 next attempt (monotonic) */
	GHashTable *refusals;  /* sender → gint64 last logged (monotonic) */
	guint timer_id;
	guint purge_id;
	guint meetings;   /* discovery handshakes in flight */
	gint64 busy_mono; /* when records last arrived */
	gint64 trimmed_mono;
};

enum { SIGNAL_PEER_STATE_CHANGED, N_SIGNALS };
static guint arc_gossip_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcGossip, arc_gossip, G_TYPE_OBJECT)

/* one outgoing message and what to do with its answer */
typedef enum {
	ARC_GOSSIP_CALL_ROUND,
	ARC_GOSSIP_CALL_PUSH,
	ARC_GOSSIP_CALL_PROBE_PING, /* a ping on behalf of another peer's probe */
	ARC_GOSSIP_CALL_PROBE_ASK,  /* asking another peer to probe */
} ArcGossipCallKind;

typedef struct {
	ArcGossip *gossip;
	ArcGossipCallKind kind;
	gchar *peer_id;
	gchar *address;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	gchar *nonce;
	gchar *expected;
	GTask *task;                   /* PROBE_PING: the probe request waiting for the answer */
	struct _ArcGossipProbe *probe; /* PROBE_ASK: the probe it is part of */
} ArcGossipCall;

static void
arc_gossip_peer_free(ArcGossipPeer *self)
{
	g_free(self->id);
	g_free(self->registry_hash);
	g_free(self->last_error);
	g_free(self);
}

static void
arc_gossip_call_free(ArcGossipCall *self)
{
	g_object_unref(self->gossip);
	g_free(self->peer_id);
	g_free(self->address);
	g_free(self->nonce);
	g_free(self->expected);
	g_clear_object(&self->task);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipCall, arc_gossip_call_free)

static void
arc_gossip_finalize(GObject *object)
{
	ArcGossip *self = ARC_GOSSIP(object);
	arc_gossip_stop(self);
	g_clear_object(&self->client);
	g_clear_object(&self->probe_client);
	g_clear_object(&self->cancellable);
	g_clear_object(&self->registry);
	g_clear_object(&self->identity);
	g_free(self->peer_id);
	arc_gossip_replay_guard_free(self->guard);
	g_hash_table_unref(self->peers);
	g_ptr_array_unref(self->order);
	g_hash_table_unref(self->discovery);
	g_hash_table_unref(self->refusals);
	G_OBJECT_CLASS(arc_gossip_parent_class)->finalize(object);
}

static void
arc_gossip_class_init(ArcGossipClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_gossip_finalize;
	/**
	 * ArcGossip::peer-state-changed:
	 * @peer_id: a peer
	 * @state: what this agent now observes of it: alive, suspect or unreachable
	 */
	arc_gossip_signals[SIGNAL_PEER_STATE_CHANGED] =
		g_signal_new("peer-state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
arc_gossip_init(ArcGossip *self)
{
	self->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					    (GDestroyNotify)arc_gossip_peer_free);
	self->order = g_ptr_array_new_with_free_func(g_free);
	self->discovery = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->refusals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->cancellable = g_cancellable_new();
}

/**
 * arc_gossip_new:
 * @registry: the records to replicate
 * @config: (transfer none): the settings; must outlive the result
 * @identity: the key this agent signs its messages with
 * @peer_id: this agent
 * @host: (transfer none): what gossip needs of the agent, static
 * @host_data: for @host; owns the result and outlives it
 *
 * Returns: (transfer full): gossip for a bootstrapped agent; call arc_gossip_start()
 */
ArcGossip *
arc_gossip_new(ArcRegistry *registry, ArcConfig *config, ArcIdentity *identity,
	       const gchar *peer_id, const ArcGossipHost *host, gpointer host_data)
{
	ArcGossip *self = g_object_new(ARC_TYPE_GOSSIP, NULL);
	guint timeout_secs;

	self->registry = g_object_ref(registry);
	self->identity = g_object_ref(identity);
	self->peer_id = g_strdup(peer_id);
	self->host = host;
	self->host_data = host_data;
	self->config = config;
	timeout_secs = MAX(1, (self->config->gossip_timeout + 999) / 1000);
	/* Connections are kept a few seconds: a small cluster reuses them from round to round,
	 * while in a large one a given peer's turn comes too seldom for an open connection to
	 * be worth its memory on both sides. */
	/* a digest lists every record: answers may be as large as a gossip message may be */
	self->client =
		arc_peer_client_new_full(timeout_secs, ARC_GOSSIP_IDLE_SECS, ARC_GOSSIP_MAX_SIZE);
	/* a probe waits for the prober's own attempt */
	self->probe_client = arc_peer_client_new_full(2 * timeout_secs + 1, ARC_GOSSIP_IDLE_SECS,
						      ARC_GOSSIP_MAX_SIZE);
	/* unreadable: already refused at start (arc_rest_server_listen()) */
	arc_peer_client_set_ca_file(self->client, self->config->tls_ca_file, NULL);
	arc_peer_client_set_ca_file(self->probe_client, self->config->tls_ca_file, NULL);
	self->guard = arc_gossip_replay_guard_new(self->config->gossip_max_clock_skew);
	return self;
}

static gboolean arc_gossip_tick_cb(gpointer user_data);

static void
arc_gossip_purge_tombstones(ArcGossip *self)
{
	arc_registry_purge_tombstones(self->registry, self->host->now(self->host_data),
				      self->config->tombstone_retention);
}

static gboolean
arc_gossip_purge_cb(gpointer user_data)
{
	ArcGossip *self = ARC_GOSSIP(user_data);
	arc_gossip_purge_tombstones(self);
	return G_SOURCE_CONTINUE;
}

void
arc_gossip_start(ArcGossip *self)
{
	if (self->timer_id != 0)
		return;
	self->timer_id = g_timeout_add(self->config->gossip_interval, arc_gossip_tick_cb, self);
	self->purge_id = g_timeout_add_seconds(
		CLAMP(self->config->tombstone_retention / 2, 1, ARC_GOSSIP_PURGE_SECS),
		arc_gossip_purge_cb, self);
	arc_gossip_purge_tombstones(self);
	g_debug("gossip every %u ms, fanout %u", self->config->gossip_interval,
		self->config->gossip_fanout);
}

/**
 * arc_gossip_stop:
 * @self: gossip
 *
 * Stops the rounds and cancels what is in flight; nothing calls the host afterwards.
 */
void
arc_gossip_stop(ArcGossip *self)
{
	g_cancellable_cancel(self->cancellable);
	if (self->timer_id != 0) {
		g_source_remove(self->timer_id);
		self->timer_id = 0;
	}
	if (self->purge_id != 0) {
		g_source_remove(self->purge_id);
		self->purge_id = 0;
	}
}

static gboolean
arc_gossip_stopped(ArcGossip *self)
{
	return g_cancellable_is_cancelled(self->cancellable);
}

static gint64
arc_gossip_now_ms(void)
{
	return g_get_real_time() / 1000;
}

/* ---- membership ---- */

static void
arc_gossip_set_state(ArcGossip *self, ArcGossipPeer *peer, ArcGossipState state)
{
	if (peer->state == state)
		return;
	if (state == ARC_GOSSIP_STATE_ALIVE)
		g_info("peer %s is alive again (was %s)", peer->id,
		       arc_gossip_state_to_string(peer->state));
	else
		g_warning("peer %s is %s: nothing heard from it for %" G_GINT64_FORMAT " ms",
			  peer->id, arc_gossip_state_to_string(state),
			  (g_get_monotonic_time() - peer->heard_mono) / 1000);
	peer->state = state;
	g_signal_emit(self, arc_gossip_signals[SIGNAL_PEER_STATE_CHANGED], 0, peer->id,
		      arc_gossip_state_to_string(state));
}

/* the table follows the members; a new member starts alive, heard "now" */
static void
arc_gossip_refresh_peers(ArcGossip *self)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(self->registry);
	g_autoptr(GHashTable) current = g_hash_table_new(g_str_hash, g_str_equal);
	const gchar *own = self->peer_id;
	GHashTableIter iter;
	gpointer key;

	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		ArcGossipPeer *peer;

		if (g_strcmp0(member->id, own) == 0)
			continue;
		g_hash_table_add(current, member->id);
		/* met: no longer a candidate of discovery */
		g_hash_table_remove(self->discovery, member->id);
		if (g_hash_table_contains(self->peers, member->id))
			continue;
		peer = g_new0(ArcGossipPeer, 1);
		peer->id = g_strdup(member->id);
		peer->heard_mono = g_get_monotonic_time();
		g_hash_table_insert(self->peers, peer->id, peer);
	}
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(current, key))
			g_hash_table_iter_remove(&iter);
	}
}

static ArcGossipPeer *
arc_gossip_lookup(ArcGossip *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	if (peer == NULL && arc_registry_lookup_member(self->registry, peer_id) != NULL) {
		arc_gossip_refresh_peers(self);
		peer = g_hash_table_lookup(self->peers, peer_id);
	}
	return peer;
}

/* a verified message from @peer_id */
static void
arc_gossip_heard(ArcGossip *self, const gchar *peer_id, const gchar *registry_hash)
{
	ArcGossipPeer *peer = arc_gossip_lookup(self, peer_id);

	if (peer == NULL)
		return;
	peer->heard_mono = g_get_monotonic_time();
	peer->last_seen = arc_gossip_now_ms();
	peer->failures = 0;
	if (registry_hash != NULL) {
		g_free(peer->registry_hash);
		peer->registry_hash = g_strdup(registry_hash);
	}
	arc_gossip_set_state(self, peer, ARC_GOSSIP_STATE_ALIVE);
}

/* up to @n alive members other than @exclude_a and @exclude_b, at random */
static GPtrArray *
arc_gossip_pick(ArcGossip *self, guint n, const gchar *exclude_a, const gchar *exclude_b)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(self->registry);
	GPtrArray *picked = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) pool = g_ptr_array_new();
	const gchar *own = self->peer_id;

	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		ArcGossipPeer *peer = g_hash_table_lookup(self->peers, member->id);

		if (g_strcmp0(member->id, own) == 0 || g_strcmp0(member->id, exclude_a) == 0 ||
		    g_strcmp0(member->id, exclude_b) == 0 ||
		    (peer != NULL && peer->state != ARC_GOSSIP_STATE_ALIVE))
			continue;
		g_ptr_array_add(pool, member->id);
	}
	while (picked->len < n && pool->len > 0) {
		guint i = (guint)g_random_int_range(0, (gint32)pool->len);
		g_ptr_array_add(picked, g_strdup(g_ptr_array_index(pool, i)));
		g_ptr_array_remove_index_fast(pool, i);
	}
	return picked;
}

/* ---- sending ---- */

static JsonNode *
arc_gossip_builder_end(JsonBuilder *b)
{
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static ArcGossipCall *
arc_gossip_call_new(ArcGossip *self, ArcGossipCallKind kind, const ArcMember *member)
{
	ArcGossipCall *call = g_new0(ArcGossipCall, 1);
	call->gossip = g_object_ref(self);
	call->kind = kind;
	call->peer_id = g_strdup(member->id);
	call->address = g_strdup(member->address);
	memcpy(call->key, member->key, sizeof(call->key));
	return call;
}

/* signs @body as a message of @type and posts it to the peer of @call */
static void
arc_gossip_send(ArcGossip *self, ArcGossipCall *call, ArcPeerClient *client, const gchar *type,
		JsonNode *body, GAsyncReadyCallback callback)
{
	guint8 nonce[ARC_GOSSIP_NONCE_SIZE];
	g_autofree gchar *path = g_strconcat("/v1/gossip/", type, NULL);
	g_autofree gchar *message =
		arc_gossip_message_build(type, self->peer_id, call->peer_id, arc_gossip_now_ms(),
					 body, self->identity, nonce);

	call->nonce = g_base64_encode(nonce, sizeof(nonce));
	call->expected = g_strconcat(type, "_reply", NULL);
	arc_metrics_add("arctic_gossip_bytes_total", "direction=\"sent\"", strlen(message));
	arc_peer_client_request_async(client, "POST", call->address, path, message,
				      self->cancellable, callback, call);
}

/* logs a peer's refusals when they change, and then at most once a minute */
static void
arc_gossip_log_failure(ArcGossip *self, const gchar *peer_id, const gchar *what)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	gint64 now = g_get_monotonic_time();

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

/* The answer's body if it is the signed answer of the peer that was asked, to this very
 * message. @transport is set when no answer came at all. */
static JsonNode *
arc_gossip_open_reply(ArcGossip *self, ArcGossipCall *call, GObject *source, GAsyncResult *res,
		      gboolean *transport, GError **error)
{
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(ArcGossipMessage) msg = NULL;
	JsonObject *body;
	gsize len = 0;
	const gchar *data;

	*transport = FALSE;
	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, error);
	if (response == NULL) {
		*transport = TRUE;
		return NULL;
	}
	if (!arc_peer_response_is_ok(response)) {
		g_autofree gchar *why = arc_peer_response_describe_refusal(response);
		g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN, "refused: %s", why);
		return NULL;
	}
	data = g_bytes_get_data(response->body, &len);
	arc_metrics_add("arctic_gossip_bytes_total", "direction=\"received\"", len);
	msg = arc_gossip_message_parse(data != NULL ? data : "", len, error);
	if (msg == NULL)
		return NULL;
	body = json_node_get_object(msg->body);
	if (g_strcmp0(msg->from, call->peer_id) != 0 || g_strcmp0(msg->type, call->expected) != 0 ||
	    g_strcmp0(arc_json_object_get_string(body, "in_reply_to"), call->nonce) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED,
			    "the answer is not %s's answer to this message", call->peer_id);
		return NULL;
	}
	if (!arc_gossip_message_verify(msg, call->key, error) ||
	    !arc_gossip_message_check_recipient(msg, self->peer_id, error))
		return NULL;
	arc_gossip_heard(self, call->peer_id, arc_json_object_get_string(body, "registry_hash"));
	return json_node_ref(msg->body);
}

/* ---- digests ---- */

static gchar *
arc_gossip_record_key(const gchar *kind, const gchar *id)
{
	return g_strconcat(kind, "/", id, NULL);
}

static gchar *
arc_gossip_sig_prefix(const ArcRecord *record)
{
	g_autofree gchar *sum = g_compute_checksum_for_string(
		G_CHECKSUM_SHA256, record->signature != NULL ? record->signature : "", -1);
	return g_strndup(sum, ARC_GOSSIP_SIG_PREFIX);
}

static void
arc_gossip_add_digest(JsonBuilder *b, GPtrArray *records)
{
	json_builder_set_member_name(b, "entries");
	json_builder_begin_array(b);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autofree gchar *sig = arc_gossip_sig_prefix(record);

		json_builder_begin_array(b);
		json_builder_add_string_value(b, record->kind);
		json_builder_add_string_value(b, record->id);
		json_builder_add_int_value(b, record->version);
		json_builder_add_int_value(b, record->updated_at / 1000);
		json_builder_add_string_value(b, record->writer);
		json_builder_add_string_value(b, sig);
		json_builder_end_array(b);
	}
	json_builder_end_array(b);
}

/* Compares the other side's digest with the local records: @push gets what it lacks or holds
 * older, @want what this agent lacks or holds older. */
static void
arc_gossip_diff(GPtrArray *local, JsonArray *entries, GPtrArray *push, GPtrArray *want)
{
	g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < local->len; i++) {
		ArcRecord *record = g_ptr_array_index(local, i);
		g_hash_table_insert(by_key, arc_gossip_record_key(record->kind, record->id),
				    record);
	}
	for (guint i = 0; entries != NULL && i < json_array_get_length(entries); i++) {
		JsonNode *node = json_array_get_element(entries, i);
		JsonArray *e;
		g_autoptr(ArcRecord) theirs = NULL;
		g_autofree gchar *key = NULL;
		g_autofree gchar *sig = NULL;
		const gchar *kind, *id, *writer, *their_sig;
		ArcRecord *mine;
		gint cmp;

		if (!JSON_NODE_HOLDS_ARRAY(node) ||
		    json_array_get_length(e = json_node_get_array(node)) != 6)
			continue;
		kind = json_array_get_string_element(e, 0);
		id = json_array_get_string_element(e, 1);
		writer = json_array_get_string_element(e, 4);
		their_sig = json_array_get_string_element(e, 5);
		if (kind == NULL || id == NULL || writer == NULL || their_sig == NULL ||
		    json_node_get_value_type(json_array_get_element(e, 2)) != G_TYPE_INT64 ||
		    json_node_get_value_type(json_array_get_element(e, 3)) != G_TYPE_INT64)
			continue;
		key = arc_gossip_record_key(kind, id);
		if (!g_hash_table_add(seen, g_strdup(key)))
			continue;
		mine = g_hash_table_lookup(by_key, key);
		if (mine == NULL) {
			g_ptr_array_add(want, g_steal_pointer(&key));
			continue;
		}
		theirs = arc_record_new(kind, id, "{}");
		theirs->version = json_array_get_int_element(e, 2);
		theirs->updated_at = json_array_get_int_element(e, 3) * 1000;
		theirs->writer = g_strdup(writer);
		sig = arc_gossip_sig_prefix(mine);
		/* the signatures are compared by the receiver, on the full records */
		theirs->signature = g_strdup(mine->signature);
		cmp = arc_record_compare_versions(mine, theirs);
		if (cmp == 0 && g_strcmp0(sig, their_sig) != 0) {
			g_ptr_array_add(push, mine);
			g_ptr_array_add(want, g_steal_pointer(&key));
		} else if (cmp > 0) {
			g_ptr_array_add(push, mine);
		} else if (cmp < 0) {
			g_ptr_array_add(want, g_steal_pointer(&key));
		}
	}
	for (guint i = 0; i < local->len; i++) {
		ArcRecord *record = g_ptr_array_index(local, i);
		g_autofree gchar *key = arc_gossip_record_key(record->kind, record->id);
		if (!g_hash_table_contains(seen, key))
			g_ptr_array_add(push, record);
	}
}

static void
arc_gossip_add_records(JsonBuilder *b, GPtrArray *records)
{
	json_builder_set_member_name(b, "records");
	json_builder_begin_array(b);
	for (guint i = 0; i < records->len && i < ARC_GOSSIP_MAX_RECORDS; i++)
		arc_record_add_json(b, g_ptr_array_index(records, i));
	json_builder_end_array(b);
}

/* parses the records of a message, dropping (and counting) those with a bad shape */
static GPtrArray *
arc_gossip_parse_records(JsonObject *body, const gchar *from)
{
	GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	JsonArray *array = arc_json_object_get_array(body, "records");
	guint bad = 0;

	for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
		g_autoptr(GError) error = NULL;
		ArcRecord *record;

		if (i >= ARC_GOSSIP_MAX_RECORDS) {
			bad += json_array_get_length(array) - i;
			break;
		}
		record = arc_record_from_json(json_array_get_element(array, i), &error);
		if (record == NULL) {
			g_debug("from %s: %s", from, error->message);
			bad++;
			continue;
		}
		g_ptr_array_add(records, record);
	}
	if (bad > 0)
		arc_metrics_add("arctic_gossip_records_total", "result=\"refused\"", bad);
	return records;
}

static void arc_gossip_discover(ArcGossip *self, GPtrArray *candidates);

/* stores what another member sent and meets the peers it named that this agent does not
 * know */
static gint
arc_gossip_merge(ArcGossip *self, JsonObject *body, const gchar *from, GPtrArray **purged_out)
{
	g_autoptr(GPtrArray) records = arc_gossip_parse_records(body, from);
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	if (records->len == 0)
		return 0;
	stored = arc_registry_merge(self->registry, records, from, &candidates, &purged, &error);
	if (purged_out != NULL)
		*purged_out = g_steal_pointer(&purged);
	self->busy_mono = g_get_monotonic_time();
	if (stored < 0)
		g_warning("cannot store records from peer %s: %s", from, error->message);
	else if (stored > 0)
		g_debug("stored %d records from peer %s", stored, from);
	if (candidates != NULL && candidates->len > 0)
		arc_gossip_discover(self, candidates);
	return stored;
}

/* ---- rounds ---- */

static void arc_gossip_round_failed(ArcGossip *self, const gchar *peer_id);

static void
arc_gossip_round_end(ArcGossip *self, const gchar *peer_id, const gchar *result)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	g_autofree gchar *labels = g_strdup_printf("result=\"%s\"", result);

	if (peer != NULL)
		peer->in_flight = FALSE;
	arc_metrics_count("arctic_gossip_rounds_total", labels);
}

/* records this agent sent that the other had deleted and purged (docs/protocol.md §6.2) */
static void
arc_gossip_apply_purged(ArcGossip *self, JsonObject *body, const gchar *from)
{
	JsonArray *array = arc_json_object_get_array(body, "purged");
	g_autoptr(GPtrArray) markers = g_ptr_array_new();

	for (guint i = 0;
	     array != NULL && i < json_array_get_length(array) && i < ARC_GOSSIP_MAX_RECORDS; i++) {
		const gchar *marker = json_array_get_string_element(array, i);
		if (marker != NULL)
			g_ptr_array_add(markers, (gpointer)marker);
	}
	if (markers->len > 0)
		arc_registry_apply_purged(self->registry, markers, from);
}

static void
arc_gossip_records_reply_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossip *self = call->gossip;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	gboolean transport = FALSE;

	if (arc_gossip_stopped(self))
		return;
	body = arc_gossip_open_reply(self, call, source, res, &transport, &error);
	if (call->kind == ARC_GOSSIP_CALL_PUSH) {
		if (body == NULL)
			g_debug("push to %s: %s", call->peer_id, error->message);
		return;
	}
	if (body == NULL) {
		arc_gossip_log_failure(self, call->peer_id, error->message);
		arc_gossip_round_end(self, call->peer_id, "failed");
		return;
	}
	arc_gossip_merge(self, json_node_get_object(body), call->peer_id, NULL);
	arc_gossip_apply_purged(self, json_node_get_object(body), call->peer_id);
	arc_gossip_round_end(self, call->peer_id, "merged");
}

static void
arc_gossip_digest_reply_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossip *self = call->gossip;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) local = NULL;
	g_autoptr(GPtrArray) push = g_ptr_array_new();
	g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonBuilder) b = NULL;
	g_autoptr(JsonNode) request = NULL;
	ArcGossipCall *next;
	JsonObject *obj;
	gboolean transport = FALSE;
	const gchar *cluster_id;

	if (arc_gossip_stopped(self))
		return;
	body = arc_gossip_open_reply(self, call, source, res, &transport, &error);
	if (body == NULL) {
		if (transport) {
			g_debug("round with %s: %s", call->peer_id, error->message);
			arc_gossip_round_end(self, call->peer_id, "failed");
			arc_gossip_round_failed(self, call->peer_id);
		} else {
			arc_gossip_log_failure(self, call->peer_id, error->message);
			arc_gossip_round_end(self, call->peer_id, "failed");
		}
		return;
	}
	obj = json_node_get_object(body);
	cluster_id = arc_json_object_get_string(obj, "cluster_id");
	if (cluster_id != NULL)
		self->host->offer_cluster_id(self->host_data, cluster_id, call->peer_id);
	if (json_object_get_boolean_member_with_default(obj, "in_sync", FALSE)) {
		arc_gossip_round_end(self, call->peer_id, "in_sync");
		return;
	}
	local = arc_registry_list_all(self->registry, &error);
	if (local == NULL) {
		g_warning("cannot read the records: %s", error->message);
		arc_gossip_round_end(self, call->peer_id, "failed");
		return;
	}
	arc_gossip_diff(local, arc_json_object_get_array(obj, "entries"), push, want);
	if (push->len == 0 && want->len == 0) {
		arc_gossip_round_end(self, call->peer_id, "in_sync");
		return;
	}
	b = json_builder_new();
	json_builder_begin_object(b);
	arc_gossip_add_records(b, push);
	json_builder_set_member_name(b, "want");
	json_builder_begin_array(b);
	for (guint i = 0; i < want->len && i < ARC_GOSSIP_MAX_RECORDS; i++)
		json_builder_add_string_value(b, g_ptr_array_index(want, i));
	json_builder_end_array(b);
	request = arc_gossip_builder_end(b);
	next = g_new0(ArcGossipCall, 1);
	next->gossip = g_object_ref(self);
	next->kind = ARC_GOSSIP_CALL_ROUND;
	next->peer_id = g_strdup(call->peer_id);
	next->address = g_strdup(call->address);
	memcpy(next->key, call->key, sizeof(next->key));
	g_debug("round with %s: sending %u records, asking for %u", call->peer_id,
		MIN(push->len, ARC_GOSSIP_MAX_RECORDS), MIN(want->len, ARC_GOSSIP_MAX_RECORDS));
	arc_gossip_send(self, next, self->client, "records", request, arc_gossip_records_reply_cb);
}

static JsonNode *
arc_gossip_digest_body(ArcGossip *self)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "cluster_id");
	json_builder_add_string_value(b, self->host->get_cluster_id(self->host_data));
	json_builder_set_member_name(b, "registry_hash");
	json_builder_add_string_value(b, arc_registry_get_hash(self->registry));
	return arc_gossip_builder_end(b);
}

static gboolean
arc_gossip_start_round(ArcGossip *self, const gchar *peer_id)
{
	const ArcMember *member = arc_registry_lookup_member(self->registry, peer_id);
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	g_autoptr(JsonNode) body = NULL;

	if (member == NULL || peer == NULL || peer->in_flight)
		return FALSE;
	peer->in_flight = TRUE;
	peer->attempt_mono = g_get_monotonic_time();
	body = arc_gossip_digest_body(self);
	arc_gossip_send(self, arc_gossip_call_new(self, ARC_GOSSIP_CALL_ROUND, member),
			self->client, "digest", body, arc_gossip_digest_reply_cb);
	return TRUE;
}

/* ---- failure detection ---- */

typedef struct _ArcGossipProbe {
	ArcGossip *gossip;
	gchar *target;
	guint pending;
	gboolean reached;
} ArcGossipProbe;

static void
arc_gossip_probe_done(ArcGossipProbe *probe)
{
	ArcGossip *self = probe->gossip;
	ArcGossipPeer *peer;

	if (arc_gossip_stopped(self))
		goto out;
	peer = g_hash_table_lookup(self->peers, probe->target);
	if (peer == NULL)
		goto out;
	peer->probing = FALSE;
	if (probe->reached) {
		/* others reach it: the path from here is at fault, not the peer */
		g_debug("peer %s did not answer this agent, but answered another peer",
			probe->target);
		peer->heard_mono = g_get_monotonic_time();
		arc_gossip_set_state(self, peer, ARC_GOSSIP_STATE_ALIVE);
	} else if (peer->state == ARC_GOSSIP_STATE_ALIVE &&
		   g_get_monotonic_time() - peer->heard_mono >=
			   (gint64)self->config->gossip_suspect_after * 1000) {
		arc_gossip_set_state(self, peer, ARC_GOSSIP_STATE_SUSPECT);
	}
out:
	g_object_unref(probe->gossip);
	g_free(probe->target);
	g_free(probe);
}

static void
arc_gossip_probe_ask_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossipProbe *probe = call->probe;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	gboolean transport = FALSE;

	if (!arc_gossip_stopped(call->gossip)) {
		body = arc_gossip_open_reply(call->gossip, call, source, res, &transport, &error);
		if (body != NULL && json_object_get_boolean_member_with_default(
					    json_node_get_object(body), "reachable", FALSE))
			probe->reached = TRUE;
	}
	if (--probe->pending == 0)
		arc_gossip_probe_done(probe);
}

/* a round found no answer: ask others to try before suspecting the peer */
static void
arc_gossip_round_failed(ArcGossip *self, const gchar *peer_id)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);
	g_autoptr(GPtrArray) helpers = NULL;
	ArcGossipProbe *probe;

	if (peer == NULL || peer->probing)
		return;
	peer->failures++;
	helpers = arc_gossip_pick(self, self->config->gossip_fanout, peer_id, NULL);
	probe = g_new0(ArcGossipProbe, 1);
	probe->gossip = g_object_ref(self);
	probe->target = g_strdup(peer_id);
	probe->pending = 1;
	peer->probing = TRUE;
	for (guint i = 0; i < helpers->len; i++) {
		const ArcMember *helper =
			arc_registry_lookup_member(self->registry, g_ptr_array_index(helpers, i));
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) body = NULL;
		ArcGossipCall *call;

		if (helper == NULL)
			continue;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "target");
		json_builder_add_string_value(b, peer_id);
		body = arc_gossip_builder_end(b);
		call = arc_gossip_call_new(self, ARC_GOSSIP_CALL_PROBE_ASK, helper);
		call->probe = probe;
		probe->pending++;
		arc_gossip_send(self, call, self->probe_client, "probe", body,
				arc_gossip_probe_ask_cb);
	}
	if (--probe->pending == 0)
		arc_gossip_probe_done(probe);
}

/* peers that failed get another try sooner than their turn; suspects turn unreachable */
static void
arc_gossip_check_peers(ArcGossip *self)
{
	gint64 now = g_get_monotonic_time();
	gint64 retry_after = (gint64)self->config->gossip_suspect_after * 1000 / 2;
	gint64 unreachable_after = (gint64)self->config->gossip_unreachable_after * 1000;
	GHashTableIter iter;
	gpointer value;
	const gchar *retry = NULL;

	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcGossipPeer *peer = value;
		if (peer->state == ARC_GOSSIP_STATE_SUSPECT &&
		    now - peer->heard_mono >= unreachable_after)
			arc_gossip_set_state(self, peer, ARC_GOSSIP_STATE_UNREACHABLE);
		if ((peer->failures > 0 || peer->state != ARC_GOSSIP_STATE_ALIVE) &&
		    !peer->in_flight && now - peer->attempt_mono >= retry_after && retry == NULL)
			retry = peer->id;
	}
	if (retry != NULL)
		arc_gossip_start_round(self, retry);
}

static const gchar *
arc_gossip_next_target(ArcGossip *self)
{
	for (guint tries = 0; tries < 2; tries++) {
		while (self->order_pos < self->order->len) {
			const gchar *id = g_ptr_array_index(self->order, self->order_pos++);
			ArcGossipPeer *peer = g_hash_table_lookup(self->peers, id);
			if (peer != NULL && !peer->in_flight)
				return id;
		}
		/* a new shuffled turn */
		g_ptr_array_set_size(self->order, 0);
		self->order_pos = 0;
		{
			GHashTableIter iter;
			gpointer key;
			g_hash_table_iter_init(&iter, self->peers);
			while (g_hash_table_iter_next(&iter, &key, NULL))
				g_ptr_array_add(self->order, g_strdup(key));
		}
		for (guint i = self->order->len; i > 1; i--) {
			guint j = (guint)g_random_int_range(0, (gint32)i);
			gpointer tmp = self->order->pdata[i - 1];
			self->order->pdata[i - 1] = self->order->pdata[j];
			self->order->pdata[j] = tmp;
		}
	}
	return NULL;
}

static gboolean
arc_gossip_tick_cb(gpointer user_data)
{
	ArcGossip *self = ARC_GOSSIP(user_data);
	const gchar *target;

	if (self->host->is_deactivated(self->host_data))
		return G_SOURCE_CONTINUE;
	arc_gossip_refresh_peers(self);
	target = arc_gossip_next_target(self);
	if (target != NULL)
		arc_gossip_start_round(self, target);
	arc_gossip_check_peers(self);
	/* Bursts (an agent meeting a whole cluster) leave free memory inside the heap, which
	 * malloc keeps: it goes back to the system once things are quiet again. */
	if (self->busy_mono > self->trimmed_mono &&
	    g_get_monotonic_time() - self->busy_mono >= ARC_GOSSIP_QUIET_SECS * G_USEC_PER_SEC) {
		self->trimmed_mono = g_get_monotonic_time();
		malloc_trim(0);
	}
	return G_SOURCE_CONTINUE;
}

/**
 * arc_gossip_sync_all:
 * @self: gossip
 *
 * A round with every member now (`POST /v1/cluster/sync`).
 *
 * Returns: the number of peers a round runs with (started now, or already under way)
 */
guint
arc_gossip_sync_all(ArcGossip *self)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;
	guint n = 0;

	if (self->host->is_deactivated(self->host_data))
		return 0;
	arc_gossip_refresh_peers(self);
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(ids, key);
	for (guint i = 0; i < ids->len; i++) {
		ArcGossipPeer *peer = g_hash_table_lookup(self->peers, g_ptr_array_index(ids, i));
		/* a round already under way counts: it is the round asked for */
		if (peer->in_flight || arc_gossip_start_round(self, peer->id))
			n++;
	}
	return n;
}

/**
 * arc_gossip_push:
 * @self: gossip
 * @records: (element-type ArcRecord): records just stored
 * @exclude: (nullable): the peer they came from
 *
 * Sends @records to fanout alive members at once.
 */
void
arc_gossip_push(ArcGossip *self, GPtrArray *records, const gchar *exclude)
{
	g_autoptr(GPtrArray) targets = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) body = NULL;

	if (arc_gossip_stopped(self))
		return;
	arc_gossip_refresh_peers(self);
	targets = arc_gossip_pick(self, self->config->gossip_fanout, exclude, NULL);
	if (targets->len == 0)
		return;
	json_builder_begin_object(b);
	arc_gossip_add_records(b, records);
	body = arc_gossip_builder_end(b);
	for (guint i = 0; i < targets->len; i++) {
		const ArcMember *member =
			arc_registry_lookup_member(self->registry, g_ptr_array_index(targets, i));
		if (member == NULL)
			continue;
		arc_gossip_send(self, arc_gossip_call_new(self, ARC_GOSSIP_CALL_PUSH, member),
				self->client, "records", body, arc_gossip_records_reply_cb);
	}
}

/**
 * arc_gossip_tell:
 * @self: gossip
 * @peer_id: a peer that is no longer a member here
 * @address: where it answers
 * @key: its key, which signs its answer
 * @records: (element-type ArcRecord): what it must learn (that it was removed)
 *
 * One push to a former member, which still holds this agent as a member.
 */
void
arc_gossip_tell(ArcGossip *self, const gchar *peer_id, const gchar *address, const guint8 *key,
		GPtrArray *records)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) body = NULL;
	ArcMember former = {.id = (gchar *)peer_id, .address = (gchar *)address};

	if (arc_gossip_stopped(self))
		return;
	memcpy(former.key, key, sizeof(former.key));
	json_builder_begin_object(b);
	arc_gossip_add_records(b, records);
	body = arc_gossip_builder_end(b);
	arc_gossip_send(self, arc_gossip_call_new(self, ARC_GOSSIP_CALL_PUSH, &former),
			self->client, "records", body, arc_gossip_records_reply_cb);
}

/* ---- transitive discovery ---- */

typedef struct {
	ArcGossip *gossip;
	gchar *peer_id;
} ArcGossipMeeting;

static void
arc_gossip_meeting_free(ArcGossipMeeting *self)
{
	self->gossip->meetings--;
	g_object_unref(self->gossip);
	g_free(self->peer_id);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipMeeting, arc_gossip_meeting_free)

static void
arc_gossip_discovered_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipMeeting) meeting = user_data;
	const gchar *peer_id = meeting->peer_id;
	ArcGossip *self = meeting->gossip;
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

/* A peer another member knows and this agent does not: this agent runs the handshake with it
 * (docs/protocol.md §6.4). Of two agents that learn of each other at once, the one with the
 * smaller id goes first; the other waits a few rounds. At most ARC_GOSSIP_MAX_MEETINGS run at
 * once (an agent joining a large cluster learns of every peer at once): the others come
 * again with the next rounds. */
static void
arc_gossip_discover(ArcGossip *self, GPtrArray *candidates)
{
	const gchar *own = self->peer_id;
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < candidates->len; i++) {
		ArcRecord *record = g_ptr_array_index(candidates, i);
		g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
		const gchar *address =
			root != NULL
				? arc_json_object_get_string(json_node_get_object(root), "address")
				: NULL;
		const gchar *state =
			root != NULL
				? arc_json_object_get_string(json_node_get_object(root), "state")
				: NULL;
		gint64 *next = g_hash_table_lookup(self->discovery, record->id);

		if (address == NULL || g_strcmp0(state, "active") != 0)
			continue;
		if (next == NULL) {
			next = g_new(gint64, 1);
			*next = strcmp(own, record->id) < 0
					? now
					: now + 3 * (gint64)self->config->gossip_interval * 1000;
			g_hash_table_insert(self->discovery, g_strdup(record->id), next);
		}
		if (now < *next || self->meetings >= ARC_GOSSIP_MAX_MEETINGS)
			continue;
		*next = now + ARC_GOSSIP_DISCOVERY_RETRY_USEC;
		g_info("learned of peer %s at %s through the cluster: meeting it", record->id,
		       address);
		{
			ArcGossipMeeting *meeting = g_new0(ArcGossipMeeting, 1);
			meeting->gossip = g_object_ref(self);
			meeting->peer_id = g_strdup(record->id);
			self->meetings++;
			self->host->meet_async(self->host_data, address, self->cancellable,
					       arc_gossip_discovered_cb, meeting);
		}
	}
}

/* ---- receiving ---- */

static gchar *
arc_gossip_reply(ArcGossip *self, const gchar *type, const ArcGossipMessage *msg, JsonBuilder *b)
{
	g_autofree gchar *nonce = g_base64_encode(msg->nonce, sizeof(msg->nonce));
	g_autofree gchar *reply_type = g_strconcat(type, "_reply", NULL);
	g_autoptr(JsonNode) body = NULL;
	gchar *message;

	json_builder_set_member_name(b, "in_reply_to");
	json_builder_add_string_value(b, nonce);
	json_builder_set_member_name(b, "registry_hash");
	json_builder_add_string_value(b, arc_registry_get_hash(self->registry));
	body = arc_gossip_builder_end(b);
	message = arc_gossip_message_build(reply_type, self->peer_id, msg->from,
					   arc_gossip_now_ms(), body, self->identity, NULL);
	arc_metrics_add("arctic_gossip_bytes_total", "direction=\"sent\"", strlen(message));
	return message;
}

static void
arc_gossip_count_message(const gchar *type, const gchar *result)
{
	g_autofree gchar *labels = g_strdup_printf("type=\"%s\",result=\"%s\"", type, result);
	arc_metrics_count("arctic_gossip_messages_total", labels);
}

/* a sender's refusals of one kind are logged once a minute: a removed peer keeps knocking;
 * returns whether this one was */
static gboolean
arc_gossip_log_refusal(ArcGossip *self, const gchar *from, const gchar *why, const GError *error)
{
	gint64 now = g_get_monotonic_time();
	g_autofree gchar *key = g_strconcat(from, " ", why, NULL);
	gint64 *last = g_hash_table_lookup(self->refusals, key);

	if (last != NULL && now - *last < ARC_GOSSIP_LOG_EVERY_USEC) {
		g_debug("%s", error->message);
		return FALSE;
	}
	if (last == NULL) {
		if (g_hash_table_size(self->refusals) > 1024)
			g_hash_table_remove_all(self->refusals);
		last = g_new(gint64, 1);
		g_hash_table_insert(self->refusals, g_steal_pointer(&key), last);
	}
	*last = now;
	g_warning("%s", error->message);
	return TRUE;
}

/* A refused message is logged at most once a minute per sender and reason. A sender that is
 * neither a member nor a removed peer is whoever the unsigned `from` says: those share one
 * key, so made-up ids neither flood the log nor push the real keys out of the table. A
 * removed peer that knocks is told, as often as it is logged. */
static void
arc_gossip_refused(ArcGossip *self, const gchar *from, const gchar *why, const GError *error)
{
	gboolean outsider = g_strcmp0(why, "not_a_member") == 0;
	gboolean removed = outsider && arc_registry_peer_is_revoked(self->registry, from);

	if (arc_gossip_log_refusal(self, outsider && !removed ? "(not a peer)" : from, why,
				   error) &&
	    removed)
		self->host->tell_removed(self->host_data, from);
}

/* the checks every incoming message passes: a member's, signed, fresh, never seen */
static ArcGossipMessage *
arc_gossip_open(ArcGossip *self, const gchar *type, const gchar *data, gsize len, GError **error)
{
	g_autoptr(ArcGossipMessage) msg = NULL;
	g_autoptr(GError) error_local = NULL;
	const ArcMember *member;
	const gchar *why = NULL;
	ArcGossipReplayRefusal refusal = ARC_GOSSIP_REPLAY_ACCEPTED;

	arc_metrics_add("arctic_gossip_bytes_total", "direction=\"received\"", len);
	if (self->host->is_deactivated(self->host_data)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
				    "gossip refused: this agent has left the cluster");
		return NULL;
	}
	msg = arc_gossip_message_parse(data, len, error);
	if (msg == NULL) {
		arc_gossip_count_message(type, "malformed");
		return NULL;
	}
	if (g_strcmp0(msg->type, type) != 0) {
		arc_gossip_count_message(type, "malformed");
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "gossip message: a '%s' message sent to /v1/gossip/%s", msg->type,
			    type);
		return NULL;
	}
	member = arc_registry_lookup_member(self->registry, msg->from);
	if (member == NULL || g_strcmp0(msg->from, self->peer_id) == 0) {
		why = "not_a_member";
		g_set_error(&error_local, ARC_ERROR, ARC_ERROR_FORBIDDEN,
			    "gossip from %s refused: it is not an active peer of this cluster",
			    msg->from);
	} else if (!arc_gossip_message_verify(msg, member->key, &error_local)) {
		why = "bad_signature";
	} else if (!arc_gossip_message_check_recipient(msg, self->peer_id, &error_local)) {
		why = "wrong_recipient";
	} else if (!arc_gossip_replay_guard_check_full(self->guard, msg, arc_gossip_now_ms(),
						       &refusal, &error_local)) {
		why = arc_gossip_replay_refusal_to_string(refusal);
	}
	if (error_local != NULL) {
		arc_gossip_count_message(type, why);
		/* a peer being met sends before this agent has stored it: no news */
		if (g_strcmp0(why, "not_a_member") == 0 &&
		    g_hash_table_contains(self->discovery, msg->from))
			g_debug("%s", error_local->message);
		else
			arc_gossip_refused(self, msg->from, why, error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	arc_gossip_count_message(type, "ok");
	return g_steal_pointer(&msg);
}

static gchar *
arc_gossip_on_digest(ArcGossip *self, ArcGossipMessage *msg, GError **error)
{
	JsonObject *body = json_node_get_object(msg->body);
	const gchar *their_hash = arc_json_object_get_string(body, "registry_hash");
	const gchar *cluster_id = arc_json_object_get_string(body, "cluster_id");
	const gchar *own_hash = arc_registry_get_hash(self->registry);
	g_autoptr(JsonBuilder) b = json_builder_new();
	gboolean in_sync = g_strcmp0(their_hash, own_hash) == 0;

	arc_gossip_heard(self, msg->from, their_hash);
	if (cluster_id != NULL)
		self->host->offer_cluster_id(self->host_data, cluster_id, msg->from);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "cluster_id");
	json_builder_add_string_value(b, self->host->get_cluster_id(self->host_data));
	json_builder_set_member_name(b, "in_sync");
	json_builder_add_boolean_value(b, in_sync);
	if (!in_sync) {
		g_autoptr(GPtrArray) local = arc_registry_list_all(self->registry, error);
		if (local == NULL)
			return NULL;
		arc_gossip_add_digest(b, local);
	}
	return arc_gossip_reply(self, "digest", msg, b);
}

static gchar *
arc_gossip_on_records(ArcGossip *self, ArcGossipMessage *msg, GError **error)
{
	JsonObject *body = json_node_get_object(msg->body);
	JsonArray *want = arc_json_object_get_array(body, "want");
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) wanted =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	g_autoptr(GPtrArray) purged = NULL;
	gint stored;

	arc_gossip_heard(self, msg->from, NULL);
	stored = arc_gossip_merge(self, body, msg->from, &purged);
	for (guint i = 0; want != NULL && i < json_array_get_length(want) &&
			  wanted->len < ARC_GOSSIP_MAX_RECORDS;
	     i++) {
		const gchar *key = json_array_get_string_element(want, i);
		g_auto(GStrv) parts = NULL;
		ArcRecord *record;

		if (key == NULL)
			continue;
		parts = g_strsplit(key, "/", 2);
		if (g_strv_length(parts) != 2)
			continue;
		record = arc_storage_get_record(arc_registry_get_storage(self->registry), parts[0],
						parts[1], NULL);
		if (record != NULL)
			g_ptr_array_add(wanted, record);
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "stored");
	json_builder_add_int_value(b, MAX(stored, 0));
	arc_gossip_add_records(b, wanted);
	if (purged != NULL && purged->len > 0) {
		json_builder_set_member_name(b, "purged");
		json_builder_begin_array(b);
		for (guint i = 0; i < purged->len; i++)
			json_builder_add_string_value(b, g_ptr_array_index(purged, i));
		json_builder_end_array(b);
	}
	return arc_gossip_reply(self, "records", msg, b);
}

/**
 * arc_gossip_receive:
 * @self: gossip
 * @type: `digest` or `records`, from the path
 * @data: the request body, untrusted
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the signed answer, or %NULL with %ARC_ERROR_INVALID_REQUEST,
 *   %ARC_ERROR_UNAUTHORIZED (signature, clock, replay) or %ARC_ERROR_FORBIDDEN (not a
 *   member)
 */
gchar *
arc_gossip_receive(ArcGossip *self, const gchar *type, const gchar *data, gsize len, GError **error)
{
	g_autoptr(ArcGossipMessage) msg = arc_gossip_open(self, type, data, len, error);

	if (msg == NULL)
		return NULL;
	if (g_strcmp0(type, "digest") == 0)
		return arc_gossip_on_digest(self, msg, error);
	return arc_gossip_on_records(self, msg, error);
}

static void
arc_gossip_probe_ping_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossipMessage *msg = g_task_get_task_data(call->task);
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	gboolean transport = FALSE;

	if (arc_gossip_stopped(call->gossip)) {
		g_task_return_new_error(call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
					"agent stopping");
		return;
	}
	body = arc_gossip_open_reply(call->gossip, call, source, res, &transport, &error);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "target");
	json_builder_add_string_value(b, call->peer_id);
	json_builder_set_member_name(b, "reachable");
	json_builder_add_boolean_value(b, body != NULL);
	g_task_return_pointer(call->task, arc_gossip_reply(call->gossip, "probe", msg, b), g_free);
}

/**
 * arc_gossip_probe_async:
 * @self: gossip
 * @data: `POST /v1/gossip/probe`, untrusted: `{"target": <peer id>}` from a member
 * @len: its length
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Tries to reach the target for a member that could not.
 */
void
arc_gossip_probe_async(ArcGossip *self, const gchar *data, gsize len, GAsyncReadyCallback callback,
		       gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, NULL, callback, user_data);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) body = NULL;
	ArcGossipMessage *msg = arc_gossip_open(self, "probe", data, len, &error);
	const ArcMember *target;
	ArcGossipCall *call;

	if (msg == NULL) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	g_task_set_task_data(task, msg, (GDestroyNotify)arc_gossip_message_free);
	arc_gossip_heard(self, msg->from, NULL);
	target = arc_registry_lookup_member(
		self->registry,
		arc_json_object_get_string(json_node_get_object(msg->body), "target"));
	if (target == NULL || g_strcmp0(target->id, self->peer_id) == 0) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "reachable");
		json_builder_add_boolean_value(b, target != NULL);
		g_task_return_pointer(task, arc_gossip_reply(self, "probe", msg, b), g_free);
		return;
	}
	body = arc_gossip_digest_body(self);
	call = arc_gossip_call_new(self, ARC_GOSSIP_CALL_PROBE_PING, target);
	call->task = g_steal_pointer(&task);
	arc_gossip_send(self, call, self->client, "digest", body, arc_gossip_probe_ping_cb);
}

gchar *
arc_gossip_probe_finish(ArcGossip *self, GAsyncResult *res, GError **error)
{
	return g_task_propagate_pointer(G_TASK(res), error);
}

/**
 * arc_gossip_get_peer:
 * @self: gossip
 * @peer_id: a member
 * @state: (out): what this agent observes of it
 * @last_seen: (out): its last signed message, ms since the epoch, 0 if none yet
 * @registry_hash: (out) (transfer none) (nullable): the registry hash it last stated
 *
 * Returns: %TRUE if @peer_id is tracked
 */
gboolean
arc_gossip_get_peer(ArcGossip *self, const gchar *peer_id, ArcGossipState *state, gint64 *last_seen,
		    const gchar **registry_hash)
{
	ArcGossipPeer *peer = g_hash_table_lookup(self->peers, peer_id);

	if (peer == NULL)
		return FALSE;
	*state = peer->state;
	*last_seen = peer->last_seen;
	*registry_hash = peer->registry_hash;
	return TRUE;
}

/* a peer a member told this agent about, that it has not met yet */
gboolean
arc_gossip_is_candidate(ArcGossip *self, const gchar *peer_id)
{
	return g_hash_table_contains(self->discovery, peer_id);
}

guint
arc_gossip_count_state(ArcGossip *self, ArcGossipState state)
{
	GHashTableIter iter;
	gpointer value;
	guint n = 0;

	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		n += ((ArcGossipPeer *)value)->state == state;
	return n;
}
