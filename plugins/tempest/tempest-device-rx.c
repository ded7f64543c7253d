/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The RX thread: recvmmsg a batch; transport messages are opened in place and written to the
 * TUN device after the source check of cryptokey routing; handshake messages go to the
 * handshake thread's queue. */

#define TEMPEST_DEV_RX_POLL_MS 200

typedef struct {
	guint8 (*bufs)[TEMPEST_DEV_BUF_LEN];
	struct mmsghdr msgs[TEMPEST_DEV_BATCH];
	struct iovec iovs[TEMPEST_DEV_BATCH];
	TempestSockaddr addrs[TEMPEST_DEV_BATCH];
	/* what goes to a TUN device after the batch: fd, offset into the buffer, length */
	gint out_fd[TEMPEST_DEV_BATCH];
	guint8 *out_buf[TEMPEST_DEV_BATCH];
	gsize out_len[TEMPEST_DEV_BATCH];
	guint n_out;
} TempestDevRxBatch;

/* the RX side's state across a run of messages with the same receiver index */
typedef struct {
	guint32 index;
	TempestPeer *peer;
	TempestDevKeypair *kp;
	gboolean authenticated;
	gboolean data;
	guint64 bytes;
	const TempestSockaddr *from;
	gint tun_fd;
} TempestDevRxRun;

static void
tempest_dev_rx_run_end(TempestDevice *self, TempestDevRxRun *run, gint64 now)
{
	TempestEndpoint endpoint;
	gboolean rekey;

	if (run->peer != NULL && run->authenticated) {
		__atomic_fetch_add(&run->peer->rx_bytes, run->bytes, __ATOMIC_RELAXED);
		tempest_dev_endpoint_from_sockaddr(&endpoint, run->from);
		rekey = run->kp->kp->is_initiator &&
			tempest_keypair_should_rekey_on_receive(run->kp->kp, now);
		g_mutex_lock(&run->peer->lock);
		/* roaming: the peer is where its last authenticated packet came from */
		if (!run->peer->has_endpoint ||
		    memcmp(&run->peer->endpoint.dst, &endpoint.dst, sizeof(endpoint.dst)) != 0) {
			run->peer->endpoint = endpoint;
			run->peer->has_endpoint = TRUE;
		}
		tempest_dev_peer_confirm_next_locked(run->peer, run->kp);
		tempest_dev_timers_any_authenticated_received(run->peer, now);
		if (run->data)
			tempest_dev_timers_data_received(run->peer, now);
		if (rekey && run->peer->current == run->kp)
			run->peer->timers.want_handshake = TRUE;
		g_mutex_unlock(&run->peer->lock);
	}
	g_clear_pointer(&run->kp, tempest_dev_keypair_unref);
	memset(run, 0, sizeof(*run));
}

static TempestDevKeypair *
tempest_dev_find_keypair_locked(TempestPeer *peer, guint32 index)
{
	TempestDevKeypair *slots[] = {peer->current, peer->previous, peer->next};

	for (guint i = 0; i < G_N_ELEMENTS(slots); i++) {
		if (slots[i] != NULL && slots[i]->kp->local_index == index)
			return tempest_dev_keypair_ref(slots[i]);
	}
	return NULL;
}

static void
tempest_dev_rx_run_begin(TempestDevice *self, TempestDevRxRun *run, guint32 index)
{
	run->index = index;
	run->peer = tempest_device_lookup_index(self, index);
	if (run->peer == NULL)
		return;
	g_mutex_lock(&run->peer->lock);
	run->kp = tempest_dev_find_keypair_locked(run->peer, index);
	run->tun_fd = run->peer->bound_tun_fd >= 0 ? run->peer->bound_tun_fd : self->tun_fd;
	g_mutex_unlock(&run->peer->lock);
}

/* the IP packet's own length (the rest is padding), or 0 when it is no IP packet */
static gsize
tempest_dev_ip_len(const guint8 *p, gsize len)
{
	gsize ip_len = 0;

	if (len >= 20 && (p[0] >> 4) == 4)
		ip_len = (gsize)p[2] << 8 | p[3];
	else if (len >= 40 && (p[0] >> 4) == 6)
		ip_len = 40 + ((gsize)p[4] << 8 | p[5]);
	return ip_len <= len ? ip_len : 0;
}

