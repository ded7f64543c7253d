/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compose benchmark (issue 5, item 9): how long `arctic compose apply` of a file with 4 peers
 * and 50 services takes, and how long until every agent lists them all with one registry
 * hash; then the same apply again (a no-op). Four fresh, un-bootstrapped arctic-agents on
 * 127.0.0.1 per run, with the default [gossip] settings and with the fast ones of the tests,
 * run after run. Prints figures; a slow figure never makes it fail. See bench/README.md.
 */
#include "arc-bench-agent.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#define ARC_BENCH_TMPFS_MAGIC 0x01021994
#define ARC_BENCH_MAX_SERVICES 100 /* what arc_bench_make_license() licenses */
#define ARC_BENCH_STOP_APPLY_SECS 10
#define ARC_BENCH_SETTLE_US (100 * 1000) /* for the agents' counters to include the last answer */

/* the [gossip] and [peers] settings of the tests of the suite 'cluster' (tests/cluster) */
#define ARC_BENCH_FAST_CONFIG                                                                      \
	"[gossip]\ninterval=0.1\nsuspect_after=0.6\nunreachable_after=1.5\ntimeout=1\n"            \
	"[peers]\nhandshake_timeout=4\nreach_back_timeout=2\n"

typedef enum {
	ARC_BENCH_MODE_DEFAULT,
	ARC_BENCH_MODE_FAST,
	ARC_BENCH_MODE_LAST,
} ArcBenchMode;

static const gchar *const arc_bench_mode_names[] = {"default", "fast"};
static const gchar *const arc_bench_mode_titles[] = {"default gossip (1 s)", "fast (0.1 s)"};

typedef struct {
	gchar *build_dir;
	gchar *base;
	gchar *gossip;
	gint runs;
	gint nodes;
	gint services;
	gint poll_ms;
	gint timeout;
	gboolean keep;
	gboolean modes[ARC_BENCH_MODE_LAST];
} ArcBenchOptions;

/* the whole machine over a run, from /proc/stat */
typedef struct {
	gint64 total;
	gint64 busy;
	gint64 steal;
} ArcBenchStat;

/* what one run measured */
typedef struct {
	ArcBenchMode mode;
	guint run;
	gboolean ok;
	gdouble apply_s;    /* the first apply, start to exit */
	gdouble converge_s; /* from the start of the first apply until every agent agreed */
	gdouble reapply_s;  /* the second apply, start to exit */
	gint64 apply_calls; /* API requests of the first apply the agents answered, or -1 */
	gint64 reapply_calls;
	gboolean no_changes; /* the second apply said so */
	guint sweeps;
	gdouble sweep_ms; /* mean duration of a sweep */
	gdouble tokens_s; /* from the apply's start until every agent granted a token */
	gdouble busy_pct;
	gdouble steal_pct;
	gchar *loadavg;
	gchar *breakdown; /* the first apply's calls by route */
} ArcBenchFigures;

/* one run: 4 agents, their files, and what the bench saw of them */
typedef struct {
	const ArcBenchOptions *opts;
	gchar *dir;
	gchar *compose_path;
	gchar *config_path; /* the CLI's config, which apply writes */
	gchar *credentials_path;
	gchar *license_path;
	GPtrArray *agents;    /* of ArcBenchAgent */
	GPtrArray *tokens;    /* per agent: an access token of the cluster credential, or NULL */
	GHashTable *own;      /* "METHOD route" → requests of the bench the agents answered */
	GHashTable *services; /* names of the file */
	GHashTable *routes;   /* "service|source|dest" of the file */
	gchar *client_id;
	gchar *client_secret;
	gboolean keep;
} ArcBenchRun;

/* `arctic compose apply` running, and when it exited, seen from a thread waiting for it */
typedef struct {
	GSubprocess *proc;
	gint64 start_us;
	gint64 end_us;
	gint done; /* atomic */
	GThread *thread;
} ArcBenchApply;

static gdouble
arc_bench_secs(gint64 from_us, gint64 to_us)
{
	return (gdouble)(to_us - from_us) / G_USEC_PER_SEC;
}

static gboolean
arc_bench_is_tmpfs(const gchar *path)
{
	struct statfs st;
	return statfs(path, &st) == 0 && st.f_type == ARC_BENCH_TMPFS_MAGIC;
}

/* ---- the machine ---- */

static void
arc_bench_stat_sample(ArcBenchStat *s)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) f = NULL;
	gint64 v[8] = {0};

	memset(s, 0, sizeof(*s));
	if (!g_file_get_contents("/proc/stat", &text, NULL, NULL) ||
	    !g_str_has_prefix(text, "cpu "))
		return;
	f = g_strsplit_set(text + 4, " \n", 16);
	for (guint i = 0, j = 0; f[i] != NULL && j < G_N_ELEMENTS(v); i++) {
		if (f[i][0] != '\0')
			v[j++] = g_ascii_strtoll(f[i], NULL, 10);
	}
	/* user nice system idle iowait irq softirq steal */
	for (guint j = 0; j < G_N_ELEMENTS(v); j++)
		s->total += v[j];
	s->busy = s->total - v[3] - v[4];
	s->steal = v[7];
}

static void
arc_bench_stat_finish(const ArcBenchStat *before, ArcBenchFigures *f)
{
	ArcBenchStat after;
	g_autofree gchar *load = NULL;
	gdouble total;

	arc_bench_stat_sample(&after);
	total = (gdouble)(after.total - before->total);
	f->busy_pct = total > 0 ? 100.0 * (after.busy - before->busy) / total : -1;
	f->steal_pct = total > 0 ? 100.0 * (after.steal - before->steal) / total : -1;
	if (g_file_get_contents("/proc/loadavg", &load, NULL, NULL)) {
		g_auto(GStrv) words = g_strsplit(load, " ", 2);
		f->loadavg = g_strdup(words[0]);
	}
}

