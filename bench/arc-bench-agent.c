/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One arctic-agent of the handshake benchmark: started from the build tree on 127.0.0.1,
 * bootstrapped, reached through its public HTTP API only, and sampled for CPU time.
 */
#include "arc-bench-agent.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#define ARC_BENCH_READY_SECS 30
#define ARC_BENCH_STOP_SECS 10

/**
 * arc_bench_json_get_string:
 * @node: (nullable): a JSON object
 * @member: a member name
 *
 * Returns: (nullable): the member when it is a string
 */
const gchar *
arc_bench_json_get_string(JsonNode *node, const gchar *member)
{
	JsonNode *value;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	value = json_object_get_member(json_node_get_object(node), member);
	if (value == NULL || json_node_get_value_type(value) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(value);
}

/**
 * arc_bench_json_from_bytes:
 * @bytes: a response body, not NUL-terminated
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the JSON document
 */
JsonNode *
arc_bench_json_from_bytes(GBytes *bytes, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	gsize len = 0;
	const gchar *data = g_bytes_get_data(bytes, &len);

	if (!json_parser_load_from_data(parser, data != NULL ? data : "", (gssize)len, error))
		return NULL;
	if (json_parser_get_root(parser) == NULL) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty answer");
		return NULL;
	}
	return json_node_copy(json_parser_get_root(parser));
}

/**
 * arc_bench_agent_request:
 * @self: the agent
 * @method: the HTTP method
 * @path: the API path, with its query
 * @token: (nullable): a bearer token
 * @content_type: (nullable): of @body
 * @body: (nullable): the request body
 * @flags: #SoupMessageFlags, e.g. %SOUP_MESSAGE_NEW_CONNECTION
 * @status: (out): the HTTP status
 * @error: return location for a #GError, for transport errors only
 *
 * One synchronous request over the bench's keep-alive session.
 *
 * Returns: (transfer full): the response body
 */
GBytes *
arc_bench_agent_request(ArcBenchAgent *self, const gchar *method, const gchar *path,
			const gchar *token, const gchar *content_type, const gchar *body,
			SoupMessageFlags flags, guint *status, GError **error)
{
	g_autofree gchar *url = g_strdup_printf("http://%s%s", self->address, path);
	g_autoptr(SoupMessage) msg = soup_message_new(method, url);
	g_autoptr(GBytes) reply = NULL;

	if (msg == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
		return NULL;
	}
	soup_message_add_flags(msg, flags);
	if (token != NULL) {
		g_autofree gchar *value = g_strdup_printf("Bearer %s", token);
		soup_message_headers_replace(soup_message_get_request_headers(msg), "Authorization",
					     value);
	}
	if (body != NULL) {
		g_autoptr(GBytes) bytes = g_bytes_new(body, strlen(body));
		soup_message_set_request_body_from_bytes(msg, content_type, bytes);
	}
	reply = soup_session_send_and_read(self->session, msg, NULL, error);
	if (reply == NULL) {
		g_prefix_error(error, "%s %s: ", method, url);
		return NULL;
	}
	*status = soup_message_get_status(msg);
	return g_steal_pointer(&reply);
}

/**
 * arc_bench_agent_request_json:
 * @self: the agent
 * @method: the HTTP method
 * @path: the API path, with its query
 * @token: (nullable): a bearer token
 * @content_type: (nullable): of @body
 * @body: (nullable): the request body
 * @expected: the HTTP status wanted, or 0 for any 2xx
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the JSON answer, when its status is the one expected
 */
JsonNode *
arc_bench_agent_request_json(ArcBenchAgent *self, const gchar *method, const gchar *path,
			     const gchar *token, const gchar *content_type, const gchar *body,
			     guint expected, GError **error)
{
	g_autoptr(GBytes) reply = NULL;
	JsonNode *answer;
	gsize len = 0;
	const gchar *data;
	guint status = 0;

	reply = arc_bench_agent_request(self, method, path, token, content_type, body, 0, &status,
					error);
	if (reply == NULL)
		return NULL;
	data = g_bytes_get_data(reply, &len);
	if (expected != 0 ? status != expected : !SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s on %s answered %u: %.*s",
			    method, path, self->label, status, (gint)MIN(len, 2048),
			    data != NULL ? data : "");
		return NULL;
	}
	answer = arc_bench_json_from_bytes(reply, error);
	if (answer == NULL)
		g_prefix_error(error, "%s %s on %s: ", method, path, self->label);
	return answer;
}

