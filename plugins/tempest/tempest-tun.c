/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-tun.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define TEMPEST_TUN_MAX_QUEUES 16

/* UDP segmentation offload (Linux 6.2); older headers lack the name, the value is fixed */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

struct _TempestTun {
	gchar name[IFNAMSIZ];
	TempestTunFlags flags;
	gboolean offload;
	gint fds[TEMPEST_TUN_MAX_QUEUES];
	guint n_queues;
	gint wake_fd;
};

static gboolean
tempest_tun_set_errno(GError **error, gint err, const gchar *what, const gchar *name)
{
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s %s: %s", what, name,
		    g_strerror(err));
	return FALSE;
}

/* one file descriptor attached to the device @self->name (created by the first) */
static gint
tempest_tun_attach(TempestTun *self, GError **error)
{
	struct ifreq ifr = {0};
	gint fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		tempest_tun_set_errno(error, errno, "cannot open", "/dev/net/tun");
		return -1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (self->flags & TEMPEST_TUN_FLAG_MULTI_QUEUE)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (self->flags & TEMPEST_TUN_FLAG_OFFLOAD)
		ifr.ifr_flags |= IFF_VNET_HDR;
	g_strlcpy(ifr.ifr_name, self->name, sizeof(ifr.ifr_name));
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		tempest_tun_set_errno(error, errno, "cannot create TUN device", self->name);
		close(fd);
		return -1;
	}
	g_strlcpy(self->name, ifr.ifr_name, sizeof(self->name));
	return fd;
}

/* TSO for both families, UDP segmentation where the kernel has it (6.2), checksums always */
static gboolean
tempest_tun_enable_offload(gint fd)
{
	guint base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

	if (ioctl(fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) == 0)
		return TRUE;
	return ioctl(fd, TUNSETOFFLOAD, base) == 0;
}

/**
 * tempest_tun_open:
 * @name: the interface name, or a pattern such as "tempest%d"
 *
 * Creates the device (it lives as long as one of its file descriptors is open).
 *
 * Returns: (transfer full): the device, or %NULL with a G_IO_ERROR
 */
TempestTun *
tempest_tun_open(const gchar *name, TempestTunFlags flags, GError **error)
{
	g_autoptr(TempestTun) self = g_new0(TempestTun, 1);
	gint fd;

	if (strlen(name) >= IFNAMSIZ) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "interface name %s is too long", name);
		return NULL;
	}
	g_strlcpy(self->name, name, sizeof(self->name));
	self->flags = flags;
	self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (self->wake_fd < 0) {
		tempest_tun_set_errno(error, errno, "cannot create eventfd for", name);
		return NULL;
	}
	fd = tempest_tun_attach(self, error);
	if (fd < 0)
		return NULL;
	self->fds[self->n_queues++] = fd;
	/* without offloads accepted, packets still carry a header (always plain then) */
	if (flags & TEMPEST_TUN_FLAG_OFFLOAD)
		self->offload = tempest_tun_enable_offload(fd);
	return g_steal_pointer(&self);
}

void
tempest_tun_free(TempestTun *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < self->n_queues; i++)
		close(self->fds[i]);
	if (self->wake_fd >= 0)
		close(self->wake_fd);
	g_free(self);
}

const gchar *
tempest_tun_get_name(const TempestTun *self)
{
	return self->name;
}

gint
tempest_tun_get_fd(const TempestTun *self, guint queue)
{
	return queue < self->n_queues ? self->fds[queue] : -1;
}

guint
tempest_tun_get_n_queues(const TempestTun *self)
{
	return self->n_queues;
}

/**
 * tempest_tun_add_queue:
 *
 * Another queue of a multi-queue device; the kernel spreads flows over the queues.
 *
 * Returns: the new queue's index, or -1 with a G_IO_ERROR
 */
