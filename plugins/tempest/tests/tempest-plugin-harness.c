/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* For the netns test of the tempest plugin: loads tempest.so as the agent would, starts the
 * tunnel and sets one peer from the command line, prints "ready", and stops the tunnel on
 * SIGTERM or SIGINT.
 *
 *   tempest-plugin-harness MODULE IFNAME PORT PRIVATE-KEY-B64 \
 *       PEER-KEY-B64 ENDPOINT ALLOWED-IP PEER-IFNAME|- */

#include "config.h"

#include <gmodule.h>
#include <signal.h>
#include <stdio.h>

#include "arctic-plugin.h"

static ArcTunnel *
harness_load(const gchar *path)
{
	GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	const ArcPluginDescriptor *descriptor = NULL;
	ArcPlugin *plugin;

	if (module == NULL ||
	    !g_module_symbol(module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, (gpointer *)&descriptor))
		g_error("cannot load %s: %s", path, g_module_error());
	g_module_make_resident(module);
	plugin = g_object_new(descriptor->get_type(), NULL);
	arc_plugin_set_name(plugin, descriptor->name);
	return ARC_TUNNEL(plugin);
}

static GBytes *
harness_key(const gchar *b64)
{
	gsize len = 0;
	guchar *raw = g_base64_decode(b64, &len);

	return g_bytes_new_take(raw, len);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) private_key = NULL;
	g_autoptr(GBytes) peer_key = NULL;
	const gchar *ips[2] = {NULL, NULL};
	ArcTunnelSettings settings;
	ArcTunnelPeer peer;
	ArcTunnel *tunnel;
	sigset_t set;
	gint sig = 0;

	if (argc != 9) {
		g_printerr("usage: %s MODULE IFNAME PORT KEY PEER-KEY ENDPOINT ALLOWED-IP "
			   "PEER-IFNAME\n",
			   argv[0]);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	tunnel = harness_load(argv[1]);
	private_key = harness_key(argv[4]);
	peer_key = harness_key(argv[5]);
	arc_tunnel_settings_init(&settings);
	settings.ifname = argv[2];
	settings.listen_port = (guint16)g_ascii_strtoull(argv[3], NULL, 10);
	settings.private_key = private_key;
	if (!arc_tunnel_start(tunnel, &settings, &error))
		g_error("start: %s", error->message);
	arc_tunnel_peer_init(&peer);
	peer.peer_id = "peer_harness";
	peer.public_key = peer_key;
	peer.endpoint = argv[6];
	ips[0] = argv[7];
	peer.allowed_ips = ips;
	peer.ifname = g_strcmp0(argv[8], "-") != 0 ? argv[8] : NULL;
	if (!arc_tunnel_set_peer(tunnel, &peer, &error))
		g_error("set_peer: %s", error->message);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	arc_tunnel_stop(tunnel);
	g_object_unref(tunnel);
	return 0;
}
