/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-dbus-options.h"

#include <arctic-plugin.h>

/* "a, b or c", or "none are defined" */
static gchar *
arc_dbus_options_describe(const gchar *const *names)
{
	GString *text = g_string_new(NULL);
	guint n = g_strv_length((gchar **)names);

	if (n == 0)
		return g_string_free(g_string_append(text, "none are defined"), FALSE);
	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append(text, i + 1 == n ? " or " : ", ");
		g_string_append(text, names[i]);
	}
	return g_string_free(text, FALSE);
}

/**
 * arc_dbus_string_options:
 * @options: an `a{sv}` of a method's options
 * @names: (array zero-terminated=1): the options the method takes, all strings
 * @values: (array): where the value of each of @names goes, %NULL when absent or empty (an
 *   empty string is an option not given, as an absent query parameter is in REST)
 * @error: return location for a #GError
 *
 * The options of the methods in NetworkManager's extensible style (`…WithOptions`): an
 * option this agent does not know is refused, since the caller expects something of it.
 *
 * Returns: %FALSE with %ARC_ERROR_INVALID_REQUEST for an unknown option or one not a string
 */
gboolean
arc_dbus_string_options(GVariant *options, const gchar *const *names, gchar ***values,
			GError **error)
{
	GVariantIter iter;
	const gchar *key = NULL;
	GVariant *value = NULL;

	g_variant_iter_init(&iter, options);
	while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		g_autoptr(GVariant) owned = value;
		gchar **out = NULL;

		for (guint i = 0; out == NULL && names[i] != NULL; i++)
			out = g_strcmp0(key, names[i]) == 0 ? values[i] : NULL;
		if (out == NULL) {
			g_autofree gchar *known = arc_dbus_options_describe(names);
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'%s' is not an option: %s", key, known);
			return FALSE;
		}
		if (!g_variant_is_of_type(owned, G_VARIANT_TYPE_STRING)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'%s' must be a string", key);
			return FALSE;
		}
		g_free(*out);
		*out = g_variant_get_string(owned, NULL)[0] != '\0'
			       ? g_variant_dup_string(owned, NULL)
			       : NULL;
	}
	return TRUE;
}
