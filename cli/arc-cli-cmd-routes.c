/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-fields.h"
#include "arc-cli-json.h"
#include "arc-cli-services.h"
#include "arc-cli-yaml.h"

/*
 * `arctic routes list | add | update | delete | explain` (spec §5.7, docs/services.md).
 * The service and the route are given as arguments (`routes delete SERVICE-ID ROUTE-ID`) or,
 * as spec §5.7 writes them, with --service and --route. `list` without a service lists the
 * routes of every service; `explain` asks the agent which service carries a packet and why,
 * as docs/routing.md evaluates it.
 */

#define ARC_CLI_ROUTES_LIST_USAGE "routes list [SERVICE-ID]"
#define ARC_CLI_ROUTES_ADD_USAGE                                                                   \
	"routes add SERVICE-ID --priority N [--source-cidr CIDR] [--dest-cidr CIDR] | "            \
	"routes add SERVICE-ID --from-file FILE"
#define ARC_CLI_ROUTES_UPDATE_USAGE                                                                \
	"routes update SERVICE-ID ROUTE-ID [--priority N] [--source-cidr CIDR] [--dest-cidr CIDR]"
#define ARC_CLI_ROUTES_DELETE_USAGE "routes delete SERVICE-ID ROUTE-ID [--yes]"
#define ARC_CLI_ROUTES_EXPLAIN_USAGE                                                               \
	"routes explain --src IP --dst IP [--interface NAME] [--peer PEER] [--all]"

/* the API's range of a route's priority */
#define ARC_CLI_ROUTES_PRIORITY_MIN G_MININT32
#define ARC_CLI_ROUTES_PRIORITY_MAX G_MAXINT32

/* what the agent calls the route of a request from options, for errors about it */
static const gchar *const arc_cli_routes_single_prefixes[] = {"routes[0].source_cidr: ",
							      "routes[0].dest_cidr: ",
							      "route.source_cidr: ",
							      "route.dest_cidr: ",
							      "routes[0].",
							      "routes[0]: ",
							      "route.",
							      NULL};

typedef struct {
	gchar *service;
	gchar *route;
	gchar *priority;
	gchar *source;
	gchar *dest;
	gchar *from_file;
} ArcCliRouteOptions;

static void
arc_cli_route_options_clear(ArcCliRouteOptions *o)
{
	g_free(o->service);
	g_free(o->route);
	g_free(o->priority);
	g_free(o->source);
	g_free(o->dest);
	g_free(o->from_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcCliRouteOptions, arc_cli_route_options_clear)

static gboolean
arc_cli_routes_require(const gchar *value, const gchar *flag, GError **error)
{
	if (value != NULL)
		return TRUE;
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
		    /* TRANSLATORS: %s is an option such as --service */
		    _("%s is required"), flag);
	return FALSE;
}

/* @positional, or what the option said when it says the same or there is no positional */
static gboolean
arc_cli_routes_take(gchar **slot, const gchar *positional, const gchar *flag, GError **error)
{
	if (positional == NULL)
		return TRUE;
	if (*slot != NULL && g_strcmp0(*slot, positional) != 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: %s are an argument and an option such as --service */
			    _("\"%s\" and %s name different things: give one of them"), positional,
			    flag);
		return FALSE;
	}
	g_free(*slot);
	*slot = g_strdup(positional);
	return TRUE;
}

/*
 * The positional arguments after parsing: up to @max of SERVICE-ID and ROUTE-ID, which may
 * be given as --service and --route instead.
 */
static gboolean
arc_cli_routes_positionals(gchar **argv, guint max, ArcCliRouteOptions *o, const gchar *usage,
			   GError **error)
{
	guint count;

	if (!arc_cli_command_check_args(argv, 0, max, usage, error))
		return FALSE;
	count = g_strv_length(argv) - 1;
	if (count >= 1 && !arc_cli_routes_take(&o->service, argv[1], "--service", error))
		return FALSE;
	if (count >= 2 && !arc_cli_routes_take(&o->route, argv[2], "--route", error))
		return FALSE;
	return TRUE;
}

