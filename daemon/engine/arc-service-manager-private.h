/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-service-manager.h"

G_BEGIN_DECLS

/* Only for the two files of ArcServiceManager: arc-service-manager.c (the cache, the record
 * kinds, the services) and arc-service-manager-routes.c (the routes and the route index). */

struct _ArcServiceManager {
	GObject parent_instance;
	ArcRegistry *registry;
	ArcNode *node; /* this agent's peer id and clock */
	ArcServiceHost host;
	gpointer host_data;
	gboolean stale;         /* records or members changed since the cache was read */
	GHashTable *changed;    /* ids of the services a commit under way changes */
	GHashTable *services;   /* id → ArcServiceInfo without routes, names or state */
	GHashTable *routes;     /* gint64 id → ArcRouteInfo, of live services only */
	GHashTable *over_limit; /* ids of services beyond max_services */
	gint64 max_route_id;    /* over every route record, deleted ones too */
	GHashTable *tables;     /* source peer id → ArcRouteTable of its active services */
};

gboolean arc_service_manager_load(ArcServiceManager *self, GError **error);
const gchar *arc_service_manager_peer_id(ArcServiceManager *self);
gint64 arc_service_manager_now(ArcServiceManager *self);
const gchar *arc_service_manager_resolve_id(ArcServiceManager *self, const gchar *id,
					    gchar **holder);
ArcServiceInfo *arc_service_manager_find(ArcServiceManager *self, const gchar *id, GError **error);
const gchar *arc_service_manager_state_of(ArcServiceManager *self, const ArcServiceInfo *info);
GHashTable *arc_service_manager_peer_names(ArcServiceManager *self);
GPtrArray *arc_service_manager_routes_of(ArcServiceManager *self, const gchar *service_id);
ArcServiceInfo *arc_service_manager_present(ArcServiceManager *self, const ArcServiceInfo *cached,
					    GHashTable *names, gboolean with_routes);
void arc_service_manager_stage(ArcServiceManager *self, ArcStorageTxn *txn, const gchar *kind,
			       const gchar *id, gchar *body, gboolean deleted);
gboolean arc_service_manager_commit(ArcServiceManager *self, ArcStorageTxn *txn, GError **error);
GArray *arc_service_manager_stage_routes(ArcServiceManager *self, ArcStorageTxn *txn,
					 const gchar *service_id, GPtrArray *specs);
gboolean arc_service_manager_route_displaces(const ArcRecord *local, const ArcRecord *received,
					     gpointer user_data);
void arc_service_manager_renumber_routes(GPtrArray *displaced, gpointer user_data);

G_END_DECLS
