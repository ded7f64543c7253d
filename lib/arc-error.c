/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-error.h"

G_DEFINE_QUARK(arc - error - quark, arc_error)

/**
 * arc_error_convert:
 * @error: an error, or a pointer to %NULL
 *
 * Turns an error of another domain into %ARC_ERROR_INTERNAL, keeping its message, so that
 * everything that leaves the engine carries an #ArcError.
 */
void
arc_error_convert(GError **error)
{
	GError *old;

	if (error == NULL || *error == NULL || (*error)->domain == ARC_ERROR)
		return;
	old = *error;
	*error = g_error_new_literal(ARC_ERROR, ARC_ERROR_INTERNAL, old->message);
	g_error_free(old);
}
