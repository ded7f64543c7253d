/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-dhcp-message.h"

#include <arctic-plugin.h>
#include <string.h>

/* The fixed part (RFC 2131 §2): op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr,
 * siaddr, giaddr, chaddr[16], sname[64], file[128], then the magic cookie and the options.
 * Replies are read strictly: every option must fit in the message, the ones we use must have
 * their exact lengths, and the list must end with END. sname and file are never read as
 * options (option 52, overload, is ignored: no server we know of needs it for these). */

#define ARC_DHCP_OFF_XID 4
#define ARC_DHCP_OFF_SECS 8
#define ARC_DHCP_OFF_FLAGS 10
#define ARC_DHCP_OFF_CIADDR 12
#define ARC_DHCP_OFF_YIADDR 16
#define ARC_DHCP_OFF_CHADDR 28
#define ARC_DHCP_OFF_COOKIE 236
/* BOOTP relays drop shorter messages (RFC 1542 §2.1) */
#define ARC_DHCP_MIN_SIZE 300

enum {
	ARC_DHCP_OPT_PAD = 0,
	ARC_DHCP_OPT_NETMASK = 1,
	ARC_DHCP_OPT_ROUTER = 3,
	ARC_DHCP_OPT_REQUESTED = 50,
	ARC_DHCP_OPT_LEASE_TIME = 51,
	ARC_DHCP_OPT_TYPE = 53,
	ARC_DHCP_OPT_SERVER_ID = 54,
	ARC_DHCP_OPT_PARAMS = 55,
	ARC_DHCP_OPT_T1 = 58,
	ARC_DHCP_OPT_T2 = 59,
	ARC_DHCP_OPT_CLIENT_ID = 61,
	ARC_DHCP_OPT_END = 255,
};

static const guint8 arc_dhcp_cookie[4] = {99, 130, 83, 99};

static void
arc_dhcp_put32(guint8 *p, guint32 host)
{
	p[0] = (guint8)(host >> 24);
	p[1] = (guint8)(host >> 16);
	p[2] = (guint8)(host >> 8);
	p[3] = (guint8)host;
}

static guint32
arc_dhcp_get32(const guint8 *p)
{
	return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/* an address option: @addr is in network order already */
static guint8 *
arc_dhcp_put_address_option(guint8 *p, guint8 code, guint32 addr)
{
	p[0] = code;
	p[1] = 4;
	memcpy(p + 2, &addr, 4);
	return p + 6;
}

static guint8 *
arc_dhcp_put_options(const ArcDhcpRequest *request, guint8 *p)
{
	static const guint8 params[] = {ARC_DHCP_OPT_NETMASK,    ARC_DHCP_OPT_ROUTER,
					ARC_DHCP_OPT_LEASE_TIME, ARC_DHCP_OPT_SERVER_ID,
					ARC_DHCP_OPT_T1,         ARC_DHCP_OPT_T2};

	*p++ = ARC_DHCP_OPT_TYPE;
	*p++ = 1;
	*p++ = (guint8)request->type;
	/* the client id makes the lease follow the MAC, which is stable per service */
	*p++ = ARC_DHCP_OPT_CLIENT_ID;
	*p++ = 7;
	*p++ = 1;
	memcpy(p, request->mac, 6);
	p += 6;
	if (request->requested != 0)
		p = arc_dhcp_put_address_option(p, ARC_DHCP_OPT_REQUESTED, request->requested);
	if (request->server_id != 0)
		p = arc_dhcp_put_address_option(p, ARC_DHCP_OPT_SERVER_ID, request->server_id);
	if (request->type != ARC_DHCP_RELEASE) {
		*p++ = ARC_DHCP_OPT_PARAMS;
		*p++ = sizeof(params);
		memcpy(p, params, sizeof(params));
		p += sizeof(params);
	}
	*p++ = ARC_DHCP_OPT_END;
	return p;
}

/**
 * arc_dhcp_request_build:
 * @request: what to send
 * @buf: (out caller-allocates): where to write it
 * @size: the size of @buf, at least %ARC_DHCP_MESSAGE_MAX
 *
 * Returns: the length of the message written to @buf (at least 300 bytes), 0 when @size is
 *   too small
 */
gsize
arc_dhcp_request_build(const ArcDhcpRequest *request, guint8 *buf, gsize size)
{
	guint8 *end;

	if (size < ARC_DHCP_MESSAGE_MAX)
		return 0;
	memset(buf, 0, ARC_DHCP_MESSAGE_MAX);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1; /* Ethernet */
	buf[2] = 6;
	arc_dhcp_put32(buf + ARC_DHCP_OFF_XID, request->xid);
	buf[ARC_DHCP_OFF_SECS] = (guint8)(request->secs >> 8);
	buf[ARC_DHCP_OFF_SECS + 1] = (guint8)request->secs;
	if (request->broadcast)
		buf[ARC_DHCP_OFF_FLAGS] = 0x80;
	memcpy(buf + ARC_DHCP_OFF_CIADDR, &request->ciaddr, 4);
	memcpy(buf + ARC_DHCP_OFF_CHADDR, request->mac, 6);
	memcpy(buf + ARC_DHCP_OFF_COOKIE, arc_dhcp_cookie, 4);
	end = arc_dhcp_put_options(request, buf + ARC_DHCP_HEADER_SIZE);
	return MAX((gsize)(end - buf), (gsize)ARC_DHCP_MIN_SIZE);
}

static gboolean
arc_dhcp_invalid(GError **error, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "invalid DHCP message: %s", why);
	return FALSE;
}