static void
tempest_dev_rx_transport(TempestDevice *self, TempestDevRxBatch *b, TempestDevRxRun *run, guint i,
			 gint64 now)
{
	guint8 *buf = b->bufs[i];
	gsize len = b->msgs[i].msg_len;
	guint32 index = tempest_msg_get_u32(buf + 4);
	guint8 *plain = buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN;
	gsize plain_len = 0;
	gsize ip_len;

	if (index != run->index || run->peer == NULL) {
		tempest_dev_rx_run_end(self, run, now);
		tempest_dev_rx_run_begin(self, run, index);
	}
	if (run->kp == NULL || tempest_transport_open(run->kp->kp, self->aead, now, buf, len, plain,
						      &plain_len) != TEMPEST_NOISE_OK)
		return;
	run->authenticated = TRUE;
	run->from = &b->addrs[i];
	run->bytes += len;
	if (plain_len == 0)
		return; /* a keepalive */
	ip_len = tempest_dev_ip_len(plain, plain_len);
	/* cryptokey routing: the peer may only send from its allowed IPs. A peer with its own
	 * TUN device is told apart by that device (the agent gives each such peer 0.0.0.0/0 and
	 * ::/0, which one shared table can hold for one peer only): anything it sends is its */
	if (ip_len == 0 ||
	    (run->tun_fd == self->tun_fd &&
	     tempest_allowedips_lookup_src(self->allowedips, plain, ip_len) != run->peer)) {
		self->rx_dropped++;
		return;
	}
	run->data = TRUE;
	b->out_fd[b->n_out] = run->tun_fd;
	b->out_len[b->n_out] = ip_len;
	b->out_buf[b->n_out] = plain;
	b->n_out++;
}

static void
tempest_dev_rx_process(TempestDevice *self, TempestDevRxBatch *b, guint n)
{
	TempestDevRxRun run = {0};
	gint64 now = g_get_monotonic_time();
	gboolean wake = FALSE;

	b->n_out = 0;
	g_rw_lock_reader_lock(&self->config_lock);
	for (guint i = 0; i < n; i++) {
		const guint8 *buf = b->bufs[i];
		gsize len = b->msgs[i].msg_len;
		TempestMsgType type;
		if (len >= TEMPEST_MSG_TRANSPORT_MIN_LEN && buf[0] == TEMPEST_MSG_TRANSPORT &&
		    buf[1] == 0 && buf[2] == 0 && buf[3] == 0)
			tempest_dev_rx_transport(self, b, &run, i, now);
		else if (tempest_msg_classify(buf, len, &type) == TEMPEST_MSG_OK)
			wake |= tempest_dev_hs_queue_push(self->hs_queue, buf, len, &b->addrs[i]);
	}
	tempest_dev_rx_run_end(self, &run, now);
	g_rw_lock_reader_unlock(&self->config_lock);
	if (wake)
		tempest_device_wake(self);
}

static void
tempest_dev_rx_prepare(TempestDevRxBatch *b)
{
	for (guint i = 0; i < TEMPEST_DEV_BATCH; i++) {
		b->iovs[i].iov_base = b->bufs[i];
		b->iovs[i].iov_len = TEMPEST_DEV_BUF_LEN;
		b->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &b->addrs[i],
			.msg_namelen = sizeof(b->addrs[i]),
			.msg_iov = &b->iovs[i],
			.msg_iovlen = 1,
		};
	}
}

static void
tempest_dev_rx_write(TempestDevRxBatch *b)
{
	for (guint i = 0; i < b->n_out; i++) {
		/* the TUN device takes a virtio-net header first: all zero, no offload asked for;
		 * it goes where the transport header was */
		guint8 *frame = b->out_buf[i] - TEMPEST_DEV_VNET_HDR_LEN;
		memset(frame, 0, TEMPEST_DEV_VNET_HDR_LEN);
		/* a full TUN queue drops the packet, as a NIC would */
		(void)!write(b->out_fd[i], frame, b->out_len[i] + TEMPEST_DEV_VNET_HDR_LEN);
	}
}

gpointer
tempest_dev_rx_thread(gpointer data)
{
	TempestDevice *self = data;
	TempestDevRxBatch *b = g_new0(TempestDevRxBatch, 1);

	b->bufs = g_malloc0(sizeof(*b->bufs) * TEMPEST_DEV_BATCH);
	while (!g_atomic_int_get(&self->stopping)) {
		struct pollfd pfd = {.fd = self->udp_fd, .events = POLLIN};
		gint n;
		tempest_dev_rx_prepare(b);
		n = recvmmsg(self->udp_fd, b->msgs, TEMPEST_DEV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			(void)poll(&pfd, 1, TEMPEST_DEV_RX_POLL_MS);
			continue;
		}
		tempest_dev_rx_process(self, b, (guint)n);
		tempest_dev_rx_write(b);
	}
	g_free(b->bufs);
	g_free(b);
	return NULL;
}
