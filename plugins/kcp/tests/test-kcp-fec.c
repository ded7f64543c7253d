/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "arc-kcp-fec.h"

#define FEC_MAX_PAYLOAD 1400

typedef struct {
	GPtrArray *datagrams; /* of GBytes, as the encoder sent them */
	GPtrArray *delivered; /* of GBytes, as the decoder delivered them */
} FecFixture;

static void
fec_collect_cb(const guint8 *data, gsize len, gpointer user_data)
{
	g_ptr_array_add(user_data, g_bytes_new(data, len));
}

/* a group of @k payloads of seeded random lengths (0..max) and bytes */
static GPtrArray *
fec_payloads(GRand *rand, guint k)
{
	GPtrArray *payloads = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

	for (guint i = 0; i < k; i++) {
		gsize len = (gsize)g_rand_int_range(rand, 0, FEC_MAX_PAYLOAD + 1);
		guint8 *p = g_malloc(len + 1);

		for (gsize b = 0; b < len; b++)
			p[b] = (guint8)g_rand_int(rand);
		g_ptr_array_add(payloads, g_bytes_new_take(p, len));
	}
	return payloads;
}

static gboolean
fec_has_payload(GPtrArray *delivered, GBytes *payload)
{
	for (guint i = 0; i < delivered->len; i++) {
		if (g_bytes_equal(delivered->pdata[i], payload))
			return TRUE;
	}
	return FALSE;
}

/* encodes one group, drops the datagrams whose bit is set in @lost, decodes the rest and
 * checks that every payload came out */
static void
fec_check_losses(GPtrArray *payloads, guint m, guint64 lost, gboolean recoverable)
{
	g_autoptr(ArcKcpFecEncoder) enc =
		arc_kcp_fec_encoder_new(payloads->len, m, FEC_MAX_PAYLOAD);
	g_autoptr(ArcKcpFecDecoder) dec =
		arc_kcp_fec_decoder_new(payloads->len, m, FEC_MAX_PAYLOAD);
	g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint complete = 0;
	ArcKcpFecInputResult res;

	for (guint i = 0; i < payloads->len; i++) {
		gsize len;
		const guint8 *p = g_bytes_get_data(payloads->pdata[i], &len);

		g_assert_true(arc_kcp_fec_encoder_push(enc, p, len, fec_collect_cb, sent));
	}
	g_assert_cmpuint(arc_kcp_fec_encoder_pending(enc), ==, 0);
	g_assert_cmpuint(sent->len, ==, payloads->len + m);
	for (guint i = 0; i < sent->len; i++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(sent->pdata[i], &len);

		if (lost & (G_GUINT64_CONSTANT(1) << i))
			continue;
		res = arc_kcp_fec_decoder_input(dec, d, len, fec_collect_cb, got);
		/* parity shards of a group already complete are of no use */
		g_assert_true(res == ARC_KCP_FEC_INPUT_OK ||
			      (res == ARC_KCP_FEC_INPUT_STALE && i >= payloads->len));
	}
	for (guint i = 0; i < payloads->len; i++)
		complete += fec_has_payload(got, payloads->pdata[i]);
	if (recoverable) {
		g_assert_cmpuint(complete, ==, payloads->len);
		g_assert_cmpuint(got->len, ==, payloads->len);
	} else {
		g_assert_cmpuint(complete, <, payloads->len);
	}
}

/* every pattern of up to m lost shards of a 10+3 group is rebuilt */
static void
fec_any_m_losses_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(15);
	guint k = 10, m = 3, n = k + m, patterns = 0;

	for (guint64 lost = 0; lost < (G_GUINT64_CONSTANT(1) << n); lost++) {
		guint count = (guint)__builtin_popcountll(lost);
		g_autoptr(GPtrArray) payloads = NULL;

		if (count > m)
			continue;
		payloads = fec_payloads(rand, k);
		fec_check_losses(payloads, m, lost, TRUE);
		patterns++;
	}
	g_assert_cmpuint(patterns, ==, 1 + 13 + 78 + 286);
}

/* m + 1 lost data shards are too many (and nothing wrong comes out) */
static void
fec_too_many_losses_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(16);
	g_autoptr(GPtrArray) payloads = fec_payloads(rand, 10);

	fec_check_losses(payloads, 3, 0xf, FALSE);
}

/* other shapes: 1+1, 20+8 with the first 8 lost, 32+32 with 32 lost */
static void
fec_shapes_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(17);
	g_autoptr(GPtrArray) one = fec_payloads(rand, 1);
	g_autoptr(GPtrArray) twenty = fec_payloads(rand, 20);
	g_autoptr(GPtrArray) full = fec_payloads(rand, 32);

	fec_check_losses(one, 1, 0x1, TRUE);
	fec_check_losses(twenty, 8, 0xff, TRUE);
	fec_check_losses(full, 32, 0xffffffff, TRUE);
}

