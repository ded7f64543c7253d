/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "services"

#include "arc-engine-services.h"

#include "arc-engine-private.h"
#include "arc-time.h"

/* Services and routes as replicated records (docs/services.md). What is stored is read once
 * into a cache, kept until a service, a route or a peer changes; the route tables the
 * lookups use are built from it, one per source peer, when first asked for. */

struct _ArcServicesState {
	GHashTable *services;   /* id → ArcServiceInfo without routes, names or state */
	GHashTable *routes;     /* gint64 id → ArcRouteInfo, of live services only */
	GHashTable *over_limit; /* ids of services beyond max_services */
	gint64 max_route_id;    /* over every route record, deleted ones too */
	GHashTable *tables;     /* source peer id → ArcRouteTable of its active services */
};

/**
 * arc_route_info_get_category:
 * @route: a route
 *
 * Returns: the category its CIDRs give it (docs/routing.md)
 */
ArcRouteCategory
arc_route_info_get_category(const ArcRouteInfo *route)
{
	if (route->source_cidr != NULL && route->dest_cidr != NULL)
		return ARC_ROUTE_CATEGORY_SOURCE_DESTINATION;
	if (route->source_cidr != NULL)
		return ARC_ROUTE_CATEGORY_SOURCE;
	return ARC_ROUTE_CATEGORY_DESTINATION;
}

void
arc_route_info_free(ArcRouteInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->service_id);
	g_free(self->source_cidr);
	g_free(self->dest_cidr);
	g_free(self->created_by);
	g_free(self->uid);
	g_free(self);
}

ArcRouteInfo *
arc_route_info_copy(const ArcRouteInfo *self)
{
	ArcRouteInfo *copy = g_new0(ArcRouteInfo, 1);
	*copy = *self;
	copy->service_id = g_strdup(self->service_id);
	copy->source_cidr = g_strdup(self->source_cidr);
	copy->dest_cidr = g_strdup(self->dest_cidr);
	copy->created_by = g_strdup(self->created_by);
	copy->uid = g_strdup(self->uid);
	return copy;
}

void
arc_service_info_free(ArcServiceInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->id);
	g_free(self->name);
	g_free(self->source_peer_id);
	g_free(self->source_peer_name);
	g_free(self->target_peer_id);
	g_free(self->target_peer_name);
	g_free(self->transport_type);
	g_free(self->desired_ipv4_cidr);
	g_free(self->desired_ipv6_cidr);
	g_free(self->interface_name);
	g_clear_pointer(&self->routes, g_ptr_array_unref);
	g_free(self);
}

static ArcServiceInfo *
arc_service_info_copy(const ArcServiceInfo *self)
{
	ArcServiceInfo *copy = g_new0(ArcServiceInfo, 1);
	*copy = *self;
	copy->id = g_strdup(self->id);
	copy->name = g_strdup(self->name);
	copy->source_peer_id = g_strdup(self->source_peer_id);
	copy->source_peer_name = g_strdup(self->source_peer_name);
	copy->target_peer_id = g_strdup(self->target_peer_id);
	copy->target_peer_name = g_strdup(self->target_peer_name);
	copy->transport_type = g_strdup(self->transport_type);
	copy->desired_ipv4_cidr = g_strdup(self->desired_ipv4_cidr);
	copy->desired_ipv6_cidr = g_strdup(self->desired_ipv6_cidr);
	copy->interface_name = g_strdup(self->interface_name);
	copy->routes = NULL;
	return copy;
}

static void
arc_route_candidate_free(ArcRouteCandidate *self)
{
	arc_route_info_free(self->route);
	g_free(self->reason);
	g_free(self);
}

void
arc_route_lookup_free(ArcRouteLookup *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->reason);
	arc_service_info_free(self->service);
	arc_route_info_free(self->route);
	g_clear_pointer(&self->candidates, g_ptr_array_unref);
	g_free(self);
}

ArcServicesState *
arc_services_state_new(void)
{
	return g_new0(ArcServicesState, 1);
}

static void
arc_services_state_clear(ArcServicesState *self)
{
	g_clear_pointer(&self->services, g_hash_table_unref);
	g_clear_pointer(&self->routes, g_hash_table_unref);
	g_clear_pointer(&self->over_limit, g_hash_table_unref);
	g_clear_pointer(&self->tables, g_hash_table_unref);
	self->max_route_id = 0;
}

void
arc_services_state_free(ArcServicesState *self)
{
	if (self == NULL)
		return;
	arc_services_state_clear(self);
	g_free(self);
}

/* ---- records ---- */

static void
arc_set_str(gchar **slot, const gchar *value)
{
	gchar *copy = g_strdup(value);
	g_free(*slot);
	*slot = copy;
}

/* the MACVLAN interface a service gets: `arc` and the last 12 characters of its id, within
 * IFNAMSIZ */
static gchar *
arc_service_interface_name(const gchar *id)
{
	gsize len = strlen(id);
	return g_ascii_strdown(len > 12 ? id + len - 12 : id, -1);
}

