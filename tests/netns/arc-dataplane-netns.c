/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* setns() */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arc-dataplane.h"

/* The data plane in network namespaces, for test-dataplane.sh: run inside the "agent"
 * namespace, as root.
 *
 *   arc-dataplane-netns device PEER_ID        the tunnel device name of a peer
 *   arc-dataplane-netns apply PEER_ID…        applies a view with those remote members and
 *                                             exits without stopping: a crash
 *   arc-dataplane-netns stop                  a fresh data plane removes what it owns
 *   arc-dataplane-netns routes CLIENT_NS WAN_NS PEER_NS…
 *       random route tables; UDP, ICMP and TCP from CLIENT_NS (forwarded) and from here
 *       (locally originated); each must reach the peer namespace explain names, WAN_NS when
 *       there is none or for TCP. PEER_NS i is reached through the device of peer_<i>. */

#define DP_SELF "peer_self"
#define DP_UDP_PORT 5555
#define DP_ROUNDS 8
#define DP_PACKETS 24

static const gchar *const dp_client_sources[] = {"192.168.50.2", "192.168.50.3", "192.168.60.2"};
static const gchar *const dp_local_sources[] = {"192.168.50.1", "192.168.70.1"};
static const gchar *const dp_destinations[] = {"10.1.2.3", "10.1.2.250", "10.9.0.1", "10.200.4.4"};

static ArcClusterView *
dp_view(guint64 generation, gchar **peers, GRand *rand)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(generation);
	g_autoptr(GError) error = NULL;
	ArcClusterSelf node = {(gchar *)DP_SELF, FALSE, {0}, FALSE, {0}, 51840};
	ArcClusterView *view;
	guint n_peers = g_strv_length(peers);

	arc_cluster_view_builder_set_self(builder, &node);
	/* and the last view is one of a suspended license */
	if (rand != NULL && generation == DP_ROUNDS)
		arc_cluster_view_builder_set_license_state(builder, ARC_LICENSE_STATE_SUSPENDED);
	for (guint i = 0; i < n_peers; i++) {
		ArcClusterMember member = {0};
		ArcClusterService service = {0};
		g_autofree gchar *id = g_strdup_printf("svc_%s", peers[i]);
		ArcCidr dst;

		member.peer_id = peers[i];
		member.name = peers[i];
		/* every third view puts the last peer over the node limit */
		member.over_limit = rand != NULL && generation % 3 == 0 && peers[i + 1] == NULL;
		arc_cluster_view_builder_add_member(builder, &member);
		service.id = id;
		service.name = id;
		service.source_peer_id = (gchar *)DP_SELF;
		service.target_peer_id = peers[i];
		service.transport = (gchar *)"tcp";
		arc_cluster_view_builder_add_service(builder, &service);
		if (rand != NULL)
			continue;
		/* a fixed view: 10.<i+1>.0.0/16 to peer i */
		arc_cidr_read_address("10.0.0.0", &dst);
		dst.bytes[1] = (guint8)(i + 1);
		dst.prefix = 16;
		arc_cluster_view_builder_add_route(builder, i + 1, id, 0, NULL, &dst);
	}
	for (guint r = 0; rand != NULL && r < (guint)g_rand_int_range(rand, 1, 11); r++) {
		g_autofree gchar *service =
			g_strdup_printf("svc_%s", peers[g_rand_int_range(rand, 0, (gint)n_peers)]);
		gint kind = g_rand_int_range(rand, 0, 3);
		ArcCidr src, dst;
		const gchar *s = g_rand_boolean(rand)
					 ? dp_client_sources[g_rand_int_range(rand, 0, 3)]
					 : dp_local_sources[g_rand_int_range(rand, 0, 2)];

		arc_cidr_read_address(s, &src);
		arc_cidr_read_address(dp_destinations[g_rand_int_range(rand, 0, 4)], &dst);
		src.prefix = (guint8)g_rand_int_range(rand, 12, 33);
		dst.prefix = (guint8)g_rand_int_range(rand, 6, 33);
		arc_cidr_to_network(&src);
		arc_cidr_to_network(&dst);
		arc_cluster_view_builder_add_route(
			builder, r + 1, service, g_rand_int_range(rand, 0, 3),
			kind != 2 ? &src : NULL, kind != 1 ? &dst : NULL);
	}
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

static ArcDataplane *
dp_dataplane(void)
{
	g_autoptr(GError) error = NULL;
	ArcDataplane *dataplane;

	if (!arc_dataplane_check_privileges(&error)) {
		g_printerr("%s\n", error->message);
		exit(77);
	}
	dataplane = arc_dataplane_new(NULL, &error);
	g_assert_no_error(error);
	return dataplane;
}

