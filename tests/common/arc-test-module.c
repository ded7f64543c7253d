/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-test-module.h"

/**
 * arc_test_module_setup:
 * @fx: the fixture
 * @env_var: the environment variable that holds the module's path
 *
 * Opens the module as the loader does (local binding) and finds its descriptor.
 */
void
arc_test_module_setup(ArcTestModule *fx, gconstpointer env_var)
{
	const gchar *path = g_getenv(env_var);
	gpointer symbol = NULL;

	g_assert_nonnull(path);
	fx->module = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	if (fx->module == NULL)
		g_error("cannot open %s: %s", path, g_module_error());
	g_assert_true(g_module_symbol(fx->module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, &symbol));
	fx->descriptor = symbol;
	g_module_make_resident(fx->module);
}

void
arc_test_module_teardown(ArcTestModule *fx, gconstpointer env_var)
{
	g_module_close(fx->module);
}

/**
 * arc_test_module_add:
 * @path: the test's path
 * @env_var: the environment variable that holds the module's path (a static string)
 * @func: the test, run with the module open
 */
void
arc_test_module_add(const gchar *path, const gchar *env_var,
		    void (*func)(ArcTestModule *fx, gconstpointer env_var))
{
	g_test_add(path, ArcTestModule, env_var, arc_test_module_setup, func,
		   arc_test_module_teardown);
}

/**
 * arc_test_module_assert_descriptor:
 * @fx: the fixture
 * @name: the plugin's name
 * @kind: its kind
 * @version: the version it must state (the tree's PACKAGE_VERSION)
 *
 * The descriptor's ABI major is the daemon's, and it names the plugin, its kind, its version
 * and a type function. The ABI minor each test checks itself.
 */
void
arc_test_module_assert_descriptor(ArcTestModule *fx, const gchar *name, ArcPluginKind kind,
				  const gchar *version)
{
	g_assert_cmpuint(fx->descriptor->abi_major, ==, ARC_PLUGIN_ABI_MAJOR);
	g_assert_cmpstr(fx->descriptor->name, ==, name);
	g_assert_cmpint(fx->descriptor->kind, ==, kind);
	g_assert_cmpstr(fx->descriptor->version, ==, version);
	g_assert_nonnull(fx->descriptor->get_type);
}

/**
 * arc_test_module_assert_hidden:
 * @fx: the fixture
 * @internal: (array length=n_internal): symbols of the plugin's own code
 * @n_internal: how many
 *
 * None of @internal is exported: the descriptor is the module's one symbol.
 */
void
arc_test_module_assert_hidden(ArcTestModule *fx, const gchar *const *internal, gsize n_internal)
{
	for (gsize i = 0; i < n_internal; i++) {
		gpointer symbol = NULL;
		if (g_module_symbol(fx->module, internal[i], &symbol))
			g_error("%s is exported by the module", internal[i]);
	}
}
