/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-record-sign.h"

/* docs/protocol.md §6.1–6.2: what a record's signature covers, which version wins, and the
 * registry hash */

#define RS_VECTOR_SIGNATURE                                                                        \
	"sNetNR4fboFfG6ECqiaStRoywdO0dLDlIWgQW39laSAVv7CxInstMvjcvTRK1hDVnwGzNN/I3s7GBWLFArZjCQ=="

typedef struct {
	gchar *dir;
	ArcIdentity *writer;
	ArcIdentity *other;
} RsFixture;

static ArcIdentity *
rs_identity(const gchar *dir, const gchar *name, guint8 first)
{
	guint8 seed[32];

	for (guint i = 0; i < sizeof(seed); i++)
		seed[i] = (guint8)(first + i);
	return arc_identity_new_from_seed(NULL, seed);
}

static void
rs_setup(RsFixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp("arc-rs-XXXXXX", NULL);
	fx->writer = rs_identity(fx->dir, "w.key", 0x00);
	fx->other = rs_identity(fx->dir, "o.key", 0x40);
}

static void
rs_teardown(RsFixture *fx, gconstpointer data)
{
	g_autofree gchar *w = g_build_filename(fx->dir, "w.key", NULL);
	g_autofree gchar *o = g_build_filename(fx->dir, "o.key", NULL);
	g_unlink(w);
	g_unlink(o);
	g_rmdir(fx->dir);
	g_free(fx->dir);
	g_clear_object(&fx->writer);
	g_clear_object(&fx->other);
}

static ArcRecord *
rs_record(const gchar *id, gint64 version, const gchar *writer)
{
	ArcRecord *record = arc_record_new(
		"service", id, "{\"name\":\"web\",\"port\":443,\"tags\":[\"a\",\"b\"]}");
	record->version = version;
	record->writer = g_strdup(writer);
	record->updated_at = 1764633600123456; /* µs */
	return record;
}

static void
rs_alter(ArcRecord *record, guint what)
{
	switch (what) {
	case 0:
		g_free(record->kind);
		record->kind = g_strdup("route");
		break;
	case 1:
		g_free(record->id);
		record->id = g_strdup("svc_2");
		break;
	case 2:
		record->version++;
		break;
	case 3:
		g_free(record->writer);
		record->writer = g_strdup("peer_01JBBBBBBBBBBBBBBBBBBBBBBB");
		break;
	case 4:
		record->deleted = !record->deleted;
		break;
	case 5:
		record->updated_at += 1000;
		break;
	case 6:
		g_free(record->body);
		record->body = g_strdup("{\"name\":\"web\",\"port\":444,\"tags\":[\"a\",\"b\"]}");
		break;
	default:
		g_assert_not_reached();
	}
}

