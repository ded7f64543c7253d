/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-route-table.h"
#include "arctic-plugin.h"

/* CIDRs and addresses come from API bodies, query strings and compose files. Every input is
 * read as a CIDR and as an address; a refusal must be INVALID_CIDR (INVALID_REQUEST for an
 * address); what parses prints in a canonical form that parses back to the same network,
 * which contains itself, and whose address, as an address, it contains. The shared rules of
 * common/ behind it: a network is also an interface address, the leniency of compose files
 * (leading zeros) refuses nothing the strict reading takes, and any interface address names a
 * network. */

static void G_GNUC_NORETURN
arc_fuzz_cidr_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-cidr: %s\n", what);
	abort();
}

static gboolean
arc_fuzz_cidr_same(const ArcCidr *a, const ArcCidr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

static void
arc_fuzz_cidr_common(const gchar *text)
{
	ArcCidr network, interface, lenient;
	ArcCidrReason reason = arc_cidr_read(text, ARC_CIDR_NETWORK, &network);
	ArcCidrReason interface_reason = arc_cidr_read(text, 0, &interface);
	g_autofree gchar *canonical = NULL;

	if (reason == ARC_CIDR_OK &&
	    (interface_reason != ARC_CIDR_OK || !arc_fuzz_cidr_same(&network, &interface)))
		arc_fuzz_cidr_fail("a network that is no interface address");
	if (interface_reason == ARC_CIDR_OK &&
	    (arc_cidr_read(text, ARC_CIDR_LEADING_ZEROS, &lenient) != ARC_CIDR_OK ||
	     !arc_fuzz_cidr_same(&interface, &lenient)))
		arc_fuzz_cidr_fail(
			"leading zeros allowed, and a strict CIDR refused or read otherwise");
	if (interface_reason != ARC_CIDR_OK)
		return;
	arc_cidr_to_network(&interface);
	canonical = arc_cidr_to_string(&interface);
	if (arc_cidr_read(canonical, ARC_CIDR_NETWORK, &network) != ARC_CIDR_OK ||
	    !arc_fuzz_cidr_same(&network, &interface))
		arc_fuzz_cidr_fail("an interface address whose network does not read back");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = g_strndup((const gchar *)data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) address_error = NULL;
	ArcCidr cidr, again, address;

	if (!arc_cidr_parse(text, &cidr, &error)) {
		if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR))
			arc_fuzz_cidr_fail("a CIDR refusal that is not INVALID_CIDR");
	} else {
		g_autofree gchar *canonical = arc_cidr_to_string(&cidr);
		g_autofree gchar *host = g_strndup(canonical, strcspn(canonical, "/"));

		if (!arc_cidr_parse(canonical, &again, NULL) || again.family != cidr.family ||
		    again.prefix != cidr.prefix || memcmp(again.bytes, cidr.bytes, 16) != 0)
			arc_fuzz_cidr_fail("a canonical form that does not parse back the same");
		if (!arc_cidr_contains(&cidr, &cidr))
			arc_fuzz_cidr_fail("a network that does not contain itself");
		if (!arc_cidr_parse_address(host, &address, NULL) ||
		    !arc_cidr_contains(&cidr, &address))
			arc_fuzz_cidr_fail("a network that does not contain its own address");
	}
	arc_fuzz_cidr_common(text);
	if (!arc_cidr_parse_address(text, &address, &address_error) &&
	    !g_error_matches(address_error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
		arc_fuzz_cidr_fail("an address refusal that is not INVALID_REQUEST");
	return 0;
}
