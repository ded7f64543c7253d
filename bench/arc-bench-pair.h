/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-bench-agent.h"

#define ARC_BENCH_STEPS 6 /* the steps A reports with ?debug=true */
#define ARC_BENCH_SIDES 2 /* A, the initiator; B, the responder */

extern const gchar *const arc_bench_step_names[ARC_BENCH_STEPS];

typedef enum {
	ARC_BENCH_CLOCK_SCHED,   /* /proc/PID/task/TID/schedstat, ns */
	ARC_BENCH_CLOCK_PROCESS, /* clock_getcpuclockid(), ns */
	ARC_BENCH_CLOCK_TICKS,   /* /proc/PID/stat utime + stime, clock ticks */
	ARC_BENCH_CLOCK_LAST
} ArcBenchClock;

/* requests to A alone, timed for comparison with the handshake */
typedef enum {
	ARC_BENCH_REF_IDENTITY_KEPT, /* GET /v1/cluster/identity on a kept-alive connection */
	ARC_BENCH_REF_IDENTITY_NEW,  /* the same on a new connection */
	ARC_BENCH_REF_TOKEN,         /* POST /v1/oauth/token */
	ARC_BENCH_REF_PEERS_FRESH,   /* GET /v1/peers with that new token */
	ARC_BENCH_REF_PEERS_CACHED,  /* GET /v1/peers with it again */
	ARC_BENCH_REF_LAST
} ArcBenchRef;

/* CPU time one agent spent inside the measured windows */
typedef struct {
	gint64 total[ARC_BENCH_CLOCK_LAST];
	gboolean broken[ARC_BENCH_CLOCK_LAST];
	guint threads_min;
	guint threads_max;
	guint fds_start;
	guint fds_end;
	gdouble idle_ns_per_s; /* process clock while nothing happens */
} ArcBenchSide;

/* one initiator/responder pair, with its data on one kind of storage */
typedef struct {
	gchar *label;
	gchar *dir;
	gchar *fs;
	gchar *cli_config;
	gchar *build_dir; /* to start the responder again */
	gchar *license;
	gchar *b_config;
	gchar *b_data;
	gchar *b_log;
	ArcBenchAgent *agent[ARC_BENCH_SIDES];
	GArray *latency;                    /* gdouble ms, one per measured cycle */
	GArray *steps[ARC_BENCH_STEPS + 1]; /* gdouble ms, same cycles; the last: the rest */
	GArray *on_cpu;                     /* gdouble ms, same cycles: A + B on a CPU */
	GArray *wait_cpu;                   /* gdouble ms, same cycles: A + B waiting for one */
	ArcBenchSide side[ARC_BENCH_SIDES];
	GArray *ref_ms[ARC_BENCH_REF_LAST];
	GArray *ref_cpu_ms[ARC_BENCH_REF_LAST];  /* A's, process clock */
	GArray *cli_ms;                          /* `arctic peers add`, wall clock */
	GArray *cli_cpu_ms[ARC_BENCH_SIDES + 1]; /* A, B, the CLI process */
	guint failures;
	gchar *first_failure;
	gchar *cli_failure;
} ArcBenchPair;

ArcBenchPair *arc_bench_pair_new(const gchar *label, const gchar *base, GError **error);
void arc_bench_pair_free(ArcBenchPair *self);
gboolean arc_bench_pair_start(ArcBenchPair *self, const gchar *build_dir, const gchar *work,
			      GError **error);
gboolean arc_bench_pair_cycle(ArcBenchPair *self, gboolean measure, GError **error);
void arc_bench_pair_measure_idle(ArcBenchPair *self, gulong usec);
gboolean arc_bench_pair_reference_sample(ArcBenchPair *self, GError **error);
gboolean arc_bench_pair_cli_cycle(ArcBenchPair *self, const gchar *cli, GError **error);
void arc_bench_pair_finish(ArcBenchPair *self);
gdouble arc_bench_pair_cpu_ms(ArcBenchPair *self, guint side, ArcBenchClock clock);
gdouble arc_bench_pair_cpu_best_ms(ArcBenchPair *self, guint side);
gdouble arc_bench_pair_mean_in_tail(ArcBenchPair *self, GArray *values);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBenchPair, arc_bench_pair_free)

gint64 arc_bench_now_ns(void);
gdouble arc_bench_percentile(GArray *values, gdouble q);
gdouble arc_bench_mean(GArray *values);
