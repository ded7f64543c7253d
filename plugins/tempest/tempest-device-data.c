/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/udp.h>
#include <unistd.h>

/* The data path: the TX thread (TUN -> allowed IPs -> seal -> sendmmsg) and the RX thread
 * (recvmmsg -> open -> source check -> TUN). Buffers are allocated once per thread; a packet
 * is read into its buffer 16 bytes in, so the transport header is written in front of it and
 * the AEAD works in place. A batch takes the configuration read lock once, and each peer's
 * lock once per run of packets for that peer. */

#define TEMPEST_DEV_POLL_MS 200
/* UDP GSO: the kernel takes up to 64 segments and a datagram's worth of bytes per send */
#define TEMPEST_DEV_GSO_MAX_SEGMENTS 64
#define TEMPEST_DEV_GSO_MAX_BYTES 65000

/* a TUN frame: the virtio-net header, then a packet or a TSO super-packet of up to 64 KiB */
#define TEMPEST_DEV_FRAME_LEN (65536 + 16)

typedef struct {
	guint8 (*bufs)[TEMPEST_DEV_BUF_LEN];
	guint8 *plain[TEMPEST_DEV_TX_BATCH]; /* bufs[i] + 16: where packet i starts */
	struct mmsghdr msgs[TEMPEST_DEV_TX_BATCH];
	struct iovec iovs[TEMPEST_DEV_TX_BATCH];
	struct sockaddr_in6 addrs[TEMPEST_DEV_TX_BATCH];
	gsize lens[TEMPEST_DEV_TX_BATCH];
	/* the same datagrams grouped for UDP GSO, with their control messages */
	struct mmsghdr gmsgs[TEMPEST_DEV_TX_BATCH];
	guint8 cmsgs[TEMPEST_DEV_TX_BATCH][CMSG_SPACE(sizeof(guint16))];
	guint8 *frame;
	gsize frame_len;
	gboolean pending; /* frame was read but did not fit the last batch */
} TempestDevBatch;

static TempestDevBatch *
tempest_dev_batch_new(void)
{
	TempestDevBatch *b = g_new0(TempestDevBatch, 1);

	b->bufs = g_malloc0(sizeof(*b->bufs) * TEMPEST_DEV_TX_BATCH);
	b->frame = g_malloc0(TEMPEST_DEV_FRAME_LEN);
	for (guint i = 0; i < TEMPEST_DEV_TX_BATCH; i++)
		b->plain[i] = b->bufs[i] + TEMPEST_MSG_TRANSPORT_HEADER_LEN;
	return b;
}

static void
tempest_dev_batch_free(TempestDevBatch *b)
{
	g_free(b->frame);
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
	struct sockaddr_in6 to;
	socklen_t to_len;
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
	if (peer->has_endpoint)
		run->to_len = tempest_device_sockaddr_for(peer->device, &peer->endpoint, &run->to);
	run->has_endpoint = run->to_len > 0;
	g_mutex_unlock(&peer->lock);
}

/* seals packet i of the batch for peer into msgs[*n_out] (or stages it); config lock held */
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
		out_len = tempest_dev_seal(self, run->kp, buf, b->lens[i], now);
	if (out_len == 0) {
		tempest_dev_stage(self, peer, buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN, b->lens[i]);
		return;
	}
	b->iovs[*n_out].iov_base = buf;
	b->iovs[*n_out].iov_len = out_len;
	b->addrs[*n_out] = run->to;
	b->msgs[*n_out] = (struct mmsghdr){.msg_hdr = {
						   .msg_name = &b->addrs[*n_out],
						   .msg_namelen = run->to_len,
						   .msg_iov = &b->iovs[*n_out],
						   .msg_iovlen = 1,
					   }};
	(*n_out)++;
	run->bytes += out_len;
	run->n++;
}

/* sendmmsg of msgs[0..n), waiting for room in the socket when it is full; FALSE when the
 * kernel refused UDP GSO (EIO), so that the caller sends the batch again without it */
static gboolean
tempest_dev_sendmmsg(TempestDevice *self, struct mmsghdr *msgs, guint n)
{
	guint done = 0;

	while (done < n && !g_atomic_int_get(&self->stopping)) {
		gint r = sendmmsg(self->udp_fd, msgs + done, n - done, MSG_DONTWAIT);
		if (r > 0) {
			done += (guint)r;
		} else if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			struct pollfd pfd = {.fd = self->udp_fd, .events = POLLOUT};
			(void)poll(&pfd, 1, TEMPEST_DEV_POLL_MS);
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && errno == EIO && done == 0 &&
			   msgs[0].msg_hdr.msg_controllen > 0) {
			return FALSE;
		} else {
			done++; /* an unreachable endpoint: skip that datagram */
		}
	}
	return TRUE;
}

/* how many datagrams from first on can go as one UDP GSO send: the same destination, the same
 * size (the last may be shorter), within the kernel's bounds */
static guint
tempest_dev_gso_run(const TempestDevBatch *b, guint first, guint n)
{
	gsize size = b->iovs[first].iov_len;
	gsize total = size;
	guint k = first + 1;

	while (k < n && k - first < TEMPEST_DEV_GSO_MAX_SEGMENTS &&
	       total + b->iovs[k].iov_len <= TEMPEST_DEV_GSO_MAX_BYTES &&
	       b->iovs[k].iov_len <= size &&
	       memcmp(&b->addrs[k], &b->addrs[first], sizeof(b->addrs[k])) == 0) {
		total += b->iovs[k].iov_len;
		if (b->iovs[k++].iov_len < size)
			break;
	}
	return k - first;
}

