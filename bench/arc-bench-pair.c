/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two agents of one storage for the handshake benchmark: A adds B with `POST /v1/peers`,
 * both delete each other again, and every measured cycle leaves its latency, A's steps and
 * both agents' CPU time behind.
 */
#include "arc-bench-pair.h"

#include <errno.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define ARC_BENCH_MAX_FAILURES 10
#define ARC_BENCH_SETTLE_US 2000

const gchar *const arc_bench_step_names[ARC_BENCH_STEPS] = {"check",        "connect", "hello",
							    "verify_reply", "confirm", "store"};

gint64
arc_bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
arc_bench_append(GArray *values, gdouble value)
{
	g_array_append_val(values, value);
}

static gint
arc_bench_compare_double(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
	return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * arc_bench_percentile:
 * @values: (element-type gdouble): samples
 * @q: 0 < q <= 1
 *
 * Returns: the nearest-rank percentile: the smallest sample with at least @q of them at or
 *   below it; 0 without samples
 */
gdouble
arc_bench_percentile(GArray *values, gdouble q)
{
	g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(gdouble), values->len);
	guint rank;

	if (values->len == 0)
		return 0;
	g_array_append_vals(sorted, values->data, values->len);
	g_array_sort(sorted, arc_bench_compare_double);
	rank = (guint)(q * sorted->len);
	if ((gdouble)rank < q * sorted->len)
		rank++;
	return g_array_index(sorted, gdouble, CLAMP(rank, 1, sorted->len) - 1);
}

gdouble
arc_bench_mean(GArray *values)
{
	gdouble sum = 0;
	for (guint i = 0; i < values->len; i++)
		sum += g_array_index(values, gdouble, i);
	return values->len > 0 ? sum / values->len : 0;
}

/* ---- set-up ---- */

void
arc_bench_pair_free(ArcBenchPair *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		arc_bench_agent_free(self->agent[i]);
	for (guint i = 0; i <= ARC_BENCH_STEPS; i++)
		g_array_unref(self->steps[i]);
	for (guint i = 0; i < ARC_BENCH_REF_LAST; i++) {
		g_array_unref(self->ref_ms[i]);
		g_array_unref(self->ref_cpu_ms[i]);
	}
	for (guint i = 0; i <= ARC_BENCH_SIDES; i++)
		g_array_unref(self->cli_cpu_ms[i]);
	g_array_unref(self->cli_ms);
	g_array_unref(self->latency);
	g_array_unref(self->on_cpu);
	g_array_unref(self->wait_cpu);
	g_free(self->label);
	g_free(self->dir);
	g_free(self->fs);
	g_free(self->build_dir);
	g_free(self->license);
	g_free(self->b_config);
	g_free(self->b_data);
	g_free(self->b_log);
	g_free(self->cli_config);
	g_free(self->first_failure);
	g_free(self->cli_failure);
	g_free(self);
}

static GArray *
arc_bench_samples_new(void)
{
	return g_array_new(FALSE, FALSE, sizeof(gdouble));
}

/**
 * arc_bench_pair_new:
 * @label: `tmpfs` or `disk`
 * @base: where to make the pair's data directory
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a pair with its directory made, agents not started yet
 */
ArcBenchPair *
arc_bench_pair_new(const gchar *label, const gchar *base, GError **error)
{
	g_autoptr(ArcBenchPair) self = g_new0(ArcBenchPair, 1);
	g_autofree gchar *tmpl = g_build_filename(base, "arc-bench-hs-XXXXXX", NULL);

	self->label = g_strdup(label);
	self->latency = arc_bench_samples_new();
	self->on_cpu = arc_bench_samples_new();
	self->wait_cpu = arc_bench_samples_new();
	for (guint i = 0; i <= ARC_BENCH_STEPS; i++)
		self->steps[i] = arc_bench_samples_new();
	for (guint i = 0; i < ARC_BENCH_REF_LAST; i++) {
		self->ref_ms[i] = arc_bench_samples_new();
		self->ref_cpu_ms[i] = arc_bench_samples_new();
	}
	self->cli_ms = arc_bench_samples_new();
	for (guint i = 0; i <= ARC_BENCH_SIDES; i++)
		self->cli_cpu_ms[i] = arc_bench_samples_new();
	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		self->side[i].threads_min = G_MAXUINT;
	if (g_mkdtemp(tmpl) == NULL) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot create a directory in %s: %s", base, g_strerror(errno));
		return NULL;
	}
	self->dir = g_steal_pointer(&tmpl);
	return g_steal_pointer(&self);
}

