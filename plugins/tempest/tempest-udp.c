/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-udp.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/* room for one packet-info and one GRO/GSO size per message */
#define TEMPEST_UDP_CMSG_SPACE                                                                     \
	(CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(gint)) + 16)

struct _TempestUdp {
	gint fd4;
	gint fd6;
	guint16 port;
	/* read on every send, cleared once when the kernel refuses segmentation */
	gint gso;
	gboolean gro;
	TempestUdpFlags flags;
	guint32 fwmark;
	gint closing; /* set by tempest_udp_shutdown(); receivers then return 0 */
};

struct _TempestUdpBatch {
	struct mmsghdr msgs[TEMPEST_UDP_MAX_BATCH];
	struct iovec iovs[TEMPEST_UDP_MAX_BATCH];
	TempestSockaddr names[TEMPEST_UDP_MAX_BATCH];
	guint first[TEMPEST_UDP_MAX_BATCH]; /* send: the first packet of each message */
	guint count[TEMPEST_UDP_MAX_BATCH]; /* send: how many packets it carries */
	guint8 cmsgs[TEMPEST_UDP_MAX_BATCH][TEMPEST_UDP_CMSG_SPACE] __attribute__((aligned(8)));
};

static gboolean
tempest_udp_set_errno(GError **error, gint err, const gchar *what)
{
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s: %s", what, g_strerror(err));
	return FALSE;
}

/* big buffers absorb bursts between two batches; FORCE needs CAP_NET_ADMIN */
static void
tempest_udp_set_buffers(gint fd)
{
	gint size = TEMPEST_UDP_SOCKET_BUFFER;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* a socket of @family bound to @port; -1 with *err_out the errno (and @error) if not */
static gint
tempest_udp_socket(gint family, guint16 port, guint32 fwmark, gint *err_out, GError **error)
{
	gint fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	gint on = 1;
	TempestSockaddr addr = {0};
	socklen_t addr_len;

	if (fd < 0) {
		*err_out = errno;
		tempest_udp_set_errno(error, errno, "cannot create a UDP socket");
		return -1;
	}
	tempest_udp_set_buffers(fd);
	if (family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		addr.in4.sin_family = AF_INET;
		addr.in4.sin_port = htons(port);
		addr_len = sizeof(addr.in4);
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
		addr.in6.sin6_family = AF_INET6;
		addr.in6.sin6_port = htons(port);
		addr_len = sizeof(addr.in6);
	}
	if ((fwmark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)) != 0) ||
	    bind(fd, &addr.sa, addr_len) != 0) {
		*err_out = errno;
		tempest_udp_set_errno(error, errno, "cannot bind the UDP port");
		close(fd);
		return -1;
	}
	return fd;
}

static guint16
tempest_udp_local_port(gint fd)
{
	TempestSockaddr addr = {0};
	socklen_t len = sizeof(addr);

	if (getsockname(fd, &addr.sa, &len) != 0)
		return 0;
	return ntohs(addr.sa.sa_family == AF_INET ? addr.in4.sin_port : addr.in6.sin6_port);
}

