/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-peer-manager.h"

#include <string.h>

/* The peer manager's part of the tunnel (docs/protocol.md, "Tunnel addresses"): reading the
 * tunnel fields of the members' records, and this node's claim in its own record. */

/**
 * arc_peer_manager_read_tunnel:
 * @self: the peer manager
 * @record: a live `peer` record
 * @out: (out caller-allocates): its tunnel fields
 *
 * Fields that are not valid are ignored (the member has no tunnel), and said once per
 * version of the record.
 *
 * Returns: whether @out has a tunnel key
 */
gboolean
arc_peer_manager_read_tunnel(ArcPeerManager *self, const ArcRecord *record, ArcPeerTunnel *out)
{
	ArcPeerFields fields;
	g_autofree gchar *key = NULL;

	memset(out, 0, sizeof(*out));
	if (!arc_registry_peer_fields(arc_peer_manager_get_registry(self), record, &fields))
		return FALSE;
	if (fields.tunnel_error == NULL) {
		*out = *fields.tunnel;
		return out->has_key;
	}
	key = g_strdup_printf("%s/%" G_GINT64_FORMAT, record->id, record->version);
	if (!arc_peer_manager_warned_once(self, key))
		g_warning("peer %s: its tunnel fields are ignored: %s", record->id,
			  fields.tunnel_error);
	return FALSE;
}

/* the claims of the other members, whose ids are @records' */
static void
arc_peer_manager_collect_claims(ArcPeerManager *self, GPtrArray *records, const gchar *own,
				ArcPeerTunnelClaims *claims)
{
	ArcRegistry *registry = arc_peer_manager_get_registry(self);

	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		ArcPeerTunnel tunnel;

		if (record->deleted || g_strcmp0(record->id, own) == 0 ||
		    arc_registry_lookup_member(registry, record->id) == NULL)
			continue;
		if (arc_peer_manager_read_tunnel(self, record, &tunnel))
			arc_peer_tunnel_claims_add(claims, record->id, &tunnel);
	}
}

static ArcRecord *
arc_peer_manager_find_own(GPtrArray *records, const gchar *own)
{
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		if (!record->deleted && g_strcmp0(record->id, own) == 0)
			return record;
	}
	return NULL;
}

/* this node's tunnel fields as they should stand, from its record and the others' claims */
static void
arc_peer_manager_own_tunnel(ArcPeerManager *self, ArcRecord *own, GPtrArray *records,
			    ArcPeerTunnel *tunnel)
{
	ArcNode *node = arc_peer_manager_get_node(self);
	ArcConfig *config = arc_node_get_config(node);
	ArcTunnelKey *key = arc_node_get_tunnel_key(node);
	ArcPeerTunnelClaims claims;

	if (!arc_peer_manager_read_tunnel(self, own, tunnel))
		memset(tunnel, 0, sizeof(*tunnel));
	memcpy(tunnel->key, arc_tunnel_key_get_public_key(key), sizeof(tunnel->key));
	tunnel->has_key = TRUE;
	tunnel->port = config->tunnel_port;
	arc_peer_tunnel_claims_init(&claims);
	arc_peer_manager_collect_claims(self, records, own->id, &claims);
	if (arc_peer_tunnel_claim(&config->tunnel_ipv4_range, &config->tunnel_ipv6_range, own->id,
				  &claims, arc_node_now(node) * G_USEC_PER_SEC, tunnel)) {
		g_autofree gchar *v4 = tunnel->has_v4 ? arc_peer_tunnel_address_text(&tunnel->v4)
						      : g_strdup("none");
		g_autofree gchar *v6 = tunnel->has_v6 ? arc_peer_tunnel_address_text(&tunnel->v6)
						      : g_strdup("none");
		g_info("tunnel addresses of this node: %s and %s", v4, v6);
	}
	arc_peer_tunnel_claims_clear(&claims);
}

/* Whether @stated (read from this node's record) already says what @wanted does, as
 * arc_peer_tunnel_write() would write it: then the record is left as it is without
 * building its body again, which every rebuild of the view would do otherwise. */
static gboolean
arc_peer_manager_tunnel_unchanged(const ArcPeerTunnel *stated, const ArcPeerTunnel *wanted)
{
	gboolean claims = wanted->has_v4 || wanted->has_v6;

	return stated->has_key && memcmp(stated->key, wanted->key, sizeof(wanted->key)) == 0 &&
	       stated->port == wanted->port && stated->has_v4 == wanted->has_v4 &&
	       (!wanted->has_v4 || memcmp(&stated->v4, &wanted->v4, sizeof(ArcCidr)) == 0) &&
	       stated->has_v6 == wanted->has_v6 &&
	       (!wanted->has_v6 || memcmp(&stated->v6, &wanted->v6, sizeof(ArcCidr)) == 0) &&
	       (claims ? stated->claimed_at / G_USEC_PER_SEC == wanted->claimed_at / G_USEC_PER_SEC
		       : stated->claimed_at == 0);
}

/**
 * arc_peer_manager_publish_tunnel:
 * @self: the peer manager
 * @error: return location for a #GError
 *
 * States this node's tunnel key, port and addresses in its own `peer` record, claiming the
 * addresses against the other members' claims; writes the record only when one of them
 * changed, so a restart with the same key, port and addresses writes nothing. Does nothing
 * before the bootstrap, without a tunnel key, or after this agent left.
 *
 * Returns: %TRUE if stored or unchanged
 */
gboolean
arc_peer_manager_publish_tunnel(ArcPeerManager *self, GError **error)
{
	ArcNode *node = arc_peer_manager_get_node(self);
	ArcRegistry *registry = arc_peer_manager_get_registry(self);
	const gchar *own_id = arc_node_get_peer_id(node);
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcStorageTxn) txn = NULL;
	g_autofree gchar *body = NULL;
	ArcPeerTunnel tunnel, stated;
	ArcRecord *own;

	if (own_id == NULL || arc_node_get_tunnel_key(node) == NULL ||
	    arc_peer_manager_is_deactivated(self))
		return TRUE;
	records = arc_storage_list_records(arc_registry_get_storage(registry), "peer", error);
	if (records == NULL)
		return FALSE;
	own = arc_peer_manager_find_own(records, own_id);
	if (own == NULL)
		return TRUE;
	arc_peer_manager_own_tunnel(self, own, records, &tunnel);
	if (arc_peer_manager_read_tunnel(self, own, &stated) &&
	    arc_peer_manager_tunnel_unchanged(&stated, &tunnel))
		return TRUE;
	root = arc_json_parse_object(own->body, -1, 8, error);
	if (root == NULL)
		return FALSE;
	arc_peer_tunnel_write(json_node_get_object(root), &tunnel);
	body = json_to_string(root, FALSE);
	if (g_strcmp0(body, own->body) == 0)
		return TRUE;
	txn = arc_storage_txn_new();
	arc_peer_manager_stage_peer(self, txn, own, own->id, body, FALSE);
	return arc_registry_commit(registry, txn, NULL, TRUE, error);
}
