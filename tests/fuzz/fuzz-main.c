/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "arc-fuzz.h"

/* A driver for builds without libFuzzer (gcc, valgrind): runs each file named on the command
 * line, and each file in each directory named there, through the target once, so that the
 * corpora are regression tests. A crash, a sanitizer report or an abort() fails the test.
 * Arguments starting with '-' are libFuzzer flags and are ignored. */

static void
arc_fuzz_main_run_file(const gchar *path, guint *count, GError **error)
{
	g_autofree gchar *contents = NULL;
	g_autofree guint8 *copy = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &contents, &len, error))
		return;
	/* exactly the input's size, as libFuzzer passes it: no NUL after the data to lean on */
	copy = g_malloc(MAX(len, 1));
	memcpy(copy, contents, len);
	g_printerr("Running: %s\n", path);
	LLVMFuzzerTestOneInput(copy, len);
	(*count)++;
}

static gint
arc_fuzz_main_name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static void
arc_fuzz_main_run_dir(const gchar *path, guint *count, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, arc_fuzz_main_name_cmp);
	for (guint i = 0; i < names->len && *error == NULL; i++) {
		g_autofree gchar *child = g_build_filename(path, g_ptr_array_index(names, i), NULL);
		if (!g_file_test(child, G_FILE_TEST_IS_DIR))
			arc_fuzz_main_run_file(child, count, error);
	}
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	guint count = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (gint i = 1; i < argc && error == NULL; i++) {
		if (argv[i][0] == '-')
			continue;
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
			arc_fuzz_main_run_dir(argv[i], &count, &error);
		else
			arc_fuzz_main_run_file(argv[i], &count, &error);
	}
	if (error != NULL) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	/* an empty corpus would make the test pass without testing anything */
	if (count == 0) {
		g_printerr("usage: %s CORPUS-DIR-OR-FILE…: no inputs found\n", argv[0]);
		return 1;
	}
	g_printerr("Executed %u inputs\n", count);
	return 0;
}
