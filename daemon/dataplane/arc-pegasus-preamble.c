/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-pegasus-preamble.h"

#include <string.h>

/* Layout (docs/protocol.md): version, flags, family, service id length, destination port,
 * source port (big-endian), destination address, source address (4 or 16 bytes each), the
 * service id. Every field is checked before the next is read, so a short read of a valid
 * beginning says "more" and anything else is refused at its first wrong byte. */

static gboolean
arc_pegasus_service_char_ok(guint8 c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '-';
}

/**
 * arc_pegasus_preamble_write:
 * @preamble: what to send; @service_id 1 to 64 of `[A-Za-z0-9_-]`
 * @out: the bytes
 *
 * Returns: how many bytes of @out were written
 */
gsize
arc_pegasus_preamble_write(const ArcPegasusPreamble *preamble, guint8 out[ARC_PEGASUS_PREAMBLE_MAX])
{
	gsize alen = preamble->family == 4 ? 4 : 16;
	gsize idlen = strnlen(preamble->service_id, ARC_PEGASUS_SERVICE_ID_MAX);
	gsize at = ARC_PEGASUS_HEADER_SIZE;

	out[0] = ARC_PEGASUS_VERSION;
	out[1] = preamble->flags;
	out[2] = preamble->family;
	out[3] = (guint8)idlen;
	out[4] = preamble->destination_port >> 8;
	out[5] = preamble->destination_port & 0xff;
	out[6] = preamble->source_port >> 8;
	out[7] = preamble->source_port & 0xff;
	memcpy(out + at, preamble->destination, alen);
	at += alen;
	memcpy(out + at, preamble->source, alen);
	at += alen;
	memcpy(out + at, preamble->service_id, idlen);
	return at + idlen;
}

/* the fixed header: its fields, or why it is refused */
static const gchar *
arc_pegasus_check_header(const guint8 *data, gsize len)
{
	if (len >= 1 && data[0] != ARC_PEGASUS_VERSION)
		return "unknown version";
	if (len >= 2 && (data[1] & ~ARC_PEGASUS_FLAG_TRANSPARENT) != 0)
		return "unknown flags";
	if (len >= 3 && data[2] != 4 && data[2] != 6)
		return "unknown address family";
	if (len >= 4 && (data[3] == 0 || data[3] > ARC_PEGASUS_SERVICE_ID_MAX))
		return "bad service id length";
	if (len >= 6 && data[4] == 0 && data[5] == 0)
		return "destination port 0";
	return NULL;
}

/**
 * arc_pegasus_preamble_parse:
 * @data: what was read so far
 * @len: its length
 * @out: (out): the preamble, when complete
 * @consumed: (out): its length in @data, when complete
 * @why: (out) (optional): why it is refused
 *
 * Returns: OK with @out set, MORE for a valid beginning, INVALID
 */
ArcPegasusParse
arc_pegasus_preamble_parse(const guint8 *data, gsize len, ArcPegasusPreamble *out, gsize *consumed,
			   const gchar **why)
{
	const gchar *bad = arc_pegasus_check_header(data, len);
	gsize alen, idlen, total;

	if (bad == NULL && len >= ARC_PEGASUS_HEADER_SIZE) {
		alen = data[2] == 4 ? 4 : 16;
		idlen = data[3];
		total = ARC_PEGASUS_HEADER_SIZE + 2 * alen + idlen;
		for (gsize i = ARC_PEGASUS_HEADER_SIZE + 2 * alen; i < MIN(len, total) && !bad; i++)
			if (!arc_pegasus_service_char_ok(data[i]))
				bad = "bad character in the service id";
		if (bad == NULL && len >= total) {
			memset(out, 0, sizeof(*out));
			out->flags = data[1];
			out->family = data[2];
			out->destination_port = (guint16)(data[4] << 8 | data[5]);
			out->source_port = (guint16)(data[6] << 8 | data[7]);
			memcpy(out->destination, data + ARC_PEGASUS_HEADER_SIZE, alen);
			memcpy(out->source, data + ARC_PEGASUS_HEADER_SIZE + alen, alen);
			memcpy(out->service_id, data + ARC_PEGASUS_HEADER_SIZE + 2 * alen, idlen);
			*consumed = total;
			return ARC_PEGASUS_PARSE_OK;
		}
	}
	if (why != NULL)
		*why = bad;
	return bad != NULL ? ARC_PEGASUS_PARSE_INVALID : ARC_PEGASUS_PARSE_MORE;
}

/**
 * arc_pegasus_status_to_string:
 * @status: a status byte
 *
 * Returns: what it says, for the log
 */
const gchar *
arc_pegasus_status_to_string(guint8 status)
{
	static const gchar *const names[] = {"connected", "refused",     "unreachable",
					     "timeout",   "not allowed", "bad preamble"};

	return status < G_N_ELEMENTS(names) ? names[status] : "unknown status";
}

