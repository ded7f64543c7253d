/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

G_DEFINE_QUARK(tempest - device - error - quark, tempest_device_error)

TempestDevKeypair *
tempest_dev_keypair_ref(TempestDevKeypair *self)
{
	if (self != NULL)
		g_atomic_int_inc(&self->ref);
	return self;
}

void
tempest_dev_keypair_unref(TempestDevKeypair *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->ref))
		return;
	tempest_keypair_free(self->kp);
	g_free(self);
}

void
tempest_dev_staged_push(TempestDevStagedQueue *q, const guint8 *data, gsize len)
{
	TempestDevStaged *slot;

	if (q->len == TEMPEST_DEV_STAGED_MAX) {
		/* full: the oldest goes, as wg drops the oldest staged packet */
		g_free(tempest_dev_staged_pop(q));
		q->dropped++;
	}
	slot = g_malloc(sizeof(*slot) + len);
	slot->len = len;
	memcpy(slot->data, data, len);
	q->slots[(q->head + q->len) % TEMPEST_DEV_STAGED_MAX] = slot;
	q->len++;
}

TempestDevStaged *
tempest_dev_staged_pop(TempestDevStagedQueue *q)
{
	TempestDevStaged *slot;

	if (q->len == 0)
		return NULL;
	slot = q->slots[q->head];
	q->slots[q->head] = NULL;
	q->head = (q->head + 1) % TEMPEST_DEV_STAGED_MAX;
	q->len--;
	return slot;
}

void
tempest_dev_staged_clear(TempestDevStagedQueue *q)
{
	TempestDevStaged *slot;

	while ((slot = tempest_dev_staged_pop(q)) != NULL)
		g_free(slot);
}

TempestDevTun *
tempest_dev_tun_new(TempestTun *tun)
{
	TempestDevTun *self = g_new0(TempestDevTun, 1);

	self->tun = tun;
	self->ref = 1;
	return self;
}

TempestDevTun *
tempest_dev_tun_ref(TempestDevTun *self)
{
	g_atomic_int_inc(&self->ref);
	return self;
}

void
tempest_dev_tun_unref(TempestDevTun *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->ref))
		return;
	tempest_tun_free(self->tun);
	g_free(self);
}

TempestTun *
tempest_device_open_tun(const gchar *ifname, guint mtu, GError **error)
{
	g_autoptr(TempestTun) tun = NULL;

	/* an empty name would let the kernel choose one: the caller names its device */
	if (ifname == NULL || *ifname == '\0' || strchr(ifname, '%') != NULL) {
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
			    "invalid interface name “%s”", ifname != NULL ? ifname : "");
		return NULL;
	}
	tun = tempest_tun_open(ifname, TEMPEST_TUN_FLAG_OFFLOAD, error);
	if (tun == NULL || !tempest_tun_set_mtu(tun, mtu, error) ||
	    !tempest_tun_set_up(tun, TRUE, error))
		return NULL;
	return g_steal_pointer(&tun);
}

/* the socket is replaced under the same descriptor numbers (tempest_udp_rebind()), so the
 * packet threads go on with the new one */
gboolean
tempest_device_rebind_locked(TempestDevice *self, guint16 port, GError **error)
{
	if (!tempest_udp_rebind(self->udp, port, error))
		return FALSE;
	self->listen_port = port;
	return TRUE;
}

guint16
tempest_device_get_port(TempestDevice *self)
{
	return tempest_udp_get_port(self->udp);
}

/* for measurements (docs/tempest.md): ARC_TEMPEST_UDP_GSO=0 sends one datagram at a time,
 * ARC_TEMPEST_UDP_GRO=0 receives one at a time */
static TempestUdpFlags
tempest_device_udp_flags(void)
{
	TempestUdpFlags flags = TEMPEST_UDP_FLAG_NONE;

	if (g_strcmp0(g_getenv("ARC_TEMPEST_UDP_GSO"), "0") == 0)
		flags |= TEMPEST_UDP_FLAG_NO_GSO;
	if (g_strcmp0(g_getenv("ARC_TEMPEST_UDP_GRO"), "0") == 0)
		flags |= TEMPEST_UDP_FLAG_NO_GRO;
	return flags;
}

