/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dataplane"

#include "arc-cluster-view.h"

#include <arctic-plugin.h>
#include <string.h>

struct _ArcClusterView {
	gint ref_count;
	guint64 generation;
	ArcClusterSelf node;
	ArcLicenseState license_state;
	GArray *members;  /* ArcClusterMember, by peer id */
	GArray *services; /* ArcClusterService, by id */
	GArray *routes;   /* ArcRoute, by id: what equal() compares */
	ArcRouteTable *table;
	GPtrArray *ordered; /* of ArcRoute in @table, in the order of the evaluation */
	/* services another peer enters and this one leaves (the proxy's exit checks streams
	 * against them), with their routes: not in @table, which explain evaluates here */
	GArray *incoming;        /* ArcClusterService, in the order added */
	GArray *incoming_routes; /* ArcRoute */
};

struct _ArcClusterViewBuilder {
	ArcClusterView *view;
};

/**
 * arc_cluster_device_name:
 * @peer_id: a peer id
 * @out: (out): the name of the tunnel device towards that peer
 *
 * `arc-` and the first 11 hex digits of the SHA-256 of @peer_id: stable across restarts and
 * on every node, within the 15 characters of an interface name, and matched by the firewall's
 * `arc-*`. 44 bits make a collision between two members of one cluster negligible; the
 * builder refuses a view that has one all the same.
 */
void
arc_cluster_device_name(const gchar *peer_id, gchar out[ARC_CLUSTER_DEVICE_NAME_MAX + 1])
{
	g_autofree gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, peer_id, -1);

	g_snprintf(out, ARC_CLUSTER_DEVICE_NAME_MAX + 1, "%s%.11s", ARC_CLUSTER_DEVICE_PREFIX,
		   digest);
}

/**
 * arc_cluster_service_interface_name:
 * @service_id: a service id
 * @out: (out): the name of the service's MACVLAN interface
 *
 * `arc` and the last 12 characters of @service_id in lower case (the random part of its
 * ULID): the name the API has always shown as `interface_name` and that `routes explain
 * --interface` takes, the same on every node and after every restart, within the 15
 * characters of an interface name, and never matched by the tunnels' `arc-*`.
 */
void
arc_cluster_service_interface_name(const gchar *service_id,
				   gchar out[ARC_CLUSTER_DEVICE_NAME_MAX + 1])
{
	gsize len = strlen(service_id);
	const gchar *tail = len > 12 ? service_id + len - 12 : service_id;

	g_snprintf(out, ARC_CLUSTER_DEVICE_NAME_MAX + 1, "%s%s", ARC_CLUSTER_INTERFACE_PREFIX,
		   tail);
	for (gchar *c = out; *c != '\0'; c++)
		*c = g_ascii_tolower(*c);
}

static void
arc_cluster_member_clear(gpointer data)
{
	ArcClusterMember *member = data;

	g_free(member->peer_id);
	g_free(member->name);
	g_clear_pointer(&member->tunnel_public_key, g_bytes_unref);
	g_free(member->tunnel_endpoint);
	g_free(member->api_endpoint);
	g_clear_pointer(&member->identity_key, g_bytes_unref);
}

static void
arc_cluster_service_clear(gpointer data)
{
	ArcClusterService *service = data;

	g_free(service->id);
	g_free(service->name);
	g_free(service->source_peer_id);
	g_free(service->target_peer_id);
	g_free(service->transport);
}

static void
arc_cluster_route_clear(gpointer data)
{
	ArcRoute *route = data;
	g_free(route->service_id);
}

ArcClusterView *
arc_cluster_view_ref(ArcClusterView *self)
{
	g_atomic_int_inc(&self->ref_count);
	return self;
}

