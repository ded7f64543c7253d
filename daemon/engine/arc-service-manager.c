/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "services"

#include "arc-service-manager-private.h"

#include "arc-engine.h"

/* Services as replicated records (docs/services.md). What is stored is read once into a
 * cache, kept until a service, a route or a member changes; the route tables the lookups use
 * are built from it, one per source peer, when first asked for
 * (arc-service-manager-routes.c). */

enum { SIGNAL_SERVICE_CHANGED, N_SIGNALS };
static guint arc_service_manager_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcServiceManager, arc_service_manager, G_TYPE_OBJECT)

static void
arc_service_manager_clear(ArcServiceManager *self)
{
	g_clear_pointer(&self->services, g_hash_table_unref);
	g_clear_pointer(&self->routes, g_hash_table_unref);
	g_clear_pointer(&self->over_limit, g_hash_table_unref);
	g_clear_pointer(&self->tables, g_hash_table_unref);
	self->max_route_id = 0;
	self->stale = FALSE;
}

static void
arc_service_manager_finalize(GObject *object)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(object);

	if (self->registry != NULL)
		g_signal_handlers_disconnect_by_data(self->registry, self);
	arc_service_manager_clear(self);
	g_clear_pointer(&self->changed, g_hash_table_unref);
	g_clear_object(&self->registry);
	g_clear_object(&self->node);
	G_OBJECT_CLASS(arc_service_manager_parent_class)->finalize(object);
}

static void
arc_service_manager_class_init(ArcServiceManagerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->finalize = arc_service_manager_finalize;
	/**
	 * ArcServiceManager::service-changed:
	 * @service_id: the service created, changed (its routes too) or deleted, here or by
	 *   another agent
	 */
	arc_service_manager_signals[SIGNAL_SERVICE_CHANGED] =
		g_signal_new("service-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
arc_service_manager_init(ArcServiceManager *self)
{
	self->changed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- the record kinds ---- */

static void
arc_service_manager_service_changed_cb(const ArcRecord *record, gpointer user_data)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(user_data);

	g_hash_table_add(self->changed, g_strdup(record->id));
	self->stale = TRUE;
}

static void
arc_service_manager_route_changed_cb(const ArcRecord *record, gpointer user_data)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(user_data);
	g_autoptr(ArcRouteInfo) route = arc_route_from_record(record);

	if (route != NULL)
		g_hash_table_add(self->changed, g_strdup(route->service_id));
	self->stale = TRUE;
}

static const ArcRecordKind arc_service_manager_kinds[] = {
	{.name = "route",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .displaces = arc_service_manager_route_displaces,
	 .displaced = arc_service_manager_renumber_routes,
	 .changed = arc_service_manager_route_changed_cb},
	{.name = "service",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	 .changed = arc_service_manager_service_changed_cb},
};

/* once per commit, after the kinds saw its records: each service changed, told once */
static void
arc_service_manager_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from,
				       gboolean push, gpointer user_data)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(user_data);
	g_autoptr(GHashTable) changed = g_steal_pointer(&self->changed);
	GHashTableIter iter;
	gpointer id;

	self->changed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_iter_init(&iter, changed);
	while (g_hash_table_iter_next(&iter, &id, NULL))
		g_signal_emit(self, arc_service_manager_signals[SIGNAL_SERVICE_CHANGED], 0, id);
}

/* which services are active, and so the route tables, follow the members */
static void
arc_service_manager_members_changed_cb(ArcRegistry *registry, GPtrArray *members,
				       gpointer user_data)
{
	ARC_SERVICE_MANAGER(user_data)->stale = TRUE;
}

/**
 * arc_service_manager_new:
 * @node: this agent: its peer id and clock
 * @registry: where the records are; the manager registers the `service` and `route` kinds
 * @host: what the manager asks of the agent, copied
 * @host_data: for the callbacks of @host
 *
 * Returns: (transfer full): a service manager
 */
ArcServiceManager *
arc_service_manager_new(ArcNode *node, ArcRegistry *registry, const ArcServiceHost *host,
			gpointer host_data)
{
	ArcServiceManager *self = g_object_new(ARC_TYPE_SERVICE_MANAGER, NULL);

	self->node = g_object_ref(node);
	self->registry = g_object_ref(registry);
	self->host = *host;
	self->host_data = host_data;
	for (guint i = 0; i < G_N_ELEMENTS(arc_service_manager_kinds); i++)
		arc_registry_register_kind(registry, &arc_service_manager_kinds[i], self);
	g_signal_connect(registry, "records-changed",
			 G_CALLBACK(arc_service_manager_records_changed_cb), self);
	g_signal_connect(registry, "members-changed",
			 G_CALLBACK(arc_service_manager_members_changed_cb), self);
	return self;
}

