/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-route-table.h"
#include "arc-service-spec.h"

G_BEGIN_DECLS

/* Services and routes (docs/services.md) as the engine hands them out, and the bodies of
 * their replicated records. */

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
	ArcServiceState state;
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

void arc_route_candidate_free(ArcRouteCandidate *self);
ArcServiceInfo *arc_service_info_copy(const ArcServiceInfo *self);
ArcServiceInfo *arc_service_from_record(const ArcRecord *record);
ArcRouteInfo *arc_route_from_record(const ArcRecord *record);
gchar *arc_service_body(const ArcServiceInfo *info);
gchar *arc_route_body(const ArcRouteInfo *info);

G_END_DECLS
