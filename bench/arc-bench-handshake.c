/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Handshake benchmark of issue 3, item 9: two agents on 127.0.0.1 (same issuer), A adds B
 * with `POST /v1/peers` and both delete each other again, cycle after cycle. Each POST is
 * timed on the client's monotonic clock and both agents' CPU time is read right before and
 * after it. One agent pair keeps its data on tmpfs and one on a disk; their cycles alternate
 * so that a noisy moment of a shared machine falls on both. Prints figures next to the
 * targets; a miss never makes it fail. See bench/README.md.
 */
#include "arc-bench-pair.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARC_BENCH_TARGET_P99_MS 10.0
#define ARC_BENCH_TARGET_CPU_MS 0.5
#define ARC_BENCH_CELL "  %-20s"

static const gchar *const arc_bench_step_labels[ARC_BENCH_STEPS + 1] = {
	"A: checks, own record",
	"hello round trip (B: checks A, signs)",
	"A: parses B's reply",
	"A: verifies B's license, signature",
	"confirm round trip (B: verifies, probes A, stores)",
	"A: stores B",
	"rest (HTTP to A, auth, JSON, client)",
};

static const gchar *const arc_bench_ref_labels[ARC_BENCH_REF_LAST] = {
	"GET /v1/cluster/identity, kept-alive connection",
	"GET /v1/cluster/identity, new connection",
	"POST /v1/oauth/token (last_used: synced <= 1/s)",
	"GET /v1/peers, first use of that token",
	"GET /v1/peers, the token again (cached)",
};

typedef struct {
	gchar *build_dir;
	gchar *storage;
	gchar *disk_base;
	gchar *tmpfs_base;
	gint cycles;
	gint warmup;
	gint reference_samples;
	gint cli_cycles;
	gboolean keep;
} ArcBenchOptions;

typedef struct {
	gdouble sign_us;
	gdouble verify_us;
} ArcBenchCrypto;

/* the whole machine, from /proc/stat and /proc/loadavg: was anything else running? */
typedef struct {
	gint64 busy;  /* clock ticks of all CPUs, not idle nor iowait */
	gint64 total; /* clock ticks of all CPUs */
	gint64 steal;
	gint64 ours_ns; /* CPU time of the agents and of this program */
	gchar *loadavg;
} ArcBenchMachine;

/* ---- files and file systems ---- */

/* "ext4 on /dev/vda": the mount of /proc/self/mountinfo with the longest prefix of @path */
static gchar *
arc_bench_describe_fs(const gchar *path)
{
	g_autofree gchar *real = realpath(path, NULL);
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) lines = NULL;
	g_autofree gchar *best = NULL;
	gsize best_len = 0;

	if (real == NULL || !g_file_get_contents("/proc/self/mountinfo", &contents, NULL, NULL))
		return g_strdup("unknown file system");
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit(lines[i], " ", -1);
		g_autofree gchar *mount = NULL;
		gsize len;
		guint sep = 6;

		if (g_strv_length(fields) < 10)
			continue;
		while (fields[sep] != NULL && g_strcmp0(fields[sep], "-") != 0)
			sep++;
		if (fields[sep] == NULL || fields[sep + 1] == NULL || fields[sep + 2] == NULL)
			continue;
		mount = g_strcompress(fields[4]); /* octal escapes such as \040 */
		len = strlen(mount);
		if (!g_str_has_prefix(real, mount) ||
		    (len > 1 && real[len] != '\0' && real[len] != '/') || len < best_len)
			continue;
		best_len = len;
		g_free(best);
		best = g_strdup_printf("%s on %s", fields[sep + 1], fields[sep + 2]);
	}
	return best != NULL ? g_steal_pointer(&best) : g_strdup("unknown file system");
}

static gboolean
arc_bench_is_tmpfs(const gchar *path)
{
	g_autofree gchar *fs = arc_bench_describe_fs(path);
	return g_str_has_prefix(fs, "tmpfs ") || g_str_has_prefix(fs, "ramfs ");
}

