/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Gossip benchmark (issue 4): N arctic-agents on 127.0.0.1 with the default [gossip]
 * interval and fanout. Agent 0 adds every other agent; they meet each other by transitive
 * discovery. Then: how long one alias write takes to reach every agent, how many bytes the
 * idle cluster gossips per node, and what each known peer costs in memory. Prints figures
 * next to the targets; a miss never makes it fail. See bench/README.md.
 */
#include "arc-bench-agent.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define ARC_BENCH_TARGET_P99_MS 2000.0
#define ARC_BENCH_TARGET_IDLE_BPS 2048.0
#define ARC_BENCH_TARGET_RSS_KIB 16.0
#define ARC_BENCH_WRITE_TIMEOUT_SECS 60
#define ARC_BENCH_SWEEP_PAUSE_US 5000
#define ARC_BENCH_CHECK_PAUSE_US G_USEC_PER_SEC
#define ARC_BENCH_PROGRESS_USEC (15 * G_USEC_PER_SEC)
#define ARC_BENCH_HANDSHAKE_TIMEOUT 20 /* s; the default 10 is short for 64 agents on 2 CPUs */
#define ARC_BENCH_TMPFS_MAGIC 0x01021994
#define ARC_BENCH_DIAG_LINES 40
#define ARC_BENCH_LABEL "  %-44s"
#define ARC_BENCH_CELL "%-18s"

typedef struct {
	gchar *build_dir;
	gchar *sizes_text;
	gchar *base;
	gint writes; /* -1: 30 up to 16 agents, 20 above */
	gint idle_seconds;
	gint settle_seconds;
	gint gap_ms;
	gint formation_timeout;
	gint64 seed;
	gboolean keep;
	GArray *sizes; /* of guint */
} ArcBenchOptions;

/* the whole machine, from /proc/stat */
typedef struct {
	gint64 total; /* clock ticks of all CPUs */
	gint64 busy;  /* not idle nor iowait */
	gint64 steal;
} ArcBenchStat;

typedef struct {
	gdouble busy_pct;
	gdouble steal_pct;
} ArcBenchLoad;

/* what one cluster size measured */
typedef struct {
	guint n;
	gboolean formed;
	gboolean measured;
	gdouble start_s;     /* starting and bootstrapping the agents */
	gdouble adds_s;      /* agent 0's POST /v1/peers, one after the other */
	gdouble formation_s; /* from the first POST until every view and hash agreed */
	ArcBenchLoad formation_load;
	ArcBenchLoad writes_load;
	ArcBenchLoad idle_load;
	GArray *convergence_ms; /* of gdouble, one per write that reached every agent */
	guint timeouts;
	guint polls;
	guint poll_errors;
	guint sweeps;
	gdouble poll_secs;
	gdouble idle_secs;
	gdouble gossip_bps; /* bodies sent + received, per node */
	gdouble sent_bps;   /* bodies sent, per node */
	gdouble sent_max_bps;
	gdouble wire_bps;    /* lo rx bytes per node */
	gdouble opens_per_s; /* TCP connections opened, per node */
	gdouble idle_cpu_ms_per_s;
	gdouble rss_mean_kib;
	gdouble rss_formed_mean_kib; /* before the restart */
	gdouble rss_min_kib;
	gdouble rss_max_kib;
} ArcBenchFigures;

/* N agents of one size and what the bench saw of them */
typedef struct {
	const ArcBenchOptions *opts;
	guint n;
	gchar *dir;
	GPtrArray *agents; /* of ArcBenchAgent */
	GHashTable *index; /* peer id → agent number + 1 */
	GPtrArray *known;  /* per agent: set of the peer ids it lists as active */
	GPtrArray *hashes; /* per agent: its registry hash, or NULL */
	GRand *rand;
	gboolean keep;
} ArcBenchCluster;

struct _ArcBenchPoll;

/* one agent watched for a write */
typedef struct {
	struct _ArcBenchPoll *poll;
	ArcBenchAgent *agent;
	SoupMessage *msg;
	gboolean seen;
	gint64 seen_us;
} ArcBenchWatch;

typedef struct _ArcBenchPoll {
	const gchar *name;
	const gchar *path;
	ArcBenchWatch *watch; /* one per agent */
	guint in_flight;
	guint pending;
	guint requests;
	guint errors;
} ArcBenchPoll;

static gdouble
arc_bench_secs_since(gint64 start_us)
{
	return (gdouble)(g_get_monotonic_time() - start_us) / G_USEC_PER_SEC;
}

/* ---- statistics ---- */

static gint
arc_bench_compare_double(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
	return x < y ? -1 : x > y ? 1 : 0;
}

/* nearest rank: the smallest sample with at least @q of them at or below it */
static gdouble
arc_bench_percentile(GArray *values, gdouble q)
{
	g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(gdouble), values->len);
	guint rank;

	if (values->len == 0)
		return -1;
	g_array_append_vals(sorted, values->data, values->len);
	g_array_sort(sorted, arc_bench_compare_double);
	rank = (guint)(q * sorted->len);
	if ((gdouble)rank < q * sorted->len)
		rank++;
	return g_array_index(sorted, gdouble, CLAMP(rank, 1, sorted->len) - 1);
}

/* ---- files and the machine ---- */

static gboolean
arc_bench_is_tmpfs(const gchar *path)
{
	struct statfs st;
	return statfs(path, &st) == 0 && st.f_type == ARC_BENCH_TMPFS_MAGIC;
}

static void
arc_bench_stat_sample(ArcBenchStat *s)
{
	g_autofree gchar *text = NULL;
	gint64 v[8] = {0};

	memset(s, 0, sizeof(*s));
	if (!g_file_get_contents("/proc/stat", &text, NULL, NULL) ||
	    !g_str_has_prefix(text, "cpu "))
		return;
	{
		g_auto(GStrv) f = g_strsplit_set(text + 4, " \n", 16);
		for (guint i = 0, j = 0; f[i] != NULL && j < G_N_ELEMENTS(v); i++) {
			if (f[i][0] != '\0')
				v[j++] = g_ascii_strtoll(f[i], NULL, 10);
		}
	}
	/* user nice system idle iowait irq softirq steal */
	for (guint j = 0; j < G_N_ELEMENTS(v); j++)
		s->total += v[j];
	s->busy = s->total - v[3] - v[4];
	s->steal = v[7];
}

static void
arc_bench_load(const ArcBenchStat *before, ArcBenchLoad *load)
{
	ArcBenchStat after;
	gdouble total;

	arc_bench_stat_sample(&after);
	total = (gdouble)(after.total - before->total);
	load->busy_pct = total > 0 ? 100.0 * (after.busy - before->busy) / total : -1;
	load->steal_pct = total > 0 ? 100.0 * (after.steal - before->steal) / total : -1;
}

/* bytes received on the loopback interface; each byte sent on lo is received once */
static gint64
arc_bench_lo_rx_bytes(void)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents("/proc/net/dev", &text, NULL, NULL))
		return -1;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *line = lines[i];
		while (*line == ' ')
			line++;
		if (g_str_has_prefix(line, "lo:"))
			return g_ascii_strtoll(line + 3, NULL, 10);
	}
	return -1;
}

