/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <string.h>

/* The data path's TX side: TUN (tempest_tun_read(): TSO super-packets cut into packets) ->
 * allowed IPs -> seal -> UDP (tempest_udp_send(): sendmmsg, runs to one peer as UDP GSO
 * sends). Buffers are allocated once per thread; a packet is read into its buffer 16 bytes
 * in, so the transport header is written in front of it and the AEAD works in place. A batch
 * takes the configuration read lock once, and each peer's lock once per run of packets for
 * that peer. */

/* what a packet may be: room behind it for the padding (15) and the tag (16) */
#define TEMPEST_DEV_PLAIN_MAX (TEMPEST_DEV_BUF_LEN - 64)

typedef struct {
	guint8 (*bufs)[TEMPEST_DEV_BUF_LEN];
	TempestTunPacket in[TEMPEST_DEV_TX_BATCH]; /* bufs[i] + 16: where packet i starts */
	TempestUdpPacket out[TEMPEST_DEV_TX_BATCH];
	TempestUdpBatch *udp;
	guint8 *scratch; /* a TUN frame: the virtio-net header, then up to 64 KiB */
} TempestDevBatch;

static TempestDevBatch *
tempest_dev_batch_new(void)
{
	TempestDevBatch *b = g_new0(TempestDevBatch, 1);

	b->bufs = g_malloc0(sizeof(*b->bufs) * TEMPEST_DEV_TX_BATCH);
	b->scratch = g_malloc0(TEMPEST_TUN_SCRATCH_LEN);
	b->udp = tempest_udp_batch_new();
	for (guint i = 0; i < TEMPEST_DEV_TX_BATCH; i++) {
		b->in[i].data = b->bufs[i] + TEMPEST_MSG_TRANSPORT_HEADER_LEN;
		b->in[i].size = TEMPEST_DEV_PLAIN_MAX;
	}
	return b;
}

static void
tempest_dev_batch_free(TempestDevBatch *b)
{
	tempest_udp_batch_free(b->udp);
	g_free(b->scratch);
	g_free(b->bufs);
	g_free(b);
}

/* the current keypair when it may still send: a new reference, or NULL */
static TempestDevKeypair *
tempest_dev_usable_keypair_locked(TempestPeer *peer, gint64 now)
{
	TempestDevKeypair *kp = peer->current;

	if (kp == NULL || tempest_keypair_is_expired(kp->kp, now))
		return NULL;
	return tempest_dev_keypair_ref(kp);
}

static gboolean
tempest_dev_wants_rekey(TempestDevice *self, const TempestKeypair *kp, gint64 now)
{
	return __atomic_load_n(&kp->send_counter, __ATOMIC_RELAXED) >
		       TEMPEST_REKEY_AFTER_MESSAGES ||
	       (kp->is_initiator && now - kp->created >= self->rekey_after_time);
}

/* a packet waits for a session, and the handshake thread is asked for one */
static void
tempest_dev_stage(TempestDevice *self, TempestPeer *peer, const guint8 *data, gsize len)
{
	gboolean wake;

	g_mutex_lock(&peer->lock);
	if (len > 0)
		tempest_dev_staged_push(&peer->staged, data, len);
	wake = !peer->timers.want_handshake;
	peer->timers.want_handshake = TRUE;
	g_mutex_unlock(&peer->lock);
	if (wake)
		tempest_device_wake(self);
}

/* pads in place (the buffer has room) and seals in front: the datagram's length, or 0 */
static gsize
tempest_dev_seal(TempestDevice *self, TempestDevKeypair *kp, guint8 *buf, gsize len, gint64 now)
{
	gsize padded = tempest_transport_padded_len(len, self->mtu);
	gsize out_len = 0;

	memset(buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN + len, 0, padded - len);
	if (tempest_transport_seal(kp->kp, self->aead, now, buf,
				   buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN, padded,
				   &out_len) != TEMPEST_NOISE_OK)
		return 0;
	return out_len;
}