/* what the handshake's signatures cost on this machine, with the agent's libsodium */
static void
arc_bench_measure_crypto(ArcBenchCrypto *crypto)
{
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	guint8 sk[crypto_sign_SECRETKEYBYTES];
	guint8 sig[crypto_sign_BYTES];
	guint8 msg[600]; /* about a transcript */
	const guint n = 400;
	gint64 start;

	crypto->sign_us = crypto->verify_us = -1;
	if (sodium_init() < 0)
		return;
	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, sizeof(msg));
	start = arc_bench_now_ns();
	for (guint i = 0; i < n; i++)
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	crypto->sign_us = (gdouble)(arc_bench_now_ns() - start) / 1e3 / n;
	start = arc_bench_now_ns();
	for (guint i = 0; i < n; i++) {
		if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0)
			crypto->verify_us = -1;
	}
	crypto->verify_us = (gdouble)(arc_bench_now_ns() - start) / 1e3 / n;
	sodium_memzero(sk, sizeof(sk));
}

static void
arc_bench_machine_sample(ArcBenchMachine *m, GPtrArray *pairs)
{
	g_autofree gchar *stat = NULL;
	g_autofree gchar *load = NULL;
	struct timespec ts;

	memset(m, 0, sizeof(*m));
	if (g_file_get_contents("/proc/stat", &stat, NULL, NULL) &&
	    g_str_has_prefix(stat, "cpu ")) {
		g_auto(GStrv) f = g_strsplit_set(stat + 4, " \n", 12);
		gint64 v[8] = {0};
		for (guint i = 0, j = 0; f[i] != NULL && j < G_N_ELEMENTS(v); i++) {
			if (f[i][0] != '\0')
				v[j++] = g_ascii_strtoll(f[i], NULL, 10);
		}
		/* user nice system idle iowait irq softirq steal */
		for (guint j = 0; j < G_N_ELEMENTS(v); j++)
			m->total += v[j];
		m->busy = m->total - v[3] - v[4];
		m->steal = v[7];
	}
	if (g_file_get_contents("/proc/loadavg", &load, NULL, NULL)) {
		g_auto(GStrv) f = g_strsplit(load, " ", 2);
		m->loadavg = g_strdup(f[0]);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	m->ours_ns = (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		for (guint side = 0; side < ARC_BENCH_SIDES; side++) {
			ArcBenchCpu cpu;
			arc_bench_agent_sample_cpu(pair->agent[side], &cpu);
			m->ours_ns += MAX(cpu.clock_ns, 0);
		}
	}
}

static void
arc_bench_machine_print(const ArcBenchMachine *before, const ArcBenchMachine *after)
{
	gdouble total = after->total - before->total;
	gdouble tick_ns = 1e9 / sysconf(_SC_CLK_TCK);
	gdouble busy, ours;

	if (total <= 0)
		return;
	busy = 100.0 * (after->busy - before->busy) / total;
	ours = 100.0 * (after->ours_ns - before->ours_ns) / tick_ns / total;
	g_print("Machine during the cycles: CPUs %.0f%% busy (these agents and the bench %.0f%%, "
		"everything else %.0f%%), steal %.1f%%; load average %s -> %s\n",
		busy, ours, MAX(busy - ours, 0), 100.0 * (after->steal - before->steal) / total,
		before->loadavg != NULL ? before->loadavg : "?",
		after->loadavg != NULL ? after->loadavg : "?");
}

/* ---- the report ---- */

static void
arc_bench_print_text(const gchar *text)
{
	g_print(ARC_BENCH_CELL, text);
}

static void
arc_bench_print_value(gdouble value, gdouble target, gboolean strictly_below)
{
	g_autofree gchar *text = NULL;

	if (value < 0)
		text = g_strdup("n/a");
	else if (target <= 0)
		text = g_strdup_printf("%.2f", value);
	else
		text = g_strdup_printf(
			"%.2f %s", value,
			(strictly_below ? value < target : value <= target) ? "PASS" : "MISS");
	arc_bench_print_text(text);
}

static void
arc_bench_print_header(GPtrArray *pairs, const gchar *title, const gchar *target)
{
	g_print("\n%-52s %-8s", title, target);
	for (guint i = 0; i < pairs->len; i++)
		arc_bench_print_text(((ArcBenchPair *)g_ptr_array_index(pairs, i))->label);
	g_print("\n");
}

static void
arc_bench_print_row_label(const gchar *label, const gchar *target)
{
	g_print("  %-50s %-8s", label, target);
}

static void
arc_bench_print_targets(GPtrArray *pairs)
{
	const gchar *labels[] = {"p50", "p90", "p99", "max", "mean"};
	const gdouble qs[] = {0.50, 0.90, 0.99, 1.0, -1};

	arc_bench_print_header(pairs, "POST /v1/peers, client wall clock (ms)", "target");
	for (guint r = 0; r < G_N_ELEMENTS(labels); r++) {
		gboolean p99 = qs[r] == 0.99;
		arc_bench_print_row_label(labels[r], p99 ? "< 10" : "");
		for (guint i = 0; i < pairs->len; i++) {
			ArcBenchPair *pair = g_ptr_array_index(pairs, i);
			gdouble v = qs[r] < 0 ? arc_bench_mean(pair->latency)
					      : arc_bench_percentile(pair->latency, qs[r]);
			arc_bench_print_value(v, p99 ? ARC_BENCH_TARGET_P99_MS : 0, TRUE);
		}
		g_print("\n");
	}
	arc_bench_print_header(pairs, "CPU per handshake (ms, schedstat)", "target");
	for (guint side = 0; side < ARC_BENCH_SIDES; side++) {
		arc_bench_print_row_label(side == 0 ? "A, initiator" : "B, responder", "<= 0.5");
		for (guint i = 0; i < pairs->len; i++)
			arc_bench_print_value(
				arc_bench_pair_cpu_best_ms(g_ptr_array_index(pairs, i), side),
				ARC_BENCH_TARGET_CPU_MS, FALSE);
		g_print("\n");
	}
}

static void
arc_bench_print_tail_cell(ArcBenchPair *pair, GArray *values)
{
	g_autofree gchar *text = g_strdup_printf("%.2f / %.2f / %.2f", arc_bench_mean(values),
						 arc_bench_percentile(values, 0.99),
						 arc_bench_pair_mean_in_tail(pair, values));
	arc_bench_print_text(text);
}

static void
arc_bench_print_tail_row(GPtrArray *pairs, const gchar *label, gboolean on_cpu)
{
	arc_bench_print_row_label(label, "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		arc_bench_print_tail_cell(pair, on_cpu ? pair->on_cpu : pair->wait_cpu);
	}
	g_print("\n");
}

static void
arc_bench_print_steps(GPtrArray *pairs)
{
	arc_bench_print_header(pairs, "Where the time goes (ms: mean / p99 / slowest 1%)", "");
	for (guint s = 0; s <= ARC_BENCH_STEPS; s++) {
		arc_bench_print_row_label(arc_bench_step_labels[s], "");
		for (guint i = 0; i < pairs->len; i++) {
			ArcBenchPair *pair = g_ptr_array_index(pairs, i);
			arc_bench_print_tail_cell(pair, pair->steps[s]);
		}
		g_print("\n");
	}
	g_print("  and, across both agents in the same window:\n");
	arc_bench_print_tail_row(pairs, "A + B on a CPU (schedstat)", TRUE);
	arc_bench_print_tail_row(pairs, "A + B runnable, waiting for a CPU (schedstat)", FALSE);
	if (pairs->len == 2) {
		ArcBenchPair *x = g_ptr_array_index(pairs, 0), *y = g_ptr_array_index(pairs, 1);
		g_print("  %s - %s: mean %+.2f ms, p50 %+.2f ms, p99 %+.2f ms (the durable commits "
			"on the path: B's, then A's)\n",
			y->label, x->label, arc_bench_mean(y->latency) - arc_bench_mean(x->latency),
			arc_bench_percentile(y->latency, 0.5) -
				arc_bench_percentile(x->latency, 0.5),
			arc_bench_percentile(y->latency, 0.99) -
				arc_bench_percentile(x->latency, 0.99));
	}
}

static void
arc_bench_print_pair_ab(GPtrArray *pairs, const gchar *label, gdouble (*get)(ArcBenchPair *, guint))
{
	arc_bench_print_row_label(label, "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		gdouble a = get(pair, 0), b = get(pair, 1);
		g_autofree gchar *text =
			a < 0 || b < 0 ? g_strdup("n/a") : g_strdup_printf("%.3f / %.3f", a, b);
		arc_bench_print_text(text);
	}
	g_print("\n");
}

static gdouble
arc_bench_get_sched(ArcBenchPair *pair, guint side)
{
	return arc_bench_pair_cpu_ms(pair, side, ARC_BENCH_CLOCK_SCHED);
}

static gdouble
arc_bench_get_process(ArcBenchPair *pair, guint side)
{
	return arc_bench_pair_cpu_ms(pair, side, ARC_BENCH_CLOCK_PROCESS);
}

static gdouble
arc_bench_get_ticks(ArcBenchPair *pair, guint side)
{
	return arc_bench_pair_cpu_ms(pair, side, ARC_BENCH_CLOCK_TICKS);
}

static gdouble
arc_bench_get_idle(ArcBenchPair *pair, guint side)
{
	return pair->side[side].idle_ns_per_s * arc_bench_mean(pair->latency) / 1e9;
}

static void
arc_bench_print_cpu(GPtrArray *pairs, const ArcBenchCrypto *crypto)
{
	arc_bench_print_header(pairs, "CPU per handshake by clock (ms, A / B)", "");
	arc_bench_print_pair_ab(pairs, "schedstat: /proc/PID/task/*/schedstat, summed",
				arc_bench_get_sched);
	arc_bench_print_pair_ab(pairs, "process CPU clock: clock_getcpuclockid(pid)",
				arc_bench_get_process);
	arc_bench_print_pair_ab(pairs, "ticks: utime+stime of /proc/PID/stat", arc_bench_get_ticks);
	arc_bench_print_pair_ab(pairs, "idle background over a mean window", arc_bench_get_idle);
	arc_bench_print_row_label("threads (A / B)", "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_autofree gchar *text = g_strdup_printf(
			"%u-%u / %u-%u", pair->side[0].threads_min, pair->side[0].threads_max,
			pair->side[1].threads_min, pair->side[1].threads_max);
		arc_bench_print_text(text);
	}
	g_print("\n");
	arc_bench_print_row_label("open fds at start -> end (A / B)", "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_autofree gchar *text = g_strdup_printf(
			"%u->%u / %u->%u", pair->side[0].fds_start, pair->side[0].fds_end,
			pair->side[1].fds_start, pair->side[1].fds_end);
		arc_bench_print_text(text);
	}
	g_print("\n");
	if (crypto->sign_us >= 0)
		g_print("  Ed25519 here: sign %.0f us, verify %.0f us; each side makes 2 "
			"verifications and 1 signature: %.3f ms\n",
			crypto->sign_us, crypto->verify_us,
			(2 * crypto->verify_us + crypto->sign_us) / 1000.0);
}