/* a group closed early (the sender went idle) carries its real size in the parity shards */
static void
fec_partial_group_func(void)
{
	g_autoptr(ArcKcpFecEncoder) enc = arc_kcp_fec_encoder_new(10, 3, FEC_MAX_PAYLOAD);
	g_autoptr(ArcKcpFecDecoder) dec = arc_kcp_fec_decoder_new(10, 3, FEC_MAX_PAYLOAD);
	g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	const gchar *words[] = {"alpha", "bravo", "charlie", "delta"};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++)
		arc_kcp_fec_encoder_push(enc, (const guint8 *)words[i], strlen(words[i]),
					 fec_collect_cb, sent);
	g_assert_cmpuint(arc_kcp_fec_encoder_pending(enc), ==, 4);
	arc_kcp_fec_encoder_flush(enc, fec_collect_cb, sent);
	g_assert_cmpuint(sent->len, ==, 4 + 3);
	/* data shards 0, 1 and 3 lost: the three parity shards bring them back */
	for (guint i = 0; i < sent->len; i++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(sent->pdata[i], &len);

		if (i != 0 && i != 1 && i != 3)
			arc_kcp_fec_decoder_input(dec, d, len, fec_collect_cb, got);
	}
	g_assert_cmpuint(got->len, ==, 4);
	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		g_autoptr(GBytes) w = g_bytes_new_static(words[i], strlen(words[i]));

		g_assert_true(fec_has_payload(got, w));
	}
	g_assert_cmpuint(arc_kcp_fec_decoder_recovered(dec), ==, 3);
	/* the next group starts afresh */
	arc_kcp_fec_encoder_push(enc, (const guint8 *)"echo", 4, fec_collect_cb, sent);
	g_assert_cmpuint(arc_kcp_fec_encoder_pending(enc), ==, 1);
}

/* bad datagrams are refused and deliver nothing; an oversized payload is not sent */
static void
fec_bad_input_func(void)
{
	g_autoptr(ArcKcpFecDecoder) dec = arc_kcp_fec_decoder_new(32, 32, 100);
	g_autoptr(ArcKcpFecEncoder) enc = arc_kcp_fec_encoder_new(4, 2, 100);
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint8 big[200] = {0};
	const struct {
		const gchar *what;
		guint8 bytes[16];
		gsize len;
		ArcKcpFecInputResult want;
	} cases[] = {
		{"empty", {0}, 0, ARC_KCP_FEC_INPUT_SHORT},
		{"header only", {0xf1, 0, 0, 0, 0, 0, 0, 1}, 8, ARC_KCP_FEC_INPUT_SHORT},
		{"unknown type", {0x77, 0, 0, 0, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
		{"data index 32", {0xf1, 32, 0, 0, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
		{"data with k", {0xf1, 0, 3, 0, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
		{"length past end",
		 {0xf1, 0, 0, 0, 0, 0, 0, 1, 0, 9, 1},
		 11,
		 ARC_KCP_FEC_INPUT_SHORT},
		{"length short of end",
		 {0xf1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1},
		 11,
		 ARC_KCP_FEC_INPUT_BAD},
		{"parity k 0", {0xf2, 0, 0, 1, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
		{"parity k 33", {0xf2, 0, 33, 1, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
		{"parity index m", {0xf2, 2, 4, 2, 0, 0, 0, 1, 0, 0}, 10, ARC_KCP_FEC_INPUT_BAD},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("%s", cases[i].what);
		g_assert_cmpint(arc_kcp_fec_decoder_input(dec, cases[i].bytes, cases[i].len,
							  fec_collect_cb, got),
				==, cases[i].want);
	}
	g_assert_cmpuint(got->len, ==, 0);
	big[0] = 0xf2, big[2] = 4, big[3] = 2;
	g_assert_cmpint(arc_kcp_fec_decoder_input(dec, big, sizeof big, fec_collect_cb, got), ==,
			ARC_KCP_FEC_INPUT_BAD);
	g_assert_false(arc_kcp_fec_encoder_push(enc, big, 101, fec_collect_cb, got));
	g_assert_cmpuint(got->len, ==, 0);
}

/* random bytes: nothing crashes, and every payload delivered is within the bounds */
static void
fec_garbage_func(void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(18);
	g_autoptr(ArcKcpFecDecoder) dec = arc_kcp_fec_decoder_new(4, 3, 64);
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint8 buf[100];

	for (guint round = 0; round < 200000; round++) {
		gsize len = (gsize)g_rand_int_range(rand, 0, sizeof buf + 1);

		for (gsize i = 0; i < len; i++)
			buf[i] = (guint8)g_rand_int(rand);
		/* mostly valid headers, so that groups and recovery are reached */
		if (len > 8 && round % 2 == 0) {
			buf[0] = 0xf1 + (round / 2) % 2;
			buf[1] %= 4, buf[2] = buf[0] == 0xf1 ? 0 : 1 + buf[2] % 4;
			buf[3] = buf[0] == 0xf1 ? 0 : 1 + buf[3] % 3;
			buf[4] = buf[5] = buf[6] = 0, buf[7] %= 6;
		}
		arc_kcp_fec_decoder_input(dec, buf, len, fec_collect_cb, got);
		if (got->len > 1000)
			g_ptr_array_set_size(got, 0);
	}
	for (guint i = 0; i < got->len; i++)
		g_assert_cmpuint(g_bytes_get_size(got->pdata[i]), <=, 64);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kcp/fec/any-m-losses", fec_any_m_losses_func);
	g_test_add_func("/kcp/fec/too-many-losses", fec_too_many_losses_func);
	g_test_add_func("/kcp/fec/shapes", fec_shapes_func);
	g_test_add_func("/kcp/fec/partial-group", fec_partial_group_func);
	g_test_add_func("/kcp/fec/bad-input", fec_bad_input_func);
	g_test_add_func("/kcp/fec/garbage", fec_garbage_func);
	return g_test_run();
}
