/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-tempest-plugin.h"

#include <sodium.h>
#include <string.h>

#include "tempest-device.h"

/* The tempest tunnel plugin: ArcTunnel over one TempestDevice (docs/tempest.md). The agent owns
 * the configuration; the device's UAPI socket is read-only, so `wg show` works and `wg set`
 * is refused. A peer may bring its own TUN device (ArcTunnelPeer.ifname): everything read from
 * it goes to that peer, while one UDP port and one identity serve them all. The interface's
 * own TUN device, which routes by allowed IPs, is made only once a peer without a device of
 * its own needs it: the agent's peers all have theirs, and an idle device would only be a
 * second way into the tunnel (the interface's name still names its UAPI socket). */

#define ARC_TEMPEST_DEFAULT_MTU 1420

struct _ArcTempestPlugin {
	ArcPlugin parent_instance;
	TempestDevice *device;
	TempestUapiServer *uapi;
	gchar *ifname;
	guint mtu;
	gboolean has_tun;  /* the interface's own TUN device is there */
	GHashTable *bound; /* public key (hex) -> ifname of its own TUN device */
};

static void arc_tempest_plugin_tunnel_iface_init(ArcTunnelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcTempestPlugin, arc_tempest_plugin, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_TUNNEL,
						    arc_tempest_plugin_tunnel_iface_init))

static gboolean
arc_tempest_plugin_fail(GError **error, ArcError code, GError *cause)
{
	g_set_error(error, ARC_ERROR, code, "%s", cause->message);
	g_error_free(cause);
	return FALSE;
}

static gboolean
arc_tempest_plugin_key(GBytes *bytes, guint8 out[TEMPEST_KEY_LEN], GError **error)
{
	if (bytes == NULL || g_bytes_get_size(bytes) != TEMPEST_KEY_LEN) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "a tunnel key is 32 bytes");
		return FALSE;
	}
	memcpy(out, g_bytes_get_data(bytes, NULL), TEMPEST_KEY_LEN);
	return TRUE;
}

static gboolean
arc_tempest_plugin_configure(ArcTempestPlugin *self, const ArcTunnelSettings *settings,
			     GError **error)
{
	TempestUapiChange change = {0};
	gint err;

	if (!arc_tempest_plugin_key(settings->private_key, change.private_key, error))
		return FALSE;
	change.flags = TEMPEST_UAPI_CHANGE_PRIVATE_KEY | TEMPEST_UAPI_CHANGE_LISTEN_PORT |
		       TEMPEST_UAPI_CHANGE_FWMARK;
	change.listen_port = settings->listen_port;
	change.fwmark = settings->fwmark;
	err = tempest_device_apply(self->device, &change);
	sodium_memzero(change.private_key, sizeof(change.private_key));
	if (err != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "%s: UDP port %u: %s",
			    self->ifname, settings->listen_port, g_strerror(err));
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_tempest_plugin_start(ArcTunnel *tunnel, const ArcTunnelSettings *settings, GError **error)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(tunnel);
	GError *local = NULL;
	const TempestAead *aead;

	if (self->device != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_ALREADY_EXISTS,
			    "the tunnel is running already");
		return FALSE;
	}
	aead = tempest_aead_select(
		g_getenv("ARC_TEMPEST_AEAD") ? g_getenv("ARC_TEMPEST_AEAD") : "auto", &local);
	if (aead == NULL)
		return arc_tempest_plugin_fail(error, ARC_ERROR_INVALID_REQUEST, local);
	self->mtu = settings->mtu != 0 ? settings->mtu : ARC_TEMPEST_DEFAULT_MTU;
	if (!tempest_uapi_server_check_ifname(settings->ifname)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "invalid interface name “%s”", settings->ifname);
		return FALSE;
	}
	self->device = tempest_device_new(NULL, self->mtu, aead, &local);
	if (self->device == NULL)
		return arc_tempest_plugin_fail(error, ARC_ERROR_INTERNAL, local);
	self->ifname = g_strdup(settings->ifname);
	if (!arc_tempest_plugin_configure(self, settings, error)) {
		g_clear_pointer(&self->device, tempest_device_free);
		return FALSE;
	}
	tempest_device_start(self->device);
	g_info("%s: tempest up on UDP port %u, AEAD %s", self->ifname,
	       tempest_device_get_port(self->device), aead->name);
	/* `wg show` is a convenience: the tunnel runs without it */
	self->uapi = tempest_device_serve_uapi(self->device, settings->ifname, TRUE, &local);
	if (self->uapi == NULL) {
		g_warning("%s: no wg show: %s", self->ifname, local->message);
		g_clear_error(&local);
	}
	return TRUE;
}

