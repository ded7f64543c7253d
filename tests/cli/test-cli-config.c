/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "arc-cli-config.h"
#include "arc-cli-error.h"

/* spec §6.1, newer format, with keys this version does not know */
#define ARC_TEST_CONFIG_NEW                                                                        \
	"current_cluster: clu_01HABCDEF456\n"                                                      \
	"clusters:\n"                                                                              \
	"  clu_01HABCDEF456:\n"                                                                    \
	"    cluster_id: clu_01HABCDEF456\n"                                                       \
	"    customer_id: cust_xyz789\n"                                                           \
	"    client_id: cli_01HXYZ\n"                                                              \
	"    client_secret: sec_abc123\n"                                                          \
	"    peers:\n"                                                                             \
	"      - peer_id: peer_01HXYZABC123\n"                                                     \
	"        name: agent-a\n"                                                                  \
	"        region: eu-west\n"                                                                \
	"        endpoints:\n"                                                                     \
	"          - http://192.168.1.10:8080\n"                                                   \
	"          - http://10.0.0.10:8080\n"                                                      \
	"      - peer_id: peer_01HSECOND\n"                                                        \
	"        name: agent-b\n"                                                                  \
	"        endpoints: [http://192.168.1.11:8080]\n"                                          \
	"    default_peer: peer_01HSECOND\n"                                                       \
	"    name: Production\n"                                                                   \
	"    x_custom: keep me\n"                                                                  \
	"preferences:\n"                                                                           \
	"  output_format: yaml\n"                                                                  \
	"  timeout: 12\n"                                                                          \
	"  cache_ttl: 3600\n"                                                                      \
	"  auto_failover: true\n"                                                                  \
	"  backup_retention: 5\n"                                                                  \
	"extra_section:\n"                                                                         \
	"  anything: [1, 2]\n"

/* spec §6.1, older format: one `url` per peer, un-prefixed ids */
#define ARC_TEST_CONFIG_OLD                                                                        \
	"current_cluster: 01HABC\n"                                                                \
	"clusters:\n"                                                                              \
	"  01HABC:\n"                                                                              \
	"    cluster_id: 01HABC\n"                                                                 \
	"    client_id: cl_01HXYZ\n"                                                               \
	"    client_secret: sec_old\n"                                                             \
	"    peers:\n"                                                                             \
	"      - url: http://192.168.1.10:8080\n"                                                  \
	"        peer_id: 01HPEER\n"                                                               \
	"        name: agent-a\n"                                                                  \
	"preferences:\n"                                                                           \
	"  cache_ttl: 3600\n"                                                                      \
	"  auto_failover: false\n"

static gchar *
arc_test_config_write(const gchar *name, const gchar *contents)
{
	g_autofree gchar *dir = g_build_filename(g_get_user_config_dir(), "arctic", NULL);
	gchar *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
	return path;
}

static ArcCliConfig *
arc_test_config_load(const gchar *path)
{
	g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_cli_config_load(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&config);
}

static void
arc_test_config_new_format_func(void)
{
	g_autofree gchar *path = arc_test_config_write("config.yaml", ARC_TEST_CONFIG_NEW);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliCluster) cluster = NULL;
	ArcCliPeer *peer;

	g_assert_true(arc_cli_config_get_exists(config));
	g_assert_cmpstr(arc_cli_config_get_current_cluster(config), ==, "clu_01HABCDEF456");
	cluster = arc_cli_config_get_cluster(config, "clu_01HABCDEF456");
	g_assert_nonnull(cluster);
	g_assert_cmpstr(cluster->customer_id, ==, "cust_xyz789");
	g_assert_cmpstr(cluster->client_id, ==, "cli_01HXYZ");
	g_assert_cmpstr(cluster->client_secret, ==, "sec_abc123");
	g_assert_cmpstr(cluster->name, ==, "Production");
	g_assert_cmpuint(cluster->peers->len, ==, 2);
	peer = arc_cli_cluster_get_default_peer(cluster);
	g_assert_cmpstr(peer->peer_id, ==, "peer_01HSECOND");
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, "http://192.168.1.11:8080");
	peer = arc_cli_cluster_get_peer(cluster, "peer_01HXYZABC123");
	g_assert_cmpuint(peer->endpoints->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 1), ==, "http://10.0.0.10:8080");
	g_assert_cmpstr(arc_cli_config_get_preference_string(config, "output_format"), ==, "yaml");
	g_assert_cmpint(arc_cli_config_get_preference_int(config, "timeout", 30), ==, 12);
	g_assert_cmpint(arc_cli_config_get_preference_int(config, "missing", 30), ==, 30);
	g_assert_true(arc_cli_config_get_preference_bool(config, "auto_failover", FALSE));
}

