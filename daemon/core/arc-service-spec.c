/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-service-spec.h"

#include <arctic-plugin.h>
#include <string.h>

#include "arc-names.h"
#include "arc-route-table.h"

void
arc_route_spec_free(ArcRouteSpec *self)
{
	if (self == NULL)
		return;
	g_free(self->source_cidr);
	g_free(self->dest_cidr);
	g_free(self);
}

ArcServiceSpec *
arc_service_spec_new(void)
{
	return g_new0(ArcServiceSpec, 1);
}

void
arc_service_spec_free(ArcServiceSpec *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->source_peer_id);
	g_free(self->target_peer_id);
	g_free(self->transport_type);
	g_free(self->desired_ipv4_cidr);
	g_free(self->desired_ipv6_cidr);
	g_clear_pointer(&self->routes, g_ptr_array_unref);
	g_free(self);
}

/**
 * arc_service_name_is_valid:
 * @name: a service name, untrusted
 *
 * Returns: whether @name is 1 to 64 letters, digits, `-`, `_` and `.`
 */
gboolean
arc_service_name_is_valid(const gchar *name)
{
	return arc_name_check(name) == ARC_NAME_OK;
}

/**
 * arc_interface_cidr_normalize:
 * @text: an interface address with its prefix, e.g. `10.0.0.1/24`, untrusted
 * @family: 4 or 6, the family it must have
 * @error: return location for a #GError (%ARC_ERROR_INVALID_CIDR)
 *
 * Unlike a route's network, an interface's address has host bits: it is the address itself.
 *
 * Returns: (transfer full): the address in canonical form, or %NULL
 */
gchar *
arc_interface_cidr_normalize(const gchar *text, guint family, GError **error)
{
	ArcCidrReason reason = ARC_CIDR_NO_SLASH;
	ArcCidr address;

	if (text != NULL && strlen(text) <= 64)
		reason = arc_cidr_read(text, 0, &address);
	if (reason == ARC_CIDR_NO_SLASH) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR,
			    "invalid CIDR notation '%s': an interface address with its prefix "
			    "length is required, e.g. %s",
			    text != NULL && strlen(text) <= 64 ? text : "",
			    family == 4 ? "10.0.0.1/24" : "fd00::10/64");
		return NULL;
	}
	/* the family before the prefix: "fd00::1/200" for IPv4 is the wrong family */
	if (reason == ARC_CIDR_BAD_ADDRESS || address.family != family) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR,
			    "invalid CIDR notation '%s': not an IPv%u address", text, family);
		return NULL;
	}
	if (reason == ARC_CIDR_BAD_PREFIX) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR,
			    "invalid CIDR notation '%s': the prefix length must be 0 to %u", text,
			    family == 4 ? 32 : 128);
		return NULL;
	}
	return arc_cidr_to_string(&address);
}

static gboolean
arc_spec_fail(GError **error, ArcError code, const gchar *where, const gchar *member,
	      const gchar *what)
{
	if (where != NULL)
		g_set_error(error, ARC_ERROR, code, "%s.%s %s", where, member, what);
	else
		g_set_error(error, ARC_ERROR, code, "'%s' %s", member, what);
	return FALSE;
}

/* a string member, or null when @nullable; *present says whether it was there */
static gboolean
arc_spec_get_string(JsonObject *obj, const gchar *member, gboolean nullable, const gchar *where,
		    const gchar **out, gboolean *present, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	*out = NULL;
	*present = node != NULL;
	if (node == NULL)
		return TRUE;
	if (JSON_NODE_HOLDS_NULL(node)) {
		if (!nullable)
			return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
					     "must be a string");
		return TRUE;
	}
	if (json_node_get_value_type(node) != G_TYPE_STRING)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
				     "must be a string");
	*out = json_node_get_string(node);
	return TRUE;
}

static gboolean
arc_spec_get_bool(JsonObject *obj, const gchar *member, gboolean *out, gboolean *present,
		  GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	*present = node != NULL;
	if (node == NULL)
		return TRUE;
	if (json_node_get_value_type(node) != G_TYPE_BOOLEAN)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, NULL, member,
				     "must be true or false");
	*out = json_node_get_boolean(node);
	return TRUE;
}

static gboolean
arc_spec_get_int(JsonObject *obj, const gchar *member, const gchar *where, gint64 *out,
		 gboolean *present, GError **error)
{
	JsonNode *node = json_object_get_member(obj, member);

	*present = node != NULL;
	if (node == NULL)
		return TRUE;
	if (json_node_get_value_type(node) != G_TYPE_INT64)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
				     "must be an integer");
	*out = json_node_get_int(node);
	return TRUE;
}

static gboolean
arc_spec_known_members(JsonObject *obj, const gchar *const *known, const gchar *where,
		       GError **error)
{
	g_autoptr(GList) members = json_object_get_members(obj);

	for (GList *l = members; l != NULL; l = l->next) {
		if (!g_strv_contains(known, l->data))
			return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, l->data,
					     "is not a member of this object");
	}
	return TRUE;
}

