/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-record-sign.h"

#include <sodium.h>
#include <string.h>

#define ARC_RECORD_MAX_DEPTH 16

static gchar *
arc_record_signing_bytes_of(const ArcRecord *record, JsonNode *body, gsize *len, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *canonical = NULL;
	GByteArray *out;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "body");
	json_builder_add_value(b, body);
	json_builder_set_member_name(b, "deleted");
	json_builder_add_boolean_value(b, record->deleted);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, record->id);
	json_builder_set_member_name(b, "kind");
	json_builder_add_string_value(b, record->kind);
	json_builder_set_member_name(b, "updated_at");
	json_builder_add_int_value(b, record->updated_at / 1000);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, record->version);
	json_builder_set_member_name(b, "writer");
	json_builder_add_string_value(b, record->writer);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	canonical = arc_canonical_json(root, NULL, error);
	if (canonical == NULL)
		return NULL;
	out = g_byte_array_new();
	g_byte_array_append(out, (const guint8 *)ARC_RECORD_DOMAIN, sizeof(ARC_RECORD_DOMAIN));
	g_byte_array_append(out, (const guint8 *)canonical, (guint)strlen(canonical));
	*len = out->len;
	return (gchar *)g_byte_array_free(out, FALSE);
}

static gboolean
arc_record_check_fields(const ArcRecord *record, GError **error)
{
	if (record->kind == NULL || record->id == NULL || record->writer == NULL ||
	    record->body == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "record: kind, id, writer and body are required");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_record_signing_bytes:
 * @record: a record
 * @len: (out): the length
 * @error: return location for a #GError
 *
 * `arctic-record-v1 NUL canonical_json({body, deleted, id, kind, updated_at, version,
 * writer})`, with the body as the JSON object it holds.
 *
 * Returns: (transfer full): the bytes a record's signature covers, or %NULL with
 *   %ARC_ERROR_INVALID_REQUEST when the body is not a JSON object with a canonical form
 */
gchar *
arc_record_signing_bytes(const ArcRecord *record, gsize *len, GError **error)
{
	JsonNode *body;

	if (!arc_record_check_fields(record, error))
		return NULL;
	body = arc_json_parse_object(record->body, -1, ARC_RECORD_MAX_DEPTH, error);
	if (body == NULL) {
		g_prefix_error(error, "record %s/%s: ", record->kind, record->id);
		return NULL;
	}
	return arc_record_signing_bytes_of(record, body, len, error);
}

/**
 * arc_record_sign:
 * @record: a record written by @identity's peer (its @writer)
 * @identity: the writer's key
 * @error: return location for a #GError
 *
 * Sets @record's signature (base64).
 *
 * Returns: %TRUE once signed
 */
gboolean
arc_record_sign(ArcRecord *record, ArcIdentity *identity, GError **error)
{
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	gsize len = 0;
	g_autofree gchar *bytes = arc_record_signing_bytes(record, &len, error);

	if (bytes == NULL)
		return FALSE;
	arc_identity_sign(identity, (const guint8 *)bytes, len, signature);
	g_free(record->signature);
	record->signature = g_base64_encode(signature, sizeof(signature));
	return TRUE;
}

/**
 * arc_record_verify:
 * @record: a record, untrusted
 * @key: the public key this agent holds for its writer
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the record is signed by @key as it stands
 */
static gboolean
arc_record_verify_bytes(const ArcRecord *record, const gchar *bytes, gsize len,
			const guint8 *signature, const guint8 *key, GError **error)
{
	if (crypto_sign_verify_detached(signature, (const guchar *)bytes, len, key) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "record %s/%s version %" G_GINT64_FORMAT
			    " is not signed by its writer %s",
			    record->kind, record->id, record->version, record->writer);
		return FALSE;
	}
	return TRUE;
}

/* the signature, decoded, or %NULL with @error set */
static guint8 *
arc_record_decode_signature(const ArcRecord *record, GError **error)
{
	g_autofree guint8 *signature = NULL;
	gsize sig_len = 0;

	if (record->signature == NULL ||
	    (signature = arc_base64_decode_strict(record->signature, -1, &sig_len)) == NULL ||
	    sig_len != ARC_IDENTITY_SIGNATURE_SIZE) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "record %s/%s carries no valid signature",
			    record->kind != NULL ? record->kind : "?",
			    record->id != NULL ? record->id : "?");
		return NULL;
	}
	return g_steal_pointer(&signature);
}

gboolean
arc_record_verify(const ArcRecord *record, const guint8 *key, GError **error)
{
	g_autofree guint8 *signature = arc_record_decode_signature(record, error);
	g_autofree gchar *bytes = NULL;
	gsize len = 0;

	if (signature == NULL)
		return FALSE;
	bytes = arc_record_signing_bytes(record, &len, error);
	if (bytes == NULL)
		return FALSE;
	return arc_record_verify_bytes(record, bytes, len, signature, key, error);
}