static gchar *
arc_bench_write_agent_config(const gchar *work, const gchar *name, GError **error)
{
	g_autofree gchar *path = g_strdup_printf("%s/%s.conf", work, name);
	g_autofree gchar *text = g_strdup_printf("[agent]\nrecovery_token_file=%s/%s.recovery\n"
						 "[plugin:ed25519-file]\nissuers_dir=%s/issuers\n",
						 work, name, work);

	if (!g_file_set_contents(path, text, -1, error))
		return NULL;
	return g_steal_pointer(&path);
}

/* a CLI config whose current cluster is A's, with A's admin credential */
static gboolean
arc_bench_pair_write_cli_config(ArcBenchPair *self, const gchar *work, GError **error)
{
	ArcBenchAgent *a = self->agent[0];
	g_autofree gchar *yaml =
		g_strdup_printf("current_cluster: %s\n"
				"clusters:\n"
				"  %s:\n"
				"    cluster_id: %s\n"
				"    customer_id: cust_bench\n"
				"    client_id: %s\n"
				"    client_secret: %s\n"
				"    peers:\n"
				"      - peer_id: %s\n"
				"        name: a\n"
				"        endpoints:\n"
				"          - http://%s\n"
				"    default_peer: %s\n",
				a->cluster_id, a->cluster_id, a->cluster_id, a->client_id,
				a->client_secret, a->peer_id, a->address, a->peer_id);

	self->cli_config = g_strdup_printf("%s/%s-cli.yaml", work, self->label);
	return g_file_set_contents_full(self->cli_config, yaml, -1, G_FILE_SET_CONTENTS_CONSISTENT,
					0600, error);
}

/**
 * arc_bench_pair_start:
 * @self: a pair
 * @build_dir: the meson build directory
 * @work: the directory with the license, configs and logs
 * @error: return location for a #GError
 *
 * Starts and bootstraps A and B with the same license.
 *
 * Returns: %TRUE once both are ready
 */
gboolean
arc_bench_pair_start(ArcBenchPair *self, const gchar *build_dir, const gchar *work, GError **error)
{
	g_autofree gchar *license = g_build_filename(work, "license.json", NULL);

	for (guint i = 0; i < ARC_BENCH_SIDES; i++) {
		g_autofree gchar *name = g_strdup_printf("%s-%c", self->label, 'a' + i);
		g_autofree gchar *label = g_strdup_printf("%c (%s)", 'A' + i, self->label);
		g_autofree gchar *data = g_build_filename(self->dir, i == 0 ? "a" : "b", NULL);
		g_autofree gchar *log = g_strdup_printf("%s/%s.log", work, name);
		g_autofree gchar *config = arc_bench_write_agent_config(work, name, error);

		if (config == NULL)
			return FALSE;
		if (i == 1) {
			self->build_dir = g_strdup(build_dir);
			self->license = g_strdup(license);
			self->b_config = g_strdup(config);
			self->b_data = g_strdup(data);
			self->b_log = g_strdup(log);
		}
		self->agent[i] =
			arc_bench_agent_start(build_dir, label, config, data, log, 0, error);
		if (self->agent[i] == NULL ||
		    !arc_bench_agent_bootstrap(self->agent[i], license, error))
			return FALSE;
		self->side[i].fds_start = arc_bench_agent_count_fds(self->agent[i]);
	}
	return arc_bench_pair_write_cli_config(self, work, error);
}

/* ---- the cycle ---- */

