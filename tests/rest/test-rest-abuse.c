/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* prlimit() */
#define _GNU_SOURCE
#include "config.h"

#include <arctic-plugin.h>
#include <string.h>
#include <sys/resource.h>

#include "arc-rest-fixture.h"
#include "arc-rest-request.h"

/* The API port under abuse: request heads and lengths libsoup would mishandle, HEAD on every
 * GET route, metric labels a client cannot choose, and connection floods against a low
 * descriptor limit (docs/api-limits.md). Clients speak raw HTTP over
 * sockets bound to addresses of 127/8 of their choosing: 127.0.0.2 is the attacker,
 * 127.0.0.3 an operator, 127.0.0.1 a peer agent. */

#define ARC_ABUSE_ATTACKER "127.0.0.2"
#define ARC_ABUSE_CLIENT "127.0.0.3"

/* An agent under a wrapper (valgrind) keeps descriptors of its own. */
static gboolean
arc_abuse_wrapped(void)
{
	const gchar *wrapper = g_getenv("ARC_TEST_AGENT_WRAPPER");
	return wrapper != NULL && wrapper[0] != '\0';
}

/* An agent under a wrapper (valgrind) or built with sanitizers (whose setup unwinds the stack
 * on every malloc) is slower by as much as the harness allows it, and slower still to get
 * through a flood: there the flood tests check that every answer comes and that nothing
 * breaks, not how fast. */
static gboolean
arc_abuse_slow(void)
{
	return arc_abuse_wrapped() || arc_rest_agent_is_sanitized();
}

static gdouble
arc_abuse_slack(void)
{
	return arc_abuse_slow() ? 6.0 : 1.0;
}

typedef struct {
	guint status;
	gchar *head;
	GByteArray *body;
	gboolean closed; /* the agent closed the connection */
	gdouble seconds; /* from connecting to the end of the answer */
} ArcAbuseAnswer;

static void
arc_abuse_answer_free(ArcAbuseAnswer *self)
{
	g_free(self->head);
	g_byte_array_unref(self->body);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcAbuseAnswer, arc_abuse_answer_free)

static GSocket *
arc_abuse_connect(guint16 port, const gchar *source, guint timeout_secs, GError **error)
{
	g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						 G_SOCKET_PROTOCOL_TCP, error);
	g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string(source, 0);
	g_autoptr(GSocketAddress) remote = g_inet_socket_address_new_from_string("127.0.0.1", port);

	if (socket == NULL)
		return NULL;
	g_socket_set_timeout(socket, timeout_secs);
	if (!g_socket_bind(socket, local, FALSE, error) ||
	    !g_socket_connect(socket, remote, NULL, error))
		return NULL;
	return g_steal_pointer(&socket);
}

static gboolean
arc_abuse_send_all(GSocket *socket, const gchar *data, gsize len)
{
	while (len > 0) {
		gssize n = g_socket_send(socket, data, len, NULL, NULL);
		if (n <= 0)
			return FALSE;
		data += n;
		len -= (gsize)n;
	}
	return TRUE;
}

/* reads an answer to its end: the agent closing the connection, or @timeout_secs */
static ArcAbuseAnswer *
arc_abuse_read(GSocket *socket, gint64 start)
{
	ArcAbuseAnswer *answer = g_new0(ArcAbuseAnswer, 1);
	g_autoptr(GByteArray) all = g_byte_array_new();
	const guint8 *end;
	gchar buf[16384];

	for (;;) {
		gssize n = g_socket_receive(socket, buf, sizeof(buf), NULL, NULL);
		if (n <= 0) {
			answer->closed = n == 0;
			break;
		}
		g_byte_array_append(all, (const guint8 *)buf, (guint)n);
	}
	answer->seconds = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	answer->body = g_byte_array_new();
	end = all->len > 0
		      ? (const guint8 *)g_strstr_len((const gchar *)all->data, all->len, "\r\n\r\n")
		      : NULL;
	if (end == NULL)
		return answer;
	answer->head = g_strndup((const gchar *)all->data, (gsize)(end - all->data));
	g_byte_array_append(answer->body, end + 4, all->len - (guint)(end + 4 - all->data));
	if (g_str_has_prefix(answer->head, "HTTP/1.1 "))
		answer->status = (guint)g_ascii_strtoull(answer->head + 9, NULL, 10);
	return answer;
}