/* ---- the agents' request counters ---- */

/* the agents talking to each other, and the bench's own reading of the counters */
static gboolean
arc_bench_route_is_internal(const gchar *route)
{
	return g_str_has_prefix(route, "/v1/gossip/") ||
	       g_str_has_prefix(route, "/v1/handshake/") || g_strcmp0(route, "/metrics") == 0 ||
	       g_strcmp0(route, "/readyz") == 0 || g_strcmp0(route, "/livez") == 0;
}

/* adds one agent's arctic_api_requests_total to @counts: "METHOD route" → answered requests;
 * "+METHOD route" counts the answers of 2xx */
static gboolean
arc_bench_read_counters(ArcBenchAgent *agent, GHashTable *counts, GError **error)
{
	g_autoptr(GBytes) reply = NULL;
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	guint status = 0;
	gsize len = 0;
	const gchar *data;

	reply = arc_bench_agent_request(agent, "GET", "/metrics", NULL, NULL, NULL, 0, &status,
					error);
	if (reply == NULL)
		return FALSE;
	data = g_bytes_get_data(reply, &len);
	text = g_strndup(data != NULL ? data : "", len);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *key = NULL;
		gchar method[16], route[128];
		guint code = 0;
		gint64 value = 0;
		gint64 *sum;

		if (sscanf(lines[i],
			   "arctic_api_requests_total{method=\"%15[^\"]\",route=\"%127[^\"]\","
			   "status=\"%u\"} %" G_GINT64_FORMAT,
			   method, route, &code, &value) != 4)
			continue;
		key = g_strdup_printf("%s%s %s", code >= 200 && code < 300 ? "+" : "", method,
				      route);
		sum = g_hash_table_lookup(counts, key);
		if (sum == NULL) {
			sum = g_new0(gint64, 1);
			g_hash_table_insert(counts, g_strdup(key), sum);
		}
		*sum += value;
		if (key[0] == '+') {
			g_autofree gchar *all = g_strdup(key + 1);
			gint64 *total = g_hash_table_lookup(counts, all);
			if (total == NULL) {
				total = g_new0(gint64, 1);
				g_hash_table_insert(counts, g_steal_pointer(&all), total);
			}
			*total += value;
		}
	}
	return TRUE;
}

static GHashTable *
arc_bench_run_counters(ArcBenchRun *self, GError **error)
{
	g_autoptr(GHashTable) counts =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; i < self->agents->len; i++) {
		if (!arc_bench_read_counters(g_ptr_array_index(self->agents, i), counts, error))
			return NULL;
	}
	return g_steal_pointer(&counts);
}

static gint64
arc_bench_count_delta(GHashTable *before, GHashTable *after, const gchar *key)
{
	gint64 *a = g_hash_table_lookup(after, key);
	gint64 *b = g_hash_table_lookup(before, key);

	return (a != NULL ? *a : 0) - (b != NULL ? *b : 0);
}

/*
 * The requests a CLI made between two readings: every route but the agents' own traffic,
 * less the bench's requests (@own, may be %NULL) and the identity probes of the handshake
 * (the responder asks the initiator's `GET /v1/cluster/identity` once per confirmed
 * handshake). @breakdown lists them by route.
 */
static gint64
arc_bench_count_calls(GHashTable *before, GHashTable *after, GHashTable *own, gchar **breakdown)
{
	g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(after), (GCompareFunc)g_strcmp0);
	g_autoptr(GString) text = g_string_new(NULL);
	gint64 probes = arc_bench_count_delta(before, after, "+POST /v1/handshake/confirm");
	gint64 total = 0;

	for (GList *l = keys; l != NULL; l = l->next) {
		const gchar *key = l->data;
		const gchar *route = strchr(key, ' ') + 1;
		gint64 *mine = own != NULL ? g_hash_table_lookup(own, key) : NULL;
		gint64 n = arc_bench_count_delta(before, after, key) - (mine != NULL ? *mine : 0);

		if (key[0] == '+' || arc_bench_route_is_internal(route) || n == 0)
			continue;
		if (g_strcmp0(key, "GET /v1/cluster/identity") == 0)
			n -= probes;
		total += n;
		g_string_append_printf(text, "%s%s %" G_GINT64_FORMAT, text->len > 0 ? ", " : "",
				       key, n);
	}
	if (breakdown != NULL)
		*breakdown = g_string_free(g_steal_pointer(&text), FALSE);
	return total;
}

/* ---- the files ---- */

static gchar *
arc_bench_write_agent_config(ArcBenchRun *self, const gchar *work, ArcBenchMode mode, guint i,
			     GError **error)
{
	g_autofree gchar *path = g_strdup_printf("%s/agent%u.conf", self->dir, i);
	g_autofree gchar *text = g_strdup_printf(
		"[agent]\nrecovery_token_file=%s/agent%u.recovery\n"
		"[plugin:ed25519-file]\nissuers_dir=%s/issuers\n%s",
		self->dir, i, work, mode == ARC_BENCH_MODE_FAST ? ARC_BENCH_FAST_CONFIG : "");

	if (!g_file_set_contents(path, text, -1, error))
		return NULL;
	return g_steal_pointer(&path);
}

/* service i runs from node i % N to another node, the pairs taken in turn; half of them have
 * two routes; every CIDR is distinct */
