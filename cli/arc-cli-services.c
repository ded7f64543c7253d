/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-services.h"

#include <glib/gi18n.h>
#include <string.h>

#include "arc-cli-error.h"
#include "arc-cli-json.h"
#include "arc-cli-yaml.h"
#include "arc-error.h"

/**
 * arc_cli_services_path:
 * @service_id: a service id as the user typed it
 * @suffix: (nullable): what follows, e.g. `/routes`
 *
 * Returns: (transfer full): `/v1/services/ID` plus @suffix, the id escaped
 */
gchar *
arc_cli_services_path(const gchar *service_id, const gchar *suffix)
{
	g_autofree gchar *escaped = g_uri_escape_string(service_id, NULL, FALSE);

	return g_strconcat("/v1/services/", escaped, suffix, NULL);
}

/**
 * arc_cli_services_map_not_found:
 * @error: an error, or a pointer to %NULL
 * @only_service: whether the service in the path is the only thing the request could miss
 *
 * The agent's 404 for the service is `service not found` (spec §5.7); a 404 for something
 * else the request names, a peer or a route, keeps the agent's words.
 */
void
arc_cli_services_map_not_found(GError **error, gboolean only_service)
{
	if (error == NULL || *error == NULL ||
	    !g_error_matches(*error, ARC_ERROR, ARC_ERROR_NOT_FOUND))
		return;
	if (!only_service && !g_str_has_prefix((*error)->message, "service not found"))
		return;
	/* TRANSLATORS: the error when the service named on the command line does not exist */
	arc_cli_error_replace_api(error, ARC_ERROR_NOT_FOUND, _("service not found"));
}

/**
 * arc_cli_services_text:
 * @object: (nullable): an API object
 * @member: a member name
 *
 * Returns: the member's string value, or `-` for null, missing and empty values
 */
const gchar *
arc_cli_services_text(JsonObject *object, const gchar *member)
{
	const gchar *value = arc_cli_json_get_string(object, member);

	return value != NULL && value[0] != '\0' ? value : "-";
}

/**
 * arc_cli_services_peer_name:
 * @service: a service object
 * @role: `source` or `target`
 *
 * Returns: the name the cluster shows for the peer, its id when it has none
 */
const gchar *
arc_cli_services_peer_name(JsonObject *service, const gchar *role)
{
	g_autofree gchar *name_member = g_strconcat(role, "_peer_name", NULL);
	g_autofree gchar *id_member = g_strconcat(role, "_peer_id", NULL);
	const gchar *name = arc_cli_json_get_string(service, name_member);

	if (name != NULL && name[0] != '\0')
		return name;
	return arc_cli_services_text(service, id_member);
}

static void
arc_cli_services_pad(GString *out, const gchar *text, glong width)
{
	g_string_append(out, text);
	for (glong len = g_utf8_strlen(text, -1); len < width; len++)
		g_string_append_c(out, ' ');
}

/**
 * arc_cli_services_table:
 * @headings: the column headings, translated
 * @columns: how many columns
 * @cells: (element-type utf8): the cells row by row, @columns per row
 * @indent: what starts every line, e.g. `""` or two spaces
 *
 * Columns are as wide as their widest cell, two spaces apart; the last is not padded.
 *
 * Returns: (transfer full): the lines, each ending in a newline
 */
gchar *
arc_cli_services_table(const gchar *const *headings, guint columns, GPtrArray *cells,
		       const gchar *indent)
{
	g_autofree glong *widths = g_new0(glong, columns);
	GString *out = g_string_new(NULL);

	for (guint c = 0; c < columns; c++) {
		widths[c] = g_utf8_strlen(headings[c], -1);
		for (guint i = c; i < cells->len; i += columns)
			widths[c] = MAX(widths[c], g_utf8_strlen(g_ptr_array_index(cells, i), -1));
	}
	for (guint i = 0; i < cells->len + columns; i++) {
		guint c = i % columns;
		const gchar *cell = i < columns
					    ? headings[i]
					    : (const gchar *)g_ptr_array_index(cells, i - columns);

		if (c == 0)
			g_string_append(out, indent);
		if (c + 1 < columns) {
			arc_cli_services_pad(out, cell, widths[c]);
			g_string_append(out, "  ");
		} else {
			g_string_append_printf(out, "%s\n", cell);
		}
	}
	return g_string_free(out, FALSE);
}

