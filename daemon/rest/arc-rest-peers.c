/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "arc-rest-peers.h"

#include "arc-rest-tunnel-status.h"

/* Handlers of /v1/peers, /v1/handshake, /v1/gossip and the cluster's membership
 * (/v1/cluster/init, sync, status, join-tokens), in the route table of arc-rest-routes.c. */

/* What GET shows of the tunnels besides the peers' records; the answers to add and update
 * leave it out (a new tunnel has nothing to show yet). */
typedef struct {
	GPtrArray *list; /* (nullable): arc_engine_get_tunnel_status(), %NULL without a tunnel */
	gint64 now;
} ArcRestTunnels;

static void
arc_rest_tunnels_init(ArcRestTunnels *tunnels, ArcEngine *engine)
{
	tunnels->list = arc_engine_get_tunnel_status(engine);
	/* the plugin's handshake times are wall-clock, whatever clock the engine keeps */
	tunnels->now = g_get_real_time() / G_USEC_PER_SEC;
}

static void
arc_rest_tunnels_clear(ArcRestTunnels *tunnels)
{
	g_clear_pointer(&tunnels->list, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcRestTunnels, arc_rest_tunnels_clear)

static void
arc_rest_add_peer_members(JsonBuilder *b, const ArcPeerInfo *peer, const ArcRestTunnels *tunnels)
{
	arc_rest_builder_add_string(b, "id", peer->id);
	arc_rest_builder_add_string(b, "name", peer->name);
	arc_rest_builder_add_string(b, "public_key", peer->public_key);
	json_builder_set_member_name(b, "is_local");
	json_builder_add_boolean_value(b, peer->is_local);
	arc_rest_builder_add_string(b, "address", peer->address);
	arc_rest_builder_add_string(b, "state", arc_peer_state_to_string(peer->state));
	arc_rest_builder_add_time(b, "created_at", peer->created_at);
	if (peer->tunnel_key == NULL)
		return;
	/* docs/protocol.md, "Tunnel addresses": what its record states of its tunnel */
	json_builder_set_member_name(b, "tunnel");
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "public_key", peer->tunnel_key);
	json_builder_set_member_name(b, "port");
	json_builder_add_int_value(b, peer->tunnel_port);
	if (peer->tunnel_ipv4 != NULL)
		arc_rest_builder_add_string(b, "ipv4", peer->tunnel_ipv4);
	if (peer->tunnel_ipv6 != NULL)
		arc_rest_builder_add_string(b, "ipv6", peer->tunnel_ipv6);
	/* what this agent's tunnel says of it now; there is none to the local peer */
	if (tunnels != NULL && !peer->is_local)
		arc_rest_tunnel_status_add(b, "status", tunnels->list, peer->id, tunnels->now);
	json_builder_end_object(b);
}

static void
arc_rest_add_peer(JsonBuilder *b, const ArcPeerInfo *peer, const ArcRestTunnels *tunnels)
{
	json_builder_begin_object(b);
	arc_rest_add_peer_members(b, peer, tunnels);
	json_builder_end_object(b);
}

/* `self` names the local peer in /v1/peers/{id} */
static const gchar *
arc_rest_peer_param(ArcRestRequest *req)
{
	if (g_strcmp0(req->params[0], "self") == 0) {
		g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(req->engine);
		if (info->peer_id != NULL) {
			req->params[1] = g_intern_string(info->peer_id);
			return req->params[1];
		}
	}
	return req->params[0];
}

/* ?is_local=true|false; absent: every peer */
static gboolean
arc_rest_peers_filter(ArcRestRequest *req, gint *is_local, GError **error)
{
	const gchar *query = g_uri_get_query(soup_server_message_get_uri(req->msg));
	g_autoptr(GHashTable) params = NULL;
	const gchar *value;

	*is_local = -1;
	if (query == NULL)
		return TRUE;
	params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL);
	value = params != NULL ? g_hash_table_lookup(params, "is_local") : NULL;
	if (value == NULL)
		return TRUE;
	if (g_strcmp0(value, "true") == 0) {
		*is_local = 1;
	} else if (g_strcmp0(value, "false") == 0) {
		*is_local = 0;
	} else {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "is_local must be true or false");
		return FALSE;
	}
	return TRUE;
}

