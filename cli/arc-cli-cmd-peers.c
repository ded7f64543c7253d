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
#include "arc-cli-peer-address.h"
#include "arc-cli-tunnel.h"

/*
 * `arctic peers list | get | add | update | delete | remove-self` (spec §5.5, API §4.7).
 * `add` asks the agent to run the handshake with another agent; with --debug the agent
 * reports each step and they are shown on stderr. The new peer is added to the cluster's
 * entry in the CLI config, as one more place to fail over to.
 */

#define ARC_CLI_PEERS_ADD_USAGE "peers add ADDRESS [--name ALIAS] [--join-token TOKEN]"
#define ARC_CLI_PEERS_UPDATE_USAGE "peers update PEER-ID --name NAME"
#define ARC_CLI_PEERS_DELETE_USAGE "peers delete PEER-ID [--yes]"
#define ARC_CLI_PEERS_REMOVE_SELF_USAGE "peers remove-self [--yes]"

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
	if (arc_cli_json_expect_array(response, error) == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	arc_cli_peers_print_table(json_node_get_array(response));
	return TRUE;
}

/* `/v1/peers/ID`, the id escaped */
static gchar *
arc_cli_peers_path(const gchar *id)
{
	g_autofree gchar *escaped = g_uri_escape_string(id, NULL, FALSE);

	return g_strconcat("/v1/peers/", escaped, NULL);
}

/* The peer without the handshake's `steps`, which --debug shows on stderr instead */
static JsonObject *
arc_cli_peers_copy_without_steps(JsonObject *peer)
{
	JsonObject *copy = json_object_new();
	g_autoptr(GList) members = json_object_get_members(peer);

	for (GList *l = members; l != NULL; l = l->next) {
		if (g_strcmp0(l->data, "steps") == 0)
			continue;
		json_object_set_member(copy, l->data,
				       json_node_copy(json_object_get_member(peer, l->data)));
	}
	return copy;
}

/* One peer object, as `peers get`, `add` and `update` print it */
static gboolean
arc_cli_peers_print_peer(ArcCliContext *ctx, JsonNode *response, GError **error)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(16);
	g_autoptr(JsonObject) peer = NULL;
	g_autofree gchar *tunnel = NULL;
	JsonObject *object = arc_cli_json_expect_object(response, error);
	JsonNode *node;

	if (object == NULL)
		return FALSE;
	peer = arc_cli_peers_copy_without_steps(object);
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_object(arc_cli_context_get_format(ctx), peer, error);
	arc_cli_fields_add_member(fields, _("ID:"), peer, "id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Name:"), peer, "name", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Public Key:"), peer, "public_key", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Is Local:"), peer, "is_local", ARC_CLI_FIELD_YES_NO);
	arc_cli_fields_add_member(fields, _("Address:"), peer, "address", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Created At:"), peer, "created_at", ARC_CLI_FIELD_TIME);
	/* what this agent's tunnel says of a remote peer, when the agent shows it */
	node = json_object_get_member(peer, "tunnel");
	if (node != NULL && JSON_NODE_HOLDS_OBJECT(node))
		tunnel = arc_cli_tunnel_summary(json_node_get_object(node), "status", TRUE);
	if (tunnel != NULL)
		arc_cli_fields_add(fields, _("Tunnel:"), tunnel);
	arc_cli_fields_print(fields);
	return TRUE;
}

static gboolean
arc_cli_peers_get_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_command_parse(&argv, "peers get PEER-ID", N_("Show one peer"), NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic peers get PEER-ID", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_peers_path(argv[1]);
	response = arc_cli_client_call(client, "GET", path, NULL, error);
	if (response == NULL)
		return FALSE;
	return arc_cli_peers_print_peer(ctx, response, error);
}

/*
 * `handshake: hello ok (1.4 ms): sent challenge to 127.0.0.1:8081`. Debug output is for
 * whoever reads the agent's logs next to it, so it is not translated.
 */
static void
arc_cli_peers_debug_step(JsonObject *step)
{
	JsonNode *ok = json_object_get_member(step, "ok");
	JsonNode *elapsed = json_object_get_member(step, "elapsed_ms");
	const gchar *name = arc_cli_json_get_string(step, "step");
	const gchar *detail = arc_cli_json_get_string(step, "detail");
	g_autoptr(GString) line = g_string_new("handshake: ");
	gboolean succeeded = ok != NULL && json_node_get_value_type(ok) == G_TYPE_BOOLEAN &&
			     json_node_get_boolean(ok);

	g_string_append_printf(line, "%s %s", name != NULL ? name : "?",
			       succeeded ? "ok" : "FAILED");
	if (elapsed != NULL && (json_node_get_value_type(elapsed) == G_TYPE_DOUBLE ||
				json_node_get_value_type(elapsed) == G_TYPE_INT64)) {
		gchar ms[G_ASCII_DTOSTR_BUF_SIZE];

		g_ascii_formatd(ms, sizeof(ms), "%.1f", json_node_get_double(elapsed));
		g_string_append_printf(line, " (%s ms)", ms);
	}
	if (detail != NULL && detail[0] != '\0')
		g_string_append_printf(line, ": %s", detail);
	arc_cli_output_debug("%s", line->str);
}

