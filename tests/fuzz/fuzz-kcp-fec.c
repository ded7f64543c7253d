/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-fuzz.h"
#include "arc-kcp-fec.h"
#include "arc-kcp.h"

/* The kcp transport's FEC datagrams as they arrive from the network (docs/protocol.md "KCP
 * transport"): data and parity shards, each behind a 2-byte big-endian length in the input,
 * into a decoder for groups of up to 10+3, whose payloads go on into the ARQ as in the plugin.
 *
 * Properties: a delivered payload is never larger than the largest the decoder was made for,
 * and one datagram brings out at most itself and the 3 shards its group's parity can rebuild. */

#define KCP_FUZZ_PAYLOAD 1400

typedef struct {
	ArcKcp *kcp;
	guint delivered;
} KcpFecFuzz;

static void
kcp_fec_fuzz_output_cb(const guint8 *data, gsize len, gpointer user_data)
{
}

static void
kcp_fec_fuzz_deliver_cb(const guint8 *data, gsize len, gpointer user_data)
{
	KcpFecFuzz *f = user_data;

	if (len > KCP_FUZZ_PAYLOAD) {
		fprintf(stderr, "fuzz-kcp-fec: a payload of %zu bytes\n", len);
		abort();
	}
	f->delivered++;
	arc_kcp_input(f->kcp, data, len, 1000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(ArcKcpFecDecoder) dec = arc_kcp_fec_decoder_new(10, 3, KCP_FUZZ_PAYLOAD);
	g_autoptr(ArcKcp) kcp =
		arc_kcp_new(0x4b435031, KCP_FUZZ_PAYLOAD, 32, 32, kcp_fec_fuzz_output_cb, NULL);
	KcpFecFuzz f = {kcp, 0};
	gsize off = 0;
	guint datagrams = 0;

	while (size - off >= 2) {
		gsize len = MIN((gsize)((data[off] << 8) | data[off + 1]), size - off - 2);

		arc_kcp_fec_decoder_input(dec, data + off + 2, len, kcp_fec_fuzz_deliver_cb, &f);
		off += 2 + len;
		datagrams++;
	}
	if (f.delivered > datagrams * 4) {
		fprintf(stderr, "fuzz-kcp-fec: %u payloads out of %u datagrams\n", f.delivered,
			datagrams);
		abort();
	}
	return 0;
}
