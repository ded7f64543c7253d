/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <arctic-plugin.h>
#include <netinet/in.h>
#include <string.h>

#include "arc-dhcp-client.h"
#include "arc-dhcp-message.h"

/* The DHCPv4 codec (arc-dhcp-message.c) against hand-made bytes, and the client's state
 * machine (arc-dhcp-client.c) driven by a fake clock and a fake server that records what
 * the client sends. */

static const guint8 arc_test_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static guint32
arc_test_addr(const gchar *text)
{
	return inet_addr(text);
}

/* a reply as a server would send it: type, then options as given (code, len, value…) */
static gsize
arc_test_reply(guint8 *buf, ArcDhcpType type, guint32 xid, const gchar *yiaddr,
	       const guint8 *options, gsize options_len)
{
	guint32 y = arc_test_addr(yiaddr);
	gsize len = ARC_DHCP_HEADER_SIZE;

	memset(buf, 0, ARC_DHCP_MESSAGE_MAX);
	buf[0] = 2;
	buf[1] = 1;
	buf[2] = 6;
	buf[4] = (guint8)(xid >> 24);
	buf[5] = (guint8)(xid >> 16);
	buf[6] = (guint8)(xid >> 8);
	buf[7] = (guint8)xid;
	memcpy(buf + 16, &y, 4);
	memcpy(buf + 28, arc_test_mac, 6);
	buf[236] = 99;
	buf[237] = 130;
	buf[238] = 83;
	buf[239] = 99;
	buf[len++] = 53;
	buf[len++] = 1;
	buf[len++] = (guint8)type;
	memcpy(buf + len, options, options_len);
	len += options_len;
	buf[len++] = 255;
	return len;
}

/* server 10.9.0.1, mask /24, router 10.9.0.1, lease 120 s */
static const guint8 arc_test_options[] = {54, 4, 10, 9, 0, 1, 1,  4, 255, 255, 255, 0,
					  3,  4, 10, 9, 0, 1, 51, 4, 0,   0,   0,   120};

static void
arc_test_build_discover_func(void)
{
	guint8 buf[ARC_DHCP_MESSAGE_MAX];
	ArcDhcpRequest request = {.type = ARC_DHCP_DISCOVER, .xid = 0x01020304, .broadcast = TRUE};
	gsize len;

	memcpy(request.mac, arc_test_mac, 6);
	request.requested = arc_test_addr("10.9.0.50");
	g_assert_cmpuint(arc_dhcp_request_build(&request, buf, 100), ==, 0);
	len = arc_dhcp_request_build(&request, buf, sizeof(buf));
	g_assert_cmpuint(len, ==, 300);
	g_assert_cmpuint(buf[0], ==, 1);
	g_assert_cmpuint(buf[4], ==, 1);
	g_assert_cmpuint(buf[7], ==, 4);
	g_assert_cmpuint(buf[10], ==, 0x80);
	g_assert_cmpmem(buf + 28, 6, arc_test_mac, 6);
	g_assert_cmpuint(buf[240], ==, 53);
	g_assert_cmpuint(buf[242], ==, ARC_DHCP_DISCOVER);
	/* client id 61: type 1 and the MAC */
	g_assert_cmpuint(buf[243], ==, 61);
	g_assert_cmpuint(buf[244], ==, 7);
	g_assert_cmpmem(buf + 246, 6, arc_test_mac, 6);
	/* requested address 50 */
	g_assert_cmpuint(buf[252], ==, 50);
	g_assert_cmpmem(buf + 254, 4, &request.requested, 4);
}

