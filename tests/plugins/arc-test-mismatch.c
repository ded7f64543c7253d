/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

/* A module whose plugin note (what the agent reads from the file at start) and descriptor
 * (what it reads once the module is loaded) disagree on the name, as a file replaced or
 * doctored after the build would: the agent must refuse it when it loads it, before it calls
 * anything in it. */

static GType
arc_test_mismatch_get_type(void)
{
	g_error("the agent called into a module whose descriptor differs from its note");
	return G_TYPE_INVALID;
}

G_MODULE_EXPORT const ArcPluginDescriptor arc_plugin_descriptor = {
	.abi_major = ARC_PLUGIN_ABI_MAJOR,
	.abi_minor = ARC_PLUGIN_ABI_MINOR,
	.name = "mismatch-descriptor",
	.kind = ARC_PLUGIN_KIND_STORAGE,
	.version = "1.0.0",
	.get_type = arc_test_mismatch_get_type,
};

__attribute__((section(".note.arctic.plugin"), aligned(4),
	       used)) static const ArcPluginNote arc_test_mismatch_note = {
	.namesz = sizeof(ARC_PLUGIN_NOTE_OWNER),
	.descsz = sizeof(ArcPluginNoteDesc),
	.type = ARC_PLUGIN_NOTE_TYPE,
	.owner = ARC_PLUGIN_NOTE_OWNER,
	.desc =
		{
			.abi_major = ARC_PLUGIN_ABI_MAJOR,
			.abi_minor = ARC_PLUGIN_ABI_MINOR,
			.kind = ARC_PLUGIN_KIND_STORAGE,
			.name = "mismatch",
			.version = "1.0.0",
		},
};
