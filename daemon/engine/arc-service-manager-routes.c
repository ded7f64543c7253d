/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "services"

#include "arc-service-manager-private.h"

#include "arc-engine.h"

/* The routes of the services (docs/services.md), their ids when two agents number a route
 * alike, and the route index: one route table per source peer, built from the cache when
 * first asked for (docs/routing.md). */

/* new routes for @service_id, numbered after every id this agent knows */
GArray *
arc_service_manager_stage_routes(ArcServiceManager *self, ArcStorageTxn *txn,
				 const gchar *service_id, GPtrArray *specs)
{
	GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), specs->len);
	gint64 now = arc_service_manager_now(self);
	gint64 next = self->max_route_id;
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
			.created_by = (gchar *)arc_service_manager_peer_id(self),
		};
		g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, route.id);
		g_autofree gchar *uid = arc_id_new(NULL);

		route.uid = uid;
		arc_service_manager_stage(self, txn, "route", id, arc_route_body(&route), FALSE);
		g_array_append_val(ids, route.id);
	}
	last = g_strdup_printf("%" G_GINT64_FORMAT, next);
	arc_storage_txn_set_meta(txn, "routes.last_id", last);
	return ids;
}

/* the cache loaded and *@service_id made a service id if it was a service's name (kept in
 * *@resolved) */
static gboolean
arc_service_manager_open(ArcServiceManager *self, const gchar **service_id, gchar **resolved,
			 GError **error)
{
	if (!arc_service_manager_load(self, error))
		return FALSE;
	*service_id = arc_service_manager_resolve_id(self, *service_id, resolved);
	return TRUE;
}

/**
 * arc_service_manager_list_routes:
 * @self: the service manager
 * @service_id: (nullable): a service by id or name, or %NULL for the routes of every service
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type ArcRouteInfo): the routes, by id
 */
GPtrArray *
arc_service_manager_list_routes(ArcServiceManager *self, const gchar *service_id, GError **error)
{
	g_autofree gchar *resolved = NULL;

	if (!arc_service_manager_open(self, &service_id, &resolved, error))
		return NULL;
	if (service_id != NULL && arc_service_manager_find(self, service_id, error) == NULL)
		return NULL;
	return arc_service_manager_routes_of(self, service_id);
}

/**
 * arc_service_manager_add_routes:
 * @self: the service manager
 * @service_id: the service, by id or name
 * @batch: the routes, each checked (arc_route_batch_from_json())
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Stores all the routes or none.
 *
 * Returns: (transfer full) (element-type gint64): their ids, in order, or %NULL
 */
GArray *
arc_service_manager_add_routes(ArcServiceManager *self, const gchar *service_id,
			       const ArcRouteBatch *batch, const gchar *actor, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GArray) ids = NULL;

	if (!arc_service_manager_open(self, &service_id, &resolved, error))
		return NULL;
	if (arc_service_manager_find(self, service_id, error) == NULL)
		return NULL;
	ids = arc_service_manager_stage_routes(self, txn, service_id, batch->routes);
	if (!arc_service_manager_commit(self, txn, error))
		return NULL;
	g_info("%u routes added to service %s by %s", ids->len, service_id, actor);
	return g_steal_pointer(&ids);
}

static ArcRouteInfo *
arc_service_manager_find_route(ArcServiceManager *self, const gchar *service_id, gint64 route_id,
			       GError **error)
{
	ArcRouteInfo *route = g_hash_table_lookup(self->routes, &route_id);

	if (arc_service_manager_find(self, service_id, error) == NULL)
		return NULL;
	if (route == NULL || g_strcmp0(route->service_id, service_id) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND,
			    "route %" G_GINT64_FORMAT " not found in service %s", route_id,
			    service_id);
		return NULL;
	}
	return route;
}

static void
arc_route_set_cidr(gchar **slot, const gchar *value)
{
	gchar *copy = g_strdup(value);
	g_free(*slot);
	*slot = copy;
}

/**
 * arc_service_manager_update_route:
 * @self: the service manager
 * @service_id: the service, by id or name
 * @route_id: the route
 * @spec: the members to change; a CIDR set to %NULL is cleared
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the route as stored, or %NULL
 */
