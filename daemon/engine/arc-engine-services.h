/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-route-table.h"
#include "arc-service-spec.h"

G_BEGIN_DECLS

/* Services and routes (docs/services.md): replicated records any active peer writes. */

/**
 * ArcRouteInfo:
 * @id: the route id, unique in the cluster
 * @service_id: its service
 * @priority: higher is preferred
 * @source_cidr: (nullable): canonical network
 * @dest_cidr: (nullable): canonical network
 * @created_at: seconds since the epoch
 */
typedef struct {
	gint64 id;
	gchar *service_id;
	gint64 priority;
	gchar *source_cidr;
	gchar *dest_cidr;
	gint64 created_at;
	gchar *created_by;
	gchar *uid;
} ArcRouteInfo;

void arc_route_info_free(ArcRouteInfo *self);
ArcRouteInfo *arc_route_info_copy(const ArcRouteInfo *self);
ArcRouteCategory arc_route_info_get_category(const ArcRouteInfo *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteInfo, arc_route_info_free)

/**
 * ArcServiceInfo:
 * @state: `active`, `inactive` (a peer is no longer active) or `over_limit`
 * @route_count: how many routes it has
 * @routes: (element-type ArcRouteInfo) (nullable): its routes, when asked for
 */
typedef struct {
	gchar *id;
	gchar *name;
	gchar *source_peer_id;
	gchar *source_peer_name;
	gchar *target_peer_id;
	gchar *target_peer_name;
	gchar *transport_type;
	gboolean requires_interface;
	gchar *desired_ipv4_cidr;
	gchar *desired_ipv6_cidr;
	gchar *interface_name;
	gboolean fully_transparent;
	gint64 bandwidth_limit_mbps;
	gint64 created_at;
	gint64 updated_at;
	const gchar *state;
	guint route_count;
	GPtrArray *routes;
} ArcServiceInfo;

void arc_service_info_free(ArcServiceInfo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcServiceInfo, arc_service_info_free)

/**
 * ArcServiceFilter:
 * @source_peer_id: (nullable): only services from this peer
 * @target_peer_id: (nullable): only services to this peer
 * @requires_interface: 1 or 0 to filter on it, -1 not to
 */
typedef struct {
	const gchar *source_peer_id;
	const gchar *target_peer_id;
	gint requires_interface;
} ArcServiceFilter;

/**
 * ArcRouteCandidate:
 * @route: a route evaluated that did not win
 * @reason: why it lost, in the operator's words
 * @matches: whether it matches the packet (and lost to a better route)
 */
typedef struct {
	ArcRouteInfo *route;
	gchar *reason;
	gboolean matches;
} ArcRouteCandidate;

/**
 * ArcRouteLookup:
 * @peer_id: the peer whose services were evaluated (the traffic enters there)
 * @category: the winner's category, %ARC_ROUTE_CATEGORY_NONE when nothing matched
 * @reason: (nullable): why the winner won
 * @service: (nullable): the service chosen
 * @route: (nullable): the route that chose it (%NULL for an interface match)
 * @candidates: (element-type ArcRouteCandidate): the other routes that match the packet,
 *   with why they lost; every other route when all were asked for
 * @unmatched: how many routes that do not match the packet are not in @candidates
 */
typedef struct {
	gchar *peer_id;
	ArcRouteCategory category;
	gchar *reason;
	ArcServiceInfo *service;
	ArcRouteInfo *route;
	GPtrArray *candidates;
	guint unmatched;
} ArcRouteLookup;

void arc_route_lookup_free(ArcRouteLookup *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteLookup, arc_route_lookup_free)

GPtrArray *arc_engine_list_services(ArcEngine *self, const ArcCaller *caller,
				    const ArcServiceFilter *filter, GError **error);
ArcServiceInfo *arc_engine_get_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
				       GError **error);
ArcServiceInfo *arc_engine_create_service(ArcEngine *self, const ArcCaller *caller,
					  const ArcServiceSpec *spec, GError **error);
ArcServiceInfo *arc_engine_update_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
					  const ArcServiceSpec *spec, GError **error);
gboolean arc_engine_delete_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
				   GError **error);
GPtrArray *arc_engine_list_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
				  GError **error);
GArray *arc_engine_add_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			      GPtrArray *specs, GError **error);
ArcRouteInfo *arc_engine_update_route(ArcEngine *self, const ArcCaller *caller,
				      const gchar *service_id, gint64 route_id,
				      const ArcRouteSpec *spec, GError **error);
gboolean arc_engine_delete_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
				 gint64 route_id, GError **error);
ArcRouteLookup *arc_engine_lookup_route(ArcEngine *self, const ArcCaller *caller, const gchar *peer,
					const gchar *source, const gchar *destination,
					const gchar *interface, gboolean all, GError **error);

G_END_DECLS
