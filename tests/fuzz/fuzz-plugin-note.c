/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-plugin-note.h"

/* The plugin loader reads the note of every `*.so` in the plugin directory from the file,
 * before anything of it is loaded (docs/plugins.md), so a truncated or corrupt file must not
 * make it read outside the file. Every input is read as a module's file, and once more cut one
 * byte short; a note found has a non-empty name, and both its strings end inside their
 * arrays. */

static void G_GNUC_NORETURN
arc_fuzz_plugin_note_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-plugin-note: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ArcPluginNoteDesc desc;
	g_autofree guint8 *shorter = NULL;

	memset(&desc, 0xa5, sizeof(desc));
	if (arc_plugin_note_find(data, size, &desc)) {
		if (desc.name[0] == '\0' || memchr(desc.name, '\0', sizeof(desc.name)) == NULL)
			arc_fuzz_plugin_note_fail("a note whose name is empty or unterminated");
		if (memchr(desc.version, '\0', sizeof(desc.version)) == NULL)
			arc_fuzz_plugin_note_fail("a note whose version is unterminated");
	}
	/* an exact copy, so a sanitizer sees a read past the end of a file cut one byte short */
	if (size > 0) {
		shorter = g_memdup2(data, size - 1);
		arc_plugin_note_find(shorter, size - 1, &desc);
	}
	return 0;
}
