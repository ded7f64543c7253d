/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-ed25519-file-issuers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The trust root of the agent's licenses: a key file is only believed when nobody but root or
 * the agent's own user could have put it there (DESIGN.md §5, "license trust root"). Files are
 * opened first and checked with fstat() so that what is checked is what is read. */

typedef gint ArcEd25519FileFd;

static void
arc_ed25519_file_fd_close(ArcEd25519FileFd fd)
{
	close(fd);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC(ArcEd25519FileFd, arc_ed25519_file_fd_close, -1)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DIR, closedir)

static void
arc_ed25519_file_issuers_set_errno(GError **error, gint errsv, const gchar *what)
{
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "%s: %s", what,
		    g_strerror(errsv));
}

/**
 * arc_ed25519_file_issuers_decode_key:
 * @key_b64: a base64 string
 * @key_out: 32 bytes to fill
 *
 * Strict decoding: canonical base64 with padding, exactly 32 bytes, a valid Ed25519 point.
 *
 * Returns: %TRUE if @key_b64 is an Ed25519 public key
 */
/* Keys (base64 text) already found to be valid points. The point check costs more than a
 * signature check, and every license verification reads the issuer keys again (so that a key
 * removed from the directory is dropped at once); whether some bytes are a valid point never
 * changes, so only that answer is kept, never which keys are trusted. */
#define ARC_ED25519_FILE_VALID_KEYS_MAX 256
static GMutex arc_ed25519_file_valid_keys_lock;
static GHashTable *arc_ed25519_file_valid_keys; /* base64 → its 32 bytes */

static gboolean
arc_ed25519_file_issuers_lookup_valid(const gchar *key_b64, guint8 *key_out)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&arc_ed25519_file_valid_keys_lock);
	const guint8 *key = arc_ed25519_file_valid_keys != NULL
				    ? g_hash_table_lookup(arc_ed25519_file_valid_keys, key_b64)
				    : NULL;

	if (key == NULL)
		return FALSE;
	memcpy(key_out, key, crypto_sign_PUBLICKEYBYTES);
	return TRUE;
}

static void
arc_ed25519_file_issuers_remember_valid(const gchar *key_b64, const guint8 *key)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&arc_ed25519_file_valid_keys_lock);

	if (arc_ed25519_file_valid_keys == NULL)
		arc_ed25519_file_valid_keys =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (g_hash_table_size(arc_ed25519_file_valid_keys) >= ARC_ED25519_FILE_VALID_KEYS_MAX)
		g_hash_table_remove_all(arc_ed25519_file_valid_keys);
	g_hash_table_replace(arc_ed25519_file_valid_keys, g_strdup(key_b64),
			     g_memdup2(key, crypto_sign_PUBLICKEYBYTES));
}

gboolean
arc_ed25519_file_issuers_decode_key(const gchar *key_b64, guint8 *key_out)
{
	gsize bin_len = 0;

	if (arc_ed25519_file_issuers_lookup_valid(key_b64, key_out))
		return TRUE;
	if (sodium_base642bin(key_out, crypto_sign_PUBLICKEYBYTES, key_b64, strlen(key_b64), NULL,
			      &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != crypto_sign_PUBLICKEYBYTES)
		return FALSE;
	if (crypto_core_ed25519_is_valid_point(key_out) != 1)
		return FALSE;
	arc_ed25519_file_issuers_remember_valid(key_b64, key_out);
	return TRUE;
}

/**
 * arc_ed25519_file_issuers_parse_key:
 * @text: the contents of a key file
 * @length: bytes in @text
 * @error: return location for a #GError
 *
 * A key file holds one base64 public key on a line; blank lines and lines starting with '#'
 * are ignored.
 *
 * Returns: (transfer full): the key in canonical base64, or %NULL
 */
gchar *
arc_ed25519_file_issuers_parse_key(const gchar *text, gsize length, GError **error)
{
	g_autofree gchar *copy = NULL;
	g_autofree gchar *found = NULL;
	g_auto(GStrv) lines = NULL;

	if (memchr(text, '\0', length) != NULL) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "contains a NUL byte");
		return NULL;
	}
	copy = g_strndup(text, length);
	lines = g_strsplit(copy, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *line = g_strstrip(lines[i]);
		guint8 key[crypto_sign_PUBLICKEYBYTES];

		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (found != NULL) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "line %u: more than one key in the file", i + 1);
			return NULL;
		}
		if (!arc_ed25519_file_issuers_decode_key(line, key)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "line %u: not a base64 Ed25519 public key (32 bytes)", i + 1);
			return NULL;
		}
		found = g_base64_encode(key, sizeof(key));
	}
	if (found == NULL) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "no key in the file");
		return NULL;
	}
	return g_steal_pointer(&found);
}

