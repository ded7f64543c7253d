/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tempest-tun.h"

/* Splitting what a TUN device with offloads hands over: each packet must be one a NIC would
 * have put on the wire. Checksums are verified with a sum written here, not the one tested. */

#define N_OUT 8
#define GSO_UDP_L4 5

static guint32
ref_sum(const guint8 *data, gsize len)
{
	guint32 sum = 0;

	for (gsize i = 0; i < len; i++)
		sum += i % 2 == 0 ? (guint32)data[i] << 8 : data[i];
	return sum;
}

static guint16
ref_fold(guint32 sum)
{
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)sum;
}

/* a packet's transport checksum verifies: the sum with its pseudo-header is all ones */
static void
assert_transport_ok(const guint8 *pkt, gsize len, gsize iph_len, guint8 proto)
{
	gboolean v6 = pkt[0] >> 4 == 6;
	guint32 sum = ref_sum(pkt + (v6 ? 8 : 12), v6 ? 32 : 8) + proto + (guint32)(len - iph_len);

	sum += ref_sum(pkt + iph_len, len - iph_len);
	g_assert_cmphex(ref_fold(sum), ==, 0xffff);
}

static gsize
build_ipv4_tcp(guint8 *buf, gsize payload)
{
	static const guint8 head[40] = {
		0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		/* TCP: ports 1000 -> 2000, seq 1000, ack 7, 20 bytes, ACK|PSH|FIN, window */
		0x03, 0xe8, 0x07, 0xd0, 0, 0, 0x03, 0xe8, 0, 0, 0, 7, 0x50, 0x19, 0xff, 0xff, 0, 0,
		0, 0};

	memcpy(buf, head, sizeof(head));
	for (gsize i = 0; i < payload; i++)
		buf[40 + i] = (guint8)(i * 13 + 1);
	buf[2] = (guint8)((40 + payload) >> 8);
	buf[3] = (guint8)(40 + payload);
	return 40 + payload;
}

static void
alloc_out(TempestTunPacket *out, guint n, gsize size)
{
	for (guint i = 0; i < n; i++)
		out[i] = (TempestTunPacket){.data = g_malloc0(size), .size = size};
}

static void
free_out(TempestTunPacket *out, guint n)
{
	for (guint i = 0; i < n; i++)
		g_free(out[i].data);
}

/* what the kernel puts before an IPv4/TCP super-packet of build_ipv4_tcp() */
static TempestTunVnetHdr
tso4_hdr(guint16 gso_size)
{
	return (TempestTunVnetHdr){.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				   .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				   .hdr_len = 40,
				   .gso_size = gso_size,
				   .csum_start = 20,
				   .csum_offset = 16};
}

static void
test_tun_split_tcp4_func(void)
{
	guint8 in[4096];
	TempestTunPacket out[N_OUT];
	gsize len = build_ipv4_tcp(in, 2500);
	TempestTunVnetHdr hdr = tso4_hdr(1000);
	gint n;

	alloc_out(out, N_OUT, 1500);
	n = tempest_tun_gso_split(&hdr, in, len, out, N_OUT);
	g_assert_cmpint(n, ==, 3);
	for (gint i = 0; i < n; i++) {
		const guint8 *p = out[i].data;
		gsize chunk = i < 2 ? 1000 : 500;
		guint32 seq;
		g_assert_cmpuint(out[i].len, ==, 40 + chunk);
		g_assert_cmpuint((guint)(p[2] << 8 | p[3]), ==, 40 + chunk);
		g_assert_cmpuint((guint)(p[4] << 8 | p[5]), ==, 0x1234 + (guint)i);
		g_assert_cmphex(ref_fold(ref_sum(p, 20)), ==, 0xffff);
		memcpy(&seq, p + 24, 4);
		g_assert_cmpuint(ntohl(seq), ==, 1000 + (guint)i * 1000);
		/* FIN and PSH on the last segment only */
		g_assert_cmphex(p[33], ==, i < 2 ? 0x10 : 0x19);
		g_assert_cmpmem(p + 40, chunk, in + 40 + (gsize)i * 1000, chunk);
		assert_transport_ok(p, out[i].len, 20, 6);
	}
	free_out(out, N_OUT);
}

