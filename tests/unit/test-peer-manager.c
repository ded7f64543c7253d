/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-peer-manager.h"
#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-unit-fixture.h"

/* The peer manager in-process, over the real sqlite storage plugin in a temp dir, with no
 * agent: what renaming, deleting, revoking and readmitting a peer stores, and what a removal
 * of this agent sent by a member does. Two members, A (this agent) and B. */

#define TEST_T0 (G_GINT64_CONSTANT(1780000000) * G_USEC_PER_SEC)
#define TEST_NOW G_GINT64_CONSTANT(1780000500)

typedef struct {
	ArcUnitFixture unit;
	ArcPeerManager *peers;
	gchar *renamed;
	guint commits;
} PeersFixture;

/* ---- the host: this agent is peer_a ---- */

/* what the manager committed (it commits through the registry) */
static void
test_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from, gboolean push,
			gpointer user_data)
{
	PeersFixture *fx = user_data;
	fx->commits++;
}

static void
test_renamed_cb(ArcNode *node, gpointer user_data)
{
	PeersFixture *fx = user_data;
	g_free(fx->renamed);
	fx->renamed = g_strdup(arc_node_get_name(node));
}

/* a record @identity signed as @writer */
static ArcRecord *
test_record(const gchar *kind, const gchar *id, gint64 version, const gchar *writer,
	    ArcIdentity *identity, const gchar *body, gboolean deleted)
{
	return arc_unit_record_signed(kind, id, version, writer, identity, body, deleted,
				      TEST_T0 + version * G_USEC_PER_SEC);
}

static gchar *
test_peer_body(const gchar *id, ArcIdentity *identity, const gchar *state)
{
	return g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":\"127.0.0.1:%u\","
		"\"state\":\"%s\",\"created_at\":\"2026-01-0%sT00:00:00Z\"}",
		id, id, arc_identity_get_public_key_base64(identity),
		g_str_equal(id, "peer_a") ? 18080u : 18081u, state,
		g_str_equal(id, "peer_a") ? "1" : "2");
}

/* the own records of A and B, as the bootstrap and a handshake left them */
static void
test_store_members(PeersFixture *fx)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *body_a = test_peer_body("peer_a", fx->unit.id_a, "active");
	g_autofree gchar *body_b = test_peer_body("peer_b", fx->unit.id_b, "active");
	g_autoptr(ArcRecord) peer_a =
		test_record("peer", "peer_a", 1, "peer_a", fx->unit.id_a, body_a, FALSE);
	g_autoptr(ArcRecord) peer_b =
		test_record("peer", "peer_b", 1, "peer_b", fx->unit.id_b, body_b, FALSE);
	g_autoptr(GError) error = NULL;

	arc_storage_txn_put_record(txn, peer_a);
	arc_storage_txn_put_record(txn, peer_b);
	ok = arc_registry_commit(fx->unit.registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
peers_setup(PeersFixture *fx, gconstpointer data)
{
	arc_unit_fixture_init(&fx->unit, "peer_a", "clu_a", NULL, TEST_NOW);
	g_signal_connect(fx->unit.node, "name-changed", G_CALLBACK(test_renamed_cb), fx);
	fx->peers = arc_peer_manager_new(fx->unit.node, fx->unit.registry, NULL,
					 &arc_unit_peer_host, &fx->unit);
	test_store_members(fx);
	g_signal_connect(fx->unit.registry, "records-changed", G_CALLBACK(test_records_changed_cb),
			 fx);
}

static void
peers_teardown(PeersFixture *fx, gconstpointer data)
{
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	arc_unit_fixture_clear(&fx->unit);
	g_free(fx->renamed);
}

static ArcRecord *
test_stored(PeersFixture *fx, const gchar *kind, const gchar *id)
{
	ArcRecord *record = arc_storage_get_record(fx->unit.storage, kind, id, NULL);
	g_assert_nonnull(record);
	return record;
}

/* the integer or string member @name of a stored record's body */
static gchar *
test_body_member(const ArcRecord *record, const gchar *name)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	JsonNode *node;

	g_assert_nonnull(root);
	node = json_object_get_member(json_node_get_object(root), name);
	if (node == NULL)
		return NULL;
	if (json_node_get_value_type(node) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(node));
	if (json_node_get_value_type(node) == G_TYPE_BOOLEAN)
		return g_strdup(json_node_get_boolean(node) ? "true" : "false");
	return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
}

