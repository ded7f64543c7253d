/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-gs-node.h"
#include "arc-test-agent.h"

/* Suite 'cluster': services and routes between real agents (docs/services.md): the API and
 * its validation, replication to every node, route ids that stay unique when two agents
 * write at once, and the route lookup. */

/* a call that must answer @expected; returns the body */
static JsonNode *
sv_call(GsNode *self, const gchar *method, const gchar *path, const gchar *body, guint expected)
{
	guint status = 0;
	JsonNode *res = gs_call(self, method, path, body, &status);

	if (status != expected) {
		g_autofree gchar *text = res != NULL ? json_to_string(res, FALSE) : g_strdup("");
		g_printerr("%s %s %s answered %u: %s\n", method, path, body != NULL ? body : "",
			   status, text);
	}
	g_assert_cmpuint(status, ==, expected);
	return res;
}

/* the error code of a refused call, which must answer @expected */
static void
sv_assert_refused(GsNode *self, const gchar *method, const gchar *path, const gchar *body,
		  guint expected, const gchar *code)
{
	g_autoptr(JsonNode) res = sv_call(self, method, path, body, expected);

	g_assert_cmpstr(json_object_get_string_member(gs_object(res), "code"), ==, code);
}

static gchar *
sv_create_service(GsNode *self, const gchar *body)
{
	g_autoptr(JsonNode) res = sv_call(self, "POST", "/v1/services", body, 201);
	return g_strdup(json_object_get_string_member(gs_object(res), "id"));
}

/* the length of the list at @path, -1 while it is not there (not replicated yet) */
static gint
sv_count(GsNode *self, const gchar *path)
{
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", path, NULL, &status);

	if (status == 404)
		return -1;
	g_assert_cmpuint(status, ==, 200);
	g_assert_true(JSON_NODE_HOLDS_ARRAY(res));
	return (gint)json_array_get_length(json_node_get_array(res));
}

/* the ids of the routes @self lists, in its order */
static GArray *
sv_route_ids(GsNode *self)
{
	g_autoptr(JsonNode) res = sv_call(self, "GET", "/v1/routes", NULL, 200);
	JsonArray *routes = json_node_get_array(res);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));

	for (guint i = 0; i < json_array_get_length(routes); i++) {
		gint64 id =
			json_object_get_int_member(json_array_get_object_element(routes, i), "id");
		g_array_append_val(ids, id);
	}
	return ids;
}

/* a service with routes made on A is on B and C with every field; an update and a delete on
 * B reach the others; deleting the service deletes its routes */
