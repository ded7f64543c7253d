/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <string.h>

G_STATIC_ASSERT(TEMPEST_DEV_RX_OUT_MAX <= TEMPEST_TUN_GRO_MAX_PACKETS);

/* The RX threads, one per address family: tempest_udp_recv() takes a batch (recvmmsg, and
 * where the kernel coalesces, UDP GRO: one buffer holding up to 64 datagrams of one flow, cut
 * here at the segment size the kernel reports); transport messages are opened in place and,
 * after the source check of cryptokey routing, written to the TUN device once the batch is
 * done and the configuration lock released, with GRO (a flow's TCP segments as one
 * super-packet); handshake messages go to the handshake thread's queue. */

typedef struct {
	guint8 *bufs; /* TEMPEST_DEV_BATCH buffers of buf_len bytes */
	gsize buf_len;
	TempestUdpPacket in[TEMPEST_DEV_BATCH];
	TempestUdpBatch *udp;
	TempestTunGro *gro; /* NULL: one write per packet (ARC_TEMPEST_TUN_GRO=0) */
	/* what goes to a TUN device after the batch, and the TUN device of each */
	TempestTunPacket out[TEMPEST_DEV_RX_OUT_MAX];
	TempestDevTun *out_tun[TEMPEST_DEV_RX_OUT_MAX];
	guint n_out;
	/* the references that keep those TUN devices open until written, one per run */
	TempestDevTun *held[TEMPEST_DEV_RX_OUT_MAX];
	guint n_held;
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
	TempestDevTun *tun; /* one of the batch's held references */
	gboolean bound;     /* tun is the peer's own device, not the interface's */
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

/* the TUN device of the run: a reference held by the batch until its packets are written
 * (config lock held: the peer's device cannot be dropped meanwhile) */
static TempestDevTun *
tempest_dev_rx_hold_tun(TempestDevRxBatch *b, TempestDevTun *tun)
{
	if (tun == NULL)
		return NULL;
	if (b->n_held > 0 && b->held[b->n_held - 1] == tun)
		return tun;
	if (b->n_held == G_N_ELEMENTS(b->held))
		return NULL;
	b->held[b->n_held++] = tempest_dev_tun_ref(tun);
	return tun;
}

static void
tempest_dev_rx_run_begin(TempestDevice *self, TempestDevRxBatch *b, TempestDevRxRun *run,
			 guint32 index)
{
	run->index = index;
	run->peer = tempest_device_lookup_index(self, index);
	if (run->peer == NULL)
		return;
	g_mutex_lock(&run->peer->lock);
	run->kp = tempest_dev_find_keypair_locked(run->peer, index);
	g_mutex_unlock(&run->peer->lock);
	run->bound = run->peer->bound_tun != NULL;
	run->tun = tempest_dev_rx_hold_tun(b, run->bound ? run->peer->bound_tun : self->tun);
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
tempest_dev_rx_transport(TempestDevice *self, TempestDevRxBatch *b, TempestDevRxRun *run,
			 guint8 *buf, gsize len, const TempestSockaddr *from, gint64 now)
{
	guint32 index = tempest_msg_get_u32(buf + 4);
	guint8 *plain = buf + TEMPEST_MSG_TRANSPORT_HEADER_LEN;
	gsize plain_len = 0;
	gsize ip_len;

	if (index != run->index || run->peer == NULL) {
		tempest_dev_rx_run_end(self, run, now);
		tempest_dev_rx_run_begin(self, b, run, index);
	}
	if (run->kp == NULL || tempest_transport_open(run->kp->kp, self->aead, now, buf, len, plain,
						      &plain_len) != TEMPEST_NOISE_OK)
		return;
	run->authenticated = TRUE;
	run->from = from;
	run->bytes += len;
	if (plain_len == 0)
		return; /* a keepalive */
	ip_len = tempest_dev_ip_len(plain, plain_len);
	/* cryptokey routing: the peer may only send from its allowed IPs. A peer with its own
	 * TUN device is told apart by that device (the agent gives each such peer 0.0.0.0/0 and
	 * ::/0, which one shared table can hold for one peer only): anything it sends is its */
	if (ip_len == 0 || run->tun == NULL ||
	    (!run->bound &&
	     tempest_allowedips_lookup_src(self->allowedips, plain, ip_len) != run->peer)) {
		self->rx_dropped++;
		return;
	}
	run->data = TRUE;
	b->out[b->n_out] = (TempestTunPacket){.data = plain, .size = plain_len, .len = ip_len};
	b->out_tun[b->n_out] = run->tun;
	b->n_out++;
}

/* one datagram (or one of a GRO receive) by its type; TRUE when the handshake thread has work */
static gboolean
tempest_dev_rx_one(TempestDevice *self, TempestDevRxBatch *b, TempestDevRxRun *run, guint8 *buf,
		   gsize len, const TempestSockaddr *from, gint64 now)
{
	TempestMsgType type;

	if (len >= TEMPEST_MSG_TRANSPORT_MIN_LEN && buf[0] == TEMPEST_MSG_TRANSPORT &&
	    buf[1] == 0 && buf[2] == 0 && buf[3] == 0) {
		tempest_dev_rx_transport(self, b, run, buf, len, from, now);
		return FALSE;
	}
	if (tempest_msg_classify(buf, len, &type) != TEMPEST_MSG_OK)
		return FALSE;
	return tempest_dev_hs_queue_push(self->hs_queue, buf, len, from);
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
		const TempestUdpPacket *packet = &b->in[i];
		guint segments = tempest_udp_packet_get_segments(packet);
		for (guint k = 0; k < segments; k++) {
			gsize len = 0;
			guint8 *buf = tempest_udp_packet_get_segment(packet, k, &len);
			wake |= tempest_dev_rx_one(self, b, &run, buf, len, &packet->endpoint.dst,
						   now);
		}
	}
	tempest_dev_rx_run_end(self, &run, now);
	g_rw_lock_reader_unlock(&self->config_lock);
	if (wake)
		tempest_device_wake(self);
}

/* the packets of the batch to their TUN devices, a run per device, each flow's TCP segments
 * coalesced (tempest_tun_write_gro()); a full TUN queue drops a packet, as a NIC would */
static void
tempest_dev_rx_write(TempestDevRxBatch *b)
{
	for (guint i = 0; i < b->n_out;) {
		guint count = 1;
		while (i + count < b->n_out && b->out_tun[i + count] == b->out_tun[i])
			count++;
		if (b->gro != NULL)
			(void)tempest_tun_write_gro(b->out_tun[i]->tun, 0, b->gro, &b->out[i],
						    count);
		else
			(void)tempest_tun_write(b->out_tun[i]->tun, 0, &b->out[i], count);
		i += count;
	}
	for (guint i = 0; i < b->n_held; i++)
		tempest_dev_tun_unref(b->held[i]);
	b->n_out = 0;
	b->n_held = 0;
}

static TempestDevRxBatch *
tempest_dev_rx_batch_new(TempestDevice *self)
{
	TempestDevRxBatch *b = g_new0(TempestDevRxBatch, 1);

	/* with GRO a buffer must hold what the kernel coalesces; the pages a receive does not
	 * reach are never touched */
	b->buf_len = tempest_udp_get_gro(self->udp) ? TEMPEST_UDP_GRO_BUFFER : TEMPEST_DEV_BUF_LEN;
	b->bufs = g_malloc(b->buf_len * TEMPEST_DEV_BATCH);
	b->udp = tempest_udp_batch_new();
	if (!self->tun_gro_off)
		b->gro = tempest_tun_gro_new();
	for (guint i = 0; i < TEMPEST_DEV_BATCH; i++) {
		b->in[i].data = b->bufs + i * b->buf_len;
		b->in[i].size = b->buf_len;
	}
	return b;
}

gpointer
tempest_dev_rx_thread(gpointer data)
{
	g_autofree TempestDevRxStart *start = data;
	TempestDevice *self = start->device;
	TempestDevRxBatch *b = tempest_dev_rx_batch_new(self);

	while (!g_atomic_int_get(&self->stopping)) {
		gint n = tempest_udp_recv(self->udp, start->family, b->udp, b->in,
					  TEMPEST_DEV_BATCH);
		/* 0: shut down (or the socket was rebound under us); < 0: mostly an ICMP error
		 * queued on the socket, which the next call no longer finds */
		if (n < 0 && n != -ECONNREFUSED && n != -EHOSTUNREACH && n != -ENETUNREACH)
			g_usleep(10 * 1000);
		if (n <= 0)
			continue;
		tempest_dev_rx_process(self, b, (guint)n);
		tempest_dev_rx_write(b);
	}
	tempest_udp_batch_free(b->udp);
	g_clear_pointer(&b->gro, tempest_tun_gro_free);
	g_free(b->bufs);
	g_free(b);
	return NULL;
}
