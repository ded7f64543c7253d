/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "tempest-allowedips.h"

#define PEER(n) GUINT_TO_POINTER(n)

static TempestCidr
cidr_of(const gchar *text)
{
	TempestCidr cidr;

	g_assert_true(tempest_cidr_parse(text, &cidr));
	return cidr;
}

static gpointer
lookup_text(TempestAllowedIps *table, const gchar *addr_text)
{
	guint8 addr[16];
	guint8 family = strchr(addr_text, ':') != NULL ? AF_INET6 : AF_INET;

	g_assert_cmpint(inet_pton(family, addr_text, addr), ==, 1);
	return tempest_allowedips_lookup(table, family, addr);
}

static void
insert_text(TempestAllowedIps *table, const gchar *text, gpointer peer)
{
	TempestCidr cidr = cidr_of(text);

	g_assert_true(tempest_allowedips_insert(table, &cidr, peer));
}

static void
test_cidr_parse_func(void)
{
	struct {
		const gchar *text;
		const gchar *canonical; /* NULL: refused */
	} cases[] = {
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"192.168.1.77/24", "192.168.1.0/24"},
		{"1.2.3.4/32", "1.2.3.4/32"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"255.255.255.255/31", "255.255.255.254/31"},
		{"fd00::1/64", "fd00::/64"},
		{"2001:db8:ffff::ffff/35", "2001:db8:e000::/35"},
		{"::/0", "::/0"},
		{"::1/128", "::1/128"},
		{"::ffff:1.2.3.4/128", "::ffff:1.2.3.4/128"},
		{"10.0.0.0/33", NULL},
		{"10.0.0.0/-1", NULL},
		{"10.0.0.0/08", NULL},
		{"10.0.0.0/", NULL},
		{"10.0.0.0", NULL},
		{"/8", NULL},
		{"10.0.0/8", NULL},
		{"010.0.0.0/8", NULL},
		{"fd00::/129", NULL},
		{"fe80::1%eth0/64", NULL},
		{"fd00::/6 4", NULL},
		{" 10.0.0.0/8", NULL},
		{"10.0.0.0/8/8", NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		TempestCidr cidr;
		gchar buf[TEMPEST_CIDR_STRING_MAX];
		gboolean ok = tempest_cidr_parse(cases[i].text, &cidr);
		g_test_message("%s", cases[i].text);
		g_assert_cmpint(ok, ==, cases[i].canonical != NULL);
		if (ok)
			g_assert_cmpstr(tempest_cidr_to_string(&cidr, buf, sizeof(buf)), ==,
					cases[i].canonical);
	}
}

static void
test_allowedips_longest_match_func(void)
{
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();

	insert_text(table, "10.0.0.0/8", PEER(1));
	insert_text(table, "10.1.0.0/16", PEER(2));
	insert_text(table, "10.1.2.3/32", PEER(3));
	insert_text(table, "0.0.0.0/0", PEER(4));
	insert_text(table, "fd00::/8", PEER(5));
	insert_text(table, "fd00:1::/32", PEER(6));
	g_assert_cmpuint(tempest_allowedips_get_size(table), ==, 6);

	g_assert_true(lookup_text(table, "10.1.2.3") == PEER(3));
	g_assert_true(lookup_text(table, "10.1.2.4") == PEER(2));
	g_assert_true(lookup_text(table, "10.2.0.1") == PEER(1));
	g_assert_true(lookup_text(table, "11.0.0.1") == PEER(4));
	g_assert_true(lookup_text(table, "fd00:1::9") == PEER(6));
	g_assert_true(lookup_text(table, "fd01::9") == PEER(5));
	g_assert_null(lookup_text(table, "fe80::1"));

	/* the same network again: the new peer takes it over */
	insert_text(table, "10.1.99.99/16", PEER(7));
	g_assert_cmpuint(tempest_allowedips_get_size(table), ==, 6);
	g_assert_true(lookup_text(table, "10.1.2.4") == PEER(7));
}