static void
arc_bench_print_references(GPtrArray *pairs, gint samples)
{
	if (samples <= 0)
		return;
	arc_bench_print_header(pairs, "Single requests to A (ms: p50 wall / mean A CPU)", "");
	for (guint r = 0; r < ARC_BENCH_REF_LAST; r++) {
		arc_bench_print_row_label(arc_bench_ref_labels[r], "");
		for (guint i = 0; i < pairs->len; i++) {
			ArcBenchPair *pair = g_ptr_array_index(pairs, i);
			g_autofree gchar *text = g_strdup_printf(
				"%.2f / %.3f", arc_bench_percentile(pair->ref_ms[r], 0.5),
				arc_bench_mean(pair->ref_cpu_ms[r]));
			arc_bench_print_text(text);
		}
		g_print("\n");
	}
}

static void
arc_bench_print_cli(GPtrArray *pairs, gint cycles)
{
	if (cycles <= 0)
		return;
	arc_bench_print_header(pairs, "`arctic peers add` as an operator runs it (ms)", "");
	arc_bench_print_row_label("wall p50 / p99", "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_autofree gchar *text =
			pair->cli_ms->len == 0
				? g_strdup("n/a")
				: g_strdup_printf("%.2f / %.2f",
						  arc_bench_percentile(pair->cli_ms, 0.5),
						  arc_bench_percentile(pair->cli_ms, 0.99));
		arc_bench_print_text(text);
	}
	g_print("\n");
	arc_bench_print_row_label("mean CPU: A / B / the CLI process", "");
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_autofree gchar *text =
			pair->cli_ms->len == 0
				? g_strdup("n/a")
				: g_strdup_printf("%.2f / %.2f / %.1f",
						  arc_bench_mean(pair->cli_cpu_ms[0]),
						  arc_bench_mean(pair->cli_cpu_ms[1]),
						  arc_bench_mean(pair->cli_cpu_ms[2]));
		arc_bench_print_text(text);
	}
	g_print("\n");
}