static void
test_tun_split_udp6_func(void)
{
	guint8 in[4096] = {0x60, 0, 0, 0, 0, 0, 17, 64};
	TempestTunPacket out[N_OUT];
	TempestTunVnetHdr hdr = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				 .gso_type = GSO_UDP_L4,
				 .hdr_len = 48,
				 .gso_size = 700,
				 .csum_start = 40,
				 .csum_offset = 6};
	gsize len = 48 + 2000;
	gint n;

	inet_pton(AF_INET6, "fd00::1", in + 8);
	inet_pton(AF_INET6, "fd00::2", in + 24);
	in[40] = 0x13;
	in[42] = 0x14;
	for (gsize i = 0; i < 2000; i++)
		in[48 + i] = (guint8)(i * 7);
	alloc_out(out, N_OUT, 1500);
	n = tempest_tun_gso_split(&hdr, in, len, out, N_OUT);
	g_assert_cmpint(n, ==, 3);
	for (gint i = 0; i < n; i++) {
		const guint8 *p = out[i].data;
		gsize chunk = i < 2 ? 700 : 600;
		g_assert_cmpuint(out[i].len, ==, 48 + chunk);
		g_assert_cmpuint((guint)(p[4] << 8 | p[5]), ==, 8 + chunk);
		g_assert_cmpuint((guint)(p[44] << 8 | p[45]), ==, 8 + chunk);
		g_assert_cmpmem(p + 48, chunk, in + 48 + (gsize)i * 700, chunk);
		assert_transport_ok(p, out[i].len, 40, 17);
	}
	free_out(out, N_OUT);
}

static void
test_tun_needs_csum_func(void)
{
	guint8 in[128];
	TempestTunPacket out[1];
	gsize len = build_ipv4_tcp(in, 60);
	TempestTunVnetHdr hdr = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20, .csum_offset = 16};
	/* what the kernel leaves in the field: the pseudo-header's sum */
	guint16 pseudo = ref_fold(ref_sum(in + 12, 8) + 6 + (guint32)(len - 20));

	in[36] = (guint8)(pseudo >> 8);
	in[37] = (guint8)pseudo;
	alloc_out(out, 1, 1500);
	g_assert_cmpint(tempest_tun_gso_split(&hdr, in, len, out, 1), ==, 1);
	g_assert_cmpuint(out[0].len, ==, len);
	assert_transport_ok(out[0].data, len, 20, 6);
	free_out(out, 1);
}

static void
test_tun_split_refused_func(void)
{
	guint8 in[4096];
	TempestTunPacket out[2];
	gsize len = build_ipv4_tcp(in, 2500);
	TempestTunVnetHdr hdr = {.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				 .gso_size = 1000,
				 .csum_start = 20,
				 .csum_offset = 16};
	TempestTunVnetHdr bad = hdr;
	TempestTunVnetHdr zero = hdr;
	TempestTunVnetHdr ecn = hdr;

	alloc_out(out, 2, 1500);
	/* three segments, two buffers */
	g_assert_cmpint(tempest_tun_gso_split(&hdr, in, len, out, 2), ==, -ENOSPC);
	bad.csum_start = 10;
	g_assert_cmpint(tempest_tun_gso_split(&bad, in, len, out, 2), ==, -EINVAL);
	bad.csum_start = 4000;
	g_assert_cmpint(tempest_tun_gso_split(&bad, in, len, out, 2), ==, -EINVAL);
	zero.gso_size = 0;
	g_assert_cmpint(tempest_tun_gso_split(&zero, in, len, out, 2), ==, -EINVAL);
	ecn.gso_type = 0x80 | VIRTIO_NET_HDR_GSO_TCPV4;
	g_assert_cmpint(tempest_tun_gso_split(&ecn, in, len, out, 2), ==, -EINVAL);
	g_assert_cmpint(tempest_tun_gso_split(&hdr, in, 30, out, 2), ==, -EINVAL);
	free_out(out, 2);
}

/* an IPv4/TCP super-packet with CWR, ACK, PSH and FIN, cut at an odd MSS: segments end on half
 * a word, which the checksum's wide sums must get right */
