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
#include "arc-error.h"

/* `arctic bootstrap --url URL --license-file PATH [--name NAME] [--description TEXT]` (§5.3) */

#define ARC_CLI_BOOTSTRAP_USAGE "bootstrap --url URL --license-file PATH"

/* The file holds the license object; a file already wrapped as {"license": …} is accepted */
static JsonNode *
arc_cli_bootstrap_read_license(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *data = NULL;
	g_autoptr(JsonNode) node = NULL;
	gsize length = 0;
	JsonObject *object;
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
	object = json_node_get_object(node);
	inner = json_object_get_member(object, "license");
	if (inner != NULL && JSON_NODE_HOLDS_OBJECT(inner) &&
	    !json_object_has_member(object, "signature"))
		return json_node_copy(inner);
	return g_steal_pointer(&node);
}

static JsonNode *
arc_cli_bootstrap_request_body(JsonNode *license, const gchar *name, const gchar *description)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "license");
	json_builder_add_value(builder, json_node_copy(license));
	if (name != NULL) {
		json_builder_set_member_name(builder, "name");
		json_builder_add_string_value(builder, name);
	}
	if (description != NULL) {
		json_builder_set_member_name(builder, "description");
		json_builder_add_string_value(builder, description);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
arc_cli_bootstrap_print(JsonObject *result)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);

	arc_cli_fields_add_member(fields, _("Peer ID:"), result, "peer_id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Cluster ID:"), result, "cluster_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Client ID:"), result, "client_id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("License ID:"), result, "license_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Expires:"), result, "expires_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_add_member(fields, _("Max Nodes:"), result, "max_nodes", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Max Services:"), result, "max_services",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

/* The new cluster, its credentials and this agent as its default peer */
static gboolean
arc_cli_bootstrap_save(ArcCliContext *ctx, JsonObject *result, const gchar *name, GError **error)
{
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	const gchar *cluster_id = arc_cli_json_get_string(result, "cluster_id");
	const gchar *peer_id = arc_cli_json_get_string(result, "peer_id");
	const gchar *peer_name = arc_cli_json_get_string(result, "name");
	g_autoptr(ArcCliCluster) cluster = arc_cli_config_get_cluster(config, cluster_id);

	if (cluster == NULL)
		cluster = arc_cli_cluster_new(cluster_id);
	g_free(cluster->customer_id);
	cluster->customer_id = g_strdup(arc_cli_json_get_string(result, "customer_id"));
	g_free(cluster->client_id);
	cluster->client_id = g_strdup(arc_cli_json_get_string(result, "client_id"));
	arc_cli_cluster_set_client_secret(cluster,
					  arc_cli_json_get_string(result, "client_secret"));
	arc_cli_cluster_set_peer(cluster,
				 arc_cli_peer_new(peer_id, peer_name != NULL ? peer_name : name,
						  arc_cli_context_get_url(ctx)));
	g_free(cluster->default_peer);
	cluster->default_peer = g_strdup(peer_id);
	arc_cli_config_set_cluster(config, cluster);
	arc_cli_config_set_current_cluster(config, cluster_id);
	return arc_cli_config_save(config, error);
}

static gboolean
arc_cli_bootstrap_check(ArcCliContext *ctx, const gchar *license_file, GError **error)
{
	if (arc_cli_context_get_url(ctx) == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--url is required for bootstrap"));
		return FALSE;
	}
	if (license_file == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--license-file is required"));
		return FALSE;
	}
	return TRUE;
}

static JsonNode *
arc_cli_bootstrap_post(ArcCliContext *ctx, JsonNode *body, GError **error)
{
	ArcCliClient *client = arc_cli_context_get_client(ctx, error);
	JsonNode *response;

	if (client == NULL)
		return NULL;
	response = arc_cli_client_call(client, "POST", "/v1/bootstrap", body, error);
	arc_cli_error_replace_api(error, ARC_ERROR_LICENSE_EXPIRED, _("license has expired"));
	arc_cli_error_replace_api(error, ARC_ERROR_ALREADY_BOOTSTRAPPED,
				  _("agent is already bootstrapped"));
	return response;
}

static gboolean
arc_cli_bootstrap_finish(ArcCliContext *ctx, JsonNode *response, const gchar *name, GError **error)
{
	ArcCliOutputFormat format = arc_cli_context_get_format(ctx);
	JsonObject *result = arc_cli_json_expect_object(response, error);
	ArcCliConfig *config = arc_cli_context_get_config(ctx);

	if (result == NULL)
		return FALSE;
	if (arc_cli_json_get_string(result, "cluster_id") == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    _("unexpected response from the agent"));
		return FALSE;
	}
	if (format == ARC_CLI_OUTPUT_TABLE)
		arc_cli_bootstrap_print(result);
	else if (!arc_cli_output_print_node(format, response, error))
		return FALSE;
	if (!arc_cli_bootstrap_save(ctx, result, name, error)) {
		/* the secret is shown only once: do not lose it */
		if (format == ARC_CLI_OUTPUT_TABLE)
			g_print(_("Client Secret:  %s\n"),
				arc_cli_json_get_string(result, "client_secret"));
		return FALSE;
	}
	if (format == ARC_CLI_OUTPUT_TABLE) {
		g_print("\n");
		g_print(_("Configuration saved to %s\n"), arc_cli_config_get_path(config));
		g_print(_("Set as current cluster: %s\n"),
			arc_cli_json_get_string(result, "cluster_id"));
	} else {
		g_printerr(_("Configuration saved to %s\n"), arc_cli_config_get_path(config));
		g_printerr(_("Set as current cluster: %s\n"),
			   arc_cli_json_get_string(result, "cluster_id"));
	}
	return TRUE;
}

static gboolean
arc_cli_bootstrap_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *license_file = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *description = NULL;
	g_autoptr(JsonNode) license = NULL;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	const GOptionEntry entries[] = {
		{"license-file", 0, 0, G_OPTION_ARG_FILENAME, &license_file,
		 N_("Signed license (JSON) to bootstrap with"), N_("PATH")},
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of this peer"), N_("NAME")},
		{"description", 0, 0, G_OPTION_ARG_STRING, &description,
		 N_("Description of this peer"), N_("TEXT")},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, ARC_CLI_BOOTSTRAP_USAGE, arc_cli_cmd_bootstrap.summary,
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_BOOTSTRAP_USAGE, error))
		return FALSE;
	if (!arc_cli_bootstrap_check(ctx, license_file, error))
		return FALSE;
	license = arc_cli_bootstrap_read_license(license_file, error);
	if (license == NULL)
		return FALSE;
	body = arc_cli_bootstrap_request_body(license, name, description);
	response = arc_cli_bootstrap_post(ctx, body, error);
	if (response == NULL)
		return FALSE;
	return arc_cli_bootstrap_finish(ctx, response, name, error);
}

const ArcCliCommand arc_cli_cmd_bootstrap = {
	.name = "bootstrap",
	.summary = N_("Initialise an agent with a license and save its cluster to the config"),
	.run = arc_cli_bootstrap_run,
};