static ArcServiceInfo *
arc_service_from_record(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autofree gchar *suffix = NULL;
	JsonObject *obj;

	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	info = g_new0(ArcServiceInfo, 1);
	info->id = g_strdup(record->id);
	info->name = g_strdup(arc_json_object_get_string(obj, "name"));
	info->source_peer_id = g_strdup(arc_json_object_get_string(obj, "source_peer_id"));
	info->target_peer_id = g_strdup(arc_json_object_get_string(obj, "target_peer_id"));
	info->transport_type = g_strdup(arc_json_object_get_string(obj, "transport_type"));
	info->requires_interface =
		json_object_get_boolean_member_with_default(obj, "requires_interface", FALSE);
	info->desired_ipv4_cidr = g_strdup(arc_json_object_get_string(obj, "desired_ipv4_cidr"));
	info->desired_ipv6_cidr = g_strdup(arc_json_object_get_string(obj, "desired_ipv6_cidr"));
	info->fully_transparent =
		json_object_get_boolean_member_with_default(obj, "fully_transparent", FALSE);
	info->bandwidth_limit_mbps =
		json_object_get_int_member_with_default(obj, "bandwidth_limit_mbps", 0);
	info->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	info->updated_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "updated_at"));
	if (info->source_peer_id == NULL || info->target_peer_id == NULL ||
	    info->transport_type == NULL)
		return NULL;
	suffix = arc_service_interface_name(record->id);
	info->interface_name = g_strconcat("arc", suffix, NULL);
	return g_steal_pointer(&info);
}

static ArcRouteInfo *
arc_route_from_record(const ArcRecord *record)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
	g_autoptr(ArcRouteInfo) info = g_new0(ArcRouteInfo, 1);
	JsonObject *obj;

	if (root == NULL ||
	    !g_ascii_string_to_signed(record->id, 10, 1, G_MAXINT64, &info->id, NULL))
		return NULL;
	obj = json_node_get_object(root);
	info->service_id = g_strdup(arc_json_object_get_string(obj, "service_id"));
	info->priority = json_object_get_int_member_with_default(obj, "priority", 0);
	info->source_cidr = g_strdup(arc_json_object_get_string(obj, "source_cidr"));
	info->dest_cidr = g_strdup(arc_json_object_get_string(obj, "dest_cidr"));
	info->created_at = arc_time_parse_rfc3339(arc_json_object_get_string(obj, "created_at"));
	info->created_by = g_strdup(arc_json_object_get_string(obj, "created_by"));
	info->uid = g_strdup(arc_json_object_get_string(obj, "uid"));
	if (info->service_id == NULL)
		return NULL;
	return g_steal_pointer(&info);
}

static void
arc_builder_add_nullable(JsonBuilder *b, const gchar *member, const gchar *value)
{
	json_builder_set_member_name(b, member);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void
arc_builder_add_time(JsonBuilder *b, const gchar *member, gint64 secs)
{
	g_autofree gchar *text = arc_time_format_rfc3339(secs);
	arc_builder_add_nullable(b, member, text);
}

static gchar *
arc_builder_finish(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

static gchar *
arc_service_body(const ArcServiceInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	arc_builder_add_nullable(b, "name", info->name);
	arc_builder_add_nullable(b, "source_peer_id", info->source_peer_id);
	arc_builder_add_nullable(b, "target_peer_id", info->target_peer_id);
	arc_builder_add_nullable(b, "transport_type", info->transport_type);
	json_builder_set_member_name(b, "requires_interface");
	json_builder_add_boolean_value(b, info->requires_interface);
	arc_builder_add_nullable(b, "desired_ipv4_cidr", info->desired_ipv4_cidr);
	arc_builder_add_nullable(b, "desired_ipv6_cidr", info->desired_ipv6_cidr);
	json_builder_set_member_name(b, "fully_transparent");
	json_builder_add_boolean_value(b, info->fully_transparent);
	json_builder_set_member_name(b, "bandwidth_limit_mbps");
	json_builder_add_int_value(b, info->bandwidth_limit_mbps);
	arc_builder_add_time(b, "created_at", info->created_at);
	arc_builder_add_time(b, "updated_at", info->updated_at);
	json_builder_end_object(b);
	return arc_builder_finish(b);
}

static gchar *
arc_route_body(const ArcRouteInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	arc_builder_add_nullable(b, "service_id", info->service_id);
	json_builder_set_member_name(b, "priority");
	json_builder_add_int_value(b, info->priority);
	arc_builder_add_nullable(b, "source_cidr", info->source_cidr);
	arc_builder_add_nullable(b, "dest_cidr", info->dest_cidr);
	arc_builder_add_time(b, "created_at", info->created_at);
	arc_builder_add_nullable(b, "created_by", info->created_by);
	arc_builder_add_nullable(b, "uid", info->uid);
	json_builder_end_object(b);
	return arc_builder_finish(b);
}

/* the next version of kind/id, written by this agent */
static void
arc_services_stage(ArcEngine *self, ArcStorageTxn *txn, const gchar *kind, const gchar *id,
		   gchar *body, gboolean deleted)
{
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(arc_engine_get_storage(self), kind, id, NULL);
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);

	g_free(body);
	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(arc_engine_get_peer_id(self));
	record->updated_at = g_get_real_time();
	record->deleted = deleted;
	arc_storage_txn_put_record(txn, record);
}

static gint
arc_service_cmp_created(gconstpointer pa, gconstpointer pb)
{
	const ArcServiceInfo *a = *(const ArcServiceInfo *const *)pa;
	const ArcServiceInfo *b = *(const ArcServiceInfo *const *)pb;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return g_strcmp0(a->id, b->id);
}

static ArcServicesState *
arc_services_load(ArcEngine *self, GError **error)
{
	ArcServicesState *state = arc_engine_get_services_state(self);
	g_autoptr(GPtrArray) services = NULL;
	g_autoptr(GPtrArray) routes = NULL;
	g_autoptr(GPtrArray) order = g_ptr_array_new();
	ArcLicense *license = arc_engine_get_license_doc(self);
	g_autofree gchar *last = NULL;

	if (state->services != NULL)
		return state;
	services = arc_storage_list_records(arc_engine_get_storage(self), "service", error);
	routes = services != NULL
			 ? arc_storage_list_records(arc_engine_get_storage(self), "route", error)
			 : NULL;
	if (routes == NULL)
		return NULL;
	state->services = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						(GDestroyNotify)arc_service_info_free);
	state->routes = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
					      (GDestroyNotify)arc_route_info_free);
	state->over_limit = g_hash_table_new(g_str_hash, g_str_equal);
	state->tables = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      (GDestroyNotify)arc_route_table_free);
	for (guint i = 0; i < services->len; i++) {
		ArcRecord *record = g_ptr_array_index(services, i);
		ArcServiceInfo *info;

		if (record->deleted)
			continue;
		info = arc_service_from_record(record);
		if (info == NULL) {
			g_warning("service %s: unreadable record, ignored", record->id);
			continue;
		}
		g_hash_table_insert(state->services, info->id, info);
		g_ptr_array_add(order, info);
	}
	last = arc_storage_get_meta(arc_engine_get_storage(self), "routes.last_id", NULL);
	if (last != NULL)
		state->max_route_id = g_ascii_strtoll(last, NULL, 10);
	for (guint i = 0; i < routes->len; i++) {
		ArcRecord *record = g_ptr_array_index(routes, i);
		ArcRouteInfo *info = arc_route_from_record(record);
		ArcServiceInfo *service;

		if (info == NULL) {
			g_warning("route %s: unreadable record, ignored", record->id);
			continue;
		}
		state->max_route_id = MAX(state->max_route_id, info->id);
		service = g_hash_table_lookup(state->services, info->service_id);
		if (record->deleted || service == NULL) {
			arc_route_info_free(info);
			continue;
		}
		service->route_count++;
		g_hash_table_insert(state->routes, &info->id, info);
	}
	/* when two agents created services at once beyond the limit, the last ones wait */
	g_ptr_array_sort(order, arc_service_cmp_created);
	for (guint i = 0; license != NULL && license->max_services > 0 && i < order->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(order, i);
		if (i >= (guint)license->max_services)
			g_hash_table_add(state->over_limit, info->id);
	}
	return state;
}

