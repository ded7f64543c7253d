/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-service-spec.h"
#include "arctic-plugin.h"

/* The bodies of the services and routes endpoints (docs/services.md) as the API reads them:
 * what each member becomes, and the code and message of every refusal. */

static JsonObject *
ss_object(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	JsonNode *node = arc_json_parse_object(text, -1, 16, &error);
	JsonObject *object;

	g_assert_no_error(error);
	object = json_object_ref(json_node_get_object(node));
	json_node_unref(node);
	return object;
}

/* a full body is read member by member */
static void
ss_service_create_func(void)
{
	g_autoptr(JsonObject) o = ss_object(
		"{\"name\":\"web-1.a_b\",\"target_peer_id\":\"peer_B\",\"source_peer_id\":\"peer_"
		"A\","
		"\"transport_type\":\"kcp\",\"requires_interface\":true,"
		"\"desired_ipv4_cidr\":\"10.0.0.1/24\",\"desired_ipv6_cidr\":\"FD00:0::1/64\","
		"\"bandwidth_limit_mbps\":1000,"
		"\"routes\":[{\"priority\":7,\"dest_cidr\":\"10.8.0.0/16\"}]}");
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcServiceSpec) spec = arc_service_spec_from_json(o, TRUE, &error);
	ArcRouteSpec *route;

	g_assert_no_error(error);
	g_assert_cmpstr(spec->name, ==, "web-1.a_b");
	g_assert_cmpstr(spec->target_peer_id, ==, "peer_B");
	g_assert_cmpstr(spec->source_peer_id, ==, "peer_A");
	g_assert_cmpstr(spec->transport_type, ==, "kcp");
	g_assert_true(spec->requires_interface);
	g_assert_false(spec->fully_transparent);
	/* interface addresses keep their host part, in canonical form */
	g_assert_cmpstr(spec->desired_ipv4_cidr, ==, "10.0.0.1/24");
	g_assert_cmpstr(spec->desired_ipv6_cidr, ==, "fd00::1/64");
	g_assert_cmpint(spec->bandwidth_limit_mbps, ==, 1000);
	g_assert_cmpuint(spec->routes->len, ==, 1);
	route = g_ptr_array_index(spec->routes, 0);
	g_assert_cmpint(route->priority, ==, 7);
	g_assert_null(route->source_cidr);
	g_assert_cmpstr(route->dest_cidr, ==, "10.8.0.0/16");
	g_assert_true((spec->set & ARC_SERVICE_FIELD_BANDWIDTH) != 0);
	g_assert_true((spec->set & ARC_SERVICE_FIELD_FULLY_TRANSPARENT) == 0);
}

/* an update sets only what it names; null clears a nullable member */
static void
ss_service_update_func(void)
{
	g_autoptr(JsonObject) o =
		ss_object("{\"name\":null,\"desired_ipv4_cidr\":null,\"fully_transparent\":true}");
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcServiceSpec) spec = arc_service_spec_from_json(o, FALSE, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(spec->set, ==,
			 ARC_SERVICE_FIELD_NAME | ARC_SERVICE_FIELD_DESIRED_IPV4 |
				 ARC_SERVICE_FIELD_FULLY_TRANSPARENT);
	g_assert_null(spec->name);
	g_assert_null(spec->desired_ipv4_cidr);
	g_assert_true(spec->fully_transparent);
	g_assert_null(spec->routes);
}

