/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-view.h"

#include "arc-handshake.h"

struct _ArcEngineView {
	ArcNode *node;
	ArcPeerManager *peers;
	ArcServiceManager *services;
	ArcLicenseManager *licenses;
	ArcEngineViewPublish publish;
	gpointer user_data;
	ArcClusterView *view; /* (nullable): the last published */
	guint64 generation;
	guint idle_id;
};

/**
 * arc_engine_view_new:
 * @node: this node
 * @peers: whose records give the members and their tunnels
 * @services: whose services and routes this node realises
 * @licenses: the license state
 * @publish: called with each new view
 * @user_data: for @publish
 *
 * Returns: (transfer full): the publisher; nothing is built before a change or a
 *   arc_engine_view_schedule()
 */
ArcEngineView *
arc_engine_view_new(ArcNode *node, ArcPeerManager *peers, ArcServiceManager *services,
		    ArcLicenseManager *licenses, ArcEngineViewPublish publish, gpointer user_data)
{
	ArcEngineView *self = g_new0(ArcEngineView, 1);

	self->node = g_object_ref(node);
	self->peers = peers;
	self->services = g_object_ref(services);
	self->licenses = g_object_ref(licenses);
	self->publish = publish;
	self->user_data = user_data;
	return self;
}

void
arc_engine_view_free(ArcEngineView *self)
{
	if (self == NULL)
		return;
	g_clear_handle_id(&self->idle_id, g_source_remove);
	g_clear_pointer(&self->view, arc_cluster_view_unref);
	g_clear_object(&self->node);
	g_clear_object(&self->services);
	g_clear_object(&self->licenses);
	g_free(self);
}

/* (transfer none) (nullable): the last view published */
ArcClusterView *
arc_engine_view_get(ArcEngineView *self)
{
	return self->view;
}

/* `host:port` of @member's tunnel: the host of its API address, its tunnel port */
static gchar *
arc_engine_view_endpoint(const gchar *address, guint16 port)
{
	g_autoptr(GSocketConnectable) parsed = NULL;
	const gchar *host;

	if (address == NULL)
		return NULL;
	parsed = g_network_address_parse(arc_handshake_address_host_port(address), 0, NULL);
	if (parsed == NULL)
		return NULL;
	host = g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed));
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

/* `host:port` of @member's API: the proxy leaves connections to it alone */
static gchar *
arc_engine_view_api_endpoint(const gchar *address)
{
	g_autoptr(GSocketConnectable) parsed = NULL;

	if (address == NULL)
		return NULL;
	parsed = g_network_address_parse(arc_handshake_address_host_port(address), 0, NULL);
	if (parsed == NULL || g_network_address_get_port(G_NETWORK_ADDRESS(parsed)) == 0)
		return NULL;
	return arc_engine_view_endpoint(address,
					g_network_address_get_port(G_NETWORK_ADDRESS(parsed)));
}

static void
arc_engine_view_add_member(ArcEngineView *self, ArcClusterViewBuilder *builder,
			   const ArcMember *member, GHashTable *names,
			   const ArcPeerTunnelClaims *claims)
{
	ArcConfig *config = arc_node_get_config(self->node);
	g_autoptr(ArcRecord) record =
		arc_storage_get_record(arc_node_get_storage(self->node), "peer", member->id, NULL);
	g_autofree gchar *endpoint = NULL;
	g_autofree gchar *api_endpoint = arc_engine_view_api_endpoint(member->address);
	g_autoptr(GBytes) identity_key = g_bytes_new(member->key, sizeof(member->key));
	g_autoptr(GBytes) key = NULL;
	ArcClusterMember out = {0};
	ArcPeerTunnel tunnel = {0};

	if (record != NULL && !record->deleted &&
	    arc_peer_manager_read_tunnel(self->peers, record, &tunnel)) {
		key = g_bytes_new(tunnel.key, sizeof(tunnel.key));
		endpoint = arc_engine_view_endpoint(member->address, tunnel.port);
		arc_peer_tunnel_drop_lost_claims(&config->tunnel_ipv4_range,
						 &config->tunnel_ipv6_range, member->id, claims,
						 &tunnel);
	}
	out.peer_id = member->id;
	out.name = g_hash_table_lookup(names, member->id);
	out.tunnel_public_key = key;
	out.tunnel_endpoint = endpoint;
	out.has_tunnel_v4 = tunnel.has_v4;
	out.tunnel_v4 = tunnel.v4;
	out.has_tunnel_v6 = tunnel.has_v6;
	out.tunnel_v6 = tunnel.v6;
	out.over_limit = member->over_limit;
	out.api_endpoint = api_endpoint;
	out.identity_key = identity_key;
	arc_cluster_view_builder_add_member(builder, &out);
}

