/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-compose-plan.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * Matching (docs/compose.md): peers by the peer id their address answers with (by address,
 * then name, in the cluster's list when they cannot be asked); services by name, or by id
 * when the cluster's service has no name (what `export` writes for it); routes by
 * (service, source_cidr, dest_cidr), a different priority being an update. Deletions are
 * planned always but carried out only with --prune; peers are never deleted.
 */

typedef struct {
	ArcComposeFile *file;
	const ArcComposeState *state;
	ArcComposePlan *plan;
	GHashTable *peer_ids;   /* file peer name -> peer id, for known peers */
	GHashTable *skipped;    /* file peer names that cannot be reached nor found */
	GHashTable *matched;    /* cluster service ids the file claims */
	GHashTable *peer_names; /* peer id -> file name (or the cluster's name) */
} ArcComposePlanner;

ArcComposePeerState *
arc_compose_peer_state_new(const gchar *name, const gchar *address)
{
	ArcComposePeerState *self = g_new0(ArcComposePeerState, 1);

	self->name = g_strdup(name);
	self->address = g_strdup(address);
	return self;
}

void
arc_compose_peer_state_free(ArcComposePeerState *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->address);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	g_free(self);
}

void
arc_compose_action_free(ArcComposeAction *self)
{
	if (self == NULL)
		return;
	g_free(self->peer);
	g_free(self->address);
	g_free(self->service);
	g_free(self->service_id);
	if (self->body != NULL)
		json_object_unref(self->body);
	g_free(self->summary);
	g_ptr_array_unref(self->changes);
	g_free(self);
}

void
arc_compose_plan_free(ArcComposePlan *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->actions);
	g_free(self);
}

static ArcComposeAction *
arc_compose_plan_add(ArcComposePlanner *self, ArcComposeActionKind kind, const gchar *service,
		     const gchar *service_id)
{
	ArcComposeAction *action = g_new0(ArcComposeAction, 1);

	action->kind = kind;
	action->service = g_strdup(service);
	action->service_id = g_strdup(service_id);
	action->changes = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(self->plan->actions, action);
	return action;
}

/* ---- JSON of the API ---- */

static const gchar *
arc_compose_json_string(JsonObject *object, const gchar *member)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gint64
arc_compose_json_int(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64)
		return 0;
	return json_node_get_int(node);
}

static gboolean
arc_compose_json_bool(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_BOOLEAN)
		return FALSE;
	return json_node_get_boolean(node);
}

/* The agent's CIDRs in our canonical form, so that `fd00::0/64` equals `fd00::/64` */
static gchar *
arc_compose_json_cidr(JsonObject *object, const gchar *member, gint family)
{
	const gchar *text = arc_compose_json_string(object, member);
	gchar *canonical;

	if (text == NULL)
		return NULL;
	canonical = family == 0 ? arc_compose_canonical_network(text, NULL)
				: arc_compose_canonical_interface(text, family, NULL);
	return canonical != NULL ? canonical : g_strdup(text);
}

