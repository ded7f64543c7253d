/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "routes"

#include "arc-route-table.h"

#include <arpa/inet.h>
#include <arctic-plugin.h>
#include <string.h>

/* ---- CIDRs ---- */

static gboolean
arc_cidr_fail(GError **error, const gchar *text, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR, "invalid CIDR notation '%s': %s",
		    text, why);
	return FALSE;
}

static gboolean
arc_cidr_parse_host(const gchar *host, ArcCidr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(host, ':') != NULL) {
		out->family = 6;
		return inet_pton(AF_INET6, host, out->bytes) == 1;
	}
	out->family = 4;
	return inet_pton(AF_INET, host, out->bytes) == 1;
}

static guint
arc_cidr_bits(const ArcCidr *cidr)
{
	return cidr->family == 4 ? 32 : 128;
}

/* whether every bit of @cidr's address beyond its prefix is zero */
static gboolean
arc_cidr_host_bits_clear(const ArcCidr *cidr)
{
	for (guint bit = cidr->prefix; bit < arc_cidr_bits(cidr); bit++) {
		if (cidr->bytes[bit / 8] & (0x80 >> (bit % 8)))
			return FALSE;
	}
	return TRUE;
}

static void
arc_cidr_clear_host_bits(ArcCidr *cidr)
{
	for (guint bit = cidr->prefix; bit < arc_cidr_bits(cidr); bit++)
		cidr->bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
}

/**
 * arc_cidr_parse:
 * @text: `a.b.c.d/len` or `v6::/len`, untrusted
 * @out: (out): the network
 * @error: return location for a #GError
 *
 * Strict: a prefix length is required, in decimal without leading zeros, within the
 * family's range; the address must be the network's (no host bits set): `10.0.0.1/8` is
 * refused with the network it probably means.
 *
 * Returns: %TRUE if @text is a CIDR; otherwise %ARC_ERROR_INVALID_CIDR
 */
gboolean
arc_cidr_parse(const gchar *text, ArcCidr *out, GError **error)
{
	const gchar *slash;
	g_autofree gchar *host = NULL;
	guint64 prefix = 0;
	ArcCidr cidr;

	if (text == NULL || strlen(text) > 64)
		return arc_cidr_fail(error, text != NULL ? "(too long)" : "", "not a CIDR");
	slash = strchr(text, '/');
	if (slash == NULL)
		return arc_cidr_fail(error, text, "a prefix length is required, e.g. 10.0.0.0/8");
	host = g_strndup(text, (gsize)(slash - text));
	if (!arc_cidr_parse_host(host, &cidr))
		return arc_cidr_fail(error, text, "not an IPv4 or IPv6 address");
	if (slash[1] == '\0' || (slash[1] == '0' && slash[2] != '\0') ||
	    !g_ascii_string_to_unsigned(slash + 1, 10, 0, arc_cidr_bits(&cidr), &prefix, NULL)) {
		g_autofree gchar *why =
			g_strdup_printf("the prefix length must be 0 to %u", arc_cidr_bits(&cidr));
		return arc_cidr_fail(error, text, why);
	}
	cidr.prefix = (guint8)prefix;
	if (!arc_cidr_host_bits_clear(&cidr)) {
		g_autofree gchar *network = NULL;
		g_autofree gchar *why = NULL;
		arc_cidr_clear_host_bits(&cidr);
		network = arc_cidr_to_string(&cidr);
		why = g_strdup_printf("host bits are set; the network is %s", network);
		return arc_cidr_fail(error, text, why);
	}
	*out = cidr;
	return TRUE;
}

