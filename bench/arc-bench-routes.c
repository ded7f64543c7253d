/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdlib.h>

#include "arc-route-table.h"

/* Route lookups per second against a table of --routes random routes (default 10,000):
 * IPv4, a mix of the three categories, prefixes /8 to /32, priorities 0-99. The packets are
 * random addresses in the same ranges, so that most lookups find a route. Prints figures,
 * never fails on them. */

static void
arc_bench_random_cidr(GRand *rand, guint8 first, ArcCidr *out)
{
	out->family = 4;
	out->prefix = (guint8)g_rand_int_range(rand, 8, 33);
	out->bytes[0] = first;
	for (guint i = 1; i < 4; i++)
		out->bytes[i] = (guint8)g_rand_int(rand);
	for (guint bit = out->prefix; bit < 32; bit++)
		out->bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
}

int
main(int argc, char **argv)
{
	gint routes = 10000, lookups = 20000;
	GOptionEntry entries[] = {
		{"routes", 'r', 0, G_OPTION_ARG_INT, &routes, "Routes in the table", "N"},
		{"lookups", 'l', 0, G_OPTION_ARG_INT, &lookups, "Lookups to time", "N"},
		{NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- route lookup benchmark");
	g_autoptr(GError) error = NULL;
	g_autoptr(GRand) rand = g_rand_new_with_seed(42);
	g_autoptr(ArcRouteTable) table = arc_route_table_new();
	g_autoptr(GArray) packets = g_array_new(FALSE, TRUE, sizeof(ArcCidr));
	guint found = 0;
	gint64 start, elapsed;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) || routes < 1 || lookups < 1) {
		g_printerr("%s\n", error != NULL ? error->message : "--routes and --lookups > 0");
		return 2;
	}
	for (gint i = 0; i < routes; i++) {
		ArcCidr src, dst;
		gint kind = g_rand_int_range(rand, 0, 3); /* 0 both, 1 source, 2 destination */

		arc_bench_random_cidr(rand, 10, &src);
		arc_bench_random_cidr(rand, 192, &dst);
		arc_route_table_add(table, i + 1, "svc_bench", g_rand_int_range(rand, 0, 100),
				    kind != 2 ? &src : NULL, kind != 1 ? &dst : NULL);
	}
	for (gint i = 0; i < 2 * lookups; i++) {
		ArcCidr address = {.family = 4, .prefix = 32};
		address.bytes[0] = i % 2 == 0 ? 10 : 192;
		for (guint k = 1; k < 4; k++)
			address.bytes[k] = (guint8)g_rand_int(rand);
		g_array_append_val(packets, address);
	}
	start = g_get_monotonic_time();
	for (gint i = 0; i < lookups; i++) {
		const gchar *service = NULL;
		arc_route_table_lookup(table, &g_array_index(packets, ArcCidr, 2 * i),
				       &g_array_index(packets, ArcCidr, 2 * i + 1), NULL, &service);
		found += service != NULL;
	}
	elapsed = MAX(g_get_monotonic_time() - start, 1);
	g_print("route lookups: %d against %d routes in %.3f s: %.0f lookups/s, %.2f us each "
		"(%u found a route)\n",
		lookups, routes, elapsed / 1e6, lookups * 1e6 / elapsed, (gdouble)elapsed / lookups,
		found);
	return 0;
}
