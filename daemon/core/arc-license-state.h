/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-scope.h"

G_BEGIN_DECLS

#define ARC_LICENSE_WARNING_SECS (30 * 24 * 3600)
#define ARC_LICENSE_GRACE_SECS (14 * 24 * 3600)
#define ARC_LICENSE_READ_ONLY_SECS (30 * 24 * 3600)

/* ordered: a later state is never left for an earlier one with the same license */
typedef enum {
	ARC_LICENSE_STATE_VALID,
	ARC_LICENSE_STATE_WARNING,
	ARC_LICENSE_STATE_GRACE_PERIOD,
	ARC_LICENSE_STATE_READ_ONLY,
	ARC_LICENSE_STATE_SUSPENDED,
	ARC_LICENSE_STATE_LAST /*< skip >*/
} ArcLicenseState;

const gchar *arc_license_state_to_string(ArcLicenseState state);
gboolean arc_license_state_from_string(const gchar *str, ArcLicenseState *state);
ArcLicenseState arc_license_state_compute(gint64 expires_at, gint64 now, gint64 *next_change);
const gchar *arc_license_state_describe(ArcLicenseState state);
gchar *arc_license_state_message(ArcLicenseState state, gint64 expires_at);
gboolean arc_license_state_allows(ArcLicenseState state, ArcScope needed, ArcError *refusal);
gint arc_license_compare_age(const ArcLicense *a, const ArcLicense *b);

G_END_DECLS
