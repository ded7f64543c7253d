/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The built sqlite.so as the agent's loader sees it. This test does not link the plugin
 * code: the type must come from the module, as it does in the agent.
 */
#include "config.h"

#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <gmodule.h>

typedef struct {
	gchar *data_dir;
} ArcTestFixture;

static void
arc_test_fixture_setup(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->data_dir = g_dir_make_tmp("arctic-sqlite-module-XXXXXX", &error);
	g_assert_no_error(error);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GDir) dir = g_dir_open(fixture->data_dir, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(fixture->data_dir, name, NULL);
		g_assert_cmpint(g_unlink(path), ==, 0);
	}
	g_assert_cmpint(g_rmdir(fixture->data_dir), ==, 0);
	g_free(fixture->data_dir);
}

/* loads the module as the agent does: local binding, kept resident once a type is used */
static const ArcPluginDescriptor *
arc_test_load_descriptor(void)
{
	GModule *module = g_module_open(ARC_TEST_SQLITE_MODULE, G_MODULE_BIND_LOCAL);
	gpointer symbol = NULL;
	gpointer hidden = NULL;

	if (module == NULL)
		g_error("cannot load %s: %s", ARC_TEST_SQLITE_MODULE, g_module_error());
	g_assert_true(g_module_symbol(module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, &symbol));
	g_assert_nonnull(symbol);
	/* the plugin's own functions stay private to the module */
	g_assert_false(g_module_symbol(module, "arc_sqlite_plugin_get_type", &hidden));
	g_module_make_resident(module);
	return symbol;
}

static void
arc_test_round_trip(ArcStorage *storage, const gchar *data_dir)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_01", "{\"name\":\"a\"}");
	g_autoptr(ArcRecord) got = NULL;
	g_autoptr(GPtrArray) records = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *where = NULL;
	g_autofree gchar *expected_where = g_build_filename(data_dir, "arctic.db", NULL);
	gboolean ok;

	ok = arc_storage_open(storage, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	record->version = 2;
	record->writer = g_strdup("peer_01");
	record->updated_at = 1767225600000000;
	arc_storage_txn_put_record(txn, record);
	ok = arc_storage_commit(storage, txn, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	got = arc_storage_get_record(storage, "peer", "peer_01", &error);
	g_assert_no_error(error);
	g_assert_nonnull(got);
	g_assert_cmpstr(got->body, ==, record->body);
	g_assert_cmpint(got->version, ==, 2);
	g_assert_cmpstr(got->writer, ==, "peer_01");
	g_assert_cmpint(got->updated_at, ==, record->updated_at);
	records = arc_storage_list_records(storage, "peer", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(records->len, ==, 1);
	ok = arc_storage_check(storage, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	where = arc_storage_describe(storage);
	g_assert_cmpstr(where, ==, expected_where);
	arc_storage_close(storage);
}

static void
arc_sqlite_module_descriptor_func(ArcTestFixture *fixture, gconstpointer user_data)
{
	const ArcPluginDescriptor *descriptor = arc_test_load_descriptor();
	g_autoptr(GObject) plugin = NULL;
	GType type;

	g_assert_cmpuint(descriptor->abi_major, ==, ARC_PLUGIN_ABI_MAJOR);
	g_assert_cmpuint(descriptor->abi_minor, <=, ARC_PLUGIN_ABI_MINOR);
	g_assert_cmpstr(descriptor->name, ==, "sqlite");
	g_assert_cmpint(descriptor->kind, ==, ARC_PLUGIN_KIND_STORAGE);
	g_assert_cmpstr(descriptor->version, ==, PACKAGE_VERSION);
	g_assert_nonnull(descriptor->get_type);

	type = descriptor->get_type();
	g_assert_true(g_type_is_a(type, ARC_TYPE_PLUGIN));
	g_assert_true(g_type_is_a(type, arc_plugin_kind_interface_type(descriptor->kind)));
	plugin = g_object_new(type, NULL);
	arc_plugin_set_name(ARC_PLUGIN(plugin), descriptor->name);
	g_assert_true(arc_plugin_setup(ARC_PLUGIN(plugin), NULL, fixture->data_dir, NULL));
	arc_test_round_trip(ARC_STORAGE(plugin), fixture->data_dir);
}

/* the defined dynamic symbols of @path, one per line of `nm -D --defined-only` */
static GPtrArray *
arc_test_dynamic_symbols(const gchar *nm, const gchar *path)
{
	const gchar *argv[] = {nm, "-D", "--defined-only", path, NULL};
	g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = NULL;
	g_auto(GStrv) lines = NULL;
	gint status = 0;

	g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
		     &error);
	g_assert_no_error(error);
	g_spawn_check_wait_status(status, &error);
	g_assert_no_error(error);
	lines = g_strsplit(out, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		/* "ADDRESS TYPE NAME"; the name is the last field */
		g_auto(GStrv) fields = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
		guint n_fields = g_strv_length(fields);
		if (n_fields > 0 && fields[n_fields - 1][0] != '\0')
			g_ptr_array_add(symbols, g_strdup(fields[n_fields - 1]));
	}
	return g_steal_pointer(&symbols);
}

static void
arc_sqlite_module_exports_func(void)
{
	g_autofree gchar *nm = g_find_program_in_path("nm");
	g_autoptr(GPtrArray) symbols = NULL;

	if (nm == NULL) {
		g_test_skip("nm (binutils) is not installed");
		return;
	}
	symbols = arc_test_dynamic_symbols(nm, ARC_TEST_SQLITE_MODULE);
	for (guint i = 0; i < symbols->len; i++)
		g_test_message("exported: %s", (const gchar *)g_ptr_array_index(symbols, i));
	g_assert_cmpuint(symbols->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(symbols, 0), ==, ARC_PLUGIN_DESCRIPTOR_SYMBOL);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/sqlite/module/descriptor", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_sqlite_module_descriptor_func, arc_test_fixture_teardown);
	g_test_add_func("/sqlite/module/exports", arc_sqlite_module_exports_func);
	return g_test_run();
}
