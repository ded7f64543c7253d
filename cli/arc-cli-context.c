/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-context.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "arc-cli-error.h"

#define ARC_CLI_DEFAULT_TIMEOUT 30

/*
 * What every command needs: the global options, the config file, and a client for the
 * target agent, authenticated on demand.
 */
struct _ArcCliContext {
	GObject parent_instance;
	/* global options as given */
	gchar *opt_url;
	gchar *opt_config;
	gchar *opt_output;
	gboolean opt_json;
	gint opt_timeout;
	gchar *opt_cacert;
	gchar *opt_token;
	gchar *opt_recovery_token;
	gchar *opt_recovery_token_file;
	gboolean opt_debug;
	gboolean opt_trace;
	gboolean opt_version;
	/* resolved by arc_cli_context_setup() */
	gchar *url;
	ArcCliConfig *config;
	ArcCliOutputFormat format;
	guint timeout;
	gchar *recovery_token;
	GTlsDatabase *tls_database; /* --cacert: trusted instead of the system store */
	/* the agent of this command */
	ArcCliClient *client;
	ArcCliCluster *cluster; /* whose credentials (and maybe endpoints) are used */
	gboolean urls_from_config;
	gboolean authenticated;
};

G_DEFINE_FINAL_TYPE(ArcCliContext, arc_cli_context, G_TYPE_OBJECT)

static void
arc_cli_context_finalize(GObject *object)
{
	ArcCliContext *self = ARC_CLI_CONTEXT(object);

	g_free(self->opt_url);
	g_free(self->opt_config);
	g_free(self->opt_output);
	g_free(self->opt_token);
	g_free(self->opt_cacert);
	g_clear_object(&self->tls_database);
	g_free(self->opt_recovery_token);
	g_free(self->opt_recovery_token_file);
	g_free(self->url);
	g_clear_object(&self->config);
	g_free(self->recovery_token);
	g_clear_object(&self->client);
	g_clear_pointer(&self->cluster, arc_cli_cluster_free);
	G_OBJECT_CLASS(arc_cli_context_parent_class)->finalize(object);
}

static void
arc_cli_context_class_init(ArcCliContextClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_cli_context_finalize;
}

static void
arc_cli_context_init(ArcCliContext *self)
{
	self->opt_timeout = -1;
}

/**
 * arc_cli_context_new:
 *
 * Returns: (transfer full): a context with no options set
 */
ArcCliContext *
arc_cli_context_new(void)
{
	return g_object_new(ARC_TYPE_CLI_CONTEXT, NULL);
}

/**
 * arc_cli_context_get_option_group:
 * @self: a context
 *
 * Returns: (transfer full): the global options, accepted before or after the command
 */
GOptionGroup *
arc_cli_context_get_option_group(ArcCliContext *self)
{
	const GOptionEntry entries[] = {
		{"url", 0, 0, G_OPTION_ARG_STRING, &self->opt_url,
		 N_("Agent to talk to (overrides the config file)"), N_("URL")},
		{"config", 0, 0, G_OPTION_ARG_FILENAME, &self->opt_config,
		 N_("Config file (default: $ARCTIC_CONFIG or ~/.config/arctic/config.yaml)"),
		 N_("PATH")},
		{"output", 'o', 0, G_OPTION_ARG_STRING, &self->opt_output,
		 N_("Output format: table, json or yaml"), N_("FORMAT")},
		{"json", 'j', 0, G_OPTION_ARG_NONE, &self->opt_json, N_("Same as --output json"),
		 NULL},
		{"timeout", 0, 0, G_OPTION_ARG_INT, &self->opt_timeout,
		 N_("Request timeout (default: 30)"), N_("SECONDS")},
		{"cacert", 0, 0, G_OPTION_ARG_FILENAME, &self->opt_cacert,
		 N_("Verify https:// agents against the CA certificates in this PEM file "
		    "instead of the system store"),
		 N_("FILE")},
		{"token", 0, 0, G_OPTION_ARG_STRING, &self->opt_token,
		 N_("Use this access token instead of the client credentials"), N_("JWT")},
		{"recovery-token", 0, 0, G_OPTION_ARG_STRING, &self->opt_recovery_token,
		 N_("Recovery token of the agent (or $ARCTIC_RECOVERY_TOKEN)"), N_("TOKEN")},
		{"recovery-token-file", 0, 0, G_OPTION_ARG_FILENAME, &self->opt_recovery_token_file,
		 N_("Read the recovery token from a file"), N_("PATH")},
		{"debug", 0, 0, G_OPTION_ARG_NONE, &self->opt_debug,
		 N_("Say on stderr what the CLI is doing"), NULL},
		{"trace", 0, 0, G_OPTION_ARG_NONE, &self->opt_trace,
		 N_("Print HTTP requests and responses on stderr, secrets redacted"), NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &self->opt_version, N_("Show the version"),
		 NULL},
		{NULL},
	};
	GOptionGroup *group = g_option_group_new("global", _("Global Options:"),
						 _("Show the global options"), NULL, NULL);

	g_option_group_add_entries(group, entries);
	g_option_group_set_translation_domain(group, GETTEXT_PACKAGE);
	return group;
}

