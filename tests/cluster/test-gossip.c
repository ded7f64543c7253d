/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-gossip-message.h"
#include "arc-identity.h"
#include "arc-record-sign.h"
#include "arc-gs-node.h"
#include "arc-test-agent.h"
#include "arc-key-file.h"

/* Suite 'cluster': replication by gossip between real agents on 127.0.0.1 (docs/protocol.md
 * §6): transitive discovery, convergence, the shared credential and tokens across peers,
 * failure detection, crashes, departures, and the messages an agent must refuse. Gossip
 * runs fast here (a round every 100 ms); every wait is bounded. */

static gchar *
gs_token_for(GsNode *self, const gchar *client_id, const gchar *secret, guint *status)
{
	g_autofree gchar *body = g_strdup_printf(
		"grant_type=client_credentials&client_id=%s&client_secret=%s", client_id, secret);
	g_autoptr(JsonNode) res =
		arc_test_agent_request(self->agent, "POST", "/v1/oauth/token", NULL, body,
				       "application/x-www-form-urlencoded", status);
	if (*status != 200)
		return NULL;
	return g_strdup(json_object_get_string_member(gs_object(res), "access_token"));
}

static guint
gs_status_with(GsNode *self, const gchar *token, const gchar *path)
{
	guint status = 0;
	G_GNUC_UNUSED g_autoptr(JsonNode) res =
		arc_test_agent_call(self->agent, "GET", path, token, NULL, &status);
	return status;
}

