/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-license-state.h"
#include "arc-route-table.h"

G_BEGIN_DECLS

/* What this node must realise in the kernel, as the engine publishes it to the data plane
 * (DESIGN.md §8): immutable once built, shared by reference, so the data plane and its I/O
 * threads read it without locks. */

/* "arc-" and 11 characters: within IFNAMSIZ - 1 */
#define ARC_CLUSTER_DEVICE_PREFIX "arc-"
#define ARC_CLUSTER_DEVICE_NAME_MAX 15
/* a service's MACVLAN: "arc" and 12 characters of its id, no "-" so `arc-*` never matches */
#define ARC_CLUSTER_INTERFACE_PREFIX "arc"

/**
 * ArcClusterMember:
 * @peer_id: the member's peer id
 * @name: its name
 * @tunnel_public_key: (nullable): its X25519 tunnel public key, 32 bytes, %NULL while unknown
 * @tunnel_endpoint: (nullable): where its tunnel listens, `host:port`
 * @has_tunnel_v4: whether @tunnel_v4 is set
 * @tunnel_v4: its IPv4 tunnel address (a full-length prefix)
 * @has_tunnel_v6: whether @tunnel_v6 is set
 * @tunnel_v6: its IPv6 tunnel address (a full-length prefix)
 * @over_limit: beyond the license's node limit: it carries nothing
 * @identity_key: (nullable): its Ed25519 identity key, 32 bytes: what its transport proves
 * @api_endpoint: (nullable): where its API listens, `host:port` (`[v6]:port`): the proxy
 *   never captures connections to it
 * @device: the name of the tunnel device towards it, arc_cluster_device_name(); set by the
 *   builder
 *
 * An active member of the cluster.
 */
typedef struct {
	gchar *peer_id;
	gchar *name;
	GBytes *tunnel_public_key;
	gchar *tunnel_endpoint;
	gboolean has_tunnel_v4;
	ArcCidr tunnel_v4;
	gboolean has_tunnel_v6;
	ArcCidr tunnel_v6;
	gboolean over_limit;
	gchar *api_endpoint;
	GBytes *identity_key;
	gchar device[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
} ArcClusterMember;

typedef enum {
	ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE = 1 << 0,
	ARC_CLUSTER_SERVICE_FULLY_TRANSPARENT = 1 << 1,
} ArcClusterServiceFlags;

/**
 * ArcClusterService:
 * @id: the service id
 * @name: its name
 * @source_peer_id: the peer where its traffic enters
 * @target_peer_id: the peer where it leaves for its destination
 * @transport: `tcp` or `kcp`
 * @flags: its interface flags
 * @bandwidth_limit_mbps: 0 for none
 * @has_desired_v4: whether @desired_v4 is set
 * @desired_v4: the address (with its prefix) its interface must have instead of DHCP's
 * @has_desired_v6: whether @desired_v6 is set
 * @desired_v6: the IPv6 address its interface must have
 * @interface: the name of its MACVLAN, arc_cluster_service_interface_name(); set by the
 *   builder, empty unless %ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE
 *
 * A service this node is the source or the target of.
 */
typedef struct {
	gchar *id;
	gchar *name;
	gchar *source_peer_id;
	gchar *target_peer_id;
	gchar *transport;
	ArcClusterServiceFlags flags;
	guint64 bandwidth_limit_mbps;
	gboolean has_desired_v4;
	ArcCidr desired_v4;
	gboolean has_desired_v6;
	ArcCidr desired_v6;
	gchar interface[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
} ArcClusterService;

/**
 * ArcClusterSelf:
 * @peer_id: this node's peer id
 * @has_tunnel_v4: whether @tunnel_v4 is set
 * @tunnel_v4: its IPv4 tunnel address
 * @has_tunnel_v6: whether @tunnel_v6 is set
 * @tunnel_v6: its IPv6 tunnel address
 * @tunnel_listen_port: the UDP port its tunnel listens on
 */
typedef struct {
	gchar *peer_id;
	gboolean has_tunnel_v4;
	ArcCidr tunnel_v4;
	gboolean has_tunnel_v6;
	ArcCidr tunnel_v6;
	guint16 tunnel_listen_port;
} ArcClusterSelf;

typedef struct _ArcClusterView ArcClusterView;
typedef struct _ArcClusterViewBuilder ArcClusterViewBuilder;

void arc_cluster_device_name(const gchar *peer_id, gchar out[ARC_CLUSTER_DEVICE_NAME_MAX + 1]);
void arc_cluster_service_interface_name(const gchar *service_id,
					gchar out[ARC_CLUSTER_DEVICE_NAME_MAX + 1]);

ArcClusterView *arc_cluster_view_ref(ArcClusterView *self);
void arc_cluster_view_unref(ArcClusterView *self);
guint64 arc_cluster_view_get_generation(const ArcClusterView *self);
const ArcClusterSelf *arc_cluster_view_get_self(const ArcClusterView *self);
ArcLicenseState arc_cluster_view_get_license_state(const ArcClusterView *self);
guint arc_cluster_view_get_n_members(const ArcClusterView *self);
const ArcClusterMember *arc_cluster_view_get_member(const ArcClusterView *self, guint index);
const ArcClusterMember *arc_cluster_view_find_member(const ArcClusterView *self,
						     const gchar *peer_id);
guint arc_cluster_view_get_n_services(const ArcClusterView *self);
const ArcClusterService *arc_cluster_view_get_service(const ArcClusterView *self, guint index);
const ArcClusterService *arc_cluster_view_find_service(const ArcClusterView *self,
						       const gchar *service_id);
ArcRouteTable *arc_cluster_view_get_route_table(const ArcClusterView *self);
GPtrArray *arc_cluster_view_get_routes_ordered(const ArcClusterView *self);
const ArcClusterService *arc_cluster_view_find_incoming_service(const ArcClusterView *self,
								const gchar *service_id);
GArray *arc_cluster_view_get_incoming_routes(const ArcClusterView *self);
gboolean arc_cluster_view_equal(const ArcClusterView *a, const ArcClusterView *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterView, arc_cluster_view_unref)

ArcClusterViewBuilder *arc_cluster_view_builder_new(guint64 generation);
void arc_cluster_view_builder_free(ArcClusterViewBuilder *self);
void arc_cluster_view_builder_set_self(ArcClusterViewBuilder *self, const ArcClusterSelf *node);
void arc_cluster_view_builder_set_license_state(ArcClusterViewBuilder *self, ArcLicenseState state);
void arc_cluster_view_builder_add_member(ArcClusterViewBuilder *self,
					 const ArcClusterMember *member);
void arc_cluster_view_builder_add_service(ArcClusterViewBuilder *self,
					  const ArcClusterService *service);
void arc_cluster_view_builder_add_route(ArcClusterViewBuilder *self, gint64 id,
					const gchar *service_id, gint64 priority,
					const ArcCidr *source, const ArcCidr *destination);
void arc_cluster_view_builder_add_incoming_service(ArcClusterViewBuilder *self,
						   const ArcClusterService *service);
void arc_cluster_view_builder_add_incoming_route(ArcClusterViewBuilder *self, gint64 id,
						 const gchar *service_id, gint64 priority,
						 const ArcCidr *source, const ArcCidr *destination);
ArcClusterView *arc_cluster_view_builder_end(ArcClusterViewBuilder *self, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterViewBuilder, arc_cluster_view_builder_free)

G_END_DECLS
