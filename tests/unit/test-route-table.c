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
	gboolean ok;

	ok = arc_cidr_parse(text, &cidr, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return cidr;
}

static ArcCidr
rt_addr(const gchar *text)
{
	ArcCidr address;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_cidr_parse_address(text, &address, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
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
	g_autoptr(ArcRouteDecision) decision =
		arc_route_table_explain(table, &src, &dst, NULL, TRUE);

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
	g_assert_cmpuint(decision->unmatched, ==, 0);

	/* without all: the routes that match are explained, the others only counted */
	{
		g_autoptr(ArcRouteDecision) matching =
			arc_route_table_explain(table, &src, &dst, NULL, FALSE);

		g_assert_cmpint(matching->route->id, ==, 1);
		g_assert_cmpuint(matching->losers->len, ==, 4);
		g_assert_cmpuint(matching->unmatched, ==, 2);
		for (guint i = 0; i < matching->losers->len; i++)
			g_assert_true(g_array_index(matching->losers, ArcRouteLoser, i).matches);
		g_assert_cmpstr(rt_reason_of(matching, 4), ==,
				"a lower priority (50) than route 1 (200)");
	}
}

/* ---- random tables against a brute force ---- */

/* a route as the brute force sees it */
typedef struct {
	gint64 id;
	gint64 priority;
	gboolean has_src, has_dst;
	ArcCidr src, dst;
	gboolean present;
} RtRoute;

/* Routes and packets are drawn around a few base addresses per family that share prefixes of
 * random lengths, so that CIDRs nest, fork and match at every depth. */
typedef struct {
	GRand *rand;
	gdouble ipv6; /* the chance of an IPv6 CIDR or address */
	ArcCidr bases[2][6];
} RtGen;

static guint
rt_bits(guint family)
{
	return family == 4 ? 32 : 128;
}

/* every bit of @cidr's address from @from on, random */
static void
rt_randomize_bits(GRand *rand, ArcCidr *cidr, guint from)
{
	for (guint bit = from; bit < rt_bits(cidr->family); bit++) {
		guint8 mask = (guint8)(0x80 >> (bit % 8));
		if (g_rand_boolean(rand))
			cidr->bytes[bit / 8] |= mask;
		else
			cidr->bytes[bit / 8] &= (guint8)~mask;
	}
}

static void
rt_gen_init(RtGen *gen, GRand *rand)
{
	const gdouble ipv6[] = {0.0, 0.3, 0.5, 1.0};

	gen->rand = rand;
	gen->ipv6 = ipv6[g_rand_int_range(rand, 0, G_N_ELEMENTS(ipv6))];
	for (guint f = 0; f < 2; f++) {
		ArcCidr root = {.family = f == 0 ? 4 : 6};

		root.prefix = (guint8)rt_bits(root.family);
		rt_randomize_bits(rand, &root, 0);
		for (guint i = 0; i < G_N_ELEMENTS(gen->bases[f]); i++) {
			gen->bases[f][i] = root;
			rt_randomize_bits(rand, &gen->bases[f][i],
					  g_rand_int_range(rand, 0, rt_bits(root.family) + 1));
		}
	}
}

/* a base address, of a random family */
static ArcCidr
rt_gen_base(RtGen *gen)
{
	guint f = g_rand_double(gen->rand) < gen->ipv6 ? 1 : 0;
	return gen->bases[f][g_rand_int_range(gen->rand, 0, G_N_ELEMENTS(gen->bases[f]))];
}

static ArcCidr
rt_gen_cidr(RtGen *gen)
{
	ArcCidr cidr = rt_gen_base(gen);

	cidr.prefix = (guint8)g_rand_int_range(gen->rand, 0, rt_bits(cidr.family) + 1);
	/* arc_cidr_parse() refuses host bits, but the table must read only the prefix */
	if (g_rand_int_range(gen->rand, 0, 10) == 0)
		return cidr;
	for (guint bit = cidr.prefix; bit < rt_bits(cidr.family); bit++)
		cidr.bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
	return cidr;
}

/* an address sharing a random number of leading bits with a base; now and then a network,
 * which only the routes containing all of it match */
static ArcCidr
rt_gen_address(RtGen *gen)
{
	ArcCidr address = rt_gen_base(gen);

	rt_randomize_bits(gen->rand, &address,
			  g_rand_int_range(gen->rand, 0, rt_bits(address.family) + 1));
	if (g_rand_int_range(gen->rand, 0, 20) == 0)
		address.prefix = (guint8)g_rand_int_range(gen->rand, 0, rt_bits(address.family));
	return address;
}

static RtRoute
rt_gen_route(RtGen *gen, gint64 id)
{
	RtRoute route = {.id = id, .present = TRUE};
	guint kind =
		g_rand_int_range(gen->rand, 0, 20); /* 0 neither, then source, destination, both */

	route.priority = g_rand_int_range(gen->rand, 0, 4);
	route.has_src = kind > 0 && kind % 3 != 2;
	route.has_dst = kind > 0 && kind % 3 != 1;
	if (route.has_src)
		route.src = rt_gen_cidr(gen);
	if (route.has_dst)
		route.dst = rt_gen_cidr(gen);
	return route;
}

/* @n routes with the ids 1 to @n in a random order */
static RtRoute *
rt_gen_routes(RtGen *gen, guint n)
{
	RtRoute *routes = g_new0(RtRoute, n);

	for (guint i = 0; i < n; i++) {
		guint j = g_rand_int_range(gen->rand, 0, i + 1);
		routes[i] = routes[j];
		routes[j] = rt_gen_route(gen, i + 1);
	}
	return routes;
}

static void
rt_add(ArcRouteTable *table, const RtRoute *route)
{
	g_autofree gchar *service = g_strdup_printf("svc-%" G_GINT64_FORMAT, route->id);

	arc_route_table_add(table, route->id, service, route->priority,
			    route->has_src ? &route->src : NULL,
			    route->has_dst ? &route->dst : NULL);
}

/* compares the first prefix bits, bytewise then bitwise */
static gboolean
rt_inside(const ArcCidr *cidr, const ArcCidr *address)
{
	guint full = cidr->prefix / 8;

	if (cidr->family != address->family || cidr->prefix > address->prefix ||
	    memcmp(cidr->bytes, address->bytes, full) != 0)
		return FALSE;
	for (guint bit = full * 8; bit < cidr->prefix; bit++) {
		if ((cidr->bytes[bit / 8] ^ address->bytes[bit / 8]) & (0x80 >> (bit % 8)))
			return FALSE;
	}
	return TRUE;
}

/* the id of the winner among the present @routes, 0 for none: every matching route gets a
 * sort key, the smallest key wins */
static gint64
rt_reference(const RtRoute *routes, guint n, const ArcCidr *src, const ArcCidr *dst)
{
	gint64 best[5] = {0};

	for (guint i = 0; i < n; i++) {
		const RtRoute *r = &routes[i];
		/* category rank, -dst prefix, -src prefix, -priority, id */
		gint64 key[5] = {r->has_dst ? (r->has_src ? 0 : 2) : 1,
				 r->has_dst ? -(gint64)r->dst.prefix : 0,
				 r->has_src ? -(gint64)r->src.prefix : 0, -r->priority, r->id};

		if (!r->present || (!r->has_src && !r->has_dst) ||
		    (r->has_src && !rt_inside(&r->src, src)) ||
		    (r->has_dst && !rt_inside(&r->dst, dst)))
			continue;
		for (guint k = 0; k < 5; k++) {
			if (best[4] != 0 && key[k] == best[k])
				continue;
			if (best[4] == 0 || key[k] < best[k])
				memcpy(best, key, sizeof(key));
			break;
		}
	}
	return best[4];
}

/* the table's winner, checked against its service */
static gint64
rt_lookup(ArcRouteTable *table, const ArcCidr *src, const ArcCidr *dst)
{
	const gchar *service = NULL;
	const ArcRoute *route = arc_route_table_lookup(table, src, dst, NULL, &service);
	g_autofree gchar *expected =
		route != NULL ? g_strdup_printf("svc-%" G_GINT64_FORMAT, route->id) : NULL;

	g_assert_cmpstr(service, ==, expected);
	return route != NULL ? route->id : 0;
}

static void
rt_check_packet(ArcRouteTable *table, const RtRoute *routes, guint n, const ArcCidr *src,
		const ArcCidr *dst)
{
	gint64 expected = rt_reference(routes, n, src, dst);
	gint64 got = rt_lookup(table, src, dst);

	if (got != expected) {
		g_autofree gchar *s = arc_cidr_to_string(src);
		g_autofree gchar *d = arc_cidr_to_string(dst);
		g_error("%s -> %s: route %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, s, d,
			got, expected);
	}
}

/* explain() names the route lookup() chose and accounts for every other route */
static void
rt_check_explain(ArcRouteTable *table, const ArcCidr *src, const ArcCidr *dst)
{
	g_autoptr(ArcRouteDecision) decision = arc_route_table_explain(table, src, dst, NULL, TRUE);
	gint64 winner = rt_lookup(table, src, dst);

	g_assert_cmpint(decision->route != NULL ? decision->route->id : 0, ==, winner);
	g_assert_cmpuint(decision->losers->len + (winner != 0 ? 1 : 0), ==,
			 arc_route_table_get_size(table));
}

/* one step of rt_random_func(): mostly lookups, with removals and additions between */
static void
rt_random_step(ArcRouteTable *table, RtGen *gen, RtRoute *routes, guint n, guint *present)
{
	guint what = g_rand_int_range(gen->rand, 0, 10);
	RtRoute *route = &routes[g_rand_int_range(gen->rand, 0, n)];

	if (what < 6) {
		ArcCidr src = rt_gen_address(gen), dst = rt_gen_address(gen);
		rt_check_packet(table, routes, n, &src, &dst);
		if (what == 0 && n <= 500)
			rt_check_explain(table, &src, &dst);
	} else if (route->present) {
		g_assert_true(arc_route_table_remove(table, route->id));
		g_assert_false(arc_route_table_remove(table, route->id));
		route->present = FALSE;
		(*present)--;
	} else {
		rt_add(table, route);
		route->present = TRUE;
		(*present)++;
	}
	g_assert_cmpuint(arc_route_table_get_size(table), ==, *present);
}

/* Tables of 1 to 2,000 routes, IPv4, IPv6 and both, equal priorities, with removals and
 * re-additions between the lookups. */
static void
rt_random_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(20261202);

	for (guint t = 0; t < 150; t++) {
		g_autoptr(ArcRouteTable) table = arc_route_table_new();
		g_autofree RtRoute *routes = NULL;
		RtGen gen;
		guint n =
			t == 0 ? 2000
			       : 1 + g_rand_int_range(rand, 0, 1 << g_rand_int_range(rand, 0, 11));
		guint present = n;

		rt_gen_init(&gen, rand);
		routes = rt_gen_routes(&gen, n);
		for (guint i = 0; i < n; i++)
			rt_add(table, &routes[i]);
		for (guint step = 0; step < 60; step++)
			rt_random_step(table, &gen, routes, n, &present);
	}
}

