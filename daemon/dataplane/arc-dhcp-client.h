/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-dhcp-message.h"

G_BEGIN_DECLS

/* The DHCPv4 client state machine of one service interface (RFC 2131 §4.4), without I/O or a
 * clock of its own: the caller feeds it the time (milliseconds, monotonic), the messages
 * received, and its deadlines; it answers through #ArcDhcpClientOps. So the tests drive it
 * with a fake clock and a fake socket, and the agent with its main loop. */

typedef enum {
	ARC_DHCP_STATE_STOPPED,
	ARC_DHCP_STATE_SELECTING,
	ARC_DHCP_STATE_REQUESTING,
	ARC_DHCP_STATE_BOUND,
	ARC_DHCP_STATE_RENEWING,
	ARC_DHCP_STATE_REBINDING,
} ArcDhcpState;

/**
 * ArcDhcpLease:
 * @address: the leased address, network order
 * @prefix: its prefix length (from the netmask; 32 without one)
 * @router: the first router offered, 0 for none
 * @server_id: the server that granted it
 * @lease_time: seconds, as granted
 * @acquired_ms: when the ACK arrived (the caller's clock)
 *
 * What the client holds while BOUND, RENEWING or REBINDING.
 */
typedef struct {
	guint32 address;
	guint prefix;
	guint32 router;
	guint32 server_id;
	guint32 lease_time;
	gint64 acquired_ms;
} ArcDhcpLease;

/**
 * ArcDhcpClientOps:
 * @send: transmit @msg: to @dest (network order) on port 67; `INADDR_BROADCAST` to broadcast
 * @bound: the lease is new or renewed: give the interface @lease's address for its remaining
 *   lifetime
 * @lost: the lease expired, was refused or released: take its address off the interface
 */
typedef struct {
	void (*send)(gpointer user_data, const guint8 *msg, gsize len, guint32 dest);
	void (*bound)(gpointer user_data, const ArcDhcpLease *lease);
	void (*lost)(gpointer user_data, const ArcDhcpLease *lease);
} ArcDhcpClientOps;

typedef struct _ArcDhcpClient ArcDhcpClient;

ArcDhcpClient *arc_dhcp_client_new(const guint8 mac[6], const ArcDhcpClientOps *ops,
				   gpointer user_data);
void arc_dhcp_client_free(ArcDhcpClient *self);
void arc_dhcp_client_start(ArcDhcpClient *self, guint32 previous, gint64 now_ms);
void arc_dhcp_client_receive(ArcDhcpClient *self, const guint8 *buf, gsize len, gint64 now_ms);
void arc_dhcp_client_tick(ArcDhcpClient *self, gint64 now_ms);
gint64 arc_dhcp_client_get_deadline(ArcDhcpClient *self);
void arc_dhcp_client_release(ArcDhcpClient *self);
ArcDhcpState arc_dhcp_client_get_state(ArcDhcpClient *self);
const ArcDhcpLease *arc_dhcp_client_get_lease(ArcDhcpClient *self);
const gchar *arc_dhcp_state_to_string(ArcDhcpState state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcDhcpClient, arc_dhcp_client_free)

G_END_DECLS
