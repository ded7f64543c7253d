/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>
#include <string.h>

#include "arctic-plugin.h"

/* The built tempest.so as the agent's loader sees it: through its descriptor only. Starting
 * the tunnel needs CAP_NET_ADMIN (a TUN device): that is the netns suite's; here, what works
 * without it. */

typedef struct {
	GModule *module;
	const ArcPluginDescriptor *descriptor;
} ArcTestFixture;

static void
arc_test_fixture_setup(ArcTestFixture *fx, gconstpointer user_data)
{
	const gchar *path = g_getenv("ARC_TEMPEST_MODULE");
	gpointer symbol = NULL;

	g_assert_nonnull(path);
	fx->module = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	if (fx->module == NULL)
		g_error("cannot open %s: %s", path, g_module_error());
	g_assert_true(g_module_symbol(fx->module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, &symbol));
	fx->descriptor = symbol;
	g_module_make_resident(fx->module);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fx, gconstpointer user_data)
{
	g_module_close(fx->module);
}

static void
arc_test_module_descriptor_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_assert_cmpuint(fx->descriptor->abi_major, ==, ARC_PLUGIN_ABI_MAJOR);
	g_assert_cmpuint(fx->descriptor->abi_minor, ==, ARC_PLUGIN_ABI_MINOR);
	g_assert_cmpstr(fx->descriptor->name, ==, "tempest");
	g_assert_cmpint(fx->descriptor->kind, ==, ARC_PLUGIN_KIND_TUNNEL);
	g_assert_cmpstr(fx->descriptor->version, ==, PACKAGE_VERSION);
}

static void
arc_test_module_hidden_symbols_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const gchar *internal[] = {
		"arc_tempest_plugin_get_type", "tempest_device_new",
		"tempest_aead_select",         "tempest_noise_consume_initiation",
		"tempest_allowedips_new",      "tempest_uapi_parse_set",
	};

	for (guint i = 0; i < G_N_ELEMENTS(internal); i++) {
		gpointer symbol = NULL;
		if (g_module_symbol(fx->module, internal[i], &symbol))
			g_error("%s is exported by the module", internal[i]);
	}
}

static void
arc_test_module_not_started_func(ArcTestFixture *fx, gconstpointer user_data)
{
	GType type = fx->descriptor->get_type();
	g_autoptr(ArcPlugin) plugin = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) stats = NULL;
	g_autoptr(GBytes) key = g_bytes_new_static("0123456789abcdef0123456789abcdef", 32);
	const gchar *ips[] = {"10.0.0.0/24", NULL};
	ArcTunnelPeer peer;

	g_assert_true(g_type_is_a(type, ARC_TYPE_TUNNEL));
	plugin = g_object_new(type, NULL);
	arc_plugin_set_name(plugin, fx->descriptor->name);
	arc_tunnel_peer_init(&peer);
	peer.peer_id = "peer_test";
	peer.public_key = key;
	peer.allowed_ips = ips;
	/* a peer before start: refused, named by the plugin */
	g_assert_false(arc_tunnel_set_peer(ARC_TUNNEL(plugin), &peer, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE);
	g_assert_true(g_str_has_prefix(error->message, "tempest: "));
	/* no counters yet, and stop is harmless */
	stats = arc_tunnel_get_stats(ARC_TUNNEL(plugin));
	g_assert_cmpuint(g_variant_n_children(stats), ==, 0);
	arc_tunnel_stop(ARC_TUNNEL(plugin));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/tempest-module/descriptor", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_module_descriptor_func, arc_test_fixture_teardown);
	g_test_add("/tempest-module/hidden-symbols", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_module_hidden_symbols_func, arc_test_fixture_teardown);
	g_test_add("/tempest-module/not-started", ArcTestFixture, NULL, arc_test_fixture_setup,
		   arc_test_module_not_started_func, arc_test_fixture_teardown);
	return g_test_run();
}
