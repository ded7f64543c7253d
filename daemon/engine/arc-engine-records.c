/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-engine-private.h"

/* The engine's handlers of the record kinds it replicates (docs/protocol.md §6): what a
 * record received by gossip changes beyond storage, for the registry (arc-registry.c) to
 * call. The rules every record must pass are the registry's. */

static void
arc_engine_credential_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	arc_auth_manager_apply_record(arc_engine_get_auth(ARC_ENGINE(user_data)), record);
}

static void
arc_engine_credential_forgotten_cb(const gchar *id, gpointer user_data)
{
	arc_auth_manager_forget(arc_engine_get_auth(ARC_ENGINE(user_data)), id);
}

static void
arc_engine_issuer_applied_cb(const ArcRecord *record, const gchar *from, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);
	arc_auth_manager_apply_issuer_record(
		arc_engine_get_auth(self), record,
		arc_node_get_config(arc_engine_get_node(self))->auth_issuer);
}

/* every kind this version replicates but those of the peer manager (`peer`, `peer_alias`,
 * `revoked_peer`), the license manager (`license`) and the service manager (`service`,
 * `route`) */
static const ArcRecordKind arc_engine_kinds[] = {
	{.name = "auth_issuer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_engine_issuer_applied_cb},
	{.name = "credential",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .applied = arc_engine_credential_applied_cb,
	 .forgotten = arc_engine_credential_forgotten_cb},
	{.name = "join_token", .flags = ARC_RECORD_KIND_FLAG_REPLICATED},
};

/**
 * arc_engine_register_kinds:
 * @self: the engine
 * @registry: its registry
 *
 * Makes the kinds the engine handles itself known to @registry, with its handlers; the
 * peer, license and service managers register their own.
 */
void
arc_engine_register_kinds(ArcEngine *self, ArcRegistry *registry)
{
	for (guint i = 0; i < G_N_ELEMENTS(arc_engine_kinds); i++)
		arc_registry_register_kind(registry, &arc_engine_kinds[i], self);
}

/**
 * arc_engine_is_member_address:
 * @self: the engine
 * @address: where a connection comes from
 *
 * Whether @address is the advertised address of another active peer: the API server keeps
 * connections in reserve for those.
 *
 * Returns: %TRUE if it is
 */
gboolean
arc_engine_is_member_address(ArcEngine *self, GInetAddress *address)
{
	return arc_registry_is_member_host(arc_engine_get_registry(self), address);
}
