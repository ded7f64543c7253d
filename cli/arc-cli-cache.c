/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-cache.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "arc-cli-error.h"
#include "arc-cli-json.h"

/*
 * The completion cache (spec §6.3): the peers and services of each cluster, as `cache
 * refresh` last fetched them, so that shell completion can offer ids and names without
 * ever touching the network. Each cluster entry carries its own `updated_at` next to the
 * file's, because `cache refresh` may update one cluster and leave the others as they were.
 */

/**
 * arc_cli_cache_default_path:
 *
 * Returns: (transfer full): `$XDG_CACHE_HOME/arctic/completion.json`, else
 * `~/.cache/arctic/completion.json`
 */
gchar *
arc_cli_cache_default_path(void)
{
	return g_build_filename(g_get_user_cache_dir(), "arctic", "completion.json", NULL);
}

/**
 * arc_cli_cache_load:
 * @path: the cache file
 *
 * A missing file is an empty cache. A file that is not a cache of this version is an error,
 * so that `cache status` can say so; completion simply ignores it.
 *
 * Returns: (transfer full): the cache's root object, or %NULL with @error set
 */
JsonObject *
arc_cli_cache_load(const gchar *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *data = NULL;
	g_autoptr(JsonNode) root = NULL;
	gsize length = 0;
	JsonObject *object;

	if (!g_file_get_contents(path, &data, &length, &error_local)) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return json_object_new();
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: first %s is a path, second the reason */
			    _("cannot read cache file %s: %s"), path, error_local->message);
		return NULL;
	}
	root = arc_cli_json_parse(data, length, &error_local);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root) ||
	    json_object_get_int_member_with_default(json_node_get_object(root), "version", 0) !=
		    ARC_CLI_CACHE_VERSION) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("cannot read cache file %s: %s"), path,
			    error_local != NULL ? error_local->message
						: _("not a completion cache of version 1"));
		return NULL;
	}
	object = json_node_get_object(root);
	return json_object_ref(object);
}

/**
 * arc_cli_cache_save:
 * @path: the cache file
 * @cache: the cache's root object
 *
 * Writes the file atomically, creating its directory when needed.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_cache_save(const gchar *path, JsonObject *cache, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autofree gchar *text = NULL;

	json_node_set_object(root, cache);
	text = json_to_string(root, FALSE);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: first %s is a path, second the reason */
			    _("cannot write cache file %s: %s"), path, g_strerror(errno));
		return FALSE;
	}
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
				      &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("cannot write cache file %s: %s"), path, error_local->message);
		return FALSE;
	}
	return TRUE;
}

static void
arc_cli_cache_copy_string(JsonObject *to, JsonObject *from, const gchar *to_member,
			  const gchar *from_member)
{
	const gchar *value = arc_cli_json_get_string(from, from_member);

	if (value != NULL)
		json_object_set_string_member(to, to_member, value);
}

static JsonArray *
arc_cli_cache_peers(JsonArray *peers, const gchar *now)
{
	JsonArray *out = json_array_new();

	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		JsonObject *entry;
		const gchar *address;

		if (peer == NULL || arc_cli_json_get_string(peer, "id") == NULL)
			continue;
		entry = json_object_new();
		arc_cli_cache_copy_string(entry, peer, "id", "id");
		arc_cli_cache_copy_string(entry, peer, "name", "name");
		address = arc_cli_json_get_string(peer, "address");
		if (address != NULL) {
			g_autofree gchar *url = g_strconcat("http://", address, NULL);

			json_object_set_string_member(entry, "url", url);
		}
		json_object_set_boolean_member(
			entry, "is_local",
			json_object_get_boolean_member_with_default(peer, "is_local", FALSE));
		json_object_set_string_member(entry, "cached_at", now);
		json_array_add_object_element(out, entry);
	}
	return out;
}

static JsonArray *
arc_cli_cache_services(JsonArray *services, const gchar *now)
{
	JsonArray *out = json_array_new();

	for (guint i = 0; i < json_array_get_length(services); i++) {
		JsonObject *service = json_array_get_object_element(services, i);
		JsonObject *entry;

		if (service == NULL || arc_cli_json_get_string(service, "id") == NULL)
			continue;
		entry = json_object_new();
		arc_cli_cache_copy_string(entry, service, "id", "id");
		arc_cli_cache_copy_string(entry, service, "source_peer_id", "source_peer_id");
		arc_cli_cache_copy_string(entry, service, "target_peer_id", "target_peer_id");
		json_object_set_string_member(entry, "cached_at", now);
		json_array_add_object_element(out, entry);
	}
	return out;
}

