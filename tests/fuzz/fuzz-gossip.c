/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-gossip-message.h"
#include "arc-record-sign.h"
#include "arctic-plugin.h"

/* Gossip messages come from any host that can reach the API port. Every input goes through
 * the envelope parser; a failure must be ARC_ERROR_INVALID_REQUEST. What parses is verified
 * against a fixed key (nothing an input can contain is signed by it, so verification must
 * fail) and offered to a replay guard twice: the second time it must be refused. The records
 * of its body go through the record parser (also reached by the handshake, before any
 * signature is checked): what parses must not verify under the fixed key, and must survive
 * its own wire form unchanged. */

static const guint8 arc_fuzz_gossip_key[32] = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
					       0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
					       0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
					       0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};

static void G_GNUC_NORETURN
arc_fuzz_gossip_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-gossip: %s\n", what);
	abort();
}

static void
arc_fuzz_gossip_record(JsonNode *node)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcRecord) record = arc_record_from_json(node, &error);
	g_autoptr(ArcRecord) again = NULL;
	g_autoptr(JsonBuilder) b = NULL;
	g_autoptr(JsonNode) wire = NULL;

	if (record == NULL) {
		if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
			arc_fuzz_gossip_fail("a record refusal that is not INVALID_REQUEST");
		return;
	}
	if (arc_record_verify(record, arc_fuzz_gossip_key, NULL))
		arc_fuzz_gossip_fail("a record verified under a key that signed nothing");
	b = json_builder_new();
	arc_record_add_json(b, record);
	wire = json_builder_get_root(b);
	again = arc_record_from_json(wire, NULL);
	if (again == NULL || g_strcmp0(again->kind, record->kind) != 0 ||
	    g_strcmp0(again->id, record->id) != 0 || again->version != record->version ||
	    again->updated_at != record->updated_at || again->deleted != record->deleted ||
	    g_strcmp0(again->signature, record->signature) != 0 ||
	    g_strcmp0(again->body, record->body) != 0)
		arc_fuzz_gossip_fail("a record changed through its own wire form");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcGossipMessage) msg = NULL;
	g_autoptr(ArcGossipReplayGuard) guard = NULL;

	if (sodium_init() < 0)
		arc_fuzz_gossip_fail("libsodium");
	msg = arc_gossip_message_parse((const gchar *)data, size, &error);
	if (msg == NULL) {
		if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
			arc_fuzz_gossip_fail("a refusal that is not INVALID_REQUEST");
		return 0;
	}
	if (msg->type == NULL || msg->from == NULL || msg->body == NULL)
		arc_fuzz_gossip_fail("a parsed message without its fields");
	if (arc_gossip_message_verify(msg, arc_fuzz_gossip_key, NULL))
		arc_fuzz_gossip_fail("a message verified under a key that signed nothing");
	{
		JsonArray *records =
			arc_json_object_get_array(json_node_get_object(msg->body), "records");
		for (guint i = 0; records != NULL && i < json_array_get_length(records); i++)
			arc_fuzz_gossip_record(json_array_get_element(records, i));
	}
	guard = arc_gossip_replay_guard_new(30000);
	if (arc_gossip_replay_guard_check(guard, msg, msg->timestamp, NULL) &&
	    arc_gossip_replay_guard_check(guard, msg, msg->timestamp, NULL))
		arc_fuzz_gossip_fail("the same message accepted twice");
	return 0;
}
