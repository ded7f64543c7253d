/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

static void
id_format_func(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < 1000; i++) {
		gchar *id = arc_id_new("peer_");
		g_assert_true(g_str_has_prefix(id, "peer_"));
		g_assert_cmpuint(strlen(id), ==, 5 + ARC_ULID_LENGTH);
		g_assert_true(arc_id_is_valid(id, "peer_"));
		g_assert_false(arc_id_is_valid(id, "clu_"));
		g_assert_false(g_hash_table_contains(seen, id));
		g_hash_table_add(seen, id);
	}
}

/* the time part sorts: an older cluster id is the smaller string */
static void
id_time_order_func(void)
{
	g_autofree gchar *older = arc_id_new_at("clu_", 1600000000000);
	g_autofree gchar *newer = arc_id_new_at("clu_", 1700000000000);
	g_autofree gchar *zero = arc_id_new_at(NULL, 0);

	g_assert_cmpint(strcmp(older, newer), <, 0);
	g_assert_true(g_str_has_prefix(zero, "0000000000"));
}

static void
id_invalid_func(void)
{
	const gchar *bad[] = {NULL,
			      "",
			      "peer_",
			      "peer_01ARZ3NDEKTSV4RRFFQ69G5FA",
			      "peer_01ARZ3NDEKTSV4RRFFQ69G5FAVV",
			      "peer_81ARZ3NDEKTSV4RRFFQ69G5FAV",
			      "peer_01ARZ3NDEKTSV4RRFFQ69G5FAU",
			      "peer_01arz3ndektsv4rrffq69g5fav"};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(arc_id_is_valid(bad[i], "peer_"));
	g_assert_true(arc_id_is_valid("peer_01ARZ3NDEKTSV4RRFFQ69G5FAV", "peer_"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/id/format", id_format_func);
	g_test_add_func("/id/time-order", id_time_order_func);
	g_test_add_func("/id/invalid", id_invalid_func);
	return g_test_run();
}
