/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

#include <string.h>

/* The Service objects of the built arctic-agent on a private bus, their methods (Update,
 * routes, Delete), CreateService and LookupRoute; each checked against REST. */

static ArcDbusClusterService *
arc_dbus_test_service_proxy(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GError) error = NULL;
	ArcDbusClusterService *proxy = arc_dbus_cluster_service_proxy_new_sync(
		fx->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ARC_DBUS_TEST_BUS_NAME, path,
		NULL, &error);

	g_assert_no_error(error);
	return proxy;
}

/* the routes of a Routes property, as "id priority source dest" lines, in order */
static gchar *
arc_dbus_test_routes_text(GVariant *props)
{
	g_autoptr(GVariant) routes =
		g_variant_lookup_value(props, "Routes", G_VARIANT_TYPE("a(xxss)"));
	g_autoptr(GString) text = g_string_new(NULL);
	GVariantIter iter;
	const gchar *source = NULL;
	const gchar *dest = NULL;
	gint64 id = 0;
	gint64 priority = 0;

	g_assert_nonnull(routes);
	g_variant_iter_init(&iter, routes);
	while (g_variant_iter_next(&iter, "(xx&s&s)", &id, &priority, &source, &dest))
		g_string_append_printf(text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %s\n",
				       id, priority, source, dest);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* the same routes as GET /v1/services/{id} shows them */
static gchar *
arc_dbus_test_rest_routes_text(JsonObject *service)
{
	JsonArray *routes = json_object_get_array_member(service, "routes");
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < json_array_get_length(routes); i++) {
		JsonObject *route = json_array_get_object_element(routes, i);
		const gchar *source = json_object_get_null_member(route, "source_cidr")
					      ? ""
					      : json_object_get_string_member(route, "source_cidr");
		const gchar *dest = json_object_get_null_member(route, "dest_cidr")
					    ? ""
					    : json_object_get_string_member(route, "dest_cidr");
		g_string_append_printf(text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %s\n",
				       json_object_get_int_member(route, "id"),
				       json_object_get_int_member(route, "priority"), source, dest);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* The Service object at @path shows what GET /v1/services/{id} shows. */
static void
arc_dbus_test_assert_service_as_rest(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GVariant) props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_autoptr(JsonNode) node = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *rest_routes = NULL;
	JsonObject *rest;
	guint status = 0;
	const gchar *strings[][2] = {
		{"Name", "name"},
		{"SourcePeerId", "source_peer_id"},
		{"SourcePeerName", "source_peer_name"},
		{"TargetPeerId", "target_peer_id"},
		{"TargetPeerName", "target_peer_name"},
		{"TransportType", "transport_type"},
		{"DesiredIpv4Cidr", "desired_ipv4_cidr"},
		{"DesiredIpv6Cidr", "desired_ipv6_cidr"},
		{"InterfaceName", "interface_name"},
		{"State", "state"},
	};

	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	rest_path = g_strconcat("/v1/services/", id, NULL);
	node = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	rest = json_node_get_object(node);
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(props, strings[i][0]);
		const gchar *expected =
			json_object_get_null_member(rest, strings[i][1])
				? ""
				: json_object_get_string_member(rest, strings[i][1]);
		g_assert_cmpstr(value, ==, expected);
	}
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "RequiresInterface"), ==,
			json_object_get_boolean_member(rest, "requires_interface"));
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "FullyTransparent"), ==,
			json_object_get_boolean_member(rest, "fully_transparent"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "BandwidthLimitMbps"), ==,
			json_object_get_int_member(rest, "bandwidth_limit_mbps"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), ==,
			arc_dbus_test_rest_time(rest, "created_at"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "UpdatedAt"), ==,
			arc_dbus_test_rest_time(rest, "updated_at"));
	routes = arc_dbus_test_routes_text(props);
	rest_routes = arc_dbus_test_rest_routes_text(rest);
	g_assert_cmpstr(routes, ==, rest_routes);
}

/* A service the other agent creates, then deletes, through its REST API. */
static void
arc_dbus_test_gossiped_service(ArcDbusTestFixture *fx, const gchar *local_id)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = arc_test_agent_token(fx->other, NULL, NULL, &error);
	g_autofree gchar *body = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *added = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *source = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) created = NULL;
	g_autoptr(JsonNode) deleted = NULL;
	const gchar *id;
	guint status = 0;

	g_assert_no_error(error);
	body = g_strdup_printf("{\"target_peer_id\": \"%s\", \"name\": \"from-other\"}", local_id);
	created = arc_test_agent_call(fx->other, "POST", "/v1/services", token, body, &status);
	g_assert_cmpuint(status, ==, 201);
	id = json_object_get_string_member(json_node_get_object(created), "id");
	path = g_strconcat(ARC_DBUS_TEST_SERVICES_PATH "/", id, NULL);
	added = g_strconcat("added ", path, NULL);
	arc_dbus_test_wait_event(fx, added);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_nonnull(props);
	source = arc_dbus_test_vardict_string(props, "SourcePeerId");
	g_assert_cmpstr(source, ==, arc_test_agent_get_peer_id(fx->other));
	arc_dbus_test_assert_service_as_rest(fx, path);

	rest_path = g_strconcat("/v1/services/", id, NULL);
	deleted = arc_test_agent_call(fx->other, "DELETE", rest_path, token, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);
}