/**
 * arc_engine_services_changed:
 * @self: the engine
 * @records: (element-type ArcRecord): records just stored
 *
 * Drops the cache when services, routes or peers changed, and tells who listens which
 * services changed.
 */
void
arc_engine_services_changed(ArcEngine *self, GPtrArray *records)
{
	ArcServicesState *state = arc_engine_get_services_state(self);
	g_autoptr(GHashTable) changed =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gboolean stale = FALSE;

	for (guint i = 0; i < records->len; i++) {
		const ArcRecord *record = g_ptr_array_index(records, i);

		if (g_strcmp0(record->kind, "service") == 0) {
			g_hash_table_add(changed, g_strdup(record->id));
			stale = TRUE;
		} else if (g_strcmp0(record->kind, "route") == 0) {
			g_autoptr(ArcRouteInfo) route = arc_route_from_record(record);
			if (route != NULL)
				g_hash_table_add(changed, g_strdup(route->service_id));
			stale = TRUE;
		} else if (g_str_has_prefix(record->kind, "peer") ||
			   g_strcmp0(record->kind, "revoked_peer") == 0) {
			stale = TRUE;
		}
	}
	if (stale)
		arc_services_state_clear(state);
	if (g_hash_table_size(changed) > 0) {
		GHashTableIter iter;
		gpointer id;

		g_hash_table_iter_init(&iter, changed);
		while (g_hash_table_iter_next(&iter, &id, NULL))
			arc_engine_emit_service_changed(self, id);
	}
}

/* ---- what callers see ---- */

static const gchar *
arc_services_state_of(ArcEngine *self, ArcServicesState *state, const ArcServiceInfo *info)
{
	const ArcMember *source = arc_engine_lookup_member(self, info->source_peer_id);
	const ArcMember *target = arc_engine_lookup_member(self, info->target_peer_id);

	if (source == NULL || target == NULL || source->over_limit || target->over_limit)
		return "inactive";
	if (g_hash_table_contains(state->over_limit, info->id))
		return "over_limit";
	return "active";
}

static GHashTable *
arc_services_peer_names(ArcEngine *self)
{
	g_autoptr(GPtrArray) peers = arc_engine_load_peers(self, NULL);
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; peers != NULL && i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		g_hash_table_insert(names, g_strdup(peer->id), g_strdup(peer->name));
	}
	return names;
}

/* @value as a peer id: itself when it is one (or looks like one), else the id of the one
 * peer the cluster shows under that name; unchanged when none or several are */
static void
arc_services_resolve_peer_name(ArcEngine *self, gchar **value)
{
	g_autoptr(GHashTable) names = NULL;
	GHashTableIter iter;
	gpointer id, name;
	const gchar *found = NULL;

	if (*value == NULL || g_str_has_prefix(*value, "peer_"))
		return;
	names = arc_services_peer_names(self);
	g_hash_table_iter_init(&iter, names);
	while (g_hash_table_iter_next(&iter, &id, &name)) {
		if (g_strcmp0(name, *value) != 0)
			continue;
		if (found != NULL)
			return;
		found = id;
	}
	if (found != NULL)
		arc_set_str(value, found);
}

static gint
arc_route_info_cmp_id(gconstpointer pa, gconstpointer pb)
{
	const ArcRouteInfo *a = *(const ArcRouteInfo *const *)pa;
	const ArcRouteInfo *b = *(const ArcRouteInfo *const *)pb;
	return a->id < b->id ? -1 : (a->id > b->id ? 1 : 0);
}