static void
arc_bench_append_service(ArcBenchRun *self, GString *yaml, guint i)
{
	guint n = self->agents->len;
	guint source = i % n;
	guint target = (source + 1 + (i / n) % (n - 1)) % n;
	g_autofree gchar *name = g_strdup_printf("svc-%02u", i);

	g_string_append_printf(yaml,
			       "- name: %s\n  source_peer: node-%u\n  target_peer: node-%u\n"
			       "  transport_type: tcp\n  routes:\n",
			       name, source, target);
	for (guint k = 0; k < 1 + i % 2; k++) {
		g_autofree gchar *src = g_strdup_printf("10.%u.%u.0/24", i, k);
		g_autofree gchar *dst = g_strdup_printf("172.16.%u.0/24", 2 * i + k);

		g_string_append_printf(yaml,
				       "  - priority: %u\n    source_cidr: %s\n    dest_cidr: %s\n",
				       10 + (7 * i + 3 * k) % 90, src, dst);
		g_hash_table_add(self->routes, g_strdup_printf("%s|%s|%s", name, src, dst));
	}
	g_hash_table_add(self->services, g_steal_pointer(&name));
}

static gboolean
arc_bench_write_compose(ArcBenchRun *self, GError **error)
{
	g_autoptr(GString) yaml = g_string_new("version: v1\npeers:\n");

	for (guint i = 0; i < self->agents->len; i++) {
		ArcBenchAgent *agent = g_ptr_array_index(self->agents, i);
		g_string_append_printf(yaml, "- name: node-%u\n  address: '%s'\n", i,
				       agent->address);
	}
	g_string_append(yaml, "services:\n");
	for (guint i = 0; i < (guint)self->opts->services; i++)
		arc_bench_append_service(self, yaml, i);
	return g_file_set_contents(self->compose_path, yaml->str, -1, error);
}

/* the credential apply wrote at its end, once it bootstrapped the anchor */
static gboolean
arc_bench_read_credentials(ArcBenchRun *self, GError **error)
{
	g_autofree gchar *text = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(JsonNode) node = NULL;
	gsize len = 0;

	if (!g_file_get_contents(self->credentials_path, &text, &len, error))
		return FALSE;
	bytes = g_bytes_new_take(g_steal_pointer(&text), len);
	node = arc_bench_json_from_bytes(bytes, error);
	if (node == NULL)
		return FALSE;
	self->client_id = g_strdup(arc_bench_json_get_string(node, "client_id"));
	self->client_secret = g_strdup(arc_bench_json_get_string(node, "client_secret"));
	if (self->client_id == NULL || self->client_secret == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s lacks client_id or client_secret", self->credentials_path);
		return FALSE;
	}
	return TRUE;
}

/* ---- a run ---- */

static void
arc_bench_run_free(ArcBenchRun *self)
{
	if (self == NULL)
		return;
	/* SIGTERM to all first, so that they shut down side by side */
	for (guint i = 0; i < self->agents->len; i++)
		arc_bench_agent_signal_stop(g_ptr_array_index(self->agents, i));
	g_ptr_array_unref(self->agents); /* arc_bench_agent_free() waits for each */
	g_ptr_array_unref(self->tokens);
	g_hash_table_unref(self->own);
	g_hash_table_unref(self->services);
	g_hash_table_unref(self->routes);
	if (self->keep)
		g_print("  kept %s (agent configs, data and logs, cluster.yaml, apply output)\n",
			self->dir);
	else
		arc_bench_rm_rf(self->dir);
	g_free(self->dir);
	g_free(self->compose_path);
	g_free(self->config_path);
	g_free(self->credentials_path);
	g_free(self->license_path);
	g_free(self->client_id);
	g_free(self->client_secret);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBenchRun, arc_bench_run_free)

static ArcBenchRun *
arc_bench_run_new(const ArcBenchOptions *opts, const gchar *work, ArcBenchMode mode, guint run,
		  GError **error)
{
	g_autoptr(ArcBenchRun) self = g_new0(ArcBenchRun, 1);

	self->opts = opts;
	self->keep = opts->keep;
	self->dir = g_strdup_printf("%s/%s-run%u", work, arc_bench_mode_names[mode], run);
	self->compose_path = g_build_filename(self->dir, "cluster.yaml", NULL);
	self->config_path = g_build_filename(self->dir, "cli-config.yaml", NULL);
	self->credentials_path = g_build_filename(self->dir, "credentials.json", NULL);
	self->license_path = g_build_filename(work, "license.json", NULL);
	self->agents = g_ptr_array_new_with_free_func((GDestroyNotify)arc_bench_agent_free);
	self->tokens = g_ptr_array_new_with_free_func(g_free);
	self->own = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->routes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (g_mkdir_with_parents(self->dir, 0700) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot create %s",
			    self->dir);
		return NULL;
	}
	return g_steal_pointer(&self);
}

/* un-bootstrapped: bootstrapping them is apply's job */
static gboolean
arc_bench_run_start_agents(ArcBenchRun *self, const gchar *work, ArcBenchMode mode, GError **error)
{
	for (guint i = 0; i < (guint)self->opts->nodes; i++) {
		g_autofree gchar *config = arc_bench_write_agent_config(self, work, mode, i, error);
		g_autofree gchar *data = g_strdup_printf("%s/data%u", self->dir, i);
		g_autofree gchar *log = g_strdup_printf("%s/agent%u.log", self->dir, i);
		g_autofree gchar *label = g_strdup_printf("node-%u", i);
		ArcBenchAgent *agent;

		if (config == NULL || arc_bench_check_interrupted(error))
			return FALSE;
		agent = arc_bench_agent_start(self->opts->build_dir, label, config, data, log, 0,
					      error);
		if (agent == NULL)
			return FALSE;
		g_ptr_array_add(self->agents, agent);
		g_ptr_array_add(self->tokens, NULL);
	}
	return TRUE;
}

/* ---- apply ---- */