/* the timers and counters of a run of packets sent to one peer */
static void
tempest_dev_account_sent(TempestDevice *self, TempestPeer *peer, TempestDevKeypair *kp,
			 guint64 bytes, gboolean data, gint64 now)
{
	gboolean rekey = kp != NULL && tempest_dev_wants_rekey(self, kp->kp, now);

	__atomic_fetch_add(&peer->tx_bytes, bytes, __ATOMIC_RELAXED);
	g_mutex_lock(&peer->lock);
	if (data)
		tempest_dev_timers_data_sent(peer, now);
	tempest_dev_timers_any_authenticated_sent(peer, now);
	rekey = rekey && !peer->timers.want_handshake;
	if (rekey)
		peer->timers.want_handshake = TRUE;
	g_mutex_unlock(&peer->lock);
	if (rekey)
		tempest_device_wake(self);
}

gboolean
tempest_dev_send_one(TempestDevice *self, TempestPeer *peer, const guint8 *plain, gsize len)
{
	guint8 buf[TEMPEST_DEV_BUF_LEN];
	gint64 now = g_get_monotonic_time();
	TempestDevKeypair *kp;
	gsize out_len = 0;

	if (len > TEMPEST_DEV_BUF_LEN - TEMPEST_MSG_TRANSPORT_MIN_LEN - 16)
		return FALSE;
	g_mutex_lock(&peer->lock);
	kp = tempest_dev_usable_keypair_locked(peer, now);
	g_mutex_unlock(&peer->lock);
	if (kp != NULL) {
		if (len > 0)
			memcpy(buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN, plain, len);
		out_len = tempest_dev_seal(self, kp, buf, len, now);
	}
	if (out_len == 0 || !tempest_device_send_to_peer(self, peer, buf, out_len)) {
		if (kp == NULL || out_len == 0)
			tempest_dev_stage(self, peer, plain, len);
		tempest_dev_keypair_unref(kp);
		return FALSE;
	}
	tempest_dev_account_sent(self, peer, kp, out_len, len > 0, now);
	tempest_dev_keypair_unref(kp);
	return TRUE;
}

/* the TX side's state across one batch: the peer of the previous packet and its keypair */
typedef struct {
	TempestPeer *peer;
	TempestDevKeypair *kp;
	TempestEndpoint to;
	gboolean has_endpoint;
	guint64 bytes;
	guint n;
} TempestDevTxRun;

static void
tempest_dev_tx_run_end(TempestDevice *self, TempestDevTxRun *run, gint64 now)
{
	if (run->peer != NULL && run->n > 0)
		tempest_dev_account_sent(self, run->peer, run->kp, run->bytes, TRUE, now);
	g_clear_pointer(&run->kp, tempest_dev_keypair_unref);
	memset(run, 0, sizeof(*run));
}

static void
tempest_dev_tx_run_begin(TempestDevTxRun *run, TempestPeer *peer, gint64 now)
{
	run->peer = peer;
	g_mutex_lock(&peer->lock);
	run->kp = tempest_dev_usable_keypair_locked(peer, now);
	run->has_endpoint = peer->has_endpoint;
	run->to = peer->endpoint;
	g_mutex_unlock(&peer->lock);
	/* the kernel picks the source address (docs/tempest.md) */
	tempest_endpoint_clear_src(&run->to);
}

/* seals packet i of the batch for peer into out[*n_out] (or stages it); config lock held */
static void
tempest_dev_tx_one(TempestDevice *self, TempestDevBatch *b, TempestDevTxRun *run, TempestPeer *peer,
		   guint i, guint *n_out, gint64 now)
{
	guint8 *buf = b->bufs[i];
	gsize out_len = 0;

	if (peer != run->peer) {
		tempest_dev_tx_run_end(self, run, now);
		tempest_dev_tx_run_begin(run, peer, now);
	}
	if (run->kp != NULL && run->has_endpoint)
		out_len = tempest_dev_seal(self, run->kp, buf, b->in[i].len, now);
	if (out_len == 0) {
		tempest_dev_stage(self, peer, b->in[i].data, b->in[i].len);
		return;
	}
	b->out[*n_out].data = buf;
	b->out[*n_out].len = out_len;
	b->out[*n_out].endpoint = run->to;
	(*n_out)++;
	run->bytes += out_len;
	run->n++;
}

