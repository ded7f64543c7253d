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

/*
 * `arctic services list | get | create | update | delete` (spec §5.6, docs/services.md).
 * The agent checks a service as a whole (transport, interface, peers, the license's limit)
 * and says what is wrong; the CLI refuses only what it cannot even send.
 */

#define ARC_CLI_SERVICES_LIST_USAGE                                                                \
	"services list [--source-peer PEER] [--target-peer PEER] [--requires-interface "           \
	"[true|false]]"
#define ARC_CLI_SERVICES_GET_USAGE "services get SERVICE-ID"
#define ARC_CLI_SERVICES_CREATE_USAGE                                                              \
	"services create --target-peer PEER [--source-peer PEER] [--name NAME] [--transport "      \
	"tcp|kcp] "                                                                                \
	"[--requires-interface] [--desired-ipv4 CIDR] [--desired-ipv6 CIDR] "                      \
	"[--bandwidth-limit MBPS] [--fully-transparent] [--routes-file FILE]"
#define ARC_CLI_SERVICES_UPDATE_USAGE                                                              \
	"services update SERVICE-ID [--name NAME] [--transport tcp|kcp] "                          \
	"[--[no-]requires-interface] [--desired-ipv4 CIDR] [--desired-ipv6 CIDR] "                 \
	"[--bandwidth-limit MBPS] [--[no-]fully-transparent]"
#define ARC_CLI_SERVICES_DELETE_USAGE "services delete SERVICE-ID [--yes]"

/* the switches that also take `=true` / `=false` */
static const gchar *const arc_cli_services_switches[] = {"requires-interface", "fully-transparent",
							 NULL};

/* what the agent calls the members errors are about, which the options name instead */
static const gchar *const arc_cli_services_error_prefixes[] = {
	"desired_ipv4_cidr: ", "desired_ipv6_cidr: ", NULL};

/* What create and update take; %NULL / %FALSE for what was not given */
typedef struct {
	gchar *name;
	gchar *source_peer;
	gchar *target_peer;
	gchar *transport;
	gboolean requires_interface;
	gboolean no_requires_interface;
	gchar *desired_ipv4;
	gchar *desired_ipv6;
	gchar *bandwidth_limit;
	gboolean fully_transparent;
	gboolean no_fully_transparent;
	gchar *routes_file;
} ArcCliServiceOptions;

static void
arc_cli_service_options_clear(ArcCliServiceOptions *o)
{
	g_free(o->name);
	g_free(o->source_peer);
	g_free(o->target_peer);
	g_free(o->transport);
	g_free(o->desired_ipv4);
	g_free(o->desired_ipv6);
	g_free(o->bandwidth_limit);
	g_free(o->routes_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcCliServiceOptions, arc_cli_service_options_clear)

/* The options of create (with @create) or update, which cannot add routes */
static GOptionEntry *
arc_cli_services_option_entries(ArcCliServiceOptions *o, gboolean create)
{
	const GOptionEntry entries[] = {
		{"target-peer", 0, 0, G_OPTION_ARG_STRING, &o->target_peer,
		 N_("The peer the traffic goes to, by id or name"), N_("PEER")},
		{"source-peer", 0, 0, G_OPTION_ARG_STRING, &o->source_peer,
		 N_("The peer the traffic enters at, by id or name (default: this agent)"),
		 N_("PEER")},
		{"name", 0, 0, G_OPTION_ARG_STRING, &o->name,
		 N_("A name for the service, unique in the cluster (\"\" removes it)"), N_("NAME")},
		{"transport", 0, 0, G_OPTION_ARG_STRING, &o->transport,
		 N_("tcp or kcp (default: tcp)"), N_("TRANSPORT")},
		{"requires-interface", 0, 0, G_OPTION_ARG_NONE, &o->requires_interface,
		 N_("Give the service a MACVLAN interface"), NULL},
		{"no-requires-interface", 0, 0, G_OPTION_ARG_NONE, &o->no_requires_interface,
		 N_("Give the service no interface"), NULL},
		{"desired-ipv4", 0, 0, G_OPTION_ARG_STRING, &o->desired_ipv4,
		 N_("The interface's IPv4 address with its prefix, e.g. 10.0.0.1/24 (\"\" for "
		    "none)"),
		 N_("CIDR")},
		{"desired-ipv6", 0, 0, G_OPTION_ARG_STRING, &o->desired_ipv6,
		 N_("The interface's IPv6 address with its prefix, e.g. fd00::10/64 (\"\" for "
		    "none)"),
		 N_("CIDR")},
		{"bandwidth-limit", 0, 0, G_OPTION_ARG_STRING, &o->bandwidth_limit,
		 N_("Bandwidth cap in Mbps, 0 for unlimited"), N_("MBPS")},
		{"fully-transparent", 0, 0, G_OPTION_ARG_NONE, &o->fully_transparent,
		 N_("Transparent mode (needs --requires-interface and tcp)"), NULL},
		{"no-fully-transparent", 0, 0, G_OPTION_ARG_NONE, &o->no_fully_transparent,
		 N_("No transparent mode"), NULL},
		{"routes-file", 0, 0, G_OPTION_ARG_FILENAME, &o->routes_file,
		 N_("Create the service with the routes of a file: a JSON array of {priority, "
		    "source_cidr, dest_cidr}, or YAML if named *.yaml"),
		 N_("FILE")},
		{NULL},
	};
	GOptionEntry *copy = g_memdup2(entries, sizeof(entries));

	/* update has no --routes-file: `arctic routes add` changes the routes of a service */
	if (!create)
		memset(&copy[G_N_ELEMENTS(entries) - 2], 0, sizeof(GOptionEntry));
	return copy;
}

static void
arc_cli_services_add_string(JsonBuilder *b, const gchar *member, const gchar *value,
			    gboolean nullable, guint *count)
{
	if (value == NULL)
		return;
	json_builder_set_member_name(b, member);
	/* "" asks to clear a name or an address: the API's null */
	if (nullable && value[0] == '\0')
		json_builder_add_null_value(b);
	else
		json_builder_add_string_value(b, value);
	(*count)++;
}

static void
arc_cli_services_add_switch(JsonBuilder *b, const gchar *member, gboolean on, gboolean off,
			    guint *count)
{
	if (!on && !off)
		return;
	json_builder_set_member_name(b, member);
	json_builder_add_boolean_value(b, on);
	(*count)++;
}

static gboolean
arc_cli_services_check_switches(ArcCliServiceOptions *o, GError **error)
{
	if (o->requires_interface && o->no_requires_interface) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--requires-interface and --no-requires-interface exclude "
				      "each other"));
		return FALSE;
	}
	if (o->fully_transparent && o->no_fully_transparent) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--fully-transparent and --no-fully-transparent exclude "
				      "each other"));
		return FALSE;
	}
	return TRUE;
}

