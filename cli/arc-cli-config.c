/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "arc-cli-error.h"
#include "arc-cli-json.h"
#include "arc-cli-yaml.h"

/*
 * The CLI config file (spec §6.1). It is kept as a generic tree, so that keys this version
 * does not know survive a rewrite; typed accessors read and write the parts we use.
 */
struct _ArcCliConfig {
	GObject parent_instance;
	gchar *path;
	JsonObject *root;
	gboolean exists;
};

G_DEFINE_FINAL_TYPE(ArcCliConfig, arc_cli_config, G_TYPE_OBJECT)

static void
arc_cli_config_finalize(GObject *object)
{
	ArcCliConfig *self = ARC_CLI_CONFIG(object);

	g_free(self->path);
	json_object_unref(self->root);
	G_OBJECT_CLASS(arc_cli_config_parent_class)->finalize(object);
}

static void
arc_cli_config_class_init(ArcCliConfigClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_cli_config_finalize;
}

static void
arc_cli_config_init(ArcCliConfig *self)
{
	self->root = json_object_new();
}

/**
 * arc_cli_config_default_path:
 *
 * Returns: (transfer full): `$ARCTIC_CONFIG`, else `$XDG_CONFIG_HOME/arctic/config.yaml`,
 * else `~/.config/arctic/config.yaml`
 */
gchar *
arc_cli_config_default_path(void)
{
	const gchar *env = g_getenv("ARCTIC_CONFIG");

	if (env != NULL && env[0] != '\0')
		return g_strdup(env);
	return g_build_filename(g_get_user_config_dir(), "arctic", "config.yaml", NULL);
}

/**
 * arc_cli_config_new:
 * @path: the config file
 *
 * Returns: (transfer full): an empty config that loads from and saves to @path
 */
ArcCliConfig *
arc_cli_config_new(const gchar *path)
{
	ArcCliConfig *self = g_object_new(ARC_TYPE_CLI_CONFIG, NULL);

	self->path = g_strdup(path);
	return self;
}

/**
 * arc_cli_config_get_path:
 * @self: a config
 *
 * Returns: the config file's path
 */
const gchar *
arc_cli_config_get_path(ArcCliConfig *self)
{
	return self->path;
}

/**
 * arc_cli_config_get_exists:
 * @self: a config
 *
 * Returns: %TRUE if the last load found the file
 */
gboolean
arc_cli_config_get_exists(ArcCliConfig *self)
{
	return self->exists;
}

static gboolean
arc_cli_config_parse(ArcCliConfig *self, const gchar *data, gsize length, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(JsonNode) root = arc_cli_yaml_to_json(data, length, &error_local);

	if (root == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: first %s is a path, second the reason */
			    _("invalid config file %s: %s"), self->path, error_local->message);
		return FALSE;
	}
	if (JSON_NODE_HOLDS_NULL(root))
		return TRUE;
	if (!JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("invalid config file %s: %s"), self->path,
			    _("the top level is not a mapping"));
		return FALSE;
	}
	json_object_unref(self->root);
	self->root = json_object_ref(json_node_get_object(root));
	return TRUE;
}

/**
 * arc_cli_config_load:
 * @self: a config
 *
 * Reads the file. A file that does not exist is an empty config, not an error.
 *
 * Returns: %TRUE on success; else @error is an %ARC_CLI_ERROR_CONFIG
 */
gboolean
arc_cli_config_load(ArcCliConfig *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *data = NULL;
	gsize length = 0;

	if (!g_file_get_contents(self->path, &data, &length, &error_local)) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			self->exists = FALSE;
			return TRUE;
		}
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: %s is the reason */
			    _("cannot read config file: %s"), error_local->message);
		return FALSE;
	}
	self->exists = TRUE;
	return arc_cli_config_parse(self, data, length, error);
}

/**
 * arc_cli_config_to_node:
 * @self: a config
 *
 * Known sections first, in the order of spec §6.1; anything else after, as it was.
 *
 * Returns: (transfer full): a copy of the whole config, as saved to the file
 */
