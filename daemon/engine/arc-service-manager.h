/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-node.h"
#include "arc-requests.h"
#include "arc-registry.h"
#include "arc-service-records.h"
#include "arc-service-spec.h"

G_BEGIN_DECLS

/* Services and routes (docs/services.md): the `service` and `route` records, read once into
 * a cache kept until one of them or a member changes, and the route index (one route table
 * per source peer) the lookups use. Whoever calls has been authorised already. */

#define ARC_TYPE_SERVICE_MANAGER (arc_service_manager_get_type())
G_DECLARE_FINAL_TYPE(ArcServiceManager, arc_service_manager, ARC, SERVICE_MANAGER, GObject)

/**
 * ArcServiceHost:
 * @get_max_services: the license's service limit, 0 for none
 * @list_peers: the peers not deleted, with their names and states, as
 *   (transfer container) (element-type ArcPeerInfo), or %NULL with @error set
 *
 * What the service manager asks of the agent around it (what it needs to know of this agent
 * is the #ArcNode's): the license's limit and the peers. Every callback gets the user data
 * given to arc_service_manager_new().
 */
typedef struct {
	gint64 (*get_max_services)(gpointer user_data);
	GPtrArray *(*list_peers)(gpointer user_data, GError **error);
} ArcServiceHost;

ArcServiceManager *arc_service_manager_new(ArcNode *node, ArcRegistry *registry,
					   const ArcServiceHost *host, gpointer host_data);
void arc_service_manager_invalidate(ArcServiceManager *self);

GPtrArray *arc_service_manager_list_services(ArcServiceManager *self,
					     const ArcServiceFilter *filter, GError **error);
ArcServiceInfo *arc_service_manager_get_service(ArcServiceManager *self, const gchar *id,
						GError **error);
ArcServiceInfo *arc_service_manager_create_service(ArcServiceManager *self,
						   const ArcServiceSpec *spec, const gchar *actor,
						   GError **error);
ArcServiceInfo *arc_service_manager_update_service(ArcServiceManager *self, const gchar *id,
						   const ArcServiceSpec *spec, const gchar *actor,
						   GError **error);
gboolean arc_service_manager_delete_service(ArcServiceManager *self, const gchar *id,
					    const gchar *actor, GError **error);

GPtrArray *arc_service_manager_list_routes(ArcServiceManager *self, const gchar *service_id,
					   GError **error);
GArray *arc_service_manager_add_routes(ArcServiceManager *self, const gchar *service_id,
				       const ArcRouteBatch *batch, const gchar *actor,
				       GError **error);
ArcRouteInfo *arc_service_manager_update_route(ArcServiceManager *self, const gchar *service_id,
					       gint64 route_id, const ArcRouteSpec *spec,
					       const gchar *actor, GError **error);
gboolean arc_service_manager_delete_route(ArcServiceManager *self, const gchar *service_id,
					  gint64 route_id, const gchar *actor, GError **error);
ArcRouteLookup *arc_service_manager_lookup_route(ArcServiceManager *self, const gchar *peer,
						 const gchar *source, const gchar *destination,
						 const gchar *interface, gboolean all,
						 GError **error);

G_END_DECLS