static void
rt_compare_explain(ArcRouteTable *a, ArcRouteTable *b, const ArcCidr *src, const ArcCidr *dst)
{
	g_autoptr(ArcRouteDecision) da = arc_route_table_explain(a, src, dst, NULL, TRUE);
	g_autoptr(ArcRouteDecision) db = arc_route_table_explain(b, src, dst, NULL, TRUE);

	g_assert_cmpint(da->route != NULL ? da->route->id : 0, ==,
			db->route != NULL ? db->route->id : 0);
	g_assert_cmpstr(da->reason, ==, db->reason);
	g_assert_cmpuint(da->losers->len, ==, db->losers->len);
	for (guint i = 0; i < da->losers->len; i++) {
		ArcRouteLoser *la = &g_array_index(da->losers, ArcRouteLoser, i);
		ArcRouteLoser *lb = &g_array_index(db->losers, ArcRouteLoser, i);
		g_assert_cmpint(la->route->id, ==, lb->route->id);
		g_assert_cmpstr(la->reason, ==, lb->reason);
	}
}

/* the same answers as @built, and as the brute force */
static void
rt_compare_tables(ArcRouteTable *table, ArcRouteTable *built, RtGen *gen, const RtRoute *routes,
		  guint n)
{
	g_assert_cmpuint(arc_route_table_get_size(table), ==, arc_route_table_get_size(built));
	for (guint q = 0; q < 300; q++) {
		ArcCidr src = rt_gen_address(gen), dst = rt_gen_address(gen);
		g_assert_cmpint(rt_lookup(table, &src, &dst), ==, rt_lookup(built, &src, &dst));
		rt_check_packet(table, routes, n, &src, &dst);
		if (q % 30 == 0)
			rt_compare_explain(table, built, &src, &dst);
	}
}