static void
test_tun_split_tcp4_odd_cwr_func(void)
{
	guint8 in[4096];
	TempestTunPacket out[N_OUT];
	gsize len = build_ipv4_tcp(in, 250);
	TempestTunVnetHdr hdr = tso4_hdr(99);
	gint n;

	in[33] = 0x80 | 0x10 | 0x08 | 0x01;
	alloc_out(out, N_OUT, 1500);
	n = tempest_tun_gso_split(&hdr, in, len, out, N_OUT);
	g_assert_cmpint(n, ==, 3);
	for (gint i = 0; i < n; i++) {
		const guint8 *p = out[i].data;
		g_assert_cmpuint(out[i].len, ==, 40 + (i < 2 ? 99 : 52));
		/* CWR on the first only, PSH and FIN on the last only, ACK everywhere */
		g_assert_cmphex(p[33] & 0x80, ==, i == 0 ? 0x80 : 0);
		g_assert_cmphex(p[33] & 0x09, ==, i == 2 ? 0x09 : 0);
		g_assert_cmphex(p[33] & 0x10, ==, 0x10);
		g_assert_cmphex(ref_fold(ref_sum(p, 20)), ==, 0xffff);
		assert_transport_ok(p, out[i].len, 20, 6);
	}
	/* a TSO header over a packet that is no TCP is refused, not cut */
	in[9] = 17;
	g_assert_cmpint(tempest_tun_gso_split(&hdr, in, len, out, N_OUT), ==, -EINVAL);
	free_out(out, N_OUT);
}

/* the checksum against the byte-at-a-time definition: every length and alignment */
static void
test_tun_checksum_func(void)
{
	guint8 buf[80];

	for (gsize i = 0; i < sizeof(buf); i++)
		buf[i] = (guint8)(0xff - i * 37);
	for (gsize start = 0; start < 8; start++)
		for (gsize len = 0; start + len <= sizeof(buf); len++)
			g_assert_cmphex(tempest_tun_checksum(buf + start, len, 0x1fffe), ==,
					ref_fold(ref_sum(buf + start, len) + 0x1fffe));
}

/* one IPv4 TCP segment of flow `port`, sequence number seq, IP id, flags, valid checksums */
static gsize
build_segment(guint8 *buf, guint16 port, guint32 seq, guint16 id, guint8 flags, gsize payload)
{
	gsize len = build_ipv4_tcp(buf, payload);
	guint32 sum;
	guint16 csum;

	buf[20] = (guint8)(port >> 8);
	buf[21] = (guint8)port;
	buf[24] = (guint8)(seq >> 24);
	buf[25] = (guint8)(seq >> 16);
	buf[26] = (guint8)(seq >> 8);
	buf[27] = (guint8)seq;
	buf[4] = (guint8)(id >> 8);
	buf[5] = (guint8)id;
	buf[33] = flags;
	for (gsize i = 0; i < payload; i++)
		buf[40 + i] = (guint8)(seq + i);
	buf[10] = buf[11] = 0;
	csum = (guint16)~ref_fold(ref_sum(buf, 20));
	buf[10] = (guint8)(csum >> 8);
	buf[11] = (guint8)csum;
	buf[36] = buf[37] = 0;
	sum = ref_sum(buf + 12, 8) + 6 + (guint32)(len - 20) + ref_sum(buf + 20, len - 20);
	csum = (guint16)~ref_fold(sum);
	buf[36] = (guint8)(csum >> 8);
	buf[37] = (guint8)csum;
	return len;
}

/* reads one frame of the socket: its length */
static gsize
read_frame(gint fd, guint8 *frame, gsize size)
{
	gssize got = recv(fd, frame, size, MSG_DONTWAIT);

	g_assert_cmpint(got, >=, TEMPEST_TUN_VNET_HDR_LEN);
	return (gsize)got;
}

/* a frame of the GRO writer split again (what the kernel does on forwarding) gives back the
 * segments it coalesced, byte for byte */