/* one request from @source; the answer read until the agent closes or @timeout_secs */
static ArcAbuseAnswer *
arc_abuse_exchange(ArcTestAgent *agent, const gchar *source, const gchar *request, gsize len,
		   guint timeout_secs)
{
	gint64 start = g_get_monotonic_time();
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) socket =
		arc_abuse_connect(arc_test_agent_get_port(agent), source, timeout_secs, &error);

	if (socket == NULL) {
		ArcAbuseAnswer *answer = g_new0(ArcAbuseAnswer, 1);
		g_test_message("connect from %s: %s", source, error->message);
		answer->body = g_byte_array_new();
		answer->seconds = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
		return answer;
	}
	/* the agent may close early: what it answered is what counts */
	arc_abuse_send_all(socket, request, len);
	return arc_abuse_read(socket, start);
}

static const gchar *
arc_abuse_header(ArcAbuseAnswer *answer, const gchar *name)
{
	g_autofree gchar *needle = g_strdup_printf("\r\n%s: ", name);
	const gchar *at = answer->head != NULL ? strstr(answer->head, needle) : NULL;
	static gchar value[256];
	const gchar *end;

	if (at == NULL)
		return NULL;
	at += strlen(needle);
	end = strstr(at, "\r\n");
	g_strlcpy(value, at, MIN(sizeof(value), (gsize)(end != NULL ? end - at + 1 : 255)));
	return value;
}

static void
arc_abuse_assert_error(ArcAbuseAnswer *answer, guint status, const gchar *code)
{
	g_autoptr(JsonNode) json = NULL;
	g_autofree gchar *body = g_strndup((const gchar *)answer->body->data, answer->body->len);

	g_test_message("answer in %.3f s: %s", answer->seconds,
		       answer->head != NULL ? answer->head : "(none)");
	arc_test_assert_status(answer->status, status);
	json = json_from_string(body, NULL);
	g_assert_nonnull(json);
	arc_test_assert_api_error(json, code);
}

/* ---- request heads and lengths ---- */

/* A Content-Length that is no number (libsoup took `-1` for 2^64 - 1 and read for ever), or
 * two that differ: 400 at once, and the connection closed, without sending any body. */
static void
arc_abuse_content_length_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *lengths[] = {"Content-Length: -1\r\n",
				  "Content-Length: +5\r\n",
				  "Content-Length: 5\r\nContent-Length: 6\r\n",
				  "Content-Length: 5, 6\r\n",
				  "Content-Length: 99999999999999999999999\r\n",
				  NULL};

	for (guint i = 0; lengths[i] != NULL; i++) {
		g_autofree gchar *request = g_strdup_printf("POST /v1/bootstrap HTTP/1.1\r\n"
							    "Host: 127.0.0.1\r\n"
							    "Content-Type: application/json\r\n"
							    "%s\r\n",
							    lengths[i]);
		g_autoptr(ArcAbuseAnswer) answer = arc_abuse_exchange(
			fixture->agent, ARC_ABUSE_CLIENT, request, strlen(request), 5);

		g_test_message("%s", lengths[i]);
		/* libsoup refuses some itself, with a 400 of its own (and no body) */
		if (answer->body->len == 0)
			arc_test_assert_status(answer->status, SOUP_STATUS_BAD_REQUEST);
		else
			arc_abuse_assert_error(answer, SOUP_STATUS_BAD_REQUEST, "INVALID_REQUEST");
		g_assert_true(answer->closed);
		g_assert_cmpfloat(answer->seconds, <, 1.0 * arc_abuse_slack());
	}
}

/* A bad length behind a good request on the same connection (pipelined) is caught too: the
 * connection is answered 400 and closed. */
static void
arc_abuse_pipelined_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *requests = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
				"POST /v1/bootstrap HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				"Content-Length: 2\r\n\r\n{}"
				"POST /v1/bootstrap HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				"Content-Length: -1\r\n\r\n";
	g_autoptr(ArcAbuseAnswer) answer =
		arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, requests, strlen(requests), 5);
	g_autofree gchar *all = g_strdup_printf("%s\r\n\r\n%.*s", answer->head, answer->body->len,
						(const gchar *)answer->body->data);

	g_test_message("%s", all);
	g_assert_true(answer->closed);
	g_assert_cmpfloat(answer->seconds, <, 1.0 * arc_abuse_slack());
	g_assert_nonnull(strstr(all, "HTTP/1.1 400 "));
	g_assert_nonnull(strstr(all, "invalid Content-Length"));
}

