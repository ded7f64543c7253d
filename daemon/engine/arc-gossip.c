/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-private.h"

#include <malloc.h>
#include <string.h>

#include "arc-gossip-digest.h"
#include "arc-metrics.h"
#include "arc-record-sign.h"

/* One round every interval: the next peer of a shuffled list gets this agent's registry hash
 * (`digest`); when the hashes differ it answers with its digest and this agent sends what
 * the other lacks and asks for what it lacks itself (`records`). A round that finds no
 * answer asks up to fanout other peers to try (`probe`); when none reaches the peer either,
 * it is suspect, and unreachable once nothing was heard from it for unreachable_after. Any
 * signed message makes a peer alive again. A local change is pushed at once to fanout peers,
 * and every agent that stores something new passes it on the same way. */

#define ARC_GOSSIP_PURGE_SECS 3600
#define ARC_GOSSIP_IDLE_SECS 5
#define ARC_GOSSIP_QUIET_SECS 10

enum { SIGNAL_PEER_STATE_CHANGED, N_SIGNALS };
static guint arc_gossip_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcGossip, arc_gossip, G_TYPE_OBJECT)

void
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
	g_clear_object(&self->node);
	g_free(self->peer_id);
	arc_gossip_replay_guard_free(self->guard);
	g_clear_object(&self->health);
	g_clear_object(&self->discovery);
	arc_gossip_refusals_free(self->refusals);
	G_OBJECT_CLASS(arc_gossip_parent_class)->finalize(object);
}

static void
arc_gossip_class_init(ArcGossipClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_gossip_finalize;
	/**
	 * ArcGossip::peer-state-changed:
	 * @peer_id: a peer
	 * @state: an #ArcGossipState: what this agent now observes of it
	 */
	arc_gossip_signals[SIGNAL_PEER_STATE_CHANGED] =
		g_signal_new("peer-state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
}

static void
arc_gossip_init(ArcGossip *self)
{
	self->refusals = arc_gossip_refusals_new();
	self->cancellable = g_cancellable_new();
}

static void
arc_gossip_peer_state_changed_cb(ArcGossipHealth *health, const gchar *peer_id, gint state,
				 gpointer user_data)
{
	g_signal_emit(user_data, arc_gossip_signals[SIGNAL_PEER_STATE_CHANGED], 0, peer_id, state);
}

/**
 * arc_gossip_new:
 * @node: this agent, bootstrapped: its settings, the key it signs its messages with, its peer
 *   id, its cluster id and clock
 * @registry: the records to replicate
 * @host: (transfer none): what gossip needs of the agent, static
 * @host_data: for @host; owns the result and outlives it
 *
 * Returns: (transfer full): gossip for a bootstrapped agent; call arc_gossip_start()
 */
ArcGossip *
arc_gossip_new(ArcNode *node, ArcRegistry *registry, const ArcGossipHost *host, gpointer host_data)
{
	ArcGossip *self = g_object_new(ARC_TYPE_GOSSIP, NULL);
	const gchar *peer_id = arc_node_get_peer_id(node);
	guint timeout_secs;

	self->node = g_object_ref(node);
	self->registry = g_object_ref(registry);
	self->identity = g_object_ref(arc_node_get_identity(node));
	self->peer_id = g_strdup(peer_id);
	self->host = host;
	self->host_data = host_data;
	self->config = arc_node_get_config(node);
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
	self->health = arc_gossip_health_new(peer_id, self->config->gossip_suspect_after,
					     self->config->gossip_unreachable_after);
	g_signal_connect_object(self->health, "peer-state-changed",
				G_CALLBACK(arc_gossip_peer_state_changed_cb), self, 0);
	self->discovery =
		arc_gossip_discovery_new(peer_id, self->config->gossip_interval, host, host_data);
	return self;
}

static gboolean arc_gossip_tick_cb(gpointer user_data);

static void
arc_gossip_purge_tombstones(ArcGossip *self)
{
	arc_registry_purge_tombstones(self->registry, arc_node_now(self->node),
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

gboolean
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

/* the health table follows the members; a member is no longer a candidate of discovery */
static void
arc_gossip_refresh_peers(ArcGossip *self)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(self->registry);

	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		if (g_strcmp0(member->id, self->peer_id) != 0)
			arc_gossip_discovery_met(self->discovery, member->id);
	}
	arc_gossip_health_track(self->health, members, g_get_monotonic_time());
}

/* a verified message from @peer_id */
void
arc_gossip_heard(ArcGossip *self, const gchar *peer_id, const gchar *registry_hash)
{
	if (!arc_gossip_health_contains(self->health, peer_id) &&
	    arc_registry_lookup_member(self->registry, peer_id) != NULL)
		arc_gossip_refresh_peers(self);
	arc_gossip_health_heard(self->health, peer_id, registry_hash, g_get_monotonic_time());
}

/* up to @n alive members other than @exclude_a and @exclude_b, at random */
GPtrArray *
arc_gossip_pick(ArcGossip *self, guint n, const gchar *exclude_a, const gchar *exclude_b)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(self->registry);
	GPtrArray *picked = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) pool = g_ptr_array_new();
	const gchar *own = self->peer_id;

	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);

		if (g_strcmp0(member->id, own) == 0 || g_strcmp0(member->id, exclude_a) == 0 ||
		    g_strcmp0(member->id, exclude_b) == 0 ||
		    !arc_gossip_health_is_alive(self->health, member->id))
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

