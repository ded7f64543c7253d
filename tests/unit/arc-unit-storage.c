/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-unit-storage.h"

#include "arc-plugin-loader.h"

/**
 * arc_unit_open_storage:
 * @data_dir: where the database goes (created)
 *
 * The real sqlite storage plugin, from `ARC_PLUGIN_DIR`, opened on @data_dir: what the
 * managers' in-process tests store through. Each call loads its own plugin instance, so two
 * storages in one test are two agents.
 *
 * Returns: (transfer full): the open storage
 */
ArcStorage *
arc_unit_open_storage(const gchar *data_dir)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) keyfile = g_key_file_new();
	g_autoptr(ArcPluginLoader) loader = arc_plugin_loader_new(g_getenv("ARC_PLUGIN_DIR"));
	ArcPlugin *plugin;
	gboolean ok;

	ok = arc_plugin_loader_scan(loader, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	plugin = arc_plugin_loader_get_plugin(loader, ARC_PLUGIN_KIND_STORAGE, "sqlite", &error);
	g_assert_no_error(error);
	g_assert_nonnull(plugin);
	g_assert_cmpint(g_mkdir_with_parents(data_dir, 0700), ==, 0);
	ok = arc_plugin_setup(plugin, keyfile, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_storage_open(ARC_STORAGE(plugin), data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* the loader keeps its plugins; the caller keeps the storage */
	return ARC_STORAGE(g_object_ref(plugin));
}