void
arc_rest_peers_list(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) peers = NULL;
	g_auto(ArcRestTunnels) tunnels = {NULL};
	gint is_local = -1;

	if (arc_rest_peers_filter(req, &is_local, &error))
		peers = arc_engine_list_peers(req->engine, req->caller, is_local, &error);
	if (peers == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_tunnels_init(&tunnels, req->engine);
	json_builder_begin_array(b);
	for (guint i = 0; i < peers->len; i++)
		arc_rest_add_peer(b, g_ptr_array_index(peers, i), &tunnels);
	json_builder_end_array(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_peers_get(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPeerInfo) peer =
		arc_engine_get_peer(req->engine, req->caller, arc_rest_peer_param(req), &error);
	g_auto(ArcRestTunnels) tunnels = {NULL};

	if (peer == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_tunnels_init(&tunnels, req->engine);
	arc_rest_add_peer(b, peer, &tunnels);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_peers_add_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcRestPending) pending = user_data;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) steps = NULL;
	g_autoptr(ArcPeerInfo) peer = NULL;
	gboolean debug = arc_rest_query_flag(&pending->req, "debug");

	peer = arc_engine_add_peer_finish(ARC_ENGINE(source), res, &steps, &error);
	if (peer == NULL) {
		arc_rest_reply_handshake_error(pending->req.msg, error, steps, debug);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_add_peer_members(b, peer, NULL);
	if (debug)
		arc_rest_builder_add_steps(b, steps);
	json_builder_end_object(b);
	arc_rest_reply_json(&pending->req, SOUP_STATUS_CREATED, b);
}

static gboolean
arc_rest_get_optional_string(JsonObject *obj, const gchar *member, const gchar **out,
			     GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);
	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return TRUE;
	if (json_node_get_value_type(node) != G_TYPE_STRING) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "'%s' must be a string",
			    member);
		return FALSE;
	}
	*out = json_node_get_string(node);
	return TRUE;
}

