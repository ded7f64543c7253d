/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-registry.h"
#include "arc-unit-storage.h"
#include "arc-key-file.h"

/* The registry in-process, over the real sqlite storage plugin in a temp dir, with no
 * agent: what a record sent by another member does to what this agent stores
 * (docs/protocol.md §6). Two members, A (this agent, the registry's signer) and B. */

#define TEST_T0 (G_GINT64_CONSTANT(1780000000) * G_USEC_PER_SEC)

typedef struct {
	gchar *dir;
	ArcPluginLoader *loader;
	ArcRegistry *registry;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	guint records_changed;
	guint members_changed;
} RegistryFixture;

/* a kind whose handler refuses any record whose body says so, as a license check would */
static gboolean
test_service_check_cb(const ArcRecord *record, gpointer user_data, GError **error)
{
	if (strstr(record->body, "\"refuse\"") != NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_FORBIDDEN, "the handler says no");
		return FALSE;
	}
	return TRUE;
}

static void
test_service_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	GPtrArray *applied = user_data;
	if (applied != NULL)
		g_ptr_array_add(applied, g_strdup(record->id));
}

static const ArcRecordKind test_kinds[] = {
	{.name = "peer", .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_MEMBER},
	{.name = "revoked_peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_REVOCATION},
	{.name = "service",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .check = test_service_check_cb,
	 .applied = test_service_applied_cb},
	{.name = "scratch", .flags = ARC_RECORD_KIND_FLAG_NONE},
};

static void
test_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from, gboolean push,
			gpointer user_data)
{
	RegistryFixture *fx = user_data;
	fx->records_changed++;
}

static void
test_members_changed_cb(ArcRegistry *registry, GPtrArray *members, gpointer user_data)
{
	RegistryFixture *fx = user_data;
	fx->members_changed++;
}

/* a record @identity signed as @writer */
static ArcRecord *
test_record(const gchar *kind, const gchar *id, gint64 version, const gchar *writer,
	    ArcIdentity *identity, const gchar *body, gboolean deleted)
{
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = version;
	record->writer = g_strdup(writer);
	record->deleted = deleted;
	record->updated_at = TEST_T0 + version * G_USEC_PER_SEC;
	ok = arc_record_sign(record, identity, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&record);
}

static ArcRecord *
test_peer_record(const gchar *id, ArcIdentity *identity, gint64 version, const gchar *created)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":\"127.0.0.1:%u\","
		"\"state\":\"active\",\"created_at\":\"%s\"}",
		id, id, arc_identity_get_public_key_base64(identity),
		g_str_equal(id, "peer_a") ? 18080u : 18081u, created);
	return test_record("peer", id, version, id, identity, body, FALSE);
}

/* a registry of @name whose storage holds the own records of A and B */
static ArcRegistry *
test_registry_new(RegistryFixture *fx, const gchar *name, GPtrArray *applied)
{
	g_autofree gchar *data_dir = g_build_filename(fx->dir, name, NULL);
	g_autoptr(ArcStorage) storage = arc_unit_open_storage(data_dir);
	g_autoptr(ArcRegistry) registry = arc_registry_new(storage);
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) peer_a =
		test_peer_record("peer_a", fx->id_a, 1, "2026-01-01T00:00:00Z");
	g_autoptr(ArcRecord) peer_b =
		test_peer_record("peer_b", fx->id_b, 1, "2026-01-02T00:00:00Z");
	g_autoptr(GError) error = NULL;
	gboolean ok;

	for (guint i = 0; i < G_N_ELEMENTS(test_kinds); i++)
		arc_registry_register_kind(registry, &test_kinds[i], applied);
	arc_registry_set_signer(registry, fx->id_a, "peer_a");
	arc_storage_txn_put_record(txn, peer_a);
	arc_storage_txn_put_record(txn, peer_b);
	ok = arc_registry_commit(registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&registry);
}