/* The body of POST or PUT /v1/services: only what was given; *count says how much */
static JsonNode *
arc_cli_services_body(ArcCliServiceOptions *o, guint *count, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) routes = NULL;
	gint64 mbps = 0;

	*count = 0;
	if (!arc_cli_services_check_switches(o, error))
		return NULL;
	if (o->routes_file != NULL) {
		routes = arc_cli_services_read_routes_file(o->routes_file, error);
		if (routes == NULL)
			return NULL;
	}
	if (o->bandwidth_limit != NULL &&
	    !arc_cli_services_parse_int("--bandwidth-limit", o->bandwidth_limit, 0, G_MAXINT32,
					&mbps, error))
		return NULL;
	json_builder_begin_object(b);
	arc_cli_services_add_string(b, "target_peer_id", o->target_peer, FALSE, count);
	arc_cli_services_add_string(b, "source_peer_id", o->source_peer, FALSE, count);
	arc_cli_services_add_string(b, "name", o->name, TRUE, count);
	arc_cli_services_add_string(b, "transport_type", o->transport, FALSE, count);
	arc_cli_services_add_switch(b, "requires_interface", o->requires_interface,
				    o->no_requires_interface, count);
	arc_cli_services_add_string(b, "desired_ipv4_cidr", o->desired_ipv4, TRUE, count);
	arc_cli_services_add_string(b, "desired_ipv6_cidr", o->desired_ipv6, TRUE, count);
	arc_cli_services_add_switch(b, "fully_transparent", o->fully_transparent,
				    o->no_fully_transparent, count);
	if (o->bandwidth_limit != NULL) {
		json_builder_set_member_name(b, "bandwidth_limit_mbps");
		json_builder_add_int_value(b, mbps);
		(*count)++;
	}
	if (routes != NULL) {
		json_builder_set_member_name(b, "routes");
		json_builder_add_value(b, g_steal_pointer(&routes));
	}
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static gboolean
arc_cli_services_member_true(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);

	return node != NULL && json_node_get_value_type(node) == G_TYPE_BOOLEAN &&
	       json_node_get_boolean(node);
}

static gint64
arc_cli_services_member_int(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64)
		return 0;
	return json_node_get_int(node);
}