static gint
test_merge_one(PeersFixture *fx, ArcRecord *record)
{
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	g_ptr_array_add(records, record);
	stored = arc_registry_merge(fx->unit.registry, records, "peer_b", &candidates, &purged,
				    &error);
	g_assert_no_error(error);
	return stored;
}

/* `GET /v1/peers`: both peers, the local one flagged, both counted by the license */
static void
test_load_func(PeersFixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(fx->peers, NULL);
	ArcPeerInfo *a, *b;

	g_assert_nonnull(peers);
	g_assert_cmpuint(peers->len, ==, 2);
	a = arc_peer_list_find(peers, "peer_a", NULL, NULL);
	b = arc_peer_list_find(peers, NULL, NULL, "https://127.0.0.1:18081");
	g_assert_nonnull(a);
	g_assert_true(a->is_local);
	g_assert_nonnull(b);
	g_assert_cmpstr(b->id, ==, "peer_b");
	g_assert_false(b->is_local);
	g_assert_cmpint(b->state, ==, ARC_PEER_STATE_ACTIVE);
	g_assert_true(arc_peer_list_find(peers, NULL,
					 arc_identity_get_public_key_base64(fx->unit.id_b),
					 NULL) == b);
	g_assert_cmpuint(arc_peer_list_count_active(peers), ==, 2);
}

/* `PUT /v1/peers/{id}`: an alias record everyone replicates; the local name follows */
static void
test_rename_func(PeersFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPeerInfo) info = arc_peer_manager_rename(fx->peers, "peer_b", "db-1", &error);
	g_autoptr(ArcPeerInfo) local = NULL;
	g_autoptr(ArcPeerInfo) found = NULL;
	g_autoptr(ArcRecord) alias = NULL;
	g_autofree gchar *name = NULL;

	g_assert_no_error(error);
	g_assert_cmpstr(info->name, ==, "db-1");
	alias = test_stored(fx, "peer_alias", "peer_b");
	name = test_body_member(alias, "name");
	g_assert_cmpstr(name, ==, "db-1");
	g_assert_cmpstr(alias->writer, ==, "peer_a");
	g_assert_cmpint(alias->version, ==, 1);
	g_assert_cmpuint(fx->unit.changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->unit.changed, 0), ==, "peer_b");
	g_assert_null(fx->renamed); /* not the local peer */
	found = arc_peer_manager_lookup(fx->peers, "peer_b", NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(found->name, ==, "db-1");

	local = arc_peer_manager_rename(fx->peers, "peer_a", "gateway", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(fx->renamed, ==, "gateway");
}

static void
test_rename_refused_func(PeersFixture *fx, gconstpointer data)
{
	g_autofree gchar *long_name = g_strnfill(129, 'n');
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcRecord) alias = NULL;

	info = arc_peer_manager_rename(fx->peers, "peer_b", NULL, &error);
	g_assert_null(info);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'name' is required");
	g_clear_error(&error);
	info = arc_peer_manager_rename(fx->peers, "peer_b", long_name, &error);
	g_assert_null(info);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'name' must be a string of at most 128 bytes");
	g_clear_error(&error);
	info = arc_peer_manager_rename(fx->peers, "peer_b", "db\n1", &error);
	g_assert_null(info);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_clear_error(&error);
	info = arc_peer_manager_rename(fx->peers, "peer_x", "db-1", &error);
	g_assert_null(info);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "peer not found: peer_x");
	/* nothing stored, nobody told */
	alias = arc_storage_get_record(fx->unit.storage, "peer_alias", "peer_b", NULL);
	g_assert_null(alias);
	g_assert_cmpuint(fx->commits, ==, 0);
	g_assert_cmpuint(fx->unit.changed->len, ==, 0);
}

