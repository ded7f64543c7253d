/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include "arc-cidr.h"
#include "arc-names.h"

/* common/: the CIDR and name rules the agent and the CLI share */

static const gchar *
cidr_reason_name(ArcCidrReason reason)
{
	switch (reason) {
	case ARC_CIDR_OK:
		return "ok";
	case ARC_CIDR_NO_SLASH:
		return "no-slash";
	case ARC_CIDR_BAD_ADDRESS:
		return "bad-address";
	case ARC_CIDR_BAD_PREFIX:
		return "bad-prefix";
	case ARC_CIDR_HOST_BITS:
		return "host-bits";
	}
	return "?";
}

static void
cidr_network_func(void)
{
	const struct {
		const gchar *in;
		ArcCidrReason reason;
		const gchar *canonical; /* what @out holds, also for bad-prefix/host-bits: family */
		guint family;
	} cases[] = {
		{"10.0.0.0/8", ARC_CIDR_OK, "10.0.0.0/8", 4},
		{"0.0.0.0/0", ARC_CIDR_OK, "0.0.0.0/0", 4},
		{"192.168.1.7/32", ARC_CIDR_OK, "192.168.1.7/32", 4},
		{"172.16.128.0/17", ARC_CIDR_OK, "172.16.128.0/17", 4},
		{"2001:DB8:0:0::/64", ARC_CIDR_OK, "2001:db8::/64", 6},
		{"::/0", ARC_CIDR_OK, "::/0", 6},
		{"fe80::1/128", ARC_CIDR_OK, "fe80::1/128", 6},
		{"::ffff:10.0.0.0/104", ARC_CIDR_OK, "::ffff:10.0.0.0/104", 6},
		/* host bits */
		{"10.0.0.1/8", ARC_CIDR_HOST_BITS, "10.0.0.1/8", 4},
		{"10.128.0.0/8", ARC_CIDR_HOST_BITS, "10.128.0.0/8", 4},
		{"2001:db8::1/32", ARC_CIDR_HOST_BITS, "2001:db8::1/32", 6},
		{"::1/127", ARC_CIDR_HOST_BITS, "::1/127", 6},
		/* prefixes */
		{"10.0.0.0", ARC_CIDR_NO_SLASH, NULL, 0},
		{"10.0.0.0/", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/33", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"::/129", ARC_CIDR_BAD_PREFIX, NULL, 6},
		{"10.0.0.0/08", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/00", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/+8", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/-1", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/ 8", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/8 ", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/0x8", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/8/8", ARC_CIDR_BAD_PREFIX, NULL, 4},
		{"10.0.0.0/99999999999999999999", ARC_CIDR_BAD_PREFIX, NULL, 4},
		/* garbage */
		{"", ARC_CIDR_NO_SLASH, NULL, 0},
		{"/8", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"/", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"garbage/8", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"10.0.0/8", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"010.0.0.0/8", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"10.0.0.256/32", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{" 10.0.0.0/8", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"fe80::1%eth0/64", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"2001:db8:::/32", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"[::1]/128", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		/* the address is read before the prefix */
		{"garbage/", ARC_CIDR_BAD_ADDRESS, NULL, 0},
		{"garbage/999", ARC_CIDR_BAD_ADDRESS, NULL, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcCidr cidr;
		ArcCidrReason reason = arc_cidr_read(cases[i].in, ARC_CIDR_NETWORK, &cidr);

		g_test_message("%s", cases[i].in);
		g_assert_cmpstr(cidr_reason_name(reason), ==, cidr_reason_name(cases[i].reason));
		g_assert_cmpuint(cidr.family, ==, cases[i].family);
		if (cases[i].canonical != NULL) {
			g_autofree gchar *text = arc_cidr_to_string(&cidr);
			g_assert_cmpstr(text, ==, cases[i].canonical);
		}
	}
}

/* what the agent's error names: the network a CIDR with host bits probably means */
static void
cidr_to_network_func(void)
{
	const gchar *cases[][2] = {
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"10.255.255.255/9", "10.128.0.0/9"},
		{"192.168.1.7/0", "0.0.0.0/0"},
		{"2001:db8::1/32", "2001:db8::/32"},
		{"2001:db8:ffff::1/47", "2001:db8:fffe::/47"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcCidr cidr;
		g_autofree gchar *text = NULL;

		g_assert_cmpint(arc_cidr_read(cases[i][0], ARC_CIDR_NETWORK, &cidr), ==,
				ARC_CIDR_HOST_BITS);
		arc_cidr_to_network(&cidr);
		text = arc_cidr_to_string(&cidr);
		g_assert_cmpstr(text, ==, cases[i][1]);
		g_assert_cmpint(arc_cidr_read(text, ARC_CIDR_NETWORK, &cidr), ==, ARC_CIDR_OK);
	}
}

/* an interface's address keeps its host bits; leading zeros only when asked for */
static void
cidr_flags_func(void)
{
	ArcCidr cidr;
	g_autofree gchar *interface = NULL;
	g_autofree gchar *zeros = NULL;

	g_assert_cmpint(arc_cidr_read("10.0.0.1/24", 0, &cidr), ==, ARC_CIDR_OK);
	interface = arc_cidr_to_string(&cidr);
	g_assert_cmpstr(interface, ==, "10.0.0.1/24");
	g_assert_cmpint(arc_cidr_read("FD00:0::10/64", 0, &cidr), ==, ARC_CIDR_OK);
	g_assert_cmpuint(cidr.family, ==, 6);

	g_assert_cmpint(arc_cidr_read("10.0.0.0/08", ARC_CIDR_NETWORK, &cidr), ==,
			ARC_CIDR_BAD_PREFIX);
	g_assert_cmpint(
		arc_cidr_read("10.0.0.0/08", ARC_CIDR_NETWORK | ARC_CIDR_LEADING_ZEROS, &cidr), ==,
		ARC_CIDR_OK);
	zeros = arc_cidr_to_string(&cidr);
	g_assert_cmpstr(zeros, ==, "10.0.0.0/8");
	g_assert_cmpint(arc_cidr_read("10.0.0.0/033", ARC_CIDR_LEADING_ZEROS, &cidr), ==,
			ARC_CIDR_BAD_PREFIX);
	g_assert_cmpint(arc_cidr_read("::/0128", ARC_CIDR_LEADING_ZEROS, &cidr), ==, ARC_CIDR_OK);
	g_assert_cmpuint(cidr.prefix, ==, 128);
}

static void
cidr_prefix_text_func(void)
{
	g_assert_true(arc_cidr_has_prefix_text("10.0.0.0/8"));
	g_assert_true(arc_cidr_has_prefix_text("garbage/x"));
	g_assert_true(arc_cidr_has_prefix_text("/8"));
	g_assert_false(arc_cidr_has_prefix_text("10.0.0.0/"));
	g_assert_false(arc_cidr_has_prefix_text("10.0.0.0"));
	g_assert_false(arc_cidr_has_prefix_text(""));
}

static void
cidr_address_func(void)
{
	ArcCidr address;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *v6 = NULL;

	g_assert_true(arc_cidr_read_address("10.1.2.3", &address));
	v4 = arc_cidr_to_string(&address);
	g_assert_cmpstr(v4, ==, "10.1.2.3/32");
	g_assert_true(arc_cidr_read_address("2001:DB8::0:1", &address));
	v6 = arc_cidr_to_string(&address);
	g_assert_cmpstr(v6, ==, "2001:db8::1/128");
	g_assert_false(arc_cidr_read_address("10.1.2.3/32", &address));
	g_assert_false(arc_cidr_read_address("", &address));
	g_assert_false(arc_cidr_read_address("10.1.2", &address));
	g_assert_false(arc_cidr_read_address("localhost", &address));
}

static void
cidr_contains_func(void)
{
	const struct {
		const gchar *network;
		const gchar *address;
		gboolean inside;
	} cases[] = {
		{"10.0.0.0/8", "10.255.1.2/32", TRUE},
		{"10.0.0.0/8", "11.0.0.0/32", FALSE},
		{"10.128.0.0/9", "10.127.255.255/32", FALSE},
		{"10.0.0.0/8", "10.1.0.0/16", TRUE},
		{"10.1.0.0/16", "10.0.0.0/8", FALSE},
		{"0.0.0.0/0", "192.0.2.1/32", TRUE},
		{"0.0.0.0/0", "::/128", FALSE},
		{"::/0", "10.0.0.1/32", FALSE},
		{"2001:db8::/33", "2001:db8:7fff::1/128", TRUE},
		{"2001:db8::/33", "2001:db8:8000::1/128", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcCidr network;
		ArcCidr address;

		g_assert_cmpint(arc_cidr_read(cases[i].network, ARC_CIDR_NETWORK, &network), ==,
				ARC_CIDR_OK);
		g_assert_cmpint(arc_cidr_read(cases[i].address, ARC_CIDR_NETWORK, &address), ==,
				ARC_CIDR_OK);
		g_test_message("%s in %s", cases[i].address, cases[i].network);
		g_assert_cmpint(arc_cidr_contains(&network, &address), ==, cases[i].inside);
	}
}

static void
names_func(void)
{
	g_autofree gchar *longest = g_strnfill(ARC_NAME_MAX, 'a');
	g_autofree gchar *too_long = g_strnfill(ARC_NAME_MAX + 1, 'a');
	const struct {
		const gchar *name;
		ArcNameReason reason;
	} cases[] = {
		{"web", ARC_NAME_OK},
		{"Web-1_a.b", ARC_NAME_OK},
		{"0", ARC_NAME_OK},
		{longest, ARC_NAME_OK},
		{"", ARC_NAME_BAD_LENGTH},
		{NULL, ARC_NAME_BAD_LENGTH},
		{too_long, ARC_NAME_BAD_LENGTH},
		{"a b", ARC_NAME_BAD_CHARACTER},
		{"a/b", ARC_NAME_BAD_CHARACTER},
		{"caf\xc3\xa9", ARC_NAME_BAD_CHARACTER},
		{"tab\t", ARC_NAME_BAD_CHARACTER},
		{"semi;colon", ARC_NAME_BAD_CHARACTER},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("%s", cases[i].name != NULL ? cases[i].name : "(null)");
		g_assert_cmpint(arc_name_check(cases[i].name), ==, cases[i].reason);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cidr/network", cidr_network_func);
	g_test_add_func("/cidr/to-network", cidr_to_network_func);
	g_test_add_func("/cidr/flags", cidr_flags_func);
	g_test_add_func("/cidr/prefix-text", cidr_prefix_text_func);
	g_test_add_func("/cidr/address", cidr_address_func);
	g_test_add_func("/cidr/contains", cidr_contains_func);
	g_test_add_func("/names/check", names_func);
	return g_test_run();
}
