/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tempest-tun.h"

/* A TUN device in the namespace test-tempest-io-netns.sh made for it: created, MTU set, up;
 * what the kernel routes into it is read, what is written into it reaches the kernel (which
 * answers a ping), and with offloads a segmented UDP send comes out as packets with valid
 * checksums. Addresses are set here by ioctl so that the test needs no `ip` either. */

#define LOCAL "10.99.0.1"
#define REMOTE "10.99.0.2"
#define N_BUFS TEMPEST_TUN_MAX_SEGMENTS

static guint16
ref_fold(const guint8 *data, gsize len, guint32 sum)
{
	for (gsize i = 0; i < len; i++)
		sum += i % 2 == 0 ? (guint32)data[i] << 8 : data[i];
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)sum;
}

static void
set_address(const gchar *ifname)
{
	struct ifreq ifr = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	gint fd = socket(AF_INET, SOCK_DGRAM, 0);

	g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, LOCAL, &sin->sin_addr);
	g_assert_no_errno(ioctl(fd, SIOCSIFADDR, &ifr));
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	g_assert_no_errno(ioctl(fd, SIOCSIFNETMASK, &ifr));
	close(fd);
}

static TempestTun *
open_tun(TempestTunFlags flags)
{
	g_autoptr(GError) error = NULL;
	TempestTun *tun = tempest_tun_open("tio%d", flags, &error);
	guint mtu = 0;
	gboolean ok;

	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(tempest_tun_get_name(tun), "tio"));
	ok = tempest_tun_set_mtu(tun, 1380, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = tempest_tun_get_mtu(tun, &mtu, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(mtu, ==, 1380);
	ok = tempest_tun_set_up(tun, TRUE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	set_address(tempest_tun_get_name(tun));
	return tun;
}

static void
alloc_bufs(TempestTunPacket *bufs)
{
	for (guint i = 0; i < N_BUFS; i++)
		bufs[i] = (TempestTunPacket){.data = g_malloc(2048), .size = 2048};
}

static void
free_bufs(TempestTunPacket *bufs)
{
	for (guint i = 0; i < N_BUFS; i++)
		g_free(bufs[i].data);
}

/* reads until a packet of @proto to @dst shows (the kernel may send others: IPv6 ND, IGMP) */
static const TempestTunPacket *
read_until(TempestTun *tun, guint8 *scratch, TempestTunPacket *bufs, guint8 proto, const gchar *dst,
	   gint *n_out)
{
	guint8 want[4];

	inet_pton(AF_INET, dst, want);
	for (guint round = 0; round < 50; round++) {
		gint n = tempest_tun_read(tun, 0, scratch, bufs, N_BUFS);
		g_assert_cmpint(n, >, 0);
		for (gint i = 0; i < n; i++) {
			const guint8 *p = bufs[i].data;
			if (bufs[i].len >= 20 && p[0] >> 4 == 4 && p[9] == proto &&
			    memcmp(p + 16, want, 4) == 0) {
				*n_out = n - i;
				return &bufs[i];
			}
		}
	}
	g_assert_not_reached();
}

static gint
udp_socket_to_remote(struct sockaddr_in *to)
{
	gint fd = socket(AF_INET, SOCK_DGRAM, 0);

	*to = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(4000)};
	inet_pton(AF_INET, REMOTE, &to->sin_addr);
	return fd;
}

static void
test_tun_read_func(void)
{
	g_autoptr(TempestTun) tun = open_tun(TEMPEST_TUN_FLAG_NONE);
	TempestTunPacket bufs[N_BUFS];
	struct sockaddr_in to;
	gint fd = udp_socket_to_remote(&to);
	const TempestTunPacket *pkt;
	gint n;

	g_assert_false(tempest_tun_get_offload(tun));
	alloc_bufs(bufs);
	g_assert_cmpint(sendto(fd, "hello tun", 9, 0, (struct sockaddr *)&to, sizeof(to)), ==, 9);
	pkt = read_until(tun, NULL, bufs, IPPROTO_UDP, REMOTE, &n);
	g_assert_cmpuint(pkt->len, ==, 20 + 8 + 9);
	g_assert_cmpmem(pkt->data + 28, 9, "hello tun", 9);
	close(fd);
	free_bufs(bufs);
}

/* an echo request from REMOTE written into the device: the kernel answers it through it */
static void
test_tun_write_func(void)
{
	g_autoptr(TempestTun) tun = open_tun(TEMPEST_TUN_FLAG_NONE);
	TempestTunPacket bufs[N_BUFS];
	guint8 echo[28 + 8] = {0x45, 0, 0, 36, 0, 1, 0, 0, 64, IPPROTO_ICMP};
	TempestTunPacket request = {.data = echo, .size = sizeof(echo), .len = sizeof(echo)};
	const TempestTunPacket *reply;
	guint16 sum;
	gint n;

	inet_pton(AF_INET, REMOTE, echo + 12);
	inet_pton(AF_INET, LOCAL, echo + 16);
	sum = (guint16)~ref_fold(echo, 20, 0);
	echo[10] = (guint8)(sum >> 8);
	echo[11] = (guint8)sum;
	echo[20] = 8; /* echo request, id 0x7e57, seq 1, payload "tempest!" */
	echo[24] = 0x7e;
	echo[25] = 0x57;
	echo[27] = 1;
	memcpy(echo + 28, "tempest!", 8);
	sum = (guint16)~ref_fold(echo + 20, 16, 0);
	echo[22] = (guint8)(sum >> 8);
	echo[23] = (guint8)sum;

	alloc_bufs(bufs);
	g_assert_cmpint(tempest_tun_write(tun, 0, &request, 1), ==, 1);
	reply = read_until(tun, NULL, bufs, IPPROTO_ICMP, REMOTE, &n);
	g_assert_cmpuint(reply->len, ==, sizeof(echo));
	g_assert_cmpuint(reply->data[20], ==, 0); /* echo reply */
	g_assert_cmpmem(reply->data + 24, 12, echo + 24, 12);
	free_bufs(bufs);
}

/* with offloads: a segmented UDP send may come out as one super-packet; what we hand on is
 * packets of the segment size with valid checksums, in order */
static void
test_tun_offload_func(void)
{
	g_autoptr(TempestTun) tun = open_tun(TEMPEST_TUN_FLAG_OFFLOAD);
	g_autofree guint8 *scratch = g_malloc(TEMPEST_TUN_SCRATCH_LEN);
	TempestTunPacket bufs[N_BUFS];
	struct sockaddr_in to;
	gint fd = udp_socket_to_remote(&to);
	guint8 payload[8 * 1000];
	gint segment = 1000;
	guint seen = 0;

	g_assert_true(tempest_tun_get_offload(tun));
	alloc_bufs(bufs);
	for (guint i = 0; i < sizeof(payload); i++)
		payload[i] = (guint8)(i / 1000 + i);
	g_assert_no_errno(setsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment, sizeof(segment)));
	g_assert_cmpint(sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)),
			==, sizeof(payload));
	while (seen < 8) {
		gint n;
		const TempestTunPacket *pkt =
			read_until(tun, scratch, bufs, IPPROTO_UDP, REMOTE, &n);
		g_test_message("one read: %d packets", n);
		for (gint i = 0; i < n && seen < 8; i++, seen++) {
			const guint8 *p = pkt[i].data;
			guint32 pseudo = 17 + 8 + 1000;
			g_assert_cmpuint(pkt[i].len, ==, 20 + 8 + 1000);
			g_assert_cmphex(ref_fold(p, 20, 0), ==, 0xffff);
			pseudo += ref_fold(p + 12, 8, 0);
			g_assert_cmphex(ref_fold(p + 20, 1008, pseudo), ==, 0xffff);
			g_assert_cmpmem(p + 28, 1000, payload + seen * 1000, 1000);
		}
	}
	close(fd);
	free_bufs(bufs);
}