static gboolean
arc_bench_agent_wait_ready(ArcBenchAgent *self, GError **error)
{
	guint ready_secs = arc_test_process_timeout(ARC_BENCH_READY_SECS);
	gint64 deadline = g_get_monotonic_time() + (gint64)ready_secs * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < deadline) {
		g_autoptr(GBytes) reply = NULL;
		guint status = 0;

		if (!arc_test_process_is_running(self->process)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "arctic-agent %s exited at start; see %s", self->label,
				    self->log_path);
			return FALSE;
		}
		reply = arc_bench_agent_request(self, "GET", "/readyz", NULL, NULL, NULL, 0,
						&status, NULL);
		if (reply != NULL && status == SOUP_STATUS_OK)
			return TRUE;
		g_usleep(10 * 1000);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		    "arctic-agent %s not ready after %u s; see %s", self->label, ready_secs,
		    self->log_path);
	return FALSE;
}

/**
 * arc_bench_agent_start:
 * @build_dir: the meson build directory
 * @label: a name for messages
 * @config_path: its agent.conf
 * @data_dir: its data directory
 * @log_path: where its output goes
 * @port: the API port on 127.0.0.1, 0 for a free one
 * @error: return location for a #GError
 *
 * Starts `arctic-agent` on 127.0.0.1, without D-Bus, with ArcTestProcess (under
 * ARC_TEST_AGENT_WRAPPER if set), and waits until `GET /readyz` answers 200. The agent dies
 * with the bench (PR_SET_PDEATHSIG), even a bench that was killed.
 *
 * Returns: (transfer full): the running agent
 */