/* TCP connections this network namespace opened so far (ActiveOpens of /proc/net/snmp) */
static gint64
arc_bench_tcp_active_opens(void)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents("/proc/net/snmp", &text, NULL, NULL))
		return -1;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
		g_auto(GStrv) names = NULL;
		g_auto(GStrv) values = NULL;

		if (!g_str_has_prefix(lines[i], "Tcp: ") ||
		    !g_str_has_prefix(lines[i + 1], "Tcp: "))
			continue;
		names = g_strsplit(lines[i], " ", -1);
		values = g_strsplit(lines[i + 1], " ", -1);
		for (guint k = 0; names[k] != NULL && values[k] != NULL; k++) {
			if (g_strcmp0(names[k], "ActiveOpens") == 0)
				return g_ascii_strtoll(values[k], NULL, 10);
		}
	}
	return -1;
}

static gdouble
arc_bench_rss_kib(ArcBenchAgent *agent)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/status", (gint)agent->pid);
	g_autofree gchar *text = NULL;
	const gchar *at;

	if (!g_file_get_contents(path, &text, NULL, NULL) || (at = strstr(text, "VmRSS:")) == NULL)
		return -1;
	return g_ascii_strtod(at + strlen("VmRSS:"), NULL);
}

/* ---- the license and the agents ---- */

/* default [gossip]: only the handshake may take longer than usual */
static gchar *
arc_bench_write_config(const gchar *work, const gchar *dir, guint i, GError **error)
{
	g_autofree gchar *path = g_strdup_printf("%s/agent%u.conf", dir, i);
	g_autofree gchar *text =
		g_strdup_printf("[agent]\nrecovery_token_file=%s/agent%u.recovery\n"
				"[plugin:ed25519-file]\nissuers_dir=%s/issuers\n"
				"[peers]\nhandshake_timeout=%d\n",
				dir, i, work, ARC_BENCH_HANDSHAKE_TIMEOUT);

	if (!g_file_set_contents(path, text, -1, error))
		return NULL;
	return g_steal_pointer(&path);
}

/* ---- the cluster ---- */

/* SIGTERM to all first, so that they shut down side by side */
static void
arc_bench_cluster_free(ArcBenchCluster *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < self->agents->len; i++)
		arc_bench_agent_signal_stop(g_ptr_array_index(self->agents, i));
	g_ptr_array_unref(self->agents); /* arc_bench_agent_free() waits for each */
	g_hash_table_unref(self->index);
	g_ptr_array_unref(self->known);
	g_ptr_array_unref(self->hashes);
	g_rand_free(self->rand);
	if (self->keep)
		g_print("kept %s (configs, data, agent logs)\n", self->dir);
	else
		arc_bench_rm_rf(self->dir);
	g_free(self->dir);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBenchCluster, arc_bench_cluster_free)

static ArcBenchCluster *
arc_bench_cluster_new(const ArcBenchOptions *opts, const gchar *work, guint n, GError **error)
{
	g_autoptr(ArcBenchCluster) self = g_new0(ArcBenchCluster, 1);

	self->opts = opts;
	self->n = n;
	self->dir = g_strdup_printf("%s/n%u", work, n);
	self->agents = g_ptr_array_new_with_free_func((GDestroyNotify)arc_bench_agent_free);
	self->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->known = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	self->hashes = g_ptr_array_new_with_free_func(g_free);
	self->rand = g_rand_new_with_seed((guint32)(opts->seed + n));
	self->keep = opts->keep;
	if (g_mkdir_with_parents(self->dir, 0700) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot create %s",
			    self->dir);
		return NULL;
	}
	return g_steal_pointer(&self);
}

static ArcBenchAgent *
arc_bench_cluster_agent(ArcBenchCluster *self, guint i)
{
	return g_ptr_array_index(self->agents, i);
}

/* "17" for a peer id of this cluster's agents */
static gchar *
arc_bench_cluster_name(ArcBenchCluster *self, const gchar *peer_id)
{
	gpointer i = g_hash_table_lookup(self->index, peer_id);
	return i != NULL ? g_strdup_printf("%u", GPOINTER_TO_UINT(i) - 1)
			 : g_strdup_printf("%s (not started here)", peer_id);
}

static gboolean
arc_bench_cluster_start(ArcBenchCluster *self, const gchar *work, GError **error)
{
	g_autofree gchar *license = g_build_filename(work, "license.json", NULL);

	for (guint i = 0; i < self->n; i++) {
		g_autofree gchar *config = arc_bench_write_config(work, self->dir, i, error);
		g_autofree gchar *data = g_strdup_printf("%s/data%u", self->dir, i);
		g_autofree gchar *log = g_strdup_printf("%s/agent%u.log", self->dir, i);
		g_autofree gchar *label = g_strdup_printf("agent %u", i);
		ArcBenchAgent *agent;

		if (config == NULL || arc_bench_check_interrupted(error))
			return FALSE;
		agent = arc_bench_agent_start(self->opts->build_dir, label, config, data, log, 0,
					      error);
		if (agent == NULL)
			return FALSE;
		g_ptr_array_add(self->agents, agent);
		if (!arc_bench_agent_bootstrap(agent, license, error))
			return FALSE;
		g_hash_table_insert(self->index, g_strdup(agent->peer_id), GUINT_TO_POINTER(i + 1));
		g_ptr_array_add(self->known,
				g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL));
		g_ptr_array_add(self->hashes, NULL);
	}
	return TRUE;
}

/* ---- forming the cluster ---- */

static gboolean
arc_bench_cluster_add_all(ArcBenchCluster *self, GError **error)
{
	ArcBenchAgent *first = arc_bench_cluster_agent(self, 0);

	for (guint i = 1; i < self->n; i++) {
		ArcBenchAgent *agent = arc_bench_cluster_agent(self, i);
		g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", agent->address);
		g_autoptr(JsonNode) answer = NULL;

		if (arc_bench_check_interrupted(error))
			return FALSE;
		answer = arc_bench_agent_request_json(first, "POST", "/v1/peers", first->token,
						      "application/json", body, 201, error);
		if (answer == NULL) {
			g_prefix_error(error, "agent 0 adding agent %u: ", i);
			return FALSE;
		}
	}
	return TRUE;
}

/* agent @i's active peers by GET /v1/peers */
static gboolean
arc_bench_cluster_read_view(ArcBenchCluster *self, guint i, GError **error)
{
	ArcBenchAgent *agent = arc_bench_cluster_agent(self, i);
	GHashTable *known = g_ptr_array_index(self->known, i);
	g_autoptr(JsonNode) answer = arc_bench_agent_request_json(
		agent, "GET", "/v1/peers", agent->token, NULL, NULL, 200, error);
	JsonArray *peers;

	if (answer == NULL)
		return FALSE;
	if (!JSON_NODE_HOLDS_ARRAY(answer)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "GET /v1/peers on %s is not an array", agent->label);
		return FALSE;
	}
	g_hash_table_remove_all(known);
	peers = json_node_get_array(answer);
	for (guint k = 0; k < json_array_get_length(peers); k++) {
		JsonNode *peer = json_array_get_element(peers, k);
		const gchar *id = arc_bench_json_get_string(peer, "id");
		if (id != NULL &&
		    g_strcmp0(arc_bench_json_get_string(peer, "state"), "active") == 0)
			g_hash_table_add(known, g_strdup(id));
	}
	return TRUE;
}