/* ids are meant to be unique; when one comes twice, the route added first wins a tie and
 * is removed first */
static void
rt_same_id_func(void)
{
	g_autoptr(ArcRouteTable) table = arc_route_table_new();
	ArcCidr dst = rt_cidr("10.0.0.0/8");
	const gchar *service = NULL;

	arc_route_table_add(table, 7, "svc_first", 1, NULL, &dst);
	arc_route_table_add(table, 7, "svc_second", 1, NULL, &dst);
	arc_route_table_add(table, 9, "svc_third", 1, NULL, &dst);
	g_assert_cmpint(rt_winner(table, "192.0.2.1", "10.1.1.1", NULL, &service), ==, 7);
	g_assert_cmpstr(service, ==, "svc_first");
	g_assert_true(arc_route_table_remove(table, 7));
	g_assert_cmpint(rt_winner(table, "192.0.2.1", "10.1.1.1", NULL, &service), ==, 7);
	g_assert_cmpstr(service, ==, "svc_second");
	g_assert_true(arc_route_table_remove(table, 7));
	g_assert_false(arc_route_table_remove(table, 7));
	g_assert_cmpint(rt_winner(table, "192.0.2.1", "10.1.1.1", NULL, &service), ==, 9);
	g_assert_cmpuint(arc_route_table_get_size(table), ==, 1);
}

