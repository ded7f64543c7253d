/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>

#include "arc-readiness.h"
#include "arc-unit-storage.h"

/* ArcReadiness in-process: the checks of /readyz (docs/decisions.md) as an agent moves from
 * construction to serving, in the order and words the endpoint shows them. */

typedef struct {
	gchar *dir;
	ArcConfig *config;
	ArcNode *node;
	ArcReadiness *readiness;
} ReadinessFixture;

static void
readiness_setup(ReadinessFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("arc-readiness-XXXXXX", &error);
	g_assert_no_error(error);
	fx->config = arc_config_new();
	fx->node = arc_node_new(fx->config);
	fx->readiness = arc_readiness_new(fx->node);
}

static void
readiness_teardown(ReadinessFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_pointer(&fx->readiness, arc_readiness_free);
	if (arc_node_get_storage(fx->node) != NULL)
		arc_storage_close(arc_node_get_storage(fx->node));
	g_clear_object(&fx->node);
	arc_config_free(fx->config);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

static const ArcReadinessCheck *
test_check(GArray *checks, guint i, const gchar *name)
{
	const ArcReadinessCheck *check = &g_array_index(checks, ArcReadinessCheck, i);

	g_assert_cmpstr(check->name, ==, name);
	return check;
}

/* before plugins are loaded: nothing is ready but the license, which waits for bootstrap */
static void
test_unloaded_func(ReadinessFixture *fx, gconstpointer data)
{
	g_autoptr(GArray) checks = NULL;
	g_autofree gchar *plugins = g_strdup_printf(
		"storage=%s license=%s", fx->config->storage_plugin, fx->config->license_plugin);
	const ArcReadinessCheck *check;
	gboolean all_ok = TRUE;

	checks = arc_readiness_check(fx->readiness, NULL, &all_ok);
	g_assert_false(all_ok);
	g_assert_cmpuint(checks->len, ==, 4);
	check = test_check(checks, 0, "storage");
	g_assert_false(check->ok);
	g_assert_cmpstr(check->message, ==, "not open");
	check = test_check(checks, 1, "license");
	g_assert_true(check->ok);
	g_assert_cmpstr(check->message, ==, "awaiting bootstrap");
	check = test_check(checks, 2, "plugins");
	g_assert_false(check->ok);
	g_assert_cmpstr(check->message, ==, plugins);
	check = test_check(checks, 3, "listeners");
	g_assert_false(check->ok);
	g_assert_cmpstr(check->message, ==, "not listening");
}

/* storage open and the API listening: those two pass, with what the operator reads */
static void
test_serving_func(ReadinessFixture *fx, gconstpointer data)
{
	g_autofree gchar *data_dir = g_build_filename(fx->dir, "a", NULL);
	g_autoptr(ArcStorage) storage = arc_unit_open_storage(data_dir);
	g_autoptr(GArray) checks = NULL;
	g_autoptr(GArray) again = NULL;
	g_autofree gchar *described = arc_storage_describe(storage);
	const ArcReadinessCheck *check;
	gboolean all_ok = TRUE;

	arc_node_set_plugins(fx->node, storage, NULL);
	arc_readiness_set_listeners(fx->readiness, TRUE, "api 127.0.0.1:18080");
	checks = arc_readiness_check(fx->readiness, NULL, &all_ok);
	/* the plugins check still fails: there is no license manager */
	g_assert_false(all_ok);
	check = test_check(checks, 0, "storage");
	g_assert_true(check->ok);
	g_assert_cmpstr(check->message, ==, described);
	check = test_check(checks, 3, "listeners");
	g_assert_true(check->ok);
	g_assert_cmpstr(check->message, ==, "api 127.0.0.1:18080");

	/* the listeners closing is seen at the next check */
	arc_readiness_set_listeners(fx->readiness, FALSE, "api stopped");
	again = arc_readiness_check(fx->readiness, NULL, &all_ok);
	check = test_check(again, 3, "listeners");
	g_assert_false(check->ok);
	g_assert_cmpstr(check->message, ==, "api stopped");
}

/* a data plane's tunnel: counts how often it was read and whether it was let go */
typedef struct {
	guint reads;
	gboolean destroyed;
} TestTunnel;

static GPtrArray *
test_tunnel_status_cb(gpointer user_data)
{
	TestTunnel *tunnel = user_data;
	GPtrArray *peers =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_tunnel_peer_status_free);
	ArcTunnelPeerStatus *peer = g_new0(ArcTunnelPeerStatus, 1);

	tunnel->reads++;
	peer->peer_id = g_strdup("peer_b");
	peer->rx_bytes = 42;
	g_ptr_array_add(peers, peer);
	return peers;
}

static void
test_tunnel_destroy_cb(gpointer user_data)
{
	((TestTunnel *)user_data)->destroyed = TRUE;
}

/* the data plane's report of its tunnel: none while it is off, its peers once installed; a
 * replaced or dropped report lets go of its data */
static void
test_tunnel_status_func(ReadinessFixture *fx, gconstpointer data)
{
	TestTunnel first = {0};
	TestTunnel second = {0};
	g_autoptr(GPtrArray) none = arc_readiness_get_tunnel_status(fx->readiness);
	g_autoptr(GPtrArray) peers = NULL;
	ArcTunnelPeerStatus *peer;

	g_assert_null(none);
	arc_readiness_set_tunnel_status_func(fx->readiness, test_tunnel_status_cb, &first,
					     test_tunnel_destroy_cb);
	peers = arc_readiness_get_tunnel_status(fx->readiness);
	g_assert_nonnull(peers);
	g_assert_cmpuint(peers->len, ==, 1);
	peer = g_ptr_array_index(peers, 0);
	g_assert_cmpstr(peer->peer_id, ==, "peer_b");
	g_assert_cmpuint(peer->rx_bytes, ==, 42);
	g_assert_cmpuint(first.reads, ==, 1);
	arc_readiness_set_tunnel_status_func(fx->readiness, test_tunnel_status_cb, &second,
					     test_tunnel_destroy_cb);
	g_assert_true(first.destroyed);
	g_assert_false(second.destroyed);
	g_clear_pointer(&fx->readiness, arc_readiness_free);
	g_assert_true(second.destroyed);
	g_assert_cmpuint(second.reads, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/readiness/unloaded", ReadinessFixture, NULL, readiness_setup,
		   test_unloaded_func, readiness_teardown);
	g_test_add("/readiness/serving", ReadinessFixture, NULL, readiness_setup, test_serving_func,
		   readiness_teardown);
	g_test_add("/readiness/tunnel-status", ReadinessFixture, NULL, readiness_setup,
		   test_tunnel_status_func, readiness_teardown);
	return g_test_run();
}
