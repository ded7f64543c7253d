/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"

/* The license operations of the facade: authorisation here, the lifecycle in
 * ArcLicenseManager (arc-license-manager.c, docs/license.md). */

/**
 * arc_engine_authorize_license:
 * @self: the engine
 * @caller: who is calling
 * @needed: the scope the license operation requires
 * @error: return location for a #GError
 *
 * The license operations are allowed in every license state (a suspended agent must take a
 * renewed license): the scope alone is checked.
 *
 * Returns: %TRUE if @caller may; otherwise %ARC_ERROR_FORBIDDEN
 */
gboolean
arc_engine_authorize_license(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
			     GError **error)
{
	return arc_engine_check_scope(caller, needed, error);
}

/**
 * arc_engine_get_license_message:
 * @self: the engine
 *
 * Returns: (transfer full) (nullable): what the operator should know of the license in
 *   force (arc_license_state_message()), %NULL before bootstrap
 */
gchar *
arc_engine_get_license_message(ArcEngine *self)
{
	ArcLicenseManager *licenses = arc_engine_get_licenses(self);

	return licenses != NULL ? arc_license_manager_get_message(licenses) : NULL;
}

/**
 * arc_engine_get_license:
 * @self: the engine
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the license in force, or %NULL with %ARC_ERROR_NOT_BOOTSTRAPPED
 */
ArcLicenseInfo *
arc_engine_get_license(ArcEngine *self, GError **error)
{
	ArcLicenseManager *licenses = arc_engine_get_licenses(self);

	if (licenses == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return NULL;
	}
	return arc_license_manager_get_info(licenses, error);
}

/* (transfer none) (nullable): the license in force, %NULL before bootstrap */
ArcLicense *
arc_engine_get_license_doc(ArcEngine *self)
{
	return arc_engine_get_licenses(self) != NULL
		       ? arc_license_manager_get_license(arc_engine_get_licenses(self))
		       : NULL;
}

ArcLicenseState
arc_engine_get_license_state(ArcEngine *self)
{
	ArcLicenseManager *licenses = arc_engine_get_licenses(self);

	return licenses != NULL ? arc_license_manager_get_state(licenses) : ARC_LICENSE_STATE_VALID;
}

/**
 * arc_engine_update_license:
 * @self: the engine
 * @caller: who is calling (admin)
 * @body: the request body, untrusted: a license, or `{"license": …}`
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * `PUT /v1/license` (arc_license_manager_update()): a renewed license of the same
 * customer, newer than the license in force and not expired, is put in force here and
 * carried to every peer.
 *
 * Returns: (transfer full): the license now in force, or %NULL with %ARC_ERROR_FORBIDDEN,
 *   %ARC_ERROR_NOT_BOOTSTRAPPED, %ARC_ERROR_LICENSE_INVALID, %ARC_ERROR_LICENSE_MISMATCH or
 *   %ARC_ERROR_LICENSE_EXPIRED
 */
ArcLicenseInfo *
arc_engine_update_license(ArcEngine *self, const ArcCaller *caller, const gchar *body, gsize length,
			  GError **error)
{
	if (!arc_engine_authorize_license(self, caller, ARC_SCOPE_ADMIN, error))
		return NULL;
	if (!arc_engine_is_bootstrapped(self)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped: POST /v1/bootstrap with a license");
		return NULL;
	}
	return arc_license_manager_update(arc_engine_get_licenses(self), body, length,
					  arc_caller_describe(caller), error);
}
