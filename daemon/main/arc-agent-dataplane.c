/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-agent-dataplane.h"

#include <string.h>

#include "arc-agent-transports.h"
#include "arc-dataplane.h"

struct _ArcAgentDataplane {
	ArcEngine *engine;
	ArcConfig *config;
	ArcTunnel *tunnel; /* (nullable): the plugin, owned by the loader */
	gboolean tunnel_started;
	ArcDataplane *dataplane;        /* (nullable): %NULL while disabled */
	ArcAgentTransports *transports; /* (nullable): from the first view, with a proxy port */
	ArcPluginLoader *loader;
	gulong view_handler;
};

/* "data plane disabled: why" → "disabled: why", the `dataplane` check's message */
static void
arc_agent_dataplane_disable(ArcAgentDataplane *self, gboolean ok, const gchar *why)
{
	const gchar *prefix = "data plane disabled: ";
	g_autofree gchar *detail = g_strdup_printf(
		"disabled: %s", g_str_has_prefix(why, prefix) ? why + strlen(prefix) : why);

	if (ok)
		g_message("%s", why);
	else
		g_warning("%s", why);
	arc_engine_set_dataplane_ready(self->engine, ok, detail);
}

/* the `dataplane` check after an apply: the managers' report in one line */
static void
arc_agent_dataplane_report(ArcAgentDataplane *self)
{
	GPtrArray *report = arc_dataplane_get_report(self->dataplane);
	g_autoptr(GString) detail = g_string_new(NULL);

	for (guint i = 0; i < report->len; i++) {
		const ArcDataplaneCheck *check = g_ptr_array_index(report, i);
		g_string_append_printf(detail, "%s%s: %s", i > 0 ? "; " : "", check->manager,
				       check->detail);
	}
	arc_engine_set_dataplane_ready(self->engine, arc_dataplane_is_ready(self->dataplane),
				       detail->str);
}

/* the tunnel starts at the first view: the node's tunnel key exists from the bootstrap on */
static gboolean
arc_agent_dataplane_start_tunnel(ArcAgentDataplane *self, GError **error)
{
	ArcTunnelKey *key = arc_node_get_tunnel_key(arc_engine_get_node(self->engine));
	g_autoptr(GBytes) private_key = NULL;
	ArcDataplaneConfig config;
	ArcTunnelSettings settings;

	if (self->tunnel == NULL || self->tunnel_started)
		return TRUE;
	if (key == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INTERNAL,
				    "this node has no tunnel key");
		return FALSE;
	}
	arc_dataplane_config_init(&config);
	private_key = arc_tunnel_key_dup_private_key(key);
	arc_tunnel_settings_init(&settings);
	settings.ifname = self->config->tunnel_interface;
	settings.listen_port = self->config->tunnel_port;
	settings.private_key = private_key;
	settings.mtu = self->config->tunnel_mtu;
	settings.fwmark = config.mark_base;
	if (!arc_tunnel_start(self->tunnel, &settings, error))
		return FALSE;
	self->tunnel_started = TRUE;
	g_log("iptunmgr", G_LOG_LEVEL_INFO, "tunnel '%s' listening on UDP %u",
	      self->config->tunnel_plugin, self->config->tunnel_port);
	arc_dataplane_set_tunnel(self->dataplane, self->tunnel);
	return TRUE;
}

static void
arc_agent_dataplane_view_cb(ArcEngine *engine, gpointer view, gpointer user_data)
{
	ArcAgentDataplane *self = user_data;
	g_autoptr(GError) error = NULL;

	if (!arc_agent_dataplane_start_tunnel(self, &error)) {
		g_autofree gchar *why =
			g_strdup_printf("tunnel '%s' does not start: %s",
					self->config->tunnel_plugin, error->message);
		g_log("iptunmgr", G_LOG_LEVEL_WARNING, "%s", why);
		arc_engine_set_dataplane_ready(self->engine, FALSE, why);
		return;
	}
	if (!arc_dataplane_apply(self->dataplane, view, &error))
		g_warning("view %" G_GUINT64_FORMAT " not applied: %s",
			  arc_cluster_view_get_generation(view), error->message);
	/* the node's identity exists from the bootstrap on, as the tunnel key does */
	if (self->transports == NULL && self->config->proxy_port != 0 &&
	    arc_node_get_identity(arc_engine_get_node(self->engine)) != NULL)
		self->transports = arc_agent_transports_new(
			self->loader, self->config,
			arc_node_get_identity(arc_engine_get_node(self->engine)));
	if (self->transports != NULL)
		arc_agent_transports_set_view(self->transports, view,
					      arc_dataplane_get_tproxymgr(self->dataplane));
	arc_agent_dataplane_report(self);
}

static ArcTunnel *
arc_agent_dataplane_load_tunnel(ArcPluginLoader *loader, ArcConfig *config, GError **error)
{
	ArcPlugin *plugin = arc_plugin_loader_get_plugin(loader, ARC_PLUGIN_KIND_TUNNEL,
							 config->tunnel_plugin, error);

	if (plugin == NULL)
		return NULL;
	if (!arc_plugin_setup(plugin, config->keyfile, config->data_dir, error))
		return NULL;
	return ARC_TUNNEL(plugin);
}

/* the tunnel's peers for REST, D-Bus and /metrics, read when they ask; none until the
 * tunnel runs, so that an agent without one never shows zeros that look like a dead tunnel */