static JsonObject *
arc_compose_array_object(JsonArray *array, guint i)
{
	JsonNode *node = json_array_get_element(array, i);

	return JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* ---- peers ---- */

/**
 * arc_compose_plan_find_anchor:
 * @peer_states: what each peer of the file answered
 *
 * The peer a plan goes through: the first reachable one that is bootstrapped, else the first
 * reachable one (it gets bootstrapped first).
 *
 * Returns: its index, or -1 when no peer can be reached
 */
gint
arc_compose_plan_find_anchor(GPtrArray *peer_states)
{
	for (guint i = 0; i < peer_states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(peer_states, i);
		if (peer->reachable && peer->bootstrapped)
			return (gint)i;
	}
	for (guint i = 0; i < peer_states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(peer_states, i);
		if (peer->reachable)
			return (gint)i;
	}
	return -1;
}

static JsonObject *
arc_compose_plan_cluster_peer(ArcComposePlanner *self, const gchar *member, const gchar *value)
{
	for (guint i = 0; self->state->peers != NULL && value != NULL &&
			  i < json_array_get_length(self->state->peers);
	     i++) {
		JsonObject *peer = arc_compose_array_object(self->state->peers, i);
		if (g_strcmp0(arc_compose_json_string(peer, member), value) == 0)
			return peer;
	}
	return NULL;
}

static void
arc_compose_plan_peer(ArcComposePlanner *self, ArcComposePeerState *peer, gboolean is_anchor)
{
	JsonObject *known;
	ArcComposeAction *action = NULL;

	if (!peer->reachable) {
		known = arc_compose_plan_cluster_peer(self, "address", peer->address);
		if (known == NULL)
			known = arc_compose_plan_cluster_peer(self, "name", peer->name);
		if (known != NULL)
			g_hash_table_insert(self->peer_ids, g_strdup(peer->name),
					    g_strdup(arc_compose_json_string(known, "id")));
		else
			g_hash_table_add(self->skipped, g_strdup(peer->name));
		return;
	}
	if (peer->peer_id != NULL)
		g_hash_table_insert(self->peer_ids, g_strdup(peer->name), g_strdup(peer->peer_id));
	if (!peer->bootstrapped) {
		action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_BOOTSTRAP, NULL, NULL);
		action->summary =
			g_strdup_printf("bootstrap peer %s (%s)", peer->name, peer->address);
	}
	if (is_anchor)
		return;
	if (peer->peer_id != NULL && arc_compose_plan_cluster_peer(self, "id", peer->peer_id))
		return;
	action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_JOIN, NULL, NULL);
	action->summary = g_strdup_printf("join peer %s (%s)", peer->name, peer->address);
	action->peer = g_strdup(peer->name);
	action->address = g_strdup(peer->address);
}

static void
arc_compose_plan_peers(ArcComposePlanner *self)
{
	GPtrArray *states = self->state->peer_states;

	self->plan->anchor = arc_compose_plan_find_anchor(states);
	for (guint i = 0; i < states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(states, i);
		guint before = self->plan->actions->len;

		arc_compose_plan_peer(self, peer, (gint)i == self->plan->anchor);
		for (guint a = before; a < self->plan->actions->len; a++) {
			ArcComposeAction *action = g_ptr_array_index(self->plan->actions, a);
			if (action->peer == NULL) {
				action->peer = g_strdup(peer->name);
				action->address = g_strdup(peer->address);
			}
		}
	}
	/* names for the summaries: the file's, else the cluster's */
	for (guint i = 0;
	     self->state->peers != NULL && i < json_array_get_length(self->state->peers); i++) {
		JsonObject *peer = arc_compose_array_object(self->state->peers, i);
		const gchar *id = arc_compose_json_string(peer, "id");
		const gchar *name = arc_compose_json_string(peer, "name");

		if (id != NULL)
			g_hash_table_insert(self->peer_names, g_strdup(id),
					    g_strdup(name != NULL && name[0] != '\0' ? name : id));
	}
	for (guint i = 0; i < states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(states, i);
		const gchar *id = g_hash_table_lookup(self->peer_ids, peer->name);
		if (id != NULL)
			g_hash_table_insert(self->peer_names, g_strdup(id), g_strdup(peer->name));
	}
}

/* ---- services ---- */

static JsonObject *
arc_compose_plan_find_service(ArcComposePlanner *self, const gchar *name)
{
	JsonArray *services = self->state->services;

	for (guint i = 0; services != NULL && i < json_array_get_length(services); i++) {
		JsonObject *service = arc_compose_array_object(services, i);
		const gchar *id = arc_compose_json_string(service, "id");
		const gchar *cluster_name = arc_compose_json_string(service, "name");

		if (id == NULL || g_hash_table_contains(self->matched, id))
			continue;
		if (g_strcmp0(cluster_name, name) == 0 ||
		    (cluster_name == NULL && g_strcmp0(id, name) == 0))
			return service;
	}
	return NULL;
}

