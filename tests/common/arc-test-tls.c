/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-test-tls.h"

/* EC P-256 keys: quick to make, so that every test can have its own authority */
#define ARC_TEST_TLS_KEY_ARGS "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"

gboolean
arc_test_tls_have_openssl(void)
{
	g_autofree gchar *path = g_find_program_in_path("openssl");
	return path != NULL;
}

static gboolean
arc_test_tls_run(const gchar *const *argv, GError **error)
{
	g_autoptr(GSubprocess) process = g_subprocess_newv(
		argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
	g_autofree gchar *err = NULL;

	if (process == NULL ||
	    !g_subprocess_communicate_utf8(process, NULL, NULL, NULL, &err, error))
		return FALSE;
	if (!g_subprocess_get_successful(process)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "openssl %s failed: %s", argv[1],
			    err);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_test_tls_make(ArcTestTls *self, const gchar *dir, GError **error)
{
	g_autofree gchar *ca_key = g_build_filename(dir, "ca.key", NULL);
	g_autofree gchar *csr = g_build_filename(dir, "server.csr", NULL);
	g_autofree gchar *ext = g_build_filename(dir, "server.ext", NULL);
	const gchar *ca[] = {"openssl", "req",  "-x509", ARC_TEST_TLS_KEY_ARGS,
			     "-keyout", ca_key, "-out",  self->ca_path,
			     "-days",   "2",    "-subj", "/CN=Arctic test CA",
			     NULL};
	const gchar *req[] = {
		"openssl", "req",   ARC_TEST_TLS_KEY_ARGS, "-keyout", self->key_path, "-out",
		csr,       "-subj", "/CN=127.0.0.1",       NULL};
	const gchar *sign[] = {"openssl",     "x509",
			       "-req",        "-in",
			       csr,           "-CA",
			       self->ca_path, "-CAkey",
			       ca_key,        "-CAcreateserial",
			       "-out",        self->cert_path,
			       "-days",       "2",
			       "-extfile",    ext,
			       NULL};
	const gchar *other[] = {"openssl",    "genpkey",
				"-algorithm", "ec",
				"-pkeyopt",   "ec_paramgen_curve:P-256",
				"-out",       self->other_key_path,
				NULL};

	if (!g_file_set_contents(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", -1, error))
		return FALSE;
	return arc_test_tls_run(ca, error) && arc_test_tls_run(req, error) &&
	       arc_test_tls_run(sign, error) && arc_test_tls_run(other, error);
}

/**
 * arc_test_tls_new:
 * @dir: an existing directory the files are written to
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the files, or %NULL when openssl failed
 */
ArcTestTls *
arc_test_tls_new(const gchar *dir, GError **error)
{
	g_autoptr(ArcTestTls) self = g_new0(ArcTestTls, 1);

	self->ca_path = g_build_filename(dir, "ca.pem", NULL);
	self->cert_path = g_build_filename(dir, "server.pem", NULL);
	self->key_path = g_build_filename(dir, "server.key", NULL);
	self->other_key_path = g_build_filename(dir, "other.key", NULL);
	if (!arc_test_tls_make(self, dir, error))
		return NULL;
	return g_steal_pointer(&self);
}

void
arc_test_tls_free(ArcTestTls *self)
{
	if (self == NULL)
		return;
	g_free(self->ca_path);
	g_free(self->cert_path);
	g_free(self->key_path);
	g_free(self->other_key_path);
	g_free(self);
}
