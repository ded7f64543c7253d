/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-metrics.h"

#include <string.h>

static const struct {
	const gchar *name;
	const gchar *help;
} arc_metrics_counters[] = {
	{"arctic_api_requests_total", "API requests answered, by method, route and status"},
	{"arctic_api_connections_dropped_total",
	 "API connections the agent closed or refused, by reason (limit, header_timeout, "
	 "body_timeout, idle_timeout, accept_failed)"},
	{"arctic_handshakes_total",
	 "Peer handshakes, by role (initiator, responder) and result (ok or the reason)"},
	{"arctic_token_rejections_total", "Bearer tokens refused, by reason (invalid, expired)"},
	{"arctic_gossip_rounds_total",
	 "Anti-entropy rounds this agent started, by result (in_sync, merged, failed)"},
	{"arctic_gossip_messages_total",
	 "Gossip messages received, by type and result (ok or why they were refused)"},
	{"arctic_gossip_records_total",
	 "Records received by gossip, by result (accepted, refused)"},
	{"arctic_gossip_bytes_total", "Gossip bytes, by direction (sent, received)"},
};

/* seconds; the API answers most requests in well under a millisecond */
static const gdouble arc_metrics_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

/* A bound on distinct series, whatever a caller passes: a label that escaped its fixed list
 * must not grow the agent's memory and every scrape without end. */
#define ARC_METRICS_MAX_SERIES 2048

/* the methods of RFC 9110 §9 and RFC 5789; any other is counted as "other" */
static const gchar *const arc_metrics_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
};

static GHashTable *arc_metrics_values; /* "name{labels}" → guint64 */
static gboolean arc_metrics_full_warned;
static guint64 arc_metrics_bucket_counts[G_N_ELEMENTS(arc_metrics_buckets)];
static guint64 arc_metrics_request_count;
static gdouble arc_metrics_request_sum;

/**
 * arc_metrics_count:
 * @name: a counter of the table above
 * @labels: its labels, already in exposition form (`a="x",b="y"`), from a small fixed set
 *
 * Adds one.
 */
void
arc_metrics_count(const gchar *name, const gchar *labels)
{
	arc_metrics_add(name, labels, 1);
}

/**
 * arc_metrics_add:
 * @name: a counter
 * @labels: its labels, `key="value",…`
 * @n: how much to add
 */
void
arc_metrics_add(const gchar *name, const gchar *labels, guint64 n)
{
	gchar key[512];
	guint64 *value;

	/* called for every request: no allocation once a series exists */
	g_snprintf(key, sizeof(key), "%s{%s}", name, labels);
	if (arc_metrics_values == NULL)
		arc_metrics_values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	value = g_hash_table_lookup(arc_metrics_values, key);
	if (value == NULL && g_hash_table_size(arc_metrics_values) >= ARC_METRICS_MAX_SERIES) {
		if (!arc_metrics_full_warned)
			g_warning("metrics: more than %d series, new ones are not counted",
				  ARC_METRICS_MAX_SERIES);
		arc_metrics_full_warned = TRUE;
		return;
	}
	if (value == NULL) {
		value = g_new0(guint64, 1);
		g_hash_table_insert(arc_metrics_values, g_strdup(key), value);
	}
	*value += n;
}

/**
 * arc_metrics_method_label:
 * @method: (nullable): an HTTP method as the client sent it
 *
 * Returns: (transfer none): @method if it is a standard one, else "other": the label's values
 *   are a fixed list, whatever clients send
 */
const gchar *
arc_metrics_method_label(const gchar *method)
{
	for (guint i = 0; method != NULL && i < G_N_ELEMENTS(arc_metrics_methods); i++) {
		if (strcmp(method, arc_metrics_methods[i]) == 0)
			return arc_metrics_methods[i];
	}
	return "other";
}

/**
 * arc_metrics_escape_label:
 * @value: a label value
 *
 * Escapes as the exposition format requires (backslash, double quote, line feed), so that no
 * value can end its label or its line.
 *
 * Returns: (transfer full): the escaped value
 */
gchar *
arc_metrics_escape_label(const gchar *value)
{
	GString *out = g_string_sized_new(strlen(value));

	for (const gchar *p = value; *p != '\0'; p++) {
		if (*p == '\\')
			g_string_append(out, "\\\\");
		else if (*p == '"')
			g_string_append(out, "\\\"");
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

void
arc_metrics_observe_request(gdouble seconds)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_metrics_buckets); i++) {
		if (seconds <= arc_metrics_buckets[i])
			arc_metrics_bucket_counts[i]++;
	}
	arc_metrics_request_count++;
	arc_metrics_request_sum += seconds;
}

static gint
arc_metrics_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

/**
 * arc_metrics_render:
 * @extra: (nullable): more exposition text (gauges the caller computed)
 *
 * Returns: (transfer full): every metric in the Prometheus text format 0.0.4
 */