/* the CLI dies with the bench too */
static void
arc_bench_apply_child_setup_cb(gpointer user_data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static gpointer
arc_bench_apply_wait_thread(gpointer user_data)
{
	ArcBenchApply *apply = user_data;

	g_subprocess_wait(apply->proc, NULL, NULL);
	apply->end_us = g_get_monotonic_time();
	g_atomic_int_set(&apply->done, 1);
	return NULL;
}

static void
arc_bench_apply_free(ArcBenchApply *apply)
{
	if (apply == NULL)
		return;
	if (apply->thread != NULL) {
		if (!g_atomic_int_get(&apply->done))
			g_subprocess_send_signal(apply->proc, SIGTERM);
		g_thread_join(apply->thread);
	}
	g_clear_object(&apply->proc);
	g_free(apply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBenchApply, arc_bench_apply_free)

/* `arctic --config CONFIG compose apply FILE --license-file … --credentials-file …`, with
 * nothing of the caller's environment that would change where it connects or what it reads */
static ArcBenchApply *
arc_bench_apply_start(ArcBenchRun *self, const gchar *tag, GError **error)
{
	g_autoptr(ArcBenchApply) apply = g_new0(ArcBenchApply, 1);
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autofree gchar *cli = g_build_filename(self->opts->build_dir, "cli", "arctic", NULL);
	g_autofree gchar *out = g_strdup_printf("%s/%s.out", self->dir, tag);
	g_autofree gchar *err = g_strdup_printf("%s/%s.err", self->dir, tag);
	const gchar *const unset[] = {"ARCTIC_CONFIG",
				      "ARCTIC_RECOVERY_TOKEN",
				      "http_proxy",
				      "HTTP_PROXY",
				      "https_proxy",
				      "HTTPS_PROXY",
				      "all_proxy",
				      "ALL_PROXY",
				      NULL};

	for (guint k = 0; unset[k] != NULL; k++)
		g_subprocess_launcher_unsetenv(launcher, unset[k]);
	g_subprocess_launcher_setenv(launcher, "XDG_CONFIG_HOME", self->dir, TRUE);
	g_subprocess_launcher_setenv(launcher, "XDG_CACHE_HOME", self->dir, TRUE);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_set_stdout_file_path(launcher, out);
	g_subprocess_launcher_set_stderr_file_path(launcher, err);
	g_subprocess_launcher_set_child_setup(launcher, arc_bench_apply_child_setup_cb, NULL, NULL);
	apply->start_us = g_get_monotonic_time();
	apply->proc = g_subprocess_launcher_spawn(
		launcher, error, cli, "--config", self->config_path, "compose", "apply",
		self->compose_path, "--license-file", self->license_path, "--credentials-file",
		self->credentials_path, NULL);
	if (apply->proc == NULL)
		return NULL;
	apply->thread = g_thread_new("apply-wait", arc_bench_apply_wait_thread, apply);
	return g_steal_pointer(&apply);
}

/* the apply's exit status, with its stderr when it failed */
static gboolean
arc_bench_apply_check(ArcBenchRun *self, ArcBenchApply *apply, const gchar *tag, GError **error)
{
	g_autofree gchar *err_path = g_strdup_printf("%s/%s.err", self->dir, tag);
	g_autofree gchar *err = NULL;

	if (g_subprocess_get_if_exited(apply->proc) &&
	    g_subprocess_get_exit_status(apply->proc) == 0)
		return TRUE;
	g_file_get_contents(err_path, &err, NULL, NULL);
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "compose apply (%s) failed: %s", tag,
		    err != NULL ? g_strstrip(err) : "(no stderr)");
	return FALSE;
}

/* waits for an apply (bounded); on interrupt or timeout it is stopped */
static gboolean
arc_bench_apply_wait(ArcBenchApply *apply, gint64 deadline, GError **error)
{
	while (!g_atomic_int_get(&apply->done)) {
		if (arc_bench_check_interrupted(error))
			return FALSE;
		if (g_get_monotonic_time() > deadline) {
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
					    "compose apply did not finish in time");
			return FALSE;
		}
		g_usleep(2 * 1000);
	}
	return TRUE;
}

/* ---- convergence ---- */

/* one request of the bench to agent @i, counted under @route when answered; the JSON answer
 * when its status is 200 */
static JsonNode *
arc_bench_run_call(ArcBenchRun *self, guint i, const gchar *method, const gchar *path,
		   const gchar *route, const gchar *token, const gchar *content_type,
		   const gchar *body)
{
	ArcBenchAgent *agent = g_ptr_array_index(self->agents, i);
	g_autofree gchar *key = g_strdup_printf("%s %s", method, route);
	g_autoptr(GBytes) reply = NULL;
	guint status = 0;
	gint64 *count;

	reply = arc_bench_agent_request(agent, method, path, token, content_type, body, 0, &status,
					NULL);
	if (reply == NULL)
		return NULL;
	count = g_hash_table_lookup(self->own, key);
	if (count == NULL) {
		count = g_new0(gint64, 1);
		g_hash_table_insert(self->own, g_steal_pointer(&key), count);
	}
	(*count)++;
	return status == SOUP_STATUS_OK ? arc_bench_json_from_bytes(reply, NULL) : NULL;
}

static void
arc_bench_run_drop_token(ArcBenchRun *self, guint i)
{
	g_clear_pointer(&g_ptr_array_index(self->tokens, i), g_free);
}

