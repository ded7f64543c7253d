/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ARQ of the kcp transport, after the published KCP design (selective acknowledgement of
 * each segment, fast retransmit after a number of later acknowledgements, an RTO that backs off
 * by 1.5 instead of 2 in nodelay mode, optional congestion window), written for Arctic: both
 * windows are rings of preallocated segments indexed by sequence number, so nothing is
 * allocated per packet and a peer cannot make the engine hold more than its windows.
 */
#include "arc-kcp.h"

#include <string.h>

#define ARC_KCP_RTO_INIT 200
#define ARC_KCP_RTO_MIN 100
#define ARC_KCP_RTO_MIN_NODELAY 30
#define ARC_KCP_RTO_MAX 60000
#define ARC_KCP_INTERVAL 100
#define ARC_KCP_DEAD_LINK 20 /* transmissions of one segment before the link counts as dead */
#define ARC_KCP_FAST_LIMIT 5 /* fast retransmits of one segment; then only its RTO */
#define ARC_KCP_PROBE_INIT 1000
#define ARC_KCP_PROBE_MAX 60000

typedef enum {
	ARC_KCP_SEG_EMPTY,
	ARC_KCP_SEG_QUEUED,    /* send ring: not sent yet; receive ring: held */
	ARC_KCP_SEG_IN_FLIGHT, /* send ring only */
	ARC_KCP_SEG_ACKED,     /* send ring only, until snd_una passes it */
} ArcKcpSegState;

typedef struct {
	guint32 sn;
	guint32 ts;
	guint32 resend_ts;
	guint32 rto;
	guint32 fastack;
	guint32 xmit;
	guint16 len;
	guint8 frg;
	guint8 state;
	guint8 *data;
} ArcKcpSeg;

struct _ArcKcp {
	guint32 conv;
	guint32 mtu, mss;
	guint32 snd_cap, rcv_cap;
	ArcKcpSeg *snd, *rcv;
	guint8 *snd_buf, *rcv_buf;
	guint8 *out; /* the datagram being built, mtu bytes */
	gsize out_len;
	/* send ring: [snd_una, snd_nxt) sent, [snd_nxt, snd_end) queued */
	guint32 snd_una, snd_nxt, snd_end;
	/* receive ring: [rcv_read, rcv_nxt) in order for the reader, beyond: held out of order */
	guint32 rcv_read, rcv_nxt;
	gsize rcv_off; /* bytes of rcv_read's segment already read (stream mode) */
	guint32 rmt_wnd, cwnd, ssthresh, incr;
	guint32 srtt, rttvar, rto, minrto, interval, fast_resend;
	gboolean nodelay, nocwnd, stream, dead, probe_ask, probe_tell, updated;
	guint32 probe_ts, probe_wait, ts_flush;
	guint32 cut_ts; /* when the congestion window was last cut */
	guint32 *acks;  /* pairs of sn and ts to acknowledge at the next flush */
	guint n_acks, acks_cap;
	ArcKcpOutputFunc output;
	gpointer user_data;
	ArcKcpStats stats;
};

static inline gint32
arc_kcp_diff(guint32 a, guint32 b)
{
	return (gint32)(a - b);
}

static inline ArcKcpSeg *
arc_kcp_snd_seg(const ArcKcp *self, guint32 sn)
{
	return &self->snd[sn % self->snd_cap];
}

static inline ArcKcpSeg *
arc_kcp_rcv_seg(const ArcKcp *self, guint32 sn)
{
	return &self->rcv[sn % self->rcv_cap];
}

static void
arc_kcp_put16(guint8 *p, guint16 v)
{
	p[0] = (guint8)(v >> 8);
	p[1] = (guint8)v;
}

static void
arc_kcp_put32(guint8 *p, guint32 v)
{
	p[0] = (guint8)(v >> 24);
	p[1] = (guint8)(v >> 16);
	p[2] = (guint8)(v >> 8);
	p[3] = (guint8)v;
}