static void
test_allowedips_remove_func(void)
{
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();
	TempestCidr net16 = cidr_of("10.1.0.0/16");

	insert_text(table, "10.0.0.0/8", PEER(1));
	insert_text(table, "10.1.0.0/16", PEER(2));
	insert_text(table, "10.1.128.0/17", PEER(2));
	insert_text(table, "fd00::/16", PEER(2));

	/* only its owner removes a network */
	g_assert_false(tempest_allowedips_remove(table, &net16, PEER(1)));
	g_assert_true(lookup_text(table, "10.1.0.1") == PEER(2));
	g_assert_true(tempest_allowedips_remove(table, &net16, PEER(2)));
	g_assert_true(lookup_text(table, "10.1.0.1") == PEER(1));
	g_assert_true(lookup_text(table, "10.1.200.1") == PEER(2));
	g_assert_false(tempest_allowedips_remove(table, &net16, PEER(2)));

	g_assert_cmpuint(tempest_allowedips_remove_by_peer(table, PEER(2)), ==, 2);
	g_assert_true(lookup_text(table, "10.1.200.1") == PEER(1));
	g_assert_null(lookup_text(table, "fd00::1"));
	g_assert_cmpuint(tempest_allowedips_get_size(table), ==, 1);
}

static gboolean
collect_cb(const TempestCidr *cidr, gpointer user_data)
{
	gchar buf[TEMPEST_CIDR_STRING_MAX];

	g_ptr_array_add(user_data, g_strdup(tempest_cidr_to_string(cidr, buf, sizeof(buf))));
	return TRUE;
}

static void
test_allowedips_foreach_func(void)
{
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);

	insert_text(table, "fd00::77/64", PEER(1));
	insert_text(table, "192.168.1.77/24", PEER(1));
	insert_text(table, "10.0.0.0/8", PEER(2));
	insert_text(table, "10.9.0.0/16", PEER(1));
	tempest_allowedips_foreach_peer(table, PEER(1), collect_cb, seen);
	g_assert_cmpuint(seen->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(seen, 0), ==, "10.9.0.0/16");
	g_assert_cmpstr(g_ptr_array_index(seen, 1), ==, "192.168.1.0/24");
	g_assert_cmpstr(g_ptr_array_index(seen, 2), ==, "fd00::/64");
}

static void
test_allowedips_packet_func(void)
{
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();
	guint8 v4[20] = {0x45};
	guint8 v6[40] = {0x60};

	insert_text(table, "10.0.0.1/32", PEER(1));
	insert_text(table, "10.0.0.2/32", PEER(2));
	insert_text(table, "fd00::1/128", PEER(3));
	insert_text(table, "fd00::2/128", PEER(4));
	inet_pton(AF_INET, "10.0.0.1", v4 + 12);
	inet_pton(AF_INET, "10.0.0.2", v4 + 16);
	inet_pton(AF_INET6, "fd00::1", v6 + 8);
	inet_pton(AF_INET6, "fd00::2", v6 + 24);
	g_assert_true(tempest_allowedips_lookup_src(table, v4, sizeof(v4)) == PEER(1));
	g_assert_true(tempest_allowedips_lookup_dst(table, v4, sizeof(v4)) == PEER(2));
	g_assert_true(tempest_allowedips_lookup_src(table, v6, sizeof(v6)) == PEER(3));
	g_assert_true(tempest_allowedips_lookup_dst(table, v6, sizeof(v6)) == PEER(4));
	/* too short for its header, or not IP */
	g_assert_null(tempest_allowedips_lookup_dst(table, v4, 19));
	g_assert_null(tempest_allowedips_lookup_dst(table, v6, 39));
	v4[0] = 0x55;
	g_assert_null(tempest_allowedips_lookup_dst(table, v4, sizeof(v4)));
}

/* the reference: every network in a list, the longest match by a linear scan */
typedef struct {
	TempestCidr cidr;
	gpointer peer;
} RefEntry;

static gboolean
ref_contains(const TempestCidr *cidr, const guint8 *addr)
{
	TempestCidr probe = *cidr;

	memcpy(probe.addr, addr, tempest_cidr_family_bits(cidr->family) / 8);
	tempest_cidr_normalise(&probe);
	return memcmp(probe.addr, cidr->addr, sizeof(probe.addr)) == 0;
}

