/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-config-file.h"

#include <arctic-plugin.h>

/**
 * arc_config_load_file:
 * @self: the config
 * @path: an agent.conf
 * @must_exist: whether a missing file is an error (it is when named on the command line)
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the file was read, or was absent and optional
 */
gboolean
arc_config_load_file(ArcConfig *self, const gchar *path, gboolean must_exist, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (!g_key_file_load_from_file(self->keyfile, path, G_KEY_FILE_NONE, &error_local)) {
		if (!must_exist && g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "%s: %s", path,
			    error_local->message);
		return FALSE;
	}
	return arc_config_apply_keyfile(self, path, error);
}

/**
 * arc_config_apply_environment:
 * @self: the config
 * @error: return location for a #GError
 *
 * Applies API_PORT, DATA_DIR and LOG_FORMAT, as the product documentation names them.
 *
 * Returns: %TRUE if every variable set was valid
 */
gboolean
arc_config_apply_environment(ArcConfig *self, GError **error)
{
	return arc_config_apply_variables(self, g_getenv("API_PORT"), g_getenv("DATA_DIR"),
					  g_getenv("LOG_FORMAT"), error);
}
