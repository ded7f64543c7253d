/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "arc-rest-fixture.h"

/* The tunnel of a bootstrapped agent as the API shows it (docs/protocol.md, "Tunnel
 * addresses"): its key in tunnel.key beside peer.key, and its own peer record's tunnel
 * fields, stable across a restart that writes nothing. */

static JsonObject *
arc_rest_tunnel_of(JsonNode *peer)
{
	JsonObject *obj = json_node_get_object(peer);

	g_assert_true(json_object_has_member(obj, "tunnel"));
	return json_object_get_object_member(obj, "tunnel");
}

static JsonNode *
arc_rest_tunnel_get_self(ArcRestFixture *fixture)
{
	guint status = 0;
	JsonNode *self = arc_test_agent_call(fixture->agent, "GET", "/v1/peers/self",
					     fixture->token, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	return self;
}

static gchar *
arc_rest_tunnel_registry_hash(ArcRestFixture *fixture)
{
	guint status = 0;
	g_autoptr(JsonNode) answer = arc_test_agent_call(
		fixture->agent, "GET", "/v1/cluster/status", fixture->token, NULL, &status);

	arc_test_assert_status(status, SOUP_STATUS_OK);
	return g_strdup(arc_test_json_string(answer, "registry_hash"));
}

/* the record states the key, port and addresses, until they are in the record: on idle */
static JsonNode *
arc_rest_tunnel_wait_self(ArcRestFixture *fixture)
{
	for (guint i = 0; i < 100; i++) {
		g_autoptr(JsonNode) self = arc_rest_tunnel_get_self(fixture);
		if (json_object_has_member(json_node_get_object(self), "tunnel"))
			return g_steal_pointer(&self);
		g_usleep(50 * 1000);
	}
	g_error("the agent's own record states no tunnel");
	return NULL;
}

static void
arc_rest_tunnel_self_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) before = arc_rest_tunnel_wait_self(fixture);
	g_autoptr(JsonNode) after = NULL;
	g_autofree gchar *key_path =
		g_build_filename(arc_test_agent_get_data_dir(fixture->agent), "tunnel.key", NULL);
	g_autofree gchar *hash = NULL;
	g_autofree gchar *hash_after = NULL;
	g_autoptr(GError) error = NULL;
	JsonObject *tunnel = arc_rest_tunnel_of(before);
	g_autoptr(GInetAddress) v4 = NULL;
	g_autoptr(GInetAddress) v6 = NULL;
	GStatBuf st;
	gboolean restarted;

	g_assert_cmpint(g_stat(key_path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_cmpuint(strlen(json_object_get_string_member(tunnel, "public_key")), ==, 44);
	g_assert_cmpint(json_object_get_int_member(tunnel, "port"), ==, 51840);
	v4 = g_inet_address_new_from_string(json_object_get_string_member(tunnel, "ipv4"));
	g_assert_nonnull(v4);
	g_assert_cmpint(g_inet_address_get_family(v4), ==, G_SOCKET_FAMILY_IPV4);
	v6 = g_inet_address_new_from_string(json_object_get_string_member(tunnel, "ipv6"));
	g_assert_nonnull(v6);
	g_assert_cmpint(g_inet_address_get_family(v6), ==, G_SOCKET_FAMILY_IPV6);

	/* a restart with the same key, port and addresses writes nothing */
	hash = arc_rest_tunnel_registry_hash(fixture);
	restarted = arc_test_agent_restart(fixture->agent, &error);
	g_assert_no_error(error);
	g_assert_true(restarted);
	g_usleep(500 * 1000);
	after = arc_rest_tunnel_get_self(fixture);
	hash_after = arc_rest_tunnel_registry_hash(fixture);
	g_assert_cmpstr(hash_after, ==, hash);
	tunnel = arc_rest_tunnel_of(after);
	g_assert_cmpstr(json_object_get_string_member(tunnel, "public_key"), ==,
			json_object_get_string_member(arc_rest_tunnel_of(before), "public_key"));
	g_assert_cmpstr(json_object_get_string_member(tunnel, "ipv4"), ==,
			json_object_get_string_member(arc_rest_tunnel_of(before), "ipv4"));
}

/* another port in agent.conf: the record follows once, at the next start */
static void
arc_rest_tunnel_port_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(JsonNode) before = arc_rest_tunnel_wait_self(fixture);
	g_autoptr(GError) error = NULL;
	gboolean restarted;

	arc_test_agent_add_config(fixture->agent, "[tunnel]\nport = 51999\n");
	restarted = arc_test_agent_restart(fixture->agent, &error);
	g_assert_no_error(error);
	g_assert_true(restarted);
	for (guint i = 0; i < 100; i++) {
		g_autoptr(JsonNode) self = arc_rest_tunnel_get_self(fixture);
		JsonObject *tunnel = arc_rest_tunnel_of(self);

		if (json_object_get_int_member(tunnel, "port") == 51999) {
			g_assert_cmpstr(
				json_object_get_string_member(tunnel, "ipv4"), ==,
				json_object_get_string_member(arc_rest_tunnel_of(before), "ipv4"));
			return;
		}
		g_usleep(50 * 1000);
	}
	g_error("the record does not state the new tunnel port");
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);
	g_test_add("/rest/tunnel/self", ArcRestFixture, NULL, arc_rest_fixture_setup_bootstrapped,
		   arc_rest_tunnel_self_func, arc_rest_fixture_teardown);
	g_test_add("/rest/tunnel/port", ArcRestFixture, NULL, arc_rest_fixture_setup_bootstrapped,
		   arc_rest_tunnel_port_func, arc_rest_fixture_teardown);
	return g_test_run();
}
