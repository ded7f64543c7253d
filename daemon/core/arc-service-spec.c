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

/* Where the members come from: the object of a JSON body, or the a{sv} of a D-Bus call. One
 * set of readers serves both, so a member is refused with the same code and words whichever
 * adapter it came through. A D-Bus value is read as json-glib would render it (variants
 * unwrapped, every integer type an integer, a repeated key's last value); a shape no client
 * sends (a tuple, a dictionary other than a{sv}, an array of anything but variants or
 * a{sv}, a double) is rendered by json-glib itself, so even its refusal reads the same. */
typedef struct {
	JsonObject *json; /* borrowed */
	GVariant *dict;   /* borrowed, a{sv} */
} ArcSpecObject;

typedef enum {
	ARC_SPEC_ABSENT,
	ARC_SPEC_NULL,
	ARC_SPEC_STRING,
	ARC_SPEC_BOOL,
	ARC_SPEC_INT,
	ARC_SPEC_ARRAY,
	ARC_SPEC_OBJECT,
	ARC_SPEC_OTHER,
} ArcSpecKind;

typedef struct {
	ArcSpecKind kind;
	JsonNode *node;    /* JSON: borrowed from the body or from @rendered */
	GVariant *variant; /* D-Bus: owned, variants unwrapped */
	JsonNode *rendered;
} ArcSpecValue;

static void
arc_spec_value_clear(ArcSpecValue *self)
{
	g_clear_pointer(&self->variant, g_variant_unref);
	g_clear_pointer(&self->rendered, json_node_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcSpecValue, arc_spec_value_clear)

static void
arc_spec_value_from_node(JsonNode *node, ArcSpecValue *out)
{
	out->node = node;
	if (node == NULL)
		out->kind = ARC_SPEC_ABSENT;
	else if (JSON_NODE_HOLDS_NULL(node))
		out->kind = ARC_SPEC_NULL;
	else if (JSON_NODE_HOLDS_ARRAY(node))
		out->kind = ARC_SPEC_ARRAY;
	else if (JSON_NODE_HOLDS_OBJECT(node))
		out->kind = ARC_SPEC_OBJECT;
	else if (json_node_get_value_type(node) == G_TYPE_STRING)
		out->kind = ARC_SPEC_STRING;
	else if (json_node_get_value_type(node) == G_TYPE_BOOLEAN)
		out->kind = ARC_SPEC_BOOL;
	else if (json_node_get_value_type(node) == G_TYPE_INT64)
		out->kind = ARC_SPEC_INT;
	else
		out->kind = ARC_SPEC_OTHER;
}

/* takes @value */
static void
arc_spec_value_from_variant(GVariant *value, ArcSpecValue *out)
{
	while (g_variant_is_of_type(value, G_VARIANT_TYPE_VARIANT)) {
		GVariant *inner = g_variant_get_variant(value);
		g_variant_unref(value);
		value = inner;
	}
	out->variant = value;
	if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN))
		out->kind = ARC_SPEC_BOOL;
	else if (strchr("ynqiuxth", g_variant_get_type_string(value)[0]) != NULL &&
		 g_variant_get_type_string(value)[1] == '\0')
		out->kind = ARC_SPEC_INT;
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING) ||
		 g_variant_is_of_type(value, G_VARIANT_TYPE_OBJECT_PATH) ||
		 g_variant_is_of_type(value, G_VARIANT_TYPE_SIGNATURE))
		out->kind = ARC_SPEC_STRING;
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE_VARDICT))
		out->kind = ARC_SPEC_OBJECT;
	else if (g_variant_is_of_type(value, G_VARIANT_TYPE("av")) ||
		 g_variant_is_of_type(value, G_VARIANT_TYPE("aa{sv}")))
		out->kind = ARC_SPEC_ARRAY;
	else {
		out->rendered = json_gvariant_serialize(value);
		arc_spec_value_from_node(out->rendered, out);
	}
}