JsonNode *
arc_gossip_builder_end(JsonBuilder *b)
{
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

ArcGossipCall *
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
void
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

/* The answer's body if it is the signed answer of the peer that was asked, to this very
 * message. @transport is set when no answer came at all. */
JsonNode *
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

/* stores what another member sent and meets the peers it named that this agent does not
 * know */
static gint
arc_gossip_merge(ArcGossip *self, JsonObject *body, const gchar *from, GPtrArray **purged_out)
{
	g_autoptr(GPtrArray) records = arc_gossip_digest_parse_records(body, from);
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
		arc_gossip_discovery_meet(self->discovery, candidates, g_get_monotonic_time(),
					  self->cancellable);
	return stored;
}

/* ---- rounds ---- */

static void
arc_gossip_round_end(ArcGossip *self, const gchar *peer_id, const gchar *result)
{
	g_autofree gchar *labels = g_strdup_printf("result=\"%s\"", result);

	arc_gossip_health_end_round(self->health, peer_id);
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
		arc_gossip_health_log_failure(self->health, call->peer_id, error->message,
					      g_get_monotonic_time());
		arc_gossip_round_end(self, call->peer_id, "failed");
		return;
	}
	arc_gossip_merge(self, json_node_get_object(body), call->peer_id, NULL);
	arc_gossip_apply_purged(self, json_node_get_object(body), call->peer_id);
	arc_gossip_round_end(self, call->peer_id, "merged");
}

/* the `records` message of a round: what the other side lacks, and what this agent wants */
static JsonNode *
arc_gossip_records_request(GPtrArray *push, GPtrArray *want)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	arc_gossip_digest_add_records(b, push);
	json_builder_set_member_name(b, "want");
	json_builder_begin_array(b);
	for (guint i = 0; i < want->len && i < ARC_GOSSIP_MAX_RECORDS; i++)
		json_builder_add_string_value(b, g_ptr_array_index(want, i));
	json_builder_end_array(b);
	return arc_gossip_builder_end(b);
}

/* the digest the peer of @call answered with differs from the local records: the round
 * goes on with the records each side lacks */
static void
arc_gossip_exchange(ArcGossip *self, ArcGossipCall *call, JsonObject *obj)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) local = arc_registry_list_all(self->registry, &error);
	g_autoptr(GPtrArray) push = g_ptr_array_new();
	g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonNode) request = NULL;
	ArcGossipCall *next;

	if (local == NULL) {
		g_warning("cannot read the records: %s", error->message);
		arc_gossip_round_end(self, call->peer_id, "failed");
		return;
	}
	arc_gossip_digest_diff(local, arc_json_object_get_array(obj, "entries"), push, want);
	if (push->len == 0 && want->len == 0) {
		arc_gossip_round_end(self, call->peer_id, "in_sync");
		return;
	}
	request = arc_gossip_records_request(push, want);
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

static void
arc_gossip_digest_reply_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcGossipCall) call = user_data;
	ArcGossip *self = call->gossip;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error = NULL;
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
			arc_gossip_health_log_failure(self->health, call->peer_id, error->message,
						      g_get_monotonic_time());
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
	arc_gossip_exchange(self, call, obj);
}

