/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "arc-test-agent.h"

/* Plugin loading as an operator sees it (DESIGN §3): `arctic-agent --list-plugins`, modules
 * that are refused with a reason while the agent still starts, and a clear startup error when
 * a required plugin is missing or broken. Every test gets a plugin dir of its own holding
 * symlinks to the built modules. */

typedef enum {
	ARC_PLUGINS_DIR_ALL = 0,
	ARC_PLUGINS_DIR_NO_STORAGE = 1 << 0,
	ARC_PLUGINS_DIR_NO_LICENSE = 1 << 1,
	ARC_PLUGINS_DIR_BROKEN_STORAGE = 1 << 2,
	ARC_PLUGINS_DIR_UNUSED = 1 << 3,
} ArcPluginsDirFlags;

typedef struct {
	ArcTestAgent *agent;
	gchar *plugin_dir;
} ArcPluginsFixture;

static const gchar *const arc_plugins_bad_modules[] = {"bad-abi.so", "corrupt.so",
						       "no-descriptor.so", NULL};

static void
arc_plugins_link(const gchar *dir, const gchar *name, const gchar *target)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_test(target, G_FILE_TEST_EXISTS));
	g_assert_cmpint(symlink(target, path), ==, 0);
}

static void
arc_plugins_write_random(const gchar *dir, const gchar *name)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	guint8 junk[4096];
	g_autoptr(GError) error = NULL;

	randombytes_buf(junk, sizeof(junk));
	g_file_set_contents(path, (const gchar *)junk, sizeof(junk), &error);
	g_assert_no_error(error);
}

static void
arc_plugins_fixture_setup(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	ArcPluginsDirFlags flags = GPOINTER_TO_UINT(user_data);
	g_autofree gchar *sqlite = g_build_filename(ARC_TEST_PLUGINS_DIR, "sqlite.so", NULL);
	g_autofree gchar *license = g_build_filename(ARC_TEST_PLUGINS_DIR, "ed25519-file.so", NULL);

	fixture->agent = arc_test_agent_new();
	fixture->plugin_dir =
		g_build_filename(arc_test_agent_get_tmpdir(fixture->agent), "plugins", NULL);
	g_assert_cmpint(g_mkdir(fixture->plugin_dir, 0755), ==, 0);
	if (flags & ARC_PLUGINS_DIR_BROKEN_STORAGE)
		arc_plugins_write_random(fixture->plugin_dir, "sqlite.so");
	else if (!(flags & ARC_PLUGINS_DIR_NO_STORAGE))
		arc_plugins_link(fixture->plugin_dir, "sqlite.so", sqlite);
	if (!(flags & ARC_PLUGINS_DIR_NO_LICENSE))
		arc_plugins_link(fixture->plugin_dir, "ed25519-file.so", license);
	arc_plugins_link(fixture->plugin_dir, "bad-abi.so", ARC_TEST_BAD_ABI_MODULE);
	arc_plugins_link(fixture->plugin_dir, "newer-minor.so", ARC_TEST_NEWER_MINOR_MODULE);
	arc_plugins_link(fixture->plugin_dir, "no-descriptor.so", ARC_TEST_NO_DESCRIPTOR_MODULE);
	arc_plugins_link(fixture->plugin_dir, "mismatch.so", ARC_TEST_MISMATCH_MODULE);
	arc_plugins_write_random(fixture->plugin_dir, "corrupt.so");
	if (flags & ARC_PLUGINS_DIR_UNUSED) {
		g_autofree gchar *tempest =
			g_build_filename(ARC_TEST_PLUGINS_DIR, "tempest.so", NULL);
		arc_plugins_link(fixture->plugin_dir, "unused-transport.so",
				 ARC_TEST_UNUSED_MODULE);
		if (g_file_test(tempest, G_FILE_TEST_EXISTS))
			arc_plugins_link(fixture->plugin_dir, "tempest.so", tempest);
	}
	arc_test_agent_set_plugin_dir(fixture->agent, fixture->plugin_dir);
}

static void
arc_plugins_fixture_teardown(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	if (arc_test_agent_is_running(fixture->agent)) {
		gint status = -1;
		arc_test_agent_stop(fixture->agent, &status, &error);
		g_assert_no_error(error);
		g_assert_cmpint(status, ==, 0);
	}
	g_clear_object(&fixture->agent);
	g_free(fixture->plugin_dir);
}

/* the line of the --list-plugins table that starts with @name */
static gchar *
arc_plugins_row(const gchar *output, const gchar *name)
{
	g_auto(GStrv) lines = g_strsplit(output, "\n", -1);
	gchar *found = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) columns = g_strsplit_set(lines[i], " \t", 2);
		if (g_strcmp0(columns[0], name) != 0)
			continue;
		g_assert_null(found);
		found = g_strdup(lines[i]);
	}
	if (found == NULL)
		g_error("--list-plugins shows no %s:\n%s", name, output);
	return found;
}

