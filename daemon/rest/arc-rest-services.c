/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "arc-rest-services.h"

#include "arc-engine-services.h"

/* Handlers of /v1/services and /v1/routes (docs/services.md). */

static void
arc_rest_add_bool(JsonBuilder *b, const gchar *name, gboolean value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_boolean_value(b, value);
}

static void
arc_rest_add_route_members(JsonBuilder *b, const ArcRouteInfo *route, gboolean with_service)
{
	arc_rest_builder_add_int(b, "id", route->id);
	if (with_service)
		arc_rest_builder_add_string(b, "service_id", route->service_id);
	arc_rest_builder_add_int(b, "priority", route->priority);
	arc_rest_builder_add_string(b, "source_cidr", route->source_cidr);
	arc_rest_builder_add_string(b, "dest_cidr", route->dest_cidr);
	arc_rest_builder_add_time(b, "created_at", route->created_at);
}

static void
arc_rest_add_route(JsonBuilder *b, const ArcRouteInfo *route, gboolean with_service)
{
	json_builder_begin_object(b);
	arc_rest_add_route_members(b, route, with_service);
	json_builder_end_object(b);
}

static void
arc_rest_add_service(JsonBuilder *b, const ArcServiceInfo *info, GPtrArray *interfaces)
{
	const ArcServiceInterfaceStatus *realised =
		arc_service_interface_status_find(interfaces, info->id);

	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "id", info->id);
	arc_rest_builder_add_string(b, "name", info->name);
	arc_rest_builder_add_string(b, "source_peer_id", info->source_peer_id);
	arc_rest_builder_add_string(b, "source_peer_name", info->source_peer_name);
	arc_rest_builder_add_string(b, "target_peer_id", info->target_peer_id);
	arc_rest_builder_add_string(b, "target_peer_name", info->target_peer_name);
	arc_rest_builder_add_string(b, "transport_type", info->transport_type);
	arc_rest_add_bool(b, "requires_interface", info->requires_interface);
	arc_rest_builder_add_string(b, "desired_ipv4_cidr", info->desired_ipv4_cidr);
	arc_rest_builder_add_string(b, "desired_ipv6_cidr", info->desired_ipv6_cidr);
	arc_rest_builder_add_string(b, "interface_ipv4_cidr", info->desired_ipv4_cidr);
	arc_rest_builder_add_string(b, "interface_ipv6_cidr", info->desired_ipv6_cidr);
	arc_rest_builder_add_string(b, "interface_name",
				    info->requires_interface ? info->interface_name : NULL);
	/* what the data plane of the service's source realised; null on other nodes */
	arc_rest_builder_add_string(b, "interface_mac", realised != NULL ? realised->mac : NULL);
	arc_rest_builder_add_string(b, "actual_interface_ipv4",
				    realised != NULL ? realised->ipv4 : NULL);
	arc_rest_builder_add_string(b, "actual_interface_ipv6",
				    realised != NULL ? realised->ipv6 : NULL);
	arc_rest_add_bool(b, "fully_transparent", info->fully_transparent);
	arc_rest_builder_add_int(b, "bandwidth_limit_mbps", info->bandwidth_limit_mbps);
	arc_rest_builder_add_string(b, "state", arc_service_state_to_string(info->state));
	if (info->routes != NULL) {
		json_builder_set_member_name(b, "routes");
		json_builder_begin_array(b);
		for (guint i = 0; i < info->routes->len; i++)
			arc_rest_add_route(b, g_ptr_array_index(info->routes, i), FALSE);
		json_builder_end_array(b);
	} else {
		arc_rest_builder_add_int(b, "route_count", info->route_count);
	}
	arc_rest_builder_add_time(b, "created_at", info->created_at);
	arc_rest_builder_add_time(b, "updated_at", info->updated_at);
	json_builder_end_object(b);
}

static void
arc_rest_reply_service(ArcRestRequest *req, guint status, ArcServiceInfo *info, const GError *error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) interfaces = NULL;

	if (info == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	interfaces = arc_engine_get_service_interfaces(req->engine);
	arc_rest_add_service(b, info, interfaces);
	arc_rest_reply_json(req, status, b);
}

