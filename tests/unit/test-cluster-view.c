/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-cluster-view.h"

/* ArcClusterView: what the engine hands the data plane */

static ArcCidr
cv_cidr(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	ArcCidr cidr;
	gboolean ok = arc_cidr_parse(text, &cidr, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
	return cidr;
}

static void
cv_add_member(ArcClusterViewBuilder *builder, const gchar *peer_id, gboolean over_limit)
{
	ArcClusterMember member = {0};
	guint8 key[32];

	memset(key, peer_id[strlen(peer_id) - 1], sizeof(key));
	member.peer_id = (gchar *)peer_id;
	member.name = (gchar *)"node";
	member.tunnel_public_key = g_bytes_new(key, sizeof(key));
	member.tunnel_endpoint = (gchar *)"192.0.2.1:51840";
	member.over_limit = over_limit;
	arc_cluster_view_builder_add_member(builder, &member);
	g_bytes_unref(member.tunnel_public_key);
}

static void
cv_add_service(ArcClusterViewBuilder *builder, const gchar *id, const gchar *target)
{
	ArcClusterService service = {0};

	service.id = (gchar *)id;
	service.name = (gchar *)id;
	service.source_peer_id = (gchar *)"peer_A";
	service.target_peer_id = (gchar *)target;
	service.transport = (gchar *)"tcp";
	arc_cluster_view_builder_add_service(builder, &service);
}

/* self peer_A; members B, C (C over_limit) and A; services to B and C; two routes */
static ArcClusterView *
cv_make(guint64 generation, gint64 priority, gboolean c_over_limit)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(generation);
	g_autoptr(GError) error = NULL;
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};
	ArcCidr dst = cv_cidr("10.0.0.0/8"), src = cv_cidr("192.168.0.0/16");
	ArcClusterView *view;

	arc_cluster_view_builder_set_self(builder, &node);
	cv_add_member(builder, "peer_C", c_over_limit);
	cv_add_member(builder, "peer_B", FALSE);
	cv_add_member(builder, "peer_A", FALSE);
	cv_add_service(builder, "svc_2", "peer_C");
	cv_add_service(builder, "svc_1", "peer_B");
	arc_cluster_view_builder_add_route(builder, 7, "svc_2", priority, NULL, &dst);
	arc_cluster_view_builder_add_route(builder, 3, "svc_1", 0, &src, &dst);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	g_assert_nonnull(view);
	return view;
}

static void
cv_build_func(void)
{
	g_autoptr(ArcClusterView) view = cv_make(5, 0, TRUE);
	const ArcClusterMember *member;
	GPtrArray *ordered;

	g_assert_cmpuint(arc_cluster_view_get_generation(view), ==, 5);
	g_assert_cmpstr(arc_cluster_view_get_self(view)->peer_id, ==, "peer_A");
	g_assert_cmpint(arc_cluster_view_get_license_state(view), ==, ARC_LICENSE_STATE_VALID);
	/* sorted by peer id, each with its device */
	g_assert_cmpuint(arc_cluster_view_get_n_members(view), ==, 3);
	g_assert_cmpstr(arc_cluster_view_get_member(view, 0)->peer_id, ==, "peer_A");
	g_assert_cmpstr(arc_cluster_view_get_member(view, 2)->peer_id, ==, "peer_C");
	member = arc_cluster_view_find_member(view, "peer_C");
	g_assert_nonnull(member);
	g_assert_true(member->over_limit);
	g_assert_cmpuint(strlen(member->device), ==, 15);
	g_assert_true(g_str_has_prefix(member->device, "arc-"));
	g_assert_null(arc_cluster_view_find_member(view, "peer_D"));
	g_assert_cmpstr(arc_cluster_view_get_service(view, 0)->id, ==, "svc_1");
	g_assert_cmpstr(arc_cluster_view_find_service(view, "svc_2")->target_peer_id, ==, "peer_C");
	/* source+destination before destination-only, whatever the ids */
	ordered = arc_cluster_view_get_routes_ordered(view);
	g_assert_cmpuint(ordered->len, ==, 2);
	g_assert_cmpint(((const ArcRoute *)g_ptr_array_index(ordered, 0))->id, ==, 3);
	g_assert_cmpint(((const ArcRoute *)g_ptr_array_index(ordered, 1))->id, ==, 7);
	g_assert_cmpuint(arc_route_table_get_size(arc_cluster_view_get_route_table(view)), ==, 2);
}

static void
cv_device_name_func(void)
{
	gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
	gchar again[ARC_CLUSTER_DEVICE_NAME_MAX + 1];

	/* the first 11 hex digits of SHA-256("peer_01HZY3J5K6M7N8P9Q0R1S2T3V4") */
	arc_cluster_device_name("peer_01HZY3J5K6M7N8P9Q0R1S2T3V4", name);
	arc_cluster_device_name("peer_01HZY3J5K6M7N8P9Q0R1S2T3V4", again);
	g_assert_cmpstr(name, ==, again);
	g_assert_cmpuint(strlen(name), ==, 15);
	g_assert_true(g_str_has_prefix(name, "arc-"));
	for (guint i = 4; i < 15; i++)
		g_assert_true(g_ascii_isxdigit(name[i]));
	arc_cluster_device_name("peer_01HZY3J5K6M7N8P9Q0R1S2T3V5", again);
	g_assert_cmpstr(name, !=, again);
}