static void
arc_bench_print_logs(GPtrArray *pairs)
{
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		if (pair->failures > 0)
			g_print("%s: %u handshakes failed (not in the figures); the first: %s\n",
				pair->label, pair->failures, pair->first_failure);
		if (pair->cli_failure != NULL)
			g_print("%s: arctic peers add failed (not in the figures): %s\n",
				pair->label, pair->cli_failure);
		for (guint side = 0; side < ARC_BENCH_SIDES; side++) {
			ArcBenchAgent *agent = pair->agent[side];
			g_autofree gchar *critical = NULL;
			g_autofree gchar *warning = NULL;
			guint nc = arc_bench_agent_count_log(agent, "critical", &critical);
			guint nw = arc_bench_agent_count_log(agent, "warning", &warning);
			if (nc > 0)
				g_print("agent %s logged %u criticals, the first: %s\n",
					agent->label, nc, critical);
			if (nw > 0)
				g_print("agent %s logged %u warnings, the first: %s\n",
					agent->label, nw, warning);
		}
	}
}

static void
arc_bench_print_report(GPtrArray *pairs, const ArcBenchOptions *opts, const ArcBenchCrypto *crypto,
		       const ArcBenchMachine *machine)
{
	g_print("\nArctic peer handshake benchmark (issue 3, item 9)\n");
	g_print("%u measured add/delete cycles per storage after %d warm-up; %ld CPUs; agents A "
		"(initiator) and B (responder) on 127.0.0.1\n",
		((ArcBenchPair *)g_ptr_array_index(pairs, 0))->latency->len, opts->warmup,
		sysconf(_SC_NPROCESSORS_ONLN));
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_print("  %-6s data in %s: %s\n", pair->label, pair->dir, pair->fs);
	}
	if (pairs->len > 1)
		g_print("  the pairs' cycles alternate; one pair idles while the other works\n");
	arc_bench_machine_print(&machine[0], &machine[1]);
	arc_bench_print_targets(pairs);
	arc_bench_print_steps(pairs);
	arc_bench_print_cpu(pairs, crypto);
	arc_bench_print_references(pairs, opts->reference_samples);
	arc_bench_print_cli(pairs, opts->cli_cycles);
	g_print("\nMethod: latency is the client's CLOCK_MONOTONIC around each POST /v1/peers "
		"(A runs the whole\nhandshake before it answers 201; libsoup sends every POST on a "
		"new connection). Each agent's\nCPU time is read right before and right after that "
		"POST (the two DELETEs are outside the\nwindow), summed over the cycles and "
		"divided "
		"by their number. The table's figure is schedstat\n(ns on CPU of the live "
		"threads); "
		"the process clock also counts exited threads; ticks (%ld Hz)\nare coarse and only "
		"their sum means something. Steps are A's own ?debug=true timing; \"slowest\n1%%\" "
		"is "
		"the mean of a step over the cycles at or above the p99. Figures are "
		"informational:\n"
		"a MISS does not change the exit status.\n\n",
		sysconf(_SC_CLK_TCK));
	arc_bench_print_logs(pairs);
}