static GPtrArray *
arc_agent_dataplane_tunnel_status_cb(gpointer user_data)
{
	ArcAgentDataplane *self = user_data;

	if (self->dataplane == NULL || !self->tunnel_started)
		return NULL;
	return arc_dataplane_get_tunnel_status(self->dataplane);
}

/* the service interfaces of REST and D-Bus, read when they ask */
static GPtrArray *
arc_agent_dataplane_service_interfaces_cb(gpointer user_data)
{
	ArcAgentDataplane *self = user_data;

	return self->dataplane != NULL ? arc_dataplane_get_service_interfaces(self->dataplane)
				       : NULL;
}

/* [dataplane] service_parent_interface: an interface name, or empty for the default route's */
static gboolean
arc_agent_dataplane_read_parent(ArcConfig *config, ArcDataplaneConfig *out, GError **error)
{
	g_autofree gchar *name = g_key_file_get_string(config->keyfile, "dataplane",
						       "service_parent_interface", NULL);

	if (name == NULL)
		return TRUE;
	g_strstrip(name);
	if (strlen(name) >= sizeof(out->service_parent_interface) || strchr(name, '/') != NULL ||
	    strchr(name, ' ') != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[dataplane] service_parent_interface is no interface name: '%s'",
			    name);
		return FALSE;
	}
	g_strlcpy(out->service_parent_interface, name, sizeof(out->service_parent_interface));
	return TRUE;
}

/* the data plane with its tunnel, or a reason it has none */
static gboolean
arc_agent_dataplane_setup(ArcAgentDataplane *self, ArcPluginLoader *loader, GError **error)
{
	ArcDataplaneConfig config;

	self->tunnel = arc_agent_dataplane_load_tunnel(loader, self->config, error);
	if (self->tunnel == NULL)
		return FALSE;
	arc_dataplane_config_init(&config);
	config.tunnel_ipv4_range = self->config->tunnel_ipv4_range;
	config.tunnel_ipv6_range = self->config->tunnel_ipv6_range;
	if (!arc_agent_dataplane_read_parent(self->config, &config, error))
		return FALSE;
	config.proxy_port = self->config->proxy_port;
	config.transport_port = self->config->proxy_transport_port;
	self->dataplane = arc_dataplane_new(&config, error);
	return self->dataplane != NULL;
}

/**
 * arc_agent_dataplane_start:
 * @engine: the engine, started
 * @loader: the plugins, scanned
 * @config: agent.conf
 *
 * Without CAP_NET_ADMIN the data plane stays off (the `dataplane` check says so and passes);
 * without its tunnel plugin, or when the kernel refuses it, it stays off and the check fails.
 * Otherwise every view the engine publishes is applied, the first one also starting the
 * tunnel.
 *
 * Returns: (transfer full): the data plane's wiring, whatever its state
 */
ArcAgentDataplane *
arc_agent_dataplane_start(ArcEngine *engine, ArcPluginLoader *loader, ArcConfig *config)
{
	ArcAgentDataplane *self = g_new0(ArcAgentDataplane, 1);
	g_autoptr(GError) error = NULL;
	ArcClusterView *view;

	self->engine = g_object_ref(engine);
	self->config = config;
	self->loader = loader;
	if (!arc_dataplane_check_privileges(&error)) {
		arc_agent_dataplane_disable(self, TRUE, error->message);
		return self;
	}
	if (!arc_agent_dataplane_setup(self, loader, &error)) {
		g_autofree gchar *why = g_strdup_printf("data plane disabled: %s", error->message);
		arc_agent_dataplane_disable(self, FALSE, why);
		g_clear_object(&self->dataplane);
		self->tunnel = NULL;
		return self;
	}
	arc_engine_set_dataplane_ready(engine, TRUE, "waiting for the bootstrap");
	arc_engine_set_tunnel_status_func(engine, arc_agent_dataplane_tunnel_status_cb, self, NULL);
	arc_engine_set_service_interface_func(engine, arc_agent_dataplane_service_interfaces_cb,
					      self);
	self->view_handler = g_signal_connect(engine, "view-changed",
					      G_CALLBACK(arc_agent_dataplane_view_cb), self);
	view = arc_engine_get_view(engine);
	if (view != NULL)
		arc_agent_dataplane_view_cb(engine, view, self);
	return self;
}

/**
 * arc_agent_dataplane_stop:
 * @self: the data plane's wiring
 *
 * A clean stop: the table, rules, routes and devices go, then the tunnel stops.
 */
void
arc_agent_dataplane_stop(ArcAgentDataplane *self)
{
	g_clear_signal_handler(&self->view_handler, self->engine);
	/* the listeners and streams first: nothing reaches the proxy while it stops */
	g_clear_pointer(&self->transports, arc_agent_transports_free);
	if (self->dataplane != NULL) {
		arc_engine_set_tunnel_status_func(self->engine, NULL, NULL, NULL);
		arc_engine_set_service_interface_func(self->engine, NULL, NULL);
		arc_dataplane_stop(self->dataplane);
		g_info("data plane stopped: table, rules, routes and devices removed");
	}
	if (self->tunnel_started) {
		arc_tunnel_stop(self->tunnel);
		self->tunnel_started = FALSE;
	}
}

void
arc_agent_dataplane_free(ArcAgentDataplane *self)
{
	if (self == NULL)
		return;
	arc_agent_dataplane_stop(self);
	g_clear_object(&self->dataplane);
	g_clear_object(&self->engine);
	g_free(self);
}
