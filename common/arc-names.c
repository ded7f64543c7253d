/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-names.h"

#include <string.h>

/**
 * arc_name_check:
 * @name: (nullable): a service or peer name, untrusted
 *
 * Returns: %ARC_NAME_OK if @name is 1 to %ARC_NAME_MAX letters, digits, `-`, `_` and `.`;
 *   otherwise the rule it breaks, the length first
 */
ArcNameReason
arc_name_check(const gchar *name)
{
	gsize len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len > ARC_NAME_MAX)
		return ARC_NAME_BAD_LENGTH;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum(name[i]) && strchr("-_.", name[i]) == NULL)
			return ARC_NAME_BAD_CHARACTER;
	}
	return ARC_NAME_OK;
}
