/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-cli-yaml.h"
#include "arc-fuzz.h"

/* The CLI reads its config file (and later compose files) from disk: the YAML reader. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) node = arc_cli_yaml_to_json((const gchar *)data, size, &error);

	if (node == NULL && error == NULL) {
		fprintf(stderr, "fuzz-cli-config: failed without an error\n");
		abort();
	}
	return 0;
}