/**
 * arc_cli_context_get_show_version:
 * @self: a context
 *
 * Returns: whether `--version` was given
 */
gboolean
arc_cli_context_get_show_version(ArcCliContext *self)
{
	return self->opt_version;
}

static gboolean
arc_cli_context_setup_format(ArcCliContext *self, GError **error)
{
	const gchar *preference;

	if (self->opt_json) {
		self->format = ARC_CLI_OUTPUT_JSON;
		return TRUE;
	}
	if (self->opt_output != NULL) {
		if (arc_cli_output_format_from_string(self->opt_output, &self->format))
			return TRUE;
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: do not translate table, json, yaml */
			    _("invalid output format \"%s\": use table, json or yaml"),
			    self->opt_output);
		return FALSE;
	}
	preference = arc_cli_config_get_preference_string(self->config, "output_format");
	self->format = ARC_CLI_OUTPUT_TABLE;
	if (preference == NULL || arc_cli_output_format_from_string(preference, &self->format))
		return TRUE;
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
		    _("invalid output_format \"%s\" in %s: use table, json or yaml"), preference,
		    arc_cli_config_get_path(self->config));
	return FALSE;
}

static gboolean
arc_cli_context_setup_timeout(ArcCliContext *self, GError **error)
{
	gint64 preference;

	if (self->opt_timeout != -1) {
		if (self->opt_timeout <= 0) {
			g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
					    _("--timeout must be a positive number of seconds"));
			return FALSE;
		}
		self->timeout = (guint)self->opt_timeout;
		return TRUE;
	}
	preference =
		arc_cli_config_get_preference_int(self->config, "timeout", ARC_CLI_DEFAULT_TIMEOUT);
	self->timeout = preference > 0 && preference <= G_MAXINT ? (guint)preference
								 : ARC_CLI_DEFAULT_TIMEOUT;
	return TRUE;
}

/* --cacert, else the `cacert` preference; neither: the system store */
static gboolean
arc_cli_context_setup_cacert(ArcCliContext *self, GError **error)
{
	const gchar *path = self->opt_cacert;

	if (path == NULL || path[0] == '\0')
		path = arc_cli_config_get_preference_string(self->config, "cacert");
	if (path == NULL || path[0] == '\0')
		return TRUE;
	arc_cli_output_debug("trusting the CA certificates of %s", path);
	self->tls_database = arc_cli_client_load_ca_file(path, error);
	return self->tls_database != NULL;
}

/* Flag, then environment, then file */
static gboolean
arc_cli_context_setup_recovery_token(ArcCliContext *self, GError **error)
{
	const gchar *env = g_getenv("ARCTIC_RECOVERY_TOKEN");
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *contents = NULL;

	if (self->opt_recovery_token != NULL && self->opt_recovery_token[0] != '\0') {
		self->recovery_token = g_strdup(self->opt_recovery_token);
		return TRUE;
	}
	if (env != NULL && env[0] != '\0') {
		self->recovery_token = g_strdup(env);
		return TRUE;
	}
	if (self->opt_recovery_token_file == NULL)
		return TRUE;
	if (!g_file_get_contents(self->opt_recovery_token_file, &contents, NULL, &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: %s is the reason */
			    _("failed to read recovery token file: %s"), error_local->message);
		return FALSE;
	}
	self->recovery_token = g_strdup(g_strstrip(contents));
	sodium_memzero(contents, strlen(contents));
	return TRUE;
}

