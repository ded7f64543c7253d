/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-tproxymgr.h"

#include <string.h>

/* The proxy's chains of `table inet arctic`: pure, like the route chain beside them, so that
 * the unit tests hold them against explain's evaluation. TCP from prerouting goes to
 * `tproxymgr`, TCP from output to `tproxymgr_output`: TPROXY exists in prerouting only, so a
 * locally originated connection is marked in output, policy routing sends it to `lo`
 * (netmgr's proxy table: `local default dev lo`), and prerouting captures it there. */

/**
 * arc_tproxymgr_service_carries:
 * @view: a view
 * @service_id: a service of @view
 * @why: (out) (optional): when it carries nothing, why
 *
 * Whether the proxy takes a TCP connection a route of this service wins. Unlike the tunnel,
 * a service whose target is this peer carries: the proxy connects to the destination itself.
 *
 * Returns: %TRUE when it carries
 */
gboolean
arc_tproxymgr_service_carries(const ArcClusterView *view, const gchar *service_id, gchar **why)
{
	const ArcClusterSelf *node = arc_cluster_view_get_self(view);
	const ArcClusterService *service = arc_cluster_view_find_service(view, service_id);
	const ArcClusterMember *target = NULL;
	const ArcClusterMember *self_member = arc_cluster_view_find_member(view, node->peer_id);
	const gchar *reason = NULL;

	if (service != NULL)
		target = arc_cluster_view_find_member(view, service->target_peer_id);
	if (service == NULL)
		reason = "no such active service";
	else if (arc_cluster_view_get_license_state(view) == ARC_LICENSE_STATE_SUSPENDED)
		reason = "the license is suspended";
	else if (g_strcmp0(service->source_peer_id, node->peer_id) != 0)
		reason = "its traffic enters at another peer";
	else if (self_member != NULL && self_member->over_limit)
		reason = "this peer is over_limit";
	else if (g_strcmp0(service->target_peer_id, node->peer_id) == 0)
		reason = NULL;
	else if (target == NULL)
		reason = "the target is not an active member";
	else if (target->over_limit)
		reason = "the target is over_limit";
	if (why != NULL)
		*why = g_strdup(reason);
	return reason == NULL;
}

/* a comment names the route for an operator: ids only, made safe to quote */
static void
arc_tproxymgr_append_comment(GString *out, const gchar *text)
{
	g_string_append(out, " comment \"");
	for (guint i = 0; text[i] != '\0' && i < 120; i++) {
		gchar c = text[i];
		g_string_append_c(out, g_ascii_isalnum(c) || strchr(" _.:-()/'", c) ? c : '_');
	}
	g_string_append(out, "\"\n");
}

/* `ip daddr H tcp dport P return` for a `host:port` that names an address; a host name
 * cannot be matched in the kernel and is skipped (docs/dataplane.md) */
static void
arc_tproxymgr_append_endpoint(GString *out, const gchar *endpoint, guint16 port,
			      const gchar *comment)
{
	g_autofree gchar *host = NULL;
	const gchar *colon;
	ArcCidr address;

	if (endpoint == NULL)
		return;
	colon = strrchr(endpoint, ':');
	if (colon == NULL)
		return;
	host = endpoint[0] == '[' ? g_strndup(endpoint + 1, colon - endpoint - 2)
				  : g_strndup(endpoint, colon - endpoint);
	if (!arc_cidr_read_address(host, &address))
		return;
	if (port == 0)
		port = (guint16)g_ascii_strtoull(colon + 1, NULL, 10);
	g_string_append_printf(out, "\t\t%s daddr %s tcp dport %u return",
			       address.family == 4 ? "ip" : "ip6", host, port);
	arc_tproxymgr_append_comment(out, comment);
}

/* what is never captured, whatever the routes say */
static void
arc_tproxymgr_append_exclusions(GString *out, const ArcClusterView *view,
				const ArcDataplaneConfig *config)
{
	g_string_append(out, "\t\tip daddr 127.0.0.0/8 return comment \"loopback\"\n"
			     "\t\tip6 daddr ::1 return comment \"loopback\"\n");
	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		g_autofree gchar *api = g_strdup_printf("%s's API", member->peer_id);
		g_autofree gchar *transport = g_strdup_printf("%s's transport", member->peer_id);

		arc_tproxymgr_append_endpoint(out, member->api_endpoint, 0, api);
		arc_tproxymgr_append_endpoint(out, member->api_endpoint, config->transport_port,
					      transport);
	}
}

static void
arc_tproxymgr_append_match(GString *out, const ArcRoute *route)
{
	g_autofree gchar *source = route->has_source ? arc_cidr_to_string(&route->source) : NULL;
	g_autofree gchar *destination =
		route->has_destination ? arc_cidr_to_string(&route->destination) : NULL;

	g_string_append(out, "\t\t");
	if (source != NULL)
		g_string_append_printf(out, "%s saddr %s ",
				       route->source.family == 4 ? "ip" : "ip6", source);
	if (destination != NULL)
		g_string_append_printf(out, "%s daddr %s ",
				       route->destination.family == 4 ? "ip" : "ip6", destination);
}

/* Category 1 of docs/routing.md, as in the route chain: TCP entering on a service's MACVLAN
 * is that service's before any route, captured when it carries and otherwise left alone
 * (the chain stops). After the exclusions: a member's API stays uncaptured from any side.
 * The proxy has a listener bound to each of these devices, which tells the relay which
 * interface a connection came in on. */