ArcRouteInfo *
arc_service_manager_update_route(ArcServiceManager *self, const gchar *service_id, gint64 route_id,
				 const ArcRouteSpec *spec, const gchar *actor, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRouteInfo) route = NULL;
	g_autofree gchar *id = NULL;
	ArcRouteInfo *old;

	if (!arc_service_manager_open(self, &service_id, &resolved, error))
		return NULL;
	old = arc_service_manager_find_route(self, service_id, route_id, error);
	if (old == NULL)
		return NULL;
	route = arc_route_info_copy(old);
	if (spec->set & ARC_ROUTE_FIELD_PRIORITY)
		route->priority = spec->priority;
	if (spec->set & ARC_ROUTE_FIELD_SOURCE)
		arc_route_set_cidr(&route->source_cidr, spec->source_cidr);
	if (spec->set & ARC_ROUTE_FIELD_DEST)
		arc_route_set_cidr(&route->dest_cidr, spec->dest_cidr);
	if (route->source_cidr == NULL && route->dest_cidr == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "a route needs 'source_cidr' or 'dest_cidr' (or both)");
		return NULL;
	}
	id = g_strdup_printf("%" G_GINT64_FORMAT, route_id);
	arc_service_manager_stage(self, txn, "route", id, arc_route_body(route), FALSE);
	if (!arc_service_manager_commit(self, txn, error))
		return NULL;
	g_info("route %s of service %s updated by %s", id, service_id, actor);
	return g_steal_pointer(&route);
}

/**
 * arc_service_manager_delete_route:
 * @self: the service manager
 * @service_id: the service, by id or name
 * @route_id: the route
 * @actor: who asked, for the log
 * @error: return location for a #GError
 *
 * Returns: %TRUE once stored
 */
gboolean
arc_service_manager_delete_route(ArcServiceManager *self, const gchar *service_id, gint64 route_id,
				 const gchar *actor, GError **error)
{
	g_autofree gchar *resolved = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *id = NULL;
	ArcRouteInfo *old;

	if (!arc_service_manager_open(self, &service_id, &resolved, error))
		return FALSE;
	old = arc_service_manager_find_route(self, service_id, route_id, error);
	if (old == NULL)
		return FALSE;
	id = g_strdup_printf("%" G_GINT64_FORMAT, route_id);
	arc_service_manager_stage(self, txn, "route", id, arc_route_body(old), TRUE);
	if (!arc_service_manager_commit(self, txn, error))
		return FALSE;
	g_info("route %s of service %s deleted by %s", id, service_id, actor);
	return TRUE;
}

/* ---- concurrent route ids ---- */

/**
 * arc_service_manager_route_displaces:
 * @local: the version held here
 * @received: a version from another agent that wins over it
 * @user_data: the service manager
 *
 * The `route` kind's displacement rule.
 *
 * Returns: whether @received is another route that took the id of a route this agent
 *   created (two agents numbered a route alike in the same gossip round)
 */
gboolean
arc_service_manager_route_displaces(const ArcRecord *local, const ArcRecord *received,
				    gpointer user_data)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(user_data);
	g_autoptr(ArcRouteInfo) mine = NULL;
	g_autoptr(ArcRouteInfo) theirs = NULL;

	if (local->deleted)
		return FALSE;
	mine = arc_route_from_record(local);
	theirs = arc_route_from_record(received);
	return mine != NULL && theirs != NULL && mine->uid != NULL &&
	       g_strcmp0(mine->created_by, arc_service_manager_peer_id(self)) == 0 &&
	       g_strcmp0(mine->uid, theirs->uid) != 0;
}

/**
 * arc_service_manager_renumber_routes:
 * @displaced: (element-type ArcRecord): routes this agent created whose ids another route
 *   took (arc_service_manager_route_displaces())
 * @user_data: the service manager
 *
 * Writes each again under the next free id, so that no route is lost.
 */
void
arc_service_manager_renumber_routes(GPtrArray *displaced, gpointer user_data)
{
	ArcServiceManager *self = ARC_SERVICE_MANAGER(user_data);
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *last = NULL;
	gint64 next;

	if (!arc_service_manager_load(self, &error) || displaced->len == 0) {
		if (error != NULL)
			g_warning("cannot renumber routes: %s", error->message);
		return;
	}
	next = self->max_route_id;
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
		arc_service_manager_stage(self, txn, "route", id, arc_route_body(route), FALSE);
	}
	last = g_strdup_printf("%" G_GINT64_FORMAT, next);
	arc_storage_txn_set_meta(txn, "routes.last_id", last);
	if (!arc_service_manager_commit(self, txn, &error))
		g_warning("cannot renumber routes: %s", error->message);
}

/* ---- the route index ---- */

static void
arc_route_table_add_route(ArcRouteTable *table, const ArcRouteInfo *route)
{
	ArcCidr source, destination;
	gboolean has_source, has_destination;

	has_source =
		route->source_cidr != NULL && arc_cidr_parse(route->source_cidr, &source, NULL);
	has_destination =
		route->dest_cidr != NULL && arc_cidr_parse(route->dest_cidr, &destination, NULL);
	arc_route_table_add(table, route->id, route->service_id, route->priority,
			    has_source ? &source : NULL, has_destination ? &destination : NULL);
}

