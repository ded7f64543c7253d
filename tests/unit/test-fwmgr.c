/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <string.h>

#include "arc-fwmgr.h"
#include "arc-tproxymgr.h"

/* fwmgr's ruleset generator: golden text for a small view, and on random route tables the
 * chain's first match against the route table's own evaluation */

static ArcCidr
fw_cidr(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	ArcCidr cidr;
	gboolean ok = arc_cidr_parse(text, &cidr, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
	return cidr;
}

static void
fw_add_member(ArcClusterViewBuilder *builder, const gchar *peer_id, gboolean over_limit)
{
	ArcClusterMember member = {0};
	guint8 key[32] = {0};

	member.peer_id = (gchar *)peer_id;
	member.name = (gchar *)peer_id;
	member.tunnel_public_key = g_bytes_new(key, sizeof(key));
	member.over_limit = over_limit;
	arc_cluster_view_builder_add_member(builder, &member);
	g_bytes_unref(member.tunnel_public_key);
}

static void
fw_add_service(ArcClusterViewBuilder *builder, const gchar *id, const gchar *source,
	       const gchar *target)
{
	ArcClusterService service = {0};

	service.id = (gchar *)id;
	service.name = (gchar *)id;
	service.source_peer_id = (gchar *)source;
	service.target_peer_id = (gchar *)target;
	service.transport = (gchar *)"tcp";
	arc_cluster_view_builder_add_service(builder, &service);
}

static ArcClusterViewBuilder *
fw_builder(void)
{
	ArcClusterViewBuilder *builder = arc_cluster_view_builder_new(1);
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};

	arc_cluster_view_builder_set_self(builder, &node);
	fw_add_member(builder, "peer_A", FALSE);
	fw_add_member(builder, "peer_B", FALSE);
	fw_add_member(builder, "peer_C", TRUE);
	fw_add_member(builder, "peer_D", FALSE);
	return builder;
}

/* the slots of a view's remote members */
static ArcPeerSlots *
fw_slots(const ArcClusterView *view, guint n_slots)
{
	ArcPeerSlots *slots = arc_peer_slots_new(n_slots);
	g_autoptr(GPtrArray) ids = g_ptr_array_new();

	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		if (g_strcmp0(member->peer_id, "peer_A") != 0)
			g_ptr_array_add(ids, member->peer_id);
	}
	g_ptr_array_add(ids, NULL);
	arc_peer_slots_sync(slots, (const gchar *const *)ids->pdata);
	return slots;
}

