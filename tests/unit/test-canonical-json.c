/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

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

/* a member name twice in one object, at any depth, compared after unescaping: json-glib
 * would keep the last, so a signer and a reader could disagree on the value */
static void
duplicate_names_func(void)
{
	const struct {
		const gchar *in;
		gboolean ok;
	} cases[] = {
		{"{\"a\":1,\"b\":2}", TRUE},
		{"{\"a\":1,\"a\":2}", FALSE},
		{"{\"a\":1,\"b\":2,\"a\":1}", FALSE},
		{"{\"x\":{\"a\":1,\"a\":2}}", FALSE},
		{"{\"x\":[{\"a\":1},{\"a\":2}]}", TRUE},
		{"{\"x\":[1,{\"k\":{\"a\":[],\"a\":{}}}]}", FALSE},
		/* the same name in parent and child, or as a value, is no duplicate */
		{"{\"a\":{\"a\":\"a\"},\"b\":\"a\"}", TRUE},
		{"{\"a\":\"b\",\"b\":1}", TRUE},
		/* escapes: \u0061 is 'a', \/ is '/', a surrogate pair is one character */
		{"{\"a\":1,\"\\u0061\":2}", FALSE},
		{"{\"a/b\":1,\"a\\/b\":2}", FALSE},
		{"{\"\\n\":1,\"\\u000a\":2}", FALSE},
		{"{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", FALSE},
		{"{\"\\u00e9\":1,\"e\":2}", TRUE},
		/* a name's quotes and colons inside strings are not structure */
		{"{\"a\":\"x,\\\"a\\\":1\",\"b\":2}", TRUE},
		{"{\"a\\\"\":1,\"a\":2}", TRUE},
		{"{\"\":1,\"\":2}", FALSE},
		/* names that are prefixes of each other differ; escaped and plain ones compare as
		 * the characters they stand for */
		{"{\"ab\":1,\"a\":2,\"abc\":3,\"\":4}", TRUE},
		{"{\"b\":1,\"a\\u0062\":2,\"ab\":3}", FALSE},
		{"{\"a\\u0062\":1,\"a\\u0062c\":2,\"a\\u0062\\u0063\":3}", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GError) error_check = NULL;
		g_autoptr(JsonNode) node = arc_json_parse_object(cases[i].in, -1, 8, &error);
		gboolean checked = arc_json_check_strict(cases[i].in, -1, 8, &error_check);

		g_test_message("case %u: %s", i, cases[i].in);
		if (cases[i].ok) {
			g_assert_no_error(error);
			g_assert_no_error(error_check);
			g_assert_nonnull(node);
			g_assert_true(checked);
		} else {
			g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
			g_assert_error(error_check, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
			g_assert_nonnull(strstr(error->message, "duplicate member"));
			g_assert_null(node);
			g_assert_false(checked);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/canonical-json/table", canonical_json_func);
	g_test_add_func("/canonical-json/parse-object", parse_object_func);
	g_test_add_func("/canonical-json/duplicate-names", duplicate_names_func);
	return g_test_run();
}
