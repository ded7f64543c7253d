/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-dbus-generated.h"
#include "arc-engine.h"

G_BEGIN_DECLS

/* The com.tillered.Arctic1.Peer skeleton of one peer, whose Tunnel* properties are read from
 * the engine when a client gets them (Get, GetAll, GetManagedObjects) rather than kept up to
 * date: counters change with every packet, and nothing polls them in the background. Those
 * properties announce no change (EmitsChangedSignal false in the XML). */

#define ARC_TYPE_DBUS_TUNNEL_PEER (arc_dbus_tunnel_peer_get_type())
G_DECLARE_FINAL_TYPE(ArcDbusTunnelPeer, arc_dbus_tunnel_peer, ARC, DBUS_TUNNEL_PEER,
		     ArcDbusPeerSkeleton)

ArcDbusPeer *arc_dbus_tunnel_peer_new(ArcEngine *engine);
void arc_dbus_tunnel_peer_set_has_tunnel(ArcDbusTunnelPeer *self, gboolean has_tunnel);
void arc_dbus_tunnel_peer_refresh(ArcDbusTunnelPeer *self);

G_END_DECLS