/* Request lines and header sets over the limits get 414 and 431 (libsoup 3.2 reset the
 * connection after 64 KiB), and the agent serves the next client as before. */
static void
arc_abuse_head_limits_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autoptr(GString) url = g_string_new("GET /livez?");
	g_autoptr(GString) fields = g_string_new("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	g_autoptr(ArcAbuseAnswer) long_url = NULL;
	g_autoptr(ArcAbuseAnswer) big_head = NULL;
	g_autoptr(ArcAbuseAnswer) normal = NULL;
	const gchar *plain = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

	for (guint i = 0; i < 100 * 1024 / 8; i++)
		g_string_append(url, "aaaaaaaa");
	g_string_append(url, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	long_url = arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, url->str, url->len, 5);
	arc_abuse_assert_error(long_url, SOUP_STATUS_REQUEST_URI_TOO_LONG, "URI_TOO_LONG");
	g_assert_true(long_url->closed);

	for (guint i = 0; i < 400; i++)
		g_string_append_printf(fields, "X-Filler-%u: %0200u\r\n", i, i);
	g_string_append(fields, "\r\n");
	big_head =
		arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, fields->str, fields->len, 5);
	arc_abuse_assert_error(big_head, 431, "HEADERS_TOO_LARGE");
	g_assert_true(big_head->closed);

	normal = arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, plain, strlen(plain), 5);
	arc_test_assert_status(normal->status, SOUP_STATUS_OK);
}

/* ---- HEAD ---- */

static gchar *
arc_abuse_route_path(const gchar *pattern)
{
	g_auto(GStrv) parts = g_strsplit(pattern, "{}", -1);
	return g_strjoinv("x", parts);
}

static ArcAbuseAnswer *
arc_abuse_call(ArcRestFixture *fixture, const gchar *method, const gchar *path)
{
	g_autofree gchar *request = g_strdup_printf("%s %s HTTP/1.1\r\n"
						    "Host: 127.0.0.1\r\n"
						    "Authorization: Bearer %s\r\n"
						    "Connection: close\r\n\r\n",
						    method, path, fixture->token);
	return arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, request, strlen(request), 5);
}

/* RFC 9110 §9.3.2 on every GET route of the table: the status and headers of the GET,
 * Content-Length that of the GET's body, and no body. */
static void
arc_abuse_head_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	guint n_routes = 0;
	const ArcRestRoute *routes = arc_rest_routes_get(&n_routes);
	guint n_get = 0;

	for (guint i = 0; i < n_routes; i++) {
		g_autofree gchar *path = NULL;
		g_autoptr(ArcAbuseAnswer) get = NULL;
		g_autoptr(ArcAbuseAnswer) head = NULL;
		g_autofree gchar *get_type = NULL;
		g_autofree gchar *get_length = NULL;

		if (g_strcmp0(routes[i].method, "GET") != 0)
			continue;
		n_get++;
		path = arc_abuse_route_path(routes[i].pattern);
		g_test_message("HEAD %s", path);
		get = arc_abuse_call(fixture, "GET", path);
		head = arc_abuse_call(fixture, "HEAD", path);
		g_assert_cmpuint(head->status, ==, get->status);
		g_assert_cmpuint(head->body->len, ==, 0);
		get_type = g_strdup(arc_abuse_header(get, "Content-Type"));
		get_length = g_strdup(arc_abuse_header(get, "Content-Length"));
		g_assert_cmpstr(arc_abuse_header(head, "Content-Type"), ==, get_type);
		g_assert_nonnull(get_length);
		g_assert_cmpuint(g_ascii_strtoull(get_length, NULL, 10), ==, get->body->len);
		/* the metrics count this very request: the figures, not the shape, may differ */
		if (g_strcmp0(routes[i].pattern, "/metrics") != 0)
			g_assert_cmpstr(arc_abuse_header(head, "Content-Length"), ==, get_length);
		else
			g_assert_nonnull(arc_abuse_header(head, "Content-Length"));
	}
	g_assert_cmpuint(n_get, >, 10);
}

/* ---- metric labels ---- */

static gchar *
arc_abuse_metrics(ArcRestFixture *fixture)
{
	g_autoptr(ArcAbuseAnswer) answer = arc_abuse_call(fixture, "GET", "/metrics");
	arc_test_assert_status(answer->status, SOUP_STATUS_OK);
	return g_strndup((const gchar *)answer->body->data, answer->body->len);
}

