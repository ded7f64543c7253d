/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-dbus-tunnel-peer.h"
#include "arc-engine.h"
#include "arc-metrics.h"
#include "arc-rest-tunnel-status.h"

/* The tunnel's per-peer state reaches operators through the engine, in-process: what the
 * function the data plane installs returns is what GET /v1/peers, /metrics and the D-Bus Peer
 * properties show, read when asked; without one, each says so instead of showing zeros. */

typedef struct {
	ArcEngine *engine;
	guint64 rx; /* what the fake tunnel counts */
	guint reads;
} TvFixture;

static GPtrArray *
tv_status_cb(gpointer user_data)
{
	TvFixture *fx = user_data;
	GPtrArray *list = arc_tunnel_peer_status_list_new();
	ArcTunnelPeerStatus *b = g_new0(ArcTunnelPeerStatus, 1);

	fx->reads++;
	b->peer_id = g_strdup("peer_b");
	b->endpoint = g_strdup("192.0.2.2:51840");
	b->last_handshake = 1700000000;
	b->rx_bytes = fx->rx;
	b->tx_bytes = 2048;
	g_ptr_array_add(list, b);
	return list;
}

static void
tv_setup(TvFixture *fx, gconstpointer data)
{
	g_autoptr(ArcConfig) config = arc_config_new();

	fx->engine = arc_engine_new(config);
	fx->rx = 1024;
}

static void
tv_teardown(TvFixture *fx, gconstpointer data)
{
	g_clear_object(&fx->engine);
}

/* the `status` member as GET /v1/peers/{id} writes it, for @peer_id */
static JsonObject *
tv_rest(TvFixture *fx, const gchar *peer_id, JsonNode **root)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) list = arc_engine_get_tunnel_status(fx->engine);
	JsonNode *node;

	json_builder_begin_object(b);
	arc_rest_tunnel_status_add(b, "status", list, peer_id, 1700000042);
	json_builder_end_object(b);
	*root = json_builder_get_root(b);
	node = json_object_get_member(json_node_get_object(*root), "status");
	return JSON_NODE_HOLDS_NULL(node) ? NULL : json_node_get_object(node);
}

static gchar *
tv_metrics(TvFixture *fx)
{
	g_autoptr(GPtrArray) list = arc_engine_get_tunnel_status(fx->engine);
	GString *out = g_string_new(NULL);

	arc_metrics_append_tunnel(out, list);
	return g_string_free(out, FALSE);
}

/* GetAll as the bus would answer it */
static GVariant *
tv_dbus(ArcDbusPeer *peer)
{
	return g_dbus_interface_skeleton_get_properties(G_DBUS_INTERFACE_SKELETON(peer));
}

static ArcDbusPeer *
tv_remote_peer(TvFixture *fx)
{
	ArcDbusPeer *peer = arc_dbus_tunnel_peer_new(fx->engine);

	arc_dbus_peer_set_id(peer, "peer_b");
	arc_dbus_tunnel_peer_set_has_tunnel(ARC_DBUS_TUNNEL_PEER(peer), TRUE);
	return peer;
}

static void
tv_disabled_func(TvFixture *fx, gconstpointer data)
{
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *metrics = tv_metrics(fx);
	g_autoptr(ArcDbusPeer) peer = tv_remote_peer(fx);
	g_autoptr(GVariant) props = tv_dbus(peer);
	const gchar *state = NULL;
	guint64 rx = 1;

	g_assert_null(arc_engine_get_tunnel_status(fx->engine));
	g_assert_null(tv_rest(fx, "peer_b", &root));
	g_assert_cmpstr(metrics, ==, "");
	g_assert_true(g_variant_lookup(props, "TunnelState", "&s", &state));
	g_assert_cmpstr(state, ==, "disabled");
	g_assert_true(g_variant_lookup(props, "TunnelRxBytes", "t", &rx));
	g_assert_cmpuint(rx, ==, 0);
}