/**
 * arc_service_manager_invalidate:
 * @self: the service manager
 *
 * Reads the records again when next asked, e.g. under a license with another service limit.
 */
void
arc_service_manager_invalidate(ArcServiceManager *self)
{
	arc_service_manager_clear(self);
}

const gchar *
arc_service_manager_peer_id(ArcServiceManager *self)
{
	return arc_node_get_peer_id(self->node);
}

gint64
arc_service_manager_now(ArcServiceManager *self)
{
	return arc_node_now(self->node);
}

/* ---- the cache ---- */

static gint
arc_service_cmp_created(gconstpointer pa, gconstpointer pb)
{
	const ArcServiceInfo *a = *(const ArcServiceInfo *const *)pa;
	const ArcServiceInfo *b = *(const ArcServiceInfo *const *)pb;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return g_strcmp0(a->id, b->id);
}

static void
arc_service_manager_read_services(ArcServiceManager *self, GPtrArray *services)
{
	g_autoptr(GPtrArray) order = g_ptr_array_new();
	gint64 max_services = self->host.get_max_services(self->host_data);

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
		g_hash_table_insert(self->services, info->id, info);
		g_ptr_array_add(order, info);
	}
	/* when two agents created services at once beyond the limit, the last ones wait */
	g_ptr_array_sort(order, arc_service_cmp_created);
	for (guint i = 0; max_services > 0 && i < order->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(order, i);
		if (i >= (guint)max_services)
			g_hash_table_add(self->over_limit, info->id);
	}
}

static void
arc_service_manager_read_routes(ArcServiceManager *self, GPtrArray *routes)
{
	ArcStorage *storage = arc_registry_get_storage(self->registry);
	g_autofree gchar *last = arc_storage_get_meta(storage, "routes.last_id", NULL);

	if (last != NULL)
		self->max_route_id = g_ascii_strtoll(last, NULL, 10);
	for (guint i = 0; i < routes->len; i++) {
		ArcRecord *record = g_ptr_array_index(routes, i);
		ArcRouteInfo *info = arc_route_from_record(record);
		ArcServiceInfo *service;

		if (info == NULL) {
			g_warning("route %s: unreadable record, ignored", record->id);
			continue;
		}
		self->max_route_id = MAX(self->max_route_id, info->id);
		service = g_hash_table_lookup(self->services, info->service_id);
		if (record->deleted || service == NULL) {
			arc_route_info_free(info);
			continue;
		}
		service->route_count++;
		g_hash_table_insert(self->routes, &info->id, info);
	}
}

/* the cache, read again if records or members changed since */
gboolean
arc_service_manager_load(ArcServiceManager *self, GError **error)
{
	ArcStorage *storage = arc_registry_get_storage(self->registry);
	g_autoptr(GPtrArray) services = NULL;
	g_autoptr(GPtrArray) routes = NULL;

	if (self->stale)
		arc_service_manager_clear(self);
	if (self->services != NULL)
		return TRUE;
	services = arc_storage_list_records(storage, "service", error);
	routes = services != NULL ? arc_storage_list_records(storage, "route", error) : NULL;
	if (routes == NULL)
		return FALSE;
	self->services = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify)arc_service_info_free);
	self->routes = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
					     (GDestroyNotify)arc_route_info_free);
	self->over_limit = g_hash_table_new(g_str_hash, g_str_equal);
	self->tables = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)arc_route_table_free);
	arc_service_manager_read_services(self, services);
	arc_service_manager_read_routes(self, routes);
	return TRUE;
}

/* the next version of kind/id, written by this agent */
void
arc_service_manager_stage(ArcServiceManager *self, ArcStorageTxn *txn, const gchar *kind,
			  const gchar *id, gchar *body, gboolean deleted)
{
	ArcStorage *storage = arc_registry_get_storage(self->registry);
	g_autoptr(ArcRecord) old = arc_storage_get_record(storage, kind, id, NULL);
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);

	g_free(body);
	record->version = old != NULL ? old->version + 1 : 1;
	record->writer = g_strdup(arc_service_manager_peer_id(self));
	record->updated_at = g_get_real_time();
	record->deleted = deleted;
	arc_storage_txn_put_record(txn, record);
}

gboolean
arc_service_manager_commit(ArcServiceManager *self, ArcStorageTxn *txn, GError **error)
{
	return arc_registry_commit(self->registry, txn, NULL, TRUE, error);
}

/* ---- what callers see ---- */

