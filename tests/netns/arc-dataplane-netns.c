/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* setns() */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
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
 *       random route tables, IPv4 and IPv6; UDP, ICMP and TCP from CLIENT_NS (forwarded)
 *       and from here (locally originated); each must reach the peer namespace explain
 *       names, WAN_NS when there is none, its service carries nothing, or for TCP. PEER_NS
 *       i is reached through the device of peer_<i>. */

#define DP_SELF "peer_self"
#define DP_UDP_PORT 5555
#define DP_ROUNDS 8
#define DP_PACKETS 24

/* addresses by family (0: IPv4, 1: IPv6): the client's, this namespace's own, and
 * destinations, all made local in the peer and WAN namespaces (10/8, fd10::/16) */
static const gchar *const dp_client_sources[2][3] = {
	{"192.168.50.2", "192.168.50.3", "192.168.60.2"},
	{"fd50::2", "fd50::3", "fd60::2"},
};
static const gchar *const dp_local_sources[2][2] = {
	{"192.168.50.1", "192.168.70.1"},
	{"fd50::1", "fd70::1"},
};
static const gchar *const dp_destinations[2][4] = {
	{"10.1.2.3", "10.1.2.250", "10.9.0.1", "10.200.4.4"},
	{"fd10:1:2::3", "fd10:1:2::fa", "fd10:9::1", "fd10:c8:4::4"},
};

/* a random network around one of the pool's addresses, so that prefixes overlap */
static ArcCidr
dp_random_cidr(GRand *rand, const gchar *address, guint min_prefix)
{
	ArcCidr cidr;
	guint bits;

	g_assert_true(arc_cidr_read_address(address, &cidr));
	bits = arc_cidr_bits(&cidr);
	cidr.prefix = (guint8)g_rand_int_range(rand, (gint)min_prefix, (gint)bits + 1);
	arc_cidr_to_network(&cidr);
	return cidr;
}

/* a route of a random category, family and priority to one of the peers' services */
static void
dp_add_random_route(ArcClusterViewBuilder *builder, GRand *rand, gchar **peers, gint64 id)
{
	g_autofree gchar *service = g_strdup_printf(
		"svc_%s", peers[g_rand_int_range(rand, 0, (gint)g_strv_length(peers))]);
	guint family = (guint)g_rand_int_range(rand, 0, 2);
	gint kind = g_rand_int_range(rand, 0, 3);
	const gchar *s = g_rand_boolean(rand)
				 ? dp_client_sources[family][g_rand_int_range(rand, 0, 3)]
				 : dp_local_sources[family][g_rand_int_range(rand, 0, 2)];
	ArcCidr src = dp_random_cidr(rand, s, family == 0 ? 12 : 8);
	ArcCidr dst = dp_random_cidr(rand, dp_destinations[family][g_rand_int_range(rand, 0, 4)],
				     family == 0 ? 6 : 8);

	arc_cluster_view_builder_add_route(builder, id, service, g_rand_int_range(rand, 0, 3),
					   kind != 2 ? &src : NULL, kind != 1 ? &dst : NULL);
}

/* self and @peers, a service to each; with @rand random routes, every third view with the
 * last peer over_limit and the last one under a suspended license; without, a fixed route
 * 10.<i+1>.0.0/16 to peer i */
static ArcClusterView *
dp_view(guint64 generation, gchar **peers, GRand *rand)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(generation);
	g_autoptr(GError) error = NULL;
	ArcClusterSelf node = {(gchar *)DP_SELF, FALSE, {0}, FALSE, {0}, 51840};
	ArcClusterView *view;
	guint n_routes = rand != NULL ? (guint)g_rand_int_range(rand, 1, 13) : 0;

	arc_cluster_view_builder_set_self(builder, &node);
	if (rand != NULL && generation == DP_ROUNDS)
		arc_cluster_view_builder_set_license_state(builder, ARC_LICENSE_STATE_SUSPENDED);
	for (guint i = 0; peers[i] != NULL; i++) {
		ArcClusterMember member = {0};
		ArcClusterService service = {0};
		g_autofree gchar *id = g_strdup_printf("svc_%s", peers[i]);
		ArcCidr dst;

		member.peer_id = peers[i];
		member.name = peers[i];
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
		g_assert_true(arc_cidr_read_address("10.0.0.0", &dst));
		dst.bytes[1] = (guint8)(i + 1);
		dst.prefix = 16;
		arc_cluster_view_builder_add_route(builder, i + 1, id, 0, NULL, &dst);
	}
	for (guint r = 0; r < n_routes; r++)
		dp_add_random_route(builder, rand, peers, r + 1);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

