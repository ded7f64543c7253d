/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

static void
canonical_json_func(void)
{
	const struct {
		const gchar *in;
		const gchar *out; /* NULL: refused */
	} cases[] = {
		{"{}", "{}"},
		{"{ \"b\" : 1, \"a\" : 2 }", "{\"a\":2,\"b\":1}"},
		{"{\"z\":{\"y\":[3, 2, {\"b\":true,\"a\":null}]}}",
		 "{\"z\":{\"y\":[3,2,{\"a\":null,\"b\":true}]}}"},
		{"{\"s\":\"tab\\tquote\\\"back\\\\slash\\u0001\"}",
		 "{\"s\":\"tab\\tquote\\\"back\\\\slash\\u0001\"}"},
		{"{\"s\":\"\\u00e9\\u2603\"}", "{\"s\":\"\xc3\xa9\xe2\x98\x83\"}"},
		{"{\"s\":\"\\/\"}", "{\"s\":\"/\"}"},
		{"{\"n\":-42}", "{\"n\":-42}"},
		{"{\"B\":1,\"a\":2,\"_\":3}", "{\"B\":1,\"_\":3,\"a\":2}"},
		{"{\"f\":1.5}", NULL},
		{"{\"signature\":\"x\",\"k\":1}", "{\"k\":1}"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) node = arc_json_parse_object(cases[i].in, -1, 8, &error);
		g_autofree gchar *out = NULL;

		g_assert_no_error(error);
		out = arc_canonical_json(node, "signature", &error);
		if (cases[i].out == NULL) {
			g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
			g_assert_null(out);
		} else {
			g_assert_no_error(error);
			g_assert_cmpstr(out, ==, cases[i].out);
		}
	}
}

static void
parse_object_func(void)
{
	g_autofree gchar *deep = NULL;
	g_autoptr(GString) nest = g_string_new("{\"a\":");
	const gchar *bad[] = {"", "[]", "1", "\"s\"", "{", "{\"a\":}", "{\"a\":1}{", "\xff\xfe"};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) node = arc_json_parse_object(bad[i], -1, 8, &error);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_null(node);
	}
	/* nesting is refused before json-glib's recursive parser sees it */
	for (guint i = 0; i < 100000; i++)
		g_string_append_c(nest, '[');
	deep = g_string_free(g_steal_pointer(&nest), FALSE);
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) node = arc_json_parse_object(deep, -1, 16, &error);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_null(node);
	}
	{
		/* brackets inside strings do not count */
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) node = arc_json_parse_object(
			"{\"a\":\"[[[[[[[[[[[[[[[[[[[[\\\"[[[\"}", -1, 2, &error);
		g_assert_no_error(error);
		g_assert_nonnull(node);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/canonical-json/table", canonical_json_func);
	g_test_add_func("/canonical-json/parse-object", parse_object_func);
	return g_test_run();
}