gchar *
arc_metrics_render(const gchar *extra)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	gchar num[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append(out, "# HELP arctic_build_info The agent's version.\n"
			     "# TYPE arctic_build_info gauge\n"
			     "arctic_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	if (arc_metrics_values != NULL) {
		GHashTableIter iter;
		gpointer key;
		g_hash_table_iter_init(&iter, arc_metrics_values);
		while (g_hash_table_iter_next(&iter, &key, NULL))
			g_ptr_array_add(keys, key);
		g_ptr_array_sort(keys, arc_metrics_cmp);
	}
	for (guint c = 0; c < G_N_ELEMENTS(arc_metrics_counters); c++) {
		const gchar *name = arc_metrics_counters[c].name;
		gsize len = strlen(name);

		g_string_append_printf(out, "# HELP %s %s.\n# TYPE %s counter\n", name,
				       arc_metrics_counters[c].help, name);
		for (guint i = 0; i < keys->len; i++) {
			const gchar *key = g_ptr_array_index(keys, i);
			if (strncmp(key, name, len) == 0 && key[len] == '{')
				g_string_append_printf(
					out, "%s %" G_GUINT64_FORMAT "\n", key,
					*(guint64 *)g_hash_table_lookup(arc_metrics_values, key));
		}
	}
	g_string_append(out, "# HELP arctic_api_request_duration_seconds Time from reading a "
			     "request to its answer.\n"
			     "# TYPE arctic_api_request_duration_seconds histogram\n");
	for (guint i = 0; i < G_N_ELEMENTS(arc_metrics_buckets); i++) {
		g_ascii_formatd(num, sizeof(num), "%g", arc_metrics_buckets[i]);
		g_string_append_printf(out,
				       "arctic_api_request_duration_seconds_bucket{le=\"%s\"} "
				       "%" G_GUINT64_FORMAT "\n",
				       num, arc_metrics_bucket_counts[i]);
	}
	g_string_append_printf(out,
			       "arctic_api_request_duration_seconds_bucket{le=\"+Inf\"} "
			       "%" G_GUINT64_FORMAT "\n",
			       arc_metrics_request_count);
	g_ascii_formatd(num, sizeof(num), "%.6f", arc_metrics_request_sum);
	g_string_append_printf(out,
			       "arctic_api_request_duration_seconds_sum %s\n"
			       "arctic_api_request_duration_seconds_count %" G_GUINT64_FORMAT "\n",
			       num, arc_metrics_request_count);
	if (extra != NULL)
		g_string_append(out, extra);
	return g_string_free(out, FALSE);
}

/* the value of the @metric-th series of arc_metrics_append_tunnel() */
static guint64
arc_metrics_tunnel_value(const ArcTunnelPeerStatus *peer, guint metric)
{
	switch (metric) {
	case 0:
		return peer->rx_bytes;
	case 1:
		return peer->tx_bytes;
	default:
		return (guint64)MAX(peer->last_handshake, 0);
	}
}

/**
 * arc_metrics_append_tunnel:
 * @out: exposition text, for arc_metrics_render()'s @extra
 * @peers: (nullable) (element-type ArcTunnelPeerStatus): the tunnel's peers now; %NULL when
 *   the agent has no tunnel, and then nothing is added (no zeros for a tunnel that is not)
 *
 * The tunnel's per-peer counters, read from the plugin at each scrape. The `peer` label
 * takes member peer ids only (the data plane gives the tunnel the cluster's active members,
 * no more than the license's node limit), so the series stay few and bounded. They restart
 * from 0 when a peer re-enters the tunnel: a counter reset, as Prometheus expects them.
 */
void
arc_metrics_append_tunnel(GString *out, GPtrArray *peers)
{
	static const struct {
		const gchar *name;
		const gchar *type;
		const gchar *help;
	} metrics[] = {
		{"arctic_tunnel_rx_bytes_total", "counter",
		 "Bytes received through the tunnel from each peer"},
		{"arctic_tunnel_tx_bytes_total", "counter",
		 "Bytes sent through the tunnel to each peer"},
		{"arctic_tunnel_last_handshake_timestamp_seconds", "gauge",
		 "When the latest tunnel handshake with each peer completed, Unix seconds; 0 for "
		 "none yet"},
	};

	if (peers == NULL)
		return;
	for (guint m = 0; m < G_N_ELEMENTS(metrics); m++) {
		g_string_append_printf(out, "# HELP %s %s.\n# TYPE %s %s\n", metrics[m].name,
				       metrics[m].help, metrics[m].name, metrics[m].type);
		for (guint i = 0; i < peers->len; i++) {
			const ArcTunnelPeerStatus *peer = g_ptr_array_index(peers, i);
			g_autofree gchar *label = arc_metrics_escape_label(peer->peer_id);
			guint64 value = arc_metrics_tunnel_value(peer, m);

			g_string_append_printf(out, "%s{peer=\"%s\"} %" G_GUINT64_FORMAT "\n",
					       metrics[m].name, label, value);
		}
	}
}

/* for tests that run several engines in one process */
void
arc_metrics_reset(void)
{
	g_clear_pointer(&arc_metrics_values, g_hash_table_unref);
	arc_metrics_full_warned = FALSE;
	memset(arc_metrics_bucket_counts, 0, sizeof(arc_metrics_bucket_counts));
	arc_metrics_request_count = 0;
	arc_metrics_request_sum = 0;
}