/* checksums of a TCP/IPv4 packet built here, as the other end's stack would set them */
static void
finish_tcp4(guint8 *pkt, gsize len)
{
	guint16 sum;

	pkt[2] = (guint8)(len >> 8);
	pkt[3] = (guint8)len;
	pkt[10] = pkt[11] = 0;
	sum = (guint16)~ref_fold(pkt, 20, 0);
	pkt[10] = (guint8)(sum >> 8);
	pkt[11] = (guint8)sum;
	pkt[36] = pkt[37] = 0;
	sum = (guint16)~ref_fold(pkt + 20, len - 20,
				 ref_fold(pkt + 12, 8, 6 + (guint32)(len - 20)));
	pkt[36] = (guint8)(sum >> 8);
	pkt[37] = (guint8)sum;
}

/* a segment from REMOTE:5000 to the local port, seq/ack/flags as given, MSS option on SYN */
static void
write_tcp4(TempestTun *tun, guint16 port, guint32 seq, guint32 ack, guint8 flags)
{
	guint8 pkt[44] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, IPPROTO_TCP};
	gsize len = flags & 0x02 ? 44 : 40;
	TempestTunPacket packet = {.data = pkt, .size = sizeof(pkt), .len = len};
	guint32 seq_n = htonl(seq);
	guint32 ack_n = htonl(ack);

	inet_pton(AF_INET, REMOTE, pkt + 12);
	inet_pton(AF_INET, LOCAL, pkt + 16);
	pkt[20] = 5000 >> 8;
	pkt[21] = 5000 & 0xff;
	pkt[22] = (guint8)(port >> 8);
	pkt[23] = (guint8)port;
	memcpy(pkt + 24, &seq_n, 4);
	memcpy(pkt + 28, &ack_n, 4);
	pkt[32] = (guint8)((len - 20) / 4) << 4;
	pkt[33] = flags;
	pkt[34] = pkt[35] = 0xff;
	if (len == 44)
		memcpy(pkt + 40, "\x02\x04\x05\x3c", 4); /* MSS 1340 */
	finish_tcp4(pkt, len);
	g_assert_cmpint(tempest_tun_write(tun, 0, &packet, 1), ==, 1);
}