/**
 * arc_record_verify_parsed:
 * @record: a record, untrusted
 * @body: @record's body as arc_json_parse_object() parsed it (any depth up to 16), for a
 *   caller that parsed it already: the parse is a fifth of a verification's cost
 * @key: the public key this agent holds for its writer
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the record is signed by @key as it stands
 */
gboolean
arc_record_verify_parsed(const ArcRecord *record, JsonNode *body, const guint8 *key, GError **error)
{
	g_autofree guint8 *signature = arc_record_decode_signature(record, error);
	g_autofree gchar *bytes = NULL;
	gsize len = 0;

	if (signature == NULL || !arc_record_check_fields(record, error))
		return FALSE;
	bytes = arc_record_signing_bytes_of(record, json_node_ref(body), &len, error);
	if (bytes == NULL)
		return FALSE;
	return arc_record_verify_bytes(record, bytes, len, signature, key, error);
}

/**
 * arc_record_compare_versions:
 * @a: a version of a record
 * @b: another version of the same record
 *
 * The order every agent uses to pick the version it keeps: the higher version, then the
 * later update, then the writer's id, bytewise. Only identical versions compare equal.
 *
 * Returns: < 0 if @a loses to @b, > 0 if it wins, 0 if they are the same version
 */
gint
arc_record_compare_versions(const ArcRecord *a, const ArcRecord *b)
{
	gint cmp;

	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if (a->updated_at / 1000 != b->updated_at / 1000)
		return a->updated_at / 1000 < b->updated_at / 1000 ? -1 : 1;
	cmp = g_strcmp0(a->writer, b->writer);
	if (cmp != 0)
		return cmp < 0 ? -1 : 1;
	/* the same (version, time, writer) with other contents: the signature decides, so
	 * that even a writer that signed two versions alike converges everywhere */
	cmp = g_strcmp0(a->signature, b->signature);
	return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}

static gint
arc_record_cmp_key(gconstpointer pa, gconstpointer pb)
{
	const ArcRecord *a = *(const ArcRecord *const *)pa;
	const ArcRecord *b = *(const ArcRecord *const *)pb;
	gint cmp = strcmp(a->kind, b->kind);
	return cmp != 0 ? cmp : strcmp(a->id, b->id);
}

/**
 * arc_record_registry_hash:
 * @records: (element-type ArcRecord): every record an agent holds, tombstones included
 *
 * SHA-256, in hex, over one line per record sorted by kind then id (bytewise):
 * `kind NUL id NUL version NUL hex(sha256(signature)) LF`. Two agents that hold the same
 * versions have the same hash, whatever order they stored them in.
 *
 * Returns: (transfer full): 64 hex digits
 */
gchar *
arc_record_registry_hash(GPtrArray *records)
{
	g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(records->len);
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (guint i = 0; i < records->len; i++)
		g_ptr_array_add(sorted, g_ptr_array_index(records, i));
	g_ptr_array_sort(sorted, arc_record_cmp_key);
	for (guint i = 0; i < sorted->len; i++) {
		const ArcRecord *record = g_ptr_array_index(sorted, i);
		const gchar *sig = record->signature != NULL ? record->signature : "";
		g_autofree gchar *sig_hash =
			g_compute_checksum_for_string(G_CHECKSUM_SHA256, sig, -1);
		g_autofree gchar *version = g_strdup_printf("%" G_GINT64_FORMAT, record->version);

		g_checksum_update(sum, (const guchar *)record->kind, strlen(record->kind) + 1);
		g_checksum_update(sum, (const guchar *)record->id, strlen(record->id) + 1);
		g_checksum_update(sum, (const guchar *)version, strlen(version) + 1);
		g_checksum_update(sum, (const guchar *)sig_hash, strlen(sig_hash));
		g_checksum_update(sum, (const guchar *)"\n", 1);
	}
	return g_strdup(g_checksum_get_string(sum));
}

/**
 * arc_record_sign_txn:
 * @txn: writes about to be committed
 * @identity: the local peer's key
 * @peer_id: the local peer
 * @error: return location for a #GError
 *
 * Signs every record @txn puts that this peer writes (its writer is @peer_id, or unset and
 * then set to it); records of other writers, received by replication, keep their own
 * signatures.
 *
 * Returns: %TRUE if every such record could be signed
 */