/* a network for a route: canonical, or refused with the network it should have been */
static gboolean
arc_spec_route_cidr(JsonObject *obj, const gchar *member, const gchar *where, gchar **out,
		    gboolean *present, GError **error)
{
	const gchar *text = NULL;
	ArcCidr cidr;
	g_autoptr(GError) error_local = NULL;

	if (!arc_spec_get_string(obj, member, TRUE, where, &text, present, error))
		return FALSE;
	if (text == NULL)
		return TRUE;
	if (!arc_cidr_parse(text, &cidr, &error_local)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR, "%s%s%s: %s",
			    where != NULL ? where : "", where != NULL ? "." : "", member,
			    error_local->message);
		return FALSE;
	}
	*out = arc_cidr_to_string(&cidr);
	return TRUE;
}

/**
 * arc_route_spec_from_json:
 * @object: a route's members, untrusted
 * @create: whether it is a new route (then `priority` and a CIDR are required)
 * @where: how errors name the route, e.g. `routes[2]`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the route asked for, or %NULL
 */
ArcRouteSpec *
arc_route_spec_from_json(JsonObject *object, gboolean create, const gchar *where, GError **error)
{
	static const gchar *const known[] = {"priority", "source_cidr", "dest_cidr", NULL};
	g_autoptr(ArcRouteSpec) spec = g_new0(ArcRouteSpec, 1);
	gboolean present = FALSE;

	if (!arc_spec_known_members(object, known, where, error))
		return NULL;
	if (!arc_spec_get_int(object, "priority", where, &spec->priority, &present, error))
		return NULL;
	if (present)
		spec->set |= ARC_ROUTE_FIELD_PRIORITY;
	if (!arc_spec_route_cidr(object, "source_cidr", where, &spec->source_cidr, &present, error))
		return NULL;
	if (present)
		spec->set |= ARC_ROUTE_FIELD_SOURCE;
	if (!arc_spec_route_cidr(object, "dest_cidr", where, &spec->dest_cidr, &present, error))
		return NULL;
	if (present)
		spec->set |= ARC_ROUTE_FIELD_DEST;
	if (spec->priority < G_MININT32 || spec->priority > G_MAXINT32) {
		arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, "priority",
			      "must be between -2147483648 and 2147483647");
		return NULL;
	}
	if (create && (spec->set & ARC_ROUTE_FIELD_PRIORITY) == 0) {
		arc_spec_fail(error, ARC_ERROR_MISSING_FIELD, where, "priority", "is required");
		return NULL;
	}
	if (create && spec->source_cidr == NULL && spec->dest_cidr == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
			    "%s: 'source_cidr' or 'dest_cidr' is required (or both)", where);
		return NULL;
	}
	return g_steal_pointer(&spec);
}

/* the `routes` member: 1 to 10,000 new routes */
static GPtrArray *
arc_route_specs_from_node(JsonNode *node, GError **error)
{
	g_autoptr(GPtrArray) specs =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_spec_free);
	JsonArray *array;

	if (node == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'routes' is required: an array of routes");
		return NULL;
	}
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'routes' must be an array of routes");
		return NULL;
	}
	array = json_node_get_array(node);
	if (json_array_get_length(array) == 0 ||
	    json_array_get_length(array) > ARC_SERVICE_MAX_ROUTES_PER_CALL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'routes' must hold 1 to %d routes", ARC_SERVICE_MAX_ROUTES_PER_CALL);
		return NULL;
	}
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *item = json_array_get_element(array, i);
		g_autofree gchar *where = g_strdup_printf("routes[%u]", i);
		ArcRouteSpec *spec;

		if (!JSON_NODE_HOLDS_OBJECT(item)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "%s: a route must be an object", where);
			return NULL;
		}
		spec = arc_route_spec_from_json(json_node_get_object(item), TRUE, where, error);
		if (spec == NULL)
			return NULL;
		g_ptr_array_add(specs, spec);
	}
	return g_steal_pointer(&specs);
}

/**
 * arc_route_specs_from_json:
 * @object: a body `{"routes": [...]}`, untrusted
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRouteSpec): 1 to 10,000 new routes, or %NULL
 */
GPtrArray *
arc_route_specs_from_json(JsonObject *object, GError **error)
{
	static const gchar *const known[] = {"routes", NULL};

	if (!arc_spec_known_members(object, known, NULL, error))
		return NULL;
	return arc_route_specs_from_node(json_object_get_member(object, "routes"), error);
}