/* sends what was sealed: one sendmmsg() per family and up to 128 messages, runs to one peer
 * as UDP GSO sends while the kernel takes them (tempest_udp_send()). When a datagram is
 * refused (an endpoint without a route), the batch goes again one datagram at a time so the
 * others still leave; a datagram that left twice is dropped by its receiver's replay window. */
static void
tempest_dev_send_batch(TempestDevice *self, TempestDevBatch *b, guint n)
{
	if (n == 0 || tempest_udp_send(self->udp, b->udp, b->out, n) >= 0 ||
	    g_atomic_int_get(&self->stopping))
		return;
	for (guint i = 0; i < n; i++)
		(void)tempest_udp_send(self->udp, b->udp, &b->out[i], 1);
}

/* one batch from a TUN device; forced is the peer of a peer-bound TUN, else allowed IPs
 * choose; FALSE when a bound peer is gone */
static gboolean
tempest_dev_tx_batch(TempestDevice *self, TempestDevBatch *b, guint n, const guint8 *forced_key,
		     TempestDevTun *tun)
{
	TempestDevTxRun run = {0};
	gint64 now = g_get_monotonic_time();
	TempestPeer *forced = NULL;
	guint n_out = 0;

	g_rw_lock_reader_lock(&self->config_lock);
	if (forced_key != NULL)
		forced = tempest_device_find_peer_locked(self, forced_key);
	if (forced_key != NULL && (forced == NULL || forced->bound_tun != tun)) {
		g_rw_lock_reader_unlock(&self->config_lock);
		return FALSE;
	}
	for (guint i = 0; i < n; i++) {
		TempestPeer *peer = forced;
		if (peer == NULL)
			peer = tempest_allowedips_lookup_dst(self->allowedips, b->in[i].data,
							     b->in[i].len);
		if (peer != NULL)
			tempest_dev_tx_one(self, b, &run, peer, i, &n_out, now);
	}
	tempest_dev_tx_run_end(self, &run, now);
	g_rw_lock_reader_unlock(&self->config_lock);
	tempest_dev_send_batch(self, b, n_out);
	return TRUE;
}

/* the packets of the next batch from tun: > 0, or 0 when the thread is to end (the device
 * stops, or the TUN device's peer is gone). A frame the kernel should not have sent (or one
 * too large for a buffer) is dropped. */
static guint
tempest_dev_read_tun(TempestDevice *self, TempestDevTun *tun, TempestDevBatch *b)
{
	for (;;) {
		gint n = tempest_tun_read(tun->tun, 0, b->scratch, b->in, TEMPEST_DEV_TX_BATCH);
		if (n > 0)
			return (guint)n;
		if (g_atomic_int_get(&self->stopping) || g_atomic_int_get(&tun->gone))
			return 0;
		if (n < 0 && n != -EAGAIN && n != -EINTR && n != -EINVAL && n != -ENOSPC)
			g_debug("reading %s: %s", tempest_tun_get_name(tun->tun), g_strerror(-n));
	}
}

gpointer
tempest_dev_tx_thread(gpointer data)
{
	TempestDevice *self = data;
	TempestDevBatch *b = tempest_dev_batch_new();
	guint n;

	while ((n = tempest_dev_read_tun(self, self->tun, b)) > 0)
		tempest_dev_tx_batch(self, b, n, NULL, NULL);
	tempest_dev_batch_free(b);
	return NULL;
}

gpointer
tempest_dev_bound_tx_thread(gpointer data)
{
	TempestDevBoundTun *bound = data;
	TempestDevice *self = bound->device;
	TempestDevBatch *b = tempest_dev_batch_new();
	guint n;

	while ((n = tempest_dev_read_tun(self, bound->tun, b)) > 0) {
		if (!tempest_dev_tx_batch(self, b, n, bound->public_key, bound->tun))
			break;
	}
	/* the last reference closes the TUN device, and it disappears */
	tempest_dev_tun_unref(bound->tun);
	tempest_dev_batch_free(b);
	g_free(bound);
	return NULL;
}
