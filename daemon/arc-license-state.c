/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-license-state.h"

static const gchar *arc_license_state_names[] = {
	"valid", "warning", "grace_period", "read_only", "suspended",
};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_license_state_names) == ARC_LICENSE_STATE_LAST);

const gchar *
arc_license_state_to_string(ArcLicenseState state)
{
	if ((guint)state >= ARC_LICENSE_STATE_LAST)
		return "unknown";
	return arc_license_state_names[state];
}

gboolean
arc_license_state_from_string(const gchar *str, ArcLicenseState *state)
{
	for (guint i = 0; i < ARC_LICENSE_STATE_LAST; i++) {
		if (g_strcmp0(str, arc_license_state_names[i]) == 0) {
			*state = (ArcLicenseState)i;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * arc_license_state_compute:
 * @expires_at: the license's expiry, seconds since the epoch
 * @now: the current time, seconds since the epoch
 * @next_change: (out) (optional): when the state changes next, or %G_MAXINT64
 *
 * The expiry state machine of the product documentation: warning 30 days before expiry,
 * grace period for 14 days after it, read-only for the next 30 days, then suspended.
 *
 * Returns: the state at @now
 */
ArcLicenseState
arc_license_state_compute(gint64 expires_at, gint64 now, gint64 *next_change)
{
	const gint64 bounds[] = {
		expires_at - ARC_LICENSE_WARNING_SECS,
		expires_at,
		expires_at + ARC_LICENSE_GRACE_SECS,
		expires_at + ARC_LICENSE_GRACE_SECS + ARC_LICENSE_READ_ONLY_SECS,
	};
	guint state = 0;

	while (state < G_N_ELEMENTS(bounds) && now >= bounds[state])
		state++;
	if (next_change != NULL)
		*next_change = state < G_N_ELEMENTS(bounds) ? bounds[state] : G_MAXINT64;
	return (ArcLicenseState)state;
}

/**
 * arc_license_state_describe:
 * @state: a state
 *
 * Returns: what the state means for the operator
 */
const gchar *
arc_license_state_describe(ArcLicenseState state)
{
	switch (state) {
	case ARC_LICENSE_STATE_VALID:
		return "license is valid";
	case ARC_LICENSE_STATE_WARNING:
		return "license expires within 30 days; renew it";
	case ARC_LICENSE_STATE_GRACE_PERIOD:
		return "license has expired; fully operational during the 14-day grace period";
	case ARC_LICENSE_STATE_READ_ONLY:
		return "license has expired; the cluster is read-only until a valid license is "
		       "installed";
	case ARC_LICENSE_STATE_SUSPENDED:
		return "license has expired; services are suspended until a valid license is "
		       "installed";
	default:
		return "unknown license state";
	}
}
