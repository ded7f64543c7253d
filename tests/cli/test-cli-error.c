/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>

#include "arc-cli-error.h"
#include "arc-error.h"

/* spec §5.2 */
static void
arc_test_error_exit_code_func(void)
{
	const struct {
		GQuark domain;
		gint code;
		gint exit_code;
	} table[] = {
		{ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL, 1},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE, 2},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG, 3},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION, 4},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_AUTH, 5},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_PARTIAL, 6},
		{ARC_CLI_ERROR, ARC_CLI_ERROR_HELP_SHOWN, 0},
		{ARC_ERROR, ARC_ERROR_UNAUTHORIZED, 5},
		{ARC_ERROR, ARC_ERROR_TOKEN_EXPIRED, 5},
		{ARC_ERROR, ARC_ERROR_FORBIDDEN, 5},
		{ARC_ERROR, ARC_ERROR_NOT_FOUND, 1},
		{ARC_ERROR, ARC_ERROR_ALREADY_BOOTSTRAPPED, 1},
		{ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED, 1},
		{ARC_ERROR, ARC_ERROR_CANNOT_REVOKE_CURRENT, 1},
		{G_IO_ERROR, G_IO_ERROR_FAILED, 1},
	};

	g_assert_cmpint(arc_cli_error_exit_code(NULL), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(GError) error = g_error_new_literal(table[i].domain, table[i].code, "x");

		g_assert_cmpint(arc_cli_error_exit_code(error), ==, table[i].exit_code);
	}
}

static void
arc_test_error_replace_api_func(void)
{
	g_autoptr(GError) expired =
		g_error_new_literal(ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED, "license expired at X");
	g_autoptr(GError) other = g_error_new_literal(ARC_ERROR, ARC_ERROR_NOT_FOUND, "not found");

	arc_cli_error_replace_api(&expired, ARC_ERROR_LICENSE_EXPIRED, "license has expired");
	arc_cli_error_replace_api(&other, ARC_ERROR_LICENSE_EXPIRED, "license has expired");
	g_assert_cmpstr(expired->message, ==, "license has expired");
	g_assert_cmpstr(other->message, ==, "not found");
	arc_cli_error_replace_api(NULL, ARC_ERROR_LICENSE_EXPIRED, "x");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/error/exit-code", arc_test_error_exit_code_func);
	g_test_add_func("/cli/error/replace-api", arc_test_error_replace_api_func);
	return g_test_run();
}