ArcBenchAgent *
arc_bench_agent_start(const gchar *build_dir, const gchar *label, const gchar *config_path,
		      const gchar *data_dir, const gchar *log_path, guint16 port, GError **error)
{
	g_autoptr(ArcBenchAgent) self = g_new0(ArcBenchAgent, 1);
	g_autofree gchar *agent = g_build_filename(build_dir, "daemon", "arctic-agent", NULL);
	g_autofree gchar *plugins = g_build_filename(build_dir, "plugins", "all", NULL);

	if (port == 0)
		port = arc_test_free_port(error);
	if (port == 0)
		return NULL;
	self->label = g_strdup(label);
	self->address = g_strdup_printf("127.0.0.1:%u", port);
	self->log_path = g_strdup(log_path);
	self->session =
		soup_session_new_with_options("timeout", 30, "user-agent", "arc-bench", NULL);
	soup_session_set_proxy_resolver(self->session, NULL);
	self->process = arc_test_process_new(agent);
	arc_test_process_set_output(self->process, log_path, NULL); /* stderr with stdout */
	{
		const gchar *const args[] = {"--config",  config_path,    "--data-dir",   data_dir,
					     "--listen",  self->address,  "--plugin-dir", plugins,
					     "--no-dbus", "--log-format", "text",         NULL};
		if (!arc_test_process_spawn(self->process, args, error))
			return NULL;
	}
	self->pid = (pid_t)arc_test_process_get_pid(self->process);
	if (!arc_bench_agent_wait_ready(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

/**
 * arc_bench_agent_token_form:
 * @self: a bootstrapped agent
 *
 * Returns: (transfer full): the body of a client-credentials grant for its admin credential
 */
gchar *
arc_bench_agent_token_form(ArcBenchAgent *self)
{
	g_autofree gchar *id = g_uri_escape_string(self->client_id, NULL, FALSE);
	g_autofree gchar *secret = g_uri_escape_string(self->client_secret, NULL, FALSE);

	return g_strdup_printf("grant_type=client_credentials&client_id=%s&client_secret=%s", id,
			       secret);
}

/**
 * arc_bench_agent_fetch_token:
 * @self: a bootstrapped agent
 * @error: return location for a #GError
 *
 * The client-credentials grant with the credential the bootstrap returned.
 *
 * Returns: (transfer full): an access token
 */
gchar *
arc_bench_agent_fetch_token(ArcBenchAgent *self, GError **error)
{
	g_autofree gchar *form = arc_bench_agent_token_form(self);
	g_autoptr(JsonNode) answer = NULL;
	const gchar *token;

	answer = arc_bench_agent_request_json(self, "POST", "/v1/oauth/token", NULL,
					      "application/x-www-form-urlencoded", form, 0, error);
	if (answer == NULL)
		return NULL;
	token = arc_bench_json_get_string(answer, "access_token");
	if (token == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s gave no access token",
			    self->label);
		return NULL;
	}
	return g_strdup(token);
}

/**
 * arc_bench_agent_bootstrap:
 * @self: a fresh agent
 * @license_path: the license document
 * @error: return location for a #GError
 *
 * `POST /v1/bootstrap`, then an access token for the admin credential it returns.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_bench_agent_bootstrap(ArcBenchAgent *self, const gchar *license_path, GError **error)
{
	g_autofree gchar *license = NULL;
	g_autoptr(JsonNode) answer = NULL;

	if (!g_file_get_contents(license_path, &license, NULL, error))
		return FALSE;
	answer = arc_bench_agent_request_json(self, "POST", "/v1/bootstrap", NULL,
					      "application/json", license, 0, error);
	if (answer == NULL)
		return FALSE;
	self->peer_id = g_strdup(arc_bench_json_get_string(answer, "peer_id"));
	self->cluster_id = g_strdup(arc_bench_json_get_string(answer, "cluster_id"));
	self->client_id = g_strdup(arc_bench_json_get_string(answer, "client_id"));
	self->client_secret = g_strdup(arc_bench_json_get_string(answer, "client_secret"));
	if (self->peer_id == NULL || self->cluster_id == NULL || self->client_id == NULL ||
	    self->client_secret == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "the bootstrap answer of %s lacks peer_id or the credential",
			    self->label);
		return FALSE;
	}
	self->token = arc_bench_agent_fetch_token(self, error);
	return self->token != NULL;
}

/* utime + stime, fields 14 and 15 of /proc/PID/stat, counted after the ')' of comm */
static gint64
arc_bench_read_ticks(pid_t pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/stat", (gint)pid);
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) fields = NULL;
	const gchar *rest;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return -1;
	rest = strrchr(contents, ')');
	if (rest == NULL)
		return -1;
	fields = g_strsplit(rest + 2, " ", 16);
	if (g_strv_length(fields) < 14)
		return -1;
	return g_ascii_strtoll(fields[11], NULL, 10) + g_ascii_strtoll(fields[12], NULL, 10);
}

/* ns on the CPU of every live thread (threads that exited are lost, see clock_ns), and ns
 * they were runnable but waited for a CPU */
static gint64
arc_bench_read_schedstat(pid_t pid, guint *threads, gint64 *wait_ns)
{
	g_autofree gchar *dir_path = g_strdup_printf("/proc/%d/task", (gint)pid);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const gchar *tid;
	gint64 total = 0;

	*threads = 0;
	*wait_ns = 0;
	if (dir == NULL)
		return -1;
	while ((tid = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir_path, tid, "schedstat", NULL);
		g_autofree gchar *contents = NULL;
		gchar *end = NULL;

		if (!g_file_get_contents(path, &contents, NULL, NULL))
			continue; /* the thread just exited */
		total += g_ascii_strtoll(contents, &end, 10);
		*wait_ns += g_ascii_strtoll(end, NULL, 10);
		(*threads)++;
	}
	return *threads > 0 ? total : -1;
}

/**
 * arc_bench_agent_sample_cpu:
 * @self: a running agent
 * @cpu: (out): the CPU time it has used so far
 */
void
arc_bench_agent_sample_cpu(ArcBenchAgent *self, ArcBenchCpu *cpu)
{
	clockid_t clock;
	struct timespec ts;

	cpu->clock_ns = -1;
	if (clock_getcpuclockid(self->pid, &clock) == 0 && clock_gettime(clock, &ts) == 0)
		cpu->clock_ns = (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
	cpu->sched_ns = arc_bench_read_schedstat(self->pid, &cpu->threads, &cpu->wait_ns);
	cpu->ticks = arc_bench_read_ticks(self->pid);
}

/**
 * arc_bench_agent_count_log:
 * @self: the agent
 * @level: a level word of the text log format: `critical`, `warning`
 * @first: (out) (optional): the first such line
 *
 * Returns: how many lines of its log have that level
 */
guint
arc_bench_agent_count_log(ArcBenchAgent *self, const gchar *level, gchar **first)
{
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) lines = NULL;
	guint count = 0;

	if (!g_file_get_contents(self->log_path, &contents, NULL, NULL))
		return 0;
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) words = g_strsplit_set(lines[i], " ", 3);
		if (g_strv_length(words) < 3 || g_strcmp0(words[1], level) != 0)
			continue;
		if (count++ == 0 && first != NULL)
			*first = g_strdup(lines[i]);
	}
	return count;
}

/**
 * arc_bench_agent_count_fds:
 * @self: a running agent
 *
 * Returns: how many file descriptors it has open
 */
guint
arc_bench_agent_count_fds(ArcBenchAgent *self)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/fd", (gint)self->pid);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	guint count = 0;

	while (dir != NULL && g_dir_read_name(dir) != NULL)
		count++;
	return count;
}

/**
 * arc_bench_agent_signal_stop:
 * @self: the agent
 *
 * SIGTERM without waiting, so that several agents shut down side by side; then
 * arc_bench_agent_stop() waits.
 */
void
arc_bench_agent_signal_stop(ArcBenchAgent *self)
{
	if (self->process == NULL || self->stopping)
		return;
	arc_test_process_signal(self->process, SIGTERM);
	self->stopping = TRUE;
}

