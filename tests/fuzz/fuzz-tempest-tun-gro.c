/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-fuzz.h"
#include "tempest-tun.h"

/* What a peer sends, once decrypted, reaches the TUN device through Tempest's GRO
 * (tempest_tun_gro_write_fd()), which reads IP and TCP headers to coalesce segments. The input
 * is a run of packets, each a 2-byte big-endian length and that many bytes. They are written to
 * a SOCK_SEQPACKET socket as to a TUN device; every frame read back must be either one input
 * packet as it was or a super-packet that tempest_tun_gso_split() cuts back into input
 * packets, byte for byte, and no packet may be lost or made up. */

/* within what a UNIX socket buffers by default: the writer must never wait */
#define TEMPEST_FUZZ_GRO_MAX 32
#define TEMPEST_FUZZ_GRO_LEN 1500

static void G_GNUC_NORETURN
tempest_fuzz_gro_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-tempest-tun-gro: %s\n", what);
	abort();
}

/* marks the input packet equal to data as seen; fails when there is none left */
static void
tempest_fuzz_gro_see(const TempestTunPacket *in, gboolean *seen, guint n, const guint8 *data,
		     gsize len)
{
	for (guint i = 0; i < n; i++) {
		if (!seen[i] && in[i].len == len &&
		    (len == 0 || memcmp(in[i].data, data, len) == 0)) {
			seen[i] = TRUE;
			return;
		}
	}
	tempest_fuzz_gro_fail("a packet came out that did not go in");
}

static void
tempest_fuzz_gro_check_frame(const TempestTunPacket *in, gboolean *seen, guint n, guint8 *frame,
			     gsize len, TempestTunPacket *out)
{
	TempestTunVnetHdr hdr;
	gint got;

	if (len < sizeof(hdr))
		tempest_fuzz_gro_fail("a frame without its header");
	memcpy(&hdr, frame, sizeof(hdr));
	if (hdr.gso_type == 0 && hdr.flags == 0) {
		tempest_fuzz_gro_see(in, seen, n, frame + sizeof(hdr), len - sizeof(hdr));
		return;
	}
	got = tempest_tun_gso_split(&hdr, frame + sizeof(hdr), len - sizeof(hdr), out,
				    TEMPEST_TUN_MAX_SEGMENTS);
	if (got < 2)
		tempest_fuzz_gro_fail("a super-packet that does not split");
	for (gint i = 0; i < got; i++)
		tempest_fuzz_gro_see(in, seen, n, out[i].data, out[i].len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static TempestTunGro *gro;
	static guint8 frame[65536 + 64];
	static guint8 out_bufs[TEMPEST_TUN_MAX_SEGMENTS][TEMPEST_FUZZ_GRO_LEN + 64];
	TempestTunPacket in[TEMPEST_FUZZ_GRO_MAX];
	TempestTunPacket out[TEMPEST_TUN_MAX_SEGMENTS];
	gboolean seen[TEMPEST_FUZZ_GRO_MAX] = {FALSE};
	guint n = 0;
	guint written;
	gint fds[2];
	gssize got;

	if (gro == NULL)
		gro = tempest_tun_gro_new();
	for (gsize at = 0; at + 2 <= size && n < TEMPEST_FUZZ_GRO_MAX;) {
		gsize len = MIN((gsize)(data[at] << 8 | data[at + 1]), TEMPEST_FUZZ_GRO_LEN);
		len = MIN(len, size - at - 2);
		/* a copy: the writer must leave its input alone */
		in[n] = (TempestTunPacket){g_memdup2(data + at + 2, len), len, len};
		n++;
		at += 2 + len;
	}
	for (guint i = 0; i < TEMPEST_TUN_MAX_SEGMENTS; i++)
		out[i] = (TempestTunPacket){out_bufs[i], sizeof(out_bufs[i]), 0};
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0)
		tempest_fuzz_gro_fail("no socket pair");
	written = tempest_tun_gro_write_fd(fds[0], gro, in, n);
	while ((got = recv(fds[1], frame, sizeof(frame), MSG_DONTWAIT)) >= 0)
		tempest_fuzz_gro_check_frame(in, seen, n, frame, (gsize)got, out);
	if (written != n)
		tempest_fuzz_gro_fail("a packet was not written");
	for (guint i = 0; i < n; i++) {
		if (!seen[i])
			tempest_fuzz_gro_fail("a packet went in and did not come out");
		g_free(in[i].data);
	}
	close(fds[0]);
	close(fds[1]);
	return 0;
}