static void
dp_print_report(ArcDataplane *dataplane)
{
	GPtrArray *report = arc_dataplane_get_report(dataplane);

	for (guint i = 0; i < report->len; i++) {
		const ArcDataplaneCheck *check = g_ptr_array_index(report, i);
		g_print("%s: %s: %s\n", check->manager, check->ok ? "up" : "FAILED", check->detail);
	}
}

static gint
dp_apply(gchar **peers)
{
	g_autoptr(ArcDataplane) dataplane = dp_dataplane();
	g_autoptr(ArcClusterView) view = dp_view(1, peers, NULL);
	g_autoptr(GError) error = NULL;

	if (!arc_dataplane_apply(dataplane, view, &error)) {
		g_printerr("apply: %s\n", error->message);
		return 1;
	}
	/* twice: idempotent */
	if (!arc_dataplane_apply(dataplane, view, &error)) {
		g_printerr("apply again: %s\n", error->message);
		return 1;
	}
	dp_print_report(dataplane);
	for (guint i = 0; peers[i] != NULL; i++)
		g_print("slot %s %u\n", peers[i], arc_dataplane_get_peer_slot(dataplane, peers[i]));
	return arc_dataplane_is_ready(dataplane) ? 0 : 1;
}

/* ---- packets ---- */

/* a socket made in the namespace @name; this thread is back in its own afterwards */
static gint
dp_socket_in(const gchar *name, gint type, gint protocol)
{
	g_autofree gchar *path = g_strdup_printf("/run/netns/%s", name);
	gint own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	gint there = open(path, O_RDONLY | O_CLOEXEC);
	gint fd;

	g_assert_cmpint(own, >=, 0);
	g_assert_cmpint(there, >=, 0);
	g_assert_cmpint(setns(there, CLONE_NEWNET), ==, 0);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, protocol);
	g_assert_cmpint(setns(own, CLONE_NEWNET), ==, 0);
	close(own);
	close(there);
	g_assert_cmpint(fd, >=, 0);
	return fd;
}

typedef struct {
	const gchar *ns;
	gint udp, icmp, tcp;
} DpSink;

static void
dp_sink_open(DpSink *sink, const gchar *ns)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(DP_UDP_PORT)};

	sink->ns = ns;
	sink->udp = dp_socket_in(ns, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	g_assert_cmpint(bind(sink->udp, (struct sockaddr *)&any, sizeof(any)), ==, 0);
	/* raw sockets see a copy of every ICMP and TCP packet delivered here */
	sink->icmp = dp_socket_in(ns, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	sink->tcp = dp_socket_in(ns, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_TCP);
}

/* a packet as the sinks see it: its tag, and its source address */
typedef struct {
	guint tag;
	guint32 source;
} DpSeen;

static gboolean
dp_read_one(const DpSink *sink, gint which, DpSeen *seen)
{
	guint8 buf[2048];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	gint fd = which == 0 ? sink->udp : (which == 1 ? sink->icmp : sink->tcp);
	gssize n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	const struct iphdr *ip = (const struct iphdr *)buf;

	if (n <= 0)
		return FALSE;
	if (which == 0) {
		if (n < 4)
			return FALSE;
		seen->tag = GUINT32_FROM_BE(*(guint32 *)buf);
		seen->source = from.sin_addr.s_addr;
		return TRUE;
	}
	if (n < (gssize)(ip->ihl * 4 + 8))
		return FALSE;
	seen->source = ip->saddr;
	if (which == 1) {
		const struct icmphdr *icmp = (const struct icmphdr *)(buf + ip->ihl * 4);
		if (icmp->type != ICMP_ECHO)
			return FALSE;
		seen->tag = ntohs(icmp->un.echo.id);
	} else {
		const struct tcphdr *tcp = (const struct tcphdr *)(buf + ip->ihl * 4);
		if (!tcp->syn || tcp->ack)
			return FALSE;
		seen->tag = ntohs(tcp->source);
	}
	return TRUE;
}

/* which sink received @tag within a while, -1 for none; its source address in @source */
static gint
dp_wait(DpSink *sinks, guint n_sinks, guint tag, guint32 *source)
{
	gint64 deadline = g_get_monotonic_time() + 400 * G_TIME_SPAN_MILLISECOND;

	while (g_get_monotonic_time() < deadline) {
		struct pollfd fds[3 * 8];

		for (guint i = 0; i < n_sinks; i++) {
			fds[3 * i] = (struct pollfd){sinks[i].udp, POLLIN, 0};
			fds[3 * i + 1] = (struct pollfd){sinks[i].icmp, POLLIN, 0};
			fds[3 * i + 2] = (struct pollfd){sinks[i].tcp, POLLIN, 0};
		}
		if (poll(fds, 3 * n_sinks, 20) <= 0)
			continue;
		for (guint i = 0; i < 3 * n_sinks; i++) {
			DpSeen seen;

			while ((fds[i].revents & POLLIN) &&
			       dp_read_one(&sinks[i / 3], i % 3, &seen)) {
				if (seen.tag != tag)
					continue;
				*source = seen.source;
				return (gint)(i / 3);
			}
		}
	}
	return -1;
}

static guint16
dp_checksum(const guint8 *data, gsize len)
{
	guint32 sum = 0;

	for (gsize i = 0; i + 1 < len; i += 2)
		sum += (guint32)(data[i] << 8 | data[i + 1]);
	if (len % 2)
		sum += (guint32)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)~sum;
}

