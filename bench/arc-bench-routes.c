/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdlib.h>

#include "arc-route-table.h"

/* Route lookups per second against a table of --routes random routes (default 10,000): a mix
 * of the three categories, prefixes /8 to /32 (IPv4) or /16 to /128 (IPv6), priorities 0-99,
 * and random packets in the same ranges, so that most lookups find a route. Beside the
 * index, the same packets go through arc_route_table_explain(), which walks every route (the
 * lookup before the index, and what `routes explain` uses): both must choose the same route.
 * Prints figures, never fails on them (exit 1 only when the two disagree). */

static void
arc_bench_random_cidr(GRand *rand, guint family, guint8 first, guint min_prefix, ArcCidr *out)
{
	guint bits = family == 4 ? 32 : 128;

	out->family = (guint8)family;
	out->prefix = (guint8)g_rand_int_range(rand, (gint32)min_prefix, (gint32)bits + 1);
	out->bytes[0] = first;
	for (guint i = 1; i < bits / 8; i++)
		out->bytes[i] = (guint8)g_rand_int(rand);
	for (guint i = bits / 8; i < 16; i++)
		out->bytes[i] = 0;
	for (guint bit = out->prefix; bit < bits; bit++)
		out->bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
}

/* the address of a random packet: half the prefix bytes fixed so that routes match */
static void
arc_bench_random_address(GRand *rand, guint family, guint8 first, ArcCidr *out)
{
	guint bits = family == 4 ? 32 : 128;

	out->family = (guint8)family;
	out->prefix = (guint8)bits;
	out->bytes[0] = first;
	for (guint i = 1; i < 16; i++)
		out->bytes[i] = i < bits / 8 ? (guint8)g_rand_int(rand) : 0;
}

static gdouble
arc_bench_elapsed_s(gint64 start)
{
	return MAX(g_get_monotonic_time() - start, 1) / 1e6;
}

static gboolean
arc_bench_family(guint family, gint routes, gint lookups, gint checked)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(42);
	g_autoptr(ArcRouteTable) table = arc_route_table_new();
	g_autoptr(GArray) packets = g_array_new(FALSE, TRUE, sizeof(ArcCidr));
	guint min_prefix = family == 4 ? 8 : 16;
	guint found = 0, agreed = 0;
	gint64 start;
	gdouble build_s, index_s, walk_s;

	start = g_get_monotonic_time();
	for (gint i = 0; i < routes; i++) {
		ArcCidr src, dst;
		gint kind = g_rand_int_range(rand, 0, 3); /* 0 both, 1 source, 2 destination */

		arc_bench_random_cidr(rand, family, 10, min_prefix, &src);
		arc_bench_random_cidr(rand, family, 192, min_prefix, &dst);
		arc_route_table_add(table, i + 1, "svc_bench", g_rand_int_range(rand, 0, 100),
				    kind != 2 ? &src : NULL, kind != 1 ? &dst : NULL);
	}
	build_s = arc_bench_elapsed_s(start);

	for (gint i = 0; i < 2 * lookups; i++) {
		ArcCidr address;
		arc_bench_random_address(rand, family, i % 2 == 0 ? 10 : 192, &address);
		g_array_append_val(packets, address);
	}
	start = g_get_monotonic_time();
	for (gint i = 0; i < lookups; i++) {
		const gchar *service = NULL;
		arc_route_table_lookup(table, &g_array_index(packets, ArcCidr, 2 * i),
				       &g_array_index(packets, ArcCidr, 2 * i + 1), NULL, &service);
		found += service != NULL;
	}
	index_s = arc_bench_elapsed_s(start);

	start = g_get_monotonic_time();
	for (gint i = 0; i < checked; i++) {
		g_autoptr(ArcRouteDecision) decision = arc_route_table_explain(
			table, &g_array_index(packets, ArcCidr, 2 * i),
			&g_array_index(packets, ArcCidr, 2 * i + 1), NULL, TRUE);
		const ArcRoute *indexed = arc_route_table_lookup(
			table, &g_array_index(packets, ArcCidr, 2 * i),
			&g_array_index(packets, ArcCidr, 2 * i + 1), NULL, NULL);
		agreed += decision->route == indexed;
	}
	walk_s = arc_bench_elapsed_s(start);

	g_print("IPv%u, %d routes: table built in %.1f ms\n", family, routes, build_s * 1e3);
	g_print("  index (arc_route_table_lookup):   %9.0f lookups/s  %8.2f us each  "
		"(%d lookups, %u found a route)\n",
		lookups / index_s, index_s * 1e6 / lookups, lookups, found);
	g_print("  every route (arc_route_table_explain): %5.0f lookups/s  %8.2f us each  "
		"(%d lookups)\n",
		checked / walk_s, walk_s * 1e6 / checked, checked);
	g_print("  same route chosen by both: %u of %d\n", agreed, checked);
	return agreed == (guint)checked;
}

int
main(int argc, char **argv)
{
	gint routes = 10000, lookups = 1000000, checked = 300;
	GOptionEntry entries[] = {
		{"routes", 'r', 0, G_OPTION_ARG_INT, &routes, "Routes in the table", "N"},
		{"lookups", 'l', 0, G_OPTION_ARG_INT, &lookups, "Lookups to time on the index",
		 "N"},
		{"checked", 'c', 0, G_OPTION_ARG_INT, &checked,
		 "Lookups to time through the walk of every route, and compare", "N"},
		{NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- route lookup benchmark");
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) || routes < 1 || lookups < 1 ||
	    checked < 1 || checked > lookups) {
		g_printerr("%s\n", error != NULL
					   ? error->message
					   : "--routes, --lookups > 0, 0 < --checked <= --lookups");
		return 2;
	}
	ok = arc_bench_family(4, routes, lookups, checked);
	ok = arc_bench_family(6, routes, lookups, checked) && ok;
	return ok ? 0 : 1;
}
