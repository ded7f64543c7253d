/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "services"

#include "arc-engine-services.h"

#include "arc-engine-managers.h"

/* The engine's service and route operations (docs/services.md): each authorises its caller,
 * then the service manager (arc-service-manager.c) does the work. */

/**
 * arc_engine_list_services:
 * @self: the engine
 * @caller: who is calling
 * @filter: (nullable): which services
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcServiceInfo): the services, by id
 */
GPtrArray *
arc_engine_list_services(ArcEngine *self, const ArcCaller *caller, const ArcServiceFilter *filter,
			 GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	return arc_service_manager_list_services(arc_engine_get_service_manager(self), filter,
						 error);
}

/**
 * arc_engine_get_service:
 * @self: the engine
 * @caller: who is calling
 * @id: a service id (or name)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service with its routes, or %NULL (%ARC_ERROR_NOT_FOUND)
 */
ArcServiceInfo *
arc_engine_get_service(ArcEngine *self, const ArcCaller *caller, const gchar *id, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	return arc_service_manager_get_service(arc_engine_get_service_manager(self), id, error);
}

/* a service just written, shown to @caller only if it may read services */
static ArcServiceInfo *
arc_engine_services_show(ArcEngine *self, const ArcCaller *caller, ArcServiceInfo *stored,
			 GError **error)
{
	g_autoptr(ArcServiceInfo) info = stored;

	if (info == NULL || !arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	return g_steal_pointer(&info);
}

/**
 * arc_engine_create_service:
 * @self: the engine
 * @caller: who is calling
 * @spec: what to create, checked member by member (arc_service_spec_from_json())
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_engine_create_service(ArcEngine *self, const ArcCaller *caller, const ArcServiceSpec *spec,
			  GError **error)
{
	ArcServiceInfo *info;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return NULL;
	info = arc_service_manager_create_service(arc_engine_get_service_manager(self), spec,
						  arc_caller_describe(caller), error);
	return arc_engine_services_show(self, caller, info, error);
}

/**
 * arc_engine_update_service:
 * @self: the engine
 * @caller: who is calling
 * @id: the service
 * @spec: the members to change
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_engine_update_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
			  const ArcServiceSpec *spec, GError **error)
{
	ArcServiceInfo *info;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return NULL;
	info = arc_service_manager_update_service(arc_engine_get_service_manager(self), id, spec,
						  arc_caller_describe(caller), error);
	return arc_engine_services_show(self, caller, info, error);
}

/**
 * arc_engine_delete_service:
 * @self: the engine
 * @caller: who is calling
 * @id: the service
 * @error: return location for a #GError
 *
 * Deletes the service and its routes, everywhere.
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_engine_delete_service(ArcEngine *self, const ArcCaller *caller, const gchar *id, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return FALSE;
	return arc_service_manager_delete_service(arc_engine_get_service_manager(self), id,
						  arc_caller_describe(caller), error);
}

/**
 * arc_engine_list_routes:
 * @self: the engine
 * @caller: who is calling
 * @service_id: (nullable): a service, or %NULL for the routes of every service
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRouteInfo): the routes, by id
 */
GPtrArray *
arc_engine_list_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
		       GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	return arc_service_manager_list_routes(arc_engine_get_service_manager(self), service_id,
					       error);
}

/**
 * arc_engine_add_routes:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @batch: the routes, each checked (arc_route_batch_from_json())
 * @error: return location for a #GError
 *
 * Stores all the routes or none.
 *
 * Returns: (transfer full) (element-type gint64): their ids, in order, or %NULL
 */
GArray *
arc_engine_add_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
		      const ArcRouteBatch *batch, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return NULL;
	return arc_service_manager_add_routes(arc_engine_get_service_manager(self), service_id,
					      batch, arc_caller_describe(caller), error);
}

/**
 * arc_engine_update_route:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @route_id: the route
 * @spec: the members to change; a CIDR set to %NULL is cleared
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the route as stored, or %NULL
 */
ArcRouteInfo *
arc_engine_update_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			gint64 route_id, const ArcRouteSpec *spec, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return NULL;
	return arc_service_manager_update_route(arc_engine_get_service_manager(self), service_id,
						route_id, spec, arc_caller_describe(caller), error);
}

/**
 * arc_engine_delete_route:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @route_id: the route
 * @error: return location for a #GError
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_engine_delete_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			gint64 route_id, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return FALSE;
	return arc_service_manager_delete_route(arc_engine_get_service_manager(self), service_id,
						route_id, arc_caller_describe(caller), error);
}

/**
 * arc_engine_lookup_route:
 * @self: the engine
 * @caller: who is calling
 * @peer: (nullable): the peer the traffic enters at, by id or name; this agent when %NULL
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 * @all: whether to list the routes that do not match the packet as well (else counted)
 * @error: return location for a #GError
 *
 * Evaluates the routes of the active services from @peer (docs/routing.md).
 *
 * Returns: (transfer full): the decision and why, or %NULL
 */
ArcRouteLookup *
arc_engine_lookup_route(ArcEngine *self, const ArcCaller *caller, const gchar *peer,
			const gchar *source, const gchar *destination, const gchar *interface,
			gboolean all, GError **error)
{
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	return arc_service_manager_lookup_route(arc_engine_get_service_manager(self), peer, source,
						destination, interface, all, error);
}