/* the value of @member; absent when there is none */
static void
arc_spec_member(const ArcSpecObject *obj, const gchar *member, ArcSpecValue *out)
{
	GVariant *last = NULL;

	if (obj->json != NULL) {
		arc_spec_value_from_node(json_object_get_member(obj->json, member), out);
		return;
	}
	/* json-glib keeps a repeated key's last value */
	for (gsize i = 0; i < g_variant_n_children(obj->dict); i++) {
		g_autoptr(GVariant) entry = g_variant_get_child_value(obj->dict, i);
		g_autoptr(GVariant) key = g_variant_get_child_value(entry, 0);
		if (g_strcmp0(g_variant_get_string(key, NULL), member) != 0)
			continue;
		g_clear_pointer(&last, g_variant_unref);
		last = g_variant_get_child_value(entry, 1);
	}
	if (last == NULL) {
		out->kind = ARC_SPEC_ABSENT;
		return;
	}
	arc_spec_value_from_variant(last, out);
}

static gboolean
arc_spec_has_member(const ArcSpecObject *obj, const gchar *member)
{
	g_auto(ArcSpecValue) value = {0};

	arc_spec_member(obj, member, &value);
	return value.kind != ARC_SPEC_ABSENT;
}

/* the names of @obj's members, in order, each once */
static GPtrArray *
arc_spec_member_names(const ArcSpecObject *obj)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	if (obj->json != NULL) {
		g_autoptr(GList) members = json_object_get_members(obj->json);
		for (GList *l = members; l != NULL; l = l->next)
			g_ptr_array_add(names, g_strdup(l->data));
		return names;
	}
	for (gsize i = 0; i < g_variant_n_children(obj->dict); i++) {
		g_autoptr(GVariant) entry = g_variant_get_child_value(obj->dict, i);
		g_autoptr(GVariant) key = g_variant_get_child_value(entry, 0);
		const gchar *name = g_variant_get_string(key, NULL);
		if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
			g_ptr_array_add(names, g_strdup(name));
	}
	return names;
}

static const gchar *
arc_spec_value_string(const ArcSpecValue *value)
{
	return value->node != NULL ? json_node_get_string(value->node)
				   : g_variant_get_string(value->variant, NULL);
}

static gboolean
arc_spec_value_bool(const ArcSpecValue *value)
{
	return value->node != NULL ? json_node_get_boolean(value->node)
				   : g_variant_get_boolean(value->variant);
}

/* every integer type as json-glib renders it: a uint64 is cast, not range-checked */
static gint64
arc_spec_value_int(const ArcSpecValue *value)
{
	GVariant *v = value->variant;

	if (value->node != NULL)
		return json_node_get_int(value->node);
	switch (g_variant_get_type_string(v)[0]) {
	case 'y':
		return g_variant_get_byte(v);
	case 'n':
		return g_variant_get_int16(v);
	case 'q':
		return g_variant_get_uint16(v);
	case 'i':
		return g_variant_get_int32(v);
	case 'u':
		return g_variant_get_uint32(v);
	case 'x':
		return g_variant_get_int64(v);
	case 't':
		return (gint64)g_variant_get_uint64(v);
	default:
		return g_variant_get_handle(v);
	}
}

static guint
arc_spec_value_length(const ArcSpecValue *value)
{
	return value->node != NULL ? json_array_get_length(json_node_get_array(value->node))
				   : (guint)g_variant_n_children(value->variant);
}

static void
arc_spec_value_element(const ArcSpecValue *value, guint i, ArcSpecValue *out)
{
	if (value->node != NULL)
		arc_spec_value_from_node(
			json_array_get_element(json_node_get_array(value->node), i), out);
	else
		arc_spec_value_from_variant(g_variant_get_child_value(value->variant, i), out);
}

