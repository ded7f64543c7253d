/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The TX thread's TSO segmentation: a TCP super-packet from the TUN device (virtio-net header
 * first) cut into segments that a receiver accepts: lengths, IDs, sequence numbers, flags, and
 * both checksums valid. */

#include "tempest-device-private.h"

#include <linux/virtio_net.h>
#include <string.h>

#define PAYLOAD 250
#define MSS 99 /* odd: segments end on half a word */

static guint32
sum16(guint32 sum, const guint8 *p, gsize len)
{
	for (gsize i = 0; i + 1 < len; i += 2)
		sum += (guint32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (guint32)p[len - 1] << 8;
	return sum;
}

static guint16
fold(guint32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)sum;
}

/* an IPv4/TCP super-packet of PAYLOAD bytes with PSH, FIN and CWR set */
static gsize
make_frame(guint8 *frame, guint8 gso_type, guint16 gso_size)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = gso_type,
		.hdr_len = 40,
		.gso_size = gso_size,
		.csum_start = 20,
		.csum_offset = 16,
	};
	guint8 *ip = frame + sizeof(h);
	guint8 *tcp = ip + 20;

	memcpy(frame, &h, sizeof(h));
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (40 + PAYLOAD) >> 8;
	ip[3] = (40 + PAYLOAD) & 0xff;
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, (guint8[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
	tcp[0] = 0x30;
	tcp[3] = 0x50;
	tcp[7] = 0xe8; /* seq 1000 */
	tcp[6] = 0x03;
	tcp[12] = 0x50;
	tcp[13] = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
	for (guint i = 0; i < PAYLOAD; i++)
		tcp[20 + i] = (guint8)i;
	return sizeof(h) + 40 + PAYLOAD;
}

static void
test_tso_v4(void)
{
	guint8 frame[sizeof(struct virtio_net_hdr) + 40 + PAYLOAD];
	guint8 bufs[4][TEMPEST_DEV_BUF_LEN];
	guint8 *outs[4] = {bufs[0], bufs[1], bufs[2], bufs[3]};
	gsize lens[4] = {0};
	gsize len = make_frame(frame, VIRTIO_NET_HDR_GSO_TCPV4, MSS);
	guint n;

	g_assert_cmpuint(tempest_dev_offload_count(frame, len), ==, 3);
	n = tempest_dev_offload_split(frame, len, outs, lens, 4);
	g_assert_cmpuint(n, ==, 3);
	for (guint i = 0; i < n; i++) {
		const guint8 *ip = outs[i];
		const guint8 *tcp = ip + 20;
		gsize payload = i < 2 ? MSS : PAYLOAD - 2 * MSS;
		guint32 seq = (guint32)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
		guint32 pseudo;

		g_assert_cmpuint(lens[i], ==, 40 + payload);
		g_assert_cmpuint((guint)ip[2] << 8 | ip[3], ==, 40 + payload);
		g_assert_cmpuint((guint)ip[4] << 8 | ip[5], ==, 0x1234 + i);
		g_assert_cmpuint(seq, ==, 1000 + i * MSS);
		g_assert_cmpuint(tcp[20], ==, (guint8)(i * MSS));
		/* CWR on the first only, PSH and FIN on the last only, ACK everywhere */
		g_assert_cmpuint(tcp[13] & 0x80, ==, i == 0 ? 0x80 : 0);
		g_assert_cmpuint(tcp[13] & 0x09, ==, i == 2 ? 0x09 : 0);
		g_assert_cmpuint(tcp[13] & 0x10, ==, 0x10);
		/* both checksums verify: the sum over what they cover folds to all ones */
		g_assert_cmpuint(fold(sum16(0, ip, 20)), ==, 0xffff);
		pseudo = sum16(0, ip + 12, 8) + 6 + (guint32)(20 + payload);
		g_assert_cmpuint(fold(sum16(pseudo, tcp, 20 + payload)), ==, 0xffff);
	}
}

static void
test_plain_packet(void)
{
	guint8 frame[sizeof(struct virtio_net_hdr) + 40 + PAYLOAD];
	guint8 buf[TEMPEST_DEV_BUF_LEN];
	guint8 *outs[1] = {buf};
	gsize lens[1] = {0};
	gsize len = make_frame(frame, VIRTIO_NET_HDR_GSO_NONE, 0);
	guint8 *in_ip = frame + sizeof(struct virtio_net_hdr);
	const guint8 *ip = buf;
	guint32 pseudo = sum16(0, in_ip + 12, 8) + 6 + (guint32)(20 + PAYLOAD);

	/* as the kernel leaves it: the pseudo-header sum in the checksum field */
	in_ip[36] = (guint8)(fold(pseudo) >> 8);
	in_ip[37] = (guint8)fold(pseudo);
	g_assert_cmpuint(tempest_dev_offload_count(frame, len), ==, 1);
	g_assert_cmpuint(tempest_dev_offload_split(frame, len, outs, lens, 1), ==, 1);
	g_assert_cmpuint(lens[0], ==, 40 + PAYLOAD);
	/* NEEDS_CSUM: the checksum is completed and verifies */
	g_assert_cmpuint(fold(sum16(pseudo, ip + 20, 20 + PAYLOAD)), ==, 0xffff);
	g_assert_cmpmem(ip + 40, PAYLOAD, in_ip + 40, PAYLOAD);
}

static void
test_refused(void)
{
	guint8 frame[sizeof(struct virtio_net_hdr) + 40 + PAYLOAD];
	gsize len = make_frame(frame, VIRTIO_NET_HDR_GSO_TCPV4, MSS);

	/* a TSO frame that is no TCP (here: UDP) or has no segment size is dropped */
	frame[sizeof(struct virtio_net_hdr) + 9] = 17;
	g_assert_cmpuint(tempest_dev_offload_count(frame, len), ==, 0);
	len = make_frame(frame, VIRTIO_NET_HDR_GSO_TCPV4, 0);
	g_assert_cmpuint(tempest_dev_offload_count(frame, len), ==, 0);
	/* shorter than the TCP header it announces */
	len = make_frame(frame, VIRTIO_NET_HDR_GSO_TCPV4, MSS);
	g_assert_cmpuint(tempest_dev_offload_count(frame, sizeof(struct virtio_net_hdr) + 30), ==,
			 0);
}

gint
main(gint argc, gchar **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tempest/device/offload/tso-v4", test_tso_v4);
	g_test_add_func("/tempest/device/offload/plain", test_plain_packet);
	g_test_add_func("/tempest/device/offload/refused", test_refused);
	return g_test_run();
}
