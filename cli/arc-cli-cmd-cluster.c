/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "arc-cli-command.h"
#include "arc-cli-fields.h"
#include "arc-cli-json.h"
#include "arc-cli-time.h"

/* `arctic cluster identity | status` (§5.9); init and sync come with gossip */

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

/* "peer 3, credential 1 (1 deleted)" */
static gchar *
arc_cli_cluster_records_line(JsonObject *records)
{
	g_autoptr(GString) line = g_string_new(NULL);
	g_autoptr(GList) kinds = records != NULL ? json_object_get_members(records) : NULL;

	for (GList *l = kinds; l != NULL; l = l->next) {
		JsonObject *counts = json_object_get_object_member(records, l->data);
		gint64 live, deleted;

		if (counts == NULL)
			continue;
		live = json_object_get_int_member_with_default(counts, "live", 0);
		deleted = json_object_get_int_member_with_default(counts, "deleted", 0);
		g_string_append_printf(line, "%s%s %" G_GINT64_FORMAT, line->len > 0 ? ", " : "",
				       (const gchar *)l->data, live);
		if (deleted > 0) {
			g_autofree gchar *n = g_strdup_printf("%" G_GINT64_FORMAT, deleted);
			/* TRANSLATORS: %s is how many replicated records are tombstones */
			g_string_append_printf(line, _(" (%s deleted)"), n);
		}
	}
	return g_string_free(g_steal_pointer(&line), FALSE);
}

static const gchar *
arc_cli_cluster_cell(JsonObject *peer, const gchar *member)
{
	const gchar *value = arc_cli_json_get_string(peer, member);
	return value != NULL && value[0] != '\0' ? value : "-";
}

static void
arc_cli_cluster_print_cell(const gchar *text, gsize width, gboolean last)
{
	if (last)
		g_print("%s\n", text);
	else
		g_print("%-*s  ", (int)width, text);
}

static void
arc_cli_cluster_print_peers(JsonArray *peers)
{
	/* TRANSLATORS: column headings of `arctic cluster status` */
	const gchar *headings[] = {N_("ID"),    N_("NAME"),      N_("ADDRESS"),
				   N_("STATE"), N_("LAST SEEN"), N_("REGISTRY HASH")};
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	gsize widths[G_N_ELEMENTS(headings)];

	for (guint c = 0; c < G_N_ELEMENTS(headings); c++)
		widths[c] = (gsize)g_utf8_strlen(_(headings[c]), -1);
	for (guint i = 0; peers != NULL && i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		g_autofree gchar *seen = NULL;
		g_autofree gchar *hash = NULL;
		gchar **row;

		if (peer == NULL)
			continue;
		seen = arc_cli_json_get_string(peer, "last_seen") != NULL
			       ? arc_cli_time_format_human(
					 arc_cli_json_get_string(peer, "last_seen"))
			       : NULL;
		hash = g_strndup(arc_cli_cluster_cell(peer, "registry_hash"), 12);
		row = g_new0(gchar *, G_N_ELEMENTS(headings) + 1);
		row[0] = g_strconcat(
			arc_cli_cluster_cell(peer, "id"),
			json_object_get_boolean_member_with_default(peer, "is_local", FALSE) ? "*"
											     : "",
			NULL);
		row[1] = g_strdup(arc_cli_cluster_cell(peer, "name"));
		row[2] = g_strdup(arc_cli_cluster_cell(peer, "address"));
		row[3] = g_strdup(arc_cli_cluster_cell(peer, "state"));
		row[4] = g_strdup(seen != NULL ? seen : "-");
		row[5] = g_steal_pointer(&hash);
		for (guint c = 0; c < G_N_ELEMENTS(headings); c++)
			widths[c] = MAX(widths[c], (gsize)g_utf8_strlen(row[c], -1));
		g_ptr_array_add(rows, row);
	}
	for (guint c = 0; c < G_N_ELEMENTS(headings); c++)
		arc_cli_cluster_print_cell(_(headings[c]), widths[c],
					   c + 1 == G_N_ELEMENTS(headings));
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		for (guint c = 0; c < G_N_ELEMENTS(headings); c++)
			arc_cli_cluster_print_cell(row[c], widths[c],
						   c + 1 == G_N_ELEMENTS(headings));
	}
}

static gboolean
arc_cli_cluster_status_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	g_autofree gchar *records = NULL;
	JsonObject *status;

	if (!arc_cli_command_parse(&argv, "cluster status",
				   N_("Show this agent's registry and what it knows of each peer"),
				   NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cluster status", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", "/v1/cluster/status", NULL, error);
	if (response == NULL)
		return FALSE;
	status = arc_cli_json_expect_object(response, error);
	if (status == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	records = arc_cli_cluster_records_line(json_object_get_object_member(status, "records"));
	arc_cli_fields_add_member(fields, _("Cluster ID:"), status, "cluster_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Peer ID:"), status, "peer_id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Registry Hash:"), status, "registry_hash",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add(fields, _("Records:"), records);
	arc_cli_fields_print(fields);
	g_print("\n");
	arc_cli_cluster_print_peers(json_object_get_array_member(status, "peers"));
	return TRUE;
}

static const ArcCliSubcommand arc_cli_cluster_subcommands[] = {
	{"identity", N_("Show the public identity of an agent (no credentials needed)"),
	 arc_cli_cluster_identity_run},
	{"status", N_("Show this agent's registry and what it knows of each peer"),
	 arc_cli_cluster_status_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_cluster = {
	.name = "cluster",
	.summary = N_("Inspect the cluster"),
	.subcommands = arc_cli_cluster_subcommands,
};