/* The `steps` the agent adds to its answers to `?debug=true`, success or failure */
static void
arc_cli_peers_debug_steps(JsonNode *response)
{
	JsonObject *object;
	JsonNode *steps;

	if (!arc_cli_output_get_debug() || !JSON_NODE_HOLDS_OBJECT(response))
		return;
	object = json_node_get_object(response);
	steps = json_object_get_member(object, "steps");
	if (steps == NULL || !JSON_NODE_HOLDS_ARRAY(steps))
		return;
	for (guint i = 0; i < json_array_get_length(json_node_get_array(steps)); i++) {
		JsonNode *step = json_array_get_element(json_node_get_array(steps), i);

		if (JSON_NODE_HOLDS_OBJECT(step))
			arc_cli_peers_debug_step(json_node_get_object(step));
	}
}

/* What the error line leaves out: the code, the machine reason and the detail */
static void
arc_cli_peers_debug_error(guint status, JsonNode *response)
{
	JsonObject *object;
	const gchar *code;
	const gchar *reason;
	const gchar *detail;

	if (!arc_cli_output_get_debug() || !JSON_NODE_HOLDS_OBJECT(response))
		return;
	object = json_node_get_object(response);
	code = arc_cli_json_get_string(object, "code");
	reason = arc_cli_json_get_string(object, "reason");
	detail = arc_cli_json_get_string(object, "detail");
	arc_cli_output_debug("agent answered %u %s%s%s", status, code != NULL ? code : "",
			     reason != NULL ? ", reason " : "", reason != NULL ? reason : "");
	if (detail != NULL && detail[0] != '\0')
		arc_cli_output_debug("detail: %s", detail);
}

static JsonNode *
arc_cli_peers_add_body(const gchar *address, const gchar *name, const gchar *join_token)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "address");
	json_builder_add_string_value(builder, address);
	if (name != NULL) {
		json_builder_set_member_name(builder, "name");
		json_builder_add_string_value(builder, name);
	}
	if (join_token != NULL) {
		json_builder_set_member_name(builder, "join_token");
		json_builder_add_string_value(builder, join_token);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/*
 * POST /v1/peers: the agent runs the handshake with the new peer before it answers. Any 4xx
 * is the agent's verdict on that peer (exit 1), not a failure to reach our own agent (4).
 */
static JsonNode *
arc_cli_peers_add_request(ArcCliClient *client, JsonNode *body, GError **error)
{
	const gchar *path = arc_cli_output_get_debug() ? "/v1/peers?debug=true" : "/v1/peers";
	g_autoptr(JsonNode) response = NULL;
	guint status = 0;

	response = arc_cli_client_request(client, "POST", path, body, &status, error);
	if (response == NULL)
		return NULL;
	arc_cli_peers_debug_steps(response);
	if (status < 200 || status > 299) {
		arc_cli_peers_debug_error(status, response);
		g_propagate_error(error, arc_cli_client_api_error(status, response));
		return NULL;
	}
	return g_steal_pointer(&response);
}

/*
 * The new peer joins the cluster's entry in the config file, so that later commands can
 * fail over to it. Only for a cluster the agent we asked belongs to, only if the entry does
 * not know the peer yet, and without a word on success: the command's output stays the
 * agent's answer.
 */
static void
arc_cli_peers_add_to_config(ArcCliContext *ctx, ArcCliClient *client, const gchar *address,
			    JsonObject *peer)
{
	ArcCliConfig *config = arc_cli_context_get_config(ctx);
	ArcCliCluster *used = arc_cli_context_get_cluster(ctx);
	const gchar *peer_id = arc_cli_json_get_string(peer, "id");
	const gchar *name = arc_cli_json_get_string(peer, "name");
	g_autoptr(ArcCliCluster) cluster = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *endpoint = arc_cli_peer_address_to_url(address);

	if (used == NULL || peer_id == NULL || peer_id[0] == '\0')
		return;
	cluster = arc_cli_config_get_cluster(config, used->cluster_id);
	if (cluster == NULL ||
	    !arc_cli_cluster_has_endpoint(cluster, arc_cli_client_get_url(client)))
		return;
	if (arc_cli_cluster_get_peer(cluster, peer_id) != NULL ||
	    arc_cli_cluster_has_endpoint(cluster, endpoint))
		return;
	arc_cli_cluster_set_peer(
		cluster,
		arc_cli_peer_new(peer_id, name != NULL && name[0] != '\0' ? name : NULL, endpoint));
	arc_cli_config_set_cluster(config, cluster);
	if (!arc_cli_config_save(config, &error_local)) {
		arc_cli_output_warning("%s", error_local->message);
		return;
	}
	arc_cli_output_debug("added peer %s at %s to cluster %s in %s", peer_id, endpoint,
			     cluster->cluster_id, arc_cli_config_get_path(config));
}

static gboolean
arc_cli_peers_add_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *name = NULL;
	g_autofree gchar *join_token = NULL;
	const GOptionEntry entries[] = {
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, N_("A name for the new peer"),
		 N_("ALIAS")},
		{"join-token", 0, 0, G_OPTION_ARG_STRING, &join_token,
		 /* TRANSLATORS: a host that is not a member yet joins a cluster through ADDRESS */
		 N_("Join the cluster of ADDRESS with a token from 'arctic cluster join-token "
		    "create' there"),
		 N_("TOKEN")},
		{NULL},
	};
	ArcCliClient *client;
	g_autofree gchar *address = NULL;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_PEERS_ADD_USAGE,
				   N_("Add a peer by the address of its agent. This agent runs the "
				      "handshake with it; --debug shows each step."),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_PEERS_ADD_USAGE, error))
		return FALSE;
	address = arc_cli_peer_address_parse(argv[1], error);
	if (address == NULL)
		return FALSE;
	body = arc_cli_peers_add_body(address, name, join_token);
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_peers_add_request(client, body, error);
	if (response == NULL)
		return FALSE;
	if (!arc_cli_peers_print_peer(ctx, response, error))
		return FALSE;
	arc_cli_peers_add_to_config(ctx, client, address, json_node_get_object(response));
	return TRUE;
}

