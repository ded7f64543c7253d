/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>

#include <sodium.h>

/* UAPI get and set on the live device: every change under the configuration write lock, so
 * the packet threads see either the old or the new state between two batches. */

static void
tempest_device_set_private_key_locked(TempestDevice *self, const guint8 key[TEMPEST_KEY_LEN])
{
	g_autoptr(TempestStaticIdentity) identity = NULL;

	/* the same key again (wg setconf of an unchanged file) keeps the sessions */
	if (self->identity != NULL &&
	    tempest_equal(self->identity->private_key, key, TEMPEST_KEY_LEN))
		return;
	if (!tempest_is_zero(key, TEMPEST_KEY_LEN))
		identity = tempest_static_identity_new(key);
	/* a peer with our own public key cannot be talked to: wireguard-go removes it */
	for (guint i = identity != NULL ? self->peers->len : 0; i > 0; i--) {
		TempestPeer *peer = self->peers->pdata[i - 1];
		if (memcmp(peer->public_key, identity->public_key, TEMPEST_KEY_LEN) == 0)
			tempest_device_remove_peer_locked(self, peer);
	}
	for (guint i = 0; i < self->peers->len; i++) {
		TempestPeer *peer = self->peers->pdata[i];
		g_mutex_lock(&peer->lock);
		tempest_dev_peer_clear_keys_locked(peer);
		g_mutex_unlock(&peer->lock);
		g_clear_pointer(&peer->handshake, tempest_handshake_free);
		if (identity != NULL)
			peer->handshake =
				tempest_handshake_new(identity, peer->public_key, peer->psk);
	}
	g_clear_pointer(&self->checker, tempest_cookie_checker_free);
	g_clear_pointer(&self->identity, tempest_static_identity_free);
	if (identity != NULL)
		self->checker = tempest_cookie_checker_new(identity);
	self->identity = g_steal_pointer(&identity);
}

static gint
tempest_device_apply_interface_locked(TempestDevice *self, const TempestUapiChange *change)
{
	if (change->flags & TEMPEST_UAPI_CHANGE_PRIVATE_KEY)
		tempest_device_set_private_key_locked(self, change->private_key);
	if (change->flags & TEMPEST_UAPI_CHANGE_FWMARK) {
		g_autoptr(GError) error = NULL;
		if (!tempest_udp_set_fwmark(self->udp, change->fwmark, &error)) {
			g_debug("%s", error->message);
			return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
				       ? EPERM
				       : EINVAL;
		}
		self->fwmark = change->fwmark;
	}
	if ((change->flags & TEMPEST_UAPI_CHANGE_LISTEN_PORT) &&
	    change->listen_port != self->listen_port) {
		g_autoptr(GError) error = NULL;
		if (!tempest_device_rebind_locked(self, change->listen_port, &error)) {
			g_warning("%s", error->message);
			return EADDRINUSE;
		}
	}
	if (change->flags & TEMPEST_UAPI_CHANGE_REPLACE_PEERS) {
		while (self->peers->len > 0)
			tempest_device_remove_peer_locked(self,
							  self->peers->pdata[self->peers->len - 1]);
	}
	return 0;
}

static void
tempest_device_apply_allowed_ips_locked(TempestDevice *self, TempestPeer *peer,
					const TempestUapiChange *change,
					const TempestUapiPeerChange *pc)
{
	const TempestUapiAllowedIp *ips = tempest_uapi_peer_change_get_allowed_ips(change, pc);

	if (pc->flags & TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS)
		tempest_allowedips_remove_by_peer(self->allowedips, peer);
	for (guint i = 0; i < pc->n_allowed_ips; i++) {
		if (ips[i].remove)
			tempest_allowedips_remove(self->allowedips, &ips[i].cidr, peer);
		else
			tempest_allowedips_insert(self->allowedips, &ips[i].cidr, peer);
	}
}

static void
tempest_device_apply_peer_fields_locked(TempestPeer *peer, const TempestUapiPeerChange *pc)
{
	gboolean start_keepalive = FALSE;

	if (pc->flags & TEMPEST_UAPI_PEER_PRESHARED_KEY) {
		memcpy(peer->psk, pc->preshared_key, TEMPEST_KEY_LEN);
		if (peer->handshake != NULL)
			tempest_handshake_set_psk(peer->handshake, peer->psk);
	}
	g_mutex_lock(&peer->lock);
	if (pc->flags & TEMPEST_UAPI_PEER_ENDPOINT) {
		/* a v4-mapped address is an IPv4 peer: it is reached through the IPv4 socket */
		tempest_dev_endpoint_from_sockaddr(&peer->endpoint, &pc->endpoint.dst);
		peer->has_endpoint = TRUE;
	}
	if (pc->flags & TEMPEST_UAPI_PEER_KEEPALIVE) {
		/* wireguard-go sends a keepalive at once when persistent keepalive is turned on */
		start_keepalive =
			peer->keepalive_interval == 0 && pc->persistent_keepalive_interval > 0;
		peer->keepalive_interval = pc->persistent_keepalive_interval;
		if (start_keepalive)
			peer->timers.want_keepalive = TRUE;
	}
	g_mutex_unlock(&peer->lock);
	if (start_keepalive)
		tempest_device_wake(peer->device);
}