static void
arc_tempest_plugin_stop(ArcTunnel *tunnel)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(tunnel);

	g_clear_pointer(&self->uapi, tempest_uapi_server_stop);
	g_clear_pointer(&self->device, tempest_device_free);
	g_hash_table_remove_all(self->bound);
	g_clear_pointer(&self->ifname, g_free);
	self->has_tun = FALSE;
}

/* the peer's allowed IPs into change->allowed_ips */
static gboolean
arc_tempest_plugin_allowed_ips(const ArcTunnelPeer *peer, GArray *ips, GError **error)
{
	for (guint i = 0; peer->allowed_ips != NULL && peer->allowed_ips[i] != NULL; i++) {
		TempestUapiAllowedIp ip = {0};
		if (!tempest_cidr_parse(peer->allowed_ips[i], &ip.cidr)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "%s: not a network: %s", peer->peer_id, peer->allowed_ips[i]);
			return FALSE;
		}
		tempest_cidr_normalise(&ip.cidr);
		g_array_append_val(ips, ip);
	}
	return TRUE;
}

static gboolean
arc_tempest_plugin_peer_change(const ArcTunnelPeer *peer, TempestUapiPeerChange *pc, GError **error)
{
	if (!arc_tempest_plugin_key(peer->public_key, pc->public_key, error))
		return FALSE;
	pc->flags = TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS | TEMPEST_UAPI_PEER_KEEPALIVE;
	pc->persistent_keepalive_interval = (guint16)MIN(peer->keepalive, G_MAXUINT16);
	if (peer->endpoint != NULL) {
		if (!tempest_endpoint_parse(peer->endpoint, &pc->endpoint)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "%s: not an endpoint: %s", peer->peer_id, peer->endpoint);
			return FALSE;
		}
		pc->flags |= TEMPEST_UAPI_PEER_ENDPOINT;
	}
	return TRUE;
}

/* the interface's own TUN device, for the peers without one of their own */
static gboolean
arc_tempest_plugin_ensure_tun(ArcTempestPlugin *self, GError **error)
{
	GError *local = NULL;
	TempestTun *tun;

	if (self->has_tun)
		return TRUE;
	tun = tempest_device_open_tun(self->ifname, self->mtu, &local);
	if (tun == NULL || !tempest_device_set_tun(self->device, tun, &local)) {
		g_clear_pointer(&tun, tempest_tun_free);
		return arc_tempest_plugin_fail(error, ARC_ERROR_INTERNAL, local);
	}
	self->has_tun = TRUE;
	return TRUE;
}

/* the peer's own TUN device, made once (ArcTunnelPeer.ifname, ABI 2.1) */
static gboolean
arc_tempest_plugin_bind(ArcTempestPlugin *self, const ArcTunnelPeer *peer, const guint8 *public_key,
			GError **error)
{
	g_autofree gchar *hex = g_malloc(TEMPEST_KEY_LEN * 2 + 1);
	GError *local = NULL;
	const gchar *bound;
	TempestTun *tun;

	if (!ARC_STRUCT_HAS_FIELD(peer, ArcTunnelPeer, ifname) || peer->ifname == NULL)
		return arc_tempest_plugin_ensure_tun(self, error);
	sodium_bin2hex(hex, TEMPEST_KEY_LEN * 2 + 1, public_key, TEMPEST_KEY_LEN);
	bound = g_hash_table_lookup(self->bound, hex);
	if (g_strcmp0(bound, peer->ifname) == 0)
		return TRUE;
	tun = tempest_device_open_tun(peer->ifname, self->mtu, &local);
	if (tun == NULL || !tempest_device_bind_tun(self->device, public_key, tun, &local)) {
		g_clear_pointer(&tun, tempest_tun_free);
		return arc_tempest_plugin_fail(error, ARC_ERROR_INTERNAL, local);
	}
	g_hash_table_insert(self->bound, g_steal_pointer(&hex), g_strdup(peer->ifname));
	return TRUE;
}

static gboolean
arc_tempest_plugin_set_peer(ArcTunnel *tunnel, const ArcTunnelPeer *peer, GError **error)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(tunnel);
	g_autoptr(GArray) ips = g_array_new(FALSE, TRUE, sizeof(TempestUapiAllowedIp));
	TempestUapiPeerChange pc = {0};
	TempestUapiChange change = {0};
	gint err;

	if (self->device == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE, "the tunnel is not running");
		return FALSE;
	}
	if (!arc_tempest_plugin_peer_change(peer, &pc, error) ||
	    !arc_tempest_plugin_allowed_ips(peer, ips, error))
		return FALSE;
	pc.n_allowed_ips = ips->len;
	change.peers = &pc;
	change.n_peers = 1;
	change.allowed_ips = (TempestUapiAllowedIp *)(gpointer)ips->data;
	change.n_allowed_ips = ips->len;
	err = tempest_device_apply(self->device, &change);
	if (err != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL, "%s: %s", peer->peer_id,
			    g_strerror(err));
		return FALSE;
	}
	return arc_tempest_plugin_bind(self, peer, pc.public_key, error);
}