static void
cv_equal_func(void)
{
	g_autoptr(ArcClusterView) a = cv_make(1, 0, FALSE);
	g_autoptr(ArcClusterView) b = cv_make(2, 0, FALSE);
	g_autoptr(ArcClusterView) priority = cv_make(3, 9, FALSE);
	g_autoptr(ArcClusterView) over = cv_make(4, 0, TRUE);
	ArcClusterView *ref = arc_cluster_view_ref(a);

	/* the generation is not content */
	g_assert_true(arc_cluster_view_equal(a, b));
	g_assert_false(arc_cluster_view_equal(a, priority));
	g_assert_false(arc_cluster_view_equal(a, over));
	g_assert_true(ref == a);
	arc_cluster_view_unref(ref);
	g_assert_cmpuint(arc_cluster_view_get_n_members(a), ==, 3);
}

static void
cv_refuse(ArcClusterViewBuilder *builder, const gchar *says)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcClusterView) view = arc_cluster_view_builder_end(builder, &error);

	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_nonnull(strstr(error->message, says));
	g_assert_null(view);
	arc_cluster_view_builder_free(builder);
}

static void
cv_invalid_func(void)
{
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};
	ArcCidr dst = cv_cidr("10.0.0.0/8");
	ArcClusterMember odd = {0};
	ArcClusterViewBuilder *builder;

	cv_refuse(arc_cluster_view_builder_new(1), "this node has no peer id");

	builder = arc_cluster_view_builder_new(1);
	arc_cluster_view_builder_set_self(builder, &node);
	cv_add_member(builder, "peer_B", FALSE);
	cv_add_member(builder, "peer_B", TRUE);
	cv_refuse(builder, "a member twice");

	builder = arc_cluster_view_builder_new(1);
	arc_cluster_view_builder_set_self(builder, &node);
	odd.peer_id = (gchar *)"peer_B";
	odd.tunnel_public_key = g_bytes_new_static("short", 5);
	arc_cluster_view_builder_add_member(builder, &odd);
	g_bytes_unref(odd.tunnel_public_key);
	cv_refuse(builder, "not 32 bytes");

	builder = arc_cluster_view_builder_new(1);
	arc_cluster_view_builder_set_self(builder, &node);
	cv_add_service(builder, "svc_1", "peer_B");
	arc_cluster_view_builder_add_route(builder, 1, "svc_9", 0, NULL, &dst);
	cv_refuse(builder, "a route of an unknown service");

	builder = arc_cluster_view_builder_new(1);
	arc_cluster_view_builder_set_self(builder, &node);
	cv_add_service(builder, "svc_1", "peer_B");
	arc_cluster_view_builder_add_route(builder, 1, "svc_1", 0, NULL, &dst);
	arc_cluster_view_builder_add_route(builder, 1, "svc_1", 5, NULL, &dst);
	cv_refuse(builder, "a route id twice");
}

/* a random network of one of a few addresses, so that prefixes overlap */
static ArcCidr
cv_random_cidr(GRand *rand, const gchar *const *pool, guint min_prefix)
{
	ArcCidr cidr;
	gboolean ok = arc_cidr_read_address(pool[g_rand_int_range(rand, 0, 4)], &cidr);

	g_assert_true(ok);
	cidr.prefix = (guint8)g_rand_int_range(rand, (gint)min_prefix, 33);
	arc_cidr_to_network(&cidr);
	return cidr;
}

/* the first route of the order that matches a packet is the one the lookup chooses */
static void
cv_order_is_lookup_func(void)
{
	static const gchar *const sources[] = {"192.168.1.2", "192.168.1.200", "192.168.7.1",
					       "172.16.0.1"};
	static const gchar *const destinations[] = {"10.1.2.3", "10.1.2.250", "10.9.0.1",
						    "10.200.4.4"};
	g_autoptr(GRand) rand = g_rand_new_with_seed(14);

	for (guint round = 0; round < 200; round++) {
		g_autoptr(ArcRouteTable) table = arc_route_table_new();
		g_autoptr(GPtrArray) ordered = NULL;
		guint n = (guint)g_rand_int_range(rand, 1, 12);

		for (guint i = 0; i < n; i++) {
			ArcCidr src = cv_random_cidr(rand, sources, 8);
			ArcCidr dst = cv_random_cidr(rand, destinations, 4);
			gint kind = g_rand_int_range(rand, 0, 3);

			arc_route_table_add(table, g_rand_int_range(rand, 1, 6), "svc",
					    g_rand_int_range(rand, 0, 3), kind != 2 ? &src : NULL,
					    kind != 1 ? &dst : NULL);
		}
		ordered = arc_route_table_get_ordered(table);
		for (guint p = 0; p < 16; p++) {
			ArcCidr src, dst;
			const ArcRoute *first = NULL;

			g_assert_true(arc_cidr_read_address(sources[p % 4], &src));
			g_assert_true(arc_cidr_read_address(destinations[p / 4], &dst));
			for (guint i = 0; i < ordered->len && first == NULL; i++) {
				const ArcRoute *route = g_ptr_array_index(ordered, i);
				if ((!route->has_source ||
				     arc_cidr_contains(&route->source, &src)) &&
				    (!route->has_destination ||
				     arc_cidr_contains(&route->destination, &dst)))
					first = route;
			}
			g_assert_true(first ==
				      arc_route_table_lookup(table, &src, &dst, NULL, NULL));
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/cluster-view/build", cv_build_func);
	g_test_add_func("/cluster-view/device-name", cv_device_name_func);
	g_test_add_func("/cluster-view/equal", cv_equal_func);
	g_test_add_func("/cluster-view/invalid", cv_invalid_func);
	g_test_add_func("/cluster-view/order-is-lookup", cv_order_is_lookup_func);
	return g_test_run();
}
