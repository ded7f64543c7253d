/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "arc-cli-command.h"
#include "arc-cli-fields.h"
#include "arc-cli-json.h"

/* `arctic cluster identity` (§5.9); init, sync and status come later */

static void
arc_cli_cluster_print_identity(JsonObject *identity)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);

	arc_cli_fields_add_member(fields, _("Peer ID:"), identity, "peer_id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Name:"), identity, "name", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Public Key:"), identity, "public_key",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("License ID:"), identity, "license_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Customer ID:"), identity, "customer_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Cluster ID:"), identity, "cluster_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Version:"), identity, "version", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

static gboolean
arc_cli_cluster_identity_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *identity;

	if (!arc_cli_command_parse(
		    &argv, "cluster identity",
		    N_("Show the public identity of an agent (no credentials needed)"), NULL,
		    error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cluster identity", error))
		return FALSE;
	client = arc_cli_context_get_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", "/v1/cluster/identity", NULL, error);
	if (response == NULL)
		return FALSE;
	identity = arc_cli_json_expect_object(response, error);
	if (identity == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_cluster_print_identity(identity);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_cluster_subcommands[] = {
	{"identity", N_("Show the public identity of an agent (no credentials needed)"),
	 arc_cli_cluster_identity_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_cluster = {
	.name = "cluster",
	.summary = N_("Inspect the cluster"),
	.subcommands = arc_cli_cluster_subcommands,
};