static void
sv_replication_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c};
	g_autofree gchar *body = NULL, *id = NULL, *path = NULL, *routes_path = NULL;
	g_autofree gchar *hash = NULL;
	g_autoptr(JsonNode) created = NULL, added = NULL;
	JsonObject *svc;
	JsonArray *route_ids;

	gs_join(a, b);
	gs_join(a, c);
	GS_WAIT_FOR(gs_converged(all, 3));

	body = g_strdup_printf("{\"name\":\"web\",\"target_peer_id\":\"%s\","
			       "\"transport_type\":\"tcp\",\"requires_interface\":true,"
			       "\"desired_ipv4_cidr\":\"10.99.0.1/24\","
			       "\"fully_transparent\":true,\"bandwidth_limit_mbps\":1000,"
			       "\"routes\":[{\"priority\":100,\"dest_cidr\":\"10.8.0.0/16\"}]}",
			       b->peer_id);
	created = sv_call(a, "POST", "/v1/services", body, 201);
	svc = gs_object(created);
	id = g_strdup(json_object_get_string_member(svc, "id"));
	g_assert_true(g_str_has_prefix(id, "svc_"));
	g_assert_cmpstr(json_object_get_string_member(svc, "source_peer_id"), ==, a->peer_id);
	g_assert_cmpstr(json_object_get_string_member(svc, "target_peer_id"), ==, b->peer_id);
	g_assert_cmpstr(json_object_get_string_member(svc, "interface_ipv4_cidr"), ==,
			"10.99.0.1/24");
	g_assert_cmpstr(json_object_get_string_member(svc, "state"), ==, "active");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(svc, "routes")), ==, 1);

	routes_path = g_strdup_printf("/v1/services/%s/routes", id);
	added = sv_call(a, "POST", routes_path,
			"{\"routes\":[{\"priority\":200,\"source_cidr\":\"10.1.0.0/16\","
			"\"dest_cidr\":\"192.168.100.0/24\"},"
			"{\"priority\":50,\"source_cidr\":\"fd00::/64\"}]}",
			201);
	route_ids = json_object_get_array_member(gs_object(added), "route_ids");
	g_assert_cmpint(json_object_get_int_member(gs_object(added), "count"), ==, 2);
	g_assert_cmpuint(json_array_get_length(route_ids), ==, 2);
	/* ids are integers, given in order */
	g_assert_cmpint(json_array_get_int_element(route_ids, 1), ==,
			json_array_get_int_element(route_ids, 0) + 1);

	/* everything reaches C */
	path = g_strdup_printf("/v1/services/%s", id);
	GS_WAIT_FOR(sv_count(c, routes_path) == 3);
	{
		g_autoptr(JsonNode) on_c = sv_call(c, "GET", path, NULL, 200);
		JsonObject *o = gs_object(on_c);
		g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, "web");
		g_assert_true(json_object_get_boolean_member(o, "fully_transparent"));
		g_assert_cmpint(json_object_get_int_member(o, "bandwidth_limit_mbps"), ==, 1000);
		g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "routes")),
				 ==, 3);
	}
	GS_WAIT_FOR(gs_converged(all, 3));

	/* an update on B reaches A */
	{
		g_autoptr(JsonNode) upd = sv_call(
			b, "PUT", path, "{\"bandwidth_limit_mbps\":50,\"name\":\"web2\"}", 200);
		g_assert_cmpint(json_object_get_int_member(gs_object(upd), "bandwidth_limit_mbps"),
				==, 50);
	}
	GS_WAIT_FOR(({
		g_autoptr(JsonNode) on_a = sv_call(a, "GET", path, NULL, 200);
		json_object_get_int_member(gs_object(on_a), "bandwidth_limit_mbps") == 50;
	}));
	/* list filters */
	{
		g_autofree gchar *by_target =
			g_strdup_printf("/v1/services?target_peer_id=%s", b->peer_id);
		g_autofree gchar *by_other =
			g_strdup_printf("/v1/services?target_peer_id=%s", c->peer_id);
		g_assert_cmpint(sv_count(a, by_target), ==, 1);
		g_assert_cmpint(sv_count(a, by_other), ==, 0);
		g_assert_cmpint(sv_count(a, "/v1/services?requires_interface=false"), ==, 0);
		sv_assert_refused(a, "GET", "/v1/services?requires_interface=maybe", NULL, 400,
				  "INVALID_REQUEST");
	}

	/* a route updated on C, a route deleted on B */
	{
		g_autofree gchar *route_path =
			g_strdup_printf("%s/%" G_GINT64_FORMAT, routes_path,
					json_array_get_int_element(route_ids, 0));
		g_autofree gchar *gone_path =
			g_strdup_printf("%s/%" G_GINT64_FORMAT, routes_path,
					json_array_get_int_element(route_ids, 1));
		g_autoptr(JsonNode) upd = sv_call(c, "PUT", route_path, "{\"priority\":300}", 200);
		g_autoptr(JsonNode) del = sv_call(b, "DELETE", gone_path, NULL, 200);
		g_assert_true(json_object_get_boolean_member(gs_object(del), "deleted"));
		g_assert_cmpint(json_object_get_int_member(gs_object(upd), "priority"), ==, 300);
		g_assert_cmpstr(json_object_get_string_member(gs_object(upd), "dest_cidr"), ==,
				"192.168.100.0/24");
		sv_assert_refused(b, "DELETE", gone_path, NULL, 404, "NOT_FOUND");
	}
	GS_WAIT_FOR(sv_count(a, routes_path) == 2);
	GS_WAIT_FOR(gs_converged(all, 3));

	/* deleting the service takes its routes along, everywhere */
	{
		g_autoptr(JsonNode) del = sv_call(c, "DELETE", path, NULL, 200);
		g_assert_true(json_object_get_boolean_member(gs_object(del), "deleted"));
	}
	GS_WAIT_FOR(sv_count(a, "/v1/services") == 0 && sv_count(b, "/v1/services") == 0);
	g_assert_cmpint(sv_count(a, "/v1/routes"), ==, 0);
	sv_assert_refused(a, "GET", path, NULL, 404, "NOT_FOUND");
	GS_WAIT_FOR(sv_count(b, routes_path) == -1);
	GS_WAIT_FOR(gs_converged(all, 3));
	hash = gs_registry_hash(a);
	g_assert_nonnull(hash);
}