static void
ss_service_refusals_func(void)
{
	struct {
		gboolean create;
		const gchar *body;
		ArcError code;
		const gchar *message; /* a part of it */
	} cases[] = {
		{TRUE, "{}", ARC_ERROR_MISSING_FIELD, "target_peer_id"},
		{TRUE, "{\"target_peer_id\":7}", ARC_ERROR_INVALID_REQUEST, "target_peer_id"},
		{TRUE, "{\"target_peer_id\":null}", ARC_ERROR_INVALID_REQUEST, "target_peer_id"},
		{TRUE, "{\"target_peer_id\":\"p\",\"transport_type\":\"udp\"}",
		 ARC_ERROR_INVALID_TRANSPORT, "Transport must be tcp or kcp"},
		{FALSE, "{\"transport_type\":\"\"}", ARC_ERROR_INVALID_TRANSPORT, NULL},
		{TRUE, "{\"target_peer_id\":\"p\",\"requires_interface\":\"yes\"}",
		 ARC_ERROR_INVALID_REQUEST, "requires_interface"},
		{TRUE, "{\"target_peer_id\":\"p\",\"desired_ipv4_cidr\":\"10.0.0.1\"}",
		 ARC_ERROR_INVALID_CIDR, "desired_ipv4_cidr"},
		{TRUE, "{\"target_peer_id\":\"p\",\"desired_ipv4_cidr\":\"fd00::1/64\"}",
		 ARC_ERROR_INVALID_CIDR, "desired_ipv4_cidr"},
		{TRUE, "{\"target_peer_id\":\"p\",\"desired_ipv6_cidr\":\"10.0.0.1/8\"}",
		 ARC_ERROR_INVALID_CIDR, "desired_ipv6_cidr"},
		{TRUE, "{\"target_peer_id\":\"p\",\"bandwidth_limit_mbps\":-1}",
		 ARC_ERROR_INVALID_REQUEST, "bandwidth_limit_mbps"},
		{TRUE, "{\"target_peer_id\":\"p\",\"bandwidth_limit_mbps\":1000001}",
		 ARC_ERROR_INVALID_REQUEST, "bandwidth_limit_mbps"},
		{TRUE, "{\"target_peer_id\":\"p\",\"bandwidth_limit_mbps\":1.5}",
		 ARC_ERROR_INVALID_REQUEST, "bandwidth_limit_mbps"},
		{TRUE, "{\"target_peer_id\":\"p\",\"name\":\"has space\"}",
		 ARC_ERROR_INVALID_REQUEST, "name"},
		{TRUE,
		 "{\"target_peer_id\":\"p\",\"name\":"
		 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		 ARC_ERROR_INVALID_REQUEST, "name"},
		{TRUE, "{\"target_peer_id\":\"p\",\"colour\":\"blue\"}", ARC_ERROR_INVALID_REQUEST,
		 "colour"},
		{TRUE, "{\"target_peer_id\":\"p\",\"routes\":[]}", ARC_ERROR_INVALID_REQUEST,
		 "routes"},
		{TRUE, "{\"target_peer_id\":\"p\",\"routes\":[{\"priority\":1}]}",
		 ARC_ERROR_MISSING_FIELD, "routes[0]"},
		{FALSE, "{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"}]}",
		 ARC_ERROR_INVALID_REQUEST, "routes"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(JsonObject) o = ss_object(cases[i].body);
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcServiceSpec) spec =
			arc_service_spec_from_json(o, cases[i].create, &error);

		g_test_message("%s → %s", cases[i].body, error != NULL ? error->message : "(ok)");
		g_assert_null(spec);
		g_assert_error(error, ARC_ERROR, (gint)cases[i].code);
		if (cases[i].message != NULL)
			g_assert_nonnull(strstr(error->message, cases[i].message));
	}
}

