/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

/* A module built for a plugin ABI this agent does not provide: another major (99.0) or a
 * newer minor of the same major (built twice, see meson.build). The descriptor is written out
 * by hand, as a module built against a future SDK would carry it: ARC_PLUGIN_DEFINE would
 * stamp the current ABI. The agent must refuse it before calling anything in it. */

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