/* every documented refusal, and none of them changes anything */
static void
sv_validation_func(void)
{
	g_autoptr(GsNode) a = gs_node_new_limits(NULL, NULL, 10, 2);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autofree gchar *id = NULL, *routes_path = NULL, *before = NULL, *after = NULL;
	g_autofree gchar *to_b = NULL;
	const gchar *unknown = "peer_01J00000000000000000000000";
	struct {
		const gchar *body; /* @B@: B's peer id */
		guint status;
		const gchar *code;
	} bad_services[] = {
		{"[1]", 400, "INVALID_REQUEST"},
		{"{\"transport_type\":\"tcp\"}", 400, "MISSING_FIELD"},
		{"{\"target_peer_id\":\"@B@\",\"transport_type\":\"udp\"}", 400,
		 "INVALID_TRANSPORT"},
		{"{\"target_peer_id\":\"@B@\",\"transport_type\":\"kcp\",\"requires_interface\":"
		 "true,"
		 "\"fully_transparent\":true}",
		 400, "INVALID_TRANSPORT"},
		{"{\"target_peer_id\":\"@B@\",\"fully_transparent\":true}", 400, "INVALID_REQUEST"},
		{"{\"target_peer_id\":\"@B@\",\"desired_ipv4_cidr\":\"10.0.0.1/24\"}", 400,
		 "INVALID_REQUEST"},
		{"{\"target_peer_id\":\"@B@\",\"requires_interface\":true,"
		 "\"desired_ipv4_cidr\":\"10.0.0.1\"}",
		 400, "INVALID_CIDR"},
		{"{\"target_peer_id\":\"@B@\",\"requires_interface\":true,"
		 "\"desired_ipv6_cidr\":\"10.0.0.1/24\"}",
		 400, "INVALID_CIDR"},
		{"{\"target_peer_id\":\"@B@\",\"bandwidth_limit_mbps\":-1}", 400,
		 "INVALID_REQUEST"},
		{"{\"target_peer_id\":\"@B@\",\"colour\":\"blue\"}", 400, "INVALID_REQUEST"},
		{"{\"target_peer_id\":\"@B@\",\"routes\":[{\"priority\":1,"
		 "\"dest_cidr\":\"10.0.0.1/8\"}]}",
		 400, "INVALID_CIDR"},
		{"{\"target_peer_id\":\"@B@\",\"name\":\"web\"}", 409, "ALREADY_EXISTS"},
	};
	struct {
		const gchar *body;
		const gchar *code;
		const gchar *message; /* a part of it */
	} bad_routes[] = {
		{"{}", "MISSING_FIELD", NULL},
		{"{\"routes\":[{\"dest_cidr\":\"10.0.0.0/8\"}]}", "MISSING_FIELD", "priority"},
		{"{\"routes\":[{\"priority\":1}]}", "MISSING_FIELD", NULL},
		{"{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"},"
		 "{\"priority\":1,\"dest_cidr\":\"300.0.0.0/8\"}]}",
		 "INVALID_CIDR", "routes[1].dest_cidr"},
		{"{\"routes\":[{\"priority\":1,\"source_cidr\":\"10.1.2.3/16\"}]}", "INVALID_CIDR",
		 "10.1.0.0/16"},
		{"{\"routes\":[{\"priority\":1,\"source_cidr\":\"fd00::1/64\"}]}", "INVALID_CIDR",
		 "fd00::/64"},
		{"{\"routes\":[{\"priority\":\"high\",\"dest_cidr\":\"10.0.0.0/8\"}]}",
		 "INVALID_REQUEST", NULL},
	};

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	to_b = g_strdup_printf("{\"name\":\"web\",\"target_peer_id\":\"%s\"}", b->peer_id);
	id = sv_create_service(a, to_b);
	routes_path = g_strdup_printf("/v1/services/%s/routes", id);
	GS_WAIT_FOR(gs_converged(all, 2));
	before = gs_registry_hash(a);

	for (guint i = 0; i < G_N_ELEMENTS(bad_services); i++) {
		g_autoptr(GString) body = g_string_new(bad_services[i].body);
		g_string_replace(body, "@B@", b->peer_id, 0);
		sv_assert_refused(a, "POST", "/v1/services", body->str, bad_services[i].status,
				  bad_services[i].code);
	}
	{
		g_autofree gchar *self_body =
			g_strdup_printf("{\"target_peer_id\":\"%s\"}", a->peer_id);
		g_autofree gchar *unknown_body =
			g_strdup_printf("{\"target_peer_id\":\"%s\"}", unknown);
		g_autofree gchar *unknown_path = g_strdup_printf("/v1/services/%s", unknown);
		sv_assert_refused(a, "POST", "/v1/services", self_body, 400, "INVALID_REQUEST");
		sv_assert_refused(a, "POST", "/v1/services", unknown_body, 404, "NOT_FOUND");
		sv_assert_refused(a, "GET", "/v1/services/svc_nope", NULL, 404, "NOT_FOUND");
		sv_assert_refused(a, "PUT", unknown_path, "{\"bandwidth_limit_mbps\":1}", 404,
				  "NOT_FOUND");
		sv_assert_refused(a, "DELETE", "/v1/services/svc_nope", NULL, 404, "NOT_FOUND");
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad_routes); i++) {
		g_autoptr(JsonNode) res = sv_call(a, "POST", routes_path, bad_routes[i].body, 400);
		JsonObject *error = gs_object(res);
		g_assert_cmpstr(json_object_get_string_member(error, "code"), ==,
				bad_routes[i].code);
		g_test_message("%s: %s", bad_routes[i].body,
			       json_object_get_string_member(error, "error"));
		if (bad_routes[i].message != NULL)
			g_assert_nonnull(strstr(json_object_get_string_member(error, "error"),
						bad_routes[i].message));
	}
	{
		/* a batch with one bad route in many stores none */
		GString *batch = g_string_new("{\"routes\":[");
		for (guint i = 0; i < 50; i++)
			g_string_append_printf(
				batch, "{\"priority\":%u,\"dest_cidr\":\"10.%u.0.0/16\"},", i, i);
		g_string_append(batch, "{\"priority\":1,\"dest_cidr\":\"10.0.0.0/33\"}]}");
		sv_assert_refused(a, "POST", routes_path, batch->str, 400, "INVALID_CIDR");
		g_string_free(batch, TRUE);
	}
	sv_assert_refused(a, "PUT", "/v1/services/svc_nope/routes/1", "{\"priority\":1}", 404,
			  "NOT_FOUND");
	{
		g_autofree gchar *no_route = g_strdup_printf("%s/999999", routes_path);
		g_autofree gchar *bad_id = g_strdup_printf("%s/abc", routes_path);
		sv_assert_refused(a, "PUT", no_route, "{\"priority\":1}", 404, "NOT_FOUND");
		sv_assert_refused(a, "DELETE", no_route, NULL, 404, "NOT_FOUND");
		sv_assert_refused(a, "DELETE", bad_id, NULL, 404, "NOT_FOUND");
	}
	{
		/* an update is checked as a whole: fully transparent needs the interface */
		g_autofree gchar *path = g_strdup_printf("/v1/services/%s", id);
		sv_assert_refused(a, "PUT", path, "{\"fully_transparent\":true}", 400,
				  "INVALID_REQUEST");
		sv_assert_refused(a, "PUT", path, "{\"transport_type\":\"quic\"}", 400,
				  "INVALID_TRANSPORT");
		sv_assert_refused(a, "PUT", path, "{\"source_peer_id\":null}", 400,
				  "INVALID_REQUEST");
	}
	/* nothing of that reached the records */
	after = gs_registry_hash(a);
	g_assert_cmpstr(before, ==, after);
	g_assert_cmpint(sv_count(a, "/v1/services"), ==, 1);
	g_assert_cmpint(sv_count(a, "/v1/routes"), ==, 0);

	/* the license allows two services (one each way, say), not three */
	{
		g_autofree gchar *back =
			g_strdup_printf("{\"source_peer_id\":\"%s\",\"target_peer_id\":\"%s\"}",
					b->peer_id, a->peer_id);
		g_autofree gchar *third = g_strdup_printf(
			"{\"target_peer_id\":\"%s\",\"transport_type\":\"kcp\"}", b->peer_id);
		g_autofree gchar *second = sv_create_service(a, back);
		sv_assert_refused(a, "POST", "/v1/services", third, 422, "SERVICE_LIMIT_EXCEEDED");
		g_assert_nonnull(second);
	}
	g_assert_cmpint(sv_count(a, "/v1/services"), ==, 2);
}