/* A sample line of the exposition format: name, optional {label="value",...} with escaped
 * values, a space, a number. */
static gboolean
arc_abuse_line_is_valid(const gchar *line)
{
	g_autoptr(GRegex) regex =
		g_regex_new("^[a-zA-Z_:][a-zA-Z0-9_:]*"
			    "(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})?"
			    " [-+0-9.eE]+(Inf)?$",
			    G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
	return line[0] == '#' || line[0] == '\0' || g_regex_match(regex, line, 0, NULL);
}

/* A method such as `ZZ"}9,evil="1` broke every scrape, and every new method was a new
 * series (and a string libsoup interns for ever): methods outside the standard ones get 501
 * and are counted as "other". */
static void
arc_abuse_metric_labels_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *metrics = NULL;
	g_auto(GStrv) lines = NULL;
	guint series = 0;

	for (guint i = 0; i < 300; i++) {
		g_autofree gchar *method = i == 0 ? g_strdup("ZZ\"}9,evil=\"1")
						  : g_strdup_printf("M%08X", g_random_int());
		g_autofree gchar *request = g_strdup_printf(
			"%s /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
			method);
		g_autoptr(ArcAbuseAnswer) answer = arc_abuse_exchange(
			fixture->agent, ARC_ABUSE_CLIENT, request, strlen(request), 5);
		g_assert_cmpuint(answer->status, ==, SOUP_STATUS_NOT_IMPLEMENTED);
	}
	metrics = arc_abuse_metrics(fixture);
	lines = g_strsplit(metrics, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (!arc_abuse_line_is_valid(lines[i]))
			g_error("not in the exposition format: %s", lines[i]);
		if (g_str_has_prefix(lines[i], "arctic_api_requests_total{"))
			series++;
	}
	g_assert_null(strstr(metrics, "evil"));
	g_assert_nonnull(strstr(metrics,
				"arctic_api_requests_total{method=\"other\",route=\"none\","
				"status=\"501\"} 300"));
	g_assert_cmpuint(series, <, 20);
}

/* ---- connection floods ---- */

/* the agent's pid, found by its command line: its config path is unique to the test */
static gint
arc_abuse_agent_pid(ArcTestAgent *agent)
{
	const gchar *config = arc_test_agent_get_config_path(agent);
	g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
	const gchar *name;

	g_assert_nonnull(dir);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_strdup_printf("/proc/%s/cmdline", name);
		g_autofree gchar *cmdline = NULL;
		gsize len = 0;

		if (!g_ascii_isdigit(name[0]) || !g_file_get_contents(path, &cmdline, &len, NULL))
			continue;
		for (gsize i = 0; i + 1 < len; i++)
			if (cmdline[i] == '\0')
				cmdline[i] = ' ';
		if (strstr(cmdline, "arctic-agent") != NULL && strstr(cmdline, config) != NULL)
			return atoi(name);
	}
	g_assert_not_reached();
	return -1;
}

/* the soft limit only: an unprivileged test cannot raise a hard limit back */
static void
arc_abuse_set_nofile(gint pid, rlim_t limit)
{
	struct rlimit old;
	struct rlimit rl;

	g_assert_cmpint(prlimit(pid, RLIMIT_NOFILE, NULL, &old), ==, 0);
	rl.rlim_cur = MIN(limit, old.rlim_max);
	rl.rlim_max = old.rlim_max;
	g_assert_cmpint(prlimit(pid, RLIMIT_NOFILE, &rl, NULL), ==, 0);
}

/* user and system time the process has used, in seconds */
static gdouble
arc_abuse_cpu_seconds(gint pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/stat", pid);
	g_autofree gchar *stat = NULL;
	g_auto(GStrv) fields = NULL;
	const gchar *after;

	g_assert_true(g_file_get_contents(path, &stat, NULL, NULL));
	after = strrchr(stat, ')');
	g_assert_nonnull(after);
	fields = g_strsplit(after + 2, " ", -1);
	/* utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name */
	return (gdouble)(g_ascii_strtoull(fields[11], NULL, 10) +
			 g_ascii_strtoull(fields[12], NULL, 10)) /
	       (gdouble)sysconf(_SC_CLK_TCK);
}

static guint
arc_abuse_count_lines(ArcTestAgent *agent)
{
	g_autofree gchar *log = arc_test_agent_get_log(agent);
	guint n = 0;
	for (const gchar *p = log; *p != '\0'; p++)
		n += *p == '\n' ? 1 : 0;
	return n;
}