static GHashTable *
arc_rest_query(ArcRestRequest *req)
{
	const gchar *query = g_uri_get_query(soup_server_message_get_uri(req->msg));
	GHashTable *params =
		query != NULL ? g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
	return params != NULL ? params : g_hash_table_new(g_str_hash, g_str_equal);
}

void
arc_rest_services_list(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) services = NULL;
	g_autoptr(GPtrArray) interfaces = NULL;
	g_autoptr(GHashTable) params = arc_rest_query(req);
	const gchar *requires = g_hash_table_lookup(params, "requires_interface");
	ArcServiceFilter filter = {
		.source_peer_id = g_hash_table_lookup(params, "source_peer_id"),
		.target_peer_id = g_hash_table_lookup(params, "target_peer_id"),
		.requires_interface = -1,
	};

	if (g_strcmp0(requires, "true") == 0) {
		filter.requires_interface = 1;
	} else if (g_strcmp0(requires, "false") == 0) {
		filter.requires_interface = 0;
	} else if (requires != NULL) {
		arc_rest_reply_error_literal(req->msg, ARC_ERROR_INVALID_REQUEST,
					     "requires_interface must be true or false");
		return;
	}
	services = arc_engine_list_services(req->engine, req->caller, &filter, &error);
	if (services == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	interfaces = arc_engine_get_service_interfaces(req->engine);
	json_builder_begin_array(b);
	for (guint i = 0; i < services->len; i++)
		arc_rest_add_service(b, g_ptr_array_index(services, i), interfaces);
	json_builder_end_array(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_services_get(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcServiceInfo) info =
		arc_engine_get_service(req->engine, req->caller, req->params[0], &error);
	arc_rest_reply_service(req, SOUP_STATUS_OK, info, error);
}

static ArcServiceSpec *
arc_rest_service_spec(ArcRestRequest *req, gboolean create, GError **error)
{
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, FALSE, error);
	if (root == NULL)
		return NULL;
	return arc_service_spec_from_json(json_node_get_object(root), create, error);
}

void
arc_rest_services_create(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcServiceSpec) spec = arc_rest_service_spec(req, TRUE, &error);
	g_autoptr(ArcServiceInfo) info = NULL;

	if (spec != NULL)
		info = arc_engine_create_service(req->engine, req->caller, spec, &error);
	arc_rest_reply_service(req, SOUP_STATUS_CREATED, info, error);
}

void
arc_rest_services_update(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcServiceSpec) spec = arc_rest_service_spec(req, FALSE, &error);
	g_autoptr(ArcServiceInfo) info = NULL;

	if (spec != NULL)
		info = arc_engine_update_service(req->engine, req->caller, req->params[0], spec,
						 &error);
	arc_rest_reply_service(req, SOUP_STATUS_OK, info, error);
}