/* ---- the run ---- */

/* warm-up, the agents' idle CPU, then the measured cycles, with the machine's load */
static gboolean
arc_bench_run_cycles(GPtrArray *pairs, const ArcBenchOptions *opts, ArcBenchMachine *machine,
		     GError **error)
{
	for (gint n = 0; n < opts->warmup + opts->cycles; n++) {
		if (arc_bench_check_interrupted(error))
			return FALSE;
		if (n == opts->warmup) {
			for (guint i = 0; i < pairs->len; i++)
				arc_bench_pair_measure_idle(g_ptr_array_index(pairs, i),
							    G_USEC_PER_SEC);
			arc_bench_machine_sample(&machine[0], pairs);
		}
		for (guint i = 0; i < pairs->len; i++) {
			if (!arc_bench_pair_cycle(g_ptr_array_index(pairs, i), n >= opts->warmup,
						  error))
				return FALSE;
		}
	}
	arc_bench_machine_sample(&machine[1], pairs);
	return TRUE;
}

static gboolean
arc_bench_run_extras(GPtrArray *pairs, const ArcBenchOptions *opts, GError **error)
{
	g_autofree gchar *cli = g_build_filename(opts->build_dir, "cli", "arctic", NULL);

	for (gint n = 0; n < opts->reference_samples; n++) {
		for (guint i = 0; i < pairs->len; i++) {
			if (arc_bench_check_interrupted(error) ||
			    !arc_bench_pair_reference_sample(g_ptr_array_index(pairs, i), error))
				return FALSE;
		}
	}
	if (opts->cli_cycles > 0 && !g_file_test(cli, G_FILE_TEST_IS_EXECUTABLE)) {
		g_print("%s is not built: no CLI figures\n", cli);
		return TRUE;
	}
	for (gint n = 0; n < opts->cli_cycles; n++) {
		for (guint i = 0; i < pairs->len; i++) {
			if (arc_bench_check_interrupted(error) ||
			    !arc_bench_pair_cli_cycle(g_ptr_array_index(pairs, i), cli, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* tmpfs: /dev/shm or the temp dir when they are tmpfs; disk: --data-dir-base, else the
 * temp dir or /var/tmp when they are not */
static void
arc_bench_pick_bases(ArcBenchOptions *opts)
{
	const gchar *tmp = g_get_tmp_dir();

	if (opts->tmpfs_base == NULL) {
		if (arc_bench_is_tmpfs("/dev/shm"))
			opts->tmpfs_base = g_strdup("/dev/shm");
		else if (arc_bench_is_tmpfs(tmp))
			opts->tmpfs_base = g_strdup(tmp);
	}
	if (opts->disk_base == NULL) {
		if (!arc_bench_is_tmpfs(tmp))
			opts->disk_base = g_strdup(tmp);
		else if (g_file_test("/var/tmp", G_FILE_TEST_IS_DIR) &&
			 !arc_bench_is_tmpfs("/var/tmp"))
			opts->disk_base = g_strdup("/var/tmp");
	}
}

static GPtrArray *
arc_bench_make_pairs(ArcBenchOptions *opts, GError **error)
{
	g_autoptr(GPtrArray) pairs = g_ptr_array_new();
	gboolean both = g_strcmp0(opts->storage, "both") == 0;
	const gchar *labels[] = {"tmpfs", "disk"};
	const gchar *bases[] = {opts->tmpfs_base, opts->disk_base};

	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		ArcBenchPair *pair;
		if (!both && g_strcmp0(opts->storage, labels[i]) != 0)
			continue;
		if (bases[i] == NULL) {
			g_print("no %s directory found: that column is left out (see --help)\n",
				labels[i]);
			continue;
		}
		pair = arc_bench_pair_new(labels[i], bases[i], error);
		if (pair == NULL)
			break;
		pair->fs = arc_bench_describe_fs(pair->dir);
		g_ptr_array_add(pairs, pair);
	}
	if (pairs->len == 0 && error != NULL && *error == NULL)
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
				    "no data directory to run in");
	return g_steal_pointer(&pairs);
}

static gboolean
arc_bench_parse_options(ArcBenchOptions *opts, int *argc, char ***argv, GError **error)
{
	GOptionEntry entries[] = {
		{"build", 'b', 0, G_OPTION_ARG_FILENAME, &opts->build_dir,
		 "Meson build directory (default: the one this program is in)", "DIR"},
		{"cycles", 'n', 0, G_OPTION_ARG_INT, &opts->cycles,
		 "Measured add/delete cycles per storage (default 300)", "N"},
		{"warmup", 'w', 0, G_OPTION_ARG_INT, &opts->warmup,
		 "Unmeasured cycles first (default 10)", "N"},
		{"storage", 's', 0, G_OPTION_ARG_STRING, &opts->storage,
		 "both (default), tmpfs or disk", "WHICH"},
		{"data-dir-base", 'd', 0, G_OPTION_ARG_FILENAME, &opts->disk_base,
		 "Where the disk run keeps its data (default: $TMPDIR, else /var/tmp, if not "
		 "tmpfs)",
		 "DIR"},
		{"tmpfs-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->tmpfs_base,
		 "Where the tmpfs run keeps its data (default: /dev/shm)", "DIR"},
		{"reference-samples", 0, 0, G_OPTION_ARG_INT, &opts->reference_samples,
		 "Single requests timed after the cycles (default 30, 0: none)", "N"},
		{"cli-cycles", 0, 0, G_OPTION_ARG_INT, &opts->cli_cycles,
		 "Cycles through `arctic peers add` after them (default 20, 0: none)", "N"},
		{"keep", 'k', 0, G_OPTION_ARG_NONE, &opts->keep,
		 "Keep the temp directories and agent logs", NULL},
		{NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);

	g_option_context_set_summary(context, "Handshake latency and CPU per side of two "
					      "arctic-agents on 127.0.0.1 (issue 3, item 9).");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, argc, argv, error))
		return FALSE;
	if (opts->storage == NULL)
		opts->storage = g_strdup("both");
	if (opts->cycles < 1 || opts->warmup < 0 || opts->reference_samples < 0 ||
	    opts->cli_cycles < 0 ||
	    !g_strv_contains((const gchar *const[]){"both", "tmpfs", "disk", NULL},
			     opts->storage)) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--cycles must be at least 1, the other counts not negative, "
				    "--storage both, tmpfs or disk");
		return FALSE;
	}
	if (opts->build_dir == NULL) {
		g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
		g_autofree gchar *bench = g_path_get_dirname(exe != NULL ? exe : (*argv)[0]);
		opts->build_dir = g_path_get_dirname(bench);
	}
	return TRUE;
}

