/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-fields.h"

/* The block of spec §5.3: values start in column 16 */
static void
arc_test_fields_align_func(void)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	g_autofree gchar *text = NULL;

	arc_cli_fields_add(fields, "Peer ID:", "peer_01HXYZ");
	arc_cli_fields_add(fields, "Max Services:", "100");
	arc_cli_fields_add(fields, "Missing:", NULL);
	arc_cli_fields_add(fields, "Empty:", "");
	text = arc_cli_fields_to_string(fields);
	g_assert_cmpstr(text, ==,
			"Peer ID:        peer_01HXYZ\n"
			"Max Services:   100\n"
			"Missing:        -\n"
			"Empty:          -\n");
}

/* A long (e.g. translated) label pushes the column right, counted in characters */
static void
arc_test_fields_wide_label_func(void)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(8);
	g_autofree gchar *text = NULL;

	arc_cli_fields_add(fields, "Gültig bis:", "x");
	arc_cli_fields_add(fields, "ID:", "y");
	text = arc_cli_fields_to_string(fields);
	g_assert_cmpstr(text, ==,
			"Gültig bis:  x\n"
			"ID:          y\n");
}

static void
arc_test_fields_member_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) node = json_from_string(
		"{\"at\":\"2025-12-09T04:43:41Z\",\"scopes\":[\"urn:a\",\"urn:b\"],\"n\":10,"
		"\"local\":true,\"none\":null}",
		&error);
	JsonObject *object;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(0);
	g_autofree gchar *text = NULL;

	g_assert_no_error(error);
	object = json_node_get_object(node);
	arc_cli_fields_add_member(fields, "At:", object, "at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, "Scopes:", object, "scopes", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, "N:", object, "n", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, "Local:", object, "local", ARC_CLI_FIELD_YES_NO);
	arc_cli_fields_add_member(fields, "None:", object, "none", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, "Absent:", object, "absent", ARC_CLI_FIELD_TIME);
	text = arc_cli_fields_to_string(fields);
	g_assert_cmpstr(text, ==,
			"At:      2025-12-09 04:43:41 UTC\n"
			"Scopes:  urn:a, urn:b\n"
			"N:       10\n"
			"Local:   Yes\n"
			"None:    -\n"
			"Absent:  -\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/fields/align", arc_test_fields_align_func);
	g_test_add_func("/cli/fields/wide-label", arc_test_fields_wide_label_func);
	g_test_add_func("/cli/fields/member", arc_test_fields_member_func);
	return g_test_run();
}
