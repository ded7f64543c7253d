/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include "tempest-replay.h"
#include "tempest-timers.h"

static void
tempest_replay_in_order_func(void)
{
	TempestReplay r;

	tempest_replay_init(&r);
	for (guint64 i = 0; i < 20000; i++)
		g_assert_true(tempest_replay_check(&r, i));
	/* every one of them is now a duplicate or too old */
	for (guint64 i = 0; i < 20000; i++)
		g_assert_false(tempest_replay_check(&r, i));
}

static void
tempest_replay_out_of_order_func(void)
{
	TempestReplay r;

	tempest_replay_init(&r);
	g_assert_true(tempest_replay_check(&r, 100));
	g_assert_true(tempest_replay_check(&r, 0)); /* 0 is a valid counter, not "unset" */
	g_assert_true(tempest_replay_check(&r, 99));
	g_assert_true(tempest_replay_check(&r, 50));
	g_assert_false(tempest_replay_check(&r, 50));
	g_assert_false(tempest_replay_check(&r, 100));
	g_assert_false(tempest_replay_check(&r, 0));
	g_assert_true(tempest_replay_check(&r, 101));
	g_assert_true(tempest_replay_check(&r, 1));
	/* reversed order inside the window */
	tempest_replay_init(&r);
	g_assert_true(tempest_replay_check(&r, TEMPEST_REPLAY_WINDOW_SIZE));
	for (gint64 i = TEMPEST_REPLAY_WINDOW_SIZE - 1; i >= 0; i--)
		g_assert_true(tempest_replay_check(&r, (guint64)i));
	for (gint64 i = TEMPEST_REPLAY_WINDOW_SIZE; i >= 0; i--)
		g_assert_false(tempest_replay_check(&r, (guint64)i));
}

/* exactly WINDOW_SIZE behind the greatest is still accepted, one more is too old */
static void
tempest_replay_edge_func(void)
{
	const guint64 top = 3 * TEMPEST_REPLAY_BITS_TOTAL + 17;
	TempestReplay r;

	g_assert_cmpuint(TEMPEST_REPLAY_WINDOW_SIZE, >=, 2048);
	tempest_replay_init(&r);
	g_assert_true(tempest_replay_check(&r, top));
	g_assert_false(tempest_replay_check(&r, top - TEMPEST_REPLAY_WINDOW_SIZE - 1));
	g_assert_true(tempest_replay_check(&r, top - TEMPEST_REPLAY_WINDOW_SIZE));
	g_assert_false(tempest_replay_check(&r, top - TEMPEST_REPLAY_WINDOW_SIZE));
	g_assert_true(tempest_replay_check(&r, top - 1));
}

/* jumps larger than the whole ring clear it: nothing old survives as "seen" */
static void
tempest_replay_jump_func(void)
{
	TempestReplay r;

	tempest_replay_init(&r);
	for (guint64 i = 0; i < 64; i++)
		g_assert_true(tempest_replay_check(&r, i));
	/* a jump of exactly the ring: the bits of 0..63 would alias those of the new word */
	g_assert_true(tempest_replay_check(&r, TEMPEST_REPLAY_BITS_TOTAL + 5));
	for (guint64 i = 0; i < 64; i++)
		g_assert_true(tempest_replay_check(&r, TEMPEST_REPLAY_BITS_TOTAL + 6 + i));
	g_assert_false(tempest_replay_check(&r, 5));
	/* a jump of many rings, then the counters just below it */
	g_assert_true(tempest_replay_check(&r, G_GUINT64_CONSTANT(1) << 40));
	for (guint64 i = 1; i <= 200; i++)
		g_assert_true(tempest_replay_check(&r, (G_GUINT64_CONSTANT(1) << 40) - i));
	g_assert_false(tempest_replay_check(&r, TEMPEST_REPLAY_BITS_TOTAL + 5));
}

static void
tempest_replay_limit_func(void)
{
	TempestReplay r;

	tempest_replay_init(&r);
	g_assert_cmpuint(TEMPEST_REJECT_AFTER_MESSAGES, ==,
			 G_MAXUINT64 - (G_GUINT64_CONSTANT(1) << 13));
	g_assert_false(tempest_replay_check(&r, TEMPEST_REJECT_AFTER_MESSAGES));
	g_assert_false(tempest_replay_check(&r, G_MAXUINT64));
	g_assert_true(tempest_replay_check(&r, TEMPEST_REJECT_AFTER_MESSAGES - 1));
	g_assert_false(tempest_replay_check(&r, TEMPEST_REJECT_AFTER_MESSAGES - 1));
	g_assert_true(tempest_replay_check(&r, TEMPEST_REJECT_AFTER_MESSAGES - 2));
}

/* against a set of every counter seen, with random counters near a moving front */
static void
tempest_replay_random_func(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
	g_autofree gint64 *keys = g_new(gint64, 100000);
	guint64 greatest = 0;
	gboolean any = FALSE;
	TempestReplay r;

	tempest_replay_init(&r);
	for (guint i = 0; i < 100000; i++) {
		gint64 c = (gint64)greatest + g_test_rand_int_range(-9000, 200);
		gboolean expect;

		if (c < 0)
			c = 0;
		expect = !g_hash_table_contains(seen, &c) &&
			 (!any || (guint64)c + TEMPEST_REPLAY_WINDOW_SIZE >= greatest);
		g_assert_cmpint(tempest_replay_check(&r, (guint64)c), ==, expect);
		if (expect) {
			keys[i] = c;
			g_hash_table_add(seen, &keys[i]);
			if (!any || (guint64)c > greatest)
				greatest = (guint64)c;
			any = TRUE;
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/replay/in-order", tempest_replay_in_order_func);
	g_test_add_func("/tempest/replay/out-of-order", tempest_replay_out_of_order_func);
	g_test_add_func("/tempest/replay/edge", tempest_replay_edge_func);
	g_test_add_func("/tempest/replay/jump", tempest_replay_jump_func);
	g_test_add_func("/tempest/replay/limit", tempest_replay_limit_func);
	g_test_add_func("/tempest/replay/random", tempest_replay_random_func);
	return g_test_run();
}
