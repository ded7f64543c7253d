/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-tunnel.h"

#include "arc-error.h"
#include "arc-plugin.h"

G_DEFINE_INTERFACE(ArcTunnel, arc_tunnel, ARC_TYPE_PLUGIN)

static void
arc_tunnel_default_init(ArcTunnelInterface *iface)
{
}

gboolean
arc_tunnel_start(ArcTunnel *self, const gchar *ifname, guint16 listen_port, GBytes *private_key,
		 GError **error)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->start == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "start", error);
	ok = iface->start(self, ifname, listen_port, private_key, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "start", ok, error_local, error);
}

void
arc_tunnel_stop(ArcTunnel *self)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	if (iface->stop != NULL)
		iface->stop(self);
}

gboolean
arc_tunnel_set_peer(ArcTunnel *self, const ArcTunnelPeer *peer, GError **error)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->set_peer == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "set_peer", error);
	ok = iface->set_peer(self, peer, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "set_peer", ok, error_local, error);
}

gboolean
arc_tunnel_remove_peer(ArcTunnel *self, const gchar *public_key, GError **error)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->remove_peer == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "remove_peer", error);
	ok = iface->remove_peer(self, public_key, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "remove_peer", ok, error_local, error);
}

/**
 * arc_tunnel_get_stats:
 * @self: a tunnel plugin
 *
 * Returns: (transfer full): counters as `a{sv}`
 */
GVariant *
arc_tunnel_get_stats(ArcTunnel *self)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	GVariant *stats = iface->get_stats != NULL ? iface->get_stats(self) : NULL;
	if (stats == NULL)
		stats = g_variant_new("a{sv}", NULL);
	return g_variant_ref_sink(stats);
}