/* routes: networks in canonical form; host bits refused with the network meant */
static void
ss_routes_func(void)
{
	struct {
		const gchar *body;
		ArcError code;       /* 0: accepted */
		const gchar *expect; /* accepted: "source|dest" of the last route; else a part */
	} cases[] = {
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"},"
		 "{\"priority\":-5,\"source_cidr\":\"FD00:0:0::/48\",\"dest_cidr\":\"::/0\"}]}",
		 0, "fd00::/48|::/0"},
		{"{\"routes\":[{\"priority\":1,\"source_cidr\":\"0.0.0.0/0\"}]}", 0, "0.0.0.0/0|"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/"
		 "8\",\"source_cidr\":null}]}",
		 0, "|10.0.0.0/8"},
		{"{}", ARC_ERROR_MISSING_FIELD, "routes"},
		{"{\"routes\":{}}", ARC_ERROR_INVALID_REQUEST, "routes"},
		{"{\"routes\":[1]}", ARC_ERROR_INVALID_REQUEST, "routes[0]"},
		{"{\"routes\":[{\"dest_cidr\":\"10.0.0.0/8\"}]}", ARC_ERROR_MISSING_FIELD,
		 "routes[0].priority"},
		{"{\"routes\":[{\"priority\":1}]}", ARC_ERROR_MISSING_FIELD, "routes[0]"},
		{"{\"routes\":[{\"priority\":1,\"source_cidr\":null,\"dest_cidr\":null}]}",
		 ARC_ERROR_MISSING_FIELD, "routes[0]"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"},"
		 "{\"priority\":1,\"dest_cidr\":\"10.1.2.3/16\"}]}",
		 ARC_ERROR_INVALID_CIDR,
		 "routes[1].dest_cidr: invalid CIDR notation '10.1.2.3/16': "
		 "host bits are set; the network is 10.1.0.0/16"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/33\"}]}",
		 ARC_ERROR_INVALID_CIDR, "routes[0].dest_cidr"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0\"}]}",
		 ARC_ERROR_INVALID_CIDR, "routes[0].dest_cidr"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\" 10.0.0.0/8\"}]}",
		 ARC_ERROR_INVALID_CIDR, "routes[0].dest_cidr"},
		{"{\"routes\":[{\"priority\":\"1\",\"dest_cidr\":\"10.0.0.0/8\"}]}",
		 ARC_ERROR_INVALID_REQUEST, "routes[0].priority"},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\",\"via\":\"x\"}]}",
		 ARC_ERROR_INVALID_REQUEST, "via"},
		{"{\"routes\":[],\"extra\":1}", ARC_ERROR_INVALID_REQUEST, "extra"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(JsonObject) o = ss_object(cases[i].body);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) routes = arc_route_specs_from_json(o, &error);

		g_test_message("%s → %s", cases[i].body, error != NULL ? error->message : "(ok)");
		if (cases[i].code == 0) {
			ArcRouteSpec *last;
			g_autofree gchar *got = NULL;

			g_assert_no_error(error);
			last = g_ptr_array_index(routes, routes->len - 1);
			got = g_strdup_printf("%s|%s", last->source_cidr ? last->source_cidr : "",
					      last->dest_cidr ? last->dest_cidr : "");
			g_assert_cmpstr(got, ==, cases[i].expect);
			continue;
		}
		g_assert_null(routes);
		g_assert_error(error, ARC_ERROR, (gint)cases[i].code);
		g_assert_nonnull(strstr(error->message, cases[i].expect));
	}
}

/* 10,000 routes in one call are taken, one more is refused */
static void
ss_routes_limit_func(void)
{
	for (guint n = ARC_SERVICE_MAX_ROUTES_PER_CALL; n <= ARC_SERVICE_MAX_ROUTES_PER_CALL + 1;
	     n++) {
		g_autoptr(GString) body = g_string_new("{\"routes\":[");
		g_autoptr(JsonObject) o = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) routes = NULL;

		for (guint i = 0; i < n; i++)
			g_string_append_printf(
				body, "%s{\"priority\":%u,\"dest_cidr\":\"10.%u.%u.0/24\"}",
				i > 0 ? "," : "", i, i / 256, i % 256);
		g_string_append(body, "]}");
		o = ss_object(body->str);
		routes = arc_route_specs_from_json(o, &error);
		if (n == ARC_SERVICE_MAX_ROUTES_PER_CALL) {
			g_assert_no_error(error);
			g_assert_cmpuint(routes->len, ==, n);
		} else {
			g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		}
	}
}

/* a route update: every member optional, but not empty-handed networks both cleared */
static void
ss_route_update_func(void)
{
	g_autoptr(JsonObject) o = ss_object("{\"priority\":300}");
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcRouteSpec) spec = arc_route_spec_from_json(o, FALSE, "route", &error);

	g_assert_no_error(error);
	g_assert_cmpuint(spec->set, ==, ARC_ROUTE_FIELD_PRIORITY);
	g_assert_cmpint(spec->priority, ==, 300);
}

static void
ss_names_func(void)
{
	g_assert_true(arc_service_name_is_valid("web"));
	g_assert_true(arc_service_name_is_valid("a.b-c_D9"));
	g_assert_false(arc_service_name_is_valid(""));
	g_assert_false(arc_service_name_is_valid("a b"));
	g_assert_false(arc_service_name_is_valid("é"));
	g_assert_false(arc_service_name_is_valid("a/b"));
}