/* every member's address claims, whose peer ids are @members' */
static void
arc_engine_view_collect_claims(ArcEngineView *self, GPtrArray *members, ArcPeerTunnelClaims *claims)
{
	for (guint i = 0; i < members->len; i++) {
		const ArcMember *member = g_ptr_array_index(members, i);
		g_autoptr(ArcRecord) record = arc_storage_get_record(
			arc_node_get_storage(self->node), "peer", member->id, NULL);
		ArcPeerTunnel tunnel;

		if (record != NULL && !record->deleted &&
		    arc_peer_manager_read_tunnel(self->peers, record, &tunnel))
			arc_peer_tunnel_claims_add(claims, member->id, &tunnel);
	}
}

/* the active members, this node included; also this node's own tunnel addresses */
static void
arc_engine_view_add_members(ArcEngineView *self, ArcClusterViewBuilder *builder)
{
	ArcRegistry *registry = arc_peer_manager_get_registry(self->peers);
	g_autoptr(GPtrArray) members = arc_registry_get_members(registry);
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(self->peers, NULL);
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	ArcPeerTunnelClaims claims;

	for (guint i = 0; peers != NULL && i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		g_hash_table_insert(names, peer->id, peer->name);
	}
	arc_peer_tunnel_claims_init(&claims);
	arc_engine_view_collect_claims(self, members, &claims);
	for (guint i = 0; i < members->len; i++)
		arc_engine_view_add_member(self, builder, g_ptr_array_index(members, i), names,
					   &claims);
	arc_peer_tunnel_claims_clear(&claims);
}

static void
arc_engine_view_set_self(ArcEngineView *self, ArcClusterViewBuilder *builder)
{
	const gchar *own = arc_node_get_peer_id(self->node);
	g_autoptr(ArcRecord) record =
		arc_storage_get_record(arc_node_get_storage(self->node), "peer", own, NULL);
	ArcClusterSelf node = {0};
	ArcPeerTunnel tunnel = {0};

	if (record != NULL && !record->deleted)
		arc_peer_manager_read_tunnel(self->peers, record, &tunnel);
	node.peer_id = (gchar *)own;
	node.has_tunnel_v4 = tunnel.has_v4;
	node.tunnel_v4 = tunnel.v4;
	node.has_tunnel_v6 = tunnel.has_v6;
	node.tunnel_v6 = tunnel.v6;
	node.tunnel_listen_port = arc_node_get_config(self->node)->tunnel_port;
	arc_cluster_view_builder_set_self(builder, &node);
}

static gboolean
arc_engine_view_read_cidr(const gchar *text, ArcCidr *out)
{
	return text != NULL && arc_cidr_read(text, ARC_CIDR_NETWORK, out) == ARC_CIDR_OK;
}

static void
arc_engine_view_add_routes(ArcEngineView *self, ArcClusterViewBuilder *builder,
			   const gchar *service_id, gboolean incoming)
{
	g_autoptr(GPtrArray) routes =
		arc_service_manager_list_routes(self->services, service_id, NULL);

	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		ArcRouteInfo *route = g_ptr_array_index(routes, i);
		ArcCidr source, destination;
		gboolean has_source = arc_engine_view_read_cidr(route->source_cidr, &source);
		gboolean has_destination =
			arc_engine_view_read_cidr(route->dest_cidr, &destination);

		if (incoming)
			arc_cluster_view_builder_add_incoming_route(
				builder, route->id, service_id, route->priority,
				has_source ? &source : NULL, has_destination ? &destination : NULL);
		else
			arc_cluster_view_builder_add_route(
				builder, route->id, service_id, route->priority,
				has_source ? &source : NULL, has_destination ? &destination : NULL);
	}
}

static void
arc_engine_view_fill_service(ArcClusterService *service, const ArcServiceInfo *info)
{
	service->id = info->id;
	service->name = info->name;
	service->source_peer_id = info->source_peer_id;
	service->target_peer_id = info->target_peer_id;
	service->transport = info->transport_type;
	service->flags = (info->requires_interface ? ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE : 0) |
			 (info->fully_transparent ? ARC_CLUSTER_SERVICE_FULLY_TRANSPARENT : 0);
	service->bandwidth_limit_mbps = MAX(info->bandwidth_limit_mbps, 0);
	service->has_desired_v4 =
		info->desired_ipv4_cidr != NULL &&
		arc_cidr_read(info->desired_ipv4_cidr, 0, &service->desired_v4) == ARC_CIDR_OK;
	service->has_desired_v6 =
		info->desired_ipv6_cidr != NULL &&
		arc_cidr_read(info->desired_ipv6_cidr, 0, &service->desired_v6) == ARC_CIDR_OK;
}

/* This node's active services only, as `routes explain` evaluates them: one beyond the
 * license's max_services, or whose source or target is gone or over_limit, is left out, so
 * the packet takes the route explain names next rather than stopping at one it does not
 * name. A suspended license is the data plane's to apply, from the license state. */
