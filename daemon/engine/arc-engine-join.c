/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"

/* Join tokens (docs/protocol.md §5.7): the engine authorises, the handshaker
 * (arc-handshaker.c) makes and checks them. */

/**
 * arc_engine_create_join_token:
 * @self: the engine
 * @caller: who is calling (`peers.write`)
 * @ttl: seconds the token is valid, 0 for the default (900); at most 86400
 * @error: return location for a #GError
 *
 * A single-use token with which one new host may join the cluster through any member
 * (`arctic peers add MEMBER --join-token TOKEN` on that host). Only its public key is
 * stored.
 *
 * Returns: (transfer full): the token, shown this once
 */
ArcJoinToken *
arc_engine_create_join_token(ArcEngine *self, const ArcCaller *caller, gint64 ttl, GError **error)
{
	g_autoptr(ArcJoinToken) res = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();

	if (!arc_engine_authorize_bootstrapped(self, caller, ARC_SCOPE_PEERS_WRITE, error))
		return NULL;
	res = arc_handshaker_new_join_token(arc_engine_get_handshaker(self), ttl, txn, error);
	if (res == NULL)
		return NULL;
	if (!arc_registry_commit(arc_engine_get_registry(self), txn, NULL, TRUE, error))
		return NULL;
	g_info("join token %s created by %s, valid until %" G_GINT64_FORMAT, res->id,
	       arc_caller_describe(caller), res->expires_at);
	return g_steal_pointer(&res);
}
