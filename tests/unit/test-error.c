/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

#include "arc-error-map.h"
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

/* what GDBus sends for an ARC_ERROR from any path (return_gerror, property setters), and
 * what a GDBus client in this process makes of the name it receives */
static void
error_dbus_domain_func(void)
{
	arc_error_register_dbus_domain();
	arc_error_register_dbus_domain();
	for (guint i = 0; i < ARC_ERROR_LAST; i++) {
		g_autoptr(GError) error = g_error_new_literal(ARC_ERROR, (gint)i, "message");
		g_autofree gchar *name = g_dbus_error_encode_gerror(error);
		g_autoptr(GError) back = g_dbus_error_new_for_dbus_error(
			arc_error_dbus_name((ArcError)i), "message");

		g_assert_cmpstr(name, ==, arc_error_dbus_name((ArcError)i));
		g_assert_error(back, ARC_ERROR, (gint)i);
		g_assert_true(g_dbus_error_strip_remote_error(back));
		g_assert_cmpstr(back->message, ==, "message");
	}
	g_assert_cmpstr(arc_error_dbus_name(ARC_ERROR_NOT_FOUND), ==,
			"com.tillered.Arctic1.Error.NotFound");
	g_assert_cmpstr(arc_error_dbus_name(ARC_ERROR_LICENSE_READ_ONLY), ==,
			"com.tillered.Arctic1.Error.LicenseReadOnly");
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
	g_test_add_func("/error/dbus-domain", error_dbus_domain_func);
	g_test_add_func("/error/convert", error_convert_func);
	return g_test_run();
}