static ArcSpecObject
arc_spec_value_object(const ArcSpecValue *value)
{
	ArcSpecObject obj = {NULL, NULL};

	if (value->node != NULL)
		obj.json = json_node_get_object(value->node);
	else
		obj.dict = value->variant;
	return obj;
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
arc_spec_get_string(const ArcSpecObject *obj, const gchar *member, gboolean nullable,
		    const gchar *where, gchar **out, gboolean *present, GError **error)
{
	g_auto(ArcSpecValue) value = {0};

	*out = NULL;
	arc_spec_member(obj, member, &value);
	*present = value.kind != ARC_SPEC_ABSENT;
	if (value.kind == ARC_SPEC_ABSENT)
		return TRUE;
	if (value.kind == ARC_SPEC_NULL) {
		if (!nullable)
			return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
					     "must be a string");
		return TRUE;
	}
	if (value.kind != ARC_SPEC_STRING)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
				     "must be a string");
	*out = g_strdup(arc_spec_value_string(&value));
	return TRUE;
}

static gboolean
arc_spec_get_bool(const ArcSpecObject *obj, const gchar *member, gboolean *out, gboolean *present,
		  GError **error)
{
	g_auto(ArcSpecValue) value = {0};

	arc_spec_member(obj, member, &value);
	*present = value.kind != ARC_SPEC_ABSENT;
	if (value.kind == ARC_SPEC_ABSENT)
		return TRUE;
	if (value.kind != ARC_SPEC_BOOL)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, NULL, member,
				     "must be true or false");
	*out = arc_spec_value_bool(&value);
	return TRUE;
}

static gboolean
arc_spec_get_int(const ArcSpecObject *obj, const gchar *member, const gchar *where, gint64 *out,
		 gboolean *present, GError **error)
{
	g_auto(ArcSpecValue) value = {0};

	arc_spec_member(obj, member, &value);
	*present = value.kind != ARC_SPEC_ABSENT;
	if (value.kind == ARC_SPEC_ABSENT)
		return TRUE;
	if (value.kind != ARC_SPEC_INT)
		return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, member,
				     "must be an integer");
	*out = arc_spec_value_int(&value);
	return TRUE;
}

static gboolean
arc_spec_known_members(const ArcSpecObject *obj, const gchar *const *known, const gchar *where,
		       GError **error)
{
	g_autoptr(GPtrArray) members = arc_spec_member_names(obj);

	for (guint i = 0; i < members->len; i++) {
		const gchar *name = g_ptr_array_index(members, i);
		if (!g_strv_contains(known, name))
			return arc_spec_fail(error, ARC_ERROR_INVALID_REQUEST, where, name,
					     "is not a member of this object");
	}
	return TRUE;
}

/* a network for a route: canonical, or refused with the network it should have been */
static gboolean
arc_spec_route_cidr(const ArcSpecObject *obj, const gchar *member, const gchar *where, gchar **out,
		    gboolean *present, GError **error)
{
	g_autofree gchar *text = NULL;
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

static ArcRouteSpec *
arc_route_spec_read(const ArcSpecObject *object, gboolean create, const gchar *where,
		    GError **error)
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
	const ArcSpecObject obj = {.json = object};

	return arc_route_spec_read(&obj, create, where, error);
}

/**
 * arc_route_spec_from_variant:
 * @dict: a route's members as a D-Bus `a{sv}`, untrusted
 * @create: whether it is a new route
 * @where: how errors name the route
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what arc_route_spec_from_json() gives for the same members
 */
ArcRouteSpec *
arc_route_spec_from_variant(GVariant *dict, gboolean create, const gchar *where, GError **error)
{
	const ArcSpecObject obj = {.dict = dict};

	return arc_route_spec_read(&obj, create, where, error);
}

