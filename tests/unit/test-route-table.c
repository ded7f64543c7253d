/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-route-table.h"

/* CIDRs and the route evaluation of docs/routing.md */

static ArcCidr
rt_cidr(const gchar *text)
{
	ArcCidr cidr;
	g_autoptr(GError) error = NULL;

	g_assert_true(arc_cidr_parse(text, &cidr, &error));
	g_assert_no_error(error);
	return cidr;
}

static ArcCidr
rt_addr(const gchar *text)
{
	ArcCidr address;
	g_autoptr(GError) error = NULL;

	g_assert_true(arc_cidr_parse_address(text, &address, &error));
	g_assert_no_error(error);
	return address;
}

static void
rt_cidr_parse_func(void)
{
	const struct {
		const gchar *in;
		const gchar *canonical;
	} good[] = {
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"192.168.1.7/32", "192.168.1.7/32"},
		{"172.16.128.0/17", "172.16.128.0/17"},
		{"2001:db8::/32", "2001:db8::/32"},
		{"2001:DB8:0:0::/64", "2001:db8::/64"},
		{"::/0", "::/0"},
		{"fe80::1/128", "fe80::1/128"},
	};
	const struct {
		const gchar *in;
		const gchar *says;
	} bad[] = {
		{"10.0.0.0", "a prefix length is required"},
		{"10.0.0.1/8", "host bits are set; the network is 10.0.0.0/8"},
		{"2001:db8::1/32", "the network is 2001:db8::/32"},
		{"10.0.0.0/33", "the prefix length must be 0 to 32"},
		{"::/129", "the prefix length must be 0 to 128"},
		{"10.0.0.0/08", "the prefix length"},
		{"10.0.0.0/", "the prefix length"},
		{"10.0.0.0/-1", "the prefix length"},
		{"10.0.0.0/8 ", "the prefix length"},
		{"10.0.0/8", "not an IPv4 or IPv6 address"},
		{"256.0.0.0/8", "not an IPv4 or IPv6 address"},
		{"example.com/8", "not an IPv4 or IPv6 address"},
		{"/8", "not an IPv4 or IPv6 address"},
		{"", "a prefix length is required"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		ArcCidr cidr = rt_cidr(good[i].in);
		g_autofree gchar *text = arc_cidr_to_string(&cidr);
		g_assert_cmpstr(text, ==, good[i].canonical);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		ArcCidr cidr;
		g_autoptr(GError) error = NULL;

		g_assert_false(arc_cidr_parse(bad[i].in, &cidr, &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR);
		if (strstr(error->message, bad[i].says) == NULL)
			g_error("%s: '%s' lacks '%s'", bad[i].in, error->message, bad[i].says);
		g_assert_true(g_str_has_prefix(error->message, "invalid CIDR notation"));
	}
}

static void
rt_cidr_contains_func(void)
{
	const struct {
		const gchar *cidr;
		const gchar *address;
		gboolean inside;
	} cases[] = {
		{"10.0.0.0/8", "10.255.255.255", TRUE},
		{"10.0.0.0/8", "11.0.0.0", FALSE},
		{"0.0.0.0/0", "203.0.113.9", TRUE},
		{"0.0.0.0/0", "::1", FALSE},
		{"172.16.128.0/17", "172.16.255.1", TRUE},
		{"172.16.128.0/17", "172.16.127.255", FALSE},
		{"192.168.1.6/31", "192.168.1.7", TRUE},
		{"192.168.1.6/31", "192.168.1.8", FALSE},
		{"192.168.1.7/32", "192.168.1.7", TRUE},
		{"192.168.1.7/32", "192.168.1.6", FALSE},
		{"2001:db8::/32", "2001:db8:ffff::1", TRUE},
		{"2001:db8::/32", "2001:db9::1", FALSE},
		{"2001:db8::/33", "2001:db8:7fff::", TRUE},
		{"2001:db8::/33", "2001:db8:8000::", FALSE},
		{"::/0", "10.0.0.1", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcCidr cidr = rt_cidr(cases[i].cidr);
		ArcCidr address = rt_addr(cases[i].address);
		if (arc_cidr_contains(&cidr, &address) != cases[i].inside)
			g_error("%s contains %s: expected %d", cases[i].cidr, cases[i].address,
				cases[i].inside);
	}
	/* a network inside another */
	{
		ArcCidr wide = rt_cidr("10.0.0.0/8"), narrow = rt_cidr("10.1.0.0/16");
		g_assert_true(arc_cidr_contains(&wide, &narrow));
		g_assert_false(arc_cidr_contains(&narrow, &wide));
	}
}

/* routes given as text: `id service priority source destination` ("-" for none) */
static ArcRouteTable *
rt_table(const gchar *const *routes)
{
	ArcRouteTable *table = arc_route_table_new();

	for (guint i = 0; routes[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(routes[i], " ", -1);
		ArcCidr src, dst;
		gboolean has_src, has_dst;

		g_assert_cmpuint(g_strv_length(f), ==, 5);
		has_src = g_strcmp0(f[3], "-") != 0;
		has_dst = g_strcmp0(f[4], "-") != 0;
		if (has_src)
			src = rt_cidr(f[3]);
		if (has_dst)
			dst = rt_cidr(f[4]);
		arc_route_table_add(table, g_ascii_strtoll(f[0], NULL, 10), f[1],
				    g_ascii_strtoll(f[2], NULL, 10), has_src ? &src : NULL,
				    has_dst ? &dst : NULL);
	}
	return table;
}

static gint64
rt_winner(ArcRouteTable *table, const gchar *src, const gchar *dst, const gchar *interface,
	  const gchar **service)
{
	ArcCidr s = rt_addr(src), d = rt_addr(dst);
	const ArcRoute *route = arc_route_table_lookup(table, &s, &d, interface, service);
	return route != NULL ? route->id : 0;
}

/* the route guide's own order: (200, 10.1/16 -> 192.168.100/24) > (100, 10/8 ->
 * 192.168.100/24) > (100, 10/8 -> 192.168/16) */
static void
rt_guide_example_func(void)
{
	const gchar *routes[] = {
		"3 svc_c 100 10.0.0.0/8 192.168.0.0/16",
		"2 svc_b 100 10.0.0.0/8 192.168.100.0/24",
		"1 svc_a 200 10.1.0.0/16 192.168.100.0/24",
		NULL,
	};
	g_autoptr(ArcRouteTable) table = rt_table(routes);
	const gchar *service = NULL;

	g_assert_cmpint(rt_winner(table, "10.1.2.3", "192.168.100.5", NULL, &service), ==, 1);
	g_assert_cmpstr(service, ==, "svc_a");
	g_assert_cmpint(rt_winner(table, "10.2.2.3", "192.168.100.5", NULL, &service), ==, 2);
	g_assert_cmpint(rt_winner(table, "10.1.2.3", "192.168.7.5", NULL, &service), ==, 3);
	g_assert_cmpint(rt_winner(table, "11.1.2.3", "192.168.100.5", NULL, &service), ==, 0);
	g_assert_null(service);
}

/* one table, every rule: each line is a packet and the route it must take */
static void
rt_rules_func(void)
{
	const gchar *routes[] = {
		/* categories */
		"10 svc_dst 900 - 198.51.100.0/24",
		"11 svc_src 100 203.0.113.0/24 -",
		"12 svc_both 1 203.0.113.0/25 0.0.0.0/0",
		/* longer prefix before higher priority, within a category */
		"20 svc_wide 900 - 10.0.0.0/8",
		"21 svc_narrow 1 - 10.20.0.0/16",
		/* priority between equal prefixes */
		"30 svc_low 10 - 172.16.0.0/12",
		"31 svc_high 20 - 172.16.0.0/12",
		/* a full tie: the lower id, whatever the order they came in */
		"41 svc_later 5 - 192.0.2.0/24",
		"40 svc_earlier 5 - 192.0.2.0/24",
		/* IPv6 */
		"50 svc_v6 1 - 2001:db8::/32",
		"51 svc_v6_narrow 1 - 2001:db8:1::/48",
		/* no CIDR: matches nothing */
		"60 svc_nothing 1000 - -",
		NULL,
	};
	const struct {
		const gchar *src, *dst;
		gint64 route;
	} packets[] = {
		/* source+destination beats source-only beats destination-only, even with a lower
		 * priority and a shorter prefix */
		{"203.0.113.5", "198.51.100.7", 12},
		{"203.0.113.200", "198.51.100.7", 11},
		{"192.0.2.99", "198.51.100.7", 10},
		{"192.0.2.99", "10.20.1.1", 21},
		{"192.0.2.99", "10.30.1.1", 20},
		{"192.0.2.99", "172.16.5.5", 31},
		{"192.0.2.99", "192.0.2.1", 40},
		{"2001:db8:9::1", "2001:db8:1::5", 51},
		{"2001:db8:9::1", "2001:db8:2::5", 50},
		/* an IPv4 route never takes an IPv6 packet, nor the other way round */
		{"2001:db8:9::1", "::ffff:10.20.1.1", 0},
		{"192.0.2.99", "8.8.8.8", 0},
	};
	g_autoptr(ArcRouteTable) table = rt_table(routes);

	for (guint i = 0; i < G_N_ELEMENTS(packets); i++) {
		gint64 got = rt_winner(table, packets[i].src, packets[i].dst, NULL, NULL);
		if (got != packets[i].route)
			g_error("%s -> %s: route %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
				packets[i].src, packets[i].dst, got, packets[i].route);
	}
	/* an interface match comes before every route */
	arc_route_table_bind_interface(table, "arc-svc-mac", "svc_macvlan");
	{
		const gchar *service = NULL;
		g_assert_cmpint(
			rt_winner(table, "203.0.113.5", "198.51.100.7", "arc-svc-mac", &service),
			==, 0);
		g_assert_cmpstr(service, ==, "svc_macvlan");
		g_assert_cmpint(rt_winner(table, "203.0.113.5", "198.51.100.7", "eth0", &service),
				==, 12);
	}
	/* removing the winner hands the packet to the next */
	g_assert_true(arc_route_table_remove(table, 40));
	g_assert_false(arc_route_table_remove(table, 40));
	g_assert_cmpint(rt_winner(table, "192.0.2.99", "192.0.2.1", NULL, NULL), ==, 41);
}

static const gchar *
rt_reason_of(ArcRouteDecision *decision, gint64 id)
{
	for (guint i = 0; i < decision->losers->len; i++) {
		ArcRouteLoser *loser = &g_array_index(decision->losers, ArcRouteLoser, i);
		if (loser->route->id == id)
			return loser->reason;
	}
	return NULL;
}

/* every other route is accounted for, in the operator's words */
static void
rt_explain_func(void)
{
	const gchar *routes[] = {
		"1 svc_a 200 10.1.0.0/16 192.168.100.0/24",
		"2 svc_b 100 10.0.0.0/8 192.168.100.0/24",
		"3 svc_c 100 - 192.168.100.0/24",
		"4 svc_d 50 10.1.0.0/16 192.168.100.0/24",
		"5 svc_e 200 10.1.0.0/16 192.168.100.0/24",
		"6 svc_f 1 - 2001:db8::/32",
		"7 svc_g 1 172.16.0.0/12 -",
		NULL,
	};
	g_autoptr(ArcRouteTable) table = rt_table(routes);
	ArcCidr src = rt_addr("10.1.2.3"), dst = rt_addr("192.168.100.5");
	g_autoptr(ArcRouteDecision) decision = arc_route_table_explain(table, &src, &dst, NULL);

	g_assert_nonnull(decision->route);
	g_assert_cmpint(decision->route->id, ==, 1);
	g_assert_cmpstr(decision->service_id, ==, "svc_a");
	g_assert_cmpint(decision->category, ==, ARC_ROUTE_CATEGORY_SOURCE_DESTINATION);
	g_assert_cmpuint(decision->losers->len, ==, 6);
	g_assert_cmpstr(rt_reason_of(decision, 2), ==,
			"a shorter source prefix (/8) than route 1 (/16)");
	g_assert_cmpstr(rt_reason_of(decision, 3), ==,
			"a less specific category (destination-only) than route 1 "
			"(source+destination)");
	g_assert_cmpstr(rt_reason_of(decision, 4), ==, "a lower priority (50) than route 1 (200)");
	g_assert_cmpstr(rt_reason_of(decision, 5), ==,
			"as specific and as high in priority as route 1, which has the lower id");
	g_assert_cmpstr(rt_reason_of(decision, 6), ==,
			"destination 2001:db8::/32 is IPv6, the packet IPv4");
	g_assert_cmpstr(rt_reason_of(decision, 7), ==, "the source is outside 172.16.0.0/12");
}

/* Random tables against a brute force written differently: every matching route gets a
 * sort key, the smallest key wins. */
static void
rt_random_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(20261202);

	for (guint t = 0; t < 200; t++) {
		g_autoptr(ArcRouteTable) table = arc_route_table_new();
		g_autoptr(GArray) src = g_array_new(FALSE, TRUE, sizeof(ArcCidr));
		g_autoptr(GArray) dst = g_array_new(FALSE, TRUE, sizeof(ArcCidr));
		g_autoptr(GArray) flags = g_array_new(FALSE, TRUE, sizeof(guint));
		g_autoptr(GArray) prio = g_array_new(FALSE, TRUE, sizeof(gint64));
		guint n = g_rand_int_range(rand, 1, 40);

		for (guint i = 0; i < n; i++) {
			ArcCidr s = {.family = 4}, d = {.family = 4};
			guint f = g_rand_int_range(rand, 1, 4); /* 1 src, 2 dst, 3 both */
			gint64 p = g_rand_int_range(rand, 0, 4);

			s.prefix = (guint8)g_rand_int_range(rand, 0, 33);
			d.prefix = (guint8)g_rand_int_range(rand, 0, 33);
			/* a small address space, so that routes overlap */
			s.bytes[0] = 10;
			s.bytes[1] = (guint8)g_rand_int_range(rand, 0, 2);
			d.bytes[0] = 192;
			d.bytes[1] = (guint8)g_rand_int_range(rand, 0, 2);
			for (guint bit = s.prefix; bit < 32; bit++)
				s.bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
			for (guint bit = d.prefix; bit < 32; bit++)
				d.bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
			g_array_append_val(src, s);
			g_array_append_val(dst, d);
			g_array_append_val(flags, f);
			g_array_append_val(prio, p);
			/* ids in a random order */
			arc_route_table_add(table, (gint64)(n - i) * 7 % 1000 + i, "svc", p,
					    (f & 1) ? &s : NULL, (f & 2) ? &d : NULL);
		}
		for (guint q = 0; q < 50; q++) {
			ArcCidr a = {.family = 4, .prefix = 32}, b = {.family = 4, .prefix = 32};
			const ArcRoute *got;
			gint64 best_id = -1;
			gint64 best_key[5] = {0};

			a.bytes[0] = 10;
			a.bytes[1] = (guint8)g_rand_int_range(rand, 0, 2);
			a.bytes[2] = (guint8)g_rand_int(rand);
			a.bytes[3] = (guint8)g_rand_int(rand);
			b.bytes[0] = 192;
			b.bytes[1] = (guint8)g_rand_int_range(rand, 0, 2);
			b.bytes[2] = (guint8)g_rand_int(rand);
			b.bytes[3] = (guint8)g_rand_int(rand);
			for (guint i = 0; i < n; i++) {
				guint f = g_array_index(flags, guint, i);
				const ArcCidr *s = &g_array_index(src, ArcCidr, i);
				const ArcCidr *d = &g_array_index(dst, ArcCidr, i);
				gint64 id = (gint64)(n - i) * 7 % 1000 + i;
				/* category rank, -dst prefix, -src prefix, -priority, id */
				gint64 key[5] = {f == 3 ? 0 : (f == 1 ? 1 : 2),
						 (f & 2) ? -(gint64)d->prefix : 0,
						 (f & 1) ? -(gint64)s->prefix : 0,
						 -g_array_index(prio, gint64, i), id};
				gboolean smaller = FALSE;

				if (((f & 1) && !arc_cidr_contains(s, &a)) ||
				    ((f & 2) && !arc_cidr_contains(d, &b)))
					continue;
				for (guint k = 0; k < 5 && best_id >= 0; k++) {
					if (key[k] != best_key[k]) {
						smaller = key[k] < best_key[k];
						break;
					}
				}
				if (best_id < 0 || smaller) {
					best_id = id;
					memcpy(best_key, key, sizeof(key));
				}
			}
			got = arc_route_table_lookup(table, &a, &b, NULL, NULL);
			g_assert_cmpint(got != NULL ? got->id : -1, ==, best_id);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/routes/cidr-parse", rt_cidr_parse_func);
	g_test_add_func("/routes/cidr-contains", rt_cidr_contains_func);
	g_test_add_func("/routes/guide-example", rt_guide_example_func);
	g_test_add_func("/routes/rules", rt_rules_func);
	g_test_add_func("/routes/explain", rt_explain_func);
	g_test_add_func("/routes/random", rt_random_func);
	return g_test_run();
}