/**
 * arc_bench_agent_stop:
 * @self: the agent
 *
 * SIGTERM (unless sent already), then waits for the agent to exit (SIGKILL after a while).
 */
void
arc_bench_agent_stop(ArcBenchAgent *self)
{
	guint stop_secs = arc_test_process_timeout(ARC_BENCH_STOP_SECS);

	if (self->process == NULL || self->stopped)
		return;
	arc_bench_agent_signal_stop(self);
	self->stopped = TRUE;
	if (!arc_test_process_wait(self->process, stop_secs)) {
		g_printerr("arctic-agent %s ignored SIGTERM for %u s: killing it\n", self->label,
			   stop_secs);
		arc_test_process_kill(self->process, stop_secs);
	}
	if (arc_test_process_get_exit_status(self->process) != 0)
		g_printerr("arctic-agent %s did not exit cleanly; see %s\n", self->label,
			   self->log_path);
}

void
arc_bench_agent_free(ArcBenchAgent *self)
{
	if (self == NULL)
		return;
	arc_bench_agent_stop(self);
	g_clear_object(&self->process);
	g_clear_object(&self->session);
	g_free(self->label);
	g_free(self->address);
	g_free(self->log_path);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	g_free(self->client_id);
	g_free(self->client_secret);
	g_free(self->token);
	g_free(self);
}

static gboolean
arc_bench_run_tool(gchar **argv, GError **error)
{
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
			  error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "%s: %s: ", argv[0], err != NULL ? g_strstrip(err) : "");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_bench_make_license:
 * @build_dir: the build tree, for arctic-license
 * @work: where the issuer (`issuer.key`, `issuers/bench.pub`) and `license.json` go
 * @max_nodes: the license's node limit
 * @error: return location for a #GError
 *
 * A development issuer and a license of it, made on the spot.
 *
 * Returns: %TRUE once written
 */
gboolean
arc_bench_make_license(const gchar *build_dir, const gchar *work, guint max_nodes, GError **error)
{
	g_autofree gchar *tool = g_build_filename(build_dir, "cli", "arctic-license", NULL);
	g_autofree gchar *issuers = g_build_filename(work, "issuers", NULL);
	g_autofree gchar *key = g_build_filename(work, "issuer.key", NULL);
	g_autofree gchar *pub = g_build_filename(issuers, "bench.pub", NULL);
	g_autofree gchar *license = g_build_filename(work, "license.json", NULL);
	g_autofree gchar *nodes = g_strdup_printf("%u", max_nodes);
	gchar *keygen[] = {tool, "keygen", "--secret", key, "--public", pub, NULL};
	gchar *issue[] = {tool,       "issue", "--key",       key,   "--customer-id",  "cust_bench",
			  "--days",   "365",   "--max-nodes", nodes, "--max-services", "100",
			  "--output", license, NULL};

	if (g_mkdir_with_parents(issuers, 0755) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot create %s",
			    issuers);
		return FALSE;
	}
	if (!arc_bench_run_tool(keygen, error))
		return FALSE;
	g_chmod(pub, 0644);
	return arc_bench_run_tool(issue, error);
}

/* removes @path and everything below it */
void
arc_bench_rm_rf(const gchar *path)
{
	GStatBuf st;

	if (g_lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const gchar *name;
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			arc_bench_rm_rf(child);
		}
		if (g_rmdir(path) != 0)
			g_printerr("cannot remove %s: %s\n", path, g_strerror(errno));
	} else if (g_unlink(path) != 0) {
		g_printerr("cannot remove %s: %s\n", path, g_strerror(errno));
	}
}

/* ---- Ctrl-C ---- */

static volatile sig_atomic_t arc_bench_interrupted = 0;

static void
arc_bench_interrupt_cb(int signum)
{
	arc_bench_interrupted = 1;
}

/* SIGINT and SIGTERM only raise a flag: the bench stops at its next check and cleans up */
void
arc_bench_catch_interrupts(void)
{
	struct sigaction sa = {.sa_handler = arc_bench_interrupt_cb};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

gboolean
arc_bench_is_interrupted(void)
{
	return arc_bench_interrupted != 0;
}

/* Returns: %TRUE, with G_IO_ERROR_CANCELLED, once interrupted */
gboolean
arc_bench_check_interrupted(GError **error)
{
	if (!arc_bench_interrupted)
		return FALSE;
	g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "interrupted");
	return TRUE;
}

/* sleeps @usec unless interrupted */
void
arc_bench_sleep(gint64 usec)
{
	gint64 until = g_get_monotonic_time() + usec;

	while (!arc_bench_interrupted && g_get_monotonic_time() < until)
		g_usleep(MIN(until - g_get_monotonic_time(), 100 * 1000));
}