/* `I` interface, `T` transparent, `Q` a bandwidth limit, `-` none of them */
static gchar *
arc_cli_services_flags(JsonObject *service)
{
	GString *flags = g_string_new(NULL);

	if (arc_cli_services_member_true(service, "requires_interface"))
		g_string_append_c(flags, 'I');
	if (arc_cli_services_member_true(service, "fully_transparent"))
		g_string_append_c(flags, 'T');
	if (arc_cli_services_member_int(service, "bandwidth_limit_mbps") > 0)
		g_string_append_c(flags, 'Q');
	if (flags->len == 0)
		g_string_append_c(flags, '-');
	return g_string_free(flags, FALSE);
}

/* ID  SOURCE  TARGET  TRANSPORT  FLAGS, then the legend of FLAGS (spec §5.6) */
static void
arc_cli_services_print_table(JsonArray *services)
{
	/* TRANSLATORS: column headings of `arctic services list`; FLAGS are single letters */
	const gchar *headings[] = {_("ID"), _("SOURCE"), _("TARGET"), _("TRANSPORT"), _("FLAGS")};
	g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *table = NULL;

	for (guint i = 0; i < json_array_get_length(services); i++) {
		JsonNode *element = json_array_get_element(services, i);
		JsonObject *service;

		if (!JSON_NODE_HOLDS_OBJECT(element))
			continue;
		service = json_node_get_object(element);
		g_ptr_array_add(cells, g_strdup(arc_cli_services_text(service, "id")));
		g_ptr_array_add(cells, g_strdup(arc_cli_services_peer_name(service, "source")));
		g_ptr_array_add(cells, g_strdup(arc_cli_services_peer_name(service, "target")));
		g_ptr_array_add(cells, g_strdup(arc_cli_services_text(service, "transport_type")));
		g_ptr_array_add(cells, arc_cli_services_flags(service));
	}
	table = arc_cli_services_table(headings, G_N_ELEMENTS(headings), cells, "");
	g_print("%s\n", table);
	/* TRANSLATORS: the legend under `arctic services list`; keep the letters I, T, Q */
	g_print("%s\n", _("FLAGS: I=interface, T=transparent, Q=qos, -=none"));
}

/* `?source_peer_id=…&target_peer_id=…&requires_interface=…` of what was given */
static gchar *
arc_cli_services_list_path(const gchar *source, const gchar *target, gint requires)
{
	GString *path = g_string_new("/v1/services");
	const gchar *sep = "?";

	if (source != NULL) {
		g_string_append_printf(path, "%ssource_peer_id=", sep);
		g_string_append_uri_escaped(path, source, NULL, FALSE);
		sep = "&";
	}
	if (target != NULL) {
		g_string_append_printf(path, "%starget_peer_id=", sep);
		g_string_append_uri_escaped(path, target, NULL, FALSE);
		sep = "&";
	}
	if (requires >= 0)
		g_string_append_printf(path, "%srequires_interface=%s", sep,
				       requires ? "true" : "false");
	return g_string_free(path, FALSE);
}

static gboolean
arc_cli_services_list_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *source = NULL;
	g_autofree gchar *target = NULL;
	gboolean requires = FALSE, no_requires = FALSE;
	const GOptionEntry entries[] = {
		{"source-peer", 0, 0, G_OPTION_ARG_STRING, &source,
		 N_("Only services from this peer (id or name)"), N_("PEER")},
		{"target-peer", 0, 0, G_OPTION_ARG_STRING, &target,
		 N_("Only services to this peer (id or name)"), N_("PEER")},
		{"requires-interface", 0, 0, G_OPTION_ARG_NONE, &requires,
		 N_("Only services with an interface"), NULL},
		{"no-requires-interface", 0, 0, G_OPTION_ARG_NONE, &no_requires,
		 N_("Only services without an interface"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_services_split_switches(argv, arc_cli_services_switches, error))
		return FALSE;
	if (!arc_cli_command_parse(&argv, ARC_CLI_SERVICES_LIST_USAGE,
				   N_("List the services of the cluster"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_SERVICES_LIST_USAGE, error))
		return FALSE;
	if (requires && no_requires) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--requires-interface and --no-requires-interface exclude "
				      "each other"));
		return FALSE;
	}
	path = arc_cli_services_list_path(source, target, requires ? 1 : no_requires ? 0 : -1);
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	if (response == NULL)
		return FALSE;
	if (arc_cli_json_expect_array(response, error) == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	if (json_array_get_length(json_node_get_array(response)) == 0) {
		arc_cli_output_note(_("No services found."));
		return TRUE;
	}
	arc_cli_services_print_table(json_node_get_array(response));
	return TRUE;
}

