/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-dhcp-client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* RFC 2131 §4.4: INIT → SELECTING (DISCOVER, broadcast) → REQUESTING (REQUEST, broadcast,
 * naming the server) → BOUND; at T1 RENEWING (REQUEST unicast to the server), at T2
 * REBINDING (REQUEST broadcast to any server), at the end of the lease back to INIT. INIT and
 * INIT-REBOOT are not states of their own here: a start sends the DISCOVER at once, asking
 * for the address the interface had before (option 50), which a server that still holds our
 * lease (same MAC, same client id) offers again. Retransmissions back off 4, 8, 16, 32, 64 s
 * (§4.1); while renewing or rebinding, half the time left to T2 or to the expiry, at least
 * 10 s (the RFC says 60 s; leases of a few minutes would then never retry before T2). */

#define ARC_DHCP_BACKOFF_FIRST_MS 4000
#define ARC_DHCP_BACKOFF_STEPS 4
#define ARC_DHCP_REQUEST_TRIES 4
#define ARC_DHCP_RETRY_MIN_MS 10000
/* an "infinite" lease (0xffffffff) is renewed as if it lasted 68 years */
#define ARC_DHCP_LEASE_MAX_S ((guint32)G_MAXINT32)

struct _ArcDhcpClient {
	ArcDhcpClientOps ops;
	gpointer user_data;
	guint8 mac[6];
	ArcDhcpState state;
	guint32 xid;
	guint attempts;
	gint64 started_ms;
	gint64 deadline_ms;
	guint32 previous; /* the address to ask for, 0 for none */
	guint32 offered;
	guint32 offer_server;
	gboolean has_lease;
	ArcDhcpLease lease;
	gint64 t1_ms;
	gint64 t2_ms;
	gint64 expiry_ms;
};

/**
 * arc_dhcp_client_new:
 * @mac: the interface's hardware address
 * @ops: how to send and what to do with a lease, copied
 * @user_data: passed to @ops
 *
 * Returns: (transfer full): a stopped client
 */
ArcDhcpClient *
arc_dhcp_client_new(const guint8 mac[6], const ArcDhcpClientOps *ops, gpointer user_data)
{
	ArcDhcpClient *self = g_new0(ArcDhcpClient, 1);

	memcpy(self->mac, mac, 6);
	self->ops = *ops;
	self->user_data = user_data;
	self->deadline_ms = G_MAXINT64;
	return self;
}

void
arc_dhcp_client_free(ArcDhcpClient *self)
{
	g_free(self);
}

static void
arc_dhcp_client_send(ArcDhcpClient *self, ArcDhcpType type, guint32 dest, gint64 now_ms)
{
	guint8 buf[ARC_DHCP_MESSAGE_MAX];
	ArcDhcpRequest request = {.type = type, .xid = self->xid};
	gsize len;

	memcpy(request.mac, self->mac, 6);
	request.secs = (guint16)CLAMP((now_ms - self->started_ms) / 1000, 0, G_MAXUINT16);
	if (self->state == ARC_DHCP_STATE_SELECTING) {
		request.broadcast = TRUE;
		request.requested = self->previous;
	} else if (self->state == ARC_DHCP_STATE_REQUESTING) {
		request.broadcast = TRUE;
		request.requested = self->offered;
		request.server_id = self->offer_server;
	} else {
		/* renewing, rebinding, releasing: the client has its address */
		request.ciaddr = self->lease.address;
		if (type == ARC_DHCP_RELEASE)
			request.server_id = self->lease.server_id;
	}
	len = arc_dhcp_request_build(&request, buf, sizeof(buf));
	g_debug("DHCP %s sent", arc_dhcp_type_to_string(type));
	self->ops.send(self->user_data, buf, len, dest);
}

static gint64
arc_dhcp_client_backoff(guint attempts)
{
	return (gint64)ARC_DHCP_BACKOFF_FIRST_MS << MIN(attempts, ARC_DHCP_BACKOFF_STEPS);
}

static void
arc_dhcp_client_select(ArcDhcpClient *self, gint64 now_ms)
{
	self->state = ARC_DHCP_STATE_SELECTING;
	self->xid = g_random_int();
	self->attempts = 0;
	self->started_ms = now_ms;
	arc_dhcp_client_send(self, ARC_DHCP_DISCOVER, INADDR_BROADCAST, now_ms);
	self->deadline_ms = now_ms + arc_dhcp_client_backoff(0);
}

/**
 * arc_dhcp_client_start:
 * @self: a client
 * @previous: the address the interface had, network order, to ask for again; 0 for none
 * @now_ms: the caller's clock
 *
 * Sends the first DISCOVER.
 */
