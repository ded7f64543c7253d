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

/* a moment of the license's life, for a message the operator reads */
static gchar *
arc_license_state_format_day(gint64 unix_secs)
{
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(unix_secs);

	if (when == NULL)
		return g_strdup("?");
	return g_date_time_format(when, "%Y-%m-%d %H:%M:%S UTC");
}

#define ARC_LICENSE_RENEW_HINT "renew it with 'arctic license update --license-file FILE'"

/**
 * arc_license_state_message:
 * @state: the state of the license in force
 * @expires_at: its expiry, seconds since the epoch
 *
 * What the operator should know and do: the log lines, `/readyz`, `GET /v1/license`, the
 * D-Bus signal and the refusals of arc_license_state_allows() all say this.
 *
 * Returns: (transfer full): the message
 */
gchar *
arc_license_state_message(ArcLicenseState state, gint64 expires_at)
{
	g_autofree gchar *expiry = arc_license_state_format_day(expires_at);
	g_autofree gchar *read_only =
		arc_license_state_format_day(expires_at + ARC_LICENSE_GRACE_SECS);
	g_autofree gchar *suspended = arc_license_state_format_day(
		expires_at + ARC_LICENSE_GRACE_SECS + ARC_LICENSE_READ_ONLY_SECS);

	switch (state) {
	case ARC_LICENSE_STATE_VALID:
		return g_strdup_printf("the license is valid until %s", expiry);
	case ARC_LICENSE_STATE_WARNING:
		return g_strdup_printf("the license expires on %s: " ARC_LICENSE_RENEW_HINT,
				       expiry);
	case ARC_LICENSE_STATE_GRACE_PERIOD:
		return g_strdup_printf("the license expired on %s; the agent stays fully "
				       "operational until %s, then becomes read-only: "
				       "" ARC_LICENSE_RENEW_HINT,
				       expiry, read_only);
	case ARC_LICENSE_STATE_READ_ONLY:
		return g_strdup_printf("the license expired on %s and the agent is read-only "
				       "(peers, services and routes cannot be changed) until %s, "
				       "then suspended: " ARC_LICENSE_RENEW_HINT,
				       expiry, suspended);
	case ARC_LICENSE_STATE_SUSPENDED:
		return g_strdup_printf("the license expired on %s and the agent is suspended "
				       "(only health, identity, license and token requests are "
				       "served): " ARC_LICENSE_RENEW_HINT,
				       expiry);
	default:
		return g_strdup(arc_license_state_describe(state));
	}
}

/**
 * arc_license_state_allows:
 * @state: the state of the license in force
 * @needed: the scope an operation requires
 * @refusal: (out) (optional): the error code when it is refused
 *
 * The enforcement of DESIGN.md §5 "license states": in `read_only` the writes of peers,
 * services and routes (scopes peers.write and services.write) are refused; in `suspended`
 * every operation that needs a token is. The license operations themselves, and whatever
 * needs no token (health, identity, token, the peer-to-peer endpoints), are not asked.
 *
 * Returns: %TRUE if an operation requiring @needed may run in @state
 */
gboolean
arc_license_state_allows(ArcLicenseState state, ArcScope needed, ArcError *refusal)
{
	ArcError code = ARC_ERROR_LAST;

	if (state >= ARC_LICENSE_STATE_SUSPENDED)
		code = ARC_ERROR_LICENSE_SUSPENDED;
	else if (state == ARC_LICENSE_STATE_READ_ONLY &&
		 (needed & (ARC_SCOPE_PEERS_WRITE | ARC_SCOPE_SERVICES_WRITE)) != 0)
		code = ARC_ERROR_LICENSE_READ_ONLY;
	if (code == ARC_ERROR_LAST)
		return TRUE;
	if (refusal != NULL)
		*refusal = code;
	return FALSE;
}

/**
 * arc_license_compare_age:
 * @a: a license
 * @b: another license
 *
 * Which of two licenses of one customer is the newer: the later `expires_at`, then the later
 * `issued_at`, then the greater `license_id` (bytewise), so that every node picks the same
 * one whatever order the licenses reach it in (docs/license.md "Renewal").
 *
 * Returns: a positive number if @a is newer than @b, negative if older, 0 for the same
 *   license id and dates
 */
gint
arc_license_compare_age(const ArcLicense *a, const ArcLicense *b)
{
	if (a->expires_at != b->expires_at)
		return a->expires_at > b->expires_at ? 1 : -1;
	if (a->issued_at != b->issued_at)
		return a->issued_at > b->issued_at ? 1 : -1;
	return g_strcmp0(a->license_id, b->license_id);
}
