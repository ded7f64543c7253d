/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-requests.h"

#include <arctic-plugin.h>

void
arc_bootstrap_request_free(ArcBootstrapRequest *self)
{
	if (self == NULL)
		return;
	g_free(self->license_doc);
	g_free(self->name);
	g_free(self->description);
	g_free(self);
}

/**
 * arc_request_license_document:
 * @root: a request body, an object
 *
 * Both documented shapes of a license in a body (bootstrap, `PUT /v1/license`): the bare
 * license object, or `{"license": …}`.
 *
 * Returns: (transfer full): the license document, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
gchar *
arc_request_license_document(JsonNode *root, GError **error)
{
	JsonNode *license = json_object_get_member(json_node_get_object(root), "license");

	if (license == NULL)
		return json_to_string(root, FALSE);
	if (!JSON_NODE_HOLDS_OBJECT(license)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'license' must be the license object");
		return NULL;
	}
	return json_to_string(license, FALSE);
}

/* the one rule of a label member, for whichever adapter decoded it */
static gboolean
arc_request_check_label(const gchar *value, const gchar *member, gsize max, GError **error)
{
	return value == NULL || arc_text_check_label(value, member, max, error);
}

/* a label member of a JSON body: absent and null are not given; the type is checked first so
 * that the message names the member either way */
static gboolean
arc_request_get_label(JsonObject *obj, const gchar *member, gsize max, gchar **out, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return TRUE;
	if (json_node_get_value_type(node) != G_TYPE_STRING) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' must be a string of at most %u bytes", member, (guint)max);
		return FALSE;
	}
	if (!arc_request_check_label(json_node_get_string(node), member, max, error))
		return FALSE;
	*out = g_strdup(json_node_get_string(node));
	return TRUE;
}

/**
 * arc_bootstrap_request_from_json:
 * @body: a request body, untrusted: a license, or `{"license": …, "name", "description"}`
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the request, its members checked, or %NULL with
 *   %ARC_ERROR_INVALID_REQUEST
 */
ArcBootstrapRequest *
arc_bootstrap_request_from_json(const gchar *body, gsize length, GError **error)
{
	g_autoptr(JsonNode) root =
		arc_json_parse_object(body, (gssize)length, ARC_REQUEST_MAX_BOOTSTRAP_DEPTH, error);
	g_autoptr(ArcBootstrapRequest) req = NULL;
	JsonObject *obj;

	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	req = g_new0(ArcBootstrapRequest, 1);
	req->license_doc = arc_request_license_document(root, error);
	if (req->license_doc == NULL)
		return NULL;
	/* the bare license shape has no room for labels: its members are the license's */
	if (json_object_has_member(obj, "license") &&
	    (!arc_request_get_label(obj, "name", ARC_REQUEST_MAX_NAME, &req->name, error) ||
	     !arc_request_get_label(obj, "description", ARC_REQUEST_MAX_DESCRIPTION,
				    &req->description, error)))
		return NULL;
	return g_steal_pointer(&req);
}

/**
 * arc_bootstrap_request_new:
 * @license: the license object, already parsed
 * @name: (nullable): the peer's name
 *
 * A bootstrap of an adapter that takes its members apart (D-Bus); the engine checks them
 * with arc_bootstrap_request_validate().
 *
 * Returns: (transfer full): the request
 */
ArcBootstrapRequest *
arc_bootstrap_request_new(JsonNode *license, const gchar *name)
{
	ArcBootstrapRequest *self = g_new0(ArcBootstrapRequest, 1);

	self->license_doc = json_to_string(license, FALSE);
	self->name = g_strdup(name);
	return self;
}

/**
 * arc_bootstrap_request_validate:
 * @self: a bootstrap
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the members a caller chose are acceptable, else %FALSE with
 *   %ARC_ERROR_INVALID_REQUEST naming the first that is not
 */
gboolean
arc_bootstrap_request_validate(const ArcBootstrapRequest *self, GError **error)
{
	return arc_request_check_label(self->name, "name", ARC_REQUEST_MAX_NAME, error) &&
	       arc_request_check_label(self->description, "description",
				       ARC_REQUEST_MAX_DESCRIPTION, error);
}

void
arc_peer_update_free(ArcPeerUpdate *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self);
}

/**
 * arc_peer_update_new:
 * @name: (nullable): the new name, %NULL when the caller gave none
 *
 * Returns: (transfer full): the update, not yet checked: see arc_peer_update_validate()
 */
ArcPeerUpdate *
arc_peer_update_new(const gchar *name)
{
	ArcPeerUpdate *self = g_new0(ArcPeerUpdate, 1);

	self->name = g_strdup(name);
	return self;
}

/**
 * arc_peer_update_check_given:
 * @self: an update
 * @error: return location for a #GError
 *
 * The part of arc_peer_update_validate() that needs no more than the request's shape, for
 * an adapter that refuses an empty request before it asks the engine.
 *
 * Returns: %TRUE if @self has a name, else %FALSE with %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_peer_update_check_given(const ArcPeerUpdate *self, GError **error)
{
	if (self->name != NULL)
		return TRUE;
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "'name' is required");
	return FALSE;
}

/**
 * arc_peer_update_validate:
 * @self: an update
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @self names the peer acceptably, else %FALSE with
 *   %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_peer_update_validate(const ArcPeerUpdate *self, GError **error)
{
	return arc_peer_update_check_given(self, error) &&
	       arc_request_check_label(self->name, "name", ARC_REQUEST_MAX_NAME, error);
}

void
arc_route_batch_free(ArcRouteBatch *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->routes, g_ptr_array_unref);
	g_free(self);
}

static ArcRouteBatch *
arc_route_batch_new(GPtrArray *routes)
{
	ArcRouteBatch *self;

	if (routes == NULL)
		return NULL;
	self = g_new0(ArcRouteBatch, 1);
	self->routes = routes;
	return self;
}

/**
 * arc_route_batch_from_json:
 * @object: the body, untrusted: `{"routes": [...]}` or one route (arc_route_specs_from_json())
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the batch, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcRouteBatch *
arc_route_batch_from_json(JsonObject *object, GError **error)
{
	return arc_route_batch_new(arc_route_specs_from_json(object, error));
}

/**
 * arc_route_batch_from_variant:
 * @routes: `aa{sv}`, untrusted (arc_route_specs_from_variant())
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the batch, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
ArcRouteBatch *
arc_route_batch_from_variant(GVariant *routes, GError **error)
{
	return arc_route_batch_new(arc_route_specs_from_variant(routes, error));
}