static void
arc_test_parse_ack_func(void)
{
	guint8 buf[ARC_DHCP_MESSAGE_MAX];
	gsize len = arc_test_reply(buf, ARC_DHCP_ACK, 7, "10.9.0.50", arc_test_options,
				   sizeof(arc_test_options));
	g_autoptr(GError) error = NULL;
	ArcDhcpReply reply;
	gboolean ok = arc_dhcp_reply_parse(buf, len, &reply, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(reply.type, ==, ARC_DHCP_ACK);
	g_assert_cmpuint(reply.xid, ==, 7);
	g_assert_cmpuint(reply.yiaddr, ==, arc_test_addr("10.9.0.50"));
	g_assert_cmpuint(reply.server_id, ==, arc_test_addr("10.9.0.1"));
	g_assert_cmpuint(reply.router, ==, arc_test_addr("10.9.0.1"));
	g_assert_cmpuint(arc_dhcp_netmask_prefix(reply.netmask), ==, 24);
	g_assert_cmpuint(reply.lease_time, ==, 120);
}

/* each is refused, with the reason */
static void
arc_test_parse_bad_func(void)
{
	const struct {
		const gchar *what;
		guint8 options[8];
		gsize options_len;
		gssize cut; /* bytes to drop at the end (the END option first) */
		gsize poke_at;
		guint8 poke;
	} cases[] = {
		{"too short", {0}, 0, 0, 0, 0},
		{"not an Ethernet BOOTREPLY", {0}, 0, 0, 0, 1},
		{"no magic cookie", {0}, 0, 0, 237, 0},
		{"no end option", {0}, 0, 1, 0, 0},
		{"an option runs past the end", {51, 9, 0, 0}, 4, 1, 0, 0},
		{"an option has the wrong length", {51, 2, 0, 0}, 4, 0, 0, 0},
		{"an option has the wrong length", {3, 3, 1, 2, 3}, 5, 0, 0, 0},
		{"not an OFFER, ACK or NAK", {0}, 0, 0, 242, 3},
		{"a netmask that is no prefix", {1, 4, 255, 0, 255, 0}, 6, 0, 0, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint8 buf[ARC_DHCP_MESSAGE_MAX];
		gsize len = arc_test_reply(buf, ARC_DHCP_OFFER, 1, "10.9.0.5", cases[i].options,
					   cases[i].options_len);
		g_autoptr(GError) error = NULL;
		ArcDhcpReply reply;

		if (i == 0)
			len = 200;
		if (i == 1)
			buf[0] = 1;
		else if (cases[i].poke_at != 0)
			buf[cases[i].poke_at] = cases[i].poke;
		len -= (gsize)cases[i].cut;
		g_assert_false(arc_dhcp_reply_parse(buf, len, &reply, &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_nonnull(strstr(error->message, cases[i].what));
	}
}

/* the fake side of the client: what it sent, and what it was told to do */
typedef struct {
	GPtrArray *sent; /* of GBytes */
	GArray *dests;   /* guint32 */
	guint bound;
	guint lost;
	ArcDhcpLease last;
} ArcTestWire;

static void
arc_test_send_cb(gpointer user_data, const guint8 *msg, gsize len, guint32 dest)
{
	ArcTestWire *wire = user_data;

	g_ptr_array_add(wire->sent, g_bytes_new(msg, len));
	g_array_append_val(wire->dests, dest);
}

static void
arc_test_bound_cb(gpointer user_data, const ArcDhcpLease *lease)
{
	ArcTestWire *wire = user_data;

	wire->bound++;
	wire->last = *lease;
}

static void
arc_test_lost_cb(gpointer user_data, const ArcDhcpLease *lease)
{
	ArcTestWire *wire = user_data;

	wire->lost++;
	wire->last = *lease;
}

static const ArcDhcpClientOps arc_test_ops = {arc_test_send_cb, arc_test_bound_cb,
					      arc_test_lost_cb};

static const guint8 *
arc_test_last(ArcTestWire *wire, guint32 *dest)
{
	g_assert_cmpuint(wire->sent->len, >, 0);
	*dest = g_array_index(wire->dests, guint32, wire->dests->len - 1);
	return g_bytes_get_data(g_ptr_array_index(wire->sent, wire->sent->len - 1), NULL);
}

static guint32
arc_test_xid(const guint8 *msg)
{
	return ((guint32)msg[4] << 24) | ((guint32)msg[5] << 16) | ((guint32)msg[6] << 8) | msg[7];
}

static void
arc_test_answer(ArcDhcpClient *client, ArcTestWire *wire, ArcDhcpType type, gint64 now)
{
	guint8 buf[ARC_DHCP_MESSAGE_MAX];
	guint32 dest;
	const guint8 *msg = arc_test_last(wire, &dest);
	gsize len = arc_test_reply(buf, type, arc_test_xid(msg), "10.9.0.50", arc_test_options,
				   sizeof(arc_test_options));

	arc_dhcp_client_receive(client, buf, len, now);
}

static void
arc_test_wire_init(ArcTestWire *wire)
{
	memset(wire, 0, sizeof(*wire));
	wire->sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	wire->dests = g_array_new(FALSE, FALSE, sizeof(guint32));
}

static void
arc_test_wire_clear(ArcTestWire *wire)
{
	g_ptr_array_unref(wire->sent);
	g_array_unref(wire->dests);
}

/* DISCOVER, OFFER, REQUEST, ACK: bound with the lease's times */
static ArcDhcpClient *
arc_test_bind(ArcTestWire *wire, gint64 now)
{
	ArcDhcpClient *client = arc_dhcp_client_new(arc_test_mac, &arc_test_ops, wire);
	guint32 dest;

	arc_dhcp_client_start(client, 0, now);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_SELECTING);
	g_assert_cmpuint(arc_test_last(wire, &dest)[242], ==, ARC_DHCP_DISCOVER);
	g_assert_cmpuint(dest, ==, INADDR_BROADCAST);
	arc_test_answer(client, wire, ARC_DHCP_OFFER, now + 10);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_REQUESTING);
	g_assert_cmpuint(arc_test_last(wire, &dest)[242], ==, ARC_DHCP_REQUEST);
	arc_test_answer(client, wire, ARC_DHCP_ACK, now + 20);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_BOUND);
	g_assert_cmpuint(wire->bound, ==, 1);
	g_assert_cmpuint(wire->last.address, ==, arc_test_addr("10.9.0.50"));
	g_assert_cmpuint(wire->last.prefix, ==, 24);
	/* T1 is half the lease */
	g_assert_cmpint(arc_dhcp_client_get_deadline(client), ==, now + 20 + 60000);
	return client;
}

static void
arc_test_client_renew_func(void)
{
	ArcTestWire wire;
	g_autoptr(ArcDhcpClient) client = NULL;
	guint32 dest;
	const guint8 *msg;

	arc_test_wire_init(&wire);
	client = arc_test_bind(&wire, 1000);
	arc_dhcp_client_tick(client, 30000); /* before T1: nothing */
	g_assert_cmpuint(wire.sent->len, ==, 2);
	arc_dhcp_client_tick(client, 61020);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_RENEWING);
	msg = arc_test_last(&wire, &dest);
	/* unicast to the server, from the leased address, no broadcast flag */
	g_assert_cmpuint(dest, ==, arc_test_addr("10.9.0.1"));
	g_assert_cmpuint(msg[10], ==, 0);
	g_assert_cmpmem(msg + 12, 4, &wire.last.address, 4);
	arc_test_answer(client, &wire, ARC_DHCP_ACK, 62000);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_BOUND);
	g_assert_cmpuint(wire.bound, ==, 2);
	g_assert_cmpuint(wire.lost, ==, 0);
	g_assert_cmpint(arc_dhcp_client_get_deadline(client), ==, 62000 + 60000);
	arc_test_wire_clear(&wire);
}