static JsonNode *
arc_bench_cluster_status(ArcBenchCluster *self, guint i, GError **error)
{
	ArcBenchAgent *agent = arc_bench_cluster_agent(self, i);
	g_autoptr(JsonNode) answer = arc_bench_agent_request_json(
		agent, "GET", "/v1/cluster/status", agent->token, NULL, NULL, 200, error);

	if (answer == NULL)
		return NULL;
	g_free(g_ptr_array_index(self->hashes, i));
	g_ptr_array_index(self->hashes, i) =
		g_strdup(arc_bench_json_get_string(answer, "registry_hash"));
	return g_steal_pointer(&answer);
}

/* how many agents list all N peers; the registry hashes are read only once all do */
static gboolean
arc_bench_cluster_check(ArcBenchCluster *self, guint *complete, guint *fewest, guint *hashes,
			GError **error)
{
	g_autoptr(GHashTable) distinct = g_hash_table_new(g_str_hash, g_str_equal);

	*complete = 0;
	*fewest = G_MAXUINT;
	*hashes = 0;
	for (guint i = 0; i < self->n; i++) {
		guint count;
		if (!arc_bench_cluster_read_view(self, i, error))
			return FALSE;
		count = g_hash_table_size(g_ptr_array_index(self->known, i));
		*fewest = MIN(*fewest, count);
		if (count >= self->n)
			(*complete)++;
	}
	if (*complete < self->n)
		return TRUE;
	for (guint i = 0; i < self->n; i++) {
		g_autoptr(JsonNode) status = arc_bench_cluster_status(self, i, error);
		const gchar *hash = g_ptr_array_index(self->hashes, i);
		if (status == NULL)
			return FALSE;
		g_hash_table_add(distinct, (gpointer)(hash != NULL ? hash : ""));
	}
	*hashes = g_hash_table_size(distinct);
	return TRUE;
}

/* the POSTs, then bounded checks until every agent lists N peers with one registry hash */
static gboolean
arc_bench_cluster_form(ArcBenchCluster *self, ArcBenchFigures *f, GError **error)
{
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + (gint64)self->opts->formation_timeout * G_USEC_PER_SEC;
	gint64 progress = start + ARC_BENCH_PROGRESS_USEC;
	guint complete = 0, fewest = 0, hashes = 0;

	if (!arc_bench_cluster_add_all(self, error))
		return FALSE;
	f->adds_s = arc_bench_secs_since(start);
	g_print("  agent 0 added the %u others in %.1f s; waiting for transitive discovery\n",
		self->n - 1, f->adds_s);
	while (g_get_monotonic_time() < deadline) {
		if (arc_bench_check_interrupted(error) ||
		    !arc_bench_cluster_check(self, &complete, &fewest, &hashes, error))
			return FALSE;
		if (complete == self->n && hashes == 1) {
			f->formation_s = arc_bench_secs_since(start);
			return TRUE;
		}
		if (g_get_monotonic_time() >= progress) {
			g_print("  %.0f s: %u/%u agents list all %u peers (fewest: %u)%s\n",
				arc_bench_secs_since(start), complete, self->n, self->n, fewest,
				complete == self->n ? ", registry hashes differ" : "");
			progress += ARC_BENCH_PROGRESS_USEC;
		}
		arc_bench_sleep(ARC_BENCH_CHECK_PAUSE_US);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		    "N=%u: the cluster did not form in %d s: %u/%u agents list all peers (fewest "
		    "%u), %u distinct registry hashes",
		    self->n, self->opts->formation_timeout, complete, self->n, fewest, hashes);
	return FALSE;
}

/* Every agent stopped and started again on its port with its data: what it then holds is
 * what its N peers cost it, without the heap left from the burst of meeting them. */
static gboolean
arc_bench_cluster_restart(ArcBenchCluster *self, GError **error)
{
	gint64 deadline;
	guint complete = 0, fewest = 0, hashes = 0;

	for (guint i = 0; i < self->n; i++) {
		ArcBenchAgent *old = arc_bench_cluster_agent(self, i);
		g_autofree gchar *config = g_strdup_printf("%s/agent%u.conf", self->dir, i);
		g_autofree gchar *data = g_strdup_printf("%s/data%u", self->dir, i);
		g_autofree gchar *log = g_strdup_printf("%s/agent%u.restarted.log", self->dir, i);
		g_autofree gchar *label = g_strdup_printf("agent %u", i);
		const gchar *colon = strrchr(old->address, ':');
		guint16 port = colon != NULL ? (guint16)atoi(colon + 1) : 0;
		ArcBenchAgent *agent;

		if (arc_bench_check_interrupted(error))
			return FALSE;
		arc_bench_agent_stop(old);
		agent = arc_bench_agent_start(self->opts->build_dir, label, config, data, log, port,
					      error);
		if (agent == NULL)
			return FALSE;
		agent->peer_id = g_strdup(old->peer_id);
		agent->cluster_id = g_strdup(old->cluster_id);
		agent->client_id = g_strdup(old->client_id);
		agent->client_secret = g_strdup(old->client_secret);
		agent->token = g_strdup(old->token);
		g_ptr_array_index(self->agents, i) = agent;
		arc_bench_agent_free(old);
	}
	deadline = g_get_monotonic_time() + (gint64)self->opts->formation_timeout * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < deadline) {
		if (arc_bench_check_interrupted(error) ||
		    !arc_bench_cluster_check(self, &complete, &fewest, &hashes, error))
			return FALSE;
		if (complete == self->n && hashes == 1)
			return TRUE;
		arc_bench_sleep(ARC_BENCH_CHECK_PAUSE_US);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		    "N=%u: after the restart, %u/%u agents list all peers, %u registry hashes",
		    self->n, complete, self->n, hashes);
	return FALSE;
}

/* ---- what a failed formation looked like ---- */

static void
arc_bench_diag_views(ArcBenchCluster *self)
{
	guint lines = 0;

	for (guint i = 0; i < self->n; i++) {
		GHashTable *known = g_ptr_array_index(self->known, i);
		g_autoptr(GString) lacks = g_string_new(NULL);

		for (guint k = 0; k < self->n; k++) {
			if (!g_hash_table_contains(known,
						   arc_bench_cluster_agent(self, k)->peer_id))
				g_string_append_printf(lacks, " %u", k);
		}
		if (lacks->len == 0)
			continue;
		if (lines++ < ARC_BENCH_DIAG_LINES)
			g_print("  agent %u (%s, pid %d) lists %u/%u active peers; lacks:%s\n", i,
				arc_bench_cluster_agent(self, i)->address,
				(gint)arc_bench_cluster_agent(self, i)->pid,
				g_hash_table_size(known), self->n, lacks->str);
	}
	if (lines > ARC_BENCH_DIAG_LINES)
		g_print("  ... and %u more agents lack peers\n", lines - ARC_BENCH_DIAG_LINES);
	if (lines == 0)
		g_print("  every agent lists all %u peers\n", self->n);
}