JsonNode *
arc_cli_config_to_node(ArcCliConfig *self)
{
	const gchar *known[] = {"current_cluster", "clusters", "preferences", NULL};
	JsonObject *ordered = json_object_new();
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);
	g_autoptr(GList) members = json_object_get_members(self->root);

	for (guint i = 0; known[i] != NULL; i++) {
		JsonNode *member = json_object_get_member(self->root, known[i]);

		if (member != NULL)
			json_object_set_member(ordered, known[i], json_node_copy(member));
	}
	for (GList *l = members; l != NULL; l = l->next) {
		if (!g_strv_contains(known, l->data))
			json_object_set_member(
				ordered, l->data,
				json_node_copy(json_object_get_member(self->root, l->data)));
	}
	json_node_take_object(node, ordered);
	return node;
}

/**
 * arc_cli_config_to_yaml:
 * @self: a config
 *
 * Returns: (transfer full): the config as the YAML text saved to the file
 */
gchar *
arc_cli_config_to_yaml(ArcCliConfig *self, GError **error)
{
	g_autoptr(JsonNode) root = arc_cli_config_to_node(self);

	return arc_cli_yaml_from_json(root, error);
}

/**
 * arc_cli_config_save:
 * @self: a config
 *
 * Writes the file atomically with mode 0600, as it holds client secrets, creating its
 * directory with mode 0700 when needed.
 *
 * Returns: %TRUE on success; else @error is an %ARC_CLI_ERROR_CONFIG
 */
gboolean
arc_cli_config_save(ArcCliConfig *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *dir = g_path_get_dirname(self->path);
	g_autofree gchar *text = arc_cli_config_to_yaml(self, &error_local);

	if (text == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("cannot write config file %s: %s"), self->path, error_local->message);
		return FALSE;
	}
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    /* TRANSLATORS: first %s is a path, second the reason */
			    _("cannot write config file %s: %s"), self->path, g_strerror(errno));
		return FALSE;
	}
	if (!g_file_set_contents_full(self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
				      &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("cannot write config file %s: %s"), self->path, error_local->message);
		return FALSE;
	}
	self->exists = TRUE;
	return TRUE;
}

/**
 * arc_cli_config_get_current_cluster:
 * @self: a config
 *
 * Returns: (nullable): the id of the current cluster
 */
const gchar *
arc_cli_config_get_current_cluster(ArcCliConfig *self)
{
	const gchar *id = arc_cli_json_get_string(self->root, "current_cluster");

	return id != NULL && id[0] != '\0' ? id : NULL;
}

/**
 * arc_cli_config_set_current_cluster:
 * @self: a config
 * @cluster_id: the cluster to make current
 */
void
arc_cli_config_set_current_cluster(ArcCliConfig *self, const gchar *cluster_id)
{
	json_object_set_string_member(self->root, "current_cluster", cluster_id);
}

static JsonObject *
arc_cli_config_get_section(ArcCliConfig *self, const gchar *name, gboolean create)
{
	JsonNode *node = json_object_get_member(self->root, name);

	if (node != NULL && JSON_NODE_HOLDS_OBJECT(node))
		return json_node_get_object(node);
	if (!create)
		return NULL;
	json_object_set_object_member(self->root, name, json_object_new());
	return json_object_get_object_member(self->root, name);
}

/**
 * arc_cli_config_get_cluster_ids:
 * @self: a config
 *
 * Returns: (transfer container) (element-type utf8): the keys of `clusters`, in file order
 */
GPtrArray *
arc_cli_config_get_cluster_ids(ArcCliConfig *self)
{
	JsonObject *clusters = arc_cli_config_get_section(self, "clusters", FALSE);
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GList) members = clusters != NULL ? json_object_get_members(clusters) : NULL;

	for (GList *l = members; l != NULL; l = l->next)
		g_ptr_array_add(ids, g_strdup(l->data));
	return ids;
}

/**
 * arc_cli_config_get_cluster:
 * @self: a config
 * @cluster_id: (nullable): a key of `clusters`
 *
 * Returns: (transfer full) (nullable): a copy of the cluster entry
 */