static void
arc_bench_options_clear(ArcBenchOptions *opts)
{
	g_free(opts->build_dir);
	g_free(opts->storage);
	g_free(opts->disk_base);
	g_free(opts->tmpfs_base);
}

static gboolean
arc_bench_run(GPtrArray *pairs, const ArcBenchOptions *opts, const gchar *work, GError **error)
{
	ArcBenchCrypto crypto;
	ArcBenchMachine machine[2];
	gboolean ok;

	if (!arc_bench_make_license(opts->build_dir, work, 10, error))
		return FALSE;
	for (guint i = 0; i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		if (!arc_bench_pair_start(pair, opts->build_dir, work, error))
			return FALSE;
		g_print("%s: A pid %d at %s, B pid %d at %s\n", pair->label,
			(gint)pair->agent[0]->pid, pair->agent[0]->address,
			(gint)pair->agent[1]->pid, pair->agent[1]->address);
	}
	g_print("%d warm-up and %d measured cycles per storage...\n", opts->warmup, opts->cycles);
	memset(machine, 0, sizeof(machine));
	ok = arc_bench_run_cycles(pairs, opts, machine, error);
	if (ok && arc_bench_run_extras(pairs, opts, error)) {
		for (guint i = 0; i < pairs->len; i++)
			arc_bench_pair_finish(g_ptr_array_index(pairs, i));
		arc_bench_measure_crypto(&crypto);
		arc_bench_print_report(pairs, opts, &crypto, machine);
	} else {
		ok = FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(machine); i++)
		g_free(machine[i].loadavg);
	return ok;
}