/* `/v1/services/ID/routes/N`, N as the API spells it */
static gchar *
arc_cli_routes_path(const gchar *service, const gchar *route, GError **error)
{
	g_autofree gchar *suffix = NULL;
	gint64 id = 0;

	if (!arc_cli_services_parse_int("ROUTE-ID", route, 1, G_MAXINT64, &id, error))
		return NULL;
	suffix = g_strdup_printf("/routes/%" G_GINT64_FORMAT, id);
	return arc_cli_services_path(service, suffix);
}

static gboolean
arc_cli_routes_print_list(ArcCliContext *ctx, JsonNode *response, const gchar *service,
			  GError **error)
{
	g_autofree gchar *table = NULL;

	if (arc_cli_json_expect_array(response, error) == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	if (json_array_get_length(json_node_get_array(response)) == 0) {
		if (service != NULL)
			/* TRANSLATORS: %s is a service id */
			arc_cli_output_note(_("Service %s has no routes."), service);
		else
			arc_cli_output_note(_("No routes found."));
		return TRUE;
	}
	table = arc_cli_services_routes_table(json_node_get_array(response), service == NULL, "");
	g_print("%s", table);
	return TRUE;
}

static gboolean
arc_cli_routes_list_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliRouteOptions) o = {NULL};
	const GOptionEntry entries[] = {
		{"service", 0, 0, G_OPTION_ARG_STRING, &o.service,
		 N_("The service, as the argument SERVICE-ID"), N_("SERVICE-ID")},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_ROUTES_LIST_USAGE,
				   N_("List the routes of a service, or of every service"), entries,
				   error))
		return FALSE;
	if (!arc_cli_routes_positionals(argv, 1, &o, "arctic " ARC_CLI_ROUTES_LIST_USAGE, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = o.service != NULL ? arc_cli_services_path(o.service, "/routes")
				 : g_strdup("/v1/routes");
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	arc_cli_services_map_not_found(error, TRUE);
	if (response == NULL)
		return FALSE;
	return arc_cli_routes_print_list(ctx, response, o.service, error);
}

/* `{"routes": [{priority, source_cidr, dest_cidr}]}` of one route given by options */
static JsonNode *
arc_cli_routes_add_body(const gchar *priority, const gchar *source, const gchar *dest,
			GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	gint64 value = 0;

	if (!arc_cli_routes_require(priority, "--priority", error))
		return NULL;
	if (!arc_cli_services_parse_int("--priority", priority, ARC_CLI_ROUTES_PRIORITY_MIN,
					ARC_CLI_ROUTES_PRIORITY_MAX, &value, error))
		return NULL;
	if (source == NULL && dest == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--source-cidr or --dest-cidr is required (or both)"));
		return NULL;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "routes");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "priority");
	json_builder_add_int_value(b, value);
	if (source != NULL) {
		json_builder_set_member_name(b, "source_cidr");
		json_builder_add_string_value(b, source);
	}
	if (dest != NULL) {
		json_builder_set_member_name(b, "dest_cidr");
		json_builder_add_string_value(b, dest);
	}
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* The priority of the only route of @body, for the line that confirms it; %NULL if unknown */
static gchar *
arc_cli_routes_first_priority(JsonNode *body)
{
	JsonNode *routes = json_object_get_member(json_node_get_object(body), "routes");
	JsonNode *first;

	if (routes == NULL || !JSON_NODE_HOLDS_ARRAY(routes) ||
	    json_array_get_length(json_node_get_array(routes)) != 1)
		return NULL;
	first = json_array_get_element(json_node_get_array(routes), 0);
	if (!JSON_NODE_HOLDS_OBJECT(first))
		return NULL;
	return arc_cli_json_to_text(
		json_object_get_member(json_node_get_object(first), "priority"));
}

/*
 * `Route IDs: 6` / `Count: 1` / `Route added successfully: ID=6, Priority=100` (spec §5.7);
 * a batch ends with how many were added instead.
 */
static gboolean
arc_cli_routes_print_added(JsonNode *response, JsonNode *body, GError **error)
{
	JsonObject *result = arc_cli_json_expect_object(response, error);
	JsonNode *ids;
	g_autofree gchar *ids_text = NULL;
	g_autofree gchar *count_text = NULL;
	g_autofree gchar *priority = NULL;
	guint count;

	if (result == NULL)
		return FALSE;
	ids = json_object_get_member(result, "route_ids");
	if (arc_cli_json_expect_array(ids, error) == NULL)
		return FALSE;
	count = json_array_get_length(json_node_get_array(ids));
	ids_text = arc_cli_json_to_text(ids);
	count_text = arc_cli_json_to_text(json_object_get_member(result, "count"));
	/* TRANSLATORS: %s are the ids of the new routes, e.g. "6, 7" */
	g_print(_("Route IDs: %s\n"), ids_text != NULL ? ids_text : "-");
	/* TRANSLATORS: %s is how many routes were added */
	g_print(_("Count: %s\n"), count_text != NULL ? count_text : "-");
	priority = arc_cli_routes_first_priority(body);
	if (count == 1 && priority != NULL)
		/* TRANSLATORS: the first %s is a route id, the second its priority */
		g_print(_("Route added successfully: ID=%s, Priority=%s\n"), ids_text, priority);
	else
		g_print(ngettext("%u route added successfully\n", "%u routes added successfully\n",
				 count),
			count);
	return TRUE;
}

static JsonNode *
arc_cli_routes_add_request_body(ArcCliRouteOptions *o, GError **error)
{
	g_autoptr(JsonObject) body = NULL;
	JsonNode *routes;
	JsonNode *root;

	if (o->from_file == NULL)
		return arc_cli_routes_add_body(o->priority, o->source, o->dest, error);
	if (o->priority != NULL || o->source != NULL || o->dest != NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--from-file cannot be combined with --priority, "
				      "--source-cidr or --dest-cidr"));
		return NULL;
	}
	body = json_object_new();
	routes = arc_cli_services_read_routes_file(o->from_file, error);
	if (routes == NULL)
		return NULL;
	json_object_set_member(body, "routes", routes);
	root = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(root, body);
	return root;
}