/* @n connections from the attacker: idle ones, and slowloris ones that send half a head */
static GPtrArray *
arc_abuse_flood(ArcTestAgent *agent, guint n)
{
	GPtrArray *sockets = g_ptr_array_new_with_free_func(g_object_unref);
	const gchar *partial = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

	for (guint i = 0; i < n; i++) {
		g_autoptr(GError) error = NULL;
		GSocket *socket = arc_abuse_connect(arc_test_agent_get_port(agent),
						    ARC_ABUSE_ATTACKER, 2, &error);
		g_assert_no_error(error);
		if (i % 2 == 1)
			g_socket_send(socket, partial, strlen(partial), NULL, NULL);
		g_ptr_array_add(sockets, socket);
	}
	return sockets;
}

typedef struct {
	ArcTestAgent *a;
	ArcTestAgent *b;
	gchar *token;
} ArcAbuseCluster;

/* agent A with a peer B (both on 127.0.0.1): what A knows as a peer's address */
static void
arc_abuse_cluster_setup(ArcAbuseCluster *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot_a = NULL;
	g_autoptr(JsonNode) boot_b = NULL;
	g_autoptr(JsonNode) added = NULL;
	g_autofree gchar *b_address = NULL;
	g_autofree gchar *body = NULL;
	guint status = 0;
	gboolean ok;

	fixture->a = arc_test_agent_new();
	fixture->b = arc_test_agent_new();
	arc_test_agent_share_issuer(fixture->b, fixture->a);
	ok = arc_test_agent_start(fixture->a, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_test_agent_start(fixture->b, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	boot_a = arc_test_agent_bootstrap(fixture->a, &error);
	g_assert_no_error(error);
	boot_b = arc_test_agent_bootstrap(fixture->b, &error);
	g_assert_no_error(error);
	fixture->token = arc_test_agent_token(fixture->a, NULL, NULL, &error);
	g_assert_no_error(error);
	b_address = arc_test_agent_get_address(fixture->b);
	body = g_strdup_printf("{\"address\": \"%s\"}", b_address);
	added = arc_test_agent_call(fixture->a, "POST", "/v1/peers", fixture->token, body, &status);
	g_assert_cmpuint(status / 100, ==, 2);
}

static void
arc_abuse_stop(ArcTestAgent *agent)
{
	g_autoptr(GError) error = NULL;
	gint status = -1;

	if (!arc_test_agent_is_running(agent))
		return;
	arc_test_agent_stop(agent, &status, &error);
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
}

/* both agents must stop cleanly (and, under valgrind, without errors) */
static void
arc_abuse_cluster_teardown(ArcAbuseCluster *fixture, gconstpointer user_data)
{
	arc_abuse_stop(fixture->a);
	arc_abuse_stop(fixture->b);
	g_clear_object(&fixture->a);
	g_clear_object(&fixture->b);
	g_free(fixture->token);
}

static void
arc_abuse_assert_quick(ArcAbuseAnswer *answer, const gchar *what)
{
	g_test_message("%s: %u in %.3f s", what, answer->status, answer->seconds);
	g_assert_cmpuint(answer->status, !=, 0);
	if (!arc_abuse_slow())
		g_assert_cmpfloat(answer->seconds, <, 1.0);
}

/* 1500 idle and slowloris connections (as in the incident) against 128 descriptors: /livez, an
 * operator's authenticated request and a peer's gossip are answered within a second, and the log
 * holds a few lines about it, not thousands. */
static void
arc_abuse_flood_func(ArcAbuseCluster *fixture, gconstpointer user_data)
{
	gint pid = arc_abuse_agent_pid(fixture->a);
	g_autofree gchar *authed = g_strdup_printf("GET /v1/peers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						   "Authorization: Bearer %s\r\n"
						   "Connection: close\r\n\r\n",
						   fixture->token);
	const gchar *livez = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	const gchar *gossip = "POST /v1/gossip/digest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			      "Content-Type: application/json\r\nContent-Length: 2\r\n"
			      "Connection: close\r\n\r\n{}";
	g_autoptr(GPtrArray) flood = NULL;
	g_autoptr(ArcAbuseAnswer) live = NULL;
	g_autoptr(ArcAbuseAnswer) operator= NULL;
	g_autoptr(ArcAbuseAnswer) peer = NULL;
	guint lines_before = arc_abuse_count_lines(fixture->a);
	gdouble cpu_before;

	arc_abuse_set_nofile(pid, 128);
	flood = arc_abuse_flood(fixture->a, 1500);
	/* let the agent take them all */
	g_usleep((gulong)(G_USEC_PER_SEC / 2 * arc_abuse_slack()));
	cpu_before = arc_abuse_cpu_seconds(pid);
	live = arc_abuse_exchange(fixture->a, ARC_ABUSE_CLIENT, livez, strlen(livez),
				  arc_abuse_slow() ? 60 : 3);
	arc_abuse_assert_quick(live, "livez");
	arc_test_assert_status(live->status, SOUP_STATUS_OK);
	operator= arc_abuse_exchange(fixture->a, ARC_ABUSE_CLIENT, authed, strlen(authed),
				     arc_abuse_slow() ? 60 : 3);
	arc_abuse_assert_quick(operator, "GET /v1/peers");
	arc_test_assert_status(operator->status, SOUP_STATUS_OK);
	/* from a peer's address: the signature is refused, but the peer is heard */
	peer = arc_abuse_exchange(fixture->a, "127.0.0.1", gossip, strlen(gossip),
				  arc_abuse_slow() ? 60 : 3);
	arc_abuse_assert_quick(peer, "gossip");

	/* the flood held on; the agent did not spin over it */
	g_usleep(G_USEC_PER_SEC);
	if (!arc_abuse_slow())
		g_assert_cmpfloat(arc_abuse_cpu_seconds(pid) - cpu_before, <, 0.5);
	g_assert_cmpuint(arc_abuse_count_lines(fixture->a) - lines_before, <, 20);
	/* valgrind keeps descriptors of its own beyond the limit */
	g_assert_cmpint(arc_test_agent_count_fds(fixture->a), <=, arc_abuse_wrapped() ? 144 : 128);
}

/* Out of descriptors altogether (the limit just above what the agent has open): accept()
 * fails, and the agent neither spins nor floods its log, and serves again once the flood
 * is gone. */
static void
arc_abuse_emfile_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	gint pid = arc_abuse_agent_pid(fixture->agent);
	const gchar *livez = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	g_autoptr(GPtrArray) flood = NULL;
	g_autoptr(ArcAbuseAnswer) live = NULL;
	guint lines_before = arc_abuse_count_lines(fixture->agent);
	gint fds = arc_test_agent_count_fds(fixture->agent);
	gdouble cpu_before = arc_abuse_cpu_seconds(pid);

	g_assert_cmpint(fds, >, 0);
	arc_abuse_set_nofile(pid, (rlim_t)fds + 3);
	flood = arc_abuse_flood(fixture->agent, 200);
	g_usleep(3 * G_USEC_PER_SEC);
	if (!arc_abuse_slow())
		g_assert_cmpfloat(arc_abuse_cpu_seconds(pid) - cpu_before, <, 0.5);
	g_assert_cmpuint(arc_abuse_count_lines(fixture->agent) - lines_before, <, 10);
	g_assert_true(arc_rest_log_contains(fixture->agent, "cannot accept API connections"));

	g_clear_pointer(&flood, g_ptr_array_unref);
	arc_abuse_set_nofile(pid, 1024);
	for (guint i = 0; i < 50 && (live == NULL || live->status != SOUP_STATUS_OK); i++) {
		g_clear_pointer(&live, arc_abuse_answer_free);
		live = arc_abuse_exchange(fixture->agent, ARC_ABUSE_CLIENT, livez, strlen(livez),
					  1);
	}
	arc_test_assert_status(live->status, SOUP_STATUS_OK);
}

/* a slowloris connection is closed after [api] header_timeout, an idle one after
 * idle_timeout */
static void
arc_abuse_timeouts_func(ArcRestFixture *fixture, gconstpointer user_data)
{
	const gchar *partial = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n";
	const gchar *whole = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) slow = NULL;
	g_autoptr(GSocket) idle = NULL;
	g_autoptr(ArcAbuseAnswer) slow_end = NULL;
	g_autoptr(ArcAbuseAnswer) idle_end = NULL;
	gint64 start = g_get_monotonic_time();
	gchar buf[1024];
	gssize n;

	slow = arc_abuse_connect(arc_test_agent_get_port(fixture->agent), ARC_ABUSE_CLIENT, 8,
				 &error);
	g_assert_no_error(error);
	g_assert_true(arc_abuse_send_all(slow, partial, strlen(partial)));
	idle = arc_abuse_connect(arc_test_agent_get_port(fixture->agent), ARC_ABUSE_CLIENT, 8,
				 &error);
	g_assert_no_error(error);
	/* one request answered, then the connection is kept alive */
	g_assert_true(arc_abuse_send_all(idle, whole, strlen(whole)));
	n = g_socket_receive(idle, buf, sizeof(buf), NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(n, >, 0);

	slow_end = arc_abuse_read(slow, start);
	g_test_message("slowloris closed after %.1f s", slow_end->seconds);
	g_assert_true(slow_end->closed);
	g_assert_cmpfloat(slow_end->seconds, >=, 1.5);
	g_assert_cmpfloat(slow_end->seconds, <, 4.5);
	idle_end = arc_abuse_read(idle, start);
	g_test_message("idle closed after %.1f s", idle_end->seconds);
	g_assert_true(idle_end->closed);
	g_assert_cmpfloat(idle_end->seconds, >=, 2.5);
	g_assert_cmpfloat(idle_end->seconds, <, 5.5);
}

static void
arc_abuse_timeouts_setup(ArcRestFixture *fixture, gconstpointer user_data)
{
	fixture->agent = arc_test_agent_new();
	arc_test_agent_add_config(fixture->agent, "[api]\nheader_timeout = 2\nidle_timeout = 3\n");
	g_assert_true(arc_test_agent_start(fixture->agent, NULL));
}

/* the agent raises its soft descriptor limit to the hard one at start */
static void
arc_abuse_nofile_raised_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autofree gchar *path = NULL;
	g_autofree gchar *limits = NULL;
	struct rlimit saved;
	struct rlimit low;
	const gchar *line;
	gint status = -1;

	g_assert_cmpint(getrlimit(RLIMIT_NOFILE, &saved), ==, 0);
	if (saved.rlim_max <= 256 || saved.rlim_max == RLIM_INFINITY) {
		g_test_skip("the hard descriptor limit leaves nothing to raise");
		return;
	}
	/* the agent inherits the test's limits */
	low.rlim_cur = 256;
	low.rlim_max = saved.rlim_max;
	g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &low), ==, 0);
	g_assert_true(arc_test_agent_start(agent, NULL));
	g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &saved), ==, 0);

	path = g_strdup_printf("/proc/%d/limits", arc_abuse_agent_pid(agent));
	g_assert_true(g_file_get_contents(path, &limits, NULL, NULL));
	line = strstr(limits, "Max open files");
	g_assert_nonnull(line);
	/* "Max open files  SOFT  HARD  files" */
	g_assert_cmpuint(g_ascii_strtoull(line + strlen("Max open files"), NULL, 10), ==,
			 (guint64)saved.rlim_max);
	g_assert_true(arc_test_agent_stop(agent, &status, NULL));
	g_assert_cmpint(status, ==, 0);
}