static JsonObject *
arc_compose_route_body(ArcComposeRoute *route)
{
	JsonObject *body = json_object_new();

	json_object_set_int_member(body, "priority", route->priority);
	if (route->source_cidr != NULL)
		json_object_set_string_member(body, "source_cidr", route->source_cidr);
	if (route->dest_cidr != NULL)
		json_object_set_string_member(body, "dest_cidr", route->dest_cidr);
	return body;
}

static void
arc_compose_body_set_nullable(JsonObject *body, const gchar *member, const gchar *value)
{
	if (value != NULL)
		json_object_set_string_member(body, member, value);
	else
		json_object_set_null_member(body, member);
}

static JsonObject *
arc_compose_service_body(ArcComposePlanner *self, ArcComposeService *service)
{
	JsonObject *body = json_object_new();

	json_object_set_string_member(body, "name", service->name);
	arc_compose_body_set_nullable(body, "source_peer_id",
				      g_hash_table_lookup(self->peer_ids, service->source_peer));
	arc_compose_body_set_nullable(body, "target_peer_id",
				      g_hash_table_lookup(self->peer_ids, service->target_peer));
	json_object_set_string_member(body, "transport_type", service->transport_type);
	json_object_set_boolean_member(body, "requires_interface", service->interface_enabled);
	if (service->interface_ipv4 != NULL)
		json_object_set_string_member(body, "desired_ipv4_cidr", service->interface_ipv4);
	if (service->interface_ipv6 != NULL)
		json_object_set_string_member(body, "desired_ipv6_cidr", service->interface_ipv6);
	json_object_set_boolean_member(body, "fully_transparent", service->fully_transparent);
	json_object_set_int_member(body, "bandwidth_limit_mbps", service->bandwidth_limit_mbps);
	if (service->routes->len > 0) {
		JsonArray *routes = json_array_new();

		for (guint i = 0; i < service->routes->len; i++)
			json_array_add_object_element(
				routes,
				arc_compose_route_body(g_ptr_array_index(service->routes, i)));
		json_object_set_array_member(body, "routes", routes);
	}
	return body;
}

static const gchar *
arc_compose_plan_peer_label(ArcComposePlanner *self, const gchar *id)
{
	const gchar *name = id != NULL ? g_hash_table_lookup(self->peer_names, id) : NULL;

	if (name != NULL)
		return name;
	return id != NULL ? id : "?";
}

static void
arc_compose_plan_compare_string(ArcComposeAction *action, const gchar *member, const gchar *have,
				const gchar *want, const gchar *have_label, const gchar *want_label)
{
	if (g_strcmp0(have, want) == 0)
		return;
	if (action->body == NULL)
		action->body = json_object_new();
	arc_compose_body_set_nullable(action->body, member, want);
	g_ptr_array_add(action->changes,
			g_strdup_printf("%s: %s -> %s", member,
					have_label != NULL ? have_label : (have ? have : "null"),
					want_label != NULL ? want_label : (want ? want : "null")));
}

static void
arc_compose_plan_compare_scalar(ArcComposeAction *action, const gchar *member, gint64 have,
				gint64 want, gboolean is_bool)
{
	if (have == want)
		return;
	if (action->body == NULL)
		action->body = json_object_new();
	if (is_bool) {
		json_object_set_boolean_member(action->body, member, want != 0);
		g_ptr_array_add(action->changes,
				g_strdup_printf("%s: %s -> %s", member, have ? "true" : "false",
						want ? "true" : "false"));
		return;
	}
	json_object_set_int_member(action->body, member, want);
	g_ptr_array_add(action->changes,
			g_strdup_printf("%s: %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT, member,
					have, want));
}