/* GSO: the option exists since Linux 4.18; GRO since 5.0, asked for on each socket */
static void
tempest_udp_detect_offloads(TempestUdp *self, TempestUdpFlags flags)
{
	gint fd = self->fd4 >= 0 ? self->fd4 : self->fd6;
	gint value = 0;
	socklen_t len = sizeof(value);
	gint on = 1;

	self->gso = !(flags & TEMPEST_UDP_FLAG_NO_GSO) &&
		    getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &len) == 0;
	self->gro = !(flags & TEMPEST_UDP_FLAG_NO_GRO);
	if (self->gro && self->fd4 >= 0)
		self->gro = setsockopt(self->fd4, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
	if (self->gro && self->fd6 >= 0)
		self->gro = setsockopt(self->fd6, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

/* port 0: the IPv4 socket picks one, the IPv6 socket must get the same; retry if taken */
static gboolean
tempest_udp_open_pair(TempestUdp *self, guint16 port, guint32 fwmark, TempestUdpFlags flags,
		      GError **error)
{
	for (guint attempt = 0; attempt < 100; attempt++) {
		g_autoptr(GError) local_error = NULL;
		guint16 chosen = port;
		gint err = 0;
		if (!(flags & TEMPEST_UDP_FLAG_IPV6_ONLY)) {
			self->fd4 = tempest_udp_socket(AF_INET, port, fwmark, &err, error);
			if (self->fd4 < 0)
				return FALSE;
			chosen = tempest_udp_local_port(self->fd4);
		}
		self->port = chosen;
		if (flags & TEMPEST_UDP_FLAG_IPV4_ONLY)
			return TRUE;
		self->fd6 = tempest_udp_socket(AF_INET6, chosen, fwmark, &err, &local_error);
		if (self->fd6 >= 0) {
			self->port = tempest_udp_local_port(self->fd6);
			return TRUE;
		}
		/* a host without IPv6 (no module, or disabled): IPv4 alone */
		if (self->fd4 >= 0 && (err == EAFNOSUPPORT || err == EADDRNOTAVAIL))
			return TRUE;
		if (port != 0 || err != EADDRINUSE || self->fd4 < 0) {
			g_propagate_error(error, g_steal_pointer(&local_error));
			return FALSE;
		}
		close(self->fd4);
		self->fd4 = -1;
	}
	return tempest_udp_set_errno(error, EADDRINUSE, "no port free for IPv4 and IPv6 both");
}

/**
 * tempest_udp_open:
 * @port: 0 for any
 * @fwmark: 0 for none (setting one needs CAP_NET_ADMIN)
 *
 * Returns: (transfer full): the sockets, or %NULL with a G_IO_ERROR
 */
TempestUdp *
tempest_udp_open(guint16 port, guint32 fwmark, TempestUdpFlags flags, GError **error)
{
	g_autoptr(TempestUdp) self = g_new0(TempestUdp, 1);

	self->fd4 = self->fd6 = -1;
	if (!tempest_udp_open_pair(self, port, fwmark, flags, error))
		return NULL;
	self->flags = flags;
	self->fwmark = fwmark;
	tempest_udp_detect_offloads(self, flags);
	return g_steal_pointer(&self);
}

/* @fd, already in use by receivers, becomes the socket @replacement (which is consumed) */
static void
tempest_udp_swap_fd(gint fd, gint replacement)
{
	gint old = dup(fd);

	dup2(replacement, fd);
	close(replacement);
	/* a receiver blocked in recvmmsg() holds the old socket, not the number: woken by the
	 * shutdown, it comes back for the next batch and finds the new socket under the number */
	if (old >= 0) {
		shutdown(old, SHUT_RDWR);
		close(old);
	}
}

/**
 * tempest_udp_rebind:
 * @port: 0 for any
 *
 * Moves both sockets to @port, keeping their file descriptors, fwmark and offloads: threads
 * that use them go on with the new ones (a receiver blocked on the old port is woken and may
 * return empty packets, len 0). On failure nothing changes.
 */
gboolean
tempest_udp_rebind(TempestUdp *self, guint16 port, GError **error)
{
	g_autoptr(TempestUdp) fresh = tempest_udp_open(port, self->fwmark, self->flags, error);

	if (fresh == NULL)
		return FALSE;
	if (self->fd4 >= 0 && fresh->fd4 >= 0) {
		tempest_udp_swap_fd(self->fd4, fresh->fd4);
		fresh->fd4 = -1;
	}
	if (self->fd6 >= 0 && fresh->fd6 >= 0) {
		tempest_udp_swap_fd(self->fd6, fresh->fd6);
		fresh->fd6 = -1;
	}
	self->port = fresh->port;
	g_atomic_int_set(&self->gso, g_atomic_int_get(&fresh->gso));
	self->gro = fresh->gro;
	return TRUE;
}

void
tempest_udp_free(TempestUdp *self)
{
	if (self == NULL)
		return;
	if (self->fd4 >= 0)
		close(self->fd4);
	if (self->fd6 >= 0)
		close(self->fd6);
	g_free(self);
}

guint16
tempest_udp_get_port(const TempestUdp *self)
{
	return self->port;
}

/**
 * tempest_udp_get_fd:
 *
 * Returns: the socket of @family, -1 if there is none
 */
gint
tempest_udp_get_fd(const TempestUdp *self, gint family)
{
	return family == AF_INET ? self->fd4 : family == AF_INET6 ? self->fd6 : -1;
}

/**
 * tempest_udp_get_gso:
 *
 * Returns: whether sends are segmented by the kernel (UDP_SEGMENT)
 */
gboolean
tempest_udp_get_gso(const TempestUdp *self)
{
	return g_atomic_int_get(&self->gso) != 0;
}

/**
 * tempest_udp_get_gro:
 *
 * Returns: whether receives may be coalesced (UDP_GRO)
 */
gboolean
tempest_udp_get_gro(const TempestUdp *self)
{
	return self->gro;
}

/**
 * tempest_udp_set_fwmark:
 *
 * Marks what both sockets send from now on (wg's fwmark, for policy routing).
 */
gboolean
tempest_udp_set_fwmark(TempestUdp *self, guint32 fwmark, GError **error)
{
	gint fds[] = {self->fd4, self->fd6};

	for (guint i = 0; i < G_N_ELEMENTS(fds); i++)
		if (fds[i] >= 0 &&
		    setsockopt(fds[i], SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)) != 0)
			return tempest_udp_set_errno(error, errno, "cannot set the fwmark");
	self->fwmark = fwmark;
	return TRUE;
}

/**
 * tempest_udp_shutdown:
 *
 * Wakes every thread blocked in tempest_udp_recv() (it returns 0) and ends sending.
 */
void
tempest_udp_shutdown(TempestUdp *self)
{
	g_atomic_int_set(&self->closing, 1);
	if (self->fd4 >= 0)
		shutdown(self->fd4, SHUT_RDWR);
	if (self->fd6 >= 0)
		shutdown(self->fd6, SHUT_RDWR);
}

/**
 * tempest_udp_batch_new:
 *
 * Returns: (transfer full): the scratch space of one thread's calls
 */
TempestUdpBatch *
tempest_udp_batch_new(void)
{
	return g_new0(TempestUdpBatch, 1);
}

void
tempest_udp_batch_free(TempestUdpBatch *batch)
{
	g_free(batch);
}

static void
tempest_udp_read_cmsgs(struct msghdr *hdr, TempestUdpPacket *packet)
{
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(hdr); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(hdr, cmsg)) {
		if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo info;
			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			packet->endpoint.src_family = AF_INET;
			packet->endpoint.src.in4 = info.ipi_spec_dst;
			packet->endpoint.src_ifindex = (guint32)info.ipi_ifindex;
		} else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo info;
			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			packet->endpoint.src_family = AF_INET6;
			packet->endpoint.src.in6 = info.ipi6_addr;
			packet->endpoint.src_ifindex = info.ipi6_ifindex;
		} else if (cmsg->cmsg_level == SOL_UDP && cmsg->cmsg_type == UDP_GRO) {
			gint size;
			memcpy(&size, CMSG_DATA(cmsg), sizeof(size));
			if (size > 0 && (gsize)size < packet->len)
				packet->segment_size = (gsize)size;
		}
	}
}