static void
arc_plugins_assert_loaded(const gchar *output, const gchar *name, const gchar *kind)
{
	g_autofree gchar *row = arc_plugins_row(output, name);
	g_autofree gchar *expected = g_strdup_printf("%s %s %d.%d loaded", kind, PACKAGE_VERSION,
						     ARC_PLUGIN_ABI_MAJOR, ARC_PLUGIN_ABI_MINOR);
	g_auto(GStrv) columns = g_strsplit_set(row, " ", -1);
	g_autoptr(GStrvBuilder) words = g_strv_builder_new();
	g_auto(GStrv) joined = NULL;
	g_autofree gchar *normalised = NULL;

	/* columns are padded: compare the words */
	for (guint i = 1; columns[i] != NULL; i++) {
		if (columns[i][0] != '\0')
			g_strv_builder_add(words, columns[i]);
	}
	joined = g_strv_builder_end(words);
	normalised = g_strjoinv(" ", joined);
	g_assert_cmpstr(normalised, ==, expected);
}

static void
arc_plugins_assert_refused(const gchar *output, const gchar *name, const gchar *fragment1,
			   const gchar *fragment2)
{
	g_autofree gchar *row = arc_plugins_row(output, name);

	g_assert_nonnull(strstr(row, "refused: "));
	g_assert_false(g_str_has_suffix(row, " loaded"));
	g_assert_nonnull(strstr(row, fragment1));
	if (fragment2 != NULL)
		g_assert_nonnull(strstr(row, fragment2));
}

static void
arc_plugins_list_func(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	const gchar *args[] = {"--list-plugins", "--plugin-dir", fixture->plugin_dir, NULL};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *output = NULL;
	g_autofree gchar *dir_line = NULL;
	g_autofree gchar *agent_abi = NULL;
	g_autofree gchar *newer_abi = NULL;
	gint status = -1;

	arc_test_agent_run(fixture->agent, args, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
	output = arc_test_agent_get_output(fixture->agent);
	g_test_message("%s", output);

	dir_line = g_strdup_printf("Plugin directory: %s\n", fixture->plugin_dir);
	g_assert_true(g_str_has_prefix(output, dir_line));
	arc_plugins_assert_loaded(output, "sqlite", "storage");
	arc_plugins_assert_loaded(output, "ed25519-file", "license");
	/* the agent's ABI, and one minor newer (the module built with ARC_PLUGIN_ABI_MINOR + 1) */
	agent_abi = g_strdup_printf("ABI %d.%d", ARC_PLUGIN_ABI_MAJOR, ARC_PLUGIN_ABI_MINOR);
	newer_abi = g_strdup_printf("ABI %d.%d", ARC_PLUGIN_ABI_MAJOR, ARC_PLUGIN_ABI_MINOR + 1);
	arc_plugins_assert_refused(output, "bad-abi.so", "99.0", agent_abi);
	arc_plugins_assert_refused(output, "newer-minor.so", newer_abi, agent_abi);
	arc_plugins_assert_refused(output, "no-descriptor.so", "no arc_plugin_descriptor symbol",
				   NULL);
	arc_plugins_assert_refused(output, "corrupt.so", "cannot be loaded", NULL);
	/* named by its note at the scan, refused once loaded */
	arc_plugins_assert_refused(output, "mismatch", "descriptor differs from its note", NULL);
}

static guint
arc_plugins_count_lines(const gchar *log, const gchar *fragment1, const gchar *fragment2)
{
	g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
	guint n = 0;

	for (guint i = 0; lines[i] != NULL; i++) {
		if (strstr(lines[i], fragment1) != NULL && strstr(lines[i], fragment2) != NULL)
			n++;
	}
	return n;
}

static void
arc_plugins_bad_modules_func(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) ready = NULL;
	g_autofree gchar *log = NULL;
	guint status = 0;

	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);
	ready = arc_test_agent_call(fixture->agent, "GET", "/readyz", NULL, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(ready, "status"), ==, "ok");

	/* one warning for each refused module, naming it */
	log = arc_test_agent_get_log(fixture->agent);
	g_test_message("%s", log);
	for (guint i = 0; arc_plugins_bad_modules[i] != NULL; i++) {
		g_autofree gchar *path =
			g_build_filename(fixture->plugin_dir, arc_plugins_bad_modules[i], NULL);
		g_assert_cmpuint(arc_plugins_count_lines(log, "warning", path), ==, 1);
	}
	g_assert_cmpuint(arc_plugins_count_lines(log, "warning", "sqlite.so"), ==, 0);
	g_assert_cmpuint(arc_plugins_count_lines(log, "warning", "ed25519-file.so"), ==, 0);
}