gint
tempest_tun_add_queue(TempestTun *self, GError **error)
{
	gint fd;

	if (!(self->flags & TEMPEST_TUN_FLAG_MULTI_QUEUE) ||
	    self->n_queues >= TEMPEST_TUN_MAX_QUEUES) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    "%s cannot have another queue", self->name);
		return -1;
	}
	fd = tempest_tun_attach(self, error);
	if (fd < 0)
		return -1;
	if ((self->flags & TEMPEST_TUN_FLAG_OFFLOAD) && self->offload)
		tempest_tun_enable_offload(fd);
	self->fds[self->n_queues] = fd;
	return (gint)self->n_queues++;
}

/**
 * tempest_tun_get_offload:
 *
 * Returns: whether the kernel may hand over super-packets (TSO accepted)
 */
gboolean
tempest_tun_get_offload(const TempestTun *self)
{
	return self->offload;
}

/* interface ioctls go through any socket; no `ip` binary */
static gboolean
tempest_tun_ifreq(TempestTun *self, gulong request, struct ifreq *ifr, const gchar *what,
		  GError **error)
{
	gint fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	gint err = 0;

	if (fd < 0)
		return tempest_tun_set_errno(error, errno, what, self->name);
	g_strlcpy(ifr->ifr_name, self->name, sizeof(ifr->ifr_name));
	if (ioctl(fd, request, ifr) != 0)
		err = errno;
	close(fd);
	if (err != 0)
		return tempest_tun_set_errno(error, err, what, self->name);
	return TRUE;
}

gboolean
tempest_tun_set_mtu(TempestTun *self, guint mtu, GError **error)
{
	struct ifreq ifr = {.ifr_mtu = (gint)mtu};

	return tempest_tun_ifreq(self, SIOCSIFMTU, &ifr, "cannot set the MTU of", error);
}

gboolean
tempest_tun_get_mtu(TempestTun *self, guint *mtu_out, GError **error)
{
	struct ifreq ifr = {0};

	if (!tempest_tun_ifreq(self, SIOCGIFMTU, &ifr, "cannot read the MTU of", error))
		return FALSE;
	*mtu_out = (guint)ifr.ifr_mtu;
	return TRUE;
}

gboolean
tempest_tun_set_up(TempestTun *self, gboolean up, GError **error)
{
	struct ifreq ifr = {0};

	if (!tempest_tun_ifreq(self, SIOCGIFFLAGS, &ifr, "cannot read the flags of", error))
		return FALSE;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return tempest_tun_ifreq(self, SIOCSIFFLAGS, &ifr, "cannot set the flags of", error);
}

/**
 * tempest_tun_wake:
 *
 * Blocked and later reads return 0: the device is stopping.
 */
void
tempest_tun_wake(TempestTun *self)
{
	guint64 one = 1;

	if (write(self->wake_fd, &one, sizeof(one)) != sizeof(one))
		g_warning("cannot wake the readers of %s: %s", self->name, g_strerror(errno));
}

/**
 * tempest_tun_checksum:
 * @initial: a partial sum to add (a pseudo-header), 0 for none
 *
 * Returns: the folded ones' complement sum of @data (the Internet checksum is its complement;
 * over a header holding a valid checksum it is 0xffff)
 */