static void
arc_engine_view_add_services(ArcEngineView *self, ArcClusterViewBuilder *builder)
{
	ArcServiceFilter filter = {arc_node_get_peer_id(self->node), NULL, -1};
	g_autoptr(GPtrArray) services =
		arc_service_manager_list_services(self->services, &filter, NULL);

	for (guint i = 0; services != NULL && i < services->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(services, i);
		ArcClusterService service = {0};

		if (info->state != ARC_SERVICE_STATE_ACTIVE)
			continue;
		arc_engine_view_fill_service(&service, info);
		arc_cluster_view_builder_add_service(builder, &service);
		arc_engine_view_add_routes(self, builder, info->id, FALSE);
	}
}

/* the active services another peer enters and this one leaves: the proxy's exit checks the
 * streams it receives against them and their routes */
static void
arc_engine_view_add_incoming(ArcEngineView *self, ArcClusterViewBuilder *builder)
{
	ArcServiceFilter filter = {NULL, arc_node_get_peer_id(self->node), -1};
	g_autoptr(GPtrArray) services =
		arc_service_manager_list_services(self->services, &filter, NULL);

	for (guint i = 0; services != NULL && i < services->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(services, i);
		ArcClusterService service = {0};

		if (info->state != ARC_SERVICE_STATE_ACTIVE ||
		    g_strcmp0(info->source_peer_id, arc_node_get_peer_id(self->node)) == 0)
			continue;
		arc_engine_view_fill_service(&service, info);
		arc_cluster_view_builder_add_incoming_service(builder, &service);
		arc_engine_view_add_routes(self, builder, info->id, TRUE);
	}
}

/**
 * arc_engine_view_build:
 * @self: the publisher
 * @generation: the generation number of the view
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the view of the records as they stand, or %NULL before the
 *   bootstrap (with no error) or with @error set
 */
ArcClusterView *
arc_engine_view_build(ArcEngineView *self, guint64 generation, GError **error)
{
	g_autoptr(ArcClusterViewBuilder) builder = NULL;

	if (!arc_node_is_bootstrapped(self->node))
		return NULL;
	builder = arc_cluster_view_builder_new(generation);
	arc_engine_view_set_self(self, builder);
	arc_cluster_view_builder_set_license_state(builder,
						   arc_license_manager_get_state(self->licenses));
	arc_engine_view_add_members(self, builder);
	arc_engine_view_add_services(self, builder);
	arc_engine_view_add_incoming(self, builder);
	return arc_cluster_view_builder_end(builder, error);
}

/**
 * arc_engine_view_flush:
 * @self: the publisher
 *
 * Claims this node's tunnel addresses, builds the view and publishes it if it differs from
 * the last one; what the idle callback does, run at once (and the idle callback dropped).
 *
 * Returns: whether a view was published
 */
gboolean
arc_engine_view_flush(ArcEngineView *self)
{
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(GError) error = NULL;

	g_clear_handle_id(&self->idle_id, g_source_remove);
	if (!arc_peer_manager_publish_tunnel(self->peers, &error)) {
		g_warning("cannot publish this node's tunnel in its record: %s", error->message);
		g_clear_error(&error);
	}
	view = arc_engine_view_build(self, self->generation + 1, &error);
	if (view == NULL) {
		if (error != NULL)
			g_warning("cannot build the cluster view: %s", error->message);
		return FALSE;
	}
	if (self->view != NULL && arc_cluster_view_equal(self->view, view))
		return FALSE;
	self->generation++;
	g_clear_pointer(&self->view, arc_cluster_view_unref);
	self->view = g_steal_pointer(&view);
	self->publish(self->view, self->user_data);
	return TRUE;
}

static gboolean
arc_engine_view_idle_cb(gpointer user_data)
{
	ArcEngineView *self = user_data;

	self->idle_id = 0;
	arc_engine_view_flush(self);
	return G_SOURCE_REMOVE;
}

/* A rebuild once however many changes come in the next ARC_ENGINE_VIEW_BATCH_MS: a cluster
 * in motion commits many times a second (every gossip merge), and each rebuild reads every
 * member and service. On idle, 64 agents joining on one machine rebuilt so often that one
 * stalled 10 s in a handshake; a fifth of a second still changes the data plane well within
 * the second the issue allows. */
#define ARC_ENGINE_VIEW_BATCH_MS 200

void
arc_engine_view_schedule(ArcEngineView *self)
{
	if (self != NULL && self->idle_id == 0)
		self->idle_id = g_timeout_add_full(G_PRIORITY_LOW, ARC_ENGINE_VIEW_BATCH_MS,
						   arc_engine_view_idle_cb, self, NULL);
}

/* a commit: a rebuild if it touches the members, their names, the services or the routes */
void
arc_engine_view_records_changed(ArcEngineView *self, GPtrArray *records)
{
	static const gchar *const kinds[] = {"peer",    "peer_alias", "revoked_peer",
					     "service", "route",      NULL};

	for (guint i = 0; i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		if (g_strv_contains(kinds, record->kind)) {
			arc_engine_view_schedule(self);
			return;
		}
	}
}