/* whether the agent has a file of that name mapped */
static gboolean
arc_plugins_agent_maps(ArcTestAgent *agent, const gchar *file_name)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/maps", arc_test_agent_get_pid(agent));
	g_autofree gchar *maps = NULL;
	g_autofree gchar *needle = g_strdup_printf("/%s", file_name);
	g_autoptr(GError) error = NULL;

	g_file_get_contents(path, &maps, NULL, &error);
	g_assert_no_error(error);
	return strstr(maps, needle) != NULL;
}

/* Plugins the agent does not use cost it nothing: their modules, and the libraries those link,
 * are never loaded (an unprivileged agent's tunnel plugin, a transport no one chose), though
 * --list-plugins still lists them all. */
static void
arc_plugins_unused_func(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) ready = NULL;
	g_autofree gchar *log = NULL;
	guint status = 0;

	arc_test_agent_start(fixture->agent, &error);
	g_assert_no_error(error);
	ready = arc_test_agent_call(fixture->agent, "GET", "/readyz", NULL, NULL, &status);
	arc_test_assert_status(status, SOUP_STATUS_OK);
	g_assert_cmpstr(arc_test_json_string(ready, "status"), ==, "ok");
	log = arc_test_agent_get_log(fixture->agent);
	g_test_message("%s", log);
	g_assert_cmpuint(arc_plugins_count_lines(log, "warning", "unused-transport.so"), ==, 0);

	g_assert_true(arc_plugins_agent_maps(fixture->agent, "sqlite.so"));
	g_assert_true(arc_plugins_agent_maps(fixture->agent, "ed25519-file.so"));
	g_assert_false(arc_plugins_agent_maps(fixture->agent, "unused-transport.so"));
	g_assert_false(arc_plugins_agent_maps(fixture->agent, "mismatch.so"));
	/* the test agent lacks CAP_NET_ADMIN: no data plane, no tunnel plugin, no libcrypto */
	g_assert_false(arc_plugins_agent_maps(fixture->agent, "tempest.so"));
	g_assert_false(arc_plugins_agent_maps(fixture->agent, "libcrypto.so.3"));
}

static void
arc_plugins_missing_func(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	const gchar *name = user_data == GUINT_TO_POINTER(ARC_PLUGINS_DIR_NO_LICENSE)
				    ? "ed25519-file"
				    : "sqlite";
	g_autofree gchar *quoted = g_strdup_printf("'%s'", name);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *log = NULL;
	gint status = 0;

	arc_test_agent_start_expect_exit(fixture->agent, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, !=, 0);
	g_assert_cmpint(status, <, 128);
	log = arc_test_agent_get_log(fixture->agent);
	g_test_message("%s", log);
	g_assert_nonnull(strstr(log, quoted));
	g_assert_nonnull(strstr(log, fixture->plugin_dir));
}

static void
arc_plugins_no_dir_func(ArcPluginsFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *missing =
		g_build_filename(arc_test_agent_get_tmpdir(fixture->agent), "no-such-dir", NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *log = NULL;
	gint status = 0;

	arc_test_agent_set_plugin_dir(fixture->agent, missing);
	arc_test_agent_start_expect_exit(fixture->agent, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, !=, 0);
	g_assert_cmpint(status, <, 128);
	log = arc_test_agent_get_log(fixture->agent);
	g_assert_nonnull(strstr(log, missing));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);

#define ARC_PLUGINS_TEST(path, flags, func)                                                        \
	g_test_add("/plugins/" path, ArcPluginsFixture, GUINT_TO_POINTER(flags),                   \
		   arc_plugins_fixture_setup, func, arc_plugins_fixture_teardown)

	ARC_PLUGINS_TEST("list", ARC_PLUGINS_DIR_ALL, arc_plugins_list_func);
	ARC_PLUGINS_TEST("bad-modules-refused", ARC_PLUGINS_DIR_ALL, arc_plugins_bad_modules_func);
	ARC_PLUGINS_TEST("unused-not-loaded", ARC_PLUGINS_DIR_UNUSED, arc_plugins_unused_func);
	ARC_PLUGINS_TEST("missing-storage", ARC_PLUGINS_DIR_NO_STORAGE, arc_plugins_missing_func);
	ARC_PLUGINS_TEST("missing-license", ARC_PLUGINS_DIR_NO_LICENSE, arc_plugins_missing_func);
	ARC_PLUGINS_TEST("broken-storage", ARC_PLUGINS_DIR_BROKEN_STORAGE,
			 arc_plugins_missing_func);
	ARC_PLUGINS_TEST("no-plugin-dir", ARC_PLUGINS_DIR_ALL, arc_plugins_no_dir_func);
	return g_test_run();
}
