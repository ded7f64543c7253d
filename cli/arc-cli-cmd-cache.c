/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "arc-cli-cache.h"
#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-json.h"

/* `arctic cache refresh | status` (spec §5.12): the completion cache of arc-cli-cache.c */

/* What refreshing one cluster gave */
typedef struct {
	gchar *cluster_id;
	gchar *url; /* the endpoint that answered */
	guint peers;
	guint services;
	gint64 duration_ms;
	GError *error;
} ArcCliCacheRefresh;

static void
arc_cli_cache_refresh_free(ArcCliCacheRefresh *self)
{
	g_free(self->cluster_id);
	g_free(self->url);
	g_clear_error(&self->error);
	g_free(self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliCacheRefresh, arc_cli_cache_refresh_free)

/* seconds as the reference prints them: 1h, 5m, 30s, 2d */
static gchar *
arc_cli_cache_format_span(gint64 seconds)
{
	if (seconds >= 86400 && seconds % 86400 == 0)
		return g_strdup_printf("%" G_GINT64_FORMAT "d", seconds / 86400);
	if (seconds >= 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT "h", seconds / 3600);
	if (seconds >= 60)
		return g_strdup_printf("%" G_GINT64_FORMAT "m", seconds / 60);
	return g_strdup_printf("%" G_GINT64_FORMAT "s", MAX(seconds, 0));
}

static gint64
arc_cli_cache_get_ttl(ArcCliContext *ctx)
{
	gint64 ttl = arc_cli_config_get_preference_int(arc_cli_context_get_config(ctx), "cache_ttl",
						       ARC_CLI_CACHE_DEFAULT_TTL);

	return ttl > 0 ? ttl : ARC_CLI_CACHE_DEFAULT_TTL;
}

static JsonNode *
arc_cli_cache_fetch_array(ArcCliClient *client, const gchar *path, GError **error)
{
	g_autoptr(JsonNode) node = arc_cli_client_call(client, "GET", path, NULL, error);

	if (node == NULL || arc_cli_json_expect_array(node, error) == NULL)
		return NULL;
	return g_steal_pointer(&node);
}

/* Tries the cluster's peers in turn (the client does), then stores what it got in @cache */
static gboolean
arc_cli_cache_refresh_cluster(ArcCliContext *ctx, const ArcCliCluster *cluster, JsonObject *cache,
			      ArcCliCacheRefresh *result, GError **error)
{
	g_autoptr(GPtrArray) urls = arc_cli_cluster_get_urls(cluster, TRUE);
	g_autoptr(ArcCliClient) client = NULL;
	g_autoptr(JsonNode) peers = NULL;
	g_autoptr(JsonNode) services = NULL;
	g_autoptr(GDateTime) now = NULL;

	if (urls->len == 0 || cluster->client_id == NULL || cluster->client_secret == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: %s is a cluster id */
			    _("cluster %s has no peer endpoints or no client credentials"),
			    cluster->cluster_id);
		return FALSE;
	}
	client = arc_cli_client_new(urls, arc_cli_context_get_timeout(ctx), FALSE);
	if (!arc_cli_client_fetch_token(client, cluster->client_id, cluster->client_secret, error))
		return FALSE;
	peers = arc_cli_cache_fetch_array(client, "/v1/peers", error);
	if (peers == NULL)
		return FALSE;
	services = arc_cli_cache_fetch_array(client, "/v1/services", error);
	if (services == NULL)
		return FALSE;
	result->url = g_strdup(arc_cli_client_get_url(client));
	result->peers = json_array_get_length(json_node_get_array(peers));
	result->services = json_array_get_length(json_node_get_array(services));
	now = g_date_time_new_now_utc();
	arc_cli_cache_set_cluster(cache, cluster->cluster_id, json_node_get_array(peers),
				  json_node_get_array(services), now);
	return TRUE;
}

static gchar *
arc_cli_cache_short_id(const gchar *id)
{
	if (g_utf8_strlen(id, -1) <= 16)
		return g_strdup(id);
	return g_strdup_printf("%.13s...", id);
}