static void
registry_setup(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *key_a = NULL;
	g_autofree gchar *key_b = NULL;

	if (data != NULL)
		g_ptr_array_set_size((GPtrArray *)data, 0);
	fx->dir = g_dir_make_tmp("arc-registry-XXXXXX", &error);
	g_assert_no_error(error);
	key_a = g_build_filename(fx->dir, "a.key", NULL);
	key_b = g_build_filename(fx->dir, "b.key", NULL);
	fx->id_a = arc_identity_load_or_create(key_a, &error);
	g_assert_no_error(error);
	fx->id_b = arc_identity_load_or_create(key_b, &error);
	g_assert_no_error(error);
	fx->registry = test_registry_new(fx, "a", (gpointer)data);
	g_signal_connect(fx->registry, "records-changed", G_CALLBACK(test_records_changed_cb), fx);
	g_signal_connect(fx->registry, "members-changed", G_CALLBACK(test_members_changed_cb), fx);
}

static void
registry_teardown(RegistryFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	arc_storage_close(arc_registry_get_storage(fx->registry));
	g_clear_object(&fx->registry);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* merges @record, sent by B; returns how many records were stored */
static gint
test_merge_one(ArcRegistry *registry, ArcRecord *record, GPtrArray **purged_out)
{
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	g_ptr_array_add(records, record);
	stored = arc_registry_merge(registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	if (purged_out != NULL)
		*purged_out = g_steal_pointer(&purged);
	return stored;
}

static ArcRecord *
test_stored(RegistryFixture *fx, const gchar *kind, const gchar *id)
{
	return arc_storage_get_record(arc_registry_get_storage(fx->registry), kind, id, NULL);
}

/* whether @kind/@id is stored, live or as a tombstone */
static gboolean
test_has(RegistryFixture *fx, const gchar *kind, const gchar *id)
{
	g_autoptr(ArcRecord) record = test_stored(fx, kind, id);
	return record != NULL;
}

static void
test_members_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(fx->registry);
	const ArcMember *b = arc_registry_lookup_member(fx->registry, "peer_b");
	const gchar *const *kinds = arc_registry_get_kinds(fx->registry);

	/* in the order the node limit counts them: A joined first */
	g_assert_cmpuint(members->len, ==, 2);
	g_assert_cmpstr(((ArcMember *)g_ptr_array_index(members, 0))->id, ==, "peer_a");
	g_assert_nonnull(b);
	g_assert_cmpstr(b->address, ==, "127.0.0.1:18081");
	g_assert_cmpmem(b->key, sizeof(b->key), arc_identity_get_public_key(fx->id_b), 32);
	g_assert_false(b->over_limit);
	/* the kinds gossip carries, sorted; a local kind is not one of them */
	g_assert_cmpuint(g_strv_length((gchar **)kinds), ==, 3);
	g_assert_cmpstr(kinds[0], ==, "peer");
	g_assert_cmpstr(kinds[2], ==, "service");
	/* the license's node limit: B, who joined last, is beyond one node */
	arc_registry_set_max_nodes(fx->registry, 1);
	g_assert_true(arc_registry_lookup_member(fx->registry, "peer_b")->over_limit);
	g_assert_false(arc_registry_lookup_member(fx->registry, "peer_a")->over_limit);
}

static void
test_merge_versions_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) v2 =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{\"name\":\"two\"}", FALSE);
	g_autoptr(ArcRecord) v3 = test_record("service", "svc_1", 3, "peer_b", fx->id_b,
					      "{\"name\":\"three\"}", FALSE);
	g_autoptr(ArcRecord) v1 =
		test_record("service", "svc_1", 1, "peer_b", fx->id_b, "{\"name\":\"one\"}", FALSE);
	g_autoptr(ArcRecord) stored = NULL;
	g_autofree gchar *hash_before = NULL;
	g_autofree gchar *hash_v2 = NULL;
	GPtrArray *applied = (GPtrArray *)data;

	hash_before = g_strdup(arc_registry_get_hash(fx->registry));
	g_assert_cmpint(test_merge_one(fx->registry, v2, NULL), ==, 1);
	g_assert_cmpuint(fx->records_changed, ==, 1);
	g_assert_cmpuint(applied->len, ==, 1);
	hash_v2 = g_strdup(arc_registry_get_hash(fx->registry));
	g_assert_cmpstr(hash_v2, !=, hash_before);
	/* newer wins */
	g_assert_cmpint(test_merge_one(fx->registry, v3, NULL), ==, 1);
	stored = test_stored(fx, "service", "svc_1");
	g_assert_cmpint(stored->version, ==, 3);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), !=, hash_v2);
	/* older and equal change nothing, and tell nobody */
	g_assert_cmpint(test_merge_one(fx->registry, v1, NULL), ==, 0);
	g_assert_cmpint(test_merge_one(fx->registry, v3, NULL), ==, 0);
	g_clear_pointer(&stored, arc_record_free);
	stored = test_stored(fx, "service", "svc_1");
	g_assert_cmpint(stored->version, ==, 3);
	g_assert_cmpstr(stored->body, ==, "{\"name\":\"three\"}");
	g_assert_cmpuint(fx->records_changed, ==, 2);
	g_assert_cmpuint(applied->len, ==, 2);
}