/**
 * arc_cli_services_routes_table:
 * @routes: route objects, `{id, service_id, priority, source_cidr, dest_cidr}`
 * @with_service: whether to show the service of each route (for routes of several)
 * @indent: what starts every line
 *
 * Returns: (transfer full): the table `ID  PRIORITY  SOURCE CIDR  DEST CIDR` (spec §5.7),
 * `ID  SERVICE  PRIORITY  …` with @with_service; `-` for a route without one of its CIDRs
 */
gchar *
arc_cli_services_routes_table(JsonArray *routes, gboolean with_service, const gchar *indent)
{
	/* TRANSLATORS: column headings of `arctic routes list` and `arctic services get` */
	const gchar *of_all[] = {_("ID"), _("SERVICE"), _("PRIORITY"), _("SOURCE CIDR"),
				 _("DEST CIDR")};
	const gchar *of_one[] = {_("ID"), _("PRIORITY"), _("SOURCE CIDR"), _("DEST CIDR")};
	g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < json_array_get_length(routes); i++) {
		JsonNode *element = json_array_get_element(routes, i);
		JsonObject *route;
		gchar *id;
		gchar *priority;

		if (!JSON_NODE_HOLDS_OBJECT(element))
			continue;
		route = json_node_get_object(element);
		id = arc_cli_json_to_text(json_object_get_member(route, "id"));
		priority = arc_cli_json_to_text(json_object_get_member(route, "priority"));
		g_ptr_array_add(cells, id != NULL ? id : g_strdup("-"));
		if (with_service)
			g_ptr_array_add(cells,
					g_strdup(arc_cli_services_text(route, "service_id")));
		g_ptr_array_add(cells, priority != NULL ? priority : g_strdup("-"));
		g_ptr_array_add(cells, g_strdup(arc_cli_services_text(route, "source_cidr")));
		g_ptr_array_add(cells, g_strdup(arc_cli_services_text(route, "dest_cidr")));
	}
	if (with_service)
		return arc_cli_services_table(of_all, G_N_ELEMENTS(of_all), cells, indent);
	return arc_cli_services_table(of_one, G_N_ELEMENTS(of_one), cells, indent);
}

/* `true`/`false` and their usual synonyms; -1 for anything else */
static gint
arc_cli_services_parse_switch(const gchar *value)
{
	const gchar *yes[] = {"true", "yes", "on", "1"};
	const gchar *no[] = {"false", "no", "off", "0"};

	for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(value, yes[i]) == 0)
			return 1;
		if (g_ascii_strcasecmp(value, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* `--NAME=VALUE` or `--NAME VALUE` with VALUE a word of arc_cli_services_parse_switch();
 * -1 when argv[i] is neither, -2 for `--NAME=` and a value that is not a switch's */
static gint
arc_cli_services_switch_at(gchar **argv, guint i, const gchar *name, gboolean *pair)
{
	g_autofree gchar *flag = g_strconcat("--", name, NULL);
	gsize len = strlen(flag);

	*pair = FALSE;
	if (g_str_has_prefix(argv[i], flag) && argv[i][len] == '=') {
		gint set = arc_cli_services_parse_switch(argv[i] + len + 1);
		return set >= 0 ? set : -2;
	}
	/* only words, so that `--requires-interface 1` stays the positional it looks like */
	if (g_strcmp0(argv[i], flag) == 0 && argv[i + 1] != NULL &&
	    !g_ascii_isdigit(argv[i + 1][0]) && arc_cli_services_parse_switch(argv[i + 1]) >= 0) {
		*pair = TRUE;
		return arc_cli_services_parse_switch(argv[i + 1]);
	}
	return -1;
}

/**
 * arc_cli_services_split_switches:
 * @argv: (inout): a command's arguments, before arc_cli_command_parse()
 * @names: the switches, without dashes, e.g. `requires-interface`
 *
 * GOption switches take no value; this turns `--NAME=true` and `--NAME true` into `--NAME`,
 * `--NAME=false` and `--NAME false` into `--no-NAME`, so that every spelling works.
 * Arguments after `--` are left alone.
 *
 * Returns: %TRUE, or a usage error for a value that is neither true nor false
 */
gboolean
arc_cli_services_split_switches(gchar **argv, const gchar *const *names, GError **error)
{
	for (guint i = 1; argv[i] != NULL && g_strcmp0(argv[i], "--") != 0; i++) {
		for (guint n = 0; names[n] != NULL; n++) {
			gboolean pair = FALSE;
			gint set = arc_cli_services_switch_at(argv, i, names[n], &pair);

			if (set == -1)
				continue;
			if (set == -2) {
				g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
					    /* TRANSLATORS: %s are what was typed and an option */
					    _("invalid value \"%s\" for --%s: use true or false"),
					    strchr(argv[i], '=') + 1, names[n]);
				return FALSE;
			}
			g_free(argv[i]);
			argv[i] = g_strconcat(set ? "--" : "--no-", names[n], NULL);
			if (pair) {
				g_free(argv[i + 1]);
				memmove(&argv[i + 1], &argv[i + 2],
					(g_strv_length(argv + i + 2) + 1) * sizeof(gchar *));
			}
			break;
		}
	}
	return TRUE;
}

/**
 * arc_cli_services_parse_int:
 * @flag: the option, e.g. `--priority`
 * @text: what was typed
 * @min: the smallest value allowed
 * @max: the largest
 * @value: (out): the number
 *
 * Returns: %TRUE, or a usage error that says what @flag takes
 */
gboolean
arc_cli_services_parse_int(const gchar *flag, const gchar *text, gint64 min, gint64 max,
			   gint64 *value, GError **error)
{
	g_autofree gchar *min_text = NULL;
	g_autofree gchar *max_text = NULL;

	if (g_ascii_string_to_signed(text, 10, min, max, value, NULL))
		return TRUE;
	min_text = g_strdup_printf("%" G_GINT64_FORMAT, min);
	max_text = g_strdup_printf("%" G_GINT64_FORMAT, max);
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
		    /* TRANSLATORS: what was typed, the option, then the smallest and largest
		       values allowed */
		    _("invalid value \"%s\" for %s: expected a whole number from %s to %s"), text,
		    flag, min_text, max_text);
	return FALSE;
}