/* Removing routes leaves the table a table built without them would be, and removing
 * every route leaves it empty, ready to be filled again. */
static void
rt_remove_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(20261203);

	for (guint t = 0; t < 3; t++) {
		g_autoptr(ArcRouteTable) table = arc_route_table_new();
		g_autoptr(ArcRouteTable) built = arc_route_table_new();
		g_autofree RtRoute *routes = NULL;
		const guint n = 800;
		RtGen gen;

		rt_gen_init(&gen, rand);
		routes = rt_gen_routes(&gen, n);
		for (guint i = 0; i < n; i++)
			rt_add(table, &routes[i]);
		/* half of them, in a random order */
		for (guint removed = 0; removed < n / 2;) {
			RtRoute *route = &routes[g_rand_int_range(rand, 0, n)];
			if (!route->present)
				continue;
			g_assert_true(arc_route_table_remove(table, route->id));
			route->present = FALSE;
			removed++;
		}
		for (guint i = 0; i < n; i++) {
			if (routes[i].present)
				rt_add(built, &routes[i]);
			else
				g_assert_false(arc_route_table_remove(table, routes[i].id));
		}
		rt_compare_tables(table, built, &gen, routes, n);
		/* all of them, then the same ones back */
		for (guint i = 0; i < n; i++) {
			if (routes[i].present)
				g_assert_true(arc_route_table_remove(table, routes[i].id));
		}
		g_assert_cmpuint(arc_route_table_get_size(table), ==, 0);
		for (guint q = 0; q < 50; q++) {
			ArcCidr src = rt_gen_address(&gen), dst = rt_gen_address(&gen);
			g_assert_cmpint(rt_lookup(table, &src, &dst), ==, 0);
		}
		for (guint i = 0; i < n; i++) {
			if (routes[i].present)
				rt_add(table, &routes[i]);
		}
		rt_compare_tables(table, built, &gen, routes, n);
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
	g_test_add_func("/routes/remove", rt_remove_func);
	g_test_add_func("/routes/same-id", rt_same_id_func);
	return g_test_run();
}