static void
arc_dbus_test_services_objects_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *other_id = NULL;
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *value = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *removed = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) after = NULL;
	g_autoptr(JsonNode) rest = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_two_peers(fx);
	other_id = arc_test_agent_get_peer_id(fx->other);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);

	/* created over D-Bus, with a route: an object with every property set */
	path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'name': <'web'>, "
					 "'requires_interface': <true>, "
					 "'desired_ipv4_cidr': <'10.0.0.1/24'>, "
					 "'bandwidth_limit_mbps': <int32 100>, "
					 "'routes': <[{'priority': <100>, "
					 "'dest_cidr': <'192.168.0.0/16'>}]>}",
					 other_id));
	g_assert_true(g_str_has_prefix(path, ARC_DBUS_TEST_SERVICES_PATH "/svc_"));
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	g_assert_cmpstr(path + strlen(ARC_DBUS_TEST_SERVICES_PATH "/"), ==, id);
	value = arc_dbus_test_vardict_string(props, "TargetPeerId");
	g_assert_cmpstr(value, ==, other_id);
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "SourcePeerId");
	g_assert_cmpstr(value, ==, local_id);
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "TargetPeerName");
	g_assert_cmpstr(value, ==, "target-node");
	g_clear_pointer(&value, g_free);
	value = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(value, ==, "active");
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "BandwidthLimitMbps"), ==, 100);
	g_assert_true(arc_dbus_test_vardict_bool(props, "RequiresInterface"));
	routes = arc_dbus_test_routes_text(props);
	g_assert_true(g_str_has_suffix(routes, " 100  192.168.0.0/16\n"));
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* changed through REST: PropertiesChanged carries the new value */
	rest_path = g_strconcat("/v1/services/", id, NULL);
	rest = arc_dbus_test_api(fx, "PUT", rest_path, "{\"bandwidth_limit_mbps\": 500}", &status);
	g_assert_cmpuint(status, ==, 200);
	changed = g_strdup_printf("changed %s BandwidthLimitMbps", path);
	arc_dbus_test_wait_event(fx, changed);
	after = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	g_assert_cmpint(arc_dbus_test_vardict_int64(after, "BandwidthLimitMbps"), ==, 500);
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* deleted through REST: InterfacesRemoved */
	g_clear_pointer(&rest, json_node_unref);
	rest = arc_dbus_test_api(fx, "DELETE", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);

	/* created and deleted on the other agent: gossip brings both here */
	arc_dbus_test_gossiped_service(fx, local_id);
}