ArcServiceState
arc_service_manager_state_of(ArcServiceManager *self, const ArcServiceInfo *info)
{
	const ArcMember *source = arc_registry_lookup_member(self->registry, info->source_peer_id);
	const ArcMember *target = arc_registry_lookup_member(self->registry, info->target_peer_id);

	if (source == NULL || target == NULL || source->over_limit || target->over_limit)
		return ARC_SERVICE_STATE_INACTIVE;
	if (g_hash_table_contains(self->over_limit, info->id))
		return ARC_SERVICE_STATE_OVER_LIMIT;
	return ARC_SERVICE_STATE_ACTIVE;
}

/* (transfer full): peer id → name, of every peer not deleted */
GHashTable *
arc_service_manager_peer_names(ArcServiceManager *self)
{
	g_autoptr(GPtrArray) peers = self->host.list_peers(self->host_data, NULL);
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; peers != NULL && i < peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(peers, i);
		g_hash_table_insert(names, g_strdup(peer->id), g_strdup(peer->name));
	}
	return names;
}

static void
arc_set_str(gchar **slot, const gchar *value)
{
	gchar *copy = g_strdup(value);
	g_free(*slot);
	*slot = copy;
}

/* @value as a peer id: itself when it is one (or looks like one), else the id of the one
 * peer the cluster shows under that name; unchanged when none or several are */
static void
arc_service_manager_resolve_peer_name(ArcServiceManager *self, gchar **value)
{
	g_autoptr(GHashTable) names = NULL;
	GHashTableIter iter;
	gpointer id, name;
	const gchar *found = NULL;

	if (*value == NULL || g_str_has_prefix(*value, "peer_"))
		return;
	names = arc_service_manager_peer_names(self);
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
GPtrArray *
arc_service_manager_routes_of(ArcServiceManager *self, const gchar *service_id)
{
	GPtrArray *routes = g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_info_free);
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, self->routes);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcRouteInfo *route = value;
		if (service_id == NULL || g_strcmp0(route->service_id, service_id) == 0)
			g_ptr_array_add(routes, arc_route_info_copy(route));
	}
	g_ptr_array_sort(routes, arc_route_info_cmp_id);
	return routes;
}

ArcServiceInfo *
arc_service_manager_present(ArcServiceManager *self, const ArcServiceInfo *cached,
			    GHashTable *names, gboolean with_routes)
{
	ArcServiceInfo *info = arc_service_info_copy(cached);
	const gchar *source = g_hash_table_lookup(names, info->source_peer_id);
	const gchar *target = g_hash_table_lookup(names, info->target_peer_id);

	info->source_peer_name = g_strdup(source != NULL ? source : "");
	info->target_peer_name = g_strdup(target != NULL ? target : "");
	info->state = arc_service_manager_state_of(self, cached);
	if (with_routes)
		info->routes = arc_service_manager_routes_of(self, info->id);
	return info;
}

/* @id as a service id: itself, or the id of the service of that name (names are unique),
 * kept in *@holder */
const gchar *
arc_service_manager_resolve_id(ArcServiceManager *self, const gchar *id, gchar **holder)
{
	GHashTableIter iter;
	gpointer value;

	if (id == NULL || g_hash_table_contains(self->services, id) || g_str_has_prefix(id, "svc_"))
		return id;
	g_hash_table_iter_init(&iter, self->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (g_strcmp0(info->name, id) == 0) {
			*holder = g_strdup(info->id);
			return *holder;
		}
	}
	return id;
}

ArcServiceInfo *
arc_service_manager_find(ArcServiceManager *self, const gchar *id, GError **error)
{
	ArcServiceInfo *info = id != NULL ? g_hash_table_lookup(self->services, id) : NULL;

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

static gboolean
arc_service_filter_matches(const ArcServiceFilter *filter, const gchar *source, const gchar *target,
			   const ArcServiceInfo *info)
{
	if (filter == NULL)
		return TRUE;
	return !((source != NULL && g_strcmp0(source, info->source_peer_id) != 0) ||
		 (target != NULL && g_strcmp0(target, info->target_peer_id) != 0) ||
		 (filter->requires_interface >= 0 &&
		  info->requires_interface != (filter->requires_interface != 0)));
}

/**
 * arc_service_manager_list_services:
 * @self: the service manager
 * @filter: (nullable): which services; the peers by id or by name
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcServiceInfo): the services, by id
 */
GPtrArray *
arc_service_manager_list_services(ArcServiceManager *self, const ArcServiceFilter *filter,
				  GError **error)
{
	g_autoptr(GPtrArray) list =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_service_info_free);
	g_autoptr(GHashTable) names = NULL;
	g_autofree gchar *source = NULL;
	g_autofree gchar *target = NULL;
	GHashTableIter iter;
	gpointer value;

	if (!arc_service_manager_load(self, error))
		return NULL;
	/* the cluster view lists this node's services on every rebuild, most often none */
	if (g_hash_table_size(self->services) == 0)
		return g_steal_pointer(&list);
	names = arc_service_manager_peer_names(self);
	/* the filters take a peer's name as well as its id */
	source = g_strdup(filter != NULL ? filter->source_peer_id : NULL);
	target = g_strdup(filter != NULL ? filter->target_peer_id : NULL);
	arc_service_manager_resolve_peer_name(self, &source);
	arc_service_manager_resolve_peer_name(self, &target);
	g_hash_table_iter_init(&iter, self->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (arc_service_filter_matches(filter, source, target, info))
			g_ptr_array_add(list,
					arc_service_manager_present(self, info, names, FALSE));
	}
	g_ptr_array_sort(list, arc_service_info_cmp_id);
	return g_steal_pointer(&list);
}

