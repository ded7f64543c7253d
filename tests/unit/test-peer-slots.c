/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include "arc-peer-slots.h"

/* marks and tables per peer: stable while a peer is a member, whatever the others do */

static void
ps_stable_func(void)
{
	g_autoptr(ArcPeerSlots) slots = arc_peer_slots_new(8);
	g_autoptr(GRand) rand = g_rand_new_with_seed(7);
	g_autoptr(GHashTable) held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gchar *ids[13];

	for (guint i = 0; i < 12; i++)
		ids[i] = g_strdup_printf("peer_%02u", i);
	ids[12] = NULL;
	for (guint round = 0; round < 500; round++) {
		const gchar *members[9];
		guint n = 0;
		g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);

		/* keep most of those who hold a slot, add a few others, at most 8 */
		for (guint i = 0; i < 12 && n < 8; i++) {
			gboolean had = g_hash_table_contains(held, ids[i]);
			if (g_rand_int_range(rand, 0, 10) < (had ? 8 : 3))
				members[n++] = ids[i];
		}
		members[n] = NULL;
		arc_peer_slots_sync(slots, members);
		for (guint i = 0; i < n; i++) {
			guint slot = arc_peer_slots_lookup(slots, members[i]);
			gpointer before = g_hash_table_lookup(held, members[i]);

			g_assert_cmpuint(slot, >=, 1);
			g_assert_cmpuint(slot, <=, 8);
			/* distinct, and unchanged for a peer that stayed */
			g_assert_true(g_hash_table_add(seen, GUINT_TO_POINTER(slot)));
			if (before != NULL)
				g_assert_cmpuint(GPOINTER_TO_UINT(before), ==, slot);
		}
		g_hash_table_remove_all(held);
		for (guint i = 0; i < n; i++)
			g_hash_table_insert(
				held, g_strdup(members[i]),
				GUINT_TO_POINTER(arc_peer_slots_lookup(slots, members[i])));
		for (guint i = 0; i < 12; i++) {
			if (!g_hash_table_contains(held, ids[i]))
				g_assert_cmpuint(arc_peer_slots_lookup(slots, ids[i]), ==, 0);
		}
	}
	for (guint i = 0; i < 12; i++)
		g_free(ids[i]);
}

/* a fresh allocator (an agent restarted after a crash) given the same members in another
 * order agrees with the first, and a peer alone always gets the slot it prefers */
static void
ps_restart_func(void)
{
	const gchar *forward[] = {"peer_a", "peer_b", "peer_c", "peer_d", NULL};
	const gchar *backward[] = {"peer_d", "peer_c", "peer_b", "peer_a", NULL};
	const gchar *alone[] = {"peer_c", NULL};
	g_autoptr(ArcPeerSlots) first = arc_peer_slots_new(3 + 1);
	g_autoptr(ArcPeerSlots) second = arc_peer_slots_new(3 + 1);
	g_autoptr(ArcPeerSlots) third = arc_peer_slots_new(1024);

	arc_peer_slots_sync(first, forward);
	arc_peer_slots_sync(second, backward);
	for (guint i = 0; forward[i] != NULL; i++)
		g_assert_cmpuint(arc_peer_slots_lookup(first, forward[i]), ==,
				 arc_peer_slots_lookup(second, forward[i]));
	arc_peer_slots_sync(third, alone);
	g_assert_cmpuint(arc_peer_slots_lookup(third, "peer_c"), ==,
			 arc_peer_slots_preferred(1024, "peer_c"));
	/* full: the fifth peer gets none and the others keep theirs */
	{
		const gchar *five[] = {"peer_a", "peer_b", "peer_c", "peer_d", "peer_e", NULL};
		guint before = arc_peer_slots_lookup(first, "peer_a");

		g_assert_cmpuint(arc_peer_slots_sync(first, five), ==, 1);
		g_assert_cmpuint(arc_peer_slots_lookup(first, "peer_e"), ==, 0);
		g_assert_cmpuint(arc_peer_slots_lookup(first, "peer_a"), ==, before);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/peer-slots/stable", ps_stable_func);
	g_test_add_func("/peer-slots/restart", ps_restart_func);
	return g_test_run();
}
