/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-trace.h"

#include <string.h>

static void
arc_test_trace_header_func(void)
{
	const struct {
		const gchar *name;
		const gchar *value;
		const gchar *shown;
	} table[] = {
		{"Authorization", "Bearer eyJhbGciOi.payload.sig", "Bearer [REDACTED]"},
		{"authorization", "Basic Y2xpOnNlYw==", "Basic [REDACTED]"},
		{"Authorization", "opaque", "[REDACTED]"},
		{"X-Arctic-Recovery", "rec_0123456789", "[REDACTED]"},
		{"Content-Type", "application/json", "application/json"},
		{"Accept", "application/json", "application/json"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autofree gchar *shown =
			arc_cli_trace_redact_header(table[i].name, table[i].value);

		g_assert_cmpstr(shown, ==, table[i].shown);
	}
}

static void
arc_test_trace_form_func(void)
{
	const gchar *form = "grant_type=client_credentials&client_id=cli_01ABC&"
			    "client_secret=sec_TOPSECRET%2Bvalue";
	g_autofree gchar *shown =
		arc_cli_trace_redact_body("application/x-www-form-urlencoded", form, strlen(form));

	g_assert_cmpstr(
		shown, ==,
		"grant_type=client_credentials&client_id=cli_01ABC&client_secret=[REDACTED]");
}

static void
arc_test_trace_json_func(void)
{
	const gchar *json =
		"{\"access_token\":\"eyJ.SECRET1.sig\",\"token_type\":\"Bearer\","
		"\"nested\":{\"client_secret\":\"sec_SECRET2\",\"client_id\":\"cli_1\"},"
		"\"list\":[{\"token\":\"SECRET3\"}],\"Client_Secret\":\"SECRET4\"}";
	g_autofree gchar *shown = arc_cli_trace_redact_body("application/json", json, strlen(json));

	g_assert_null(strstr(shown, "SECRET"));
	g_assert_nonnull(strstr(shown, "\"client_id\":\"cli_1\""));
	g_assert_nonnull(strstr(shown, "\"token_type\":\"Bearer\""));
	g_assert_nonnull(strstr(shown, "\"access_token\":\"[REDACTED]\""));
}

/* Bodies that do not parse are still searched */
static void
arc_test_trace_broken_json_func(void)
{
	const gchar *json =
		"{\"client_secret\": \"sec_SECRET\\\"X\", \"access_token\":\"tok_SECRET";
	const gchar *text = "oops client_secret=sec_SECRET&x=1";
	g_autofree gchar *shown = arc_cli_trace_redact_body(NULL, json, strlen(json));
	g_autofree gchar *shown_text = arc_cli_trace_redact_body("text/plain", text, strlen(text));

	g_assert_null(strstr(shown, "SECRET"));
	g_assert_nonnull(strstr(shown, "\"client_secret\": \"[REDACTED]\""));
	g_assert_cmpstr(shown_text, ==, "oops client_secret=[REDACTED]&x=1");
}

static void
arc_test_trace_binary_func(void)
{
	const gchar data[] = {'\xff', '\xfe', 'a', '\0'};
	g_autofree gchar *shown = arc_cli_trace_redact_body(NULL, data, sizeof(data));

	g_assert_cmpstr(shown, ==, "[4 bytes of binary data]");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/trace/header", arc_test_trace_header_func);
	g_test_add_func("/cli/trace/form", arc_test_trace_form_func);
	g_test_add_func("/cli/trace/json", arc_test_trace_json_func);
	g_test_add_func("/cli/trace/broken-json", arc_test_trace_broken_json_func);
	g_test_add_func("/cli/trace/binary", arc_test_trace_binary_func);
	return g_test_run();
}
