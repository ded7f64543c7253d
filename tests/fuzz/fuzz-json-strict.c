/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arctic-plugin.h"

/* The strict pre-parse every parser of untrusted JSON goes through (docs/protocol.md §1):
 * arc_json_check_strict() and arc_json_parse_object() must agree; every refusal is
 * INVALID_REQUEST; what is accepted, written back out by json-glib, is accepted again; and the
 * same document with its first member repeated at the end is refused as a duplicate. */

#define ARC_FUZZ_STRICT_MAX_DEPTH 16

static void
arc_fuzz_strict_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-json-strict: %s\n", what);
	abort();
}

/* @node's object with its first member written once more at the end, by hand: json-glib
 * cannot hold a duplicate */
static gchar *
arc_fuzz_strict_duplicate_first(JsonNode *node)
{
	JsonObject *obj = json_node_get_object(node);
	g_autoptr(GList) members = json_object_get_members(obj);
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) name = json_node_new(JSON_NODE_VALUE);
	g_autofree gchar *whole = NULL, *name_text = NULL, *value_text = NULL;

	if (members == NULL)
		return NULL;
	json_node_set_string(name, members->data);
	json_generator_set_root(gen, name);
	name_text = json_generator_to_data(gen, NULL);
	json_generator_set_root(gen, json_object_get_member(obj, members->data));
	value_text = json_generator_to_data(gen, NULL);
	json_generator_set_root(gen, node);
	whole = json_generator_to_data(gen, NULL);
	/* "{...}" → "{...,name:value}" */
	whole[strlen(whole) - 1] = '\0';
	return g_strdup_printf("%s,%s:%s}", whole, name_text, value_text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const gchar *text = (const gchar *)data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_parse = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *again = NULL, *dup = NULL;
	gboolean ok = arc_json_check_strict(text, (gssize)size, ARC_FUZZ_STRICT_MAX_DEPTH, &error);

	node = arc_json_parse_object(text, (gssize)size, ARC_FUZZ_STRICT_MAX_DEPTH, &error_parse);
	if (!ok && !g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
		arc_fuzz_strict_fail("a refusal that is not INVALID_REQUEST");
	if (!ok && node != NULL)
		arc_fuzz_strict_fail("parsed what the checker refused");
	if (node == NULL) {
		if (!g_error_matches(error_parse, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
			arc_fuzz_strict_fail("a parse failure that is not INVALID_REQUEST");
		return 0;
	}
	again = json_to_string(node, FALSE);
	if (!arc_json_check_strict(again, -1, ARC_FUZZ_STRICT_MAX_DEPTH, NULL))
		arc_fuzz_strict_fail("json-glib's own output refused");
	dup = arc_fuzz_strict_duplicate_first(node);
	if (dup != NULL && arc_json_check_strict(dup, -1, ARC_FUZZ_STRICT_MAX_DEPTH, NULL))
		arc_fuzz_strict_fail("a duplicate member accepted");
	return 0;
}
