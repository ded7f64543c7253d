/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-time.h"

static void
arc_test_time_human_func(void)
{
	const struct {
		const gchar *wire;
		const gchar *human;
	} table[] = {
		{"2025-12-09T04:43:41Z", "2025-12-09 04:43:41 UTC"},
		{"2025-12-09T06:43:41+02:00", "2025-12-09 04:43:41 UTC"},
		{"2025-12-31T23:59:59.987654Z", "2025-12-31 23:59:59 UTC"},
		{"2024-01-15T10:30:00z", "2024-01-15 10:30:00 UTC"},
		{"not a time", "not a time"},
		{"2025-12-09 04:43:41 UTC", "2025-12-09 04:43:41 UTC"},
		{"", ""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autofree gchar *human = arc_cli_time_format_human(table[i].wire);

		g_assert_cmpstr(human, ==, table[i].human);
	}
	g_assert_null(arc_cli_time_format_human(NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/time/human", arc_test_time_human_func);
	return g_test_run();
}