/**
 * arc_service_manager_get_service:
 * @self: the service manager
 * @id: a service id or name
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service with its routes, or %NULL (%ARC_ERROR_NOT_FOUND)
 */
ArcServiceInfo *
arc_service_manager_get_service(ArcServiceManager *self, const gchar *id, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(GHashTable) names = NULL;
	ArcServiceInfo *cached;

	if (!arc_service_manager_load(self, error))
		return NULL;
	id = arc_service_manager_resolve_id(self, id, &resolved);
	cached = arc_service_manager_find(self, id, error);
	if (cached == NULL)
		return NULL;
	names = arc_service_manager_peer_names(self);
	return arc_service_manager_present(self, cached, names, TRUE);
}

/* ---- writes ---- */

/* a peer a service may name: known, and an active member */
static gboolean
arc_service_manager_check_peer(ArcServiceManager *self, const gchar *role, const gchar *peer_id,
			       GError **error)
{
	const ArcMember *member = arc_registry_lookup_member(self->registry, peer_id);
	g_autoptr(GPtrArray) peers = NULL;
	ArcPeerInfo *peer = NULL;

	if (member != NULL && !member->over_limit)
		return TRUE;
	if (member != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "%s peer %s is beyond the license's node limit and carries no traffic",
			    role, peer_id);
		return FALSE;
	}
	peers = self->host.list_peers(self->host_data, error);
	if (peers == NULL)
		return FALSE;
	for (guint i = 0; peer == NULL && i < peers->len; i++) {
		ArcPeerInfo *candidate = g_ptr_array_index(peers, i);
		if (peer_id != NULL && g_strcmp0(candidate->id, peer_id) == 0)
			peer = candidate;
	}
	if (peer == NULL || arc_registry_peer_is_revoked(self->registry, peer_id)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND, "%s peer not found: %s", role,
			    peer_id);
		return FALSE;
	}
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "%s peer %s is not active (%s)",
		    role, peer_id, arc_peer_state_to_string(peer->state));
	return FALSE;
}

/* the flags and addresses of a service agree (docs/services.md) */
static gboolean
arc_service_check_options(const ArcServiceInfo *info, GError **error)
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
	return TRUE;
}

/* the rules a service as a whole follows (docs/services.md); @old is the service before an
 * update, %NULL for a new one */
static gboolean
arc_service_manager_check(ArcServiceManager *self, const ArcServiceInfo *info,
			  const ArcServiceInfo *old, GError **error)
{
	GHashTableIter iter;
	gpointer value;

	if (!arc_service_check_options(info, error))
		return FALSE;
	if ((old == NULL || g_strcmp0(old->source_peer_id, info->source_peer_id) != 0) &&
	    !arc_service_manager_check_peer(self, "source", info->source_peer_id, error))
		return FALSE;
	if ((old == NULL || g_strcmp0(old->target_peer_id, info->target_peer_id) != 0) &&
	    !arc_service_manager_check_peer(self, "target", info->target_peer_id, error))
		return FALSE;
	if (info->name == NULL)
		return TRUE;
	g_hash_table_iter_init(&iter, self->services);
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
	return TRUE;
}

static void
arc_service_apply_spec(ArcServiceInfo *info, const ArcServiceSpec *spec)
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

