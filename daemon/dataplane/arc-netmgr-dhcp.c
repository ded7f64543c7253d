/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-netmgr-dhcp.h"

#include <arctic-plugin.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <glib-unix.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/route/addr.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-dhcp-client.h"

/* Why a UDP socket and not AF_PACKET: with SO_BINDTODEVICE the kernel delivers the server's
 * broadcast answers (we set the broadcast flag) to a socket bound to 0.0.0.0:68 on an interface
 * without an address, and sends our broadcasts out of that interface alone; renewals are
 * plain unicast from the leased address. What it costs: until the first lease the kernel picks
 * the source address of a DISCOVER from another interface (RFC 2131 wants 0.0.0.0); servers
 * answer by the client's MAC and the broadcast flag, not by that address (dnsmasq, ISC, Kea).
 * SO_REUSEADDR with a device per socket lets every service interface have its own port 68. */

struct _ArcNetmgrDhcp {
	struct nl_sock *sock; /* (unowned): netmgr's */
	gchar *ifname;
	gint fd;
	guint io_source;
	guint timer_source;
	ArcDhcpClient *client;
};

typedef struct rtnl_addr ArcNetmgrDhcpAddr;
typedef struct nl_addr ArcNetmgrDhcpNlAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNetmgrDhcpAddr, rtnl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNetmgrDhcpNlAddr, nl_addr_put)

static gint64
arc_netmgr_dhcp_now(void)
{
	return g_get_monotonic_time() / 1000;
}

static void arc_netmgr_dhcp_schedule(ArcNetmgrDhcp *self);

static gboolean
arc_netmgr_dhcp_timer_cb(gpointer user_data)
{
	ArcNetmgrDhcp *self = user_data;

	self->timer_source = 0;
	arc_dhcp_client_tick(self->client, arc_netmgr_dhcp_now());
	arc_netmgr_dhcp_schedule(self);
	return G_SOURCE_REMOVE;
}

static void
arc_netmgr_dhcp_schedule(ArcNetmgrDhcp *self)
{
	gint64 deadline = arc_dhcp_client_get_deadline(self->client);
	gint64 wait;

	g_clear_handle_id(&self->timer_source, g_source_remove);
	if (deadline == G_MAXINT64)
		return;
	wait = CLAMP(deadline - arc_netmgr_dhcp_now(), 0, (gint64)G_MAXINT32);
	self->timer_source = g_timeout_add((guint)wait, arc_netmgr_dhcp_timer_cb, self);
}

static gboolean
arc_netmgr_dhcp_readable_cb(gint fd, GIOCondition condition, gpointer user_data)
{
	ArcNetmgrDhcp *self = user_data;
	guint8 buf[ARC_DHCP_MESSAGE_MAX];

	for (guint i = 0; i < 16; i++) {
		gssize n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0)
			break;
		arc_dhcp_client_receive(self->client, buf, (gsize)n, arc_netmgr_dhcp_now());
	}
	arc_netmgr_dhcp_schedule(self);
	(void)condition;
	return G_SOURCE_CONTINUE;
}

static void
arc_netmgr_dhcp_send_cb(gpointer user_data, const guint8 *msg, gsize len, guint32 dest)
{
	ArcNetmgrDhcp *self = user_data;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = g_htons(ARC_DHCP_SERVER_PORT)};

	to.sin_addr.s_addr = dest;
	if (sendto(self->fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		g_debug("%s: DHCP not sent: %s", self->ifname, g_strerror(errno));
}

/* the lease's address, or its deletion; its lifetime is the lease's, so a lease the agent
 * could not renew (it was killed) leaves the interface by itself */
static void
arc_netmgr_dhcp_address(ArcNetmgrDhcp *self, const ArcDhcpLease *lease, gboolean add)
{
	g_autoptr(ArcNetmgrDhcpAddr) addr = rtnl_addr_alloc();
	g_autoptr(ArcNetmgrDhcpNlAddr) local = nl_addr_build(AF_INET, &lease->address, 4);
	guint ifindex = if_nametoindex(self->ifname);
	gint err;

	if (ifindex == 0)
		return;
	nl_addr_set_prefixlen(local, (gint)lease->prefix);
	rtnl_addr_set_ifindex(addr, (gint)ifindex);
	rtnl_addr_set_family(addr, AF_INET);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, (gint)lease->prefix);
	if (add) {
		/* the lease is on the parent's LAN, which the parent's own prefix route already
		 * reaches: a second one through the service interface could take the host's own
		 * traffic to that LAN (and its source address) away from the parent */
		rtnl_addr_set_flags(addr, IFA_F_NOPREFIXROUTE);
		rtnl_addr_set_valid_lifetime(addr, lease->lease_time);
		rtnl_addr_set_preferred_lifetime(addr, lease->lease_time);
		err = rtnl_addr_add(self->sock, addr, NLM_F_CREATE | NLM_F_REPLACE);
	} else {
		err = rtnl_addr_delete(self->sock, addr, 0);
		if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR)
			err = 0;
	}
	if (err < 0)
		g_warning("%s: cannot %s the leased address: %s", self->ifname,
			  add ? "add" : "delete", nl_geterror(err));
}