/* sends one packet tagged @tag (the UDP payload, the ICMP echo id, the TCP source port)
 * from @source to @destination, in namespace @ns (NULL: here) */
static void
dp_send(const gchar *ns, gint protocol, const gchar *source, const gchar *destination, guint tag)
{
	struct sockaddr_in from = {.sin_family = AF_INET};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(DP_UDP_PORT)};
	gint type = protocol == IPPROTO_ICMP  ? SOCK_RAW
		    : protocol == IPPROTO_TCP ? SOCK_STREAM
					      : SOCK_DGRAM;
	gint fd = ns != NULL ? dp_socket_in(ns, type | SOCK_NONBLOCK, protocol)
			     : socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	guint8 packet[16] = {0};

	inet_pton(AF_INET, source, &from.sin_addr);
	inet_pton(AF_INET, destination, &to.sin_addr);
	/* a fresh source port per packet: a conntrack entry of an earlier route never applies */
	if (protocol != IPPROTO_ICMP)
		from.sin_port = htons((guint16)tag);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&from, sizeof(from)), ==, 0);
	if (protocol == IPPROTO_TCP) {
		g_assert_true(connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0 ||
			      errno == EINPROGRESS);
		g_usleep(50 * 1000);
		close(fd);
		return;
	}
	if (protocol == IPPROTO_ICMP) {
		struct icmphdr *icmp = (struct icmphdr *)packet;
		guint16 sum;

		icmp->type = ICMP_ECHO;
		icmp->un.echo.id = htons((guint16)tag);
		icmp->un.echo.sequence = htons(1);
		sum = dp_checksum(packet, sizeof(packet));
		icmp->checksum = htons(sum);
	} else {
		*(guint32 *)packet = GUINT32_TO_BE(tag);
	}
	to.sin_port = protocol == IPPROTO_ICMP ? 0 : to.sin_port;
	g_assert_cmpint(sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&to, sizeof(to)),
			==, sizeof(packet));
	close(fd);
}

/* the sink a packet must reach: the namespace of the winner's target, the WAN one without */
static guint
dp_expected(ArcClusterView *view, gchar **peers, const gchar *source, const gchar *destination)
{
	g_autoptr(ArcRouteDecision) decision = NULL;
	ArcCidr src, dst;

	arc_cidr_read_address(source, &src);
	arc_cidr_read_address(destination, &dst);
	decision = arc_route_table_explain(arc_cluster_view_get_route_table(view), &src, &dst, NULL,
					   FALSE);
	/* services carry nothing under a suspended license, nor to an over_limit peer */
	if (decision->service_id == NULL ||
	    arc_cluster_view_get_license_state(view) == ARC_LICENSE_STATE_SUSPENDED)
		return 0;
	for (guint i = 0; peers[i] != NULL; i++) {
		const ArcClusterService *service =
			arc_cluster_view_find_service(view, decision->service_id);
		if (g_strcmp0(service->target_peer_id, peers[i]) == 0)
			return arc_cluster_view_find_member(view, peers[i])->over_limit ? 0 : i + 1;
	}
	g_assert_not_reached();
}

typedef struct {
	DpSink sinks[8];
	guint n_sinks;
	const gchar *client_ns;
	gchar **peers;
	guint failures;
	guint sent;
	guint reached[8]; /* by sink */
} DpRun;

static const gchar *
dp_protocol_name(gint protocol)
{
	return protocol == IPPROTO_UDP ? "udp" : (protocol == IPPROTO_ICMP ? "icmp" : "tcp");
}

