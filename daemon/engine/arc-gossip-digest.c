/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-digest.h"

#include "arc-metrics.h"
#include "arc-record-sign.h"

/* enough of a signature's hash to tell two versions apart in a digest */
#define ARC_GOSSIP_SIG_PREFIX 16

static gchar *
arc_gossip_digest_key(const gchar *kind, const gchar *id)
{
	return g_strconcat(kind, "/", id, NULL);
}

static gchar *
arc_gossip_digest_sig_prefix(const ArcRecord *record)
{
	g_autofree gchar *sum = g_compute_checksum_for_string(
		G_CHECKSUM_SHA256, record->signature != NULL ? record->signature : "", -1);
	return g_strndup(sum, ARC_GOSSIP_SIG_PREFIX);
}

void
arc_gossip_digest_add_entries(JsonBuilder *b, GPtrArray *records)
{
	json_builder_set_member_name(b, "entries");
	json_builder_begin_array(b);
	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autofree gchar *sig = arc_gossip_digest_sig_prefix(record);

		json_builder_begin_array(b);
		json_builder_add_string_value(b, record->kind);
		json_builder_add_string_value(b, record->id);
		json_builder_add_int_value(b, record->version);
		json_builder_add_int_value(b, record->updated_at / 1000);
		json_builder_add_string_value(b, record->writer);
		json_builder_add_string_value(b, sig);
		json_builder_end_array(b);
	}
	json_builder_end_array(b);
}

/* the record an entry `[kind, id, version, updated_at, writer, signature prefix]` of a
 * digest describes, with no body and no signature; NULL for an entry of another shape */
static ArcRecord *
arc_gossip_digest_parse_entry(JsonNode *node, const gchar **their_sig)
{
	JsonArray *e;
	const gchar *kind, *id, *writer;
	ArcRecord *theirs;

	if (!JSON_NODE_HOLDS_ARRAY(node) ||
	    json_array_get_length(e = json_node_get_array(node)) != 6)
		return NULL;
	kind = json_array_get_string_element(e, 0);
	id = json_array_get_string_element(e, 1);
	writer = json_array_get_string_element(e, 4);
	*their_sig = json_array_get_string_element(e, 5);
	if (kind == NULL || id == NULL || writer == NULL || *their_sig == NULL ||
	    json_node_get_value_type(json_array_get_element(e, 2)) != G_TYPE_INT64 ||
	    json_node_get_value_type(json_array_get_element(e, 3)) != G_TYPE_INT64)
		return NULL;
	theirs = arc_record_new(kind, id, "{}");
	theirs->version = json_array_get_int_element(e, 2);
	theirs->updated_at = json_array_get_int_element(e, 3) * 1000;
	theirs->writer = g_strdup(writer);
	return theirs;
}

/* @mine against the other side's entry for it: who holds the newer version */
static void
arc_gossip_digest_weigh(ArcRecord *mine, ArcRecord *theirs, const gchar *their_sig,
			const gchar *key, GPtrArray *push, GPtrArray *want)
{
	g_autofree gchar *sig = arc_gossip_digest_sig_prefix(mine);
	gint cmp;

	/* the signatures are compared by the receiver, on the full records */
	theirs->signature = g_strdup(mine->signature);
	cmp = arc_record_compare_versions(mine, theirs);
	if (cmp == 0 && g_strcmp0(sig, their_sig) != 0) {
		g_ptr_array_add(push, mine);
		g_ptr_array_add(want, g_strdup(key));
	} else if (cmp > 0) {
		g_ptr_array_add(push, mine);
	} else if (cmp < 0) {
		g_ptr_array_add(want, g_strdup(key));
	}
}

/* Compares the other side's digest with the local records: @push gets what it lacks or holds
 * older, @want what this agent lacks or holds older. */
void
arc_gossip_digest_diff(GPtrArray *local, JsonArray *entries, GPtrArray *push, GPtrArray *want)
{
	g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < local->len; i++) {
		ArcRecord *record = g_ptr_array_index(local, i);
		g_hash_table_insert(by_key, arc_gossip_digest_key(record->kind, record->id),
				    record);
	}
	for (guint i = 0; entries != NULL && i < json_array_get_length(entries); i++) {
		const gchar *their_sig = NULL;
		g_autoptr(ArcRecord) theirs = arc_gossip_digest_parse_entry(
			json_array_get_element(entries, i), &their_sig);
		g_autofree gchar *key = NULL;
		ArcRecord *mine;

		if (theirs == NULL)
			continue;
		key = arc_gossip_digest_key(theirs->kind, theirs->id);
		if (!g_hash_table_add(seen, g_strdup(key)))
			continue;
		mine = g_hash_table_lookup(by_key, key);
		if (mine == NULL)
			g_ptr_array_add(want, g_steal_pointer(&key));
		else
			arc_gossip_digest_weigh(mine, theirs, their_sig, key, push, want);
	}
	for (guint i = 0; i < local->len; i++) {
		ArcRecord *record = g_ptr_array_index(local, i);
		g_autofree gchar *key = arc_gossip_digest_key(record->kind, record->id);
		if (!g_hash_table_contains(seen, key))
			g_ptr_array_add(push, record);
	}
}

void
arc_gossip_digest_add_records(JsonBuilder *b, GPtrArray *records)
{
	json_builder_set_member_name(b, "records");
	json_builder_begin_array(b);
	for (guint i = 0; i < records->len && i < ARC_GOSSIP_MAX_RECORDS; i++)
		arc_record_add_json(b, g_ptr_array_index(records, i));
	json_builder_end_array(b);
}

/* parses the records of a message, dropping (and counting) those with a bad shape */
GPtrArray *
arc_gossip_digest_parse_records(JsonObject *body, const gchar *from)
{
	GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	JsonArray *array = arc_json_object_get_array(body, "records");
	guint bad = 0;

	for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
		g_autoptr(GError) error = NULL;
		ArcRecord *record;

		if (i >= ARC_GOSSIP_MAX_RECORDS) {
			bad += json_array_get_length(array) - i;
			break;
		}
		record = arc_record_from_json(json_array_get_element(array, i), &error);
		if (record == NULL) {
			g_debug("from %s: %s", from, error->message);
			bad++;
			continue;
		}
		g_ptr_array_add(records, record);
	}
	if (bad > 0)
		arc_metrics_add("arctic_gossip_records_total", "result=\"refused\"", bad);
	return records;
}