/* one option of a reply into @out; the lengths of those we read are exact */
static gboolean
arc_dhcp_read_option(guint8 code, const guint8 *value, guint8 len, ArcDhcpReply *out,
		     GError **error)
{
	guint want = code == ARC_DHCP_OPT_TYPE ? 1 : 4;

	if (code != ARC_DHCP_OPT_TYPE && code != ARC_DHCP_OPT_NETMASK &&
	    code != ARC_DHCP_OPT_ROUTER && code != ARC_DHCP_OPT_SERVER_ID &&
	    code != ARC_DHCP_OPT_LEASE_TIME && code != ARC_DHCP_OPT_T1 && code != ARC_DHCP_OPT_T2)
		return TRUE;
	/* a router list holds one address or more */
	if (code == ARC_DHCP_OPT_ROUTER ? (len == 0 || len % 4 != 0) : len != want)
		return arc_dhcp_invalid(error, "an option has the wrong length");
	if (code == ARC_DHCP_OPT_TYPE)
		out->type = (ArcDhcpType)value[0];
	else if (code == ARC_DHCP_OPT_NETMASK) {
		out->has_netmask = TRUE;
		memcpy(&out->netmask, value, 4);
	} else if (code == ARC_DHCP_OPT_ROUTER)
		memcpy(&out->router, value, 4);
	else if (code == ARC_DHCP_OPT_SERVER_ID)
		memcpy(&out->server_id, value, 4);
	else if (code == ARC_DHCP_OPT_LEASE_TIME)
		out->lease_time = arc_dhcp_get32(value);
	else if (code == ARC_DHCP_OPT_T1)
		out->t1 = arc_dhcp_get32(value);
	else
		out->t2 = arc_dhcp_get32(value);
	return TRUE;
}

static gboolean
arc_dhcp_read_options(const guint8 *buf, gsize len, ArcDhcpReply *out, GError **error)
{
	gsize i = ARC_DHCP_HEADER_SIZE;

	while (i < len) {
		guint8 code = buf[i];

		if (code == ARC_DHCP_OPT_END)
			return TRUE;
		if (code == ARC_DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + buf[i + 1] > len)
			return arc_dhcp_invalid(error, "an option runs past the end");
		if (!arc_dhcp_read_option(code, buf + i + 2, buf[i + 1], out, error))
			return FALSE;
		i += 2 + (gsize)buf[i + 1];
	}
	return arc_dhcp_invalid(error, "no end option");
}

/**
 * arc_dhcp_reply_parse:
 * @buf: (array length=len): a UDP payload received on port 68
 * @len: its length
 * @out: (out): what it says
 * @error: return location for a #GError
 *
 * Reads a server's OFFER, ACK or NAK strictly (bounds, lengths, END). It does not check the
 * transaction id, the MAC or the server: the client does.
 *
 * Returns: %TRUE for a well-formed OFFER, ACK or NAK; else %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_dhcp_reply_parse(const guint8 *buf, gsize len, ArcDhcpReply *out, GError **error)
{
	memset(out, 0, sizeof(*out));
	if (len < ARC_DHCP_HEADER_SIZE + 1 || len > 65535)
		return arc_dhcp_invalid(error, "too short");
	if (buf[0] != 2 || buf[1] != 1 || buf[2] != 6)
		return arc_dhcp_invalid(error, "not an Ethernet BOOTREPLY");
	if (memcmp(buf + ARC_DHCP_OFF_COOKIE, arc_dhcp_cookie, 4) != 0)
		return arc_dhcp_invalid(error, "no magic cookie");
	out->xid = arc_dhcp_get32(buf + ARC_DHCP_OFF_XID);
	memcpy(&out->yiaddr, buf + ARC_DHCP_OFF_YIADDR, 4);
	memcpy(out->mac, buf + ARC_DHCP_OFF_CHADDR, 6);
	if (!arc_dhcp_read_options(buf, len, out, error))
		return FALSE;
	if (out->type != ARC_DHCP_OFFER && out->type != ARC_DHCP_ACK && out->type != ARC_DHCP_NAK)
		return arc_dhcp_invalid(error, "not an OFFER, ACK or NAK");
	if (out->type != ARC_DHCP_NAK && out->yiaddr == 0)
		return arc_dhcp_invalid(error, "no address offered");
	if (out->has_netmask && arc_dhcp_netmask_prefix(out->netmask) > 32)
		return arc_dhcp_invalid(error, "a netmask that is no prefix");
	return TRUE;
}

/**
 * arc_dhcp_netmask_prefix:
 * @netmask: a netmask, network order
 *
 * Returns: its prefix length, or 33 when its bits are not contiguous
 */
guint
arc_dhcp_netmask_prefix(guint32 netmask)
{
	guint32 host = g_ntohl(netmask);
	guint prefix = 0;

	while (prefix < 32 && (host & (0x80000000u >> prefix)) != 0)
		prefix++;
	if (prefix < 32 && (host & (0xffffffffu >> prefix)) != 0)
		return 33;
	return prefix;
}

/**
 * arc_dhcp_type_to_string:
 * @type: a message type
 *
 * Returns: its name, for the log
 */
const gchar *
arc_dhcp_type_to_string(ArcDhcpType type)
{
	static const gchar *const names[] = {"?",       "DISCOVER", "OFFER", "REQUEST",
					     "DECLINE", "ACK",      "NAK",   "RELEASE"};

	return (guint)type < G_N_ELEMENTS(names) ? names[type] : "?";
}