static const gchar fw_golden[] =
	"table inet arctic {\n"
	"\tchain prerouting {\n"
	"\t\ttype filter hook prerouting priority mangle; policy accept;\n"
	"\t\tmeta l4proto tcp socket transparent 1 meta mark set 0x0a7c0401 accept comment \"a "
	"transparent socket of the proxy\"\n"
	"\t\tiifname \"arc-*\" return comment \"from a tunnel: exit traffic\"\n"
	"\t\tct direction reply return\n"
	"\t\tmeta l4proto tcp goto tproxymgr\n"
	"\t\tmeta l4proto != tcp jump route\n"
	"\t}\n"
	"\tchain output {\n"
	"\t\ttype route hook output priority mangle; policy accept;\n"
	"\t\tmeta mark & 0xffff0000 == 0x0a7c0000 return comment \"the tunnel's own packets\"\n"
	"\t\tct direction reply return\n"
	"\t\tmeta l4proto tcp goto tproxymgr_output\n"
	"\t\tmeta l4proto != tcp jump route\n"
	"\t}\n"
	"\tchain tproxymgr {\n"
	"\t\tip daddr 127.0.0.0/8 return comment \"loopback\"\n"
	"\t\tip6 daddr ::1 return comment \"loopback\"\n"
	"\t\tip6 saddr fd00::/8 ip6 daddr 2001:db8::/32 goto tproxymgr_capture comment \"route 5 "
	"svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 ip daddr 10.1.0.0/16 goto tproxymgr_capture comment \"route "
	"4 svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 return comment \"route 2 svc_c carries nothing: the target "
	"is over_limit\"\n"
	"\t\tip daddr 10.1.0.0/16 goto tproxymgr_capture comment \"route 3 svc_d to peer_D\"\n"
	"\t\tip daddr 10.0.0.0/8 goto tproxymgr_capture comment \"route 1 svc_b to peer_B\"\n"
	"\t\tip daddr 10.0.0.0/8 return comment \"route 8 svc_x carries nothing: its traffic "
	"enters at another peer\"\n"
	"\t}\n"
	"\tchain tproxymgr_capture {\n"
	"\t\tmeta nfproto ipv4 meta l4proto tcp meta mark set 0x0a7c0401 tproxy ip to :61000 "
	"accept\n"
	"\t\tmeta nfproto ipv6 meta l4proto tcp meta mark set 0x0a7c0401 tproxy ip6 to :61000 "
	"accept\n"
	"\t\tmeta l4proto tcp reject with tcp reset comment \"no proxy listening: refused "
	"(fail-closed)\"\n"
	"\t}\n"
	"\tchain tproxymgr_output {\n"
	"\t\tip daddr 127.0.0.0/8 return comment \"loopback\"\n"
	"\t\tip6 daddr ::1 return comment \"loopback\"\n"
	"\t\tip6 saddr fd00::/8 ip6 daddr 2001:db8::/32 meta mark set 0x0a7c0401 return comment "
	"\"route 5 svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 ip daddr 10.1.0.0/16 meta mark set 0x0a7c0401 return "
	"comment \"route 4 svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 return comment \"route 2 svc_c carries nothing: the target "
	"is over_limit\"\n"
	"\t\tip daddr 10.1.0.0/16 meta mark set 0x0a7c0401 return comment \"route 3 svc_d to "
	"peer_D\"\n"
	"\t\tip daddr 10.0.0.0/8 meta mark set 0x0a7c0401 return comment \"route 1 svc_b to "
	"peer_B\"\n"
	"\t\tip daddr 10.0.0.0/8 return comment \"route 8 svc_x carries nothing: its traffic "
	"enters at another peer\"\n"
	"\t}\n"
	"\tchain postrouting {\n"
	"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	"\t\toifname \"arc-*\" masquerade comment \"into a tunnel\"\n"
	"\t\tiifname \"arc-*\" oifname != \"arc-*\" masquerade comment \"out of a tunnel\"\n"
	"\t}\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter; policy accept;\n"
	"\t\tiifname \"arc-*\" accept\n"
	"\t\toifname \"arc-*\" accept\n"
	"\t}\n"
	"\tchain route {\n"
	"\t\tip6 saddr fd00::/8 ip6 daddr 2001:db8::/32 meta mark set 0x0a7c0003 return comment "
	"\"route 5 svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 ip daddr 10.1.0.0/16 meta mark set 0x0a7c0003 return "
	"comment \"route 4 svc_b to peer_B\"\n"
	"\t\tip saddr 192.168.1.0/24 return comment \"route 2 svc_c carries nothing: the target "
	"is over_limit\"\n"
	"\t\tip daddr 10.1.0.0/16 meta mark set 0x0a7c0002 return comment \"route 3 svc_d to "
	"peer_D\"\n"
	"\t\tip daddr 10.0.0.0/8 meta mark set 0x0a7c0003 return comment \"route 1 svc_b to "
	"peer_B\"\n"
	"\t\tip daddr 10.0.0.0/8 return comment \"route 8 svc_x carries nothing: its traffic "
	"enters at another peer\"\n"
	"\t}\n"
	"}\n";