void
arc_cluster_view_unref(ArcClusterView *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->ref_count))
		return;
	g_free(self->node.peer_id);
	g_array_unref(self->members);
	g_array_unref(self->services);
	g_array_unref(self->routes);
	g_array_unref(self->incoming);
	g_array_unref(self->incoming_routes);
	g_clear_pointer(&self->ordered, g_ptr_array_unref);
	g_clear_pointer(&self->table, arc_route_table_free);
	g_free(self);
}

guint64
arc_cluster_view_get_generation(const ArcClusterView *self)
{
	return self->generation;
}

const ArcClusterSelf *
arc_cluster_view_get_self(const ArcClusterView *self)
{
	return &self->node;
}

ArcLicenseState
arc_cluster_view_get_license_state(const ArcClusterView *self)
{
	return self->license_state;
}

guint
arc_cluster_view_get_n_members(const ArcClusterView *self)
{
	return self->members->len;
}

const ArcClusterMember *
arc_cluster_view_get_member(const ArcClusterView *self, guint index)
{
	g_return_val_if_fail(index < self->members->len, NULL);
	return &g_array_index(self->members, ArcClusterMember, index);
}

/* a binary search: the arrays are sorted by their first member, a string */
static gpointer
arc_cluster_view_bsearch(GArray *array, gsize size, const gchar *key)
{
	guint lo = 0, hi = array->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		gpointer item = array->data + mid * size;
		gint order = g_strcmp0(*(const gchar **)item, key);

		if (order == 0)
			return item;
		if (order < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const ArcClusterMember *
arc_cluster_view_find_member(const ArcClusterView *self, const gchar *peer_id)
{
	return arc_cluster_view_bsearch(self->members, sizeof(ArcClusterMember), peer_id);
}

guint
arc_cluster_view_get_n_services(const ArcClusterView *self)
{
	return self->services->len;
}

const ArcClusterService *
arc_cluster_view_get_service(const ArcClusterView *self, guint index)
{
	g_return_val_if_fail(index < self->services->len, NULL);
	return &g_array_index(self->services, ArcClusterService, index);
}

const ArcClusterService *
arc_cluster_view_find_service(const ArcClusterView *self, const gchar *service_id)
{
	return arc_cluster_view_bsearch(self->services, sizeof(ArcClusterService), service_id);
}

/**
 * arc_cluster_view_get_route_table:
 * @self: a view
 *
 * Returns: (transfer none): the routes of this node's services, for lookups and explain
 */
ArcRouteTable *
arc_cluster_view_get_route_table(const ArcClusterView *self)
{
	return self->table;
}

/**
 * arc_cluster_view_get_routes_ordered:
 * @self: a view
 *
 * Returns: (transfer none) (element-type ArcRoute): the routes in the order of the
 *   evaluation, arc_route_table_get_ordered()
 */
GPtrArray *
arc_cluster_view_get_routes_ordered(const ArcClusterView *self)
{
	return self->ordered;
}

static gboolean
arc_cluster_cidr_equal(gboolean has_a, const ArcCidr *a, gboolean has_b, const ArcCidr *b)
{
	if (has_a != has_b)
		return FALSE;
	return !has_a || (a->family == b->family && a->prefix == b->prefix &&
			  memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0);
}

static gboolean
arc_cluster_member_equal(const ArcClusterMember *a, const ArcClusterMember *b)
{
	return g_strcmp0(a->peer_id, b->peer_id) == 0 && g_strcmp0(a->name, b->name) == 0 &&
	       (a->tunnel_public_key == NULL) == (b->tunnel_public_key == NULL) &&
	       (a->tunnel_public_key == NULL ||
		g_bytes_equal(a->tunnel_public_key, b->tunnel_public_key)) &&
	       g_strcmp0(a->tunnel_endpoint, b->tunnel_endpoint) == 0 &&
	       g_strcmp0(a->api_endpoint, b->api_endpoint) == 0 &&
	       (a->identity_key == NULL) == (b->identity_key == NULL) &&
	       (a->identity_key == NULL || g_bytes_equal(a->identity_key, b->identity_key)) &&
	       arc_cluster_cidr_equal(a->has_tunnel_v4, &a->tunnel_v4, b->has_tunnel_v4,
				      &b->tunnel_v4) &&
	       arc_cluster_cidr_equal(a->has_tunnel_v6, &a->tunnel_v6, b->has_tunnel_v6,
				      &b->tunnel_v6) &&
	       a->over_limit == b->over_limit;
}

static gboolean
arc_cluster_service_equal(const ArcClusterService *a, const ArcClusterService *b)
{
	return g_strcmp0(a->id, b->id) == 0 && g_strcmp0(a->name, b->name) == 0 &&
	       g_strcmp0(a->source_peer_id, b->source_peer_id) == 0 &&
	       g_strcmp0(a->target_peer_id, b->target_peer_id) == 0 &&
	       g_strcmp0(a->transport, b->transport) == 0 && a->flags == b->flags &&
	       a->bandwidth_limit_mbps == b->bandwidth_limit_mbps &&
	       a->has_desired_v4 == b->has_desired_v4 && a->has_desired_v6 == b->has_desired_v6 &&
	       (!a->has_desired_v4 ||
		memcmp(&a->desired_v4, &b->desired_v4, sizeof(ArcCidr)) == 0) &&
	       (!a->has_desired_v6 || memcmp(&a->desired_v6, &b->desired_v6, sizeof(ArcCidr)) == 0);
}

static gboolean
arc_cluster_route_equal(const ArcRoute *a, const ArcRoute *b)
{
	return a->id == b->id && g_strcmp0(a->service_id, b->service_id) == 0 &&
	       a->priority == b->priority &&
	       arc_cluster_cidr_equal(a->has_source, &a->source, b->has_source, &b->source) &&
	       arc_cluster_cidr_equal(a->has_destination, &a->destination, b->has_destination,
				      &b->destination);
}

static gboolean
arc_cluster_self_equal(const ArcClusterSelf *a, const ArcClusterSelf *b)
{
	return g_strcmp0(a->peer_id, b->peer_id) == 0 &&
	       arc_cluster_cidr_equal(a->has_tunnel_v4, &a->tunnel_v4, b->has_tunnel_v4,
				      &b->tunnel_v4) &&
	       arc_cluster_cidr_equal(a->has_tunnel_v6, &a->tunnel_v6, b->has_tunnel_v6,
				      &b->tunnel_v6) &&
	       a->tunnel_listen_port == b->tunnel_listen_port;
}

/**
 * arc_cluster_view_equal:
 * @a: a view
 * @b: another
 *
 * Whether @a and @b ask the kernel for the same thing: everything but the generation
 * number, which the engine bumps on every publication.
 *
 * Returns: %TRUE if they have the same contents
 */
gboolean
arc_cluster_view_equal(const ArcClusterView *a, const ArcClusterView *b)
{
	if (a == b)
		return TRUE;
	if (!arc_cluster_self_equal(&a->node, &b->node) || a->license_state != b->license_state ||
	    a->members->len != b->members->len || a->services->len != b->services->len ||
	    a->routes->len != b->routes->len || a->incoming->len != b->incoming->len ||
	    a->incoming_routes->len != b->incoming_routes->len)
		return FALSE;
	for (guint i = 0; i < a->incoming->len; i++) {
		if (!arc_cluster_service_equal(&g_array_index(a->incoming, ArcClusterService, i),
					       &g_array_index(b->incoming, ArcClusterService, i)))
			return FALSE;
	}
	for (guint i = 0; i < a->incoming_routes->len; i++) {
		if (!arc_cluster_route_equal(&g_array_index(a->incoming_routes, ArcRoute, i),
					     &g_array_index(b->incoming_routes, ArcRoute, i)))
			return FALSE;
	}
	for (guint i = 0; i < a->members->len; i++) {
		if (!arc_cluster_member_equal(&g_array_index(a->members, ArcClusterMember, i),
					      &g_array_index(b->members, ArcClusterMember, i)))
			return FALSE;
	}
	for (guint i = 0; i < a->services->len; i++) {
		if (!arc_cluster_service_equal(&g_array_index(a->services, ArcClusterService, i),
					       &g_array_index(b->services, ArcClusterService, i)))
			return FALSE;
	}
	for (guint i = 0; i < a->routes->len; i++) {
		if (!arc_cluster_route_equal(&g_array_index(a->routes, ArcRoute, i),
					     &g_array_index(b->routes, ArcRoute, i)))
			return FALSE;
	}
	return TRUE;
}

/* ---- the builder ---- */

/**
 * arc_cluster_view_builder_new:
 * @generation: the number of the view, increasing with each publication
 *
 * Returns: (transfer full): a builder of an empty view in license state `valid`
 */
ArcClusterViewBuilder *
arc_cluster_view_builder_new(guint64 generation)
{
	ArcClusterViewBuilder *self = g_new0(ArcClusterViewBuilder, 1);
	ArcClusterView *view = g_new0(ArcClusterView, 1);

	view->ref_count = 1;
	view->generation = generation;
	view->license_state = ARC_LICENSE_STATE_VALID;
	view->members = g_array_new(FALSE, TRUE, sizeof(ArcClusterMember));
	g_array_set_clear_func(view->members, arc_cluster_member_clear);
	view->services = g_array_new(FALSE, TRUE, sizeof(ArcClusterService));
	g_array_set_clear_func(view->services, arc_cluster_service_clear);
	view->routes = g_array_new(FALSE, TRUE, sizeof(ArcRoute));
	g_array_set_clear_func(view->routes, arc_cluster_route_clear);
	view->incoming = g_array_new(FALSE, TRUE, sizeof(ArcClusterService));
	g_array_set_clear_func(view->incoming, arc_cluster_service_clear);
	view->incoming_routes = g_array_new(FALSE, TRUE, sizeof(ArcRoute));
	g_array_set_clear_func(view->incoming_routes, arc_cluster_route_clear);
	self->view = view;
	return self;
}

void
arc_cluster_view_builder_free(ArcClusterViewBuilder *self)
{
	if (self == NULL)
		return;
	arc_cluster_view_unref(self->view);
	g_free(self);
}

void
arc_cluster_view_builder_set_self(ArcClusterViewBuilder *self, const ArcClusterSelf *node)
{
	g_free(self->view->node.peer_id);
	self->view->node = *node;
	self->view->node.peer_id = g_strdup(node->peer_id);
}

void
arc_cluster_view_builder_set_license_state(ArcClusterViewBuilder *self, ArcLicenseState state)
{
	self->view->license_state = state;
}

/* copied; the device name is derived from the peer id */
void
arc_cluster_view_builder_add_member(ArcClusterViewBuilder *self, const ArcClusterMember *member)
{
	ArcClusterMember copy = *member;

	copy.peer_id = g_strdup(member->peer_id);
	copy.name = g_strdup(member->name);
	copy.tunnel_public_key =
		member->tunnel_public_key != NULL ? g_bytes_ref(member->tunnel_public_key) : NULL;
	copy.tunnel_endpoint = g_strdup(member->tunnel_endpoint);
	copy.api_endpoint = g_strdup(member->api_endpoint);
	copy.identity_key = member->identity_key != NULL ? g_bytes_ref(member->identity_key) : NULL;
	if (member->peer_id != NULL)
		arc_cluster_device_name(member->peer_id, copy.device);
	else
		copy.device[0] = '\0';
	g_array_append_val(self->view->members, copy);
}

static void
arc_cluster_view_append_service(GArray *to, const ArcClusterService *service)
{
	ArcClusterService copy = *service;

	copy.id = g_strdup(service->id);
	copy.name = g_strdup(service->name);
	copy.source_peer_id = g_strdup(service->source_peer_id);
	copy.target_peer_id = g_strdup(service->target_peer_id);
	copy.transport = g_strdup(service->transport);
	g_array_append_val(to, copy);
}

/**
 * arc_cluster_view_builder_add_incoming_service:
 * @self: the builder
 * @service: a service another peer enters and this one leaves, copied
 *
 * Not in the route table (explain does not evaluate it here): the proxy's exit checks the
 * streams it receives against it.
 */
void
arc_cluster_view_builder_add_incoming_service(ArcClusterViewBuilder *self,
					      const ArcClusterService *service)
{
	arc_cluster_view_append_service(self->view->incoming, service);
}

/**
 * arc_cluster_view_builder_add_incoming_route:
 * @self: the builder
 * @id: the route's id
 * @service_id: an incoming service's id
 * @priority: its priority
 * @source: (nullable): its source CIDR
 * @destination: (nullable): its destination CIDR
 */
void
arc_cluster_view_builder_add_incoming_route(ArcClusterViewBuilder *self, gint64 id,
					    const gchar *service_id, gint64 priority,
					    const ArcCidr *source, const ArcCidr *destination)
{
	ArcRoute route = {0};

	route.id = id;
	route.service_id = g_strdup(service_id);
	route.priority = priority;
	route.has_source = source != NULL;
	if (source != NULL)
		route.source = *source;
	route.has_destination = destination != NULL;
	if (destination != NULL)
		route.destination = *destination;
	g_array_append_val(self->view->incoming_routes, route);
}

/**
 * arc_cluster_view_find_incoming_service:
 * @self: a view
 * @service_id: a service id
 *
 * Returns: (transfer none) (nullable): the incoming service of that id
 */
const ArcClusterService *
arc_cluster_view_find_incoming_service(const ArcClusterView *self, const gchar *service_id)
{
	for (guint i = 0; i < self->incoming->len; i++) {
		const ArcClusterService *service =
			&g_array_index(self->incoming, ArcClusterService, i);
		if (g_strcmp0(service->id, service_id) == 0)
			return service;
	}
	return NULL;
}

/**
 * arc_cluster_view_get_incoming_routes:
 * @self: a view
 *
 * Returns: (transfer none) (element-type ArcRoute): the routes of the incoming services
 */
GArray *
arc_cluster_view_get_incoming_routes(const ArcClusterView *self)
{
	return self->incoming_routes;
}

void
arc_cluster_view_builder_add_service(ArcClusterViewBuilder *self, const ArcClusterService *service)
{
	ArcClusterService copy = *service;

	copy.id = g_strdup(service->id);
	copy.name = g_strdup(service->name);
	copy.source_peer_id = g_strdup(service->source_peer_id);
	copy.target_peer_id = g_strdup(service->target_peer_id);
	copy.transport = g_strdup(service->transport);
	if ((service->flags & ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE) != 0)
		arc_cluster_service_interface_name(service->id, copy.interface);
	else
		copy.interface[0] = '\0';
	g_array_append_val(self->view->services, copy);
}

void
arc_cluster_view_builder_add_route(ArcClusterViewBuilder *self, gint64 id, const gchar *service_id,
				   gint64 priority, const ArcCidr *source,
				   const ArcCidr *destination)
{
	ArcRoute route = {0};

	route.id = id;
	route.service_id = g_strdup(service_id);
	route.priority = priority;
	route.has_source = source != NULL;
	if (source != NULL)
		route.source = *source;
	route.has_destination = destination != NULL;
	if (destination != NULL)
		route.destination = *destination;
	g_array_append_val(self->view->routes, route);
}

static gint
arc_cluster_by_string_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gint
arc_cluster_route_by_id_cb(gconstpointer a, gconstpointer b)
{
	const ArcRoute *ra = a, *rb = b;
	return ra->id < rb->id ? -1 : (ra->id > rb->id ? 1 : 0);
}

static gboolean
arc_cluster_view_invalid(GError **error, const gchar *what)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "invalid cluster view: %s", what);
	return FALSE;
}

