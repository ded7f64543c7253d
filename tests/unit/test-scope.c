/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

#include "arc-scope.h"

static void
scope_parse_func(void)
{
	const struct {
		const gchar *name;
		gboolean ok;
		ArcScope scope;
	} cases[] = {
		{"admin", TRUE, ARC_SCOPE_ADMIN},
		{"urn:tillered:arctic:admin", TRUE, ARC_SCOPE_ADMIN},
		{"peers.read", TRUE, ARC_SCOPE_PEERS_READ},
		{"urn:tillered:arctic:services.write", TRUE, ARC_SCOPE_SERVICES_WRITE},
		{"credentials.read", TRUE, ARC_SCOPE_CREDENTIALS_READ},
		{"urn:tillered:arctic:", FALSE, 0},
		{"peers", FALSE, 0},
		{"PEERS.READ", FALSE, 0},
		{"urn:other:peers.read", FALSE, 0},
		{"", FALSE, 0},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcScope scope = 0;
		g_assert_cmpint(arc_scope_parse_one(cases[i].name, &scope), ==, cases[i].ok);
		if (cases[i].ok)
			g_assert_cmpint(scope, ==, cases[i].scope);
	}
}

static void
scope_list_func(void)
{
	const gchar *good[] = {"peers.read", "urn:tillered:arctic:services.read", NULL};
	const gchar *bad[] = {"peers.read", "root", NULL};
	g_autoptr(GError) error = NULL;
	ArcScope scopes = 0;
	g_autofree gchar *claim = NULL;
	gboolean ok;

	ok = arc_scope_parse_list(good, &scopes, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(scopes, ==, ARC_SCOPE_PEERS_READ | ARC_SCOPE_SERVICES_READ);
	claim = arc_scope_to_claim(scopes);
	g_assert_cmpstr(claim, ==,
			"urn:tillered:arctic:peers.read urn:tillered:arctic:services.read");
	g_assert_cmpint(arc_scope_parse_claim(claim), ==, scopes);
	g_assert_false(arc_scope_parse_list(bad, &scopes, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
}

static void
scope_allows_func(void)
{
	g_assert_true(arc_scope_allows(ARC_SCOPE_ADMIN, ARC_SCOPE_PEERS_WRITE));
	g_assert_true(arc_scope_allows(ARC_SCOPE_ADMIN, ARC_SCOPE_ADMIN));
	g_assert_true(arc_scope_allows(ARC_SCOPE_PEERS_READ, ARC_SCOPE_PEERS_READ));
	g_assert_false(arc_scope_allows(ARC_SCOPE_PEERS_READ, ARC_SCOPE_PEERS_WRITE));
	g_assert_false(arc_scope_allows(ARC_SCOPE_ALL & ~ARC_SCOPE_ADMIN, ARC_SCOPE_ADMIN));
	g_assert_false(arc_scope_allows(ARC_SCOPE_NONE, ARC_SCOPE_CREDENTIALS_READ));
	/* unknown words in a signed claim grant nothing */
	g_assert_cmpint(arc_scope_parse_claim("root superuser"), ==, ARC_SCOPE_NONE);
	g_assert_true(arc_scope_is_subset(ARC_SCOPE_PEERS_READ, ARC_SCOPE_ADMIN));
	g_assert_true(arc_scope_is_subset(ARC_SCOPE_PEERS_READ,
					  ARC_SCOPE_PEERS_READ | ARC_SCOPE_CREDENTIALS_WRITE));
	g_assert_false(arc_scope_is_subset(ARC_SCOPE_ADMIN, ARC_SCOPE_CREDENTIALS_WRITE));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/scope/parse", scope_parse_func);
	g_test_add_func("/scope/list", scope_list_func);
	g_test_add_func("/scope/allows", scope_allows_func);
	return g_test_run();
}