/* registry hashes and the peers an agent does not see as alive, from GET /v1/cluster/status */
static void
arc_bench_diag_status(ArcBenchCluster *self)
{
	g_autoptr(GHashTable) groups =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_free);
	GHashTableIter iter;
	gpointer key, value;
	guint lines = 0;

	for (guint i = 0; i < self->n; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) status = arc_bench_cluster_status(self, i, &error);
		const gchar *hash = g_ptr_array_index(self->hashes, i);
		g_autofree gchar *short_hash = g_strndup(hash != NULL ? hash : "?", 12);
		gchar *members = g_hash_table_lookup(groups, short_hash);
		JsonArray *peers;

		if (status == NULL) {
			g_print("  agent %u: %s\n", i, error->message);
			continue;
		}
		g_hash_table_replace(groups, g_strdup(short_hash),
				     g_strdup_printf("%s %u", members != NULL ? members : "", i));
		peers = json_object_get_array_member(json_node_get_object(status), "peers");
		for (guint k = 0; peers != NULL && k < json_array_get_length(peers); k++) {
			JsonNode *peer = json_array_get_element(peers, k);
			const gchar *reach = arc_bench_json_get_string(peer, "reachability");
			g_autofree gchar *name = NULL;

			if (reach == NULL || g_strcmp0(reach, "alive") == 0)
				continue;
			name = arc_bench_cluster_name(self, arc_bench_json_get_string(peer, "id"));
			if (lines++ < ARC_BENCH_DIAG_LINES)
				g_print("  agent %u sees agent %s as %s (state %s, last_seen %s)\n",
					i, name, reach, arc_bench_json_get_string(peer, "state"),
					arc_bench_json_get_string(peer, "last_seen"));
		}
	}
	if (lines > ARC_BENCH_DIAG_LINES)
		g_print("  ... and %u more peers not alive\n", lines - ARC_BENCH_DIAG_LINES);
	g_print("  registry hashes (first 12 hex digits: agents):\n");
	g_hash_table_iter_init(&iter, groups);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_print("    %s:%s\n", (const gchar *)key, (const gchar *)value);
}

static gint
arc_bench_compare_count(gconstpointer a, gconstpointer b, gpointer user_data)
{
	GHashTable *counts = user_data;
	guint x = GPOINTER_TO_UINT(g_hash_table_lookup(counts, a));
	guint y = GPOINTER_TO_UINT(g_hash_table_lookup(counts, b));
	return x > y ? -1 : x < y ? 1 : 0;
}

/* warnings and criticals of every log, grouped with peer ids and numbers made alike */
static void
arc_bench_diag_logs(ArcBenchCluster *self, guint max_kinds)
{
	g_autoptr(GRegex) re = g_regex_new("peer_[0-9A-Za-z]{26}|127\\.0\\.0\\.1:[0-9]+|[0-9]+",
					   G_REGEX_OPTIMIZE, 0, NULL);
	g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) examples =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GList) keys = NULL;
	guint total = 0, shown = 0;

	for (guint i = 0; i < self->n; i++) {
		g_autofree gchar *text = NULL;
		g_auto(GStrv) lines = NULL;

		if (!g_file_get_contents(arc_bench_cluster_agent(self, i)->log_path, &text, NULL,
					 NULL))
			continue;
		lines = g_strsplit(text, "\n", -1);
		for (guint k = 0; lines[k] != NULL; k++) {
			g_auto(GStrv) words = g_strsplit(lines[k], " ", 3);
			g_autofree gchar *shape = NULL;
			guint count;

			if (g_strv_length(words) < 3 || (g_strcmp0(words[1], "warning") != 0 &&
							 g_strcmp0(words[1], "critical") != 0))
				continue;
			total++;
			shape = g_regex_replace_literal(re, g_strchug(words[2]), -1, 0, "#", 0,
							NULL);
			count = GPOINTER_TO_UINT(g_hash_table_lookup(counts, shape));
			if (count == 0)
				g_hash_table_insert(examples, g_strdup(shape),
						    g_strdup_printf("agent %u: %s", i, lines[k]));
			g_hash_table_replace(counts, g_strdup(shape), GUINT_TO_POINTER(count + 1));
		}
	}
	g_print("    %u warnings and criticals in the agents' logs", total);
	if (total == 0) {
		g_print("\n");
		return;
	}
	g_print(", by kind (numbers and ids as #), most frequent first:\n");
	keys = g_list_sort_with_data(g_hash_table_get_keys(counts), arc_bench_compare_count,
				     counts);
	for (GList *l = keys; l != NULL && shown++ < max_kinds; l = l->next) {
		const gchar *shape = l->data;
		g_print("      %ux e.g. %s\n", GPOINTER_TO_UINT(g_hash_table_lookup(counts, shape)),
			(const gchar *)g_hash_table_lookup(examples, shape));
	}
}

static void
arc_bench_cluster_diagnose(ArcBenchCluster *self)
{
	g_print("\nN=%u: the cluster did not form. What the agents showed:\n", self->n);
	for (guint i = 0; i < self->agents->len; i++) {
		g_autoptr(GError) error = NULL;
		if (!arc_bench_cluster_read_view(self, i, &error))
			g_print("  agent %u: %s\n", i, error->message);
	}
	arc_bench_diag_views(self);
	arc_bench_diag_status(self);
	arc_bench_diag_logs(self, 15);
	self->keep = TRUE;
}

/* ---- one write, polled on every agent ---- */

static void
arc_bench_poll_done_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ArcBenchWatch *watch = user_data;
	ArcBenchPoll *poll = watch->poll;
	g_autoptr(GBytes) body = soup_session_send_and_read_finish(SOUP_SESSION(source), res, NULL);
	g_autoptr(SoupMessage) msg = g_steal_pointer(&watch->msg);
	gint64 now = g_get_monotonic_time();
	g_autoptr(JsonNode) answer = NULL;

	poll->in_flight--;
	if (body == NULL || soup_message_get_status(msg) != SOUP_STATUS_OK) {
		poll->errors++;
		return;
	}
	answer = arc_bench_json_from_bytes(body, NULL);
	if (g_strcmp0(arc_bench_json_get_string(answer, "name"), poll->name) != 0)
		return;
	watch->seen = TRUE;
	watch->seen_us = now;
	poll->pending--;
}

static void
arc_bench_poll_send(ArcBenchWatch *watch)
{
	ArcBenchAgent *agent = watch->agent;
	g_autofree gchar *url = g_strdup_printf("http://%s%s", agent->address, watch->poll->path);
	g_autofree gchar *bearer = g_strdup_printf("Bearer %s", agent->token);

	watch->msg = soup_message_new("GET", url);
	soup_message_headers_replace(soup_message_get_request_headers(watch->msg), "Authorization",
				     bearer);
	watch->poll->in_flight++;
	watch->poll->requests++;
	soup_session_send_and_read_async(agent->session, watch->msg, G_PRIORITY_DEFAULT, NULL,
					 arc_bench_poll_done_cb, watch);
}

/* one request in flight per agent that has not seen the name, all answered before the next */
static void
arc_bench_poll_sweep(ArcBenchPoll *poll, guint n)
{
	for (guint i = 0; i < n; i++) {
		if (!poll->watch[i].seen)
			arc_bench_poll_send(&poll->watch[i]);
	}
	while (poll->in_flight > 0)
		g_main_context_iteration(NULL, TRUE);
}

static gchar *
arc_bench_poll_missing(ArcBenchPoll *poll, guint n)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < n; i++) {
		if (!poll->watch[i].seen)
			g_string_append_printf(text, " %u", i);
	}
	return g_string_free(text, FALSE);
}

