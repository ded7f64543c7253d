/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

G_BEGIN_DECLS

/* What a round carries (docs/protocol.md §6.3): a digest lists every record as
 * `[kind, id, version, updated_at, writer, signature prefix]`; the other side answers with
 * the records the digest's sender lacks, and asks for those it lacks itself. */

/* records in one message; the rest comes with the next round */
#define ARC_GOSSIP_MAX_RECORDS 256

void arc_gossip_digest_add_entries(JsonBuilder *b, GPtrArray *records);
void arc_gossip_digest_diff(GPtrArray *local, JsonArray *entries, GPtrArray *push, GPtrArray *want);
void arc_gossip_digest_add_records(JsonBuilder *b, GPtrArray *records);
GPtrArray *arc_gossip_digest_parse_records(JsonObject *body, const gchar *from);

G_END_DECLS
