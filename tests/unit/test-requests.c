/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-gossip-message.h"
#include "arc-license-state.h"
#include "arc-peer-state.h"
#include "arc-requests.h"
#include "arctic-plugin.h"

/* The typed requests both adapters hand the engine, and the states the daemon keeps as
 * enums: a REST body and the D-Bus arguments of the same request become the same struct and
 * are refused with the same code and message; every state has one string, both ways. */

#define RQ_LICENSE "{\"license_id\":\"lic_1\",\"signature\":\"c2ln\"}"

static ArcBootstrapRequest *
rq_from_json(const gchar *body, GError **error)
{
	return arc_bootstrap_request_from_json(body, strlen(body), error);
}

/* what Bootstrap(license_json, name) builds, the way the D-Bus adapter does */
static ArcBootstrapRequest *
rq_from_args(const gchar *license_json, const gchar *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) license = arc_json_parse_object(license_json, -1, 15, &error);

	g_assert_no_error(error);
	return arc_bootstrap_request_new(license, name);
}

/* `{"license": …, "name": …}` and the arguments (license, name) agree */
static void
rq_bootstrap_agree_func(void)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcBootstrapRequest) json =
		rq_from_json("{\"license\": " RQ_LICENSE ", \"name\": \"node-1\"}", &error);
	g_autoptr(ArcBootstrapRequest) args = rq_from_args(" " RQ_LICENSE " ", "node-1");
	g_autoptr(ArcBootstrapRequest) bare = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(json);
	g_assert_cmpstr(json->license_doc, ==, RQ_LICENSE);
	g_assert_cmpstr(json->license_doc, ==, args->license_doc);
	g_assert_cmpstr(json->name, ==, "node-1");
	g_assert_cmpstr(json->name, ==, args->name);
	g_assert_null(json->description);
	g_assert_null(args->description);
	ok = arc_bootstrap_request_validate(args, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	/* the bare license is the document, whatever members it has */
	bare = rq_from_json("{\"license_id\":\"lic_1\",\"name\":7}", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(bare->license_doc, ==, "{\"license_id\":\"lic_1\",\"name\":7}");
	g_assert_null(bare->name);
}

/* a bad name is refused with the same message from a body and from the arguments */
static void
rq_bootstrap_refusals_func(void)
{
	static const struct {
		const gchar *name;
		const gchar *message;
	} names[] = {
		{"a\x1b[31m", "'name' must not contain control or bidirectional formatting "
			      "characters (U+001B)"},
		{"x\xe2\x80\xaey", "'name' must not contain control or bidirectional formatting "
				   "characters (U+202E)"},
	};
	g_autofree gchar *long_name = g_strnfill(ARC_REQUEST_MAX_NAME + 1, 'n');

	for (guint i = 0; i < G_N_ELEMENTS(names) + 1; i++) {
		const gchar *name = i < G_N_ELEMENTS(names) ? names[i].name : long_name;
		const gchar *message = i < G_N_ELEMENTS(names)
					       ? names[i].message
					       : "'name' must be a string of at most 128 bytes";
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree gchar *body = NULL;
		g_autoptr(ArcBootstrapRequest) json = NULL;
		g_autoptr(ArcBootstrapRequest) args = rq_from_args(RQ_LICENSE, name);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "license");
		json_builder_add_value(b, arc_json_parse_object(RQ_LICENSE, -1, 4, NULL));
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, name);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		body = json_to_string(root, FALSE);
		json = rq_from_json(body, &error);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_cmpstr(error->message, ==, message);
		g_assert_null(json);
		g_clear_error(&error);
		g_assert_false(arc_bootstrap_request_validate(args, &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_cmpstr(error->message, ==, message);
	}
}

/* the shapes of a body that are not a bootstrap */
static void
rq_bootstrap_bodies_func(void)
{
	static const struct {
		const gchar *body;
		const gchar *message;
	} bodies[] = {
		{"{\"license\":\"text\"}", "'license' must be the license object"},
		{"{\"license\":{},\"name\":7}", "'name' must be a string of at most 128 bytes"},
		{"{\"license\":{},\"description\":[]}",
		 "'description' must be a string of at most 1024 bytes"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcBootstrapRequest) req = rq_from_json(bodies[i].body, &error);

		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_cmpstr(error->message, ==, bodies[i].message);
		g_assert_null(req);
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcBootstrapRequest) req = rq_from_json(
			"{\"license\":{},\"name\":null,\"description\":\"d\"}", &error);

		g_assert_no_error(error);
		g_assert_null(req->name);
		g_assert_cmpstr(req->description, ==, "d");
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcBootstrapRequest) req = rq_from_json("[1]", &error);

		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_null(req);
	}
}

