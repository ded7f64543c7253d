/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-dbus-fixture.h"

/* The Peer objects of the built arctic-agent on a private bus, and the Agent's methods on
 * peers: AddPeer, UpdatePeer, RemovePeer, RemoveSelf, Sync; each checked against REST. */

/* The Peer object at @path shows what GET /v1/peers shows for that peer. */
static void
arc_dbus_test_assert_peer_as_rest(ArcDbusTestFixture *fx, const gchar *path)
{
	g_autoptr(GVariant) props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_autoptr(JsonNode) list = NULL;
	g_autoptr(GDateTime) created = NULL;
	g_autofree gchar *id = NULL;
	JsonObject *rest = NULL;
	JsonArray *peers;
	guint status = 0;
	const gchar *strings[][2] = {
		{"Name", "name"},
		{"Address", "address"},
		{"PublicKey", "public_key"},
		{"State", "state"},
	};

	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	list = arc_dbus_test_api(fx, "GET", "/v1/peers", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	peers = json_node_get_array(list);
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		if (g_strcmp0(json_object_get_string_member(peer, "id"), id) == 0)
			rest = peer;
	}
	g_assert_nonnull(rest);
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_autofree gchar *value = arc_dbus_test_vardict_string(props, strings[i][0]);
		g_assert_cmpstr(value, ==, json_object_get_string_member(rest, strings[i][1]));
	}
	g_assert_cmpint(arc_dbus_test_vardict_bool(props, "IsLocal"), ==,
			json_object_get_boolean_member(rest, "is_local"));
	created = g_date_time_new_from_iso8601(json_object_get_string_member(rest, "created_at"),
					       NULL);
	g_assert_nonnull(created);
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), ==,
			g_date_time_to_unix(created));
}

static void
arc_dbus_test_peers_objects_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *public_key = NULL;
	g_autofree gchar *state = NULL;
	g_autofree gchar *own_key = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GVariant) again = NULL;
	g_autoptr(GVariant) identity = NULL;
	g_autoptr(GError) error = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "local-node");
	path = arc_dbus_test_peer_path(peer_id);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);

	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	name = arc_dbus_test_vardict_string(props, "Name");
	address = arc_dbus_test_vardict_string(props, "Address");
	public_key = arc_dbus_test_vardict_string(props, "PublicKey");
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(id, ==, peer_id);
	g_assert_cmpstr(name, ==, "local-node");
	g_assert_cmpstr(address, !=, "");
	arc_dbus_agent_call_get_identity_sync(fx->proxy, &identity, NULL, &error);
	g_assert_no_error(error);
	own_key = arc_dbus_test_vardict_string(identity, "public_key");
	g_assert_cmpstr(public_key, ==, own_key);
	g_assert_cmpstr(state, ==, "active");
	g_assert_true(arc_dbus_test_vardict_bool(props, "IsLocal"));
	g_assert_cmpint(arc_dbus_test_vardict_int64(props, "CreatedAt"), >, 0);
	arc_dbus_test_assert_peer_as_rest(fx, path);

	/* a restarted agent exports its peers from the start (on a new port: a new Address) */
	g_clear_object(&fx->proxy);
	arc_dbus_test_stop_agent(fx);
	arc_dbus_test_start_agent(fx, TRUE, NULL);
	arc_dbus_test_wait_name(fx);
	again = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(again);
	g_assert_true(arc_dbus_test_vardict_bool(again, "IsLocal"));
	arc_dbus_test_assert_peer_as_rest(fx, path);
}