static void
arc_compose_plan_update_service(ArcComposePlanner *self, ArcComposeService *want, JsonObject *have,
				const gchar *id)
{
	g_autoptr(ArcComposeAction) action = g_new0(ArcComposeAction, 1);
	const gchar *source = g_hash_table_lookup(self->peer_ids, want->source_peer);
	const gchar *target = g_hash_table_lookup(self->peer_ids, want->target_peer);
	const gchar *have_source = arc_compose_json_string(have, "source_peer_id");
	const gchar *have_target = arc_compose_json_string(have, "target_peer_id");
	g_autofree gchar *have_ipv4 =
		arc_compose_json_cidr(have, "desired_ipv4_cidr", G_SOCKET_FAMILY_IPV4);
	g_autofree gchar *have_ipv6 =
		arc_compose_json_cidr(have, "desired_ipv6_cidr", G_SOCKET_FAMILY_IPV6);

	action->kind = ARC_COMPOSE_ACTION_UPDATE_SERVICE;
	action->changes = g_ptr_array_new_with_free_func(g_free);
	arc_compose_plan_compare_string(action, "source_peer_id", have_source, source,
					arc_compose_plan_peer_label(self, have_source),
					want->source_peer);
	arc_compose_plan_compare_string(action, "target_peer_id", have_target, target,
					arc_compose_plan_peer_label(self, have_target),
					want->target_peer);
	arc_compose_plan_compare_string(action, "transport_type",
					arc_compose_json_string(have, "transport_type"),
					want->transport_type, NULL, NULL);
	arc_compose_plan_compare_scalar(action, "requires_interface",
					arc_compose_json_bool(have, "requires_interface"),
					want->interface_enabled, TRUE);
	arc_compose_plan_compare_string(action, "desired_ipv4_cidr", have_ipv4,
					want->interface_ipv4, NULL, NULL);
	arc_compose_plan_compare_string(action, "desired_ipv6_cidr", have_ipv6,
					want->interface_ipv6, NULL, NULL);
	arc_compose_plan_compare_scalar(action, "fully_transparent",
					arc_compose_json_bool(have, "fully_transparent"),
					want->fully_transparent, TRUE);
	arc_compose_plan_compare_scalar(action, "bandwidth_limit_mbps",
					arc_compose_json_int(have, "bandwidth_limit_mbps"),
					want->bandwidth_limit_mbps, FALSE);
	if (action->changes->len == 0)
		return;
	action->service = g_strdup(want->name);
	action->service_id = g_strdup(id);
	action->summary = g_strdup_printf("update service %s", want->name);
	g_ptr_array_add(self->plan->actions, g_steal_pointer(&action));
}

static gchar *
arc_compose_route_label(const gchar *source, const gchar *dest)
{
	return g_strdup_printf("%s -> %s", source != NULL ? source : "any",
			       dest != NULL ? dest : "any");
}