/* both specs are the same, or both are NULL with the same error */
static void
ss_assert_same_route(const ArcRouteSpec *a, const ArcRouteSpec *b)
{
	g_assert_cmpuint(a->set, ==, b->set);
	g_assert_cmpint(a->priority, ==, b->priority);
	g_assert_cmpstr(a->source_cidr, ==, b->source_cidr);
	g_assert_cmpstr(a->dest_cidr, ==, b->dest_cidr);
}

static void
ss_assert_same_routes(GPtrArray *a, GPtrArray *b)
{
	g_assert_true((a == NULL) == (b == NULL));
	if (a == NULL)
		return;
	g_assert_cmpuint(a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++)
		ss_assert_same_route(g_ptr_array_index(a, i), g_ptr_array_index(b, i));
}

static void
ss_assert_same_service(const ArcServiceSpec *a, const ArcServiceSpec *b)
{
	g_assert_cmpuint(a->set, ==, b->set);
	g_assert_cmpstr(a->name, ==, b->name);
	g_assert_cmpstr(a->source_peer_id, ==, b->source_peer_id);
	g_assert_cmpstr(a->target_peer_id, ==, b->target_peer_id);
	g_assert_cmpstr(a->transport_type, ==, b->transport_type);
	g_assert_cmpint(a->requires_interface, ==, b->requires_interface);
	g_assert_cmpstr(a->desired_ipv4_cidr, ==, b->desired_ipv4_cidr);
	g_assert_cmpstr(a->desired_ipv6_cidr, ==, b->desired_ipv6_cidr);
	g_assert_cmpint(a->fully_transparent, ==, b->fully_transparent);
	g_assert_cmpint(a->bandwidth_limit_mbps, ==, b->bandwidth_limit_mbps);
	ss_assert_same_routes(a->routes, b->routes);
}

static void
ss_assert_same_error(const GError *a, const GError *b, const gchar *input)
{
	if (a == NULL && b == NULL)
		return;
	g_test_message("%s: %s / %s", input, a != NULL ? a->message : "(none)",
		       b != NULL ? b->message : "(none)");
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_true(a->domain == b->domain);
	g_assert_cmpint(a->code, ==, b->code);
	g_assert_cmpstr(a->message, ==, b->message);
}

/* A D-Bus a{sv} is read as its JSON rendering by json-glib would be (which is how the
 * D-Bus adapter read it before it had readers of its own): every type a client may put in a
 * variant gives the same spec or the same refusal. */