static void
arc_bench_side_add(ArcBenchSide *side, const ArcBenchCpu *before, const ArcBenchCpu *after)
{
	gint64 from[ARC_BENCH_CLOCK_LAST] = {before->sched_ns, before->clock_ns, before->ticks};
	gint64 to[ARC_BENCH_CLOCK_LAST] = {after->sched_ns, after->clock_ns, after->ticks};

	for (guint i = 0; i < ARC_BENCH_CLOCK_LAST; i++) {
		if (from[i] < 0 || to[i] < from[i])
			side->broken[i] = TRUE;
		else
			side->total[i] += to[i] - from[i];
	}
	side->threads_min = MIN(side->threads_min, MIN(before->threads, after->threads));
	side->threads_max = MAX(side->threads_max, MAX(before->threads, after->threads));
}

/* the steps of A's ?debug=true answer, and what they leave out of @wall_ms */
static void
arc_bench_pair_add_steps(ArcBenchPair *self, JsonNode *answer, gdouble wall_ms)
{
	JsonObject *root = json_node_get_object(answer);
	JsonArray *steps = json_object_has_member(root, "steps")
				   ? json_object_get_array_member(root, "steps")
				   : NULL;
	gdouble values[ARC_BENCH_STEPS] = {0};
	gdouble rest = wall_ms;

	for (guint i = 0; steps != NULL && i < json_array_get_length(steps); i++) {
		JsonObject *step = json_array_get_object_element(steps, i);
		const gchar *name;

		if (step == NULL)
			continue;
		name = json_object_get_string_member_with_default(step, "step", "");
		for (guint j = 0; j < ARC_BENCH_STEPS; j++) {
			if (g_strcmp0(name, arc_bench_step_names[j]) == 0)
				values[j] += json_object_get_double_member_with_default(
					step, "elapsed_ms", 0);
		}
	}
	for (guint j = 0; j < ARC_BENCH_STEPS; j++) {
		arc_bench_append(self->steps[j], values[j]);
		rest -= values[j];
	}
	arc_bench_append(self->steps[ARC_BENCH_STEPS], rest);
}

/* how long both agents ran, and waited to run, in this cycle's window */
static void
arc_bench_pair_add_sched(ArcBenchPair *self, const ArcBenchCpu *before, const ArcBenchCpu *after)
{
	gdouble on = 0, wait = 0;

	for (guint i = 0; i < ARC_BENCH_SIDES; i++) {
		on += (gdouble)(after[i].sched_ns - before[i].sched_ns) / 1e6;
		wait += (gdouble)(after[i].wait_ns - before[i].wait_ns) / 1e6;
	}
	arc_bench_append(self->on_cpu, on);
	arc_bench_append(self->wait_cpu, wait);
}

/* The responder starts over as a new agent (stopped, data removed, started and bootstrapped
 * again), so that the next cycle is a fresh handshake: a peer removed from a cluster is
 * revoked for good (docs/protocol.md §6.4), so the same identity cannot be added again. */
static gboolean
arc_bench_pair_reset_responder(ArcBenchPair *self, GError **error)
{
	g_autofree gchar *label = g_strdup(self->agent[1]->label);

	g_clear_pointer(&self->agent[1], arc_bench_agent_free);
	arc_bench_rm_rf(self->b_data);
	self->agent[1] = arc_bench_agent_start(self->build_dir, label, self->b_config, self->b_data,
					       self->b_log, 0, error);
	if (self->agent[1] == NULL ||
	    !arc_bench_agent_bootstrap(self->agent[1], self->license, error))
		return FALSE;
	self->side[1].fds_start = arc_bench_agent_count_fds(self->agent[1]);
	return TRUE;
}