/* the routes of @service_id (all when %NULL), by id */
static GPtrArray *
arc_services_routes_of(ArcServicesState *state, const gchar *service_id)
{
	GPtrArray *routes = g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_info_free);
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, state->routes);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcRouteInfo *route = value;
		if (service_id == NULL || g_strcmp0(route->service_id, service_id) == 0)
			g_ptr_array_add(routes, arc_route_info_copy(route));
	}
	g_ptr_array_sort(routes, arc_route_info_cmp_id);
	return routes;
}

static ArcServiceInfo *
arc_services_present(ArcEngine *self, ArcServicesState *state, const ArcServiceInfo *cached,
		     GHashTable *names, gboolean with_routes)
{
	ArcServiceInfo *info = arc_service_info_copy(cached);
	const gchar *source = g_hash_table_lookup(names, info->source_peer_id);
	const gchar *target = g_hash_table_lookup(names, info->target_peer_id);

	info->source_peer_name = g_strdup(source != NULL ? source : "");
	info->target_peer_name = g_strdup(target != NULL ? target : "");
	info->state = arc_services_state_of(self, state, cached);
	if (with_routes)
		info->routes = arc_services_routes_of(state, info->id);
	return info;
}

/* @id as a service id: itself, or the id of the service of that name (names are unique),
 * kept in *@holder */
static const gchar *
arc_services_resolve_id(ArcServicesState *state, const gchar *id, gchar **holder)
{
	GHashTableIter iter;
	gpointer value;

	if (id == NULL || g_hash_table_contains(state->services, id) ||
	    g_str_has_prefix(id, "svc_"))
		return id;
	g_hash_table_iter_init(&iter, state->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (g_strcmp0(info->name, id) == 0) {
			*holder = g_strdup(info->id);
			return *holder;
		}
	}
	return id;
}

/* The start of every call about one service: @caller authorised for @needed, the index
 * loaded, and *@service_id made a service id if it was a service's name (kept in
 * *@resolved). */
static ArcServicesState *
arc_services_open(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
		  const gchar **service_id, gchar **resolved, GError **error)
{
	ArcServicesState *state;

	if (!arc_engine_authorize(self, caller, needed, error))
		return NULL;
	state = arc_services_load(self, error);
	if (state != NULL)
		*service_id = arc_services_resolve_id(state, *service_id, resolved);
	return state;
}

static ArcServiceInfo *
arc_services_find(ArcServicesState *state, const gchar *id, GError **error)
{
	ArcServiceInfo *info = id != NULL ? g_hash_table_lookup(state->services, id) : NULL;

	if (info == NULL)
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "service not found: %s",
			    id != NULL ? id : "");
	return info;
}

static gint
arc_service_info_cmp_id(gconstpointer pa, gconstpointer pb)
{
	const ArcServiceInfo *a = *(const ArcServiceInfo *const *)pa;
	const ArcServiceInfo *b = *(const ArcServiceInfo *const *)pb;
	return g_strcmp0(a->id, b->id);
}

/**
 * arc_engine_list_services:
 * @self: the engine
 * @caller: who is calling
 * @filter: (nullable): which services
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcServiceInfo): the services, by id
 */
GPtrArray *
arc_engine_list_services(ArcEngine *self, const ArcCaller *caller, const ArcServiceFilter *filter,
			 GError **error)
{
	g_autoptr(GPtrArray) list =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_service_info_free);
	g_autoptr(GHashTable) names = NULL;
	g_autofree gchar *source = NULL;
	g_autofree gchar *target = NULL;
	ArcServicesState *state;
	GHashTableIter iter;
	gpointer value;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	state = arc_services_load(self, error);
	if (state == NULL)
		return NULL;
	names = arc_services_peer_names(self);
	/* the filters take a peer's name as well as its id */
	source = g_strdup(filter != NULL ? filter->source_peer_id : NULL);
	target = g_strdup(filter != NULL ? filter->target_peer_id : NULL);
	arc_services_resolve_peer_name(self, &source);
	arc_services_resolve_peer_name(self, &target);
	g_hash_table_iter_init(&iter, state->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (filter != NULL &&
		    ((source != NULL && g_strcmp0(source, info->source_peer_id) != 0) ||
		     (target != NULL && g_strcmp0(target, info->target_peer_id) != 0) ||
		     (filter->requires_interface >= 0 &&
		      info->requires_interface != (filter->requires_interface != 0))))
			continue;
		g_ptr_array_add(list, arc_services_present(self, state, info, names, FALSE));
	}
	g_ptr_array_sort(list, arc_service_info_cmp_id);
	return g_steal_pointer(&list);
}

/**
 * arc_engine_get_service:
 * @self: the engine
 * @caller: who is calling
 * @id: a service id
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service with its routes, or %NULL (%ARC_ERROR_NOT_FOUND)
 */
ArcServiceInfo *
arc_engine_get_service(ArcEngine *self, const ArcCaller *caller, const gchar *id, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(GHashTable) names = NULL;
	ArcServicesState *state;
	ArcServiceInfo *cached;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_READ, &id, &resolved, error);
	if (state == NULL)
		return NULL;
	cached = arc_services_find(state, id, error);
	if (cached == NULL)
		return NULL;
	names = arc_services_peer_names(self);
	return arc_services_present(self, state, cached, names, TRUE);
}

/* ---- writes ---- */