static void
arc_pegasus_address(guint8 family, const guint8 *bytes, ArcCidr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefix = family == 4 ? 32 : 128;
	memcpy(out->bytes, bytes, family == 4 ? 4 : 16);
}

/* loopback, or this node's own API: reached only when a route names it on purpose */
static gboolean
arc_pegasus_is_protected(const ArcClusterView *view, const ArcCidr *destination, guint16 port)
{
	static const guint8 v6_loopback[16] = {[15] = 1};
	const ArcClusterMember *self_member =
		arc_cluster_view_find_member(view, arc_cluster_view_get_self(view)->peer_id);
	g_autofree gchar *text = arc_cidr_to_string(destination);
	g_autofree gchar *endpoint = NULL;

	if ((destination->family == 4 && destination->bytes[0] == 127) ||
	    (destination->family == 6 && memcmp(destination->bytes, v6_loopback, 16) == 0))
		return TRUE;
	if (self_member == NULL || self_member->api_endpoint == NULL)
		return FALSE;
	/* the CIDR text ends in /32 or /128: the address is what comes before */
	*strchr(text, '/') = '\0';
	endpoint = destination->family == 4 ? g_strdup_printf("%s:%u", text, port)
					    : g_strdup_printf("[%s]:%u", text, port);
	return g_strcmp0(endpoint, self_member->api_endpoint) == 0;
}

/* whether one of @service_id's routes could have captured this connection; @explicit: one
 * names the destination on purpose: a host route to it, or a network inside 127.0.0.0/8 */
static gboolean
arc_pegasus_route_allows(const ArcClusterView *view, const gchar *service_id, const ArcCidr *source,
			 const ArcCidr *destination, gboolean *explicit)
{
	GArray *routes = arc_cluster_view_get_incoming_routes(view);
	gboolean allowed = FALSE;

	*explicit = FALSE;
	for (guint i = 0; i < routes->len; i++) {
		const ArcRoute *route = &g_array_index(routes, ArcRoute, i);

		if (g_strcmp0(route->service_id, service_id) != 0 ||
		    arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
			continue;
		if (route->has_source && !arc_cidr_contains(&route->source, source))
			continue;
		if (route->has_destination && !arc_cidr_contains(&route->destination, destination))
			continue;
		allowed = TRUE;
		if (route->has_destination &&
		    (route->destination.prefix == (route->destination.family == 4 ? 32 : 128) ||
		     (route->destination.family == 4 && route->destination.prefix >= 8 &&
		      route->destination.bytes[0] == 127)))
			*explicit = TRUE;
	}
	return allowed;
}

/**
 * arc_pegasus_exit_check:
 * @view: the exit's current view
 * @preamble: what the stream asks for
 * @from_peer_id: the peer the transport authenticated
 * @why: (out): why it is not allowed
 *
 * The exit opens a connection only for a service that leaves here, asked by the peer where
 * it enters, towards a destination one of its routes covers; loopback and this agent's own
 * API only when such a route names them on purpose (a host route, or a destination inside
 * 127.0.0.0/8): a broad route such as 0.0.0.0/0 or 10.0.0.0/8 does not.
 *
 * Returns: %ARC_PEGASUS_STATUS_CONNECTED when allowed, else %ARC_PEGASUS_STATUS_NOT_ALLOWED
 */
ArcPegasusStatus
arc_pegasus_exit_check(const ArcClusterView *view, const ArcPegasusPreamble *preamble,
		       const gchar *from_peer_id, const gchar **why)
{
	const ArcClusterService *service =
		arc_cluster_view_find_incoming_service(view, preamble->service_id);
	ArcCidr source, destination;
	gboolean explicit = FALSE;

	arc_pegasus_address(preamble->family, preamble->source, &source);
	arc_pegasus_address(preamble->family, preamble->destination, &destination);
	*why = NULL;
	if (service == NULL)
		*why = "no such active service here";
	else if (g_strcmp0(service->target_peer_id, arc_cluster_view_get_self(view)->peer_id) != 0)
		*why = "the service does not leave at this peer";
	else if (g_strcmp0(service->source_peer_id, from_peer_id) != 0)
		*why = "the stream does not come from the service's source peer";
	else if (arc_cluster_view_get_license_state(view) == ARC_LICENSE_STATE_SUSPENDED)
		*why = "the license is suspended";
	else if (!arc_pegasus_route_allows(view, preamble->service_id, &source, &destination,
					   &explicit))
		*why = "no route of the service covers the destination";
	else if (!explicit &&
		 arc_pegasus_is_protected(view, &destination, preamble->destination_port))
		*why = "the destination is loopback or this agent's API, which no route names";
	return *why == NULL ? ARC_PEGASUS_STATUS_CONNECTED : ARC_PEGASUS_STATUS_NOT_ALLOWED;
}