static void
arc_cli_cache_print_refresh_table(GPtrArray *results)
{
	/* TRANSLATORS: column headings of `arctic cache refresh` */
	g_print("%-16s  %-28s  %5s  %8s  %-7s  %8s  %s\n", _("CLUSTER"), _("PEER"), _("PEERS"),
		_("SERVICES"), _("STATUS"), _("DURATION"), _("ERROR"));
	for (guint i = 0; i < results->len; i++) {
		ArcCliCacheRefresh *r = g_ptr_array_index(results, i);
		g_autofree gchar *id = arc_cli_cache_short_id(r->cluster_id);
		g_autofree gchar *ms = g_strdup_printf("%" G_GINT64_FORMAT "ms", r->duration_ms);

		g_print("%-16s  %-28s  %5u  %8u  %-7s  %8s  %s\n", id,
			r->url != NULL ? r->url : "-", r->peers, r->services,
			r->error == NULL ? _("success") : _("failed"), ms,
			r->error != NULL ? r->error->message : "");
	}
}

static gboolean
arc_cli_cache_print_refresh_json(ArcCliContext *ctx, GPtrArray *results, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array(b);
	for (guint i = 0; i < results->len; i++) {
		ArcCliCacheRefresh *r = g_ptr_array_index(results, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "cluster_id");
		json_builder_add_string_value(b, r->cluster_id);
		json_builder_set_member_name(b, "peer");
		json_builder_add_string_value(b, r->url);
		json_builder_set_member_name(b, "peers");
		json_builder_add_int_value(b, r->peers);
		json_builder_set_member_name(b, "services");
		json_builder_add_int_value(b, r->services);
		json_builder_set_member_name(b, "status");
		json_builder_add_string_value(b, r->error == NULL ? "success" : "failed");
		json_builder_set_member_name(b, "duration_ms");
		json_builder_add_int_value(b, r->duration_ms);
		json_builder_set_member_name(b, "error");
		json_builder_add_string_value(b, r->error != NULL ? r->error->message : NULL);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	root = json_builder_get_root(b);
	return arc_cli_output_print_node(arc_cli_context_get_format(ctx), root, error);
}

/* Exit 0 when all succeeded, 4 when none was reachable, 6 when some failed (§5.2) */
static gboolean
arc_cli_cache_refresh_outcome(GPtrArray *results, GError **error)
{
	guint failed = 0, unreachable = 0;

	for (guint i = 0; i < results->len; i++) {
		ArcCliCacheRefresh *r = g_ptr_array_index(results, i);

		if (r->error == NULL)
			continue;
		failed++;
		if (arc_cli_error_exit_code(r->error) == ARC_CLI_ERROR_CONNECTION)
			unreachable++;
	}
	if (failed == 0)
		return TRUE;
	if (failed < results->len) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_PARTIAL,
			    /* TRANSLATORS: how many clusters failed, of how many */
			    _("cache refresh failed for %u of %u clusters"), failed, results->len);
	} else if (unreachable == failed) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION,
				    _("cache refresh failed: no agent could be reached"));
	} else if (results->len == 1) {
		ArcCliCacheRefresh *r = g_ptr_array_index(results, 0);

		g_propagate_error(error, g_error_copy(r->error));
	} else {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
				    _("cache refresh failed for every cluster"));
	}
	return FALSE;
}

/* The current cluster, or with @all every cluster of the config (as ids) */
static GPtrArray *
arc_cli_cache_refresh_targets(ArcCliConfig *config, gboolean all, GError **error)
{
	g_autoptr(GPtrArray) ids = NULL;
	const gchar *current = arc_cli_config_get_current_cluster(config);

	if (all) {
		ids = arc_cli_config_get_cluster_ids(config);
	} else {
		ids = g_ptr_array_new_with_free_func(g_free);
		if (current != NULL)
			g_ptr_array_add(ids, g_strdup(current));
	}
	if (ids->len == 0) {
		/* the reference gives "config missing" exit 1 here, not 3 */
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: %s is a path */
			    _("no current cluster set in %s: nothing to refresh"),
			    arc_cli_config_get_path(config));
		return NULL;
	}
	return g_steal_pointer(&ids);
}