/* A removes B, and B starts over, so that the next cycle is a fresh handshake */
static gboolean
arc_bench_pair_unpeer(ArcBenchPair *self, gboolean strict, GError **error)
{
	ArcBenchAgent *agent = self->agent[0];
	g_autofree gchar *path = g_strdup_printf("/v1/peers/%s", self->agent[1]->peer_id);
	g_autoptr(GBytes) reply = NULL;
	guint status = 0;

	reply = arc_bench_agent_request(agent, "DELETE", path, agent->token, NULL, NULL, 0, &status,
					error);
	if (reply == NULL)
		return FALSE;
	if (strict && status != SOUP_STATUS_OK) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "DELETE %s on %s answered %u",
			    path, agent->label, status);
		return FALSE;
	}
	if (!arc_bench_pair_reset_responder(self, error))
		return FALSE;
	g_usleep(ARC_BENCH_SETTLE_US);
	return TRUE;
}

/* a refused handshake is counted and cleaned up; too many end the run */
static gboolean
arc_bench_pair_fail(ArcBenchPair *self, guint status, GBytes *reply, GError **error)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(reply, &len);

	if (self->failures++ == 0)
		self->first_failure = g_strdup_printf("HTTP %u: %.*s", status, (gint)MIN(len, 1024),
						      data != NULL ? data : "");
	g_printerr("%s: POST /v1/peers answered %u\n", self->label, status);
	if (self->failures > ARC_BENCH_MAX_FAILURES) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "%s: %u handshakes failed; the first: %s", self->label, self->failures,
			    self->first_failure);
		return FALSE;
	}
	return arc_bench_pair_unpeer(self, FALSE, error);
}

/**
 * arc_bench_pair_cycle:
 * @self: a started pair
 * @measure: whether the cycle counts (%FALSE while warming up)
 * @error: return location for a #GError
 *
 * One add/delete cycle; only the `POST /v1/peers` is inside the measured window.
 *
 * Returns: %FALSE when the run cannot go on
 */
gboolean
arc_bench_pair_cycle(ArcBenchPair *self, gboolean measure, GError **error)
{
	ArcBenchAgent *a = self->agent[0];
	g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", self->agent[1]->address);
	g_autoptr(GBytes) reply = NULL;
	g_autoptr(JsonNode) answer = NULL;
	ArcBenchCpu before[ARC_BENCH_SIDES], after[ARC_BENCH_SIDES];
	gint64 start, end;
	guint status = 0;

	arc_bench_agent_sample_cpu(a, &before[0]);
	arc_bench_agent_sample_cpu(self->agent[1], &before[1]);
	start = arc_bench_now_ns();
	reply = arc_bench_agent_request(a, "POST", "/v1/peers?debug=true", a->token,
					"application/json", body, 0, &status, error);
	end = arc_bench_now_ns();
	arc_bench_agent_sample_cpu(a, &after[0]);
	arc_bench_agent_sample_cpu(self->agent[1], &after[1]);
	if (reply == NULL)
		return FALSE;
	if (status != SOUP_STATUS_CREATED)
		return arc_bench_pair_fail(self, status, reply, error);
	answer = arc_bench_json_from_bytes(reply, NULL);
	if (measure && answer != NULL && JSON_NODE_HOLDS_OBJECT(answer)) {
		gdouble wall_ms = (gdouble)(end - start) / 1e6;
		arc_bench_append(self->latency, wall_ms);
		arc_bench_pair_add_steps(self, answer, wall_ms);
		arc_bench_pair_add_sched(self, before, after);
		for (guint i = 0; i < ARC_BENCH_SIDES; i++)
			arc_bench_side_add(&self->side[i], &before[i], &after[i]);
	}
	return arc_bench_pair_unpeer(self, TRUE, error);
}

/**
 * arc_bench_pair_measure_idle:
 * @self: a started pair
 * @usec: how long to watch
 *
 * What the agents burn doing nothing, to tell it apart from the handshake's share.
 */
void
arc_bench_pair_measure_idle(ArcBenchPair *self, gulong usec)
{
	ArcBenchCpu before[ARC_BENCH_SIDES], after[ARC_BENCH_SIDES];

	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		arc_bench_agent_sample_cpu(self->agent[i], &before[i]);
	g_usleep(usec);
	for (guint i = 0; i < ARC_BENCH_SIDES; i++) {
		arc_bench_agent_sample_cpu(self->agent[i], &after[i]);
		if (before[i].clock_ns >= 0 && after[i].clock_ns >= before[i].clock_ns)
			self->side[i].idle_ns_per_s =
				(gdouble)(after[i].clock_ns - before[i].clock_ns) * G_USEC_PER_SEC /
				usec;
	}
}

