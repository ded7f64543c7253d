/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How to show one member of an API object in the table format */
typedef enum {
	ARC_CLI_FIELD_TEXT,   /* strings, numbers, lists joined with ", " */
	ARC_CLI_FIELD_TIME,   /* RFC 3339 → `2025-12-09 04:43:41 UTC` */
	ARC_CLI_FIELD_YES_NO, /* booleans as Yes / No */
} ArcCliFieldKind;

typedef struct _ArcCliFields ArcCliFields;

ArcCliFields *arc_cli_fields_new(guint min_width);
void arc_cli_fields_free(ArcCliFields *self);
void arc_cli_fields_add(ArcCliFields *self, const gchar *label, const gchar *value);
void arc_cli_fields_add_member(ArcCliFields *self, const gchar *label, JsonObject *object,
			       const gchar *member, ArcCliFieldKind kind);
gchar *arc_cli_fields_to_string(ArcCliFields *self);
void arc_cli_fields_print(ArcCliFields *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliFields, arc_cli_fields_free)

G_END_DECLS
