/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "config.h"

#include "arc-dbus-services.h"

#include "arc-dbus-options.h"
#include "arc-dbus-realised-service.h"

#include "arc-engine-services.h"

/* Services and routes on D-Bus (docs/dbus.md, docs/services.md): one
 * com.tillered.Arctic1.Service object per service below the ObjectManager, kept in step with
 * the engine's `service-changed`, and the writes of the REST API. The a{sv} arguments are
 * read into the typed specs by the same member readers as the REST bodies
 * (arc_service_spec_from_variant()), so both APIs check alike and answer with the same
 * errors. */

/* the objects only mirror what the engine shows; reading the services needs no more */
static const ArcCaller arc_dbus_services_reader = {.scopes = ARC_SCOPE_SERVICES_READ};

/* what an authorised write of a service object acts on, kept on its invocation */
#define ARC_DBUS_SERVICES_INVOCATION_IFACE "arc-dbus-services-iface"

struct _ArcDbusServices {
	GObject parent_instance;
	ArcDbusService *service; /* unowned: it owns this object */
	ArcEngine *engine;
	GDBusObjectManagerServer *manager;
	ArcDbusAgent *agent;
};

G_DEFINE_FINAL_TYPE(ArcDbusServices, arc_dbus_services, G_TYPE_OBJECT)

typedef void (*ArcDbusServicesWriteFunc)(ArcDbusServices *self, GDBusMethodInvocation *invocation,
					 const ArcCaller *caller);

/* Returns: (transfer full) (nullable): the Service interface exported for @service_id */
static ArcDbusClusterService *
arc_dbus_services_lookup(ArcDbusServices *self, const gchar *service_id, gchar **path_out)
{
	g_autofree gchar *path = arc_dbus_service_object_path(ARC_DBUS_SERVICES_PATH, service_id);
	g_autoptr(GDBusObject) object =
		g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(self->manager), path);
	ArcDbusClusterService *iface =
		object != NULL ? arc_dbus_object_get_cluster_service(ARC_DBUS_OBJECT(object))
			       : NULL;

	if (path_out != NULL)
		*path_out = g_steal_pointer(&path);
	return iface;
}

/* serialisation */

static GVariant *
arc_dbus_services_routes_to_variant(GPtrArray *routes)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(xxss)"));
	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		const ArcRouteInfo *route = g_ptr_array_index(routes, i);
		g_variant_builder_add(&builder, "(xxss)", route->id, route->priority,
				      route->source_cidr != NULL ? route->source_cidr : "",
				      route->dest_cidr != NULL ? route->dest_cidr : "");
	}
	return g_variant_builder_end(&builder);
}

static const gchar *
arc_dbus_services_str(const gchar *value)
{
	return value != NULL ? value : "";
}

/* the skeleton announces only the properties whose values differ, in one signal */
static void
arc_dbus_services_set_properties(ArcDbusServices *self, ArcDbusClusterService *iface,
				 const ArcServiceInfo *info, GPtrArray *routes)
{
	g_autofree gchar *source_peer =
		arc_dbus_service_peer_object(self->service, info->source_peer_id);
	g_autofree gchar *target_peer =
		arc_dbus_service_peer_object(self->service, info->target_peer_id);

	arc_dbus_cluster_service_set_source_peer(iface, source_peer);
	arc_dbus_cluster_service_set_target_peer(iface, target_peer);
	arc_dbus_cluster_service_set_name(iface, arc_dbus_services_str(info->name));
	arc_dbus_cluster_service_set_source_peer_id(iface,
						    arc_dbus_services_str(info->source_peer_id));
	arc_dbus_cluster_service_set_source_peer_name(
		iface, arc_dbus_services_str(info->source_peer_name));
	arc_dbus_cluster_service_set_target_peer_id(iface,
						    arc_dbus_services_str(info->target_peer_id));
	arc_dbus_cluster_service_set_target_peer_name(
		iface, arc_dbus_services_str(info->target_peer_name));
	arc_dbus_cluster_service_set_transport_type(iface,
						    arc_dbus_services_str(info->transport_type));
	arc_dbus_cluster_service_set_requires_interface(iface, info->requires_interface);
	arc_dbus_cluster_service_set_desired_ipv4_cidr(
		iface, arc_dbus_services_str(info->desired_ipv4_cidr));
	arc_dbus_cluster_service_set_desired_ipv6_cidr(
		iface, arc_dbus_services_str(info->desired_ipv6_cidr));
	arc_dbus_cluster_service_set_interface_name(
		iface, info->requires_interface ? arc_dbus_services_str(info->interface_name) : "");
	arc_dbus_cluster_service_set_fully_transparent(iface, info->fully_transparent);
	arc_dbus_cluster_service_set_bandwidth_limit_mbps(iface, info->bandwidth_limit_mbps);
	arc_dbus_cluster_service_set_state(iface, arc_service_state_to_string(info->state));
	arc_dbus_cluster_service_set_routes(iface, arc_dbus_services_routes_to_variant(routes));
	arc_dbus_cluster_service_set_created_at(iface, info->created_at);
	arc_dbus_cluster_service_set_updated_at(iface, info->updated_at);
}

