/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-fuzz.h"
#include "arc-kcp.h"

/* The kcp transport's ARQ segments as they arrive from the network (docs/protocol.md "KCP
 * transport"). The input is a flags byte (bit 0: stream mode, bit 1: nodelay without congestion
 * window) and then datagrams, each behind a 2-byte big-endian length; conversation 0x4b435031.
 * Between datagrams the engine is driven as the plugin drives it: the clock moves, it flushes,
 * the reader drains it, the writer queues more.
 *
 * Properties: the receiver never holds more than its window, the sender never more than its
 * ring, and a message read in message mode is never larger than the window. */

#define KCP_FUZZ_CONV 0x4b435031
#define KCP_FUZZ_MTU 1400
#define KCP_FUZZ_WND 32

static void
kcp_fuzz_output_cb(const guint8 *data, gsize len, gpointer user_data)
{
	if (len > KCP_FUZZ_MTU) {
		fprintf(stderr, "fuzz-kcp-segment: a datagram of %zu bytes\n", len);
		abort();
	}
}

static void
kcp_fuzz_check(ArcKcp *kcp)
{
	static guint8 buf[KCP_FUZZ_WND * KCP_FUZZ_MTU];
	gssize n;

	if (arc_kcp_peek_size(kcp) > (gssize)sizeof buf || arc_kcp_waiting(kcp) > KCP_FUZZ_WND) {
		fprintf(stderr, "fuzz-kcp-segment: more than the windows held\n");
		abort();
	}
	while ((n = arc_kcp_recv(kcp, buf, sizeof buf)) > 0)
		;
	if (n == -2) {
		fprintf(stderr, "fuzz-kcp-segment: a message larger than the window\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(ArcKcp) kcp = NULL;
	static const guint8 payload[3000];
	guint32 now = 1000;
	gsize off = 1;

	if (size < 1)
		return 0;
	kcp = arc_kcp_new(KCP_FUZZ_CONV, KCP_FUZZ_MTU, KCP_FUZZ_WND, KCP_FUZZ_WND,
			  kcp_fuzz_output_cb, NULL);
	arc_kcp_set_stream(kcp, data[0] & 1);
	if (data[0] & 2)
		arc_kcp_set_nodelay(kcp, TRUE, 10, 2, TRUE);
	arc_kcp_send(kcp, payload, sizeof payload);
	while (size - off >= 2) {
		gsize len = MIN((gsize)((data[off] << 8) | data[off + 1]), size - off - 2);

		arc_kcp_input(kcp, data + off + 2, len, now);
		off += 2 + len;
		now += 7;
		arc_kcp_update(kcp, now);
		kcp_fuzz_check(kcp);
		arc_kcp_send(kcp, payload, 100);
	}
	return 0;
}