static void
test_merge_tombstone_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) live =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{\"name\":\"two\"}", FALSE);
	g_autoptr(ArcRecord) tombstone =
		test_record("service", "svc_1", 3, "peer_b", fx->id_b, "{}", TRUE);
	g_autoptr(ArcRecord) late = test_record("service", "svc_1", 2, "peer_b", fx->id_b,
						"{\"name\":\"again\"}", FALSE);
	g_autoptr(ArcRecord) stored = NULL;

	g_assert_cmpint(test_merge_one(fx->registry, live, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, tombstone, NULL), ==, 1);
	/* a live copy older than the deletion does not bring the record back */
	g_assert_cmpint(test_merge_one(fx->registry, late, NULL), ==, 0);
	stored = test_stored(fx, "service", "svc_1");
	g_assert_true(stored->deleted);
	g_assert_cmpint(stored->version, ==, 3);
}

static void
test_merge_unsigned_func(RegistryFixture *fx, gconstpointer data)
{
	/* signed by A's key but claiming B as writer; and a kind this agent does not know */
	g_autoptr(ArcRecord) forged =
		test_record("service", "svc_1", 2, "peer_b", fx->id_a, "{}", FALSE);
	g_autoptr(ArcRecord) unknown =
		test_record("gadget", "gdg_1", 2, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(ArcRecord) local =
		test_record("scratch", "s_1", 2, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(ArcRecord) stored = NULL;
	const gchar *hash = NULL;
	g_autofree gchar *before = g_strdup(arc_registry_get_hash(fx->registry));

	g_assert_cmpint(test_merge_one(fx->registry, forged, NULL), ==, 0);
	g_assert_cmpint(test_merge_one(fx->registry, unknown, NULL), ==, 0);
	g_assert_cmpint(test_merge_one(fx->registry, local, NULL), ==, 0);
	stored = test_stored(fx, "service", "svc_1");
	g_assert_null(stored);
	hash = arc_registry_get_hash(fx->registry);
	g_assert_cmpstr(hash, ==, before);
}

static void
test_merge_refused_by_kind_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) refused =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{\"refuse\":true}", FALSE);
	g_autoptr(ArcRecord) fine =
		test_record("service", "svc_2", 2, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GError) error = NULL;
	gint merged;
	g_autofree gchar *before = g_strdup(arc_registry_get_hash(fx->registry));
	GPtrArray *applied = (GPtrArray *)data;

	g_assert_cmpint(test_merge_one(fx->registry, refused, NULL), ==, 0);
	g_assert_cmpuint(fx->records_changed, ==, 0);
	g_assert_cmpuint(applied->len, ==, 0);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), ==, before);
	/* in a message with a good one, only the good one is stored */
	g_ptr_array_add(records, refused);
	g_ptr_array_add(records, fine);
	merged = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(merged, ==, 1);
	all = arc_registry_list_all(fx->registry, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(all->len, ==, 3); /* the two peers and svc_2 */
	g_assert_false(test_has(fx, "service", "svc_1"));
	g_assert_cmpuint(applied->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(applied, 0), ==, "svc_2");
}

