/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-route-table.h"
#include "arc-service-spec.h"
#include "arctic-plugin.h"

/* The bodies of POST/PUT /v1/services and of the routes endpoints (docs/services.md), read
 * as a service to create, a service update, a batch of routes and a route update. A refusal
 * must carry one of the documented codes; what is accepted holds only what the API stores:
 * canonical networks that parse back to themselves, a valid name, a known transport, at most
 * 10,000 routes, each with a priority and a network when new. An input in GVariant text is
 * the a{sv} of a D-Bus call instead, read both directly and as JSON: the two agree. */

static void G_GNUC_NORETURN
arc_fuzz_service_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-service-body: %s\n", what);
	abort();
}

static void
arc_fuzz_service_check_error(const GError *error)
{
	if (error == NULL || error->domain != ARC_ERROR)
		arc_fuzz_service_fail("a refusal without an ArcError");
	switch (error->code) {
	case ARC_ERROR_INVALID_REQUEST:
	case ARC_ERROR_MISSING_FIELD:
	case ARC_ERROR_INVALID_TRANSPORT:
	case ARC_ERROR_INVALID_CIDR:
		break;
	default:
		arc_fuzz_service_fail("a refusal with an undocumented code");
	}
	if (error->message == NULL || error->message[0] == '\0')
		arc_fuzz_service_fail("a refusal without a message");
}

/* a stored network must be canonical: it parses and prints back to itself */
static void
arc_fuzz_service_check_network(const gchar *text)
{
	ArcCidr cidr;
	g_autofree gchar *again = NULL;

	if (text == NULL)
		return;
	if (!arc_cidr_parse(text, &cidr, NULL))
		arc_fuzz_service_fail("an accepted network that does not parse");
	again = arc_cidr_to_string(&cidr);
	if (g_strcmp0(again, text) != 0)
		arc_fuzz_service_fail("an accepted network that is not canonical");
}

static void
arc_fuzz_service_check_route(const ArcRouteSpec *route, gboolean create)
{
	arc_fuzz_service_check_network(route->source_cidr);
	arc_fuzz_service_check_network(route->dest_cidr);
	if (create && (route->set & ARC_ROUTE_FIELD_PRIORITY) == 0)
		arc_fuzz_service_fail("a new route without a priority");
	if (create && route->source_cidr == NULL && route->dest_cidr == NULL)
		arc_fuzz_service_fail("a new route without a network");
}

static void
arc_fuzz_service_check_routes(const GPtrArray *routes)
{
	if (routes->len == 0 || routes->len > ARC_SERVICE_MAX_ROUTES_PER_CALL)
		arc_fuzz_service_fail("a batch of routes of a refused size");
	for (guint i = 0; i < routes->len; i++)
		arc_fuzz_service_check_route(g_ptr_array_index(routes, i), TRUE);
}

static void
arc_fuzz_service_check_spec(const ArcServiceSpec *spec, gboolean create)
{
	if (create && spec->target_peer_id == NULL)
		arc_fuzz_service_fail("a new service without a target");
	if (spec->name != NULL && !arc_service_name_is_valid(spec->name))
		arc_fuzz_service_fail("an accepted invalid name");
	if (spec->transport_type != NULL && g_strcmp0(spec->transport_type, "tcp") != 0 &&
	    g_strcmp0(spec->transport_type, "kcp") != 0)
		arc_fuzz_service_fail("an accepted unknown transport");
	if ((spec->set & ARC_SERVICE_FIELD_BANDWIDTH) != 0 &&
	    (spec->bandwidth_limit_mbps < 0 ||
	     spec->bandwidth_limit_mbps > ARC_SERVICE_MAX_BANDWIDTH))
		arc_fuzz_service_fail("an accepted bandwidth out of range");
	if (spec->routes != NULL)
		arc_fuzz_service_check_routes(spec->routes);
}

/* both refusals are one, word for word */
static void
arc_fuzz_service_same_error(const GError *a, const GError *b)
{
	if ((a == NULL) != (b == NULL))
		arc_fuzz_service_fail("a{sv} and its JSON: one refused, the other not");
	if (a != NULL && (a->code != b->code || g_strcmp0(a->message, b->message) != 0))
		arc_fuzz_service_fail("a{sv} and its JSON refused differently");
}

static void
arc_fuzz_service_same_route(const ArcRouteSpec *a, const ArcRouteSpec *b)
{
	if (a->set != b->set || a->priority != b->priority ||
	    g_strcmp0(a->source_cidr, b->source_cidr) != 0 ||
	    g_strcmp0(a->dest_cidr, b->dest_cidr) != 0)
		arc_fuzz_service_fail("a{sv} and its JSON read as different routes");
}

static void
arc_fuzz_service_same_routes(GPtrArray *a, GPtrArray *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && a->len != b->len))
		arc_fuzz_service_fail("a{sv} and its JSON read as different batches");
	for (guint i = 0; a != NULL && i < a->len; i++)
		arc_fuzz_service_same_route(g_ptr_array_index(a, i), g_ptr_array_index(b, i));
}