/* the methods of a service object */

static void
arc_dbus_services_begin_write(ArcDbusServices *self, ArcDbusClusterService *iface,
			      GDBusMethodInvocation *invocation)
{
	g_object_set_data_full(G_OBJECT(invocation), ARC_DBUS_SERVICES_INVOCATION_IFACE,
			       g_object_ref(iface), g_object_unref);
	arc_dbus_service_authorize_services_write(self->service, invocation);
}

static gboolean
arc_dbus_services_handle_update_cb(ArcDbusClusterService *iface, GDBusMethodInvocation *invocation,
				   GVariant *changes, gpointer user_data)
{
	arc_dbus_services_begin_write(ARC_DBUS_SERVICES(user_data), iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_services_handle_delete_cb(ArcDbusClusterService *iface, GDBusMethodInvocation *invocation,
				   gpointer user_data)
{
	arc_dbus_services_begin_write(ARC_DBUS_SERVICES(user_data), iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_services_handle_add_routes_cb(ArcDbusClusterService *iface,
				       GDBusMethodInvocation *invocation, GVariant *routes,
				       gpointer user_data)
{
	arc_dbus_services_begin_write(ARC_DBUS_SERVICES(user_data), iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_services_handle_update_route_cb(ArcDbusClusterService *iface,
					 GDBusMethodInvocation *invocation, gint64 id,
					 GVariant *changes, gpointer user_data)
{
	arc_dbus_services_begin_write(ARC_DBUS_SERVICES(user_data), iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_services_handle_delete_route_cb(ArcDbusClusterService *iface,
					 GDBusMethodInvocation *invocation, gint64 id,
					 gpointer user_data)
{
	arc_dbus_services_begin_write(ARC_DBUS_SERVICES(user_data), iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* service objects: one com.tillered.Arctic1.Service object per service the engine shows */

static ArcDbusClusterService *
arc_dbus_services_new_iface(ArcDbusServices *self, const gchar *service_id)
{
	ArcDbusClusterService *iface = arc_dbus_realised_service_new(self->engine);

	arc_dbus_cluster_service_set_id(iface, service_id);
	g_signal_connect_object(iface, "handle-update",
				G_CALLBACK(arc_dbus_services_handle_update_cb), self, 0);
	g_signal_connect_object(iface, "handle-delete",
				G_CALLBACK(arc_dbus_services_handle_delete_cb), self, 0);
	g_signal_connect_object(iface, "handle-add-routes",
				G_CALLBACK(arc_dbus_services_handle_add_routes_cb), self, 0);
	g_signal_connect_object(iface, "handle-update-route",
				G_CALLBACK(arc_dbus_services_handle_update_route_cb), self, 0);
	g_signal_connect_object(iface, "handle-delete-route",
				G_CALLBACK(arc_dbus_services_handle_delete_route_cb), self, 0);
	return iface;
}

/* Exports the object of @info, or updates the one already exported. Returns: whether it
 * exported a new object */
static gboolean
arc_dbus_services_export(ArcDbusServices *self, const ArcServiceInfo *info, GPtrArray *routes)
{
	g_autofree gchar *path = NULL;
	g_autoptr(ArcDbusClusterService) iface = arc_dbus_services_lookup(self, info->id, &path);
	g_autoptr(ArcDbusObjectSkeleton) object = NULL;

	if (iface != NULL && g_strcmp0(arc_dbus_cluster_service_get_id(iface), info->id) == 0) {
		arc_dbus_services_set_properties(self, iface, info, routes);
		return FALSE;
	}
	if (iface != NULL) {
		g_warning("service %s would be exported at %s, which service %s holds: not "
			  "exported",
			  info->id, path, arc_dbus_cluster_service_get_id(iface));
		return FALSE;
	}
	/* every property is set before the export, so InterfacesAdded carries them all */
	iface = arc_dbus_services_new_iface(self, info->id);
	arc_dbus_services_set_properties(self, iface, info, routes);
	object = arc_dbus_object_skeleton_new(path);
	arc_dbus_object_skeleton_set_cluster_service(object, iface);
	g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
	return TRUE;
}

/* Exports or updates one service's object; the Agent's Services follows a new one. */
static void
arc_dbus_services_export_one(ArcDbusServices *self, const ArcServiceInfo *info, GPtrArray *routes)
{
	if (arc_dbus_services_export(self, info, routes))
		arc_dbus_service_objects_changed(self->service);
}

static void
arc_dbus_services_unexport(ArcDbusServices *self, const gchar *service_id)
{
	g_autofree gchar *path = NULL;
	g_autoptr(ArcDbusClusterService) iface = arc_dbus_services_lookup(self, service_id, &path);

	if (iface != NULL && g_strcmp0(arc_dbus_cluster_service_get_id(iface), service_id) == 0 &&
	    g_dbus_object_manager_server_unexport(self->manager, path))
		arc_dbus_service_objects_changed(self->service);
}

/* Returns: (transfer container): service id → (element-type ArcRouteInfo) its routes */
static GHashTable *
arc_dbus_services_group_routes(GPtrArray *routes)
{
	GHashTable *by_service = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						       (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < routes->len; i++) {
		ArcRouteInfo *route = g_ptr_array_index(routes, i);
		GPtrArray *list = g_hash_table_lookup(by_service, route->service_id);

		if (list == NULL) {
			list = g_ptr_array_new();
			g_hash_table_insert(by_service, route->service_id, list);
		}
		g_ptr_array_add(list, route);
	}
	return by_service;
}

/* Makes the service objects what the engine shows: at start, and when peers change, which
 * changes the State and peer names of the services that name them. */
static void
arc_dbus_services_sync(ArcDbusServices *self)
{
	g_autoptr(GPtrArray) services = NULL;
	g_autoptr(GPtrArray) routes = NULL;
	g_autoptr(GHashTable) by_service = NULL;
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autolist(GDBusObject) objects = NULL;
	g_autoptr(GError) error = NULL;

	services = arc_engine_list_services(self->engine, &arc_dbus_services_reader, NULL, &error);
	if (services != NULL)
		routes = arc_engine_list_routes(self->engine, &arc_dbus_services_reader, NULL,
						&error);
	if (routes == NULL) {
		g_warning("cannot list the services for D-Bus: %s", error->message);
		return;
	}
	by_service = arc_dbus_services_group_routes(routes);
	for (guint i = 0; i < services->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(services, i);
		arc_dbus_services_export(self, info, g_hash_table_lookup(by_service, info->id));
		g_hash_table_add(ids, info->id);
	}
	objects = g_dbus_object_manager_get_objects(G_DBUS_OBJECT_MANAGER(self->manager));
	for (GList *l = objects; l != NULL; l = l->next) {
		g_autoptr(ArcDbusClusterService) iface =
			arc_dbus_object_get_cluster_service(ARC_DBUS_OBJECT(l->data));
		if (iface != NULL &&
		    !g_hash_table_contains(ids, arc_dbus_cluster_service_get_id(iface)))
			g_dbus_object_manager_server_unexport(
				self->manager, g_dbus_object_get_object_path(l->data));
	}
	arc_dbus_service_objects_changed(self->service);
}

/* a service or its routes were created, changed or deleted, here or by gossip */
static void
arc_dbus_services_service_changed_cb(ArcEngine *engine, const gchar *service_id, gpointer user_data)
{
	ArcDbusServices *self = ARC_DBUS_SERVICES(user_data);
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	info = arc_engine_get_service(engine, &arc_dbus_services_reader, service_id, &error);
	if (info != NULL) {
		arc_dbus_services_export_one(self, info, info->routes);
		return;
	}
	if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_NOT_FOUND)) {
		g_warning("cannot read service %s for D-Bus: %s", service_id, error->message);
		return;
	}
	arc_dbus_services_unexport(self, service_id);
}

static void
arc_dbus_services_peer_changed_cb(ArcEngine *engine, const gchar *peer_id, gpointer user_data)
{
	arc_dbus_services_sync(ARC_DBUS_SERVICES(user_data));
}

static void
arc_dbus_services_engine_notify_cb(GObject *engine, GParamSpec *pspec, gpointer user_data)
{
	if (g_strcmp0(pspec->name, "bootstrapped") == 0 || g_strcmp0(pspec->name, "peer-id") == 0)
		arc_dbus_services_sync(ARC_DBUS_SERVICES(user_data));
}

/* the writes, once authorised: a{sv} → the typed spec (read by the rules of a REST body,
 * arc-service-spec.c) → the engine */

static ArcDbusClusterService *
arc_dbus_services_invocation_iface(GDBusMethodInvocation *invocation)
{
	return g_object_get_data(G_OBJECT(invocation), ARC_DBUS_SERVICES_INVOCATION_IFACE);
}

static void
arc_dbus_services_create(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			 const ArcCaller *caller)
{
	g_autoptr(GVariant) vardict = NULL;
	g_autoptr(ArcServiceSpec) spec = NULL;
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &vardict);
	spec = arc_service_spec_from_variant(vardict, TRUE, &error);
	if (spec != NULL)
		info = arc_engine_create_service(self->engine, caller, spec, &error);
	if (info == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	/* the engine's service-changed exported it already; this only makes sure */
	arc_dbus_services_export_one(self, info, info->routes);
	path = arc_dbus_service_object_path(ARC_DBUS_SERVICES_PATH, info->id);
	arc_dbus_agent_complete_create_service(self->agent, invocation, path);
}

static void
arc_dbus_services_update(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			 const ArcCaller *caller)
{
	ArcDbusClusterService *iface = arc_dbus_services_invocation_iface(invocation);
	g_autoptr(GVariant) vardict = NULL;
	g_autoptr(ArcServiceSpec) spec = NULL;
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@a{sv})", &vardict);
	spec = arc_service_spec_from_variant(vardict, FALSE, &error);
	if (spec != NULL)
		info = arc_engine_update_service(
			self->engine, caller, arc_dbus_cluster_service_get_id(iface), spec, &error);
	if (info == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_services_export_one(self, info, info->routes);
	arc_dbus_cluster_service_complete_update(iface, invocation);
}

static void
arc_dbus_services_delete(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			 const ArcCaller *caller)
{
	ArcDbusClusterService *iface = arc_dbus_services_invocation_iface(invocation);
	g_autofree gchar *id = g_strdup(arc_dbus_cluster_service_get_id(iface));
	g_autoptr(GError) error = NULL;

	if (!arc_engine_delete_service(self->engine, caller, id, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	/* service-changed unexported it already; this only makes sure */
	arc_dbus_services_unexport(self, id);
	arc_dbus_cluster_service_complete_delete(iface, invocation);
}

/* the object's Routes after a change of its routes, before the reply */
static void
arc_dbus_services_refresh(ArcDbusServices *self, const gchar *service_id)
{
	arc_dbus_services_service_changed_cb(self->engine, service_id, self);
}

static void
arc_dbus_services_add_routes(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			     const ArcCaller *caller)
{
	ArcDbusClusterService *iface = arc_dbus_services_invocation_iface(invocation);
	g_autoptr(GVariant) routes = NULL;
	g_autoptr(ArcRouteBatch) batch = NULL;
	g_autoptr(GArray) ids = NULL;
	g_autoptr(GError) error = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(@aa{sv})", &routes);
	batch = arc_route_batch_from_variant(routes, &error);
	if (batch != NULL)
		ids = arc_engine_add_routes(self->engine, caller,
					    arc_dbus_cluster_service_get_id(iface), batch, &error);
	if (ids == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_services_refresh(self, arc_dbus_cluster_service_get_id(iface));
	arc_dbus_cluster_service_complete_add_routes(iface, invocation,
						     g_variant_new_fixed_array(G_VARIANT_TYPE_INT64,
									       ids->data, ids->len,
									       sizeof(gint64)));
}

static void
arc_dbus_services_update_route(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			       const ArcCaller *caller)
{
	ArcDbusClusterService *iface = arc_dbus_services_invocation_iface(invocation);
	g_autoptr(GVariant) vardict = NULL;
	g_autoptr(ArcRouteSpec) spec = NULL;
	g_autoptr(ArcRouteInfo) route = NULL;
	g_autoptr(GError) error = NULL;
	gint64 route_id = 0;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(x@a{sv})", &route_id,
		      &vardict);
	/* "route", as the REST API names the route it updates */
	spec = arc_route_spec_from_variant(vardict, FALSE, "route", &error);
	if (spec != NULL)
		route = arc_engine_update_route(self->engine, caller,
						arc_dbus_cluster_service_get_id(iface), route_id,
						spec, &error);
	if (route == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_services_refresh(self, arc_dbus_cluster_service_get_id(iface));
	arc_dbus_cluster_service_complete_update_route(iface, invocation);
}

static void
arc_dbus_services_delete_route(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			       const ArcCaller *caller)
{
	ArcDbusClusterService *iface = arc_dbus_services_invocation_iface(invocation);
	g_autoptr(GError) error = NULL;
	gint64 route_id = 0;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(x)", &route_id);
	if (!arc_engine_delete_route(self->engine, caller, arc_dbus_cluster_service_get_id(iface),
				     route_id, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_services_refresh(self, arc_dbus_cluster_service_get_id(iface));
	arc_dbus_cluster_service_complete_delete_route(iface, invocation);
}

static const struct {
	const gchar *method;
	ArcDbusServicesWriteFunc func;
} arc_dbus_services_writes[] = {
	{"CreateService", arc_dbus_services_create},
	{"Update", arc_dbus_services_update},
	{"Delete", arc_dbus_services_delete},
	{"AddRoutes", arc_dbus_services_add_routes},
	{"UpdateRoute", arc_dbus_services_update_route},
	{"DeleteRoute", arc_dbus_services_delete_route},
};

/**
 * arc_dbus_services_authorized:
 * @self: the services module
 * @invocation: a write of services, its caller authorised
 * @caller: the caller, with the scope the write needs
 *
 * Runs the write (arc_dbus_service_authorize_services_write() asked for it) and returns the
 * invocation.
 */
void
arc_dbus_services_authorized(ArcDbusServices *self, GDBusMethodInvocation *invocation,
			     const ArcCaller *caller)
{
	const gchar *method = g_dbus_method_invocation_get_method_name(invocation);

	for (guint i = 0; i < G_N_ELEMENTS(arc_dbus_services_writes); i++) {
		if (g_strcmp0(arc_dbus_services_writes[i].method, method) == 0) {
			arc_dbus_services_writes[i].func(self, invocation, caller);
			return;
		}
	}
	g_dbus_method_invocation_return_error_literal(invocation, ARC_ERROR, ARC_ERROR_INTERNAL,
						      "not a write of services");
}

static gboolean
arc_dbus_services_handle_create_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				   GVariant *spec, gpointer user_data)
{
	ArcDbusServices *self = ARC_DBUS_SERVICES(user_data);

	arc_dbus_service_authorize_services_write(self->service, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* LookupRoute: a read, open to every local user */

static void
arc_dbus_services_add_string(GVariantBuilder *builder, const gchar *key, const gchar *value)
{
	if (value != NULL)
		g_variant_builder_add(builder, "{sv}", key, g_variant_new_string(value));
}

static GVariant *
arc_dbus_services_route_to_variant(const ArcRouteInfo *route)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&builder, "{sv}", "id", g_variant_new_int64(route->id));
	arc_dbus_services_add_string(&builder, "service_id", route->service_id);
	g_variant_builder_add(&builder, "{sv}", "priority", g_variant_new_int64(route->priority));
	arc_dbus_services_add_string(&builder, "source_cidr", route->source_cidr);
	arc_dbus_services_add_string(&builder, "dest_cidr", route->dest_cidr);
	g_variant_builder_add(&builder, "{sv}", "created_at",
			      g_variant_new_int64(route->created_at));
	return g_variant_builder_end(&builder);
}

static GVariant *
arc_dbus_services_candidates_to_variant(GPtrArray *candidates)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("aa{sv}"));
	for (guint i = 0; i < candidates->len; i++) {
		const ArcRouteCandidate *candidate = g_ptr_array_index(candidates, i);
		GVariantBuilder item;

		g_variant_builder_init(&item, G_VARIANT_TYPE_VARDICT);
		g_variant_builder_add(&item, "{sv}", "route",
				      arc_dbus_services_route_to_variant(candidate->route));
		arc_dbus_services_add_string(&item, "service_id", candidate->route->service_id);
		arc_dbus_services_add_string(
			&item, "category",
			arc_route_category_to_wire(arc_route_info_get_category(candidate->route)));
		arc_dbus_services_add_string(&item, "reason", candidate->reason);
		g_variant_builder_add(&item, "{sv}", "matches",
				      g_variant_new_boolean(candidate->matches));
		g_variant_builder_add_value(&builder, g_variant_builder_end(&item));
	}
	return g_variant_builder_end(&builder);
}

static GVariant *
arc_dbus_services_lookup_to_variant(const ArcRouteLookup *lookup, const gchar *src,
				    const gchar *dst, const gchar *interface)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	arc_dbus_services_add_string(&builder, "peer_id", lookup->peer_id);
	arc_dbus_services_add_string(&builder, "src", src);
	arc_dbus_services_add_string(&builder, "dst", dst);
	arc_dbus_services_add_string(&builder, "interface", interface);
	arc_dbus_services_add_string(&builder, "category",
				     arc_route_category_to_wire(lookup->category));
	arc_dbus_services_add_string(&builder, "reason", lookup->reason);
	if (lookup->service != NULL) {
		g_autofree gchar *path =
			arc_dbus_service_object_path(ARC_DBUS_SERVICES_PATH, lookup->service->id);
		arc_dbus_services_add_string(&builder, "service_id", lookup->service->id);
		g_variant_builder_add(&builder, "{sv}", "service", g_variant_new_object_path(path));
	}
	if (lookup->route != NULL)
		g_variant_builder_add(&builder, "{sv}", "route",
				      arc_dbus_services_route_to_variant(lookup->route));
	g_variant_builder_add(&builder, "{sv}", "candidates",
			      arc_dbus_services_candidates_to_variant(lookup->candidates));
	return g_variant_builder_end(&builder);
}

static gboolean
arc_dbus_services_handle_lookup_route_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					 const gchar *src, const gchar *dst, GVariant *options,
					 gpointer user_data)
{
	ArcDbusServices *self = ARC_DBUS_SERVICES(user_data);
	g_autoptr(ArcRouteLookup) lookup = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *interface = NULL;
	g_autofree gchar *peer = NULL;
	static const gchar *const names[] = {"interface", "peer", NULL};
	gchar **values[] = {&interface, &peer};

	/* an empty address is a missing one, as an absent query parameter is in REST */
	if (arc_dbus_string_options(options, names, values, &error))
		lookup = arc_engine_lookup_route(
			self->engine, &arc_dbus_services_reader, peer, src[0] != '\0' ? src : NULL,
			dst[0] != '\0' ? dst : NULL, interface, TRUE, &error);
	if (lookup == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	arc_dbus_agent_complete_lookup_route(
		agent, invocation,
		arc_dbus_services_lookup_to_variant(lookup, src, dst, interface));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
arc_dbus_services_dispose(GObject *object)
{
	ArcDbusServices *self = ARC_DBUS_SERVICES(object);

	g_clear_object(&self->agent);
	g_clear_object(&self->manager);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_dbus_services_parent_class)->dispose(object);
}

static void
arc_dbus_services_class_init(ArcDbusServicesClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = arc_dbus_services_dispose;
}

static void
arc_dbus_services_init(ArcDbusServices *self)
{
}

/**
 * arc_dbus_services_new:
 * @service: the D-Bus adapter, which owns the result and authorises its writes
 * @engine: the engine whose services the objects show
 * @manager: the ObjectManager the service objects are exported below
 * @agent: the Agent interface, which carries CreateService and LookupRoute
 *
 * Exports the services the engine has now and follows its changes.
 *
 * Returns: (transfer full): the services module
 */
ArcDbusServices *
arc_dbus_services_new(ArcDbusService *service, ArcEngine *engine, GDBusObjectManagerServer *manager,
		      ArcDbusAgent *agent)
{
	ArcDbusServices *self = g_object_new(ARC_TYPE_DBUS_SERVICES, NULL);

	self->service = service;
	self->engine = g_object_ref(engine);
	self->manager = g_object_ref(manager);
	self->agent = g_object_ref(agent);
	arc_dbus_services_sync(self);
	g_signal_connect_object(engine, "service-changed",
				G_CALLBACK(arc_dbus_services_service_changed_cb), self, 0);
	g_signal_connect_object(engine, "peer-changed",
				G_CALLBACK(arc_dbus_services_peer_changed_cb), self, 0);
	g_signal_connect_object(engine, "notify", G_CALLBACK(arc_dbus_services_engine_notify_cb),
				self, 0);
	g_signal_connect_object(agent, "handle-create-service",
				G_CALLBACK(arc_dbus_services_handle_create_cb), self, 0);
	g_signal_connect_object(agent, "handle-lookup-route",
				G_CALLBACK(arc_dbus_services_handle_lookup_route_cb), self, 0);
	return self;
}
