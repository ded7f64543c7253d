/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

/* A module built for a plugin ABI this agent does not provide. The descriptor is written out
 * by hand, as a module built against a future SDK would carry it: ARC_PLUGIN_DEFINE would
 * stamp the current ABI. The agent must refuse it before calling anything in it. */

static GType
arc_test_bad_abi_get_type(void)
{
	g_error("the agent called into a module of plugin ABI 99");
	return G_TYPE_INVALID;
}

G_MODULE_EXPORT const ArcPluginDescriptor arc_plugin_descriptor = {
	.abi_major = 99,
	.abi_minor = 0,
	.name = "bad-abi",
	.kind = ARC_PLUGIN_KIND_STORAGE,
	.version = "99.0.0",
	.get_type = arc_test_bad_abi_get_type,
};