static void
arc_test_config_old_format_func(void)
{
	g_autofree gchar *path = arc_test_config_write("config.yaml", ARC_TEST_CONFIG_OLD);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliCluster) cluster = arc_cli_config_get_cluster(config, "01HABC");
	ArcCliPeer *peer;

	g_assert_nonnull(cluster);
	g_assert_cmpstr(cluster->client_id, ==, "cl_01HXYZ");
	/* no default_peer: the first peer */
	peer = arc_cli_cluster_get_default_peer(cluster);
	g_assert_nonnull(peer);
	g_assert_cmpstr(peer->peer_id, ==, "01HPEER");
	g_assert_cmpuint(peer->endpoints->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(peer->endpoints, 0), ==, "http://192.168.1.10:8080");
	g_assert_false(arc_cli_config_get_preference_bool(config, "auto_failover", TRUE));
}

static void
arc_test_config_assert_mode(const gchar *path, guint mode)
{
	GStatBuf st;

	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, mode);
}

/* Rewriting keeps secrets and unknown keys; the file is private */
static void
arc_test_config_round_trip_func(void)
{
	g_autofree gchar *path = arc_test_config_write("config.yaml", ARC_TEST_CONFIG_NEW);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliConfig) reloaded = NULL;
	g_autoptr(ArcCliCluster) cluster = arc_cli_config_get_cluster(config, "clu_01HABCDEF456");
	g_autoptr(ArcCliCluster) again = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	gboolean ok;

	g_assert_cmpint(g_chmod(path, 0644), ==, 0);
	g_assert_true(arc_cli_cluster_promote_endpoint(cluster, "http://10.0.0.10:8080"));
	g_assert_false(arc_cli_cluster_promote_endpoint(cluster, "http://10.0.0.10:8080"));
	arc_cli_config_set_cluster(config, cluster);
	ok = arc_cli_config_save(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_test_config_assert_mode(path, 0600);

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "client_secret: sec_abc123\n"));
	g_assert_nonnull(strstr(text, "x_custom: keep me\n"));
	g_assert_nonnull(strstr(text, "region: eu-west\n"));
	g_assert_nonnull(strstr(text, "extra_section:\n"));
	g_assert_true(g_str_has_prefix(text, "current_cluster: clu_01HABCDEF456\n"));

	reloaded = arc_test_config_load(path);
	again = arc_cli_config_get_cluster(reloaded, "clu_01HABCDEF456");
	g_assert_cmpstr(again->client_secret, ==, "sec_abc123");
	g_assert_cmpstr(g_ptr_array_index(
				arc_cli_cluster_get_peer(again, "peer_01HXYZABC123")->endpoints, 0),
			==, "http://10.0.0.10:8080");
	g_assert_cmpint(arc_cli_config_get_preference_int(reloaded, "backup_retention", 0), ==, 5);
}

/* An older file is written in the newer format, its single url kept in step */
static void
arc_test_config_old_format_save_func(void)
{
	g_autofree gchar *path = arc_test_config_write("config.yaml", ARC_TEST_CONFIG_OLD);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliCluster) cluster = arc_cli_config_get_cluster(config, "01HABC");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	gboolean ok;

	g_ptr_array_add(arc_cli_cluster_get_default_peer(cluster)->endpoints,
			g_strdup("http://10.9.9.9:8080"));
	arc_cli_cluster_promote_endpoint(cluster, "http://10.9.9.9:8080");
	arc_cli_config_set_cluster(config, cluster);
	ok = arc_cli_config_save(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "url: http://10.9.9.9:8080\n"));
	g_assert_nonnull(strstr(text, "endpoints:\n"));
	g_assert_nonnull(strstr(text, "client_secret: sec_old\n"));
}