void
arc_dhcp_client_start(ArcDhcpClient *self, guint32 previous, gint64 now_ms)
{
	self->previous = previous;
	arc_dhcp_client_select(self, now_ms);
}

static void
arc_dhcp_client_lose(ArcDhcpClient *self, const gchar *why)
{
	if (!self->has_lease)
		return;
	self->has_lease = FALSE;
	g_message("DHCP lease of %s lost: %s", inet_ntoa((struct in_addr){self->lease.address}),
		  why);
	self->ops.lost(self->user_data, &self->lease);
}

/* T1 and T2 as the server gave them, or the defaults (§4.4.5) when absent or out of order */
static void
arc_dhcp_client_set_times(ArcDhcpClient *self, const ArcDhcpReply *reply, gint64 now_ms)
{
	guint32 lease = MIN(reply->lease_time, ARC_DHCP_LEASE_MAX_S);
	guint32 t1 = reply->t1, t2 = reply->t2;

	if (t2 == 0 || t2 > lease)
		t2 = (guint32)((guint64)lease * 7 / 8);
	if (t1 == 0 || t1 > t2)
		t1 = MIN(lease / 2, t2);
	self->t1_ms = now_ms + (gint64)t1 * 1000;
	self->t2_ms = now_ms + (gint64)t2 * 1000;
	self->expiry_ms = now_ms + (gint64)lease * 1000;
}

static void
arc_dhcp_client_bind(ArcDhcpClient *self, const ArcDhcpReply *reply, gint64 now_ms)
{
	if (self->has_lease && self->lease.address != reply->yiaddr)
		arc_dhcp_client_lose(self, "the server leased another address");
	self->lease.address = reply->yiaddr;
	self->lease.prefix = reply->has_netmask ? arc_dhcp_netmask_prefix(reply->netmask) : 32;
	self->lease.router = reply->router;
	if (reply->server_id != 0)
		self->lease.server_id = reply->server_id;
	else if (!self->has_lease)
		self->lease.server_id = self->offer_server;
	self->lease.lease_time = reply->lease_time;
	self->lease.acquired_ms = now_ms;
	arc_dhcp_client_set_times(self, reply, now_ms);
	self->has_lease = TRUE;
	self->previous = reply->yiaddr;
	self->state = ARC_DHCP_STATE_BOUND;
	self->deadline_ms = self->t1_ms;
	g_message("DHCP lease of %s/%u for %us", inet_ntoa((struct in_addr){reply->yiaddr}),
		  self->lease.prefix, reply->lease_time);
	self->ops.bound(self->user_data, &self->lease);
}

static void
arc_dhcp_client_take_offer(ArcDhcpClient *self, const ArcDhcpReply *reply, gint64 now_ms)
{
	if (reply->server_id == 0)
		return; /* a REQUEST must name the server (§4.3.2) */
	self->offered = reply->yiaddr;
	self->offer_server = reply->server_id;
	self->state = ARC_DHCP_STATE_REQUESTING;
	self->attempts = 0;
	arc_dhcp_client_send(self, ARC_DHCP_REQUEST, INADDR_BROADCAST, now_ms);
	self->deadline_ms = now_ms + arc_dhcp_client_backoff(0);
}

/**
 * arc_dhcp_client_receive:
 * @self: a client
 * @buf: (array length=len): a UDP payload received on port 68
 * @len: its length
 * @now_ms: the caller's clock
 *
 * Takes an OFFER while selecting, an ACK or NAK while requesting, renewing or rebinding;
 * ignores anything else (malformed, another transaction, another MAC, a state that expects
 * no such message).
 */
void
arc_dhcp_client_receive(ArcDhcpClient *self, const guint8 *buf, gsize len, gint64 now_ms)
{
	g_autoptr(GError) error = NULL;
	ArcDhcpReply reply;
	gboolean waiting_ack = self->state == ARC_DHCP_STATE_REQUESTING ||
			       self->state == ARC_DHCP_STATE_RENEWING ||
			       self->state == ARC_DHCP_STATE_REBINDING;

	if (!arc_dhcp_reply_parse(buf, len, &reply, &error)) {
		g_debug("%s", error->message);
		return;
	}
	if (reply.xid != self->xid || memcmp(reply.mac, self->mac, 6) != 0)
		return;
	if (self->state == ARC_DHCP_STATE_SELECTING && reply.type == ARC_DHCP_OFFER)
		arc_dhcp_client_take_offer(self, &reply, now_ms);
	else if (waiting_ack && reply.type == ARC_DHCP_ACK && reply.lease_time > 0)
		arc_dhcp_client_bind(self, &reply, now_ms);
	else if (waiting_ack && reply.type == ARC_DHCP_NAK) {
		arc_dhcp_client_lose(self, "the server refused it (NAK)");
		self->previous = 0;
		arc_dhcp_client_select(self, now_ms);
	}
}

