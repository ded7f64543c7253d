/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "arc-names.h"

G_BEGIN_DECLS

/* What a caller asks of a service or a route (docs/services.md), parsed from a request body
 * and checked member by member; the checks that need the cluster (peers, names, limits) are
 * the engine's. A pure module: the fuzz target fuzz-service-body feeds it. */

#define ARC_SERVICE_MAX_NAME ARC_NAME_MAX
#define ARC_SERVICE_MAX_BANDWIDTH 1000000
#define ARC_SERVICE_MAX_ROUTES_PER_CALL 10000

/**
 * ArcServiceField:
 *
 * The members a #ArcServiceSpec sets.
 */
typedef enum {
	ARC_SERVICE_FIELD_NAME = 1 << 0,
	ARC_SERVICE_FIELD_SOURCE = 1 << 1,
	ARC_SERVICE_FIELD_TARGET = 1 << 2,
	ARC_SERVICE_FIELD_TRANSPORT = 1 << 3,
	ARC_SERVICE_FIELD_REQUIRES_INTERFACE = 1 << 4,
	ARC_SERVICE_FIELD_DESIRED_IPV4 = 1 << 5,
	ARC_SERVICE_FIELD_DESIRED_IPV6 = 1 << 6,
	ARC_SERVICE_FIELD_FULLY_TRANSPARENT = 1 << 7,
	ARC_SERVICE_FIELD_BANDWIDTH = 1 << 8,
} ArcServiceField;

/**
 * ArcRouteSpec:
 * @set: which of the members below were given (%ARC_ROUTE_FIELD_*)
 * @priority: higher is preferred
 * @source_cidr: (nullable): a network, canonical
 * @dest_cidr: (nullable): a network, canonical
 */
typedef enum {
	ARC_ROUTE_FIELD_PRIORITY = 1 << 0,
	ARC_ROUTE_FIELD_SOURCE = 1 << 1,
	ARC_ROUTE_FIELD_DEST = 1 << 2,
} ArcRouteField;

typedef struct {
	guint set;
	gint64 priority;
	gchar *source_cidr;
	gchar *dest_cidr;
} ArcRouteSpec;

void arc_route_spec_free(ArcRouteSpec *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteSpec, arc_route_spec_free)

/**
 * ArcServiceSpec:
 * @set: which members were given (#ArcServiceField); a member set to %NULL clears it
 * @routes: (element-type ArcRouteSpec) (nullable): routes to create with the service
 */
typedef struct {
	guint set;
	gchar *name;
	gchar *source_peer_id;
	gchar *target_peer_id;
	gchar *transport_type;
	gboolean requires_interface;
	gchar *desired_ipv4_cidr;
	gchar *desired_ipv6_cidr;
	gboolean fully_transparent;
	gint64 bandwidth_limit_mbps;
	GPtrArray *routes;
} ArcServiceSpec;

ArcServiceSpec *arc_service_spec_new(void);
void arc_service_spec_free(ArcServiceSpec *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcServiceSpec, arc_service_spec_free)

ArcServiceSpec *arc_service_spec_from_json(JsonObject *object, gboolean create, GError **error);
ArcRouteSpec *arc_route_spec_from_json(JsonObject *object, gboolean create, const gchar *where,
				       GError **error);
GPtrArray *arc_route_specs_from_json(JsonObject *object, GError **error);
ArcServiceSpec *arc_service_spec_from_variant(GVariant *dict, gboolean create, GError **error);
ArcRouteSpec *arc_route_spec_from_variant(GVariant *dict, gboolean create, const gchar *where,
					  GError **error);
GPtrArray *arc_route_specs_from_variant(GVariant *routes, GError **error);

gboolean arc_service_name_is_valid(const gchar *name);
gchar *arc_interface_cidr_normalize(const gchar *text, guint family, GError **error);

/**
 * ArcServiceState:
 * @ARC_SERVICE_STATE_ACTIVE: both its peers are members within the license's limits
 * @ARC_SERVICE_STATE_INACTIVE: its source or target peer is gone or beyond the node limit
 * @ARC_SERVICE_STATE_OVER_LIMIT: beyond the license's `max_services`
 *
 * A service's `state`, as the API shows it.
 */
typedef enum {
	ARC_SERVICE_STATE_ACTIVE,
	ARC_SERVICE_STATE_INACTIVE,
	ARC_SERVICE_STATE_OVER_LIMIT,
} ArcServiceState;

const gchar *arc_service_state_to_string(ArcServiceState state);

G_END_DECLS
