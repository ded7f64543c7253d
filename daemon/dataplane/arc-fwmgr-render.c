/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "fwmgr"

#include "arc-fwmgr.h"
#include "arc-tproxymgr.h"

#include <string.h>

/* The text of `table inet arctic` for a view: pure, so the unit tests hold it against golden
 * text and against the route table's own evaluation. The layout is docs/dataplane.md's. */

/* comments are the operator's way from a rule to the route: ids only, made safe to quote */
static void
arc_fwmgr_append_comment(GString *out, const gchar *text)
{
	g_string_append(out, " comment \"");
	for (guint i = 0; text[i] != '\0' && i < 120; i++) {
		gchar c = text[i];
		g_string_append_c(out, g_ascii_isalnum(c) || strchr(" _.:-()/", c) ? c : '_');
	}
	g_string_append_c(out, '"');
}

/**
 * arc_fwmgr_service_mark:
 * @view: a view
 * @slots: the slots of its members
 * @config: the ranges
 * @service: a service of @view
 * @why: (out) (optional): when the service carries nothing, why
 *
 * What the service's routes and its interface do to a packet they win: the mark of its
 * target peer, or 0 when the service carries nothing here (the license is suspended, its
 * traffic enters at another peer, this peer or the target is over_limit, the target is gone or
 * is this peer).
 *
 * Returns: the mark, 0 for none
 */
guint32
arc_fwmgr_service_mark(const ArcClusterView *view, const ArcPeerSlots *slots,
		       const ArcDataplaneConfig *config, const ArcClusterService *service,
		       gchar **why)
{
	const ArcClusterSelf *node = arc_cluster_view_get_self(view);
	const ArcClusterMember *target, *self_member;
	const gchar *reason = NULL;
	guint slot = 0;

	target = arc_cluster_view_find_member(view, service->target_peer_id);
	self_member = arc_cluster_view_find_member(view, node->peer_id);
	if (arc_cluster_view_get_license_state(view) == ARC_LICENSE_STATE_SUSPENDED)
		reason = "the license is suspended";
	else if (g_strcmp0(service->source_peer_id, node->peer_id) != 0)
		reason = "its traffic enters at another peer";
	else if (self_member != NULL && self_member->over_limit)
		reason = "this peer is over_limit";
	else if (g_strcmp0(service->target_peer_id, node->peer_id) == 0)
		reason = "the target is this peer";
	else if (target == NULL)
		reason = "the target is not an active member";
	else if (target->over_limit)
		reason = "the target is over_limit";
	else if ((slot = arc_peer_slots_lookup(slots, target->peer_id)) == 0)
		reason = "the target has no mark";
	if (why != NULL)
		*why = g_strdup(reason);
	return reason == NULL ? config->mark_base + slot : 0;
}

/**
 * arc_fwmgr_route_mark:
 * @view: a view
 * @slots: the slots of its members
 * @config: the ranges
 * @route: a route of @view
 * @why: (out) (optional): when the route carries nothing, why
 *
 * What the route does to a packet it wins: its service's mark (arc_fwmgr_service_mark()).
 *
 * Returns: the mark, 0 for none
 */
guint32
arc_fwmgr_route_mark(const ArcClusterView *view, const ArcPeerSlots *slots,
		     const ArcDataplaneConfig *config, const ArcRoute *route, gchar **why)
{
	return arc_fwmgr_service_mark(view, slots, config,
				      arc_cluster_view_find_service(view, route->service_id), why);
}

/* Category 1 of docs/routing.md: what enters on a service's MACVLAN is that service's, before
 * any route; so these rules come first in the route chain. Only services this node is the
 * source of have an interface here. */
static void
arc_fwmgr_append_interfaces(GString *out, const ArcClusterView *view, const ArcPeerSlots *slots,
			    const ArcDataplaneConfig *config)
{
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;

	for (guint i = 0; i < arc_cluster_view_get_n_services(view); i++) {
		const ArcClusterService *service = arc_cluster_view_get_service(view, i);
		g_autofree gchar *why = NULL;
		g_autofree gchar *comment = NULL;
		guint32 mark;

		if (service->interface[0] == '\0' ||
		    g_strcmp0(service->source_peer_id, self_id) != 0)
			continue;
		mark = arc_fwmgr_service_mark(view, slots, config, service, &why);
		g_string_append_printf(out, "\t\tiifname \"%s\" ", service->interface);
		if (mark != 0) {
			g_string_append_printf(out, "meta mark set 0x%08x return", mark);
			comment = g_strdup_printf("interface %s to %s", service->id,
						  service->target_peer_id);
		} else {
			g_string_append(out, "return");
			comment = g_strdup_printf("interface %s carries nothing: %s", service->id,
						  why);
		}
		arc_fwmgr_append_comment(out, comment);
		g_string_append_c(out, '\n');
	}
}

