/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-gs-node.h"

/* The tunnel follows the cluster (docs/protocol.md, "Tunnel addresses"): three agents, run
 * unprivileged, each publish a tunnel key, port and addresses of their own in their signed
 * peer record; every agent shows the same ones for every peer, all distinct, and a restart
 * changes none of them (nor the registry). */

/* the `tunnel` of every peer @self lists: peer id → "key ipv4 ipv6" */
static GHashTable *
tn_tunnels(GsNode *self)
{
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", "/v1/peers", NULL, &status);
	GHashTable *tunnels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	JsonArray *peers;

	g_assert_cmpuint(status, ==, 200);
	peers = json_node_get_array(res);
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		JsonObject *tunnel = json_object_get_object_member(peer, "tunnel");

		if (tunnel == NULL)
			continue;
		g_assert_cmpint(json_object_get_int_member(tunnel, "port"), ==, 51840);
		g_hash_table_insert(
			tunnels, g_strdup(json_object_get_string_member(peer, "id")),
			g_strdup_printf("%s %s %s",
					json_object_get_string_member(tunnel, "public_key"),
					json_object_get_string_member(tunnel, "ipv4"),
					json_object_get_string_member(tunnel, "ipv6")));
	}
	return tunnels;
}

/* whether every node shows a tunnel for all @n peers, the same ones */
static gboolean
tn_agree(GsNode *const *nodes, guint n)
{
	g_autoptr(GHashTable) first = tn_tunnels(nodes[0]);

	if (g_hash_table_size(first) != n)
		return FALSE;
	for (guint i = 1; i < n; i++) {
		g_autoptr(GHashTable) other = tn_tunnels(nodes[i]);
		GHashTableIter iter;
		gpointer id, value;

		if (g_hash_table_size(other) != n)
			return FALSE;
		g_hash_table_iter_init(&iter, first);
		while (g_hash_table_iter_next(&iter, &id, &value)) {
			if (g_strcmp0(g_hash_table_lookup(other, id), value) != 0)
				return FALSE;
		}
	}
	return TRUE;
}

/* no two peers share a key or an address */
static void
tn_assert_distinct(GHashTable *tunnels)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter iter;
	gpointer id, value;

	g_hash_table_iter_init(&iter, tunnels);
	while (g_hash_table_iter_next(&iter, &id, &value)) {
		g_auto(GStrv) parts = g_strsplit(value, " ", 3);

		g_test_message("%s: %s", (const gchar *)id, (const gchar *)value);
		g_assert_cmpuint(g_strv_length(parts), ==, 3);
		for (guint i = 0; i < 3; i++) {
			g_assert_cmpstr(parts[i], !=, "(null)");
			g_assert_true(g_hash_table_add(seen, g_strdup(parts[i])));
		}
		g_assert_true(g_str_has_prefix(parts[1], "100.79."));
		g_assert_true(g_str_has_prefix(parts[2], "fd79:a7c::"));
	}
}

/* Agents without CAP_NET_ADMIN have no tunnel: its state of every remote peer is null
 * (never zeros that would read as a dead tunnel), the local peer has none, and /metrics
 * has no tunnel series (docs/dataplane.md, "Troubleshooting the tunnel"). */
static void
tn_assert_no_tunnel_status(GsNode *self)
{
	guint status = 0;
	g_autoptr(JsonNode) peers = gs_call(self, "GET", "/v1/peers", NULL, &status);
	g_autoptr(JsonNode) cluster = gs_call(self, "GET", "/v1/cluster/status", NULL, &status);
	g_autoptr(ArcTestResponse) metrics = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	JsonArray *list = json_node_get_array(peers);

	for (guint i = 0; i < json_array_get_length(list); i++) {
		JsonObject *peer = json_array_get_object_element(list, i);
		JsonObject *tunnel = json_object_get_object_member(peer, "tunnel");
		JsonObject *in_status =
			gs_status_peer(cluster, json_object_get_string_member(peer, "id"));
		gboolean local = json_object_get_boolean_member(peer, "is_local");

		g_assert_nonnull(in_status);
		g_assert_cmpint(json_object_has_member(tunnel, "status"), ==, !local);
		g_assert_cmpint(json_object_has_member(in_status, "tunnel"), ==, !local);
		if (local)
			continue;
		g_assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(tunnel, "status")));
		g_assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(in_status, "tunnel")));
	}
	metrics = arc_test_agent_send(self->agent, "GET", "/metrics", NULL, NULL, 0, NULL, &error);
	g_assert_no_error(error);
	text = g_strndup(g_bytes_get_data(metrics->body, NULL), g_bytes_get_size(metrics->body));
	g_assert_nonnull(strstr(text, "arctic_peers{"));
	g_assert_null(strstr(text, "arctic_tunnel_"));
}

static void
tn_three_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *abc[] = {a, b, c};
	g_autoptr(GHashTable) before = NULL;
	g_autoptr(GHashTable) after = NULL;
	g_autofree gchar *hash = NULL;
	g_autofree gchar *hash_after = NULL;
	g_autoptr(GError) error = NULL;
	GHashTableIter iter;
	gpointer id, value;
	gboolean restarted;

	gs_join(a, b);
	gs_join(a, c);
	GS_WAIT_FOR(gs_converged(abc, 3) && tn_agree(abc, 3));
	before = tn_tunnels(c);
	tn_assert_distinct(before);
	tn_assert_no_tunnel_status(a);

	/* a restart with the same key, port and range writes nothing */
	hash = gs_registry_hash(a);
	restarted = arc_test_agent_restart(b->agent, &error);
	g_assert_no_error(error);
	g_assert_true(restarted);
	gs_node_login(b);
	GS_WAIT_FOR(gs_converged(abc, 3) && tn_agree(abc, 3));
	hash_after = gs_registry_hash(b);
	g_assert_cmpstr(hash_after, ==, hash);
	after = tn_tunnels(a);
	g_hash_table_iter_init(&iter, before);
	while (g_hash_table_iter_next(&iter, &id, &value))
		g_assert_cmpstr(g_hash_table_lookup(after, id), ==, value);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tunnel/three", tn_three_func);
	return g_test_run();
}
