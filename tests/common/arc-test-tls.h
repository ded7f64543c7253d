/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * ArcTestTls: a throwaway certificate authority and a server certificate it signed for
 * 127.0.0.1 and localhost, made with the `openssl` command in a directory of the test's.
 * Tests skip (arc_test_tls_skip_unless_openssl()) where openssl is missing.
 */
typedef struct {
	gchar *ca_path;        /* the authority's certificate, PEM */
	gchar *cert_path;      /* the server's certificate, PEM */
	gchar *key_path;       /* its key, PEM */
	gchar *other_key_path; /* a key that belongs to no certificate */
} ArcTestTls;

gboolean arc_test_tls_have_openssl(void);
ArcTestTls *arc_test_tls_new(const gchar *dir, GError **error);
void arc_test_tls_free(ArcTestTls *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTestTls, arc_test_tls_free)

G_END_DECLS
