/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "tempest-cookie.h"
#include "tempest-noise.h"

/* Tempest's protocol core on one core, no I/O: transport seal and open through each AEAD
 * backend (in place, as the device does) at 64, 512 and 1420 bytes, and handshake initiations
 * consumed per second (MAC1 check, then Noise: what a responder pays per initiation, the
 * figure that decides when it must call itself under load). Each figure runs for about
 * --ms milliseconds of CPU (default 300) and is CPU time of this one thread, so that other
 * load on a shared machine changes little. Prints figures, never fails on them. */

/* A initiates to B, which knows only A */
typedef struct {
	TempestStaticIdentity *a;
	TempestStaticIdentity *b;
	TempestHandshake *a_hs;
	TempestHandshake *b_hs;
} TempestBenchPair;

static TempestHandshake *
tempest_bench_lookup_cb(const guint8 remote_static[TEMPEST_KEY_LEN], gpointer user_data)
{
	TempestBenchPair *pair = user_data;

	return memcmp(remote_static, pair->a->public_key, TEMPEST_KEY_LEN) == 0 ? pair->b_hs : NULL;
}

static void
tempest_bench_pair_init(TempestBenchPair *pair)
{
	guint8 key[32];

	tempest_private_key_generate(key);
	pair->a = tempest_static_identity_new(key);
	tempest_private_key_generate(key);
	pair->b = tempest_static_identity_new(key);
	pair->a_hs = tempest_handshake_new(pair->a, pair->b->public_key, NULL);
	pair->b_hs = tempest_handshake_new(pair->b, pair->a->public_key, NULL);
}

static void
tempest_bench_pair_clear(TempestBenchPair *pair)
{
	tempest_handshake_free(pair->b_hs);
	tempest_handshake_free(pair->a_hs);
	tempest_static_identity_free(pair->b);
	tempest_static_identity_free(pair->a);
}

/* one whole handshake, for transport keys */
static void
tempest_bench_keypairs(TempestBenchPair *pair, TempestKeypair **kp_a, TempestKeypair **kp_b)
{
	TempestHandshake *hs = NULL;
	TempestMsgInitiation init;
	TempestMsgResponse resp;
	/* a later handshake than the last one: a new timestamp, past the flood interval */
	static gint64 now = 0;

	now += G_USEC_PER_SEC;
	g_usleep(20000);
	if (tempest_handshake_create_initiation(pair->a_hs, 1, &init) != TEMPEST_NOISE_OK ||
	    tempest_noise_consume_initiation(pair->b, &init, now, tempest_bench_lookup_cb, pair,
					     &hs) != TEMPEST_NOISE_OK ||
	    tempest_handshake_create_response(pair->b_hs, 2, &resp) != TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(pair->b_hs, 1, kp_b) != TEMPEST_NOISE_OK ||
	    tempest_handshake_consume_response(pair->a_hs, &resp) != TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(pair->a_hs, 1, kp_a) != TEMPEST_NOISE_OK)
		g_error("the benchmark's handshake fails");
}

/* seals (or seals then opens) packets of len bytes for about budget_us; returns ns per packet */
static gdouble
tempest_bench_transport(const TempestAead *aead, TempestKeypair *kp_a, TempestKeypair *kp_b,
			gsize len, gboolean open, gint64 budget_us)
{
	g_autofree guint8 *buf = g_malloc0(len + TEMPEST_MSG_TRANSPORT_MIN_LEN);
	gint64 start = tempest_aead_cpu_time(), elapsed = 0;
	guint64 count = 0;
	gsize out_len = 0, plain_len = 0;

	while (elapsed < budget_us) {
		for (guint i = 0; i < 64; i++, count++) {
			if (tempest_transport_seal(kp_a, aead, 2, buf, buf + 16, len, &out_len) !=
			    TEMPEST_NOISE_OK)
				g_error("seal");
			if (open && tempest_transport_open(kp_b, aead, 2, buf, out_len, buf + 16,
							   &plain_len) != TEMPEST_NOISE_OK)
				g_error("open");
		}
		elapsed = tempest_aead_cpu_time() - start;
	}
	return (gdouble)elapsed * 1000.0 / (gdouble)count;
}

