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

/* `arctic credentials list | create | revoke | rotate` (§5.8) */

#define ARC_CLI_CREDENTIALS_CREATE_USAGE "credentials create [--scopes SCOPE,...] [SCOPE...]"
#define ARC_CLI_CREDENTIALS_REVOKE_USAGE "credentials revoke CLIENT-ID [--yes]"
#define ARC_CLI_CREDENTIALS_ROTATE_USAGE "credentials rotate [--update-config]"

static void
arc_cli_credentials_print_one(JsonObject *credential)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonNode *last_used = json_object_get_member(credential, "last_used_at");

	arc_cli_fields_add_member(fields, _("Client ID:"), credential, "client_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Scopes:"), credential, "scopes", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("License ID:"), credential, "license_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created At:"), credential, "created_at",
				  ARC_CLI_FIELD_TIME);
	if (last_used == NULL || JSON_NODE_HOLDS_NULL(last_used))
		/* TRANSLATORS: value of "Last Used At:" for a credential never used */
		arc_cli_fields_add(fields, _("Last Used At:"), _("never"));
	else
		arc_cli_fields_add_member(fields, _("Last Used At:"), credential, "last_used_at",
					  ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
}

/* `{"credentials": [...]}`; older agents sent the bare array */
static JsonArray *
arc_cli_credentials_get_array(JsonNode *response, GError **error)
{
	JsonObject *object;
	JsonNode *list;

	if (JSON_NODE_HOLDS_ARRAY(response))
		return json_node_get_array(response);
	object = arc_cli_json_expect_object(response, error);
	if (object == NULL)
		return NULL;
	list = json_object_get_member(object, "credentials");
	return arc_cli_json_expect_array(list, error);
}

static gboolean
arc_cli_credentials_list_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	JsonArray *credentials;

	if (!arc_cli_command_parse(&argv, "credentials list", N_("List the client credentials"),
				   NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic credentials list", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", "/v1/credentials", NULL, error);
	if (response == NULL)
		return FALSE;
	credentials = arc_cli_credentials_get_array(response, error);
	if (credentials == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	if (json_array_get_length(credentials) == 0)
		arc_cli_output_note(_("No credentials found."));
	for (guint i = 0; i < json_array_get_length(credentials); i++) {
		JsonNode *element = json_array_get_element(credentials, i);

		if (!JSON_NODE_HOLDS_OBJECT(element))
			continue;
		if (i > 0)
			g_print("\n");
		arc_cli_credentials_print_one(json_node_get_object(element));
	}
	return TRUE;
}

/* Scopes from --scopes a,b and from positional arguments, in that order */
static JsonNode *
arc_cli_credentials_create_body(gchar **scopes_opt, gchar **argv)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	gboolean any = FALSE;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "scopes");
	json_builder_begin_array(builder);
	for (guint i = 0; scopes_opt != NULL && scopes_opt[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(scopes_opt[i], ",", -1);

		for (guint j = 0; parts[j] != NULL; j++) {
			if (g_strstrip(parts[j])[0] == '\0')
				continue;
			json_builder_add_string_value(builder, parts[j]);
			any = TRUE;
		}
	}
	for (guint i = 1; argv[i] != NULL; i++) {
		json_builder_add_string_value(builder, argv[i]);
		any = TRUE;
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	/* no scopes: send no list, the agent gives the caller's scopes */
	return any ? json_builder_get_root(builder) : NULL;
}

static void
arc_cli_credentials_print_created(JsonObject *created)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);

	g_print("%s\n", _("Credentials created"));
	arc_cli_fields_add_member(fields, _("Client ID:"), created, "client_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Client Secret:"), created, "client_secret",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Scopes:"), created, "scopes", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created:"), created, "created_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	g_print("\n%s\n", _("WARNING: The client secret is only shown once. Store it securely."));
}

static gboolean
arc_cli_credentials_create_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(GStrv) scopes = NULL;
	const GOptionEntry entries[] = {
		{"scopes", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scopes,
		 N_("Comma-separated scopes, e.g. peers.read,services.read (default: yours)"),
		 N_("SCOPES")},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *created;

	if (!arc_cli_command_parse(&argv, ARC_CLI_CREDENTIALS_CREATE_USAGE,
				   N_("Create a client credential"), entries, error))
		return FALSE;
	body = arc_cli_credentials_create_body(scopes, argv);
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "POST", "/v1/credentials", body, error);
	if (response == NULL)
		return FALSE;
	created = arc_cli_json_expect_object(response, error);
	if (created == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_credentials_print_created(created);
	return TRUE;
}