static void
arc_test_config_create_func(void)
{
	g_autofree gchar *dir = g_build_filename(g_get_user_config_dir(), "new", "arctic", NULL);
	g_autofree gchar *path = g_build_filename(dir, "config.yaml", NULL);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliConfig) reloaded = NULL;
	g_autoptr(ArcCliCluster) cluster = arc_cli_cluster_new("clu_NEW");
	g_autoptr(ArcCliCluster) again = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_false(arc_cli_config_get_exists(config));
	g_assert_null(arc_cli_config_get_current_cluster(config));
	cluster->client_id = g_strdup("cli_NEW");
	arc_cli_cluster_set_client_secret(cluster, "sec_NEW");
	arc_cli_cluster_set_peer(
		cluster, arc_cli_peer_new("peer_NEW", "agent-new", "http://127.0.0.1:8080"));
	cluster->default_peer = g_strdup("peer_NEW");
	arc_cli_config_set_cluster(config, cluster);
	arc_cli_config_set_current_cluster(config, "clu_NEW");
	ok = arc_cli_config_save(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_test_config_assert_mode(dir, 0700);
	arc_test_config_assert_mode(path, 0600);

	reloaded = arc_test_config_load(path);
	g_assert_cmpstr(arc_cli_config_get_current_cluster(reloaded), ==, "clu_NEW");
	again = arc_cli_config_get_cluster(reloaded, "clu_NEW");
	g_assert_cmpstr(again->client_secret, ==, "sec_NEW");
	g_assert_cmpstr(arc_cli_cluster_get_default_peer(again)->name, ==, "agent-new");
}

static void
arc_test_config_invalid_func(void)
{
	const gchar *documents[] = {"clusters: [unclosed\n", "- a list\n- at the top\n"};

	for (guint i = 0; i < G_N_ELEMENTS(documents); i++) {
		g_autofree gchar *path = arc_test_config_write("bad.yaml", documents[i]);
		g_autoptr(ArcCliConfig) config = arc_cli_config_new(path);
		g_autoptr(GError) error = NULL;

		g_assert_false(arc_cli_config_load(config, &error));
		g_assert_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG);
	}
}

static void
arc_test_config_find_by_endpoint_func(void)
{
	g_autofree gchar *path = arc_test_config_write("config.yaml", ARC_TEST_CONFIG_NEW);
	g_autoptr(ArcCliConfig) config = arc_test_config_load(path);
	g_autoptr(ArcCliCluster) found =
		arc_cli_config_find_cluster_by_endpoint(config, "http://10.0.0.10:8080");
	g_autoptr(ArcCliCluster) missing =
		arc_cli_config_find_cluster_by_endpoint(config, "http://10.0.0.99:8080");

	g_assert_nonnull(found);
	g_assert_cmpstr(found->cluster_id, ==, "clu_01HABCDEF456");
	g_assert_null(missing);
}

static void
arc_test_config_default_path_func(void)
{
	g_autofree gchar *expected =
		g_build_filename(g_get_user_config_dir(), "arctic", "config.yaml", NULL);
	g_autofree gchar *path = NULL;
	g_autofree gchar *from_env = NULL;

	g_unsetenv("ARCTIC_CONFIG");
	path = arc_cli_config_default_path();
	g_assert_cmpstr(path, ==, expected);
	g_setenv("ARCTIC_CONFIG", "/somewhere/else.yaml", TRUE);
	from_env = arc_cli_config_default_path();
	g_assert_cmpstr(from_env, ==, "/somewhere/else.yaml");
	g_unsetenv("ARCTIC_CONFIG");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cli/config/new-format", arc_test_config_new_format_func);
	g_test_add_func("/cli/config/old-format", arc_test_config_old_format_func);
	g_test_add_func("/cli/config/round-trip", arc_test_config_round_trip_func);
	g_test_add_func("/cli/config/old-format-save", arc_test_config_old_format_save_func);
	g_test_add_func("/cli/config/create", arc_test_config_create_func);
	g_test_add_func("/cli/config/invalid", arc_test_config_invalid_func);
	g_test_add_func("/cli/config/find-by-endpoint", arc_test_config_find_by_endpoint_func);
	g_test_add_func("/cli/config/default-path", arc_test_config_default_path_func);
	return g_test_run();
}
