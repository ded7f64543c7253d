/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-identity.h"

G_BEGIN_DECLS

/* Signed records, the unit of replication (docs/protocol.md §6.1, §6.2): what a record's
 * signature covers, which of two versions wins, and the registry hash two agents compare. */

#define ARC_RECORD_DOMAIN "arctic-record-v1"
#define ARC_RECORD_MAX_KIND 32
#define ARC_RECORD_MAX_ID 128

gchar *arc_record_signing_bytes(const ArcRecord *record, gsize *len, GError **error);
gboolean arc_record_sign(ArcRecord *record, ArcIdentity *identity, GError **error);
gboolean arc_record_verify(const ArcRecord *record, const guint8 *key, GError **error);
gboolean arc_record_verify_parsed(const ArcRecord *record, JsonNode *body, const guint8 *key,
				  GError **error);
gint arc_record_compare_versions(const ArcRecord *a, const ArcRecord *b);
gchar *arc_record_registry_hash(GPtrArray *records);
void arc_record_add_json(JsonBuilder *b, const ArcRecord *record);
ArcRecord *arc_record_from_json(JsonNode *node, GError **error);
gboolean arc_record_sign_txn(ArcStorageTxn *txn, ArcIdentity *identity, const gchar *peer_id,
			     GError **error);

G_END_DECLS