/* stops the agents before their directories go */
static void
arc_bench_cleanup(GPtrArray *pairs, const gchar *work, gboolean keep)
{
	for (guint i = 0; pairs != NULL && i < pairs->len; i++) {
		ArcBenchPair *pair = g_ptr_array_index(pairs, i);
		g_autofree gchar *dir = g_strdup(pair->dir);

		arc_bench_pair_free(pair);
		if (keep)
			g_print("kept %s\n", dir);
		else
			arc_bench_rm_rf(dir);
	}
	if (work != NULL && keep)
		g_print("kept %s (issuer, license, configs, agent logs)\n", work);
	else if (work != NULL)
		arc_bench_rm_rf(work);
}

int
main(int argc, char **argv)
{
	ArcBenchOptions opts = {
		.cycles = 300, .warmup = 10, .reference_samples = 30, .cli_cycles = 20};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) pairs = NULL;
	g_autofree gchar *work = NULL;
	gboolean ok = FALSE;

	if (!arc_bench_parse_options(&opts, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		arc_bench_options_clear(&opts);
		return 2;
	}
	arc_bench_catch_interrupts();
	arc_bench_pick_bases(&opts);
	work = g_dir_make_tmp("arc-bench-handshake-XXXXXX", &error);
	if (work != NULL)
		pairs = arc_bench_make_pairs(&opts, &error);
	if (pairs != NULL && pairs->len > 0 && error == NULL)
		ok = arc_bench_run(pairs, &opts, work, &error);
	if (!ok)
		g_printerr("handshake bench: %s\n", error != NULL ? error->message : "failed");
	arc_bench_cleanup(pairs, work, opts.keep);
	arc_bench_options_clear(&opts);
	return ok ? 0 : 1;
}