static ArcCliCacheRefresh *
arc_cli_cache_refresh_one(ArcCliContext *ctx, const gchar *cluster_id, JsonObject *cache)
{
	ArcCliCacheRefresh *result = g_new0(ArcCliCacheRefresh, 1);
	g_autoptr(ArcCliCluster) cluster =
		arc_cli_config_get_cluster(arc_cli_context_get_config(ctx), cluster_id);
	gint64 start = g_get_monotonic_time();

	result->cluster_id = g_strdup(cluster_id);
	if (cluster == NULL)
		g_set_error(&result->error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("cluster %s is not in %s"), cluster_id,
			    arc_cli_config_get_path(arc_cli_context_get_config(ctx)));
	else
		arc_cli_cache_refresh_cluster(ctx, cluster, cache, result, &result->error);
	result->duration_ms = (g_get_monotonic_time() - start) / 1000;
	return result;
}

static gboolean
arc_cli_cache_refresh_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean all = FALSE;
	const GOptionEntry entries[] = {
		{"all", 0, 0, G_OPTION_ARG_NONE, &all,
		 N_("Refresh every cluster of the config, not only the current one"), NULL},
		{NULL},
	};
	g_autofree gchar *path = arc_cli_cache_default_path();
	g_autoptr(GPtrArray) ids = NULL;
	g_autoptr(GPtrArray) results =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_cli_cache_refresh_free);
	g_autoptr(JsonObject) cache = NULL;
	gboolean any_ok = FALSE;

	if (!arc_cli_command_parse(&argv, "cache refresh [--all]",
				   N_("Fetch the peers and services of the cluster into the "
				      "completion cache"),
				   entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cache refresh [--all]", error))
		return FALSE;
	ids = arc_cli_cache_refresh_targets(arc_cli_context_get_config(ctx), all, error);
	if (ids == NULL)
		return FALSE;
	/* a cache we cannot read is rebuilt, not a reason to fail */
	cache = arc_cli_cache_load(path, NULL);
	if (cache == NULL)
		cache = json_object_new();
	for (guint i = 0; i < ids->len; i++) {
		ArcCliCacheRefresh *r =
			arc_cli_cache_refresh_one(ctx, g_ptr_array_index(ids, i), cache);

		any_ok |= r->error == NULL;
		g_ptr_array_add(results, r);
	}
	if (any_ok && !arc_cli_cache_save(path, cache, error))
		return FALSE;
	if (arc_cli_context_get_format(ctx) == ARC_CLI_OUTPUT_TABLE)
		arc_cli_cache_print_refresh_table(results);
	else if (!arc_cli_cache_print_refresh_json(ctx, results, error))
		return FALSE;
	if (any_ok)
		/* TRANSLATORS: %s is a path */
		arc_cli_output_note(_("Completion cache written to %s"), path);
	return arc_cli_cache_refresh_outcome(results, error);
}

static void
arc_cli_cache_build_cluster_counts(JsonBuilder *b, JsonObject *cache)
{
	JsonNode *clusters = json_object_get_member(cache, "clusters");
	g_autoptr(GList) members = NULL;

	json_builder_begin_object(b);
	if (clusters != NULL && JSON_NODE_HOLDS_OBJECT(clusters))
		members = json_object_get_members(json_node_get_object(clusters));
	for (GList *l = members; l != NULL; l = l->next) {
		JsonObject *entry = arc_cli_cache_get_cluster(cache, l->data);
		JsonArray *peers, *services;

		if (entry == NULL)
			continue;
		peers = arc_cli_cache_get_array(entry, "peers");
		services = arc_cli_cache_get_array(entry, "services");
		json_builder_set_member_name(b, l->data);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "peers");
		json_builder_add_int_value(b, peers != NULL ? json_array_get_length(peers) : 0);
		json_builder_set_member_name(b, "services");
		json_builder_add_int_value(b,
					   services != NULL ? json_array_get_length(services) : 0);
		json_builder_set_member_name(b, "updated_at");
		json_builder_add_string_value(b, arc_cli_json_get_string(entry, "updated_at"));
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

/* The status as one object: what -o json prints, and what the table is made from */
static JsonNode *
arc_cli_cache_status_node(const gchar *path, JsonObject *cache, gint64 ttl)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) updated = arc_cli_cache_get_updated_at(cache, NULL);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "location");
	json_builder_add_string_value(b, path);
	json_builder_set_member_name(b, "updated_at");
	json_builder_add_string_value(b, arc_cli_json_get_string(cache, "updated_at"));
	json_builder_set_member_name(b, "age_seconds");
	if (updated != NULL)
		json_builder_add_int_value(b, g_date_time_difference(now, updated) /
						      G_TIME_SPAN_SECOND);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "ttl_seconds");
	json_builder_add_int_value(b, ttl);
	json_builder_set_member_name(b, "stale");
	json_builder_add_boolean_value(b, !arc_cli_cache_is_fresh(cache, NULL, ttl, now));
	json_builder_set_member_name(b, "clusters");
	arc_cli_cache_build_cluster_counts(b, cache);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* `Cache Location: …`, values at column 16 as in the reference, one space at least */