TempestDevice *
tempest_device_new(TempestTun *tun, gsize mtu, const TempestAead *aead, GError **error)
{
	g_autoptr(TempestDevice) self = g_new0(TempestDevice, 1);
	const gchar *rekey_ms = g_getenv("ARC_TEMPEST_REKEY_AFTER_TIME_MS");

	tempest_crypto_init();
	g_rw_lock_init(&self->config_lock);
	g_mutex_init(&self->index_lock);
	self->peers = g_ptr_array_new();
	self->index = g_hash_table_new(NULL, NULL);
	self->allowedips = tempest_allowedips_new();
	self->aead = aead;
	self->tun = tun != NULL ? tempest_dev_tun_new(tun) : NULL;
	self->mtu = mtu;
	self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	self->hs_queue = tempest_dev_hs_queue_new();
	self->bound_tx_threads = g_ptr_array_new();
	self->rekey_after_time = TEMPEST_REKEY_AFTER_TIME;
	/* for tests only (docs/tempest.md): rekeying in seconds instead of two minutes */
	if (rekey_ms != NULL && g_ascii_strtoll(rekey_ms, NULL, 10) > 0)
		self->rekey_after_time = g_ascii_strtoll(rekey_ms, NULL, 10) * 1000;
	/* for measurements, as the UDP flags */
	self->tun_gro_off = g_strcmp0(g_getenv("ARC_TEMPEST_TUN_GRO"), "0") == 0;
	self->udp = tempest_udp_open(0, 0, tempest_device_udp_flags(), error);
	if (self->udp == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
tempest_device_set_rekey_after_time(TempestDevice *self, gint64 usec)
{
	self->rekey_after_time = usec > 0 ? usec : TEMPEST_REKEY_AFTER_TIME;
}

void
tempest_device_wake(TempestDevice *self)
{
	guint64 one = 1;

	(void)!write(self->wake_fd, &one, sizeof(one));
}

void
tempest_device_start(TempestDevice *self)
{
	static const gint families[] = {AF_INET, AF_INET6};

	self->hs_thread = g_thread_new("tempest-hs", tempest_dev_hs_thread, self);
	for (guint i = 0; i < G_N_ELEMENTS(families); i++) {
		TempestDevRxStart *start;
		if (tempest_udp_get_fd(self->udp, families[i]) < 0)
			continue;
		start = g_new0(TempestDevRxStart, 1); /* the thread's */
		start->device = self;
		start->family = families[i];
		self->rx_threads[i] = g_thread_new("tempest-rx", tempest_dev_rx_thread, start);
	}
	if (self->tun != NULL)
		self->tx_thread = g_thread_new("tempest-tx", tempest_dev_tx_thread, self);
	self->started = TRUE;
}

gboolean
tempest_device_set_tun(TempestDevice *self, TempestTun *tun, GError **error)
{
	if (self->tun != NULL) {
		g_set_error_literal(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
				    "the device has a TUN device already");
		return FALSE;
	}
	/* the RX threads read self->tun under the read lock */
	g_rw_lock_writer_lock(&self->config_lock);
	self->tun = tempest_dev_tun_new(tun);
	g_rw_lock_writer_unlock(&self->config_lock);
	if (self->started)
		self->tx_thread = g_thread_new("tempest-tx", tempest_dev_tx_thread, self);
	return TRUE;
}

/* every thread is woken where it blocks: the handshake thread's eventfd, the sockets (shut
 * down), every TUN device's reader */
static void
tempest_device_join(TempestDevice *self)
{
	g_atomic_int_set(&self->stopping, TRUE);
	tempest_device_wake(self);
	if (self->udp != NULL)
		tempest_udp_shutdown(self->udp);
	if (self->tun != NULL)
		tempest_tun_wake(self->tun->tun);
	g_rw_lock_reader_lock(&self->config_lock);
	for (guint i = 0; i < self->peers->len; i++) {
		TempestPeer *peer = self->peers->pdata[i];
		if (peer->bound_tun != NULL)
			tempest_tun_wake(peer->bound_tun->tun);
	}
	g_rw_lock_reader_unlock(&self->config_lock);
	g_clear_pointer(&self->hs_thread, g_thread_join);
	for (guint i = 0; i < G_N_ELEMENTS(self->rx_threads); i++)
		g_clear_pointer(&self->rx_threads[i], g_thread_join);
	g_clear_pointer(&self->tx_thread, g_thread_join);
	for (guint i = 0; i < self->bound_tx_threads->len; i++)
		g_thread_join(self->bound_tx_threads->pdata[i]);
	g_ptr_array_set_size(self->bound_tx_threads, 0);
}

void
tempest_device_free(TempestDevice *self)
{
	if (self == NULL)
		return;
	tempest_device_join(self);
	while (self->peers->len > 0)
		tempest_device_remove_peer_locked(self, self->peers->pdata[self->peers->len - 1]);
	g_ptr_array_unref(self->peers);
	g_ptr_array_unref(self->bound_tx_threads);
	g_hash_table_unref(self->index);
	tempest_allowedips_free(self->allowedips);
	g_clear_pointer(&self->checker, tempest_cookie_checker_free);
	g_clear_pointer(&self->identity, tempest_static_identity_free);
	tempest_dev_hs_queue_free(self->hs_queue);
	g_clear_pointer(&self->udp, tempest_udp_free);
	g_clear_pointer(&self->tun, tempest_dev_tun_unref);
	close(self->wake_fd);
	g_rw_lock_clear(&self->config_lock);
	g_mutex_clear(&self->index_lock);
	g_free(self);
}

TempestPeer *
tempest_device_find_peer_locked(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN])
{
	for (guint i = 0; i < self->peers->len; i++) {
		TempestPeer *peer = self->peers->pdata[i];
		if (memcmp(peer->public_key, public_key, TEMPEST_KEY_LEN) == 0)
			return peer;
	}
	return NULL;
}

/* a peer cannot handshake without our identity: its handshake is made when both exist */
static void
tempest_device_peer_rekey_identity(TempestDevice *self, TempestPeer *peer)
{
	g_clear_pointer(&peer->handshake, tempest_handshake_free);
	if (self->identity != NULL)
		peer->handshake =
			tempest_handshake_new(self->identity, peer->public_key, peer->psk);
}

TempestPeer *
tempest_device_add_peer_locked(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN])
{
	TempestPeer *peer = g_new0(TempestPeer, 1);

	peer->device = self;
	memcpy(peer->public_key, public_key, TEMPEST_KEY_LEN);
	peer->cookie = tempest_cookie_generator_new(public_key);
	g_mutex_init(&peer->lock);
	tempest_device_peer_rekey_identity(self, peer);
	g_ptr_array_add(self->peers, peer);
	return peer;
}

