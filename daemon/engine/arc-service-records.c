/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-service-records.h"

#include "arc-cluster-view.h"

#include "arc-time.h"

/* The bodies of the `service` and `route` records (docs/services.md), and the structs the
 * engine hands its adapters. */

/**
 * arc_route_info_get_category:
 * @route: a route
 *
 * Returns: the category its CIDRs give it (docs/routing.md)
 */
ArcRouteCategory
arc_route_info_get_category(const ArcRouteInfo *route)
{
	if (route->source_cidr != NULL && route->dest_cidr != NULL)
		return ARC_ROUTE_CATEGORY_SOURCE_DESTINATION;
	if (route->source_cidr != NULL)
		return ARC_ROUTE_CATEGORY_SOURCE;
	return ARC_ROUTE_CATEGORY_DESTINATION;
}

void
arc_route_info_free(ArcRouteInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->service_id);
	g_free(self->source_cidr);
	g_free(self->dest_cidr);
	g_free(self->created_by);
	g_free(self->uid);
	g_free(self);
}

ArcRouteInfo *
arc_route_info_copy(const ArcRouteInfo *self)
{
	ArcRouteInfo *copy = g_new0(ArcRouteInfo, 1);
	*copy = *self;
	copy->service_id = g_strdup(self->service_id);
	copy->source_cidr = g_strdup(self->source_cidr);
	copy->dest_cidr = g_strdup(self->dest_cidr);
	copy->created_by = g_strdup(self->created_by);
	copy->uid = g_strdup(self->uid);
	return copy;
}

void
arc_service_info_free(ArcServiceInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self->name);
	g_free(self->source_peer_id);
	g_free(self->source_peer_name);
	g_free(self->target_peer_id);
	g_free(self->target_peer_name);
	g_free(self->transport_type);
	g_free(self->desired_ipv4_cidr);
	g_free(self->desired_ipv6_cidr);
	g_free(self->interface_name);
	g_clear_pointer(&self->routes, g_ptr_array_unref);
	g_free(self);
}

/* a copy without routes */
ArcServiceInfo *
arc_service_info_copy(const ArcServiceInfo *self)
{
	ArcServiceInfo *copy = g_new0(ArcServiceInfo, 1);
	*copy = *self;
	copy->id = g_strdup(self->id);
	copy->name = g_strdup(self->name);
	copy->source_peer_id = g_strdup(self->source_peer_id);
	copy->source_peer_name = g_strdup(self->source_peer_name);
	copy->target_peer_id = g_strdup(self->target_peer_id);
	copy->target_peer_name = g_strdup(self->target_peer_name);
	copy->transport_type = g_strdup(self->transport_type);
	copy->desired_ipv4_cidr = g_strdup(self->desired_ipv4_cidr);
	copy->desired_ipv6_cidr = g_strdup(self->desired_ipv6_cidr);
	copy->interface_name = g_strdup(self->interface_name);
	copy->routes = NULL;
	return copy;
}

void
arc_route_candidate_free(ArcRouteCandidate *self)
{
	arc_route_info_free(self->route);
	g_free(self->reason);
	g_free(self);
}

void
arc_route_lookup_free(ArcRouteLookup *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->reason);
	arc_service_info_free(self->service);
	arc_route_info_free(self->route);
	g_clear_pointer(&self->candidates, g_ptr_array_unref);
	g_free(self);
}

/**
 * arc_service_from_record:
 * @record: a live `service` record
 *
 * Returns: (transfer full) (nullable): what its body states, without routes, names or
 *   state; %NULL when the body is unreadable
 */