static void
arc_compose_plan_routes(ArcComposePlanner *self, ArcComposeService *want, const gchar *id)
{
	JsonArray *routes = self->state->routes;
	g_autoptr(GPtrArray) have = g_ptr_array_new(); /* of JsonObject, this service's */

	for (guint i = 0; routes != NULL && i < json_array_get_length(routes); i++) {
		JsonObject *route = arc_compose_array_object(routes, i);
		if (g_strcmp0(arc_compose_json_string(route, "service_id"), id) == 0)
			g_ptr_array_add(have, route);
	}
	for (guint i = 0; i < want->routes->len; i++) {
		ArcComposeRoute *route = g_ptr_array_index(want->routes, i);
		g_autofree gchar *label =
			arc_compose_route_label(route->source_cidr, route->dest_cidr);
		ArcComposeAction *action;
		JsonObject *match = NULL;

		for (guint h = 0; h < have->len && match == NULL; h++) {
			JsonObject *candidate = g_ptr_array_index(have, h);
			g_autofree gchar *source =
				arc_compose_json_cidr(candidate, "source_cidr", 0);
			g_autofree gchar *dest = arc_compose_json_cidr(candidate, "dest_cidr", 0);

			if (g_strcmp0(source, route->source_cidr) == 0 &&
			    g_strcmp0(dest, route->dest_cidr) == 0) {
				match = candidate;
				g_ptr_array_remove_index(have, h);
			}
		}
		if (match == NULL) {
			action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_CREATE_ROUTE,
						      want->name, id);
			action->body = arc_compose_route_body(route);
			action->summary =
				g_strdup_printf("create route %s %s priority %" G_GINT64_FORMAT,
						want->name, label, route->priority);
			continue;
		}
		if (arc_compose_json_int(match, "priority") == route->priority)
			continue;
		action =
			arc_compose_plan_add(self, ARC_COMPOSE_ACTION_UPDATE_ROUTE, want->name, id);
		action->route_id = arc_compose_json_int(match, "id");
		action->body = json_object_new();
		json_object_set_int_member(action->body, "priority", route->priority);
		action->summary = g_strdup_printf("update route %s %s (id %" G_GINT64_FORMAT ")",
						  want->name, label, action->route_id);
		g_ptr_array_add(
			action->changes,
			g_strdup_printf("priority: %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT,
					arc_compose_json_int(match, "priority"), route->priority));
	}
	for (guint h = 0; h < have->len; h++) {
		JsonObject *extra = g_ptr_array_index(have, h);
		g_autofree gchar *label =
			arc_compose_route_label(arc_compose_json_string(extra, "source_cidr"),
						arc_compose_json_string(extra, "dest_cidr"));
		ArcComposeAction *action =
			arc_compose_plan_add(self, ARC_COMPOSE_ACTION_DELETE_ROUTE, want->name, id);

		action->route_id = arc_compose_json_int(extra, "id");
		action->kept = !self->state->prune;
		action->summary = g_strdup_printf("delete route %s %s (id %" G_GINT64_FORMAT ")",
						  want->name, label, action->route_id);
	}
}

static gboolean
arc_compose_plan_skip(ArcComposePlanner *self, ArcComposeService *service)
{
	const gchar *peer = NULL;
	ArcComposeAction *action;

	if (g_hash_table_contains(self->skipped, service->source_peer))
		peer = service->source_peer;
	else if (g_hash_table_contains(self->skipped, service->target_peer))
		peer = service->target_peer;
	if (peer == NULL)
		return FALSE;
	action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_SKIP, service->name, NULL);
	action->peer = g_strdup(peer);
	action->summary =
		g_strdup_printf("skip service %s: peer %s is unreachable", service->name, peer);
	return TRUE;
}

static void
arc_compose_plan_service(ArcComposePlanner *self, ArcComposeService *want)
{
	JsonObject *have;
	const gchar *id;
	ArcComposeAction *action;

	have = arc_compose_plan_find_service(self, want->name);
	/* a skipped service is still the file's: never a deletion */
	if (have != NULL)
		g_hash_table_add(self->matched, g_strdup(arc_compose_json_string(have, "id")));
	if (arc_compose_plan_skip(self, want))
		return;
	if (have == NULL) {
		action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_CREATE_SERVICE, want->name,
					      NULL);
		action->body = arc_compose_service_body(self, want);
		action->summary =
			g_strdup_printf("create service %s (%s -> %s, %s, %u route%s)", want->name,
					want->source_peer, want->target_peer, want->transport_type,
					want->routes->len, want->routes->len == 1 ? "" : "s");
		return;
	}
	id = arc_compose_json_string(have, "id");
	arc_compose_plan_update_service(self, want, have, id);
	arc_compose_plan_routes(self, want, id);
}

static void
arc_compose_plan_extra_services(ArcComposePlanner *self)
{
	JsonArray *services = self->state->services;

	for (guint i = 0; services != NULL && i < json_array_get_length(services); i++) {
		JsonObject *service = arc_compose_array_object(services, i);
		const gchar *id = arc_compose_json_string(service, "id");
		const gchar *name = arc_compose_json_string(service, "name");
		ArcComposeAction *action;

		if (id == NULL || g_hash_table_contains(self->matched, id))
			continue;
		action = arc_compose_plan_add(self, ARC_COMPOSE_ACTION_DELETE_SERVICE,
					      name != NULL ? name : id, id);
		action->kept = !self->state->prune;
		action->summary =
			g_strdup_printf("delete service %s (%s)", name != NULL ? name : id, id);
	}
}

