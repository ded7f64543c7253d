/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-compose.h"
#include "arc-fuzz.h"

/* Compose files come from operators and from CI pipelines. Every input is parsed and
 * validated; every problem must be reported as `FILE:LINE:COLUMN: message`; a file without
 * errors prints in a canonical form that parses back without errors to the same text. */

static void G_GNUC_NORETURN
arc_fuzz_compose_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-compose: %s\n", what);
	abort();
}

static void
arc_fuzz_compose_check_report(ArcComposeReport *report)
{
	for (guint i = 0; i < report->errors->len; i++) {
		const gchar *error = g_ptr_array_index(report->errors, i);
		if (!g_str_has_prefix(error, "f.yaml:") || strstr(error, ": ") == NULL)
			arc_fuzz_compose_fail("an error without FILE:LINE:COLUMN");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(ArcComposeReport) report = arc_compose_report_new();
	g_autoptr(ArcComposeReport) report2 = arc_compose_report_new();
	g_autoptr(ArcComposeFile) file = NULL;
	g_autoptr(ArcComposeFile) again = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *text2 = NULL;

	file = arc_compose_parse("f.yaml", (const gchar *)data, size, report);
	if (file != NULL)
		arc_compose_validate(file, report);
	arc_fuzz_compose_check_report(report);
	arc_compose_has_comments((const gchar *)data, size, NULL);
	if (file == NULL || report->errors->len > 0)
		return 0;
	text = arc_compose_file_to_yaml(file, NULL);
	if (text == NULL)
		arc_fuzz_compose_fail("a valid file that cannot be written");
	again = arc_compose_parse("f.yaml", text, strlen(text), report2);
	if (again != NULL)
		arc_compose_validate(again, report2);
	if (again == NULL || report2->errors->len > 0)
		arc_fuzz_compose_fail("a canonical form that does not parse back");
	text2 = arc_compose_file_to_yaml(again, NULL);
	if (g_strcmp0(text, text2) != 0)
		arc_fuzz_compose_fail("a canonical form that is not stable");
	return 0;
}
