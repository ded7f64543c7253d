/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-cluster-identity.h"
#include "arc-unit-storage.h"
#include "arc-key-file.h"

/* ArcClusterIdentity in-process, over the real sqlite storage plugin in a temp dir: which
 * cluster id wins when clusters meet (docs/protocol.md §6.4), what a merge and
 * `cluster init --force` store, and what this agent's own record then states. */

#define TEST_NOW G_GINT64_CONSTANT(1780000000)

typedef struct {
	gchar *dir;
	ArcStorage *storage;
	ArcRegistry *registry;
	ArcConfig *config;
	ArcNode *node;
	ArcAuthManager *auth;
	ArcPeerManager *peers;
	ArcClusterIdentity *cluster;
	ArcIdentity *identity;
	gchar *older; /* a cluster id minted before this agent's */
	gchar *own;   /* this agent's cluster id */
	gchar *newer; /* one minted after */
	GPtrArray *former_ids;
} ClusterFixture;

static gint64
test_now_cb(gpointer user_data)
{
	return TEST_NOW;
}

static void
test_nothing_cb(gpointer host, const gchar *peer_id)
{
}

static void
test_offer_cb(gpointer host, const gchar *cluster_id, const gchar *from)
{
}

static ArcGossip *
test_gossip_cb(gpointer host)
{
	return NULL;
}

static const ArcPeerManagerHost test_host = {
	.peer_changed = test_nothing_cb,
	.offer_cluster_id = test_offer_cb,
	.get_gossip = test_gossip_cb,
};

static void
test_cluster_id_changed_cb(ArcNode *node, const gchar *former, gpointer user_data)
{
	ClusterFixture *fx = user_data;
	g_ptr_array_add(fx->former_ids, g_strdup(former));
}

/* this agent's own record, as bootstrap wrote it */
static void
test_store_own_record(ClusterFixture *fx)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *body = arc_peer_record_body(
		"peer_a", "alpha", NULL, arc_identity_get_public_key_base64(fx->identity),
		"127.0.0.1:18080", "lic_test", fx->own, ARC_PEER_STATE_ACTIVE, TEST_NOW);
	g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_a", body);
	g_autoptr(GError) error = NULL;

	record->version = 1;
	record->writer = g_strdup("peer_a");
	arc_storage_txn_put_record(txn, record);
	arc_storage_txn_set_meta(txn, "cluster_id", fx->own);
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
cluster_setup(ClusterFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *key = NULL;
	g_autofree gchar *data_dir = NULL;

	fx->dir = g_dir_make_tmp("arc-cluster-identity-XXXXXX", &error);
	g_assert_no_error(error);
	key = g_build_filename(fx->dir, "peer.key", NULL);
	fx->identity = arc_identity_load_or_create(key, &error);
	g_assert_no_error(error);
	/* ids are ULIDs: the later minted sorts after */
	fx->older = arc_id_new_at("clu_", (TEST_NOW - 3600) * 1000);
	fx->own = arc_id_new_at("clu_", TEST_NOW * 1000);
	fx->newer = arc_id_new_at("clu_", (TEST_NOW + 3600) * 1000);
	data_dir = g_build_filename(fx->dir, "a", NULL);
	fx->storage = arc_unit_open_storage(data_dir);
	fx->registry = arc_registry_new(fx->storage);
	arc_registry_set_signer(fx->registry, fx->identity, "peer_a");
	fx->config = arc_config_new();
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_now_cb, NULL);
	arc_node_set_plugins(fx->node, fx->storage, NULL);
	arc_node_set_identity(fx->node, fx->identity, "peer_a", fx->own, "alpha");
	fx->former_ids = g_ptr_array_new_with_free_func(g_free);
	g_signal_connect(fx->node, "cluster-id-changed", G_CALLBACK(test_cluster_id_changed_cb),
			 fx);
	fx->auth = arc_auth_manager_new(fx->storage);
	fx->peers = arc_peer_manager_new(fx->node, fx->registry, NULL, &test_host, fx);
	fx->cluster = arc_cluster_identity_new(fx->node, fx->auth, fx->peers);
	test_store_own_record(fx);
}

static void
cluster_teardown(ClusterFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_pointer(&fx->cluster, arc_cluster_identity_free);
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	g_clear_object(&fx->auth);
	g_clear_object(&fx->node);
	arc_config_free(fx->config);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->storage);
	g_clear_object(&fx->identity);
	g_ptr_array_unref(fx->former_ids);
	g_free(fx->older);
	g_free(fx->own);
	g_free(fx->newer);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* the cluster id this agent's own record states */
