/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gmodule.h>

/* A shared object that is not an Arctic plugin: it exports a function, but no
 * arc_plugin_descriptor. */

G_MODULE_EXPORT int arc_test_no_descriptor_answer(void);

G_MODULE_EXPORT int
arc_test_no_descriptor_answer(void)
{
	return 42;
}
