/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-tunnel-address.h"

#include <sodium.h>
#include <string.h>

/* Each node picks its own tunnel addresses, with no coordinator (docs/protocol.md, "Tunnel
 * addresses"): candidate k of a peer is a keyed hash of its id and k, mapped onto the hosts of
 * the cluster's range; it takes the first candidate no other member's record claims and
 * publishes it in its own signed record. Two nodes that claimed the same address concurrently
 * (in a partition, or joining at once) see each other's claim through gossip, and the later
 * claim yields (the higher peer id on a tie) and picks again. So addresses are stable: a node
 * keeps its address for as long as it is a member, whoever joins later. A claim on an address
 * that is not one of its claimant's hashed candidates loses to one that is, whatever time it
 * states: the time is the claimant's own word (arc_tunnel_claim_yields()). */

/* how many hashed candidates before walking the range from the first one */
#define ARC_TUNNEL_ADDRESS_ATTEMPTS 32
/* how far that walk goes: far enough for any IPv4 range, bounded for IPv6's huge ones */
#define ARC_TUNNEL_ADDRESS_WALK_MAX 65536

/* the number of usable hosts of @range: not the network address, nor IPv4's broadcast */
static guint64
arc_tunnel_address_hosts(const ArcCidr *range)
{
	guint bits = range->family == 4 ? 32 : 128;
	guint host_bits = bits - MIN(range->prefix, bits);

	if (range->family == 4)
		return host_bits >= 2 ? (G_GUINT64_CONSTANT(1) << host_bits) - 2 : 0;
	if (host_bits == 0)
		return 0;
	return host_bits >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(1) << host_bits) - 1;
}

/* @range's network with host number @host (1-based) in its host bits */
static void
arc_tunnel_address_set_host(const ArcCidr *range, guint64 host, ArcCidr *out)
{
	guint len = range->family == 4 ? 4 : 16;

	*out = *range;
	arc_cidr_to_network(out);
	out->prefix = len * 8;
	for (guint i = 0; i < 8 && host != 0; i++) {
		out->bytes[len - 1 - i] |= (guint8)(host & 0xff);
		host >>= 8;
	}
}

static guint64
arc_tunnel_address_hash(const ArcCidr *range, const gchar *peer_id, guint attempt)
{
	static const guint8 key[] = "arctic tunnel address v1";
	crypto_generichash_state state;
	guint8 input[5] = {range->family, (guint8)attempt, (guint8)(attempt >> 8),
			   (guint8)(attempt >> 16), (guint8)(attempt >> 24)};
	guint8 out[8];
	guint64 h = 0;

	crypto_generichash_init(&state, key, sizeof(key) - 1, sizeof(out));
	crypto_generichash_update(&state, input, sizeof(input));
	crypto_generichash_update(&state, (const guint8 *)peer_id, strlen(peer_id));
	crypto_generichash_final(&state, out, sizeof(out));
	for (guint i = 0; i < sizeof(out); i++)
		h = (h << 8) | out[i];
	return h;
}

/**
 * arc_tunnel_address_candidate:
 * @range: the cluster's tunnel range, IPv4 or IPv6
 * @peer_id: the peer
 * @attempt: which candidate, from 0
 * @out: (out caller-allocates): the address, with the family's full prefix
 *
 * Returns: %FALSE when @range has no usable host
 */
gboolean
arc_tunnel_address_candidate(const ArcCidr *range, const gchar *peer_id, guint attempt,
			     ArcCidr *out)
{
	guint64 hosts = arc_tunnel_address_hosts(range);
	guint64 h;

	if (hosts == 0)
		return FALSE;
	h = arc_tunnel_address_hash(range, peer_id, attempt);
	arc_tunnel_address_set_host(range, hosts == G_MAXUINT64 ? MAX(h, 1) : h % hosts + 1, out);
	return TRUE;
}

static gboolean
arc_tunnel_address_is_taken(const ArcCidr *address, const ArcCidr *taken, guint n_taken)
{
	for (guint i = 0; i < n_taken; i++) {
		if (taken[i].family == address->family &&
		    memcmp(taken[i].bytes, address->bytes, address->family == 4 ? 4 : 16) == 0)
			return TRUE;
	}
	return FALSE;
}