static void
arc_rest_reply_deleted_id(ArcRestRequest *req, const gchar *id, gint64 number)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "deleted");
	json_builder_add_boolean_value(b, TRUE);
	if (id != NULL)
		arc_rest_builder_add_string(b, "id", id);
	else
		arc_rest_builder_add_int(b, "id", number);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_services_delete(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;

	if (!arc_engine_delete_service(req->engine, req->caller, req->params[0], &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_deleted_id(req, req->params[0], 0);
}

static void
arc_rest_reply_routes(ArcRestRequest *req, GPtrArray *routes, const GError *error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (routes == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_array(b);
	for (guint i = 0; i < routes->len; i++)
		arc_rest_add_route(b, g_ptr_array_index(routes, i), TRUE);
	json_builder_end_array(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_routes_list(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) routes =
		arc_engine_list_routes(req->engine, req->caller, req->params[0], &error);
	arc_rest_reply_routes(req, routes, error);
}

void
arc_rest_routes_list_all(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) routes =
		arc_engine_list_routes(req->engine, req->caller, NULL, &error);
	arc_rest_reply_routes(req, routes, error);
}

void
arc_rest_routes_add(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, FALSE, &error);
	g_autoptr(ArcRouteBatch) batch = NULL;
	g_autoptr(GArray) ids = NULL;

	if (root != NULL)
		batch = arc_route_batch_from_json(json_node_get_object(root), &error);
	if (batch != NULL)
		ids = arc_engine_add_routes(req->engine, req->caller, req->params[0], batch,
					    &error);
	if (ids == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "route_ids");
	json_builder_begin_array(b);
	for (guint i = 0; i < ids->len; i++)
		json_builder_add_int_value(b, g_array_index(ids, gint64, i));
	json_builder_end_array(b);
	arc_rest_builder_add_int(b, "count", ids->len);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_CREATED, b);
}

static gboolean
arc_rest_route_id(ArcRestRequest *req, gint64 *id, GError **error)
{
	if (!g_ascii_string_to_signed(req->params[1], 10, 1, G_MAXINT64, id, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND,
			    "route not found: '%s' is not a route id", req->params[1]);
		return FALSE;
	}
	return TRUE;
}

void
arc_rest_routes_update(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcRouteSpec) spec = NULL;
	g_autoptr(ArcRouteInfo) route = NULL;
	gint64 id = 0;

	if (arc_rest_route_id(req, &id, &error))
		root = arc_rest_parse_body(req, FALSE, &error);
	if (root != NULL)
		spec = arc_route_spec_from_json(json_node_get_object(root), FALSE, "route", &error);
	if (spec != NULL)
		route = arc_engine_update_route(req->engine, req->caller, req->params[0], id, spec,
						&error);
	if (route == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_add_route(b, route, TRUE);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_routes_delete(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	gint64 id = 0;

	if (!arc_rest_route_id(req, &id, &error) ||
	    !arc_engine_delete_route(req->engine, req->caller, req->params[0], id, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_deleted_id(req, NULL, id);
}

void
arc_rest_routes_lookup(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) params = arc_rest_query(req);
	const gchar *src = g_hash_table_lookup(params, "src");
	const gchar *dst = g_hash_table_lookup(params, "dst");
	const gchar *interface = g_hash_table_lookup(params, "interface");
	const gchar *all = g_hash_table_lookup(params, "all");
	g_autoptr(ArcRouteLookup) lookup = NULL;
	g_autoptr(GPtrArray) interfaces = arc_engine_get_service_interfaces(req->engine);

	if (all != NULL && g_strcmp0(all, "true") != 0 && g_strcmp0(all, "false") != 0) {
		arc_rest_reply_error_literal(req->msg, ARC_ERROR_INVALID_REQUEST,
					     "all must be true or false");
		return;
	}
	lookup = arc_engine_lookup_route(
		req->engine, req->caller, g_hash_table_lookup(params, "peer"), src, dst,
		interface != NULL && interface[0] != '\0' ? interface : NULL,
		g_strcmp0(all, "true") == 0, &error);

	if (lookup == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "peer_id", lookup->peer_id);
	arc_rest_builder_add_string(b, "src", src);
	arc_rest_builder_add_string(b, "dst", dst);
	arc_rest_builder_add_string(b, "interface", interface);
	arc_rest_builder_add_string(b, "category", arc_route_category_to_wire(lookup->category));
	arc_rest_builder_add_string(b, "service_id",
				    lookup->service != NULL ? lookup->service->id : NULL);
	json_builder_set_member_name(b, "route");
	if (lookup->route != NULL)
		arc_rest_add_route(b, lookup->route, TRUE);
	else
		json_builder_add_null_value(b);
	arc_rest_builder_add_string(b, "reason", lookup->reason);
	json_builder_set_member_name(b, "service");
	if (lookup->service != NULL)
		arc_rest_add_service(b, lookup->service, interfaces);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "candidates");
	json_builder_begin_array(b);
	for (guint i = 0; i < lookup->candidates->len; i++) {
		ArcRouteCandidate *candidate = g_ptr_array_index(lookup->candidates, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "route");
		arc_rest_add_route(b, candidate->route, TRUE);
		arc_rest_builder_add_string(b, "service_id", candidate->route->service_id);
		arc_rest_builder_add_string(
			b, "category",
			arc_route_category_to_wire(arc_route_info_get_category(candidate->route)));
		arc_rest_builder_add_string(b, "reason", candidate->reason);
		arc_rest_add_bool(b, "matches", candidate->matches);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "unmatched_count");
	json_builder_add_int_value(b, lookup->unmatched);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}
