/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-endpoint.h"

G_BEGIN_DECLS

/*
 * The tunnel's UDP port: one IPv4 and one IPv6 socket (IPV6_V6ONLY) on the same port, as
 * wireguard-go binds, so each family has its own receiving thread and plain addresses. Batched
 * receive (recvmmsg, with the local address each packet came to and, where the kernel
 * coalesces, UDP_GRO super-packets) and batched send (sendmmsg, and UDP_SEGMENT when the
 * kernel offers it: runs of equal-sized packets to one endpoint leave in one call).
 *
 * Threads: the sockets may be used from several threads at once (the kernel serialises);
 * each thread brings its own TempestUdpBatch (the scratch space of one call), so a call
 * allocates nothing. tempest_udp_shutdown() wakes receivers blocked in tempest_udp_recv();
 * free only after every thread left.
 */

#define TEMPEST_UDP_MAX_BATCH 128
#define TEMPEST_UDP_MAX_GSO_SEGMENTS 64 /* the kernel's UDP_MAX_SEGMENTS */
#define TEMPEST_UDP_GRO_BUFFER 65535    /* a buffer that can hold a coalesced receive */
#define TEMPEST_UDP_SOCKET_BUFFER (7 * 1024 * 1024)

typedef enum {
	TEMPEST_UDP_FLAG_NONE = 0,
	TEMPEST_UDP_FLAG_NO_GSO = 1 << 0, /* never send with UDP_SEGMENT */
	TEMPEST_UDP_FLAG_NO_GRO = 1 << 1, /* never ask for coalesced receives */
	TEMPEST_UDP_FLAG_IPV4_ONLY = 1 << 2,
	TEMPEST_UDP_FLAG_IPV6_ONLY = 1 << 3,
} TempestUdpFlags;

/* One datagram (or, received with GRO, several of segment_size bytes back to back). */
typedef struct {
	guint8 *data;       /* the caller's buffer */
	gsize size;         /* its capacity, for receiving */
	gsize len;          /* received length, or the length to send */
	gsize segment_size; /* received: 0, or the size of each coalesced datagram but the last */
	TempestEndpoint endpoint; /* received: source and local address; sent: destination */
} TempestUdpPacket;

typedef struct _TempestUdp TempestUdp;
typedef struct _TempestUdpBatch TempestUdpBatch;

TempestUdp *tempest_udp_open(guint16 port, guint32 fwmark, TempestUdpFlags flags, GError **error);
void tempest_udp_free(TempestUdp *self);
guint16 tempest_udp_get_port(const TempestUdp *self);
gint tempest_udp_get_fd(const TempestUdp *self, gint family);
gboolean tempest_udp_get_gso(const TempestUdp *self);
gboolean tempest_udp_get_gro(const TempestUdp *self);
gboolean tempest_udp_set_fwmark(TempestUdp *self, guint32 fwmark, GError **error);
gboolean tempest_udp_rebind(TempestUdp *self, guint16 port, GError **error);
void tempest_udp_shutdown(TempestUdp *self);

TempestUdpBatch *tempest_udp_batch_new(void);
void tempest_udp_batch_free(TempestUdpBatch *batch);

gint tempest_udp_recv(TempestUdp *self, gint family, TempestUdpBatch *batch,
		      TempestUdpPacket *packets, guint n_packets);
gint tempest_udp_send(TempestUdp *self, TempestUdpBatch *batch, TempestUdpPacket *packets,
		      guint n_packets);

gint tempest_udp_send_one(TempestUdp *self, const TempestEndpoint *endpoint, const guint8 *data,
			  gsize len);

/* a received packet, coalesced by GRO or not, as the datagrams it holds */
guint tempest_udp_packet_get_segments(const TempestUdpPacket *packet);
guint8 *tempest_udp_packet_get_segment(const TempestUdpPacket *packet, guint index, gsize *len_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestUdp, tempest_udp_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestUdpBatch, tempest_udp_batch_free)

G_END_DECLS
