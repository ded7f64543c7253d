/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

/* A module built for a plugin ABI this agent does not provide: another major (99.0) or a
 * newer minor of the same major (built twice, see meson.build). The descriptor is written out
 * by hand, as a module built against a future SDK would carry it: ARC_PLUGIN_DEFINE would
 * stamp the current ABI. The agent must refuse it before calling anything in it. The newer
 * minor carries the plugin note of a current SDK too (the agent refuses it from the note,
 * without loading it); the other major has none, as modules of older SDKs (it is loaded to
 * read its descriptor). */

#ifndef ARC_TEST_ABI_MAJOR
#define ARC_TEST_ABI_MAJOR 99
#define ARC_TEST_ABI_MINOR 0
#define ARC_TEST_NAME "bad-abi"
#endif

static GType
arc_test_bad_abi_get_type(void)
{
	g_error("the agent called into a module of a plugin ABI it does not provide");
	return G_TYPE_INVALID;
}

G_MODULE_EXPORT const ArcPluginDescriptor arc_plugin_descriptor = {
	.abi_major = ARC_TEST_ABI_MAJOR,
	.abi_minor = ARC_TEST_ABI_MINOR,
	.name = ARC_TEST_NAME,
	.kind = ARC_PLUGIN_KIND_STORAGE,
	.version = "99.0.0",
	.get_type = arc_test_bad_abi_get_type,
};

#ifdef ARC_TEST_NOTE
__attribute__((section(".note.arctic.plugin"), aligned(4),
	       used)) static const ArcPluginNote arc_test_bad_abi_note = {
	.namesz = sizeof(ARC_PLUGIN_NOTE_OWNER),
	.descsz = sizeof(ArcPluginNoteDesc),
	.type = ARC_PLUGIN_NOTE_TYPE,
	.owner = ARC_PLUGIN_NOTE_OWNER,
	.desc =
		{
			.abi_major = ARC_TEST_ABI_MAJOR,
			.abi_minor = ARC_TEST_ABI_MINOR,
			.kind = ARC_PLUGIN_KIND_STORAGE,
			.name = ARC_TEST_NAME,
			.version = "99.0.0",
		},
};
#endif
