/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * ArcKcp: a KCP-style ARQ over datagrams (docs/protocol.md "KCP transport"), pure code: the
 * caller feeds received datagrams with arc_kcp_input(), the clock with arc_kcp_update(), and
 * gets the datagrams to send through its output function. Not thread-safe; no allocation after
 * arc_kcp_new(): the send and receive windows are rings of segments of one MTU each, so a peer
 * can make it hold at most the windows it was given, whatever it sends.
 */

#define ARC_KCP_HEADER_SIZE 22 /* bytes of a segment header */
#define ARC_KCP_MTU_MIN 64
#define ARC_KCP_MTU_MAX 9000
#define ARC_KCP_WND_MAX 8192 /* segments, either window */

/* segment commands */
enum {
	ARC_KCP_CMD_PUSH = 1, /* data */
	ARC_KCP_CMD_ACK = 2,  /* acknowledges one segment */
	ARC_KCP_CMD_WASK = 3, /* asks for the receive window (the peer advertised none) */
	ARC_KCP_CMD_WINS = 4, /* tells the receive window */
};

/* the result of arc_kcp_input() */
typedef enum {
	ARC_KCP_INPUT_OK,
	ARC_KCP_INPUT_SHORT, /* truncated header or payload: the rest of the datagram is ignored */
	ARC_KCP_INPUT_CONV,  /* another conversation */
	ARC_KCP_INPUT_BAD,   /* unknown command or a payload larger than one segment */
} ArcKcpInputResult;

typedef void (*ArcKcpOutputFunc)(const guint8 *data, gsize len, gpointer user_data);

typedef struct _ArcKcp ArcKcp;

typedef struct {
	guint64 segments_sent; /* first transmissions */
	guint64 retransmits;   /* by timeout */
	guint64 fast_retransmits;
	guint64 segments_received; /* PUSH segments accepted into the window */
	guint64 duplicates;        /* PUSH segments already held or delivered */
	guint64 out_of_window;     /* PUSH segments beyond the receive window (dropped) */
	guint64 bad_datagrams;
	guint32 srtt_ms;
	guint32 rto_ms;
	guint32 cwnd;
} ArcKcpStats;

ArcKcp *arc_kcp_new(guint32 conv, guint mtu, guint snd_wnd, guint rcv_wnd, ArcKcpOutputFunc output,
		    gpointer user_data);
void arc_kcp_free(ArcKcp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcKcp, arc_kcp_free)

void arc_kcp_set_nodelay(ArcKcp *self, gboolean nodelay, guint interval_ms, guint fast_resend,
			 gboolean no_congestion_window);
void arc_kcp_set_stream(ArcKcp *self, gboolean stream);
guint32 arc_kcp_get_conv(const ArcKcp *self);

gssize arc_kcp_send(ArcKcp *self, const guint8 *data, gsize len);
gssize arc_kcp_recv(ArcKcp *self, guint8 *buf, gsize len);
gssize arc_kcp_peek_size(const ArcKcp *self);
ArcKcpInputResult arc_kcp_input(ArcKcp *self, const guint8 *data, gsize len, guint32 now_ms);
void arc_kcp_update(ArcKcp *self, guint32 now_ms);
guint32 arc_kcp_check(const ArcKcp *self, guint32 now_ms);
void arc_kcp_flush(ArcKcp *self, guint32 now_ms);

guint arc_kcp_waiting(const ArcKcp *self);
gboolean arc_kcp_is_dead(const ArcKcp *self);
void arc_kcp_get_stats(const ArcKcp *self, ArcKcpStats *stats);

G_END_DECLS
