/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-tunnel.h"

#include <string.h>

#include "arc-error.h"
#include "arc-plugin.h"

G_DEFINE_INTERFACE(ArcTunnel, arc_tunnel, ARC_TYPE_PLUGIN)

static void
arc_tunnel_default_init(ArcTunnelInterface *iface)
{
}

/**
 * arc_tunnel_settings_init:
 * @settings: settings to fill
 *
 * Zeroes @settings and sets its `struct_size`: call it before setting any field.
 */
void
arc_tunnel_settings_init(ArcTunnelSettings *settings)
{
	memset(settings, 0, sizeof(*settings));
	settings->struct_size = sizeof(*settings);
}

/**
 * arc_tunnel_peer_init:
 * @peer: a peer to fill
 *
 * Zeroes @peer and sets its `struct_size`: call it before setting any field.
 */
void
arc_tunnel_peer_init(ArcTunnelPeer *peer)
{
	memset(peer, 0, sizeof(*peer));
	peer->struct_size = sizeof(*peer);
}

/* A struct from a caller that did not use the init function would be read past its end. */
static gboolean
arc_tunnel_check_size(ArcTunnel *self, const gchar *vfunc_name, gsize struct_size, gsize needed,
		      GError **error)
{
	if (struct_size >= needed)
		return TRUE;
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
		    "%s: %s: settings of %" G_GSIZE_FORMAT " bytes, at least %" G_GSIZE_FORMAT
		    " expected",
		    arc_plugin_get_name(ARC_PLUGIN(self)), vfunc_name, struct_size, needed);
	return FALSE;
}

/**
 * arc_tunnel_start:
 * @self: a tunnel plugin
 * @settings: the interface, port and key, from arc_tunnel_settings_init()
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the interface exists and the tunnel listens
 */
gboolean
arc_tunnel_start(ArcTunnel *self, const ArcTunnelSettings *settings, GError **error)
{
	ArcTunnelInterface *iface = ARC_TUNNEL_GET_IFACE(self);
	GError *error_local = NULL;
	gboolean ok;

	if (iface->start == NULL)
		return arc_plugin_not_supported(ARC_PLUGIN(self), "start", error);
	if (!arc_tunnel_check_size(self, "start", settings->struct_size,
				   G_STRUCT_OFFSET(ArcTunnelSettings, fwmark) + sizeof(guint32),
				   error))
		return FALSE;
	ok = iface->start(self, settings, &error_local);
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
	if (!arc_tunnel_check_size(self, "set_peer", peer->struct_size,
				   G_STRUCT_OFFSET(ArcTunnelPeer, keepalive) + sizeof(guint),
				   error))
		return FALSE;
	ok = iface->set_peer(self, peer, &error_local);
	return arc_plugin_check_result(ARC_PLUGIN(self), "set_peer", ok, error_local, error);
}

gboolean
arc_tunnel_remove_peer(ArcTunnel *self, GBytes *public_key, GError **error)
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
