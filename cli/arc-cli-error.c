/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-error.h"

#include "arc-error-map.h"

G_DEFINE_QUARK(arc - cli - error - quark, arc_cli_error)

/**
 * arc_cli_error_is_auth:
 * @error: an error
 *
 * Returns: %TRUE if @error means the agent refused our credentials (HTTP 401 or 403) or we
 * have none to offer
 */
gboolean
arc_cli_error_is_auth(const GError *error)
{
	guint status;

	if (error == NULL)
		return FALSE;
	if (error->domain == ARC_CLI_ERROR)
		return error->code == ARC_CLI_ERROR_AUTH;
	if (error->domain != ARC_ERROR)
		return FALSE;
	status = arc_error_http_status((ArcError)error->code);
	return status == 401 || status == 403;
}

/**
 * arc_cli_error_exit_code:
 * @error: the error a command failed with
 *
 * Maps an error to the exit codes of spec §5.2: CLI errors carry their exit code, API errors
 * with HTTP status 401 or 403 are auth errors (5), every other failure is a general error (1).
 *
 * Returns: the process exit code
 */
gint
arc_cli_error_exit_code(const GError *error)
{
	if (error == NULL)
		return ARC_CLI_EXIT_SUCCESS;
	if (error->domain == ARC_CLI_ERROR) {
		if (error->code == ARC_CLI_ERROR_HELP_SHOWN)
			return ARC_CLI_EXIT_SUCCESS;
		if (error->code >= ARC_CLI_ERROR_GENERAL && error->code <= ARC_CLI_ERROR_PARTIAL)
			return error->code;
		return ARC_CLI_ERROR_GENERAL;
	}
	if (arc_cli_error_is_auth(error))
		return ARC_CLI_ERROR_AUTH;
	return ARC_CLI_ERROR_GENERAL;
}

/**
 * arc_cli_error_replace_api:
 * @error: an error, or a pointer to %NULL
 * @arc_error_code: an #ArcError code the agent answers with
 * @message: the message to show instead of the agent's
 *
 * Commands use this to print the documented CLI message for a known API error, e.g.
 * `license has expired` for `LICENSE_EXPIRED`. Other errors are left alone.
 */
void
arc_cli_error_replace_api(GError **error, gint arc_error_code, const gchar *message)
{
	if (error == NULL || *error == NULL)
		return;
	if (!g_error_matches(*error, ARC_ERROR, arc_error_code))
		return;
	g_free((*error)->message);
	(*error)->message = g_strdup(message);
}