static gboolean
arc_cli_peers_update_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *name = NULL;
	const GOptionEntry entries[] = {
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The new name of the peer"),
		 N_("NAME")},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	g_autofree gchar *path = NULL;

	if (!arc_cli_command_parse(&argv, ARC_CLI_PEERS_UPDATE_USAGE, N_("Rename a peer"), entries,
				   error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_PEERS_UPDATE_USAGE, error))
		return FALSE;
	if (name == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("--name is required"));
		return FALSE;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "name");
	json_builder_add_string_value(builder, name);
	json_builder_end_object(builder);
	body = json_builder_get_root(builder);
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_peers_path(argv[1]);
	response = arc_cli_client_call(client, "PUT", path, body, error);
	if (response == NULL)
		return FALSE;
	return arc_cli_peers_print_peer(ctx, response, error);
}

/* the credentials minted on a removed peer went with it (docs/auth.md): say which, and warn
 * when this CLI's own is one of them, before its next command fails */
static void
arc_cli_peers_print_revoked(ArcCliContext *ctx, JsonNode *response)
{
	JsonObject *obj = JSON_NODE_HOLDS_OBJECT(response) ? json_node_get_object(response) : NULL;
	JsonArray *revoked = obj != NULL && json_object_has_member(obj, "revoked_credentials")
				     ? json_object_get_array_member(obj, "revoked_credentials")
				     : NULL;
	ArcCliCluster *cluster = arc_cli_context_get_cluster(ctx);
	const gchar *own = cluster != NULL ? cluster->client_id : NULL;

	for (guint i = 0; revoked != NULL && i < json_array_get_length(revoked); i++) {
		const gchar *client_id = json_array_get_string_element(revoked, i);
		if (client_id == NULL)
			continue;
		/* TRANSLATORS: %s is a client id (cli_…) */
		g_print(_("Credential %s revoked with the peer\n"), client_id);
		if (g_strcmp0(client_id, own) == 0)
			/* TRANSLATORS: %s is a client id (cli_…) */
			g_printerr(_("Warning: %s is the credential this CLI uses: its next "
				     "command will be refused; configure another credential\n"),
				   client_id);
	}
}

