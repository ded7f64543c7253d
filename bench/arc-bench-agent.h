/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sys/types.h>

#include "arc-test-process.h"

/* What one process has run so far, by three clocks of different precision. */
typedef struct {
	gint64 ticks;    /* utime + stime of /proc/PID/stat, clock ticks */
	gint64 sched_ns; /* first field of /proc/PID/task/TID/schedstat summed, or -1 */
	gint64 clock_ns; /* the process CPU-time clock (clock_getcpuclockid), or -1 */
	gint64 wait_ns;  /* second field of schedstat summed: runnable, waiting for a CPU */
	guint threads;
} ArcBenchCpu;

/* A built arctic-agent run for the benchmark (started by the tests' launcher, so it honours
 * ARC_TEST_AGENT_WRAPPER too), and the bench's HTTP session to it. */
typedef struct {
	gchar *label;
	gchar *address;  /* 127.0.0.1:PORT */
	gchar *log_path; /* the agent's stdout and stderr */
	ArcTestProcess *process;
	pid_t pid;
	gboolean stopping; /* SIGTERM sent */
	gboolean stopped;  /* and its exit seen */
	SoupSession *session;
	gchar *peer_id;
	gchar *cluster_id;
	gchar *client_id;
	gchar *client_secret;
	gchar *token;
} ArcBenchAgent;

ArcBenchAgent *arc_bench_agent_start(const gchar *build_dir, const gchar *label,
				     const gchar *config_path, const gchar *data_dir,
				     const gchar *log_path, guint16 port, GError **error);
gboolean arc_bench_agent_bootstrap(ArcBenchAgent *self, const gchar *license_path, GError **error);
gchar *arc_bench_agent_token_form(ArcBenchAgent *self);
gchar *arc_bench_agent_fetch_token(ArcBenchAgent *self, GError **error);
GBytes *arc_bench_agent_request(ArcBenchAgent *self, const gchar *method, const gchar *path,
				const gchar *token, const gchar *content_type, const gchar *body,
				SoupMessageFlags flags, guint *status, GError **error);
JsonNode *arc_bench_agent_request_json(ArcBenchAgent *self, const gchar *method, const gchar *path,
				       const gchar *token, const gchar *content_type,
				       const gchar *body, guint expected, GError **error);
void arc_bench_agent_sample_cpu(ArcBenchAgent *self, ArcBenchCpu *cpu);
guint arc_bench_agent_count_fds(ArcBenchAgent *self);
guint arc_bench_agent_count_log(ArcBenchAgent *self, const gchar *level, gchar **first);
void arc_bench_agent_signal_stop(ArcBenchAgent *self);
void arc_bench_agent_stop(ArcBenchAgent *self);
void arc_bench_agent_free(ArcBenchAgent *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBenchAgent, arc_bench_agent_free)

void arc_bench_rm_rf(const gchar *path);
gboolean arc_bench_make_license(const gchar *build_dir, const gchar *work, guint max_nodes,
				GError **error);
const gchar *arc_bench_json_get_string(JsonNode *node, const gchar *member);
JsonNode *arc_bench_json_from_bytes(GBytes *bytes, GError **error);

void arc_bench_catch_interrupts(void);
gboolean arc_bench_is_interrupted(void);
gboolean arc_bench_check_interrupted(GError **error);
void arc_bench_sleep(gint64 usec);
