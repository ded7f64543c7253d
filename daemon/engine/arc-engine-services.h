/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-service-manager.h"

G_BEGIN_DECLS

/* Services and routes (docs/services.md): replicated records any active peer writes, kept
 * by the service manager; these authorise the caller and delegate to it. */

GPtrArray *arc_engine_list_services(ArcEngine *self, const ArcCaller *caller,
				    const ArcServiceFilter *filter, GError **error);
ArcServiceInfo *arc_engine_get_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
				       GError **error);
ArcServiceInfo *arc_engine_create_service(ArcEngine *self, const ArcCaller *caller,
					  const ArcServiceSpec *spec, GError **error);
ArcServiceInfo *arc_engine_update_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
					  const ArcServiceSpec *spec, GError **error);
gboolean arc_engine_delete_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
				   GError **error);
GPtrArray *arc_engine_list_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
				  GError **error);
GArray *arc_engine_add_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			      const ArcRouteBatch *batch, GError **error);
ArcRouteInfo *arc_engine_update_route(ArcEngine *self, const ArcCaller *caller,
				      const gchar *service_id, gint64 route_id,
				      const ArcRouteSpec *spec, GError **error);
gboolean arc_engine_delete_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
				 gint64 route_id, GError **error);
ArcRouteLookup *arc_engine_lookup_route(ArcEngine *self, const ArcCaller *caller, const gchar *peer,
					const gchar *source, const gchar *destination,
					const gchar *interface, gboolean all, GError **error);

G_END_DECLS