static gboolean
arc_ed25519_file_issuers_check_stat(const struct stat *st, gboolean is_dir, GError **error)
{
	uid_t euid = geteuid();

	if (is_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    is_dir ? "not a directory" : "not a regular file");
		return FALSE;
	}
	if (st->st_uid != 0 && st->st_uid != euid) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			    "owned by uid %u, neither root nor the agent's user (uid %u)",
			    (guint)st->st_uid, (guint)euid);
		return FALSE;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			    "writable by group or others (mode %04o)",
			    (guint)(st->st_mode & 07777));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_ed25519_file_issuers_read_fd(gint fd, gchar *buf, gsize size, gsize *len, GError **error)
{
	*len = 0;
	while (*len < size) {
		gssize n = read(fd, buf + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			arc_ed25519_file_issuers_set_errno(error, errno, "cannot read");
			return FALSE;
		}
		if (n == 0)
			break;
		*len += (gsize)n;
	}
	return TRUE;
}

static gchar *
arc_ed25519_file_issuers_load_at(gint dir_fd, const gchar *name, gboolean check_owner,
				 GError **error)
{
	g_auto(ArcEd25519FileFd) fd = -1;
	gchar buf[ARC_ED25519_FILE_KEY_FILE_MAX_SIZE + 1];
	struct stat st;
	gsize len = 0;

	/* O_NONBLOCK: a FIFO named *.pub must not hang the agent */
	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		arc_ed25519_file_issuers_set_errno(error, errno, "cannot open");
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		arc_ed25519_file_issuers_set_errno(error, errno, "cannot stat");
		return NULL;
	}
	if (check_owner) {
		if (!arc_ed25519_file_issuers_check_stat(&st, FALSE, error))
			return NULL;
	} else if (!S_ISREG(st.st_mode)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "not a regular file");
		return NULL;
	}
	if (!arc_ed25519_file_issuers_read_fd(fd, buf, sizeof(buf), &len, error))
		return NULL;
	if (len > ARC_ED25519_FILE_KEY_FILE_MAX_SIZE) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "larger than %u bytes",
			    (guint)ARC_ED25519_FILE_KEY_FILE_MAX_SIZE);
		return NULL;
	}
	return arc_ed25519_file_issuers_parse_key(buf, len, error);
}

/**
 * arc_ed25519_file_issuers_load_file:
 * @path: a key file
 * @check_owner: refuse a file not owned by root or the effective user, or writable by group
 *   or others
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the key in canonical base64, or %NULL with an error naming @path
 */
gchar *
arc_ed25519_file_issuers_load_file(const gchar *path, gboolean check_owner, GError **error)
{
	gchar *key = arc_ed25519_file_issuers_load_at(AT_FDCWD, path, check_owner, error);
	if (key == NULL)
		g_prefix_error(error, "%s: ", path);
	return key;
}

static void
arc_ed25519_file_issuers_add(GPtrArray *keys, const gchar *key)
{
	if (!g_ptr_array_find_with_equal_func(keys, key, g_str_equal, NULL))
		g_ptr_array_add(keys, g_strdup(key));
}