/**
 * arc_cli_cache_set_cluster:
 * @cache: the cache's root object
 * @cluster_id: a cluster id
 * @peers: the answer of `GET /v1/peers`
 * @services: the answer of `GET /v1/services`
 * @now: the time of the refresh
 *
 * Replaces the cluster's entry and marks the cache as updated at @now.
 */
void
arc_cli_cache_set_cluster(JsonObject *cache, const gchar *cluster_id, JsonArray *peers,
			  JsonArray *services, GDateTime *now)
{
	g_autoptr(GDateTime) utc = g_date_time_to_utc(now);
	g_autofree gchar *stamp = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	JsonObject *clusters;
	JsonObject *entry = json_object_new();

	if (!json_object_has_member(cache, "clusters") ||
	    json_object_get_object_member(cache, "clusters") == NULL)
		json_object_set_object_member(cache, "clusters", json_object_new());
	clusters = json_object_get_object_member(cache, "clusters");
	json_object_set_int_member(cache, "version", ARC_CLI_CACHE_VERSION);
	json_object_set_string_member(cache, "updated_at", stamp);
	json_object_set_string_member(entry, "updated_at", stamp);
	json_object_set_array_member(entry, "peers", arc_cli_cache_peers(peers, stamp));
	json_object_set_array_member(entry, "services", arc_cli_cache_services(services, stamp));
	json_object_set_object_member(clusters, cluster_id, entry);
}

/**
 * arc_cli_cache_get_cluster:
 * @cache: the cache's root object
 * @cluster_id: (nullable): a cluster id
 *
 * Returns: (transfer none) (nullable): the cluster's entry
 */
JsonObject *
arc_cli_cache_get_cluster(JsonObject *cache, const gchar *cluster_id)
{
	JsonNode *clusters = json_object_get_member(cache, "clusters");
	JsonNode *entry;

	if (cluster_id == NULL || clusters == NULL || !JSON_NODE_HOLDS_OBJECT(clusters))
		return NULL;
	entry = json_object_get_member(json_node_get_object(clusters), cluster_id);
	return entry != NULL && JSON_NODE_HOLDS_OBJECT(entry) ? json_node_get_object(entry) : NULL;
}

/**
 * arc_cli_cache_get_updated_at:
 * @cache: the cache's root object
 * @cluster_id: (nullable): a cluster id, or %NULL for the file as a whole
 *
 * Returns: (transfer full) (nullable): when the cluster (or any cluster) was last refreshed
 */
GDateTime *
arc_cli_cache_get_updated_at(JsonObject *cache, const gchar *cluster_id)
{
	JsonObject *entry = arc_cli_cache_get_cluster(cache, cluster_id);
	const gchar *stamp = NULL;

	if (entry != NULL)
		stamp = arc_cli_json_get_string(entry, "updated_at");
	if (stamp == NULL)
		stamp = arc_cli_json_get_string(cache, "updated_at");
	return stamp != NULL ? g_date_time_new_from_iso8601(stamp, NULL) : NULL;
}

/**
 * arc_cli_cache_is_fresh:
 * @cache: the cache's root object
 * @cluster_id: (nullable): a cluster id, or %NULL for the file as a whole
 * @ttl: the `cache_ttl` preference, in seconds
 * @now: the time to compare with
 *
 * Returns: %TRUE if the entry is younger than @ttl (a time in the future is not fresh)
 */
gboolean
arc_cli_cache_is_fresh(JsonObject *cache, const gchar *cluster_id, gint64 ttl, GDateTime *now)
{
	g_autoptr(GDateTime) updated = arc_cli_cache_get_updated_at(cache, cluster_id);
	GTimeSpan age;

	if (updated == NULL)
		return FALSE;
	age = g_date_time_difference(now, updated);
	return age >= 0 && age < ttl * G_TIME_SPAN_SECOND;
}

/**
 * arc_cli_cache_get_array:
 * @entry: a cluster entry
 * @member: `peers` or `services`
 *
 * Returns: (transfer none) (nullable): the list, if it is one
 */
JsonArray *
arc_cli_cache_get_array(JsonObject *entry, const gchar *member)
{
	JsonNode *node = json_object_get_member(entry, member);

	return node != NULL && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}