/* PUT a new name of a random peer on a random other agent, then polls until all have it */
static gboolean
arc_bench_write_once(ArcBenchCluster *self, guint w, ArcBenchFigures *f, GError **error)
{
	guint writer = (guint)g_rand_int_range(self->rand, 0, (gint32)self->n);
	guint target = (writer + (guint)g_rand_int_range(self->rand, 1, (gint32)self->n)) % self->n;
	ArcBenchAgent *agent = arc_bench_cluster_agent(self, writer);
	g_autofree gchar *name =
		g_strdup_printf("bench-n%u-w%u-%08x", self->n, w, g_rand_int(self->rand));
	g_autofree gchar *body = g_strdup_printf("{\"name\":\"%s\"}", name);
	g_autofree gchar *path =
		g_strdup_printf("/v1/peers/%s", arc_bench_cluster_agent(self, target)->peer_id);
	g_autofree ArcBenchWatch *watch = g_new0(ArcBenchWatch, self->n);
	g_autoptr(JsonNode) answer = NULL;
	ArcBenchPoll poll = {.name = name, .path = path, .watch = watch, .pending = self->n};
	gint64 start, deadline, last = 0, sweeps_start;

	answer = arc_bench_agent_request_json(agent, "PUT", path, agent->token, "application/json",
					      body, 0, error);
	if (answer == NULL)
		return FALSE;
	start = sweeps_start = g_get_monotonic_time();
	deadline = start + ARC_BENCH_WRITE_TIMEOUT_SECS * G_USEC_PER_SEC;
	for (guint i = 0; i < self->n; i++) {
		watch[i].poll = &poll;
		watch[i].agent = arc_bench_cluster_agent(self, i);
	}
	while (poll.pending > 0 && g_get_monotonic_time() < deadline &&
	       !arc_bench_is_interrupted()) {
		arc_bench_poll_sweep(&poll, self->n);
		f->sweeps++;
		if (poll.pending > 0)
			g_usleep(ARC_BENCH_SWEEP_PAUSE_US);
	}
	f->poll_secs += arc_bench_secs_since(sweeps_start);
	f->polls += poll.requests;
	f->poll_errors += poll.errors;
	if (poll.pending > 0) {
		g_autofree gchar *missing = arc_bench_poll_missing(&poll, self->n);
		f->timeouts++;
		g_print("  write %u: agent %u named agent %u; after %d s these agents still lack "
			"it:%s\n",
			w + 1, writer, target, ARC_BENCH_WRITE_TIMEOUT_SECS, missing);
		return !arc_bench_check_interrupted(error);
	}
	for (guint i = 0; i < self->n; i++)
		last = MAX(last, watch[i].seen_us);
	{
		gdouble ms = (gdouble)(last - start) / 1000.0;
		g_array_append_val(f->convergence_ms, ms);
		g_print("  write %2u: agent %2u names agent %2u: all %u agents in %7.1f ms (%u "
			"polls)\n",
			w + 1, writer, target, self->n, ms, poll.requests);
	}
	return TRUE;
}

static gboolean
arc_bench_run_writes(ArcBenchCluster *self, ArcBenchFigures *f, GError **error)
{
	gint writes = self->opts->writes >= 0 ? self->opts->writes : self->n <= 16 ? 30 : 20;
	ArcBenchStat machine;

	g_print("  %d writes, %d ms apart (after each write reached every agent)\n", writes,
		self->opts->gap_ms);
	arc_bench_stat_sample(&machine);
	for (gint w = 0; w < writes; w++) {
		arc_bench_sleep((gint64)self->opts->gap_ms * 1000);
		if (arc_bench_check_interrupted(error) ||
		    !arc_bench_write_once(self, (guint)w, f, error))
			return FALSE;
	}
	arc_bench_load(&machine, &f->writes_load);
	return TRUE;
}

/* ---- the idle cluster ---- */

static gdouble
arc_bench_metric(const gchar *text, const gchar *series)
{
	const gchar *at = text;

	while ((at = strstr(at, series)) != NULL) {
		if (at == text || at[-1] == '\n')
			return g_ascii_strtod(at + strlen(series), NULL);
		at += strlen(series);
	}
	return 0;
}

/* sums the agents' gossip byte counters; @mid_us: the middle of the scrape */
static gboolean
arc_bench_scrape(ArcBenchCluster *self, gdouble *sent, gdouble *received, gint64 *mid_us,
		 GError **error)
{
	gint64 start = g_get_monotonic_time();

	for (guint i = 0; i < self->n; i++) {
		ArcBenchAgent *agent = arc_bench_cluster_agent(self, i);
		g_autoptr(GBytes) reply = NULL;
		g_autofree gchar *text = NULL;
		gsize len = 0;
		const gchar *data;
		guint status = 0;

		reply = arc_bench_agent_request(agent, "GET", "/metrics", NULL, NULL, NULL, 0,
						&status, error);
		if (reply == NULL)
			return FALSE;
		data = g_bytes_get_data(reply, &len);
		text = g_strndup(data != NULL ? data : "", len);
		sent[i] = arc_bench_metric(text, "arctic_gossip_bytes_total{direction=\"sent\"}");
		received[i] =
			arc_bench_metric(text, "arctic_gossip_bytes_total{direction=\"received\"}");
	}
	*mid_us = (start + g_get_monotonic_time()) / 2;
	return TRUE;
}

static gint64
arc_bench_cluster_cpu_ns(ArcBenchCluster *self)
{
	gint64 total = 0;

	for (guint i = 0; i < self->n; i++) {
		ArcBenchCpu cpu;
		arc_bench_agent_sample_cpu(arc_bench_cluster_agent(self, i), &cpu);
		total += MAX(cpu.clock_ns, 0);
	}
	return total;
}

static void
arc_bench_idle_figures(ArcBenchCluster *self, ArcBenchFigures *f, const gdouble *sent0,
		       const gdouble *sent1, const gdouble *recv0, const gdouble *recv1)
{
	gdouble sent = 0, received = 0;

	for (guint i = 0; i < self->n; i++) {
		gdouble bps = (sent1[i] - sent0[i]) / f->idle_secs;
		sent += sent1[i] - sent0[i];
		received += recv1[i] - recv0[i];
		f->sent_max_bps = MAX(f->sent_max_bps, bps);
	}
	f->sent_bps = sent / self->n / f->idle_secs;
	f->gossip_bps = (sent + received) / self->n / f->idle_secs;
}

/* settle, then the gossip counters and lo over the window; nothing else from the bench */
static gboolean
arc_bench_measure_idle(ArcBenchCluster *self, ArcBenchFigures *f, GError **error)
{
	g_autofree gdouble *sent0 = g_new0(gdouble, self->n);
	g_autofree gdouble *sent1 = g_new0(gdouble, self->n);
	g_autofree gdouble *recv0 = g_new0(gdouble, self->n);
	g_autofree gdouble *recv1 = g_new0(gdouble, self->n);
	gint64 mid0 = 0, mid1 = 0, lo0, lo1, lo_start, cpu0, opens0, opens1;
	ArcBenchStat machine;

	g_print("  idle: %d s to settle, then a %d s window\n", self->opts->settle_seconds,
		self->opts->idle_seconds);
	arc_bench_sleep((gint64)self->opts->settle_seconds * G_USEC_PER_SEC);
	if (arc_bench_check_interrupted(error))
		return FALSE;
	arc_bench_stat_sample(&machine);
	cpu0 = arc_bench_cluster_cpu_ns(self);
	if (!arc_bench_scrape(self, sent0, recv0, &mid0, error))
		return FALSE;
	lo0 = arc_bench_lo_rx_bytes();
	opens0 = arc_bench_tcp_active_opens();
	lo_start = g_get_monotonic_time();
	arc_bench_sleep((gint64)self->opts->idle_seconds * G_USEC_PER_SEC);
	lo1 = arc_bench_lo_rx_bytes();
	opens1 = arc_bench_tcp_active_opens();
	f->opens_per_s = opens0 < 0 || opens1 < opens0 ? -1
						       : (gdouble)(opens1 - opens0) / self->n /
								 arc_bench_secs_since(lo_start);
	f->wire_bps = lo0 < 0 || lo1 < lo0
			      ? -1
			      : (gdouble)(lo1 - lo0) / self->n / arc_bench_secs_since(lo_start);
	if (arc_bench_check_interrupted(error) ||
	    !arc_bench_scrape(self, sent1, recv1, &mid1, error))
		return FALSE;
	f->idle_secs = (gdouble)(mid1 - mid0) / G_USEC_PER_SEC;
	f->idle_cpu_ms_per_s =
		(gdouble)(arc_bench_cluster_cpu_ns(self) - cpu0) / 1e6 / self->n / f->idle_secs;
	arc_bench_load(&machine, &f->idle_load);
	arc_bench_idle_figures(self, f, sent0, sent1, recv0, recv1);
	return TRUE;
}

