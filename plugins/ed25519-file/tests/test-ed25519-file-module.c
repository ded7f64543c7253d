/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "arc-test-module.h"

/* The built ed25519-file.so as the agent's loader sees it: through its descriptor only. */

static void
arc_test_module_descriptor_func(ArcTestModule *fx, gconstpointer user_data)
{
	arc_test_module_assert_descriptor(fx, "ed25519-file", ARC_PLUGIN_KIND_LICENSE,
					  PACKAGE_VERSION);
	g_assert_cmpuint(fx->descriptor->abi_minor, <=, ARC_PLUGIN_ABI_MINOR);
}

static void
arc_test_module_hidden_symbols_func(ArcTestModule *fx, gconstpointer user_data)
{
	const gchar *const internal[] = {
		"arc_ed25519_file_plugin_get_type",
		"arc_ed25519_file_plugin_get_issuers_dir",
		"arc_ed25519_file_issuers_scan_dir",
		"arc_ed25519_file_issuers_parse_key",
	};

	arc_test_module_assert_hidden(fx, internal, G_N_ELEMENTS(internal));
}

static void
arc_test_module_instantiate_func(ArcTestModule *fx, gconstpointer user_data)
{
	GType type = fx->descriptor->get_type();
	g_autoptr(ArcPlugin) plugin = NULL;
	g_autoptr(GKeyFile) config = g_key_file_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GPtrArray) issuers = NULL;
	const gchar *document = "{\"not\": \"a license\"}";

	g_assert_true(g_type_is_a(type, ARC_TYPE_PLUGIN));
	g_assert_true(g_type_is_a(type, arc_plugin_kind_interface_type(fx->descriptor->kind)));
	plugin = g_object_new(type, NULL);
	arc_plugin_set_name(plugin, fx->descriptor->name);
	g_key_file_set_string(config, "plugin:ed25519-file", "issuers_dir", "/nonexistent/issuers");
	arc_plugin_setup(plugin, config, "/nonexistent", &error);
	g_assert_no_error(error);

	issuers = arc_license_backend_list_issuers(ARC_LICENSE_BACKEND(plugin));
	g_assert_nonnull(issuers);
	license = arc_license_backend_verify(ARC_LICENSE_BACKEND(plugin), document,
					     strlen(document), &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_true(g_str_has_prefix(error->message, "ed25519-file: license: missing field"));
	g_assert_null(license);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	arc_test_module_add("/ed25519-file-module/descriptor", "ARC_ED25519_FILE_MODULE",
			    arc_test_module_descriptor_func);
	arc_test_module_add("/ed25519-file-module/hidden-symbols", "ARC_ED25519_FILE_MODULE",
			    arc_test_module_hidden_symbols_func);
	arc_test_module_add("/ed25519-file-module/instantiate", "ARC_ED25519_FILE_MODULE",
			    arc_test_module_instantiate_func);
	return g_test_run();
}