static void
assert_frame_splits_into(guint8 *frame, gsize len, TempestTunPacket *segments, guint n)
{
	TempestTunVnetHdr hdr;
	TempestTunPacket out[N_OUT];
	gint got;

	memcpy(&hdr, frame, sizeof(hdr));
	g_assert_cmpuint(hdr.gso_type, ==, n > 1 ? VIRTIO_NET_HDR_GSO_TCPV4 : 0);
	if (n > 1) {
		const guint8 *ip = frame + sizeof(hdr);
		gsize total = len - sizeof(hdr);
		/* the kernel completes the checksum: the field holds the pseudo-header's sum */
		guint16 pseudo = ref_fold(ref_sum(ip + 12, 8) + 6 + (guint32)(total - 20));
		g_assert_cmpuint(hdr.flags, ==, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		g_assert_cmpuint(hdr.csum_start, ==, 20);
		g_assert_cmpuint(hdr.csum_offset, ==, 16);
		g_assert_cmpuint(hdr.hdr_len, ==, 40);
		g_assert_cmpuint(hdr.gso_size, ==, segments[0].len - 40);
		g_assert_cmpuint((guint)(ip[2] << 8 | ip[3]), ==, total);
		g_assert_cmphex(ref_fold(ref_sum(ip, 20)), ==, 0xffff);
		g_assert_cmphex((guint)(ip[36] << 8 | ip[37]), ==, pseudo);
	}
	alloc_out(out, N_OUT, 1500);
	got = tempest_tun_gso_split(&hdr, frame + sizeof(hdr), len - sizeof(hdr), out, N_OUT);
	g_assert_cmpint(got, ==, (gint)n);
	for (guint i = 0; i < n; i++)
		g_assert_cmpmem(out[i].data, out[i].len, segments[i].data, segments[i].len);
	free_out(out, N_OUT);
}

static void
test_tun_gro_func(void)
{
	g_autoptr(TempestTunGro) gro = tempest_tun_gro_new();
	guint8 bufs[11][1500];
	TempestTunPacket p[11];
	guint8 frame[65536];
	gint fds[2];
	gsize len;

	/* flow A (port 1000): 5 segments of 500 bytes, the last with PSH, between them flow B
	 * (2000, two), a packet that is no TCP (3000), and flow C (4000) whose second segment
	 * skips ahead (not coalesced) and whose third has a broken checksum */
	static const struct {
		guint16 port;
		guint32 seq;
		guint16 id;
		guint8 flags;
		gsize payload;
	} segs[11] = {
		{1000, 1000, 7, 0x10, 500},  {2000, 50, 90, 0x10, 300},
		{1000, 1500, 8, 0x10, 500},  {1000, 2000, 9, 0x10, 500},
		{3000, 1, 1, 0x10, 100},     {2000, 350, 91, 0x10, 200},
		{1000, 2500, 10, 0x10, 500}, {1000, 3000, 11, 0x18, 200},
		{4000, 100, 20, 0x10, 100},  {4000, 300, 21, 0x10, 100},
		{4000, 400, 22, 0x10, 100},
	};

	for (guint i = 0; i < G_N_ELEMENTS(segs); i++) {
		len = build_segment(bufs[i], segs[i].port, segs[i].seq, segs[i].id, segs[i].flags,
				    segs[i].payload);
		p[i] = (TempestTunPacket){bufs[i], sizeof(bufs[i]), len};
	}
	bufs[4][9] = 17;      /* no longer TCP */
	bufs[10][45] ^= 0xff; /* the checksum no longer matches */

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), ==, 0);
	g_assert_cmpuint(tempest_tun_gro_write_fd(fds[0], gro, p, 11), ==, 11);
	/* A whole, in order of its first segment */
	len = read_frame(fds[1], frame, sizeof(frame));
	assert_frame_splits_into(frame, len, (TempestTunPacket[]){p[0], p[2], p[3], p[6], p[7]}, 5);
	/* B */
	len = read_frame(fds[1], frame, sizeof(frame));
	assert_frame_splits_into(frame, len, (TempestTunPacket[]){p[1], p[5]}, 2);
	/* the UDP packet, C's three segments: each as it was */
	for (guint i = 0; i < 4; i++) {
		TempestTunPacket *want = &p[i == 0 ? 4 : 7 + i];
		len = read_frame(fds[1], frame, sizeof(frame));
		g_assert_cmpuint(frame[1], ==, 0);
		g_assert_cmpmem(frame + TEMPEST_TUN_VNET_HDR_LEN, len - TEMPEST_TUN_VNET_HDR_LEN,
				want->data, want->len);
	}
	g_assert_cmpint(recv(fds[1], frame, sizeof(frame), MSG_DONTWAIT), ==, -1);
	close(fds[0]);
	close(fds[1]);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/tun/split-tcp4", test_tun_split_tcp4_func);
	g_test_add_func("/tempest/tun/split-tcp4-odd-cwr", test_tun_split_tcp4_odd_cwr_func);
	g_test_add_func("/tempest/tun/checksum", test_tun_checksum_func);
	g_test_add_func("/tempest/tun/gro", test_tun_gro_func);
	g_test_add_func("/tempest/tun/split-udp6", test_tun_split_udp6_func);
	g_test_add_func("/tempest/tun/needs-csum", test_tun_needs_csum_func);
	g_test_add_func("/tempest/tun/split-refused", test_tun_split_refused_func);
	return g_test_run();
}