int
main(int argc, char **argv)
{
	arc_rest_init(&argc, &argv);
	g_test_add("/rest/abuse/content-length", ArcRestFixture, NULL, arc_rest_fixture_setup,
		   arc_abuse_content_length_func, arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/pipelined", ArcRestFixture, NULL, arc_rest_fixture_setup,
		   arc_abuse_pipelined_func, arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/head-limits", ArcRestFixture, NULL, arc_rest_fixture_setup,
		   arc_abuse_head_limits_func, arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/head", ArcRestFixture, NULL, arc_rest_fixture_setup_bootstrapped,
		   arc_abuse_head_func, arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/metric-labels", ArcRestFixture, NULL,
		   arc_rest_fixture_setup_bootstrapped, arc_abuse_metric_labels_func,
		   arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/timeouts", ArcRestFixture, NULL, arc_abuse_timeouts_setup,
		   arc_abuse_timeouts_func, arc_rest_fixture_teardown);
	g_test_add("/rest/abuse/flood", ArcAbuseCluster, NULL, arc_abuse_cluster_setup,
		   arc_abuse_flood_func, arc_abuse_cluster_teardown);
	g_test_add("/rest/abuse/emfile", ArcRestFixture, NULL, arc_rest_fixture_setup,
		   arc_abuse_emfile_func, arc_rest_fixture_teardown);
	g_test_add_func("/rest/abuse/nofile-raised", arc_abuse_nofile_raised_func);
	return g_test_run();
}
