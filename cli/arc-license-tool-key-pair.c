/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-license-tool-key-pair.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdarg.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Key files: one line of base64. The secret file holds the 64-byte libsodium secret key and is
 * created 0600; the public file holds the 32-byte public key, in the format of the agent's
 * issuer key files (license-issuers.d, *.pub). */

typedef gint ArcLicenseToolFd;

static void
arc_license_tool_fd_close(ArcLicenseToolFd fd)
{
	close(fd);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC(ArcLicenseToolFd, arc_license_tool_fd_close, -1)

static void arc_license_tool_set_errno(GError **error, gint errsv, const gchar *format, ...)
	G_GNUC_PRINTF(3, 4);

static void
arc_license_tool_set_errno(GError **error, gint errsv, const gchar *format, ...)
{
	g_autofree gchar *what = NULL;
	va_list args;

	va_start(args, format);
	what = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "%s: %s", what,
		    g_strerror(errsv));
}

static ArcLicenseToolKeyPair *
arc_license_tool_key_pair_alloc(GError **error)
{
	ArcLicenseToolKeyPair *self = sodium_malloc(sizeof(ArcLicenseToolKeyPair));

	if (self == NULL) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
				    _("cannot allocate protected memory for the key"));
		return NULL;
	}
	sodium_memzero(self, sizeof(*self));
	return self;
}

void
arc_license_tool_key_pair_free(ArcLicenseToolKeyPair *self)
{
	/* sodium_free() wipes the memory */
	sodium_free(self);
}

/**
 * arc_license_tool_key_pair_new:
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a fresh random Ed25519 key pair
 */
ArcLicenseToolKeyPair *
arc_license_tool_key_pair_new(GError **error)
{
	ArcLicenseToolKeyPair *self = arc_license_tool_key_pair_alloc(error);

	if (self == NULL)
		return NULL;
	crypto_sign_keypair(self->pk, self->sk);
	return self;
}

/**
 * arc_license_tool_key_pair_get_public_b64:
 * @self: a key pair
 *
 * Returns: (transfer full): the public key in base64, as the issuers directory takes it
 */
gchar *
arc_license_tool_key_pair_get_public_b64(ArcLicenseToolKeyPair *self)
{
	return g_base64_encode(self->pk, sizeof(self->pk));
}

static gboolean
arc_license_tool_write_all(gint fd, const gchar *data, gsize len, const gchar *path, GError **error)
{
	while (len > 0) {
		gssize n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			arc_license_tool_set_errno(error, errno, _("cannot write %s"), path);
			return FALSE;
		}
		data += n;
		len -= (gsize)n;
	}
	return TRUE;
}

static gboolean
arc_license_tool_write_line(gint fd, const gchar *line, guint mode, const gchar *path,
			    GError **error)
{
	if (!arc_license_tool_write_all(fd, line, strlen(line), path, error) ||
	    !arc_license_tool_write_all(fd, "\n", 1, path, error))
		return FALSE;
	/* the mode asked for, whatever the umask */
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		arc_license_tool_set_errno(error, errno, _("cannot write %s"), path);
		return FALSE;
	}
	return TRUE;
}

