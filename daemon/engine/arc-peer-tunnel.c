/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-peer-tunnel.h"

#include <arpa/inet.h>
#include <string.h>

#include "arc-tunnel-address.h"

/* reads `tunnel_ipv4` or `tunnel_ipv6`: an address of @family without a prefix */
static gboolean
arc_peer_tunnel_read_address(JsonObject *body, const gchar *member, guint family, gboolean *has,
			     ArcCidr *out, GError **error)
{
	const gchar *text;

	*has = FALSE;
	if (!json_object_has_member(body, member))
		return TRUE;
	text = arc_json_object_get_string(body, member);
	if (text == NULL || !arc_cidr_read_address(text, out) || out->family != family) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "%s is not an IPv%u address", member, family);
		return FALSE;
	}
	*has = TRUE;
	return TRUE;
}

static gboolean
arc_peer_tunnel_read_port(JsonObject *body, guint16 *port, GError **error)
{
	JsonNode *node = json_object_get_member(body, "tunnel_port");
	gint64 value;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_INT64) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "tunnel_port is not a number");
		return FALSE;
	}
	value = json_node_get_int(node);
	/* every member sends this port handshakes every 5 s: not one of the well-known
	 * services of the member's host (DNS, NTP, IKE…) */
	if (value < ARC_PEER_TUNNEL_PORT_MIN || value > 65535) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "tunnel_port %" G_GINT64_FORMAT " is not a UDP port from %u to 65535",
			    value, ARC_PEER_TUNNEL_PORT_MIN);
		return FALSE;
	}
	*port = (guint16)value;
	return TRUE;
}

/**
 * arc_peer_tunnel_read:
 * @body: a `peer` record's body, untrusted
 * @out: (out caller-allocates): its tunnel fields
 * @error: return location for a #GError
 *
 * Returns: %FALSE when the record states tunnel fields that are not valid (then the member
 *   is taken to have no tunnel); %TRUE with @out->has_key %FALSE when it states none
 */
gboolean
arc_peer_tunnel_read(JsonObject *body, ArcPeerTunnel *out, GError **error)
{
	const gchar *key = arc_json_object_get_string(body, "tunnel_key");
	const gchar *claimed = arc_json_object_get_string(body, "tunnel_claimed_at");
	gint64 secs;

	memset(out, 0, sizeof(*out));
	if (!json_object_has_member(body, "tunnel_key"))
		return TRUE;
	if (key == NULL || !arc_tunnel_key_parse_public(key, out->key)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "tunnel_key is not a base64 X25519 public key");
		return FALSE;
	}
	if (!arc_peer_tunnel_read_port(body, &out->port, error) ||
	    !arc_peer_tunnel_read_address(body, "tunnel_ipv4", 4, &out->has_v4, &out->v4, error) ||
	    !arc_peer_tunnel_read_address(body, "tunnel_ipv6", 6, &out->has_v6, &out->v6, error))
		return FALSE;
	secs = claimed != NULL ? arc_time_parse_rfc3339(claimed) : 0;
	if ((out->has_v4 || out->has_v6) && secs <= 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "tunnel_claimed_at is not an RFC 3339 time");
		return FALSE;
	}
	out->claimed_at = secs * G_USEC_PER_SEC;
	out->has_key = TRUE;
	return TRUE;
}

/**
 * arc_peer_tunnel_address_text:
 * @address: a full-length prefix
 *
 * Returns: (transfer full): the address without its prefix, as the record states it
 */
gchar *
arc_peer_tunnel_address_text(const ArcCidr *address)
{
	gchar text[INET6_ADDRSTRLEN];

	if (inet_ntop(address->family == 4 ? AF_INET : AF_INET6, address->bytes, text,
		      sizeof(text)) == NULL)
		return NULL;
	return g_strdup(text);
}

static void
arc_peer_tunnel_write_address(JsonObject *body, const gchar *member, gboolean has,
			      const ArcCidr *address)
{
	g_autofree gchar *text = has ? arc_peer_tunnel_address_text(address) : NULL;

	if (text != NULL)
		json_object_set_string_member(body, member, text);
	else
		json_object_remove_member(body, member);
}

/**
 * arc_peer_tunnel_write:
 * @body: this node's `peer` record body
 * @tunnel: its tunnel fields, with a key
 *
 * Sets (or removes, for an address not claimed) the tunnel members of @body.
 */
void
arc_peer_tunnel_write(JsonObject *body, const ArcPeerTunnel *tunnel)
{
	g_autofree gchar *key = g_base64_encode(tunnel->key, sizeof(tunnel->key));
	g_autofree gchar *claimed = arc_time_format_rfc3339(tunnel->claimed_at / G_USEC_PER_SEC);

	json_object_set_string_member(body, "tunnel_key", key);
	json_object_set_int_member(body, "tunnel_port", tunnel->port);
	arc_peer_tunnel_write_address(body, "tunnel_ipv4", tunnel->has_v4, &tunnel->v4);
	arc_peer_tunnel_write_address(body, "tunnel_ipv6", tunnel->has_v6, &tunnel->v6);
	if (tunnel->has_v4 || tunnel->has_v6)
		json_object_set_string_member(body, "tunnel_claimed_at", claimed);
	else
		json_object_remove_member(body, "tunnel_claimed_at");
}

void
arc_peer_tunnel_claims_init(ArcPeerTunnelClaims *claims)
{
	claims->v4 = g_array_new(FALSE, TRUE, sizeof(ArcTunnelClaim));
	claims->v6 = g_array_new(FALSE, TRUE, sizeof(ArcTunnelClaim));
}