static gboolean
gs_metrics_contain(GsNode *self, const gchar *needle)
{
	g_autoptr(ArcTestResponse) metrics = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;

	metrics = arc_test_agent_send(self->agent, "GET", "/metrics", NULL, NULL, 0, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(metrics->status, ==, 200);
	text = g_strndup(g_bytes_get_data(metrics->body, NULL), g_bytes_get_size(metrics->body));
	return strstr(text, needle) != NULL;
}

/* A joins B and B joins C: A and C meet by themselves, every node ends with the same
 * records, a credential made on one peer works on all, a token issued by one is accepted by
 * all, and a revocation anywhere stops it everywhere. The cluster id is the oldest. */
static void
gs_replication_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c};
	g_autoptr(JsonNode) created = NULL;
	g_autofree gchar *client_id = NULL, *secret = NULL, *token_c = NULL, *oldest = NULL;
	const gchar *ids[] = {arc_test_agent_get_cluster_id(a->agent),
			      arc_test_agent_get_cluster_id(b->agent),
			      arc_test_agent_get_cluster_id(c->agent)};
	guint status = 0;

	gs_join(a, b);
	gs_join(b, c);
	/* transitive discovery: nobody added A and C to each other */
	GS_WAIT_FOR(gs_knows(a, c->peer_id) && gs_knows(c, a->peer_id));
	GS_WAIT_FOR(gs_converged(all, 3));

	/* tokens issued before the merge, for the cluster id an agent gave up, still work */
	g_assert_cmpuint(gs_status_with(c, c->token, "/v1/peers"), ==, 200);
	g_assert_cmpuint(gs_status_with(b, b->token, "/v1/peers"), ==, 200);
	/* the oldest cluster id won everywhere */
	oldest = g_strdup(ids[0]);
	for (guint i = 1; i < 3; i++) {
		if (strcmp(ids[i], oldest) < 0) {
			g_free(oldest);
			oldest = g_strdup(ids[i]);
		}
	}
	for (guint i = 0; i < 3; i++) {
		g_autoptr(JsonNode) id = arc_test_agent_request(
			all[i]->agent, "GET", "/v1/cluster/identity", NULL, NULL, NULL, &status);
		g_assert_cmpstr(json_object_get_string_member(gs_object(id), "cluster_id"), ==,
				oldest);
	}

	/* a credential created on C */
	created = gs_call(c, "POST", "/v1/credentials", "{\"scopes\":[\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	client_id = g_strdup(json_object_get_string_member(gs_object(created), "client_id"));
	secret = g_strdup(json_object_get_string_member(gs_object(created), "client_secret"));
	/* works against A once replicated; a token from C is accepted by A and B */
	GS_WAIT_FOR(({
		g_autofree gchar *t = gs_token_for(a, client_id, secret, &status);
		t != NULL;
	}));
	token_c = gs_token_for(c, client_id, secret, &status);
	g_assert_nonnull(token_c);
	g_assert_cmpuint(gs_status_with(a, token_c, "/v1/peers"), ==, 200);
	g_assert_cmpuint(gs_status_with(b, token_c, "/v1/peers"), ==, 200);
	/* its scope holds everywhere */
	g_assert_cmpuint(gs_status_with(b, token_c, "/v1/credentials"), ==, 403);

	/* revoked on B: the token stops on every peer */
	{
		g_autofree gchar *path = g_strconcat("/v1/credentials/", client_id, NULL);
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(b, "DELETE", path, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	GS_WAIT_FOR(gs_status_with(a, token_c, "/v1/peers") == 401 &&
		    gs_status_with(c, token_c, "/v1/peers") == 401);
	GS_WAIT_FOR(gs_converged(all, 3));

	/* what /metrics says of it; the next round after convergence finds the two in sync */
	GS_WAIT_FOR(gs_metrics_contain(a, "arctic_gossip_rounds_total{result=\"in_sync\"} "));
	g_assert_true(gs_metrics_contain(a, "arctic_gossip_members{reachability=\"alive\"} 2\n"));
	g_assert_true(gs_metrics_contain(a, "arctic_records{kind=\"peer\",deleted=\"false\"} 3\n"));
	g_assert_true(gs_metrics_contain(a, "arctic_gossip_records_total{result=\"accepted\"} "));
	g_assert_true(gs_metrics_contain(
		a, "arctic_gossip_messages_total{type=\"digest\",result=\"ok\"} "));
	g_assert_true(gs_metrics_contain(
		a, "arctic_handshakes_total{role=\"initiator\",result=\"ok\"} "));
}

/* One client id and secret work against every peer; a rotation on one peer makes the new
 * secret work everywhere while the old one keeps working for the grace period. */
static void
gs_shared_credential_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autoptr(JsonNode) info = NULL, rotated = NULL, after = NULL;
	g_autofree gchar *client_id = NULL, *new_secret = NULL;
	const gchar *old_secret;
	guint status = 0;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	info = gs_call(a, "GET", "/v1/cluster/credentials", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	client_id = g_strdup(json_object_get_string_member(gs_object(info), "client_id"));
	g_assert_cmpint(json_object_get_int_member(gs_object(info), "version"), ==, 1);
	g_assert_null(json_object_get_member(gs_object(info), "client_secret"));
	/* the same on B, and the secret that came with its bootstrap works on B too */
	{
		g_autoptr(JsonNode) info_b =
			gs_call(b, "GET", "/v1/cluster/credentials", NULL, &status);
		g_autofree gchar *t = NULL;
		GsNode *owner =
			g_strcmp0(arc_test_agent_get_client_id(a->agent), client_id) == 0 ? a : b;
		GsNode *other = owner == a ? b : a;

		g_assert_cmpstr(json_object_get_string_member(gs_object(info_b), "client_id"), ==,
				client_id);
		old_secret = arc_test_agent_get_client_secret(owner->agent);
		t = gs_token_for(other, client_id, old_secret, &status);
		g_assert_nonnull(t);

		rotated = gs_call(other, "POST", "/v1/cluster/credentials/rotate", NULL, &status);
		g_assert_cmpuint(status, ==, 200);
		g_assert_cmpstr(json_object_get_string_member(gs_object(rotated), "client_id"), ==,
				client_id);
		g_assert_cmpint(json_object_get_int_member(gs_object(rotated), "version"), ==, 2);
		g_assert_cmpstr(json_object_get_string_member(gs_object(rotated), "rotated_by"), ==,
				other->peer_id);
		new_secret = g_strdup(
			json_object_get_string_member(gs_object(rotated), "client_secret"));
		/* the new secret on the other peer once gossip carried it; the old one too */
		GS_WAIT_FOR(({
			g_autofree gchar *n = gs_token_for(owner, client_id, new_secret, &status);
			n != NULL;
		}));
		g_free(t);
		t = gs_token_for(owner, client_id, old_secret, &status);
		g_assert_nonnull(t);
		after = gs_call(owner, "GET", "/v1/cluster/credentials", NULL, &status);
		g_assert_cmpint(json_object_get_int_member(gs_object(after), "version"), ==, 2);
	}
}

static const gchar *
gs_reachability(GsNode *self, const gchar *peer_id)
{
	static gchar state[32];
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", "/v1/cluster/status", NULL, &status);
	JsonObject *peer = gs_status_peer(res, peer_id);
	const gchar *value =
		peer != NULL ? json_object_get_string_member_with_default(peer, "reachability", "")
			     : "";
	g_strlcpy(state, value != NULL ? value : "", sizeof(state));
	return state;
}

/* kill -9 of a node: the others see it suspect, then unreachable; writes go on without it;
 * once restarted it catches up and is alive again */
static void
gs_crash_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c};
	g_autoptr(JsonNode) created = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;
	guint status = 0;
	gboolean ok;

	gs_join(a, b);
	gs_join(a, c);
	GS_WAIT_FOR(gs_converged(all, 3));
	GS_WAIT_FOR(g_strcmp0(gs_reachability(a, c->peer_id), "alive") == 0);

	arc_test_agent_kill(c->agent);
	GS_WAIT_FOR(g_strcmp0(gs_reachability(a, c->peer_id), "unreachable") == 0 &&
		    g_strcmp0(gs_reachability(b, c->peer_id), "unreachable") == 0);
	/* the others keep serving and writing */
	created = gs_call(a, "POST", "/v1/credentials", "{\"scopes\":[\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	path = g_strdup("/v1/credentials");

	ok = arc_test_agent_start(c->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(c);
	GS_WAIT_FOR(gs_converged(all, 3));
	GS_WAIT_FOR(g_strcmp0(gs_reachability(a, c->peer_id), "alive") == 0);
	{
		/* the credential written while it was down */
		g_autoptr(JsonNode) list = gs_call(c, "GET", path, NULL, &status);
		g_autofree gchar *text = json_to_string(list, FALSE);
		g_assert_nonnull(strstr(
			text, json_object_get_string_member(gs_object(created), "client_id")));
	}
	{
		g_autofree gchar *log = arc_test_agent_get_log(a->agent);
		g_assert_nonnull(strstr(log, "is unreachable"));
		g_assert_nonnull(strstr(log, "is alive again"));
	}
}

/* a peer removed on one node is gone from every node, and its gossip is refused; a peer
 * that leaves while another is down is forgotten by that one once it is back */
static void
gs_removal_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	g_autoptr(GsNode) d = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c, d};
	GsNode *rest[] = {a, b};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = g_strconcat("/v1/peers/", c->peer_id, NULL);
	guint status = 0;
	gboolean ok;

	gs_join(a, b);
	gs_join(a, c);
	gs_join(a, d);
	GS_WAIT_FOR(gs_converged(all, 4));

	/* B is down while D leaves */
	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) leave =
			gs_call(d, "DELETE", "/v1/peers/self", NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	/* C is removed by A, and A says so at once: its peer list reads the records the joins
	 * had it parse, which must not outlive the removal (an operator's `peers add` would
	 * re-admit C: /cluster/delete-readd) */
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(a, "DELETE", path, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) gone = gs_call(a, "GET", path, NULL, &status);
		g_assert_cmpuint(status, ==, 404);
	}
	ok = arc_test_agent_start(b->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(b);
	GS_WAIT_FOR(!gs_knows(b, c->peer_id) && !gs_knows(b, d->peer_id));
	GS_WAIT_FOR(gs_converged(rest, 2));
	/* C is out either way: its gossip is refused (and logged), or it learned of its removal
	 * from a peer that still took it for a member, and stopped */
	{
		g_autofree gchar *needle = g_strdup_printf(
			"gossip from %s refused: it is not an active peer", c->peer_id);
		GS_WAIT_FOR(({
			g_autofree gchar *log_b = arc_test_agent_get_log(b->agent);
			g_autofree gchar *log_c = arc_test_agent_get_log(c->agent);
			strstr(log_b, needle) != NULL ||
				strstr(log_c, "this agent was removed from the cluster") != NULL;
		}));
	}
	/* D, which left, does not come back by a handshake; C, which was removed, does when an
	 * operator adds it again (the guide: delete, then re-add) */
	{
		g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", d->address);
		g_autoptr(JsonNode) again = gs_call(b, "POST", "/v1/peers", body, &status);
		g_assert_cmpuint(status, ==, 422);
		g_assert_cmpstr(json_object_get_string_member(gs_object(again), "reason"), ==,
				"revoked");
	}
	{
		g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", c->address);
		G_GNUC_UNUSED g_autoptr(JsonNode) back =
			gs_call(b, "POST", "/v1/peers", body, &status);
		g_assert_cmpuint(status, ==, 201);
		GS_WAIT_FOR(gs_knows(a, c->peer_id));
	}
}

