/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-pegasus-preamble.h"
#include "arc-tproxymgr.h"

/* The Pegasus preamble (docs/protocol.md, "Pegasus streams"), the exit's checks, and the
 * exit side of the relay on 127.0.0.1 (a stream from a socketpair, as a transport hands it
 * over): what is relayed, the status byte, half-close, and refusals. */

static ArcCidr
pg_cidr(const gchar *text)
{
	ArcCidr cidr;
	gboolean ok = arc_cidr_parse(text, &cidr, NULL);

	g_assert_true(ok);
	return cidr;
}

static void
pg_preamble(ArcPegasusPreamble *p, const gchar *service, const gchar *dst, guint16 dport)
{
	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->destination_port = dport;
	p->source_port = 40000;
	inet_pton(AF_INET, dst, p->destination);
	inet_pton(AF_INET, "192.168.1.2", p->source);
	g_strlcpy(p->service_id, service, sizeof(p->service_id));
}

static void
pg_roundtrip_func(void)
{
	ArcPegasusPreamble in, out;
	guint8 bytes[ARC_PEGASUS_PREAMBLE_MAX];
	gsize len, consumed = 0;
	const gchar *why = NULL;

	pg_preamble(&in, "svc_0123456789abcdef", "10.1.2.3", 443);
	in.flags = ARC_PEGASUS_FLAG_TRANSPARENT;
	len = arc_pegasus_preamble_write(&in, bytes);
	g_assert_cmpuint(len, ==, 8 + 4 + 4 + strlen(in.service_id));
	g_assert_cmpint(bytes[0], ==, 1);
	g_assert_cmpint(bytes[4] << 8 | bytes[5], ==, 443);
	/* every shorter prefix is a valid beginning */
	for (gsize i = 0; i < len; i++)
		g_assert_cmpint(arc_pegasus_preamble_parse(bytes, i, &out, &consumed, &why), ==,
				ARC_PEGASUS_PARSE_MORE);
	g_assert_cmpint(arc_pegasus_preamble_parse(bytes, len, &out, &consumed, &why), ==,
			ARC_PEGASUS_PARSE_OK);
	g_assert_cmpuint(consumed, ==, len);
	g_assert_cmpmem(&in, sizeof(in), &out, sizeof(out));
	/* IPv6 */
	in.family = 6;
	inet_pton(AF_INET6, "2001:db8::1", in.destination);
	inet_pton(AF_INET6, "fd00::2", in.source);
	len = arc_pegasus_preamble_write(&in, bytes);
	g_assert_cmpuint(len, ==, 8 + 32 + strlen(in.service_id));
	g_assert_cmpint(arc_pegasus_preamble_parse(bytes, len + 5, &out, &consumed, &why), ==,
			ARC_PEGASUS_PARSE_OK);
	g_assert_cmpuint(consumed, ==, len);
	g_assert_cmpmem(&in, sizeof(in), &out, sizeof(out));
}

