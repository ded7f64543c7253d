/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-key-file.h"

#include <arctic-plugin.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

G_STATIC_ASSERT(crypto_sign_SEEDBYTES == ARC_KEY_FILE_SECRET_SIZE);
G_STATIC_ASSERT(ARC_TUNNEL_KEY_SIZE == ARC_KEY_FILE_SECRET_SIZE);

/* the base64 of 32 bytes is 44 characters; anything much longer is not a key */
#define ARC_KEY_FILE_B64_MAX 64

static gboolean
arc_key_file_check_mode(const gchar *path, const gchar *what, int fd, GError **error)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "cannot stat %s: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "%s is not a regular file", path);
		return FALSE;
	}
	if ((st.st_mode & 077) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "%s is accessible by other users (mode %04o); it is the %s: run "
			    "'chmod 600 %s' and start the agent again",
			    path, (guint)(st.st_mode & 07777), what, path);
		return FALSE;
	}
	if (st.st_uid != geteuid()) {
		g_set_error(
			error, ARC_ERROR, ARC_ERROR_INTERNAL,
			"%s is owned by uid %u, not by the agent's user (uid %u): run 'chown %u "
			"%s'",
			path, (guint)st.st_uid, (guint)geteuid(), (guint)geteuid(), path);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_key_file_read:
 * @path: the key file
 * @what: what the key is, for the mode error ("peer's private key")
 * @not_a_key: the whole message when the file holds no key
 * @secret: (out caller-allocates): the secret; keep it in sodium_malloc memory
 * @error: return location for a #GError
 *
 * Reads a secret key file, refusing one other users can read or that another user owns. A
 * missing file is %G_FILE_ERROR_NOENT, so that callers can create it.
 *
 * Returns: %TRUE when @secret was filled
 */
gboolean
arc_key_file_read(const gchar *path, const gchar *what, const gchar *not_a_key,
		  guint8 secret[ARC_KEY_FILE_SECRET_SIZE], GError **error)
{
	gchar buf[ARC_KEY_FILE_B64_MAX + 2] = {0};
	g_autofree guchar *raw = NULL;
	gsize raw_len = 0;
	gssize n;
	int fd = g_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);

	if (fd < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot open %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	if (!arc_key_file_check_mode(path, what, fd, error)) {
		close(fd);
		return FALSE;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0)
		g_strstrip(buf);
	if (n > 0 && n <= ARC_KEY_FILE_B64_MAX)
		raw = g_base64_decode(buf, &raw_len);
	sodium_memzero(buf, sizeof(buf));
	if (raw_len != ARC_KEY_FILE_SECRET_SIZE) {
		if (raw != NULL)
			sodium_memzero(raw, raw_len);
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL, not_a_key);
		return FALSE;
	}
	memcpy(secret, raw, ARC_KEY_FILE_SECRET_SIZE);
	sodium_memzero(raw, raw_len);
	return TRUE;
}

/**
 * arc_key_file_write:
 * @path: the key file
 * @secret: the secret
 * @error: return location for a #GError
 *
 * Writes @secret durably, mode 0600, replacing the file atomically.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_key_file_write(const gchar *path, const guint8 secret[ARC_KEY_FILE_SECRET_SIZE], GError **error)
{
	g_autofree gchar *b64 = g_base64_encode(secret, ARC_KEY_FILE_SECRET_SIZE);
	g_autofree gchar *line = g_strconcat(b64, "\n", NULL);
	gboolean ok;

	ok = g_file_set_contents_full(path, line, -1,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, error);
	sodium_memzero(b64, strlen(b64));
	sodium_memzero(line, strlen(line));
	return ok;
}

static gboolean
arc_identity_read_seed(const gchar *path, guint8 *seed, GError **error)
{
	g_autofree gchar *not_a_key = g_strdup_printf(
		"%s does not hold an Ed25519 key; restore it from a backup or reset the agent "
		"(remove arctic.db and peer.key) and bootstrap again",
		path);

	return arc_key_file_read(path, "peer's private key", not_a_key, seed, error);
}

/**
 * arc_identity_load:
 * @path: the peer.key file
 * @error: return location for a #GError
 *
 * Loads the peer's key, refusing a file other users can read.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
ArcIdentity *
arc_identity_load(const gchar *path, GError **error)
{
	guint8 *seed = sodium_malloc(crypto_sign_SEEDBYTES);
	ArcIdentity *self = NULL;

	if (arc_identity_read_seed(path, seed, error))
		self = arc_identity_new_from_seed(path, seed);
	sodium_free(seed);
	return self;
}

/**
 * arc_identity_load_or_create:
 * @path: the peer.key file
 * @error: return location for a #GError
 *
 * Used at bootstrap: keeps an existing, well-protected key (a restored peer.key keeps the
 * host's identity) and otherwise creates one.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
ArcIdentity *
arc_identity_load_or_create(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	ArcIdentity *self = arc_identity_load(path, &error_local);
	guint8 *seed;

	if (self != NULL)
		return self;
	if (!g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		arc_error_convert(&error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	seed = sodium_malloc(crypto_sign_SEEDBYTES);
	randombytes_buf(seed, crypto_sign_SEEDBYTES);
	if (arc_key_file_write(path, seed, error))
		self = arc_identity_new_from_seed(path, seed);
	else
		arc_error_convert(error);
	sodium_free(seed);
	return self;
}

/**
 * arc_tunnel_key_load_or_create:
 * @path: the tunnel.key file
 * @error: return location for a #GError
 *
 * Loads the peer's tunnel key, or creates it when the file does not exist. A file other users
 * can read, or that holds no key, is refused and left as it is.
 *
 * Returns: (transfer full): the key, or %NULL
 */
ArcTunnelKey *
arc_tunnel_key_load_or_create(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *not_a_key = g_strdup_printf(
		"%s does not hold a tunnel key; remove it and start the agent again to make a new "
		"one (the peers learn it through gossip)",
		path);
	guint8 *key = sodium_malloc(ARC_TUNNEL_KEY_SIZE);

	if (arc_key_file_read(path, "peer's tunnel private key", not_a_key, key, &error_local)) {
		arc_tunnel_key_clamp(key);
		return arc_tunnel_key_new(key);
	}
	if (!g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		sodium_free(key);
		arc_error_convert(&error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	randombytes_buf(key, ARC_TUNNEL_KEY_SIZE);
	arc_tunnel_key_clamp(key);
	if (!arc_key_file_write(path, key, error)) {
		sodium_free(key);
		arc_error_convert(error);
		return NULL;
	}
	return arc_tunnel_key_new(key);
}