/**
 * arc_cli_context_setup:
 * @self: a context whose global options were parsed
 *
 * Loads the config file and resolves the output format, timeout, target URL and recovery
 * token from the options, the environment and the config's preferences.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_context_setup(ArcCliContext *self, GError **error)
{
	g_autofree gchar *path = self->opt_config != NULL ? g_strdup(self->opt_config)
							  : arc_cli_config_default_path();

	arc_cli_output_set_debug(self->opt_debug);
	self->config = arc_cli_config_new(path);
	if (!arc_cli_config_load(self->config, error))
		return FALSE;
	arc_cli_output_debug("config file %s (%s)", path,
			     arc_cli_config_get_exists(self->config) ? "loaded" : "not found");
	if (!arc_cli_context_setup_format(self, error))
		return FALSE;
	if (!arc_cli_context_setup_timeout(self, error))
		return FALSE;
	if (self->opt_url != NULL) {
		self->url = arc_cli_client_normalize_url(self->opt_url, error);
		if (self->url == NULL)
			return FALSE;
	}
	if (!arc_cli_context_setup_cacert(self, error))
		return FALSE;
	return arc_cli_context_setup_recovery_token(self, error);
}

/**
 * arc_cli_context_get_config:
 * @self: a context
 *
 * Returns: (transfer none): the loaded config
 */
ArcCliConfig *
arc_cli_context_get_config(ArcCliContext *self)
{
	return self->config;
}

/**
 * arc_cli_context_get_format:
 * @self: a context
 *
 * Returns: the output format to use
 */
ArcCliOutputFormat
arc_cli_context_get_format(ArcCliContext *self)
{
	return self->format;
}

/**
 * arc_cli_context_get_timeout:
 * @self: a context
 *
 * Returns: the request timeout in seconds
 */
guint
arc_cli_context_get_timeout(ArcCliContext *self)
{
	return self->timeout;
}

/**
 * arc_cli_context_get_url:
 * @self: a context
 *
 * Returns: (nullable): the normalized `--url`
 */
const gchar *
arc_cli_context_get_url(ArcCliContext *self)
{
	return self->url;
}

/*
 * The default peer's endpoints, then every other peer's in file order: with the shared
 * cluster credential any peer can answer (spec §3.3). `auto_failover: false` in the
 * preferences keeps to the default peer's endpoints.
 */
static GPtrArray *
arc_cli_context_config_urls(ArcCliContext *self, GError **error)
{
	const gchar *current = arc_cli_config_get_current_cluster(self->config);
	g_autoptr(GPtrArray) urls = NULL;
	gboolean all_peers;

	if (current == NULL) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
				    _("no current cluster set"));
		return NULL;
	}
	self->cluster = arc_cli_config_get_cluster(self->config, current);
	if (self->cluster == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("current cluster %s is not in %s"), current,
			    arc_cli_config_get_path(self->config));
		return NULL;
	}
	all_peers = arc_cli_config_get_preference_bool(self->config, "auto_failover", TRUE);
	urls = arc_cli_cluster_get_urls(self->cluster, all_peers);
	if (urls->len == 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("cluster %s has no peer endpoints in %s"), current,
			    arc_cli_config_get_path(self->config));
		return NULL;
	}
	self->urls_from_config = TRUE;
	return g_steal_pointer(&urls);
}

/* --url: the credentials of the cluster that lists this URL, else of the current cluster */
static GPtrArray *
arc_cli_context_flag_urls(ArcCliContext *self)
{
	GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(urls, g_strdup(self->url));
	self->cluster = arc_cli_config_find_cluster_by_endpoint(self->config, self->url);
	if (self->cluster == NULL)
		self->cluster = arc_cli_config_get_cluster(
			self->config, arc_cli_config_get_current_cluster(self->config));
	return urls;
}

/**
 * arc_cli_context_get_client:
 * @self: a context
 *
 * Returns: (transfer none): the client of the target agent (`--url`, else the current
 * cluster's default peer), without credentials; or %NULL with @error set
 */
