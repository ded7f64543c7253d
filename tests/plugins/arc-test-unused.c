/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <stdlib.h>

/* A well-formed transport plugin no agent.conf chooses, whose module must never be loaded:
 * loading it runs its constructor, which ends the process, as loading a plugin's libraries
 * would cost an agent that does not use it their memory (libcrypto, libgomp). The agent reads
 * its note and leaves it closed; only `--list-plugins` would load it. */

__attribute__((constructor)) static void
arc_test_unused_loaded(void)
{
	abort();
}

static GType
arc_test_unused_get_type(void)
{
	return G_TYPE_INVALID;
}

ARC_PLUGIN_DEFINE("unused-transport", ARC_PLUGIN_KIND_TRANSPORT, "1.0.0", arc_test_unused_get_type)
