/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-dataplane.h"

/* The transparent proxy in namespaces, driven by tests/netns/test-tproxy-netns.sh (root).
 *
 *   arc-tproxy-netns entry SEED EXIT_ADDR SELF_ADDR DST…
 *       peer_A's data plane with a random route table (SEED) over services A→B, A→B
 *       transparent, A→A (leaves here: the proxy connects itself) and B→A (enters at another
 *       peer: carries nothing here); prints "expect DST WHAT" for each DST, WHAT being
 *       `exit`, `exit-transparent`, `direct` or `none` (not captured), then "ready", and
 *       serves until SIGTERM (a clean stop) or SIGKILL (the table stays).
 *   arc-tproxy-netns ifname SERVICE
 *       the name of the service's interface (svc_self has one: part (g)).
 *   arc-tproxy-netns exit SEED ENTRY_ADDR SELF_ADDR
 *       peer_B's data plane with the same services and routes, taking streams on the
 *       fixture's port.
 *
 * TEST FIXTURE, never installed nor loaded by the agent: between the two, streams are plain
 * TCP connections to port 61001 (no transport plugin, no encryption); the entry's connect
 * function opens one and writes the preamble, the exit hands what it accepts to
 * arc_tproxymgr_adopt_exit() as coming from peer_A. Everything else is the agent's code. */

#define TPX_FIXTURE_PORT 61001
#define TPX_API_PORT 8080

static const gchar *tpx_exit_addr;
static gboolean tpx_exit_side;

static ArcCidr
tpx_cidr(const gchar *text)
{
	ArcCidr cidr;

	if (!arc_cidr_parse(text, &cidr, NULL))
		g_error("bad CIDR %s", text);
	return cidr;
}

static void
tpx_member(ArcClusterViewBuilder *builder, const gchar *id, const gchar *address)
{
	g_autofree gchar *api = g_strdup_printf("%s:%u", address, TPX_API_PORT);
	ArcClusterMember member = {0};

	member.peer_id = (gchar *)id;
	member.name = (gchar *)id;
	member.api_endpoint = api;
	arc_cluster_view_builder_add_member(builder, &member);
}

static void
tpx_service(ArcClusterViewBuilder *builder, const gchar *id, const gchar *source,
	    const gchar *target, ArcClusterServiceFlags flags)
{
	ArcClusterService service = {0};

	service.id = (gchar *)id;
	service.name = (gchar *)id;
	service.source_peer_id = (gchar *)source;
	service.target_peer_id = (gchar *)target;
	service.transport = (gchar *)"tcp";
	service.flags = flags;
	/* on the exit, the services A enters are incoming ones */
	if (tpx_exit_side && g_strcmp0(target, "peer_B") == 0)
		arc_cluster_view_builder_add_incoming_service(builder, &service);
	else if (!tpx_exit_side)
		arc_cluster_view_builder_add_service(builder, &service);
}

static void
tpx_route(ArcClusterViewBuilder *builder, gint64 id, const gchar *service, gint priority,
	  const ArcCidr *src, const ArcCidr *dst)
{
	if (tpx_exit_side)
		arc_cluster_view_builder_add_incoming_route(builder, id, service, priority, src,
							    dst);
	else
		arc_cluster_view_builder_add_route(builder, id, service, priority, src, dst);
}

/* the same random table on both sides: destinations in 10/8, sources around the client's */
static void
tpx_routes(ArcClusterViewBuilder *builder, guint32 seed)
{
	static const gchar *const services[] = {"svc_b", "svc_t", "svc_self", "svc_in"};
	static const gchar *const dsts[] = {"10.0.0.0/8",  "10.1.0.0/16", "10.1.2.0/24",
					    "10.2.0.0/16", "10.1.2.3/32", "10.3.0.0/16"};
	static const gchar *const srcs[] = {"192.168.81.0/24", "192.168.0.0/16", "172.16.0.0/12"};
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	guint n = g_rand_int_range(rand, 3, 9);

	for (guint i = 0; i < n; i++) {
		ArcCidr dst = tpx_cidr(dsts[g_rand_int_range(rand, 0, G_N_ELEMENTS(dsts))]);
		ArcCidr src = tpx_cidr(srcs[g_rand_int_range(rand, 0, G_N_ELEMENTS(srcs))]);
		gboolean with_src = g_rand_int_range(rand, 0, 3) == 0;
		const gchar *svc = services[g_rand_int_range(rand, 0, G_N_ELEMENTS(services))];
		gint priority = g_rand_int_range(rand, 0, 3);
		g_autofree gchar *src_text = with_src ? arc_cidr_to_string(&src) : g_strdup("*");
		g_autofree gchar *dst_text = arc_cidr_to_string(&dst);

		tpx_route(builder, i + 1, svc, priority, with_src ? &src : NULL, &dst);
		g_print("route %u %s priority %d, %s -> %s\n", i + 1, svc, priority, src_text,
			dst_text);
	}
}