/**
 * tempest_udp_recv:
 * @family: which socket
 * @packets: up to TEMPEST_UDP_MAX_BATCH buffers (data, size) to fill; with GRO, a buffer of
 *   TEMPEST_UDP_GRO_BUFFER bytes lets the kernel hand over many datagrams in one
 *
 * Blocks until at least one datagram arrived, then takes what is queued without waiting more.
 * A truncated datagram is returned with len 0.
 *
 * Returns: how many packets were filled, 0 after tempest_udp_shutdown(), or -errno
 */
gint
tempest_udp_recv(TempestUdp *self, gint family, TempestUdpBatch *batch, TempestUdpPacket *packets,
		 guint n_packets)
{
	gint fd = tempest_udp_get_fd(self, family);
	guint n = MIN(n_packets, TEMPEST_UDP_MAX_BATCH);
	gint got;

	if (fd < 0)
		return -EAFNOSUPPORT;
	for (guint i = 0; i < n; i++) {
		batch->iovs[i] = (struct iovec){packets[i].data, packets[i].size};
		batch->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &batch->names[i],
			.msg_namelen = sizeof(batch->names[i]),
			.msg_iov = &batch->iovs[i],
			.msg_iovlen = 1,
			.msg_control = batch->cmsgs[i],
			.msg_controllen = sizeof(batch->cmsgs[i]),
		};
	}
	do
		got = recvmmsg(fd, batch->msgs, n, MSG_WAITFORONE, NULL);
	while (got < 0 && errno == EINTR);
	/* a socket shut down for reading yields empty datagrams */
	if (g_atomic_int_get(&self->closing))
		return 0;
	if (got < 0)
		return -errno;
	for (gint i = 0; i < got; i++) {
		struct msghdr *hdr = &batch->msgs[i].msg_hdr;
		TempestUdpPacket *packet = &packets[i];
		packet->len = (hdr->msg_flags & MSG_TRUNC) ? 0 : batch->msgs[i].msg_len;
		packet->segment_size = 0;
		memset(&packet->endpoint, 0, sizeof(packet->endpoint));
		memcpy(&packet->endpoint.dst, &batch->names[i],
		       MIN(hdr->msg_namelen, sizeof(packet->endpoint.dst)));
		tempest_udp_read_cmsgs(hdr, packet);
	}
	return got;
}