static void
ss_variant_agrees_func(void)
{
	static const gchar *const services[] = {
		"{'name': <'web'>, 'target_peer_id': <'peer_B'>, 'transport_type': <'kcp'>}",
		"{'name': <42>}",
		"{'name': <<'web'>>, 'target_peer_id': <<<'peer_B'>>>}",
		"{'name': <objectpath '/a'>}",
		"{'name': <signature 's'>, 'target_peer_id': <'p'>}",
		"{'name': <['a']>}",
		"{'name': <('a', 1)>}",
		"{'name': <@ms nothing>, 'target_peer_id': <'p'>}",
		"{'name': <@ms 'web'>, 'target_peer_id': <'p'>}",
		"{'target_peer_id': <@ms nothing>}",
		"{'name': <'a'>, 'name': <'b'>, 'target_peer_id': <'p'>}",
		"{'bogus': <1>, 'name': <'x'>}",
		"{'name': <'x'>, 'bogus': <1>, 'other': <2>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <byte 5>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <int16 -3>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <uint16 7>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <uint32 9>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <int64 1000000>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <uint64 18446744073709551615>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <handle 3>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <2.5>}",
		"{'target_peer_id': <'p'>, 'bandwidth_limit_mbps': <'10'>}",
		"{'target_peer_id': <'p'>, 'requires_interface': <true>}",
		"{'target_peer_id': <'p'>, 'requires_interface': <1>}",
		"{'target_peer_id': <'p'>, 'fully_transparent': <@mb true>}",
		"{'target_peer_id': <'p'>, 'desired_ipv4_cidr': <''>}",
		"{'target_peer_id': <'p'>, 'desired_ipv4_cidr': <'10.0.0.1/24'>}",
		"{'target_peer_id': <'p'>, 'desired_ipv6_cidr': <'10.0.0.1/24'>}",
		"{'target_peer_id': <'p'>, 'transport_type': <'udp'>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <1>, 'dest_cidr': "
		"<'10.0.0.0/8'>}]>}",
		"{'target_peer_id': <'p'>, 'routes': <[<{'priority': <int64 2>, 'source_cidr': "
		"<'10.1.0.0/16'>}>]>}",
		"{'target_peer_id': <'p'>, 'routes': <@a{ss} {'a': 'b'}>}",
		"{'target_peer_id': <'p'>, 'routes': <@aa{sv} []>}",
		"{'target_peer_id': <'p'>, 'routes': <[<1>]>}",
		"{'target_peer_id': <'p'>, 'routes': <@a(sv) [('priority', <1>)]>}",
		"{'target_peer_id': <'p'>, 'routes': <@ay [1, 2]>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <'x'>}]>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <1>}]>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <1>, 'bogus': <2>}]>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <1>, 'dest_cidr': <@a{sv} "
		"{}>}]>}",
		"{'target_peer_id': <'p'>, 'routes': <[{'priority': <1>, 'dest_cidr': "
		"<'10.0.0.1/8'>}]>}",
		"@a{sv} {}",
	};
	static const gchar *const routes[] = {
		"[{'priority': <1>, 'dest_cidr': <'10.1.0.0/16'>}]",
		"@aa{sv} []",
		"[{'priority': <1>}]",
		"[{'bogus': <1>}]",
		"[{'priority': <int64 3000000000>, 'dest_cidr': <'10.0.0.0/8'>}]",
		"[{'priority': <uint32 7>, 'source_cidr': <'fd00::/8'>}, {'priority': <2>}]",
	};

	for (guint i = 0; i < G_N_ELEMENTS(services); i++) {
		g_autoptr(GVariant) dict =
			g_variant_parse(G_VARIANT_TYPE_VARDICT, services[i], NULL, NULL, NULL);
		g_autoptr(JsonNode) node = NULL;

		g_assert_nonnull(dict);
		node = json_gvariant_serialize(dict);
		for (guint create = 0; create <= 1; create++) {
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

			ss_assert_same_error(error_v, error_j, services[i]);
			g_assert_true((v == NULL) == (j == NULL));
			if (v != NULL)
				ss_assert_same_service(v, j);
			ss_assert_same_error(route_error_v, route_error_j, services[i]);
			g_assert_true((rv == NULL) == (rj == NULL));
			if (rv != NULL)
				ss_assert_same_route(rv, rj);
		}
	}
	for (guint i = 0; i < G_N_ELEMENTS(routes); i++) {
		g_autoptr(GVariant) array =
			g_variant_parse(G_VARIANT_TYPE("aa{sv}"), routes[i], NULL, NULL, NULL);
		g_autoptr(JsonObject) body = json_object_new();
		g_autoptr(GError) error_v = NULL;
		g_autoptr(GError) error_j = NULL;
		g_autoptr(GPtrArray) v = NULL;
		g_autoptr(GPtrArray) j = NULL;

		g_assert_nonnull(array);
		json_object_set_member(body, "routes", json_gvariant_serialize(array));
		v = arc_route_specs_from_variant(array, &error_v);
		j = arc_route_specs_from_json(body, &error_j);
		ss_assert_same_error(error_v, error_j, routes[i]);
		ss_assert_same_routes(v, j);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/service-spec/service-create", ss_service_create_func);
	g_test_add_func("/service-spec/service-update", ss_service_update_func);
	g_test_add_func("/service-spec/service-refusals", ss_service_refusals_func);
	g_test_add_func("/service-spec/routes", ss_routes_func);
	g_test_add_func("/service-spec/routes-limit", ss_routes_limit_func);
	g_test_add_func("/service-spec/route-update", ss_route_update_func);
	g_test_add_func("/service-spec/names", ss_names_func);
	g_test_add_func("/service-spec/variant-agrees", ss_variant_agrees_func);
	return g_test_run();
}
