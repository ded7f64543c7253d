/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "agent"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>

#include "arc-agent-dataplane.h"
#include "arc-config-file.h"
#include "arc-dbus-service.h"
#include "arc-engine.h"
#include "arc-log.h"
#include "arc-plugin-loader.h"
#include "arc-rest-server.h"
#include "arc-sd-notify.h"

#define ARC_AGENT_READY_POLL_MS 200

typedef struct {
	GMainLoop *loop;
	ArcEngine *engine;
	guint ready_id;
} ArcAgent;

typedef struct {
	gchar *config_path;
	gchar *data_dir;
	gchar *listen;
	gchar *plugin_dir;
	gchar *log_format;
	gboolean list_plugins;
	gboolean session_bus;
	gboolean no_dbus;
	gboolean verbose;
	gboolean version;
} ArcAgentOptions;

static void
arc_agent_options_clear(ArcAgentOptions *opts)
{
	g_free(opts->config_path);
	g_free(opts->data_dir);
	g_free(opts->listen);
	g_free(opts->plugin_dir);
	g_free(opts->log_format);
}

static gboolean
arc_agent_parse_options(int *argc, char ***argv, ArcAgentOptions *opts, GError **error)
{
	const GOptionEntry entries[] = {
		{"config", 'c', 0, G_OPTION_ARG_FILENAME, &opts->config_path,
		 "Configuration file (default " ARC_AGENT_CONF ")", "FILE"},
		{"data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &opts->data_dir,
		 "Data directory holding peer.key and arctic.db (default /opt/tillered, or "
		 "DATA_DIR)",
		 "DIR"},
		{"listen", 'l', 0, G_OPTION_ARG_STRING, &opts->listen,
		 "API address, ADDRESS:PORT (default 0.0.0.0:8080, port also from API_PORT)",
		 "ADDR"},
		{"plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->plugin_dir,
		 "Directory to load plugins from (default " ARC_PLUGINDIR ")", "DIR"},
		{"log-format", 0, 0, G_OPTION_ARG_STRING, &opts->log_format,
		 "json or text (default json, or LOG_FORMAT)", "FORMAT"},
		{"list-plugins", 0, 0, G_OPTION_ARG_NONE, &opts->list_plugins,
		 "List the plugins found, with kind, version and ABI, and exit", NULL},
		{"session-bus", 0, 0, G_OPTION_ARG_NONE, &opts->session_bus,
		 "Serve D-Bus on the session bus instead of the system bus (tests)", NULL},
		{"no-dbus", 0, 0, G_OPTION_ARG_NONE, &opts->no_dbus, "Do not use D-Bus at all",
		 NULL},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose, "Log debug messages", NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &opts->version, "Print the version and exit",
		 NULL},
		{NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);

	g_option_context_set_summary(context, "The Arctic cluster networking agent.");
	g_option_context_set_description(
		context, "Environment: API_PORT, DATA_DIR and LOG_FORMAT override agent.conf; the "
			 "command line overrides both.\n");
	g_option_context_add_main_entries(context, entries, NULL);
	return g_option_context_parse(context, argc, argv, error);
}

static gboolean
arc_agent_build_config(ArcAgentOptions *opts, ArcConfig *config, GError **error)
{
	const gchar *path = opts->config_path != NULL ? opts->config_path : ARC_AGENT_CONF;

	if (!arc_config_load_file(config, path, opts->config_path != NULL, error))
		return FALSE;
	if (!arc_config_apply_environment(config, error))
		return FALSE;
	if (opts->data_dir != NULL) {
		g_free(config->data_dir);
		config->data_dir = g_strdup(opts->data_dir);
	}
	if (opts->plugin_dir != NULL) {
		g_free(config->plugin_dir);
		config->plugin_dir = g_strdup(opts->plugin_dir);
	}
	if (opts->listen != NULL && !arc_config_set_listen(config, opts->listen, error))
		return FALSE;
	if (opts->log_format != NULL && !arc_config_set_log_format(config, opts->log_format, error))
		return FALSE;
	config->session_bus = opts->session_bus;
	config->no_dbus = opts->no_dbus;
	return TRUE;
}

static int
arc_agent_list_plugins(ArcConfig *config)
{
	g_autoptr(ArcPluginLoader) loader = arc_plugin_loader_new(config->plugin_dir);
	g_autoptr(GError) error = NULL;
	GPtrArray *infos;

	if (!arc_plugin_loader_scan(loader, &error)) {
		g_printerr("arctic-agent: %s\n", error->message);
		return 1;
	}
	arc_plugin_loader_load_all(loader);
	infos = arc_plugin_loader_get_infos(loader);
	g_print("Plugin directory: %s\n", arc_plugin_loader_get_directory(loader));
	g_print("%-16s %-10s %-10s %-6s %s\n", "NAME", "KIND", "VERSION", "ABI", "STATUS");
	for (guint i = 0; i < infos->len; i++) {
		ArcPluginInfo *info = g_ptr_array_index(infos, i);
		g_autofree gchar *abi =
			info->abi_major > 0 || info->abi_minor > 0
				? g_strdup_printf("%u.%u", info->abi_major, info->abi_minor)
				: g_strdup("-");
		g_print("%-16s %-10s %-10s %-6s %s%s\n", info->name,
			info->kind < ARC_PLUGIN_KIND_LAST ? arc_plugin_kind_to_string(info->kind)
							  : "-",
			info->version != NULL ? info->version : "-", abi,
			info->refused != NULL ? "refused: " : "loaded",
			info->refused != NULL ? info->refused : "");
	}
	if (infos->len == 0)
		g_print("(no plugins found)\n");
	return 0;
}