/* a token of the cluster credential from agent @i, once the credential has reached it */
static const gchar *
arc_bench_run_token(ArcBenchRun *self, guint i)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *secret = NULL;
	g_autofree gchar *form = NULL;
	g_autoptr(JsonNode) answer = NULL;

	if (g_ptr_array_index(self->tokens, i) != NULL)
		return g_ptr_array_index(self->tokens, i);
	id = g_uri_escape_string(self->client_id, NULL, FALSE);
	secret = g_uri_escape_string(self->client_secret, NULL, FALSE);
	form = g_strdup_printf("grant_type=client_credentials&client_id=%s&client_secret=%s", id,
			       secret);
	answer = arc_bench_run_call(self, i, "POST", "/v1/oauth/token", "/v1/oauth/token", NULL,
				    "application/x-www-form-urlencoded", form);
	g_ptr_array_index(self->tokens, i) =
		g_strdup(arc_bench_json_get_string(answer, "access_token"));
	return g_ptr_array_index(self->tokens, i);
}

static JsonArray *
arc_bench_run_get_array(ArcBenchRun *self, guint i, const gchar *path, JsonNode **holder)
{
	const gchar *token = arc_bench_run_token(self, i);

	*holder = NULL;
	if (token == NULL)
		return NULL;
	*holder = arc_bench_run_call(self, i, "GET", path, path, token, NULL, NULL);
	if (*holder == NULL) {
		arc_bench_run_drop_token(self, i); /* perhaps it expired */
		return NULL;
	}
	return JSON_NODE_HOLDS_ARRAY(*holder) ? json_node_get_array(*holder) : NULL;
}

/* every service of the file, no other; the names of their ids in @names */
static gboolean
arc_bench_run_services_match(ArcBenchRun *self, guint i, GHashTable *names)
{
	g_autoptr(JsonNode) holder = NULL;
	JsonArray *services = arc_bench_run_get_array(self, i, "/v1/services", &holder);

	if (services == NULL ||
	    json_array_get_length(services) != g_hash_table_size(self->services))
		return FALSE;
	for (guint k = 0; k < json_array_get_length(services); k++) {
		JsonNode *service = json_array_get_element(services, k);
		const gchar *name = arc_bench_json_get_string(service, "name");
		const gchar *id = arc_bench_json_get_string(service, "id");

		if (name == NULL || id == NULL || !g_hash_table_contains(self->services, name))
			return FALSE;
		g_hash_table_insert(names, g_strdup(id), g_strdup(name));
	}
	return TRUE;
}

/* every route of the file, no other */
static gboolean
arc_bench_run_routes_match(ArcBenchRun *self, guint i, GHashTable *names)
{
	g_autoptr(JsonNode) holder = NULL;
	JsonArray *routes = arc_bench_run_get_array(self, i, "/v1/routes", &holder);

	if (routes == NULL || json_array_get_length(routes) != g_hash_table_size(self->routes))
		return FALSE;
	for (guint k = 0; k < json_array_get_length(routes); k++) {
		JsonNode *route = json_array_get_element(routes, k);
		const gchar *service_id = arc_bench_json_get_string(route, "service_id");
		const gchar *name =
			service_id != NULL ? g_hash_table_lookup(names, service_id) : NULL;
		g_autofree gchar *key = g_strdup_printf(
			"%s|%s|%s", name, arc_bench_json_get_string(route, "source_cidr"),
			arc_bench_json_get_string(route, "dest_cidr"));

		if (name == NULL || !g_hash_table_contains(self->routes, key))
			return FALSE;
	}
	return TRUE;
}

static gchar *
arc_bench_run_registry_hash(ArcBenchRun *self, guint i)
{
	const gchar *token = arc_bench_run_token(self, i);
	g_autoptr(JsonNode) status = NULL;

	if (token == NULL)
		return NULL;
	status = arc_bench_run_call(self, i, "GET", "/v1/cluster/status", "/v1/cluster/status",
				    token, NULL, NULL);
	if (status == NULL) {
		arc_bench_run_drop_token(self, i);
		return NULL;
	}
	return g_strdup(arc_bench_json_get_string(status, "registry_hash"));
}

/* One sweep: every agent's registry hash; when they are all one, every agent's services
 * and routes. @agreed counts the agents that hold the first agent's hash. */
static gboolean
arc_bench_run_sweep(ArcBenchRun *self, guint *agreed, guint *complete)
{
	g_autofree gchar *first = NULL;

	*agreed = 0;
	*complete = 0;
	for (guint i = 0; i < self->agents->len; i++) {
		g_autofree gchar *hash = arc_bench_run_registry_hash(self, i);

		if (hash == NULL)
			continue;
		if (first == NULL)
			first = g_strdup(hash);
		if (g_strcmp0(hash, first) == 0)
			(*agreed)++;
	}
	if (*agreed < self->agents->len)
		return FALSE;
	for (guint i = 0; i < self->agents->len; i++) {
		g_autoptr(GHashTable) names =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

		if (arc_bench_run_services_match(self, i, names) &&
		    arc_bench_run_routes_match(self, i, names))
			(*complete)++;
	}
	return *complete == self->agents->len;
}

static guint
arc_bench_run_count_tokens(ArcBenchRun *self)
{
	guint count = 0;

	for (guint i = 0; i < self->tokens->len; i++)
		count += g_ptr_array_index(self->tokens, i) != NULL ? 1 : 0;
	return count;
}

/* sweeps every poll_ms from the apply's exit (its credential is written just before it)
 * until they agree; the time is that of the last answer of the sweep that saw it */