static void
arc_cli_cache_print_line(const gchar *label, const gchar *value)
{
	g_autoptr(GString) line = g_string_new(label);

	do
		g_string_append_c(line, ' ');
	while (g_utf8_strlen(line->str, -1) < 16);
	g_print("%s%s\n", line->str, value);
}

static void
arc_cli_cache_print_status(JsonObject *status)
{
	g_autofree gchar *ttl =
		arc_cli_cache_format_span(json_object_get_int_member(status, "ttl_seconds"));
	g_autofree gchar *updated = NULL;
	JsonObject *clusters = json_object_get_object_member(status, "clusters");
	g_autoptr(GList) ids = json_object_get_members(clusters);
	gboolean stale = json_object_get_boolean_member(status, "stale");
	const gchar *stamp = arc_cli_json_get_string(status, "updated_at");

	if (stamp != NULL) {
		g_autofree gchar *age = arc_cli_cache_format_span(
			json_object_get_int_member(status, "age_seconds"));

		/* TRANSLATORS: a time, how long ago, and FRESH or STALE */
		updated = g_strdup_printf(_("%s (%s ago) [%s]"), stamp, age,
					  stale ? _("STALE") : _("FRESH"));
	}
	arc_cli_cache_print_line(_("Cache Location:"), arc_cli_json_get_string(status, "location"));
	arc_cli_cache_print_line(_("Last Updated:"), updated != NULL ? updated : _("never"));
	arc_cli_cache_print_line(_("TTL:"), ttl);
	if (stamp == NULL)
		g_print("%s\n", _("Hint: No cache yet. Run 'arctic cache refresh' to create it."));
	else if (stale)
		g_print("%s\n", _("Hint: Cache is older than TTL. Run 'arctic cache refresh' to "
				  "update it; completion ignores a stale cache."));
	for (GList *l = ids; l != NULL; l = l->next) {
		JsonObject *c = json_object_get_object_member(clusters, l->data);

		/* TRANSLATORS: a cluster id, how many peers and services the cache holds */
		g_print(_("Cluster %s: %u peers, %u services\n"), (const gchar *)l->data,
			(guint)json_object_get_int_member(c, "peers"),
			(guint)json_object_get_int_member(c, "services"));
	}
}

static gboolean
arc_cli_cache_status_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *path = arc_cli_cache_default_path();
	g_autoptr(JsonObject) cache = NULL;
	g_autoptr(JsonNode) status = NULL;

	if (!arc_cli_command_parse(&argv, "cache status",
				   N_("Show where the completion cache is, how old it is and what "
				      "it holds"),
				   NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic cache status", error))
		return FALSE;
	cache = arc_cli_cache_load(path, error);
	if (cache == NULL)
		return FALSE;
	status = arc_cli_cache_status_node(path, cache, arc_cli_cache_get_ttl(ctx));
	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE)
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), status, error);
	arc_cli_cache_print_status(json_node_get_object(status));
	return TRUE;
}

static const ArcCliSubcommand arc_cli_cache_subcommands[] = {
	{"refresh", N_("Fetch the peers and services of the cluster into the completion cache"),
	 arc_cli_cache_refresh_run},
	{"status", N_("Show where the completion cache is, how old it is and what it holds"),
	 arc_cli_cache_status_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_cache = {
	.name = "cache",
	.summary = N_("Refresh and inspect the shell completion cache"),
	.subcommands = arc_cli_cache_subcommands,
};
