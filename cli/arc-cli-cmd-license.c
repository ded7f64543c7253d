/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-fields.h"
#include "arc-cli-json.h"
#include "arc-cli-time.h"

/* `arctic license show | status | update` (§5.4, docs/license.md) */

static void
arc_cli_license_print(JsonObject *license)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);

	arc_cli_fields_add_member(fields, _("License ID:"), license, "license_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Customer ID:"), license, "customer_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Issued:"), license, "issued_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, _("Expires:"), license, "expires_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, _("Max Nodes:"), license, "max_nodes",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Nodes In Use:"), license, "nodes_in_use",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Max Services:"), license, "max_services",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Features:"), license, "features", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("State:"), license, "state", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

/*
 * Without credentials for the agent (e.g. one of another cluster, as in the seed guide's
 * "compare license ids"), its public identity still tells the license id.
 */
static gboolean
arc_cli_license_show_identity(ArcCliContext *ctx, ArcCliClient *client, GError **error)
{
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonObject *identity;

	response = arc_cli_client_call(client, "GET", "/v1/cluster/identity", NULL, error);
	if (response == NULL)
		return FALSE;
	identity = arc_cli_json_expect_object(response, error);
	if (identity == NULL)
		return FALSE;
	arc_cli_output_note(_("Note: no valid credentials for %s; showing its public identity. "
			      "The full license details need credentials for that agent."),
			    arc_cli_client_get_url(client));
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_fields_add_member(fields, _("License ID:"), identity, "license_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Cluster ID:"), identity, "cluster_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
	return TRUE;
}

static gboolean
arc_cli_license_can_fall_back(ArcCliContext *ctx, const GError *error)
{
	if (arc_cli_error_is_auth(error))
		return TRUE;
	/* --url at an agent we hold no credentials for */
	return arc_cli_context_get_url(ctx) != NULL &&
	       g_error_matches(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG);
}

static JsonNode *
arc_cli_license_get(ArcCliContext *ctx, GError **error)
{
	ArcCliClient *client = arc_cli_context_get_authed_client(ctx, error);

	if (client == NULL)
		return NULL;
	return arc_cli_client_call(client, "GET", "/v1/license", NULL, error);
}

/* the peers the license counts: those that have not left (nor been removed) */
static gint64
arc_cli_license_count_active(JsonArray *peers)
{
	gint64 count = 0;

	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		const gchar *state = peer != NULL ? arc_cli_json_get_string(peer, "state") : NULL;

		if (peer != NULL && (state == NULL || g_strcmp0(state, "active") == 0))
			count++;
	}
	return count;
}

/*
 * An agent older than `nodes_in_use` in GET /v1/license: count the members of /v1/peers. A
 * credential without peers.read cannot, and the line is left out rather than failing `show`.
 */
static void
arc_cli_license_add_nodes_in_use(ArcCliContext *ctx, JsonObject *license)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(JsonNode) peers = NULL;
	ArcCliClient *client = arc_cli_context_get_authed_client(ctx, NULL);

	if (json_object_has_member(license, "nodes_in_use") || client == NULL)
		return;
	peers = arc_cli_client_call(client, "GET", "/v1/peers", NULL, &error_local);
	if (peers == NULL || !JSON_NODE_HOLDS_ARRAY(peers)) {
		arc_cli_output_debug("nodes in use: %s",
				     error_local != NULL ? error_local->message : "not a list");
		return;
	}
	json_object_set_int_member(license, "nodes_in_use",
				   arc_cli_license_count_active(json_node_get_array(peers)));
}

