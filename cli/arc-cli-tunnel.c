/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-tunnel.h"

#include <glib/gi18n.h>

#include "arc-cli-json.h"

/* The tunnel's state of a peer in one line, from `tunnel.status` of /v1/peers/{id} or
 * `tunnel` of /v1/cluster/status (docs/dataplane.md, "Troubleshooting the tunnel"). */

/* 42s, 5m 3s, 2h 5m, 3d 4h */
static gchar *
arc_cli_tunnel_duration(gint64 seconds)
{
	if (seconds < 60)
		return g_strdup_printf("%" G_GINT64_FORMAT "s", seconds);
	if (seconds < 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT "m %" G_GINT64_FORMAT "s", seconds / 60,
				       seconds % 60);
	if (seconds < 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT "h %" G_GINT64_FORMAT "m",
				       seconds / 3600, seconds % 3600 / 60);
	return g_strdup_printf("%" G_GINT64_FORMAT "d %" G_GINT64_FORMAT "h", seconds / 86400,
			       seconds % 86400 / 3600);
}

/* a counter as `1.2 MiB`; 0 for anything that is not a non-negative integer */
static gchar *
arc_cli_tunnel_bytes(JsonObject *status, const gchar *member)
{
	JsonNode *node = json_object_get_member(status, member);
	gint64 value = node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
				       json_node_get_value_type(node) == G_TYPE_INT64
			       ? json_node_get_int(node)
			       : 0;
	g_autofree gchar *size =
		g_format_size_full((guint64)MAX(value, 0), G_FORMAT_SIZE_IEC_UNITS);
	GString *text = g_string_new(size);

	/* GLib puts a no-break space before the unit: a plain one reads the same, in any
	 * terminal's charset, and greps as people type it */
	g_string_replace(text, "\u00a0", " ", 0);
	return g_string_free(text, FALSE);
}

static void
arc_cli_tunnel_append_handshake(GString *line, JsonObject *status)
{
	JsonNode *node = json_object_get_member(status, "handshake_age_seconds");
	g_autofree gchar *ago = NULL;
	gint64 age;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_INT64) {
		/* TRANSLATORS: the tunnel to a peer has never completed a handshake */
		g_string_append(line, _("no handshake yet"));
		return;
	}
	age = MAX(json_node_get_int(node), 0);
	ago = arc_cli_tunnel_duration(age);
	if (age < ARC_CLI_TUNNEL_SESSION_SECONDS)
		/* TRANSLATORS: %s is a duration such as "42s" or "5m 3s" */
		g_string_append_printf(line, _("up, handshake %s ago"), ago);
	else
		/* TRANSLATORS: %s is a duration; idle: no traffic, so no recent handshake */
		g_string_append_printf(line, _("idle, handshake %s ago"), ago);
}

/**
 * arc_cli_tunnel_summary:
 * @holder: (nullable): the object holding the tunnel's state
 * @member: its name, `status` or `tunnel`
 * @with_endpoint: whether to name the endpoint too
 *
 * `up, handshake 42s ago, endpoint 10.0.0.2:51840, rx 1.2 MiB, tx 3.4 MiB`; that the data
 * plane is disabled when the member is null, rather than zeros that would read as a dead
 * tunnel.
 *
 * Returns: (transfer full) (nullable): the line, or %NULL when @holder has no such member
 */
gchar *
arc_cli_tunnel_summary(JsonObject *holder, const gchar *member, gboolean with_endpoint)
{
	JsonNode *node = holder != NULL ? json_object_get_member(holder, member) : NULL;
	g_autoptr(GString) line = NULL;
	g_autofree gchar *rx = NULL;
	g_autofree gchar *tx = NULL;
	JsonObject *status;
	const gchar *endpoint;

	if (node == NULL)
		return NULL;
	if (JSON_NODE_HOLDS_NULL(node))
		/* TRANSLATORS: no tunnel state to show: this agent runs without its data plane */
		return g_strdup(_("data plane disabled on this agent"));
	if (!JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	status = json_node_get_object(node);
	if (!json_object_get_boolean_member_with_default(status, "in_tunnel", FALSE))
		/* TRANSLATORS: this agent's tunnel holds no session with the peer */
		return g_strdup(_("not in this agent's tunnel"));
	line = g_string_new(NULL);
	arc_cli_tunnel_append_handshake(line, status);
	if (with_endpoint) {
		endpoint = arc_cli_json_get_string(status, "endpoint");
		/* TRANSLATORS: %s is host:port, or "unknown" */
		g_string_append_printf(line, _(", endpoint %s"),
				       endpoint != NULL ? endpoint : _("unknown"));
	}
	rx = arc_cli_tunnel_bytes(status, "rx_bytes");
	tx = arc_cli_tunnel_bytes(status, "tx_bytes");
	/* TRANSLATORS: bytes received and sent through the tunnel, e.g. "1.2 MiB" */
	g_string_append_printf(line, _(", rx %s, tx %s"), rx, tx);
	return g_string_free(g_steal_pointer(&line), FALSE);
}