/* a peer a service may name: known, and an active member */
static gboolean
arc_services_check_peer(ArcEngine *self, const gchar *role, const gchar *peer_id, GError **error)
{
	const ArcMember *member = arc_engine_lookup_member(self, peer_id);
	g_autoptr(GPtrArray) peers = NULL;
	ArcPeerInfo *peer;

	if (member != NULL && !member->over_limit)
		return TRUE;
	if (member != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "%s peer %s is beyond the license's node limit and carries no traffic",
			    role, peer_id);
		return FALSE;
	}
	peers = arc_engine_load_peers(self, error);
	if (peers == NULL)
		return FALSE;
	peer = arc_engine_find_peer(peers, peer_id, NULL, NULL);
	if (peer == NULL || arc_engine_peer_is_revoked(self, peer_id)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "%s peer not found: %s", role,
			    peer_id);
		return FALSE;
	}
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "%s peer %s is not active (%s)",
		    role, peer_id, peer->state);
	return FALSE;
}

/* the rules a service as a whole follows (docs/services.md); @old is the service before an
 * update, %NULL for a new one */
static gboolean
arc_services_check(ArcEngine *self, ArcServicesState *state, const ArcServiceInfo *info,
		   const ArcServiceInfo *old, GError **error)
{
	if (info->fully_transparent && g_strcmp0(info->transport_type, "tcp") != 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_TRANSPORT,
				    "fully_transparent requires transport tcp");
		return FALSE;
	}
	if (info->fully_transparent && !info->requires_interface) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "fully_transparent requires requires_interface");
		return FALSE;
	}
	if (!info->requires_interface &&
	    (info->desired_ipv4_cidr != NULL || info->desired_ipv6_cidr != NULL)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "a desired interface address requires requires_interface");
		return FALSE;
	}
	if (g_strcmp0(info->source_peer_id, info->target_peer_id) == 0) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "the source and target peers must differ");
		return FALSE;
	}
	if ((old == NULL || g_strcmp0(old->source_peer_id, info->source_peer_id) != 0) &&
	    !arc_services_check_peer(self, "source", info->source_peer_id, error))
		return FALSE;
	if ((old == NULL || g_strcmp0(old->target_peer_id, info->target_peer_id) != 0) &&
	    !arc_services_check_peer(self, "target", info->target_peer_id, error))
		return FALSE;
	if (info->name != NULL) {
		GHashTableIter iter;
		gpointer value;

		g_hash_table_iter_init(&iter, state->services);
		while (g_hash_table_iter_next(&iter, NULL, &value)) {
			ArcServiceInfo *other = value;
			if (g_strcmp0(other->name, info->name) == 0 &&
			    g_strcmp0(other->id, info->id) != 0) {
				g_set_error(error, ARC_ERROR, ARC_ERROR_ALREADY_EXISTS,
					    "a service named '%s' exists already: %s", info->name,
					    other->id);
				return FALSE;
			}
		}
	}
	return TRUE;
}

static void
arc_services_apply_spec(ArcServiceInfo *info, const ArcServiceSpec *spec)
{
	if (spec->set & ARC_SERVICE_FIELD_NAME)
		arc_set_str(&info->name, spec->name);
	if (spec->set & ARC_SERVICE_FIELD_SOURCE)
		arc_set_str(&info->source_peer_id, spec->source_peer_id);
	if (spec->set & ARC_SERVICE_FIELD_TARGET)
		arc_set_str(&info->target_peer_id, spec->target_peer_id);
	if (spec->set & ARC_SERVICE_FIELD_TRANSPORT)
		arc_set_str(&info->transport_type, spec->transport_type);
	if (spec->set & ARC_SERVICE_FIELD_REQUIRES_INTERFACE)
		info->requires_interface = spec->requires_interface;
	if (spec->set & ARC_SERVICE_FIELD_DESIRED_IPV4)
		arc_set_str(&info->desired_ipv4_cidr, spec->desired_ipv4_cidr);
	if (spec->set & ARC_SERVICE_FIELD_DESIRED_IPV6)
		arc_set_str(&info->desired_ipv6_cidr, spec->desired_ipv6_cidr);
	if (spec->set & ARC_SERVICE_FIELD_FULLY_TRANSPARENT)
		info->fully_transparent = spec->fully_transparent;
	if (spec->set & ARC_SERVICE_FIELD_BANDWIDTH)
		info->bandwidth_limit_mbps = spec->bandwidth_limit_mbps;
}

/* new routes for @service_id, numbered after every id this agent knows */
static GArray *
arc_services_stage_routes(ArcEngine *self, ArcServicesState *state, ArcStorageTxn *txn,
			  const gchar *service_id, GPtrArray *specs)
{
	GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), specs->len);
	gint64 now = arc_engine_now(self);
	gint64 next = state->max_route_id;
	g_autofree gchar *last = NULL;

	for (guint i = 0; i < specs->len; i++) {
		const ArcRouteSpec *spec = g_ptr_array_index(specs, i);
		ArcRouteInfo route = {
			.id = ++next,
			.service_id = (gchar *)service_id,
			.priority = spec->priority,
			.source_cidr = spec->source_cidr,
			.dest_cidr = spec->dest_cidr,
			.created_at = now,
			.created_by = (gchar *)arc_engine_get_peer_id(self),
		};
		g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, route.id);
		g_autofree gchar *uid = arc_id_new(NULL);

		route.uid = uid;
		arc_services_stage(self, txn, "route", id, arc_route_body(&route), FALSE);
		g_array_append_val(ids, route.id);
	}
	last = g_strdup_printf("%" G_GINT64_FORMAT, next);
	arc_storage_txn_set_meta(txn, "routes.last_id", last);
	return ids;
}

static guint
arc_services_count_live(ArcServicesState *state)
{
	return g_hash_table_size(state->services);
}