static gboolean
arc_cluster_view_check_members(ArcClusterView *view, GError **error)
{
	g_autoptr(GHashTable) devices = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < view->members->len; i++) {
		ArcClusterMember *member = &g_array_index(view->members, ArcClusterMember, i);

		if (member->peer_id == NULL || member->peer_id[0] == '\0')
			return arc_cluster_view_invalid(error, "a member without a peer id");
		if (i > 0 && g_strcmp0(member[-1].peer_id, member->peer_id) == 0)
			return arc_cluster_view_invalid(error, "a member twice");
		if (member->tunnel_public_key != NULL &&
		    g_bytes_get_size(member->tunnel_public_key) != 32)
			return arc_cluster_view_invalid(error, "a tunnel key is not 32 bytes");
		if (!g_hash_table_add(devices, member->device))
			return arc_cluster_view_invalid(error, "two members share a device name");
	}
	return TRUE;
}

static gboolean
arc_cluster_view_check_services(ArcClusterView *view, GError **error)
{
	for (guint i = 0; i < view->services->len; i++) {
		ArcClusterService *service = &g_array_index(view->services, ArcClusterService, i);

		if (service->id == NULL || service->source_peer_id == NULL ||
		    service->target_peer_id == NULL)
			return arc_cluster_view_invalid(error, "a service without id or peers");
		if (i > 0 && g_strcmp0(service[-1].id, service->id) == 0)
			return arc_cluster_view_invalid(error, "a service twice");
	}
	for (guint i = 0; i < view->routes->len; i++) {
		ArcRoute *route = &g_array_index(view->routes, ArcRoute, i);

		if (i > 0 && route[-1].id == route->id)
			return arc_cluster_view_invalid(error, "a route id twice");
		if (arc_cluster_view_find_service(view, route->service_id) == NULL)
			return arc_cluster_view_invalid(error, "a route of an unknown service");
	}
	return TRUE;
}