static void
dp_check_packet(DpRun *run, ArcClusterView *view, gboolean forwarded, gint protocol, guint tag,
		GRand *rand)
{
	const gchar *source = NULL, *destination = NULL;
	guint32 seen_source = 0, want_source;
	guint expected = 0;
	gint got;

	/* TCP to where a route leads, when one does: it must go the normal way all the same */
	for (guint tries = 0;
	     tries < 16 && (tries == 0 || (protocol == IPPROTO_TCP && expected == 0)); tries++) {
		source = forwarded ? dp_client_sources[g_rand_int_range(rand, 0, 3)]
				   : dp_local_sources[g_rand_int_range(rand, 0, 2)];
		destination = dp_destinations[g_rand_int_range(rand, 0, 4)];
		expected = dp_expected(view, run->peers, source, destination);
	}
	if (protocol == IPPROTO_TCP)
		expected = 0;

	dp_send(forwarded ? run->client_ns : NULL, protocol, source, destination, tag);
	got = dp_wait(run->sinks, run->n_sinks, tag, &seen_source);
	run->sent++;
	if (got >= 0)
		run->reached[got]++;
	if (got != (gint)expected) {
		g_print("FAIL: %s %s %s -> %s reached %s, explain says %s\n",
			forwarded ? "forwarded" : "local", dp_protocol_name(protocol), source,
			destination, got < 0 ? "nothing" : run->sinks[got].ns,
			run->sinks[expected].ns);
		run->failures++;
		return;
	}
	/* into a tunnel the source is the device's address (172.31.<i>.1), else untouched */
	if (expected > 0)
		want_source = htonl(0xac1f0001 | (expected << 8));
	else
		inet_pton(AF_INET, source, &want_source);
	if (seen_source != want_source) {
		g_print("FAIL: %s %s %s -> %s reached %s from %s\n", dp_protocol_name(protocol),
			forwarded ? "forwarded" : "local", source, destination, run->sinks[got].ns,
			inet_ntoa((struct in_addr){seen_source}));
		run->failures++;
	}
}

static gint
dp_routes(gchar **argv)
{
	g_autoptr(ArcDataplane) dataplane = dp_dataplane();
	const gchar *fixed = g_getenv("ARC_DP_SEED");
	guint32 seed = fixed != NULL ? (guint32)g_ascii_strtoull(fixed, NULL, 10) : g_random_int();
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	DpRun run = {0};
	static const gint protocols[] = {IPPROTO_UDP, IPPROTO_ICMP};

	g_print("seed %u (ARC_DP_SEED repeats a run)\n", seed);
	run.client_ns = argv[0];
	dp_sink_open(&run.sinks[run.n_sinks++], argv[1]);
	run.peers = g_new0(gchar *, 8);
	for (guint i = 2; argv[i] != NULL && run.n_sinks < 8; i++) {
		dp_sink_open(&run.sinks[run.n_sinks], argv[i]);
		run.peers[run.n_sinks - 1] = g_strdup_printf("peer_%u", run.n_sinks);
		run.n_sinks++;
	}
	for (guint round = 0; round < DP_ROUNDS; round++) {
		g_autoptr(ArcClusterView) view = dp_view(round + 1, run.peers, rand);
		g_autoptr(GError) error = NULL;

		if (!arc_dataplane_apply(dataplane, view, &error)) {
			g_print("FAIL: apply: %s\n", error->message);
			return 1;
		}
		for (guint n = 0; n < DP_PACKETS; n++) {
			guint tag = 20000 + round * 100 + n;
			gint protocol = n == 0 ? IPPROTO_TCP : protocols[n % 2];

			dp_check_packet(&run, view, n % 4 < 2, protocol, tag, rand);
		}
	}
	arc_dataplane_stop(dataplane);
	for (guint i = 0; i < run.n_sinks; i++)
		g_print("%s: %u packets\n", run.sinks[i].ns, run.reached[i]);
	g_print("%u packets, %u went astray\n", run.sent, run.failures);
	g_strfreev(run.peers);
	return run.failures == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "device") == 0) {
		gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
		arc_cluster_device_name(argv[2], name);
		g_print("%s\n", name);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "apply") == 0)
		return dp_apply(argv + 2);
	if (argc == 2 && strcmp(argv[1], "stop") == 0) {
		g_autoptr(ArcDataplane) dataplane = dp_dataplane();
		arc_dataplane_stop(dataplane);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "routes") == 0)
		return dp_routes(argv + 2);
	g_printerr("usage: %s device PEER | apply PEER… | stop | routes CLIENT WAN PEER…\n",
		   argv[0]);
	return 2;
}
