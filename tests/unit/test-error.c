/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <gio/gio.h>

/* the one table: every code has a unique REST code, a status and a D-Bus name */
static void
error_table_func(void)
{
	g_autoptr(GHashTable) codes = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < ARC_ERROR_LAST; i++) {
		const gchar *code = arc_error_to_code((ArcError)i);
		const gchar *dbus = arc_error_dbus_name((ArcError)i);
		ArcError back = ARC_ERROR_LAST;

		g_assert_nonnull(code);
		g_assert_false(g_hash_table_contains(codes, code));
		g_hash_table_add(codes, (gpointer)code);
		g_assert_true(arc_error_from_code(code, &back));
		g_assert_cmpint(back, ==, i);
		g_assert_cmpuint(arc_error_http_status((ArcError)i), >=, 400);
		g_assert_cmpuint(arc_error_http_status((ArcError)i), <, 600);
		g_assert_true(g_str_has_prefix(dbus, "com.tillered.Arctic1.Error."));
		g_assert_true(g_dbus_is_interface_name(dbus));
	}
	/* the documented pairs, spec/arctic-reference.md §4.3 */
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_UNAUTHORIZED), ==, 401);
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_TOKEN_EXPIRED), ==, 401);
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_FORBIDDEN), ==, 403);
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_ALREADY_BOOTSTRAPPED), ==, 409);
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_LICENSE_INVALID), ==, 422);
	g_assert_cmpuint(arc_error_http_status(ARC_ERROR_CANNOT_REVOKE_CURRENT), ==, 422);
	g_assert_cmpstr(arc_error_to_code(ARC_ERROR_INVALID_REQUEST), ==, "INVALID_REQUEST");
	g_assert_false(arc_error_from_code("NO_SUCH_CODE", &(ArcError){0}));
}

static void
error_convert_func(void)
{
	g_autoptr(GError) error =
		g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "disk on fire");
	arc_error_convert(&error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INTERNAL);
	g_assert_cmpstr(error->message, ==, "disk on fire");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/error/table", error_table_func);
	g_test_add_func("/error/convert", error_convert_func);
	return g_test_run();
}
