/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "arc-test-module.h"

/* The built tempest.so as the agent's loader sees it: through its descriptor only. Starting
 * the tunnel needs CAP_NET_ADMIN (a TUN device): that is the netns suite's; here, what works
 * without it. */

static void
arc_test_module_descriptor_func(ArcTestModule *fx, gconstpointer user_data)
{
	arc_test_module_assert_descriptor(fx, "tempest", ARC_PLUGIN_KIND_TUNNEL, PACKAGE_VERSION);
	g_assert_cmpuint(fx->descriptor->abi_minor, ==, ARC_PLUGIN_ABI_MINOR);
}

static void
arc_test_module_hidden_symbols_func(ArcTestModule *fx, gconstpointer user_data)
{
	const gchar *const internal[] = {
		"arc_tempest_plugin_get_type", "tempest_device_new",
		"tempest_aead_select",         "tempest_noise_consume_initiation",
		"tempest_allowedips_new",      "tempest_uapi_parse_set",
	};

	arc_test_module_assert_hidden(fx, internal, G_N_ELEMENTS(internal));
}

static void
arc_test_module_not_started_func(ArcTestModule *fx, gconstpointer user_data)
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
	arc_test_module_add("/tempest-module/descriptor", "ARC_TEMPEST_MODULE",
			    arc_test_module_descriptor_func);
	arc_test_module_add("/tempest-module/hidden-symbols", "ARC_TEMPEST_MODULE",
			    arc_test_module_hidden_symbols_func);
	arc_test_module_add("/tempest-module/not-started", "ARC_TEMPEST_MODULE",
			    arc_test_module_not_started_func);
	return g_test_run();
}