static void
pg_invalid_func(void)
{
	const struct {
		guint offset;
		guint8 value;
		const gchar *why;
	} cases[] = {
		{0, 2, "unknown version"},
		{1, 0x80, "unknown flags"},
		{2, 5, "unknown address family"},
		{3, 0, "bad service id length"},
		{3, 65, "bad service id length"},
		{4, 0, "destination port 0"},
		{16, '/', "bad character in the service id"},
		{18, ' ', "bad character in the service id"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcPegasusPreamble p, out;
		guint8 bytes[ARC_PEGASUS_PREAMBLE_MAX];
		gsize len, consumed = 0;
		const gchar *why = NULL;

		pg_preamble(&p, "svc_x", "10.1.2.3", 80);
		len = arc_pegasus_preamble_write(&p, bytes);
		bytes[cases[i].offset] = cases[i].value;
		if (cases[i].offset == 4)
			bytes[5] = 0;
		g_assert_cmpint(arc_pegasus_preamble_parse(bytes, len, &out, &consumed, &why), ==,
				ARC_PEGASUS_PARSE_INVALID);
		g_assert_cmpstr(why, ==, cases[i].why);
		/* refused as soon as the wrong byte is there */
		g_assert_cmpint(arc_pegasus_preamble_parse(
					bytes, cases[i].offset + (cases[i].offset == 4 ? 2 : 1),
					&out, &consumed, &why),
				==, ARC_PEGASUS_PARSE_INVALID);
	}
}

/* peer_B's view: svc_in and svc_lo (A → B) leave here (incoming), svc_out (B → A) does not */
static ArcClusterView *
pg_view(ArcLicenseState state)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(1);
	ArcClusterSelf node = {(gchar *)"peer_B", FALSE, {0}, FALSE, {0}, 51840};
	ArcClusterMember a = {(gchar *)"peer_A", (gchar *)"A"};
	ArcClusterMember b = {(gchar *)"peer_B", (gchar *)"B"};
	ArcClusterService in = {(gchar *)"svc_in", (gchar *)"in", (gchar *)"peer_A",
				(gchar *)"peer_B", (gchar *)"tcp"};
	ArcClusterService out = {(gchar *)"svc_out", (gchar *)"out", (gchar *)"peer_B",
				 (gchar *)"peer_A", (gchar *)"tcp"};
	ArcClusterService lo = {(gchar *)"svc_lo", (gchar *)"lo", (gchar *)"peer_A",
				(gchar *)"peer_B", (gchar *)"tcp"};
	ArcCidr ten = pg_cidr("10.0.0.0/8"), any = pg_cidr("0.0.0.0/0");
	ArcCidr loopback = pg_cidr("127.0.0.0/8"), lan = pg_cidr("192.168.1.0/24");
	g_autoptr(GError) error = NULL;
	ArcClusterView *view;

	b.api_endpoint = (gchar *)"10.9.9.9:8080";
	arc_cluster_view_builder_set_self(builder, &node);
	arc_cluster_view_builder_set_license_state(builder, state);
	arc_cluster_view_builder_add_member(builder, &a);
	arc_cluster_view_builder_add_member(builder, &b);
	arc_cluster_view_builder_add_incoming_service(builder, &in);
	arc_cluster_view_builder_add_service(builder, &out);
	arc_cluster_view_builder_add_incoming_service(builder, &lo);
	arc_cluster_view_builder_add_incoming_route(builder, 1, "svc_in", 0, NULL, &ten);
	arc_cluster_view_builder_add_incoming_route(builder, 2, "svc_in", 0, &lan, &any);
	arc_cluster_view_builder_add_route(builder, 3, "svc_out", 0, NULL, &ten);
	arc_cluster_view_builder_add_incoming_route(builder, 4, "svc_lo", 0, NULL, &loopback);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

static void
pg_exit_check_func(void)
{
	g_autoptr(ArcClusterView) view = pg_view(ARC_LICENSE_STATE_VALID);
	g_autoptr(ArcClusterView) suspended = pg_view(ARC_LICENSE_STATE_SUSPENDED);
	const struct {
		const gchar *service, *from, *dst;
		guint16 port;
		const gchar *why; /* NULL: allowed */
	} cases[] = {
		{"svc_in", "peer_A", "10.1.2.3", 443, NULL},
		{"svc_in", "peer_A", "8.8.8.8", 53, NULL}, /* route 2: from the LAN, anywhere */
		{"svc_in", "peer_C", "10.1.2.3", 443, "does not come from the service's source"},
		/* B enters it: the exit knows only the services it leaves */
		{"svc_out", "peer_A", "10.1.2.3", 443, "no such active service here"},
		{"svc_nope", "peer_A", "10.1.2.3", 443, "no such active service"},
		{"svc_in", "peer_A", "127.0.0.1", 22, "loopback or this agent's API"},
		{"svc_in", "peer_A", "10.9.9.9", 8080, "loopback or this agent's API"},
		{"svc_in", "peer_A", "10.9.9.9", 8081, NULL},
		/* a route that names loopback on purpose */
		{"svc_lo", "peer_A", "127.0.0.1", 22, NULL},
		{"svc_lo", "peer_A", "10.1.2.3", 22, "no route of the service covers"},
	};
	ArcPegasusPreamble p;
	const gchar *why = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcPegasusStatus status;

		pg_preamble(&p, cases[i].service, cases[i].dst, cases[i].port);
		status = arc_pegasus_exit_check(view, &p, cases[i].from, &why);
		if (cases[i].why == NULL) {
			g_assert_cmpstr(why, ==, NULL);
			g_assert_cmpint(status, ==, ARC_PEGASUS_STATUS_CONNECTED);
			continue;
		}
		g_assert_nonnull(why);
		g_assert_nonnull(strstr(why, cases[i].why));
		g_assert_cmpint(status, ==, ARC_PEGASUS_STATUS_NOT_ALLOWED);
	}
	pg_preamble(&p, "svc_in", "10.1.2.3", 443);
	g_assert_cmpint(arc_pegasus_exit_check(suspended, &p, "peer_A", &why), ==,
			ARC_PEGASUS_STATUS_NOT_ALLOWED);
	g_assert_cmpstr(why, ==, "the license is suspended");
}