static void
arc_bench_measure_rss(ArcBenchCluster *self, ArcBenchFigures *f)
{
	gdouble sum = 0;
	guint count = 0;

	f->rss_min_kib = G_MAXDOUBLE;
	f->rss_max_kib = 0;
	for (guint i = 0; i < self->n; i++) {
		gdouble kib = arc_bench_rss_kib(arc_bench_cluster_agent(self, i));
		if (kib < 0)
			continue;
		sum += kib;
		count++;
		f->rss_min_kib = MIN(f->rss_min_kib, kib);
		f->rss_max_kib = MAX(f->rss_max_kib, kib);
	}
	f->rss_mean_kib = count > 0 ? sum / count : -1;
	if (count == 0)
		f->rss_min_kib = -1;
}

/* ---- the report ---- */

static void
arc_bench_print_load(const gchar *what, const ArcBenchLoad *load)
{
	g_print("    machine during %s: CPUs %.0f%% busy, steal %.1f%%\n", what, load->busy_pct,
		load->steal_pct);
}

static void
arc_bench_print_size(const ArcBenchFigures *f)
{
	GArray *c = f->convergence_ms;

	g_print("\n  N=%u results\n", f->n);
	g_print("    cluster formed %.1f s after agent 0's first POST /v1/peers (its %u POSTs: "
		"%.1f s; views checked about once a second)\n",
		f->formation_s, f->n - 1, f->adds_s);
	arc_bench_print_load("formation", &f->formation_load);
	g_print("    convergence of one write to all %u agents (ms, %u writes, nearest rank):\n"
		"      p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%s\n",
		f->n, c->len, arc_bench_percentile(c, 0.5), arc_bench_percentile(c, 0.9),
		arc_bench_percentile(c, 0.99), arc_bench_percentile(c, 1.0),
		f->timeouts > 0 ? "  (plus writes that timed out, see above)" : "");
	if (f->timeouts > 0)
		g_print("      %u writes did not reach every agent in %d s\n", f->timeouts,
			ARC_BENCH_WRITE_TIMEOUT_SECS);
	g_print("      polling: %u GETs (%u failed) in %u sweeps, %.0f GET/s, %.1f ms per sweep "
		"(the resolution)\n",
		f->polls, f->poll_errors, f->sweeps, f->poll_secs > 0 ? f->polls / f->poll_secs : 0,
		f->sweeps > 0 ? 1000.0 * f->poll_secs / f->sweeps : 0);
	arc_bench_print_load("the writes", &f->writes_load);
	g_print("    idle traffic per node over %.1f s (B/s): gossip bodies sent+received %.0f, "
		"sent %.0f (busiest node sent %.0f); wire (lo rx / N) %.0f\n",
		f->idle_secs, f->gossip_bps, f->sent_bps, f->sent_max_bps, f->wire_bps);
	g_print("    TCP connections opened on this host while idle: %.2f per node per s\n",
		f->opens_per_s);
	g_print("    agents' CPU while idle: %.2f ms/s per node\n", f->idle_cpu_ms_per_s);
	arc_bench_print_load("the idle window", &f->idle_load);
	g_print("    VmRSS per agent (KiB): mean %.0f, min %.0f, max %.0f (right after forming the "
		"cluster, before every agent was restarted: mean %.0f)\n",
		f->rss_mean_kib, f->rss_min_kib, f->rss_max_kib, f->rss_formed_mean_kib);
}

static void
arc_bench_print_cell(gdouble value, gint decimals, gdouble target)
{
	g_autofree gchar *text = NULL;

	if (value == -2)
		text = g_strdup("did not form");
	else if (value < 0)
		text = g_strdup("n/a");
	else if (target <= 0)
		text = g_strdup_printf("%.*f", decimals, value);
	else
		text = g_strdup_printf("%.*f %s", decimals, value,
				       value <= target ? "PASS" : "MISS");
	g_print(ARC_BENCH_CELL, text);
}

/* the rows of the summary */
typedef enum {
	ARC_BENCH_ROW_FORMATION,
	ARC_BENCH_ROW_P50,
	ARC_BENCH_ROW_P99,
	ARC_BENCH_ROW_GOSSIP,
	ARC_BENCH_ROW_SENT,
	ARC_BENCH_ROW_WIRE,
	ARC_BENCH_ROW_OPENS,
	ARC_BENCH_ROW_RSS,
	ARC_BENCH_ROW_STEAL_WRITES,
	ARC_BENCH_ROW_STEAL_IDLE,
} ArcBenchRow;

/* -1: not measured; -2: the cluster did not form. A write that timed out misses the p99. */
static gdouble
arc_bench_figure(const ArcBenchFigures *f, ArcBenchRow row)
{
	if (row == ARC_BENCH_ROW_FORMATION)
		return f->formed ? f->formation_s : -2;
	if (!f->measured)
		return -1;
	switch (row) {
	case ARC_BENCH_ROW_P50:
		return arc_bench_percentile(f->convergence_ms, 0.5);
	case ARC_BENCH_ROW_P99:
		return f->timeouts > 0 ? ARC_BENCH_WRITE_TIMEOUT_SECS * 1000.0
				       : arc_bench_percentile(f->convergence_ms, 0.99);
	case ARC_BENCH_ROW_GOSSIP:
		return f->gossip_bps;
	case ARC_BENCH_ROW_SENT:
		return f->sent_bps;
	case ARC_BENCH_ROW_WIRE:
		return f->wire_bps;
	case ARC_BENCH_ROW_OPENS:
		return f->opens_per_s;
	case ARC_BENCH_ROW_RSS:
		return f->rss_mean_kib / 1024.0;
	case ARC_BENCH_ROW_STEAL_WRITES:
		return f->writes_load.steal_pct;
	case ARC_BENCH_ROW_STEAL_IDLE:
		return f->idle_load.steal_pct;
	default:
		return -1;
	}
}

static void
arc_bench_print_row(GPtrArray *figures, const gchar *label, ArcBenchRow row, gint decimals,
		    gdouble target, const gchar *target_text)
{
	g_print(ARC_BENCH_LABEL, label);
	for (guint i = 0; i < figures->len; i++)
		arc_bench_print_cell(arc_bench_figure(g_ptr_array_index(figures, i), row), decimals,
				     target);
	g_print("%s\n", target_text);
}