/**
 * arc_compose_plan_new:
 * @file: the desired state, validated
 * @state: the cluster as it is
 *
 * Returns: (transfer full): the steps, peers first (bootstrap, join), then services and
 *   their routes in file order, then what the file does not name
 */
ArcComposePlan *
arc_compose_plan_new(ArcComposeFile *file, const ArcComposeState *state)
{
	ArcComposePlan *plan = g_new0(ArcComposePlan, 1);
	ArcComposePlanner self = {
		.file = file,
		.state = state,
		.plan = plan,
		.peer_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.skipped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.matched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.peer_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
	};

	plan->actions = g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_action_free);
	arc_compose_plan_peers(&self);
	for (guint i = 0; i < file->services->len; i++)
		arc_compose_plan_service(&self, g_ptr_array_index(file->services, i));
	arc_compose_plan_extra_services(&self);
	g_hash_table_unref(self.peer_ids);
	g_hash_table_unref(self.skipped);
	g_hash_table_unref(self.matched);
	g_hash_table_unref(self.peer_names);
	return plan;
}

/**
 * arc_compose_plan_count_changes:
 * @self: a plan
 *
 * Returns: how many steps change the cluster (kept deletions and skips do not)
 */
guint
arc_compose_plan_count_changes(ArcComposePlan *self)
{
	guint count = 0;

	for (guint i = 0; i < self->actions->len; i++) {
		ArcComposeAction *action = g_ptr_array_index(self->actions, i);
		if (!action->kept && action->kind != ARC_COMPOSE_ACTION_SKIP)
			count++;
	}
	return count;
}

gboolean
arc_compose_plan_has_kind(ArcComposePlan *self, ArcComposeActionKind kind)
{
	for (guint i = 0; i < self->actions->len; i++) {
		ArcComposeAction *action = g_ptr_array_index(self->actions, i);
		if (action->kind == kind && !action->kept)
			return TRUE;
	}
	return FALSE;
}

const gchar *
arc_compose_action_kind_to_string(ArcComposeActionKind kind)
{
	const gchar *names[] = {"bootstrap",      "join",           "create_service",
				"update_service", "delete_service", "create_route",
				"update_route",   "delete_route",   "skip"};

	return (guint)kind < G_N_ELEMENTS(names) ? names[kind] : "unknown";
}

static gchar
arc_compose_action_sign(ArcComposeAction *action)
{
	switch (action->kind) {
	case ARC_COMPOSE_ACTION_UPDATE_SERVICE:
	case ARC_COMPOSE_ACTION_UPDATE_ROUTE:
		return '~';
	case ARC_COMPOSE_ACTION_DELETE_SERVICE:
	case ARC_COMPOSE_ACTION_DELETE_ROUTE:
		return '-';
	case ARC_COMPOSE_ACTION_SKIP:
		return '!';
	default:
		return '+';
	}
}

/**
 * arc_compose_plan_to_text:
 * @self: a plan
 *
 * One line per step, `+` adds, `~` changes, `-` deletes, `!` skips; changed members
 * indented below; a deletion without --prune marked as kept. Ends with a count line.
 *
 * Returns: (transfer full): the text
 */
