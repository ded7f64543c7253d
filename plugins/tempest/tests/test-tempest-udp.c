/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <string.h>

#include "tempest-udp.h"

/* Batched UDP over loopback, run by test-tempest-io-netns.sh inside a namespace of its own:
 * what one socket sends in batches (segmented by the kernel or not) arrives whole, in order,
 * with its source and the local address it came to. */

#define N_PACKETS 300

static void
fill_packet(guint8 *data, gsize len, guint index)
{
	for (gsize i = 0; i < len; i++)
		data[i] = (guint8)(index * 7 + i);
	memcpy(data, &index, sizeof(index));
}

static gsize
packet_len(guint index)
{
	/* runs of equal sizes, each ended by a shorter one: what GSO batches */
	return index % 10 == 9 ? 300 : 1200;
}

static TempestEndpoint
endpoint_of(gint family, guint16 port)
{
	TempestEndpoint endpoint = {0};
	g_autofree gchar *text =
		g_strdup_printf(family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u", port);

	g_assert_true(tempest_endpoint_parse(text, &endpoint));
	return endpoint;
}

/* takes one datagram (or one segment of a coalesced receive) and checks it is the next */
static void
check_datagram(const guint8 *data, gsize len, guint *next)
{
	guint index;
	g_autofree guint8 *expected = g_malloc(packet_len(*next));

	g_assert_cmpuint(len, ==, packet_len(*next));
	memcpy(&index, data, sizeof(index));
	g_assert_cmpuint(index, ==, *next);
	fill_packet(expected, len, index);
	g_assert_cmpmem(data, len, expected, len);
	(*next)++;
}

static void
check_source(const TempestUdpPacket *packet, gint family, guint16 port)
{
	gchar text[TEMPEST_ENDPOINT_STRING_MAX];
	g_autofree gchar *want =
		g_strdup_printf(family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u", port);

	g_assert_cmpstr(tempest_endpoint_to_string(&packet->endpoint, text, sizeof(text)), ==,
			want);
	g_assert_cmpint(packet->endpoint.src_family, ==, family);
	if (family == AF_INET)
		g_assert_cmphex(packet->endpoint.src.in4.s_addr, ==, htonl(INADDR_LOOPBACK));
	else
		g_assert_true(IN6_IS_ADDR_LOOPBACK(&packet->endpoint.src.in6));
}

static void
exchange(gint family, TempestUdpFlags flags, const gchar *src)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUdp) a = tempest_udp_open(0, 0, flags, &error);
	g_autoptr(TempestUdp) b = NULL;
	g_autoptr(TempestUdpBatch) batch = tempest_udp_batch_new();
	TempestUdpPacket *out = g_new0(TempestUdpPacket, N_PACKETS);
	TempestUdpPacket *in = g_new0(TempestUdpPacket, TEMPEST_UDP_MAX_BATCH);
	guint next = 0;
	guint coalesced = 0;

	g_assert_no_error(error);
	b = tempest_udp_open(0, 0, flags, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(tempest_udp_get_port(a), !=, tempest_udp_get_port(b));
	g_assert_cmpint(tempest_udp_get_fd(a, AF_INET), >=, 0);
	if (flags & TEMPEST_UDP_FLAG_NO_GSO)
		g_assert_false(tempest_udp_get_gso(a));
	g_test_message("family %d: gso %d gro %d", family, tempest_udp_get_gso(a),
		       tempest_udp_get_gro(b));

	for (guint i = 0; i < N_PACKETS; i++) {
		out[i].len = packet_len(i);
		out[i].data = g_malloc(out[i].len);
		fill_packet(out[i].data, out[i].len, i);
		out[i].endpoint = endpoint_of(family, tempest_udp_get_port(b));
		if (src != NULL) {
			out[i].endpoint.src_family = (guint8)family;
			g_assert_cmpint(inet_pton(family, src, &out[i].endpoint.src), ==, 1);
		}
	}
	/* loopback: the receive buffer holds all of it, so send everything first */
	g_assert_cmpint(tempest_udp_send(a, batch, out, N_PACKETS), ==, N_PACKETS);
	/* a sticky source the host does not have is dropped, and the packet sent anyway */
	if (src != NULL && !g_str_has_prefix(src, "127.") && !g_str_equal(src, "::1"))
		g_assert_cmpint(out[0].endpoint.src_family, ==, AF_UNSPEC);
	else if (src != NULL)
		g_assert_cmpint(out[0].endpoint.src_family, ==, family);

	for (guint i = 0; i < TEMPEST_UDP_MAX_BATCH; i++) {
		in[i].size = TEMPEST_UDP_GRO_BUFFER;
		in[i].data = g_malloc(in[i].size);
	}
	while (next < N_PACKETS) {
		gint got = tempest_udp_recv(b, family, batch, in, TEMPEST_UDP_MAX_BATCH);
		g_assert_cmpint(got, >, 0);
		for (gint i = 0; i < got; i++) {
			gsize seg = in[i].segment_size != 0 ? in[i].segment_size : in[i].len;
			if (flags & TEMPEST_UDP_FLAG_NO_GRO)
				g_assert_cmpuint(in[i].segment_size, ==, 0);
			coalesced += in[i].segment_size != 0;
			check_source(&in[i], family, tempest_udp_get_port(a));
			for (gsize off = 0; off < in[i].len; off += seg)
				check_datagram(in[i].data + off, MIN(seg, in[i].len - off), &next);
		}
	}
	g_assert_cmpuint(next, ==, N_PACKETS);
	/* on loopback a segmented send arrives as one coalesced receive */
	g_test_message("coalesced receives: %u", coalesced);
	if (tempest_udp_get_gso(a) && tempest_udp_get_gro(b))
		g_assert_cmpuint(coalesced, >, 0);

	/* shutdown wakes a receiver: here it finds the socket closed at once */
	tempest_udp_shutdown(b);
	g_assert_cmpint(tempest_udp_recv(b, family, batch, in, 1), ==, 0);

	for (guint i = 0; i < N_PACKETS; i++)
		g_free(out[i].data);
	for (guint i = 0; i < TEMPEST_UDP_MAX_BATCH; i++)
		g_free(in[i].data);
	g_free(out);
	g_free(in);
}

static void
test_udp_v4_offload_func(void)
{
	exchange(AF_INET, TEMPEST_UDP_FLAG_NONE, NULL);
	exchange(AF_INET, TEMPEST_UDP_FLAG_NONE, "127.0.0.1");
	exchange(AF_INET, TEMPEST_UDP_FLAG_NONE, "10.123.0.1");
}

static void
test_udp_v4_plain_func(void)
{
	exchange(AF_INET, TEMPEST_UDP_FLAG_NO_GSO | TEMPEST_UDP_FLAG_NO_GRO, NULL);
	exchange(AF_INET, TEMPEST_UDP_FLAG_NO_GSO | TEMPEST_UDP_FLAG_NO_GRO, "10.123.0.1");
}

static void
test_udp_v6_offload_func(void)
{
	exchange(AF_INET6, TEMPEST_UDP_FLAG_NONE, NULL);
	exchange(AF_INET6, TEMPEST_UDP_FLAG_NONE, "::1");
	exchange(AF_INET6, TEMPEST_UDP_FLAG_NONE, "fd12::1");
}

static void
test_udp_v6_plain_func(void)
{
	exchange(AF_INET6, TEMPEST_UDP_FLAG_NO_GSO | TEMPEST_UDP_FLAG_NO_GRO, NULL);
}

static void
test_udp_fixed_port_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUdp) a = tempest_udp_open(0, 0x51, TEMPEST_UDP_FLAG_NONE, &error);
	g_autoptr(TempestUdp) b = NULL;
	gboolean ok;

	g_assert_no_error(error);
	ok = tempest_udp_set_fwmark(a, 0x52, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* no SO_REUSEADDR: the port is ours alone */
	b = tempest_udp_open(tempest_udp_get_port(a), 0, TEMPEST_UDP_FLAG_NONE, &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
	g_assert_null(b);
}

typedef struct {
	TempestUdp *udp;
	guint8 got[16];
	gsize got_len;
} RebindReceiver;

/* receives until a datagram with data comes (the rebind may wake it with empty ones) */
static gpointer
rebind_receiver_thread(gpointer data)
{
	RebindReceiver *r = data;
	g_autoptr(TempestUdpBatch) batch = tempest_udp_batch_new();
	guint8 buf[64];
	TempestUdpPacket packet = {.data = buf, .size = sizeof(buf)};

	while (r->got_len == 0) {
		gint got = tempest_udp_recv(r->udp, AF_INET, batch, &packet, 1);
		if (got <= 0)
			continue;
		r->got_len = MIN(packet.len, sizeof(r->got));
		memcpy(r->got, buf, r->got_len);
	}
	return NULL;
}

/* a receiver blocked on the old port receives on the new one after a rebind; the old port is
 * free again and the new one serves sends too */
static void
test_udp_rebind_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUdp) a = tempest_udp_open(0, 0, TEMPEST_UDP_FLAG_NONE, &error);
	g_autoptr(TempestUdp) b = NULL;
	g_autoptr(TempestUdp) again = NULL;
	RebindReceiver r = {0};
	TempestEndpoint to;
	guint16 old_port;
	GThread *thread;
	gboolean ok;

	g_assert_no_error(error);
	b = tempest_udp_open(0, 0, TEMPEST_UDP_FLAG_NONE, &error);
	g_assert_no_error(error);
	old_port = tempest_udp_get_port(b);
	r.udp = b;
	thread = g_thread_new("rebind-receiver", rebind_receiver_thread, &r);
	g_usleep(100 * 1000); /* let it block in recvmmsg() */
	ok = tempest_udp_rebind(b, 0, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(tempest_udp_get_port(b), !=, old_port);
	to = endpoint_of(AF_INET, tempest_udp_get_port(b));
	g_assert_cmpint(tempest_udp_send_one(a, &to, (const guint8 *)"rebound", 7), ==, 0);
	g_thread_join(thread);
	g_assert_cmpmem(r.got, r.got_len, "rebound", 7);
	/* the old port was released */
	again = tempest_udp_open(old_port, 0, TEMPEST_UDP_FLAG_NONE, &error);
	g_assert_no_error(error);
	g_assert_nonnull(again);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/udp/v4-offload", test_udp_v4_offload_func);
	g_test_add_func("/tempest/udp/v4-plain", test_udp_v4_plain_func);
	g_test_add_func("/tempest/udp/v6-offload", test_udp_v6_offload_func);
	g_test_add_func("/tempest/udp/v6-plain", test_udp_v6_plain_func);
	g_test_add_func("/tempest/udp/fixed-port", test_udp_fixed_port_func);
	g_test_add_func("/tempest/udp/rebind", test_udp_rebind_func);
	return g_test_run();
}