/**
 * arc_engine_create_service:
 * @self: the engine
 * @caller: who is calling
 * @spec: what to create, checked member by member (arc_service_spec_from_json())
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_engine_create_service(ArcEngine *self, const ArcCaller *caller, const ArcServiceSpec *spec,
			  GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcServiceInfo) info = g_new0(ArcServiceInfo, 1);
	g_autoptr(GArray) ids = NULL;
	g_autofree gchar *id = NULL;
	ArcLicense *license = arc_engine_get_license_doc(self);
	ArcServicesState *state;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_WRITE, error))
		return NULL;
	state = arc_services_load(self, error);
	if (state == NULL)
		return NULL;
	id = arc_id_new("svc_");
	info->id = g_strdup(id);
	info->source_peer_id = g_strdup(arc_engine_get_peer_id(self));
	info->transport_type = g_strdup("tcp");
	info->created_at = info->updated_at = arc_engine_now(self);
	arc_services_apply_spec(info, spec);
	arc_services_resolve_peer_name(self, &info->source_peer_id);
	arc_services_resolve_peer_name(self, &info->target_peer_id);
	if (info->target_peer_id == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'target_peer_id' is required");
		return NULL;
	}
	if (!arc_services_check(self, state, info, NULL, error))
		return NULL;
	if (license != NULL && license->max_services > 0 &&
	    arc_services_count_live(state) >= (guint)license->max_services) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_SERVICE_LIMIT_EXCEEDED,
			    "the license allows %" G_GINT64_FORMAT
			    " services and the cluster has them all",
			    license->max_services);
		return NULL;
	}
	arc_services_stage(self, txn, "service", id, arc_service_body(info), FALSE);
	if (spec->routes != NULL)
		ids = arc_services_stage_routes(self, state, txn, id, spec->routes);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("service %s created (%s → %s, %s, %u routes) by %s", id, info->source_peer_id,
	       info->target_peer_id, info->transport_type, ids != NULL ? ids->len : 0,
	       arc_caller_describe(caller));
	return arc_engine_get_service(self, caller, id, error);
}

/**
 * arc_engine_update_service:
 * @self: the engine
 * @caller: who is calling
 * @id: the service
 * @spec: the members to change
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_engine_update_service(ArcEngine *self, const ArcCaller *caller, const gchar *id,
			  const ArcServiceSpec *spec, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcServiceInfo) info = NULL;
	ArcServicesState *state;
	ArcServiceInfo *old;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_WRITE, &id, &resolved, error);
	if (state == NULL)
		return NULL;
	old = arc_services_find(state, id, error);
	if (old == NULL)
		return NULL;
	if (spec->routes != NULL) {
		g_set_error_literal(
			error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			"'routes' cannot be updated here: use /v1/services/{id}/routes");
		return NULL;
	}
	info = arc_service_info_copy(old);
	arc_services_apply_spec(info, spec);
	arc_services_resolve_peer_name(self, &info->source_peer_id);
	arc_services_resolve_peer_name(self, &info->target_peer_id);
	if (!arc_services_check(self, state, info, old, error))
		return NULL;
	info->updated_at = arc_engine_now(self);
	arc_services_stage(self, txn, "service", id, arc_service_body(info), FALSE);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("service %s updated by %s", id, arc_caller_describe(caller));
	return arc_engine_get_service(self, caller, id, error);
}

/**
 * arc_engine_delete_service:
 * @self: the engine
 * @caller: who is calling
 * @id: the service
 * @error: return location for a #GError
 *
 * Deletes the service and its routes, everywhere.
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_engine_delete_service(ArcEngine *self, const ArcCaller *caller, const gchar *id, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) routes = NULL;
	ArcServicesState *state;
	ArcServiceInfo *old;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_WRITE, &id, &resolved, error);
	if (state == NULL)
		return FALSE;
	old = arc_services_find(state, id, error);
	if (old == NULL)
		return FALSE;
	routes = arc_services_routes_of(state, id);
	arc_services_stage(self, txn, "service", id, arc_service_body(old), TRUE);
	for (guint i = 0; i < routes->len; i++) {
		ArcRouteInfo *route = g_ptr_array_index(routes, i);
		g_autofree gchar *route_id = g_strdup_printf("%" G_GINT64_FORMAT, route->id);
		arc_services_stage(self, txn, "route", route_id, arc_route_body(route), TRUE);
	}
	if (!arc_engine_commit(self, txn, error))
		return FALSE;
	g_info("service %s and its %u routes deleted by %s", id, routes->len,
	       arc_caller_describe(caller));
	return TRUE;
}

/**
 * arc_engine_list_routes:
 * @self: the engine
 * @caller: who is calling
 * @service_id: (nullable): a service, or %NULL for the routes of every service
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRouteInfo): the routes, by id
 */
GPtrArray *
arc_engine_list_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
		       GError **error)
{
	g_autofree gchar *resolved = NULL;
	ArcServicesState *state;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_READ, &service_id, &resolved,
				  error);
	if (state == NULL)
		return NULL;
	if (service_id != NULL && arc_services_find(state, service_id, error) == NULL)
		return NULL;
	return arc_services_routes_of(state, service_id);
}

/**
 * arc_engine_add_routes:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @specs: (element-type ArcRouteSpec): the routes, each checked (arc_route_specs_from_json())
 * @error: return location for a #GError
 *
 * Stores all the routes or none.
 *
 * Returns: (transfer full) (element-type gint64): their ids, in order, or %NULL
 */
GArray *
arc_engine_add_routes(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
		      GPtrArray *specs, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GArray) ids = NULL;
	ArcServicesState *state;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_WRITE, &service_id, &resolved,
				  error);
	if (state == NULL)
		return NULL;
	if (arc_services_find(state, service_id, error) == NULL)
		return NULL;
	ids = arc_services_stage_routes(self, state, txn, service_id, specs);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("%u routes added to service %s by %s", ids->len, service_id,
	       arc_caller_describe(caller));
	return g_steal_pointer(&ids);
}