ArcCliClient *
arc_cli_context_get_client(ArcCliContext *self, GError **error)
{
	g_autoptr(GPtrArray) urls = NULL;

	if (self->client != NULL)
		return self->client;
	urls = self->url != NULL ? arc_cli_context_flag_urls(self)
				 : arc_cli_context_config_urls(self, error);
	if (urls == NULL)
		return NULL;
	arc_cli_output_debug("agent %s%s%s", (const gchar *)g_ptr_array_index(urls, 0),
			     self->cluster != NULL ? ", cluster " : "",
			     self->cluster != NULL ? self->cluster->cluster_id : "");
	self->client = arc_cli_client_new(urls, self->timeout, self->opt_trace);
	arc_cli_client_set_recovery_token(self->client, self->recovery_token);
	arc_cli_client_set_tls_database(self->client, self->tls_database);
	return self->client;
}

/**
 * arc_cli_context_get_cluster:
 * @self: a context whose client was made with arc_cli_context_get_client()
 *
 * Returns: (transfer none) (nullable): the config's cluster entry whose credentials this
 * command uses, as it was when the command started
 */
ArcCliCluster *
arc_cli_context_get_cluster(ArcCliContext *self)
{
	return self->cluster;
}

/**
 * arc_cli_context_authenticate:
 * @self: a context with a client
 *
 * Makes the client send credentials: `--token` if given; else the recovery token if given;
 * else an access token fetched with the cluster's client credentials.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_context_authenticate(ArcCliContext *self, GError **error)
{
	ArcCliClient *client = arc_cli_context_get_client(self, error);

	if (client == NULL)
		return FALSE;
	if (self->authenticated)
		return TRUE;
	if (self->opt_token != NULL) {
		arc_cli_output_debug("using the access token given with --token");
		arc_cli_client_set_bearer_token(client, self->opt_token);
	} else if (self->recovery_token != NULL) {
		arc_cli_output_debug("using the recovery token instead of client credentials");
	} else if (self->cluster == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("no credentials for %s: no current cluster set"),
			    arc_cli_client_get_url(client));
		return FALSE;
	} else if (self->cluster->client_id == NULL || self->cluster->client_secret == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
			    _("no client credentials for cluster %s in %s"),
			    self->cluster->cluster_id, arc_cli_config_get_path(self->config));
		return FALSE;
	} else if (!arc_cli_client_fetch_token(client, self->cluster->client_id,
					       self->cluster->client_secret, error)) {
		return FALSE;
	}
	self->authenticated = TRUE;
	return TRUE;
}

/**
 * arc_cli_context_get_authed_client:
 * @self: a context
 *
 * Returns: (transfer none): the client of the target agent, authenticated; or %NULL with
 * @error set
 */
ArcCliClient *
arc_cli_context_get_authed_client(ArcCliContext *self, GError **error)
{
	if (!arc_cli_context_authenticate(self, error))
		return NULL;
	return self->client;
}

/**
 * arc_cli_context_remember_endpoint:
 * @self: a context
 *
 * If the endpoint that answered came from the config file and is not the one tried first,
 * makes it the first of its peer and its peer the default, and saves the file, so that the
 * next command tries it first. The file is written only after a failover, not every time.
 */
void
arc_cli_context_remember_endpoint(ArcCliContext *self)
{
	g_autoptr(ArcCliCluster) fresh = NULL;
	g_autoptr(GError) error_local = NULL;
	const gchar *url;

	if (self->client == NULL || !self->urls_from_config ||
	    !arc_cli_client_get_connected(self->client))
		return;
	url = arc_cli_client_get_url(self->client);
	/* re-read: the command may have changed the file since */
	fresh = arc_cli_config_get_cluster(self->config, self->cluster->cluster_id);
	if (fresh == NULL || !arc_cli_cluster_remember_endpoint(fresh, url))
		return;
	arc_cli_config_set_cluster(self->config, fresh);
	if (!arc_cli_config_save(self->config, &error_local))
		arc_cli_output_debug("%s", error_local->message);
	else
		arc_cli_output_debug("remembered %s as the endpoint to try first", url);
}