/* the route table of the active services from @peer_id, built when first asked for */
static ArcRouteTable *
arc_service_manager_table_for(ArcServiceManager *self, const gchar *peer_id)
{
	ArcRouteTable *table = g_hash_table_lookup(self->tables, peer_id);
	GHashTableIter iter;
	gpointer value;

	if (table != NULL)
		return table;
	table = arc_route_table_new();
	g_hash_table_iter_init(&iter, self->services);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcServiceInfo *info = value;
		if (g_strcmp0(info->source_peer_id, peer_id) == 0 &&
		    arc_service_manager_state_of(self, info) == ARC_SERVICE_STATE_ACTIVE &&
		    info->requires_interface)
			arc_route_table_bind_interface(table, info->interface_name, info->id);
	}
	g_hash_table_iter_init(&iter, self->routes);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcRouteInfo *route = value;
		ArcServiceInfo *info = g_hash_table_lookup(self->services, route->service_id);

		if (info == NULL || g_strcmp0(info->source_peer_id, peer_id) != 0 ||
		    arc_service_manager_state_of(self, info) != ARC_SERVICE_STATE_ACTIVE)
			continue;
		arc_route_table_add_route(table, route);
	}
	g_hash_table_insert(self->tables, g_strdup(peer_id), table);
	return table;
}

/* a peer named by id or by name, the local peer when %NULL */
static gchar *
arc_service_manager_resolve_peer(ArcServiceManager *self, const gchar *peer, GError **error)
{
	g_autoptr(GPtrArray) peers = NULL;

	if (peer == NULL || peer[0] == '\0')
		return g_strdup(arc_service_manager_peer_id(self));
	peers = self->host.list_peers(self->host_data, error);
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

/* the decision of the route table in the words of the cache: routes and service copied */
static void
arc_service_manager_explain(ArcServiceManager *self, ArcRouteLookup *lookup,
			    const ArcRouteDecision *decision)
{
	g_autoptr(GHashTable) names = arc_service_manager_peer_names(self);
	ArcServiceInfo *service = NULL;

	lookup->category = decision->category;
	lookup->reason = g_strdup(decision->reason);
	lookup->unmatched = decision->unmatched;
	lookup->candidates =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_candidate_free);
	if (decision->route != NULL) {
		ArcRouteInfo *route = g_hash_table_lookup(self->routes, &decision->route->id);
		if (route != NULL)
			lookup->route = arc_route_info_copy(route);
	}
	if (decision->service_id != NULL)
		service = g_hash_table_lookup(self->services, decision->service_id);
	if (service != NULL)
		lookup->service = arc_service_manager_present(self, service, names, FALSE);
	for (guint i = 0; i < decision->losers->len; i++) {
		ArcRouteLoser *loser = &g_array_index(decision->losers, ArcRouteLoser, i);
		ArcRouteInfo *route = g_hash_table_lookup(self->routes, &loser->route->id);
		ArcRouteCandidate *candidate;

		if (route == NULL)
			continue;
		candidate = g_new0(ArcRouteCandidate, 1);
		candidate->route = arc_route_info_copy(route);
		candidate->reason = g_strdup(loser->reason);
		candidate->matches = loser->matches;
		g_ptr_array_add(lookup->candidates, candidate);
	}
}

/**
 * arc_service_manager_lookup_route:
 * @self: the service manager
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
arc_service_manager_lookup_route(ArcServiceManager *self, const gchar *peer, const gchar *source,
				 const gchar *destination, const gchar *interface, gboolean all,
				 GError **error)
{
	g_autoptr(ArcRouteLookup) lookup = g_new0(ArcRouteLookup, 1);
	g_autoptr(ArcRouteDecision) decision = NULL;
	ArcCidr src, dst;

	if (source == NULL || destination == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD,
				    "'src' and 'dst' are required: the packet's addresses");
		return NULL;
	}
	if (!arc_cidr_parse_address(source, &src, error) ||
	    !arc_cidr_parse_address(destination, &dst, error))
		return NULL;
	lookup->peer_id = arc_service_manager_resolve_peer(self, peer, error);
	if (lookup->peer_id == NULL)
		return NULL;
	if (!arc_service_manager_load(self, error))
		return NULL;
	decision = arc_route_table_explain(arc_service_manager_table_for(self, lookup->peer_id),
					   &src, &dst, interface, all);
	arc_service_manager_explain(self, lookup, decision);
	return g_steal_pointer(&lookup);
}