static ArcClusterView *
fw_small_view(ArcLicenseState state)
{
	g_autoptr(ArcClusterViewBuilder) builder = fw_builder();
	g_autoptr(GError) error = NULL;
	ArcCidr ten = fw_cidr("10.0.0.0/8"), ten1 = fw_cidr("10.1.0.0/16");
	ArcCidr lan = fw_cidr("192.168.1.0/24"), doc = fw_cidr("2001:db8::/32");
	ArcCidr ula = fw_cidr("fd00::/8");
	ArcClusterView *view;

	arc_cluster_view_builder_set_license_state(builder, state);
	fw_add_service(builder, "svc_b", "peer_A", "peer_B");
	fw_add_service(builder, "svc_c", "peer_A", "peer_C");
	fw_add_service(builder, "svc_d", "peer_A", "peer_D");
	fw_add_service(builder, "svc_x", "peer_B", "peer_A");
	arc_cluster_view_builder_add_route(builder, 1, "svc_b", 0, NULL, &ten);
	arc_cluster_view_builder_add_route(builder, 2, "svc_c", 0, &lan, NULL);
	arc_cluster_view_builder_add_route(builder, 3, "svc_d", 5, NULL, &ten1);
	arc_cluster_view_builder_add_route(builder, 4, "svc_b", 0, &lan, &ten1);
	arc_cluster_view_builder_add_route(builder, 5, "svc_b", 0, &ula, &doc);
	/* matches nothing (families differ); and the route of a service whose traffic enters at
	 * another peer, which stops the chain without a mark */
	arc_cluster_view_builder_add_route(builder, 6, "svc_b", 0, &ula, &ten);
	arc_cluster_view_builder_add_route(builder, 8, "svc_x", 0, NULL, &ten);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

static void
fw_golden_func(void)
{
	g_autoptr(ArcClusterView) view = fw_small_view(ARC_LICENSE_STATE_VALID);
	g_autoptr(ArcPeerSlots) slots = fw_slots(view, 3);
	g_autofree gchar *text = NULL;
	ArcDataplaneConfig config;

	arc_dataplane_config_init(&config);
	/* of three slots all prefer 3: B, first by id, takes it, then C and D wrap round */
	g_assert_cmpuint(arc_peer_slots_lookup(slots, "peer_B"), ==, 3);
	g_assert_cmpuint(arc_peer_slots_lookup(slots, "peer_C"), ==, 1);
	g_assert_cmpuint(arc_peer_slots_lookup(slots, "peer_D"), ==, 2);
	text = arc_fwmgr_render(view, slots, &config);
	g_assert_cmpstr(text, ==, fw_golden);
}

/* suspended: every route stops the chain without a mark */
static void
fw_suspended_func(void)
{
	g_autoptr(ArcClusterView) view = fw_small_view(ARC_LICENSE_STATE_SUSPENDED);
	g_autoptr(ArcPeerSlots) slots = fw_slots(view, 3);
	g_autofree gchar *text = NULL;
	ArcDataplaneConfig config;

	arc_dataplane_config_init(&config);
	text = arc_fwmgr_render(view, slots, &config);
	g_assert_null(strstr(text, "meta mark set"));
	g_assert_nonnull(strstr(text, "route 1 svc_b carries nothing: the license is suspended"));
}

/* category 1 (docs/routing.md): what enters on a service's MACVLAN is marked for its target
 * before any route; an interface whose service carries nothing stops the chain unmarked */
static void
fw_interface_func(void)
{
	g_autoptr(ArcClusterViewBuilder) builder = fw_builder();
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(ArcPeerSlots) slots = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	ArcCidr ten = fw_cidr("10.0.0.0/8");
	ArcClusterService service = {0};
	ArcDataplaneConfig config;
	const gchar *route, *mac_b, *mac_c, *chosen = NULL;
	ArcCidr src, dst;

	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAB";
	service.source_peer_id = (gchar *)"peer_A";
	service.target_peer_id = (gchar *)"peer_B";
	service.transport = (gchar *)"tcp";
	service.flags = ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE;
	arc_cluster_view_builder_add_service(builder, &service);
	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAC";
	service.target_peer_id = (gchar *)"peer_C";
	arc_cluster_view_builder_add_service(builder, &service);
	/* entering at B: no interface here */
	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAX";
	service.source_peer_id = (gchar *)"peer_B";
	service.target_peer_id = (gchar *)"peer_A";
	arc_cluster_view_builder_add_service(builder, &service);
	arc_cluster_view_builder_add_route(builder, 1, "svc_01KBAAAAAAAAAAAAAAAAAAAAAB", 0, NULL,
					   &ten);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	slots = fw_slots(view, 3);
	arc_dataplane_config_init(&config);
	text = arc_fwmgr_render(view, slots, &config);
	mac_b = strstr(text, "\t\tiifname \"arcaaaaaaaaaaab\" meta mark set 0x0a7c0003 return "
			     "comment \"interface svc_01KBAAAAAAAAAAAAAAAAAAAAAB to peer_B\"\n");
	mac_c = strstr(text, "\t\tiifname \"arcaaaaaaaaaaac\" return comment \"interface "
			     "svc_01KBAAAAAAAAAAAAAAAAAAAAAC carries nothing: the target is "
			     "over_limit\"\n");
	route = strstr(text, "\tchain route {");
	g_assert_nonnull(route);
	route = strstr(route, "ip daddr 10.0.0.0/8 meta mark set");
	g_assert_nonnull(mac_b);
	g_assert_nonnull(mac_c);
	g_assert_nonnull(route);
	g_assert_true(mac_b < route && mac_c < route);
	g_assert_null(strstr(text, "arcaaaaaaaaaaax"));
	/* the view's route table, which explain's agrees with, says the same */
	src = fw_cidr("192.168.9.9/32");
	dst = fw_cidr("10.2.3.4/32");
	g_assert_null(arc_route_table_lookup(arc_cluster_view_get_route_table(view), &src, &dst,
					     "arcaaaaaaaaaaab", &chosen));
	g_assert_cmpstr(chosen, ==, "svc_01KBAAAAAAAAAAAAAAAAAAAAAB");
}

/* the value of `FIELD CIDR` in @rule, FALSE when it has none */
static gboolean
fw_rule_cidr(const gchar *rule, const gchar *field, ArcCidr *out)
{
	const gchar *at = strstr(rule, field);
	g_autofree gchar *text = NULL;

	if (at == NULL)
		return FALSE;
	at += strlen(field);
	text = g_strndup(at, strcspn(at, " "));
	g_assert_cmpint(arc_cidr_read(text, ARC_CIDR_NETWORK, out), ==, ARC_CIDR_OK);
	return TRUE;
}

/* the mark the route chain of @text gives a packet: the first rule that matches decides */
static guint32
fw_chain_mark(const gchar *text, const ArcCidr *src, const ArcCidr *dst, gboolean *matched)
{
	g_auto(GStrv) lines = g_strsplit(strstr(text, "\tchain route {\n"), "\n", -1);

	*matched = FALSE;
	for (guint i = 1; lines[i] != NULL && strcmp(lines[i], "\t}") != 0; i++) {
		const gchar *family = src->family == 4 ? "ip" : "ip6";
		g_autofree gchar *sfield = g_strconcat(family, " saddr ", NULL);
		g_autofree gchar *dfield = g_strconcat(family, " daddr ", NULL);
		ArcCidr cidr;
		const gchar *mark;

		/* a rule of the other family */
		if (g_str_has_prefix(lines[i] + 2, src->family == 4 ? "ip6 " : "ip "))
			continue;
		if (fw_rule_cidr(lines[i], sfield, &cidr) && !arc_cidr_contains(&cidr, src))
			continue;
		if (fw_rule_cidr(lines[i], dfield, &cidr) && !arc_cidr_contains(&cidr, dst))
			continue;
		*matched = TRUE;
		mark = strstr(lines[i], "meta mark set ");
		return mark != NULL ? (guint32)g_ascii_strtoull(mark + 14, NULL, 16) : 0;
	}
	return 0;
}

static ArcCidr
fw_random_cidr(GRand *rand, const gchar *const *pool, guint min_prefix)
{
	ArcCidr cidr;
	gboolean ok = arc_cidr_read_address(pool[g_rand_int_range(rand, 0, 4)], &cidr);

	g_assert_true(ok);
	cidr.prefix = (guint8)g_rand_int_range(rand, (gint)min_prefix, 33);
	arc_cidr_to_network(&cidr);
	return cidr;
}

static ArcClusterView *
fw_random_view(GRand *rand, const gchar *const *sources, const gchar *const *destinations)
{
	g_autoptr(ArcClusterViewBuilder) builder = fw_builder();
	g_autoptr(GError) error = NULL;
	static const gchar *const services[] = {"svc_b", "svc_c", "svc_d", "svc_x"};
	guint n = (guint)g_rand_int_range(rand, 1, 14);
	ArcClusterView *view;

	fw_add_service(builder, "svc_b", "peer_A", "peer_B");
	fw_add_service(builder, "svc_c", "peer_A", "peer_C");
	fw_add_service(builder, "svc_d", "peer_A", "peer_D");
	fw_add_service(builder, "svc_x", "peer_B", "peer_A");
	for (guint i = 0; i < n; i++) {
		ArcCidr src = fw_random_cidr(rand, sources, 8);
		ArcCidr dst = fw_random_cidr(rand, destinations, 4);
		gint kind = g_rand_int_range(rand, 0, 3);

		arc_cluster_view_builder_add_route(
			builder, i + 1, services[g_rand_int_range(rand, 0, 3)],
			g_rand_int_range(rand, 0, 3), kind != 2 ? &src : NULL,
			kind != 1 ? &dst : NULL);
	}
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	return view;
}

/* on random tables, the mark the chain gives is that of explain's winner's target */
static void
fw_order_func(void)
{
	static const gchar *const sources[] = {"192.168.1.2", "192.168.1.200", "192.168.7.1",
					       "172.16.0.1"};
	static const gchar *const destinations[] = {"10.1.2.3", "10.1.2.250", "10.9.0.1",
						    "10.200.4.4"};
	g_autoptr(GRand) rand = g_rand_new_with_seed(1414);
	ArcDataplaneConfig config;

	arc_dataplane_config_init(&config);
	for (guint round = 0; round < 300; round++) {
		g_autoptr(ArcClusterView) view = fw_random_view(rand, sources, destinations);
		g_autoptr(ArcPeerSlots) slots = fw_slots(view, config.n_slots);
		g_autofree gchar *text = arc_fwmgr_render(view, slots, &config);

		for (guint p = 0; p < 16; p++) {
			g_autoptr(ArcRouteDecision) decision = NULL;
			ArcCidr src, dst;
			guint32 expected = 0, got;
			gboolean matched;

			g_assert_true(arc_cidr_read_address(sources[p % 4], &src));
			g_assert_true(arc_cidr_read_address(destinations[p / 4], &dst));
			decision = arc_route_table_explain(arc_cluster_view_get_route_table(view),
							   &src, &dst, NULL, FALSE);
			if (decision->route != NULL)
				expected = arc_fwmgr_route_mark(view, slots, &config,
								decision->route, NULL);
			got = fw_chain_mark(text, &src, &dst, &matched);
			g_assert_cmpuint(got, ==, expected);
			g_assert_cmpint(matched, ==, decision->route != NULL);
		}
	}
}

/* the first rule of @chain that matches a TCP packet from @src to @dst (ports: 7000), as
 * text; NULL when none */
static gchar *
tpx_chain_rule(const gchar *text, const gchar *chain, const ArcCidr *src, const ArcCidr *dst)
{
	g_autofree gchar *head = g_strdup_printf("\tchain %s {\n", chain);
	g_auto(GStrv) lines = g_strsplit(strstr(text, head), "\n", -1);

	for (guint i = 1; lines[i] != NULL && strcmp(lines[i], "\t}") != 0; i++) {
		const gchar *family = src->family == 4 ? "ip" : "ip6";
		g_autofree gchar *sfield = g_strconcat(family, " saddr ", NULL);
		g_autofree gchar *dfield = g_strconcat(family, " daddr ", NULL);
		ArcCidr cidr;

		if (g_str_has_prefix(lines[i] + 2, src->family == 4 ? "ip6 " : "ip "))
			continue;
		if (fw_rule_cidr(lines[i], sfield, &cidr) && !arc_cidr_contains(&cidr, src))
			continue;
		/* exclusions name addresses, not networks: a full-length prefix */
		if (strstr(lines[i], " daddr ") != NULL && strstr(lines[i], "tcp dport") != NULL)
			continue;
		if (fw_rule_cidr(lines[i], dfield, &cidr) && !arc_cidr_contains(&cidr, dst))
			continue;
		return g_strdup(lines[i]);
	}
	return NULL;
}

/* on random tables, TCP is captured (prerouting) and marked for the proxy (output) exactly
 * when explain finds a winner whose service carries, and the first match is the winner */
static void
tpx_order_func(void)
{
	static const gchar *const sources[] = {"192.168.1.2", "192.168.1.200", "192.168.7.1",
					       "172.16.0.1"};
	static const gchar *const destinations[] = {"10.1.2.3", "10.1.2.250", "10.9.0.1",
						    "10.200.4.4"};
	g_autoptr(GRand) rand = g_rand_new_with_seed(6100);
	ArcDataplaneConfig config;

	arc_dataplane_config_init(&config);
	for (guint round = 0; round < 300; round++) {
		g_autoptr(ArcClusterView) view = fw_random_view(rand, sources, destinations);
		g_autoptr(ArcPeerSlots) slots = fw_slots(view, config.n_slots);
		g_autofree gchar *text = arc_fwmgr_render(view, slots, &config);

		for (guint p = 0; p < 16; p++) {
			g_autoptr(ArcRouteDecision) decision = NULL;
			g_autofree gchar *pre = NULL;
			g_autofree gchar *out = NULL;
			g_autofree gchar *name = NULL;
			gboolean carries = FALSE;
			ArcCidr src, dst;

			g_assert_true(arc_cidr_read_address(sources[p % 4], &src));
			g_assert_true(arc_cidr_read_address(destinations[p / 4], &dst));
			decision = arc_route_table_explain(arc_cluster_view_get_route_table(view),
							   &src, &dst, NULL, FALSE);
			pre = tpx_chain_rule(text, "tproxymgr", &src, &dst);
			out = tpx_chain_rule(text, "tproxymgr_output", &src, &dst);
			if (decision->route == NULL) {
				g_assert_null(pre);
				g_assert_null(out);
				continue;
			}
			carries = arc_tproxymgr_service_carries(view, decision->route->service_id,
								NULL);
			name = g_strdup_printf("\"route %" G_GINT64_FORMAT " ",
					       decision->route->id);
			g_assert_nonnull(pre);
			g_assert_nonnull(strstr(pre, name));
			g_assert_nonnull(strstr(out, name));
			g_assert_cmpint(strstr(pre, "goto tproxymgr_capture") != NULL, ==, carries);
			g_assert_cmpint(strstr(out, "meta mark set 0x0a7c0401") != NULL, ==,
					carries);
		}
	}
}

/* TCP entering on a service's MACVLAN is that service's before any route, as in the route
 * chain: captured when the proxy carries it (a target that is this peer too), stopped
 * uncaptured when it does not; locally originated TCP has no input interface */
static void
tpx_interface_func(void)
{
	g_autoptr(ArcClusterViewBuilder) builder = fw_builder();
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(ArcPeerSlots) slots = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	ArcCidr ten = fw_cidr("10.0.0.0/8");
	ArcClusterService service = {0};
	ArcDataplaneConfig config;
	const gchar *chain, *api, *mac_b, *mac_c, *mac_d, *route, *output, *output_end;

	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAB";
	service.source_peer_id = (gchar *)"peer_A";
	service.target_peer_id = (gchar *)"peer_B";
	service.transport = (gchar *)"tcp";
	service.flags = ARC_CLUSTER_SERVICE_REQUIRES_INTERFACE;
	arc_cluster_view_builder_add_service(builder, &service);
	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAC";
	service.target_peer_id = (gchar *)"peer_C";
	arc_cluster_view_builder_add_service(builder, &service);
	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAD";
	service.target_peer_id = (gchar *)"peer_A";
	arc_cluster_view_builder_add_service(builder, &service);
	service.name = service.id = (gchar *)"svc_01KBAAAAAAAAAAAAAAAAAAAAAX";
	service.source_peer_id = (gchar *)"peer_B";
	arc_cluster_view_builder_add_service(builder, &service);
	arc_cluster_view_builder_add_route(builder, 1, "svc_01KBAAAAAAAAAAAAAAAAAAAAAC", 0, NULL,
					   &ten);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	slots = fw_slots(view, 3);
	arc_dataplane_config_init(&config);
	text = arc_fwmgr_render(view, slots, &config);
	chain = strstr(text, "\tchain tproxymgr {\n");
	g_assert_nonnull(chain);
	api = strstr(chain, "\t\tip daddr 127.0.0.0/8 return");
	mac_b = strstr(chain, "\t\tiifname \"arcaaaaaaaaaaab\" goto tproxymgr_capture comment "
			      "\"interface svc_01KBAAAAAAAAAAAAAAAAAAAAAB to peer_B\"\n");
	mac_c = strstr(chain, "\t\tiifname \"arcaaaaaaaaaaac\" return comment \"interface "
			      "svc_01KBAAAAAAAAAAAAAAAAAAAAAC carries nothing: the target is "
			      "over_limit\"\n");
	mac_d = strstr(chain, "\t\tiifname \"arcaaaaaaaaaaad\" goto tproxymgr_capture comment "
			      "\"interface svc_01KBAAAAAAAAAAAAAAAAAAAAAD to peer_A\"\n");
	route = strstr(chain, "\t\tip daddr 10.0.0.0/8 return comment \"route 1 ");
	output = strstr(chain, "\tchain tproxymgr_output {\n");
	g_assert_nonnull(api);
	g_assert_nonnull(mac_b);
	g_assert_nonnull(mac_c);
	g_assert_nonnull(mac_d);
	g_assert_nonnull(route);
	g_assert_nonnull(output);
	g_assert_true(api < mac_b && mac_b < mac_c && mac_c < mac_d && mac_d < route);
	g_assert_true(route < output);
	output_end = strstr(output, "\t}\n");
	g_assert_true(strstr(output, "iifname") == NULL || strstr(output, "iifname") > output_end);
	g_assert_null(strstr(text, "arcaaaaaaaaaaax"));
}

/* members' API and transport ports, loopback and the proxy's own capture, before any route */
static void
tpx_exclusions_func(void)
{
	g_autoptr(ArcClusterViewBuilder) builder = arc_cluster_view_builder_new(1);
	ArcClusterSelf node = {(gchar *)"peer_A", FALSE, {0}, FALSE, {0}, 51840};
	static const gchar *const ids[] = {"peer_A", "peer_B", "peer_C"};
	static const gchar *const apis[] = {"10.1.2.3:8080", "[fd00::2]:9090", "b.example:8080"};
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcClusterView) view = NULL;
	g_autoptr(ArcPeerSlots) slots = NULL;
	g_autofree gchar *text = NULL;
	ArcCidr ten = fw_cidr("10.0.0.0/8");
	ArcDataplaneConfig config;
	const gchar *chain, *route;

	arc_cluster_view_builder_set_self(builder, &node);
	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		ArcClusterMember member = {(gchar *)ids[i], (gchar *)ids[i]};
		member.api_endpoint = (gchar *)apis[i];
		arc_cluster_view_builder_add_member(builder, &member);
	}
	fw_add_service(builder, "svc_b", "peer_A", "peer_B");
	arc_cluster_view_builder_add_route(builder, 1, "svc_b", 0, NULL, &ten);
	view = arc_cluster_view_builder_end(builder, &error);
	g_assert_no_error(error);
	arc_dataplane_config_init(&config);
	config.transport_port = 61002;
	slots = fw_slots(view, 3);
	text = arc_fwmgr_render(view, slots, &config);
	for (guint i = 0; i < 2; i++) {
		chain = strstr(text,
			       i == 0 ? "\tchain tproxymgr {\n" : "\tchain tproxymgr_output {\n");
		route = strstr(chain, "route 1 svc_b");
		g_assert_nonnull(route);
		for (guint j = 0; j < 5; j++) {
			static const gchar *const rules[] = {
				"ip daddr 127.0.0.0/8 return",
				"ip daddr 10.1.2.3 tcp dport 8080 return comment \"peer_A's API\"",
				"ip daddr 10.1.2.3 tcp dport 61002 return comment \"peer_A's "
				"transport\"",
				"ip6 daddr fd00::2 tcp dport 9090 return comment \"peer_B's API\"",
				"ip6 daddr fd00::2 tcp dport 61002 return",
			};
			const gchar *at = strstr(chain, rules[j]);
			g_assert_nonnull(at);
			g_assert_true(at < route);
		}
	}
	/* a host name cannot be matched in the kernel */
	g_assert_null(strstr(text, "b.example"));
	g_assert_nonnull(strstr(text, "socket transparent 1 meta mark set 0x0a7c0401 accept"));
	g_assert_nonnull(strstr(text, "tproxy ip to :61000 accept"));
	g_assert_nonnull(strstr(text, "tproxy ip6 to :61000 accept"));
	g_assert_nonnull(strstr(text, "reject with tcp reset"));
	/* without a port nothing is captured */
	config.proxy_port = 0;
	g_free(text);
	text = arc_fwmgr_render(view, slots, &config);
	g_assert_null(strstr(text, "tproxy ip"));
	g_assert_null(strstr(text, "socket transparent"));
	g_assert_nonnull(strstr(text, "\tchain tproxymgr {\n\t}\n"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/fwmgr/golden", fw_golden_func);
	g_test_add_func("/fwmgr/suspended", fw_suspended_func);
	g_test_add_func("/fwmgr/order", fw_order_func);
	g_test_add_func("/fwmgr/interface", fw_interface_func);
	g_test_add_func("/tproxymgr/order", tpx_order_func);
	g_test_add_func("/tproxymgr/interface", tpx_interface_func);
	g_test_add_func("/tproxymgr/exclusions", tpx_exclusions_func);
	return g_test_run();
}
