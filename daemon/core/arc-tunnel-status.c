/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-tunnel-status.h"

#include <string.h>

void
arc_tunnel_peer_status_free(ArcTunnelPeerStatus *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->endpoint);
	g_free(self);
}

/**
 * arc_tunnel_peer_status_list_new:
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus): an empty list
 */
GPtrArray *
arc_tunnel_peer_status_list_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)arc_tunnel_peer_status_free);
}

/**
 * arc_tunnel_peer_status_find:
 * @list: (element-type ArcTunnelPeerStatus): a list
 * @peer_id: a peer id
 *
 * Returns: (transfer none) (nullable): the entry of @peer_id
 */
const ArcTunnelPeerStatus *
arc_tunnel_peer_status_find(GPtrArray *list, const gchar *peer_id)
{
	for (guint i = 0; list != NULL && i < list->len; i++) {
		const ArcTunnelPeerStatus *status = g_ptr_array_index(list, i);
		if (g_strcmp0(status->peer_id, peer_id) == 0)
			return status;
	}
	return NULL;
}

/* a string member of @dict, or %NULL when absent or of another type. A copy: a child of
 * serialised data that is not in normal form may be a default value of its own. */
static gchar *
arc_tunnel_status_lookup_string(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_STRING);

	return value != NULL ? g_variant_dup_string(value, NULL) : NULL;
}

static guint64
arc_tunnel_status_lookup_uint64(GVariant *dict, const gchar *key)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_UINT64);

	return value != NULL ? g_variant_get_uint64(value) : 0;
}

/* an endpoint as operators may see it: printable ASCII of a sane length, else unknown */
static gchar *
arc_tunnel_status_endpoint(gchar *text)
{
	g_autofree gchar *owned = text;
	gsize len = text != NULL ? strlen(text) : 0;

	if (len == 0 || len > ARC_TUNNEL_STATUS_ENDPOINT_MAX)
		return NULL;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isgraph(text[i]))
			return NULL;
	}
	return g_steal_pointer(&owned);
}

/* one peer's a{sv}, or %NULL when it names no peer of @peer_ids */
static ArcTunnelPeerStatus *
arc_tunnel_status_parse_peer(GVariant *dict, GHashTable *peer_ids)
{
	g_autofree gchar *key = arc_tunnel_status_lookup_string(dict, "public-key");
	const gchar *peer_id = key != NULL ? g_hash_table_lookup(peer_ids, key) : NULL;
	g_autoptr(GVariant) handshake = NULL;
	ArcTunnelPeerStatus *status;

	if (peer_id == NULL)
		return NULL;
	status = g_new0(ArcTunnelPeerStatus, 1);
	status->peer_id = g_strdup(peer_id);
	status->endpoint =
		arc_tunnel_status_endpoint(arc_tunnel_status_lookup_string(dict, "endpoint"));
	status->rx_bytes = arc_tunnel_status_lookup_uint64(dict, "rx-bytes");
	status->tx_bytes = arc_tunnel_status_lookup_uint64(dict, "tx-bytes");
	handshake = g_variant_lookup_value(dict, "last-handshake", G_VARIANT_TYPE_INT64);
	if (handshake != NULL)
		status->last_handshake = MAX(g_variant_get_int64(handshake), 0);
	return status;
}

/**
 * arc_tunnel_peer_status_parse:
 * @stats: (nullable): what arc_tunnel_get_stats() returned: `a{sv}` whose `peers` is
 *   `aa{sv}` of `public-key` (s, base64), `endpoint` (s, empty for none), `rx-bytes` (t),
 *   `tx-bytes` (t) and `last-handshake` (x, Unix seconds, 0 for none)
 * @peer_ids: (element-type utf8 utf8): base64 tunnel public key → peer id, the peers this
 *   agent gave the tunnel
 *
 * Reads what a plugin reports without trusting its shape: a value of another type counts
 * as absent, a peer without a known key (or one already listed) is left out, an endpoint
 * that is not a short printable string is unknown, a negative handshake time is none.
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus): one entry per known peer
 */
GPtrArray *
arc_tunnel_peer_status_parse(GVariant *stats, GHashTable *peer_ids)
{
	GPtrArray *list = arc_tunnel_peer_status_list_new();
	g_autoptr(GVariant) peers = NULL;
	GVariantIter iter;
	GVariant *child;

	if (stats == NULL || !g_variant_is_of_type(stats, G_VARIANT_TYPE_VARDICT))
		return list;
	peers = g_variant_lookup_value(stats, "peers", G_VARIANT_TYPE("aa{sv}"));
	if (peers == NULL)
		return list;
	g_variant_iter_init(&iter, peers);
	while ((child = g_variant_iter_next_value(&iter)) != NULL) {
		ArcTunnelPeerStatus *status = arc_tunnel_status_parse_peer(child, peer_ids);

		g_variant_unref(child);
		if (status == NULL)
			continue;
		if (arc_tunnel_peer_status_find(list, status->peer_id) != NULL) {
			arc_tunnel_peer_status_free(status);
			continue;
		}
		g_ptr_array_add(list, status);
	}
	return list;
}