ArcCliCluster *
arc_cli_config_get_cluster(ArcCliConfig *self, const gchar *cluster_id)
{
	JsonObject *clusters = arc_cli_config_get_section(self, "clusters", FALSE);
	JsonNode *node;

	if (clusters == NULL || cluster_id == NULL)
		return NULL;
	node = json_object_get_member(clusters, cluster_id);
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	return arc_cli_cluster_from_json(cluster_id, json_node_get_object(node));
}

/**
 * arc_cli_config_find_cluster_by_endpoint:
 * @self: a config
 * @url: an agent URL
 *
 * Returns: (transfer full) (nullable): a copy of the first cluster with a peer at @url
 */
ArcCliCluster *
arc_cli_config_find_cluster_by_endpoint(ArcCliConfig *self, const gchar *url)
{
	g_autoptr(GPtrArray) ids = arc_cli_config_get_cluster_ids(self);

	for (guint i = 0; i < ids->len; i++) {
		g_autoptr(ArcCliCluster) cluster =
			arc_cli_config_get_cluster(self, g_ptr_array_index(ids, i));

		if (cluster != NULL && arc_cli_cluster_has_endpoint(cluster, url))
			return g_steal_pointer(&cluster);
	}
	return NULL;
}

/**
 * arc_cli_config_set_cluster:
 * @self: a config
 * @cluster: the entry to store under its `cluster_id`
 *
 * Adds or updates a cluster entry; keys of an existing entry that @cluster does not know
 * are kept.
 */
void
arc_cli_config_set_cluster(ArcCliConfig *self, const ArcCliCluster *cluster)
{
	JsonObject *clusters = arc_cli_config_get_section(self, "clusters", TRUE);
	JsonNode *node = json_object_get_member(clusters, cluster->cluster_id);

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		json_object_set_object_member(clusters, cluster->cluster_id, json_object_new());
		node = json_object_get_member(clusters, cluster->cluster_id);
	}
	arc_cli_cluster_to_json(cluster, json_node_get_object(node));
}

static JsonNode *
arc_cli_config_get_preference(ArcCliConfig *self, const gchar *key)
{
	JsonObject *preferences = arc_cli_config_get_section(self, "preferences", FALSE);

	return preferences != NULL ? json_object_get_member(preferences, key) : NULL;
}

/**
 * arc_cli_config_get_preference_string:
 * @self: a config
 * @key: a key of `preferences`
 *
 * Returns: (nullable): the preference if it is a string
 */
const gchar *
arc_cli_config_get_preference_string(ArcCliConfig *self, const gchar *key)
{
	JsonNode *node = arc_cli_config_get_preference(self, key);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

/**
 * arc_cli_config_get_preference_int:
 * @self: a config
 * @key: a key of `preferences`
 * @fallback: the value if the preference is not set or not a number
 *
 * Returns: the preference
 */
gint64
arc_cli_config_get_preference_int(ArcCliConfig *self, const gchar *key, gint64 fallback)
{
	JsonNode *node = arc_cli_config_get_preference(self, key);
	gint64 value = fallback;

	if (node == NULL)
		return fallback;
	if (json_node_get_value_type(node) == G_TYPE_INT64)
		return json_node_get_int(node);
	if (json_node_get_value_type(node) == G_TYPE_STRING &&
	    g_ascii_string_to_signed(json_node_get_string(node), 10, G_MININT64, G_MAXINT64, &value,
				     NULL))
		return value;
	return fallback;
}

/**
 * arc_cli_config_get_preference_bool:
 * @self: a config
 * @key: a key of `preferences`
 * @fallback: the value if the preference is not set or not a boolean
 *
 * Returns: the preference
 */
gboolean
arc_cli_config_get_preference_bool(ArcCliConfig *self, const gchar *key, gboolean fallback)
{
	JsonNode *node = arc_cli_config_get_preference(self, key);

	if (node == NULL || json_node_get_value_type(node) != G_TYPE_BOOLEAN)
		return fallback;
	return json_node_get_boolean(node);
}
