/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-yaml.h"

static JsonNode *
arc_test_json(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	JsonNode *node = json_from_string(text, &error);

	g_assert_no_error(error);
	return node;
}

static void
arc_test_yaml_scalar_resolve_func(void)
{
	const struct {
		const gchar *text;
		ArcCliYamlScalarKind kind;
	} table[] = {
		{"", ARC_CLI_YAML_SCALAR_NULL},
		{"~", ARC_CLI_YAML_SCALAR_NULL},
		{"null", ARC_CLI_YAML_SCALAR_NULL},
		{"true", ARC_CLI_YAML_SCALAR_BOOL},
		{"False", ARC_CLI_YAML_SCALAR_BOOL},
		{"0", ARC_CLI_YAML_SCALAR_INT},
		{"30", ARC_CLI_YAML_SCALAR_INT},
		{"-7", ARC_CLI_YAML_SCALAR_INT},
		{"0123", ARC_CLI_YAML_SCALAR_STRING},
		{"+5", ARC_CLI_YAML_SCALAR_STRING},
		{"-0", ARC_CLI_YAML_SCALAR_STRING},
		{"9223372036854775808", ARC_CLI_YAML_SCALAR_STRING},
		{"1.5", ARC_CLI_YAML_SCALAR_DOUBLE},
		{"-2e3", ARC_CLI_YAML_SCALAR_DOUBLE},
		{"1.", ARC_CLI_YAML_SCALAR_STRING},
		{"yes", ARC_CLI_YAML_SCALAR_STRING},
		{"sec_abc123", ARC_CLI_YAML_SCALAR_STRING},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_test_message("scalar '%s'", table[i].text);
		g_assert_cmpint(arc_cli_yaml_scalar_resolve(table[i].text, NULL, NULL, NULL), ==,
				table[i].kind);
	}
}

static void
arc_test_yaml_scalar_ambiguous_func(void)
{
	const gchar *quoted[] = {
		"30",   "true", "null", "",     "yes", "Off", "0.1.0", "2025-12-09T04:43:41Z",
		"0x1f", "1:20", ".inf", "0123", NULL};
	const gchar *plain[] = {"peer_01HXYZ",          "agent-a", "hello world",
				"http://10.0.0.1:8080", "v0.1.0",  NULL};

	for (guint i = 0; quoted[i] != NULL; i++)
		g_assert_true(arc_cli_yaml_scalar_is_ambiguous(quoted[i]));
	for (guint i = 0; plain[i] != NULL; i++)
		g_assert_false(arc_cli_yaml_scalar_is_ambiguous(plain[i]));
}

static void
arc_test_yaml_from_json_func(void)
{
	g_autoptr(JsonNode) node = arc_test_json(
		"{\"name\":\"agent-1\",\"count\":3,\"ratio\":0.5,\"whole\":2.0,\"enabled\":true,"
		"\"nothing\":null,\"version\":\"0.1.0\",\"list\":[\"a\",\"30\"],\"empty\":[],"
		"\"nested\":{\"k\":\"v\"},\"none\":{}}");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *yaml = arc_cli_yaml_from_json(node, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(yaml, ==,
			"name: agent-1\n"
			"count: 3\n"
			"ratio: 0.5\n"
			"whole: 2.0\n"
			"enabled: true\n"
			"nothing: null\n"
			"version: '0.1.0'\n"
			"list:\n"
			"- a\n"
			"- '30'\n"
			"empty: []\n"
			"nested:\n"
			"  k: v\n"
			"none: {}\n");
}

static void
arc_test_yaml_round_trip_func(void)
{
	const gchar *documents[] = {
		"{\"s\":\"line one\\nline two\",\"colon\":\"a: b\",\"dash\":\"- x\","
		"\"hash\":\"# not a comment\",\"quote\":\"it's \\\"quoted\\\"\","
		"\"unicode\":\"Grüße ✓\",\"num_str\":\"42\",\"bool_str\":\"false\","
		"\"empty\":\"\",\"spaces\":\"  padded  \",\"big\":9007199254740993,"
		"\"neg\":-12,\"arr\":[[1,2],{\"a\":null}]}",
		"[\"x\", 1, true, null]",
		"\"just a string\"",
	};

	for (guint i = 0; i < G_N_ELEMENTS(documents); i++) {
		g_autoptr(JsonNode) node = arc_test_json(documents[i]);
		g_autoptr(GError) error = NULL;
		g_autofree gchar *yaml = arc_cli_yaml_from_json(node, &error);
		g_autoptr(JsonNode) back = NULL;

		g_assert_no_error(error);
		back = arc_cli_yaml_to_json(yaml, strlen(yaml), &error);
		g_assert_no_error(error);
		g_test_message("YAML:\n%s", yaml);
		g_assert_true(json_node_equal(node, back));
	}
}

static void
arc_test_yaml_to_json_func(void)
{
	const gchar *yaml = "a: \"30\"\n"
			    "b: 30\n"
			    "c: 'true'\n"
			    "d:\n"
			    "  - x\n"
			    "  - y\n"
			    "e: ~\n"
			    "f: &anchor {k: v}\n"
			    "g: *anchor\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) node = arc_cli_yaml_to_json(yaml, strlen(yaml), &error);
	g_autoptr(JsonNode) expected = arc_test_json(
		"{\"a\":\"30\",\"b\":30,\"c\":\"true\",\"d\":[\"x\",\"y\"],\"e\":null,"
		"\"f\":{\"k\":\"v\"},\"g\":{\"k\":\"v\"}}");

	g_assert_no_error(error);
	g_assert_true(json_node_equal(node, expected));
}

static void
arc_test_yaml_to_json_empty_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) node = arc_cli_yaml_to_json("", 0, &error);

	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_NULL(node));
}

static void
arc_test_yaml_to_json_invalid_func(void)
{
	const gchar *documents[] = {
		"a: [1, 2\n",
		"? [complex, key]\n: value\n",
		"a: b\n c: d\n",
	};

	for (guint i = 0; i < G_N_ELEMENTS(documents); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) node =
			arc_cli_yaml_to_json(documents[i], strlen(documents[i]), &error);

		g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
		g_assert_null(node);
	}
}

/* "Billion laughs": aliases must not expand without bound */
static void
arc_test_yaml_to_json_alias_bomb_func(void)
{
	g_autoptr(GString) yaml = g_string_new("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) node = NULL;

	for (guint i = 1; i < 10; i++) {
		g_string_append_printf(yaml, "l%u: &l%u [", i, i);
		for (guint j = 0; j < 10; j++)
			g_string_append_printf(yaml, "%s*l%u", j > 0 ? ", " : "", i - 1);
		g_string_append(yaml, "]\n");
	}
	node = arc_cli_yaml_to_json(yaml->str, yaml->len, &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
	g_assert_null(node);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/yaml/scalar-resolve", arc_test_yaml_scalar_resolve_func);
	g_test_add_func("/cli/yaml/scalar-ambiguous", arc_test_yaml_scalar_ambiguous_func);
	g_test_add_func("/cli/yaml/from-json", arc_test_yaml_from_json_func);
	g_test_add_func("/cli/yaml/round-trip", arc_test_yaml_round_trip_func);
	g_test_add_func("/cli/yaml/to-json", arc_test_yaml_to_json_func);
	g_test_add_func("/cli/yaml/to-json-empty", arc_test_yaml_to_json_empty_func);
	g_test_add_func("/cli/yaml/to-json-invalid", arc_test_yaml_to_json_invalid_func);
	g_test_add_func("/cli/yaml/to-json-alias-bomb", arc_test_yaml_to_json_alias_bomb_func);
	return g_test_run();
}
