/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-fields.h"
#include "arc-cli-json.h"
#include "arc-cli-time.h"

/* `arctic health [--readyz]` (§5.10): liveness or readiness, no credentials needed */

static JsonNode *
arc_cli_health_build(JsonObject *identity, const gchar *url, JsonObject *health, gboolean readyz)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree gchar *timestamp =
		arc_cli_time_format_human(arc_cli_json_get_string(health, "timestamp"));
	JsonNode *checks = health != NULL ? json_object_get_member(health, "checks") : NULL;
	const gchar *members[][2] = {
		{"peer_id", arc_cli_json_get_string(identity, "peer_id")},
		{"name", arc_cli_json_get_string(identity, "name")},
		{"url", url},
		{"status", arc_cli_json_get_string(health, "status")},
		{"timestamp", timestamp},
	};

	json_builder_begin_object(builder);
	for (guint i = 0; i < G_N_ELEMENTS(members); i++) {
		json_builder_set_member_name(builder, members[i][0]);
		if (members[i][1] != NULL)
			json_builder_add_string_value(builder, members[i][1]);
		else
			json_builder_add_null_value(builder);
	}
	if (readyz) {
		json_builder_set_member_name(builder, "checks");
		if (checks != NULL && JSON_NODE_HOLDS_ARRAY(checks))
			json_builder_add_value(builder, json_node_copy(checks));
		else
			json_builder_add_null_value(builder);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
arc_cli_health_print_checks(JsonNode *checks)
{
	JsonArray *array;

	if (checks == NULL || !JSON_NODE_HOLDS_ARRAY(checks))
		return;
	array = json_node_get_array(checks);
	g_print("%s\n", _("Checks:"));
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		JsonObject *check =
			JSON_NODE_HOLDS_OBJECT(element) ? json_node_get_object(element) : NULL;
		const gchar *status = arc_cli_json_get_string(check, "status");
		const gchar *message = arc_cli_json_get_string(check, "message");

		g_print("  %s: %s", arc_cli_json_get_string(check, "name"),
			status != NULL ? status : "-");
		if (message != NULL && message[0] != '\0' && g_strcmp0(status, "ok") != 0)
			g_print(" (%s)", message);
		g_print("\n");
	}
}

static void
arc_cli_health_print(JsonObject *result)
{
	g_autoptr(ArcCliFields) fields = arc_cli_fields_new(13);

	arc_cli_fields_add_member(fields, _("Peer ID:"), result, "peer_id", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Name:"), result, "name", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("URL:"), result, "url", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Status:"), result, "status", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_add_member(fields, _("Timestamp:"), result, "timestamp", ARC_CLI_FIELD_TEXT);
	arc_cli_fields_print(fields);
	arc_cli_health_print_checks(json_object_get_member(result, "checks"));
}

/* Peer id and name are a nicety: an agent that does not say who it is is still healthy */
static JsonNode *
arc_cli_health_identity(ArcCliClient *client)
{
	g_autoptr(GError) error_local = NULL;
	JsonNode *identity =
		arc_cli_client_call(client, "GET", "/v1/cluster/identity", NULL, &error_local);

	if (identity == NULL || !JSON_NODE_HOLDS_OBJECT(identity)) {
		arc_cli_output_debug("no identity: %s",
				     error_local != NULL ? error_local->message : "not an object");
		g_clear_pointer(&identity, json_node_unref);
	}
	return identity;
}

static gboolean
arc_cli_health_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean readyz = FALSE;
	const GOptionEntry entries[] = {
		{"readyz", 0, 0, G_OPTION_ARG_NONE, &readyz,
		 N_("Check readiness (/readyz) instead of liveness"), NULL},
		{NULL},
	};
	ArcCliClient *client;
	g_autoptr(JsonNode) health = NULL;
	g_autoptr(JsonNode) identity = NULL;
	g_autoptr(JsonNode) result = NULL;
	guint status = 0;

	if (!arc_cli_command_parse(&argv, "health", arc_cli_cmd_health.summary, entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic health [--readyz]", error))
		return FALSE;
	client = arc_cli_context_get_client(ctx, error);
	if (client == NULL)
		return FALSE;
	health = arc_cli_client_request(client, "GET", readyz ? "/readyz" : "/livez", NULL, &status,
					error);
	if (health == NULL)
		return FALSE;
	identity = arc_cli_health_identity(client);
	result = arc_cli_health_build(
		identity != NULL ? json_node_get_object(identity) : NULL,
		arc_cli_client_get_url(client),
		JSON_NODE_HOLDS_OBJECT(health) ? json_node_get_object(health) : NULL, readyz);
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		arc_cli_health_print(json_node_get_object(result));
	else if (!arc_cli_output_print_node(arc_cli_context_get_format(ctx), result, error))
		return FALSE;
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    readyz ? _("agent is not ready (HTTP %u)")
				   : _("agent is not healthy (HTTP %u)"),
			    status);
		return FALSE;
	}
	return TRUE;
}

const ArcCliCommand arc_cli_cmd_health = {
	.name = "health",
	.summary = N_("Check that an agent is alive, or with --readyz ready"),
	.run = arc_cli_health_run,
};