/* ---- for comparison ---- */

/* one request to A, timed, with A's CPU time around it */
static GBytes *
arc_bench_pair_time_request(ArcBenchPair *self, ArcBenchRef ref, const gchar *method,
			    const gchar *path, const gchar *token, const gchar *form,
			    SoupMessageFlags flags, GError **error)
{
	ArcBenchAgent *a = self->agent[0];
	g_autoptr(GBytes) reply = NULL;
	ArcBenchCpu before, after;
	gint64 start, end;
	guint status = 0;

	arc_bench_agent_sample_cpu(a, &before);
	start = arc_bench_now_ns();
	reply = arc_bench_agent_request(a, method, path, token,
					form != NULL ? "application/x-www-form-urlencoded" : NULL,
					form, flags, &status, error);
	end = arc_bench_now_ns();
	arc_bench_agent_sample_cpu(a, &after);
	if (reply == NULL)
		return NULL;
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s on %s answered %u", method,
			    path, a->label, status);
		return NULL;
	}
	arc_bench_append(self->ref_ms[ref], (gdouble)(end - start) / 1e6);
	arc_bench_append(self->ref_cpu_ms[ref], (gdouble)(after.clock_ns - before.clock_ns) / 1e6);
	return g_steal_pointer(&reply);
}

/**
 * arc_bench_pair_reference_sample:
 * @self: a started pair
 * @error: return location for a #GError
 *
 * Times simple requests to A: what one HTTP exchange costs with and without a new
 * connection, and what a CLI invocation adds before its request (a new token, then its
 * first use).
 *
 * Returns: %TRUE on success
 */