void
arc_peer_tunnel_claims_clear(ArcPeerTunnelClaims *claims)
{
	g_clear_pointer(&claims->v4, g_array_unref);
	g_clear_pointer(&claims->v6, g_array_unref);
}

/* @peer_id must outlive @claims */
void
arc_peer_tunnel_claims_add(ArcPeerTunnelClaims *claims, const gchar *peer_id,
			   const ArcPeerTunnel *tunnel)
{
	ArcTunnelClaim claim = {peer_id, {0}, tunnel->claimed_at};

	if (!tunnel->has_key)
		return;
	if (tunnel->has_v4) {
		claim.address = tunnel->v4;
		g_array_append_val(claims->v4, claim);
	}
	if (tunnel->has_v6) {
		claim.address = tunnel->v6;
		g_array_append_val(claims->v6, claim);
	}
}

/* Whether this node keeps @address: inside the range, and no other member's claim on it
 * wins over this one's. */
static gboolean
arc_peer_tunnel_keeps(const ArcCidr *range, const gchar *peer_id, const ArcCidr *address,
		      gint64 claimed_at, GArray *others)
{
	ArcTunnelClaim mine = {peer_id, *address, claimed_at};

	if (!arc_cidr_contains(range, address))
		return FALSE;
	for (guint i = 0; i < others->len; i++) {
		if (arc_tunnel_claim_yields(range, &mine,
					    &g_array_index(others, ArcTunnelClaim, i)))
			return FALSE;
	}
	return TRUE;
}

/* one family: keeps the claim or chooses again; %TRUE when the address changed */
static gboolean
arc_peer_tunnel_claim_family(const ArcCidr *range, const gchar *peer_id, GArray *others,
			     gint64 claimed_at, gboolean *has, ArcCidr *address)
{
	g_autoptr(GArray) taken = g_array_new(FALSE, TRUE, sizeof(ArcCidr));
	ArcCidr chosen;

	if (*has && arc_peer_tunnel_keeps(range, peer_id, address, claimed_at, others))
		return FALSE;
	for (guint i = 0; i < others->len; i++)
		g_array_append_val(taken, g_array_index(others, ArcTunnelClaim, i).address);
	if (!arc_tunnel_address_choose(range, peer_id, (const ArcCidr *)(gpointer)taken->data,
				       taken->len, &chosen)) {
		g_autofree gchar *text = arc_cidr_to_string(range);
		g_warning("tunnel range %s is full: this node has no IPv%u tunnel address", text,
			  range->family);
		chosen.family = 0;
	}
	if (*has && chosen.family != 0 && memcmp(chosen.bytes, address->bytes, 16) == 0)
		return FALSE;
	*has = chosen.family != 0;
	if (*has)
		*address = chosen;
	return TRUE;
}

/**
 * arc_peer_tunnel_claim:
 * @v4_range: the cluster's IPv4 tunnel range
 * @v6_range: the cluster's IPv6 tunnel range
 * @peer_id: this node
 * @others: what the other members claim
 * @now: microseconds since the epoch
 * @tunnel: (inout): this node's tunnel fields, with its present claims
 *
 * Keeps this node's addresses unless they left the range or a concurrent claim by another
 * member wins (arc_tunnel_claim_yields()); otherwise chooses again with
 * arc_tunnel_address_choose(). A change restamps the claim.
 *
 * Returns: whether an address changed
 */
gboolean
arc_peer_tunnel_claim(const ArcCidr *v4_range, const ArcCidr *v6_range, const gchar *peer_id,
		      const ArcPeerTunnelClaims *others, gint64 now, ArcPeerTunnel *tunnel)
{
	gboolean changed = FALSE;

	changed |= arc_peer_tunnel_claim_family(v4_range, peer_id, others->v4, tunnel->claimed_at,
						&tunnel->has_v4, &tunnel->v4);
	changed |= arc_peer_tunnel_claim_family(v6_range, peer_id, others->v6, tunnel->claimed_at,
						&tunnel->has_v6, &tunnel->v6);
	if (changed)
		tunnel->claimed_at = now - now % G_USEC_PER_SEC;
	return changed;
}

/**
 * arc_peer_tunnel_drop_lost_claims:
 * @v4_range: the cluster's IPv4 tunnel range
 * @v6_range: the cluster's IPv6 tunnel range
 * @peer_id: the member @tunnel is of
 * @claims: every member's claims (@peer_id's own are skipped)
 * @tunnel: (inout): its tunnel fields
 *
 * Drops the addresses of @tunnel that lie outside the ranges or that another member's claim
 * wins (arc_tunnel_claim_yields()): the same on every node, so that stating another
 * member's address takes no traffic from it anywhere.
 */
void
arc_peer_tunnel_drop_lost_claims(const ArcCidr *v4_range, const ArcCidr *v6_range,
				 const gchar *peer_id, const ArcPeerTunnelClaims *claims,
				 ArcPeerTunnel *tunnel)
{
	if (tunnel->has_v4 &&
	    !arc_peer_tunnel_keeps(v4_range, peer_id, &tunnel->v4, tunnel->claimed_at, claims->v4))
		tunnel->has_v4 = FALSE;
	if (tunnel->has_v6 &&
	    !arc_peer_tunnel_keeps(v6_range, peer_id, &tunnel->v6, tunnel->claimed_at, claims->v6))
		tunnel->has_v6 = FALSE;
}