static void
arc_dbus_test_peers_update_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *event = NULL;
	g_autofree gchar *changed_prefix = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autofree gchar *name = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "before");
	path = arc_dbus_test_peer_path(peer_id);

	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "after", NULL, &error);
	g_assert_no_error(error);
	event = g_strdup_printf("changed %s Name", path);
	arc_dbus_test_wait_event(fx, event);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	name = arc_dbus_test_vardict_string(props, "Name");
	g_assert_cmpstr(name, ==, "after");
	rest_path = g_strconcat("/v1/peers/", peer_id, NULL);
	rest = arc_dbus_test_api(fx, "GET", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "name"), ==,
			"after");

	/* the same name again changes nothing, so nothing is announced: a later change shows
	 * that the earlier signal would have arrived before it */
	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "after", NULL, &error);
	g_assert_no_error(error);
	arc_dbus_agent_call_update_peer_sync(fx->proxy, peer_id, "", NULL, &error);
	g_assert_no_error(error);
	changed_prefix = g_strdup_printf("changed %s ", path);
	arc_dbus_test_wait_events(fx, changed_prefix, 2);
	g_usleep(G_USEC_PER_SEC / 10);
	g_main_context_iteration(NULL, FALSE);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, changed_prefix), ==, 2);

	/* an unknown peer */
	arc_dbus_agent_call_update_peer_sync(fx->proxy, "peer_01J00000000000000000000000", "x",
					     NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotFound",
					   "peer not found: peer_01J00000000000000000000000");
}

static void
arc_dbus_test_peers_remove_local_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	const gchar *message = "cannot delete the local peer: use 'arctic peers remove-self' to "
			       "leave the cluster";
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *rest_path = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	peer_id = arc_dbus_test_bootstrap_peers(fx, "");
	path = arc_dbus_test_peer_path(peer_id);

	arc_dbus_agent_call_remove_peer_sync(fx->proxy, peer_id, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   message);
	rest_path = g_strconcat("/v1/peers/", peer_id, NULL);
	rest = arc_dbus_test_api(fx, "DELETE", rest_path, NULL, &status);
	g_assert_cmpuint(status, ==, 400);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "error"), ==,
			message);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, "removed "), ==, 0);
}

static void
arc_dbus_test_peers_add_refused_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *address = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autoptr(JsonNode) rest = NULL;
	g_autoptr(GError) error = NULL;
	gchar *path = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	/* nothing listens on a port just freed */
	address = g_strdup_printf("127.0.0.1:%u", arc_test_agent_free_port());

	/* an agent that is not bootstrapped adds no peer */
	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.NotBootstrapped",
					   "agent is not bootstrapped");
	g_clear_error(&error);

	peer_id = arc_dbus_test_bootstrap_peers(fx, "");
	arc_dbus_agent_call_add_peer_sync(fx->proxy, address, "nobody", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.PeerUnreachable",
					   "handshake failed: connection refused");
	g_clear_error(&error);
	body = g_strdup_printf("{\"address\": \"%s\", \"name\": \"nobody\"}", address);
	rest = arc_dbus_test_api(fx, "POST", "/v1/peers", body, &status);
	g_assert_cmpuint(status, ==, 422);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(rest), "error"), ==,
			"handshake failed: connection refused");

	arc_dbus_agent_call_add_peer_sync(fx->proxy, "", "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'address' is required (host:port)");
	g_clear_error(&error);
	arc_dbus_agent_call_add_peer_sync(fx->proxy, "no-port", "", &path, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "'address' must be host:port, e.g. 192.168.1.20:8080");
	g_assert_null(path);
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);
}

