/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-node.h"
#include "arc-key-file.h"

/* ArcNode in-process: the clock the managers go by, who the node is before and after
 * bootstrap, the signals a merge and a rename emit, and the address it advertises. */

typedef struct {
	ArcConfig *config;
	ArcNode *node;
	GPtrArray *former_ids; /* what cluster-id-changed carried, in order */
	guint renames;
} NodeFixture;

static void
node_setup(NodeFixture *fx, gconstpointer data)
{
	fx->config = arc_config_new();
	fx->config->listen_port = 8080;
	fx->node = arc_node_new(fx->config);
	fx->former_ids = g_ptr_array_new_with_free_func(g_free);
}

static void
node_teardown(NodeFixture *fx, gconstpointer data)
{
	g_clear_object(&fx->node);
	g_ptr_array_unref(fx->former_ids);
	arc_config_free(fx->config);
}

static gint64
test_clock_cb(gpointer user_data)
{
	return *(gint64 *)user_data;
}

static void
node_clock_func(NodeFixture *fx, gconstpointer data)
{
	gint64 now = 1780000000;
	gint64 before = g_get_real_time() / G_USEC_PER_SEC;

	/* the real clock until a test sets its own */
	g_assert_cmpint(arc_node_now(fx->node), >=, before);
	arc_node_set_clock(fx->node, test_clock_cb, &now);
	g_assert_cmpint(arc_node_now(fx->node), ==, 1780000000);
	now += 86400;
	g_assert_cmpint(arc_node_now(fx->node), ==, 1780086400);
}

static void
test_cluster_id_changed_cb(ArcNode *node, const gchar *former, gpointer user_data)
{
	NodeFixture *fx = user_data;
	g_ptr_array_add(fx->former_ids, g_strdup(former));
}

static void
test_name_changed_cb(ArcNode *node, gpointer user_data)
{
	NodeFixture *fx = user_data;
	fx->renames++;
}

static void
node_identity_func(NodeFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("arc-test-node-XXXXXX", &error);
	g_autofree gchar *path = NULL;
	g_autoptr(ArcIdentity) identity = NULL;

	g_assert_no_error(error);
	path = g_build_filename(dir, "peer.key", NULL);
	identity = arc_identity_load_or_create(path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(identity);
	g_signal_connect(fx->node, "cluster-id-changed", G_CALLBACK(test_cluster_id_changed_cb),
			 fx);
	g_signal_connect(fx->node, "name-changed", G_CALLBACK(test_name_changed_cb), fx);

	g_assert_false(arc_node_is_bootstrapped(fx->node));
	g_assert_null(arc_node_get_peer_id(fx->node));
	g_assert_null(arc_node_get_identity(fx->node));

	/* bootstrap (or a bootstrapped start) says who the node is, quietly */
	arc_node_set_identity(fx->node, identity, "peer_a", "clu_b", "alpha");
	g_assert_true(arc_node_is_bootstrapped(fx->node));
	g_assert_cmpstr(arc_node_get_peer_id(fx->node), ==, "peer_a");
	g_assert_cmpstr(arc_node_get_cluster_id(fx->node), ==, "clu_b");
	g_assert_cmpstr(arc_node_get_name(fx->node), ==, "alpha");
	g_assert_true(arc_node_get_identity(fx->node) == identity);
	g_assert_cmpuint(fx->former_ids->len, ==, 0);
	g_assert_cmpuint(fx->renames, ==, 0);

	/* a merge into an older cluster names the id given up; the same id again is no change */
	arc_node_set_cluster_id(fx->node, "clu_a");
	arc_node_set_cluster_id(fx->node, "clu_a");
	g_assert_cmpstr(arc_node_get_cluster_id(fx->node), ==, "clu_a");
	g_assert_cmpuint(fx->former_ids->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->former_ids, 0), ==, "clu_b");

	arc_node_set_name(fx->node, "beta");
	arc_node_set_name(fx->node, "beta");
	g_assert_cmpstr(arc_node_get_name(fx->node), ==, "beta");
	g_assert_cmpuint(fx->renames, ==, 1);

	g_unlink(path);
	g_rmdir(dir);
}

static void
node_address_func(NodeFixture *fx, gconstpointer data)
{
	g_autofree gchar *configured = NULL;
	g_autofree gchar *bound = NULL;
	g_autofree gchar *advertised = NULL;

	g_free(fx->config->listen_address);
	fx->config->listen_address = g_strdup("192.0.2.10");
	g_assert_cmpuint(arc_node_get_api_port(fx->node), ==, 8080);
	configured = arc_node_advertised_address(fx->node, NULL);
	g_assert_cmpstr(configured, ==, "192.0.2.10:8080");

	/* listening on port 0: the port bound is the one advertised */
	arc_node_set_api_port(fx->node, 41234);
	bound = arc_node_advertised_address(fx->node, NULL);
	g_assert_cmpstr(bound, ==, "192.0.2.10:41234");
	g_free(fx->config->listen_address);
	fx->config->listen_address = g_strdup("0.0.0.0");
	/* on a wildcard, the IP address in the node's record stays, with the port bound */
	advertised = arc_node_own_address(fx->node, "198.51.100.7:8080", NULL);
	g_assert_cmpstr(advertised, ==, "198.51.100.7:41234");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/node/clock", NodeFixture, NULL, node_setup, node_clock_func, node_teardown);
	g_test_add("/node/identity", NodeFixture, NULL, node_setup, node_identity_func,
		   node_teardown);
	g_test_add("/node/address", NodeFixture, NULL, node_setup, node_address_func,
		   node_teardown);
	return g_test_run();
}