static gboolean
arc_cli_license_show_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(JsonNode) response = NULL;
	ArcCliClient *client;
	JsonObject *license;

	if (!arc_cli_command_parse(&argv, "license show",
				   N_("Show the agent's license, its node limit and how many nodes "
				      "are in use"),
				   NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic license show", error))
		return FALSE;
	response = arc_cli_license_get(ctx, &error_local);
	if (response == NULL) {
		if (!arc_cli_license_can_fall_back(ctx, error_local) ||
		    (client = arc_cli_context_get_client(ctx, NULL)) == NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		arc_cli_output_debug("license: %s", error_local->message);
		return arc_cli_license_show_identity(ctx, client, error);
	}
	license = arc_cli_json_expect_object(response, error);
	if (license == NULL)
		return FALSE;
	arc_cli_license_add_nodes_in_use(ctx, license);
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_license_print(license);
	return TRUE;
}

static gchar *
arc_cli_license_next_state(JsonObject *license)
{
	const gchar *next = arc_cli_json_get_string(license, "next_state");
	g_autofree gchar *when =
		arc_cli_time_format_human(arc_cli_json_get_string(license, "next_state_at"));

	if (next == NULL)
		return NULL;
	if (when == NULL)
		return g_strdup(next);
	/* TRANSLATORS: a license state, then when it is entered */
	return g_strdup_printf(_("%s (from %s)"), next, when);
}

static gboolean
arc_cli_license_status_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(20);
	g_autofree gchar *next = NULL;
	JsonObject *license;

	if (!arc_cli_command_parse(&argv, "license status",
				   N_("Show the license state and when it changes"), NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic license status", error))
		return FALSE;
	response = arc_cli_license_get(ctx, error);
	if (response == NULL)
		return FALSE;
	license = arc_cli_json_expect_object(response, error);
	if (license == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	next = arc_cli_license_next_state(license);
	arc_cli_fields_add_member(fields, _("State:"), license, "state", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Expires:"), license, "expires_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, _("Days Until Expiry:"), license, "days_until_expiry",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add(fields, _("Next State:"), next);
	arc_cli_fields_add_member(fields, _("Message:"), license, "message", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
	return TRUE;
}

#define ARC_CLI_LICENSE_UPDATE_USAGE "license update --license-file PATH"

/* The file holds the license object; a file already wrapped as {"license": …} is accepted */
static JsonNode *
arc_cli_license_read_file(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *data = NULL;
	g_autoptr(JsonNode) node = NULL;
	gsize length = 0;
	JsonNode *inner;

	if (!g_file_get_contents(path, &data, &length, &error_local) ||
	    (node = arc_cli_json_parse(data, length, &error_local)) == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: %s is the reason */
			    _("failed to read license file: %s"), error_local->message);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("failed to read license file: %s"), _("not a JSON object"));
		return NULL;
	}
	inner = json_object_get_member(json_node_get_object(node), "license");
	if (inner != NULL && JSON_NODE_HOLDS_OBJECT(inner) &&
	    !json_object_has_member(json_node_get_object(node), "signature"))
		return json_node_copy(inner);
	return g_steal_pointer(&node);
}

static JsonNode *
arc_cli_license_update_body(JsonNode *license)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "license");
	json_builder_add_value(builder, json_node_copy(license));
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static gboolean
arc_cli_license_update_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *license_file = NULL;
	g_autoptr(JsonNode) license = NULL;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	ArcCliClient *client;
	JsonObject *result;
	const GOptionEntry entries[] = {
		{"license-file", 0, 0, G_OPTION_ARG_FILENAME, &license_file,
		 N_("Renewed license (JSON) of the same customer"), N_("PATH")},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, ARC_CLI_LICENSE_UPDATE_USAGE,
				   N_("Install a renewed license on the agent; every peer of the "
				      "cluster receives it"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_LICENSE_UPDATE_USAGE, error))
		return FALSE;
	if (license_file == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--license-file is required"));
		return FALSE;
	}
	license = arc_cli_license_read_file(license_file, error);
	if (license == NULL)
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	body = arc_cli_license_update_body(license);
	response = arc_cli_client_call(client, "PUT", "/v1/license", body, error);
	if (response == NULL)
		return FALSE;
	result = arc_cli_json_expect_object(response, error);
	if (result == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_license_print(result);
	/* TRANSLATORS: %s is a license id */
	arc_cli_output_note(_("License %s is in force on this agent; the other peers of the "
			      "cluster receive it within seconds."),
			    arc_cli_json_get_string(result, "license_id"));
	return TRUE;
}

static const ArcCliSubcommand arc_cli_license_subcommands[] = {
	{"show", N_("Show the agent's license and how many nodes are in use"),
	 arc_cli_license_show_run},
	{"status", N_("Show the license state and when it changes"), arc_cli_license_status_run},
	{"update",
	 N_("Install a renewed license on the agent; every peer of the cluster receives it"),
	 arc_cli_license_update_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_license = {
	.name = "license",
	.summary = N_("Show the license of an agent and its state, and renew it"),
	.subcommands = arc_cli_license_subcommands,
};