static gboolean
arc_cli_credentials_revoke_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *escaped = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *question = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_CREDENTIALS_REVOKE_USAGE,
				   N_("Revoke a client credential"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_CREDENTIALS_REVOKE_USAGE,
					error))
		return FALSE;
	/* TRANSLATORS: %s is a client id */
	question = g_strdup_printf(
		_("Revoke credential %s? Anything using it loses access at once."), argv[1]);
	if (!yes && !arc_cli_command_confirm(question, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	escaped = g_uri_escape_string(argv[1], NULL, FALSE);
	path = g_strconcat("/v1/credentials/", escaped, NULL);
	response = arc_cli_client_call(client, "DELETE", path, NULL, error);
	arc_cli_error_replace_api(error, ARC_ERROR_CANNOT_REVOKE_CURRENT,
				  _("cannot revoke the credential currently in use"));
	if (response == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	/* TRANSLATORS: %s is a client id */
	g_print(_("Credential %s revoked\n"), argv[1]);
	return TRUE;
}

static void
arc_cli_credentials_print_rotated(JsonObject *rotated)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);

	g_print("%s\n", _("Cluster credential rotated"));
	arc_cli_fields_add_member(fields, _("Client ID:"), rotated, "client_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Client Secret:"), rotated, "client_secret",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Version:"), rotated, "version", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Rotated By:"), rotated, "rotated_by",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Rotated At:"), rotated, "rotated_at",
				  ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	g_print("\n%s\n%s\n",
		_("WARNING: The client secret is only shown once. Store it securely."),
		_("The old secret stays valid for 24 hours."));
}

/* The config's cluster entry for --update-config; checked before anything is rotated */
static ArcCliCluster *
arc_cli_credentials_config_cluster(ArcCliContext *ctx, GError **error)
{
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	ArcCliCluster *used = arc_cli_context_get_cluster(ctx);
	ArcCliCluster *cluster =
		used != NULL ? arc_cli_config_get_cluster(config, used->cluster_id) : NULL;

	if (cluster == NULL || cluster->client_id == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: %s is the path of the CLI config file */
			    _("--update-config: no cluster with client credentials in %s"),
			    arc_cli_config_get_path(config));
		return NULL;
	}
	return cluster;
}

/* Only the entry of the credential that was rotated gets its new secret */
static gboolean
arc_cli_credentials_update_config(ArcCliContext *ctx, ArcCliCluster *cluster, JsonObject *rotated,
				  GError **error)
{
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	const gchar *client_id = arc_cli_json_get_string(rotated, "client_id");
	const gchar *secret = arc_cli_json_get_string(rotated, "client_secret");

	if (client_id == NULL || secret == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    _("unexpected response from the agent"));
		return FALSE;
	}
	if (g_strcmp0(client_id, cluster->client_id) != 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: the first %s is the rotated client id; then the
			       cluster id, the client id the config has for it, the config path */
			    _("the rotated credential %s is not the credential of cluster %s "
			      "(%s) in %s: configuration not updated"),
			    client_id, cluster->cluster_id, cluster->client_id,
			    arc_cli_config_get_path(config));
		return FALSE;
	}
	arc_cli_cluster_set_client_secret(cluster, secret);
	arc_cli_config_set_cluster(config, cluster);
	if (!arc_cli_config_save(config, error))
		return FALSE;
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		g_print(_("Configuration updated: %s\n"), arc_cli_config_get_path(config));
	else
		g_printerr(_("Configuration updated: %s\n"), arc_cli_config_get_path(config));
	return TRUE;
}

static gboolean
arc_cli_credentials_rotate_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean update_config = FALSE;
	const GOptionEntry entries[] = {
		{"update-config", 0, 0, G_OPTION_ARG_NONE, &update_config,
		 N_("Write the new secret into the current cluster's entry of the config file"),
		 NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *rotated;

	if (!arc_cli_command_parse(&argv, ARC_CLI_CREDENTIALS_ROTATE_USAGE,
				   N_("Rotate the shared cluster credential: a new secret, the old "
				      "one valid for 24 more hours"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_CREDENTIALS_ROTATE_USAGE,
					error))
		return FALSE;
	/* which entry gets the secret is known once the agent is chosen, before any request */
	if (update_config) {
		if (arc_cli_context_get_client(ctx, error) == NULL)
			return FALSE;
		cluster = arc_cli_credentials_config_cluster(ctx, error);
		if (cluster == NULL)
			return FALSE;
	}
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response =
		arc_cli_client_call(client, "POST", "/v1/cluster/credentials/rotate", NULL, error);
	if (response == NULL)
		return FALSE;
	rotated = arc_cli_json_expect_object(response, error);
	if (rotated == NULL)
		return FALSE;
	/* the secret is shown only once: print it before anything else can fail */
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE) {
		if (!arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error))
			return FALSE;
	} else {
		arc_cli_credentials_print_rotated(rotated);
	}
	if (cluster == NULL)
		return TRUE;
	return arc_cli_credentials_update_config(ctx, cluster, rotated, error);
}

static const ArcCliSubcommand arc_cli_credentials_subcommands[] = {
	{"list", N_("List the client credentials"), arc_cli_credentials_list_run},
	{"create", N_("Create a client credential"), arc_cli_credentials_create_run},
	{"revoke", N_("Revoke a client credential"), arc_cli_credentials_revoke_run},
	{"rotate", N_("Rotate the shared cluster credential"), arc_cli_credentials_rotate_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_credentials = {
	.name = "credentials",
	.alias = "credential",
	.summary = N_("Manage the OAuth client credentials of the cluster"),
	.subcommands = arc_cli_credentials_subcommands,
};