static void
arc_netmgr_dhcp_bound_cb(gpointer user_data, const ArcDhcpLease *lease)
{
	arc_netmgr_dhcp_address(user_data, lease, TRUE);
}

static void
arc_netmgr_dhcp_lost_cb(gpointer user_data, const ArcDhcpLease *lease)
{
	arc_netmgr_dhcp_address(user_data, lease, FALSE);
}

static const ArcDhcpClientOps arc_netmgr_dhcp_ops = {
	arc_netmgr_dhcp_send_cb,
	arc_netmgr_dhcp_bound_cb,
	arc_netmgr_dhcp_lost_cb,
};

static gint
arc_netmgr_dhcp_open(const gchar *ifname, GError **error)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = g_htons(ARC_DHCP_CLIENT_PORT)};
	gint fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	gint one = 1;

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
		gint saved = errno;

		if (fd >= 0)
			close(fd);
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE,
			    "%s: no DHCP socket on port 68: %s", ifname, g_strerror(saved));
		return -1;
	}
	return fd;
}

/**
 * arc_netmgr_dhcp_new:
 * @sock: netmgr's netlink socket, for the lease's address; must outlive the client
 * @ifname: the service interface, up
 * @mac: its MAC
 * @previous: the IPv4 address it has (network order), asked for again; 0 for none
 * @error: return location for a #GError
 *
 * Opens the socket and sends the first DISCOVER.
 *
 * Returns: (transfer full): the running client, or %NULL
 */
ArcNetmgrDhcp *
arc_netmgr_dhcp_new(struct nl_sock *sock, const gchar *ifname, const guint8 mac[6],
		    guint32 previous, GError **error)
{
	ArcNetmgrDhcp *self;
	gint fd = arc_netmgr_dhcp_open(ifname, error);

	if (fd < 0)
		return NULL;
	self = g_new0(ArcNetmgrDhcp, 1);
	self->sock = sock;
	self->ifname = g_strdup(ifname);
	self->fd = fd;
	self->client = arc_dhcp_client_new(mac, &arc_netmgr_dhcp_ops, self);
	self->io_source = g_unix_fd_add(fd, G_IO_IN, arc_netmgr_dhcp_readable_cb, self);
	arc_dhcp_client_start(self->client, previous, arc_netmgr_dhcp_now());
	arc_netmgr_dhcp_schedule(self);
	g_info("%s: DHCP client started", ifname);
	return self;
}

/**
 * arc_netmgr_dhcp_free:
 * @self: (nullable): a client
 *
 * Stops it and closes its socket; the address stays (a restart asks for it again).
 */
void
arc_netmgr_dhcp_free(ArcNetmgrDhcp *self)
{
	if (self == NULL)
		return;
	g_clear_handle_id(&self->io_source, g_source_remove);
	g_clear_handle_id(&self->timer_source, g_source_remove);
	arc_dhcp_client_free(self->client);
	close(self->fd);
	g_free(self->ifname);
	g_free(self);
}

/**
 * arc_netmgr_dhcp_release:
 * @self: (nullable): a client
 *
 * Gives the lease back to its server, takes its address off the interface, and frees @self.
 */
void
arc_netmgr_dhcp_release(ArcNetmgrDhcp *self)
{
	if (self == NULL)
		return;
	arc_dhcp_client_release(self->client);
	arc_netmgr_dhcp_free(self);
}