/* Update, routes and Delete on the service object, each seen by REST as well */
static void
arc_dbus_test_services_methods_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *cidr = NULL;
	g_autofree gchar *routes = NULL;
	g_autofree gchar *expected = NULL;
	g_autofree gchar *routes_path = NULL;
	g_autofree gchar *message = NULL;
	g_autofree gchar *state_changed = NULL;
	g_autofree gchar *state = NULL;
	g_autoptr(ArcDbusClusterService) service = NULL;
	g_autoptr(GVariant) ids = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) lookup = NULL;
	g_autoptr(GVariant) route = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	const gint64 *route_ids;
	gsize n_ids = 0;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_two_peers(fx);
	path = arc_dbus_test_create_service(
		fx, g_variant_new_parsed("{'target_peer_id': <%s>, 'requires_interface': <true>, "
					 "'desired_ipv4_cidr': <'10.0.0.1/24'>}",
					 arc_test_agent_get_peer_id(fx->other)));
	service = arc_dbus_test_service_proxy(fx, path);
	id = g_strdup(arc_dbus_cluster_service_get_id(service));
	rest_path = g_strconcat("/v1/services/", id, NULL);

	/* Update: a name, and "" clears the desired address as null does in REST */
	arc_dbus_cluster_service_call_update_sync(
		service, g_variant_new_parsed("{'name': <'db'>, 'desired_ipv4_cidr': <''>}"), NULL,
		&error);
	g_assert_no_error(error);
	changed = g_strdup_printf("changed %s Name", path);
	arc_dbus_test_wait_event(fx, changed);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	name = arc_dbus_test_vardict_string(props, "Name");
	cidr = arc_dbus_test_vardict_string(props, "DesiredIpv4Cidr");
	g_assert_cmpstr(name, ==, "db");
	g_assert_cmpstr(cidr, ==, "");
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* AddRoutes answers with the new ids; a bad one in the batch stores none */
	arc_dbus_cluster_service_call_add_routes_sync(
		service,
		g_variant_new_parsed("[{'priority': <100>, 'dest_cidr': <'192.168.0.0/16'>}, "
				     "{'priority': <200>, 'source_cidr': <'10.0.0.0/8'>, "
				     "'dest_cidr': <'192.168.100.0/24'>}]"),
		&ids, NULL, &error);
	g_assert_no_error(error);
	route_ids = g_variant_get_fixed_array(ids, &n_ids, sizeof(gint64));
	g_assert_cmpuint(n_ids, ==, 2);
	g_assert_cmpint(route_ids[1], >, route_ids[0]);
	g_clear_pointer(&props, g_variant_unref);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	routes = arc_dbus_test_routes_text(props);
	expected = g_strdup_printf("%" G_GINT64_FORMAT " 100  192.168.0.0/16\n"
				   "%" G_GINT64_FORMAT " 200 10.0.0.0/8 192.168.100.0/24\n",
				   route_ids[0], route_ids[1]);
	g_assert_cmpstr(routes, ==, expected);
	arc_dbus_test_assert_service_as_rest(fx, path);
	arc_dbus_cluster_service_call_add_routes_sync(
		service,
		g_variant_new_parsed("[{'priority': <1>, 'dest_cidr': <'172.16.0.0/12'>}, "
				     "{'priority': <2>, 'dest_cidr': <'192.168.1.1/24'>}]"),
		NULL, NULL, &error);
	routes_path = g_strconcat(rest_path, "/routes", NULL);
	rest = arc_dbus_test_api(
		fx, "POST", routes_path,
		"{\"routes\": [{\"priority\": 1, \"dest_cidr\": \"172.16.0.0/12\"}, "
		"{\"priority\": 2, \"dest_cidr\": \"192.168.1.1/24\"}]}",
		&status);
	g_assert_cmpuint(status, ==, 400);
	arc_dbus_test_assert_error_message(
		error, "com.tillered.Arctic1.Error.InvalidCidr",
		json_object_get_string_member(json_node_get_object(rest), "error"));
	g_assert_true(g_str_has_prefix(error->message, "routes[1].dest_cidr: "));
	g_clear_error(&error);
	g_clear_pointer(&rest, json_node_unref);
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* LookupRoute: the evaluation of GET /v1/routes/lookup */
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "10.1.2.3", "192.168.100.7",
					      g_variant_new_parsed("@a{sv} {}"), &lookup, NULL,
					      &error);
	g_assert_no_error(error);
	{
		g_autofree gchar *category = arc_dbus_test_vardict_string(lookup, "category");
		g_autofree gchar *service_id = arc_dbus_test_vardict_string(lookup, "service_id");
		g_autoptr(GVariant) object =
			g_variant_lookup_value(lookup, "service", G_VARIANT_TYPE_OBJECT_PATH);
		g_autoptr(GVariant) candidates =
			g_variant_lookup_value(lookup, "candidates", G_VARIANT_TYPE("aa{sv}"));
		g_autoptr(JsonNode) rest_lookup = NULL;
		g_autofree gchar *query = g_strdup_printf(
			"/v1/routes/lookup?src=10.1.2.3&dst=192.168.100.7&peer=%s", local_id);

		route = g_variant_lookup_value(lookup, "route", G_VARIANT_TYPE_VARDICT);
		g_assert_cmpstr(category, ==, "source_destination");
		g_assert_cmpstr(service_id, ==, id);
		g_assert_cmpstr(g_variant_get_string(object, NULL), ==, path);
		g_assert_cmpint(arc_dbus_test_vardict_int64(route, "id"), ==, route_ids[1]);
		g_assert_cmpuint(g_variant_n_children(candidates), ==, 1);
		rest_lookup = arc_dbus_test_api(fx, "GET", query, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
		g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest_lookup),
							      "category"),
				==, category);
	}
	g_clear_pointer(&lookup, g_variant_unref);
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "10.1.2.3", "192.168.100.7",
					      g_variant_new_parsed("{'color': <'red'>}"), &lookup,
					      NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'color' is not an option: interface or peer");
	g_clear_error(&error);
	arc_dbus_agent_call_lookup_route_sync(fx->proxy, "", "192.168.100.7",
					      g_variant_new_parsed("@a{sv} {}"), &lookup, NULL,
					      &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.MissingField");
	g_clear_error(&error);

	/* UpdateRoute and DeleteRoute change Routes */
	arc_dbus_cluster_service_call_update_route_sync(
		service, route_ids[0], g_variant_new_parsed("{'priority': <int64 150>}"), NULL,
		&error);
	g_assert_no_error(error);
	arc_dbus_cluster_service_call_delete_route_sync(service, route_ids[1], NULL, &error);
	g_assert_no_error(error);
	g_clear_pointer(&props, g_variant_unref);
	g_clear_pointer(&routes, g_free);
	g_clear_pointer(&expected, g_free);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	routes = arc_dbus_test_routes_text(props);
	expected = g_strdup_printf("%" G_GINT64_FORMAT " 150  192.168.0.0/16\n", route_ids[0]);
	g_assert_cmpstr(routes, ==, expected);
	arc_dbus_test_assert_service_as_rest(fx, path);
	arc_dbus_cluster_service_call_delete_route_sync(service, route_ids[1], NULL, &error);
	message = g_strdup_printf("route %" G_GINT64_FORMAT " not found in service %s",
				  route_ids[1], id);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotFound", message);
	g_clear_error(&error);

	/* the target leaves the cluster: the service stays, inactive */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	g_assert_no_error(error);
	state_changed = g_strdup_printf("changed %s State", path);
	arc_dbus_test_wait_event(fx, state_changed);
	g_clear_pointer(&props, g_variant_unref);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE);
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(state, ==, "inactive");
	arc_dbus_test_assert_service_as_rest(fx, path);

	/* Delete: the object goes before the reply, and REST no longer knows it */
	arc_dbus_cluster_service_call_delete_sync(service, NULL, &error);
	g_assert_no_error(error);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_SERVICE_IFACE));
	rest = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 404);
}

