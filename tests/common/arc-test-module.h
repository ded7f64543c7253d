/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gmodule.h>

#include "arctic-plugin.h"

G_BEGIN_DECLS

/* A built plugin module as the agent's loader sees it: opened, through its descriptor only.
 * The modules' own tests use it as their fixture, arc_test_module_add(): the fixture's user
 * data names the environment variable holding the module's path. */

typedef struct {
	GModule *module;
	const ArcPluginDescriptor *descriptor;
} ArcTestModule;

void arc_test_module_setup(ArcTestModule *fx, gconstpointer env_var);
void arc_test_module_teardown(ArcTestModule *fx, gconstpointer env_var);
void arc_test_module_add(const gchar *path, const gchar *env_var,
			 void (*func)(ArcTestModule *fx, gconstpointer env_var));
void arc_test_module_assert_descriptor(ArcTestModule *fx, const gchar *name, ArcPluginKind kind,
				       const gchar *version);
void arc_test_module_assert_hidden(ArcTestModule *fx, const gchar *const *internal,
				   gsize n_internal);

G_END_DECLS