static gboolean
arc_bench_run_converge(ArcBenchRun *self, ArcBenchApply *apply, ArcBenchFigures *f, GError **error)
{
	gint64 deadline = apply->start_us + (gint64)self->opts->timeout * G_USEC_PER_SEC;
	gint64 period = (gint64)self->opts->poll_ms * 1000;
	guint agreed = 0, complete = 0;
	gdouble total_ms = 0;
	guint tokens = 0;
	gboolean done;

	if (!arc_bench_read_credentials(self, error))
		return FALSE;
	while (g_get_monotonic_time() < deadline) {
		gint64 sweep = g_get_monotonic_time();
		gint64 next = sweep + period;

		if (arc_bench_check_interrupted(error))
			return FALSE;
		done = arc_bench_run_sweep(self, &agreed, &complete);
		total_ms += arc_bench_secs(sweep, g_get_monotonic_time()) * 1000;
		f->sweeps++;
		f->sweep_ms = total_ms / f->sweeps;
		if (f->tokens_s == 0 && arc_bench_run_count_tokens(self) == self->agents->len)
			f->tokens_s = arc_bench_secs(apply->start_us, g_get_monotonic_time());
		if (done) {
			f->converge_s = arc_bench_secs(apply->start_us, g_get_monotonic_time());
			return TRUE;
		}
		while (!arc_bench_is_interrupted() && g_get_monotonic_time() < next)
			g_usleep(MAX(next - g_get_monotonic_time(), 0));
	}
	tokens = arc_bench_run_count_tokens(self);
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		    "the agents did not agree %d s after the apply started: %u/%u grant a token "
		    "for the credential apply wrote, %u share a registry hash, %u list every "
		    "service and route",
		    self->opts->timeout, tokens, self->agents->len, agreed, complete);
	return FALSE;
}

/* ---- one run ---- */

static gboolean
arc_bench_run_first_apply(ArcBenchRun *self, ArcBenchFigures *f, GError **error)
{
	g_autoptr(GHashTable) before = arc_bench_run_counters(self, error);
	g_autoptr(GHashTable) after = NULL;
	g_autoptr(ArcBenchApply) apply = NULL;

	if (before == NULL || (apply = arc_bench_apply_start(self, "apply", error)) == NULL)
		return FALSE;
	if (!arc_bench_apply_wait(
		    apply, apply->start_us + (gint64)self->opts->timeout * G_USEC_PER_SEC, error) ||
	    !arc_bench_apply_check(self, apply, "apply", error))
		return FALSE;
	f->apply_s = arc_bench_secs(apply->start_us, apply->end_us);
	if (!arc_bench_run_converge(self, apply, f, error))
		return FALSE;
	g_usleep(ARC_BENCH_SETTLE_US);
	after = arc_bench_run_counters(self, error);
	if (after == NULL)
		return FALSE;
	f->apply_calls = arc_bench_count_calls(before, after, self->own, &f->breakdown);
	return TRUE;
}

static gboolean
arc_bench_run_second_apply(ArcBenchRun *self, ArcBenchFigures *f, GError **error)
{
	g_autoptr(GHashTable) before = arc_bench_run_counters(self, error);
	g_autoptr(GHashTable) after = NULL;
	g_autoptr(ArcBenchApply) apply = NULL;
	g_autofree gchar *out_path = g_strdup_printf("%s/reapply.out", self->dir);
	g_autofree gchar *out = NULL;

	if (before == NULL || (apply = arc_bench_apply_start(self, "reapply", error)) == NULL)
		return FALSE;
	if (!arc_bench_apply_wait(
		    apply, apply->start_us + (gint64)self->opts->timeout * G_USEC_PER_SEC, error) ||
	    !arc_bench_apply_check(self, apply, "reapply", error))
		return FALSE;
	f->reapply_s = arc_bench_secs(apply->start_us, apply->end_us);
	g_usleep(ARC_BENCH_SETTLE_US);
	after = arc_bench_run_counters(self, error);
	if (after == NULL)
		return FALSE;
	f->reapply_calls = arc_bench_count_calls(before, after, NULL, NULL);
	f->no_changes = g_file_get_contents(out_path, &out, NULL, NULL) &&
			strstr(out, "No changes") != NULL;
	if (!f->no_changes) {
		self->keep = TRUE;
		g_print("  the second apply did not say \"No changes\"; its output:\n%s",
			out != NULL ? out : "(none)\n");
	}
	return TRUE;
}

static void
arc_bench_print_run(const ArcBenchFigures *f)
{
	g_print("  %-8s run %u: apply %.3f s, converged %.3f s after its start (%.3f s after "
		"its exit, %u sweeps of %.0f ms; every agent granted a token at %.3f s), second "
		"apply %.3f s (%s), API calls "
		"%" G_GINT64_FORMAT " + %" G_GINT64_FORMAT "; busy %.0f%%, steal %.0f%%, load %s\n",
		arc_bench_mode_names[f->mode], f->run, f->apply_s, f->converge_s,
		f->converge_s - f->apply_s, f->sweeps, f->sweep_ms, f->tokens_s, f->reapply_s,
		f->no_changes ? "no changes" : "CHANGED SOMETHING", f->apply_calls,
		f->reapply_calls, f->busy_pct, f->steal_pct, f->loadavg != NULL ? f->loadavg : "?");
}

static gboolean
arc_bench_run_one(const ArcBenchOptions *opts, const gchar *work, ArcBenchFigures *f,
		  GError **error)
{
	g_autoptr(ArcBenchRun) self = arc_bench_run_new(opts, work, f->mode, f->run, error);
	ArcBenchStat stat;

	if (self == NULL)
		return FALSE;
	arc_bench_stat_sample(&stat);
	if (!arc_bench_run_start_agents(self, work, f->mode, error) ||
	    !arc_bench_write_compose(self, error) || !arc_bench_run_first_apply(self, f, error) ||
	    !arc_bench_run_second_apply(self, f, error)) {
		/* a failed run keeps its files to be looked at; Ctrl-C does not */
		self->keep = self->keep || !arc_bench_is_interrupted();
		return FALSE;
	}
	arc_bench_stat_finish(&stat, f);
	f->ok = TRUE;
	arc_bench_print_run(f);
	if (f->run == 1)
		g_print("    API calls of the first apply, by route: %s\n", f->breakdown);
	return TRUE;
}