JsonNode *
arc_gossip_digest_body(ArcGossip *self)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "cluster_id");
	json_builder_add_string_value(b, arc_node_get_cluster_id(self->node));
	json_builder_set_member_name(b, "registry_hash");
	json_builder_add_string_value(b, arc_registry_get_hash(self->registry));
	return arc_gossip_builder_end(b);
}

static gboolean
arc_gossip_start_round(ArcGossip *self, const gchar *peer_id)
{
	const ArcMember *member = arc_registry_lookup_member(self->registry, peer_id);
	g_autoptr(JsonNode) body = NULL;

	if (member == NULL ||
	    !arc_gossip_health_begin_round(self->health, peer_id, g_get_monotonic_time()))
		return FALSE;
	body = arc_gossip_digest_body(self);
	arc_gossip_send(self, arc_gossip_call_new(self, ARC_GOSSIP_CALL_ROUND, member),
			self->client, "digest", body, arc_gossip_digest_reply_cb);
	return TRUE;
}

static gboolean
arc_gossip_tick_cb(gpointer user_data)
{
	ArcGossip *self = ARC_GOSSIP(user_data);
	const gchar *target;
	const gchar *retry;

	if (self->host->is_deactivated(self->host_data))
		return G_SOURCE_CONTINUE;
	arc_gossip_refresh_peers(self);
	target = arc_gossip_health_next(self->health);
	if (target != NULL)
		arc_gossip_start_round(self, target);
	/* peers that failed get another try sooner than their turn */
	retry = arc_gossip_health_check(self->health, g_get_monotonic_time());
	if (retry != NULL)
		arc_gossip_start_round(self, retry);
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
	g_autoptr(GPtrArray) ids = NULL;
	guint n = 0;

	if (self->host->is_deactivated(self->host_data))
		return 0;
	arc_gossip_refresh_peers(self);
	ids = arc_gossip_health_list(self->health);
	for (guint i = 0; i < ids->len; i++) {
		const gchar *id = g_ptr_array_index(ids, i);
		/* a round already under way counts: it is the round asked for */
		if (arc_gossip_health_in_round(self->health, id) ||
		    arc_gossip_start_round(self, id))
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
	arc_gossip_digest_add_records(b, records);
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
	arc_gossip_digest_add_records(b, records);
	body = arc_gossip_builder_end(b);
	arc_gossip_send(self, arc_gossip_call_new(self, ARC_GOSSIP_CALL_PUSH, &former),
			self->client, "records", body, arc_gossip_records_reply_cb);
}

/* ---- receiving ---- */

gchar *
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

/* A refused message is logged at most once a minute per sender and reason. A sender that is
 * neither a member nor a removed peer is whoever the unsigned `from` says: those share one
 * key, so made-up ids neither flood the log nor push the real keys out of the table. A
 * removed peer that knocks is told, as often as it is logged. */
static void
arc_gossip_refused(ArcGossip *self, const gchar *from, const gchar *why, const GError *error)
{
	gboolean outsider = g_strcmp0(why, "not_a_member") == 0;
	gboolean removed = outsider && arc_registry_peer_is_revoked(self->registry, from);

	if (arc_gossip_refusals_log(self->refusals, outsider && !removed ? "(not a peer)" : from,
				    why, error, g_get_monotonic_time()) &&
	    removed)
		self->host->tell_removed(self->host_data, from);
}

/* the checks every incoming message passes: a member's, signed, fresh, never seen */
ArcGossipMessage *
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
		    arc_gossip_discovery_contains(self->discovery, msg->from))
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
	json_builder_add_string_value(b, arc_node_get_cluster_id(self->node));
	json_builder_set_member_name(b, "in_sync");
	json_builder_add_boolean_value(b, in_sync);
	if (!in_sync) {
		g_autoptr(GPtrArray) local = arc_registry_list_all(self->registry, error);
		if (local == NULL)
			return NULL;
		arc_gossip_digest_add_entries(b, local);
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
	arc_gossip_digest_add_records(b, wanted);
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
	return arc_gossip_health_get_peer(self->health, peer_id, state, last_seen, registry_hash);
}

/* a peer a member told this agent about, that it has not met yet */
gboolean
arc_gossip_is_candidate(ArcGossip *self, const gchar *peer_id)
{
	return arc_gossip_discovery_contains(self->discovery, peer_id);
}

guint
arc_gossip_count_state(ArcGossip *self, ArcGossipState state)
{
	return arc_gossip_health_count_state(self->health, state);
}