static void
test_revocation_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) revoke = test_record("revoked_peer", "peer_b", 1, "peer_a", fx->id_a,
						  "{\"public_key\":\"x\"}", FALSE);
	g_autoptr(ArcRecord) undo =
		test_record("revoked_peer", "peer_b", 2, "peer_a", fx->id_a, "{}", TRUE);
	g_autoptr(ArcRecord) comeback =
		test_peer_record("peer_b", fx->id_b, 5, "2026-01-02T00:00:00Z");
	g_autoptr(ArcRecord) stored = NULL;
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint merged;
	guint members_before;

	g_assert_nonnull(arc_registry_lookup_member(fx->registry, "peer_b"));
	members_before = fx->members_changed;
	/* in one message: the revocation, then B's own newer record, which it must not outrun */
	g_ptr_array_add(records, revoke);
	g_ptr_array_add(records, comeback);
	merged = arc_registry_merge(fx->registry, records, "peer_a", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(merged, ==, 1);
	g_assert_true(arc_registry_peer_is_revoked(fx->registry, "peer_b"));
	g_assert_null(arc_registry_lookup_member(fx->registry, "peer_b"));
	g_assert_cmpuint(fx->members_changed, >, members_before);
	stored = test_stored(fx, "peer", "peer_b");
	g_assert_cmpint(stored->version, ==, 1);
	/* later on its own, and undoing the revocation: both refused */
	g_assert_cmpint(test_merge_one(fx->registry, comeback, NULL), ==, 0);
	g_assert_cmpint(test_merge_one(fx->registry, undo, NULL), ==, 0);
	g_clear_pointer(&stored, arc_record_free);
	stored = test_stored(fx, "revoked_peer", "peer_b");
	g_assert_false(stored->deleted);
}

static void
test_hash_agrees_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRegistry) other = test_registry_new(fx, "other", NULL);
	g_autoptr(ArcRecord) s1 =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(ArcRecord) s2 =
		test_record("service", "svc_2", 4, "peer_b", fx->id_b, "{\"n\":2}", FALSE);
	g_autoptr(ArcRecord) s2_gone =
		test_record("service", "svc_2", 5, "peer_b", fx->id_b, "{}", TRUE);

	g_assert_cmpstr(arc_registry_get_hash(fx->registry), ==, arc_registry_get_hash(other));
	/* the same versions, received in another order */
	g_assert_cmpint(test_merge_one(fx->registry, s1, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, s2, NULL), ==, 1);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), !=, arc_registry_get_hash(other));
	g_assert_cmpint(test_merge_one(other, s2, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(other, s1, NULL), ==, 1);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), ==, arc_registry_get_hash(other));
	/* a tombstone on one side only */
	g_assert_cmpint(test_merge_one(other, s2_gone, NULL), ==, 1);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), !=, arc_registry_get_hash(other));
	g_assert_cmpint(test_merge_one(fx->registry, s2_gone, NULL), ==, 1);
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), ==, arc_registry_get_hash(other));
	arc_storage_close(arc_registry_get_storage(other));
}

