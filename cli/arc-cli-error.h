/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_CLI_ERROR (arc_cli_error_quark())

/**
 * ArcCliError:
 *
 * Errors the CLI raises itself. The values are the process exit codes of spec §5.2, so that
 * every failure decides its exit code where it happens. Errors the agent answers with are
 * reported in the %ARC_ERROR domain instead (see arc_cli_error_exit_code()).
 */
typedef enum {
	ARC_CLI_ERROR_GENERAL = 1,
	ARC_CLI_ERROR_USAGE = 2,
	ARC_CLI_ERROR_CONFIG = 3,
	ARC_CLI_ERROR_CONNECTION = 4,
	ARC_CLI_ERROR_AUTH = 5,
	ARC_CLI_ERROR_PARTIAL = 6,
	/* not a failure: --help was printed; exit 0 and print nothing else */
	ARC_CLI_ERROR_HELP_SHOWN = 100,
} ArcCliError;

#define ARC_CLI_EXIT_SUCCESS 0

GQuark arc_cli_error_quark(void);
gint arc_cli_error_exit_code(const GError *error);
gboolean arc_cli_error_is_auth(const GError *error);
void arc_cli_error_replace_api(GError **error, gint arc_error_code, const gchar *message);

G_END_DECLS