static ArcDataplane *
dp_dataplane(void)
{
	g_autoptr(GError) error = NULL;
	ArcDataplane *dataplane;
	ArcDataplaneConfig config;

	if (!arc_dataplane_check_privileges(&error)) {
		g_printerr("%s\n", error->message);
		exit(77);
	}
	/* the tunnel's path: TCP is left alone without the proxy (test-tproxy-netns.sh has it) */
	arc_dataplane_config_init(&config);
	config.proxy_port = 0;
	dataplane = arc_dataplane_new(&config, &error);
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

static const gint dp_domains[2] = {AF_INET, AF_INET6};

/* a socket made in the namespace @name (NULL: this one); the thread is back in its own
 * namespace afterwards */
static gint
dp_socket_in(const gchar *name, gint domain, gint type, gint protocol)
{
	g_autofree gchar *path = NULL;
	gint own, there, fd;

	if (name == NULL) {
		fd = socket(domain, type | SOCK_CLOEXEC, protocol);
		g_assert_cmpint(fd, >=, 0);
		return fd;
	}
	path = g_strdup_printf("/run/netns/%s", name);
	own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	there = open(path, O_RDONLY | O_CLOEXEC);
	g_assert_cmpint(own, >=, 0);
	g_assert_cmpint(there, >=, 0);
	g_assert_cmpint(setns(there, CLONE_NEWNET), ==, 0);
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	g_assert_cmpint(setns(own, CLONE_NEWNET), ==, 0);
	close(own);
	close(there);
	g_assert_cmpint(fd, >=, 0);
	return fd;
}

static socklen_t
dp_sockaddr(guint family, const gchar *address, guint16 port, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (family == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		g_assert_cmpint(inet_pton(AF_INET, address, &sin->sin_addr), ==, 1);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		g_assert_cmpint(inet_pton(AF_INET6, address, &sin6->sin6_addr), ==, 1);
		return sizeof(*sin6);
	}
}

/* the sockets of a namespace where packets arrive: by family, UDP, ICMP and TCP */
typedef struct {
	const gchar *ns;
	gint fd[2][3];
} DpSink;

static void
dp_sink_open(DpSink *sink, const gchar *ns)
{
	static const gint raw[2][2] = {{IPPROTO_ICMP, IPPROTO_TCP}, {IPPROTO_ICMPV6, IPPROTO_TCP}};
	const gint one = 1;

	sink->ns = ns;
	for (guint f = 0; f < 2; f++) {
		struct sockaddr_storage any;
		socklen_t len = dp_sockaddr(f, f == 0 ? "0.0.0.0" : "::", DP_UDP_PORT, &any);

		sink->fd[f][0] = dp_socket_in(ns, dp_domains[f], SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (f == 1)
			setsockopt(sink->fd[f][0], IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		g_assert_cmpint(bind(sink->fd[f][0], (struct sockaddr *)&any, len), ==, 0);
		/* raw sockets see a copy of every ICMP and TCP packet delivered here */
		for (guint p = 0; p < 2; p++)
			sink->fd[f][p + 1] = dp_socket_in(ns, dp_domains[f],
							  SOCK_RAW | SOCK_NONBLOCK, raw[f][p]);
	}
}

/* a packet as the sinks see it: its tag, and its source address */
typedef struct {
	guint tag;
	gchar source[INET6_ADDRSTRLEN];
} DpSeen;

/* the tag: the UDP payload, an echo request's id, a SYN's source port */
static gboolean
dp_read_one(gint fd, guint family, guint which, DpSeen *seen)
{
	guint8 buf[2048];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	gssize n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	const guint8 *p = buf;

	if (n <= 0)
		return FALSE;
	/* IPv4 raw sockets get the IP header, IPv6 ones do not */
	if (family == 0 && which != 0) {
		p += (buf[0] & 0x0f) * 4;
		n -= p - buf;
	}
	if (n < (which == 2 ? 14 : 8))
		return FALSE;
	if (which == 0)
		seen->tag = (guint)(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]);
	else if (which == 1 && p[0] == (family == 0 ? ICMP_ECHO : 128))
		seen->tag = (guint)(p[4] << 8 | p[5]);
	else if (which == 2 && (p[13] & 0x12) == 0x02)
		seen->tag = (guint)(p[0] << 8 | p[1]);
	else
		return FALSE;
	inet_ntop(from.ss_family,
		  from.ss_family == AF_INET
			  ? (gpointer) & ((struct sockaddr_in *)&from)->sin_addr
			  : (gpointer) & ((struct sockaddr_in6 *)&from)->sin6_addr,
		  seen->source, sizeof(seen->source));
	return TRUE;
}

/* which sink received @tag within a while, -1 for none; its source address in @source */
static gint
dp_wait(DpSink *sinks, guint n_sinks, guint tag, gchar *source)
{
	gint64 deadline = g_get_monotonic_time() + 400 * G_TIME_SPAN_MILLISECOND;

	while (g_get_monotonic_time() < deadline) {
		struct pollfd fds[6 * 8];

		for (guint i = 0; i < 6 * n_sinks; i++)
			fds[i] = (struct pollfd){sinks[i / 6].fd[i % 6 / 3][i % 3], POLLIN, 0};
		if (poll(fds, 6 * n_sinks, 20) <= 0)
			continue;
		for (guint i = 0; i < 6 * n_sinks; i++) {
			DpSeen seen;

			while ((fds[i].revents & POLLIN) &&
			       dp_read_one(fds[i].fd, i % 6 / 3, i % 3, &seen)) {
				if (seen.tag != tag)
					continue;
				strcpy(source, seen.source);
				return (gint)(i / 6);
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
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)~sum;
}

/* the 16 bytes sent: an echo request with id @tag (the kernel sums ICMPv6), or @tag */
static void
dp_payload(guint family, gint protocol, guint tag, guint8 packet[16])
{
	memset(packet, 0, 16);
	if (protocol == IPPROTO_ICMP) {
		guint16 sum;

		packet[0] = family == 0 ? ICMP_ECHO : 128;
		packet[4] = (guint8)(tag >> 8);
		packet[5] = (guint8)tag;
		packet[7] = 1;
		sum = family == 0 ? dp_checksum(packet, 16) : 0;
		packet[2] = (guint8)(sum >> 8);
		packet[3] = (guint8)sum;
	} else {
		packet[0] = (guint8)(tag >> 24);
		packet[1] = (guint8)(tag >> 16);
		packet[2] = (guint8)(tag >> 8);
		packet[3] = (guint8)tag;
	}
}

/* sends one packet tagged @tag from @source to @destination, in namespace @ns (NULL: here);
 * returns the socket, open */
static gint
dp_send(const gchar *ns, guint family, gint protocol, const gchar *source, const gchar *destination,
	guint tag)
{
	gint type = protocol == IPPROTO_ICMP ? SOCK_RAW
					     : (protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM);
	gint raw = protocol == IPPROTO_ICMP && family == 1 ? IPPROTO_ICMPV6 : protocol;
	gint fd = dp_socket_in(ns, dp_domains[family], type | SOCK_NONBLOCK, raw);
	struct sockaddr_storage from, to;
	/* a fresh source port per packet: a conntrack entry of an earlier route never applies */
	socklen_t from_len = dp_sockaddr(family, source, protocol != IPPROTO_ICMP ? tag : 0, &from);
	socklen_t to_len =
		dp_sockaddr(family, destination, protocol != IPPROTO_ICMP ? DP_UDP_PORT : 0, &to);
	guint8 packet[16];

	g_assert_cmpint(bind(fd, (struct sockaddr *)&from, from_len), ==, 0);
	if (protocol == IPPROTO_TCP) {
		g_assert_true(connect(fd, (struct sockaddr *)&to, to_len) == 0 ||
			      errno == EINPROGRESS);
		g_usleep(50 * 1000);
		return fd;
	}
	dp_payload(family, protocol, tag, packet);
	g_assert_cmpint(sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&to, to_len), ==,
			sizeof(packet));
	return fd;
}

/* whether the echo reply to @tag comes back to @fd, the sender's raw socket */
static gboolean
dp_wait_reply(gint fd, guint family, guint tag)
{
	gint64 deadline = g_get_monotonic_time() + 400 * G_TIME_SPAN_MILLISECOND;

	while (g_get_monotonic_time() < deadline) {
		struct pollfd pfd = {fd, POLLIN, 0};
		guint8 buf[2048];
		const guint8 *p = buf;
		gssize n;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
			if (family == 0) {
				p = buf + (buf[0] & 0x0f) * 4;
				n -= p - buf;
			}
			if (n >= 8 && p[0] == (family == 0 ? ICMP_ECHOREPLY : 129) &&
			    (guint)(p[4] << 8 | p[5]) == tag)
				return TRUE;
		}
	}
	return FALSE;
}

/* the sink a packet must reach: the namespace of the winner's target, the WAN one when there
 * is no winner or its service carries nothing (suspended license, over_limit target) */
static guint
dp_expected(ArcClusterView *view, gchar **peers, const gchar *source, const gchar *destination)
{
	g_autoptr(ArcRouteDecision) decision = NULL;
	const ArcClusterService *service;
	ArcCidr src, dst;

	g_assert_true(arc_cidr_read_address(source, &src));
	g_assert_true(arc_cidr_read_address(destination, &dst));
	decision = arc_route_table_explain(arc_cluster_view_get_route_table(view), &src, &dst, NULL,
					   FALSE);
	if (decision->service_id == NULL ||
	    arc_cluster_view_get_license_state(view) == ARC_LICENSE_STATE_SUSPENDED)
		return 0;
	service = arc_cluster_view_find_service(view, decision->service_id);
	for (guint i = 0; peers[i] != NULL; i++) {
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

/* a packet and where it must arrive; TCP goes where a route leads when one does, to show
 * that it goes the normal way all the same */
typedef struct {
	guint family;
	gint protocol;
	gboolean forwarded;
	const gchar *source;
	const gchar *destination;
	guint expected;
} DpPacket;

static void
dp_pick(DpRun *run, ArcClusterView *view, GRand *rand, DpPacket *packet)
{
	for (guint tries = 0; tries < 16; tries++) {
		packet->source =
			packet->forwarded
				? dp_client_sources[packet->family][g_rand_int_range(rand, 0, 3)]
				: dp_local_sources[packet->family][g_rand_int_range(rand, 0, 2)];
		packet->destination = dp_destinations[packet->family][g_rand_int_range(rand, 0, 4)];
		packet->expected =
			dp_expected(view, run->peers, packet->source, packet->destination);
		if (packet->protocol != IPPROTO_TCP || packet->expected != 0)
			break;
	}
	if (packet->protocol == IPPROTO_TCP)
		packet->expected = 0;
}

static void
dp_check_packet(DpRun *run, const DpPacket *packet, guint tag)
{
	gchar seen[INET6_ADDRSTRLEN] = "";
	g_autofree gchar *want = NULL;
	gint got, fd;

	fd = dp_send(packet->forwarded ? run->client_ns : NULL, packet->family, packet->protocol,
		     packet->source, packet->destination, tag);
	got = dp_wait(run->sinks, run->n_sinks, tag, seen);
	/* the reply comes back the same way, through both masquerades */
	if (packet->protocol == IPPROTO_ICMP && got >= 0 &&
	    !dp_wait_reply(fd, packet->family, tag)) {
		g_print("FAIL: %s icmp %s -> %s: no reply through %s\n",
			packet->forwarded ? "forwarded" : "local", packet->source,
			packet->destination, run->sinks[got].ns);
		run->failures++;
	}
	close(fd);
	run->sent++;
	if (got >= 0)
		run->reached[got]++;
	if (g_getenv("ARC_DP_VERBOSE") != NULL)
		g_print("%u %s %s %s -> %s: %s\n", tag, packet->forwarded ? "forwarded" : "local",
			dp_protocol_name(packet->protocol), packet->source, packet->destination,
			got < 0 ? "nothing" : run->sinks[got].ns);
	if (got != (gint)packet->expected) {
		g_print("FAIL: %s %s %s -> %s reached %s, explain says %s\n",
			packet->forwarded ? "forwarded" : "local",
			dp_protocol_name(packet->protocol), packet->source, packet->destination,
			got < 0 ? "nothing" : run->sinks[got].ns, run->sinks[packet->expected].ns);
		run->failures++;
		return;
	}
	/* into a tunnel the source is the device's address, elsewhere it is untouched */
	if (packet->expected == 0)
		want = g_strdup(packet->source);
	else if (packet->family == 0)
		want = g_strdup_printf("172.31.%u.1", packet->expected);
	else
		want = g_strdup_printf("fd31:%u::1", packet->expected);
	if (g_strcmp0(seen, want) != 0) {
		g_print("FAIL: %s %s %s -> %s reached %s from %s, not %s\n",
			packet->forwarded ? "forwarded" : "local",
			dp_protocol_name(packet->protocol), packet->source, packet->destination,
			run->sinks[got].ns, seen, want);
		run->failures++;
	}
}

static void
dp_round(DpRun *run, ArcClusterView *view, GRand *rand, guint round)
{
	static const gint protocols[] = {IPPROTO_UDP, IPPROTO_ICMP};

	for (guint n = 0; n < DP_PACKETS; n++) {
		DpPacket packet = {0};

		packet.family = n % 8 < 4 ? 0 : 1;
		packet.forwarded = n % 4 < 2;
		packet.protocol = n % 8 == 0 || n % 8 == 7 ? IPPROTO_TCP : protocols[n % 2];
		dp_pick(run, view, rand, &packet);
		dp_check_packet(run, &packet, 20000 + round * 100 + n);
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
		dp_round(&run, view, rand, round);
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