static void
test_purge_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) live =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{\"name\":\"two\"}", FALSE);
	g_autoptr(ArcRecord) tombstone =
		test_record("service", "svc_1", 3, "peer_b", fx->id_b, "{}", TRUE);
	g_autoptr(ArcRecord) revoke =
		test_record("revoked_peer", "peer_x", 1, "peer_a", fx->id_a, "{}", FALSE);
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(ArcRecord) stored = NULL;
	gint64 deleted_at = tombstone->updated_at / G_USEC_PER_SEC;
	g_autofree gchar *hash = NULL;

	g_assert_cmpint(test_merge_one(fx->registry, live, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, tombstone, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, revoke, NULL), ==, 1);
	/* within the retention: kept */
	g_assert_cmpuint(arc_registry_purge_tombstones(fx->registry, deleted_at + 50, 100), ==, 0);
	stored = test_stored(fx, "service", "svc_1");
	g_assert_nonnull(stored);
	/* past it: gone, but a late copy of what it deleted stays out and is answered */
	hash = g_strdup(arc_registry_get_hash(fx->registry));
	g_assert_cmpuint(arc_registry_purge_tombstones(fx->registry, deleted_at + 101, 100), ==, 1);
	g_assert_false(test_has(fx, "service", "svc_1"));
	g_assert_cmpstr(arc_registry_get_hash(fx->registry), !=, hash);
	g_assert_cmpint(test_merge_one(fx->registry, live, &purged), ==, 0);
	g_assert_cmpuint(purged->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(purged, 0), ==, "service/svc_1/3");
	g_assert_false(test_has(fx, "service", "svc_1"));
	/* revocations are never purged */
	g_clear_pointer(&stored, arc_record_free);
	stored = test_stored(fx, "revoked_peer", "peer_x");
	g_assert_nonnull(stored);
}

static void
test_apply_purged_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) s1 =
		test_record("service", "svc_1", 2, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(ArcRecord) s2 =
		test_record("service", "svc_2", 7, "peer_b", fx->id_b, "{}", FALSE);
	g_autoptr(ArcRecord) revoke =
		test_record("revoked_peer", "peer_x", 1, "peer_a", fx->id_a, "{}", FALSE);
	g_autoptr(GPtrArray) markers = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) purged = NULL;

	g_assert_cmpint(test_merge_one(fx->registry, s1, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, s2, NULL), ==, 1);
	g_assert_cmpint(test_merge_one(fx->registry, revoke, NULL), ==, 1);
	g_ptr_array_add(markers, g_strdup("service/svc_1/3"));       /* above ours: dropped */
	g_ptr_array_add(markers, g_strdup("service/svc_2/3"));       /* below ours: kept */
	g_ptr_array_add(markers, g_strdup("revoked_peer/peer_x/9")); /* never */
	g_ptr_array_add(markers, g_strdup("service/svc_3"));         /* malformed */
	arc_registry_apply_purged(fx->registry, markers, "peer_b");
	g_assert_false(test_has(fx, "service", "svc_1"));
	g_assert_true(test_has(fx, "service", "svc_2"));
	g_assert_true(test_has(fx, "revoked_peer", "peer_x"));
	/* and remembered as a purge here would */
	g_assert_cmpint(test_merge_one(fx->registry, s1, &purged), ==, 0);
	g_assert_cmpstr(g_ptr_array_index(purged, 0), ==, "service/svc_1/3");
}

static void
test_candidate_func(RegistryFixture *fx, gconstpointer data)
{
	g_autofree gchar *key_c = g_build_filename(fx->dir, "c.key", NULL);
	g_autoptr(ArcIdentity) id_c = arc_identity_load_or_create(key_c, NULL);
	g_autoptr(ArcRecord) own_c = test_peer_record("peer_c", id_c, 1, "2026-01-03T00:00:00Z");
	g_autoptr(ArcRecord) by_c = test_record("service", "svc_1", 2, "peer_c", id_c, "{}", FALSE);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint merged;

	/* a peer not met yet: its own record is kept aside for a handshake, not stored, and
	 * what it writes is not taken */
	g_ptr_array_add(records, own_c);
	g_ptr_array_add(records, by_c);
	merged = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(merged, ==, 0);
	g_assert_cmpuint(candidates->len, ==, 1);
	g_assert_cmpstr(((ArcRecord *)g_ptr_array_index(candidates, 0))->id, ==, "peer_c");
	g_assert_false(test_has(fx, "peer", "peer_c"));
	g_assert_false(test_has(fx, "service", "svc_1"));
	g_assert_null(arc_registry_lookup_member(fx->registry, "peer_c"));
}

