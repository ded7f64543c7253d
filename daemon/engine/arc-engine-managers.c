/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-managers.h"

#include "arc-engine-license.h"

/* How the managers call one another: each manager states what it needs of the agent it runs
 * in as a host table (ArcPeerManagerHost, ArcGossipHost, ArcHandshakerHost, ArcServiceHost),
 * and the tables here answer through the other managers, found through the engine's getters.
 * The facade (arc-engine.c) hands them to the managers it makes; only the peer manager's
 * change notice comes back to it, as the engine's signal. */

/* ---- the upcalls of the peer manager ---- */

static void
arc_engine_peer_changed_cb(gpointer host, const gchar *peer_id)
{
	arc_engine_emit_peer_changed(ARC_ENGINE(host), peer_id);
}

static void
arc_engine_offer_cluster_id_cb(gpointer host, const gchar *cluster_id, const gchar *from)
{
	arc_cluster_identity_offer(arc_engine_get_cluster_identity(ARC_ENGINE(host)), cluster_id,
				   from);
}

static ArcGossip *
arc_engine_peers_gossip_cb(gpointer host)
{
	return arc_engine_get_gossip(ARC_ENGINE(host));
}

const ArcPeerManagerHost arc_engine_peers_host = {
	.peer_changed = arc_engine_peer_changed_cb,
	.offer_cluster_id = arc_engine_offer_cluster_id_cb,
	.get_gossip = arc_engine_peers_gossip_cb,
};

/* ---- the upcalls of gossip ---- */

static gboolean
arc_engine_gossip_is_deactivated_cb(gpointer host)
{
	return arc_peer_manager_is_deactivated(arc_engine_get_peer_manager(ARC_ENGINE(host)));
}

static void
arc_engine_gossip_tell_removed_cb(gpointer host, const gchar *peer_id)
{
	arc_peer_manager_tell_removed(arc_engine_get_peer_manager(ARC_ENGINE(host)), peer_id);
}

/* transitive discovery is a handshake like an operator's, through the facade's own method */
static void
arc_engine_gossip_meet_async_cb(gpointer host, const gchar *address, GCancellable *cancellable,
				GAsyncReadyCallback callback, gpointer user_data)
{
	arc_engine_discover_peer_async(ARC_ENGINE(host), address, cancellable, callback, user_data);
}

static gboolean
arc_engine_gossip_meet_finish_cb(gpointer host, GAsyncResult *res, gchar **peer_id, gchar **address,
				 GError **error)
{
	g_autoptr(ArcPeerInfo) info =
		arc_engine_add_peer_finish(ARC_ENGINE(host), res, NULL, error);

	if (info == NULL)
		return FALSE;
	*peer_id = g_steal_pointer(&info->id);
	*address = g_steal_pointer(&info->address);
	return TRUE;
}

const ArcGossipHost arc_engine_gossip_host = {
	.is_deactivated = arc_engine_gossip_is_deactivated_cb,
	.offer_cluster_id = arc_engine_offer_cluster_id_cb,
	.tell_removed = arc_engine_gossip_tell_removed_cb,
	.meet_async = arc_engine_gossip_meet_async_cb,
	.meet_finish = arc_engine_gossip_meet_finish_cb,
};

/* ---- the upcalls of the handshaker ---- */

static ArcLicense *
arc_engine_handshaker_license_cb(gpointer host)
{
	return arc_engine_get_license_doc(ARC_ENGINE(host));
}

static ArcLicenseState
arc_engine_handshaker_license_state_cb(gpointer host)
{
	return arc_engine_get_license_state(ARC_ENGINE(host));
}

/* whether a member gossiped @peer_id's own record to this agent (a discovery candidate) */
static gboolean
arc_engine_handshaker_vouched_cb(gpointer host, const gchar *peer_id)
{
	ArcGossip *gossip = arc_engine_get_gossip(ARC_ENGINE(host));

	return gossip != NULL && arc_gossip_is_candidate(gossip, peer_id);
}

const ArcHandshakerHost arc_engine_handshaker_host = {
	.get_license = arc_engine_handshaker_license_cb,
	.get_license_state = arc_engine_handshaker_license_state_cb,
	.is_vouched = arc_engine_handshaker_vouched_cb,
};

/* ---- the upcalls of the service manager ---- */

static gint64
arc_engine_services_max_services_cb(gpointer user_data)
{
	ArcLicense *license = arc_engine_get_license_doc(ARC_ENGINE(user_data));
	return license != NULL ? license->max_services : 0;
}

static GPtrArray *
arc_engine_services_list_peers_cb(gpointer user_data, GError **error)
{
	return arc_peer_manager_load(arc_engine_get_peer_manager(ARC_ENGINE(user_data)), error);
}

const ArcServiceHost arc_engine_service_host = {
	.get_max_services = arc_engine_services_max_services_cb,
	.list_peers = arc_engine_services_list_peers_cb,
};