static void
arc_fwmgr_append_cidr(GString *out, const gchar *field, const ArcCidr *cidr)
{
	g_autofree gchar *text = arc_cidr_to_string(cidr);

	g_string_append_printf(out, "%s %s %s ", cidr->family == 4 ? "ip" : "ip6", field, text);
}

/* one rule of the route chain; nothing for a route that can match no packet */
static void
arc_fwmgr_append_route(GString *out, const ArcClusterView *view, const ArcPeerSlots *slots,
		       const ArcDataplaneConfig *config, const ArcRoute *route)
{
	const ArcClusterService *service = arc_cluster_view_find_service(view, route->service_id);
	g_autofree gchar *why = NULL;
	g_autofree gchar *comment = NULL;
	guint32 mark;

	if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
		return;
	if (route->has_source && route->has_destination &&
	    route->source.family != route->destination.family)
		return;
	mark = arc_fwmgr_route_mark(view, slots, config, route, &why);
	g_string_append(out, "\t\t");
	if (route->has_source)
		arc_fwmgr_append_cidr(out, "saddr", &route->source);
	if (route->has_destination)
		arc_fwmgr_append_cidr(out, "daddr", &route->destination);
	if (mark != 0) {
		g_string_append_printf(out, "meta mark set 0x%08x return", mark);
		comment = g_strdup_printf("route %" G_GINT64_FORMAT " %s to %s", route->id,
					  service->id, service->target_peer_id);
	} else {
		g_string_append(out, "return");
		comment = g_strdup_printf("route %" G_GINT64_FORMAT " %s carries nothing: %s",
					  route->id, service->id, why);
	}
	arc_fwmgr_append_comment(out, comment);
	g_string_append_c(out, '\n');
}

/* every route of the view, in the order of the evaluation: the first match is explain's
 * winner and stops the chain, marked or not */
static void
arc_fwmgr_append_route_chain(GString *out, const ArcClusterView *view, const ArcPeerSlots *slots,
			     const ArcDataplaneConfig *config)
{
	GPtrArray *ordered = arc_cluster_view_get_routes_ordered(view);

	g_string_append(out, "\tchain route {\n");
	arc_fwmgr_append_interfaces(out, view, slots, config);
	for (guint i = 0; i < ordered->len; i++)
		arc_fwmgr_append_route(out, view, slots, config, g_ptr_array_index(ordered, i));
	g_string_append(out, "\t}\n");
}

static void
arc_fwmgr_append_hooks(GString *out, const ArcClusterView *view, const ArcDataplaneConfig *config)
{
	g_string_append(out, "\tchain prerouting {\n"
			     "\t\ttype filter hook prerouting priority mangle; policy accept;\n");
	arc_tproxymgr_render_socket_rule(out, view, config);
	g_string_append(out,
			"\t\tiifname \"arc-*\" return comment \"from a tunnel: exit traffic\"\n"
			"\t\tct direction reply return\n"
			"\t\tmeta l4proto tcp goto tproxymgr\n"
			"\t\tmeta l4proto != tcp jump route\n"
			"\t}\n");
	g_string_append_printf(out,
			       "\tchain output {\n"
			       "\t\ttype route hook output priority mangle; policy accept;\n"
			       "\t\tmeta mark & 0x%08x == 0x%08x return comment \"the tunnel's "
			       "own packets\"\n"
			       "\t\tct direction reply return\n"
			       "\t\tmeta l4proto tcp goto tproxymgr_output\n"
			       "\t\tmeta l4proto != tcp jump route\n"
			       "\t}\n",
			       config->mark_mask, config->mark_base);
	/* TCP matching a route is the transparent proxy's */
	arc_tproxymgr_render_chains(out, view, config);
	g_string_append(out,
			"\tchain postrouting {\n"
			"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			"\t\toifname \"arc-*\" masquerade comment \"into a tunnel\"\n"
			"\t\tiifname \"arc-*\" oifname != \"arc-*\" masquerade comment \"out of a "
			"tunnel\"\n"
			"\t}\n"
			"\tchain forward {\n"
			"\t\ttype filter hook forward priority filter; policy accept;\n"
			"\t\tiifname \"arc-*\" accept\n"
			"\t\toifname \"arc-*\" accept\n"
			"\t}\n");
}

/**
 * arc_fwmgr_render:
 * @view: what to realise
 * @slots: the slots of its members
 * @config: the ranges
 *
 * Returns: (transfer full): `table inet arctic { … }` in nft's syntax
 */
gchar *
arc_fwmgr_render(const ArcClusterView *view, const ArcPeerSlots *slots,
		 const ArcDataplaneConfig *config)
{
	GString *out = g_string_new(NULL);

	g_string_append(out, "table inet " ARC_FWMGR_TABLE " {\n");
	arc_fwmgr_append_hooks(out, view, config);
	arc_fwmgr_append_route_chain(out, view, slots, config);
	g_string_append(out, "}\n");
	return g_string_free(out, FALSE);
}