static gboolean
tempest_udp_same_flow(const TempestUdpPacket *a, const TempestUdpPacket *b)
{
	return tempest_endpoint_equal(&a->endpoint, &b->endpoint) &&
	       a->endpoint.src_family == b->endpoint.src_family &&
	       (a->endpoint.src_family == AF_UNSPEC ||
		memcmp(&a->endpoint.src, &b->endpoint.src, sizeof(a->endpoint.src)) == 0);
}

/* how many packets from @first can leave as one UDP_SEGMENT send */
static guint
tempest_udp_gso_run(const TempestUdpPacket *packets, guint first, guint n)
{
	gsize size = packets[first].len;
	gsize total = size;
	guint count = 1;

	while (first + count < n && count < TEMPEST_UDP_MAX_GSO_SEGMENTS &&
	       packets[first + count - 1].len == size && packets[first + count].len <= size &&
	       packets[first + count].len > 0 && total + packets[first + count].len <= 65000 &&
	       tempest_udp_same_flow(&packets[first], &packets[first + count])) {
		total += packets[first + count].len;
		count++;
	}
	return count;
}

static socklen_t
tempest_udp_write_cmsgs(guint8 *buf, const TempestUdpPacket *packet, guint segments)
{
	struct msghdr hdr = {.msg_control = buf, .msg_controllen = TEMPEST_UDP_CMSG_SPACE};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&hdr);
	socklen_t used = 0;

	memset(buf, 0, TEMPEST_UDP_CMSG_SPACE);
	if (packet->endpoint.src_family == AF_INET &&
	    packet->endpoint.dst.sa.sa_family == AF_INET) {
		struct in_pktinfo info = {.ipi_spec_dst = packet->endpoint.src.in4};
		cmsg->cmsg_level = IPPROTO_IP;
		cmsg->cmsg_type = IP_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
		used += CMSG_SPACE(sizeof(info));
		cmsg = (struct cmsghdr *)(buf + used);
	} else if (packet->endpoint.src_family == AF_INET6 &&
		   packet->endpoint.dst.sa.sa_family == AF_INET6) {
		struct in6_pktinfo info = {.ipi6_addr = packet->endpoint.src.in6,
					   .ipi6_ifindex = packet->endpoint.src_ifindex};
		cmsg->cmsg_level = IPPROTO_IPV6;
		cmsg->cmsg_type = IPV6_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
		used += CMSG_SPACE(sizeof(info));
		cmsg = (struct cmsghdr *)(buf + used);
	}
	if (segments > 1) {
		guint16 size = (guint16)packet->len;
		cmsg->cmsg_level = SOL_UDP;
		cmsg->cmsg_type = UDP_SEGMENT;
		cmsg->cmsg_len = CMSG_LEN(sizeof(size));
		memcpy(CMSG_DATA(cmsg), &size, sizeof(size));
		used += CMSG_SPACE(sizeof(size));
	}
	return used;
}

/* the messages for the packets from the start of @packets that share its family */
static guint
tempest_udp_build(TempestUdp *self, TempestUdpBatch *batch, TempestUdpPacket *packets, guint n,
		  guint *consumed)
{
	sa_family_t family = packets[0].endpoint.dst.sa.sa_family;
	gboolean gso = tempest_udp_get_gso(self);
	guint m = 0;
	guint i = 0;

	n = MIN(n, TEMPEST_UDP_MAX_BATCH);
	while (i < n && packets[i].endpoint.dst.sa.sa_family == family) {
		guint count = gso ? tempest_udp_gso_run(packets, i, n) : 1;
		socklen_t control;
		for (guint k = 0; k < count; k++)
			batch->iovs[i + k] =
				(struct iovec){packets[i + k].data, packets[i + k].len};
		batch->names[m] = packets[i].endpoint.dst;
		control = tempest_udp_write_cmsgs(batch->cmsgs[m], &packets[i], count);
		batch->msgs[m].msg_hdr = (struct msghdr){
			.msg_name = &batch->names[m],
			.msg_namelen = tempest_endpoint_get_socklen(&packets[i].endpoint),
			.msg_iov = &batch->iovs[i],
			.msg_iovlen = count,
			.msg_control = control > 0 ? batch->cmsgs[m] : NULL,
			.msg_controllen = control,
		};
		batch->first[m] = i;
		batch->count[m] = count;
		m++;
		i += count;
	}
	*consumed = i;
	return m;
}