static void
tempest_bench_aead(const TempestAead *aead, TempestBenchPair *pair, gint64 budget_us)
{
	const gsize sizes[] = {64, 512, 1420};
	g_autoptr(TempestKeypair) kp_a = NULL;
	g_autoptr(TempestKeypair) kp_b = NULL;

	tempest_bench_keypairs(pair, &kp_a, &kp_b);
	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		gdouble seal_ns =
			tempest_bench_transport(aead, kp_a, kp_b, sizes[i], FALSE, budget_us);
		gdouble both_ns =
			tempest_bench_transport(aead, kp_a, kp_b, sizes[i], TRUE, budget_us);
		gdouble open_ns = MAX(both_ns - seal_ns, 1.0);

		g_print("%-8s %5" G_GSIZE_FORMAT " B  seal %7.0f ns/packet %8.1f MB/s   "
			"open %7.0f ns/packet %8.1f MB/s\n",
			aead->name, sizes[i], seal_ns, (gdouble)sizes[i] * 1000.0 / seal_ns,
			open_ns, (gdouble)sizes[i] * 1000.0 / open_ns);
	}
}

/* initiations made ahead (each with a newer timestamp), then consumed against the clock */
static void
tempest_bench_initiations(TempestBenchPair *pair, gint64 budget_us)
{
	const guint n = 256;
	g_autofree TempestMsgInitiation *msgs = g_new(TempestMsgInitiation, n);
	g_autoptr(TempestCookieChecker) checker = tempest_cookie_checker_new(pair->b);
	g_autoptr(TempestCookieGenerator) gen = tempest_cookie_generator_new(pair->b->public_key);
	gint64 start, elapsed = 0, now = G_GINT64_CONSTANT(1000) * G_USEC_PER_SEC;
	guint64 count = 0, second = 1800000000;

	while (elapsed < budget_us) {
		TempestHandshake *hs = NULL;
		guint8 eph[32], ts[12];

		for (guint i = 0; i < n; i++) {
			tempest_private_key_generate(eph);
			tempest_timestamp_from_unix(ts, (gint64)second++, 0);
			if (tempest_handshake_create_initiation_with(pair->a_hs, i, eph, ts,
								     &msgs[i]) != TEMPEST_NOISE_OK)
				g_error("initiation");
			tempest_cookie_generator_add_macs(gen, (guint8 *)&msgs[i], sizeof(msgs[i]),
							  1);
		}
		start = tempest_aead_cpu_time();
		for (guint i = 0; i < n; i++, count++) {
			now += TEMPEST_INITIATION_MIN_INTERVAL;
			if (!tempest_cookie_checker_check_mac1(checker, (guint8 *)&msgs[i],
							       sizeof(msgs[i])) ||
			    tempest_noise_consume_initiation(pair->b, &msgs[i], now,
							     tempest_bench_lookup_cb, pair,
							     &hs) != TEMPEST_NOISE_OK)
				g_error("consume");
		}
		elapsed += tempest_aead_cpu_time() - start;
	}
	g_print("handshake initiations consumed (MAC1 + Noise): %.0f/s (%.1f us each)\n",
		(gdouble)count * G_USEC_PER_SEC / (gdouble)elapsed,
		(gdouble)elapsed / (gdouble)count);
}

int
main(int argc, char **argv)
{
	gint ms = 300;
	GOptionEntry entries[] = {
		{"ms", 0, 0, G_OPTION_ARG_INT, &ms, "milliseconds per figure", "MS"},
		{NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- Tempest protocol core figures");
	g_autoptr(GError) error = NULL;
	const TempestAead *backends[] = {tempest_aead_sodium(), tempest_aead_openssl()};
	const TempestAead *chosen;
	TempestBenchPair pair;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	tempest_crypto_init();
	tempest_bench_pair_init(&pair);
	for (guint i = 0; i < G_N_ELEMENTS(backends); i++) {
		if (backends[i] == NULL) {
			g_print("openssl  not built in\n");
			continue;
		}
		tempest_bench_aead(backends[i], &pair, (gint64)ms * 1000);
	}
	chosen = tempest_aead_select("auto", &error);
	g_print("auto selects: %s\n", chosen != NULL ? chosen->name : error->message);
	tempest_bench_initiations(&pair, (gint64)ms * 1000);
	tempest_bench_pair_clear(&pair);
	return 0;
}
