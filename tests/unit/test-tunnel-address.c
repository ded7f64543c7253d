/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include "arc-tunnel-address.h"

/* core/arc-tunnel-address: each node's tunnel address, chosen without a coordinator */

static ArcCidr
ta_range(const gchar *text)
{
	ArcCidr range;

	g_assert_cmpint(arc_cidr_read(text, ARC_CIDR_NETWORK, &range), ==, ARC_CIDR_OK);
	return range;
}

static gchar *
ta_text(const ArcCidr *address)
{
	return arc_cidr_to_string(address);
}

static void
tunnel_address_candidate_func(void)
{
	ArcCidr range = ta_range("100.79.0.0/16");
	ArcCidr a, b, c;
	g_autofree gchar *text_a = NULL;
	g_autofree gchar *text_b = NULL;
	g_autofree gchar *text_c = NULL;

	/* the same peer and attempt give the same address on every node */
	g_assert_true(arc_tunnel_address_candidate(&range, "peer_01", 0, &a));
	g_assert_true(arc_tunnel_address_candidate(&range, "peer_01", 0, &b));
	text_a = ta_text(&a);
	text_b = ta_text(&b);
	g_assert_cmpstr(text_a, ==, text_b);
	g_assert_true(g_str_has_prefix(text_a, "100.79."));
	g_assert_true(g_str_has_suffix(text_a, "/32"));
	/* another attempt moves it */
	g_assert_true(arc_tunnel_address_candidate(&range, "peer_01", 1, &c));
	text_c = ta_text(&c);
	g_assert_cmpstr(text_a, !=, text_c);
}

/* a /30 has two hosts: candidates are never the network or the broadcast address */
static void
tunnel_address_no_network_or_broadcast_func(void)
{
	ArcCidr range = ta_range("192.0.2.4/30");

	for (guint i = 0; i < 200; i++) {
		g_autofree gchar *peer = g_strdup_printf("peer_%u", i);
		g_autofree gchar *text = NULL;
		ArcCidr out;

		g_assert_true(arc_tunnel_address_candidate(&range, peer, i % 7, &out));
		text = ta_text(&out);
		g_assert_true(g_strcmp0(text, "192.0.2.5/32") == 0 ||
			      g_strcmp0(text, "192.0.2.6/32") == 0);
	}
	/* a /31 and a /32 have no usable host */
	range = ta_range("192.0.2.4/31");
	g_assert_false(arc_tunnel_address_candidate(&range, "peer_1", 0, &range));
}

static void
tunnel_address_choose_distinct_func(void)
{
	ArcCidr range = ta_range("100.79.0.0/24");
	g_autoptr(GArray) taken = g_array_new(FALSE, FALSE, sizeof(ArcCidr));
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	/* 254 peers fill a /24 exactly, each choosing in turn what the others left */
	for (guint i = 0; i < 254; i++) {
		g_autofree gchar *peer = g_strdup_printf("peer_%03u", i);
		ArcCidr out;

		g_assert_true(arc_tunnel_address_choose(&range, peer, (ArcCidr *)taken->data,
							taken->len, &out));
		g_assert_true(g_hash_table_add(seen, ta_text(&out)));
		g_array_append_val(taken, out);
	}
	/* the next one finds the range full */
	{
		ArcCidr out;
		g_assert_false(arc_tunnel_address_choose(&range, "peer_full",
							 (ArcCidr *)taken->data, taken->len, &out));
	}
	g_assert_false(g_hash_table_contains(seen, "100.79.0.0/32"));
	g_assert_false(g_hash_table_contains(seen, "100.79.0.255/32"));
}

static void
tunnel_address_ipv6_func(void)
{
	ArcCidr range = ta_range("fd79:a7c::/64");
	ArcCidr first, chosen;
	g_autofree gchar *text_first = NULL;
	g_autofree gchar *text_chosen = NULL;

	g_assert_true(arc_tunnel_address_candidate(&range, "peer_01", 0, &first));
	text_first = ta_text(&first);
	g_assert_true(g_str_has_prefix(text_first, "fd79:a7c::"));
	g_assert_true(g_str_has_suffix(text_first, "/128"));
	/* taken by someone else: the peer moves on to another address of the range */
	g_assert_true(arc_tunnel_address_choose(&range, "peer_01", &first, 1, &chosen));
	text_chosen = ta_text(&chosen);
	g_assert_cmpstr(text_chosen, !=, text_first);
	g_assert_true(g_str_has_prefix(text_chosen, "fd79:a7c::"));
}

