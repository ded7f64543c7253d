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
#include "arc-cli-tunnel.h"

/*
 * `arctic cluster identity | status | init | sync | credentials` (§5.9). `credentials` shows
 * the shared cluster credential (GET /v1/cluster/credentials, without its secret); it sits
 * here, next to the API path it mirrors, while `arctic credentials rotate` changes it.
 */

#define ARC_CLI_CLUSTER_INIT_USAGE "cluster init [--force] [--yes]"
#define ARC_CLI_CLUSTER_JOIN_TOKEN_USAGE "cluster join-token create [--ttl SECONDS]"

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
	const gchar *headings[] = {
		N_("ID"),           N_("NAME"),      N_("ADDRESS"),       N_("STATE"),
		N_("REACHABILITY"), N_("LAST SEEN"), N_("REGISTRY HASH"), N_("TUNNEL")};
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	gsize widths[G_N_ELEMENTS(headings)];

	for (guint c = 0; c < G_N_ELEMENTS(headings); c++)
		widths[c] = (gsize)g_utf8_strlen(_(headings[c]), -1);
	for (guint i = 0; peers != NULL && i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		g_autofree gchar *seen = NULL;
		g_autofree gchar *hash = NULL;
		g_autofree gchar *tunnel = NULL;
		gchar **row;

		if (peer == NULL)
			continue;
		seen = arc_cli_json_get_string(peer, "last_seen") != NULL
			       ? arc_cli_time_format_human(
					 arc_cli_json_get_string(peer, "last_seen"))
			       : NULL;
		hash = g_strndup(arc_cli_cluster_cell(peer, "registry_hash"), 12);
		tunnel = arc_cli_tunnel_summary(peer, "tunnel", FALSE);
		row = g_new0(gchar *, G_N_ELEMENTS(headings) + 1);
		row[0] = g_strconcat(
			arc_cli_cluster_cell(peer, "id"),
			json_object_get_boolean_member_with_default(peer, "is_local", FALSE) ? "*"
											     : "",
			NULL);
		row[1] = g_strdup(arc_cli_cluster_cell(peer, "name"));
		row[2] = g_strdup(arc_cli_cluster_cell(peer, "address"));
		row[3] = g_strdup(arc_cli_cluster_cell(peer, "state"));
		row[4] = g_strdup(arc_cli_cluster_cell(peer, "reachability"));
		row[5] = g_strdup(seen != NULL ? seen : "-");
		row[6] = g_steal_pointer(&hash);
		row[7] = tunnel != NULL ? g_steal_pointer(&tunnel) : g_strdup("-");
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

/* POST with @body (nullable); prints the answer in -o json|yaml and returns it for a table */
static JsonObject *
arc_cli_cluster_post(ArcCliContext *ctx, const gchar *path, JsonNode *body, JsonNode **response,
		     GError **error)
{
	ArcCliClient *client = arc_cli_context_get_authed_client(ctx, error);
	JsonObject *object;

	if (client == NULL)
		return NULL;
	*response = arc_cli_client_call(client, "POST", path, body, error);
	if (*response == NULL)
		return NULL;
	object = arc_cli_json_expect_object(*response, error);
	if (object == NULL)
		return NULL;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE &&
	    !arc_cli_output_print_node(arc_cli_context_get_format(ctx), *response, error))
		return NULL;
	return object;
}

static gboolean
arc_cli_cluster_sync_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autoptr(JsonNode) response = NULL;

	if (!arc_cli_command_parse(&argv, "cluster sync",
				   N_("Make the agent sync with every peer now"), NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cluster sync", error))
		return FALSE;
	if (arc_cli_cluster_post(ctx, "/v1/cluster/sync", NULL, &response, error) == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		g_print("%s\n", _("Cluster sync triggered"));
	return TRUE;
}

static JsonNode *
arc_cli_cluster_init_body(gboolean force)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "force");
	json_builder_add_boolean_value(builder, force);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
arc_cli_cluster_print_init(JsonObject *result)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	const gchar *message = arc_cli_json_get_string(result, "message");

	g_print("%s\n", message != NULL && message[0] != '\0' ? message : _("Cluster initialized"));
	arc_cli_fields_add_member(fields, _("Cluster ID:"), result, "cluster_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created By:"), result, "created_by",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Oldest Peer:"), result, "oldest_peer_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Was Created:"), result, "was_created",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
}