/* ---- the summary ---- */

static gint
arc_bench_compare_double(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
	return x < y ? -1 : x > y ? 1 : 0;
}

/* the median (the mean of the middle two for an even count) and the maximum */
static void
arc_bench_median_max(GArray *values, gdouble *median, gdouble *max)
{
	guint n = values->len;

	*median = *max = -1;
	if (n == 0)
		return;
	g_array_sort(values, arc_bench_compare_double);
	*median = n % 2 == 1 ? g_array_index(values, gdouble, n / 2)
			     : (g_array_index(values, gdouble, n / 2 - 1) +
				g_array_index(values, gdouble, n / 2)) /
				       2;
	*max = g_array_index(values, gdouble, n - 1);
}

typedef enum {
	ARC_BENCH_ROW_APPLY,
	ARC_BENCH_ROW_CONVERGE,
	ARC_BENCH_ROW_LAG,
	ARC_BENCH_ROW_REAPPLY,
	ARC_BENCH_ROW_CALLS,
	ARC_BENCH_ROW_RECALLS,
	ARC_BENCH_ROW_LAST,
} ArcBenchRow;

static const gchar *const arc_bench_row_names[] = {
	"apply, wall (s)",
	"converged, from the apply's start (s)",
	"  of which after the apply's exit (s)",
	"second apply (no-op), wall (s)",
	"API calls, apply",
	"API calls, second apply",
};

static gdouble
arc_bench_row_value(const ArcBenchFigures *f, ArcBenchRow row)
{
	switch (row) {
	case ARC_BENCH_ROW_APPLY:
		return f->apply_s;
	case ARC_BENCH_ROW_CONVERGE:
		return f->converge_s;
	case ARC_BENCH_ROW_LAG:
		return f->converge_s - f->apply_s;
	case ARC_BENCH_ROW_REAPPLY:
		return f->reapply_s;
	case ARC_BENCH_ROW_CALLS:
		return (gdouble)f->apply_calls;
	default:
		return (gdouble)f->reapply_calls;
	}
}

static void
arc_bench_print_cell(GPtrArray *figures, ArcBenchMode mode, ArcBenchRow row)
{
	g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(gdouble));
	gdouble median, max;
	gboolean count = row == ARC_BENCH_ROW_CALLS || row == ARC_BENCH_ROW_RECALLS;

	for (guint i = 0; i < figures->len; i++) {
		const ArcBenchFigures *f = g_ptr_array_index(figures, i);
		gdouble v;
		if (!f->ok || f->mode != mode)
			continue;
		v = arc_bench_row_value(f, row);
		g_array_append_val(values, v);
	}
	arc_bench_median_max(values, &median, &max);
	if (values->len == 0)
		g_print(" | %10s | %10s", "-", "-");
	else if (count)
		g_print(" | %10.0f | %10.0f", median, max);
	else
		g_print(" | %10.3f | %10.3f", median, max);
}

static void
arc_bench_print_summary(const ArcBenchOptions *opts, GPtrArray *figures)
{
	g_print("\nSummary: %d nodes, %d services; median and max of the runs that finished\n\n",
		opts->nodes, opts->services);
	g_print("| %-38s", "");
	for (guint m = 0; m < ARC_BENCH_MODE_LAST; m++) {
		if (opts->modes[m])
			g_print(" | %-23s", arc_bench_mode_titles[m]);
	}
	g_print(" |\n| %-38s", "");
	for (guint m = 0; m < ARC_BENCH_MODE_LAST; m++) {
		if (opts->modes[m])
			g_print(" | %10s | %10s", "median", "max");
	}
	g_print(" |\n");
	for (guint r = 0; r < ARC_BENCH_ROW_LAST; r++) {
		g_print("| %-38s", arc_bench_row_names[r]);
		for (guint m = 0; m < ARC_BENCH_MODE_LAST; m++) {
			if (opts->modes[m])
				arc_bench_print_cell(figures, (ArcBenchMode)m, (ArcBenchRow)r);
		}
		g_print(" |\n");
	}
	g_print("| %-38s", "second apply said \"No changes\"");
	for (guint m = 0; m < ARC_BENCH_MODE_LAST; m++) {
		guint yes = 0, runs = 0;
		g_autofree gchar *cell = NULL;

		if (!opts->modes[m])
			continue;
		for (guint i = 0; i < figures->len; i++) {
			const ArcBenchFigures *f = g_ptr_array_index(figures, i);
			if (f->ok && f->mode == (ArcBenchMode)m) {
				runs++;
				yes += f->no_changes ? 1 : 0;
			}
		}
		cell = g_strdup_printf("%u of %u runs", yes, runs);
		g_print(" | %-23s", cell);
	}
	g_print(" |\n");
}

/* ---- options and main ---- */

static gboolean
arc_bench_parse_gossip(ArcBenchOptions *opts, GError **error)
{
	const gchar *which = opts->gossip != NULL ? opts->gossip : "both";
	gboolean both = g_strcmp0(which, "both") == 0;

	opts->modes[ARC_BENCH_MODE_DEFAULT] = both || g_strcmp0(which, "default") == 0;
	opts->modes[ARC_BENCH_MODE_FAST] = both || g_strcmp0(which, "fast") == 0;
	if (!opts->modes[ARC_BENCH_MODE_DEFAULT] && !opts->modes[ARC_BENCH_MODE_FAST]) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--gossip: %s is not default, fast or both", which);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_bench_check_options(ArcBenchOptions *opts, GError **error)
{
	if (opts->runs < 1 || opts->nodes < 2 || opts->nodes > 50 || opts->services < 1 ||
	    opts->services > ARC_BENCH_MAX_SERVICES || opts->poll_ms < 1 || opts->timeout < 1) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--runs, --poll-ms and --timeout must be at least 1, --nodes 2-50, "
			    "--services 1-%d",
			    ARC_BENCH_MAX_SERVICES);
		return FALSE;
	}
	if (opts->build_dir == NULL) {
		g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
		g_autofree gchar *bench = g_path_get_dirname(exe != NULL ? exe : "bench/x");
		opts->build_dir = g_path_get_dirname(bench);
	}
	if (opts->base == NULL)
		opts->base =
			g_strdup(arc_bench_is_tmpfs("/dev/shm") ? "/dev/shm" : g_get_tmp_dir());
	return arc_bench_parse_gossip(opts, error);
}