/* no answer: RENEWING at T1, REBINDING (broadcast) at T2, the lease lost at its end, then
 * a new DISCOVER */
static void
arc_test_client_expire_func(void)
{
	ArcTestWire wire;
	g_autoptr(ArcDhcpClient) client = NULL;
	guint32 dest;
	gint64 now = 0;

	arc_test_wire_init(&wire);
	client = arc_test_bind(&wire, 0);
	while (arc_dhcp_client_get_state(client) != ARC_DHCP_STATE_REBINDING) {
		now = arc_dhcp_client_get_deadline(client);
		arc_dhcp_client_tick(client, now);
		g_assert_cmpint(now, <=, 20 + 105000);
	}
	g_assert_cmpint(now, ==, 20 + 105000); /* T2: 7/8 of the lease */
	arc_test_last(&wire, &dest);
	g_assert_cmpuint(dest, ==, INADDR_BROADCAST);
	while (arc_dhcp_client_get_state(client) == ARC_DHCP_STATE_REBINDING) {
		now = arc_dhcp_client_get_deadline(client);
		arc_dhcp_client_tick(client, now);
	}
	g_assert_cmpint(now, ==, 20 + 120000);
	g_assert_cmpuint(wire.lost, ==, 1);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_SELECTING);
	g_assert_null(arc_dhcp_client_get_lease(client));
	g_assert_cmpuint(arc_test_last(&wire, &dest)[242], ==, ARC_DHCP_DISCOVER);
	arc_test_wire_clear(&wire);
}