ArcServiceInfo *
arc_service_from_record(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_autoptr(ArcServiceInfo) info = NULL;
	gchar interface[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
	JsonObject *obj;

	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	info = g_new0(ArcServiceInfo, 1);
	info->id = g_strdup(record->id);
	info->name = g_strdup(arc_json_object_get_string(obj, "name"));
	info->source_peer_id = g_strdup(arc_json_object_get_string(obj, "source_peer_id"));
	info->target_peer_id = g_strdup(arc_json_object_get_string(obj, "target_peer_id"));
	info->transport_type = g_strdup(arc_json_object_get_string(obj, "transport_type"));
	info->requires_interface =
		json_object_get_boolean_member_with_default(obj, "requires_interface", FALSE);
	info->desired_ipv4_cidr = g_strdup(arc_json_object_get_string(obj, "desired_ipv4_cidr"));
	info->desired_ipv6_cidr = g_strdup(arc_json_object_get_string(obj, "desired_ipv6_cidr"));
	info->fully_transparent =
		json_object_get_boolean_member_with_default(obj, "fully_transparent", FALSE);
	info->bandwidth_limit_mbps =
		json_object_get_int_member_with_default(obj, "bandwidth_limit_mbps", 0);
	info->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	info->updated_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "updated_at"));
	if (info->source_peer_id == NULL || info->target_peer_id == NULL ||
	    info->transport_type == NULL)
		return NULL;
	arc_cluster_service_interface_name(record->id, interface);
	info->interface_name = g_strdup(interface);
	return g_steal_pointer(&info);
}

/**
 * arc_route_from_record:
 * @record: a `route` record, live or not
 *
 * Returns: (transfer full) (nullable): what its id and body state; %NULL when unreadable
 */
ArcRouteInfo *
arc_route_from_record(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_autoptr(ArcRouteInfo) info = g_new0(ArcRouteInfo, 1);
	JsonObject *obj;

	if (root == NULL ||
	    !g_ascii_string_to_signed(record->id, 10, 1, G_MAXINT64, &info->id, NULL))
		return NULL;
	obj = json_node_get_object(root);
	info->service_id = g_strdup(arc_json_object_get_string(obj, "service_id"));
	info->priority = json_object_get_int_member_with_default(obj, "priority", 0);
	info->source_cidr = g_strdup(arc_json_object_get_string(obj, "source_cidr"));
	info->dest_cidr = g_strdup(arc_json_object_get_string(obj, "dest_cidr"));
	info->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	info->created_by = g_strdup(arc_json_object_get_string(obj, "created_by"));
	info->uid = g_strdup(arc_json_object_get_string(obj, "uid"));
	if (info->service_id == NULL)
		return NULL;
	return g_steal_pointer(&info);
}

static void
arc_builder_add_nullable(JsonBuilder *b, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(b, member);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void
arc_builder_add_time(JsonBuilder *b, const gchar *member, gint64 secs)
{
	g_autofree gchar *text = arc_time_format_rfc3339(secs);
	arc_builder_add_nullable(b, member, text);
}

static gchar *
arc_builder_finish(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/* the body of a `service` record, members in a fixed order */
gchar *
arc_service_body(const ArcServiceInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	arc_builder_add_nullable(b, "name", info->name);
	arc_builder_add_nullable(b, "source_peer_id", info->source_peer_id);
	arc_builder_add_nullable(b, "target_peer_id", info->target_peer_id);
	arc_builder_add_nullable(b, "transport_type", info->transport_type);
	json_builder_set_member_name(b, "requires_interface");
	json_builder_add_boolean_value(b, info->requires_interface);
	arc_builder_add_nullable(b, "desired_ipv4_cidr", info->desired_ipv4_cidr);
	arc_builder_add_nullable(b, "desired_ipv6_cidr", info->desired_ipv6_cidr);
	json_builder_set_member_name(b, "fully_transparent");
	json_builder_add_boolean_value(b, info->fully_transparent);
	json_builder_set_member_name(b, "bandwidth_limit_mbps");
	json_builder_add_int_value(b, info->bandwidth_limit_mbps);
	arc_builder_add_time(b, "created_at", info->created_at);
	arc_builder_add_time(b, "updated_at", info->updated_at);
	json_builder_end_object(b);
	return arc_builder_finish(b);
}

/* the body of a `route` record, members in a fixed order */
gchar *
arc_route_body(const ArcRouteInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	arc_builder_add_nullable(b, "service_id", info->service_id);
	json_builder_set_member_name(b, "priority");
	json_builder_add_int_value(b, info->priority);
	arc_builder_add_nullable(b, "source_cidr", info->source_cidr);
	arc_builder_add_nullable(b, "dest_cidr", info->dest_cidr);
	arc_builder_add_time(b, "created_at", info->created_at);
	arc_builder_add_nullable(b, "created_by", info->created_by);
	arc_builder_add_nullable(b, "uid", info->uid);
	json_builder_end_object(b);
	return arc_builder_finish(b);
}