/* a signed record verifies with its writer's key only, and any change breaks it */
static void
rs_sign_verify_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) record = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_record_sign(record, fx->writer, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_record_verify(record, arc_identity_get_public_key(fx->writer), &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(arc_record_verify(record, arc_identity_get_public_key(fx->other), &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_clear_error(&error);

	/* the body's formatting is not signed, its content is */
	{
		g_autoptr(ArcRecord) spaced = arc_record_copy(record);
		g_free(spaced->body);
		spaced->body =
			g_strdup("{ \"tags\": [\"a\", \"b\"], \"port\": 443, \"name\": \"web\" }");
		ok = arc_record_verify(spaced, arc_identity_get_public_key(fx->writer), &error);
		g_assert_no_error(error);
		g_assert_true(ok);
	}
	for (guint what = 0; what <= 6; what++) {
		g_autoptr(ArcRecord) altered = arc_record_copy(record);
		rs_alter(altered, what);
		g_assert_false(arc_record_verify(altered, arc_identity_get_public_key(fx->writer),
						 &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_clear_error(&error);
	}
	/* no signature, a bad one, a body that is no object */
	{
		g_autoptr(ArcRecord) bad = arc_record_copy(record);
		g_clear_pointer(&bad->signature, g_free);
		g_assert_false(
			arc_record_verify(bad, arc_identity_get_public_key(fx->writer), &error));
		g_clear_error(&error);
		bad->signature = g_strdup("not base64!");
		g_assert_false(
			arc_record_verify(bad, arc_identity_get_public_key(fx->writer), &error));
		g_clear_error(&error);
		g_free(bad->body);
		bad->body = g_strdup("[1,2]");
		g_assert_false(arc_record_sign(bad, fx->writer, &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	}
}

/* the same verdicts when the caller hands over the body it parsed: signed as it stands,
 * refused for another key or any change, and the body passed is the one checked */
static gboolean
rs_verify_parsed(const ArcRecord *record, ArcIdentity *key, GError **error)
{
	g_autoptr(JsonNode) body = arc_json_parse_object(record->body, -1, 16, NULL);

	g_assert_nonnull(body);
	return arc_record_verify_parsed(record, body, arc_identity_get_public_key(key), error);
}

static void
rs_verify_parsed_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) record = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) other = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(JsonNode) other_body = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_record_sign(record, fx->writer, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = rs_verify_parsed(record, fx->writer, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(rs_verify_parsed(record, fx->other, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_clear_error(&error);
	for (guint what = 0; what <= 6; what++) {
		g_autoptr(ArcRecord) altered = arc_record_copy(record);
		rs_alter(altered, what);
		g_assert_false(rs_verify_parsed(altered, fx->writer, &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_clear_error(&error);
	}
	/* another body than the record's: what is checked is the body handed over */
	rs_alter(other, 6);
	other_body = arc_json_parse_object(other->body, -1, 16, NULL);
	g_assert_false(arc_record_verify_parsed(record, other_body,
						arc_identity_get_public_key(fx->writer), &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_clear_error(&error);
	g_clear_pointer(&record->signature, g_free);
	g_assert_false(rs_verify_parsed(record, fx->writer, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
}

/* the fixed vector of docs/protocol.md §6.1 */
static void
rs_vector_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) record = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *bytes = NULL;
	gsize len = 0;
	const gchar expected[] =
		"arctic-record-v1\0{\"body\":{\"name\":\"web\",\"port\":443,\"tags\":[\"a\",\"b\"]}"
		","
		"\"deleted\":false,\"id\":\"svc_1\",\"kind\":\"service\",\"updated_at\":"
		"1764633600123,\"version\":3,\"writer\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\"}";
	gboolean ok;

	bytes = arc_record_signing_bytes(record, &len, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(bytes, len, expected, sizeof(expected) - 1);
	ok = arc_record_sign(record, fx->writer, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	if (g_getenv("ARC_PRINT_VECTOR") != NULL)
		g_printerr("signature %s\n", record->signature);
	g_assert_cmpstr(record->signature, ==, RS_VECTOR_SIGNATURE);
}

/* every agent keeps the same version: higher version, then later, then writer id */
static void
rs_order_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) a = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) b = rs_record("svc_1", 3, "peer_01JBBBBBBBBBBBBBBBBBBBBBBB");
	g_autoptr(ArcRecord) newer = rs_record("svc_1", 4, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) later = rs_record("svc_1", 3, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) same = arc_record_copy(a);

	later->updated_at += 1000;
	g_assert_cmpint(arc_record_compare_versions(newer, a), >, 0);
	g_assert_cmpint(arc_record_compare_versions(a, newer), <, 0);
	g_assert_cmpint(arc_record_compare_versions(later, a), >, 0);
	g_assert_cmpint(arc_record_compare_versions(b, a), >, 0);
	g_assert_cmpint(arc_record_compare_versions(a, b), <, 0);
	g_assert_cmpint(arc_record_compare_versions(a, same), ==, 0);
	/* a tombstone is a version like any other */
	newer->deleted = TRUE;
	g_assert_cmpint(arc_record_compare_versions(newer, later), >, 0);
}

/* the registry hash depends on what is held, not on the order it was stored in */
static void
rs_registry_hash_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	g_autoptr(GPtrArray) two = g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	g_autoptr(GPtrArray) empty = g_ptr_array_new();
	g_autofree gchar *h1 = NULL, *h2 = NULL, *h3 = NULL, *h4 = NULL, *h_empty = NULL;
	const gchar *ids[] = {"svc_3", "svc_1", "svc_2"};

	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		ArcRecord *r = rs_record(ids[i], 1, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
		g_assert_true(arc_record_sign(r, fx->writer, NULL));
		g_ptr_array_add(one, r);
	}
	for (guint i = G_N_ELEMENTS(ids); i > 0; i--)
		g_ptr_array_add(two, arc_record_copy(g_ptr_array_index(one, i - 1)));
	h1 = arc_record_registry_hash(one);
	h2 = arc_record_registry_hash(two);
	g_assert_cmpuint(strlen(h1), ==, 64);
	g_assert_cmpstr(h1, ==, h2);
	h_empty = arc_record_registry_hash(empty);
	g_assert_cmpstr(h_empty, ==,
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* a newer version, or another signature, changes it */
	((ArcRecord *)g_ptr_array_index(two, 0))->version = 2;
	h3 = arc_record_registry_hash(two);
	g_assert_cmpstr(h3, !=, h1);
	((ArcRecord *)g_ptr_array_index(two, 0))->version = 1;
	g_assert_true(arc_record_sign(g_ptr_array_index(two, 0), fx->other, NULL));
	h4 = arc_record_registry_hash(two);
	g_assert_cmpstr(h4, !=, h1);
}

/* a transaction's own records are signed (their writer set when missing), others' kept */
static void
rs_sign_txn_func(RsFixture *fx, gconstpointer data)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) own = rs_record("svc_1", 1, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) unset = rs_record("svc_2", 1, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_autoptr(ArcRecord) foreign = rs_record("svc_3", 1, "peer_01JBBBBBBBBBBBBBBBBBBBBBBB");
	g_autoptr(GError) error = NULL;
	const ArcRecord *stored[3];
	gboolean ok;

	g_clear_pointer(&unset->writer, g_free);
	foreign->signature = g_strdup("kept");
	arc_storage_txn_set_meta(txn, "k", "v");
	arc_storage_txn_put_record(txn, own);
	arc_storage_txn_put_record(txn, unset);
	arc_storage_txn_put_record(txn, foreign);
	ok = arc_record_sign_txn(txn, fx->writer, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	for (guint i = 0; i < 3; i++)
		stored[i] = arc_storage_txn_get_op(txn, i + 1)->record;
	g_assert_true(arc_record_verify(stored[0], arc_identity_get_public_key(fx->writer), NULL));
	g_assert_cmpstr(stored[1]->writer, ==, "peer_01JAAAAAAAAAAAAAAAAAAAAAAA");
	g_assert_true(arc_record_verify(stored[1], arc_identity_get_public_key(fx->writer), NULL));
	g_assert_cmpstr(stored[2]->signature, ==, "kept");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/record/sign-verify", RsFixture, NULL, rs_setup, rs_sign_verify_func,
		   rs_teardown);
	g_test_add("/record/verify-parsed", RsFixture, NULL, rs_setup, rs_verify_parsed_func,
		   rs_teardown);
	g_test_add("/record/vector", RsFixture, NULL, rs_setup, rs_vector_func, rs_teardown);
	g_test_add("/record/order", RsFixture, NULL, rs_setup, rs_order_func, rs_teardown);
	g_test_add("/record/sign-txn", RsFixture, NULL, rs_setup, rs_sign_txn_func, rs_teardown);
	g_test_add("/record/registry-hash", RsFixture, NULL, rs_setup, rs_registry_hash_func,
		   rs_teardown);
	return g_test_run();
}