static ArcRouteInfo *
arc_services_find_route(ArcServicesState *state, const gchar *service_id, gint64 route_id,
			GError **error)
{
	ArcRouteInfo *route = g_hash_table_lookup(state->routes, &route_id);

	if (arc_services_find(state, service_id, error) == NULL)
		return NULL;
	if (route == NULL || g_strcmp0(route->service_id, service_id) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND,
			    "route %" G_GINT64_FORMAT " not found in service %s", route_id,
			    service_id);
		return NULL;
	}
	return route;
}

/**
 * arc_engine_update_route:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @route_id: the route
 * @spec: the members to change; a CIDR set to %NULL is cleared
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the route as stored, or %NULL
 */
ArcRouteInfo *
arc_engine_update_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			gint64 route_id, const ArcRouteSpec *spec, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRouteInfo) route = NULL;
	g_autofree gchar *id = NULL;
	ArcServicesState *state;
	ArcRouteInfo *old;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_WRITE, &service_id, &resolved,
				  error);
	if (state == NULL)
		return NULL;
	old = arc_services_find_route(state, service_id, route_id, error);
	if (old == NULL)
		return NULL;
	route = arc_route_info_copy(old);
	if (spec->set & ARC_ROUTE_FIELD_PRIORITY)
		route->priority = spec->priority;
	if (spec->set & ARC_ROUTE_FIELD_SOURCE)
		arc_set_str(&route->source_cidr, spec->source_cidr);
	if (spec->set & ARC_ROUTE_FIELD_DEST)
		arc_set_str(&route->dest_cidr, spec->dest_cidr);
	if (route->source_cidr == NULL && route->dest_cidr == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "a route needs 'source_cidr' or 'dest_cidr' (or both)");
		return NULL;
	}
	id = g_strdup_printf("%" G_GINT64_FORMAT, route_id);
	arc_services_stage(self, txn, "route", id, arc_route_body(route), FALSE);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("route %s of service %s updated by %s", id, service_id, arc_caller_describe(caller));
	return g_steal_pointer(&route);
}

/**
 * arc_engine_delete_route:
 * @self: the engine
 * @caller: who is calling
 * @service_id: the service
 * @route_id: the route
 * @error: return location for a #GError
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_engine_delete_route(ArcEngine *self, const ArcCaller *caller, const gchar *service_id,
			gint64 route_id, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *id = NULL;
	ArcServicesState *state;
	ArcRouteInfo *old;

	state = arc_services_open(self, caller, ARC_SCOPE_SERVICES_WRITE, &service_id, &resolved,
				  error);
	if (state == NULL)
		return FALSE;
	old = arc_services_find_route(state, service_id, route_id, error);
	if (old == NULL)
		return FALSE;
	id = g_strdup_printf("%" G_GINT64_FORMAT, route_id);
	arc_services_stage(self, txn, "route", id, arc_route_body(old), TRUE);
	if (!arc_engine_commit(self, txn, error))
		return FALSE;
	g_info("route %s of service %s deleted by %s", id, service_id, arc_caller_describe(caller));
	return TRUE;
}

/* ---- concurrent route ids ---- */

/**
 * arc_engine_route_displaced:
 * @self: the engine
 * @local: the version held here
 * @received: a version from another agent that wins over it (the `route` kind's handler
 *   asks)
 *
 * Returns: whether @received is another route that took the id of a route this agent
 *   created (two agents numbered a route alike in the same gossip round)
 */
gboolean
arc_engine_route_displaced(ArcEngine *self, const ArcRecord *local, const ArcRecord *received)
{
	g_autoptr(ArcRouteInfo) mine = NULL;
	g_autoptr(ArcRouteInfo) theirs = NULL;

	if (local->deleted)
		return FALSE;
	mine = arc_route_from_record(local);
	theirs = arc_route_from_record(received);
	return mine != NULL && theirs != NULL && mine->uid != NULL &&
	       g_strcmp0(mine->created_by, arc_engine_get_peer_id(self)) == 0 &&
	       g_strcmp0(mine->uid, theirs->uid) != 0;
}

/**
 * arc_engine_renumber_routes:
 * @self: the engine
 * @displaced: (element-type ArcRecord): routes this agent created whose ids another route
 *   took (arc_engine_route_displaced())
 *
 * Writes each again under the next free id, so that no route is lost.
 */
void
arc_engine_renumber_routes(ArcEngine *self, GPtrArray *displaced)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	ArcServicesState *state = arc_services_load(self, &error);
	gint64 next;
	g_autofree gchar *last = NULL;

	if (state == NULL || displaced->len == 0) {
		if (error != NULL)
			g_warning("cannot renumber routes: %s", error->message);
		return;
	}
	next = state->max_route_id;
	for (guint i = 0; i < displaced->len; i++) {
		g_autoptr(ArcRouteInfo) route =
			arc_route_from_record(g_ptr_array_index(displaced, i));
		g_autofree gchar *id = NULL;
		gint64 old_id;

		if (route == NULL)
			continue;
		old_id = route->id;
		route->id = ++next;
		id = g_strdup_printf("%" G_GINT64_FORMAT, route->id);
		g_info("route %" G_GINT64_FORMAT " of service %s is now route %s: another agent "
		       "gave its new route the same id at the same time",
		       old_id, route->service_id, id);
		arc_services_stage(self, txn, "route", id, arc_route_body(route), FALSE);
	}
	last = g_strdup_printf("%" G_GINT64_FORMAT, next);
	arc_storage_txn_set_meta(txn, "routes.last_id", last);
	if (!arc_engine_commit(self, txn, &error))
		g_warning("cannot renumber routes: %s", error->message);
}

