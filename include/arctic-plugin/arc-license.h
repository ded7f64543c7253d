/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ARC_LICENSE_MAX_SIZE (64 * 1024)

/**
 * ArcLicense:
 * @customer_id: the cluster boundary (`cust_…`)
 * @license_id: `lic_…`
 * @issued_at: seconds since the epoch
 * @expires_at: seconds since the epoch
 * @max_nodes: peers allowed in the cluster
 * @max_services: services allowed in the cluster
 * @features: %NULL-terminated feature names
 * @signature: base64 Ed25519 signature over the canonical form
 * @issuer_key: base64 public key that verified the signature, set by a license backend
 * @document: the license as JSON, exactly as received
 *
 * A parsed license. Parsing checks shape and types only; a #ArcLicenseBackend decides
 * whether it is authentic.
 */
typedef struct {
	gchar *customer_id;
	gchar *license_id;
	gint64 issued_at;
	gint64 expires_at;
	gint64 max_nodes;
	gint64 max_services;
	gchar **features;
	gchar *signature;
	gchar *issuer_key;
	gchar *document;
	/*< private >*/
	gint ref_count;
	gchar *canonical;
} ArcLicense;

#define ARC_TYPE_LICENSE (arc_license_get_type())
GType arc_license_get_type(void);
ArcLicense *arc_license_parse(const gchar *document, gssize length, GError **error);
ArcLicense *arc_license_ref(ArcLicense *self);
void arc_license_unref(ArcLicense *self);
const gchar *arc_license_get_canonical_form(ArcLicense *self);
gboolean arc_license_verify(ArcLicense *self, const guint8 *public_key, GError **error);
gchar *arc_license_sign_document(const gchar *document, gssize length, const guint8 *secret_key,
				 GError **error);
gboolean arc_license_has_feature(ArcLicense *self, const gchar *feature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcLicense, arc_license_unref)

G_END_DECLS
