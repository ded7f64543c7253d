/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-yaml.h"

/*
 * `arctic config view | delete-peer` (spec §5.11): the CLI config file itself. Neither talks
 * to an agent.
 */

#define ARC_CLI_CONFIG_REDACTED "<redacted>"

/* Every `client_secret`, wherever it sits, so that keys of newer versions are covered too */
static guint
arc_cli_config_redact(JsonNode *node)
{
	guint count = 0;

	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(array); i++)
			count += arc_cli_config_redact(json_array_get_element(array, i));
	} else if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *object = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(object);

		for (GList *l = members; l != NULL; l = l->next) {
			JsonNode *member = json_object_get_member(object, l->data);

			if (g_strcmp0(l->data, "client_secret") == 0 &&
			    json_node_get_value_type(member) == G_TYPE_STRING) {
				json_object_set_string_member(object, l->data,
							      ARC_CLI_CONFIG_REDACTED);
				count++;
			} else {
				count += arc_cli_config_redact(member);
			}
		}
	}
	return count;
}

static gboolean
arc_cli_config_print(ArcCliContext *ctx, JsonNode *root, GError **error)
{
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	g_autofree gchar *yaml = NULL;

	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_JSON)
		return arc_cli_output_print_node(ARC_CLI_OUTPUT_JSON, root, error);
	yaml = arc_cli_yaml_from_json(root, error);
	if (yaml == NULL)
		return FALSE;
	/* a YAML comment: the output stays a valid config file */
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		g_print("# %s\n", arc_cli_config_get_path(config));
	g_print("%s", yaml);
	return TRUE;
}

static gboolean
arc_cli_config_view_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean show_secrets = FALSE;
	const GOptionEntry entries[] = {
		{"show-secrets", 0, 0, G_OPTION_ARG_NONE, &show_secrets,
		 N_("Show client secrets in clear instead of redacting them"), NULL},
		{NULL},
	};
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	g_autoptr(JsonNode) root = NULL;
	guint redacted = 0;

	if (!arc_cli_command_parse(&argv, "config view [--show-secrets]",
				   N_("Print the CLI config file; client secrets are redacted "
				      "unless --show-secrets is given"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic config view [--show-secrets]", error))
		return FALSE;
	if (!arc_cli_config_get_exists(config)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: %s is a path */
			    _("no config file at %s: run 'arctic bootstrap' or 'arctic compose "
			      "apply' first"),
			    arc_cli_config_get_path(config));
		return FALSE;
	}
	root = arc_cli_config_to_node(config);
	if (!show_secrets)
		redacted = arc_cli_config_redact(root);
	if (!arc_cli_config_print(ctx, root, error))
		return FALSE;
	if (redacted > 0)
		arc_cli_output_note(_("Client secrets are redacted; pass --show-secrets to see "
				      "them."));
	return TRUE;
}

/* The peer entries named by id, else by name; several peers of one name are ambiguous */
static gboolean
arc_cli_config_resolve_peer(ArcCliCluster *cluster, const gchar *wanted, gchar **peer_id,
			    GError **error)
{
	g_autoptr(GPtrArray) by_name = g_ptr_array_new();
	g_autofree gchar *ids = NULL;

	if (arc_cli_cluster_get_peer(cluster, wanted) != NULL) {
		*peer_id = g_strdup(wanted);
		return TRUE;
	}
	for (guint i = 0; i < cluster->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(cluster->peers, i);

		if (g_strcmp0(peer->name, wanted) == 0)
			g_ptr_array_add(by_name, peer->peer_id);
	}
	if (by_name->len == 1) {
		*peer_id = g_strdup(g_ptr_array_index(by_name, 0));
		return TRUE;
	}
	if (by_name->len == 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: first %s is a peer id or name, second a cluster id */
			    _("peer not found: no peer \"%s\" in cluster %s of the config"), wanted,
			    cluster->cluster_id);
		return FALSE;
	}
	g_ptr_array_add(by_name, NULL);
	ids = g_strjoinv(", ", (gchar **)by_name->pdata);
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
		    /* TRANSLATORS: %s is a peer name, then a list of peer ids */
		    _("several peers are named \"%s\" (%s): give the peer id"), wanted, ids);
	return FALSE;
}

static ArcCliCluster *
arc_cli_config_target_cluster(ArcCliConfig *config, const gchar *cluster_id, GError **error)
{
	ArcCliCluster *cluster;

	if (cluster_id == NULL)
		cluster_id = arc_cli_config_get_current_cluster(config);
	if (cluster_id == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
				    _("no current cluster set"));
		return NULL;
	}
	cluster = arc_cli_config_get_cluster(config, cluster_id);
	if (cluster == NULL)
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: first %s is a cluster id, second a path */
			    _("cluster %s is not in %s"), cluster_id,
			    arc_cli_config_get_path(config));
	return cluster;
}

#define ARC_CLI_CONFIG_DELETE_PEER_USAGE "config delete-peer PEER-ID-OR-NAME [--cluster ID]"

static gboolean
arc_cli_config_delete_peer_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *cluster_id = NULL;
	g_autofree gchar *peer_id = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	const GOptionEntry entries[] = {
		{"cluster", 0, 0, G_OPTION_ARG_STRING, &cluster_id,
		 N_("The cluster entry to change (default: the current cluster)"), N_("ID")},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, ARC_CLI_CONFIG_DELETE_PEER_USAGE,
				   N_("Remove a peer entry from the CLI config. The cluster is not "
				      "changed:\nuse 'arctic peers delete' to remove the peer from "
				      "the cluster."),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_CONFIG_DELETE_PEER_USAGE,
					error))
		return FALSE;
	cluster = arc_cli_config_target_cluster(config, cluster_id, error);
	if (cluster == NULL)
		return FALSE;
	if (!arc_cli_config_resolve_peer(cluster, argv[1], &peer_id, error))
		return FALSE;
	arc_cli_cluster_remove_peer(cluster, peer_id);
	arc_cli_config_set_cluster(config, cluster);
	if (!arc_cli_config_save(config, error))
		return FALSE;
	/* TRANSLATORS: a peer id, a cluster id, a path */
	g_print(_("Peer %s removed from cluster %s in %s\n"), peer_id, cluster->cluster_id,
		arc_cli_config_get_path(config));
	if (cluster->peers->len == 0)
		arc_cli_output_warning(_("cluster %s has no peers left in the config: the CLI "
					 "cannot reach it until one is added"),
				       cluster->cluster_id);
	return TRUE;
}

static const ArcCliSubcommand arc_cli_config_subcommands[] = {
	{"view", N_("Print the CLI config file, secrets redacted"), arc_cli_config_view_run},
	{"delete-peer", N_("Remove a peer entry from the CLI config"),
	 arc_cli_config_delete_peer_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_config = {
	.name = "config",
	.summary = N_("View and edit the CLI config file"),
	.subcommands = arc_cli_config_subcommands,
};