static void
arc_test_client_backoff_func(void)
{
	ArcTestWire wire;
	g_autoptr(ArcDhcpClient) client = NULL;
	const gint64 expect[] = {4000, 12000, 28000, 60000, 124000, 188000};
	gint64 now = 0;

	arc_test_wire_init(&wire);
	client = arc_dhcp_client_new(arc_test_mac, &arc_test_ops, &wire);
	arc_dhcp_client_start(client, 0, 0);
	for (guint i = 0; i < G_N_ELEMENTS(expect); i++) {
		g_assert_cmpint(arc_dhcp_client_get_deadline(client), ==, expect[i]);
		now = arc_dhcp_client_get_deadline(client);
		arc_dhcp_client_tick(client, now);
	}
	g_assert_cmpuint(wire.sent->len, ==, G_N_ELEMENTS(expect) + 1);
	arc_test_wire_clear(&wire);
}

/* a NAK drops the lease; a RELEASE goes to the server and takes the address off */
static void
arc_test_client_nak_release_func(void)
{
	ArcTestWire wire;
	g_autoptr(ArcDhcpClient) client = NULL;
	guint32 dest;
	const guint8 *msg;
	guint8 junk[10] = {0};

	arc_test_wire_init(&wire);
	client = arc_test_bind(&wire, 0);
	arc_dhcp_client_receive(client, junk, sizeof(junk), 10); /* ignored */
	arc_dhcp_client_tick(client, 60020);
	arc_test_answer(client, &wire, ARC_DHCP_NAK, 60030);
	g_assert_cmpuint(wire.lost, ==, 1);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_SELECTING);
	arc_test_answer(client, &wire, ARC_DHCP_OFFER, 60040);
	arc_test_answer(client, &wire, ARC_DHCP_ACK, 60050);
	g_assert_cmpuint(wire.bound, ==, 2);
	arc_dhcp_client_release(client);
	msg = arc_test_last(&wire, &dest);
	g_assert_cmpuint(msg[242], ==, ARC_DHCP_RELEASE);
	g_assert_cmpuint(dest, ==, arc_test_addr("10.9.0.1"));
	g_assert_cmpmem(msg + 12, 4, &wire.last.address, 4);
	g_assert_cmpuint(wire.lost, ==, 2);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_STOPPED);
	g_assert_cmpint(arc_dhcp_client_get_deadline(client), ==, G_MAXINT64);
	arc_test_wire_clear(&wire);
}

/* an answer to another transaction or another MAC changes nothing */
static void
arc_test_client_foreign_func(void)
{
	ArcTestWire wire;
	g_autoptr(ArcDhcpClient) client = NULL;
	guint8 buf[ARC_DHCP_MESSAGE_MAX];
	guint32 dest;
	guint32 xid;
	gsize len;

	arc_test_wire_init(&wire);
	client = arc_dhcp_client_new(arc_test_mac, &arc_test_ops, &wire);
	arc_dhcp_client_start(client, arc_test_addr("10.9.0.50"), 0);
	xid = arc_test_xid(arc_test_last(&wire, &dest));
	len = arc_test_reply(buf, ARC_DHCP_OFFER, xid + 1, "10.9.0.50", arc_test_options,
			     sizeof(arc_test_options));
	arc_dhcp_client_receive(client, buf, len, 5);
	len = arc_test_reply(buf, ARC_DHCP_OFFER, xid, "10.9.0.50", arc_test_options,
			     sizeof(arc_test_options));
	buf[33] ^= 1;
	arc_dhcp_client_receive(client, buf, len, 5);
	g_assert_cmpint(arc_dhcp_client_get_state(client), ==, ARC_DHCP_STATE_SELECTING);
	g_assert_cmpuint(wire.sent->len, ==, 1);
	arc_test_wire_clear(&wire);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/dhcp/build-discover", arc_test_build_discover_func);
	g_test_add_func("/dhcp/parse-ack", arc_test_parse_ack_func);
	g_test_add_func("/dhcp/parse-bad", arc_test_parse_bad_func);
	g_test_add_func("/dhcp/client/renew", arc_test_client_renew_func);
	g_test_add_func("/dhcp/client/expire", arc_test_client_expire_func);
	g_test_add_func("/dhcp/client/backoff", arc_test_client_backoff_func);
	g_test_add_func("/dhcp/client/nak-release", arc_test_client_nak_release_func);
	g_test_add_func("/dhcp/client/foreign", arc_test_client_foreign_func);
	return g_test_run();
}