/* RENEWING and REBINDING: resend at half the time left to @until, at least 10 s apart */
static void
arc_dhcp_client_retry_until(ArcDhcpClient *self, guint32 dest, gint64 until, gint64 now_ms)
{
	arc_dhcp_client_send(self, ARC_DHCP_REQUEST, dest, now_ms);
	self->deadline_ms = MIN(until, now_ms + MAX((until - now_ms) / 2, ARC_DHCP_RETRY_MIN_MS));
}

static void
arc_dhcp_client_tick_leased(ArcDhcpClient *self, gint64 now_ms)
{
	if (now_ms >= self->expiry_ms) {
		arc_dhcp_client_lose(self, "it expired");
		arc_dhcp_client_select(self, now_ms);
		return;
	}
	if (now_ms >= self->t2_ms) {
		if (self->state != ARC_DHCP_STATE_REBINDING) {
			self->state = ARC_DHCP_STATE_REBINDING;
			self->xid = g_random_int();
		}
		arc_dhcp_client_retry_until(self, INADDR_BROADCAST, self->expiry_ms, now_ms);
		return;
	}
	if (self->state == ARC_DHCP_STATE_BOUND) {
		self->state = ARC_DHCP_STATE_RENEWING;
		self->xid = g_random_int();
		self->started_ms = now_ms;
	}
	arc_dhcp_client_retry_until(self, self->lease.server_id, self->t2_ms, now_ms);
}

/**
 * arc_dhcp_client_tick:
 * @self: a client
 * @now_ms: the caller's clock
 *
 * Does what is due at @now_ms: a retransmission, renewing at T1, rebinding at T2, giving the
 * lease up at its end. Nothing before arc_dhcp_client_get_deadline().
 */
void
arc_dhcp_client_tick(ArcDhcpClient *self, gint64 now_ms)
{
	if (now_ms < self->deadline_ms)
		return;
	switch (self->state) {
	case ARC_DHCP_STATE_SELECTING:
		self->attempts++;
		arc_dhcp_client_send(self, ARC_DHCP_DISCOVER, INADDR_BROADCAST, now_ms);
		self->deadline_ms = now_ms + arc_dhcp_client_backoff(self->attempts);
		break;
	case ARC_DHCP_STATE_REQUESTING:
		if (++self->attempts >= ARC_DHCP_REQUEST_TRIES) {
			arc_dhcp_client_select(self, now_ms);
			break;
		}
		arc_dhcp_client_send(self, ARC_DHCP_REQUEST, INADDR_BROADCAST, now_ms);
		self->deadline_ms = now_ms + arc_dhcp_client_backoff(self->attempts);
		break;
	case ARC_DHCP_STATE_BOUND:
	case ARC_DHCP_STATE_RENEWING:
	case ARC_DHCP_STATE_REBINDING:
		arc_dhcp_client_tick_leased(self, now_ms);
		break;
	case ARC_DHCP_STATE_STOPPED:
	default:
		self->deadline_ms = G_MAXINT64;
		break;
	}
}

/**
 * arc_dhcp_client_get_deadline:
 * @self: a client
 *
 * Returns: when arc_dhcp_client_tick() has something to do, %G_MAXINT64 when stopped
 */
gint64
arc_dhcp_client_get_deadline(ArcDhcpClient *self)
{
	return self->deadline_ms;
}

/**
 * arc_dhcp_client_release:
 * @self: a client
 *
 * Gives the lease back (a RELEASE to its server, §4.4.6) and stops.
 */
void
arc_dhcp_client_release(ArcDhcpClient *self)
{
	if (self->has_lease) {
		self->state = ARC_DHCP_STATE_BOUND;
		self->xid = g_random_int();
		arc_dhcp_client_send(self, ARC_DHCP_RELEASE, self->lease.server_id, 0);
		arc_dhcp_client_lose(self, "released");
	}
	self->state = ARC_DHCP_STATE_STOPPED;
	self->deadline_ms = G_MAXINT64;
}

ArcDhcpState
arc_dhcp_client_get_state(ArcDhcpClient *self)
{
	return self->state;
}

/**
 * arc_dhcp_client_get_lease:
 * @self: a client
 *
 * Returns: (nullable): the lease while the client holds one
 */
const ArcDhcpLease *
arc_dhcp_client_get_lease(ArcDhcpClient *self)
{
	return self->has_lease ? &self->lease : NULL;
}

const gchar *
arc_dhcp_state_to_string(ArcDhcpState state)
{
	static const gchar *const names[] = {"stopped", "selecting", "requesting",
					     "bound",   "renewing",  "rebinding"};

	return (guint)state < G_N_ELEMENTS(names) ? names[state] : "?";
}