/**
 * arc_cidr_parse_address:
 * @text: one IPv4 or IPv6 address, untrusted
 * @out: (out): the address, as a full-length prefix
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text is an address; otherwise %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_cidr_parse_address(const gchar *text, ArcCidr *out, GError **error)
{
	if (text == NULL || strlen(text) > 64 || !arc_cidr_parse_host(text, out)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' is not an IPv4 or IPv6 address", text != NULL ? text : "");
		return FALSE;
	}
	out->prefix = (guint8)arc_cidr_bits(out);
	return TRUE;
}

/**
 * arc_cidr_to_string:
 * @cidr: a network
 *
 * Returns: (transfer full): its canonical text (`2001:db8::/32`)
 */
gchar *
arc_cidr_to_string(const ArcCidr *cidr)
{
	gchar host[INET6_ADDRSTRLEN];

	inet_ntop(cidr->family == 4 ? AF_INET : AF_INET6, cidr->bytes, host, sizeof(host));
	return g_strdup_printf("%s/%u", host, cidr->prefix);
}

/**
 * arc_cidr_contains:
 * @cidr: a network
 * @address: an address (or a network: then whether all of it is inside)
 *
 * Returns: whether @address is in @cidr; never across families
 */
gboolean
arc_cidr_contains(const ArcCidr *cidr, const ArcCidr *address)
{
	guint full = cidr->prefix / 8;
	guint rest = cidr->prefix % 8;

	if (cidr->family != address->family || address->prefix < cidr->prefix)
		return FALSE;
	if (memcmp(cidr->bytes, address->bytes, full) != 0)
		return FALSE;
	if (rest == 0)
		return TRUE;
	return ((cidr->bytes[full] ^ address->bytes[full]) & (guint8)(0xff << (8 - rest))) == 0;
}

/* ---- routes ---- */

const gchar *
arc_route_category_to_string(ArcRouteCategory category)
{
	switch (category) {
	case ARC_ROUTE_CATEGORY_INTERFACE:
		return "interface";
	case ARC_ROUTE_CATEGORY_SOURCE_DESTINATION:
		return "source+destination";
	case ARC_ROUTE_CATEGORY_SOURCE:
		return "source-only";
	case ARC_ROUTE_CATEGORY_DESTINATION:
		return "destination-only";
	case ARC_ROUTE_CATEGORY_NONE:
		break;
	}
	return "none";
}

ArcRouteCategory
arc_route_get_category(const ArcRoute *route)
{
	if (route->has_source && route->has_destination)
		return ARC_ROUTE_CATEGORY_SOURCE_DESTINATION;
	if (route->has_source)
		return ARC_ROUTE_CATEGORY_SOURCE;
	if (route->has_destination)
		return ARC_ROUTE_CATEGORY_DESTINATION;
	return ARC_ROUTE_CATEGORY_NONE;
}

struct _ArcRouteTable {
	GPtrArray *routes;      /* ArcRoute, in the order added */
	GHashTable *interfaces; /* interface name → service id */
};

static void
arc_route_free(ArcRoute *self)
{
	g_free(self->service_id);
	g_free(self);
}

ArcRouteTable *
arc_route_table_new(void)
{
	ArcRouteTable *self = g_new0(ArcRouteTable, 1);
	self->routes = g_ptr_array_new_with_free_func((GDestroyNotify)arc_route_free);
	self->interfaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return self;
}

void
arc_route_table_free(ArcRouteTable *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->routes);
	g_hash_table_unref(self->interfaces);
	g_free(self);
}

/**
 * arc_route_table_add:
 * @self: the table
 * @id: the route id
 * @service_id: the service the route selects
 * @priority: higher is preferred
 * @source: (nullable): the source CIDR
 * @destination: (nullable): the destination CIDR
 *
 * A route with neither CIDR matches nothing.
 */
void
arc_route_table_add(ArcRouteTable *self, gint64 id, const gchar *service_id, gint64 priority,
		    const ArcCidr *source, const ArcCidr *destination)
{
	ArcRoute *route = g_new0(ArcRoute, 1);

	route->id = id;
	route->service_id = g_strdup(service_id);
	route->priority = priority;
	route->has_source = source != NULL;
	if (source != NULL)
		route->source = *source;
	route->has_destination = destination != NULL;
	if (destination != NULL)
		route->destination = *destination;
	g_ptr_array_add(self->routes, route);
}