static void
arc_fuzz_service_same_spec(const ArcServiceSpec *a, const ArcServiceSpec *b)
{
	if (a->set != b->set || g_strcmp0(a->name, b->name) != 0 ||
	    g_strcmp0(a->source_peer_id, b->source_peer_id) != 0 ||
	    g_strcmp0(a->target_peer_id, b->target_peer_id) != 0 ||
	    g_strcmp0(a->transport_type, b->transport_type) != 0 ||
	    a->requires_interface != b->requires_interface ||
	    g_strcmp0(a->desired_ipv4_cidr, b->desired_ipv4_cidr) != 0 ||
	    g_strcmp0(a->desired_ipv6_cidr, b->desired_ipv6_cidr) != 0 ||
	    a->fully_transparent != b->fully_transparent ||
	    a->bandwidth_limit_mbps != b->bandwidth_limit_mbps)
		arc_fuzz_service_fail("a{sv} and its JSON read as different services");
	arc_fuzz_service_same_routes(a->routes, b->routes);
}

/* The D-Bus arguments: an input in GVariant text that is an a{sv} (CreateService, Update,
 * UpdateRoute) or an aa{sv} (AddRoutes) is read directly and as json-glib renders it; the
 * D-Bus adapter must answer as the REST API does to the same members. */
static void
arc_fuzz_service_variant(const gchar *text, const gchar *limit)
{
	g_autoptr(GVariant) dict = g_variant_parse(G_VARIANT_TYPE_VARDICT, text, limit, NULL, NULL);
	g_autoptr(GVariant) array = NULL;
	g_autoptr(JsonNode) node = NULL;

	if (dict != NULL) {
		node = json_gvariant_serialize(dict);
		for (guint create = 0; create < 2; create++) {
			g_autoptr(GError) error_v = NULL;
			g_autoptr(GError) error_j = NULL;
			g_autoptr(ArcServiceSpec) v =
				arc_service_spec_from_variant(dict, create, &error_v);
			g_autoptr(ArcServiceSpec) j = arc_service_spec_from_json(
				json_node_get_object(node), create, &error_j);
			g_autoptr(GError) route_error_v = NULL;
			g_autoptr(GError) route_error_j = NULL;
			g_autoptr(ArcRouteSpec) rv =
				arc_route_spec_from_variant(dict, create, "route", &route_error_v);
			g_autoptr(ArcRouteSpec) rj = arc_route_spec_from_json(
				json_node_get_object(node), create, "route", &route_error_j);

			arc_fuzz_service_same_error(error_v, error_j);
			if (v != NULL && j != NULL)
				arc_fuzz_service_same_spec(v, j);
			arc_fuzz_service_same_error(route_error_v, route_error_j);
			if (rv != NULL && rj != NULL)
				arc_fuzz_service_same_route(rv, rj);
		}
		return;
	}
	array = g_variant_parse(G_VARIANT_TYPE("aa{sv}"), text, limit, NULL, NULL);
	if (array != NULL) {
		g_autoptr(JsonObject) body = json_object_new();
		g_autoptr(GError) error_v = NULL;
		g_autoptr(GError) error_j = NULL;
		g_autoptr(GPtrArray) v = arc_route_specs_from_variant(array, &error_v);
		g_autoptr(GPtrArray) j = NULL;

		json_object_set_member(body, "routes", json_gvariant_serialize(array));
		j = arc_route_specs_from_json(body, &error_j);
		arc_fuzz_service_same_error(error_v, error_j);
		arc_fuzz_service_same_routes(v, j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root =
		arc_json_parse_object((const gchar *)data, (gssize)size, 16, &error);
	JsonObject *object;

	if (root == NULL) {
		arc_fuzz_service_variant((const gchar *)data, (const gchar *)data + size);
		return 0;
	}
	object = json_node_get_object(root);
	for (guint create = 0; create < 2; create++) {
		g_autoptr(GError) spec_error = NULL;
		g_autoptr(GError) route_error = NULL;
		g_autoptr(ArcServiceSpec) spec =
			arc_service_spec_from_json(object, create, &spec_error);
		g_autoptr(ArcRouteSpec) route =
			arc_route_spec_from_json(object, create, "route", &route_error);

		if (spec == NULL)
			arc_fuzz_service_check_error(spec_error);
		else
			arc_fuzz_service_check_spec(spec, create);
		if (route == NULL)
			arc_fuzz_service_check_error(route_error);
		else
			arc_fuzz_service_check_route(route, create);
	}
	{
		g_autoptr(GError) batch_error = NULL;
		g_autoptr(GPtrArray) routes = arc_route_specs_from_json(object, &batch_error);

		if (routes == NULL)
			arc_fuzz_service_check_error(batch_error);
		else
			arc_fuzz_service_check_routes(routes);
	}
	return 0;
}