static gboolean
arc_service_spec_strings(ArcServiceSpec *spec, JsonObject *object, GError **error)
{
	struct {
		const gchar *member;
		ArcServiceField field;
		gboolean nullable;
		gchar **out;
	} strings[] = {
		{"name", ARC_SERVICE_FIELD_NAME, TRUE, &spec->name},
		{"source_peer_id", ARC_SERVICE_FIELD_SOURCE, FALSE, &spec->source_peer_id},
		{"target_peer_id", ARC_SERVICE_FIELD_TARGET, FALSE, &spec->target_peer_id},
		{"transport_type", ARC_SERVICE_FIELD_TRANSPORT, FALSE, &spec->transport_type},
		{"desired_ipv4_cidr", ARC_SERVICE_FIELD_DESIRED_IPV4, TRUE,
		 &spec->desired_ipv4_cidr},
		{"desired_ipv6_cidr", ARC_SERVICE_FIELD_DESIRED_IPV6, TRUE,
		 &spec->desired_ipv6_cidr},
	};

	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		const gchar *value = NULL;
		gboolean present = FALSE;

		if (!arc_spec_get_string(object, strings[i].member, strings[i].nullable, NULL,
					 &value, &present, error))
			return FALSE;
		if (!present)
			continue;
		spec->set |= strings[i].field;
		/* "" clears a desired address as null does */
		if (value != NULL && (value[0] != '\0' || strings[i].nullable == FALSE))
			*strings[i].out = g_strdup(value);
	}
	return TRUE;
}

static gboolean
arc_service_spec_check(ArcServiceSpec *spec, gboolean create, GError **error)
{
	if (spec->name != NULL && !arc_service_name_is_valid(spec->name)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'name' must be 1 to %d letters, digits, '-', '_' or '.'",
			    ARC_SERVICE_MAX_NAME);
		return FALSE;
	}
	if (spec->transport_type != NULL && g_strcmp0(spec->transport_type, "tcp") != 0 &&
	    g_strcmp0(spec->transport_type, "kcp") != 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_TRANSPORT,
				    "Transport must be tcp or kcp");
		return FALSE;
	}
	if (spec->bandwidth_limit_mbps < 0 ||
	    spec->bandwidth_limit_mbps > ARC_SERVICE_MAX_BANDWIDTH) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'bandwidth_limit_mbps' must be 0 (unlimited) to %d",
			    ARC_SERVICE_MAX_BANDWIDTH);
		return FALSE;
	}
	for (guint family = 4; family <= 6; family += 2) {
		gchar **cidr = family == 4 ? &spec->desired_ipv4_cidr : &spec->desired_ipv6_cidr;
		gchar *normal;

		if (*cidr == NULL)
			continue;
		normal = arc_interface_cidr_normalize(*cidr, family, error);
		if (normal == NULL) {
			g_prefix_error(error, "desired_ipv%u_cidr: ", family);
			return FALSE;
		}
		g_free(*cidr);
		*cidr = normal;
	}
	if (create && (spec->target_peer_id == NULL || spec->target_peer_id[0] == '\0')) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'target_peer_id' is required");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_service_spec_from_json:
 * @object: a body of `POST` or `PUT /v1/services`, untrusted
 * @create: whether it creates a service (`target_peer_id` required, `routes` allowed)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what was asked, each member checked on its own, or %NULL
 */
ArcServiceSpec *
arc_service_spec_from_json(JsonObject *object, gboolean create, GError **error)
{
	static const gchar *const known_create[] = {"name",
						    "source_peer_id",
						    "target_peer_id",
						    "transport_type",
						    "requires_interface",
						    "desired_ipv4_cidr",
						    "desired_ipv6_cidr",
						    "fully_transparent",
						    "bandwidth_limit_mbps",
						    "routes",
						    NULL};
	g_autoptr(ArcServiceSpec) spec = arc_service_spec_new();
	gboolean present = FALSE;

	if (!arc_spec_known_members(object, known_create, NULL, error))
		return NULL;
	if (!create && json_object_has_member(object, "routes")) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'routes' cannot be updated here: use "
				    "/v1/services/{id}/routes");
		return NULL;
	}
	if (!arc_service_spec_strings(spec, object, error))
		return NULL;
	if (!arc_spec_get_bool(object, "requires_interface", &spec->requires_interface, &present,
			       error))
		return NULL;
	if (present)
		spec->set |= ARC_SERVICE_FIELD_REQUIRES_INTERFACE;
	if (!arc_spec_get_bool(object, "fully_transparent", &spec->fully_transparent, &present,
			       error))
		return NULL;
	if (present)
		spec->set |= ARC_SERVICE_FIELD_FULLY_TRANSPARENT;
	if (!arc_spec_get_int(object, "bandwidth_limit_mbps", NULL, &spec->bandwidth_limit_mbps,
			      &present, error))
		return NULL;
	if (present)
		spec->set |= ARC_SERVICE_FIELD_BANDWIDTH;
	if (!arc_service_spec_check(spec, create, error))
		return NULL;
	if (create && json_object_has_member(object, "routes")) {
		spec->routes =
			arc_route_specs_from_node(json_object_get_member(object, "routes"), error);
		if (spec->routes == NULL)
			return NULL;
	}
	return g_steal_pointer(&spec);
}