static gpointer
ref_lookup(GArray *ref, guint8 family, const guint8 *addr)
{
	gint best_len = -1;
	gpointer best = NULL;

	for (guint i = 0; i < ref->len; i++) {
		RefEntry *e = &g_array_index(ref, RefEntry, i);
		if (e->cidr.family == family && e->cidr.cidr > best_len &&
		    ref_contains(&e->cidr, addr)) {
			best_len = e->cidr.cidr;
			best = e->peer;
		}
	}
	return best;
}

static gint
ref_find(GArray *ref, const TempestCidr *cidr)
{
	for (guint i = 0; i < ref->len; i++) {
		RefEntry *e = &g_array_index(ref, RefEntry, i);
		if (e->cidr.family == cidr->family && e->cidr.cidr == cidr->cidr &&
		    memcmp(e->cidr.addr, cidr->addr, 16) == 0)
			return (gint)i;
	}
	return -1;
}

/* addresses near a few bases, so that prefixes nest and share long paths */
static void
random_addr(GRand *rand, guint8 family, guint8 *addr)
{
	static const guint8 bases[4][16] = {
		{10, 0, 0, 0}, {10, 0, 128, 0}, {192, 168, 0, 0}, {0xfd, 0, 0, 0}};
	guint len = family == AF_INET ? 4 : 16;

	memcpy(addr, bases[g_rand_int_range(rand, 0, 4)], 16);
	for (guint i = 0; i < len; i++)
		if (g_rand_int_range(rand, 0, 3) == 0)
			addr[i] ^= (guint8)g_rand_int(rand);
	memset(addr + len, 0, 16 - len);
}

static TempestCidr
random_cidr(GRand *rand)
{
	TempestCidr cidr = {.family = g_rand_boolean(rand) ? AF_INET : AF_INET6};

	random_addr(rand, cidr.family, cidr.addr);
	cidr.cidr =
		(guint8)g_rand_int_range(rand, 0, (gint)tempest_cidr_family_bits(cidr.family) + 1);
	tempest_cidr_normalise(&cidr);
	return cidr;
}

static void
ref_insert(GArray *ref, const TempestCidr *cidr, gpointer peer)
{
	gint at = ref_find(ref, cidr);
	RefEntry entry = {*cidr, peer};

	if (at >= 0)
		g_array_index(ref, RefEntry, at).peer = peer;
	else
		g_array_append_val(ref, entry);
}

static void
check_against_ref(TempestAllowedIps *table, GArray *ref, GRand *rand, guint probes)
{
	g_assert_cmpuint(tempest_allowedips_get_size(table), ==, ref->len);
	for (guint i = 0; i < probes; i++) {
		guint8 family = g_rand_boolean(rand) ? AF_INET : AF_INET6;
		guint8 addr[16];
		if (i % 2 == 0 && ref->len > 0) {
			/* an address inside a network of the table, often on its edge */
			RefEntry *e = &g_array_index(ref, RefEntry,
						     g_rand_int_range(rand, 0, (gint)ref->len));
			family = e->cidr.family;
			memcpy(addr, e->cidr.addr, 16);
			if (g_rand_boolean(rand))
				addr[g_rand_int_range(rand, 0, family == AF_INET ? 4 : 16)] ^=
					(guint8)(1u << g_rand_int_range(rand, 0, 8));
		} else {
			random_addr(rand, family, addr);
		}
		g_assert_true(tempest_allowedips_lookup(table, family, addr) ==
			      ref_lookup(ref, family, addr));
	}
}

/* half of the networks by their owner; a wrong owner is refused */
static void
remove_half(TempestAllowedIps *table, GArray *ref, GRand *rand)
{
	for (guint i = 0; i < ref->len;) {
		RefEntry e = g_array_index(ref, RefEntry, i);
		if (g_rand_boolean(rand)) {
			g_assert_true(tempest_allowedips_remove(table, &e.cidr, e.peer));
			g_array_remove_index_fast(ref, i);
		} else {
			gpointer other = PEER(GPOINTER_TO_UINT(e.peer) % 16 + 1);
			g_assert_false(tempest_allowedips_remove(table, &e.cidr, other));
			i++;
		}
	}
}