static void
tempest_device_drop_indices_locked(TempestDevice *self, TempestPeer *peer)
{
	GHashTableIter iter;
	gpointer value = NULL;

	g_mutex_lock(&self->index_lock);
	g_hash_table_iter_init(&iter, self->index);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		if (value == peer)
			g_hash_table_iter_remove(&iter);
	}
	g_mutex_unlock(&self->index_lock);
}

void
tempest_device_remove_peer_locked(TempestDevice *self, TempestPeer *peer)
{
	tempest_allowedips_remove_by_peer(self->allowedips, peer);
	tempest_device_drop_indices_locked(self, peer);
	/* its own TUN device goes with its TX thread, which the wake ends; RX threads that still
	 * write to it hold references */
	if (peer->bound_tun != NULL) {
		g_atomic_int_set(&peer->bound_tun->gone, TRUE);
		tempest_tun_wake(peer->bound_tun->tun);
		g_clear_pointer(&peer->bound_tun, tempest_dev_tun_unref);
	}
	g_ptr_array_remove(self->peers, peer);
	g_mutex_lock(&peer->lock);
	tempest_dev_peer_clear_keys_locked(peer);
	g_mutex_unlock(&peer->lock);
	g_clear_pointer(&peer->handshake, tempest_handshake_free);
	tempest_cookie_generator_free(peer->cookie);
	sodium_memzero(peer->psk, sizeof(peer->psk));
	g_mutex_clear(&peer->lock);
	g_free(peer);
}

/* a random index not in use; the table maps it back to the peer (whitepaper §5.4.2) */
guint32
tempest_device_new_index(TempestDevice *self, TempestPeer *peer)
{
	guint32 index;

	g_mutex_lock(&self->index_lock);
	do
		index = randombytes_random();
	while (index == 0 || g_hash_table_contains(self->index, GUINT_TO_POINTER(index)));
	g_hash_table_insert(self->index, GUINT_TO_POINTER(index), peer);
	g_mutex_unlock(&self->index_lock);
	return index;
}

void
tempest_device_drop_index(TempestDevice *self, guint32 index)
{
	if (index == 0)
		return;
	g_mutex_lock(&self->index_lock);
	g_hash_table_remove(self->index, GUINT_TO_POINTER(index));
	g_mutex_unlock(&self->index_lock);
}

TempestPeer *
tempest_device_lookup_index(TempestDevice *self, guint32 index)
{
	TempestPeer *peer;

	g_mutex_lock(&self->index_lock);
	peer = g_hash_table_lookup(self->index, GUINT_TO_POINTER(index));
	g_mutex_unlock(&self->index_lock);
	return peer;
}

gboolean
tempest_device_send_to_peer(TempestDevice *self, TempestPeer *peer, const guint8 *buf, gsize len)
{
	TempestEndpoint to;
	gboolean has_endpoint;

	g_mutex_lock(&peer->lock);
	has_endpoint = peer->has_endpoint;
	to = peer->endpoint;
	g_mutex_unlock(&peer->lock);
	return has_endpoint && tempest_udp_send_one(self->udp, &to, buf, len) == 0;
}

gboolean
tempest_device_bind_tun(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN],
			TempestTun *tun, GError **error)
{
	TempestDevBoundTun *bound;
	TempestPeer *peer;

	g_rw_lock_writer_lock(&self->config_lock);
	peer = tempest_device_find_peer_locked(self, public_key);
	if (peer == NULL || peer->bound_tun != NULL) {
		g_rw_lock_writer_unlock(&self->config_lock);
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
			    peer == NULL ? "no such peer" : "the peer has a TUN device already");
		return FALSE;
	}
	peer->bound_tun = tempest_dev_tun_new(tun);
	bound = g_new0(TempestDevBoundTun, 1);
	bound->device = self;
	memcpy(bound->public_key, public_key, TEMPEST_KEY_LEN);
	bound->tun = tempest_dev_tun_ref(peer->bound_tun);
	g_rw_lock_writer_unlock(&self->config_lock);
	g_ptr_array_add(self->bound_tx_threads,
			g_thread_new("tempest-tx-peer", tempest_dev_bound_tx_thread, bound));
	return TRUE;
}
