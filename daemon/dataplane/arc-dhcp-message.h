/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* DHCPv4 messages (RFC 2131, options RFC 2132) as the service interfaces' client needs them:
 * pure code, no I/O. Addresses are IPv4 addresses in network byte order, as in
 * `struct in_addr`. */

#define ARC_DHCP_SERVER_PORT 67
#define ARC_DHCP_CLIENT_PORT 68
/* the fixed part with the magic cookie */
#define ARC_DHCP_HEADER_SIZE 240
/* what every DHCP host must accept (RFC 2131 §2); we send no more and read at most this */
#define ARC_DHCP_MESSAGE_MAX 576

typedef enum {
	ARC_DHCP_DISCOVER = 1,
	ARC_DHCP_OFFER = 2,
	ARC_DHCP_REQUEST = 3,
	ARC_DHCP_DECLINE = 4,
	ARC_DHCP_ACK = 5,
	ARC_DHCP_NAK = 6,
	ARC_DHCP_RELEASE = 7,
} ArcDhcpType;

/**
 * ArcDhcpRequest:
 * @type: %ARC_DHCP_DISCOVER, %ARC_DHCP_REQUEST or %ARC_DHCP_RELEASE
 * @xid: the transaction id
 * @mac: the client's hardware address
 * @secs: seconds since the client began
 * @broadcast: whether to ask the server to broadcast its answer (the client has no address)
 * @ciaddr: the client's address while it has one (renewing, rebinding, release), else 0
 * @requested: option 50, 0 for none
 * @server_id: option 54, 0 for none
 *
 * A message the client sends.
 */
typedef struct {
	ArcDhcpType type;
	guint32 xid;
	guint8 mac[6];
	guint16 secs;
	gboolean broadcast;
	guint32 ciaddr;
	guint32 requested;
	guint32 server_id;
} ArcDhcpRequest;

/**
 * ArcDhcpReply:
 * @type: %ARC_DHCP_OFFER, %ARC_DHCP_ACK or %ARC_DHCP_NAK
 * @xid: the transaction id
 * @mac: the client hardware address it answers
 * @yiaddr: the address offered or leased
 * @server_id: option 54, 0 when absent
 * @has_netmask: whether option 1 was present
 * @netmask: option 1
 * @router: the first address of option 3, 0 when absent
 * @lease_time: option 51, seconds; 0 when absent
 * @t1: option 58, seconds; 0 when absent
 * @t2: option 59, seconds; 0 when absent
 *
 * What a server's message says, after arc_dhcp_reply_parse() checked it.
 */
typedef struct {
	ArcDhcpType type;
	guint32 xid;
	guint8 mac[6];
	guint32 yiaddr;
	guint32 server_id;
	gboolean has_netmask;
	guint32 netmask;
	guint32 router;
	guint32 lease_time;
	guint32 t1;
	guint32 t2;
} ArcDhcpReply;

gsize arc_dhcp_request_build(const ArcDhcpRequest *request, guint8 *buf, gsize size);
gboolean arc_dhcp_reply_parse(const guint8 *buf, gsize len, ArcDhcpReply *out, GError **error);
guint arc_dhcp_netmask_prefix(guint32 netmask);
const gchar *arc_dhcp_type_to_string(ArcDhcpType type);

G_END_DECLS