gboolean
arc_route_table_remove(ArcRouteTable *self, gint64 id)
{
	for (guint i = 0; i < self->routes->len; i++) {
		ArcRoute *route = g_ptr_array_index(self->routes, i);
		if (route->id == id) {
			g_ptr_array_remove_index(self->routes, i);
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * arc_route_table_bind_interface:
 * @self: the table
 * @interface: the name of a service's MACVLAN interface
 * @service_id: the service
 *
 * Traffic arriving on @interface belongs to the service, before any route.
 */
void
arc_route_table_bind_interface(ArcRouteTable *self, const gchar *interface, const gchar *service_id)
{
	g_hash_table_replace(self->interfaces, g_strdup(interface), g_strdup(service_id));
}

guint
arc_route_table_get_size(ArcRouteTable *self)
{
	return self->routes->len;
}

static gboolean
arc_route_matches(const ArcRoute *route, const ArcCidr *source, const ArcCidr *destination)
{
	if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
		return FALSE;
	if (route->has_source && !arc_cidr_contains(&route->source, source))
		return FALSE;
	if (route->has_destination && !arc_cidr_contains(&route->destination, destination))
		return FALSE;
	return TRUE;
}

/* < 0 when @a is preferred over @b, both matching: the category, then within it the longer
 * destination prefix, the longer source prefix, the higher priority, the lower id */
static gint
arc_route_compare(const ArcRoute *a, const ArcRoute *b)
{
	ArcRouteCategory ca = arc_route_get_category(a), cb = arc_route_get_category(b);

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (a->has_destination && a->destination.prefix != b->destination.prefix)
		return a->destination.prefix > b->destination.prefix ? -1 : 1;
	if (a->has_source && a->source.prefix != b->source.prefix)
		return a->source.prefix > b->source.prefix ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/**
 * arc_route_table_lookup:
 * @self: the table
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 * @service_id: (out) (optional) (transfer none): the service chosen, %NULL if none
 *
 * The evaluation of docs/routing.md.
 *
 * Returns: (transfer none) (nullable): the route that won, %NULL for an interface match or
 *   when nothing matched
 */
const ArcRoute *
arc_route_table_lookup(ArcRouteTable *self, const ArcCidr *source, const ArcCidr *destination,
		       const gchar *interface, const gchar **service_id)
{
	const gchar *bound =
		interface != NULL ? g_hash_table_lookup(self->interfaces, interface) : NULL;
	const ArcRoute *best = NULL;

	if (bound != NULL) {
		if (service_id != NULL)
			*service_id = bound;
		return NULL;
	}
	for (guint i = 0; i < self->routes->len; i++) {
		const ArcRoute *route = g_ptr_array_index(self->routes, i);
		if (arc_route_matches(route, source, destination) &&
		    (best == NULL || arc_route_compare(route, best) < 0))
			best = route;
	}
	if (service_id != NULL)
		*service_id = best != NULL ? best->service_id : NULL;
	return best;
}

void
arc_route_decision_free(ArcRouteDecision *self)
{
	if (self == NULL)
		return;
	g_free(self->service_id);
	g_free(self->reason);
	g_array_unref(self->losers);
	g_free(self);
}

static void
arc_route_loser_clear(gpointer data)
{
	ArcRouteLoser *loser = data;
	g_free(loser->reason);
}

/* why @route does not match */
static gchar *
arc_route_mismatch(const ArcRoute *route, const ArcCidr *source, const ArcCidr *destination)
{
	if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
		return g_strdup("has no CIDR: it matches nothing");
	if (route->has_source && !arc_cidr_contains(&route->source, source)) {
		g_autofree gchar *cidr = arc_cidr_to_string(&route->source);
		if (route->source.family != source->family)
			return g_strdup_printf("source %s is IPv%u, the packet IPv%u", cidr,
					       route->source.family, source->family);
		return g_strdup_printf("the source is outside %s", cidr);
	}
	{
		g_autofree gchar *cidr = arc_cidr_to_string(&route->destination);
		if (route->destination.family != destination->family)
			return g_strdup_printf("destination %s is IPv%u, the packet IPv%u", cidr,
					       route->destination.family, destination->family);
		return g_strdup_printf("the destination is outside %s", cidr);
	}
}

/* why @loser, which matches, lost to @winner */
static gchar *
arc_route_lost(const ArcRoute *loser, const ArcRoute *winner)
{
	ArcRouteCategory cl = arc_route_get_category(loser), cw = arc_route_get_category(winner);

	if (cl != cw)
		return g_strdup_printf("a less specific category (%s) than route %" G_GINT64_FORMAT
				       " (%s)",
				       arc_route_category_to_string(cl), winner->id,
				       arc_route_category_to_string(cw));
	if (loser->has_destination && loser->destination.prefix != winner->destination.prefix)
		return g_strdup_printf(
			"a shorter destination prefix (/%u) than route %" G_GINT64_FORMAT " (/%u)",
			loser->destination.prefix, winner->id, winner->destination.prefix);
	if (loser->has_source && loser->source.prefix != winner->source.prefix)
		return g_strdup_printf("a shorter source prefix (/%u) than route %" G_GINT64_FORMAT
				       " (/%u)",
				       loser->source.prefix, winner->id, winner->source.prefix);
	if (loser->priority != winner->priority)
		return g_strdup_printf("a lower priority (%" G_GINT64_FORMAT
				       ") than route %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT ")",
				       loser->priority, winner->id, winner->priority);
	return g_strdup_printf("as specific and as high in priority as route %" G_GINT64_FORMAT
			       ", which has the lower id",
			       winner->id);
}

/**
 * arc_route_table_explain:
 * @self: the table
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 *
 * The same evaluation as arc_route_table_lookup(), with the reason for every route.
 *
 * Returns: (transfer full): the decision
 */
ArcRouteDecision *
arc_route_table_explain(ArcRouteTable *self, const ArcCidr *source, const ArcCidr *destination,
			const gchar *interface)
{
	ArcRouteDecision *decision = g_new0(ArcRouteDecision, 1);
	const gchar *service_id = NULL;
	const ArcRoute *winner =
		arc_route_table_lookup(self, source, destination, interface, &service_id);

	decision->losers = g_array_new(FALSE, TRUE, sizeof(ArcRouteLoser));
	g_array_set_clear_func(decision->losers, arc_route_loser_clear);
	decision->service_id = g_strdup(service_id);
	decision->route = winner;
	if (service_id != NULL && winner == NULL) {
		decision->category = ARC_ROUTE_CATEGORY_INTERFACE;
		decision->reason = g_strdup_printf("the packet arrived on %s, the interface of "
						   "service %s: interfaces come before routes",
						   interface, service_id);
	} else if (winner != NULL) {
		decision->category = arc_route_get_category(winner);
		decision->reason =
			g_strdup_printf("the most specific matching route (%s), then the highest "
					"priority",
					arc_route_category_to_string(decision->category));
	} else {
		decision->category = ARC_ROUTE_CATEGORY_NONE;
		decision->reason = g_strdup("no route matches and no service interface applies");
	}
	for (guint i = 0; i < self->routes->len; i++) {
		const ArcRoute *route = g_ptr_array_index(self->routes, i);
		ArcRouteLoser loser = {route, NULL};

		if (route == winner)
			continue;
		if (!arc_route_matches(route, source, destination))
			loser.reason = arc_route_mismatch(route, source, destination);
		else if (winner == NULL)
			loser.reason = g_strdup("the interface match comes first");
		else
			loser.reason = arc_route_lost(route, winner);
		g_array_append_val(decision->losers, loser);
	}
	return decision;
}