static gboolean
arc_cli_routes_add_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliRouteOptions) o = {NULL};
	const GOptionEntry entries[] = {
		{"service", 0, 0, G_OPTION_ARG_STRING, &o.service,
		 N_("The service, as the argument SERVICE-ID"), N_("SERVICE-ID")},
		{"priority", 0, 0, G_OPTION_ARG_STRING, &o.priority,
		 N_("The route's priority; higher is preferred"), N_("N")},
		{"source-cidr", 0, 0, G_OPTION_ARG_STRING, &o.source,
		 N_("The sources it matches, e.g. 10.0.0.0/8"), N_("CIDR")},
		{"dest-cidr", 0, 0, G_OPTION_ARG_STRING, &o.dest,
		 N_("The destinations it matches, e.g. 192.168.100.0/24"), N_("CIDR")},
		{"from-file", 0, 0, G_OPTION_ARG_FILENAME, &o.from_file,
		 N_("Add the routes of a file at once: a JSON array of {priority, source_cidr, "
		    "dest_cidr} or {\"routes\": [...]}; YAML if named *.yaml"),
		 N_("FILE")},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_ROUTES_ADD_USAGE, N_("Add routes to a service"),
				   entries, error))
		return FALSE;
	if (!arc_cli_routes_positionals(argv, 1, &o, "arctic " ARC_CLI_ROUTES_ADD_USAGE, error))
		return FALSE;
	if (!arc_cli_routes_require(o.service, "--service", error))
		return FALSE;
	body = arc_cli_routes_add_request_body(&o, error);
	if (body == NULL)
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_services_path(o.service, "/routes");
	response = arc_cli_client_call(client, "POST", path, body, error);
	arc_cli_services_map_not_found(error, TRUE);
	if (o.from_file == NULL)
		arc_cli_services_strip_error_prefix(error, arc_cli_routes_single_prefixes);
	if (response == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	return arc_cli_routes_print_added(response, body, error);
}