static void
tv_rest_func(TvFixture *fx, gconstpointer data)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(JsonNode) other_root = NULL;
	JsonObject *status, *other;

	arc_engine_set_tunnel_status_func(fx->engine, tv_status_cb, fx, NULL);
	status = tv_rest(fx, "peer_b", &root);
	g_assert_nonnull(status);
	g_assert_true(json_object_get_boolean_member(status, "in_tunnel"));
	g_assert_cmpstr(json_object_get_string_member(status, "endpoint"), ==, "192.0.2.2:51840");
	g_assert_cmpstr(json_object_get_string_member(status, "last_handshake"), ==,
			"2023-11-14T22:13:20Z");
	g_assert_cmpint(json_object_get_int_member(status, "handshake_age_seconds"), ==, 42);
	g_assert_cmpint(json_object_get_int_member(status, "rx_bytes"), ==, 1024);
	g_assert_cmpint(json_object_get_int_member(status, "tx_bytes"), ==, 2048);
	/* a member the tunnel does not hold: said, with no counters */
	other = tv_rest(fx, "peer_c", &other_root);
	g_assert_nonnull(other);
	g_assert_false(json_object_get_boolean_member(other, "in_tunnel"));
	g_assert_true(json_object_get_null_member(other, "rx_bytes"));
	g_assert_true(json_object_get_null_member(other, "handshake_age_seconds"));
}

static void
tv_metrics_func(TvFixture *fx, gconstpointer data)
{
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;

	arc_engine_set_tunnel_status_func(fx->engine, tv_status_cb, fx, NULL);
	before = tv_metrics(fx);
	g_assert_nonnull(strstr(before, "arctic_tunnel_rx_bytes_total{peer=\"peer_b\"} 1024\n"));
	g_assert_nonnull(strstr(before, "arctic_tunnel_tx_bytes_total{peer=\"peer_b\"} 2048\n"));
	g_assert_nonnull(strstr(
		before,
		"arctic_tunnel_last_handshake_timestamp_seconds{peer=\"peer_b\"} 1700000000\n"));
	/* read at each scrape */
	fx->rx = 4096;
	after = tv_metrics(fx);
	g_assert_nonnull(strstr(after, "arctic_tunnel_rx_bytes_total{peer=\"peer_b\"} 4096\n"));
}

static void
tv_dbus_func(TvFixture *fx, gconstpointer data)
{
	g_autoptr(ArcDbusPeer) peer = tv_remote_peer(fx);
	g_autoptr(ArcDbusPeer) local = tv_remote_peer(fx);
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) local_props = NULL;
	g_autoptr(GVariant) rx = NULL;
	g_autoptr(GError) error = NULL;
	GDBusInterfaceVTable *vtable;
	const gchar *text = NULL;
	guint64 value = 0;
	guint reads;

	arc_engine_set_tunnel_status_func(fx->engine, tv_status_cb, fx, NULL);
	props = tv_dbus(peer);
	g_assert_true(g_variant_lookup(props, "TunnelState", "&s", &text));
	g_assert_cmpstr(text, ==, "present");
	g_assert_true(g_variant_lookup(props, "TunnelEndpoint", "&s", &text));
	g_assert_cmpstr(text, ==, "192.0.2.2:51840");
	g_assert_true(g_variant_lookup(props, "TunnelLastHandshake", "t", &value));
	g_assert_cmpuint(value, ==, 1700000000);
	g_assert_true(g_variant_lookup(props, "TunnelRxBytes", "t", &value));
	g_assert_cmpuint(value, ==, 1024);
	g_assert_true(g_variant_lookup(props, "TunnelTxBytes", "t", &value));
	g_assert_cmpuint(value, ==, 2048);
	/* Properties.Get reads the tunnel again: the value of now, not of the export */
	fx->rx = 8192;
	reads = fx->reads;
	vtable = g_dbus_interface_skeleton_get_vtable(G_DBUS_INTERFACE_SKELETON(peer));
	rx = vtable->get_property(NULL, NULL, "/", "com.tillered.Arctic1.Peer", "TunnelRxBytes",
				  &error, peer);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_get_uint64(rx), ==, 8192);
	g_assert_cmpuint(fx->reads, ==, reads + 1);
	/* the local peer has no tunnel to itself */
	arc_dbus_peer_set_is_local(local, TRUE);
	local_props = tv_dbus(local);
	g_assert_true(g_variant_lookup(local_props, "TunnelState", "&s", &text));
	g_assert_cmpstr(text, ==, "none");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/tunnel-visibility/disabled", TvFixture, NULL, tv_setup, tv_disabled_func,
		   tv_teardown);
	g_test_add("/tunnel-visibility/rest", TvFixture, NULL, tv_setup, tv_rest_func, tv_teardown);
	g_test_add("/tunnel-visibility/metrics", TvFixture, NULL, tv_setup, tv_metrics_func,
		   tv_teardown);
	g_test_add("/tunnel-visibility/dbus", TvFixture, NULL, tv_setup, tv_dbus_func, tv_teardown);
	return g_test_run();
}