void
arc_rest_peers_add(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, FALSE, &error);
	const gchar *address = NULL, *name = NULL, *join_token = NULL;
	JsonObject *obj;

	if (root == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	obj = json_node_get_object(root);
	if (!arc_rest_get_optional_string(obj, "address", &address, &error) ||
	    !arc_rest_get_optional_string(obj, "name", &name, &error) ||
	    !arc_rest_get_optional_string(obj, "join_token", &join_token, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	if (address == NULL || address[0] == '\0') {
		arc_rest_reply_error_literal(req->msg, ARC_ERROR_INVALID_REQUEST,
					     "'address' is required (host:port)");
		return;
	}
	arc_engine_join_async(req->engine, req->caller, address, name, join_token, NULL,
			      arc_rest_peers_add_cb, arc_rest_request_pause(req));
}

/* POST /v1/cluster/join-tokens {"ttl": seconds}: a single-use token for one new host */
void
arc_rest_join_token_create(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, TRUE, &error);
	g_autoptr(ArcJoinToken) token = NULL;
	JsonNode *ttl = NULL;

	if (root == NULL && error != NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	if (root != NULL)
		ttl = json_object_get_member(json_node_get_object(root), "ttl");
	if (ttl != NULL && json_node_get_value_type(ttl) != G_TYPE_INT64) {
		arc_rest_reply_error_literal(req->msg, ARC_ERROR_INVALID_REQUEST,
					     "'ttl' must be an integer (seconds)");
		return;
	}
	token = arc_engine_create_join_token(req->engine, req->caller,
					     ttl != NULL ? json_node_get_int(ttl) : 0, &error);
	if (token == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "id", token->id);
	arc_rest_builder_add_string(b, "token", token->token);
	arc_rest_builder_add_time(b, "expires_at", token->expires_at);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_CREATED, b);
}

void
arc_rest_peers_update(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, FALSE, &error);
	g_autoptr(ArcPeerInfo) peer = NULL;
	g_autoptr(ArcPeerUpdate) update = NULL;
	const gchar *name = NULL;

	if (root == NULL ||
	    !arc_rest_get_optional_string(json_node_get_object(root), "name", &name, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	/* a body without a name is refused as such, before the engine weighs the license */
	update = arc_peer_update_new(name);
	if (arc_peer_update_check_given(update, &error))
		peer = arc_engine_update_peer(req->engine, req->caller, arc_rest_peer_param(req),
					      update, &error);
	if (peer == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_add_peer(b, peer, NULL);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

/* `{"deleted": true, "id": …, "revoked_credentials": […]}`: what went with the peer */
void
arc_rest_peers_delete(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) revoked = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (!arc_engine_delete_peer(req->engine, req->caller, req->params[0], &revoked, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	g_ptr_array_add(revoked, NULL);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "deleted");
	json_builder_add_boolean_value(b, TRUE);
	arc_rest_builder_add_string(b, "id", req->params[0]);
	arc_rest_add_string_array(b, "revoked_credentials", (const gchar *const *)revoked->pdata);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_peers_remove_self_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcRestPending) pending = user_data;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLeaveResult) result =
		arc_engine_remove_self_finish(ARC_ENGINE(source), res, &error);

	if (result == NULL) {
		arc_rest_reply_error(pending->req.msg, error);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "deactivated");
	json_builder_add_boolean_value(b, TRUE);
	arc_rest_builder_add_string(b, "id", result->peer_id);
	json_builder_set_member_name(b, "notified");
	json_builder_begin_array(b);
	for (guint i = 0; i < result->notified->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(result->notified, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "unreachable");
	json_builder_begin_array(b);
	for (guint i = 0; i + 2 < result->unreachable->len; i += 3) {
		json_builder_begin_object(b);
		arc_rest_builder_add_string(b, "id", g_ptr_array_index(result->unreachable, i));
		arc_rest_builder_add_string(b, "address",
					    g_ptr_array_index(result->unreachable, i + 1));
		arc_rest_builder_add_string(b, "error",
					    g_ptr_array_index(result->unreachable, i + 2));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	arc_rest_reply_json(&pending->req, SOUP_STATUS_OK, b);
}

void
arc_rest_peers_remove_self(ArcRestRequest *req)
{
	arc_engine_remove_self_async(req->engine, req->caller, NULL, arc_rest_peers_remove_self_cb,
				     arc_rest_request_pause(req));
}

static const gchar *
arc_rest_body_data(ArcRestRequest *req, gsize *len)
{
	const gchar *data = req->body != NULL ? g_bytes_get_data(req->body, len) : NULL;
	if (data == NULL) {
		*len = 0;
		return "";
	}
	return data;
}

/* Where a hello comes from, as the handshake bounds sessions by it: an IPv4 address (also
 * when it reaches a dual-stack listener as ::ffff:a.b.c.d), or an IPv6 /64, which is what
 * one host is given and can spread its hellos over. */
static gchar *
arc_rest_hello_source(ArcRestRequest *req)
{
	GSocketAddress *remote = soup_server_message_get_remote_address(req->msg);
	GInetAddress *address;
	const guint8 *bytes;
	static const guint8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (!G_IS_INET_SOCKET_ADDRESS(remote))
		return NULL;
	address = g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(remote));
	if (g_inet_address_get_family(address) != G_SOCKET_FAMILY_IPV6)
		return g_inet_address_to_string(address);
	bytes = g_inet_address_to_bytes(address);
	if (memcmp(bytes, mapped, sizeof(mapped)) == 0)
		return g_strdup_printf("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
	return g_strdup_printf("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1],
			       bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}

void
arc_rest_handshake_hello(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *reply = NULL;
	g_autofree gchar *refusal = NULL;
	gsize len = 0;
	const gchar *data = arc_rest_body_data(req, &len);
	g_autofree gchar *source = arc_rest_hello_source(req);

	reply = arc_engine_handshake_hello(req->engine, data, len, source, &refusal, &error);
	if (reply == NULL && refusal != NULL) {
		/* the refusal's `detail`, which the initiator's --debug shows */
		g_autoptr(GPtrArray) steps =
			g_ptr_array_new_with_free_func((GDestroyNotify)arc_handshake_step_free);
		ArcHandshakeStep *step = g_new0(ArcHandshakeStep, 1);
		step->step = g_strdup("hello");
		step->detail = g_steal_pointer(&refusal);
		g_ptr_array_add(steps, step);
		arc_rest_reply_handshake_error(req->msg, error, steps, FALSE);
		return;
	}
	if (reply == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	len = strlen(reply);
	soup_server_message_set_status(req->msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(req->msg, "application/json", SOUP_MEMORY_TAKE,
					 g_steal_pointer(&reply), len);
}

static void
arc_rest_reply_ok(ArcRestRequest *req, const gchar *member)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(req->engine);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, member);
	json_builder_add_boolean_value(b, TRUE);
	arc_rest_builder_add_string(b, "peer_id", info->peer_id);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_handshake_confirm_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcRestPending) pending = user_data;
	g_autoptr(GError) error = NULL;

	if (!arc_engine_handshake_confirm_finish(ARC_ENGINE(source), res, &error)) {
		arc_rest_reply_error(pending->req.msg, error);
		return;
	}
	arc_rest_reply_ok(&pending->req, "stored");
}

void
arc_rest_handshake_confirm(ArcRestRequest *req)
{
	gsize len = 0;
	const gchar *data = arc_rest_body_data(req, &len);
	arc_engine_handshake_confirm_async(req->engine, data, len, NULL,
					   arc_rest_handshake_confirm_cb,
					   arc_rest_request_pause(req));
}

void
arc_rest_handshake_leave(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	const gchar *data = arc_rest_body_data(req, &len);

	if (!arc_engine_handshake_leave(req->engine, data, len, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_ok(req, "removed");
}

/* a signed gossip message in, a signed answer out (docs/protocol.md §6.3) */
static void
arc_rest_gossip_reply(ArcRestRequest *req, gchar *reply, const GError *error)
{
	gsize len;

	if (reply == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	len = strlen(reply);
	soup_server_message_set_status(req->msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(req->msg, "application/json", SOUP_MEMORY_TAKE, reply,
					 len);
}

static void
arc_rest_gossip(ArcRestRequest *req, const gchar *type)
{
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	const gchar *data = arc_rest_body_data(req, &len);
	gchar *reply = arc_engine_gossip_receive(req->engine, type, data, len, &error);

	arc_rest_gossip_reply(req, reply, error);
}

void
arc_rest_gossip_digest(ArcRestRequest *req)
{
	arc_rest_gossip(req, "digest");
}

void
arc_rest_gossip_records(ArcRestRequest *req)
{
	arc_rest_gossip(req, "records");
}

static void
arc_rest_gossip_probe_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcRestPending) pending = user_data;
	g_autoptr(GError) error = NULL;
	gchar *reply = arc_engine_gossip_probe_finish(ARC_ENGINE(source), res, &error);

	arc_rest_gossip_reply(&pending->req, reply, error);
}

void
arc_rest_gossip_probe(ArcRestRequest *req)
{
	gsize len = 0;
	const gchar *data = arc_rest_body_data(req, &len);
	arc_engine_gossip_probe_async(req->engine, data, len, arc_rest_gossip_probe_cb,
				      arc_rest_request_pause(req));
}

void
arc_rest_cluster_init(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, TRUE, &error);
	g_autoptr(ArcClusterInitResult) res = NULL;
	gboolean force = FALSE;

	if (root == NULL && error != NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	if (root != NULL) {
		JsonNode *node = json_object_get_member(json_node_get_object(root), "force");
		if (node != NULL && json_node_get_value_type(node) != G_TYPE_BOOLEAN) {
			arc_rest_reply_error_literal(req->msg, ARC_ERROR_INVALID_REQUEST,
						     "'force' must be true or false");
			return;
		}
		force = node != NULL && json_node_get_boolean(node);
	}
	res = arc_engine_cluster_init(req->engine, req->caller, force, &error);
	if (res == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "cluster_id", res->cluster_id);
	arc_rest_builder_add_string(b, "created_by", res->created_by);
	arc_rest_builder_add_string(b, "oldest_peer_id", res->oldest_peer_id);
	json_builder_set_member_name(b, "was_created");
	json_builder_add_boolean_value(b, res->was_created);
	arc_rest_builder_add_string(b, "message",
				    res->was_created ? "Cluster initialized"
						     : "Cluster already initialized");
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

void
arc_rest_cluster_sync(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	gint n = arc_engine_sync(req->engine, req->caller, &error);

	if (n < 0) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "triggered");
	json_builder_add_boolean_value(b, TRUE);
	arc_rest_builder_add_int(b, "peers", n);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

/* `arctic cluster status`: the local registry and the peers, with what gossip observes of
 * each (state, last seen, the registry hash it stated) */
/* one peer of /v1/cluster/status */
static void
arc_rest_cluster_status_peer(JsonBuilder *b, ArcRestRequest *req, const ArcClusterStatus *status,
			     const ArcPeerInfo *peer, const ArcRestTunnels *tunnels)
{
	const gchar *hash = NULL;
	gint64 last_seen = 0;
	ArcGossipState health;
	const gchar *reachability =
		arc_engine_get_peer_health(req->engine, peer->id, &health, &last_seen, &hash)
			? arc_gossip_state_to_string(health)
			: NULL;

	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "id", peer->id);
	arc_rest_builder_add_string(b, "name", peer->name);
	arc_rest_builder_add_string(b, "address", peer->address);
	arc_rest_builder_add_string(b, "state", arc_peer_state_to_string(peer->state));
	json_builder_set_member_name(b, "is_local");
	json_builder_add_boolean_value(b, peer->is_local);
	arc_rest_builder_add_string(b, "reachability", reachability);
	if (last_seen > 0)
		arc_rest_builder_add_time(b, "last_seen", last_seen / 1000);
	else
		arc_rest_builder_add_string(b, "last_seen", NULL);
	arc_rest_builder_add_string(b, "registry_hash",
				    peer->is_local ? status->registry_hash : hash);
	/* as `tunnel.status` of /v1/peers: the remote peers that publish a tunnel */
	if (!peer->is_local && peer->tunnel_key != NULL)
		arc_rest_tunnel_status_add(b, "tunnel", tunnels->list, peer->id, tunnels->now);
	json_builder_end_object(b);
}

void
arc_rest_cluster_status(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcClusterStatus) status =
		arc_engine_get_cluster_status(req->engine, req->caller, &error);
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(req->engine);
	g_auto(ArcRestTunnels) tunnels = {NULL};

	if (status == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_tunnels_init(&tunnels, req->engine);
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "peer_id", info->peer_id);
	arc_rest_builder_add_string(b, "cluster_id", info->cluster_id);
	arc_rest_builder_add_string(b, "registry_hash", status->registry_hash);
	json_builder_set_member_name(b, "records");
	json_builder_begin_object(b);
	for (guint i = 0; i < status->kinds->len; i++) {
		json_builder_set_member_name(b, g_ptr_array_index(status->kinds, i));
		json_builder_begin_object(b);
		arc_rest_builder_add_int(b, "live", g_array_index(status->live, guint, i));
		arc_rest_builder_add_int(b, "deleted", g_array_index(status->deleted, guint, i));
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "peers");
	json_builder_begin_array(b);
	for (guint i = 0; i < status->peers->len; i++)
		arc_rest_cluster_status_peer(b, req, status, g_ptr_array_index(status->peers, i),
					     &tunnels);
	json_builder_end_array(b);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}