/* sends the built messages; returns packets sent, or -errno with *sent_out those that left */
static gint
tempest_udp_send_built(TempestUdp *self, TempestUdpBatch *batch, gint fd, guint m,
		       TempestUdpPacket *packets, guint *sent_out)
{
	guint done = 0;

	*sent_out = 0;
	while (done < m) {
		gint ret = sendmmsg(fd, batch->msgs + done, m - done, 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		for (gint k = 0; k < ret; k++)
			*sent_out += batch->count[done + (guint)k];
		done += (guint)ret;
	}
	return (gint)*sent_out;
}

/* the first packet's source is gone: every later packet from it loses it too */
static void
tempest_udp_forget_src(TempestUdpPacket *packets, guint n)
{
	TempestEndpoint gone = packets[0].endpoint;

	for (guint i = 0; i < n; i++)
		if (packets[i].endpoint.src_family == gone.src_family &&
		    memcmp(&packets[i].endpoint.src, &gone.src, sizeof(gone.src)) == 0)
			tempest_endpoint_clear_src(&packets[i].endpoint);
}

/**
 * tempest_udp_send:
 * @packets: datagrams with their destination (and sticky source); any number
 *
 * Consecutive packets to one endpoint, of one size (the last may be shorter), leave as one
 * UDP_SEGMENT send when the kernel offers it. If the kernel refuses segmentation (EIO: a
 * device without checksum offload), GSO is turned off for good and the rest goes one by one.
 * If a sticky source is refused (EINVAL, ENETUNREACH or EADDRNOTAVAIL: the address is gone),
 * it is cleared in @packets (the caller may forget it for the peer) and the packet is sent
 * again from any address.
 *
 * Returns: @n_packets, or -errno of the first failure (packets before it were sent)
 */
gint
tempest_udp_send(TempestUdp *self, TempestUdpBatch *batch, TempestUdpPacket *packets,
		 guint n_packets)
{
	guint sent = 0;

	while (sent < n_packets) {
		TempestUdpPacket *rest = packets + sent;
		gint fd = tempest_udp_get_fd(self, rest->endpoint.dst.sa.sa_family);
		guint consumed = 0;
		guint left = 0;
		guint m;
		gint ret;
		if (fd < 0)
			return -EAFNOSUPPORT;
		m = tempest_udp_build(self, batch, rest, n_packets - sent, &consumed);
		ret = tempest_udp_send_built(self, batch, fd, m, rest, &left);
		sent += left;
		if (ret == -EIO && tempest_udp_get_gso(self)) {
			g_atomic_int_set(&self->gso, 0);
			continue;
		}
		/* the kernel names a source it cannot send from in several ways */
		if ((ret == -EINVAL || ret == -ENETUNREACH || ret == -EADDRNOTAVAIL) &&
		    packets[sent].endpoint.src_family != AF_UNSPEC) {
			tempest_udp_forget_src(packets + sent, n_packets - sent);
			continue;
		}
		if (ret < 0)
			return ret;
	}
	return (gint)sent;
}

/**
 * tempest_udp_send_one:
 * @endpoint: the destination (its sticky source is not used)
 *
 * One datagram without a batch: handshake messages and keepalives, off the fast path.
 *
 * Returns: 0, or -errno
 */
gint
tempest_udp_send_one(TempestUdp *self, const TempestEndpoint *endpoint, const guint8 *data,
		     gsize len)
{
	gint fd = tempest_udp_get_fd(self, endpoint->dst.sa.sa_family);
	gssize ret;

	if (fd < 0)
		return -EAFNOSUPPORT;
	do
		ret = sendto(fd, data, len, MSG_DONTWAIT, &endpoint->dst.sa,
			     tempest_endpoint_get_socklen(endpoint));
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/**
 * tempest_udp_packet_get_segments:
 *
 * Returns: how many datagrams a received packet holds (more than one when the kernel
 * coalesced them, UDP_GRO); 0 for an empty or truncated one
 */
guint
tempest_udp_packet_get_segments(const TempestUdpPacket *packet)
{
	if (packet->len == 0)
		return 0;
	if (packet->segment_size == 0)
		return 1;
	return (guint)((packet->len + packet->segment_size - 1) / packet->segment_size);
}

/**
 * tempest_udp_packet_get_segment:
 * @index: below tempest_udp_packet_get_segments()
 * @len_out: the datagram's length (each is segment_size long but the last)
 *
 * Returns: (transfer none): where datagram @index of a received packet starts
 */
guint8 *
tempest_udp_packet_get_segment(const TempestUdpPacket *packet, guint index, gsize *len_out)
{
	gsize size = packet->segment_size != 0 ? packet->segment_size : packet->len;
	gsize offset = (gsize)index * size;

	*len_out = MIN(size, packet->len - offset);
	return packet->data + offset;
}