guint16
tempest_tun_checksum(const guint8 *data, gsize len, guint32 initial)
{
	guint64 acc = 0;
	guint64 sum;
	gsize i = 0;

	/* Summed 8 bytes at a time in host order with end-around carries: the ones' complement
	 * sum does not care about word size or byte order until it is folded (RFC 1071 §2), and
	 * the two-bytes-at-a-time loop was 30 % of the TX thread's instructions under callgrind. */
	for (; i + 8 <= len; i += 8) {
		guint64 w;
		memcpy(&w, data + i, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	for (; i + 2 <= len; i += 2) {
		guint16 w;
		memcpy(&w, data + i, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	if (i < len) {
		guint8 last[2] = {data[i], 0};
		guint16 w;
		memcpy(&w, last, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	/* host order back to the big-endian words the Internet checksum is defined on */
	sum = (guint64)GUINT16_FROM_BE((guint16)acc) + initial;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)sum;
}

static inline guint16
tempest_tun_get16(const guint8 *p)
{
	return (guint16)(p[0] << 8 | p[1]);
}

static inline void
tempest_tun_put16(guint8 *p, guint16 value)
{
	p[0] = (guint8)(value >> 8);
	p[1] = (guint8)value;
}

/* the pseudo-header of the transport checksum of an IPv4 or IPv6 packet */
static guint32
tempest_tun_pseudo_header(const guint8 *packet, guint8 proto, gsize transport_len)
{
	gboolean v6 = packet[0] >> 4 == 6;
	guint16 sum = tempest_tun_checksum(packet + (v6 ? 8 : 12), v6 ? 32 : 8, 0);

	return (guint32)sum + proto + (guint32)(transport_len >> 16) +
	       (guint32)(transport_len & 0xffff);
}

/* header lengths of a super-packet, checked against what it holds */
static gboolean
tempest_tun_gso_headers(const TempestTunVnetHdr *hdr, const guint8 *in, gsize in_len,
			gboolean *tcp_out, gsize *hdr_len_out)
{
	gboolean v6 = in_len > 0 && in[0] >> 4 == 6;
	gsize iph_len = hdr->csum_start;

	*tcp_out = hdr->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ||
		   hdr->gso_type == VIRTIO_NET_HDR_GSO_TCPV6;
	if (in_len == 0 || (in[0] >> 4 != 4 && !v6) || iph_len < (v6 ? 40u : 20u) ||
	    iph_len + (*tcp_out ? 20u : 8u) > in_len || hdr->gso_size == 0)
		return FALSE;
	/* the header must carry what the kernel says it segments */
	if (in[v6 ? 6 : 9] != (*tcp_out ? 6 : 17))
		return FALSE;
	/* the kernel's hdr_len is a hint; the TCP header says its own length */
	*hdr_len_out = iph_len + (*tcp_out ? (gsize)(in[iph_len + 12] >> 4) * 4 : 8);
	return *hdr_len_out >= iph_len + (*tcp_out ? 20u : 8u) && *hdr_len_out <= in_len;
}

/* one segment's headers: lengths, IPv4 id and checksum, TCP sequence and flags */
static void
tempest_tun_gso_fix_headers(guint8 *out, gsize total, gsize iph_len, gboolean tcp, guint i,
			    gboolean last, gsize gso_size)
{
	if (out[0] >> 4 == 4) {
		tempest_tun_put16(out + 2, (guint16)total);
		tempest_tun_put16(out + 4, (guint16)(tempest_tun_get16(out + 4) + i));
		tempest_tun_put16(out + 10, 0);
		tempest_tun_put16(out + 10, (guint16)~tempest_tun_checksum(out, iph_len, 0));
	} else {
		tempest_tun_put16(out + 4, (guint16)(total - 40));
	}
	if (tcp) {
		guint8 *th = out + iph_len;
		guint32 seq =
			(guint32)th[4] << 24 | (guint32)th[5] << 16 | (guint32)th[6] << 8 | th[7];
		seq += (guint32)(i * gso_size);
		th[4] = (guint8)(seq >> 24);
		th[5] = (guint8)(seq >> 16);
		th[6] = (guint8)(seq >> 8);
		th[7] = (guint8)seq;
		/* CWR belongs to the first segment only, FIN and PSH to the last (as the
		 * kernel's tcp_gso_segment() cuts) */
		if (i > 0)
			th[13] &= (guint8)~0x80;
		if (!last)
			th[13] &= (guint8)~0x09;
	} else {
		tempest_tun_put16(out + iph_len + 4, (guint16)(total - iph_len));
	}
}

static void
tempest_tun_fill_transport_checksum(guint8 *packet, gsize total, gsize iph_len, gboolean tcp)
{
	gsize at = iph_len + (tcp ? 16 : 6);
	guint32 pseudo = tempest_tun_pseudo_header(packet, tcp ? 6 : 17, total - iph_len);
	guint16 sum;

	tempest_tun_put16(packet + at, 0);
	sum = (guint16)~tempest_tun_checksum(packet + iph_len, total - iph_len, pseudo);
	/* UDP: zero means "no checksum", so a computed zero is sent as all ones */
	tempest_tun_put16(packet + at, !tcp && sum == 0 ? 0xffff : sum);
}

/**
 * tempest_tun_gso_split:
 * @hdr: the virtio header the kernel put before @in
 * @in: the packet as read (its checksum fields may be changed)
 * @out: buffers for the packets
 *
 * Cuts a TCP or UDP super-packet into packets of @hdr->gso_size payload bytes, each with
 * its own lengths, IPv4 id, TCP sequence number and flags, and complete checksums; a plain
 * packet whose checksum was left to us gets it, and is copied to @out[0].
 *
 * Returns: the number of packets, -EINVAL for a header that does not match the packet,
 * -ENOSPC if @out has too few or too small buffers
 */
gint
tempest_tun_gso_split(const TempestTunVnetHdr *hdr, guint8 *in, gsize in_len, TempestTunPacket *out,
		      guint n_out)
{
	gboolean tcp;
	gsize hdr_len;
	gsize payload;
	guint n_segments;

	if (hdr->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			gsize at = (gsize)hdr->csum_start + hdr->csum_offset;
			if (at + 2 > in_len)
				return -EINVAL;
			/* the field holds the pseudo-header sum already */
			tempest_tun_put16(in + at, (guint16)~tempest_tun_checksum(
							   in + hdr->csum_start,
							   in_len - hdr->csum_start, 0));
		}
		if (n_out < 1 || out[0].size < in_len)
			return -ENOSPC;
		memcpy(out[0].data, in, in_len);
		out[0].len = in_len;
		return 1;
	}
	if (hdr->gso_type != VIRTIO_NET_HDR_GSO_TCPV4 &&
	    hdr->gso_type != VIRTIO_NET_HDR_GSO_TCPV6 && hdr->gso_type != VIRTIO_NET_HDR_GSO_UDP_L4)
		return -EINVAL;
	if (!tempest_tun_gso_headers(hdr, in, in_len, &tcp, &hdr_len))
		return -EINVAL;
	payload = in_len - hdr_len;
	n_segments = (guint)((payload + hdr->gso_size - 1) / hdr->gso_size);
	if (n_segments == 0 || n_segments > n_out)
		return n_segments == 0 ? -EINVAL : -ENOSPC;
	for (guint i = 0; i < n_segments; i++) {
		gsize offset = (gsize)i * hdr->gso_size;
		gsize chunk = MIN(hdr->gso_size, payload - offset);
		gsize total = hdr_len + chunk;
		if (out[i].size < total)
			return -ENOSPC;
		memcpy(out[i].data, in, hdr_len);
		memcpy(out[i].data + hdr_len, in + hdr_len + offset, chunk);
		tempest_tun_gso_fix_headers(out[i].data, total, hdr->csum_start, tcp, i,
					    i + 1 == n_segments, hdr->gso_size);
		tempest_tun_fill_transport_checksum(out[i].data, total, hdr->csum_start, tcp);
		out[i].len = total;
	}
	return (gint)n_segments;
}

/* waits until @fd can be read; FALSE when woken to stop */
static gboolean
tempest_tun_wait(TempestTun *self, gint fd)
{
	struct pollfd fds[2] = {{fd, POLLIN, 0}, {self->wake_fd, POLLIN, 0}};

	while (poll(fds, 2, -1) < 0)
		if (errno != EINTR)
			return FALSE;
	return fds[1].revents == 0;
}

/* with offload: one packet (perhaps a super-packet) through @scratch */
static gint
tempest_tun_read_offload(TempestTun *self, gint fd, guint8 *scratch, TempestTunPacket *packets,
			 guint n_packets)
{
	TempestTunVnetHdr hdr;
	gssize got = read(fd, scratch, TEMPEST_TUN_SCRATCH_LEN);

	if (got < 0)
		return -errno;
	if (got < TEMPEST_TUN_VNET_HDR_LEN)
		return -EINVAL;
	memcpy(&hdr, scratch, sizeof(hdr));
	return tempest_tun_gso_split(&hdr, scratch + TEMPEST_TUN_VNET_HDR_LEN,
				     (gsize)got - TEMPEST_TUN_VNET_HDR_LEN, packets, n_packets);
}

/**
 * tempest_tun_read:
 * @scratch: with offload, TEMPEST_TUN_SCRATCH_LEN bytes of this thread's; else unused
 * @packets: buffers of at least the MTU; with offload at least TEMPEST_TUN_MAX_SEGMENTS
 *
 * Blocks until a packet is there, then takes what is queued without waiting more.
 *
 * Returns: the number of packets, 0 after tempest_tun_wake(), or -errno
 */
gint
tempest_tun_read(TempestTun *self, guint queue, guint8 *scratch, TempestTunPacket *packets,
		 guint n_packets)
{
	gint fd = tempest_tun_get_fd(self, queue);
	gboolean vnet = (self->flags & TEMPEST_TUN_FLAG_OFFLOAD) != 0;
	guint count = 0;

	g_return_val_if_fail(!vnet || scratch != NULL, -EINVAL);
	if (fd < 0)
		return -EBADF;
	if (!tempest_tun_wait(self, fd))
		return 0;
	while (count < n_packets &&
	       (!vnet || n_packets - count >= TEMPEST_TUN_MAX_SEGMENTS || count == 0)) {
		gssize got;
		if (vnet) {
			got = tempest_tun_read_offload(self, fd, scratch, packets + count,
						       n_packets - count);
		} else {
			got = read(fd, packets[count].data, packets[count].size);
			if (got >= 0)
				packets[count].len = (gsize)got;
			got = got >= 0 ? 1 : -errno;
		}
		if (got == -EAGAIN || got == -EINTR)
			break;
		if (got < 0)
			return count > 0 ? (gint)count : (gint)got;
		count += (guint)got;
	}
	return (gint)count;
}

/**
 * tempest_tun_write:
 *
 * Hands the packets to the kernel one by one (with an empty virtio header when offloads are
 * on: each packet is complete).
 *
 * Returns: how many were written, or -errno if the first failed
 */
gint
tempest_tun_write(TempestTun *self, guint queue, const TempestTunPacket *packets, guint n_packets)
{
	static const TempestTunVnetHdr plain = {0};
	gint fd = tempest_tun_get_fd(self, queue);
	gboolean vnet = (self->flags & TEMPEST_TUN_FLAG_OFFLOAD) != 0;

	if (fd < 0)
		return -EBADF;
	for (guint i = 0; i < n_packets; i++) {
		struct iovec iov[2] = {{(void *)&plain, sizeof(plain)},
				       {packets[i].data, packets[i].len}};
		gssize ret;
		do
			ret = vnet ? writev(fd, iov, 2) : writev(fd, iov + 1, 1);
		while (ret < 0 && errno == EINTR);
		if (ret < 0)
			return i > 0 ? (gint)i : -errno;
	}
	return (gint)n_packets;
}

/*
 * GRO towards the kernel: the TCP segments of one flow that a batch received back to back
 * leave as one super-packet (virtio-net header with GSO and checksum offload), as a NIC's GRO
 * would have handed them up: the kernel's TCP then sees one packet per flow and batch, not
 * forty. The rules are the kernel's tcp_gro_receive(): same addresses, ports, IP header
 * fields but the lengths, IDs counting up (IPv4), the same acknowledgement, window, header
 * length and options; only ACK set, PSH on the last segment alone; consecutive sequence
 * numbers; every segment as long as the first but the last, which may be shorter. Each
 * segment's checksums are verified first, since the kernel computes the super-packet's anew:
 * coalescing must not turn a damaged segment into a good one.
 */

#define TEMPEST_TUN_GRO_NONE G_MAXUINT16
#define TEMPEST_TUN_TCP_ACK 0x10
#define TEMPEST_TUN_TCP_PSH 0x08

/* what GRO looks at in a packet; FALSE when it cannot be coalesced */
typedef struct {
	gboolean v6;
	gsize iph;
	gsize hdr; /* IP and TCP headers */
	gsize payload;
	guint32 seq;
	guint8 flags;
} TempestTunGroInfo;

struct _TempestTunGro {
	guint16 next[TEMPEST_TUN_GRO_MAX_PACKETS];  /* the next segment of i's group */
	guint16 tail[TEMPEST_TUN_GRO_MAX_PACKETS];  /* at a head: its last segment */
	guint16 count[TEMPEST_TUN_GRO_MAX_PACKETS]; /* at a head: its segments; 0 elsewhere */
	guint32 seq_next[TEMPEST_TUN_GRO_MAX_PACKETS];
	guint32 total[TEMPEST_TUN_GRO_MAX_PACKETS]; /* at a head: the super-packet's length */
	guint16 open[TEMPEST_TUN_GRO_FLOWS];        /* heads that may take more segments */
	TempestTunGroInfo open_info[TEMPEST_TUN_GRO_FLOWS];
	guint n_open;
};

TempestTunGro *
tempest_tun_gro_new(void)
{
	return g_new0(TempestTunGro, 1);
}

void
tempest_tun_gro_free(TempestTunGro *gro)
{
	g_free(gro);
}

/* open group k takes no more segments */
static void
tempest_tun_gro_forget(TempestTunGro *gro, guint k)
{
	memmove(gro->open + k, gro->open + k + 1, sizeof(gro->open[0]) * (gro->n_open - k - 1));
	memmove(gro->open_info + k, gro->open_info + k + 1,
		sizeof(gro->open_info[0]) * (gro->n_open - k - 1));
	gro->n_open--;
}

static gboolean
tempest_tun_gro_parse(const guint8 *p, gsize len, TempestTunGroInfo *info)
{
	const guint8 *th;

	info->v6 = len >= 40 && p[0] >> 4 == 6;
	if (info->v6) {
		if (p[6] != 6 || (gsize)tempest_tun_get16(p + 4) + 40 != len)
			return FALSE;
		info->iph = 40;
	} else {
		if (len < 20 || p[0] >> 4 != 4 || p[9] != 6 || tempest_tun_get16(p + 2) != len ||
		    (tempest_tun_get16(p + 6) & 0x3fff) != 0)
			return FALSE;
		info->iph = (gsize)(p[0] & 0x0f) * 4;
	}
	if (info->iph < 20 || info->iph + 20 > len ||
	    (!info->v6 && tempest_tun_checksum(p, info->iph, 0) != 0xffff))
		return FALSE;
	th = p + info->iph;
	info->hdr = info->iph + (gsize)(th[12] >> 4) * 4;
	info->flags = th[13];
	if (info->hdr < info->iph + 20 || info->hdr >= len ||
	    (info->flags & ~TEMPEST_TUN_TCP_PSH) != TEMPEST_TUN_TCP_ACK)
		return FALSE;
	info->payload = len - info->hdr;
	info->seq = (guint32)th[4] << 24 | (guint32)th[5] << 16 | (guint32)th[6] << 8 | th[7];
	return tempest_tun_checksum(th, len - info->iph,
				    tempest_tun_pseudo_header(p, 6, len - info->iph)) == 0xffff;
}

/* the same connection: addresses and ports */
static gboolean
tempest_tun_gro_same_flow(const guint8 *a, const guint8 *b, const TempestTunGroInfo *ia,
			  const TempestTunGroInfo *ib)
{
	gsize at = ia->v6 ? 8 : 12;
	gsize n = ia->v6 ? 32 : 8;

	return ia->v6 == ib->v6 && ia->iph == ib->iph && memcmp(a + at, b + at, n) == 0 &&
	       memcmp(a + ia->iph, b + ib->iph, 4) == 0;
}

/* whether segment b may follow the group that head a (of count segments) starts */
static gboolean
tempest_tun_gro_fits(const TempestTunGro *gro, guint16 h, const guint8 *a, const guint8 *b,
		     const TempestTunGroInfo *ia, const TempestTunGroInfo *ib)
{
	const guint8 *ta = a + ia->iph;
	const guint8 *tb = b + ib->iph;

	if (gro->count[h] >= TEMPEST_TUN_GRO_MAX_SEGMENTS || ia->hdr != ib->hdr ||
	    ib->payload > ia->payload || ib->seq != gro->seq_next[h] ||
	    gro->total[h] + ib->payload > G_MAXUINT16)
		return FALSE;
	if (ia->v6 ? memcmp(a, b, 4) != 0 || memcmp(a + 6, b + 6, 2) != 0
		   : memcmp(a, b, 2) != 0 || memcmp(a + 6, b + 6, 4) != 0 ||
			     memcmp(a + 20, b + 20, ia->iph - 20) != 0 ||
			     tempest_tun_get16(b + 4) !=
				     (guint16)(tempest_tun_get16(a + 4) + gro->count[h]))
		return FALSE;
	/* acknowledgement, header length, window, urgent pointer and options; the flags were
	 * checked by the parse */
	return memcmp(ta + 8, tb + 8, 5) == 0 && memcmp(ta + 14, tb + 14, 2) == 0 &&
	       memcmp(ta + 18, tb + 18, 2) == 0 &&
	       memcmp(ta + 20, tb + 20, ia->hdr - ia->iph - 20) == 0;
}

static void
tempest_tun_gro_start(TempestTunGro *gro, guint16 i, gsize len, const TempestTunGroInfo *info,
		      gboolean candidate)
{
	gro->count[i] = 1;
	gro->tail[i] = i;
	gro->total[i] = (guint32)len;
	gro->seq_next[i] = candidate ? info->seq + (guint32)info->payload : 0;
	if (!candidate || (info->flags & TEMPEST_TUN_TCP_PSH) != 0)
		return;
	/* full: the oldest flow is written as it is */
	if (gro->n_open == TEMPEST_TUN_GRO_FLOWS)
		tempest_tun_gro_forget(gro, 0);
	gro->open[gro->n_open] = i;
	gro->open_info[gro->n_open] = *info;
	gro->n_open++;
}

/* packet i joins the open group of its flow if it fits: TRUE. A flow whose group it does not
 * fit goes on in a new group (written after the old one). */
static gboolean
tempest_tun_gro_join(TempestTunGro *gro, const TempestTunPacket *packets, guint16 i,
		     const TempestTunGroInfo *info)
{
	for (guint k = 0; k < gro->n_open; k++) {
		guint16 h = gro->open[k];
		const TempestTunGroInfo *head = &gro->open_info[k];
		if (!tempest_tun_gro_same_flow(packets[h].data, packets[i].data, head, info))
			continue;
		if (!tempest_tun_gro_fits(gro, h, packets[h].data, packets[i].data, head, info)) {
			tempest_tun_gro_forget(gro, k);
			return FALSE;
		}
		gro->next[gro->tail[h]] = i;
		gro->tail[h] = i;
		gro->count[h]++;
		gro->total[h] += (guint32)info->payload;
		gro->seq_next[h] += (guint32)info->payload;
		if (info->payload < head->payload || (info->flags & TEMPEST_TUN_TCP_PSH) != 0)
			tempest_tun_gro_forget(gro, k);
		return TRUE;
	}
	return FALSE;
}

/* groups the packets: a head's count says how many segments follow it by next */
static void
tempest_tun_gro_plan(TempestTunGro *gro, const TempestTunPacket *packets, guint n)
{
	gro->n_open = 0;
	for (guint16 i = 0; i < n; i++) {
		TempestTunGroInfo info;
		gboolean candidate = tempest_tun_gro_parse(packets[i].data, packets[i].len, &info);
		gro->next[i] = TEMPEST_TUN_GRO_NONE;
		gro->count[i] = 0;
		if (!candidate || !tempest_tun_gro_join(gro, packets, i, &info))
			tempest_tun_gro_start(gro, i, packets[i].len, &info, candidate);
	}
}

/* writes one frame; the errno, or 0 */
static gint
tempest_tun_writev(gint fd, struct iovec *iov, guint n_iov)
{
	gssize ret;

	do
		ret = writev(fd, iov, (gint)n_iov);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? errno : 0;
}

/* the group that starts at head h as one super-packet: its headers rewritten in a copy (the
 * packets stay as they are, for a fallback), then the payload of every segment */
static gint
tempest_tun_gro_write_group(gint fd, const TempestTunGro *gro, const TempestTunPacket *packets,
			    guint16 h)
{
	const guint8 *p = packets[h].data;
	TempestTunGroInfo info;
	TempestTunVnetHdr vnet = {0};
	struct iovec iov[TEMPEST_TUN_GRO_MAX_SEGMENTS + 2];
	guint8 hdr[120];
	guint n_iov = 0;
	guint16 pseudo;

	(void)tempest_tun_gro_parse(p, packets[h].len, &info);
	memcpy(hdr, p, info.hdr);
	if (info.v6) {
		tempest_tun_put16(hdr + 4, (guint16)(gro->total[h] - 40));
	} else {
		tempest_tun_put16(hdr + 2, (guint16)gro->total[h]);
		tempest_tun_put16(hdr + 10, 0);
		tempest_tun_put16(hdr + 10, (guint16)~tempest_tun_checksum(hdr, info.iph, 0));
	}
	/* PSH, if any, came with the last segment */
	hdr[info.iph + 13] |= packets[gro->tail[h]].data[info.iph + 13] & TEMPEST_TUN_TCP_PSH;
	/* NEEDS_CSUM: the field holds the pseudo-header's sum, the kernel adds the rest */
	pseudo = tempest_tun_checksum(NULL, 0,
				      tempest_tun_pseudo_header(hdr, 6, gro->total[h] - info.iph));
	tempest_tun_put16(hdr + info.iph + 16, pseudo);
	vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vnet.gso_type = info.v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	vnet.hdr_len = (guint16)info.hdr;
	vnet.gso_size = (guint16)info.payload;
	vnet.csum_start = (guint16)info.iph;
	vnet.csum_offset = 16;
	iov[n_iov++] = (struct iovec){&vnet, sizeof(vnet)};
	iov[n_iov++] = (struct iovec){hdr, info.hdr};
	for (guint16 i = h; i != TEMPEST_TUN_GRO_NONE; i = gro->next[i])
		iov[n_iov++] =
			(struct iovec){packets[i].data + info.hdr, packets[i].len - info.hdr};
	return tempest_tun_writev(fd, iov, n_iov);
}

/**
 * tempest_tun_gro_write_fd:
 * @fd: a TUN queue opened with IFF_VNET_HDR and offloads (or, in tests, a SOCK_SEQPACKET)
 *
 * Writes @packets to @fd, the TCP segments of a flow that follow each other coalesced into
 * super-packets (above); every other packet as it is. The order within a flow is kept. If the
 * kernel refuses a super-packet, its segments go one by one.
 *
 * Returns: how many of @packets were written (a full queue drops the rest, as a NIC would)
 */
guint
tempest_tun_gro_write_fd(gint fd, TempestTunGro *gro, const TempestTunPacket *packets, guint n)
{
	static const TempestTunVnetHdr plain = {0};
	guint written = 0;

	n = MIN(n, TEMPEST_TUN_GRO_MAX_PACKETS);
	tempest_tun_gro_plan(gro, packets, n);
	for (guint16 h = 0; h < n; h++) {
		if (gro->count[h] == 0)
			continue;
		if (gro->count[h] > 1 && tempest_tun_gro_write_group(fd, gro, packets, h) == 0) {
			written += gro->count[h];
			continue;
		}
		for (guint16 i = h; i != TEMPEST_TUN_GRO_NONE; i = gro->next[i]) {
			struct iovec iov[2] = {{(void *)&plain, sizeof(plain)},
					       {packets[i].data, packets[i].len}};
			written += tempest_tun_writev(fd, iov, 2) == 0;
		}
	}
	return written;
}

/**
 * tempest_tun_write_gro:
 * @gro: this thread's scratch space (tempest_tun_gro_new())
 *
 * tempest_tun_write(), with the TCP segments of a flow coalesced into super-packets when the
 * device has offloads (tempest_tun_gro_write_fd()).
 *
 * Returns: how many packets were written, or -errno
 */
gint
tempest_tun_write_gro(TempestTun *self, guint queue, TempestTunGro *gro,
		      const TempestTunPacket *packets, guint n_packets)
{
	gint fd = tempest_tun_get_fd(self, queue);

	if (!self->offload)
		return tempest_tun_write(self, queue, packets, n_packets);
	if (fd < 0)
		return -EBADF;
	return (gint)tempest_tun_gro_write_fd(fd, gro, packets, n_packets);
}