static guint16
arc_kcp_get16(const guint8 *p)
{
	return (guint16)((p[0] << 8) | p[1]);
}

static guint32
arc_kcp_get32(const guint8 *p)
{
	return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/**
 * arc_kcp_new:
 * @conv: the conversation id both sides share
 * @mtu: bytes per datagram, headers included
 * @snd_wnd: @rcv_wnd: window sizes in segments (rounded into 16..ARC_KCP_WND_MAX)
 *
 * Returns: (transfer full): an engine that sends through @output
 */
ArcKcp *
arc_kcp_new(guint32 conv, guint mtu, guint snd_wnd, guint rcv_wnd, ArcKcpOutputFunc output,
	    gpointer user_data)
{
	ArcKcp *self = g_new0(ArcKcp, 1);

	self->conv = conv;
	self->mtu = CLAMP(mtu, ARC_KCP_MTU_MIN, ARC_KCP_MTU_MAX);
	self->mss = self->mtu - ARC_KCP_HEADER_SIZE;
	self->snd_cap = CLAMP(snd_wnd, 16, ARC_KCP_WND_MAX);
	self->rcv_cap = CLAMP(rcv_wnd, 16, ARC_KCP_WND_MAX);
	self->snd = g_new0(ArcKcpSeg, self->snd_cap);
	self->rcv = g_new0(ArcKcpSeg, self->rcv_cap);
	self->snd_buf = g_malloc((gsize)self->snd_cap * self->mss);
	self->rcv_buf = g_malloc((gsize)self->rcv_cap * self->mss);
	for (guint32 i = 0; i < self->snd_cap; i++)
		self->snd[i].data = self->snd_buf + (gsize)i * self->mss;
	for (guint32 i = 0; i < self->rcv_cap; i++)
		self->rcv[i].data = self->rcv_buf + (gsize)i * self->mss;
	self->out = g_malloc(self->mtu);
	self->acks_cap = self->rcv_cap + 64;
	self->acks = g_new(guint32, 2 * (gsize)self->acks_cap);
	self->rmt_wnd = self->rcv_cap;
	self->cwnd = 2;
	self->ssthresh = self->snd_cap;
	self->incr = self->mss;
	self->rto = ARC_KCP_RTO_INIT;
	self->minrto = ARC_KCP_RTO_MIN;
	self->interval = ARC_KCP_INTERVAL;
	self->output = output;
	self->user_data = user_data;
	return self;
}

void
arc_kcp_free(ArcKcp *self)
{
	if (self == NULL)
		return;
	g_free(self->snd);
	g_free(self->rcv);
	g_free(self->snd_buf);
	g_free(self->rcv_buf);
	g_free(self->out);
	g_free(self->acks);
	g_free(self);
}

/**
 * arc_kcp_set_nodelay:
 * @nodelay: a 30 ms RTO floor and a backoff of 1.5 instead of 2
 * @interval_ms: how often arc_kcp_update() flushes (10..5000)
 * @fast_resend: retransmit a segment after this many later ones were acknowledged (0: never)
 * @no_congestion_window: send as much as the windows allow, without slow start
 */
void
arc_kcp_set_nodelay(ArcKcp *self, gboolean nodelay, guint interval_ms, guint fast_resend,
		    gboolean no_congestion_window)
{
	self->nodelay = nodelay;
	self->minrto = nodelay ? ARC_KCP_RTO_MIN_NODELAY : ARC_KCP_RTO_MIN;
	self->interval = CLAMP(interval_ms, 10, 5000);
	self->fast_resend = fast_resend;
	self->nocwnd = no_congestion_window;
}

/* stream mode: one byte stream, segments filled to the MSS; otherwise messages keep their
 * boundaries (fragments numbered down to 0) */
void
arc_kcp_set_stream(ArcKcp *self, gboolean stream)
{
	self->stream = stream;
}

guint32
arc_kcp_get_conv(const ArcKcp *self)
{
	return self->conv;
}

/* segments queued or in flight: the sender's backlog */
guint
arc_kcp_waiting(const ArcKcp *self)
{
	return self->snd_end - self->snd_una;
}

/* TRUE once a segment went unacknowledged through ARC_KCP_DEAD_LINK transmissions */
gboolean
arc_kcp_is_dead(const ArcKcp *self)
{
	return self->dead;
}

void
arc_kcp_get_stats(const ArcKcp *self, ArcKcpStats *stats)
{
	*stats = self->stats;
	stats->srtt_ms = self->srtt;
	stats->rto_ms = self->rto;
	stats->cwnd = self->cwnd;
}

static guint32
arc_kcp_snd_free(const ArcKcp *self)
{
	return self->snd_cap - (self->snd_end - self->snd_una);
}

static ArcKcpSeg *
arc_kcp_snd_append(ArcKcp *self, guint8 frg)
{
	ArcKcpSeg *seg = arc_kcp_snd_seg(self, self->snd_end);

	seg->sn = self->snd_end++;
	seg->len = 0;
	seg->frg = frg;
	seg->state = ARC_KCP_SEG_QUEUED;
	seg->xmit = 0;
	seg->fastack = 0;
	return seg;
}

static gsize
arc_kcp_send_stream(ArcKcp *self, const guint8 *data, gsize len)
{
	gsize done = 0;

	/* the last queued segment takes bytes until it is full */
	if (self->snd_end != self->snd_nxt) {
		ArcKcpSeg *last = arc_kcp_snd_seg(self, self->snd_end - 1);
		gsize n = MIN(len, self->mss - last->len);

		memcpy(last->data + last->len, data, n);
		last->len += (guint16)n;
		done = n;
	}
	while (done < len && arc_kcp_snd_free(self) > 0) {
		ArcKcpSeg *seg = arc_kcp_snd_append(self, 0);
		gsize n = MIN(len - done, self->mss);

		memcpy(seg->data, data + done, n);
		seg->len = (guint16)n;
		done += n;
	}
	return done;
}

/**
 * arc_kcp_send:
 *
 * Queues @len bytes. In stream mode, returns how many were taken (0 when the send window is
 * full: call again after arc_kcp_update() has seen acknowledgements). In message mode the
 * message is taken whole or not at all (0); -1 if it can never fit (more than 255 segments or
 * the window).
 */
gssize
arc_kcp_send(ArcKcp *self, const guint8 *data, gsize len)
{
	gsize count;

	if (self->stream)
		return (gssize)arc_kcp_send_stream(self, data, len);
	count = len == 0 ? 1 : (len + self->mss - 1) / self->mss;
	if (count > 255 || count > self->snd_cap || count > self->rcv_cap)
		return -1;
	if (count > arc_kcp_snd_free(self))
		return 0;
	for (gsize i = 0; i < count; i++) {
		ArcKcpSeg *seg = arc_kcp_snd_append(self, (guint8)(count - 1 - i));
		gsize n = MIN(len - i * self->mss, self->mss);

		memcpy(seg->data, data + i * self->mss, n);
		seg->len = (guint16)n;
	}
	return (gssize)len;
}

/* the size of the next whole message (message mode) or of the bytes ready (stream mode);
 * -1: no whole message yet */
gssize
arc_kcp_peek_size(const ArcKcp *self)
{
	gsize size = 0;

	for (guint32 sn = self->rcv_read; sn != self->rcv_nxt; sn++) {
		const ArcKcpSeg *seg = arc_kcp_rcv_seg(self, sn);

		size += seg->len;
		if (!self->stream && seg->frg == 0)
			return (gssize)size;
	}
	return self->stream ? (gssize)(size - self->rcv_off) : -1;
}

static void
arc_kcp_rcv_consume(ArcKcp *self)
{
	/* a reader that frees a full window lets the peer know at once */
	if (self->rcv_nxt - self->rcv_read >= self->rcv_cap)
		self->probe_tell = TRUE;
	arc_kcp_rcv_seg(self, self->rcv_read)->state = ARC_KCP_SEG_EMPTY;
	self->rcv_read++;
	self->rcv_off = 0;
}

/**
 * arc_kcp_recv:
 *
 * Stream mode: copies up to @len bytes received in order; message mode: one whole message, or
 * -2 when @buf is too small for it. Returns 0 (stream) or -1 (message) when nothing is ready.
 */
gssize
arc_kcp_recv(ArcKcp *self, guint8 *buf, gsize len)
{
	gsize done = 0;

	if (!self->stream) {
		gssize size = arc_kcp_peek_size(self);

		if (size < 0)
			return -1;
		if ((gsize)size > len)
			return -2;
	}
	while (self->rcv_read != self->rcv_nxt && (done < len || !self->stream)) {
		ArcKcpSeg *seg = arc_kcp_rcv_seg(self, self->rcv_read);
		gsize n = MIN(len - done, seg->len - self->rcv_off);
		guint8 frg = seg->frg;

		memcpy(buf + done, seg->data + self->rcv_off, n);
		done += n;
		self->rcv_off += n;
		if (self->rcv_off < seg->len)
			break;
		arc_kcp_rcv_consume(self);
		if (!self->stream && frg == 0)
			break;
	}
	return (gssize)done;
}

static void
arc_kcp_update_rtt(ArcKcp *self, gint32 rtt)
{
	guint32 r = (guint32)rtt;

	if (self->srtt == 0) {
		self->srtt = MAX(r, 1);
		self->rttvar = r / 2;
	} else {
		guint32 delta = r > self->srtt ? r - self->srtt : self->srtt - r;

		self->rttvar = (3 * self->rttvar + delta) / 4;
		self->srtt = MAX((7 * self->srtt + r) / 8, 1);
	}
	self->rto = CLAMP(self->srtt + MAX(self->interval, 4 * self->rttvar), self->minrto,
			  ARC_KCP_RTO_MAX);
}

/* everything below @una arrived: marks it acknowledged and moves snd_una */
static void
arc_kcp_ack_until(ArcKcp *self, guint32 una)
{
	/* an una outside [snd_una, snd_nxt] is old news or acknowledges what was never sent;
	 * compared as distances, so that one 2^31 away cannot pass for either */
	if (una - self->snd_una > self->snd_nxt - self->snd_una)
		una = self->snd_una;
	for (guint32 sn = self->snd_una; sn != una; sn++)
		arc_kcp_snd_seg(self, sn)->state = ARC_KCP_SEG_ACKED;
	while (self->snd_una != self->snd_nxt &&
	       arc_kcp_snd_seg(self, self->snd_una)->state == ARC_KCP_SEG_ACKED) {
		arc_kcp_snd_seg(self, self->snd_una)->state = ARC_KCP_SEG_EMPTY;
		self->snd_una++;
	}
}

/* the ACK segments of one datagram, for fast retransmit */
typedef struct {
	guint32 sn[ARC_KCP_MTU_MAX / ARC_KCP_HEADER_SIZE + 1];
	guint32 ts[ARC_KCP_MTU_MAX / ARC_KCP_HEADER_SIZE + 1];
	guint n;
	gint32 rtt; /* the largest sample of the datagram; -1: none */
} ArcKcpAckBatch;

static void
arc_kcp_ack_one(ArcKcp *self, guint32 sn, guint32 ts, guint32 now, ArcKcpAckBatch *batch)
{
	ArcKcpSeg *seg;
	gint32 rtt = arc_kcp_diff(now, ts);

	if (arc_kcp_diff(sn, self->snd_nxt) >= 0)
		return; /* never sent */
	/* ts echoes the transmission acknowledged: a valid sample even after a resend, and even
	 * when the una of the same segment already acknowledged it. One sample per datagram: the
	 * dozens of acknowledgements of one burst would otherwise squeeze the variance to 0 */
	if (rtt >= 0 && rtt < ARC_KCP_RTO_MAX)
		batch->rtt = MAX(batch->rtt, rtt);
	if (arc_kcp_diff(sn, self->snd_una) < 0)
		return;
	seg = arc_kcp_snd_seg(self, sn);
	if (seg->state == ARC_KCP_SEG_IN_FLIGHT)
		seg->state = ARC_KCP_SEG_ACKED;
}

/* A segment still in flight below acknowledged ones was probably lost: each acknowledgement of
 * a later segment sent after it counts towards its fast retransmit (per ACK segment, not per
 * datagram: a receiver acknowledges a whole burst in one datagram; and only later
 * transmissions, so that a segment just resent is not resent again for the same news) */
static void
arc_kcp_count_fastack(ArcKcp *self, ArcKcpAckBatch *batch)
{
	guint32 offs[G_N_ELEMENTS(batch->sn)], ts[G_N_ELEMENTS(batch->sn)];
	guint n = 0, p = 0;

	for (guint i = 0; i < batch->n; i++) {
		guint32 off = batch->sn[i] - self->snd_una, j;

		if (arc_kcp_diff(batch->sn[i], self->snd_una) <= 0 ||
		    arc_kcp_diff(batch->sn[i], self->snd_nxt) >= 0)
			continue;
		/* insertion sort: acknowledgements come nearly in order */
		for (j = n; j > 0 && offs[j - 1] > off; j--)
			offs[j] = offs[j - 1], ts[j] = ts[j - 1];
		offs[j] = off, ts[j] = batch->ts[i];
		n++;
	}
	/* ts[i]: the latest transmission among the acknowledgements from i on */
	for (guint i = n - 1; n > 0 && i > 0; i--) {
		if (arc_kcp_diff(ts[i], ts[i - 1]) > 0)
			ts[i - 1] = ts[i];
	}
	for (guint32 off = 0; n > 0 && off < offs[n - 1]; off++) {
		ArcKcpSeg *seg = arc_kcp_snd_seg(self, self->snd_una + off);

		while (p < n && offs[p] <= off)
			p++;
		if (seg->state == ARC_KCP_SEG_IN_FLIGHT && arc_kcp_diff(ts[p], seg->ts) >= 0)
			seg->fastack += n - p;
	}
}

static void
arc_kcp_queue_ack(ArcKcp *self, guint32 sn, guint32 ts)
{
	/* a full list drops the acknowledgement: the sender resends, and una covers it later */
	if (self->n_acks >= self->acks_cap)
		return;
	self->acks[2 * self->n_acks] = sn;
	self->acks[2 * self->n_acks + 1] = ts;
	self->n_acks++;
}

static void
arc_kcp_push(ArcKcp *self, guint32 sn, guint32 ts, guint8 frg, const guint8 *data, guint16 len)
{
	ArcKcpSeg *seg;

	if (arc_kcp_diff(sn, self->rcv_read + self->rcv_cap) >= 0) {
		self->stats.out_of_window++;
		return;
	}
	arc_kcp_queue_ack(self, sn, ts);
	seg = arc_kcp_rcv_seg(self, sn);
	if (arc_kcp_diff(sn, self->rcv_nxt) < 0 || seg->state != ARC_KCP_SEG_EMPTY) {
		self->stats.duplicates++;
		return;
	}
	seg->sn = sn;
	seg->frg = frg;
	seg->len = len;
	seg->state = ARC_KCP_SEG_QUEUED;
	memcpy(seg->data, data, len);
	self->stats.segments_received++;
	while (arc_kcp_rcv_seg(self, self->rcv_nxt)->state == ARC_KCP_SEG_QUEUED &&
	       self->rcv_nxt - self->rcv_read < self->rcv_cap)
		self->rcv_nxt++;
}

/* once per segment newly acknowledged: slow start below ssthresh, then about one segment
 * per round trip */
static void
arc_kcp_grow_cwnd(ArcKcp *self, guint32 acked)
{
	for (guint32 i = 0; i < acked && self->cwnd < MIN(self->rmt_wnd, self->snd_cap); i++) {
		if (self->cwnd < self->ssthresh) {
			self->cwnd++;
			self->incr = self->cwnd * self->mss;
		} else {
			self->incr = MAX(self->incr, self->mss);
			self->incr += (self->mss * self->mss) / self->incr + self->mss / 16;
			if ((self->cwnd + 1) * self->mss <= self->incr)
				self->cwnd = (self->incr + self->mss - 1) / self->mss;
		}
	}
}

/* one segment of a datagram; returns its size, or 0 and sets @result on a bad one */
static gsize
arc_kcp_input_segment(ArcKcp *self, const guint8 *p, gsize left, guint32 now, ArcKcpAckBatch *batch,
		      ArcKcpInputResult *result)
{
	guint8 cmd = p[4], frg = p[5];
	guint32 ts = arc_kcp_get32(p + 8), sn = arc_kcp_get32(p + 12), una = arc_kcp_get32(p + 16);
	guint16 len = arc_kcp_get16(p + 20);

	if (arc_kcp_get32(p) != self->conv) {
		*result = ARC_KCP_INPUT_CONV;
		return 0;
	}
	if (cmd < ARC_KCP_CMD_PUSH || cmd > ARC_KCP_CMD_WINS || len > self->mss ||
	    (cmd != ARC_KCP_CMD_PUSH && len != 0)) {
		*result = ARC_KCP_INPUT_BAD;
		return 0;
	}
	if (left - ARC_KCP_HEADER_SIZE < len) {
		*result = ARC_KCP_INPUT_SHORT;
		return 0;
	}
	self->rmt_wnd = arc_kcp_get16(p + 6);
	arc_kcp_ack_until(self, una);
	if (cmd == ARC_KCP_CMD_ACK) {
		arc_kcp_ack_one(self, sn, ts, now, batch);
		if (batch->n < G_N_ELEMENTS(batch->sn)) {
			batch->sn[batch->n] = sn;
			batch->ts[batch->n++] = ts;
		}
	} else if (cmd == ARC_KCP_CMD_PUSH) {
		arc_kcp_push(self, sn, ts, frg, p + ARC_KCP_HEADER_SIZE, len);
	} else if (cmd == ARC_KCP_CMD_WASK) {
		self->probe_tell = TRUE;
	}
	return ARC_KCP_HEADER_SIZE + len;
}

/**
 * arc_kcp_input:
 * @data: one datagram (any bytes: a peer's or an attacker's)
 *
 * Takes the segments of @data in order; a bad segment ends the datagram (those before it
 * count). Never holds more than the windows, whatever @data says.
 */
ArcKcpInputResult
arc_kcp_input(ArcKcp *self, const guint8 *data, gsize len, guint32 now)
{
	ArcKcpInputResult result = ARC_KCP_INPUT_OK;
	guint32 old_una = self->snd_una;
	ArcKcpAckBatch batch;
	gsize off = 0;

	batch.n = 0;
	batch.rtt = -1;
	if (len < ARC_KCP_HEADER_SIZE)
		result = ARC_KCP_INPUT_SHORT;
	while (result == ARC_KCP_INPUT_OK && len - off >= ARC_KCP_HEADER_SIZE) {
		gsize n = arc_kcp_input_segment(self, data + off, len - off, now, &batch, &result);

		off += n;
	}
	if (result == ARC_KCP_INPUT_OK && off != len)
		result = ARC_KCP_INPUT_SHORT;
	if (result != ARC_KCP_INPUT_OK)
		self->stats.bad_datagrams++;
	arc_kcp_ack_until(self, self->snd_una);
	if (batch.rtt >= 0)
		arc_kcp_update_rtt(self, batch.rtt);
	arc_kcp_count_fastack(self, &batch);
	if (self->snd_una != old_una && !self->nocwnd)
		arc_kcp_grow_cwnd(self, self->snd_una - old_una);
	return result;
}

static void
arc_kcp_out_flush(ArcKcp *self)
{
	if (self->out_len > 0)
		self->output(self->out, self->out_len, self->user_data);
	self->out_len = 0;
}

static void
arc_kcp_out_segment(ArcKcp *self, guint8 cmd, guint8 frg, guint32 ts, guint32 sn,
		    const guint8 *data, guint16 len)
{
	guint32 used = self->rcv_nxt - self->rcv_read;
	guint8 *p;

	if (self->out_len + ARC_KCP_HEADER_SIZE + len > self->mtu)
		arc_kcp_out_flush(self);
	p = self->out + self->out_len;
	arc_kcp_put32(p, self->conv);
	p[4] = cmd;
	p[5] = frg;
	arc_kcp_put16(p + 6, (guint16)MIN(self->rcv_cap - used, G_MAXUINT16));
	arc_kcp_put32(p + 8, ts);
	arc_kcp_put32(p + 12, sn);
	arc_kcp_put32(p + 16, self->rcv_nxt);
	arc_kcp_put16(p + 20, len);
	if (len > 0)
		memcpy(p + ARC_KCP_HEADER_SIZE, data, len);
	self->out_len += ARC_KCP_HEADER_SIZE + len;
}

/* the peer advertised no window: ask it now and then, backing off */
static void
arc_kcp_probe(ArcKcp *self, guint32 now)
{
	if (self->rmt_wnd != 0) {
		self->probe_wait = 0;
		return;
	}
	if (self->probe_wait == 0) {
		self->probe_wait = ARC_KCP_PROBE_INIT;
		self->probe_ts = now + self->probe_wait;
	} else if (arc_kcp_diff(now, self->probe_ts) >= 0) {
		self->probe_wait = MIN(self->probe_wait + self->probe_wait / 2, ARC_KCP_PROBE_MAX);
		self->probe_ts = now + self->probe_wait;
		self->probe_ask = TRUE;
	}
}

/* sends @seg if it is new, timed out (sets @lost) or due for a fast retransmit */
static void
arc_kcp_flush_segment(ArcKcp *self, ArcKcpSeg *seg, guint32 now, gboolean *lost)
{
	if (seg->xmit == 0) {
		seg->rto = self->rto;
		self->stats.segments_sent++;
	} else if (arc_kcp_diff(now, seg->resend_ts) >= 0) {
		seg->rto = MIN(self->nodelay ? seg->rto + seg->rto / 2 : 2 * seg->rto,
			       ARC_KCP_RTO_MAX);
		self->stats.retransmits++;
		*lost = TRUE;
	} else if (self->fast_resend > 0 && seg->fastack >= self->fast_resend &&
		   seg->xmit <= ARC_KCP_FAST_LIMIT) {
		self->stats.fast_retransmits++;
	} else {
		return;
	}
	seg->xmit++;
	seg->fastack = 0;
	seg->ts = now;
	seg->resend_ts = now + seg->rto;
	if (seg->xmit >= ARC_KCP_DEAD_LINK)
		self->dead = TRUE;
	arc_kcp_out_segment(self, ARC_KCP_CMD_PUSH, seg->frg, now, seg->sn, seg->data, seg->len);
}

/* Only a timeout cuts the congestion window, by half, at most once per round trip, and not
 * to one segment: on the lossy links this transport is for, a loss that fast retransmit
 * repairs is mostly not congestion, and KCP's reset to 1 starves a 1 %-loss path */
static void
arc_kcp_congestion(ArcKcp *self, guint32 now, gboolean lost)
{
	if (!lost)
		return;
	if (self->srtt > 0 && arc_kcp_diff(now, self->cut_ts) < (gint32)self->srtt)
		return;
	self->cut_ts = now;
	self->ssthresh = MAX(self->cwnd / 2, 2);
	self->cwnd = self->ssthresh;
	self->incr = self->cwnd * self->mss;
}

/* New segments one flush may send: a window per round trip, spread over the flushes of that
 * round trip (with a 1.5 gain so the window can still grow). Sending a whole window at once
 * builds a queue at the bottleneck that the RTO has never seen, and the segments at its tail
 * time out although nothing was lost. */
static guint32
arc_kcp_pace(const ArcKcp *self, guint32 wnd)
{
	if (self->srtt <= self->interval)
		return wnd;
	return MAX((guint32)((guint64)wnd * self->interval * 3 / (2 * self->srtt)), 4);
}

static void
arc_kcp_flush_data(ArcKcp *self, guint32 now)
{
	guint32 wnd = MIN(self->snd_cap, self->rmt_wnd), budget;
	gboolean lost = FALSE;

	if (!self->nocwnd)
		wnd = MIN(wnd, self->cwnd);
	budget = arc_kcp_pace(self, wnd);
	while (self->snd_nxt != self->snd_end && self->snd_nxt - self->snd_una < wnd &&
	       budget > 0) {
		arc_kcp_snd_seg(self, self->snd_nxt)->state = ARC_KCP_SEG_IN_FLIGHT;
		self->snd_nxt++;
		budget--;
	}
	for (guint32 sn = self->snd_una; sn != self->snd_nxt; sn++) {
		ArcKcpSeg *seg = arc_kcp_snd_seg(self, sn);

		if (seg->state == ARC_KCP_SEG_IN_FLIGHT)
			arc_kcp_flush_segment(self, seg, now, &lost);
	}
	arc_kcp_out_flush(self);
	if (self->nocwnd)
		return;
	arc_kcp_congestion(self, now, lost);
}

/* sends the pending acknowledgements, window probes and data at once */
void
arc_kcp_flush(ArcKcp *self, guint32 now)
{
	for (guint i = 0; i < self->n_acks; i++) {
		arc_kcp_out_segment(self, ARC_KCP_CMD_ACK, 0, self->acks[2 * i + 1],
				    self->acks[2 * i], NULL, 0);
	}
	self->n_acks = 0;
	arc_kcp_probe(self, now);
	if (self->probe_ask)
		arc_kcp_out_segment(self, ARC_KCP_CMD_WASK, 0, now, 0, NULL, 0);
	if (self->probe_tell)
		arc_kcp_out_segment(self, ARC_KCP_CMD_WINS, 0, now, 0, NULL, 0);
	self->probe_ask = self->probe_tell = FALSE;
	arc_kcp_flush_data(self, now);
}

/**
 * arc_kcp_update:
 * @now_ms: the caller's clock, in milliseconds (any origin; it may wrap)
 *
 * Flushes once per interval; call it at the time arc_kcp_check() names, or more often.
 */
void
arc_kcp_update(ArcKcp *self, guint32 now)
{
	gint32 slap;

	if (!self->updated) {
		self->updated = TRUE;
		self->ts_flush = now;
	}
	slap = arc_kcp_diff(now, self->ts_flush);
	if (slap >= 10000 || slap < -10000) {
		self->ts_flush = now;
		slap = 0;
	}
	if (slap >= 0) {
		self->ts_flush += self->interval;
		if (arc_kcp_diff(now, self->ts_flush) >= 0)
			self->ts_flush = now + self->interval;
		arc_kcp_flush(self, now);
	}
}

/* when arc_kcp_update() has something to do next (at most one interval ahead) */
guint32
arc_kcp_check(const ArcKcp *self, guint32 now)
{
	guint32 next = self->ts_flush;

	if (!self->updated || arc_kcp_diff(now, self->ts_flush) >= 0)
		return now;
	for (guint32 sn = self->snd_una; sn != self->snd_nxt; sn++) {
		const ArcKcpSeg *seg = arc_kcp_snd_seg(self, sn);

		if (seg->state != ARC_KCP_SEG_IN_FLIGHT)
			continue;
		if (arc_kcp_diff(seg->resend_ts, now) <= 0)
			return now;
		if (arc_kcp_diff(seg->resend_ts, next) < 0)
			next = seg->resend_ts;
	}
	return next;
}