gboolean
arc_bench_pair_reference_sample(ArcBenchPair *self, GError **error)
{
	g_autofree gchar *form = arc_bench_agent_token_form(self->agent[0]);
	g_autoptr(GBytes) reply = NULL;
	g_autoptr(JsonNode) answer = NULL;
	const gchar *token;

	for (guint i = 0; i < 2; i++) {
		g_autoptr(GBytes) identity = arc_bench_pair_time_request(
			self, i == 0 ? ARC_BENCH_REF_IDENTITY_KEPT : ARC_BENCH_REF_IDENTITY_NEW,
			"GET", "/v1/cluster/identity", NULL, NULL,
			i == 0 ? 0 : SOUP_MESSAGE_NEW_CONNECTION, error);
		if (identity == NULL)
			return FALSE;
	}
	reply = arc_bench_pair_time_request(self, ARC_BENCH_REF_TOKEN, "POST", "/v1/oauth/token",
					    NULL, form, 0, error);
	answer = reply != NULL ? arc_bench_json_from_bytes(reply, error) : NULL;
	if (answer == NULL)
		return FALSE;
	token = arc_bench_json_get_string(answer, "access_token");
	for (guint i = 0; i < 2; i++) {
		g_autoptr(GBytes) peers = arc_bench_pair_time_request(
			self, i == 0 ? ARC_BENCH_REF_PEERS_FRESH : ARC_BENCH_REF_PEERS_CACHED,
			"GET", "/v1/peers", token, NULL, 0, error);
		if (peers == NULL)
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_bench_pair_cli_cycle:
 * @self: a started pair
 * @cli: the built `arctic`
 * @error: return location for a #GError
 *
 * One add/delete cycle as an operator runs it: `arctic peers add`, which starts, reads its
 * config, fetches a token and then makes the same request. A failing CLI is noted, not fatal.
 *
 * Returns: %FALSE when the run cannot go on
 */
gboolean
arc_bench_pair_cli_cycle(ArcBenchPair *self, const gchar *cli, GError **error)
{
	gchar *argv[] = {(gchar *)cli, "--config", self->cli_config,        "-o", "json",
			 "peers",      "add",      self->agent[1]->address, NULL};
	g_autofree gchar *err = NULL;
	ArcBenchCpu before[ARC_BENCH_SIDES], after[ARC_BENCH_SIDES];
	struct rusage ru0, ru1;
	gint64 start, end;
	gint status = 0;
	gboolean spawned;

	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		arc_bench_agent_sample_cpu(self->agent[i], &before[i]);
	getrusage(RUSAGE_CHILDREN, &ru0);
	start = arc_bench_now_ns();
	spawned = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
			       &status, error);
	end = arc_bench_now_ns();
	getrusage(RUSAGE_CHILDREN, &ru1);
	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		arc_bench_agent_sample_cpu(self->agent[i], &after[i]);
	if (!spawned)
		return FALSE;
	if (!g_spawn_check_wait_status(status, NULL)) {
		if (self->cli_failure == NULL)
			self->cli_failure = g_strdup(err != NULL ? g_strstrip(err) : "");
		return arc_bench_pair_unpeer(self, FALSE, error);
	}
	arc_bench_append(self->cli_ms, (gdouble)(end - start) / 1e6);
	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		arc_bench_append(self->cli_cpu_ms[i],
				 (gdouble)(after[i].clock_ns - before[i].clock_ns) / 1e6);
	arc_bench_append(self->cli_cpu_ms[ARC_BENCH_SIDES],
			 (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
			  ru0.ru_stime.tv_sec) *
					 1e3 +
				 (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
				  ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
					 1e3);
	return arc_bench_pair_unpeer(self, TRUE, error);
}

/**
 * arc_bench_pair_finish:
 * @self: a pair that ran
 *
 * Notes what the agents hold at the end, before they stop.
 */
void
arc_bench_pair_finish(ArcBenchPair *self)
{
	for (guint i = 0; i < ARC_BENCH_SIDES; i++)
		self->side[i].fds_end = arc_bench_agent_count_fds(self->agent[i]);
}

/* ---- figures ---- */

/**
 * arc_bench_pair_cpu_ms:
 * @self: a pair that ran
 * @side: 0 for A, 1 for B
 * @clock: which clock
 *
 * Returns: CPU ms per handshake by that clock, or a negative value when it cannot say
 */
gdouble
arc_bench_pair_cpu_ms(ArcBenchPair *self, guint side, ArcBenchClock clock)
{
	const ArcBenchSide *s = &self->side[side];
	gdouble n = self->latency->len;

	if (n == 0 || s->broken[clock])
		return -1;
	if (clock == ARC_BENCH_CLOCK_TICKS)
		return (gdouble)s->total[clock] * 1000.0 / sysconf(_SC_CLK_TCK) / n;
	return (gdouble)s->total[clock] / 1e6 / n;
}

/**
 * arc_bench_pair_cpu_best_ms:
 * @self: a pair that ran
 * @side: 0 for A, 1 for B
 *
 * Returns: CPU ms per handshake by the most precise clock that worked: schedstat, else the
 *   process clock, else ticks; negative when none did
 */
gdouble
arc_bench_pair_cpu_best_ms(ArcBenchPair *self, guint side)
{
	for (guint c = 0; c < ARC_BENCH_CLOCK_LAST; c++) {
		gdouble ms = arc_bench_pair_cpu_ms(self, side, c);
		if (ms >= 0)
			return ms;
	}
	return -1;
}

/**
 * arc_bench_pair_mean_in_tail:
 * @self: a pair that ran
 * @values: (element-type gdouble): one value per measured cycle
 *
 * Returns: the mean of @values over the cycles whose latency is at or above the p99
 */
gdouble
arc_bench_pair_mean_in_tail(ArcBenchPair *self, GArray *values)
{
	gdouble p99 = arc_bench_percentile(self->latency, 0.99);
	gdouble sum = 0;
	guint n = 0;

	for (guint i = 0; i < self->latency->len && i < values->len; i++) {
		if (g_array_index(self->latency, gdouble, i) < p99)
			continue;
		sum += g_array_index(values, gdouble, i);
		n++;
	}
	return n > 0 ? sum / n : 0;
}