/* `100 Mbps`, or `unlimited` for 0 */
static gchar *
arc_cli_services_bandwidth_text(JsonObject *service)
{
	JsonNode *node = json_object_get_member(service, "bandwidth_limit_mbps");
	g_autofree gchar *number = NULL;

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64)
		return arc_cli_json_to_text(node);
	if (json_node_get_int(node) == 0)
		/* TRANSLATORS: value of "Bandwidth Limit:" when there is none */
		return g_strdup(_("unlimited"));
	number = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	/* TRANSLATORS: value of "Bandwidth Limit:"; %s is a number of megabits per second */
	return g_strdup_printf(_("%s Mbps"), number);
}

/* The keys of spec §5.6 in its order, then the rest of the object */
static void
arc_cli_services_add_fields(ArcCliFields *fields, JsonObject *service)
{
	g_autofree gchar *bandwidth = arc_cli_services_bandwidth_text(service);

	arc_cli_fields_add_member(fields, _("ID:"), service, "id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Source Peer ID:"), service, "source_peer_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Source Peer Name:"), service, "source_peer_name",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Target Peer ID:"), service, "target_peer_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Target Peer Name:"), service, "target_peer_name",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Transport:"), service, "transport_type",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Requires Interface:"), service, "requires_interface",
				  ARC_CLI_FIELD_YES_NO);
	arc_cli_fields_add_member(fields, _("Interface MAC:"), service, "interface_mac",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Actual Interface IPv4:"), service,
				  "actual_interface_ipv4", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Actual Interface IPv6:"), service,
				  "actual_interface_ipv6", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Name:"), service, "name", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Interface Name:"), service, "interface_name",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Desired IPv4:"), service, "desired_ipv4_cidr",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Desired IPv6:"), service, "desired_ipv6_cidr",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Fully Transparent:"), service, "fully_transparent",
				  ARC_CLI_FIELD_YES_NO);
	arc_cli_fields_add(fields, _("Bandwidth Limit:"), bandwidth);
	arc_cli_fields_add_member(fields, _("State:"), service, "state", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created At:"), service, "created_at",
				  ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, _("Updated At:"), service, "updated_at",
				  ARC_CLI_FIELD_TIME);
}

/* One service as `get`, `create` and `update` print it: its fields, then its routes */
static void
arc_cli_services_print_service(JsonObject *service)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonNode *routes = json_object_get_member(service, "routes");
	g_autofree gchar *table = NULL;

	arc_cli_services_add_fields(fields, service);
	if (routes != NULL && JSON_NODE_HOLDS_ARRAY(routes) &&
	    json_array_get_length(json_node_get_array(routes)) > 0) {
		arc_cli_fields_print(fields);
		table = arc_cli_services_routes_table(json_node_get_array(routes), FALSE, "  ");
		g_print("%s\n%s", _("Routes:"), table);
		return;
	}
	if (routes != NULL && JSON_NODE_HOLDS_ARRAY(routes))
		/* TRANSLATORS: value of "Routes:" for a service without routes */
		arc_cli_fields_add(fields, _("Routes:"), _("none"));
	else
		arc_cli_fields_add_member(fields, _("Routes:"), service, "route_count",
					  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

static gboolean
arc_cli_services_print_answer(ArcCliContext *ctx, JsonNode *response, GError **error)
{
	JsonObject *service = arc_cli_json_expect_object(response, error);

	if (service == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_services_print_service(service);
	return TRUE;
}

static gboolean
arc_cli_services_get_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_SERVICES_GET_USAGE,
				   N_("Show one service and its routes"), NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_SERVICES_GET_USAGE, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_services_path(argv[1], NULL);
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	arc_cli_services_map_not_found(error, TRUE);
	if (response == NULL)
		return FALSE;
	return arc_cli_services_print_answer(ctx, response, error);
}

/* After the service, in the table format: `Service created successfully: ID=svc_…` */
static gboolean
arc_cli_services_print_done(ArcCliContext *ctx, JsonNode *response, gboolean created,
			    GError **error)
{
	const gchar *id;

	if (!arc_cli_services_print_answer(ctx, response, error))
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return TRUE;
	id = arc_cli_services_text(json_node_get_object(response), "id");
	g_print("\n");
	if (created)
		/* TRANSLATORS: %s is the new service's id */
		g_print(_("Service created successfully: ID=%s\n"), id);
	else
		/* TRANSLATORS: %s is a service id */
		g_print(_("Service updated successfully: ID=%s\n"), id);
	return TRUE;
}

static gboolean
arc_cli_services_create_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliServiceOptions) options = {NULL};
	g_autofree GOptionEntry *entries = arc_cli_services_option_entries(&options, TRUE);
	ArcCliClient *client;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	guint count = 0;

	if (!arc_cli_services_split_switches(argv, arc_cli_services_switches, error))
		return FALSE;
	if (!arc_cli_command_parse(&argv, ARC_CLI_SERVICES_CREATE_USAGE,
				   N_("Create a service: traffic from one peer to another"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_SERVICES_CREATE_USAGE, error))
		return FALSE;
	if (options.target_peer == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--target-peer is required"));
		return FALSE;
	}
	body = arc_cli_services_body(&options, &count, error);
	if (body == NULL)
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "POST", "/v1/services", body, error);
	arc_cli_services_strip_error_prefix(error, arc_cli_services_error_prefixes);
	if (response == NULL)
		return FALSE;
	return arc_cli_services_print_done(ctx, response, TRUE, error);
}