static ArcClusterView *
tpx_view(const gchar *self_id, guint32 seed, const gchar *a_addr, const gchar *b_addr)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(1);
	ArcClusterSelf node = {(gchar *)self_id, FALSE, {0}, FALSE, {0}, 51840};
	g_autoptr(GError) error = NULL;
	ArcClusterView *view;
	ArcCidr link, lan;

	arc_cluster_view_builder_set_self(builder, &node);
	tpx_member(builder, "peer_A", a_addr);
	tpx_member(builder, "peer_B", b_addr);
	tpx_service(builder, "svc_b", "peer_A", "peer_B", 0);
	tpx_service(builder, "svc_t", "peer_A", "peer_B",
		    ARC_CLUSTER_SERVICE_FULLY_TRANSPARENT | ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE);
	/* its interface is the LAN of part (g), which the script makes before the entry starts */
	tpx_service(builder, "svc_self", "peer_A", "peer_A",
		    ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE);
	tpx_service(builder, "svc_in", "peer_B", "peer_A", 0);
	tpx_routes(builder, seed);
	/* the peers' own link: the API and the transport on it are never captured */
	link = tpx_cidr("198.51.100.0/24");
	tpx_route(builder, 99, "svc_b", 0, NULL, &link);
	/* part (g): what the LAN of svc_self's interface sends here, a route of svc_b matches too
	 */
	lan = tpx_cidr("192.168.0.0/16");
	link = tpx_cidr("10.250.0.0/16");
	tpx_route(builder, 98, "svc_b", 0, &lan, &link);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

/* what a connection from the client to @dst must meet */
static const gchar *
tpx_expect(ArcClusterView *view, const gchar *dst)
{
	ArcCidr src = tpx_cidr("192.168.81.2/32"), d;
	const gchar *service_id = NULL;
	g_autofree gchar *text = g_strdup_printf("%s/32", dst);

	d = tpx_cidr(text);
	arc_route_table_lookup(arc_cluster_view_get_route_table(view), &src, &d, NULL, &service_id);
	if (service_id == NULL || g_strcmp0(service_id, "svc_in") == 0)
		return "none";
	if (g_strcmp0(service_id, "svc_self") == 0)
		return "direct";
	return g_strcmp0(service_id, "svc_t") == 0 ? "exit-transparent" : "exit";
}

/* TEST FIXTURE: the stream to the exit is a plain TCP connection */
static void
tpx_fixture_connect(gint client_fd, const ArcPegasusPreamble *preamble, const gchar *target,
		    gpointer user_data)
{
	ArcTproxymgr *mgr = arc_dataplane_get_tproxymgr(user_data);
	guint8 bytes[ARC_PEGASUS_PREAMBLE_MAX];
	gsize len = arc_pegasus_preamble_write(preamble, bytes);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(TPX_FIXTURE_PORT)};
	guint32 mark = ARC_DATAPLANE_MARK_BASE;
	gint fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, tpx_exit_addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    send(fd, bytes, len, MSG_NOSIGNAL) != (gssize)len) {
		g_printerr("fixture: no stream to %s: %s\n", target, g_strerror(errno));
		close(fd);
		arc_tproxymgr_adopt_entry(mgr, client_fd, -1);
		return;
	}
	g_unix_set_fd_nonblocking(fd, TRUE, NULL);
	arc_tproxymgr_adopt_entry(mgr, client_fd, fd);
}

/* TEST FIXTURE: the exit's side of the plain TCP streams */
static gboolean
tpx_fixture_accept_cb(gint fd, GIOCondition condition, gpointer user_data)
{
	gint stream = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (stream >= 0)
		arc_tproxymgr_adopt_exit(arc_dataplane_get_tproxymgr(user_data), stream, "peer_A");
	return G_SOURCE_CONTINUE;
}

static void
tpx_fixture_listen(ArcDataplane *dataplane)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(TPX_FIXTURE_PORT)};
	gint one = 1;
	gint fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 128) != 0)
		g_error("fixture: cannot listen: %s", g_strerror(errno));
	g_unix_fd_add(fd, G_IO_IN, tpx_fixture_accept_cb, dataplane);
}

static gboolean
tpx_quit_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

gint
main(gint argc, gchar **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcDataplane) dataplane = NULL;
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	gboolean entry;

	/* the name of a service's interface, for the script to make the device */
	if (argc == 3 && g_strcmp0(argv[1], "ifname") == 0) {
		gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
		arc_cluster_service_interface_name(argv[2], name);
		g_print("%s\n", name);
		return 0;
	}
	if (argc < 5 || (g_strcmp0(argv[1], "entry") != 0 && g_strcmp0(argv[1], "exit") != 0)) {
		g_printerr("usage: %s entry|exit SEED PEER_ADDR SELF_ADDR [DST…]\n", argv[0]);
		return 2;
	}
	if (!arc_dataplane_check_privileges(&error)) {
		g_printerr("%s\n", error->message);
		return 77;
	}
	entry = g_strcmp0(argv[1], "entry") == 0;
	tpx_exit_side = !entry;
	tpx_exit_addr = argv[3];
	view = entry ? tpx_view("peer_A", atoi(argv[2]), argv[4], argv[3])
		     : tpx_view("peer_B", atoi(argv[2]), argv[3], argv[4]);
	dataplane = arc_dataplane_new(NULL, &error);
	g_assert_no_error(error);
	if (!arc_dataplane_apply(dataplane, view, &error))
		g_error("apply: %s", error->message);
	if (arc_dataplane_get_tproxymgr(dataplane) == NULL)
		g_error("the proxy does not listen");
	if (entry)
		arc_tproxymgr_set_connect_func(arc_dataplane_get_tproxymgr(dataplane),
					       tpx_fixture_connect, dataplane);
	else
		tpx_fixture_listen(dataplane);
	for (gint i = 5; entry && i < argc; i++)
		g_print("expect %s %s\n", argv[i], tpx_expect(view, argv[i]));
	g_print("ready\n");
	fflush(stdout);
	g_unix_signal_add(SIGTERM, tpx_quit_cb, loop);
	g_unix_signal_add(SIGINT, tpx_quit_cb, loop);
	g_main_loop_run(loop);
	arc_dataplane_stop(dataplane);
	return 0;
}
