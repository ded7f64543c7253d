/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-error.h"
#include "arc-cli-peer-address.h"

static void
arc_test_peer_address_parse_func(void)
{
	const struct {
		const gchar *text;
		const gchar *address; /* NULL: refused */
	} table[] = {
		{"192.168.1.20:8080", "192.168.1.20:8080"},
		{"agent-b.example:8080", "agent-b.example:8080"},
		{"[fd00::5]:8080", "[fd00::5]:8080"},
		{"http://192.168.1.20:8080", "192.168.1.20:8080"},
		{"HTTP://agent-b:8080/", "agent-b:8080"},
		{"localhost:1", "localhost:1"},
		{"agent-b:65535", "agent-b:65535"},
		{"192.168.1.20", NULL},
		{"192.168.1.20:", NULL},
		{":8080", NULL},
		{"agent-b:0", NULL},
		{"agent-b:65536", NULL},
		{"agent-b:http", NULL},
		{"fd00::5", NULL},
		/* an agent whose API speaks TLS (docs/tls.md): the scheme is kept */
		{"https://agent-b:8080", "https://agent-b:8080"},
		{"HTTPS://[fd00::5]:8443/", "https://[fd00::5]:8443"},
		{"https://agent-b", NULL},
		{"https://agent-b:8080/v1", NULL},
		{"ftp://agent-b:8080", NULL},
		{"http://agent-b", NULL},
		{"http://agent-b:8080/v1", NULL},
		{"http://agent-b:8080//", NULL},
		{"user@agent-b:8080", NULL},
		{"agent-b:8080?x", NULL},
		{"agent-b:8080#x", NULL},
		{"agent b:8080", NULL},
		{"agent-b:8080\n", NULL},
		{"", NULL},
		{"http://", NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *address = arc_cli_peer_address_parse(table[i].text, &error);

		g_test_message("%s", table[i].text);
		if (table[i].address == NULL) {
			g_assert_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE);
			g_assert_null(address);
			continue;
		}
		g_assert_no_error(error);
		g_assert_cmpstr(address, ==, table[i].address);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/peer-address/parse", arc_test_peer_address_parse_func);
	return g_test_run();
}