static void
arc_dbus_test_peers_add_remove_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *other_path = NULL;
	g_autofree gchar *other_address = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *public_key = NULL;
	g_autofree gchar *state = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(JsonNode) identity = NULL;
	g_autoptr(GError) error = NULL;
	gchar *again = NULL;
	guint status = 0;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "local-node");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_peer_path(arc_test_agent_get_peer_id(fx->other));
	other_address = arc_test_agent_get_address(fx->other);

	/* a new object, announced by InterfacesAdded, at the path AddPeer answers */
	path = arc_dbus_test_add_other(fx, "other-node");
	g_assert_cmpstr(path, ==, other_path);
	props = arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	id = arc_dbus_test_vardict_string(props, "Id");
	name = arc_dbus_test_vardict_string(props, "Name");
	address = arc_dbus_test_vardict_string(props, "Address");
	public_key = arc_dbus_test_vardict_string(props, "PublicKey");
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(id, ==, arc_test_agent_get_peer_id(fx->other));
	g_assert_cmpstr(name, ==, "other-node");
	g_assert_cmpstr(address, ==, other_address);
	identity =
		arc_test_agent_call(fx->other, "GET", "/v1/cluster/identity", NULL, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	g_assert_cmpstr(public_key, ==, arc_test_json_string(identity, "public_key"));
	g_assert_cmpstr(state, ==, "active");
	g_assert_false(arc_dbus_test_vardict_bool(props, "IsLocal"));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 2);

	/* the same again: refused as REST refuses it */
	arc_dbus_agent_call_add_peer_sync(fx->proxy, other_address, "", &again, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.AlreadyExists",
					   "peer already exists in cluster");
	g_clear_error(&error);
	g_assert_null(again);

	/* removed: InterfacesRemoved, and the local peer stays */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	g_assert_no_error(error);
	removed = g_strconcat("removed ", path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	g_assert_null(arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE));
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);
	g_assert_cmpuint(arc_dbus_test_count_events(fx, "removed "), ==, 1);

	/* and gone for good */
	arc_dbus_agent_call_remove_peer_sync(fx->proxy, arc_test_agent_get_peer_id(fx->other), NULL,
					     &error);
	arc_dbus_test_assert_dbus_error(error, "com.tillered.Arctic1.Error.NotFound");
}

/* RemoveSelf with the other agent answering, or stopped (then it is unreachable). */
static void
arc_dbus_test_peers_remove_self_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	gboolean reachable = GPOINTER_TO_INT(user_data);
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *other_path = NULL;
	g_autofree gchar *other_address = NULL;
	g_autofree gchar *removed = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *state = NULL;
	g_auto(GStrv) notified = NULL;
	g_autoptr(GVariant) unreachable = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *id = NULL;
	const gchar *address = NULL;
	const gchar *reason = NULL;

	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "leaver");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	other_path = arc_dbus_test_add_other(fx, "");
	other_address = arc_test_agent_get_address(fx->other);
	if (!reachable) {
		arc_test_agent_stop(fx->other, NULL, &error);
		g_assert_no_error(error);
	}

	arc_dbus_agent_call_remove_self_sync(fx->proxy, &notified, &unreachable, NULL, &error);
	g_assert_no_error(error);
	if (reachable) {
		g_assert_cmpuint(g_strv_length(notified), ==, 1);
		g_assert_cmpstr(notified[0], ==, arc_test_agent_get_peer_id(fx->other));
		g_assert_cmpuint(g_variant_n_children(unreachable), ==, 0);
	} else {
		g_assert_cmpuint(g_strv_length(notified), ==, 0);
		g_assert_cmpuint(g_variant_n_children(unreachable), ==, 1);
		g_variant_get_child(unreachable, 0, "(&s&s&s)", &id, &address, &reason);
		g_assert_cmpstr(id, ==, arc_test_agent_get_peer_id(fx->other));
		g_assert_cmpstr(address, ==, other_address);
		g_assert_cmpstr(reason, !=, "");
	}

	/* the other peer's object goes, the local one stays, deactivated */
	removed = g_strconcat("removed ", other_path, NULL);
	arc_dbus_test_wait_event(fx, removed);
	changed = g_strdup_printf("changed %s State", local_path);
	arc_dbus_test_wait_event(fx, changed);
	props = arc_dbus_test_managed(fx, local_path, ARC_DBUS_TEST_PEER_IFACE);
	g_assert_nonnull(props);
	state = arc_dbus_test_vardict_string(props, "State");
	g_assert_cmpstr(state, ==, "deactivated");
	g_assert_cmpuint(arc_dbus_test_count_objects(fx, ARC_DBUS_TEST_PEERS_PATH "/"), ==, 1);

	arc_dbus_agent_call_remove_self_sync(fx->proxy, NULL, NULL, NULL, &error);
	arc_dbus_test_assert_error_message(error, "com.tillered.Arctic1.Error.InvalidRequest",
					   "this agent has already left the cluster");
}