/* a new service from @spec, checked, or %NULL */
static ArcServiceInfo *
arc_service_manager_new_service(ArcServiceManager *self, const ArcServiceSpec *spec, GError **error)
{
	g_autoptr(ArcServiceInfo) info = g_new0(ArcServiceInfo, 1);
	gint64 max_services = self->host.get_max_services(self->host_data);

	info->id = arc_id_new("svc_");
	info->source_peer_id = g_strdup(arc_service_manager_peer_id(self));
	info->transport_type = g_strdup("tcp");
	info->created_at = info->updated_at = arc_service_manager_now(self);
	arc_service_apply_spec(info, spec);
	arc_service_manager_resolve_peer_name(self, &info->source_peer_id);
	arc_service_manager_resolve_peer_name(self, &info->target_peer_id);
	if (info->target_peer_id == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'target_peer_id' is required");
		return NULL;
	}
	if (!arc_service_manager_check(self, info, NULL, error))
		return NULL;
	if (max_services > 0 && g_hash_table_size(self->services) >= (guint)max_services) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_SERVICE_LIMIT_EXCEEDED,
			    "the license allows %" G_GINT64_FORMAT
			    " services and the cluster has them all",
			    max_services);
		return NULL;
	}
	return g_steal_pointer(&info);
}

/**
 * arc_service_manager_create_service:
 * @self: the service manager
 * @spec: what to create, checked member by member (arc_service_spec_from_json())
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_service_manager_create_service(ArcServiceManager *self, const ArcServiceSpec *spec,
				   const gchar *actor, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GArray) ids = NULL;

	if (!arc_service_manager_load(self, error))
		return NULL;
	info = arc_service_manager_new_service(self, spec, error);
	if (info == NULL)
		return NULL;
	arc_service_manager_stage(self, txn, "service", info->id, arc_service_body(info), FALSE);
	if (spec->routes != NULL)
		ids = arc_service_manager_stage_routes(self, txn, info->id, spec->routes);
	if (!arc_service_manager_commit(self, txn, error))
		return NULL;
	g_info("service %s created (%s → %s, %s, %u routes) by %s", info->id, info->source_peer_id,
	       info->target_peer_id, info->transport_type, ids != NULL ? ids->len : 0, actor);
	return arc_service_manager_get_service(self, info->id, error);
}

/**
 * arc_service_manager_update_service:
 * @self: the service manager
 * @id: the service, by id or name
 * @spec: the members to change
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service as stored, with its routes, or %NULL
 */
ArcServiceInfo *
arc_service_manager_update_service(ArcServiceManager *self, const gchar *id,
				   const ArcServiceSpec *spec, const gchar *actor, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcServiceInfo) info = NULL;
	ArcServiceInfo *old;

	if (!arc_service_manager_load(self, error))
		return NULL;
	id = arc_service_manager_resolve_id(self, id, &resolved);
	old = arc_service_manager_find(self, id, error);
	if (old == NULL)
		return NULL;
	if (spec->routes != NULL) {
		g_set_error_literal(
			error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			"'routes' cannot be updated here: use /v1/services/{id}/routes");
		return NULL;
	}
	info = arc_service_info_copy(old);
	arc_service_apply_spec(info, spec);
	arc_service_manager_resolve_peer_name(self, &info->source_peer_id);
	arc_service_manager_resolve_peer_name(self, &info->target_peer_id);
	if (!arc_service_manager_check(self, info, old, error))
		return NULL;
	info->updated_at = arc_service_manager_now(self);
	arc_service_manager_stage(self, txn, "service", id, arc_service_body(info), FALSE);
	if (!arc_service_manager_commit(self, txn, error))
		return NULL;
	g_info("service %s updated by %s", id, actor);
	return arc_service_manager_get_service(self, id, error);
}

/**
 * arc_service_manager_delete_service:
 * @self: the service manager
 * @id: the service, by id or name
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Deletes the service and its routes, everywhere.
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_service_manager_delete_service(ArcServiceManager *self, const gchar *id, const gchar *actor,
				   GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GPtrArray) routes = NULL;
	ArcServiceInfo *old;

	if (!arc_service_manager_load(self, error))
		return FALSE;
	id = arc_service_manager_resolve_id(self, id, &resolved);
	old = arc_service_manager_find(self, id, error);
	if (old == NULL)
		return FALSE;
	routes = arc_service_manager_routes_of(self, id);
	arc_service_manager_stage(self, txn, "service", id, arc_service_body(old), TRUE);
	for (guint i = 0; i < routes->len; i++) {
		ArcRouteInfo *route = g_ptr_array_index(routes, i);
		g_autofree gchar *route_id = g_strdup_printf("%" G_GINT64_FORMAT, route->id);
		arc_service_manager_stage(self, txn, "route", route_id, arc_route_body(route),
					  TRUE);
	}
	if (!arc_service_manager_commit(self, txn, error))
		return FALSE;
	g_info("service %s and its %u routes deleted by %s", id, routes->len, actor);
	return TRUE;
}
