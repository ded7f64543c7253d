/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "arc-service-spec.h"

G_BEGIN_DECLS

/* What a caller asks of the engine, typed: the REST adapter decodes a body into these, the
 * D-Bus adapter fills them from its arguments, and the engine takes nothing else. The rules a
 * member must follow are written here once, so both adapters refuse bad input alike. */

#define ARC_REQUEST_MAX_NAME 128
#define ARC_REQUEST_MAX_DESCRIPTION 1024
/* the body of a bootstrap: a license and two labels, nowhere near this */
#define ARC_REQUEST_MAX_BOOTSTRAP_DEPTH 16

/**
 * ArcBootstrapRequest:
 * @license_doc: the license document, compact JSON, not yet verified
 * @name: (nullable): the peer's name; %NULL or empty for the host name
 * @description: (nullable): the peer's description
 *
 * A bootstrap (`POST /v1/bootstrap`, the D-Bus `Bootstrap`).
 */
typedef struct {
	gchar *license_doc;
	gchar *name;
	gchar *description;
} ArcBootstrapRequest;

void arc_bootstrap_request_free(ArcBootstrapRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBootstrapRequest, arc_bootstrap_request_free)

ArcBootstrapRequest *arc_bootstrap_request_from_json(const gchar *body, gsize length,
						     GError **error);
ArcBootstrapRequest *arc_bootstrap_request_new(JsonNode *license, const gchar *name);
gboolean arc_bootstrap_request_validate(const ArcBootstrapRequest *self, GError **error);

gchar *arc_request_license_document(JsonNode *root, GError **error);

/**
 * ArcPeerUpdate:
 * @name: (nullable): the new name (an alias for a remote peer); %NULL when not set
 *
 * A change to a peer (`PUT /v1/peers/{id}`, the D-Bus `UpdatePeer`). A member that is %NULL
 * was not given; the name is the one member there is, and it is required.
 */
typedef struct {
	gchar *name;
} ArcPeerUpdate;

void arc_peer_update_free(ArcPeerUpdate *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcPeerUpdate, arc_peer_update_free)

ArcPeerUpdate *arc_peer_update_new(const gchar *name);
gboolean arc_peer_update_check_given(const ArcPeerUpdate *self, GError **error);
gboolean arc_peer_update_validate(const ArcPeerUpdate *self, GError **error);

/**
 * ArcRouteBatch:
 * @routes: (element-type ArcRouteSpec): routes to add to one service, each checked alone;
 *   never empty
 *
 * `POST /v1/services/{id}/routes` and `AddRoutes`: the routes of one request, which are
 * stored together or not at all.
 */
typedef struct {
	GPtrArray *routes;
} ArcRouteBatch;

void arc_route_batch_free(ArcRouteBatch *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcRouteBatch, arc_route_batch_free)

ArcRouteBatch *arc_route_batch_from_json(JsonObject *object, GError **error);
ArcRouteBatch *arc_route_batch_from_variant(GVariant *routes, GError **error);

G_END_DECLS