/* Reachability follows what gossip observes of a peer; Sync starts a round with each peer */
static void
arc_dbus_test_peers_reachability_func(ArcDbusTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *local_id = NULL;
	g_autofree gchar *local_path = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *changed = NULL;
	g_autofree gchar *local_reach = NULL;
	g_autoptr(GError) error = NULL;
	gint64 deadline;
	guint peers = 0;

	/* fast gossip, so that a stopped peer is unreachable within a second or two */
	arc_test_agent_add_config(fx->agent, "[gossip]\ninterval=0.1\n"
					     "suspect_after=0.5\nunreachable_after=1\n"
					     "timeout=1\n");
	if (!arc_dbus_test_fixture_start_on_bus(fx))
		return;
	local_id = arc_dbus_test_bootstrap_peers(fx, "watcher");
	local_path = arc_dbus_test_peer_path(local_id);
	arc_dbus_test_start_other(fx);
	path = arc_dbus_test_add_other(fx, "watched");

	{
		g_autoptr(GVariant) props =
			arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
		g_autoptr(GVariant) local =
			arc_dbus_test_managed(fx, local_path, ARC_DBUS_TEST_PEER_IFACE);
		g_autofree gchar *reach = arc_dbus_test_vardict_string(props, "Reachability");
		g_autofree gchar *tunnel = arc_dbus_test_vardict_string(props, "TunnelState");
		g_autofree gchar *local_tunnel = arc_dbus_test_vardict_string(local, "TunnelState");
		guint64 rx = 1;

		local_reach = arc_dbus_test_vardict_string(local, "Reachability");
		g_assert_cmpstr(reach, ==, "alive");
		g_assert_cmpstr(local_reach, ==, "");
		/* agents run without CAP_NET_ADMIN: no tunnel, said rather than shown as zeros;
		 * none to the local peer */
		g_assert_cmpstr(tunnel, ==, "disabled");
		g_assert_cmpstr(local_tunnel, ==, "none");
		g_assert_true(g_variant_lookup(props, "TunnelRxBytes", "t", &rx));
		g_assert_cmpuint(rx, ==, 0);
	}
	arc_dbus_agent_call_sync_sync(fx->proxy, &peers, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(peers, ==, 1);

	arc_test_agent_kill(fx->other);
	changed = g_strdup_printf("changed %s Reachability", path);
	arc_dbus_test_wait_event(fx, changed);
	deadline = g_get_monotonic_time() + ARC_DBUS_TEST_TIMEOUT_US;
	for (;;) {
		g_autoptr(GVariant) props =
			arc_dbus_test_managed(fx, path, ARC_DBUS_TEST_PEER_IFACE);
		g_autofree gchar *reach = arc_dbus_test_vardict_string(props, "Reachability");
		if (g_strcmp0(reach, "unreachable") == 0)
			break;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_assert_true(g_strcmp0(reach, "alive") == 0 || g_strcmp0(reach, "suspect") == 0);
		arc_dbus_test_sleep();
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/dbus/peers/objects", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_objects_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/update", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_update_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-local", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_remove_local_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/add-refused", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_add_refused_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/add-remove", ArcDbusTestFixture, NULL, arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_add_remove_func, arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/reachability", ArcDbusTestFixture, NULL,
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_reachability_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-self", ArcDbusTestFixture, GINT_TO_POINTER(TRUE),
		   arc_dbus_test_fixture_setup, arc_dbus_test_peers_remove_self_func,
		   arc_dbus_test_fixture_teardown);
	g_test_add("/dbus/peers/remove-self-unreachable", ArcDbusTestFixture,
		   GINT_TO_POINTER(FALSE), arc_dbus_test_fixture_setup,
		   arc_dbus_test_peers_remove_self_func, arc_dbus_test_fixture_teardown);
	return g_test_run();
}