/**
 * arc_cluster_view_builder_end:
 * @self: a builder
 * @error: return location for a #GError
 *
 * Sorts the members by peer id, the services and the routes by id, checks that this node
 * has a peer id, that no member, service or route id comes twice, that tunnel keys are 32
 * bytes and that every route names a service of the view, and indexes the routes. Call it
 * once; then only arc_cluster_view_builder_free().
 *
 * Returns: (transfer full): the view, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcClusterView *
arc_cluster_view_builder_end(ArcClusterViewBuilder *self, GError **error)
{
	ArcClusterView *view = self->view;

	g_array_sort(view->members, arc_cluster_by_string_cb);
	g_array_sort(view->services, arc_cluster_by_string_cb);
	g_array_sort(view->routes, arc_cluster_route_by_id_cb);
	if (view->node.peer_id == NULL || view->node.peer_id[0] == '\0') {
		arc_cluster_view_invalid(error, "this node has no peer id");
		return NULL;
	}
	if (!arc_cluster_view_check_members(view, error) ||
	    !arc_cluster_view_check_services(view, error))
		return NULL;
	view->table = arc_route_table_new();
	for (guint i = 0; i < view->services->len; i++) {
		const ArcClusterService *service =
			&g_array_index(view->services, ArcClusterService, i);

		if (service->interface[0] != '\0')
			arc_route_table_bind_interface(view->table, service->interface,
						       service->id);
	}
	for (guint i = 0; i < view->routes->len; i++) {
		ArcRoute *route = &g_array_index(view->routes, ArcRoute, i);

		arc_route_table_add(view->table, route->id, route->service_id, route->priority,
				    route->has_source ? &route->source : NULL,
				    route->has_destination ? &route->destination : NULL);
	}
	view->ordered = arc_route_table_get_ordered(view->table);
	self->view = NULL;
	return view;
}