/* the host number of @address inside @range (IPv6: of its low 64 bits) */
static guint64
arc_tunnel_address_host_of(const ArcCidr *range, const ArcCidr *address)
{
	guint len = address->family == 4 ? 4 : 16;
	guint host_bits = len * 8 - MIN(range->prefix, len * 8);
	guint64 host = 0;

	for (guint i = len - MIN(len, 8); i < len; i++)
		host = (host << 8) | address->bytes[i];
	return host_bits >= 64 ? host : host & ((G_GUINT64_CONSTANT(1) << host_bits) - 1);
}

/**
 * arc_tunnel_address_choose:
 * @range: the cluster's tunnel range
 * @peer_id: the peer choosing
 * @taken: (array length=n_taken): the addresses other members' records claim
 * @n_taken: how many
 * @out: (out caller-allocates): the chosen address
 *
 * The first of @peer_id's candidates that is not taken; after
 * %ARC_TUNNEL_ADDRESS_ATTEMPTS of them, the next free host after the first candidate.
 *
 * Returns: %FALSE when the range is full (or has no host)
 */
gboolean
arc_tunnel_address_choose(const ArcCidr *range, const gchar *peer_id, const ArcCidr *taken,
			  guint n_taken, ArcCidr *out)
{
	guint64 hosts = arc_tunnel_address_hosts(range);
	ArcCidr first;
	guint64 start;

	if (!arc_tunnel_address_candidate(range, peer_id, 0, &first))
		return FALSE;
	for (guint attempt = 0; attempt < ARC_TUNNEL_ADDRESS_ATTEMPTS; attempt++) {
		arc_tunnel_address_candidate(range, peer_id, attempt, out);
		if (!arc_tunnel_address_is_taken(out, taken, n_taken))
			return TRUE;
	}
	start = arc_tunnel_address_host_of(range, &first);
	for (guint64 step = 1; step <= MIN(hosts, ARC_TUNNEL_ADDRESS_WALK_MAX); step++) {
		guint64 host = (start - 1 + step) % hosts + 1;

		arc_tunnel_address_set_host(range, host, out);
		if (!arc_tunnel_address_is_taken(out, taken, n_taken))
			return TRUE;
	}
	return FALSE;
}

/**
 * arc_tunnel_address_is_candidate:
 * @range: the cluster's tunnel range
 * @peer_id: a peer
 * @address: an address it claims
 *
 * Returns: whether @address is one of @peer_id's first %ARC_TUNNEL_ADDRESS_ATTEMPTS
 *   candidates in @range: an address it could have picked without walking the range
 */
gboolean
arc_tunnel_address_is_candidate(const ArcCidr *range, const gchar *peer_id, const ArcCidr *address)
{
	ArcCidr candidate;

	for (guint attempt = 0; attempt < ARC_TUNNEL_ADDRESS_ATTEMPTS; attempt++) {
		if (!arc_tunnel_address_candidate(range, peer_id, attempt, &candidate))
			return FALSE;
		if (arc_tunnel_address_is_taken(address, &candidate, 1))
			return TRUE;
	}
	return FALSE;
}

/**
 * arc_tunnel_claim_yields:
 * @range: the cluster's tunnel range of the claims' family
 * @mine: this node's claim
 * @other: another member's claim
 *
 * The claim time is the claimant's own word, so it decides only between claims that are
 * both among their claimants' candidates (arc_tunnel_address_is_candidate()): a member that
 * states another's address with a forged early time can contest at most the few addresses
 * its own id hashes to, never follow a node from address to address.
 *
 * Returns: %TRUE when both claim the same address and @mine must give it up: @other is one
 *   of its claimant's candidates and @mine is not; or both or neither are, and @mine was
 *   made later, or at the same time by the higher peer id
 */
gboolean
arc_tunnel_claim_yields(const ArcCidr *range, const ArcTunnelClaim *mine,
			const ArcTunnelClaim *other)
{
	gboolean mine_hashed, other_hashed;

	if (!arc_tunnel_address_is_taken(&mine->address, &other->address, 1))
		return FALSE;
	if (g_strcmp0(mine->peer_id, other->peer_id) == 0)
		return FALSE;
	mine_hashed = arc_tunnel_address_is_candidate(range, mine->peer_id, &mine->address);
	other_hashed = arc_tunnel_address_is_candidate(range, other->peer_id, &other->address);
	if (mine_hashed != other_hashed)
		return other_hashed;
	if (mine->claimed_at != other->claimed_at)
		return mine->claimed_at > other->claimed_at;
	return g_strcmp0(mine->peer_id, other->peer_id) > 0;
}
