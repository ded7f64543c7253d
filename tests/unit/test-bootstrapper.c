/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-bootstrapper.h"
#include "arc-plugin-loader.h"
#include "arc-key-file.h"

/* ArcBootstrapper in-process, over the storage and license plugins the agent loads, in a
 * temp dir: what a start finds in arctic.db and peer.key, and what it refuses to serve
 * with, in the words the operator reads. */

#define TEST_NOW G_GINT64_CONSTANT(1780000000)

typedef struct {
	gchar *dir;
	ArcConfig *config;
	ArcPluginLoader *loader;
	ArcStorage *storage;
	ArcNode *node;
	ArcRegistry *registry;
	ArcAuthManager *auth;
	ArcLicenseManager *licenses;
	ArcPeerManager *peers;
	ArcClusterIdentity *cluster;
	ArcBootstrapper *bootstrapper;
	gchar *peer_id;
} BootFixture;

static gint64
test_now_cb(gpointer user_data)
{
	return TEST_NOW;
}

static void
test_changed_cb(gpointer host, const gchar *peer_id)
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
	.peer_changed = test_changed_cb,
	.offer_cluster_id = test_offer_cb,
	.get_gossip = test_gossip_cb,
};

static void
boot_setup(BootFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	ArcLicenseBackend *backend = NULL;
	gboolean ok;

	fx->dir = g_dir_make_tmp("arc-bootstrapper-XXXXXX", &error);
	g_assert_no_error(error);
	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_strdup(fx->dir);
	fx->loader = arc_plugin_loader_new(g_getenv("ARC_PLUGIN_DIR"));
	ok = arc_plugin_loader_load_required(fx->loader, fx->config, &fx->storage, &backend,
					     &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_storage_open(fx->storage, fx->dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_now_cb, NULL);
	arc_node_set_plugins(fx->node, fx->storage, backend);
	fx->registry = arc_registry_new(fx->storage);
	fx->auth = arc_auth_manager_new(fx->storage);
	fx->licenses = arc_license_manager_new(fx->node, fx->registry);
	fx->peers = arc_peer_manager_new(fx->node, fx->registry, fx->auth, &test_host, fx);
	fx->cluster = arc_cluster_identity_new(fx->node, fx->auth, fx->peers);
	fx->bootstrapper = arc_bootstrapper_new(fx->node, fx->registry, fx->auth, fx->licenses,
						fx->peers, fx->cluster);
	fx->peer_id = arc_id_new("peer_");
}

static void
boot_teardown(BootFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_pointer(&fx->bootstrapper, arc_bootstrapper_free);
	g_clear_pointer(&fx->cluster, arc_cluster_identity_free);
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	arc_license_manager_stop(fx->licenses);
	g_clear_object(&fx->licenses);
	g_clear_object(&fx->auth);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->node);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->loader);
	arc_config_free(fx->config);
	g_free(fx->peer_id);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* arctic.db as a bootstrap left it, this agent's record stating @identity's key; without
 * @cluster_id, as a bootstrap interrupted halfway would */
static void
test_store_bootstrapped(BootFixture *fx, ArcIdentity *identity, gboolean cluster_id)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *body = arc_peer_record_body(
		fx->peer_id, "alpha", NULL, arc_identity_get_public_key_base64(identity),
		"127.0.0.1:18080", "lic_test", "clu_test", ARC_PEER_STATE_ACTIVE, TEST_NOW);
	g_autoptr(ArcRecord) record = arc_record_new("peer", fx->peer_id, body);
	g_autofree gchar *cluster = arc_id_new("clu_");
	g_autoptr(GError) error = NULL;

	record->version = 1;
	record->writer = g_strdup(fx->peer_id);
	arc_storage_txn_put_record(txn, record);
	arc_storage_txn_set_meta(txn, "peer_id", fx->peer_id);
	if (cluster_id)
		arc_storage_txn_set_meta(txn, "cluster_id", cluster);
	arc_storage_txn_set_meta(txn, "license", "{}");
	ok = arc_storage_commit(fx->storage, txn, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* an identity that is not this agent's, in a file of its own */
static ArcIdentity *
test_other_identity(BootFixture *fx)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = g_build_filename(fx->dir, "other.key", NULL);
	ArcIdentity *identity = arc_identity_load_or_create(path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(identity);
	return identity;
}

/* a new agent: nothing to load, and it may serve (to take its bootstrap) */
static void
test_new_agent_func(BootFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = arc_bootstrapper_load(fx->bootstrapper, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(arc_node_is_bootstrapped(fx->node));
}

/* arctic.db names this agent, and peer.key is gone: the operator is told how to recover */
static void
test_key_missing_func(BootFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcIdentity) other = test_other_identity(fx);
	g_autofree gchar *expected = NULL;
	gboolean ok;

	test_store_bootstrapped(fx, other, TRUE);
	ok = arc_bootstrapper_load(fx->bootstrapper, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INTERNAL);
	g_assert_false(ok);
	expected = g_strdup_printf("%s/peer.key is missing but arctic.db says this agent is peer "
				   "%s: restore peer.key from a backup, or reset the agent (remove "
				   "arctic.db) and bootstrap again",
				   fx->dir, fx->peer_id);
	g_assert_cmpstr(error->message, ==, expected);
	g_assert_false(arc_node_is_bootstrapped(fx->node));
}

/* peer.key is another key than the one this agent's record states */
static void
test_key_mismatch_func(BootFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcIdentity) other = test_other_identity(fx);
	g_autofree gchar *key_path = g_build_filename(fx->dir, "peer.key", NULL);
	g_autoptr(ArcIdentity) own = arc_identity_load_or_create(key_path, &error);
	g_autofree gchar *expected = NULL;
	gboolean ok;

	g_assert_no_error(error);
	g_assert_nonnull(own);
	test_store_bootstrapped(fx, other, TRUE);
	ok = arc_bootstrapper_load(fx->bootstrapper, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INTERNAL);
	g_assert_false(ok);
	expected = g_strdup_printf("%s does not match the identity stored in arctic.db for peer "
				   "%s: restore the original peer.key, or reset the agent (remove "
				   "arctic.db) and bootstrap again",
				   key_path, fx->peer_id);
	g_assert_cmpstr(error->message, ==, expected);
	g_assert_false(arc_node_is_bootstrapped(fx->node));
}

/* a bootstrap that stored the peer id but not the cluster id */
static void
test_incomplete_func(BootFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcIdentity) other = test_other_identity(fx);
	gboolean ok;

	test_store_bootstrapped(fx, other, FALSE);
	ok = arc_bootstrapper_load(fx->bootstrapper, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_STORAGE);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==, "arctic.db is bootstrapped but incomplete");
}

static void
test_add(const gchar *path, void (*func)(BootFixture *, gconstpointer))
{
	g_test_add(path, BootFixture, NULL, boot_setup, func, boot_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	test_add("/bootstrapper/new-agent", test_new_agent_func);
	test_add("/bootstrapper/key-missing", test_key_missing_func);
	test_add("/bootstrapper/key-mismatch", test_key_mismatch_func);
	test_add("/bootstrapper/incomplete", test_incomplete_func);
	return g_test_run();
}
