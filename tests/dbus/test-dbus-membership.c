/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "arc-dbus-generated.h"
#include "arc-test-agent.h"

/* Cluster membership over D-Bus (docs/dbus.md): join tokens, AddPeerWithOptions,
 * RemovePeerWithOptions and the license's nodes_in_use, each checked against what the REST
 * twin answers. The agent under test serves a private session bus (GTestDBus); the other
 * agents of the cluster speak REST only. The shared fixture is tests/common's ArcTestAgent. */

#define ARC_DBUS_MB_NAME "com.tillered.Arctic1"
#define ARC_DBUS_MB_AGENT_PATH "/com/tillered/Arctic1/Agent"
#define ARC_DBUS_MB_PEERS_PATH "/com/tillered/Arctic1/peers/"
#define ARC_DBUS_MB_ERROR "com.tillered.Arctic1.Error."
#define ARC_DBUS_MB_WAIT_US (15 * G_USEC_PER_SEC)
/* fast gossip, so that a credential minted elsewhere arrives within the test's patience */
#define ARC_DBUS_MB_CONFIG "[gossip]\ninterval=0.1\n"
#define ARC_DBUS_MB_NO_TOKEN "handshake failed: this cluster requires a join token"

typedef struct {
	GTestDBus *bus;
	ArcTestAgent *agent; /* on the bus */
	gchar *token;        /* its cluster credential's access token */
	ArcDbusAgent *proxy;
	ArcTestAgent *others[2]; /* same customer and issuer, REST only */
	gchar *other_tokens[2];
} ArcDbusMbFixture;

static ArcTestAgent *
arc_dbus_mb_agent_new(ArcTestAgent *issuer_of, gboolean dbus, gchar **token)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(JsonNode) boot = NULL;
	g_autoptr(GError) error = NULL;

	if (issuer_of != NULL)
		arc_test_agent_share_issuer(agent, issuer_of);
	arc_test_agent_set_no_dbus(agent, !dbus);
	arc_test_agent_add_config(agent, ARC_DBUS_MB_CONFIG);
	arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	boot = arc_test_agent_bootstrap(agent, &error);
	g_assert_no_error(error);
	*token = arc_test_agent_token(agent, arc_test_agent_get_client_id(agent),
				      arc_test_agent_get_client_secret(agent), &error);
	g_assert_no_error(error);
	return g_steal_pointer(&agent);
}

static void
arc_dbus_mb_setup(ArcDbusMbFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *dbus_daemon = g_find_program_in_path("dbus-daemon");
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_MB_WAIT_US;

	if (dbus_daemon == NULL)
		return;
	fx->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(fx->bus); /* sets DBUS_SESSION_BUS_ADDRESS, which the agents inherit */
	fx->agent = arc_dbus_mb_agent_new(NULL, TRUE, &fx->token);
	for (guint i = 0; i < G_N_ELEMENTS(fx->others); i++)
		fx->others[i] = arc_dbus_mb_agent_new(fx->agent, FALSE, &fx->other_tokens[i]);
	fx->proxy = arc_dbus_agent_proxy_new_for_bus_sync(
		G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ARC_DBUS_MB_NAME,
		ARC_DBUS_MB_AGENT_PATH, NULL, &error);
	g_assert_no_error(error);
	/* the name is owned a moment after the agent answers HTTP */
	while (g_get_monotonic_time() < deadline) {
		g_autofree gchar *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(fx->proxy));
		if (owner != NULL)
			break;
		g_main_context_iteration(NULL, FALSE);
		g_usleep(20 * 1000);
	}
	g_clear_object(&fx->proxy);
	fx->proxy = arc_dbus_agent_proxy_new_for_bus_sync(
		G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, ARC_DBUS_MB_NAME,
		ARC_DBUS_MB_AGENT_PATH, NULL, &error);
	g_assert_no_error(error);
}

static void
arc_dbus_mb_teardown(ArcDbusMbFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	gint status = 0;

	g_clear_object(&fx->proxy);
	for (guint i = 0; i < G_N_ELEMENTS(fx->others); i++) {
		if (fx->others[i] != NULL)
			arc_test_agent_stop(fx->others[i], &status, NULL);
		g_clear_object(&fx->others[i]);
		g_free(fx->other_tokens[i]);
	}
	if (fx->agent != NULL) {
		arc_test_agent_stop(fx->agent, &status, &error);
		g_assert_no_error(error);
		g_assert_cmpint(status, ==, 0);
	}
	g_clear_object(&fx->agent);
	g_free(fx->token);
	if (fx->bus != NULL) {
		g_test_dbus_down(fx->bus);
		g_object_unref(fx->bus);
	}
}

