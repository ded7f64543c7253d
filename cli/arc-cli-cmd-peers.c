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

/* `arctic peers list | get` (§5.5); add, update, delete and remove-self come with the
 * handshake */

static const gchar *
arc_cli_peers_string(JsonObject *peer, const gchar *member)
{
	JsonNode *node = json_object_get_member(peer, member);
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
		return "";
	return json_node_get_string(node);
}

/* ID  NAME  ADDRESS, columns as wide as their widest cell */
static void
arc_cli_peers_print_table(JsonArray *peers)
{
	/* TRANSLATORS: column headings of `arctic peers list` */
	const gchar *headings[] = {N_("ID"), N_("NAME"), N_("ADDRESS")};
	const gchar *members[] = {"id", "name", "address"};
	gsize widths[G_N_ELEMENTS(members)];

	for (guint c = 0; c < G_N_ELEMENTS(members); c++) {
		widths[c] = (gsize)g_utf8_strlen(_(headings[c]), -1);
		for (guint i = 0; i < json_array_get_length(peers); i++) {
			JsonObject *peer = json_array_get_object_element(peers, i);
			gsize len;

			if (peer == NULL)
				continue;
			len = (gsize)g_utf8_strlen(arc_cli_peers_string(peer, members[c]), -1);
			widths[c] = MAX(widths[c], len);
		}
	}
	g_print("%-*s  %-*s  %s\n", (int)widths[0], _(headings[0]), (int)widths[1], _(headings[1]),
		_(headings[2]));
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		if (peer == NULL)
			continue;
		g_print("%-*s  %-*s  %s\n", (int)widths[0], arc_cli_peers_string(peer, "id"),
			(int)widths[1], arc_cli_peers_string(peer, "name"),
			arc_cli_peers_string(peer, "address"));
	}
}

static gboolean
arc_cli_peers_list_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean local = FALSE, remote = FALSE;
	const GOptionEntry entries[] = {
		{"local", 0, 0, G_OPTION_ARG_NONE, &local, N_("Only the local peer"), NULL},
		{"remote", 0, 0, G_OPTION_ARG_NONE, &remote, N_("Only remote peers"), NULL},
		{NULL},
	};
	const gchar *path = "/v1/peers";
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;

	if (!arc_cli_command_parse(&argv, "peers list [--local|--remote]",
				   N_("List the peers of the cluster"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic peers list", error))
		return FALSE;
	if (local && remote) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--local and --remote exclude each other"));
		return FALSE;
	}
	if (local || remote)
		path = local ? "/v1/peers?is_local=true" : "/v1/peers?is_local=false";
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	if (response == NULL)
		return FALSE;
	if (!JSON_NODE_HOLDS_ARRAY(response)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    _("unexpected response from the agent"));
		return FALSE;
	}
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_peers_print_table(json_node_get_array(response));
	return TRUE;
}

static gboolean
arc_cli_peers_get_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	g_autofree gchar *escaped = NULL;
	g_autofree gchar *path = NULL;
	JsonObject *peer;

	if (!arc_cli_command_parse(&argv, "peers get PEER-ID", N_("Show one peer"), NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic peers get PEER-ID", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	escaped = g_uri_escape_string(argv[1], NULL, FALSE);
	path = g_strconcat("/v1/peers/", escaped, NULL);
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	if (response == NULL)
		return FALSE;
	peer = arc_cli_json_expect_object(response, error);
	if (peer == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_fields_add_member(fields, _("ID:"), peer, "id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Name:"), peer, "name", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Public Key:"), peer, "public_key", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Is Local:"), peer, "is_local", ARC_CLI_FIELD_YES_NO);
	arc_cli_fields_add_member(fields, _("Address:"), peer, "address", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created At:"), peer, "created_at", ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_peers_subcommands[] = {
	{"list", N_("List the peers of the cluster"), arc_cli_peers_list_run},
	{"get", N_("Show one peer"), arc_cli_peers_get_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_peers = {
	.name = "peers",
	.alias = "peer",
	.summary = N_("Manage the peers of the cluster"),
	.subcommands = arc_cli_peers_subcommands,
};
