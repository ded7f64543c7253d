/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-rest-request.h"

G_BEGIN_DECLS

/* handlers of /v1/services and /v1/routes, in the route table of arc-rest-routes.c */
void arc_rest_services_list(ArcRestRequest *req);
void arc_rest_services_get(ArcRestRequest *req);
void arc_rest_services_create(ArcRestRequest *req);
void arc_rest_services_update(ArcRestRequest *req);
void arc_rest_services_delete(ArcRestRequest *req);
void arc_rest_routes_list(ArcRestRequest *req);
void arc_rest_routes_list_all(ArcRestRequest *req);
void arc_rest_routes_add(ArcRestRequest *req);
void arc_rest_routes_update(ArcRestRequest *req);
void arc_rest_routes_delete(ArcRestRequest *req);
void arc_rest_routes_lookup(ArcRestRequest *req);

G_END_DECLS