static gboolean
arc_bench_parse_options(ArcBenchOptions *opts, int *argc, char ***argv, GError **error)
{
	GOptionEntry entries[] = {
		{"build", 'b', 0, G_OPTION_ARG_FILENAME, &opts->build_dir,
		 "Meson build directory (default: the one this program is in)", "DIR"},
		{"runs", 'r', 0, G_OPTION_ARG_INT, &opts->runs,
		 "Runs of each gossip setting (default 3)", "N"},
		{"gossip", 'g', 0, G_OPTION_ARG_STRING, &opts->gossip,
		 "Agent [gossip] settings: default, fast or both (default both)", "WHICH"},
		{"nodes", 'n', 0, G_OPTION_ARG_INT, &opts->nodes, "Agents (default 4)", "N"},
		{"services", 's', 0, G_OPTION_ARG_INT, &opts->services,
		 "Services of the file (default 50, at most 100)", "N"},
		{"poll-ms", 0, 0, G_OPTION_ARG_INT, &opts->poll_ms,
		 "Period of the convergence sweeps (default 50)", "MS"},
		{"timeout", 't', 0, G_OPTION_ARG_INT, &opts->timeout,
		 "Bound of each apply and of convergence, from the apply's start (default 120)",
		 "S"},
		{"data-dir-base", 'd', 0, G_OPTION_ARG_FILENAME, &opts->base,
		 "Where the temp dir goes (default /dev/shm if tmpfs, else $TMPDIR)", "DIR"},
		{"keep", 'k', 0, G_OPTION_ARG_NONE, &opts->keep,
		 "Keep the temp directory: agent logs, cluster.yaml, apply output", NULL},
		{NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);

	g_option_context_set_summary(context,
				     "Time of `arctic compose apply` of N services to fresh "
				     "arctic-agents on 127.0.0.1, until they all agree, and of "
				     "the same apply again.");
	g_option_context_add_main_entries(context, entries, NULL);
	return g_option_context_parse(context, argc, argv, error) &&
	       arc_bench_check_options(opts, error);
}

static void
arc_bench_figures_free(ArcBenchFigures *f)
{
	g_free(f->loadavg);
	g_free(f->breakdown);
	g_free(f);
}

/* the runs, the gossip settings alternating so that a slow spell of the machine hits both */
static gboolean
arc_bench_run_all(const ArcBenchOptions *opts, const gchar *work, GPtrArray *figures,
		  GError **error)
{
	if (!arc_bench_make_license(opts->build_dir, work, (guint)MAX(opts->nodes, 4), error))
		return FALSE;
	g_print("Arctic compose benchmark: %d nodes, %d services, %d runs, %ld CPUs, data in %s "
		"(%s), sweeps every %d ms\n",
		opts->nodes, opts->services, opts->runs, sysconf(_SC_NPROCESSORS_ONLN), work,
		arc_bench_is_tmpfs(work) ? "tmpfs" : "not tmpfs", opts->poll_ms);
	for (guint run = 1; run <= (guint)opts->runs; run++) {
		for (guint m = 0; m < ARC_BENCH_MODE_LAST; m++) {
			ArcBenchFigures *f;

			if (!opts->modes[m])
				continue;
			f = g_new0(ArcBenchFigures, 1);
			f->mode = (ArcBenchMode)m;
			f->run = run;
			g_ptr_array_add(figures, f);
			if (!arc_bench_run_one(opts, work, f, error)) {
				g_prefix_error(error, "%s run %u: ", arc_bench_mode_names[m], run);
				return FALSE;
			}
		}
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	ArcBenchOptions opts = {
		.runs = 3, .nodes = 4, .services = 50, .poll_ms = 50, .timeout = 120};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) figures =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_bench_figures_free);
	g_autofree gchar *tmpl = NULL;
	g_autofree gchar *work = NULL;
	gboolean ok = FALSE;

	if (!arc_bench_parse_options(&opts, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	arc_bench_catch_interrupts();
	tmpl = g_build_filename(opts.base, "arc-bench-compose-XXXXXX", NULL);
	if (g_mkdtemp(tmpl) == NULL)
		g_set_error(&error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot create a directory in %s: %s", opts.base, g_strerror(errno));
	else
		work = g_steal_pointer(&tmpl);
	if (work != NULL)
		ok = arc_bench_run_all(&opts, work, figures, &error);
	if (figures->len > 0 && ((ArcBenchFigures *)g_ptr_array_index(figures, 0))->ok)
		arc_bench_print_summary(&opts, figures);
	if (!ok && arc_bench_is_interrupted())
		g_printerr("compose bench: interrupted\n");
	else if (!ok)
		g_printerr("compose bench: %s\n", error != NULL ? error->message : "failed");
	/* a run that failed keeps its files to be looked at; Ctrl-C does not */
	if (work != NULL && (opts.keep || (!ok && !arc_bench_is_interrupted())))
		g_print("kept %s\n", work);
	else if (work != NULL)
		arc_bench_rm_rf(work);
	g_free(opts.build_dir);
	g_free(opts.base);
	g_free(opts.gossip);
	return ok ? 0 : 1;
}
