/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-client.h"
#include "arc-cli-error.h"
#include "arc-error.h"

static void
arc_test_client_normalize_url_func(void)
{
	const struct {
		const gchar *in;
		const gchar *out;
	} table[] = {
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"192.168.1.20:8080", "http://192.168.1.20:8080"},
		{"https://agent.example:8443//", "https://agent.example:8443"},
		{"ftp://host", NULL},
		{"http://", NULL},
		{"", NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *url = arc_cli_client_normalize_url(table[i].in, &error);

		g_assert_cmpstr(url, ==, table[i].out);
		if (table[i].out == NULL)
			g_assert_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE);
	}
}

static void
arc_test_client_api_error_func(void)
{
	const struct {
		guint status;
		const gchar *body;
		gint code;
		const gchar *message;
	} table[] = {
		{401, "{\"error\":\"unauthorized\",\"code\":\"UNAUTHORIZED\"}",
		 ARC_ERROR_UNAUTHORIZED, "unauthorized"},
		{422, "{\"error\":\"license expired\",\"code\":\"LICENSE_EXPIRED\"}",
		 ARC_ERROR_LICENSE_EXPIRED, "license expired"},
		{403, "{\"error\":\"scope missing\",\"code\":\"SOMETHING_NEW\"}",
		 ARC_ERROR_FORBIDDEN, "scope missing"},
		{404, NULL, ARC_ERROR_NOT_FOUND, "not found"},
		{500, "[1]", ARC_ERROR_INTERNAL, "internal server error"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(JsonNode) body =
			table[i].body != NULL ? json_from_string(table[i].body, NULL) : NULL;
		g_autoptr(GError) error = arc_cli_client_api_error(table[i].status, body);

		g_assert_error(error, ARC_ERROR, table[i].code);
		g_assert_cmpstr(error->message, ==, table[i].message);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/client/normalize-url", arc_test_client_normalize_url_func);
	g_test_add_func("/cli/client/api-error", arc_test_client_api_error_func);
	return g_test_run();
}