static void
arc_tproxymgr_append_interfaces(GString *out, const ArcClusterView *view)
{
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;

	for (guint i = 0; i < arc_cluster_view_get_n_services(view); i++) {
		const ArcClusterService *service = arc_cluster_view_get_service(view, i);
		g_autofree gchar *why = NULL;
		g_autofree gchar *comment = NULL;

		if (service->interface[0] == '\0' ||
		    g_strcmp0(service->source_peer_id, self_id) != 0)
			continue;
		g_string_append_printf(out, "\t\tiifname \"%s\" ", service->interface);
		if (arc_tproxymgr_service_carries(view, service->id, &why)) {
			g_string_append(out, "goto tproxymgr_capture");
			comment = g_strdup_printf("interface %s to %s", service->id,
						  service->target_peer_id);
		} else {
			g_string_append(out, "return");
			comment = g_strdup_printf("interface %s carries nothing: %s", service->id,
						  why);
		}
		arc_tproxymgr_append_comment(out, comment);
	}
}

/* no proxying without a port, nor under a suspended license (the exit refuses every stream
 * then, and no route carries) */
static gboolean
arc_tproxymgr_is_on(const ArcClusterView *view, const ArcDataplaneConfig *config)
{
	return config->proxy_port != 0 &&
	       arc_cluster_view_get_license_state(view) != ARC_LICENSE_STATE_SUSPENDED;
}

/* one rule per route in the order of the evaluation: the first match is explain's winner,
 * and a route that carries nothing still stops the chain where it wins */
static void
arc_tproxymgr_append_routes(GString *out, const ArcClusterView *view, const gchar *capture)
{
	GPtrArray *ordered = arc_cluster_view_get_routes_ordered(view);

	for (guint i = 0; i < ordered->len; i++) {
		const ArcRoute *route = g_ptr_array_index(ordered, i);
		const ArcClusterService *service =
			arc_cluster_view_find_service(view, route->service_id);
		g_autofree gchar *why = NULL;
		g_autofree gchar *comment = NULL;

		if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE ||
		    (route->has_source && route->has_destination &&
		     route->source.family != route->destination.family))
			continue;
		arc_tproxymgr_append_match(out, route);
		if (arc_tproxymgr_service_carries(view, route->service_id, &why)) {
			g_string_append(out, capture);
			comment = g_strdup_printf("route %" G_GINT64_FORMAT " %s to %s", route->id,
						  service->id, service->target_peer_id);
		} else {
			g_string_append(out, "return");
			comment =
				g_strdup_printf("route %" G_GINT64_FORMAT " %s carries nothing: %s",
						route->id, service->id, why);
		}
		arc_tproxymgr_append_comment(out, comment);
	}
}

/**
 * arc_tproxymgr_render_chains:
 * @out: where the chains go, inside `table inet arctic { … }`
 * @view: the view
 * @config: the ranges and the proxy's port
 *
 * Appends `chain tproxymgr` (prerouting: TPROXY to the listener), `chain tproxymgr_capture`
 * (the capture itself, and a reset when no listener takes the connection: fail-closed) and
 * `chain tproxymgr_output` (locally originated: the proxy's mark, which policy routing sends
 * to `lo`). Without a proxy port the chains are empty and TCP is not captured.
 */
void
arc_tproxymgr_render_chains(GString *out, const ArcClusterView *view,
			    const ArcDataplaneConfig *config)
{
	guint32 mark = arc_dataplane_config_proxy_mark(config);
	g_autofree gchar *to_output = g_strdup_printf("meta mark set 0x%08x return", mark);

	g_string_append(out, "\tchain tproxymgr {\n");
	if (config->proxy_port != 0) {
		arc_tproxymgr_append_exclusions(out, view, config);
		arc_tproxymgr_append_interfaces(out, view);
		arc_tproxymgr_append_routes(out, view, "goto tproxymgr_capture");
	}
	g_string_append(out, "\t}\n\tchain tproxymgr_capture {\n");
	if (arc_tproxymgr_is_on(view, config))
		g_string_append_printf(
			out,
			"\t\tmeta nfproto ipv4 meta l4proto tcp meta mark set 0x%08x tproxy ip to "
			":%u accept\n"
			"\t\tmeta nfproto ipv6 meta l4proto tcp meta mark set 0x%08x tproxy ip6 to "
			":%u accept\n"
			"\t\tmeta l4proto tcp reject with tcp reset comment \"no proxy listening: "
			"refused (fail-closed)\"\n",
			mark, config->proxy_port, mark, config->proxy_port);
	g_string_append(out, "\t}\n\tchain tproxymgr_output {\n");
	if (config->proxy_port != 0) {
		arc_tproxymgr_append_exclusions(out, view, config);
		arc_tproxymgr_append_routes(out, view, to_output);
	}
	g_string_append(out, "\t}\n");
}

/**
 * arc_tproxymgr_render_socket_rule:
 * @out: where the rule goes, first in the prerouting chain
 * @view: the view
 * @config: the ranges and the proxy's port
 *
 * Packets of a connection that has a transparent socket here (a captured one, or the exit's
 * outbound connection with the client's address in transparent mode, whose replies are for
 * an address that is not this host's) get the proxy's mark, so its table delivers them.
 */
void
arc_tproxymgr_render_socket_rule(GString *out, const ArcClusterView *view,
				 const ArcDataplaneConfig *config)
{
	if (!arc_tproxymgr_is_on(view, config))
		return;
	g_string_append_printf(out,
			       "\t\tmeta l4proto tcp socket transparent 1 meta mark set 0x%08x "
			       "accept comment \"a transparent socket of the proxy\"\n",
			       arc_dataplane_config_proxy_mark(config));
}
