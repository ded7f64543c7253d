/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-dhcp-client.h"
#include "arc-dhcp-message.h"
#include "arc-fuzz.h"

/* What a DHCP server (or anyone on the service interface's LAN) sends to port 68:
 * arc_dhcp_reply_parse(), then the client's state machine in each state that reads replies.
 * Every refusal is ARC_ERROR_INVALID_REQUEST; what is accepted is an OFFER, ACK or NAK with an
 * address (unless NAK) and a contiguous netmask; the client never holds a lease of address 0
 * nor a prefix beyond 32. The input's xid and MAC are patched to the client's when it is long
 * enough, so the state machine sees what it would accept; one whose first option is the message
 * type is fed as OFFER, ACK, ACK (after T1) and NAK in turn. */

static void G_GNUC_NORETURN
arc_fuzz_dhcp_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-dhcp: %s\n", what);
	abort();
}

static void
arc_fuzz_dhcp_send_cb(gpointer user_data, const guint8 *msg, gsize len, guint32 dest)
{
	guint32 *xid = user_data;

	if (len < ARC_DHCP_HEADER_SIZE || len > ARC_DHCP_MESSAGE_MAX)
		arc_fuzz_dhcp_fail("a request of a bad length");
	*xid = ((guint32)msg[4] << 24) | ((guint32)msg[5] << 16) | ((guint32)msg[6] << 8) | msg[7];
	(void)dest;
}

static void
arc_fuzz_dhcp_lease_cb(gpointer user_data, const ArcDhcpLease *lease)
{
	if (lease->address == 0 || lease->prefix > 32)
		arc_fuzz_dhcp_fail("a lease of no address or a bad prefix");
	(void)user_data;
}

static const ArcDhcpClientOps arc_fuzz_dhcp_ops = {arc_fuzz_dhcp_send_cb, arc_fuzz_dhcp_lease_cb,
						   arc_fuzz_dhcp_lease_cb};

static void
arc_fuzz_dhcp_check_parse(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	ArcDhcpReply reply;

	if (!arc_dhcp_reply_parse(data, size, &reply, &error)) {
		if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
			arc_fuzz_dhcp_fail("a refusal that is not INVALID_REQUEST");
		return;
	}
	if (reply.type != ARC_DHCP_OFFER && reply.type != ARC_DHCP_ACK &&
	    reply.type != ARC_DHCP_NAK)
		arc_fuzz_dhcp_fail("accepted a type the client never reads");
	if (reply.type != ARC_DHCP_NAK && reply.yiaddr == 0)
		arc_fuzz_dhcp_fail("accepted an offer of no address");
	if (reply.has_netmask && arc_dhcp_netmask_prefix(reply.netmask) > 32)
		arc_fuzz_dhcp_fail("accepted a netmask that is no prefix");
}

/* the input, as the client would take it, fed in SELECTING and then in what follows */
static void
arc_fuzz_dhcp_drive(const uint8_t *data, size_t size)
{
	static const guint8 mac[6] = {0x02, 0, 0, 0, 0, 1};
	/* an input that starts its options with a message type is tried as each type in turn,
	 * so its options reach the binding with whatever times they hold */
	static const guint8 types[] = {ARC_DHCP_OFFER, ARC_DHCP_ACK, ARC_DHCP_ACK, ARC_DHCP_NAK};
	guint32 xid = 0;
	g_autoptr(ArcDhcpClient) client = arc_dhcp_client_new(mac, &arc_fuzz_dhcp_ops, &xid);
	g_autofree guint8 *copy = g_memdup2(data, size);
	gboolean typed = size > 242 && copy[240] == 53 && copy[241] == 1;

	arc_dhcp_client_start(client, 0, 0);
	for (guint round = 0; round < G_N_ELEMENTS(types); round++) {
		if (typed)
			copy[242] = types[round];
		if (size >= 34) {
			copy[4] = (guint8)(xid >> 24);
			copy[5] = (guint8)(xid >> 16);
			copy[6] = (guint8)(xid >> 8);
			copy[7] = (guint8)xid;
			memcpy(copy + 28, mac, 6);
		}
		arc_dhcp_client_receive(client, copy, size, round * 1000);
		arc_dhcp_client_tick(client, arc_dhcp_client_get_deadline(client));
	}
	arc_dhcp_client_release(client);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	arc_fuzz_dhcp_check_parse(data, size);
	arc_fuzz_dhcp_drive(data, size);
	return 0;
}