static guint
gs_count_credentials(GsNode *self)
{
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", "/v1/credentials", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	return json_array_get_length(json_object_get_array_member(gs_object(res), "credentials"));
}

/* A node away while more changed than one message carries (ARC_GOSSIP_MAX_RECORDS, 256)
 * catches up over several rounds once back, deletions included. */
static void
gs_long_absence_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	guint status = 0, expected;
	gboolean ok;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	for (guint i = 0; i < 300; i++) {
		g_autoptr(JsonNode) created = gs_call(a, "POST", "/v1/credentials",
						      "{\"scopes\":[\"peers.read\"]}", &status);
		g_assert_cmpuint(status, ==, 201);
		g_ptr_array_add(ids, g_strdup(json_object_get_string_member(gs_object(created),
									    "client_id")));
	}
	for (guint i = 0; i < 10; i++) {
		g_autofree gchar *path =
			g_strconcat("/v1/credentials/", (gchar *)g_ptr_array_index(ids, i), NULL);
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(a, "DELETE", path, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	expected = gs_count_credentials(a);
	ok = arc_test_agent_start(b->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(b);
	GS_WAIT_FOR(gs_converged(all, 2));
	g_assert_cmpuint(gs_count_credentials(b), ==, expected);
}

static gboolean
gs_has_credential(GsNode *self, const gchar *client_id)
{
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", "/v1/credentials", NULL, &status);
	g_autofree gchar *text = json_to_string(res, FALSE);
	g_assert_cmpuint(status, ==, 200);
	return strstr(text, client_id) != NULL;
}

/* A node away for longer than the tombstone retention holds a record the others deleted and
 * purged meanwhile: it learns of the deletion when it offers the record, and the record does
 * not come back. */
static void
gs_absence_beyond_retention_func(void)
{
	const gchar *conf = "[gossip]\ntombstone_retention=2\n";
	g_autoptr(GsNode) a = gs_node_new(NULL, conf);
	g_autoptr(GsNode) b = gs_node_new(a, conf);
	GsNode *all[] = {a, b};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) created = NULL;
	g_autofree gchar *client_id = NULL;
	g_autofree gchar *path = NULL;
	guint status = 0;
	gboolean ok;

	gs_join(a, b);
	created = gs_call(a, "POST", "/v1/credentials", "{\"scopes\":[\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	client_id = g_strdup(json_object_get_string_member(gs_object(created), "client_id"));
	GS_WAIT_FOR(gs_converged(all, 2) && gs_has_credential(b, client_id));

	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	path = g_strconcat("/v1/credentials/", client_id, NULL);
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(a, "DELETE", path, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	/* the tombstone is purged on A */
	GS_WAIT_FOR(
		gs_metrics_contain(a, "arctic_records{kind=\"credential\",deleted=\"true\"} 0\n"));

	ok = arc_test_agent_start(b->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(b);
	GS_WAIT_FOR(gs_converged(all, 2));
	g_assert_false(gs_has_credential(b, client_id));
	g_assert_false(gs_has_credential(a, client_id));
	GS_WAIT_FOR(({
		g_autofree gchar *log = arc_test_agent_get_log(b->agent);
		strstr(log, "deleted while this agent was away") != NULL;
	}));
}

/* the state `GET /v1/peers/{id}` on @self shows for @peer_id */
static gchar *
gs_peer_state(GsNode *self, const gchar *peer_id)
{
	guint status = 0;
	g_autofree gchar *path = g_strconcat("/v1/peers/", peer_id, NULL);
	g_autoptr(JsonNode) res = gs_call(self, "GET", path, NULL, &status);
	if (status != 200)
		return g_strdup("");
	return g_strdup(json_object_get_string_member(gs_object(res), "state"));
}

static gboolean
gs_over_limit_is(GsNode *const *nodes, guint n, const gchar *peer_id)
{
	for (guint i = 0; i < n; i++) {
		for (guint j = 0; j < n; j++) {
			g_autofree gchar *state = gs_peer_state(nodes[i], nodes[j]->peer_id);
			const gchar *expected = g_strcmp0(nodes[j]->peer_id, peer_id) == 0
							? "over_limit"
							: "active";
			if (g_strcmp0(state, expected) != 0)
				return FALSE;
		}
	}
	return TRUE;
}

/* Two clusters of two, licensed for three nodes, meet: an operator's add is checked against
 * the limit, but the peers each side brings are met by discovery, and the one bootstrapped
 * last is over_limit on every node (DESIGN.md §5). */
static void
gs_node_limit_func(void)
{
	g_autoptr(GsNode) a = gs_node_new_full(NULL, NULL, 3);
	g_autoptr(GsNode) b = gs_node_new_full(a, NULL, 3);
	g_autoptr(GsNode) c = gs_node_new_full(a, NULL, 3);
	g_autoptr(GsNode) d = gs_node_new_full(a, NULL, 3);
	GsNode *all[] = {a, b, c, d};
	guint status = 0;

	gs_join(a, b);
	gs_join(c, d);
	/* A's cluster has room for one more: C; D comes with it. C belongs to a cluster, so it
	 * takes A only with a join token of its own cluster (docs/protocol.md §5.7). */
	{
		g_autoptr(JsonNode) token =
			gs_call(c, "POST", "/v1/cluster/join-tokens", "{}", &status);
		g_autofree gchar *body = NULL;
		g_autoptr(JsonNode) joined = NULL;

		g_assert_cmpuint(status, ==, 201);
		body = g_strdup_printf("{\"address\":\"%s\",\"join_token\":\"%s\"}", c->address,
				       json_object_get_string_member(gs_object(token), "token"));
		joined = gs_call(a, "POST", "/v1/peers", body, &status);
		g_assert_cmpuint(status, ==, 201);
	}
	GS_WAIT_FOR(gs_converged(all, 4));
	GS_WAIT_FOR(gs_over_limit_is(all, 4, d->peer_id));
	/* an operator cannot add a fifth */
	{
		g_autoptr(GsNode) e = gs_node_new_full(a, NULL, 3);
		g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", e->address);
		g_autoptr(JsonNode) refused = gs_call(b, "POST", "/v1/peers", body, &status);
		g_assert_cmpuint(status, ==, 422);
		g_assert_cmpstr(json_object_get_string_member(gs_object(refused), "reason"), ==,
				"node_limit_exceeded");
	}
	/* once a peer is removed, D is within the limit again */
	{
		g_autofree gchar *path = g_strconcat("/v1/peers/", b->peer_id, NULL);
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(a, "DELETE", path, NULL, &status);
		GsNode *rest[] = {a, c, d};
		g_assert_cmpuint(status, ==, 200);
		GS_WAIT_FOR(gs_over_limit_is(rest, 3, "none"));
	}
}

/* ---- messages on the wire: the test signs as a member, with B's own key ---- */

static ArcIdentity *
gs_identity_of(GsNode *self)
{
	g_autofree gchar *path =
		g_build_filename(arc_test_agent_get_data_dir(self->agent), "peer.key", NULL);
	g_autoptr(GError) error = NULL;
	ArcIdentity *identity = arc_identity_load(path, &error);
	g_assert_no_error(error);
	return identity;
}

/* a message from @sender to @to */
static gchar *
gs_message_to(GsNode *sender, ArcIdentity *identity, GsNode *to, const gchar *type,
	      gint64 timestamp, const gchar *body)
{
	g_autoptr(JsonNode) node = json_from_string(body, NULL);
	return arc_gossip_message_build(type, sender->peer_id, to->peer_id, timestamp, node,
					identity, NULL);
}

static ArcTestResponse *
gs_post(GsNode *to, const gchar *type, const gchar *message)
{
	g_autofree gchar *path = g_strconcat("/v1/gossip/", type, NULL);
	g_autoptr(GError) error = NULL;
	ArcTestResponse *res = arc_test_agent_send(to->agent, "POST", path, NULL, message, -1,
						   "application/json", &error);
	g_assert_no_error(error);
	return res;
}

/* a peer_alias record for @peer_id written and signed by @writer */
static gchar *
gs_alias_record(GsNode *writer, ArcIdentity *identity, const gchar *peer_id, const gchar *name,
		gint64 version)
{
	g_autofree gchar *body = g_strdup_printf("{\"name\":\"%s\"}", name);
	g_autoptr(ArcRecord) record = arc_record_new("peer_alias", peer_id, body);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	record->version = version;
	record->writer = g_strdup(writer->peer_id);
	record->updated_at = g_get_real_time();
	g_assert_true(arc_record_sign(record, identity, NULL));
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "records");
	json_builder_begin_array(b);
	arc_record_add_json(b, record);
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

static gchar *
gs_peer_name(GsNode *self, const gchar *peer_id)
{
	guint status = 0;
	g_autofree gchar *path = g_strconcat("/v1/peers/", peer_id, NULL);
	g_autoptr(JsonNode) res = gs_call(self, "GET", path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	return g_strdup(json_object_get_string_member(gs_object(res), "name"));
}

/* a `revoked_peer` record of @peer_id by @writer, version @version, written at @updated_at
 * (µs), as a records body */
static gchar *
gs_revocation_record(GsNode *writer, ArcIdentity *identity, const gchar *peer_id, gint64 version,
		     gint64 updated_at)
{
	g_autoptr(ArcRecord) record =
		arc_record_new("revoked_peer", peer_id, "{\"public_key\":\"\",\"revoked_at\":1}");
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	record->version = version;
	record->writer = g_strdup(writer->peer_id);
	record->updated_at = updated_at;
	g_assert_true(arc_record_sign(record, identity, NULL));
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "records");
	json_builder_begin_array(b);
	arc_record_add_json(b, record);
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/* Deleted, then added again: the removed agent forgot its peers when told, and is back. A
 * revocation older than its readmission, gossiped late, changes nothing; a newer one (a
 * second delete) removes it again. */
static void
gs_readmission_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(ArcIdentity) key_a = NULL;
	g_autofree gchar *path = NULL, *stale = NULL, *newer = NULL, *m1 = NULL, *m2 = NULL;
	g_autoptr(ArcTestResponse) late = NULL, second = NULL;
	gint64 now = g_get_real_time() / 1000;
	gint64 deleted_at;
	guint status = 0;

	gs_join(a, b);
	key_a = gs_identity_of(a);
	path = g_strconcat("/v1/peers/", b->peer_id, NULL);
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) del = gs_call(a, "DELETE", path, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	GS_WAIT_FOR(!gs_knows(b, a->peer_id));
	deleted_at = g_get_real_time();
	gs_join(a, b);
	GS_WAIT_FOR(gs_knows(b, a->peer_id));
	{
		GsNode *both[] = {a, b};
		GS_WAIT_FOR(gs_converged(both, 2));
	}
	/* the deletion's revocation (version 1, written before the re-add) again, as a member
	 * that missed the re-add would gossip it; A's readmission is version 2 */
	stale = gs_revocation_record(a, key_a, b->peer_id, 1, deleted_at);
	m1 = gs_message_to(a, key_a, b, "records", now, stale);
	late = gs_post(b, "records", m1);
	g_assert_cmpuint(late->status, ==, 200);
	g_usleep(G_USEC_PER_SEC);
	g_assert_true(gs_knows(b, a->peer_id));
	newer = gs_revocation_record(a, key_a, b->peer_id, 3, g_get_real_time());
	m2 = gs_message_to(a, key_a, b, "records", now + 1, newer);
	second = gs_post(b, "records", m2);
	g_assert_cmpuint(second->status, ==, 200);
	GS_WAIT_FOR(!gs_knows(b, a->peer_id));
}

/* replayed, duplicated, reordered, skewed and foreign messages */
static void
gs_wire_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(ArcIdentity) key_b = NULL;
	g_autofree gchar *digest = NULL, *v2 = NULL, *v1 = NULL, *name = NULL, *record_v2 = NULL,
			 *record_v1 = NULL, *stranger_dir = NULL, *stranger_key = NULL;
	g_autoptr(ArcTestResponse) first = NULL, again = NULL, ahead = NULL, behind = NULL,
				   near = NULL, newer = NULL, older = NULL, dup = NULL,
				   foreign = NULL, garbage = NULL;
	g_autoptr(ArcIdentity) stranger = NULL;
	gint64 now = g_get_real_time() / 1000;

	gs_join(a, b);
	key_b = gs_identity_of(b);

	/* a digest from B is answered; the same bytes again are a replay */
	digest = gs_message_to(b, key_b, a, "digest", now, "{\"registry_hash\":\"x\"}");
	first = gs_post(a, "digest", digest);
	g_assert_cmpuint(first->status, ==, 200);
	again = gs_post(a, "digest", digest);
	g_assert_cmpuint(again->status, ==, 401);
	g_assert_nonnull(strstr(g_bytes_get_data(again->body, NULL), "replayed"));

	/* clocks: 10 s off is within the default 30 s tolerance, 60 s is not, and the log
	 * says which way */
	{
		g_autofree gchar *m = gs_message_to(b, key_b, a, "digest", now + 10000, "{}");
		near = gs_post(a, "digest", m);
		g_assert_cmpuint(near->status, ==, 200);
	}
	{
		g_autofree gchar *m = gs_message_to(b, key_b, a, "digest", now + 60000, "{}");
		ahead = gs_post(a, "digest", m);
		g_assert_cmpuint(ahead->status, ==, 401);
	}
	{
		g_autofree gchar *m = gs_message_to(b, key_b, a, "digest", now - 60000, "{}");
		behind = gs_post(a, "digest", m);
		g_assert_cmpuint(behind->status, ==, 401);
	}
	{
		g_autofree gchar *log = arc_test_agent_get_log(a->agent);
		g_autofree gchar *needle = g_strdup_printf(
			"gossip message from %s refused: its clock is ahead", b->peer_id);
		g_assert_nonnull(strstr(log, needle));
	}

	/* records: version 2 then version 1 of the same record, and a duplicate: the newer
	 * stays */
	record_v2 = gs_alias_record(b, key_b, a->peer_id, "two", 2);
	record_v1 = gs_alias_record(b, key_b, a->peer_id, "one", 1);
	v2 = gs_message_to(b, key_b, a, "records", now, record_v2);
	newer = gs_post(a, "records", v2);
	g_assert_cmpuint(newer->status, ==, 200);
	name = gs_peer_name(a, a->peer_id);
	g_assert_cmpstr(name, ==, "two");
	v1 = gs_message_to(b, key_b, a, "records", now + 1, record_v1);
	older = gs_post(a, "records", v1);
	g_assert_cmpuint(older->status, ==, 200);
	{
		g_autofree gchar *m = gs_message_to(b, key_b, a, "records", now + 2, record_v2);
		dup = gs_post(a, "records", m);
		g_assert_cmpuint(dup->status, ==, 200);
	}
	g_free(name);
	name = gs_peer_name(a, a->peer_id);
	g_assert_cmpstr(name, ==, "two");

	/* a well-signed message from a peer that is no member */
	stranger_dir = g_build_filename(arc_test_agent_get_tmpdir(a->agent), "stranger", NULL);
	g_assert_cmpint(g_mkdir_with_parents(stranger_dir, 0700), ==, 0);
	stranger_key = g_build_filename(stranger_dir, "peer.key", NULL);
	stranger = arc_identity_load_or_create(stranger_key, NULL);
	g_assert_nonnull(stranger);
	{
		g_autoptr(JsonNode) body = json_from_string("{}", NULL);
		g_autofree gchar *m =
			arc_gossip_message_build("digest", "peer_01JSTRANGERSTRANGERSTRANGE",
						 a->peer_id, now, body, stranger, NULL);
		foreign = gs_post(a, "digest", m);
		g_assert_cmpuint(foreign->status, ==, 403);
	}
	/* 200 strangers under made-up ids: refused alike, and logged once, not 200 times (the
	 * sender picks the id, so the log cannot go by it) */
	{
		g_autofree gchar *log_before = arc_test_agent_get_log(a->agent);
		g_autofree gchar *log_after = NULL;
		guint lines = 0;

		for (guint i = 0; i < 200; i++) {
			g_autoptr(JsonNode) body = json_from_string("{}", NULL);
			g_autofree gchar *id = g_strdup_printf("peer_01JSTRANGER%015u", i);
			g_autofree gchar *m = arc_gossip_message_build("digest", id, a->peer_id,
								       now, body, stranger, NULL);
			g_autoptr(ArcTestResponse) resp = gs_post(a, "digest", m);
			g_assert_cmpuint(resp->status, ==, 403);
		}
		log_after = arc_test_agent_get_log(a->agent);
		for (const gchar *p = log_after + strlen(log_before);
		     (p = strstr(p, "not an active peer")) != NULL; p++)
			lines++;
		g_assert_cmpuint(lines, <=, 1);
	}
	/* and bytes that are no message */
	garbage = gs_post(a, "records", "{\"version\":1,\"type\":\"records\"}");
	g_assert_cmpuint(garbage->status, ==, 400);
	/* B's key signing as B, but altered in transit */
	{
		g_autofree gchar *m = gs_message_to(b, key_b, a, "digest", now + 3, "{\"a\":1}");
		gchar *at = strstr(m, "\"a\":1");
		g_autoptr(ArcTestResponse) altered = NULL;
		g_assert_nonnull(at);
		at[4] = '2';
		altered = gs_post(a, "digest", m);
		g_assert_cmpuint(altered->status, ==, 401);
	}
	/* B's message to another peer, captured and replayed to A: signed, fresh, never seen
	 * by A, and still refused, with the reason; the same message addressed to A passes */
	{
		g_autoptr(JsonNode) body = json_from_string("{}", NULL);
		g_autofree gchar *m = arc_gossip_message_build("digest", b->peer_id,
							       "peer_01JSTRANGERSTRANGERSTRANGE",
							       now + 4, body, key_b, NULL);
		g_autofree gchar *ok = gs_message_to(b, key_b, a, "digest", now + 5, "{}");
		g_autoptr(ArcTestResponse) elsewhere = gs_post(a, "digest", m);
		g_autoptr(ArcTestResponse) here = gs_post(a, "digest", ok);
		g_assert_cmpuint(elsewhere->status, ==, 401);
		g_assert_nonnull(strstr(g_bytes_get_data(elsewhere->body, NULL),
					"addressed to another peer"));
		g_assert_cmpuint(here->status, ==, 200);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/gossip/replication", gs_replication_func);
	g_test_add_func("/gossip/shared-credential", gs_shared_credential_func);
	g_test_add_func("/gossip/crash", gs_crash_func);
	g_test_add_func("/gossip/removal", gs_removal_func);
	g_test_add_func("/gossip/long-absence", gs_long_absence_func);
	g_test_add_func("/gossip/absence-beyond-retention", gs_absence_beyond_retention_func);
	g_test_add_func("/gossip/node-limit", gs_node_limit_func);
	g_test_add_func("/gossip/readmission", gs_readmission_func);
	g_test_add_func("/gossip/wire", gs_wire_func);
	return g_test_run();
}