/* ---- evaluation ---- */

static ArcRouteTable *
arc_services_table_for(ArcEngine *self, ArcServicesState *state, const gchar *peer_id)
{
	ArcRouteTable *table = g_hash_table_lookup(state->tables, peer_id);
	GHashTableIter iter;
	gpointer value;

	if (table != NULL)
		return table;
	table = arc_route_table_new();
	g_hash_table_iter_init(&iter, state->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (g_strcmp0(info->source_peer_id, peer_id) == 0 &&
		    g_strcmp0(arc_services_state_of(self, state, info), "active") == 0 &&
		    info->requires_interface)
			arc_route_table_bind_interface(table, info->interface_name, info->id);
	}
	g_hash_table_iter_init(&iter, state->routes);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcRouteInfo *route = value;
		ArcServiceInfo *info = g_hash_table_lookup(state->services, route->service_id);
		ArcCidr source, destination;
		gboolean has_source, has_destination;

		if (info == NULL || g_strcmp0(info->source_peer_id, peer_id) != 0 ||
		    g_strcmp0(arc_services_state_of(self, state, info), "active") != 0)
			continue;
		has_source = route->source_cidr != NULL &&
			     arc_cidr_parse(route->source_cidr, &source, NULL);
		has_destination = route->dest_cidr != NULL &&
				  arc_cidr_parse(route->dest_cidr, &destination, NULL);
		arc_route_table_add(table, route->id, route->service_id, route->priority,
				    has_source ? &source : NULL,
				    has_destination ? &destination : NULL);
	}
	g_hash_table_insert(state->tables, g_strdup(peer_id), table);
	return table;
}

/* a peer named by id or by name, the local peer when %NULL */
static gchar *
arc_services_resolve_peer(ArcEngine *self, const gchar *peer, GError **error)
{
	g_autoptr(GPtrArray) peers = NULL;

	if (peer == NULL || peer[0] == '\0')
		return g_strdup(arc_engine_get_peer_id(self));
	peers = arc_engine_load_peers(self, error);
	if (peers == NULL)
		return NULL;
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *info = g_ptr_array_index(peers, i);
		if (g_strcmp0(info->id, peer) == 0 || g_strcmp0(info->name, peer) == 0)
			return g_strdup(info->id);
	}
	g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "peer not found: %s", peer);
	return NULL;
}

/**
 * arc_engine_lookup_route:
 * @self: the engine
 * @caller: who is calling
 * @peer: (nullable): the peer the traffic enters at, by id or name; this agent when %NULL
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 * @all: whether to list the routes that do not match the packet as well (else counted)
 * @error: return location for a #GError
 *
 * Evaluates the routes of the active services from @peer (docs/routing.md).
 *
 * Returns: (transfer full): the decision and why, or %NULL
 */
ArcRouteLookup *
arc_engine_lookup_route(ArcEngine *self, const ArcCaller *caller, const gchar *peer,
			const gchar *source, const gchar *destination, const gchar *interface,
			gboolean all, GError **error)
{
	g_autoptr(ArcRouteLookup) lookup = g_new0(ArcRouteLookup, 1);
	g_autoptr(ArcRouteDecision) decision = NULL;
	g_autoptr(GHashTable) names = NULL;
	ArcServicesState *state;
	ArcCidr src, dst;
	ArcServiceInfo *service;

	if (!arc_engine_authorize(self, caller, ARC_SCOPE_SERVICES_READ, error))
		return NULL;
	if (source == NULL || destination == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'src' and 'dst' are required: the packet's addresses");
		return NULL;
	}
	if (!arc_cidr_parse_address(source, &src, error) ||
	    !arc_cidr_parse_address(destination, &dst, error))
		return NULL;
	lookup->peer_id = arc_services_resolve_peer(self, peer, error);
	if (lookup->peer_id == NULL)
		return NULL;
	state = arc_services_load(self, error);
	if (state == NULL)
		return NULL;
	decision = arc_route_table_explain(arc_services_table_for(self, state, lookup->peer_id),
					   &src, &dst, interface, all);
	lookup->category = decision->category;
	lookup->reason = g_strdup(decision->reason);
	lookup->unmatched = decision->unmatched;
	lookup->candidates =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_candidate_free);
	if (decision->route != NULL) {
		ArcRouteInfo *route = g_hash_table_lookup(state->routes, &decision->route->id);
		if (route != NULL)
			lookup->route = arc_route_info_copy(route);
	}
	service = decision->service_id != NULL
			  ? g_hash_table_lookup(state->services, decision->service_id)
			  : NULL;
	names = arc_services_peer_names(self);
	if (service != NULL)
		lookup->service = arc_services_present(self, state, service, names, FALSE);
	for (guint i = 0; i < decision->losers->len; i++) {
		ArcRouteLoser *loser = &g_array_index(decision->losers, ArcRouteLoser, i);
		ArcRouteInfo *route = g_hash_table_lookup(state->routes, &loser->route->id);
		ArcRouteCandidate *candidate;

		if (route == NULL)
			continue;
		candidate = g_new0(ArcRouteCandidate, 1);
		candidate->route = arc_route_info_copy(route);
		candidate->reason = g_strdup(loser->reason);
		candidate->matches = loser->matches;
		g_ptr_array_add(lookup->candidates, candidate);
	}
	return g_steal_pointer(&lookup);
}
