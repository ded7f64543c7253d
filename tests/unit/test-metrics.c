/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-metrics.h"

/* label values as the exposition format escapes them */
static void
metrics_escape_func(void)
{
	const struct {
		const gchar *in;
		const gchar *out;
	} table[] = {
		{"GET", "GET"},     {"ZZ\"}9,evil=\"1", "ZZ\\\"}9,evil=\\\"1"},
		{"a\\b", "a\\\\b"}, {"line\nbreak", "line\\nbreak"},
		{"", ""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autofree gchar *escaped = arc_metrics_escape_label(table[i].in);
		g_assert_cmpstr(escaped, ==, table[i].out);
	}
}

/* methods come from a fixed list */
static void
metrics_method_func(void)
{
	const gchar *standard[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
	const gchar *other[] = {"get", "ZZ\"}9,evil=\"1", "M1234", "", "GETX"};

	for (guint i = 0; i < G_N_ELEMENTS(standard); i++)
		g_assert_cmpstr(arc_metrics_method_label(standard[i]), ==, standard[i]);
	for (guint i = 0; i < G_N_ELEMENTS(other); i++)
		g_assert_cmpstr(arc_metrics_method_label(other[i]), ==, "other");
	g_assert_cmpstr(arc_metrics_method_label(NULL), ==, "other");
}

/* however many label sets callers pass, the series stay bounded */
static void
metrics_series_bounded_func(void)
{
	g_autofree gchar *text = NULL;
	guint lines = 0;

	if (!g_test_subprocess()) {
		g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
		g_test_trap_assert_passed();
		g_test_trap_assert_stderr("*more than * series*");
		return;
	}
	/* the one warning is expected here */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	arc_metrics_reset();
	for (guint i = 0; i < 20000; i++) {
		gchar labels[64];
		g_snprintf(labels, sizeof(labels), "result=\"r%u\"", i);
		arc_metrics_count("arctic_gossip_rounds_total", labels);
	}
	arc_metrics_count("arctic_gossip_rounds_total", "result=\"r0\"");
	text = arc_metrics_render(NULL);
	for (const gchar *p = strstr(text, "arctic_gossip_rounds_total{"); p != NULL;
	     p = strstr(p + 1, "arctic_gossip_rounds_total{"))
		lines++;
	g_assert_cmpuint(lines, <=, 2048);
	g_assert_nonnull(strstr(text, "arctic_gossip_rounds_total{result=\"r0\"} 2\n"));
	arc_metrics_reset();
}

/* /metrics: one series per peer and metric, labelled by peer id; none without a tunnel */
static void
metrics_tunnel_func(void)
{
	g_autoptr(GPtrArray) list = arc_tunnel_peer_status_list_new();
	g_autoptr(GString) none = g_string_new(NULL);
	g_autoptr(GString) out = g_string_new(NULL);
	ArcTunnelPeerStatus *b = g_new0(ArcTunnelPeerStatus, 1);
	ArcTunnelPeerStatus *c = g_new0(ArcTunnelPeerStatus, 1);

	b->peer_id = g_strdup("peer_b");
	b->endpoint = g_strdup("192.0.2.2:51840");
	b->last_handshake = 1700000000;
	b->rx_bytes = 1234;
	b->tx_bytes = 5678;
	c->peer_id = g_strdup("peer_c");
	g_ptr_array_add(list, b);
	g_ptr_array_add(list, c);
	arc_metrics_append_tunnel(none, NULL);
	g_assert_cmpstr(none->str, ==, "");
	arc_metrics_append_tunnel(out, list);
	g_test_message("%s", out->str);
	g_assert_nonnull(strstr(out->str, "# TYPE arctic_tunnel_rx_bytes_total counter\n"
					  "arctic_tunnel_rx_bytes_total{peer=\"peer_b\"} 1234\n"
					  "arctic_tunnel_rx_bytes_total{peer=\"peer_c\"} 0\n"));
	g_assert_nonnull(strstr(out->str, "# TYPE arctic_tunnel_tx_bytes_total counter\n"
					  "arctic_tunnel_tx_bytes_total{peer=\"peer_b\"} 5678\n"));
	g_assert_nonnull(strstr(
		out->str,
		"# TYPE arctic_tunnel_last_handshake_timestamp_seconds gauge\n"
		"arctic_tunnel_last_handshake_timestamp_seconds{peer=\"peer_b\"} 1700000000\n"
		"arctic_tunnel_last_handshake_timestamp_seconds{peer=\"peer_c\"} 0\n"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/metrics/escape", metrics_escape_func);
	g_test_add_func("/metrics/method", metrics_method_func);
	g_test_add_func("/metrics/series-bounded", metrics_series_bounded_func);
	g_test_add_func("/metrics/tunnel", metrics_tunnel_func);
	return g_test_run();
}