/* `DELETE /v1/peers/{id}`: a tombstone and a revocation, and the peer is gone from the list */
static void
test_delete_func(PeersFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) revoked = NULL;
	g_autoptr(ArcRecord) tombstone = NULL;
	g_autoptr(ArcRecord) revocation = NULL;
	g_autoptr(GPtrArray) peers = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *at = NULL;

	ok = arc_peer_manager_delete(fx->peers, "peer_b", "test", &revoked, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_nonnull(revoked);
	tombstone = test_stored(fx, "peer", "peer_b");
	g_assert_true(tombstone->deleted);
	g_assert_cmpint(tombstone->version, ==, 2);
	g_assert_cmpstr(tombstone->writer, ==, "peer_a");
	revocation = test_stored(fx, "revoked_peer", "peer_b");
	key = test_body_member(revocation, "public_key");
	at = test_body_member(revocation, "revoked_at");
	g_assert_cmpstr(key, ==, arc_identity_get_public_key_base64(fx->unit.id_b));
	g_assert_cmpstr(at, ==, "1780000500");
	g_assert_true(arc_registry_peer_is_revoked(fx->unit.registry, "peer_b"));
	g_assert_cmpuint(fx->unit.changed->len, ==, 1);
	peers = arc_peer_manager_load(fx->peers, NULL);
	g_assert_cmpuint(peers->len, ==, 1);
	g_assert_null(arc_peer_list_find(peers, "peer_b", NULL, NULL));

	g_assert_false(arc_peer_manager_delete(fx->peers, "peer_b", "test", NULL, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
}

static void
test_delete_local_func(PeersFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcRecord) own = NULL;

	g_assert_false(arc_peer_manager_delete(fx->peers, "peer_a", "test", NULL, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==,
			"cannot delete the local peer: use 'arctic peers remove-self' to leave "
			"the cluster");
	own = test_stored(fx, "peer", "peer_a");
	g_assert_false(own->deleted);
	g_assert_cmpint(own->version, ==, 1);
}

/* an operator adds a removed peer again: the next version of its revocation readmits it */
static void
test_readmit_func(PeersFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) revocation = NULL;
	g_autofree gchar *readmitted = NULL;
	g_autofree gchar *deleted_version = NULL;

	ok = arc_peer_manager_delete(fx->peers, "peer_b", "test", NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_peer_manager_stage_revocation(fx->peers, txn, "peer_b",
					  arc_identity_get_public_key_base64(fx->unit.id_b), TRUE,
					  2);
	ok = arc_registry_commit(fx->unit.registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	revocation = test_stored(fx, "revoked_peer", "peer_b");
	g_assert_cmpint(revocation->version, ==, 2);
	readmitted = test_body_member(revocation, "readmitted");
	deleted_version = test_body_member(revocation, "deleted_version");
	g_assert_cmpstr(readmitted, ==, "true");
	g_assert_cmpstr(deleted_version, ==, "2");
	g_assert_false(arc_registry_peer_is_revoked(fx->unit.registry, "peer_b"));
}

/* the own record: edited when a member changes, left alone when it does not */
static void
test_edit_own_record_func(PeersFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcRecord) own = NULL;
	g_autofree gchar *cluster_id = NULL;

	ok = arc_peer_manager_edit_own_record(fx->peers, "cluster_id", "c1", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_peer_manager_edit_own_record(fx->peers, "cluster_id", "c1", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(fx->commits, ==, 1);
	own = test_stored(fx, "peer", "peer_a");
	g_assert_cmpint(own->version, ==, 2);
	cluster_id = test_body_member(own, "cluster_id");
	g_assert_cmpstr(cluster_id, ==, "c1");
}

/* `DELETE /v1/peers/self` leaves the own record deactivated: a new manager reads that back */
static void
test_deactivated_func(PeersFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;

	g_assert_false(arc_peer_manager_is_deactivated(fx->peers));
	ok = arc_peer_manager_edit_own_record(fx->peers, "state", "deactivated", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* kept from the first read until told */
	g_assert_false(arc_peer_manager_is_deactivated(fx->peers));
	arc_peer_manager_set_deactivated(fx->peers);
	g_assert_true(arc_peer_manager_is_deactivated(fx->peers));
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	fx->peers = arc_peer_manager_new(fx->unit.node, fx->unit.registry, NULL,
					 &arc_unit_peer_host, &fx->unit);
	g_assert_true(arc_peer_manager_is_deactivated(fx->peers));
}

/* B's own record says it left: this agent revokes it too, and tombstones its record */
static void
test_received_departure_func(PeersFixture *fx, gconstpointer data)
{
	g_autofree gchar *body = test_peer_body("peer_b", fx->unit.id_b, "deactivated");
	g_autoptr(ArcRecord) left =
		test_record("peer", "peer_b", 2, "peer_b", fx->unit.id_b, body, FALSE);
	g_autoptr(ArcRecord) stored = NULL;

	test_merge_one(fx, left);
	g_assert_true(arc_registry_peer_is_revoked(fx->unit.registry, "peer_b"));
	stored = test_stored(fx, "peer", "peer_b");
	g_assert_true(stored->deleted);
	g_assert_cmpint(stored->version, ==, 3);
}

/* B sends the tombstone of this agent's record: not stored, the own record is lifted above */
static void
test_removal_tombstone_func(PeersFixture *fx, gconstpointer data)
{
	g_autofree gchar *body = test_peer_body("peer_a", fx->unit.id_a, "active");
	g_autoptr(ArcRecord) tombstone =
		test_record("peer", "peer_a", 5, "peer_b", fx->unit.id_b, body, TRUE);
	g_autoptr(ArcRecord) own = NULL;

	test_merge_one(fx, tombstone);
	own = test_stored(fx, "peer", "peer_a");
	g_assert_false(own->deleted);
	g_assert_cmpint(own->version, ==, 6);
	g_assert_cmpstr(own->writer, ==, "peer_a");
}

/* B revokes this agent: it forgets the other peers and keeps its own record */
static void
test_removal_revocation_func(PeersFixture *fx, gconstpointer data)
{
	g_autofree gchar *body =
		g_strdup_printf("{\"public_key\":\"%s\",\"revoked_at\":1780000400}",
				arc_identity_get_public_key_base64(fx->unit.id_a));
	g_autoptr(ArcRecord) revocation =
		test_record("revoked_peer", "peer_a", 1, "peer_b", fx->unit.id_b, body, FALSE);
	g_autoptr(ArcRecord) own = NULL;
	g_autoptr(ArcRecord) other = NULL;
	g_autoptr(ArcRecord) kept = NULL;
	g_autoptr(GPtrArray) peers = NULL;

	arc_unit_warnings_reset();
	test_merge_one(fx, revocation);
	g_assert_nonnull(arc_unit_last_warning());
	g_assert_true(g_str_has_prefix(arc_unit_last_warning(),
				       "this agent was removed from the cluster by peer peer_b:"));
	own = test_stored(fx, "peer", "peer_a");
	g_assert_false(own->deleted);
	other = arc_storage_get_record(fx->unit.storage, "peer", "peer_b", NULL);
	g_assert_null(other);
	kept = arc_storage_get_record(fx->unit.storage, "revoked_peer", "peer_a", NULL);
	g_assert_null(kept);
	peers = arc_peer_manager_load(fx->peers, NULL);
	g_assert_cmpuint(peers->len, ==, 1);
	g_assert_cmpuint(fx->unit.changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->unit.changed, 0), ==, "peer_b");
}

/* the body of a new `peer` record, as the bootstrap and the handshake write it */
static void
test_record_body_func(void)
{
	g_autofree gchar *body = arc_peer_record_body("p1", "n", NULL, "KEY", "127.0.0.1:1", NULL,
						      "c1", ARC_PEER_STATE_ACTIVE, 1780000000);

	g_assert_cmpstr(body, ==,
			"{\"id\":\"p1\",\"name\":\"n\",\"description\":\"\",\"public_key\":\"KEY\","
			"\"address\":\"127.0.0.1:1\",\"cluster_id\":\"c1\",\"state\":\"active\","
			"\"created_at\":\"2026-05-28T20:26:40Z\"}");
}

static void
test_add(const gchar *path, void (*func)(PeersFixture *, gconstpointer))
{
	g_test_add(path, PeersFixture, NULL, peers_setup, func, peers_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	/* the removal of this agent is logged as a warning, which the test reads */
	arc_unit_log_capture();
	test_add("/peer-manager/load", test_load_func);
	test_add("/peer-manager/rename", test_rename_func);
	test_add("/peer-manager/rename-refused", test_rename_refused_func);
	test_add("/peer-manager/delete", test_delete_func);
	test_add("/peer-manager/delete-local", test_delete_local_func);
	test_add("/peer-manager/readmit", test_readmit_func);
	test_add("/peer-manager/edit-own-record", test_edit_own_record_func);
	test_add("/peer-manager/deactivated", test_deactivated_func);
	test_add("/peer-manager/received-departure", test_received_departure_func);
	test_add("/peer-manager/removal-tombstone", test_removal_tombstone_func);
	test_add("/peer-manager/removal-revocation", test_removal_revocation_func);
	g_test_add_func("/peer-manager/record-body", test_record_body_func);
	return g_test_run();
}