/* a server on 127.0.0.1 that reads to EOF, then answers "got N" and closes */
static gpointer
pg_server_thread(gpointer data)
{
	gint listener = GPOINTER_TO_INT(data);
	gint fd = accept(listener, NULL, NULL);
	gsize total = 0;
	gchar buf[65536];
	g_autofree gchar *answer = NULL;
	gssize n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (gsize)n;
	answer = g_strdup_printf("got %" G_GSIZE_FORMAT, total);
	g_assert_cmpint(write(fd, answer, strlen(answer)), ==, (gssize)strlen(answer));
	close(fd);
	return NULL;
}

static gint
pg_listen(guint16 *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	gint fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
	g_assert_cmpint(listen(fd, 4), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sin, &len), ==, 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* the agent's end of a stream from peer_A that starts with @p; the other end returned */
static gint
pg_stream(ArcTproxymgr *mgr, const ArcPegasusPreamble *p, const gchar *from)
{
	guint8 bytes[ARC_PEGASUS_PREAMBLE_MAX];
	gsize len = arc_pegasus_preamble_write(p, bytes);
	gint pair[2];

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
	g_assert_cmpint(write(pair[1], bytes, len), ==, (gssize)len);
	g_unix_set_fd_nonblocking(pair[0], TRUE, NULL);
	arc_tproxymgr_adopt_exit(mgr, pair[0], from);
	return pair[1];
}

static ArcTproxymgr *
pg_exit_mgr_with(guint max_connections, guint idle_timeout)
{
	g_autoptr(ArcClusterView) view = pg_view(ARC_LICENSE_STATE_VALID);
	g_autoptr(GError) error = NULL;
	ArcTproxymgrSettings settings;
	ArcTproxymgr *mgr;

	arc_tproxymgr_settings_init(&settings);
	settings.port = 0;
	settings.max_connections = max_connections;
	settings.idle_timeout = idle_timeout;
	mgr = arc_tproxymgr_new(&settings, &error);
	g_assert_no_error(error);
	arc_tproxymgr_set_view(mgr, view);
	return mgr;
}

static ArcTproxymgr *
pg_exit_mgr(void)
{
	return pg_exit_mgr_with(4096, 900);
}

/* a stream that never finishes its preamble holds the only slot: the next is refused at once
 * (status byte 1); after the idle timeout the first is closed and its slot free */
static void
pg_exit_limits_func(void)
{
	g_autoptr(ArcTproxymgr) mgr = pg_exit_mgr_with(1, 1);
	ArcPegasusPreamble p;
	guint8 buf[4];
	gint pair[2], second;
	gint64 start;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
	g_assert_cmpint(write(pair[1], "\x01\x00", 2), ==, 2);
	g_unix_set_fd_nonblocking(pair[0], TRUE, NULL);
	arc_tproxymgr_adopt_exit(mgr, pair[0], "peer_A");
	pg_preamble(&p, "svc_lo", "127.0.0.1", 9);
	/* logs "connection reset: the proxy relays its limit of 1 connections" (a warning) */
	second = pg_stream(mgr, &p, "peer_A");
	g_assert_cmpint(read(second, buf, sizeof(buf)), ==, 1);
	g_assert_cmpint(buf[0], ==, ARC_PEGASUS_STATUS_REFUSED);
	close(second);
	g_assert_cmpuint(arc_tproxymgr_get_n_connections(mgr), ==, 1);
	start = g_get_monotonic_time();
	/* closed with the two peeked bytes unread: a reset or EOF, by the kernel's choice */
	g_assert_cmpint(read(pair[1], buf, sizeof(buf)), <=, 0);
	g_assert_cmpint(g_get_monotonic_time() - start, >=, G_USEC_PER_SEC / 2);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
	close(pair[1]);
	for (guint i = 0; i < 100 && arc_tproxymgr_get_n_connections(mgr) > 0; i++)
		g_usleep(10000);
	g_assert_cmpuint(arc_tproxymgr_get_n_connections(mgr), ==, 0);
}

/* 1 MiB through the exit, half-closed, and the server's answer back after the status byte */
static void
pg_exit_relay_func(void)
{
	g_autoptr(ArcTproxymgr) mgr = pg_exit_mgr();
	g_autofree gchar *payload = g_malloc0(1 << 20);
	ArcPegasusPreamble p;
	guint16 port;
	gint listener = pg_listen(&port);
	GThread *server = g_thread_new("server", pg_server_thread, GINT_TO_POINTER(listener));
	gchar reply[64] = "";
	gsize got = 0;
	gssize n;
	gint fd;

	pg_preamble(&p, "svc_lo", "127.0.0.1", port);
	fd = pg_stream(mgr, &p, "peer_A");
	/* the client's bytes follow the preamble at once, before the status */
	for (gsize off = 0; off < (1 << 20); off += (gsize)n) {
		n = write(fd, payload + off, (1 << 20) - off);
		g_assert_cmpint(n, >, 0);
	}
	g_assert_cmpint(shutdown(fd, SHUT_WR), ==, 0);
	while ((n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += (gsize)n;
	g_assert_cmpuint(got, >=, 1);
	g_assert_cmpint(reply[0], ==, ARC_PEGASUS_STATUS_CONNECTED);
	g_assert_cmpstr(reply + 1, ==, "got 1048576");
	g_thread_join(server);
	close(listener);
	close(fd);
}

/* the status byte for refusals, then the stream closes */
static void
pg_exit_refused_func(void)
{
	g_autoptr(ArcTproxymgr) mgr = pg_exit_mgr();
	guint16 port;
	gint listener = pg_listen(&port);
	const struct {
		const gchar *service, *from;
		guint8 status;
	} cases[] = {
		{"svc_lo", "peer_C", ARC_PEGASUS_STATUS_NOT_ALLOWED},
		{"svc_out", "peer_A", ARC_PEGASUS_STATUS_NOT_ALLOWED},
		{"svc_lo", "peer_A", ARC_PEGASUS_STATUS_REFUSED}, /* nobody listens there */
	};

	/* a port that was just free: connecting to it is refused */
	close(listener);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		ArcPegasusPreamble p;
		guint8 buf[8];
		gint fd;

		pg_preamble(&p, cases[i].service, "127.0.0.1", port);
		fd = pg_stream(mgr, &p, cases[i].from);
		g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 1);
		g_assert_cmpint(buf[0], ==, cases[i].status);
		g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 0);
		close(fd);
	}
	/* a bad preamble */
	{
		gint pair[2];
		guint8 junk[16] = {7, 0, 4, 5}, buf[4];

		g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
		g_assert_cmpint(write(pair[1], junk, sizeof(junk)), ==, (gssize)sizeof(junk));
		g_unix_set_fd_nonblocking(pair[0], TRUE, NULL);
		arc_tproxymgr_adopt_exit(mgr, pair[0], "peer_A");
		g_assert_cmpint(read(pair[1], buf, sizeof(buf)), ==, 1);
		g_assert_cmpint(buf[0], ==, ARC_PEGASUS_STATUS_BAD_PREAMBLE);
		close(pair[1]);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	/* the connection limit is a warning in the log, not a failure of the test */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_test_add_func("/pegasus/preamble/roundtrip", pg_roundtrip_func);
	g_test_add_func("/pegasus/preamble/invalid", pg_invalid_func);
	g_test_add_func("/pegasus/exit-check", pg_exit_check_func);
	g_test_add_func("/pegasus/exit-relay", pg_exit_relay_func);
	g_test_add_func("/pegasus/exit-refused", pg_exit_refused_func);
	g_test_add_func("/pegasus/exit-limits", pg_exit_limits_func);
	return g_test_run();
}
