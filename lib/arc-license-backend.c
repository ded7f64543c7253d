/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-license-backend.h"

#include "arc-error.h"
#include "arc-plugin.h"

G_DEFINE_INTERFACE(ArcLicenseBackend, arc_license_backend, ARC_TYPE_PLUGIN)

static void
arc_license_backend_default_init(ArcLicenseBackendInterface *iface)
{
}

/**
 * arc_license_backend_verify:
 * @self: a license plugin
 * @document: the license as received
 * @length: bytes in @document
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the authentic license, or %NULL with %ARC_ERROR_INVALID_REQUEST
 *   (malformed) or %ARC_ERROR_LICENSE_INVALID (not authentic)
 */
ArcLicense *
arc_license_backend_verify(ArcLicenseBackend *self, const gchar *document, gsize length,
			   GError **error)
{
	ArcLicenseBackendInterface *iface = ARC_LICENSE_BACKEND_GET_IFACE(self);
	GError *error_local = NULL;
	ArcLicense *license;

	if (iface->verify == NULL) {
		arc_plugin_not_supported(ARC_PLUGIN(self), "verify", error);
		return NULL;
	}
	license = iface->verify(self, document, length, &error_local);
	if (!arc_plugin_check_result(ARC_PLUGIN(self), "verify", license != NULL, error_local,
				     error)) {
		if (license != NULL)
			arc_license_unref(license);
		return NULL;
	}
	return license;
}

/**
 * arc_license_backend_list_issuers:
 * @self: a license plugin
 *
 * Returns: (transfer container) (element-type utf8): trusted issuer keys, base64
 */
GPtrArray *
arc_license_backend_list_issuers(ArcLicenseBackend *self)
{
	ArcLicenseBackendInterface *iface = ARC_LICENSE_BACKEND_GET_IFACE(self);
	if (iface->list_issuers == NULL)
		return g_ptr_array_new_with_free_func(g_free);
	return iface->list_issuers(self);
}