/* (mean RSS at the largest N - at the smallest) / (difference in known peers) */
static gdouble
arc_bench_rss_slope(GPtrArray *figures, gboolean formed, guint *small, guint *large)
{
	const ArcBenchFigures *lo = NULL, *hi = NULL;

	for (guint i = 0; i < figures->len; i++) {
		const ArcBenchFigures *f = g_ptr_array_index(figures, i);
		if (!f->measured || f->rss_mean_kib < 0)
			continue;
		if (lo == NULL || f->n < lo->n)
			lo = f;
		if (hi == NULL || f->n > hi->n)
			hi = f;
	}
	if (lo == NULL || hi == NULL || hi->n == lo->n)
		return -1;
	*small = lo->n;
	*large = hi->n;
	if (formed)
		return (hi->rss_formed_mean_kib - lo->rss_formed_mean_kib) /
		       (gdouble)(hi->n - lo->n);
	return (hi->rss_mean_kib - lo->rss_mean_kib) / (gdouble)(hi->n - lo->n);
}

static void
arc_bench_print_summary(GPtrArray *figures)
{
	guint small = 0, large = 0;
	gdouble slope = arc_bench_rss_slope(figures, FALSE, &small, &large);
	gdouble formed = arc_bench_rss_slope(figures, TRUE, &small, &large);

	g_print("\nSummary (default [gossip] interval 1 s, fanout 3; a MISS does not change the "
		"exit status)\n");
	g_print(ARC_BENCH_LABEL, "");
	for (guint i = 0; i < figures->len; i++) {
		g_autofree gchar *head = g_strdup_printf(
			"N=%u", ((ArcBenchFigures *)g_ptr_array_index(figures, i))->n);
		g_print(ARC_BENCH_CELL, head);
	}
	g_print("target\n");
	arc_bench_print_row(figures, "formation (s)", ARC_BENCH_ROW_FORMATION, 1, 0, "");
	arc_bench_print_row(figures, "write to all agents, p50 (ms)", ARC_BENCH_ROW_P50, 1, 0, "");
	arc_bench_print_row(figures, "write to all agents, p99 (ms)", ARC_BENCH_ROW_P99, 1,
			    ARC_BENCH_TARGET_P99_MS, "<= 2000 (at N=64)");
	arc_bench_print_row(figures, "idle gossip bodies sent+recv (B/s/node)",
			    ARC_BENCH_ROW_GOSSIP, 0, ARC_BENCH_TARGET_IDLE_BPS, "<= 2048");
	arc_bench_print_row(figures, "idle gossip bodies sent (B/s/node)", ARC_BENCH_ROW_SENT, 0,
			    ARC_BENCH_TARGET_IDLE_BPS, "<= 2048");
	arc_bench_print_row(figures, "idle wire, lo rx / N (B/s/node)", ARC_BENCH_ROW_WIRE, 0,
			    ARC_BENCH_TARGET_IDLE_BPS, "<= 2048");
	arc_bench_print_row(figures, "idle TCP connects (/s/node)", ARC_BENCH_ROW_OPENS, 2, 0, "");
	arc_bench_print_row(figures, "VmRSS mean (MiB)", ARC_BENCH_ROW_RSS, 2, 0, "");
	arc_bench_print_row(figures, "steal during writes (%)", ARC_BENCH_ROW_STEAL_WRITES, 1, 0,
			    "");
	arc_bench_print_row(figures, "steal during idle window (%)", ARC_BENCH_ROW_STEAL_IDLE, 1, 0,
			    "");
	if (small == 0) {
		g_print(ARC_BENCH_LABEL ARC_BENCH_CELL "<= 16\n", "RSS per known peer (KiB)",
			"n/a (one size)");
	} else {
		g_autofree gchar *label =
			g_strdup_printf("RSS per known peer, N=%u vs N=%u (KiB)", large, small);
		g_print(ARC_BENCH_LABEL, label);
		arc_bench_print_cell(slope, 1, ARC_BENCH_TARGET_RSS_KIB);
		g_print("<= 16 (mean RSS difference / %u peers)\n", large - small);
		g_print(ARC_BENCH_LABEL, "  the same, before the restart (KiB)");
		arc_bench_print_cell(formed, 1, 0);
		g_print("(what forming the cluster left in the heap)\n");
	}
}

static void
arc_bench_print_method(void)
{
	g_print("\nMethod: a write is PUT /v1/peers/{id} {\"name\"} on a random agent for another "
		"agent's peer id\n(a replicated peer_alias record); its time runs from the PUT's "
		"answer to the answer of the\nlast agent whose GET /v1/peers/{id} shows the name. "
		"Polling caveat: every agent that lacks\nthe name gets one GET at a time, all "
		"answered before the next sweep 5 ms later, so the\nfigures include up to one "
		"sweep of resolution and the polls compete for the same 2 CPUs\nas the gossip "
		"they measure. Idle: no writes and no polling; gossip bodies are the agents'\n"
		"arctic_gossip_bytes_total (bodies only; sent+received counts each body at both "
		"ends, so\n\"sent\" is the one to hold against the wire); wire is the growth of "
		"lo's rx bytes "
		"(each byte on lo\nis counted once as rx) divided by N: HTTP headers and TCP/IP "
		"overhead included, and whatever\nelse on this machine used lo in the window. "
		"RSS is VmRSS after the idle window; before\nit every agent was restarted with its "
		"data, so that the figure is what N peers cost an\nagent, not the heap left from "
		"meeting them all at once (shown too, \"before the restart\").\n");
}

/* ---- the run ---- */

static gboolean
arc_bench_run_size(const ArcBenchOptions *opts, const gchar *work, ArcBenchFigures *f,
		   gboolean *keep_work, GError **error)
{
	g_autoptr(ArcBenchCluster) cluster = arc_bench_cluster_new(opts, work, f->n, error);
	gint64 start = g_get_monotonic_time();
	ArcBenchStat machine;

	if (cluster == NULL)
		return FALSE;
	g_print("\nN=%u: starting %u agents in %s\n", f->n, f->n, cluster->dir);
	if (!arc_bench_cluster_start(cluster, work, error))
		return FALSE;
	f->start_s = arc_bench_secs_since(start);
	g_print("  started and bootstrapped in %.1f s\n", f->start_s);
	arc_bench_stat_sample(&machine);
	if (!arc_bench_cluster_form(cluster, f, error)) {
		if (!arc_bench_is_interrupted())
			arc_bench_cluster_diagnose(cluster);
		*keep_work = cluster->keep;
		return FALSE;
	}
	arc_bench_load(&machine, &f->formation_load);
	f->formed = TRUE;
	g_print("  formed in %.1f s: every agent lists %u active peers, one registry hash\n",
		f->formation_s, f->n);
	/* tokens for the cluster id that won the merges */
	for (guint i = 0; i < f->n; i++) {
		ArcBenchAgent *agent = arc_bench_cluster_agent(cluster, i);
		g_free(agent->token);
		agent->token = arc_bench_agent_fetch_token(agent, error);
		if (agent->token == NULL)
			return FALSE;
	}
	if (!arc_bench_run_writes(cluster, f, error))
		return FALSE;
	/* the burst of forming the cluster, as the agents keep it */
	arc_bench_measure_rss(cluster, f);
	f->rss_formed_mean_kib = f->rss_mean_kib;
	if (!arc_bench_cluster_restart(cluster, error))
		return FALSE;
	g_print("  every agent restarted with its data; the cluster agrees again\n");
	if (!arc_bench_measure_idle(cluster, f, error))
		return FALSE;
	arc_bench_measure_rss(cluster, f);
	f->measured = TRUE;
	arc_bench_print_size(f);
	arc_bench_diag_logs(cluster, 5);
	return TRUE;
}