/* A and B each add a route while they cannot reach each other: both pick the same id; once
 * they meet, both routes exist everywhere under distinct ids */
static void
sv_concurrent_ids_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL, *routes_path = NULL, *body = NULL;
	g_autoptr(GArray) on_a = NULL, on_b = NULL;
	gint64 id_a, id_b;
	gboolean ok;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	body = g_strdup_printf("{\"target_peer_id\":\"%s\","
			       "\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"}]}",
			       b->peer_id);
	id = sv_create_service(a, body);
	routes_path = g_strdup_printf("/v1/services/%s/routes", id);
	GS_WAIT_FOR(gs_converged(all, 2));

	/* B down: A adds a route */
	ok = arc_test_agent_stop(b->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	{
		g_autoptr(JsonNode) res = sv_call(
			a, "POST", routes_path,
			"{\"routes\":[{\"priority\":2,\"dest_cidr\":\"172.16.0.0/12\"}]}", 201);
		id_a = json_array_get_int_element(
			json_object_get_array_member(gs_object(res), "route_ids"), 0);
	}
	/* A down, B up: B adds a route, knowing nothing of A's */
	ok = arc_test_agent_stop(a->agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_test_agent_start(b->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(b);
	{
		g_autoptr(JsonNode) res = sv_call(
			b, "POST", routes_path,
			"{\"routes\":[{\"priority\":3,\"dest_cidr\":\"192.168.0.0/16\"}]}", 201);
		id_b = json_array_get_int_element(
			json_object_get_array_member(gs_object(res), "route_ids"), 0);
	}
	g_assert_cmpint(id_a, ==, id_b);

	/* both up: they meet, and both routes survive with distinct ids */
	ok = arc_test_agent_start(a->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	gs_node_login(a);
	GS_WAIT_FOR(sv_count(a, "/v1/routes") == 3 && sv_count(b, "/v1/routes") == 3);
	GS_WAIT_FOR(gs_converged(all, 2));
	on_a = sv_route_ids(a);
	on_b = sv_route_ids(b);
	g_assert_cmpuint(on_a->len, ==, 3);
	g_assert_cmpmem(on_a->data, on_a->len * sizeof(gint64), on_b->data,
			on_b->len * sizeof(gint64));
	for (guint i = 0; i < on_a->len; i++) {
		for (guint j = i + 1; j < on_a->len; j++)
			g_assert_cmpint(g_array_index(on_a, gint64, i), !=,
					g_array_index(on_a, gint64, j));
	}
	{
		/* every destination is still there */
		g_autoptr(JsonNode) res = sv_call(a, "GET", "/v1/routes", NULL, 200);
		g_autofree gchar *text = json_to_string(res, FALSE);
		g_assert_nonnull(strstr(text, "172.16.0.0/12"));
		g_assert_nonnull(strstr(text, "192.168.0.0/16"));
		g_assert_nonnull(strstr(text, "10.0.0.0/8"));
	}
	{
		g_autofree gchar *log_a = arc_test_agent_get_log(a->agent);
		g_autofree gchar *log_b = arc_test_agent_get_log(b->agent);
		g_assert_true(strstr(log_a, " is now route ") != NULL ||
			      strstr(log_b, " is now route ") != NULL);
	}
}

static const gchar *
sv_lookup_service(GsNode *self, const gchar *query, const gchar **category)
{
	g_autofree gchar *path = g_strconcat("/v1/routes/lookup?", query, NULL);
	g_autoptr(JsonNode) res = sv_call(self, "GET", path, NULL, 200);
	JsonObject *o = gs_object(res);
	static gchar *last_category, *last_service;

	g_free(last_category);
	g_free(last_service);
	last_category = g_strdup(json_object_get_string_member(o, "category"));
	last_service = g_strdup(json_object_get_string_member(o, "service_id"));
	*category = last_category;
	return last_service;
}

/* the guide's example, evaluated on any node: interface first, then the most specific
 * category, the longer prefix, the higher priority */
static void
sv_lookup_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c};
	g_autofree gchar *s1 = NULL, *s2 = NULL, *s3 = NULL, *body = NULL, *iface = NULL;
	g_autofree gchar *q = NULL;
	const gchar *category = NULL;

	gs_join(a, b);
	gs_join(a, c);
	GS_WAIT_FOR(gs_converged(all, 3));

	body = g_strdup_printf("{\"target_peer_id\":\"%s\",\"routes\":["
			       "{\"priority\":100,\"dest_cidr\":\"192.168.0.0/16\"},"
			       "{\"priority\":100,\"source_cidr\":\"10.0.0.0/8\"}]}",
			       b->peer_id);
	s1 = sv_create_service(a, body);
	g_free(body);
	body = g_strdup_printf("{\"target_peer_id\":\"%s\",\"routes\":["
			       "{\"priority\":200,\"source_cidr\":\"10.1.0.0/16\","
			       "\"dest_cidr\":\"192.168.100.0/24\"},"
			       "{\"priority\":300,\"dest_cidr\":\"192.168.0.0/16\"}]}",
			       c->peer_id);
	s2 = sv_create_service(a, body);
	g_free(body);
	body = g_strdup_printf("{\"target_peer_id\":\"%s\",\"requires_interface\":true,"
			       "\"routes\":[{\"priority\":1,\"dest_cidr\":\"0.0.0.0/0\"}]}",
			       c->peer_id);
	s3 = sv_create_service(a, body);
	{
		g_autofree gchar *path = g_strdup_printf("/v1/services/%s", s3);
		g_autoptr(JsonNode) res = sv_call(a, "GET", path, NULL, 200);
		iface = g_strdup(json_object_get_string_member(gs_object(res), "interface_name"));
		g_assert_nonnull(iface);
	}
	GS_WAIT_FOR(gs_converged(all, 3));

	/* evaluated the same on C as on A: the services are A's */
	q = g_strdup_printf("src=10.1.2.3&dst=192.168.100.7&peer=%s", a->peer_id);
	g_assert_cmpstr(sv_lookup_service(c, q, &category), ==, s2);
	g_assert_cmpstr(category, ==, "source_destination");
	g_assert_cmpstr(sv_lookup_service(a, "src=10.1.2.3&dst=192.168.100.7", &category), ==, s2);
	/* destination-only: the higher priority of equal prefixes wins */
	g_assert_cmpstr(sv_lookup_service(a, "src=172.16.0.1&dst=192.168.5.5", &category), ==, s2);
	g_assert_cmpstr(category, ==, "destination");
	/* source-only beats destination-only */
	g_assert_cmpstr(sv_lookup_service(a, "src=10.9.0.1&dst=192.168.5.5", &category), ==, s1);
	g_assert_cmpstr(category, ==, "source");
	/* the catch-all route */
	g_assert_cmpstr(sv_lookup_service(a, "src=172.16.0.1&dst=8.8.8.8", &category), ==, s3);
	/* traffic on the service's interface goes to it, whatever the routes say */
	{
		g_autofree gchar *by_iface =
			g_strdup_printf("src=10.1.2.3&dst=192.168.100.7&interface=%s", iface);
		g_assert_cmpstr(sv_lookup_service(a, by_iface, &category), ==, s3);
		g_assert_cmpstr(category, ==, "interface");
	}
	/* nothing: IPv6 has no route; B has no services of its own */
	g_assert_null(sv_lookup_service(a, "src=fd00::1&dst=fd00::2", &category));
	g_assert_cmpstr(category, ==, "none");
	g_assert_null(sv_lookup_service(b, "src=10.1.2.3&dst=192.168.100.7", &category));
	/* the losers are there with their reasons */
	{
		g_autoptr(JsonNode) res = sv_call(
			a, "GET", "/v1/routes/lookup?src=10.1.2.3&dst=192.168.100.7", NULL, 200);
		JsonArray *candidates = json_object_get_array_member(gs_object(res), "candidates");
		g_assert_cmpuint(json_array_get_length(candidates), ==, 4);
		for (guint i = 0; i < json_array_get_length(candidates); i++) {
			JsonObject *cand = json_array_get_object_element(candidates, i);
			g_assert_cmpstr(json_object_get_string_member(cand, "reason"), !=, "");
			g_assert_true(json_object_get_boolean_member(cand, "matches"));
		}
	}
	/* routes that do not match the packet are counted, and listed with all=true */
	{
		g_autoptr(JsonNode) res = sv_call(
			a, "GET", "/v1/routes/lookup?src=172.16.0.1&dst=8.8.8.8", NULL, 200);
		g_autoptr(JsonNode) every =
			sv_call(a, "GET", "/v1/routes/lookup?src=172.16.0.1&dst=8.8.8.8&all=true",
				NULL, 200);
		JsonArray *listed = json_object_get_array_member(gs_object(every), "candidates");
		g_assert_cmpuint(json_array_get_length(json_object_get_array_member(gs_object(res),
										    "candidates")),
				 ==, 0);
		g_assert_cmpint(json_object_get_int_member(gs_object(res), "unmatched_count"), ==,
				4);
		g_assert_cmpuint(json_array_get_length(listed), ==, 4);
		g_assert_nonnull(strstr(json_object_get_string_member(
						json_array_get_object_element(listed, 0), "reason"),
					"outside"));
	}
	sv_assert_refused(a, "GET", "/v1/routes/lookup?src=1.2.3.4&dst=1.2.3.4&all=yes", NULL, 400,
			  "INVALID_REQUEST");
	sv_assert_refused(a, "GET", "/v1/routes/lookup?src=10.1.2.3", NULL, 400, "MISSING_FIELD");
	sv_assert_refused(a, "GET", "/v1/routes/lookup?src=10.1.2.3/8&dst=1.2.3.4", NULL, 400,
			  "INVALID_REQUEST");
	sv_assert_refused(a, "GET", "/v1/routes/lookup?src=banana&dst=1.2.3.4", NULL, 400,
			  "INVALID_REQUEST");

	/* C is removed: its services go inactive and leave the evaluation */
	{
		g_autofree gchar *path = g_strdup_printf("/v1/peers/%s", c->peer_id);
		g_autofree gchar *svc_path = g_strdup_printf("/v1/services/%s", s2);
		G_GNUC_UNUSED g_autoptr(JsonNode) del = sv_call(a, "DELETE", path, NULL, 200);
		g_autoptr(JsonNode) svc = sv_call(a, "GET", svc_path, NULL, 200);
		g_assert_cmpstr(json_object_get_string_member(gs_object(svc), "state"), ==,
				"inactive");
	}
	g_assert_cmpstr(sv_lookup_service(a, "src=172.16.0.1&dst=192.168.5.5", &category), ==, s1);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/services/replication", sv_replication_func);
	g_test_add_func("/services/validation", sv_validation_func);
	g_test_add_func("/services/concurrent-route-ids", sv_concurrent_ids_func);
	g_test_add_func("/services/lookup", sv_lookup_func);
	return g_test_run();
}