/**
 * arc_ed25519_file_issuers_add_builtin:
 * @keys: (element-type utf8): where to add the keys
 * @list: comma-separated base64 keys, as compiled in
 *
 * Adds each well-formed key of @list to @keys; a malformed one is skipped with a warning.
 */
void
arc_ed25519_file_issuers_add_builtin(GPtrArray *keys, const gchar *list)
{
	g_auto(GStrv) items = g_strsplit(list != NULL ? list : "", ",", -1);

	for (guint i = 0; items[i] != NULL; i++) {
		const gchar *item = g_strstrip(items[i]);
		guint8 key[crypto_sign_PUBLICKEYBYTES];
		g_autofree gchar *canonical = NULL;

		if (item[0] == '\0')
			continue;
		if (!arc_ed25519_file_issuers_decode_key(item, key)) {
			g_warning("ignoring built-in license issuer key %u (%s): not a base64 "
				  "Ed25519 public key",
				  i + 1, item);
			continue;
		}
		canonical = g_base64_encode(key, sizeof(key));
		arc_ed25519_file_issuers_add(keys, canonical);
	}
}

static gint
arc_ed25519_file_issuers_name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the *.pub names in @dir_fd, sorted; like a shell glob, dot files are left out */
static GPtrArray *
arc_ed25519_file_issuers_list_dir(gint dir_fd, GError **error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(DIR) dir = NULL;
	gint fd = dup(dir_fd);
	struct dirent *entry;

	if (fd < 0) {
		arc_ed25519_file_issuers_set_errno(error, errno, "cannot duplicate descriptor");
		return NULL;
	}
	dir = fdopendir(fd);
	if (dir == NULL) {
		arc_ed25519_file_issuers_set_errno(error, errno, "cannot list");
		close(fd);
		return NULL;
	}
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] != '.' && g_str_has_suffix(entry->d_name, ".pub"))
			g_ptr_array_add(names, g_strdup(entry->d_name));
	}
	g_ptr_array_sort(names, arc_ed25519_file_issuers_name_cmp);
	return g_steal_pointer(&names);
}

static gint
arc_ed25519_file_issuers_open_dir(const gchar *dir)
{
	g_autoptr(GError) error_local = NULL;
	g_auto(ArcEd25519FileFd) fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		gint errsv = errno;
		if (errsv == ENOENT) {
			g_debug("license issuers directory %s does not exist", dir);
			return -1;
		}
		g_warning("ignoring license issuers directory %s: %s", dir, g_strerror(errsv));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		g_warning("ignoring license issuers directory %s: %s", dir, g_strerror(errno));
		return -1;
	}
	if (!arc_ed25519_file_issuers_check_stat(&st, TRUE, &error_local)) {
		g_warning("ignoring license issuers directory %s: %s", dir, error_local->message);
		return -1;
	}
	return g_steal_fd(&fd);
}

/**
 * arc_ed25519_file_issuers_scan_dir:
 * @keys: (element-type utf8): where to add the keys
 * @dir: the issuers directory
 *
 * Adds the key of every `*.pub` file in @dir that passes the ownership and permission checks.
 * Files (or the directory) that fail them are ignored with a warning naming the path; a
 * missing directory is not a problem.
 */
void
arc_ed25519_file_issuers_scan_dir(GPtrArray *keys, const gchar *dir)
{
	g_auto(ArcEd25519FileFd) dir_fd = arc_ed25519_file_issuers_open_dir(dir);
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GError) error_local = NULL;

	if (dir_fd < 0)
		return;
	names = arc_ed25519_file_issuers_list_dir(dir_fd, &error_local);
	if (names == NULL) {
		g_warning("ignoring license issuers directory %s: %s", dir, error_local->message);
		return;
	}
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		g_autofree gchar *key = NULL;

		key = arc_ed25519_file_issuers_load_at(dir_fd, name, TRUE, &error_local);
		if (key == NULL) {
			g_warning("ignoring license issuer key file %s: %s", path,
				  error_local->message);
			g_clear_error(&error_local);
			continue;
		}
		arc_ed25519_file_issuers_add(keys, key);
	}
}
