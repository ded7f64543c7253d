/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The tunnel's TUN device (/dev/net/tun, IFF_TUN | IFF_NO_PI): layer 3 packets in and out.
 * Optionally multi-queue (one file descriptor per I/O thread) and with offloads: IFF_VNET_HDR
 * and TUNSETOFFLOAD let the kernel hand over TCP (and UDP) super-packets of up to 64 KiB with
 * their checksums left to us; tempest_tun_read() splits them into packets of the size the
 * sender negotiated and completes every checksum, as a NIC would.
 *
 * Threads: each queue is read by one thread and written by any; a thread's read needs its own
 * scratch buffer. tempest_tun_wake() makes blocked reads return 0 (to stop). Configuration
 * calls (MTU, up) may come from any thread. Free only after every thread left.
 */

#define TEMPEST_TUN_VNET_HDR_LEN 10
#define TEMPEST_TUN_SCRATCH_LEN (TEMPEST_TUN_VNET_HDR_LEN + 65535)
#define TEMPEST_TUN_MAX_SEGMENTS 128 /* a read with offload needs room for this many packets */

typedef enum {
	TEMPEST_TUN_FLAG_NONE = 0,
	TEMPEST_TUN_FLAG_MULTI_QUEUE = 1 << 0,
	TEMPEST_TUN_FLAG_OFFLOAD = 1 << 1, /* IFF_VNET_HDR with TSO and checksum offload */
} TempestTunFlags;

/* struct virtio_net_hdr as the TUN device lays it out (host byte order) */
typedef struct __attribute__((packed)) {
	guint8 flags;
	guint8 gso_type;
	guint16 hdr_len;
	guint16 gso_size;
	guint16 csum_start;
	guint16 csum_offset;
} TempestTunVnetHdr;

G_STATIC_ASSERT(sizeof(TempestTunVnetHdr) == TEMPEST_TUN_VNET_HDR_LEN);

typedef struct {
	guint8 *data; /* the caller's buffer */
	gsize size;   /* its capacity */
	gsize len;    /* the packet's length */
} TempestTunPacket;

typedef struct _TempestTun TempestTun;

TempestTun *tempest_tun_open(const gchar *name, TempestTunFlags flags, GError **error);
void tempest_tun_free(TempestTun *self);
const gchar *tempest_tun_get_name(const TempestTun *self);
gint tempest_tun_get_fd(const TempestTun *self, guint queue);
guint tempest_tun_get_n_queues(const TempestTun *self);
gint tempest_tun_add_queue(TempestTun *self, GError **error);
gboolean tempest_tun_get_offload(const TempestTun *self);
gboolean tempest_tun_set_mtu(TempestTun *self, guint mtu, GError **error);
gboolean tempest_tun_get_mtu(TempestTun *self, guint *mtu_out, GError **error);
gboolean tempest_tun_set_up(TempestTun *self, gboolean up, GError **error);
void tempest_tun_wake(TempestTun *self);

gint tempest_tun_read(TempestTun *self, guint queue, guint8 *scratch, TempestTunPacket *packets,
		      guint n_packets);
gint tempest_tun_write(TempestTun *self, guint queue, const TempestTunPacket *packets,
		       guint n_packets);

/* GRO towards the kernel: a thread's scratch space for coalescing what it writes */
#define TEMPEST_TUN_GRO_MAX_PACKETS 4096
#define TEMPEST_TUN_GRO_MAX_SEGMENTS 64 /* per super-packet */
#define TEMPEST_TUN_GRO_FLOWS 16        /* flows coalesced at once */

typedef struct _TempestTunGro TempestTunGro;

TempestTunGro *tempest_tun_gro_new(void);
void tempest_tun_gro_free(TempestTunGro *gro);
gint tempest_tun_write_gro(TempestTun *self, guint queue, TempestTunGro *gro,
			   const TempestTunPacket *packets, guint n_packets);
guint tempest_tun_gro_write_fd(gint fd, TempestTunGro *gro, const TempestTunPacket *packets,
			       guint n);

gint tempest_tun_gso_split(const TempestTunVnetHdr *hdr, guint8 *in, gsize in_len,
			   TempestTunPacket *out, guint n_out);
guint16 tempest_tun_checksum(const guint8 *data, gsize len, guint32 initial);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestTun, tempest_tun_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestTunGro, tempest_tun_gro_free)

G_END_DECLS
