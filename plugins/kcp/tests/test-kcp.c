/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "arc-kcp.h"
#include "kcp-sim.h"

static void
kcp_check_transfer(const KcpSimConfig *config, gsize bytes, guint32 limit, KcpSimResult *r)
{
	kcp_sim_transfer(config, bytes, limit, r);
	g_test_message("%" G_GUINT64_FORMAT " bytes in %u ms, %" G_GUINT64_FORMAT
		       " retransmits, %" G_GUINT64_FORMAT " fast, %" G_GUINT64_FORMAT
		       " datagrams lost, %" G_GUINT64_FORMAT " recovered by FEC",
		       r->bytes, r->elapsed_ms, r->sender.retransmits, r->sender.fast_retransmits,
		       r->datagrams_lost, r->fec_recovered);
	g_assert_true(r->complete);
	g_assert_true(r->identical);
}

static void
kcp_lossless_func(void)
{
	KcpSimConfig c;
	KcpSimResult r;

	kcp_sim_config_init(&c);
	c.delay_ms = 10;
	kcp_check_transfer(&c, 2 << 20, 60000, &r);
	g_assert_cmpuint(r.sender.retransmits + r.sender.fast_retransmits, ==, 0);
	/* the RTT estimate is the path's (20 ms) plus at most the 10 ms flush interval */
	g_assert_cmpuint(r.sender.srtt_ms, >=, 20);
	g_assert_cmpuint(r.sender.srtt_ms, <=, 32);
	/* with the congestion window too (slow start) */
	c.fast = FALSE;
	kcp_check_transfer(&c, 1 << 20, 60000, &r);
}

/* loss, reordering and duplication together, several seeds: the bytes arrive intact */
static void
kcp_lossy_func(void)
{
	for (guint32 seed = 1; seed <= 6; seed++) {
		KcpSimConfig c;
		KcpSimResult r;

		kcp_sim_config_init(&c);
		c.seed = seed;
		c.loss = 0.10;
		c.jitter_ms = 15;
		c.duplicate = 0.05;
		c.fast = seed % 2 == 0;
		c.wnd = seed % 3 == 0 ? 64 : 512;
		c.fec_k = seed >= 5 ? 10 : 0;
		c.fec_m = 3;
		kcp_check_transfer(&c, 512 << 10, 300000, &r);
		g_assert_cmpuint(r.sender.retransmits + r.sender.fast_retransmits, >, 0);
	}
}

/* message mode keeps message boundaries, through loss */
static void
kcp_messages_func(void)
{
	KcpSimConfig c;
	KcpSimResult r;

	kcp_sim_config_init(&c);
	c.stream = FALSE;
	c.loss = 0.05;
	/* the simulator sends up to 64 KiB per call: messages of up to 47 segments */
	kcp_check_transfer(&c, 1 << 20, 300000, &r);
}

/* a direct pair without a link, for the window and message tests */
typedef struct {
	ArcKcp *kcp;
	GPtrArray *wire; /* of GBytes: datagrams sent, not yet delivered */
} KcpEnd;

static void
kcp_end_output_cb(const guint8 *data, gsize len, gpointer user_data)
{
	KcpEnd *end = user_data;

	g_ptr_array_add(end->wire, g_bytes_new(data, len));
}

static void
kcp_end_init(KcpEnd *end, guint wnd)
{
	end->wire = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	end->kcp = arc_kcp_new(7, 1000, wnd, wnd, kcp_end_output_cb, end);
	arc_kcp_set_nodelay(end->kcp, TRUE, 10, 2, TRUE);
}

static void
kcp_end_clear(KcpEnd *end)
{
	arc_kcp_free(end->kcp);
	g_ptr_array_unref(end->wire);
}

/* delivers what @from sent to @to */
static guint
kcp_deliver(KcpEnd *from, KcpEnd *to, guint32 now)
{
	guint n = from->wire->len;

	for (guint i = 0; i < n; i++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(from->wire->pdata[i], &len);

		g_assert_cmpint(arc_kcp_input(to->kcp, d, len, now), ==, ARC_KCP_INPUT_OK);
	}
	g_ptr_array_set_size(from->wire, 0);
	return n;
}

