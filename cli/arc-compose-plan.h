/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-compose.h"

G_BEGIN_DECLS

/*
 * What `compose diff` shows and `compose apply` does: the steps from the cluster as it is to
 * the file (docs/compose.md, "Plan rules"). Pure: the states come in as the API's JSON.
 */

typedef enum {
	ARC_COMPOSE_ACTION_BOOTSTRAP,
	ARC_COMPOSE_ACTION_JOIN,
	ARC_COMPOSE_ACTION_CREATE_SERVICE,
	ARC_COMPOSE_ACTION_UPDATE_SERVICE,
	ARC_COMPOSE_ACTION_DELETE_SERVICE,
	ARC_COMPOSE_ACTION_CREATE_ROUTE,
	ARC_COMPOSE_ACTION_UPDATE_ROUTE,
	ARC_COMPOSE_ACTION_DELETE_ROUTE,
	/* not a change: a service left alone because a peer it needs cannot be reached */
	ARC_COMPOSE_ACTION_SKIP,
} ArcComposeActionKind;

typedef struct {
	ArcComposeActionKind kind;
	gboolean kept;      /* a deletion that only --prune carries out */
	gchar *peer;        /* BOOTSTRAP, JOIN: the peer's name in the file */
	gchar *address;     /* BOOTSTRAP, JOIN */
	gchar *service;     /* the service's name (or id when it has none) */
	gchar *service_id;  /* nullable: the service in the cluster */
	gint64 route_id;    /* UPDATE_ROUTE, DELETE_ROUTE */
	JsonObject *body;   /* nullable: the request body */
	gchar *summary;     /* one line, untranslated parts are names and values */
	GPtrArray *changes; /* of gchar*: "member: old -> new" */
} ArcComposeAction;

/* What `apply` learnt about one peer of the file by asking its address */
typedef struct {
	gchar *name;
	gchar *address;
	gboolean reachable;
	gboolean bootstrapped;
	gchar *peer_id;    /* nullable */
	gchar *cluster_id; /* nullable */
} ArcComposePeerState;

/* The cluster as one agent (the anchor) sees it; arrays are nullable (nothing bootstrapped) */
typedef struct {
	GPtrArray *peer_states; /* of ArcComposePeerState, one per peer of the file, same order */
	JsonArray *peers;       /* GET /v1/peers */
	JsonArray *services;    /* GET /v1/services */
	JsonArray *routes;      /* GET /v1/routes */
	gboolean prune;
} ArcComposeState;

typedef struct {
	GPtrArray *actions; /* of ArcComposeAction */
	gint anchor;        /* index of the peer the plan is applied through, -1 if none */
} ArcComposePlan;

ArcComposePeerState *arc_compose_peer_state_new(const gchar *name, const gchar *address);
void arc_compose_peer_state_free(ArcComposePeerState *self);
void arc_compose_action_free(ArcComposeAction *self);
void arc_compose_plan_free(ArcComposePlan *self);

gint arc_compose_plan_find_anchor(GPtrArray *peer_states);
ArcComposePlan *arc_compose_plan_new(ArcComposeFile *file, const ArcComposeState *state);
guint arc_compose_plan_count_changes(ArcComposePlan *self);
gboolean arc_compose_plan_has_kind(ArcComposePlan *self, ArcComposeActionKind kind);
gchar *arc_compose_plan_to_text(ArcComposePlan *self);
JsonNode *arc_compose_plan_to_json(ArcComposePlan *self);
const gchar *arc_compose_action_kind_to_string(ArcComposeActionKind kind);

ArcComposeFile *arc_compose_file_from_cluster(const gchar *filename, JsonArray *peers,
					      JsonArray *services, JsonArray *routes,
					      GPtrArray *warnings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposePeerState, arc_compose_peer_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeAction, arc_compose_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposePlan, arc_compose_plan_free)

G_END_DECLS