static gboolean
arc_cli_cluster_init_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean force = FALSE;
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{"force", 0, 0, G_OPTION_ARG_NONE, &force,
		 N_("Make a new cluster ID even if there is one (destroys the cluster state)"),
		 NULL},
		{"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL},
		{NULL},
	};
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *result;

	if (!arc_cli_command_parse(&argv, ARC_CLI_CLUSTER_INIT_USAGE,
				   N_("Give an agent upgraded from a version without clusters its "
				      "cluster identity"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_CLUSTER_INIT_USAGE, error))
		return FALSE;
	if (force && !yes &&
	    !arc_cli_command_confirm(_("Make a new cluster ID for this agent? The existing "
				       "cluster state is destroyed."),
				     error))
		return FALSE;
	body = arc_cli_cluster_init_body(force);
	result = arc_cli_cluster_post(ctx, "/v1/cluster/init", body, &response, error);
	if (result == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		arc_cli_cluster_print_init(result);
	return TRUE;
}

/* `cluster join-token create [--ttl SECONDS]`: one token, for one new host */
static gboolean
arc_cli_cluster_join_token_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gint ttl = 0;
	const GOptionEntry entries[] = {
		{"ttl", 0, 0, G_OPTION_ARG_INT, &ttl,
		 N_("Seconds the token stays valid (default 900, at most 86400)"), N_("SECONDS")},
		{NULL},
	};
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonObject *result;

	if (!arc_cli_command_parse(&argv, ARC_CLI_CLUSTER_JOIN_TOKEN_USAGE,
				   N_("Create a single-use token with which one new host joins the "
				      "cluster: 'arctic peers add THIS_AGENT --join-token TOKEN' "
				      "there"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_CLUSTER_JOIN_TOKEN_USAGE,
					error))
		return FALSE;
	if (g_strcmp0(argv[1], "create") != 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    _("unknown action '%s': use 'arctic %s'"), argv[1],
			    ARC_CLI_CLUSTER_JOIN_TOKEN_USAGE);
		return FALSE;
	}
	json_builder_begin_object(b);
	if (ttl != 0) {
		json_builder_set_member_name(b, "ttl");
		json_builder_add_int_value(b, ttl);
	}
	json_builder_end_object(b);
	body = json_builder_get_root(b);
	result = arc_cli_cluster_post(ctx, "/v1/cluster/join-tokens", body, &response, error);
	if (result == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return TRUE;
	arc_cli_fields_add_member(fields, _("Token:"), result, "token", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Expires At:"), result, "expires_at",
				  ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	return TRUE;
}

static gboolean
arc_cli_cluster_credentials_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	JsonObject *credential;

	if (!arc_cli_command_parse(&argv, "cluster credentials",
				   N_("Show the shared cluster credential (never its secret)"),
				   NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cluster credentials", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "GET", "/v1/cluster/credentials", NULL, error);
	if (response == NULL)
		return FALSE;
	credential = arc_cli_json_expect_object(response, error);
	if (credential == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_fields_add_member(fields, _("Client ID:"), credential, "client_id",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Version:"), credential, "version", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Rotated By:"), credential, "rotated_by",
				  ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Rotated At:"), credential, "rotated_at",
				  ARC_CLI_FIELD_TIME);
	arc_cli_fields_print(fields);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_cluster_subcommands[] = {
	{"identity", N_("Show the public identity of an agent (no credentials needed)"),
	 arc_cli_cluster_identity_run},
	{"status", N_("Show this agent's registry and what it knows of each peer"),
	 arc_cli_cluster_status_run},
	{"init", N_("Give an agent upgraded from a version without clusters its cluster identity"),
	 arc_cli_cluster_init_run},
	{"sync", N_("Make the agent sync with every peer now"), arc_cli_cluster_sync_run},
	{"join-token", N_("Create a single-use token for a new host to join the cluster"),
	 arc_cli_cluster_join_token_run},
	{"credentials", N_("Show the shared cluster credential (never its secret)"),
	 arc_cli_cluster_credentials_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_cluster = {
	.name = "cluster",
	.summary = N_("Inspect and initialise the cluster"),
	.subcommands = arc_cli_cluster_subcommands,
};
