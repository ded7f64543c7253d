/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "arc-dbus-tunnel-peer.h"

struct _ArcDbusTunnelPeer {
	ArcDbusPeerSkeleton parent_instance;
	ArcEngine *engine;
	gboolean has_tunnel; /* the peer's record publishes a tunnel key */
};

G_DEFINE_FINAL_TYPE(ArcDbusTunnelPeer, arc_dbus_tunnel_peer, ARC_DBUS_TYPE_PEER_SKELETON)

/* the generated skeleton's vtable, whose get_property ours wraps */
static const GDBusInterfaceVTable *arc_dbus_tunnel_peer_parent_vtable;
static GDBusInterfaceVTable arc_dbus_tunnel_peer_vtable;

static void
arc_dbus_tunnel_peer_set(ArcDbusPeer *peer, const gchar *state, const ArcTunnelPeerStatus *status)
{
	arc_dbus_peer_set_tunnel_state(peer, state);
	arc_dbus_peer_set_tunnel_endpoint(
		peer, status != NULL && status->endpoint != NULL ? status->endpoint : "");
	arc_dbus_peer_set_tunnel_last_handshake(
		peer, status != NULL ? (guint64)MAX(status->last_handshake, 0) : 0);
	arc_dbus_peer_set_tunnel_rx_bytes(peer, status != NULL ? status->rx_bytes : 0);
	arc_dbus_peer_set_tunnel_tx_bytes(peer, status != NULL ? status->tx_bytes : 0);
}

/**
 * arc_dbus_tunnel_peer_refresh:
 * @self: a peer's skeleton
 *
 * Reads the Tunnel* properties from the engine now. Setting them emits nothing.
 */
void
arc_dbus_tunnel_peer_refresh(ArcDbusTunnelPeer *self)
{
	ArcDbusPeer *peer = ARC_DBUS_PEER(self);
	g_autoptr(GPtrArray) list = NULL;
	const ArcTunnelPeerStatus *status;

	if (arc_dbus_peer_get_is_local(peer) || !self->has_tunnel) {
		arc_dbus_tunnel_peer_set(peer, "none", NULL);
		return;
	}
	list = arc_engine_get_tunnel_status(self->engine);
	if (list == NULL) {
		arc_dbus_tunnel_peer_set(peer, "disabled", NULL);
		return;
	}
	status = arc_tunnel_peer_status_find(list, arc_dbus_peer_get_id(peer));
	arc_dbus_tunnel_peer_set(peer, status != NULL ? "present" : "absent", status);
}

static GVariant *
arc_dbus_tunnel_peer_get_property_cb(GDBusConnection *connection, const gchar *sender,
				     const gchar *object_path, const gchar *interface_name,
				     const gchar *property_name, GError **error, gpointer user_data)
{
	if (g_str_has_prefix(property_name, "Tunnel"))
		arc_dbus_tunnel_peer_refresh(ARC_DBUS_TUNNEL_PEER(user_data));
	return arc_dbus_tunnel_peer_parent_vtable->get_property(
		connection, sender, object_path, interface_name, property_name, error, user_data);
}

static GDBusInterfaceVTable *
arc_dbus_tunnel_peer_get_vtable(GDBusInterfaceSkeleton *skeleton)
{
	/* exported and read on the main thread only; the copy is made once */
	if (arc_dbus_tunnel_peer_parent_vtable == NULL) {
		arc_dbus_tunnel_peer_parent_vtable =
			G_DBUS_INTERFACE_SKELETON_CLASS(arc_dbus_tunnel_peer_parent_class)
				->get_vtable(skeleton);
		arc_dbus_tunnel_peer_vtable = *arc_dbus_tunnel_peer_parent_vtable;
		arc_dbus_tunnel_peer_vtable.get_property = arc_dbus_tunnel_peer_get_property_cb;
	}
	return &arc_dbus_tunnel_peer_vtable;
}

/* GetAll, GetManagedObjects and InterfacesAdded */
static GVariant *
arc_dbus_tunnel_peer_get_properties(GDBusInterfaceSkeleton *skeleton)
{
	arc_dbus_tunnel_peer_refresh(ARC_DBUS_TUNNEL_PEER(skeleton));
	return G_DBUS_INTERFACE_SKELETON_CLASS(arc_dbus_tunnel_peer_parent_class)
		->get_properties(skeleton);
}

static void
arc_dbus_tunnel_peer_finalize(GObject *object)
{
	ArcDbusTunnelPeer *self = ARC_DBUS_TUNNEL_PEER(object);

	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_dbus_tunnel_peer_parent_class)->finalize(object);
}

static void
arc_dbus_tunnel_peer_class_init(ArcDbusTunnelPeerClass *klass)
{
	GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = arc_dbus_tunnel_peer_finalize;
	skeleton_class->get_vtable = arc_dbus_tunnel_peer_get_vtable;
	skeleton_class->get_properties = arc_dbus_tunnel_peer_get_properties;
}

static void
arc_dbus_tunnel_peer_init(ArcDbusTunnelPeer *self)
{
}

/**
 * arc_dbus_tunnel_peer_new:
 * @engine: the engine the Tunnel* properties are read from
 *
 * Returns: (transfer full): a Peer skeleton, to export
 */
ArcDbusPeer *
arc_dbus_tunnel_peer_new(ArcEngine *engine)
{
	ArcDbusTunnelPeer *self = g_object_new(ARC_TYPE_DBUS_TUNNEL_PEER, NULL);

	self->engine = g_object_ref(engine);
	arc_dbus_tunnel_peer_set(ARC_DBUS_PEER(self), "none", NULL);
	return ARC_DBUS_PEER(self);
}

/**
 * arc_dbus_tunnel_peer_set_has_tunnel:
 * @self: a peer's skeleton
 * @has_tunnel: whether the peer's record publishes a tunnel key
 */
void
arc_dbus_tunnel_peer_set_has_tunnel(ArcDbusTunnelPeer *self, gboolean has_tunnel)
{
	self->has_tunnel = has_tunnel;
}