static void
kcp_message_boundaries_func(void)
{
	KcpEnd a, b;
	guint8 big[5000], out[6000];
	g_autofree guint8 *huge = NULL;

	kcp_end_init(&a, 64);
	kcp_end_init(&b, 64);
	memset(big, 'x', sizeof big);
	g_assert_cmpint(arc_kcp_send(a.kcp, (const guint8 *)"hello", 5), ==, 5);
	g_assert_cmpint(arc_kcp_send(a.kcp, big, sizeof big), ==, sizeof big);
	g_assert_cmpint(arc_kcp_send(a.kcp, (const guint8 *)"", 0), ==, 0);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, sizeof out), ==, -1);
	arc_kcp_update(a.kcp, 0);
	kcp_deliver(&a, &b, 1);
	g_assert_cmpint(arc_kcp_peek_size(b.kcp), ==, 5);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, 4), ==, -2);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, sizeof out), ==, 5);
	g_assert_cmpmem(out, 5, "hello", 5);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, sizeof out), ==, sizeof big);
	g_assert_cmpmem(out, sizeof big, big, sizeof big);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, sizeof out), ==, 0);
	g_assert_cmpint(arc_kcp_recv(b.kcp, out, sizeof out), ==, -1);
	/* a message larger than the window (64 segments) can never be sent */
	huge = g_malloc0(65 * (1000 - ARC_KCP_HEADER_SIZE));
	g_assert_cmpint(arc_kcp_send(a.kcp, huge, 65 * (1000 - ARC_KCP_HEADER_SIZE)), ==, -1);
	/* one that fits the window, once the first ones are acknowledged */
	g_assert_cmpint(arc_kcp_send(a.kcp, huge, 64 * (1000 - ARC_KCP_HEADER_SIZE)), ==, 0);
	arc_kcp_update(b.kcp, 10);
	kcp_deliver(&b, &a, 11);
	g_assert_cmpint(arc_kcp_send(a.kcp, huge, 64 * (1000 - ARC_KCP_HEADER_SIZE)), ==,
			64 * (1000 - ARC_KCP_HEADER_SIZE));
	kcp_end_clear(&a);
	kcp_end_clear(&b);
}

/* a sender whose receiver does not read: send() takes less and less, then nothing; the
 * receiver's window fills and the sender stops and probes; reading lets it all through */
static void
kcp_backpressure_func(void)
{
	KcpEnd a, b;
	g_autofree guint8 *src = g_malloc(1 << 20);
	g_autofree guint8 *dst = g_malloc(1 << 20);
	gsize sent = 0, got = 0;
	guint32 now = 0;
	gssize n;

	kcp_end_init(&a, 32);
	kcp_end_init(&b, 32);
	arc_kcp_set_stream(a.kcp, TRUE);
	arc_kcp_set_stream(b.kcp, TRUE);
	for (gsize i = 0; i < (1 << 20); i++)
		src[i] = (guint8)(i * 7);
	/* the send ring takes 32 segments of 978 bytes, and no more */
	n = arc_kcp_send(a.kcp, src, 1 << 20);
	g_assert_cmpint(n, ==, 32 * (1000 - ARC_KCP_HEADER_SIZE));
	sent = (gsize)n;
	g_assert_cmpint(arc_kcp_send(a.kcp, src + sent, 100), ==, 0);
	for (; now < 3000; now += 10) {
		arc_kcp_update(a.kcp, now);
		arc_kcp_update(b.kcp, now);
		kcp_deliver(&a, &b, now);
		kcp_deliver(&b, &a, now);
		n = arc_kcp_send(a.kcp, src + sent, (1 << 20) - sent);
		sent += (gsize)MAX(n, 0);
	}
	/* nobody read: the receiver holds its window, the sender its ring, nothing more moved */
	g_assert_cmpint(arc_kcp_peek_size(b.kcp), ==, 32 * (1000 - ARC_KCP_HEADER_SIZE));
	g_assert_cmpuint(arc_kcp_waiting(a.kcp), ==, 32);
	g_assert_cmpuint(sent, ==, 64 * (1000 - ARC_KCP_HEADER_SIZE));
	g_assert_false(arc_kcp_is_dead(a.kcp));
	for (; now < 60000 && got < (1 << 20); now += 10) {
		while ((n = arc_kcp_recv(b.kcp, dst + got, (1 << 20) - got)) > 0)
			got += (gsize)n;
		n = arc_kcp_send(a.kcp, src + sent, (1 << 20) - sent);
		sent += (gsize)MAX(n, 0);
		arc_kcp_update(a.kcp, now);
		arc_kcp_update(b.kcp, now);
		kcp_deliver(&a, &b, now);
		kcp_deliver(&b, &a, now);
	}
	g_assert_cmpuint(got, ==, 1 << 20);
	g_assert_cmpmem(src, 1 << 20, dst, 1 << 20);
	kcp_end_clear(&a);
	kcp_end_clear(&b);
}