/* checks one data segment of the stream and moves *next past it */
static void
check_tcp_segment(const TempestTunPacket *pkt, const guint8 *stream, guint32 isn, guint32 *next)
{
	const guint8 *p = pkt->data;
	gsize data_offset = (gsize)(p[32] >> 4) * 4;
	gsize payload = pkt->len - 20 - data_offset;
	guint32 seq;

	g_assert_cmpuint(pkt->len, <=, 1380);
	g_assert_cmphex(ref_fold(p, 20, 0), ==, 0xffff);
	g_assert_cmphex(
		ref_fold(p + 20, pkt->len - 20, ref_fold(p + 12, 8, 6 + (guint32)(pkt->len - 20))),
		==, 0xffff);
	memcpy(&seq, p + 24, 4);
	g_assert_cmpuint(ntohl(seq), ==, *next);
	g_assert_cmpmem(p + 20 + data_offset, payload, stream + (*next - isn - 1), payload);
	*next += (guint32)payload;
}

/* with offloads, a TCP stream through the device: the kernel hands over super-packets (TSO),
 * which come out as segments of the negotiated MSS, in order, with valid checksums */
static void
test_tun_offload_tcp_func(void)
{
	g_autoptr(TempestTun) tun = open_tun(TEMPEST_TUN_FLAG_OFFLOAD);
	g_autofree guint8 *scratch = g_malloc(TEMPEST_TUN_SCRATCH_LEN);
	g_autofree guint8 *stream = g_malloc(60000);
	TempestTunPacket bufs[N_BUFS];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5000)};
	gint fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	const TempestTunPacket *pkt;
	guint32 isn, next;
	guint16 port;
	guint split_reads = 0;
	gint n;

	alloc_bufs(bufs);
	for (guint i = 0; i < 60000; i++)
		stream[i] = (guint8)(i * 31 + i / 977);
	inet_pton(AF_INET, REMOTE, &to.sin_addr);
	g_assert_cmpint(connect(fd, (struct sockaddr *)&to, sizeof(to)), ==, -1);
	g_assert_cmpint(errno, ==, EINPROGRESS);
	pkt = read_until(tun, scratch, bufs, IPPROTO_TCP, REMOTE, &n);
	g_assert_cmphex(pkt->data[33], ==, 0x02); /* SYN */
	memcpy(&isn, pkt->data + 24, 4);
	isn = ntohl(isn);
	port = (guint16)(pkt->data[20] << 8 | pkt->data[21]);
	write_tcp4(tun, port, 7000, isn + 1, 0x12);
	next = isn + 1;
	g_assert_cmpint(fcntl(fd, F_SETFL, 0), ==, 0);
	g_assert_cmpint(send(fd, stream, 60000, 0), ==, 60000);
	while (next < isn + 1 + 60000) {
		pkt = read_until(tun, scratch, bufs, IPPROTO_TCP, REMOTE, &n);
		split_reads += n > 1;
		for (gint i = 0; i < n; i++)
			if (pkt[i].len > 40)
				check_tcp_segment(&pkt[i], stream, isn, &next);
		write_tcp4(tun, port, 7001, next, 0x10);
	}
	g_test_message("reads that were split: %u", split_reads);
	g_assert_cmpuint(split_reads, >, 0);
	close(fd);
	free_bufs(bufs);
}

static gpointer
wake_later_cb(gpointer data)
{
	g_usleep(100 * 1000);
	tempest_tun_wake(data);
	return NULL;
}

static void
test_tun_wake_func(void)
{
	g_autoptr(TempestTun) tun = open_tun(TEMPEST_TUN_FLAG_MULTI_QUEUE);
	g_autoptr(GError) error = NULL;
	TempestTunPacket bufs[N_BUFS];
	GThread *thread;
	gint queue = tempest_tun_add_queue(tun, &error);

	g_assert_no_error(error);
	g_assert_cmpint(queue, ==, 1);
	g_assert_cmpuint(tempest_tun_get_n_queues(tun), ==, 2);
	/* a reader blocked on an idle queue returns 0 when woken */
	alloc_bufs(bufs);
	thread = g_thread_new("wake", wake_later_cb, tun);
	while (tempest_tun_read(tun, 1, NULL, bufs, N_BUFS) != 0)
		;
	g_thread_join(thread);
	free_bufs(bufs);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/tun/read", test_tun_read_func);
	g_test_add_func("/tempest/tun/write", test_tun_write_func);
	g_test_add_func("/tempest/tun/offload", test_tun_offload_func);
	g_test_add_func("/tempest/tun/offload-tcp", test_tun_offload_tcp_func);
	g_test_add_func("/tempest/tun/wake", test_tun_wake_func);
	return g_test_run();
}
