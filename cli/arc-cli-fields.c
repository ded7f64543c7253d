/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-fields.h"

#include <glib/gi18n.h>

#include "arc-cli-json.h"
#include "arc-cli-time.h"

/* A block of `Label:   value` lines with the values aligned, as in spec §5.3 and §5.10 */
struct _ArcCliFields {
	guint min_width;
	GPtrArray *labels; /* of gchar* */
	GPtrArray *values; /* of gchar* */
};

/**
 * arc_cli_fields_new:
 * @min_width: the column the values start at, at least; wider labels push it right
 *
 * Returns: (transfer full): an empty block
 */
ArcCliFields *
arc_cli_fields_new(guint min_width)
{
	ArcCliFields *self = g_new0(ArcCliFields, 1);

	self->min_width = min_width;
	self->labels = g_ptr_array_new_with_free_func(g_free);
	self->values = g_ptr_array_new_with_free_func(g_free);
	return self;
}

/**
 * arc_cli_fields_free:
 * @self: a block
 */
void
arc_cli_fields_free(ArcCliFields *self)
{
	g_ptr_array_unref(self->labels);
	g_ptr_array_unref(self->values);
	g_free(self);
}

/**
 * arc_cli_fields_add:
 * @self: a block
 * @label: the label, with its colon, e.g. `Peer ID:`
 * @value: (nullable): the value; %NULL or empty is shown as `-`
 */
void
arc_cli_fields_add(ArcCliFields *self, const gchar *label, const gchar *value)
{
	g_ptr_array_add(self->labels, g_strdup(label));
	g_ptr_array_add(self->values, g_strdup(value != NULL && value[0] != '\0' ? value : "-"));
}

/**
 * arc_cli_fields_add_member:
 * @self: a block
 * @label: the label
 * @object: (nullable): an API object
 * @member: the member to show
 * @kind: how to show it
 */
void
arc_cli_fields_add_member(ArcCliFields *self, const gchar *label, JsonObject *object,
			  const gchar *member, ArcCliFieldKind kind)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;
	g_autofree gchar *text = NULL;

	if (kind == ARC_CLI_FIELD_TIME) {
		text = arc_cli_time_format_human(arc_cli_json_get_string(object, member));
	} else if (kind == ARC_CLI_FIELD_YES_NO && node != NULL &&
		   json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
		/* TRANSLATORS: values of yes/no fields such as "Is Local:" */
		text = g_strdup(json_node_get_boolean(node) ? _("Yes") : _("No"));
	} else {
		text = arc_cli_json_to_text(node);
	}
	arc_cli_fields_add(self, label, text);
}

/**
 * arc_cli_fields_to_string:
 * @self: a block
 *
 * Returns: (transfer full): the lines, each ending in a newline
 */
gchar *
arc_cli_fields_to_string(ArcCliFields *self)
{
	GString *out = g_string_new(NULL);
	glong width = self->min_width;

	for (guint i = 0; i < self->labels->len; i++)
		width = MAX(width, g_utf8_strlen(g_ptr_array_index(self->labels, i), -1) + 2);
	for (guint i = 0; i < self->labels->len; i++) {
		const gchar *label = g_ptr_array_index(self->labels, i);

		g_string_append(out, label);
		for (glong pad = g_utf8_strlen(label, -1); pad < width; pad++)
			g_string_append_c(out, ' ');
		g_string_append_printf(out, "%s\n",
				       (const gchar *)g_ptr_array_index(self->values, i));
	}
	return g_string_free(out, FALSE);
}

/**
 * arc_cli_fields_print:
 * @self: a block
 *
 * Prints the block on stdout.
 */
void
arc_cli_fields_print(ArcCliFields *self)
{
	g_autofree gchar *text = arc_cli_fields_to_string(self);

	g_print("%s", text);
}