/* nothing comes back: the link is declared dead after ARC_KCP_DEAD_LINK transmissions */
static void
kcp_dead_link_func(void)
{
	KcpEnd a;
	guint32 now = 0;

	kcp_end_init(&a, 32);
	arc_kcp_send(a.kcp, (const guint8 *)"x", 1);
	for (; now < 600000 && !arc_kcp_is_dead(a.kcp); now += 10) {
		arc_kcp_update(a.kcp, now);
		g_ptr_array_set_size(a.wire, 0);
	}
	g_assert_true(arc_kcp_is_dead(a.kcp));
	kcp_end_clear(&a);
}

static gsize
kcp_put_segment(guint8 *p, guint32 conv, guint8 cmd, guint16 wnd, guint32 sn, guint32 una,
		guint16 len)
{
	p[0] = (guint8)(conv >> 24), p[1] = (guint8)(conv >> 16), p[2] = (guint8)(conv >> 8);
	p[3] = (guint8)conv, p[4] = cmd, p[5] = 0, p[6] = (guint8)(wnd >> 8), p[7] = (guint8)wnd;
	memset(p + 8, 0, 4);
	p[12] = (guint8)(sn >> 24), p[13] = (guint8)(sn >> 16), p[14] = (guint8)(sn >> 8);
	p[15] = (guint8)sn;
	p[16] = (guint8)(una >> 24), p[17] = (guint8)(una >> 16), p[18] = (guint8)(una >> 8);
	p[19] = (guint8)una, p[20] = (guint8)(len >> 8), p[21] = (guint8)len;
	memset(p + 22, 'z', len);
	return 22 + len;
}

/* a hostile peer: far-ahead sequence numbers, a huge window, acknowledgements of what was
 * never sent, bad headers and random bytes. The engine holds no more than its window, sends
 * no more than its ring, and delivers nothing that did not arrive in order. */
static void
kcp_hostile_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(9);
	KcpEnd a;
	guint8 d[1100], out[100];
	ArcKcpStats st;

	kcp_end_init(&a, 32);
	/* sequence numbers beyond the window are dropped, not held */
	for (guint32 sn = 32; sn < 100000; sn += 37)
		g_assert_cmpint(
			arc_kcp_input(a.kcp, d, kcp_put_segment(d, 7, 1, 65535, sn, 0, 10), 0), ==,
			ARC_KCP_INPUT_OK);
	arc_kcp_get_stats(a.kcp, &st);
	g_assert_cmpuint(st.out_of_window, ==, (100000 - 32 + 36) / 37);
	g_assert_cmpuint(st.segments_received, ==, 0);
	g_assert_cmpint(arc_kcp_peek_size(a.kcp), ==, -1);
	/* a window of 65535 and una far ahead: still at most the ring of 32 in flight */
	for (guint i = 0; i < 100; i++)
		arc_kcp_send(a.kcp, d, 500);
	arc_kcp_input(a.kcp, d, kcp_put_segment(d, 7, 2, 65535, 5000, 4000000000u, 0), 0);
	arc_kcp_update(a.kcp, 0);
	arc_kcp_get_stats(a.kcp, &st);
	g_assert_cmpuint(st.segments_sent, <=, 32);
	g_assert_cmpuint(arc_kcp_waiting(a.kcp), ==, 32);
	/* an una exactly 2^31 ahead acknowledges nothing (it once acknowledged everything) */
	arc_kcp_input(a.kcp, d, kcp_put_segment(d, 7, 2, 65535, 5000, 0x80000000u, 0), 0);
	g_assert_cmpuint(arc_kcp_waiting(a.kcp), ==, 32);
	/* bad headers */
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 10, 0), ==, ARC_KCP_INPUT_SHORT);
	kcp_put_segment(d, 8, 1, 1, 0, 0, 1);
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 23, 0), ==, ARC_KCP_INPUT_CONV);
	kcp_put_segment(d, 7, 9, 1, 0, 0, 1);
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 23, 0), ==, ARC_KCP_INPUT_BAD);
	kcp_put_segment(d, 7, 1, 1, 0, 0, 1000);
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 500, 0), ==, ARC_KCP_INPUT_BAD);
	kcp_put_segment(d, 7, 1, 1, 0, 0, 100);
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 60, 0), ==, ARC_KCP_INPUT_SHORT);
	kcp_put_segment(d, 7, 2, 1, 0, 0, 5);
	g_assert_cmpint(arc_kcp_input(a.kcp, d, 27, 0), ==, ARC_KCP_INPUT_BAD);
	g_assert_cmpint(arc_kcp_peek_size(a.kcp), ==, -1);
	/* random bytes, with the right conversation id now and then */
	for (guint round = 0; round < 100000; round++) {
		gsize len = (gsize)g_rand_int_range(rand, 0, sizeof d);

		for (gsize i = 0; i < len; i++)
			d[i] = (guint8)g_rand_int(rand);
		if (len >= 22 && round % 2 == 0)
			d[0] = d[1] = d[2] = 0, d[3] = 7, d[4] = 1 + d[4] % 4, d[12] = d[13] = 0;
		arc_kcp_input(a.kcp, d, len, round);
		if (round % 50 == 0) {
			arc_kcp_update(a.kcp, round);
			g_ptr_array_set_size(a.wire, 0);
		}
		while (arc_kcp_recv(a.kcp, out, sizeof out) >= 0)
			;
	}
	arc_kcp_get_stats(a.kcp, &st);
	g_assert_cmpuint(st.bad_datagrams, >, 0);
	g_assert_cmpuint(arc_kcp_waiting(a.kcp), <=, 32);
	kcp_end_clear(&a);
}

