/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <string.h>

#include "arc-config-file.h"

static void
config_listen_func(void)
{
	const struct {
		const gchar *in;
		const gchar *address;
		guint16 port;
	} good[] = {
		{"127.0.0.1:9000", "127.0.0.1", 9000},
		{"0.0.0.0", "0.0.0.0", 8080},
		{"9001", "0.0.0.0", 9001},
		{"[::1]:9002", "::1", 9002},
		{"::", "::", 8080},
		{"127.0.0.1:0", "127.0.0.1", 0},
	};
	const gchar *bad[] = {"localhost:80", "1.2.3.4:65536", "[::1", "1.2.3.4:x", "300.1.1.1:80"};
	gboolean ok;

	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autoptr(ArcConfig) config = arc_config_new();
		g_autoptr(GError) error = NULL;
		ok = arc_config_set_listen(config, good[i].in, &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpstr(config->listen_address, ==, good[i].address);
		g_assert_cmpuint(config->listen_port, ==, good[i].port);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(ArcConfig) config = arc_config_new();
		g_autoptr(GError) error = NULL;
		g_assert_false(arc_config_set_listen(config, bad[i], &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_cmpstr(config->listen_address, ==, "0.0.0.0");
	}
}

static void
config_file_and_env_func(void)
{
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("arc-config-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "agent.conf", NULL);
	const gchar *text = "[agent]\ndata_dir=/srv/arctic\nlisten=127.0.0.1:7000\n"
			    "log_format=text\n[plugins]\nstorage=other\n";
	gboolean ok;

	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	ok = arc_config_load_file(config, path, TRUE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(config->data_dir, ==, "/srv/arctic");
	g_assert_cmpuint(config->listen_port, ==, 7000);
	g_assert_cmpint(config->log_format, ==, ARC_LOG_FORMAT_TEXT);
	g_assert_cmpstr(config->storage_plugin, ==, "other");

	/* the environment overrides the file */
	g_setenv("API_PORT", "7100", TRUE);
	g_setenv("DATA_DIR", "/var/lib/arctic", TRUE);
	g_setenv("LOG_FORMAT", "json", TRUE);
	ok = arc_config_apply_environment(config, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(config->listen_port, ==, 7100);
	g_assert_cmpstr(config->data_dir, ==, "/var/lib/arctic");
	g_assert_cmpint(config->log_format, ==, ARC_LOG_FORMAT_JSON);

	g_setenv("API_PORT", "eighty", TRUE);
	g_assert_false(arc_config_apply_environment(config, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_nonnull(strstr(error->message, "API_PORT"));
	g_unsetenv("API_PORT");
	g_unsetenv("DATA_DIR");
	g_unsetenv("LOG_FORMAT");
	g_unlink(path);
	g_rmdir(dir);
}

static void
config_missing_file_func(void)
{
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_config_load_file(config, "/nonexistent/agent.conf", FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(arc_config_load_file(config, "/nonexistent/agent.conf", TRUE, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
}

static gboolean
config_load_text(ArcConfig *config, const gchar *text, GError **error)
{
	g_autofree gchar *dir = g_dir_make_tmp("arc-config-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "agent.conf", NULL);
	gboolean ok;

	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	ok = arc_config_load_file(config, path, TRUE, error);
	g_unlink(path);
	g_rmdir(dir);
	return ok;
}

/* [gossip]: durations in seconds with decimals, kept in milliseconds; bad values are refused
 * with the key named */
static void
config_gossip_func(void)
{
	const gchar *bad[] = {
		"[gossip]\ninterval=0\n",
		"[gossip]\ninterval=fast\n",
		"[gossip]\nfanout=0\n",
		"[gossip]\nfanout=65\n",
		"[gossip]\nmax_clock_skew=0.5\n",
		"[gossip]\nsuspect_after=10\nunreachable_after=5\n",
		"[gossip]\ntombstone_retention=0\n",
		"[gossip]\ntimeout=-1\n",
	};
	const gchar *keys[] = {"interval",
			       "interval",
			       "fanout",
			       "fanout",
			       "max_clock_skew",
			       "unreachable_after",
			       "tombstone_retention",
			       "timeout"};
	gboolean ok;

	{
		g_autoptr(ArcConfig) config = arc_config_new();
		g_autoptr(GError) error = NULL;

		g_assert_cmpuint(config->gossip_interval, ==, 1000);
		g_assert_cmpuint(config->gossip_fanout, ==, 3);
		g_assert_cmpuint(config->gossip_suspect_after, ==, 5000);
		g_assert_cmpuint(config->gossip_unreachable_after, ==, 30000);
		g_assert_cmpuint(config->gossip_max_clock_skew, ==, 30000);
		g_assert_cmpuint(config->tombstone_retention, ==, 7 * 24 * 3600);
		ok = config_load_text(config,
				      "[gossip]\ninterval=0.2\nfanout=5\n"
				      "suspect_after=1.5\nunreachable_after=4\n"
				      "max_clock_skew=10\ntimeout=0.5\n"
				      "tombstone_retention=3600\n",
				      &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpuint(config->gossip_interval, ==, 200);
		g_assert_cmpuint(config->gossip_fanout, ==, 5);
		g_assert_cmpuint(config->gossip_suspect_after, ==, 1500);
		g_assert_cmpuint(config->gossip_unreachable_after, ==, 4000);
		g_assert_cmpuint(config->gossip_max_clock_skew, ==, 10000);
		g_assert_cmpuint(config->gossip_timeout, ==, 500);
		g_assert_cmpuint(config->tombstone_retention, ==, 3600);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(ArcConfig) config = arc_config_new();
		g_autoptr(GError) error = NULL;

		g_assert_false(config_load_text(config, bad[i], &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error->message, keys[i]));
	}
}

/* [api]: defaults, a valid set, and each key out of its bounds */
static void
config_api_func(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("arc-config-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "agent.conf", NULL);
	const gchar *bad[] = {"max_connections=15",
			      "peer_reserve=51",
			      "header_timeout=0",
			      "body_timeout=x",
			      "idle_timeout=-1",
			      "max_request_line=100",
			      "max_head=65536",
			      "tls_key_check_timeout=0",
			      "tls_key_check_timeout=301",
			      NULL};
	g_autoptr(ArcConfig) defaults = arc_config_new();
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_cmpuint(defaults->api_max_connections, ==, 1024);
	g_assert_cmpuint(defaults->api_header_timeout, ==, 10);
	g_assert_cmpuint(defaults->tls_key_check_timeout, ==, 5);
	g_assert_true(g_file_set_contents(path,
					  "[api]\nmax_connections=64\npeer_reserve=20\n"
					  "header_timeout=2\nbody_timeout=3\nidle_timeout=4\n"
					  "max_request_line=2048\nmax_head=8192\n"
					  "tls_key_check_timeout=40\n",
					  -1, NULL));
	ok = arc_config_load_file(config, path, TRUE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(config->api_max_connections, ==, 64);
	g_assert_cmpuint(config->api_peer_reserve, ==, 20);
	g_assert_cmpuint(config->api_header_timeout, ==, 2);
	g_assert_cmpuint(config->api_body_timeout, ==, 3);
	g_assert_cmpuint(config->api_idle_timeout, ==, 4);
	g_assert_cmpuint(config->api_max_request_line, ==, 2048);
	g_assert_cmpuint(config->api_max_head, ==, 8192);
	g_assert_cmpuint(config->tls_key_check_timeout, ==, 40);
	for (guint i = 0; bad[i] != NULL; i++) {
		g_autoptr(ArcConfig) refused = arc_config_new();
		g_autoptr(GError) error_bad = NULL;
		g_autofree gchar *text = g_strdup_printf("[api]\n%s\n", bad[i]);

		g_assert_true(g_file_set_contents(path, text, -1, NULL));
		g_assert_false(arc_config_load_file(refused, path, TRUE, &error_bad));
		g_assert_error(error_bad, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error_bad->message, "[api]"));
	}
	g_unlink(path);
	g_rmdir(dir);
}

/* [auth] issuer: an http(s) URL an RFC 8414 issuer may be, or nothing (derived) */
static void
config_auth_issuer_func(void)
{
	const gchar *bad[] = {
		"[auth]\nissuer=arctic.example.com\n",
		"[auth]\nissuer=ftp://arctic.example.com\n",
		"[auth]\nissuer=https://arctic.example.com/\n",
		"[auth]\nissuer=https://arctic.example.com/?tenant=1\n",
		"[auth]\nissuer=https://arctic.example.com#x\n",
		"[auth]\nissuer=https://user@arctic.example.com\n",
		"[auth]\nissuer=https://\n",
	};
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_null(config->auth_issuer);
	ok = config_load_text(config, "[auth]\nissuer=https://arctic.example.com/x\n", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(config->auth_issuer, ==, "https://arctic.example.com/x");
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(ArcConfig) refused = arc_config_new();
		g_autoptr(GError) error_bad = NULL;

		g_test_message("%s", bad[i]);
		g_assert_false(config_load_text(refused, bad[i], &error_bad));
		g_assert_error(error_bad, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error_bad->message, "[auth] issuer"));
	}
}

/* [tunnel]: defaults, a full section, and each bad value refused naming its key */
static void
config_tunnel_func(void)
{
	const gchar *bad[] = {
		"[tunnel]\nport=65536\n",
		"[tunnel]\nport=0\n",
		"[tunnel]\nport=53\n",
		"[tunnel]\ninterface=arc-x\n",
		"[tunnel]\ninterface=much-too-long-name\n",
		"[tunnel]\ninterface=a b\n",
		"[tunnel]\nmtu=1000\n",
		"[tunnel]\naead=fast\n",
		"[tunnel]\nipv4_range=fd00::/64\n",
		"[tunnel]\nipv4_range=10.1.2.3/16\n",
		"[tunnel]\nipv4_range=10.0.0.0/31\n",
		"[tunnel]\nipv6_range=fd00::/32\n",
	};
	const gchar *keys[] = {"port",       "port",       "port",       "interface",
			       "interface",  "interface",  "mtu",        "aead",
			       "ipv4_range", "ipv4_range", "ipv4_range", "ipv6_range"};
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *v4 = arc_cidr_to_string(&config->tunnel_ipv4_range);
	g_autofree gchar *v6 = arc_cidr_to_string(&config->tunnel_ipv6_range);
	g_autofree gchar *v4_set = NULL;
	gboolean ok;

	g_assert_cmpstr(config->tunnel_plugin, ==, "tempest");
	g_assert_cmpstr(config->tunnel_interface, ==, "arctic0");
	g_assert_cmpuint(config->tunnel_port, ==, 51840);
	g_assert_cmpstr(v4, ==, "100.79.0.0/16");
	g_assert_cmpstr(v6, ==, "fd79:a7c::/64");
	g_assert_cmpuint(config->tunnel_mtu, ==, 1420);
	g_assert_cmpstr(config->tunnel_aead, ==, "auto");
	ok = config_load_text(
		config,
		"[plugins]\ntunnel=other\n[tunnel]\ninterface=wg-arctic\nport=51999\nmtu=1380\n"
		"aead=openssl\nipv4_range=10.99.0.0/20\n",
		&error);
	g_assert_no_error(error);
	g_assert_true(ok);
	v4_set = arc_cidr_to_string(&config->tunnel_ipv4_range);
	g_assert_cmpstr(config->tunnel_plugin, ==, "other");
	g_assert_cmpstr(config->tunnel_interface, ==, "wg-arctic");
	g_assert_cmpuint(config->tunnel_port, ==, 51999);
	g_assert_cmpuint(config->tunnel_mtu, ==, 1380);
	g_assert_cmpstr(config->tunnel_aead, ==, "openssl");
	g_assert_cmpstr(v4_set, ==, "10.99.0.0/20");
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(ArcConfig) other = arc_config_new();
		g_autoptr(GError) error_bad = NULL;

		g_assert_false(config_load_text(other, bad[i], &error_bad));
		g_assert_error(error_bad, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error_bad->message, keys[i]));
	}
}

/* [proxy]: defaults, 0 turns the capture off, each bad value refused naming its key */
static void
config_proxy_func(void)
{
	const struct {
		const gchar *text, *says;
	} bad[] = {
		{"[proxy]\nport=80\n", "[proxy] port must be a number between 1024 and 65535"},
		{"[proxy]\nport=65536\n", "[proxy] port"},
		{"[proxy]\nport=x\n", "[proxy] port"},
		{"[proxy]\ntransport_port=0\n", "[proxy] transport_port"},
		{"[proxy]\ntransport_port=1000\n", "[proxy] transport_port"},
		{"[proxy]\nport=61001\n", "[proxy] port and transport_port must differ"},
	};
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_cmpuint(config->proxy_port, ==, 61000);
	g_assert_cmpuint(config->proxy_transport_port, ==, 61001);
	ok = config_load_text(config, "[proxy]\nport=0\ntransport_port=62000\n", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(config->proxy_port, ==, 0);
	g_assert_cmpuint(config->proxy_transport_port, ==, 62000);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(ArcConfig) other = arc_config_new();
		g_autoptr(GError) error_bad = NULL;

		g_assert_false(config_load_text(other, bad[i].text, &error_bad));
		g_assert_error(error_bad, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error_bad->message, bad[i].says));
	}
}

/* core's part needs no file and no environment: the text of an agent.conf and the values of
 * the variables, checked as the agent checks them at start */
static void
config_pure_func(void)
{
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	g_assert_true(g_key_file_load_from_data(config->keyfile, "[agent]\napi_port=7200\n", -1,
						G_KEY_FILE_NONE, NULL));
	ok = arc_config_apply_keyfile(config, "mem.conf", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(config->listen_port, ==, 7200);
	g_assert_cmpstr(config->config_path, ==, "mem.conf");
	ok = arc_config_apply_variables(config, "7300", "", NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(config->listen_port, ==, 7300);
	g_assert_false(arc_config_apply_variables(config, NULL, NULL, "xml", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_true(g_str_has_prefix(error->message, "LOG_FORMAT: "));
	g_clear_error(&error);
	g_assert_true(g_key_file_load_from_data(config->keyfile, "[agent]\nmax_body_size=1\n", -1,
						G_KEY_FILE_NONE, NULL));
	g_assert_false(arc_config_apply_keyfile(config, "mem.conf", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==,
			"mem.conf: max_body_size must be between 1024 and 67108864");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/config/listen", config_listen_func);
	g_test_add_func("/config/file-and-env", config_file_and_env_func);
	g_test_add_func("/config/pure", config_pure_func);
	g_test_add_func("/config/missing-file", config_missing_file_func);
	g_test_add_func("/config/gossip", config_gossip_func);
	g_test_add_func("/config/api", config_api_func);
	g_test_add_func("/config/auth-issuer", config_auth_issuer_func);
	g_test_add_func("/config/tunnel", config_tunnel_func);
	g_test_add_func("/config/proxy", config_proxy_func);
	return g_test_run();
}
