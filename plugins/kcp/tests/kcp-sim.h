/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-kcp-fec.h"
#include "arc-kcp.h"

/*
 * An in-process path for the kcp engine's tests and figures: two endpoints (an ArcKcp, with or
 * without FEC) joined by a simulated link per direction with a one-way delay, seeded random
 * loss, duplication and extra delay (reordering), and a rate limit with a drop-tail queue, all
 * on a virtual millisecond clock.
 */

typedef struct {
	guint delay_ms;
	guint jitter_ms;    /* extra delay 0..jitter per datagram: reorders */
	gdouble loss;       /* per datagram, each direction */
	gdouble duplicate;  /* per datagram */
	gdouble rate_mbit;  /* 0: unlimited */
	guint queue_ms;     /* drop-tail limit of the rate limiter */
	guint fec_k, fec_m; /* 0: no FEC */
	guint mtu;          /* of the datagrams on the link */
	guint wnd;          /* both windows, segments */
	gboolean stream;
	gboolean fast;       /* nodelay, 10 ms, fast resend 2 */
	gboolean congestion; /* with fast: keep the congestion window */
	guint32 seed;
} KcpSimConfig;

typedef struct {
	guint64 bytes;
	guint32 elapsed_ms;
	gboolean complete;
	gboolean identical; /* the receiver's bytes hash like the sender's */
	ArcKcpStats sender;
	guint64 datagrams_sent;
	guint64 datagrams_lost;
	guint64 fec_recovered;
} KcpSimResult;

void kcp_sim_config_init(KcpSimConfig *config);
void kcp_sim_transfer(const KcpSimConfig *config, gsize bytes, guint32 time_limit_ms,
		      KcpSimResult *result);