static gboolean
arc_dbus_mb_skip(ArcDbusMbFixture *fx)
{
	if (fx->bus != NULL)
		return FALSE;
	g_test_skip("dbus-daemon not found");
	return TRUE;
}

static void
arc_dbus_mb_assert_error(GError *error, const gchar *name, const gchar *message)
{
	g_autofree gchar *remote = NULL;

	g_assert_nonnull(error);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
	g_dbus_error_strip_remote_error(error);
	g_assert_cmpstr(error->message, ==, message);
}

/* the REST answer of the agent under test, with its cluster credential */
static JsonNode *
arc_dbus_mb_rest(ArcDbusMbFixture *fx, const gchar *method, const gchar *path, const gchar *body,
		 guint *status)
{
	return arc_test_agent_call(fx->agent, method, path, fx->token, body, status);
}

static JsonNode *
arc_dbus_mb_other_rest(ArcDbusMbFixture *fx, guint i, const gchar *method, const gchar *path,
		       const gchar *body, guint *status)
{
	return arc_test_agent_call(fx->others[i], method, path, fx->other_tokens[i], body, status);
}

/* whether the agent under test exports an object at @path */
static gboolean
arc_dbus_mb_has_object(ArcDbusMbFixture *fx, const gchar *path)
{
	GDBusConnection *connection = g_dbus_proxy_get_connection(G_DBUS_PROXY(fx->proxy));
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) objects = NULL;
	g_autoptr(GVariant) found = NULL;
	g_autoptr(GError) error = NULL;

	reply = g_dbus_connection_call_sync(
		connection, ARC_DBUS_MB_NAME, "/com/tillered/Arctic1",
		"org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
		G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	objects = g_variant_get_child_value(reply, 0);
	found = g_variant_lookup_value(objects, path, NULL);
	return found != NULL;
}

static gint64
arc_dbus_mb_nodes_in_use(ArcDbusMbFixture *fx)
{
	g_autoptr(GVariant) license = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	gint64 nodes = -1;
	guint status = 0;

	arc_dbus_agent_call_get_license_sync(fx->proxy, &license, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_variant_lookup(license, "nodes_in_use", "x", &nodes));
	/* the REST twin counts the same */
	rest = arc_dbus_mb_rest(fx, "GET", "/v1/license", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpint(arc_test_json_int(rest, "nodes_in_use"), ==, nodes);
	return nodes;
}

static gchar *
arc_dbus_mb_add_other(ArcDbusMbFixture *fx, guint i)
{
	g_autofree gchar *address = arc_test_agent_get_address(fx->others[i]);
	g_autoptr(GError) error = NULL;
	gchar *path = NULL;

	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, "", &path, NULL, &error);
	g_assert_no_error(error);
	return path;
}

/* CreateJoinToken makes a token with which a host joins through this agent, as REST's */
static void
arc_dbus_mb_join_token_func(ArcDbusMbFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *token = NULL;
	g_autofree gchar *prefix = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *new_path = NULL;
	g_autofree gchar *first = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(JsonNode) refused = NULL;
	g_autoptr(JsonNode) joined = NULL;
	g_autoptr(GError) error = NULL;
	gint64 expires_at = 0;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	guint status = 0;

	if (arc_dbus_mb_skip(fx))
		return;
	/* a ttl out of range: the REST API's error and message */
	arc_dbus_agent_call_create_join_token_sync(fx->proxy, 86401, &id, &token, &expires_at, NULL,
						   &error);
	rest = arc_dbus_mb_rest(fx, "POST", "/v1/cluster/join-tokens", "{\"ttl\": 86401}", &status);
	g_assert_cmpuint(status, ==, 400);
	arc_dbus_mb_assert_error(error, ARC_DBUS_MB_ERROR "InvalidRequest",
				 arc_test_json_string(rest, "error"));
	g_clear_error(&error);

	/* with a peer, this agent takes an unknown host only with a token */
	first = arc_dbus_mb_add_other(fx, 0);
	address = arc_test_agent_get_address(fx->agent);
	body = g_strdup_printf("{\"address\": \"%s\"}", address);
	refused = arc_dbus_mb_other_rest(fx, 1, "POST", "/v1/peers", body, &status);
	g_assert_cmpuint(status, ==, 422);
	g_assert_cmpstr(arc_test_json_string(refused, "error"), ==, ARC_DBUS_MB_NO_TOKEN);

	arc_dbus_agent_call_create_join_token_sync(fx->proxy, 0, &id, &token, &expires_at, NULL,
						   &error);
	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(id, "jt_"));
	prefix = g_strconcat(id, ".", NULL);
	g_assert_true(g_str_has_prefix(token, prefix));
	g_assert_cmpuint(strlen(token), >, strlen(prefix));
	/* the default ttl, 900 s */
	g_assert_cmpint(expires_at, >=, now + 900 - 5);
	g_assert_cmpint(expires_at, <=, g_get_real_time() / G_USEC_PER_SEC + 900 + 5);

	g_free(body);
	body = g_strdup_printf("{\"address\": \"%s\", \"join_token\": \"%s\"}", address, token);
	joined = arc_dbus_mb_other_rest(fx, 1, "POST", "/v1/peers", body, &status);
	g_assert_cmpuint(status, ==, 201);
	new_path = g_strconcat(ARC_DBUS_MB_PEERS_PATH, arc_test_agent_get_peer_id(fx->others[1]),
			       NULL);
	g_assert_true(arc_dbus_mb_has_object(fx, new_path));
}