/**
 * arc_cli_services_strip_error_prefix:
 * @error: an error, or a pointer to %NULL
 * @prefixes: what the agent names the member by, e.g. `routes[0].source_cidr: `
 *
 * The agent names the member of its body an error is about; when the command built the body
 * from options, that name means nothing to the user and goes (the message quotes the value).
 */
void
arc_cli_services_strip_error_prefix(GError **error, const gchar *const *prefixes)
{
	if (error == NULL || *error == NULL || (*error)->domain != ARC_ERROR)
		return;
	for (guint i = 0; prefixes[i] != NULL; i++) {
		gsize len = strlen(prefixes[i]);

		if (!g_str_has_prefix((*error)->message, prefixes[i]))
			continue;
		memmove((*error)->message, (*error)->message + len,
			strlen((*error)->message) - len + 1);
		return;
	}
}

static JsonNode *
arc_cli_services_parse_routes_file(const gchar *filename, GError **error)
{
	g_autofree gchar *data = NULL;
	gsize length = 0;

	if (!g_file_get_contents(filename, &data, &length, error))
		return NULL;
	if (g_str_has_suffix(filename, ".yaml") || g_str_has_suffix(filename, ".yml"))
		return arc_cli_yaml_to_json(data, length, error);
	return arc_cli_json_parse(data, length, error);
}

/**
 * arc_cli_services_read_routes_file:
 * @filename: a file of routes: a JSON array of `{priority, source_cidr, dest_cidr}` or the
 *   API's body `{"routes": [...]}`; YAML of the same shape when named `*.yaml` or `*.yml`
 *
 * Returns: (transfer full): the `routes` array, or %NULL with an error that names the file
 */
JsonNode *
arc_cli_services_read_routes_file(const gchar *filename, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(JsonNode) node = arc_cli_services_parse_routes_file(filename, &error_local);
	JsonNode *routes = node;

	if (node == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: a file name and the reason */
			    _("failed to read routes file %s: %s"), filename, error_local->message);
		return NULL;
	}
	if (JSON_NODE_HOLDS_OBJECT(node))
		routes = json_object_get_member(json_node_get_object(node), "routes");
	if (routes == NULL || !JSON_NODE_HOLDS_ARRAY(routes)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("failed to read routes file %s: %s"), filename,
			    _("expected an array of routes or {\"routes\": [...]}"));
		return NULL;
	}
	return json_node_copy(routes);
}
