/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "arc-engine.h"

G_BEGIN_DECLS

#define ARC_REST_MAX_PARAMS 4

/**
 * ArcRestRequest:
 *
 * One API request on its way through the REST adapter.
 */
typedef struct {
	SoupServerMessage *msg;
	ArcEngine *engine;
	ArcCaller *caller;
	const gchar *params[ARC_REST_MAX_PARAMS];
	GBytes *body;
} ArcRestRequest;

typedef void (*ArcRestHandler)(ArcRestRequest *req);

typedef enum {
	ARC_REST_AUTH_PUBLIC,
	ARC_REST_AUTH_TOKEN, /* any valid token */
	ARC_REST_AUTH_SCOPE, /* a valid token with the route's scope */
} ArcRestAuth;

/**
 * ArcRestRoute:
 * @method: HTTP method
 * @pattern: path with `{}` for a parameter segment, e.g. `/v1/credentials/{}`
 * @auth: what the route requires
 * @scope: the scope, for %ARC_REST_AUTH_SCOPE
 * @handler: the handler
 */
typedef struct {
	const gchar *method;
	const gchar *pattern;
	ArcRestAuth auth;
	ArcScope scope;
	ArcRestHandler handler;
} ArcRestRoute;

const ArcRestRoute *arc_rest_routes_get(guint *n_routes);

/**
 * ArcRestPending:
 * @req: the request, its message paused until arc_rest_pending_free()
 *
 * A request whose answer comes later (the handshake talks to another agent first). The
 * caller is not kept: authorise before pausing.
 */
typedef struct {
	ArcRestRequest req;
} ArcRestPending;

ArcRestPending *arc_rest_request_pause(ArcRestRequest *req);
void arc_rest_pending_free(ArcRestPending *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRestPending, arc_rest_pending_free)

void arc_rest_reply_json(ArcRestRequest *req, guint status, JsonBuilder *builder);
void arc_rest_reply_error(SoupServerMessage *msg, const GError *error);
void arc_rest_reply_error_literal(SoupServerMessage *msg, ArcError code, const gchar *message);
void arc_rest_reply_handshake_error(SoupServerMessage *msg, const GError *error, GPtrArray *steps,
				    gboolean with_steps);
void arc_rest_builder_add_steps(JsonBuilder *b, GPtrArray *steps);
gboolean arc_rest_query_flag(ArcRestRequest *req, const gchar *name);
JsonNode *arc_rest_parse_body(ArcRestRequest *req, gboolean optional, GError **error);
void arc_rest_builder_add_string(JsonBuilder *b, const gchar *name, const gchar *value);
void arc_rest_builder_add_time(JsonBuilder *b, const gchar *name, gint64 unix_secs);
void arc_rest_builder_add_int(JsonBuilder *b, const gchar *name, gint64 value);
void arc_rest_add_string_array(JsonBuilder *b, const gchar *name, const gchar *const *values);

/**
 * ArcRestJson:
 *
 * A response written straight into text, for the hot read routes: a JsonBuilder tree, its
 * generator and its release cost several times what libsoup spends on the whole exchange.
 * Same output as the generator (no whitespace, strings escaped alike).
 */
typedef struct {
	GString *buf;
	guint depth;
	guint32 filled; /* bit d: the container at depth d has an element already */
} ArcRestJson;

#define ARC_REST_JSON_MAX_DEPTH 31

void arc_rest_json_init(ArcRestJson *j);
void arc_rest_json_clear(ArcRestJson *j);
void arc_rest_json_begin_object(ArcRestJson *j, const gchar *name);
void arc_rest_json_end_object(ArcRestJson *j);
void arc_rest_json_begin_array(ArcRestJson *j, const gchar *name);
void arc_rest_json_end_array(ArcRestJson *j);
void arc_rest_json_string(ArcRestJson *j, const gchar *name, const gchar *value);
void arc_rest_json_time(ArcRestJson *j, const gchar *name, gint64 unix_secs);
void arc_rest_json_int(ArcRestJson *j, const gchar *name, gint64 value);
gchar *arc_rest_json_steal(ArcRestJson *j, gsize *len);
void arc_rest_reply_json_text(ArcRestRequest *req, guint status, ArcRestJson *j);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcRestJson, arc_rest_json_clear)

G_END_DECLS