static gchar *
arc_dbus_test_replace(const gchar *text, const gchar *find, const gchar *replacement)
{
	GString *str = g_string_new(text);

	g_string_replace(str, find, replacement, 0);
	return g_string_free(str, FALSE);
}

/* The errors of CreateService are those of POST /v1/services, message for message. */
static void
arc_dbus_test_services_errors_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *unknown = "peer_01J00000000000000000000000";
	struct {
		const gchar *spec;
		const gchar *body;
		const gchar *error;
		guint status;
	} cases[] = {
		{"{'target_peer_id': <'PEER'>, 'requires_interface': <true>, "
		 "'desired_ipv4_cidr': <'10.0.0.300/24'>}",
		 "{\"target_peer_id\": \"PEER\", \"requires_interface\": true, "
		 "\"desired_ipv4_cidr\": \"10.0.0.300/24\"}",
		 "com.tillered.Arctic1.Error.InvalidCidr", 400},
		{"{'target_peer_id': <'PEER'>}", "{\"target_peer_id\": \"PEER\"}",
		 "com.tillered.Arctic1.Error.NotFound", 404},
		{"{'name': <'x'>}", "{\"name\": \"x\"}", "com.tillered.Arctic1.Error.MissingField",
		 400},
		{"{'target_peer_id': <'PEER'>, 'transport_type': <'udp'>}",
		 "{\"target_peer_id\": \"PEER\", \"transport_type\": \"udp\"}",
		 "com.tillered.Arctic1.Error.InvalidTransport", 400},
		{"{'target_peer_id': <'PEER'>, 'colour': <'red'>}",
		 "{\"target_peer_id\": \"PEER\", \"colour\": \"red\"}",
		 "com.tillered.Arctic1.Error.InvalidRequest", 400},
		{"{'target_peer_id': <'PEER'>, 'bandwidth_limit_mbps': <'fast'>}",
		 "{\"target_peer_id\": \"PEER\", \"bandwidth_limit_mbps\": \"fast\"}",
		 "com.tillered.Arctic1.Error.InvalidRequest", 400},
	};
	g_autofree gchar *local_id = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "");
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = arc_dbus_test_replace(cases[i].spec, "PEER", unknown);
		g_autofree gchar *body = arc_dbus_test_replace(cases[i].body, "PEER", unknown);
		g_autoptr(GVariant) spec = g_variant_ref_sink(g_variant_new_parsed(text));
		g_autoptr(JsonNode) rest = NULL;
		g_autoptr(GError) error = NULL;
		gchar *path = NULL;
		guint status = 0;

		arc_dbus_agent_call_create_service_sync(fx->proxy, spec, &path, NULL, &error);
		rest = arc_dbus_test_api(fx, "POST", "/v1/services", body, &status);
		g_assert_cmpuint(status, ==, cases[i].status);
		arc_dbus_test_assert_error_message(
			error, cases[i].error,
			json_object_get_string_member(json_node_get_object(rest), "error"));
		g_assert_null(path);
	}
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_SERVICES_PATH "/"), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/dbus/services/objects", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_objects_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/services/methods", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_methods_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/services/errors", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_services_errors_func, arc_dbus_test_fixture_teardown);
	return g_test_run();
}