static void
tunnel_address_yields_func(void)
{
	ArcTunnelClaim mine = {.peer_id = "peer_B", .claimed_at = 2000};
	ArcTunnelClaim other = {.peer_id = "peer_A", .claimed_at = 1000};
	ArcCidr range = ta_range("100.79.0.0/16");

	arc_tunnel_address_candidate(&range, "x", 0, &mine.address);
	other.address = mine.address;
	/* the later claim yields, whichever peer id is lower */
	g_assert_true(arc_tunnel_claim_yields(&range, &mine, &other));
	g_assert_false(arc_tunnel_claim_yields(&range, &other, &mine));
	mine.peer_id = "peer_0";
	g_assert_true(arc_tunnel_claim_yields(&range, &mine, &other));
	/* at the same instant, the higher peer id yields */
	mine.claimed_at = other.claimed_at;
	g_assert_false(arc_tunnel_claim_yields(&range, &mine, &other));
	g_assert_true(arc_tunnel_claim_yields(&range, &other, &mine));
	/* different addresses never conflict */
	arc_tunnel_address_candidate(&range, "x", 1, &other.address);
	g_assert_false(arc_tunnel_claim_yields(&range, &mine, &other));
	g_assert_false(arc_tunnel_claim_yields(&range, &other, &mine));
}

/* A claim's time is its claimant's word: a member that states another's address with an
 * early time wins it only if its own id hashes to that address too */
static void
tunnel_address_forged_time_func(void)
{
	ArcCidr range = ta_range("100.79.0.0/16");
	ArcTunnelClaim victim = {.peer_id = "peer_V", .claimed_at = 2000000};
	ArcTunnelClaim thief = {.peer_id = "peer_H", .claimed_at = 1};
	ArcCidr walked;

	g_assert_true(arc_tunnel_address_candidate(&range, "peer_V", 3, &victim.address));
	g_assert_true(arc_tunnel_address_is_candidate(&range, "peer_V", &victim.address));
	g_assert_false(arc_tunnel_address_is_candidate(&range, "peer_H", &victim.address));
	thief.address = victim.address;
	g_assert_false(arc_tunnel_claim_yields(&range, &victim, &thief));
	g_assert_true(arc_tunnel_claim_yields(&range, &thief, &victim));
	/* an address the thief's id does hash to: then the times decide, as between any two
	 * concurrent claims */
	g_assert_true(arc_tunnel_address_candidate(&range, "peer_H", 0, &thief.address));
	victim.address = thief.address;
	g_assert_true(arc_tunnel_claim_yields(&range, &victim, &thief));
	/* an address no one hashes to (one walked to): times again */
	walked = victim.address;
	walked.bytes[3] ^= 1;
	g_assert_false(arc_tunnel_address_is_candidate(&range, "peer_V", &walked));
	g_assert_false(arc_tunnel_address_is_candidate(&range, "peer_H", &walked));
	victim.address = thief.address = walked;
	g_assert_true(arc_tunnel_claim_yields(&range, &victim, &thief));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tunnel-address/candidate", tunnel_address_candidate_func);
	g_test_add_func("/tunnel-address/no-network-or-broadcast",
			tunnel_address_no_network_or_broadcast_func);
	g_test_add_func("/tunnel-address/choose-distinct", tunnel_address_choose_distinct_func);
	g_test_add_func("/tunnel-address/ipv6", tunnel_address_ipv6_func);
	g_test_add_func("/tunnel-address/yields", tunnel_address_yields_func);
	g_test_add_func("/tunnel-address/forged-time", tunnel_address_forged_time_func);
	return g_test_run();
}
