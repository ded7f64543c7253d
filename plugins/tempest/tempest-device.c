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

/* one dual-stack IPv6 socket serves both families; a kernel without IPv6 gets an IPv4 one */
static gint
tempest_device_socket(guint16 port, gboolean *v4_only)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = g_htons(port)};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = g_htons(port)};
	gint fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	gint off = 0;

	*v4_only = fd < 0 && errno == EAFNOSUPPORT;
	if (*v4_only) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	if (fd >= 0 && (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
			bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)) {
		gint saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static gint
tempest_device_open_socket(guint16 port, guint32 fwmark, gboolean *v4_only, GError **error)
{
	gint fd = tempest_device_socket(port, v4_only);
	gint size = 4 * 1024 * 1024;

	if (fd < 0) {
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_SYSTEM,
			    "cannot listen on UDP port %u: %s", port, g_strerror(errno));
		return -1;
	}
	/* large buffers absorb the bursts a batch makes; failure only costs throughput */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	if (fwmark != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark));
	return fd;
}

/* where to send to reach endpoint from the device's socket: its length, 0 when that socket
 * cannot (an IPv6 peer of an IPv4-only socket). IPv4 peers of the dual-stack socket are
 * v4-mapped. */
socklen_t
tempest_device_sockaddr_for(TempestDevice *self, const TempestEndpoint *endpoint,
			    struct sockaddr_in6 *to)
{
	memset(to, 0, sizeof(*to));
	if (self->udp_v4_only) {
		struct sockaddr_in *to4 = (struct sockaddr_in *)(gpointer)to;
		if (endpoint->dst.sa.sa_family != AF_INET)
			return 0;
		*to4 = endpoint->dst.in4;
		return sizeof(*to4);
	}
	to->sin6_family = AF_INET6;
	if (endpoint->dst.sa.sa_family == AF_INET) {
		to->sin6_port = endpoint->dst.in4.sin_port;
		to->sin6_addr.s6_addr[10] = 0xff;
		to->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&to->sin6_addr.s6_addr[12], &endpoint->dst.in4.sin_addr, 4);
	} else {
		*to = endpoint->dst.in6;
	}
	return sizeof(*to);
}

/* the socket is replaced under the same descriptor number (dup2), so the packet threads, which
 * read device->udp_fd once, go on with the new one */
gboolean
tempest_device_rebind_locked(TempestDevice *self, guint16 port, GError **error)
{
	gint fd = tempest_device_open_socket(port, self->fwmark, &self->udp_v4_only, error);

	if (fd < 0)
		return FALSE;
	if (self->udp_fd < 0) {
		self->udp_fd = fd;
	} else {
		dup2(fd, self->udp_fd);
		close(fd);
	}
	self->listen_port = port;
	return TRUE;
}

guint16
tempest_device_get_port(TempestDevice *self)
{
	struct sockaddr_in6 sin6 = {0};
	socklen_t len = sizeof(sin6);

	if (getsockname(self->udp_fd, (struct sockaddr *)&sin6, &len) < 0)
		return self->listen_port;
	return g_ntohs(sin6.sin6_port);
}

TempestDevice *
tempest_device_new(gint tun_fd, gsize mtu, const TempestAead *aead, GError **error)
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
	self->tun_fd = tun_fd;
	self->mtu = mtu;
	self->udp_fd = -1;
	self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	self->hs_queue = tempest_dev_hs_queue_new();
	self->bound_tx_threads = g_ptr_array_new();
	self->rekey_after_time = TEMPEST_REKEY_AFTER_TIME;
	/* for tests only (docs/tempest.md): rekeying in seconds instead of two minutes */
	if (rekey_ms != NULL && g_ascii_strtoll(rekey_ms, NULL, 10) > 0)
		self->rekey_after_time = g_ascii_strtoll(rekey_ms, NULL, 10) * 1000;
	/* for measurements: ARC_TEMPEST_UDP_GSO=0 sends one datagram at a time */
	if (g_strcmp0(g_getenv("ARC_TEMPEST_UDP_GSO"), "0") == 0)
		self->udp_gso_off = TRUE;
	if (!tempest_device_rebind_locked(self, 0, error))
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
	self->hs_thread = g_thread_new("tempest-hs", tempest_dev_hs_thread, self);
	self->rx_thread = g_thread_new("tempest-rx", tempest_dev_rx_thread, self);
	if (self->tun_fd >= 0)
		self->tx_thread = g_thread_new("tempest-tx", tempest_dev_tx_thread, self);
}

static void
tempest_device_join(TempestDevice *self)
{
	g_atomic_int_set(&self->stopping, TRUE);
	tempest_device_wake(self);
	g_clear_pointer(&self->hs_thread, g_thread_join);
	g_clear_pointer(&self->rx_thread, g_thread_join);
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
	if (self->udp_fd >= 0)
		close(self->udp_fd);
	if (self->tun_fd >= 0)
		close(self->tun_fd);
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
	peer->bound_tun_fd = -1;
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
	struct sockaddr_in6 to;
	socklen_t to_len = 0;

	g_mutex_lock(&peer->lock);
	if (peer->has_endpoint)
		to_len = tempest_device_sockaddr_for(self, &peer->endpoint, &to);
	g_mutex_unlock(&peer->lock);
	return to_len > 0 &&
	       sendto(self->udp_fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&to, to_len) >= 0;
}

gboolean
tempest_device_bind_tun(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN], gint tun_fd,
			GError **error)
{
	TempestDevBoundTun *bound;
	TempestPeer *peer;

	g_rw_lock_writer_lock(&self->config_lock);
	peer = tempest_device_find_peer_locked(self, public_key);
	if (peer == NULL || peer->bound_tun_fd >= 0) {
		g_rw_lock_writer_unlock(&self->config_lock);
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
			    peer == NULL ? "no such peer" : "the peer has a TUN device already");
		return FALSE;
	}
	peer->bound_tun_fd = tun_fd;
	g_rw_lock_writer_unlock(&self->config_lock);
	bound = g_new0(TempestDevBoundTun, 1);
	bound->device = self;
	memcpy(bound->public_key, public_key, TEMPEST_KEY_LEN);
	bound->tun_fd = tun_fd;
	g_ptr_array_add(self->bound_tx_threads,
			g_thread_new("tempest-tx-peer", tempest_dev_bound_tx_thread, bound));
	return TRUE;
}