static gboolean
arc_cli_services_update_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliServiceOptions) options = {NULL};
	g_autofree GOptionEntry *entries = arc_cli_services_option_entries(&options, FALSE);
	ArcCliClient *client;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;
	guint count = 0;

	if (!arc_cli_services_split_switches(argv, arc_cli_services_switches, error))
		return FALSE;
	if (!arc_cli_command_parse(&argv, ARC_CLI_SERVICES_UPDATE_USAGE,
				   N_("Change a service; only the options given change"), entries,
				   error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_SERVICES_UPDATE_USAGE, error))
		return FALSE;
	body = arc_cli_services_body(&options, &count, error);
	if (body == NULL)
		return FALSE;
	if (count == 0) {
		g_set_error_literal(
			error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			_("nothing to update: give at least one option, e.g. "
			  "--bandwidth-limit MBPS; see 'arctic services update --help'"));
		return FALSE;
	}
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_services_path(argv[1], NULL);
	response = arc_cli_client_call(client, "PUT", path, body, error);
	/* a peer the update names can be missing too */
	arc_cli_services_map_not_found(error, FALSE);
	arc_cli_services_strip_error_prefix(error, arc_cli_services_error_prefixes);
	if (response == NULL)
		return FALSE;
	return arc_cli_services_print_done(ctx, response, FALSE, error);
}

/* How many routes go with the service: the question says so */
static gboolean
arc_cli_services_count_routes(ArcCliClient *client, const gchar *path, guint *count, GError **error)
{
	g_autoptr(JsonNode) response = arc_cli_client_call(client, "GET", path, NULL, error);
	JsonObject *service;
	JsonNode *routes;

	arc_cli_services_map_not_found(error, TRUE);
	if (response == NULL)
		return FALSE;
	service = arc_cli_json_expect_object(response, error);
	if (service == NULL)
		return FALSE;
	routes = json_object_get_member(service, "routes");
	if (routes != NULL && JSON_NODE_HOLDS_ARRAY(routes))
		*count = json_array_get_length(json_node_get_array(routes));
	else
		*count = (guint)CLAMP(arc_cli_services_member_int(service, "route_count"), 0,
				      G_MAXUINT);
	return TRUE;
}

static gboolean
arc_cli_services_delete_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *question = NULL;
	guint routes = 0;

	if (!arc_cli_command_parse(&argv, ARC_CLI_SERVICES_DELETE_USAGE,
				   N_("Delete a service and its routes"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_SERVICES_DELETE_USAGE, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_services_path(argv[1], NULL);
	if (!yes) {
		if (!arc_cli_services_count_routes(client, path, &routes, error))
			return FALSE;
		/* TRANSLATORS: %s is a service id, %u a number of routes */
		question = g_strdup_printf(ngettext("Delete service %s and its %u route?",
						    "Delete service %s and its %u routes?", routes),
					   argv[1], routes);
		if (!arc_cli_command_confirm(question, error))
			return FALSE;
	}
	response = arc_cli_client_call(client, "DELETE", path, NULL, error);
	arc_cli_services_map_not_found(error, TRUE);
	if (response == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	/* TRANSLATORS: %s is a service id */
	g_print(_("Service %s deleted\n"), argv[1]);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_services_subcommands[] = {
	{"list", N_("List the services of the cluster"), arc_cli_services_list_run},
	{"get", N_("Show one service and its routes"), arc_cli_services_get_run},
	{"create", N_("Create a service"), arc_cli_services_create_run},
	{"update", N_("Change a service"), arc_cli_services_update_run},
	{"delete", N_("Delete a service and its routes"), arc_cli_services_delete_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_services = {
	.name = "services",
	.alias = "service",
	.summary = N_("Manage the services: traffic from one peer to another"),
	.subcommands = arc_cli_services_subcommands,
};
