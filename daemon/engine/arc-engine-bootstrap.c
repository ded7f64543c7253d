/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-managers.h"

/* Bootstrap (`POST /v1/bootstrap`, D-Bus `Bootstrap`): the engine checks that it may happen,
 * the bootstrapper (arc-bootstrapper.c) verifies and stores it, and the facade then runs as
 * the new peer (arc_engine_bootstrapped()). */

/* takes the identity, cluster, license and credential bootstrap stored, then gossips */
static void
arc_engine_adopt_bootstrap(ArcEngine *self, ArcBootstrapResult *res, ArcLicense *license,
			   ArcIdentity *identity, ArcCredential *credential, gint64 now)
{
	arc_bootstrapper_adopt(arc_engine_get_bootstrapper(self), res, license, identity,
			       credential, now);
	arc_engine_bootstrapped(self, res, license);
}

/**
 * arc_engine_check_bootstrap_origin:
 * @self: the engine
 * @loopback: whether the request came over the loopback interface
 * @recovery: (nullable): the recovery token the request carries
 * @error: return location for a #GError
 *
 * A brand-new agent takes its bootstrap from anywhere; one that was reset (peer.key kept,
 * no arctic.db) only from a local operator or the holder of the recovery token
 * (arc_bootstrapper_check_origin()).
 *
 * Returns: %TRUE if this bootstrap may go ahead; %ARC_ERROR_FORBIDDEN otherwise
 */
gboolean
arc_engine_check_bootstrap_origin(ArcEngine *self, gboolean loopback, const gchar *recovery,
				  GError **error)
{
	return arc_bootstrapper_check_origin(arc_engine_get_bootstrapper(self), loopback, recovery,
					     error);
}

/**
 * arc_engine_check_bootstrappable:
 * @self: the engine
 * @error: return location for a #GError
 *
 * What arc_engine_bootstrap() checks first, for an adapter to ask before it decodes the
 * request: an agent that is bootstrapped says so whatever the request is.
 *
 * Returns: %TRUE before bootstrap; %ARC_ERROR_ALREADY_BOOTSTRAPPED after
 */
gboolean
arc_engine_check_bootstrappable(ArcEngine *self, GError **error)
{
	if (!arc_engine_is_bootstrapped(self))
		return TRUE;
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_ALREADY_BOOTSTRAPPED,
			    "agent is already bootstrapped");
	return FALSE;
}

/**
 * arc_engine_bootstrap:
 * @self: the engine
 * @req: the bootstrap, as an adapter decoded it
 * @error: return location for a #GError
 *
 * Verifies the license, creates the peer identity, the cluster and the cluster credential,
 * and stores them in one transaction (arc_bootstrapper_run()); then this agent is that peer.
 * Happens once.
 *
 * Returns: (transfer full): the new identity and the credential's secret, or %NULL
 */
ArcBootstrapResult *
arc_engine_bootstrap(ArcEngine *self, const ArcBootstrapRequest *req, GError **error)
{
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(ArcIdentity) identity = NULL;
	ArcCredential *credential = NULL;
	ArcBootstrapResult *res;
	gint64 now = arc_engine_now(self);

	if (!arc_engine_check_bootstrappable(self, error))
		return NULL;
	res = arc_bootstrapper_run(arc_engine_get_bootstrapper(self), req, now, &license, &identity,
				   &credential, error);
	if (res != NULL)
		arc_engine_adopt_bootstrap(self, res, license, identity, credential, now);
	return res;
}