/* the batch as UDP GSO sends: one message per run of datagrams to one peer; the count */
static guint
tempest_dev_gso_group(TempestDevBatch *b, guint n)
{
	guint groups = 0;

	for (guint i = 0; i < n;) {
		guint count = tempest_dev_gso_run(b, i, n);
		struct msghdr *h = &b->gmsgs[groups].msg_hdr;
		*h = b->msgs[i].msg_hdr;
		h->msg_iovlen = count;
		if (count > 1) {
			struct cmsghdr *cm = (struct cmsghdr *)b->cmsgs[groups];
			h->msg_control = cm;
			h->msg_controllen = CMSG_SPACE(sizeof(guint16));
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(guint16));
			*(guint16 *)(gpointer)CMSG_DATA(cm) = (guint16)b->iovs[i].iov_len;
		}
		groups++;
		i += count;
	}
	return groups;
}

/* sends what was sealed: with UDP GSO while the kernel takes it, else one datagram each */
static void
tempest_dev_send_batch(TempestDevice *self, TempestDevBatch *b, guint n)
{
	if (n == 0)
		return;
	if (!g_atomic_int_get(&self->udp_gso_off)) {
		guint groups = tempest_dev_gso_group(b, n);
		if (tempest_dev_sendmmsg(self, b->gmsgs, groups))
			return;
		g_info("the kernel refuses UDP GSO: sending one datagram at a time");
		g_atomic_int_set(&self->udp_gso_off, TRUE);
	}
	(void)tempest_dev_sendmmsg(self, b->msgs, n);
}

/* reads frames from a TUN device (non-blocking) and cuts them into packets until the batch is
 * full: the number of packets. A frame that does not fit waits for the next batch. */
static guint
tempest_dev_read_tun(gint fd, TempestDevBatch *b)
{
	guint n = 0;

	while (n < TEMPEST_DEV_TX_BATCH) {
		guint need;
		if (!b->pending) {
			gssize r = read(fd, b->frame, TEMPEST_DEV_FRAME_LEN);
			if (r <= 10)
				break;
			b->frame_len = (gsize)r;
			b->pending = TRUE;
		}
		need = tempest_dev_offload_count(b->frame, b->frame_len);
		if (need > TEMPEST_DEV_TX_BATCH - n && n > 0)
			break;
		if (need > 0 && need <= TEMPEST_DEV_TX_BATCH - n)
			n += tempest_dev_offload_split(b->frame, b->frame_len, b->plain + n,
						       b->lens + n, TEMPEST_DEV_TX_BATCH - n);
		b->pending = FALSE; /* used, or unusable and dropped */
	}
	return n;
}

static gboolean
tempest_dev_wait_readable(TempestDevice *self, gint fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	(void)poll(&pfd, 1, TEMPEST_DEV_POLL_MS);
	return !g_atomic_int_get(&self->stopping);
}

/* one batch from a TUN device; forced is the peer of a peer-bound TUN, else allowed IPs
 * choose; FALSE when a bound peer is gone */
static gboolean
tempest_dev_tx_batch(TempestDevice *self, TempestDevBatch *b, guint n, const guint8 *forced_key,
		     gint tun_fd)
{
	TempestDevTxRun run = {0};
	gint64 now = g_get_monotonic_time();
	TempestPeer *forced = NULL;
	guint n_out = 0;

	g_rw_lock_reader_lock(&self->config_lock);
	if (forced_key != NULL)
		forced = tempest_device_find_peer_locked(self, forced_key);
	if (forced_key != NULL && (forced == NULL || forced->bound_tun_fd != tun_fd)) {
		g_rw_lock_reader_unlock(&self->config_lock);
		return FALSE;
	}
	for (guint i = 0; i < n; i++) {
		TempestPeer *peer = forced;
		if (peer == NULL)
			peer = tempest_allowedips_lookup_dst(
				self->allowedips, b->bufs[i] + TEMPEST_MSG_TRANSPORT_HEADER_LEN,
				b->lens[i]);
		if (peer != NULL)
			tempest_dev_tx_one(self, b, &run, peer, i, &n_out, now);
	}
	tempest_dev_tx_run_end(self, &run, now);
	g_rw_lock_reader_unlock(&self->config_lock);
	tempest_dev_send_batch(self, b, n_out);
	return TRUE;
}

gpointer
tempest_dev_tx_thread(gpointer data)
{
	TempestDevice *self = data;
	TempestDevBatch *b = tempest_dev_batch_new();

	while (tempest_dev_wait_readable(self, self->tun_fd)) {
		guint n = tempest_dev_read_tun(self->tun_fd, b);
		if (n > 0)
			tempest_dev_tx_batch(self, b, n, NULL, -1);
	}
	tempest_dev_batch_free(b);
	return NULL;
}

gpointer
tempest_dev_bound_tx_thread(gpointer data)
{
	TempestDevBoundTun *bound = data;
	TempestDevice *self = bound->device;
	TempestDevBatch *b = tempest_dev_batch_new();

	while (tempest_dev_wait_readable(self, bound->tun_fd)) {
		guint n = tempest_dev_read_tun(bound->tun_fd, b);
		/* an empty batch only checks that the peer is still there: when it is gone, its
		 * TUN device goes within a poll interval */
		if (!tempest_dev_tx_batch(self, b, n, bound->public_key, bound->tun_fd))
			break;
	}
	close(bound->tun_fd);
	tempest_dev_batch_free(b);
	g_free(bound);
	return NULL;
}