/* every network of peers 1 to 8 */
static void
remove_peers(TempestAllowedIps *table, GArray *ref)
{
	for (guint peer = 1; peer <= 8; peer++) {
		guint expected = 0;
		for (guint i = 0; i < ref->len;) {
			if (g_array_index(ref, RefEntry, i).peer == PEER(peer)) {
				g_array_remove_index_fast(ref, i);
				expected++;
			} else {
				i++;
			}
		}
		g_assert_cmpuint(tempest_allowedips_remove_by_peer(table, PEER(peer)), ==,
				 expected);
	}
}

static void
test_allowedips_differential_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(0x7e57);
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();
	g_autoptr(TempestAllowedIps) copy = NULL;
	g_autoptr(GArray) ref = g_array_new(FALSE, FALSE, sizeof(RefEntry));

	for (guint i = 0; i < 4000; i++) {
		TempestCidr cidr = random_cidr(rand);
		gpointer peer = PEER(g_rand_int_range(rand, 1, 17));
		g_assert_true(tempest_allowedips_insert(table, &cidr, peer));
		ref_insert(ref, &cidr, peer);
	}
	check_against_ref(table, ref, rand, 20000);

	/* a copy answers the same, and changes to it do not reach the original */
	copy = tempest_allowedips_copy(table);
	check_against_ref(copy, ref, rand, 2000);
	tempest_allowedips_remove_by_peer(copy, PEER(1));
	check_against_ref(table, ref, rand, 2000);

	remove_half(table, ref, rand);
	check_against_ref(table, ref, rand, 20000);
	remove_peers(table, ref);
	check_against_ref(table, ref, rand, 20000);

	/* the walk lists exactly each peer's networks */
	for (guint peer = 9; peer <= 16; peer++) {
		g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
		guint expected = 0;
		tempest_allowedips_foreach_peer(table, PEER(peer), collect_cb, seen);
		for (guint i = 0; i < ref->len; i++)
			expected += g_array_index(ref, RefEntry, i).peer == PEER(peer);
		g_assert_cmpuint(seen->len, ==, expected);
		for (guint i = 0; i < seen->len; i++) {
			TempestCidr cidr = cidr_of(g_ptr_array_index(seen, i));
			gint at = ref_find(ref, &cidr);
			g_assert_cmpint(at, >=, 0);
			g_assert_true(g_array_index(ref, RefEntry, at).peer == PEER(peer));
		}
	}
}

static void
test_allowedips_refused_func(void)
{
	g_autoptr(TempestAllowedIps) table = tempest_allowedips_new();
	TempestCidr bad = {.family = AF_INET, .cidr = 33};
	TempestCidr unknown = {.family = 99, .cidr = 8};
	TempestCidr good = cidr_of("10.0.0.0/8");

	g_assert_false(tempest_allowedips_insert(table, &bad, PEER(1)));
	g_assert_false(tempest_allowedips_insert(table, &unknown, PEER(1)));
	g_assert_false(tempest_allowedips_insert(table, &good, NULL));
	g_assert_cmpuint(tempest_allowedips_get_size(table), ==, 0);
	g_assert_null(tempest_allowedips_lookup(table, 99, good.addr));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/cidr/parse", test_cidr_parse_func);
	g_test_add_func("/tempest/allowedips/longest-match", test_allowedips_longest_match_func);
	g_test_add_func("/tempest/allowedips/remove", test_allowedips_remove_func);
	g_test_add_func("/tempest/allowedips/foreach", test_allowedips_foreach_func);
	g_test_add_func("/tempest/allowedips/packet", test_allowedips_packet_func);
	g_test_add_func("/tempest/allowedips/differential", test_allowedips_differential_func);
	g_test_add_func("/tempest/allowedips/refused", test_allowedips_refused_func);
	return g_test_run();
}