/* 5 % loss without reordering: FEC repairs it with (almost) no retransmission. Reordering
 * makes spurious fast retransmits with or without FEC (the lossy test has it, FEC included) */
static void
kcp_fec_transfer_func(void)
{
	KcpSimConfig c;
	KcpSimResult plain, fec;

	kcp_sim_config_init(&c);
	c.loss = 0.05;
	kcp_check_transfer(&c, 1 << 20, 300000, &plain);
	c.fec_k = 10;
	c.fec_m = 3;
	kcp_check_transfer(&c, 1 << 20, 300000, &fec);
	g_assert_cmpuint(fec.fec_recovered, >, 0);
	g_assert_cmpuint(fec.sender.retransmits + fec.sender.fast_retransmits, <,
			 (plain.sender.retransmits + plain.sender.fast_retransmits) / 2);
}

/* the figures: 50 ms round trip, 100 Mbit/s with a 100 ms queue, 0 / 1 / 5 % loss each way;
 * windows of 512 segments (about the bandwidth-delay product) and 1024, without and with FEC,
 * and with the congestion window. Printed, not asserted (beyond the bytes arriving intact):
 * they are the engine's figures on its own clock, the same on every machine. */
static void
kcp_figures_func(void)
{
	const gdouble losses[] = {0, 0.01, 0.05};
	const struct {
		const gchar *name;
		guint wnd, fec_k;
		gboolean congestion;
	} modes[] = {
		{"wnd 512", 512, 0, FALSE},
		{"wnd 1024", 1024, 0, FALSE},
		{"wnd 1024, FEC 10+3", 1024, 10, FALSE},
		{"wnd 1024, congestion window", 1024, 0, TRUE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(losses); i++) {
		for (guint m = 0; m < G_N_ELEMENTS(modes); m++) {
			KcpSimConfig c;
			KcpSimResult r;

			kcp_sim_config_init(&c);
			c.loss = losses[i];
			c.rate_mbit = 100;
			c.wnd = modes[m].wnd;
			c.fec_k = modes[m].fec_k;
			c.fec_m = modes[m].fec_k > 0 ? 3 : 0;
			c.congestion = modes[m].congestion;
			kcp_sim_transfer(&c, 16 << 20, 600000, &r);
			g_assert_true(r.identical);
			g_test_message(
				"50 ms RTT, 100 Mbit/s, loss %.0f %%, %s: goodput %.1f Mbit/s, "
				"%.1f %% of segments resent, %" G_GUINT64_FORMAT " rebuilt by FEC",
				losses[i] * 100, modes[m].name,
				(gdouble)r.bytes * 8 / r.elapsed_ms / 1000,
				100.0 *
					(gdouble)(r.sender.retransmits +
						  r.sender.fast_retransmits) /
					(gdouble)MAX(r.sender.segments_sent, 1),
				r.fec_recovered);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kcp/arq/lossless", kcp_lossless_func);
	g_test_add_func("/kcp/arq/lossy", kcp_lossy_func);
	g_test_add_func("/kcp/arq/messages", kcp_messages_func);
	g_test_add_func("/kcp/arq/message-boundaries", kcp_message_boundaries_func);
	g_test_add_func("/kcp/arq/backpressure", kcp_backpressure_func);
	g_test_add_func("/kcp/arq/dead-link", kcp_dead_link_func);
	g_test_add_func("/kcp/arq/hostile", kcp_hostile_func);
	g_test_add_func("/kcp/arq/fec-transfer", kcp_fec_transfer_func);
	g_test_add_func("/kcp/arq/figures", kcp_figures_func);
	return g_test_run();
}
