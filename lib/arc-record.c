/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-record.h"

G_DEFINE_BOXED_TYPE(ArcRecord, arc_record, arc_record_copy, arc_record_free)

/**
 * arc_record_new:
 * @kind: the record kind
 * @id: the record id
 * @body: (nullable): the JSON body
 *
 * Returns: (transfer full): a record with version 0 and no writer
 */
ArcRecord *
arc_record_new(const gchar *kind, const gchar *id, const gchar *body)
{
	ArcRecord *self = g_new0(ArcRecord, 1);
	self->kind = g_strdup(kind);
	self->id = g_strdup(id);
	self->body = g_strdup(body);
	return self;
}

ArcRecord *
arc_record_copy(const ArcRecord *self)
{
	ArcRecord *copy = arc_record_new(self->kind, self->id, self->body);
	copy->version = self->version;
	copy->writer = g_strdup(self->writer);
	copy->signature = g_strdup(self->signature);
	copy->deleted = self->deleted;
	copy->updated_at = self->updated_at;
	return copy;
}

void
arc_record_free(ArcRecord *self)
{
	if (self == NULL)
		return;
	g_free(self->kind);
	g_free(self->id);
	g_free(self->writer);
	g_free(self->body);
	g_free(self->signature);
	g_free(self);
}
