/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-iptunmgr.h"

/* iptunmgr: the tunnel's peers follow the views */

/* ---- a tunnel plugin that writes down what it is asked ---- */

#define IT_TYPE_TUNNEL (it_tunnel_get_type())
G_DECLARE_FINAL_TYPE(ItTunnel, it_tunnel, IT, TUNNEL, ArcPlugin)

struct _ItTunnel {
	ArcPlugin parent_instance;
	GString *calls; /* "set peer_x 192.0.2.1:51840;" and "remove <first key byte>;" */
	gboolean refuse;
};

static void it_tunnel_iface_init(ArcTunnelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ItTunnel, it_tunnel, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_TUNNEL, it_tunnel_iface_init))

static gboolean
it_tunnel_set_peer(ArcTunnel *tunnel, const ArcTunnelPeer *peer, GError **error)
{
	ItTunnel *self = IT_TUNNEL(tunnel);

	if (self->refuse) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "no room");
		return FALSE;
	}
	g_string_append_printf(self->calls, "set %s %s %s;", peer->peer_id,
			       peer->endpoint != NULL ? peer->endpoint : "-", peer->allowed_ips[0]);
	return TRUE;
}

static gboolean
it_tunnel_remove_peer(ArcTunnel *tunnel, GBytes *public_key, GError **error)
{
	ItTunnel *self = IT_TUNNEL(tunnel);
	const guint8 *key = g_bytes_get_data(public_key, NULL);

	g_string_append_printf(self->calls, "remove %c;", key[0]);
	return TRUE;
}

/* what tempest reports: every peer it ever saw, by key, and one it holds for someone else */
static GVariant *
it_tunnel_get_stats(ArcTunnel *tunnel)
{
	g_auto(GVariantBuilder) peers = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("aa{sv}"));
	g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE_VARDICT);
	const gchar keys[] = {'b', 'c', 'z'};

	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_auto(GVariantBuilder) peer = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE_VARDICT);
		guint8 key[32];
		g_autofree gchar *base64 = NULL;

		memset(key, keys[i], sizeof(key));
		base64 = g_base64_encode(key, sizeof(key));
		g_variant_builder_add(&peer, "{sv}", "public-key", g_variant_new_string(base64));
		g_variant_builder_add(&peer, "{sv}", "endpoint",
				      g_variant_new_string("192.0.2.2:51840"));
		g_variant_builder_add(&peer, "{sv}", "rx-bytes", g_variant_new_uint64(100 + i));
		g_variant_builder_add(&peer, "{sv}", "tx-bytes", g_variant_new_uint64(200 + i));
		g_variant_builder_add(&peer, "{sv}", "last-handshake",
				      g_variant_new_int64(1700000000 + i));
		g_variant_builder_add_value(&peers, g_variant_builder_end(&peer));
	}
	g_variant_builder_add(&b, "{sv}", "peers", g_variant_builder_end(&peers));
	return g_variant_builder_end(&b);
}

static void
it_tunnel_iface_init(ArcTunnelInterface *iface)
{
	iface->set_peer = it_tunnel_set_peer;
	iface->remove_peer = it_tunnel_remove_peer;
	iface->get_stats = it_tunnel_get_stats;
}

static void
it_tunnel_finalize(GObject *object)
{
	g_string_free(IT_TUNNEL(object)->calls, TRUE);
	G_OBJECT_CLASS(it_tunnel_parent_class)->finalize(object);
}

static void
it_tunnel_class_init(ItTunnelClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = it_tunnel_finalize;
}

static void
it_tunnel_init(ItTunnel *self)
{
	self->calls = g_string_new(NULL);
	arc_plugin_set_name(ARC_PLUGIN(self), "it-tunnel");
}

/* the calls since the last look */
static gchar *
it_calls(ItTunnel *tunnel)
{
	gchar *calls = g_strdup(tunnel->calls->str);

	g_string_truncate(tunnel->calls, 0);
	return calls;
}

/* the last warning logged, which the test reads */
static gchar *it_last_warning;

static GLogWriterOutput
it_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	for (gsize i = 0; (level & G_LOG_LEVEL_WARNING) && i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
			g_free(it_last_warning);
			it_last_warning = g_strdup(fields[i].value);
		}
	}
	return g_log_writer_default(level, fields, n_fields, data);
}