/* The members given; "" for a CIDR clears it (the API's null) */
static JsonNode *
arc_cli_routes_update_body(ArcCliRouteOptions *o, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	const gchar *cidrs[][2] = {{"source_cidr", o->source}, {"dest_cidr", o->dest}};
	gint64 priority = 0;

	if (o->priority == NULL && o->source == NULL && o->dest == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("nothing to update: give --priority, --source-cidr or "
				      "--dest-cidr"));
		return NULL;
	}
	if (o->priority != NULL &&
	    !arc_cli_services_parse_int("--priority", o->priority, ARC_CLI_ROUTES_PRIORITY_MIN,
					ARC_CLI_ROUTES_PRIORITY_MAX, &priority, error))
		return NULL;
	json_builder_begin_object(b);
	if (o->priority != NULL) {
		json_builder_set_member_name(b, "priority");
		json_builder_add_int_value(b, priority);
	}
	for (guint i = 0; i < G_N_ELEMENTS(cidrs); i++) {
		if (cidrs[i][1] == NULL)
			continue;
		json_builder_set_member_name(b, cidrs[i][0]);
		if (cidrs[i][1][0] == '\0')
			json_builder_add_null_value(b);
		else
			json_builder_add_string_value(b, cidrs[i][1]);
	}
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static void
arc_cli_routes_print_route(JsonObject *route)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	g_autofree gchar *id = arc_cli_json_to_text(json_object_get_member(route, "id"));
	g_autofree gchar *priority =
		arc_cli_json_to_text(json_object_get_member(route, "priority"));

	arc_cli_fields_add(fields, _("ID:"), id);
	arc_cli_fields_add_member(fields, _("Service ID:"), route, "service_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add(fields, _("Priority:"), priority);
	arc_cli_fields_add_member(fields, _("Source CIDR:"), route, "source_cidr",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Dest CIDR:"), route, "dest_cidr", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created At:"), route, "created_at",
				  ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	g_print("\n");
	/* TRANSLATORS: the first %s is a route id, the second its priority */
	g_print(_("Route updated successfully: ID=%s, Priority=%s\n"), id != NULL ? id : "-",
		priority != NULL ? priority : "-");
}

static gboolean
arc_cli_routes_update_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliRouteOptions) o = {NULL};
	const GOptionEntry entries[] = {
		{"service", 0, 0, G_OPTION_ARG_STRING, &o.service,
		 N_("The service, as the argument SERVICE-ID"), N_("SERVICE-ID")},
		{"route", 0, 0, G_OPTION_ARG_STRING, &o.route,
		 N_("The route, as the argument ROUTE-ID"), N_("ROUTE-ID")},
		{"priority", 0, 0, G_OPTION_ARG_STRING, &o.priority,
		 N_("The new priority; higher is preferred"), N_("N")},
		{"source-cidr", 0, 0, G_OPTION_ARG_STRING, &o.source,
		 N_("The new sources (\"\" for any)"), N_("CIDR")},
		{"dest-cidr", 0, 0, G_OPTION_ARG_STRING, &o.dest,
		 N_("The new destinations (\"\" for any)"), N_("CIDR")},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;
	JsonObject *route;

	if (!arc_cli_command_parse(&argv, ARC_CLI_ROUTES_UPDATE_USAGE, N_("Change a route"),
				   entries, error))
		return FALSE;
	if (!arc_cli_routes_positionals(argv, 2, &o, "arctic " ARC_CLI_ROUTES_UPDATE_USAGE, error))
		return FALSE;
	if (!arc_cli_routes_require(o.service, "--service", error) ||
	    !arc_cli_routes_require(o.route, "--route", error))
		return FALSE;
	path = arc_cli_routes_path(o.service, o.route, error);
	if (path == NULL)
		return FALSE;
	body = arc_cli_routes_update_body(&o, error);
	if (body == NULL)
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "PUT", path, body, error);
	arc_cli_services_map_not_found(error, FALSE);
	arc_cli_services_strip_error_prefix(error, arc_cli_routes_single_prefixes);
	if (response == NULL)
		return FALSE;
	route = arc_cli_json_expect_object(response, error);
	if (route == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_routes_print_route(route);
	return TRUE;
}