gchar *
arc_compose_plan_to_text(ArcComposePlan *self)
{
	GString *out = g_string_new(NULL);
	guint counts[ARC_COMPOSE_ACTION_SKIP + 1] = {0};
	guint kept = 0;

	for (guint i = 0; i < self->actions->len; i++) {
		ArcComposeAction *action = g_ptr_array_index(self->actions, i);

		g_string_append_printf(out, "%c %s", arc_compose_action_sign(action),
				       action->summary);
		if (action->kept)
			/* TRANSLATORS: after a deletion that is not carried out */
			g_string_append_printf(out, " %s",
					       _("(kept: not in the file; --prune deletes it)"));
		g_string_append_c(out, '\n');
		for (guint c = 0; c < action->changes->len; c++)
			g_string_append_printf(
				out, "    %s\n",
				(const gchar *)g_ptr_array_index(action->changes, c));
		if (action->kept)
			kept++;
		else
			counts[action->kind]++;
	}
	if (arc_compose_plan_count_changes(self) == 0) {
		g_string_append(out, _("No changes: the cluster matches the file.\n"));
		return g_string_free(out, FALSE);
	}
	g_string_append_printf(
		out,
		/* TRANSLATORS: the plan's totals */
		_("Plan: %u to bootstrap, %u to join, %u to create, %u to update, %u to delete.\n"),
		counts[ARC_COMPOSE_ACTION_BOOTSTRAP], counts[ARC_COMPOSE_ACTION_JOIN],
		counts[ARC_COMPOSE_ACTION_CREATE_SERVICE] + counts[ARC_COMPOSE_ACTION_CREATE_ROUTE],
		counts[ARC_COMPOSE_ACTION_UPDATE_SERVICE] + counts[ARC_COMPOSE_ACTION_UPDATE_ROUTE],
		counts[ARC_COMPOSE_ACTION_DELETE_SERVICE] +
			counts[ARC_COMPOSE_ACTION_DELETE_ROUTE]);
	return g_string_free(out, FALSE);
}

static void
arc_compose_action_to_json(ArcComposeAction *action, JsonBuilder *builder)
{
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "action");
	json_builder_add_string_value(builder, arc_compose_action_kind_to_string(action->kind));
	json_builder_set_member_name(builder, "kept");
	json_builder_add_boolean_value(builder, action->kept);
	json_builder_set_member_name(builder, "summary");
	json_builder_add_string_value(builder, action->summary);
	if (action->peer != NULL) {
		json_builder_set_member_name(builder, "peer");
		json_builder_add_string_value(builder, action->peer);
	}
	if (action->service != NULL) {
		json_builder_set_member_name(builder, "service");
		json_builder_add_string_value(builder, action->service);
	}
	if (action->service_id != NULL) {
		json_builder_set_member_name(builder, "service_id");
		json_builder_add_string_value(builder, action->service_id);
	}
	if (action->route_id != 0) {
		json_builder_set_member_name(builder, "route_id");
		json_builder_add_int_value(builder, action->route_id);
	}
	json_builder_set_member_name(builder, "changes");
	json_builder_begin_array(builder);
	for (guint c = 0; c < action->changes->len; c++)
		json_builder_add_string_value(builder, g_ptr_array_index(action->changes, c));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

/**
 * arc_compose_plan_to_json:
 * @self: a plan
 *
 * Returns: (transfer full): `{"changes": n, "actions": [{action, kept, summary, …}]}`
 */
JsonNode *
arc_compose_plan_to_json(ArcComposePlan *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "changes");
	json_builder_add_int_value(builder, arc_compose_plan_count_changes(self));
	json_builder_set_member_name(builder, "actions");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->actions->len; i++)
		arc_compose_action_to_json(g_ptr_array_index(self->actions, i), builder);
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/* ---- export ---- */

/* A peer's name in the file: its cluster name when usable and unique, else its id */
static GHashTable *
arc_compose_export_peer_names(JsonArray *peers)
{
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) counts = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < json_array_get_length(peers); i++) {
		const gchar *name =
			arc_compose_json_string(arc_compose_array_object(peers, i), "name");
		if (name != NULL)
			g_hash_table_insert(
				counts, (gpointer)name,
				GUINT_TO_POINTER(
					GPOINTER_TO_UINT(g_hash_table_lookup(counts, name)) + 1));
	}
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = arc_compose_array_object(peers, i);
		const gchar *id = arc_compose_json_string(peer, "id");
		const gchar *name = arc_compose_json_string(peer, "name");

		if (id == NULL)
			continue;
		if (name == NULL || !arc_compose_check_name(name, NULL) ||
		    GPOINTER_TO_UINT(g_hash_table_lookup(counts, name)) != 1)
			name = id;
		g_hash_table_insert(names, g_strdup(id), g_strdup(name));
	}
	return names;
}