/* ---- views ---- */

typedef struct {
	const gchar *peer_id;
	gchar key; /* every byte of its key, 0 for none */
	const gchar *endpoint;
	gboolean over_limit;
} ItMember;

static ArcClusterView *
it_view(const ItMember *members, ArcLicenseState state)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(1);
	g_autoptr(GError) error = NULL;
	ArcClusterSelf node = {(gchar *)"peer_a", FALSE, {0}, FALSE, {0}, 51840};
	ArcClusterView *view;

	arc_cluster_view_builder_set_self(builder, &node);
	arc_cluster_view_builder_set_license_state(builder, state);
	for (guint i = 0; members[i].peer_id != NULL; i++) {
		ArcClusterMember member = {0};
		guint8 key[32];

		memset(key, members[i].key, sizeof(key));
		member.peer_id = (gchar *)members[i].peer_id;
		member.tunnel_public_key = members[i].key != 0 ? g_bytes_new(key, 32) : NULL;
		member.tunnel_endpoint = (gchar *)members[i].endpoint;
		member.over_limit = members[i].over_limit;
		arc_cluster_view_builder_add_member(builder, &member);
		g_clear_pointer(&member.tunnel_public_key, g_bytes_unref);
	}
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

static void
it_apply(ArcIptunmgr *iptunmgr, const ItMember *members, ArcLicenseState state, gboolean ok)
{
	g_autoptr(ArcClusterView) view = it_view(members, state);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

	g_assert_cmpint(arc_iptunmgr_apply(iptunmgr, view, problems), ==, ok);
	g_assert_cmpuint(problems->len, ==, ok ? 0 : 1);
}

static void
it_follow_func(void)
{
	g_autoptr(ItTunnel) tunnel = g_object_new(IT_TYPE_TUNNEL, NULL);
	g_autoptr(ArcIptunmgr) iptunmgr = arc_iptunmgr_new(ARC_TUNNEL(tunnel));
	const ItMember first[] = {{"peer_a", 'a', "192.0.2.1:51840", FALSE},
				  {"peer_b", 'b', "192.0.2.2:51840", FALSE},
				  {"peer_c", 0, NULL, FALSE},
				  {"peer_d", 'd', NULL, TRUE},
				  {NULL}};
	/* b moves, c gets a key, d is back within the limit */
	const ItMember second[] = {{"peer_a", 'a', "192.0.2.1:51840", FALSE},
				   {"peer_b", 'b', "192.0.2.9:51840", FALSE},
				   {"peer_c", 'c', NULL, FALSE},
				   {"peer_d", 'd', NULL, FALSE},
				   {NULL}};
	/* b changes keys, c leaves, d goes over the limit again */
	const ItMember third[] = {{"peer_a", 'a', "192.0.2.1:51840", FALSE},
				  {"peer_b", 'B', "192.0.2.9:51840", FALSE},
				  {"peer_d", 'd', NULL, TRUE},
				  {NULL}};
	g_autofree gchar *calls1 = NULL, *calls2 = NULL, *calls3 = NULL, *calls4 = NULL;
	g_autofree gchar *calls5 = NULL, *calls6 = NULL;

	g_assert_true(arc_iptunmgr_has_tunnel(iptunmgr));
	/* not this node, not without a key, not over the limit */
	it_apply(iptunmgr, first, ARC_LICENSE_STATE_VALID, TRUE);
	calls1 = it_calls(tunnel);
	g_assert_cmpstr(calls1, ==, "set peer_b 192.0.2.2:51840 0.0.0.0/0;");
	/* the same view again: nothing */
	it_apply(iptunmgr, first, ARC_LICENSE_STATE_VALID, TRUE);
	calls2 = it_calls(tunnel);
	g_assert_cmpstr(calls2, ==, "");
	it_apply(iptunmgr, second, ARC_LICENSE_STATE_VALID, TRUE);
	calls3 = it_calls(tunnel);
	g_assert_cmpstr(calls3, ==,
			"set peer_b 192.0.2.9:51840 0.0.0.0/0;set peer_c - 0.0.0.0/0;"
			"set peer_d - 0.0.0.0/0;");
	it_apply(iptunmgr, third, ARC_LICENSE_STATE_VALID, TRUE);
	calls4 = it_calls(tunnel);
	/* removals first (in no particular order), then the new key */
	g_assert_true(g_str_has_suffix(calls4, "set peer_b 192.0.2.9:51840 0.0.0.0/0;"));
	g_assert_nonnull(strstr(calls4, "remove b;"));
	g_assert_nonnull(strstr(calls4, "remove c;"));
	g_assert_nonnull(strstr(calls4, "remove d;"));
	/* a suspended license carries nothing */
	it_apply(iptunmgr, third, ARC_LICENSE_STATE_SUSPENDED, TRUE);
	calls5 = it_calls(tunnel);
	g_assert_cmpstr(calls5, ==, "remove B;");
	/* a refusal is reported, and tried again with the next view */
	tunnel->refuse = TRUE;
	it_apply(iptunmgr, third, ARC_LICENSE_STATE_VALID, FALSE);
	g_assert_cmpstr(it_last_warning, ==,
			"peer peer_b not set in the tunnel: it-tunnel: no room");
	tunnel->refuse = FALSE;
	it_apply(iptunmgr, third, ARC_LICENSE_STATE_VALID, TRUE);
	arc_iptunmgr_remove(iptunmgr);
	calls6 = it_calls(tunnel);
	g_assert_cmpstr(calls6, ==, "set peer_b 192.0.2.9:51840 0.0.0.0/0;remove B;");
}

