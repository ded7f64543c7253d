/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "arc-license.h"

G_BEGIN_DECLS

#define ARC_TYPE_LICENSE_BACKEND (arc_license_backend_get_type())
G_DECLARE_INTERFACE(ArcLicenseBackend, arc_license_backend, ARC, LICENSE_BACKEND, GObject)

/**
 * ArcLicenseBackendInterface:
 * @verify: parse @document and prove it authentic. A malformed document fails with
 *   %ARC_ERROR_INVALID_REQUEST, an unauthentic one with %ARC_ERROR_LICENSE_INVALID. Expiry is
 *   not the backend's concern: the agent's license state machine handles it.
 * @list_issuers: the base64 public keys the backend trusts now, for diagnostics
 */
struct _ArcLicenseBackendInterface {
	GTypeInterface parent_iface;
	ArcLicense *(*verify)(ArcLicenseBackend *self, const gchar *document, gsize length,
			      GError **error);
	GPtrArray *(*list_issuers)(ArcLicenseBackend *self);
};

ArcLicense *arc_license_backend_verify(ArcLicenseBackend *self, const gchar *document, gsize length,
				       GError **error);
GPtrArray *arc_license_backend_list_issuers(ArcLicenseBackend *self);

G_END_DECLS
