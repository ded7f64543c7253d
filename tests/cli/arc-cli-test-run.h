/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one run of the built `arctic` did */
typedef struct {
	gint exit_code;
	gchar *out;
	gchar *err;
} ArcCliTestResult;

void arc_cli_test_result_free(ArcCliTestResult *self);
ArcCliTestResult *arc_cli_test_run(const gchar *const *env, const gchar *const *args);
ArcCliTestResult *arc_cli_test_run_tty(const gchar *const *args, const gchar *typed);
ArcCliTestResult *arc_cli_test_runv(const gchar *first_arg, ...) G_GNUC_NULL_TERMINATED;
ArcCliTestResult *arc_cli_test_run_german(const gchar *const *args);
gchar *arc_cli_test_config_path(void);
void arc_cli_test_write_config(const gchar *yaml);
gchar *arc_cli_test_write_file(const gchar *name, const gchar *contents);
void arc_cli_test_write_cluster_config(const gchar *first_endpoint, ...) G_GNUC_NULL_TERMINATED;
gchar *arc_cli_test_closed_port_url(void);
JsonObject *arc_cli_test_parse_object(const gchar *text, JsonNode **node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliTestResult, arc_cli_test_result_free)

/* Skips the test when the build did not say where the CLI is */
#define ARC_CLI_TEST_REQUIRE_CLI()                                                                 \
	G_STMT_START                                                                               \
	{                                                                                          \
		if (g_getenv("ARCTIC_CLI") == NULL) {                                              \
			g_test_skip("ARCTIC_CLI is not set");                                      \
			return;                                                                    \
		}                                                                                  \
	}                                                                                          \
	G_STMT_END

G_END_DECLS