static gchar *
test_record_cluster_id(ClusterFixture *fx)
{
	g_autoptr(ArcRecord) record = arc_storage_get_record(fx->storage, "peer", "peer_a", NULL);
	g_autoptr(JsonNode) root = NULL;

	g_assert_nonnull(record);
	root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_assert_nonnull(root);
	return g_strdup(arc_json_object_get_string(json_node_get_object(root), "cluster_id"));
}

/* a member of an older cluster: this agent joins that cluster, and keeps its own id as a
 * former one for a token lifetime */
static void
test_offer_older_func(ClusterFixture *fx, gconstpointer data)
{
	g_autofree gchar *stored = NULL;
	g_autofree gchar *former = NULL;
	g_autofree gchar *expected = NULL;
	g_autofree gchar *stated = NULL;

	arc_cluster_identity_offer(fx->cluster, fx->older, "peer_b");
	g_assert_cmpstr(arc_node_get_cluster_id(fx->node), ==, fx->older);
	g_assert_cmpuint(fx->former_ids->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->former_ids, 0), ==, fx->own);
	stored = arc_storage_get_meta(fx->storage, "cluster_id", NULL);
	g_assert_cmpstr(stored, ==, fx->older);
	former = arc_storage_get_meta(fx->storage, "cluster.former_ids", NULL);
	expected = g_strdup_printf("%s %" G_GINT64_FORMAT, fx->own,
				   TEST_NOW + ARC_TOKEN_LIFETIME_SECS);
	g_assert_cmpstr(former, ==, expected);
	stated = test_record_cluster_id(fx);
	g_assert_cmpstr(stated, ==, fx->older);
}

/* a newer cluster, this agent's own id or no id at all: nothing changes */
static void
test_offer_refused_func(ClusterFixture *fx, gconstpointer data)
{
	g_autofree gchar *stored = NULL;
	g_autofree gchar *former = NULL;
	g_autofree gchar *stated = NULL;

	arc_cluster_identity_offer(fx->cluster, fx->newer, "peer_b");
	arc_cluster_identity_offer(fx->cluster, fx->own, "peer_b");
	arc_cluster_identity_offer(fx->cluster, "clu_0", "peer_b");
	arc_cluster_identity_offer(fx->cluster, "peer_00000000000000000000000000", "peer_b");
	g_assert_cmpstr(arc_node_get_cluster_id(fx->node), ==, fx->own);
	g_assert_cmpuint(fx->former_ids->len, ==, 0);
	stored = arc_storage_get_meta(fx->storage, "cluster_id", NULL);
	g_assert_cmpstr(stored, ==, fx->own);
	former = arc_storage_get_meta(fx->storage, "cluster.former_ids", NULL);
	g_assert_null(former);
	stated = test_record_cluster_id(fx);
	g_assert_cmpstr(stated, ==, fx->own);
}

/* `cluster init --force`: a new id, stored and stated */
static void
test_renew_func(ClusterFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *stored = NULL;
	g_autofree gchar *stated = NULL;
	gboolean ok;

	ok = arc_cluster_identity_renew(fx->cluster, "test", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_true(arc_id_is_valid(arc_node_get_cluster_id(fx->node), "clu_"));
	g_assert_cmpstr(arc_node_get_cluster_id(fx->node), !=, fx->own);
	g_assert_cmpuint(fx->former_ids->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->former_ids, 0), ==, fx->own);
	stored = arc_storage_get_meta(fx->storage, "cluster_id", NULL);
	g_assert_cmpstr(stored, ==, arc_node_get_cluster_id(fx->node));
	stated = test_record_cluster_id(fx);
	g_assert_cmpstr(stated, ==, arc_node_get_cluster_id(fx->node));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/cluster-identity/offer-older", ClusterFixture, NULL, cluster_setup,
		   test_offer_older_func, cluster_teardown);
	g_test_add("/cluster-identity/offer-refused", ClusterFixture, NULL, cluster_setup,
		   test_offer_refused_func, cluster_teardown);
	g_test_add("/cluster-identity/renew", ClusterFixture, NULL, cluster_setup, test_renew_func,
		   cluster_teardown);
	return g_test_run();
}
