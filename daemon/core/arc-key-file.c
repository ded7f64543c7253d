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