static gboolean
arc_cli_peers_delete_run(ArcCliContext *ctx, gchar **argv, GError **error)
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

	if (!arc_cli_command_parse(&argv, ARC_CLI_PEERS_DELETE_USAGE,
				   N_("Delete a peer from the whole cluster, not only from this "
				      "agent:\nthe peer is revoked on every node and told that it "
				      "was removed."),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_PEERS_DELETE_USAGE, error))
		return FALSE;
	/* DELETE /v1/peers/self is remove-self: leaving takes its own command and question */
	if (g_strcmp0(argv[1], "self") == 0) {
		g_set_error_literal(
			error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			_("to remove this agent from the cluster, use 'arctic peers remove-self'"));
		return FALSE;
	}
	/* TRANSLATORS: %s is a peer id */
	question = g_strdup_printf(
		_("Delete peer %s from the cluster? It is revoked on every node."), argv[1]);
	if (!yes && !arc_cli_command_confirm(question, error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	path = arc_cli_peers_path(argv[1]);
	response = arc_cli_client_call(client, "DELETE", path, NULL, error);
	if (response == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error);
	/* TRANSLATORS: %s is a peer id */
	g_print(_("Peer %s deleted\n"), argv[1]);
	arc_cli_peers_print_revoked(ctx, response);
	return TRUE;
}

/* The peers that did not hear of our leaving forget us only when they next sync */
static void
arc_cli_peers_note_unreachable(JsonObject *result)
{
	JsonNode *list = json_object_get_member(result, "unreachable");

	if (list == NULL || !JSON_NODE_HOLDS_ARRAY(list))
		return;
	for (guint i = 0; i < json_array_get_length(json_node_get_array(list)); i++) {
		JsonNode *element = json_array_get_element(json_node_get_array(list), i);
		JsonObject *peer;
		const gchar *id;
		const gchar *address;
		const gchar *reason;

		if (!JSON_NODE_HOLDS_OBJECT(element))
			continue;
		peer = json_node_get_object(element);
		id = arc_cli_json_get_string(peer, "id");
		address = arc_cli_json_get_string(peer, "address");
		reason = arc_cli_json_get_string(peer, "error");
		if (reason == NULL)
			/* TRANSLATORS: the reason of a failure the agent did not explain */
			reason = _("no reason given");
		if (address != NULL)
			/* TRANSLATORS: peer id, host:port, reason */
			arc_cli_output_note(_("Could not notify %s at %s: %s"),
					    id != NULL ? id : "?", address, reason);
		else
			arc_cli_output_note(_("Could not notify %s: %s"), id != NULL ? id : "?",
					    reason);
	}
}

static void
arc_cli_peers_print_left(JsonObject *result)
{
	const gchar *id = arc_cli_json_get_string(result, "id");
	JsonNode *notified = json_object_get_member(result, "notified");
	guint count = 0;

	if (notified != NULL && JSON_NODE_HOLDS_ARRAY(notified))
		count = json_array_get_length(json_node_get_array(notified));
	if (id != NULL)
		/* TRANSLATORS: %s is the id of this agent's peer */
		g_print(_("Peer %s left the cluster\n"), id);
	else
		g_print("%s\n", _("This agent left the cluster"));
	/* TRANSLATORS: %u is a number of peers */
	g_print(_("Notified: %u peer(s)\n"), count);
}

static gboolean
arc_cli_peers_remove_self_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{"yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask for confirmation"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *result;

	if (!arc_cli_command_parse(&argv, ARC_CLI_PEERS_REMOVE_SELF_USAGE,
				   N_("Remove this agent from the cluster: it stops syncing and "
				      "tells the other peers to forget it"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic " ARC_CLI_PEERS_REMOVE_SELF_USAGE,
					error))
		return FALSE;
	if (!yes && !arc_cli_command_confirm(_("Remove this agent from the cluster? It stops "
					       "syncing and the other peers forget it."),
					     error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	response = arc_cli_client_call(client, "DELETE", "/v1/peers/self", NULL, error);
	if (response == NULL)
		return FALSE;
	result = arc_cli_json_expect_object(response, error);
	if (result == NULL)
		return FALSE;
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE) {
		if (!arc_cli_output_print_node(arc_cli_context_get_format(ctx), response, error))
			return FALSE;
	} else {
		arc_cli_peers_print_left(result);
	}
	arc_cli_peers_note_unreachable(result);
	return TRUE;
}
static const ArcCliSubcommand arc_cli_peers_subcommands[] = {
	{"list", N_("List the peers of the cluster"), arc_cli_peers_list_run},
	{"get", N_("Show one peer"), arc_cli_peers_get_run},
	{"add", N_("Add a peer by its address (runs the handshake)"), arc_cli_peers_add_run},
	{"update", N_("Rename a peer"), arc_cli_peers_update_run},
	{"delete", N_("Delete a peer from the whole cluster (revoked on every node)"),
	 arc_cli_peers_delete_run},
	{"remove-self", N_("Remove this agent from the cluster"), arc_cli_peers_remove_self_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_peers = {
	.name = "peers",
	.alias = "peer",
	.summary = N_("Manage the peers of the cluster"),
	.subcommands = arc_cli_peers_subcommands,
};
