/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cidr.h"

G_BEGIN_DECLS

/* The route evaluation of docs/routing.md: a pure module, no I/O. The CIDR rules are common/'s,
 * worded here for the API. */

gboolean arc_cidr_parse(const gchar *text, ArcCidr *out, GError **error);
gboolean arc_cidr_parse_address(const gchar *text, ArcCidr *out, GError **error);

/**
 * ArcRouteCategory:
 *
 * Most specific first (docs/routing.md).
 */
typedef enum {
	ARC_ROUTE_CATEGORY_INTERFACE,
	ARC_ROUTE_CATEGORY_SOURCE_DESTINATION,
	ARC_ROUTE_CATEGORY_SOURCE,
	ARC_ROUTE_CATEGORY_DESTINATION,
	ARC_ROUTE_CATEGORY_NONE,
} ArcRouteCategory;

const gchar *arc_route_category_to_string(ArcRouteCategory category);
const gchar *arc_route_category_to_wire(ArcRouteCategory category);

/**
 * ArcRoute:
 * @id: the route id
 * @service_id: the service it selects
 * @priority: higher is preferred
 * @has_source: whether @source applies
 * @source: the source CIDR
 * @has_destination: whether @destination applies
 * @destination: the destination CIDR
 */
typedef struct {
	gint64 id;
	gchar *service_id;
	gint64 priority;
	gboolean has_source;
	ArcCidr source;
	gboolean has_destination;
	ArcCidr destination;
} ArcRoute;

ArcRouteCategory arc_route_get_category(const ArcRoute *route);
gint arc_route_compare(const ArcRoute *a, const ArcRoute *b);

/**
 * ArcRouteLoser:
 * @route: a route that did not win
 * @reason: why, in the operator's words
 * @matches: whether it matches the packet (it lost to a better one) or not at all
 */
typedef struct {
	const ArcRoute *route;
	gchar *reason;
	gboolean matches;
} ArcRouteLoser;

/**
 * ArcRouteDecision:
 * @category: the category of the winner, %ARC_ROUTE_CATEGORY_NONE when nothing matched
 * @service_id: (nullable): the service chosen
 * @route: (nullable): the route that chose it (%NULL for an interface match)
 * @reason: why it won
 * @losers: (element-type ArcRouteLoser): the other routes, with why they lost: those that
 *   match the packet, and the others too when asked for
 * @unmatched: how many routes that do not match the packet are not in @losers
 */
typedef struct {
	ArcRouteCategory category;
	gchar *service_id;
	const ArcRoute *route;
	gchar *reason;
	GArray *losers;
	guint unmatched;
} ArcRouteDecision;

void arc_route_decision_free(ArcRouteDecision *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteDecision, arc_route_decision_free)

typedef struct _ArcRouteTable ArcRouteTable;

ArcRouteTable *arc_route_table_new(void);
void arc_route_table_free(ArcRouteTable *self);
void arc_route_table_add(ArcRouteTable *self, gint64 id, const gchar *service_id, gint64 priority,
			 const ArcCidr *source, const ArcCidr *destination);
gboolean arc_route_table_remove(ArcRouteTable *self, gint64 id);
void arc_route_table_bind_interface(ArcRouteTable *self, const gchar *interface,
				    const gchar *service_id);
guint arc_route_table_get_size(ArcRouteTable *self);
const ArcRoute *arc_route_table_lookup(ArcRouteTable *self, const ArcCidr *source,
				       const ArcCidr *destination, const gchar *interface,
				       const gchar **service_id);
ArcRouteDecision *arc_route_table_explain(ArcRouteTable *self, const ArcCidr *source,
					  const ArcCidr *destination, const gchar *interface,
					  gboolean all);
GPtrArray *arc_route_table_get_ordered(ArcRouteTable *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteTable, arc_route_table_free)

G_END_DECLS