static void
rq_peer_update_func(void)
{
	gboolean called;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPeerUpdate) unset = arc_peer_update_new(NULL);
	g_autoptr(ArcPeerUpdate) empty = arc_peer_update_new("");
	g_autoptr(ArcPeerUpdate) bidi = arc_peer_update_new("a\xe2\x80\xae-b");
	g_autoptr(ArcPeerUpdate) ok = arc_peer_update_new("edge-2");

	g_assert_false(arc_peer_update_validate(unset, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'name' is required");
	g_clear_error(&error);
	g_assert_false(arc_peer_update_check_given(unset, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'name' is required");
	g_clear_error(&error);
	/* the shape is all that is asked first: the rules on the name come later */
	called = arc_peer_update_check_given(bidi, &error);
	g_assert_no_error(error);
	g_assert_true(called);
	/* an empty name is a name: the peer goes back to its own */
	called = arc_peer_update_validate(empty, &error);
	g_assert_no_error(error);
	g_assert_true(called);
	g_assert_false(arc_peer_update_validate(bidi, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_clear_error(&error);
	called = arc_peer_update_validate(ok, &error);
	g_assert_no_error(error);
	g_assert_true(called);
	g_assert_cmpstr(ok->name, ==, "edge-2");
}

/* each state has one string, and the string gives the state back */
static void
rq_states_func(void)
{
	static const gchar *const gossip[] = {"alive", "suspect", "unreachable"};
	static const gchar *const peer[] = {"active", "deactivated", "over_limit"};
	static const gchar *const license[] = {"valid", "warning", "grace_period", "read_only",
					       "suspended"};
	static const gchar *const unknown[] = {"", "Alive", "active ", "dead", "valid\n"};

	g_assert_cmpuint(G_N_ELEMENTS(gossip), ==, ARC_GOSSIP_STATE_LAST);
	for (ArcGossipState s = 0; s < ARC_GOSSIP_STATE_LAST; s++) {
		ArcGossipState back = ARC_GOSSIP_STATE_LAST;
		g_assert_cmpstr(arc_gossip_state_to_string(s), ==, gossip[s]);
		g_assert_true(arc_gossip_state_from_string(gossip[s], &back));
		g_assert_cmpint(back, ==, s);
	}
	g_assert_cmpuint(G_N_ELEMENTS(peer), ==, ARC_PEER_STATE_LAST);
	for (ArcPeerState s = 0; s < ARC_PEER_STATE_LAST; s++) {
		ArcPeerState back = ARC_PEER_STATE_LAST;
		g_assert_cmpstr(arc_peer_state_to_string(s), ==, peer[s]);
		g_assert_true(arc_peer_state_from_string(peer[s], &back));
		g_assert_cmpint(back, ==, s);
	}
	g_assert_cmpuint(G_N_ELEMENTS(license), ==, ARC_LICENSE_STATE_LAST);
	for (ArcLicenseState s = 0; s < ARC_LICENSE_STATE_LAST; s++) {
		ArcLicenseState back = ARC_LICENSE_STATE_LAST;
		g_assert_cmpstr(arc_license_state_to_string(s), ==, license[s]);
		g_assert_true(arc_license_state_from_string(license[s], &back));
		g_assert_cmpint(back, ==, s);
	}
	for (guint i = 0; i < G_N_ELEMENTS(unknown); i++) {
		ArcGossipState g = ARC_GOSSIP_STATE_SUSPECT;
		ArcPeerState p = ARC_PEER_STATE_DEACTIVATED;
		ArcLicenseState l = ARC_LICENSE_STATE_WARNING;
		g_assert_false(arc_gossip_state_from_string(unknown[i], &g));
		g_assert_false(arc_peer_state_from_string(unknown[i], &p));
		g_assert_false(arc_license_state_from_string(unknown[i], &l));
		g_assert_cmpint(g, ==, ARC_GOSSIP_STATE_SUSPECT);
		g_assert_cmpint(p, ==, ARC_PEER_STATE_DEACTIVATED);
		g_assert_cmpint(l, ==, ARC_LICENSE_STATE_WARNING);
	}
	g_assert_false(arc_gossip_state_from_string(NULL, NULL));
	g_assert_false(arc_peer_state_from_string(NULL, NULL));
}

/* what a peer record's `state` means to the member list: none is a member (records before
 * the field), one this agent does not know is none */
static void
rq_peer_state_of_record_func(void)
{
	g_assert_cmpint(arc_peer_state_from_record(NULL), ==, ARC_PEER_STATE_ACTIVE);
	g_assert_cmpint(arc_peer_state_from_record("active"), ==, ARC_PEER_STATE_ACTIVE);
	g_assert_cmpint(arc_peer_state_from_record("deactivated"), ==, ARC_PEER_STATE_DEACTIVATED);
	g_assert_cmpint(arc_peer_state_from_record("over_limit"), ==, ARC_PEER_STATE_OVER_LIMIT);
	g_assert_cmpint(arc_peer_state_from_record("retired"), ==, ARC_PEER_STATE_DEACTIVATED);
	g_assert_cmpint(arc_peer_state_from_record("Active"), ==, ARC_PEER_STATE_DEACTIVATED);
	g_assert_cmpint(arc_peer_state_from_record(""), ==, ARC_PEER_STATE_DEACTIVATED);
}

/* a route batch: the routes of one request from JSON or `aa{sv}`, or the first refusal */
static void
rq_route_batch_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) two =
		json_from_string("{\"routes\":[{\"priority\":1,\"dest_cidr\":\"10.0.0.0/8\"},"
				 "{\"priority\":2,\"source_cidr\":\"192.168.1.0/24\"}]}",
				 NULL);
	g_autoptr(JsonNode) empty = json_from_string("{\"routes\":[]}", NULL);
	g_autoptr(ArcRouteBatch) batch = NULL;
	g_autoptr(ArcRouteBatch) refused = NULL;
	g_autoptr(ArcRouteBatch) from_variant = NULL;
	g_autoptr(GVariant) routes = g_variant_ref_sink(
		g_variant_new_parsed("[{'priority': <int64 3>, 'dest_cidr': <'10.9.0.0/16'>}]"));
	ArcRouteSpec *first;

	batch = arc_route_batch_from_json(json_node_get_object(two), &error);
	g_assert_no_error(error);
	g_assert_nonnull(batch);
	g_assert_cmpuint(batch->routes->len, ==, 2);
	first = g_ptr_array_index(batch->routes, 0);
	g_assert_cmpint(first->priority, ==, 1);
	g_assert_cmpstr(first->dest_cidr, ==, "10.0.0.0/8");

	refused = arc_route_batch_from_json(json_node_get_object(empty), &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_null(refused);
	g_clear_error(&error);

	from_variant = arc_route_batch_from_variant(routes, &error);
	g_assert_no_error(error);
	g_assert_nonnull(from_variant);
	g_assert_cmpuint(from_variant->routes->len, ==, 1);
	first = g_ptr_array_index(from_variant->routes, 0);
	g_assert_cmpstr(first->dest_cidr, ==, "10.9.0.0/16");
}

/* the metric labels of the replay guard's refusals */
static void
rq_replay_refusal_func(void)
{
	g_assert_cmpstr(arc_gossip_replay_refusal_to_string(ARC_GOSSIP_REPLAY_ACCEPTED), ==, "ok");
	g_assert_cmpstr(arc_gossip_replay_refusal_to_string(ARC_GOSSIP_REPLAY_CLOCK_SKEW), ==,
			"clock_skew");
	g_assert_cmpstr(arc_gossip_replay_refusal_to_string(ARC_GOSSIP_REPLAY_REPLAYED), ==,
			"replayed");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/requests/bootstrap-agree", rq_bootstrap_agree_func);
	g_test_add_func("/requests/bootstrap-refusals", rq_bootstrap_refusals_func);
	g_test_add_func("/requests/bootstrap-bodies", rq_bootstrap_bodies_func);
	g_test_add_func("/requests/peer-update", rq_peer_update_func);
	g_test_add_func("/requests/route-batch", rq_route_batch_func);
	g_test_add_func("/requests/states", rq_states_func);
	g_test_add_func("/requests/peer-state-of-record", rq_peer_state_of_record_func);
	g_test_add_func("/requests/replay-refusal", rq_replay_refusal_func);
	return g_test_run();
}