static gboolean
arc_agent_ready_cb(gpointer user_data)
{
	ArcAgent *agent = user_data;
	g_autoptr(GArray) checks = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok = FALSE;

	checks = arc_engine_get_readiness(agent->engine, &ok);
	if (!ok)
		return G_SOURCE_CONTINUE;
	if (!arc_sd_notify("READY=1\nSTATUS=Serving the Arctic API", &error))
		g_warning("cannot notify systemd: %s", error->message);
	g_info("ready");
	agent->ready_id = 0;
	return G_SOURCE_REMOVE;
}

static gboolean
arc_agent_quit_cb(gpointer user_data)
{
	ArcAgent *agent = user_data;
	g_info("stopping");
	arc_sd_notify("STOPPING=1", NULL);
	g_main_loop_quit(agent->loop);
	return G_SOURCE_CONTINUE;
}

static int
arc_agent_run(ArcConfig *config)
{
	ArcAgent agent = {0};
	g_autoptr(ArcPluginLoader) loader = arc_plugin_loader_new(config->plugin_dir);
	g_autoptr(ArcEngine) engine = arc_engine_new(config);
	g_autoptr(ArcRestServer) rest = NULL;
	g_autoptr(ArcDbusService) dbus = NULL;
	g_autoptr(ArcAgentDataplane) dataplane = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *detail = NULL;
	ArcStorage *storage = NULL;
	ArcLicenseBackend *license = NULL;

	/* from the start: a SIGTERM while the agent starts stops it cleanly once the loop runs */
	agent.loop = loop;
	agent.engine = engine;
	g_unix_signal_add(SIGTERM, arc_agent_quit_cb, &agent);
	g_unix_signal_add(SIGINT, arc_agent_quit_cb, &agent);
	if (!arc_plugin_loader_load_required(loader, config, &storage, &license, &error)) {
		g_printerr("arctic-agent: %s\n", error->message);
		return 1;
	}
	arc_engine_set_plugins(engine, storage, license);
	if (!arc_engine_start(engine, &error)) {
		g_printerr("arctic-agent: %s\n", error->message);
		return 1;
	}
	dataplane = arc_agent_dataplane_start(engine, loader, config);
	rest = arc_rest_server_new(engine, config);
	if (!arc_rest_server_listen(rest, &error)) {
		g_printerr("arctic-agent: %s\n", error->message);
		return 1;
	}
	detail = g_strdup_printf("api %s:%u", config->listen_address,
				 arc_rest_server_get_port(rest));
	arc_engine_set_api_port(engine, arc_rest_server_get_port(rest));
	arc_engine_set_listeners_ready(engine, TRUE, detail);
	g_info("serving the API on %s:%u%s", config->listen_address, arc_rest_server_get_port(rest),
	       arc_rest_server_get_tls(rest) ? " over TLS" : "");
	if (!config->no_dbus) {
		dbus = arc_dbus_service_new(engine, config->session_bus);
		arc_dbus_service_start(dbus);
	}
	if (arc_agent_ready_cb(&agent) == G_SOURCE_CONTINUE)
		agent.ready_id = g_timeout_add(ARC_AGENT_READY_POLL_MS, arc_agent_ready_cb, &agent);
	g_main_loop_run(loop);
	if (agent.ready_id != 0)
		g_source_remove(agent.ready_id);
	arc_agent_dataplane_stop(dataplane);
	arc_engine_stop(engine);
	return 0;
}

int
main(int argc, char **argv)
{
	ArcAgentOptions opts = {0};
	g_autoptr(ArcConfig) config = arc_config_new();
	g_autoptr(GError) error = NULL;
	int rc;

	setlocale(LC_ALL, "");
	/* a file size limit (LimitFSIZE=) reached must be a failed write that /readyz reports,
	 * like a full disk, not a signal that kills the agent mid-transaction */
	signal(SIGXFSZ, SIG_IGN);
	if (sodium_init() < 0) {
		g_printerr("arctic-agent: libsodium cannot be initialised\n");
		return 1;
	}
	if (!arc_agent_parse_options(&argc, &argv, &opts, &error) ||
	    (!opts.version && !arc_agent_build_config(&opts, config, &error))) {
		g_printerr("arctic-agent: %s\n", error->message);
		arc_agent_options_clear(&opts);
		return 2;
	}
	if (opts.version) {
		g_print("arctic-agent %s (plugin ABI %d.%d)\n", PACKAGE_VERSION,
			ARC_PLUGIN_ABI_MAJOR, ARC_PLUGIN_ABI_MINOR);
		arc_agent_options_clear(&opts);
		return 0;
	}
	arc_log_setup(config->log_format, opts.verbose);
	if (opts.list_plugins) {
		rc = arc_agent_list_plugins(config);
	} else {
		rc = arc_agent_run(config);
	}
	arc_agent_options_clear(&opts);
	return rc;
}