/* the tunnel's counters come back by peer id, for the peers iptunmgr gave it only */
static void
it_status_func(void)
{
	g_autoptr(ItTunnel) tunnel = g_object_new(IT_TYPE_TUNNEL, NULL);
	g_autoptr(ArcIptunmgr) iptunmgr = arc_iptunmgr_new(ARC_TUNNEL(tunnel));
	g_autoptr(ArcIptunmgr) without = arc_iptunmgr_new(NULL);
	g_autoptr(GPtrArray) before = NULL;
	g_autoptr(GPtrArray) status = NULL;
	const ItMember members[] = {
		{"peer_b", 'b', "192.0.2.2:51840", FALSE}, {"peer_d", 'd', NULL, FALSE}, {NULL}};
	const ArcTunnelPeerStatus *b;

	g_assert_null(arc_iptunmgr_get_status(without));
	before = arc_iptunmgr_get_status(iptunmgr);
	g_assert_nonnull(before);
	g_assert_cmpuint(before->len, ==, 0);
	it_apply(iptunmgr, members, ARC_LICENSE_STATE_VALID, TRUE);
	status = arc_iptunmgr_get_status(iptunmgr);
	/* d is not in the plugin's report, c and z are not iptunmgr's */
	g_assert_cmpuint(status->len, ==, 1);
	b = arc_tunnel_peer_status_find(status, "peer_b");
	g_assert_nonnull(b);
	g_assert_cmpstr(b->endpoint, ==, "192.0.2.2:51840");
	g_assert_cmpuint(b->rx_bytes, ==, 100);
	g_assert_cmpuint(b->tx_bytes, ==, 200);
	g_assert_cmpint(b->last_handshake, ==, 1700000000);
}

static void
it_no_tunnel_func(void)
{
	g_autoptr(ArcIptunmgr) iptunmgr = arc_iptunmgr_new(NULL);
	const ItMember members[] = {{"peer_b", 'b', NULL, FALSE}, {NULL}};

	g_assert_false(arc_iptunmgr_has_tunnel(iptunmgr));
	it_apply(iptunmgr, members, ARC_LICENSE_STATE_VALID, TRUE);
	arc_iptunmgr_remove(iptunmgr);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	/* a peer the tunnel refuses is logged as a warning, which the test reads */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_log_set_writer_func(it_log_writer, NULL, NULL);
	g_test_add_func("/iptunmgr/follow", it_follow_func);
	g_test_add_func("/iptunmgr/no-tunnel", it_no_tunnel_func);
	g_test_add_func("/iptunmgr/status", it_status_func);
	return g_test_run();
}
