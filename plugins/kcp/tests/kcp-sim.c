/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "kcp-sim.h"

#include <string.h>

typedef struct {
	guint32 at;
	guint64 order;
	gsize len;
	guint8 data[];
} KcpSimPacket;

typedef struct KcpSimEnd KcpSimEnd;

typedef struct {
	const KcpSimConfig *config;
	GRand *rand;
	GSequence *queue; /* of KcpSimPacket, by arrival time */
	guint32 link_free;
	guint64 order;
	KcpSimEnd *to;
	guint64 sent, lost;
} KcpSimLink;

struct KcpSimEnd {
	ArcKcp *kcp;
	ArcKcpFecEncoder *enc;
	ArcKcpFecDecoder *dec;
	KcpSimLink *out;
	guint32 now;
};

void
kcp_sim_config_init(KcpSimConfig *config)
{
	*config = (KcpSimConfig){
		.delay_ms = 25,
		.queue_ms = 100,
		.mtu = 1400,
		.wnd = 1024,
		.stream = TRUE,
		.fast = TRUE,
		.seed = 1,
	};
}

static gint
kcp_sim_packet_cmp(gconstpointer a, gconstpointer b, gpointer user_data)
{
	const KcpSimPacket *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
kcp_sim_link_enqueue(KcpSimLink *link, guint32 now, const guint8 *data, gsize len)
{
	const KcpSimConfig *c = link->config;
	guint32 at = now;
	KcpSimPacket *pkt;

	link->sent++;
	if (c->rate_mbit > 0) {
		guint32 start = MAX(now, link->link_free);
		/* serialisation in whole microseconds would be finer; ms keep the clock simple */
		gdouble tx_ms = (gdouble)len * 8 / (c->rate_mbit * 1000);

		if (start - now > c->queue_ms) {
			link->lost++;
			return;
		}
		link->link_free = start + (guint32)tx_ms;
		if (g_rand_double(link->rand) < tx_ms - (guint32)tx_ms)
			link->link_free++;
		at = link->link_free;
	}
	if (g_rand_double(link->rand) < c->loss) {
		link->lost++;
		return;
	}
	at += c->delay_ms;
	if (c->jitter_ms > 0)
		at += (guint32)g_rand_int_range(link->rand, 0, (gint32)c->jitter_ms + 1);
	pkt = g_malloc(sizeof *pkt + len);
	pkt->at = at;
	pkt->order = link->order++;
	pkt->len = len;
	memcpy(pkt->data, data, len);
	g_sequence_insert_sorted(link->queue, pkt, kcp_sim_packet_cmp, NULL);
	if (g_rand_double(link->rand) < c->duplicate)
		kcp_sim_link_enqueue(link, now, data, len);
}

static void
kcp_sim_link_output_cb(const guint8 *data, gsize len, gpointer user_data)
{
	KcpSimEnd *end = user_data;

	kcp_sim_link_enqueue(end->out, end->now, data, len);
}

static void
kcp_sim_kcp_output_cb(const guint8 *data, gsize len, gpointer user_data)
{
	KcpSimEnd *end = user_data;

	if (end->enc != NULL)
		g_assert_true(
			arc_kcp_fec_encoder_push(end->enc, data, len, kcp_sim_link_output_cb, end));
	else
		kcp_sim_link_output_cb(data, len, end);
}

static void
kcp_sim_deliver_cb(const guint8 *data, gsize len, gpointer user_data)
{
	KcpSimEnd *end = user_data;

	arc_kcp_input(end->kcp, data, len, end->now);
}

/* delivers every datagram due at @now */
static void
kcp_sim_link_run(KcpSimLink *link, guint32 now)
{
	while (g_sequence_get_length(link->queue) > 0) {
		GSequenceIter *it = g_sequence_get_begin_iter(link->queue);
		KcpSimPacket *pkt = g_sequence_get(it);
		KcpSimEnd *to = link->to;

		if (pkt->at > now)
			break;
		to->now = now;
		if (to->dec != NULL)
			arc_kcp_fec_decoder_input(to->dec, pkt->data, pkt->len, kcp_sim_deliver_cb,
						  to);
		else
			arc_kcp_input(to->kcp, pkt->data, pkt->len, now);
		g_sequence_remove(it);
	}
}

static void
kcp_sim_end_init(KcpSimEnd *end, const KcpSimConfig *c, KcpSimLink *out)
{
	guint mtu = c->mtu;

	memset(end, 0, sizeof *end);
	end->out = out;
	if (c->fec_k > 0) {
		end->enc = arc_kcp_fec_encoder_new(c->fec_k, c->fec_m, c->mtu);
		end->dec = arc_kcp_fec_decoder_new(c->fec_k, c->fec_m, c->mtu);
		mtu -= ARC_KCP_FEC_DATA_OVERHEAD;
	}
	end->kcp = arc_kcp_new(0x4b435031, mtu, c->wnd, c->wnd, kcp_sim_kcp_output_cb, end);
	arc_kcp_set_stream(end->kcp, c->stream);
	if (c->fast)
		arc_kcp_set_nodelay(end->kcp, TRUE, 10, 2, !c->congestion);
}

static void
kcp_sim_end_clear(KcpSimEnd *end)
{
	arc_kcp_free(end->kcp);
	arc_kcp_fec_encoder_free(end->enc);
	arc_kcp_fec_decoder_free(end->dec);
}

static void
kcp_sim_end_tick(KcpSimEnd *end, guint32 now)
{
	end->now = now;
	if (arc_kcp_check(end->kcp, now) == now)
		arc_kcp_update(end->kcp, now);
	/* the path is idle between flushes: close the group so its tail is protected too */
	if (end->enc != NULL)
		arc_kcp_fec_encoder_flush(end->enc, kcp_sim_link_output_cb, end);
}

static gsize
kcp_sim_pump(KcpSimEnd *a, const guint8 *src, gsize off, gsize bytes)
{
	while (off < bytes) {
		gsize n = MIN(bytes - off, 65536);
		gssize sent = arc_kcp_send(a->kcp, src + off, n);

		if (sent <= 0)
			break;
		off += (gsize)sent;
	}
	return off;
}

/**
 * kcp_sim_transfer:
 *
 * Sends @bytes of seeded random data from one endpoint to the other, one virtual millisecond
 * at a time, until they all arrived or @time_limit_ms passed.
 */
void
kcp_sim_transfer(const KcpSimConfig *c, gsize bytes, guint32 time_limit_ms, KcpSimResult *result)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(c->seed);
	g_autofree guint8 *src = g_malloc(bytes);
	g_autofree guint8 *buf = g_malloc(65536);
	g_autoptr(GChecksum) want = g_checksum_new(G_CHECKSUM_SHA256);
	g_autoptr(GChecksum) got = g_checksum_new(G_CHECKSUM_SHA256);
	KcpSimLink ab = {c, rand, g_sequence_new(g_free)}, ba = {c, rand, g_sequence_new(g_free)};
	KcpSimEnd a, b;
	gsize off = 0, received = 0;
	guint32 now;

	for (gsize i = 0; i < bytes; i++)
		src[i] = (guint8)g_rand_int(rand);
	g_checksum_update(want, src, (gssize)bytes);
	kcp_sim_end_init(&a, c, &ab);
	kcp_sim_end_init(&b, c, &ba);
	ab.to = &b;
	ba.to = &a;
	for (now = 0; now < time_limit_ms && received < bytes; now++) {
		gssize n;

		kcp_sim_link_run(&ab, now);
		kcp_sim_link_run(&ba, now);
		off = kcp_sim_pump(&a, src, off, bytes);
		while ((n = arc_kcp_recv(b.kcp, buf, 65536)) > 0) {
			g_checksum_update(got, buf, n);
			received += (gsize)n;
		}
		kcp_sim_end_tick(&a, now);
		kcp_sim_end_tick(&b, now);
	}
	*result = (KcpSimResult){
		.bytes = received,
		.elapsed_ms = now,
		.complete = received == bytes,
		.identical = received == bytes && g_strcmp0(g_checksum_get_string(want),
							    g_checksum_get_string(got)) == 0,
		.datagrams_sent = ab.sent,
		.datagrams_lost = ab.lost,
		.fec_recovered = b.dec != NULL ? arc_kcp_fec_decoder_recovered(b.dec) : 0,
	};
	arc_kcp_get_stats(a.kcp, &result->sender);
	kcp_sim_end_clear(&a);
	kcp_sim_end_clear(&b);
	g_sequence_free(ab.queue);
	g_sequence_free(ba.queue);
}