static gboolean
arc_tempest_plugin_remove_peer(ArcTunnel *tunnel, GBytes *public_key, GError **error)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(tunnel);
	g_autofree gchar *hex = g_malloc(TEMPEST_KEY_LEN * 2 + 1);
	TempestUapiPeerChange pc = {.flags = TEMPEST_UAPI_PEER_REMOVE};
	TempestUapiChange change = {.peers = &pc, .n_peers = 1};

	if (self->device == NULL)
		return TRUE;
	if (!arc_tempest_plugin_key(public_key, pc.public_key, error))
		return FALSE;
	(void)tempest_device_apply(self->device, &change);
	sodium_bin2hex(hex, TEMPEST_KEY_LEN * 2 + 1, pc.public_key, TEMPEST_KEY_LEN);
	g_hash_table_remove(self->bound, hex);
	return TRUE;
}

static GVariant *
arc_tempest_plugin_peer_stats(const TempestUapiPeerInfo *info)
{
	g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE_VARDICT);
	g_autofree gchar *key = g_base64_encode(info->public_key, TEMPEST_KEY_LEN);
	gchar endpoint[TEMPEST_ENDPOINT_STRING_MAX] = "";

	g_variant_builder_add(&b, "{sv}", "public-key", g_variant_new_string(key));
	if (info->has_endpoint)
		tempest_endpoint_to_string(&info->endpoint, endpoint, sizeof(endpoint));
	g_variant_builder_add(&b, "{sv}", "endpoint", g_variant_new_string(endpoint));
	g_variant_builder_add(&b, "{sv}", "rx-bytes", g_variant_new_uint64(info->rx_bytes));
	g_variant_builder_add(&b, "{sv}", "tx-bytes", g_variant_new_uint64(info->tx_bytes));
	/* UNIX seconds of the latest handshake, 0 for none */
	g_variant_builder_add(&b, "{sv}", "last-handshake",
			      g_variant_new_int64(info->last_handshake_time_sec));
	return g_variant_builder_end(&b);
}

/* a{sv}: listen-port (q), peers (aa{sv}: public-key, endpoint, rx-bytes, tx-bytes,
 * last-handshake) */
static GVariant *
arc_tempest_plugin_get_stats(ArcTunnel *tunnel)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(tunnel);
	g_autoptr(TempestUapiSnapshot) snapshot = NULL;
	g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE_VARDICT);
	g_auto(GVariantBuilder) peers = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("aa{sv}"));

	if (self->device == NULL)
		return NULL;
	snapshot = tempest_device_snapshot(self->device);
	for (guint i = 0; i < snapshot->peers->len; i++)
		g_variant_builder_add_value(
			&peers, arc_tempest_plugin_peer_stats(
					&g_array_index(snapshot->peers, TempestUapiPeerInfo, i)));
	g_variant_builder_add(&b, "{sv}", "listen-port",
			      g_variant_new_uint16(snapshot->listen_port));
	g_variant_builder_add(&b, "{sv}", "peers", g_variant_builder_end(&peers));
	return g_variant_builder_end(&b);
}

static void
arc_tempest_plugin_dispose(GObject *object)
{
	arc_tempest_plugin_stop(ARC_TUNNEL(object));
	G_OBJECT_CLASS(arc_tempest_plugin_parent_class)->dispose(object);
}

static void
arc_tempest_plugin_finalize(GObject *object)
{
	ArcTempestPlugin *self = ARC_TEMPEST_PLUGIN(object);

	g_hash_table_unref(self->bound);
	G_OBJECT_CLASS(arc_tempest_plugin_parent_class)->finalize(object);
}

static void
arc_tempest_plugin_tunnel_iface_init(ArcTunnelInterface *iface)
{
	iface->start = arc_tempest_plugin_start;
	iface->stop = arc_tempest_plugin_stop;
	iface->set_peer = arc_tempest_plugin_set_peer;
	iface->remove_peer = arc_tempest_plugin_remove_peer;
	iface->get_stats = arc_tempest_plugin_get_stats;
}

static void
arc_tempest_plugin_class_init(ArcTempestPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = arc_tempest_plugin_dispose;
	object_class->finalize = arc_tempest_plugin_finalize;
}

static void
arc_tempest_plugin_init(ArcTempestPlugin *self)
{
	self->bound = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}
