/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>

#include "arc-rest-request.h"
#include "arc-time.h"

/* strings a client may have put in a name or an id: quotes, backslashes, every control
 * character, UTF-8, DEL and a slash */
static const gchar *const rest_json_strings[] = {
	"",
	"plain",
	"quote \" and back\\slash",
	"line\nfeed\r\ttab\b\f",
	"\x01\x02\x1e",
	"caf\xc3\xa9 \xe2\x82\xac",
	"del \x7f and </script>",
	"a/b",
};

/* the same document through JsonBuilder + JsonGenerator, which the API used before */
static gchar *
rest_json_reference(void)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "items");
	json_builder_begin_array(b);
	for (guint i = 0; i < G_N_ELEMENTS(rest_json_strings); i++) {
		json_builder_begin_object(b);
		arc_rest_builder_add_string(b, rest_json_strings[i], rest_json_strings[i]);
		arc_rest_builder_add_string(b, "none", NULL);
		arc_rest_builder_add_time(b, "at", 1700000000 + i);
		arc_rest_builder_add_time(b, "never", 0);
		arc_rest_builder_add_int(b, "n", -(gint64)i * 1000000007);
		json_builder_set_member_name(b, "list");
		json_builder_begin_array(b);
		for (guint k = 0; k < i % 3; k++)
			json_builder_add_string_value(b, rest_json_strings[k]);
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "empty");
	json_builder_begin_object(b);
	json_builder_end_object(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

static void
rest_json_same_as_generator_func(void)
{
	g_auto(ArcRestJson) j = {NULL};
	g_autofree gchar *expected = rest_json_reference();
	g_autofree gchar *text = NULL;
	gsize len = 0;

	arc_rest_json_init(&j);
	arc_rest_json_begin_object(&j, NULL);
	arc_rest_json_begin_array(&j, "items");
	for (guint i = 0; i < G_N_ELEMENTS(rest_json_strings); i++) {
		arc_rest_json_begin_object(&j, NULL);
		arc_rest_json_string(&j, rest_json_strings[i], rest_json_strings[i]);
		arc_rest_json_string(&j, "none", NULL);
		arc_rest_json_time(&j, "at", 1700000000 + i);
		arc_rest_json_time(&j, "never", 0);
		arc_rest_json_int(&j, "n", -(gint64)i * 1000000007);
		arc_rest_json_begin_array(&j, "list");
		for (guint k = 0; k < i % 3; k++)
			arc_rest_json_string(&j, NULL, rest_json_strings[k]);
		arc_rest_json_end_array(&j);
		arc_rest_json_end_object(&j);
	}
	arc_rest_json_end_array(&j);
	arc_rest_json_begin_object(&j, "empty");
	arc_rest_json_end_object(&j);
	arc_rest_json_end_object(&j);
	text = arc_rest_json_steal(&j, &len);
	g_assert_cmpstr(text, ==, expected);
	g_assert_cmpuint(len, ==, strlen(expected));
	g_assert_null(j.buf);

	/* 0x1f as JSON wants it, where json-glib 1.6 writes the raw byte */
	arc_rest_json_init(&j);
	arc_rest_json_string(&j, NULL, "unit\x1fsep");
	g_assert_cmpstr(j.buf->str, ==, "\"unit\\u001fsep\"");
}

/* the formatter against GDateTime over its whole range (years from 1000: GDateTime does not
 * pad smaller ones to four digits, RFC 3339 does) */
static void
rest_json_time_func(void)
{
	const gint64 step = 86399 * 7 + 13;
	gint64 t;

	for (t = G_GINT64_CONSTANT(-30610224000); t < G_GINT64_CONSTANT(253402300799); t += step) {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
		g_autofree gchar *expected = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
		g_autofree gchar *text = arc_time_format_rfc3339(t);
		g_assert_cmpstr(text, ==, expected);
	}
	{
		g_autofree gchar *last = arc_time_format_rfc3339(G_GINT64_CONSTANT(253402300799));
		g_autofree gchar *beyond = arc_time_format_rfc3339(G_GINT64_CONSTANT(253402300800));
		g_autofree gchar *leap = arc_time_format_rfc3339(951868799);
		g_assert_cmpstr(last, ==, "9999-12-31T23:59:59Z");
		g_assert_cmpstr(beyond, ==, "1970-01-01T00:00:00Z");
		g_assert_cmpstr(leap, ==, "2000-02-29T23:59:59Z");
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/rest-json/same-as-generator", rest_json_same_as_generator_func);
	g_test_add_func("/rest-json/time", rest_json_time_func);
	return g_test_run();
}