static gboolean
arc_bench_parse_sizes(ArcBenchOptions *opts, GError **error)
{
	g_auto(GStrv) parts =
		g_strsplit(opts->sizes_text != NULL ? opts->sizes_text : "4,16,64", ",", -1);

	opts->sizes = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; parts[i] != NULL; i++) {
		guint64 n = 0;
		guint size;

		if (!g_ascii_string_to_unsigned(g_strstrip(parts[i]), 10, 2, 500, &n, error)) {
			g_prefix_error(error, "--sizes: ");
			return FALSE;
		}
		size = (guint)n;
		g_array_append_val(opts->sizes, size);
	}
	return opts->sizes->len > 0;
}

static gboolean
arc_bench_parse_options(ArcBenchOptions *opts, int *argc, char ***argv, GError **error)
{
	GOptionEntry entries[] = {
		{"build", 'b', 0, G_OPTION_ARG_FILENAME, &opts->build_dir,
		 "Meson build directory (default: the one this program is in)", "DIR"},
		{"sizes", 'n', 0, G_OPTION_ARG_STRING, &opts->sizes_text,
		 "Cluster sizes, in order (default 4,16,64)", "N,N,..."},
		{"writes", 'w', 0, G_OPTION_ARG_INT, &opts->writes,
		 "Writes per size (default 30 up to 16 agents, 20 above)", "K"},
		{"write-gap-ms", 0, 0, G_OPTION_ARG_INT, &opts->gap_ms,
		 "Quiet time before each write (default 1500)", "MS"},
		{"idle-seconds", 0, 0, G_OPTION_ARG_INT, &opts->idle_seconds,
		 "The idle traffic window (default 30)", "S"},
		{"settle-seconds", 0, 0, G_OPTION_ARG_INT, &opts->settle_seconds,
		 "Quiet time before that window (default 10)", "S"},
		{"formation-timeout", 0, 0, G_OPTION_ARG_INT, &opts->formation_timeout,
		 "How long a cluster may take to form (default 300)", "S"},
		{"data-dir-base", 'd', 0, G_OPTION_ARG_FILENAME, &opts->base,
		 "Where the temp dir goes (default /dev/shm if tmpfs, else $TMPDIR)", "DIR"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &opts->seed,
		 "Seed of the writers and names (default: the time)", "N"},
		{"keep", 'k', 0, G_OPTION_ARG_NONE, &opts->keep,
		 "Keep the temp directory and agent logs", NULL},
		{NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);

	g_option_context_set_summary(context, "Gossip convergence, idle traffic and memory per "
					      "known peer of N arctic-agents on 127.0.0.1.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, argc, argv, error) ||
	    !arc_bench_parse_sizes(opts, error))
		return FALSE;
	if (opts->idle_seconds < 1 || opts->settle_seconds < 0 || opts->gap_ms < 0 ||
	    opts->formation_timeout < 1 || opts->writes < -1) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--idle-seconds and --formation-timeout must be at least 1, "
				    "the others not negative");
		return FALSE;
	}
	if (opts->build_dir == NULL) {
		g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
		g_autofree gchar *bench = g_path_get_dirname(exe != NULL ? exe : (*argv)[0]);
		opts->build_dir = g_path_get_dirname(bench);
	}
	if (opts->base == NULL)
		opts->base =
			g_strdup(arc_bench_is_tmpfs("/dev/shm") ? "/dev/shm" : g_get_tmp_dir());
	if (opts->seed == 0)
		opts->seed = g_get_real_time() % 1000000;
	return TRUE;
}

static void
arc_bench_options_clear(ArcBenchOptions *opts)
{
	g_free(opts->build_dir);
	g_free(opts->sizes_text);
	g_free(opts->base);
	if (opts->sizes != NULL)
		g_array_unref(opts->sizes);
}

static void
arc_bench_figures_free(ArcBenchFigures *f)
{
	g_array_unref(f->convergence_ms);
	g_free(f);
}

static gboolean
arc_bench_run(const ArcBenchOptions *opts, const gchar *work, GPtrArray *figures,
	      gboolean *keep_work, GError **error)
{
	guint max_n = 64;

	for (guint i = 0; i < opts->sizes->len; i++)
		max_n = MAX(max_n, g_array_index(opts->sizes, guint, i));
	if (!arc_bench_make_license(opts->build_dir, work, max_n, error))
		return FALSE;
	g_print("Arctic gossip benchmark: sizes %s, seed %" G_GINT64_FORMAT ", %ld CPUs, data in "
		"%s (%s), license for %u nodes\n",
		opts->sizes_text != NULL ? opts->sizes_text : "4,16,64", opts->seed,
		sysconf(_SC_NPROCESSORS_ONLN), work,
		arc_bench_is_tmpfs(work) ? "tmpfs" : "not tmpfs", max_n);
	for (guint i = 0; i < opts->sizes->len; i++) {
		ArcBenchFigures *f = g_new0(ArcBenchFigures, 1);

		f->n = g_array_index(opts->sizes, guint, i);
		f->convergence_ms = g_array_new(FALSE, FALSE, sizeof(gdouble));
		g_ptr_array_add(figures, f);
		if (!arc_bench_run_size(opts, work, f, keep_work, error))
			return FALSE;
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	ArcBenchOptions opts = {.writes = -1,
				.idle_seconds = 30,
				.settle_seconds = 10,
				.gap_ms = 1500,
				.formation_timeout = 300};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) figures =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_bench_figures_free);
	g_autofree gchar *tmpl = NULL;
	g_autofree gchar *work = NULL;
	gint64 start = g_get_monotonic_time();
	gboolean keep_work = FALSE;
	gboolean ok = FALSE;

	if (!arc_bench_parse_options(&opts, &argc, &argv, &error)) {
		g_printerr("%s\n", error != NULL ? error->message : "no sizes");
		arc_bench_options_clear(&opts);
		return 2;
	}
	arc_bench_catch_interrupts();
	tmpl = g_build_filename(opts.base, "arc-bench-gossip-XXXXXX", NULL);
	if (g_mkdtemp(tmpl) == NULL)
		g_set_error(&error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot create a directory in %s: %s", opts.base, g_strerror(errno));
	else
		work = g_steal_pointer(&tmpl);
	if (work != NULL)
		ok = arc_bench_run(&opts, work, figures, &keep_work, &error);
	if (figures->len > 0) {
		arc_bench_print_summary(figures);
		arc_bench_print_method();
	}
	if (!ok)
		g_printerr("gossip bench: %s\n", error != NULL ? error->message : "failed");
	if (work != NULL && (opts.keep || keep_work))
		g_print("kept %s\n", work);
	else if (work != NULL)
		arc_bench_rm_rf(work);
	g_print("total run time %.0f s\n", arc_bench_secs_since(start));
	arc_bench_options_clear(&opts);
	return ok ? 0 : 1;
}