/* AddPeerWithOptions: name and join_token, as POST /v1/peers takes them */
static void
arc_dbus_mb_add_with_options_func(ArcDbusMbFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *address = arc_test_agent_get_address(fx->others[0]);
	g_autofree gchar *other_address = arc_test_agent_get_address(fx->others[1]);
	g_autofree gchar *body = NULL;
	g_autofree gchar *rest_body = NULL;
	g_autofree gchar *expected_path = NULL;
	g_autoptr(JsonNode) joined = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(JsonNode) token = NULL;
	g_autoptr(GVariant) result = NULL;
	g_autoptr(ArcDbusPeer) peer = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = NULL;
	guint status = 0;

	if (arc_dbus_mb_skip(fx))
		return;
	/* the two others form a cluster, which this agent then asks to join */
	body = g_strdup_printf("{\"address\": \"%s\"}", other_address);
	joined = arc_dbus_mb_other_rest(fx, 0, "POST", "/v1/peers", body, &status);
	g_assert_cmpuint(status, ==, 201);

	/* options are checked as REST checks the body's members */
	arc_dbus_agent_call_add_peer_with_options_sync(fx->proxy, address,
						       g_variant_new_parsed("{'name': <1>}"), &path,
						       &result, NULL, &error);
	rest_body = g_strdup_printf("{\"address\": \"%s\", \"name\": 1}", address);
	rest = arc_dbus_mb_rest(fx, "POST", "/v1/peers", rest_body, &status);
	g_assert_cmpuint(status, ==, 400);
	arc_dbus_mb_assert_error(error, ARC_DBUS_MB_ERROR "InvalidRequest",
				 arc_test_json_string(rest, "error"));
	g_clear_error(&error);
	arc_dbus_agent_call_add_peer_with_options_sync(fx->proxy, address,
						       g_variant_new_parsed("{'token': <'x'>}"),
						       &path, &result, NULL, &error);
	arc_dbus_mb_assert_error(error, ARC_DBUS_MB_ERROR "InvalidRequest",
				 "'token' is not an option: name or join_token");
	g_clear_error(&error);

	/* without a token: refused, as REST refuses it */
	arc_dbus_agent_call_add_peer_with_options_sync(fx->proxy, address,
						       g_variant_new_parsed("@a{sv} {}"), &path,
						       &result, NULL, &error);
	arc_dbus_mb_assert_error(error, ARC_DBUS_MB_ERROR "HandshakeFailed", ARC_DBUS_MB_NO_TOKEN);
	g_clear_error(&error);
	g_assert_null(path);

	/* with one of the member's tokens, and a name */
	token = arc_dbus_mb_other_rest(fx, 0, "POST", "/v1/cluster/join-tokens", "{}", &status);
	g_assert_cmpuint(status, ==, 201);
	arc_dbus_agent_call_add_peer_with_options_sync(
		fx->proxy, address,
		g_variant_new_parsed("{'join_token': <%s>, 'name': <'entry'>}",
				     arc_test_json_string(token, "token")),
		&path, &result, NULL, &error);
	g_assert_no_error(error);
	expected_path = g_strconcat(ARC_DBUS_MB_PEERS_PATH,
				    arc_test_agent_get_peer_id(fx->others[0]), NULL);
	g_assert_cmpstr(path, ==, expected_path);
	g_assert_true(g_variant_is_of_type(result, G_VARIANT_TYPE_VARDICT));
	peer = arc_dbus_peer_proxy_new_for_bus_sync(G_BUS_TYPE_SESSION,
						    G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
						    ARC_DBUS_MB_NAME, path, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(arc_dbus_peer_get_name(peer), ==, "entry");
	g_assert_cmpstr(arc_dbus_peer_get_state(peer), ==, "active");
	g_free(path);
}

/* whether the agent under test lists credential @client_id */
static gboolean
arc_dbus_mb_has_credential(ArcDbusMbFixture *fx, const gchar *client_id)
{
	guint status = 0;
	g_autoptr(JsonNode) list = arc_dbus_mb_rest(fx, "GET", "/v1/credentials", NULL, &status);
	JsonArray *items;

	g_assert_cmpuint(status, ==, 200);
	items = json_object_get_array_member(json_node_get_object(list), "credentials");
	for (guint i = 0; i < json_array_get_length(items); i++) {
		JsonObject *item = json_array_get_object_element(items, i);
		if (g_strcmp0(json_object_get_string_member(item, "client_id"), client_id) == 0)
			return TRUE;
	}
	return FALSE;
}

/* RemovePeerWithOptions answers what went with the peer; nodes_in_use follows */
static void
arc_dbus_mb_remove_with_options_func(ArcDbusMbFixture *fx, gconstpointer user_data)
{
	const gchar *other_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *minted = NULL;
	g_autofree const gchar **revoked = NULL;
	g_autofree gchar *remote = NULL;
	g_autoptr(JsonNode) created = NULL;
	g_autoptr(GVariant) result = NULL;
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + ARC_DBUS_MB_WAIT_US;
	guint status = 0;

	if (arc_dbus_mb_skip(fx))
		return;
	g_assert_cmpint(arc_dbus_mb_nodes_in_use(fx), ==, 1);
	path = arc_dbus_mb_add_other(fx, 0);
	other_id = arc_test_agent_get_peer_id(fx->others[0]);
	g_assert_cmpint(arc_dbus_mb_nodes_in_use(fx), ==, 2);

	/* a credential the other peer mints reaches this agent by gossip */
	created = arc_dbus_mb_other_rest(fx, 0, "POST", "/v1/credentials",
					 "{\"scopes\": [\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	minted = g_strdup(arc_test_json_string(created, "client_id"));
	while (!arc_dbus_mb_has_credential(fx, minted) && g_get_monotonic_time() < deadline)
		g_usleep(50 * 1000);
	g_assert_true(arc_dbus_mb_has_credential(fx, minted));

	/* no option is defined yet: refused, and nothing changes */
	arc_dbus_agent_call_remove_peer_with_options_sync(fx->proxy, other_id,
							  g_variant_new_parsed("{'force': <true>}"),
							  &result, NULL, &error);
	arc_dbus_mb_assert_error(error, ARC_DBUS_MB_ERROR "InvalidRequest",
				 "'force' is not an option: none are defined");
	g_clear_error(&error);
	g_assert_true(arc_dbus_mb_has_object(fx, path));

	arc_dbus_agent_call_remove_peer_with_options_sync(
		fx->proxy, other_id, g_variant_new_parsed("@a{sv} {}"), &result, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_variant_lookup(result, "revoked_credentials", "^a&s", &revoked));
	g_assert_true(g_strv_contains(revoked, minted));
	/* the cluster's shared credential belongs to the cluster, not to the peer */
	g_assert_false(g_strv_contains(revoked, arc_test_agent_get_client_id(fx->agent)));
	g_assert_false(arc_dbus_mb_has_object(fx, path));
	g_assert_cmpint(arc_dbus_mb_nodes_in_use(fx), ==, 1);

	/* and gone: the errors of RemovePeer */
	arc_dbus_agent_call_remove_peer_with_options_sync(
		fx->proxy, other_id, g_variant_new_parsed("@a{sv} {}"), NULL, NULL, &error);
	g_assert_true(g_dbus_error_is_remote_error(error));
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, ARC_DBUS_MB_ERROR "NotFound");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/dbus/membership/join-token", ArcDbusMbFixture, NULL, arc_dbus_mb_setup,
		   arc_dbus_mb_join_token_func, arc_dbus_mb_teardown);
	g_test_add("/dbus/membership/add-with-options", ArcDbusMbFixture, NULL, arc_dbus_mb_setup,
		   arc_dbus_mb_add_with_options_func, arc_dbus_mb_teardown);
	g_test_add("/dbus/membership/remove-with-options", ArcDbusMbFixture, NULL,
		   arc_dbus_mb_setup, arc_dbus_mb_remove_with_options_func, arc_dbus_mb_teardown);
	return g_test_run();
}
