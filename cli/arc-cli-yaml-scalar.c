/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-yaml.h"

#include <string.h>

/* Digits, then optionally a fraction and an exponent: the float forms we read back as numbers */
static gboolean
arc_cli_yaml_scalar_is_float(const gchar *text)
{
	const gchar *p = text;
	gboolean fraction = FALSE;
	gboolean exponent = FALSE;

	if (*p == '-')
		p++;
	if (!g_ascii_isdigit(*p))
		return FALSE;
	while (g_ascii_isdigit(*p))
		p++;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit(*p))
			return FALSE;
		while (g_ascii_isdigit(*p))
			p++;
		fraction = TRUE;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!g_ascii_isdigit(*p))
			return FALSE;
		while (g_ascii_isdigit(*p))
			p++;
		exponent = TRUE;
	}
	return *p == '\0' && (fraction || exponent);
}

/* Only the canonical decimal form is an integer, so that `0123` or `+5` keep their text */
static gboolean
arc_cli_yaml_scalar_is_int(const gchar *text, gint64 *int_out)
{
	const gchar *digits = text[0] == '-' ? text + 1 : text;

	if (digits[0] == '\0' || (digits[0] == '0' && (digits[1] != '\0' || digits != text)))
		return FALSE;
	for (const gchar *p = digits; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, int_out, NULL);
}

/**
 * arc_cli_yaml_scalar_resolve:
 * @text: the text of a plain scalar
 * @bool_out: (out) (optional): the value if it is a boolean
 * @int_out: (out) (optional): the value if it is an integer
 * @double_out: (out) (optional): the value if it is a floating-point number
 *
 * Decides what a plain scalar stands for, following the YAML 1.2 core schema but stricter:
 * only the forms that arc_cli_yaml_from_json() writes are read as numbers, so that reading
 * and writing a file never changes a value's text.
 *
 * Returns: the kind of value
 */
ArcCliYamlScalarKind
arc_cli_yaml_scalar_resolve(const gchar *text, gboolean *bool_out, gint64 *int_out,
			    gdouble *double_out)
{
	const gchar *nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	const gchar *trues[] = {"true", "True", "TRUE", NULL};
	const gchar *falses[] = {"false", "False", "FALSE", NULL};
	gint64 int_value = 0;

	if (g_strv_contains(nulls, text))
		return ARC_CLI_YAML_SCALAR_NULL;
	if (g_strv_contains(trues, text) || g_strv_contains(falses, text)) {
		if (bool_out != NULL)
			*bool_out = g_strv_contains(trues, text);
		return ARC_CLI_YAML_SCALAR_BOOL;
	}
	if (arc_cli_yaml_scalar_is_int(text, &int_value)) {
		if (int_out != NULL)
			*int_out = int_value;
		return ARC_CLI_YAML_SCALAR_INT;
	}
	if (arc_cli_yaml_scalar_is_float(text)) {
		if (double_out != NULL)
			*double_out = g_ascii_strtod(text, NULL);
		return ARC_CLI_YAML_SCALAR_DOUBLE;
	}
	return ARC_CLI_YAML_SCALAR_STRING;
}

/**
 * arc_cli_yaml_scalar_is_ambiguous:
 * @text: a string value
 *
 * Tells whether @text, written as a plain scalar, could be read back as something other than
 * a string, by us or by the YAML 1.1 readers people still use (PyYAML: `yes`, `on`, `0x1f`,
 * `0.1.0`, timestamps). Such strings are written quoted.
 *
 * Returns: %TRUE if @text must be quoted
 */
gboolean
arc_cli_yaml_scalar_is_ambiguous(const gchar *text)
{
	const gchar *words[] = {"y",    "n",     "yes",   "no",   "on", "off",
				".inf", "-.inf", "+.inf", ".nan", NULL};
	g_autofree gchar *lower = NULL;

	if (arc_cli_yaml_scalar_resolve(text, NULL, NULL, NULL) != ARC_CLI_YAML_SCALAR_STRING)
		return TRUE;
	lower = g_ascii_strdown(text, -1);
	if (g_strv_contains(words, lower))
		return TRUE;
	if (strchr("0123456789+-.", text[0]) == NULL)
		return FALSE;
	/* number-like: hex, octal, sexagesimal, versions, dates and timestamps */
	return strspn(text, "0123456789abcdefABCDEFxXoO._:+-TZtz ") == strlen(text);
}