static void
test_commit_signs_func(RegistryFixture *fx, gconstpointer data)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record = arc_record_new("service", "svc_9", "{\"n\":9}");
	g_autoptr(ArcRecord) stored = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = 1;
	arc_storage_txn_put_record(txn, record);
	ok = arc_registry_commit(fx->registry, txn, NULL, TRUE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(fx->records_changed, ==, 1);
	stored = test_stored(fx, "service", "svc_9");
	g_assert_cmpstr(stored->writer, ==, "peer_a");
	ok = arc_record_verify(stored, arc_identity_get_public_key(fx->id_a), &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* A member's tunnel fields come with the rest of its body, parsed once per body; a new body
 * (here: its next version) states new ones, and fields that are not valid say why. */
static void
test_peer_fields_tunnel_func(RegistryFixture *fx, gconstpointer data)
{
	static const gchar *const bodies[] = {
		"{\"id\":\"peer_b\",\"state\":\"active\",\"tunnel_key\":"
		"\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\",\"tunnel_port\":51840,"
		"\"tunnel_ipv4\":\"100.96.0.7\",\"tunnel_claimed_at\":\"2026-01-02T00:00:00Z\"}",
		"{\"id\":\"peer_b\",\"state\":\"active\",\"tunnel_key\":"
		"\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\",\"tunnel_port\":51841}",
		"{\"id\":\"peer_b\",\"state\":\"active\",\"tunnel_key\":"
		"\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\",\"tunnel_port\":0}",
		"{\"id\":\"peer_b\",\"state\":\"active\"}",
	};
	static const guint16 ports[] = {51840, 51841, 0, 0};

	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_b", bodies[i]);
		ArcPeerFields fields;

		record->version = i + 1;
		g_assert_true(arc_registry_peer_fields(fx->registry, record, &fields));
		g_assert_nonnull(fields.tunnel);
		g_assert_cmpuint(fields.tunnel->port, ==, ports[i]);
		g_assert_cmpint(fields.tunnel->has_key, ==, ports[i] != 0);
		g_assert_cmpint(fields.tunnel->has_v4, ==, i == 0);
		g_assert_cmpint(fields.tunnel->key[0], ==, ports[i] != 0 ? 1 : 0);
		if (i == 2)
			g_assert_cmpstr(fields.tunnel_error, ==,
					"tunnel_port 0 is not a UDP port from 1024 to 65535");
		else
			g_assert_null(fields.tunnel_error);
	}
}

static void
test_add(const gchar *path, void (*func)(RegistryFixture *, gconstpointer), gboolean applied)
{
	/* the applied list lives as long as the test binary; each test empties it first */
	static GPtrArray *list = NULL;

	if (list == NULL)
		list = g_ptr_array_new_with_free_func(g_free);
	g_test_add(path, RegistryFixture, applied ? list : NULL, registry_setup, func,
		   registry_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	test_add("/registry/members", test_members_func, FALSE);
	test_add("/registry/merge-versions", test_merge_versions_func, TRUE);
	test_add("/registry/merge-tombstone", test_merge_tombstone_func, FALSE);
	test_add("/registry/merge-unsigned", test_merge_unsigned_func, FALSE);
	test_add("/registry/merge-refused-by-kind", test_merge_refused_by_kind_func, TRUE);
	test_add("/registry/revocation", test_revocation_func, FALSE);
	test_add("/registry/hash-agrees", test_hash_agrees_func, FALSE);
	test_add("/registry/purge", test_purge_func, FALSE);
	test_add("/registry/apply-purged", test_apply_purged_func, FALSE);
	test_add("/registry/candidate", test_candidate_func, FALSE);
	test_add("/registry/commit-signs", test_commit_signs_func, FALSE);
	test_add("/registry/peer-fields-tunnel", test_peer_fields_tunnel_func, FALSE);
	return g_test_run();
}
