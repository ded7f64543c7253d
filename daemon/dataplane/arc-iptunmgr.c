/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "iptunmgr"

#include "arc-iptunmgr.h"

struct _ArcIptunmgr {
	ArcTunnel *tunnel;     /* nullable */
	GHashTable *peers;     /* peer id → GBytes public key, as last given to the tunnel */
	GHashTable *endpoints; /* peer id → its endpoint as last given, "" for none */
};

/**
 * arc_iptunmgr_new:
 * @tunnel: (nullable): the tunnel plugin, already started
 *
 * Returns: (transfer full): iptunmgr
 */
ArcIptunmgr *
arc_iptunmgr_new(ArcTunnel *tunnel)
{
	ArcIptunmgr *self = g_new0(ArcIptunmgr, 1);

	self->tunnel = tunnel != NULL ? g_object_ref(tunnel) : NULL;
	self->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_bytes_unref);
	self->endpoints = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return self;
}

void
arc_iptunmgr_free(ArcIptunmgr *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->tunnel);
	g_hash_table_unref(self->peers);
	g_hash_table_unref(self->endpoints);
	g_free(self);
}

gboolean
arc_iptunmgr_has_tunnel(ArcIptunmgr *self)
{
	return self->tunnel != NULL;
}

/* whether @member gets a tunnel: a remote peer with a key, within the node limit */
static gboolean
arc_iptunmgr_wants(const ArcClusterView *view, const ArcClusterMember *member)
{
	return arc_cluster_view_get_license_state(view) != ARC_LICENSE_STATE_SUSPENDED &&
	       g_strcmp0(member->peer_id, arc_cluster_view_get_self(view)->peer_id) != 0 &&
	       member->tunnel_public_key != NULL && !member->over_limit;
}

static void
arc_iptunmgr_forget(ArcIptunmgr *self, const gchar *peer_id, GBytes *key)
{
	g_autoptr(GError) error = NULL;

	if (!arc_tunnel_remove_peer(self->tunnel, key, &error))
		g_warning("peer %s not removed from the tunnel: %s", peer_id, error->message);
	else
		g_info("peer %s removed from the tunnel", peer_id);
}

static gboolean
arc_iptunmgr_set(ArcIptunmgr *self, const ArcClusterMember *member, GPtrArray *problems)
{
	static const gchar *const everything[] = {"0.0.0.0/0", "::/0", NULL};
	g_autoptr(GError) error = NULL;
	ArcTunnelPeer peer;

	arc_tunnel_peer_init(&peer);
	peer.peer_id = member->peer_id;
	peer.public_key = member->tunnel_public_key;
	peer.endpoint = member->tunnel_endpoint;
	/* the peer's own device routes to it: what reaches that device may go to it */
	peer.allowed_ips = everything;
	peer.ifname = member->device;
	if (!arc_tunnel_set_peer(self->tunnel, &peer, &error)) {
		g_warning("peer %s not set in the tunnel: %s", member->peer_id, error->message);
		if (problems != NULL)
			g_ptr_array_add(problems, g_strdup_printf("iptunmgr: peer %s: %s",
								  member->peer_id, error->message));
		return FALSE;
	}
	g_hash_table_replace(self->peers, g_strdup(member->peer_id),
			     g_bytes_ref(member->tunnel_public_key));
	g_hash_table_replace(
		self->endpoints, g_strdup(member->peer_id),
		g_strdup(member->tunnel_endpoint != NULL ? member->tunnel_endpoint : ""));
	g_info("peer %s set in the tunnel, endpoint %s", member->peer_id,
	       member->tunnel_endpoint != NULL ? member->tunnel_endpoint : "unknown");
	return TRUE;
}

/**
 * arc_iptunmgr_apply:
 * @self: iptunmgr
 * @view: what to realise
 * @problems: (element-type utf8) (nullable): where to add the peers the tunnel refused
 *
 * Removes the peers that left, went over_limit or changed keys, and sets those that are
 * new or whose endpoint changed; the others are left alone, sessions and all.
 *
 * Returns: %TRUE if the tunnel took every peer, or there is no tunnel
 */
gboolean
arc_iptunmgr_apply(ArcIptunmgr *self, const ArcClusterView *view, GPtrArray *problems)
{
	GHashTableIter iter;
	gpointer key, value;
	gboolean ok = TRUE;

	if (self->tunnel == NULL)
		return TRUE;
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		const ArcClusterMember *member = arc_cluster_view_find_member(view, key);

		if (member != NULL && arc_iptunmgr_wants(view, member) &&
		    g_bytes_equal(member->tunnel_public_key, value))
			continue;
		arc_iptunmgr_forget(self, key, value);
		g_hash_table_remove(self->endpoints, key);
		g_hash_table_iter_remove(&iter);
	}
	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		const gchar *endpoint = g_hash_table_lookup(self->endpoints, member->peer_id);

		if (!arc_iptunmgr_wants(view, member) ||
		    (endpoint != NULL &&
		     g_strcmp0(endpoint, member->tunnel_endpoint != NULL ? member->tunnel_endpoint
									 : "") == 0))
			continue;
		if (!arc_iptunmgr_set(self, member, problems))
			ok = FALSE;
	}
	return ok;
}

/**
 * arc_iptunmgr_remove:
 * @self: iptunmgr
 *
 * Removes every peer it gave the tunnel.
 */
void
arc_iptunmgr_remove(ArcIptunmgr *self)
{
	GHashTableIter iter;
	gpointer key, value;

	if (self->tunnel == NULL)
		return;
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		arc_iptunmgr_forget(self, key, value);
		g_hash_table_iter_remove(&iter);
	}
	g_hash_table_remove_all(self->endpoints);
}

/**
 * arc_iptunmgr_get_status:
 * @self: iptunmgr
 *
 * What the tunnel says of the peers iptunmgr gave it, read now from the plugin's counters.
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus) (nullable): one entry per peer
 *   the tunnel holds, or %NULL without a tunnel
 */
GPtrArray *
arc_iptunmgr_get_status(ArcIptunmgr *self)
{
	g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GVariant) stats = NULL;
	GHashTableIter iter;
	gpointer key, value;

	if (self->tunnel == NULL)
		return NULL;
	/* the plugin names its peers by key; the ids are what operators know them by */
	g_hash_table_iter_init(&iter, self->peers);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		gsize len = 0;
		const guint8 *raw = g_bytes_get_data(value, &len);
		g_hash_table_insert(ids, g_base64_encode(raw, len), key);
	}
	stats = arc_tunnel_get_stats(self->tunnel);
	return arc_tunnel_peer_status_parse(stats, ids);
}