static gint
tempest_device_apply_peer_locked(TempestDevice *self, const TempestUapiChange *change,
				 const TempestUapiPeerChange *pc)
{
	TempestPeer *peer = tempest_device_find_peer_locked(self, pc->public_key);

	if (self->identity != NULL &&
	    memcmp(pc->public_key, self->identity->public_key, TEMPEST_KEY_LEN) == 0)
		return 0; /* our own key: ignored, as wireguard-go ignores it */
	if (pc->flags & TEMPEST_UAPI_PEER_REMOVE) {
		if (peer != NULL)
			tempest_device_remove_peer_locked(self, peer);
		return 0;
	}
	if (peer == NULL) {
		if (pc->flags & TEMPEST_UAPI_PEER_UPDATE_ONLY)
			return 0;
		peer = tempest_device_add_peer_locked(self, pc->public_key);
	}
	tempest_device_apply_peer_fields_locked(peer, pc);
	tempest_device_apply_allowed_ips_locked(self, peer, change, pc);
	return 0;
}

gint
tempest_device_apply(TempestDevice *self, const TempestUapiChange *change)
{
	gint err;

	g_rw_lock_writer_lock(&self->config_lock);
	err = tempest_device_apply_interface_locked(self, change);
	for (guint i = 0; err == 0 && i < change->n_peers; i++)
		err = tempest_device_apply_peer_locked(self, change, &change->peers[i]);
	g_rw_lock_writer_unlock(&self->config_lock);
	tempest_device_wake(self);
	return err;
}

static gboolean
tempest_device_collect_cidr(const TempestCidr *cidr, gpointer user_data)
{
	tempest_uapi_peer_info_add_allowed_ip(user_data, cidr);
	return TRUE;
}

static void
tempest_device_snapshot_peer_locked(TempestDevice *self, TempestPeer *peer,
				    TempestUapiSnapshot *snapshot)
{
	TempestUapiPeerInfo *info = tempest_uapi_snapshot_add_peer(snapshot, peer->public_key);

	memcpy(info->preshared_key, peer->psk, TEMPEST_KEY_LEN);
	g_mutex_lock(&peer->lock);
	info->has_endpoint = peer->has_endpoint;
	info->endpoint = peer->endpoint;
	info->persistent_keepalive_interval = peer->keepalive_interval;
	info->last_handshake_time_sec = peer->last_handshake_sec;
	info->last_handshake_time_nsec = peer->last_handshake_nsec;
	g_mutex_unlock(&peer->lock);
	info->rx_bytes = __atomic_load_n(&peer->rx_bytes, __ATOMIC_RELAXED);
	info->tx_bytes = __atomic_load_n(&peer->tx_bytes, __ATOMIC_RELAXED);
	tempest_allowedips_foreach_peer(self->allowedips, peer, tempest_device_collect_cidr, info);
}

static void
tempest_device_fill_snapshot(TempestDevice *self, TempestUapiSnapshot *snapshot)
{
	g_rw_lock_reader_lock(&self->config_lock);
	if (self->identity != NULL) {
		snapshot->has_private_key = TRUE;
		memcpy(snapshot->private_key, self->identity->private_key, TEMPEST_KEY_LEN);
	}
	snapshot->listen_port = tempest_device_get_port(self);
	snapshot->fwmark = self->fwmark;
	for (guint i = 0; i < self->peers->len; i++)
		tempest_device_snapshot_peer_locked(self, self->peers->pdata[i], snapshot);
	g_rw_lock_reader_unlock(&self->config_lock);
}

TempestUapiSnapshot *
tempest_device_snapshot(TempestDevice *self)
{
	TempestUapiSnapshot *snapshot = tempest_uapi_snapshot_new();

	tempest_device_fill_snapshot(self, snapshot);
	return snapshot;
}

static void
tempest_device_uapi_get_cb(TempestUapiSnapshot *snapshot, gpointer user_data)
{
	tempest_device_fill_snapshot(user_data, snapshot);
}

static void
tempest_device_uapi_set_cb(const TempestUapiChange *change, gint *errno_out, gpointer user_data)
{
	*errno_out = tempest_device_apply(user_data, change);
}

TempestUapiServer *
tempest_device_serve_uapi(TempestDevice *self, const gchar *ifname, gboolean read_only,
			  GError **error)
{
	TempestUapiServerConfig config = {
		.get = tempest_device_uapi_get_cb,
		.set = tempest_device_uapi_set_cb,
		.user_data = self,
		.read_only = read_only,
	};

	return tempest_uapi_server_start(NULL, ifname, &config, error);
}