static gboolean
arc_cli_routes_delete_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliRouteOptions) o = {NULL};
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{"service", 0, 0, G_OPTION_ARG_STRING, &o.service,
		 N_("The service, as the argument SERVICE-ID"), N_("SERVICE-ID")},
		{"route", 0, 0, G_OPTION_ARG_STRING, &o.route,
		 N_("The route, as the argument ROUTE-ID"), N_("ROUTE-ID")},
		{"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *question = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_ROUTES_DELETE_USAGE,
				   N_("Delete a route of a service"), entries, error))
		return FALSE;
	if (!arc_cli_routes_positionals(argv, 2, &o, "arctic " ARC_CLI_ROUTES_DELETE_USAGE, error))
		return FALSE;
	if (!arc_cli_routes_require(o.service, "--service", error) ||
	    !arc_cli_routes_require(o.route, "--route", error))
		return FALSE;
	path = arc_cli_routes_path(o.service, o.route, error);
	if (path == NULL)
		return FALSE;
	/* TRANSLATORS: the first %s is a route id, the second a service id */
	question = g_strdup_printf(_("Delete route %s of service %s?"), o.route, o.service);
	if (!yes && !arc_cli_command_confirm(question, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "DELETE", path, NULL, error);
	arc_cli_services_map_not_found(error, FALSE);
	if (response == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	/* TRANSLATORS: the first %s is a route id, the second a service id */
	g_print(_("Route %s deleted from service %s\n"), o.route, o.service);
	return TRUE;
}

/* The API's route categories, as people say them */
static const gchar *
arc_cli_routes_category_text(const gchar *category)
{
	const struct {
		const gchar *api;
		const gchar *text;
	} table[] = {
		/* TRANSLATORS: route categories in `arctic routes explain`, most specific first */
		{"interface", N_("interface")},
		{"source_destination", N_("source and destination")},
		{"source", N_("source only")},
		{"destination", N_("destination only")},
		{"none", N_("none")},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		if (g_strcmp0(category, table[i].api) == 0)
			return _(table[i].text);
	}
	return category != NULL ? category : "-";
}

/* `web (svc_01…)`, or the id alone */
static gchar *
arc_cli_routes_service_text(JsonObject *service, const gchar *fallback_id)
{
	const gchar *id = arc_cli_json_get_string(service, "id");
	const gchar *name = arc_cli_json_get_string(service, "name");

	if (id == NULL)
		id = fallback_id != NULL ? fallback_id : "-";
	if (name == NULL || name[0] == '\0')
		return g_strdup(id);
	return g_strdup_printf("%s (%s)", name, id);
}

static JsonObject *
arc_cli_routes_member_object(JsonObject *object, const gchar *member)
{
	JsonNode *node = object != NULL ? json_object_get_member(object, member) : NULL;

	return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* `peer_… (agent-a)` of a service's source or target */
static gchar *
arc_cli_routes_peer_text(JsonObject *service, const gchar *role)
{
	g_autofree gchar *id_member = g_strconcat(role, "_peer_id", NULL);
	const gchar *id = arc_cli_services_text(service, id_member);
	const gchar *name = arc_cli_services_peer_name(service, role);

	if (g_strcmp0(name, id) == 0)
		return g_strdup(id);
	return g_strdup_printf("%s (%s)", name, id);
}

/* The packet, the service that carries it, by which route, and why */
static void
arc_cli_routes_explain_winner(JsonObject *lookup)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonObject *service = arc_cli_routes_member_object(lookup, "service");
	JsonObject *route = arc_cli_routes_member_object(lookup, "route");
	g_autofree gchar *packet = g_strdup_printf("%s -> %s", arc_cli_services_text(lookup, "src"),
						   arc_cli_services_text(lookup, "dst"));
	g_autofree gchar *service_text = NULL;
	g_autofree gchar *source = NULL;
	g_autofree gchar *target = NULL;

	arc_cli_fields_add(fields, _("Packet:"), packet);
	arc_cli_fields_add_member(fields, _("Interface:"), lookup, "interface", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Entry Peer:"), lookup, "peer_id", ARC_CLI_FIELD_TEXT);
	if (service != NULL) {
		service_text = arc_cli_routes_service_text(
			service, arc_cli_json_get_string(lookup, "service_id"));
		source = arc_cli_routes_peer_text(service, "source");
		target = arc_cli_routes_peer_text(service, "target");
	}
	/* TRANSLATORS: value of "Service:" when no service carries the packet */
	arc_cli_fields_add(fields, _("Service:"), service != NULL ? service_text : _("none"));
	if (service != NULL) {
		arc_cli_fields_add(fields, _("Source Peer:"), source);
		arc_cli_fields_add(fields, _("Target Peer:"), target);
		arc_cli_fields_add_member(fields, _("Transport:"), service, "transport_type",
					  ARC_CLI_FIELD_TEXT);
	}
	if (route != NULL) {
		arc_cli_fields_add_member(fields, _("Route ID:"), route, "id", ARC_CLI_FIELD_TEXT);
		arc_cli_fields_add_member(fields, _("Priority:"), route, "priority",
					  ARC_CLI_FIELD_TEXT);
		arc_cli_fields_add_member(fields, _("Source CIDR:"), route, "source_cidr",
					  ARC_CLI_FIELD_TEXT);
		arc_cli_fields_add_member(fields, _("Dest CIDR:"), route, "dest_cidr",
					  ARC_CLI_FIELD_TEXT);
	}
	arc_cli_fields_add(
		fields, _("Category:"),
		arc_cli_routes_category_text(arc_cli_json_get_string(lookup, "category")));
	arc_cli_fields_add_member(fields, _("Reason:"), lookup, "reason", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

/* One row of the losers' table: route, service, priority, CIDRs, why it lost */
static void
arc_cli_routes_candidate_cells(GPtrArray *cells, JsonObject *candidate)
{
	JsonObject *route = arc_cli_routes_member_object(candidate, "route");
	const gchar *service = arc_cli_json_get_string(candidate, "service_id");
	gchar *id = NULL;
	gchar *priority = NULL;

	if (route != NULL) {
		id = arc_cli_json_to_text(json_object_get_member(route, "id"));
		priority = arc_cli_json_to_text(json_object_get_member(route, "priority"));
		if (service == NULL)
			service = arc_cli_json_get_string(route, "service_id");
	}
	g_ptr_array_add(cells, id != NULL ? id : g_strdup("-"));
	g_ptr_array_add(cells, g_strdup(service != NULL ? service : "-"));
	g_ptr_array_add(cells, priority != NULL ? priority : g_strdup("-"));
	g_ptr_array_add(cells, g_strdup(arc_cli_services_text(route, "source_cidr")));
	g_ptr_array_add(cells, g_strdup(arc_cli_services_text(route, "dest_cidr")));
	/* TRANSLATORS: a losing route the agent did not say why of */
	g_ptr_array_add(cells, g_strdup(arc_cli_json_get_string(candidate, "reason") != NULL
						? arc_cli_json_get_string(candidate, "reason")
						: _("no reason given")));
}

static void
arc_cli_routes_print_explain(JsonObject *lookup)
{
	/* TRANSLATORS: column headings of the routes `arctic routes explain` did not choose */
	const gchar *headings[] = {_("ROUTE"),       _("SERVICE"),   _("PRIORITY"),
				   _("SOURCE CIDR"), _("DEST CIDR"), _("WHY NOT CHOSEN")};
	JsonNode *candidates = json_object_get_member(lookup, "candidates");
	JsonArray *others = candidates != NULL && JSON_NODE_HOLDS_ARRAY(candidates)
				    ? json_node_get_array(candidates)
				    : NULL;
	g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *table = NULL;
	gint64 unmatched;

	arc_cli_routes_explain_winner(lookup);
	for (guint i = 0; others != NULL && i < json_array_get_length(others); i++) {
		JsonNode *element = json_array_get_element(others, i);

		if (JSON_NODE_HOLDS_OBJECT(element))
			arc_cli_routes_candidate_cells(cells, json_node_get_object(element));
	}
	if (cells->len > 0) {
		table = arc_cli_services_table(headings, G_N_ELEMENTS(headings), cells, "");
		g_print("\n%s\n%s", _("Other routes:"), table);
	}
	unmatched = json_object_get_int_member_with_default(lookup, "unmatched_count", 0);
	if (unmatched > 0) {
		g_print("\n");
		/* TRANSLATORS: %d is a number of routes */
		g_print(ngettext("%d other route does not match the packet (--all lists it).\n",
				 "%d other routes do not match the packet (--all lists them).\n",
				 (gulong)unmatched),
			(gint)unmatched);
	}
}

static void
arc_cli_routes_append_param(GString *path, const gchar *name, const gchar *value)
{
	if (value == NULL)
		return;
	g_string_append_printf(path, "%s%s=", strchr(path->str, '?') != NULL ? "&" : "?", name);
	g_string_append_uri_escaped(path, value, NULL, FALSE);
}

static gboolean
arc_cli_routes_explain_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *src = NULL;
	g_autofree gchar *dst = NULL;
	g_autofree gchar *interface = NULL;
	g_autofree gchar *peer = NULL;
	gboolean all = FALSE;
	const GOptionEntry entries[] = {
		{"src", 0, 0, G_OPTION_ARG_STRING, &src, N_("The packet's source address"),
		 N_("IP")},
		{"dst", 0, 0, G_OPTION_ARG_STRING, &dst, N_("The packet's destination address"),
		 N_("IP")},
		{"interface", 0, 0, G_OPTION_ARG_STRING, &interface,
		 N_("The interface it arrives on"), N_("NAME")},
		{"peer", 0, 0, G_OPTION_ARG_STRING, &peer,
		 N_("The peer it enters the cluster at, by id or name (default: this agent)"),
		 N_("PEER")},
		{"all", 0, 0, G_OPTION_ARG_NONE, &all,
		 N_("Also list the routes that do not match the packet at all"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(GString) path = g_string_new("/v1/routes/lookup");
	JsonObject *lookup;

	if (!arc_cli_command_parse(&argv, ARC_CLI_ROUTES_EXPLAIN_USAGE,
				   N_("Explain which service carries a packet, by which route, and "
				      "why the other routes lost"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_ROUTES_EXPLAIN_USAGE, error))
		return FALSE;
	if (!arc_cli_routes_require(src, "--src", error) ||
	    !arc_cli_routes_require(dst, "--dst", error))
		return FALSE;
	arc_cli_routes_append_param(path, "src", src);
	arc_cli_routes_append_param(path, "dst", dst);
	arc_cli_routes_append_param(path, "interface", interface);
	arc_cli_routes_append_param(path, "peer", peer);
	arc_cli_routes_append_param(path, "all", all ? "true" : NULL);
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", path->str, NULL, error);
	if (response == NULL)
		return FALSE;
	lookup = arc_cli_json_expect_object(response, error);
	if (lookup == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_routes_print_explain(lookup);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_routes_subcommands[] = {
	{"list", N_("List the routes of a service, or of every service"), arc_cli_routes_list_run},
	{"add", N_("Add routes to a service"), arc_cli_routes_add_run},
	{"update", N_("Change a route"), arc_cli_routes_update_run},
	{"delete", N_("Delete a route of a service"), arc_cli_routes_delete_run},
	{"explain", N_("Explain which service and route carry a packet"),
	 arc_cli_routes_explain_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_routes = {
	.name = "routes",
	.alias = "route",
	.summary = N_("Manage the routes of services; explain which route a packet takes"),
	.subcommands = arc_cli_routes_subcommands,
};
