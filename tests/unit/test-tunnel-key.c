/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sys/stat.h>

#include "arc-tunnel-key.h"
#include "arc-key-file.h"

/* core/arc-tunnel-key: tunnel.key, the peer's X25519 key beside peer.key */

typedef struct {
	gchar *dir;
	gchar *path;
} TkFixture;

static void
tk_setup(TkFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("arc-tunnel-key-XXXXXX", &error);
	g_assert_no_error(error);
	fx->path = g_build_filename(fx->dir, "tunnel.key", NULL);
}

static void
tk_teardown(TkFixture *fx, gconstpointer data)
{
	g_unlink(fx->path);
	g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
}

/* created once with mode 0600, the same key loaded again; its public half is what `wg
 * pubkey` would print for the file's private key */
static void
tunnel_key_create_load_func(TkFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTunnelKey) first = arc_tunnel_key_load_or_create(fx->path, &error);
	g_autoptr(ArcTunnelKey) again = NULL;
	g_autoptr(GBytes) secret = NULL;
	guint8 derived[ARC_TUNNEL_KEY_SIZE];
	guint8 parsed[ARC_TUNNEL_KEY_SIZE];
	struct stat st;

	g_assert_no_error(error);
	g_assert_nonnull(first);
	g_assert_cmpint(g_stat(fx->path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	again = arc_tunnel_key_load_or_create(fx->path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(again);
	g_assert_cmpstr(arc_tunnel_key_get_public_key_base64(first), ==,
			arc_tunnel_key_get_public_key_base64(again));
	secret = arc_tunnel_key_dup_private_key(again);
	g_assert_cmpuint(g_bytes_get_size(secret), ==, ARC_TUNNEL_KEY_SIZE);
	g_assert_cmpint(crypto_scalarmult_base(derived, g_bytes_get_data(secret, NULL)), ==, 0);
	g_assert_cmpmem(derived, sizeof(derived), arc_tunnel_key_get_public_key(first),
			ARC_TUNNEL_KEY_SIZE);
	g_assert_true(
		arc_tunnel_key_parse_public(arc_tunnel_key_get_public_key_base64(first), parsed));
	g_assert_cmpmem(parsed, sizeof(parsed), derived, sizeof(derived));
}

/* a key that `wg genkey` made: the public key is the one `wg pubkey` printed for it */
static void
tunnel_key_wg_compatible_func(TkFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTunnelKey) key = NULL;
	gboolean ok;

	/* wg genkey > k; wg pubkey < k (wireguard-tools 1.0.20210914) */
	ok = g_file_set_contents_full(fx->path, "SMWeoO8WV88dMHlBqLGJtEd9NfzhqIc9UCj2kvCpsVE=\n",
				      -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	key = arc_tunnel_key_load_or_create(fx->path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(arc_tunnel_key_get_public_key_base64(key), ==,
			"Zw6ritsYkrL/pDTQtmJnawP2YiGMPJBQdf/beCSW/2U=");
}

/* a key file other users can read, or one that holds no key, is refused and left alone */
static void
tunnel_key_refused_func(TkFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTunnelKey) key = NULL;
	g_autofree gchar *contents = NULL;
	gboolean ok;

	ok = g_file_set_contents_full(fx->path, "not a key\n", -1, G_FILE_SET_CONTENTS_NONE, 0600,
				      &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	key = arc_tunnel_key_load_or_create(fx->path, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INTERNAL);
	g_assert_nonnull(strstr(error->message, "does not hold a tunnel key"));
	g_assert_null(key);
	g_clear_error(&error);
	ok = g_file_get_contents(fx->path, &contents, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(contents, ==, "not a key\n");

	g_assert_cmpint(g_chmod(fx->path, 0644), ==, 0);
	key = arc_tunnel_key_load_or_create(fx->path, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INTERNAL);
	g_assert_nonnull(strstr(error->message, "accessible by other users"));
	g_assert_null(key);
}

static void
tunnel_key_parse_public_func(void)
{
	guint8 key[ARC_TUNNEL_KEY_SIZE];

	g_assert_true(
		arc_tunnel_key_parse_public("Zw6ritsYkrL/pDTQtmJnawP2YiGMPJBQdf/beCSW/2U=", key));
	g_assert_false(arc_tunnel_key_parse_public(NULL, key));
	g_assert_false(arc_tunnel_key_parse_public("", key));
	/* base64url, a missing pad, a short key, trailing garbage */
	g_assert_false(
		arc_tunnel_key_parse_public("WPWEXMnbyZfKUh4Hh5DWDNQfaCqKrERFNU-G1_RR7kA=", key));
	g_assert_false(
		arc_tunnel_key_parse_public("WPWEXMnbyZfKUh4Hh5DWDNQfaCqKrERFNU+G1/RR7kA", key));
	g_assert_false(arc_tunnel_key_parse_public("WPWEXMnbyZfKUh4Hh5DWDNQfaCqKrERF", key));
	g_assert_false(
		arc_tunnel_key_parse_public("WPWEXMnbyZfKUh4Hh5DWDNQfaCqKrERFNU+G1/RR7kA==", key));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/tunnel-key/create-load", TkFixture, NULL, tk_setup,
		   tunnel_key_create_load_func, tk_teardown);
	g_test_add("/tunnel-key/wg-compatible", TkFixture, NULL, tk_setup,
		   tunnel_key_wg_compatible_func, tk_teardown);
	g_test_add("/tunnel-key/refused", TkFixture, NULL, tk_setup, tunnel_key_refused_func,
		   tk_teardown);
	g_test_add_func("/tunnel-key/parse-public", tunnel_key_parse_public_func);
	return g_test_run();
}