/* the `routes` member: 1 to 10,000 new routes */
static GPtrArray *
arc_route_specs_read(const ArcSpecValue *value, GError **error)
{
	g_autoptr(GPtrArray) specs =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_spec_free);
	guint length;

	if (value->kind == ARC_SPEC_ABSENT) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'routes' is required: an array of routes");
		return NULL;
	}
	if (value->kind != ARC_SPEC_ARRAY) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'routes' must be an array of routes");
		return NULL;
	}
	length = arc_spec_value_length(value);
	if (length == 0 || length > ARC_SERVICE_MAX_ROUTES_PER_CALL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'routes' must hold 1 to %d routes", ARC_SERVICE_MAX_ROUTES_PER_CALL);
		return NULL;
	}
	for (guint i = 0; i < length; i++) {
		g_auto(ArcSpecValue) item = {0};
		g_autofree gchar *where = g_strdup_printf("routes[%u]", i);
		ArcSpecObject object;
		ArcRouteSpec *spec;

		arc_spec_value_element(value, i, &item);
		if (item.kind != ARC_SPEC_OBJECT) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "%s: a route must be an object", where);
			return NULL;
		}
		object = arc_spec_value_object(&item);
		spec = arc_route_spec_read(&object, TRUE, where, error);
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
	const ArcSpecObject obj = {.json = object};
	g_auto(ArcSpecValue) routes = {0};

	if (!arc_spec_known_members(&obj, known, NULL, error))
		return NULL;
	arc_spec_member(&obj, "routes", &routes);
	return arc_route_specs_read(&routes, error);
}

/**
 * arc_route_specs_from_variant:
 * @routes: the `aa{sv}` of a D-Bus AddRoutes, untrusted
 * @error: return location for a #GError
 *
 * arc_route_specs_from_json() of `{"routes": @routes}`: the same routes, the same refusals.
 *
 * Returns: (transfer container) (element-type ArcRouteSpec): 1 to 10,000 new routes, or %NULL
 */
GPtrArray *
arc_route_specs_from_variant(GVariant *routes, GError **error)
{
	g_auto(ArcSpecValue) value = {0};

	arc_spec_value_from_variant(g_variant_ref(routes), &value);
	return arc_route_specs_read(&value, error);
}

static gboolean
arc_service_spec_strings(ArcServiceSpec *spec, const ArcSpecObject *object, GError **error)
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
		g_autofree gchar *value = NULL;
		gboolean present = FALSE;

		if (!arc_spec_get_string(object, strings[i].member, strings[i].nullable, NULL,
					 &value, &present, error))
			return FALSE;
		if (!present)
			continue;
		spec->set |= strings[i].field;
		/* "" clears a desired address as null does */
		if (value != NULL && (value[0] != '\0' || strings[i].nullable == FALSE))
			*strings[i].out = g_steal_pointer(&value);
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

static ArcServiceSpec *
arc_service_spec_read(const ArcSpecObject *object, gboolean create, GError **error)
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
	if (!create && arc_spec_has_member(object, "routes")) {
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
	if (create && arc_spec_has_member(object, "routes")) {
		g_auto(ArcSpecValue) routes = {0};

		arc_spec_member(object, "routes", &routes);
		spec->routes = arc_route_specs_read(&routes, error);
		if (spec->routes == NULL)
			return NULL;
	}
	return g_steal_pointer(&spec);
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
	const ArcSpecObject obj = {.json = object};

	return arc_service_spec_read(&obj, create, error);
}

/**
 * arc_service_spec_from_variant:
 * @dict: the `a{sv}` of a D-Bus CreateService or Update, untrusted
 * @create: whether it creates a service
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what arc_service_spec_from_json() gives for the same members, or
 *   %NULL with the same error
 */
ArcServiceSpec *
arc_service_spec_from_variant(GVariant *dict, gboolean create, GError **error)
{
	const ArcSpecObject obj = {.dict = dict};

	return arc_service_spec_read(&obj, create, error);
}

/**
 * arc_service_state_to_string:
 * @state: a service state
 *
 * Returns: its name in the API
 */
const gchar *
arc_service_state_to_string(ArcServiceState state)
{
	switch (state) {
	case ARC_SERVICE_STATE_ACTIVE:
		return "active";
	case ARC_SERVICE_STATE_INACTIVE:
		return "inactive";
	case ARC_SERVICE_STATE_OVER_LIMIT:
		return "over_limit";
	}
	g_return_val_if_reached("inactive");
}