gboolean
arc_record_sign_txn(ArcStorageTxn *txn, ArcIdentity *identity, const gchar *peer_id, GError **error)
{
	for (guint i = 0; i < arc_storage_txn_get_size(txn); i++) {
		const ArcStorageOp *op = arc_storage_txn_get_op(txn, i);
		ArcRecord *record = op->record;

		if (op->kind != ARC_STORAGE_OP_PUT_RECORD || record == NULL)
			continue;
		if (record->writer == NULL)
			record->writer = g_strdup(peer_id);
		if (g_strcmp0(record->writer, peer_id) != 0)
			continue;
		if (!arc_record_sign(record, identity, error))
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_record_add_json:
 * @b: a builder, where a value is expected
 * @record: a signed record
 *
 * Adds the wire form of a record (docs/protocol.md §6.1): `{"kind", "id", "version",
 * "writer", "deleted", "updated_at" (ms), "body" (the object), "signature"}`.
 */
void
arc_record_add_json(JsonBuilder *b, const ArcRecord *record)
{
	g_autoptr(JsonNode) body =
		arc_json_parse_object(record->body, -1, ARC_RECORD_MAX_DEPTH, NULL);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "kind");
	json_builder_add_string_value(b, record->kind);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, record->id);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, record->version);
	json_builder_set_member_name(b, "writer");
	json_builder_add_string_value(b, record->writer);
	json_builder_set_member_name(b, "deleted");
	json_builder_add_boolean_value(b, record->deleted);
	json_builder_set_member_name(b, "updated_at");
	json_builder_add_int_value(b, record->updated_at / 1000);
	json_builder_set_member_name(b, "body");
	if (body != NULL)
		json_builder_add_value(b, g_steal_pointer(&body));
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "signature");
	json_builder_add_string_value(b, record->signature != NULL ? record->signature : "");
	json_builder_end_object(b);
}

static gboolean
arc_record_fail(GError **error, const gchar *what)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "record: %s", what);
	return FALSE;
}

static gboolean
arc_record_is_word(const gchar *text, gsize max)
{
	if (text == NULL || text[0] == '\0' || strlen(text) > max)
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			return FALSE;
	}
	return TRUE;
}

static gboolean
arc_record_get_int(JsonObject *obj, const gchar *member, gint64 min, gint64 max, gint64 *out)
{
	JsonNode *node = json_object_get_member(obj, member);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64)
		return FALSE;
	*out = json_node_get_int(node);
	return *out >= min && *out <= max;
}

/**
 * arc_record_from_json:
 * @node: the wire form of a record, untrusted
 * @error: return location for a #GError
 *
 * Checks the shape only; the signature is checked with arc_record_verify() against the key
 * of the writer.
 *
 * Returns: (transfer full): the record, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcRecord *
arc_record_from_json(JsonNode *node, GError **error)
{
	g_autoptr(ArcRecord) record = NULL;
	JsonObject *obj;
	JsonNode *member;
	const gchar *kind, *id, *writer, *signature;
	g_autofree gchar *canonical = NULL;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		arc_record_fail(error, "must be an object");
		return NULL;
	}
	obj = json_node_get_object(node);
	kind = arc_json_object_get_string(obj, "kind");
	id = arc_json_object_get_string(obj, "id");
	writer = arc_json_object_get_string(obj, "writer");
	signature = arc_json_object_get_string(obj, "signature");
	if (!arc_record_is_word(kind, ARC_RECORD_MAX_KIND)) {
		arc_record_fail(error, "'kind' must be a short word");
		return NULL;
	}
	if (!arc_record_is_word(id, ARC_RECORD_MAX_ID)) {
		arc_record_fail(error, "'id' must be a short word");
		return NULL;
	}
	if (!arc_id_is_valid(writer, "peer_")) {
		arc_record_fail(error, "'writer' is not a peer id");
		return NULL;
	}
	if (signature == NULL || strlen(signature) != 88) {
		arc_record_fail(error, "'signature' must be 64 bytes of base64");
		return NULL;
	}
	member = json_object_get_member(obj, "deleted");
	if (member == NULL || json_node_get_value_type(member) != G_TYPE_BOOLEAN) {
		arc_record_fail(error, "'deleted' must be a boolean");
		return NULL;
	}
	node = json_object_get_member(obj, "body");
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node) ||
	    (canonical = arc_canonical_json(node, NULL, NULL)) == NULL) {
		arc_record_fail(error, "'body' must be an object");
		return NULL;
	}
	record = arc_record_new(kind, id, canonical);
	record->writer = g_strdup(writer);
	record->signature = g_strdup(signature);
	record->deleted = json_node_get_boolean(member);
	if (!arc_record_get_int(obj, "version", 1, G_MAXINT64 / 2, &record->version)) {
		arc_record_fail(error, "'version' must be a positive integer");
		return NULL;
	}
	if (!arc_record_get_int(obj, "updated_at", 0, G_MAXINT64 / 1000 - 1, &record->updated_at)) {
		arc_record_fail(error, "'updated_at' must be milliseconds since the epoch");
		return NULL;
	}
	record->updated_at *= 1000;
	return g_steal_pointer(&record);
}