static ArcComposeService *
arc_compose_export_service(JsonObject *object, GHashTable *names, JsonArray *routes)
{
	const gchar *id = arc_compose_json_string(object, "id");
	const gchar *name = arc_compose_json_string(object, "name");
	g_autoptr(ArcComposeService) service = arc_compose_service_new(name != NULL ? name : id);

	service->source_peer = g_strdup(
		g_hash_table_lookup(names, arc_compose_json_string(object, "source_peer_id")));
	service->target_peer = g_strdup(
		g_hash_table_lookup(names, arc_compose_json_string(object, "target_peer_id")));
	if (service->source_peer == NULL || service->target_peer == NULL)
		return NULL;
	g_free(service->transport_type);
	service->transport_type = g_strdup(arc_compose_json_string(object, "transport_type"));
	service->interface_enabled = arc_compose_json_bool(object, "requires_interface");
	service->interface_ipv4 =
		arc_compose_json_cidr(object, "desired_ipv4_cidr", G_SOCKET_FAMILY_IPV4);
	service->interface_ipv6 =
		arc_compose_json_cidr(object, "desired_ipv6_cidr", G_SOCKET_FAMILY_IPV6);
	service->fully_transparent = arc_compose_json_bool(object, "fully_transparent");
	service->bandwidth_limit_mbps = arc_compose_json_int(object, "bandwidth_limit_mbps");
	for (guint i = 0; routes != NULL && i < json_array_get_length(routes); i++) {
		JsonObject *route = arc_compose_array_object(routes, i);
		g_autofree gchar *source = NULL;
		g_autofree gchar *dest = NULL;

		if (g_strcmp0(arc_compose_json_string(route, "service_id"), id) != 0)
			continue;
		source = arc_compose_json_cidr(route, "source_cidr", 0);
		dest = arc_compose_json_cidr(route, "dest_cidr", 0);
		g_ptr_array_add(service->routes,
				arc_compose_route_new(arc_compose_json_int(route, "priority"),
						      source, dest));
	}
	return g_steal_pointer(&service);
}

/**
 * arc_compose_file_from_cluster:
 * @filename: the name of the file it will be written to
 * @peers: GET /v1/peers
 * @services: GET /v1/services
 * @routes: GET /v1/routes
 * @warnings: (element-type utf8): receives what could not be exported
 *
 * What `export` writes: every peer with its address, every service with its routes. A
 * service without a name is named by its id, which `apply` matches back to it.
 *
 * Returns: (transfer full): the file
 */
ArcComposeFile *
arc_compose_file_from_cluster(const gchar *filename, JsonArray *peers, JsonArray *services,
			      JsonArray *routes, GPtrArray *warnings)
{
	g_autoptr(ArcComposeFile) file = arc_compose_file_new(filename);
	g_autoptr(GHashTable) names = arc_compose_export_peer_names(peers);

	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = arc_compose_array_object(peers, i);
		const gchar *id = arc_compose_json_string(peer, "id");
		const gchar *address = arc_compose_json_string(peer, "address");

		if (id == NULL)
			continue;
		if (address == NULL || address[0] == '\0') {
			g_ptr_array_add(warnings,
					g_strdup_printf(_("peer %s has no address: left out"), id));
			g_hash_table_remove(names, id);
			continue;
		}
		g_ptr_array_add(file->peers,
				arc_compose_peer_new(g_hash_table_lookup(names, id), address));
	}
	for (guint i = 0; services != NULL && i < json_array_get_length(services); i++) {
		JsonObject *object = arc_compose_array_object(services, i);
		ArcComposeService *service = arc_compose_export_service(object, names, routes);

		if (service == NULL) {
			g_ptr_array_add(warnings,
					g_strdup_printf(_("service %s names a peer that is not in "
							  "the cluster: left out"),
							arc_compose_json_string(object, "id")));
			continue;
		}
		g_ptr_array_add(file->services, service);
	}
	return g_steal_pointer(&file);
}