/* Creates @path exclusively, so an existing key is never overwritten by accident. */
static gboolean
arc_license_tool_create_key_file(const gchar *path, const gchar *line, guint mode, gboolean force,
				 GError **error)
{
	g_auto(ArcLicenseToolFd) fd = -1;
	gint errsv;

	if (force && g_unlink(path) != 0 && errno != ENOENT) {
		arc_license_tool_set_errno(error, errno, _("cannot replace %s"), path);
		return FALSE;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		errsv = errno;
		if (errsv == EEXIST) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
				    _("%s already exists; use --force to replace it"), path);
			return FALSE;
		}
		arc_license_tool_set_errno(error, errsv, _("cannot create %s"), path);
		return FALSE;
	}
	if (!arc_license_tool_write_line(fd, line, mode, path, error) ||
	    !g_close(g_steal_fd(&fd), error)) {
		g_unlink(path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_license_tool_check_absent(const gchar *path, GError **error)
{
	GStatBuf st;

	if (g_lstat(path, &st) == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    _("%s already exists; use --force to replace it"), path);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_license_tool_key_pair_save:
 * @self: a key pair
 * @secret_path: where the secret key goes, created with mode 0600
 * @public_path: where the public key goes, created with mode 0644
 * @force: replace existing files
 * @error: return location for a #GError
 *
 * Returns: %TRUE if both files were written
 */
gboolean
arc_license_tool_key_pair_save(ArcLicenseToolKeyPair *self, const gchar *secret_path,
			       const gchar *public_path, gboolean force, GError **error)
{
	g_autofree gchar *pk_b64 = arc_license_tool_key_pair_get_public_b64(self);
	gboolean ok;

	/* both checked first, so that a refusal leaves nothing half-written */
	if (!force && (!arc_license_tool_check_absent(secret_path, error) ||
		       !arc_license_tool_check_absent(public_path, error)))
		return FALSE;
	sodium_bin2base64(self->text, sizeof(self->text), self->sk, sizeof(self->sk),
			  sodium_base64_VARIANT_ORIGINAL);
	ok = arc_license_tool_create_key_file(secret_path, self->text, 0600, force, error);
	sodium_memzero(self->text, sizeof(self->text));
	if (!ok)
		return FALSE;
	if (!arc_license_tool_create_key_file(public_path, pk_b64, 0644, force, error)) {
		g_unlink(secret_path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_license_tool_read_secret_text(ArcLicenseToolKeyPair *self, const gchar *path, gsize *len,
				  GError **error)
{
	g_auto(ArcLicenseToolFd) fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	gssize n;

	if (fd < 0 || fstat(fd, &st) != 0) {
		arc_license_tool_set_errno(error, errno, _("cannot read %s"), path);
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    _("%s is not a regular file"), path);
		return FALSE;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			    _("secret key %s is accessible by group or others (mode %04o); run "
			      "'chmod 600 %s' first"),
			    path, (guint)(st.st_mode & 07777), path);
		return FALSE;
	}
	do {
		n = read(fd, self->text, sizeof(self->text) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		arc_license_tool_set_errno(error, errno, _("cannot read %s"), path);
		return FALSE;
	}
	*len = (gsize)n;
	return TRUE;
}

/**
 * arc_license_tool_key_pair_load:
 * @secret_path: a secret key file written by arc_license_tool_key_pair_save()
 * @error: return location for a #GError
 *
 * Refuses a file that group or others can access: a leaked issuer key forges licenses.
 *
 * Returns: (transfer full): the key pair, or %NULL
 */
ArcLicenseToolKeyPair *
arc_license_tool_key_pair_load(const gchar *secret_path, GError **error)
{
	g_autoptr(ArcLicenseToolKeyPair) self = arc_license_tool_key_pair_alloc(error);
	gsize len = 0;
	gsize bin_len = 0;
	gint rc;

	if (self == NULL || !arc_license_tool_read_secret_text(self, secret_path, &len, error))
		return NULL;
	rc = sodium_base642bin(self->sk, sizeof(self->sk), self->text, len, " \t\r\n", &bin_len,
			       NULL, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(self->text, sizeof(self->text));
	if (rc != 0 || bin_len != sizeof(self->sk)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    _("%s is not an Ed25519 secret key (one line of base64, 64 bytes)"),
			    secret_path);
		return NULL;
	}
	/* a libsodium secret key is the seed followed by the public key: they must agree */
	crypto_sign_seed_keypair(self->check_pk, self->check_sk, self->sk);
	sodium_memzero(self->check_sk, sizeof(self->check_sk));
	if (sodium_memcmp(self->check_pk, self->sk + crypto_sign_SEEDBYTES,
			  crypto_sign_PUBLICKEYBYTES) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    _("%s is corrupt: its public half does not match its seed"),
			    secret_path);
		return NULL;
	}
	memcpy(self->pk, self->check_pk, sizeof(self->pk));
	return g_steal_pointer(&self);
}
