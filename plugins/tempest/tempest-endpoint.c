/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-endpoint.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

static gboolean
tempest_endpoint_parse_port(const gchar *text, guint16 *port_out)
{
	guint value = 0;

	if (text[0] == '\0')
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
		value = value * 10 + (guint)(*p - '0');
		if (value > G_MAXUINT16)
			return FALSE;
	}
	*port_out = (guint16)value;
	return TRUE;
}

/* a zone is an interface index or the name of an interface that exists */
static gboolean
tempest_endpoint_parse_zone(const gchar *zone, guint32 *scope_out)
{
	guint64 index;

	if (zone[0] == '\0' || strlen(zone) >= IF_NAMESIZE)
		return FALSE;
	if (g_ascii_string_to_unsigned(zone, 10, 1, G_MAXUINT32, &index, NULL)) {
		*scope_out = (guint32)index;
		return TRUE;
	}
	*scope_out = if_nametoindex(zone);
	return *scope_out != 0;
}

static gboolean
tempest_endpoint_parse_v6(const gchar *text, gsize len, TempestEndpoint *endpoint)
{
	gchar host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	gchar *percent;
	guint32 scope = 0;

	if (len >= sizeof(host))
		return FALSE;
	memcpy(host, text, len);
	host[len] = '\0';
	percent = strchr(host, '%');
	if (percent != NULL) {
		*percent = '\0';
		if (!tempest_endpoint_parse_zone(percent + 1, &scope))
			return FALSE;
	}
	if (inet_pton(AF_INET6, host, &endpoint->dst.in6.sin6_addr) != 1)
		return FALSE;
	endpoint->dst.in6.sin6_family = AF_INET6;
	endpoint->dst.in6.sin6_scope_id = scope;
	return TRUE;
}

/**
 * tempest_endpoint_parse:
 * @text: "A.B.C.D:PORT" or "[IPV6]:PORT" (IPv6 optionally with "%ZONE"); no host names
 * @endpoint_out: (out): the address, without sticky source
 *
 * Returns: FALSE (leaving @endpoint_out alone) for anything else
 */
gboolean
tempest_endpoint_parse(const gchar *text, TempestEndpoint *endpoint_out)
{
	TempestEndpoint endpoint = {0};
	const gchar *colon = strrchr(text, ':');
	guint16 port;

	if (colon == NULL || !tempest_endpoint_parse_port(colon + 1, &port))
		return FALSE;
	if (text[0] == '[') {
		if (colon < text + 2 || colon[-1] != ']')
			return FALSE;
		if (!tempest_endpoint_parse_v6(text + 1, (gsize)(colon - 1 - (text + 1)),
					       &endpoint))
			return FALSE;
		endpoint.dst.in6.sin6_port = htons(port);
	} else {
		gchar host[INET_ADDRSTRLEN];
		gsize len = (gsize)(colon - text);
		if (len == 0 || len >= sizeof(host))
			return FALSE;
		memcpy(host, text, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, &endpoint.dst.in4.sin_addr) != 1)
			return FALSE;
		endpoint.dst.in4.sin_family = AF_INET;
		endpoint.dst.in4.sin_port = htons(port);
	}
	*endpoint_out = endpoint;
	return TRUE;
}

/**
 * tempest_endpoint_to_string:
 *
 * Returns: @buf (at least TEMPEST_ENDPOINT_STRING_MAX bytes) holding the form
 * tempest_endpoint_parse() reads, the zone as a number
 */
gchar *
tempest_endpoint_to_string(const TempestEndpoint *endpoint, gchar *buf, gsize buf_len)
{
	gchar host[INET6_ADDRSTRLEN];

	if (endpoint->dst.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &endpoint->dst.in4.sin_addr, host, sizeof(host));
		g_snprintf(buf, buf_len, "%s:%u", host, ntohs(endpoint->dst.in4.sin_port));
	} else if (endpoint->dst.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &endpoint->dst.in6.sin6_addr, host, sizeof(host));
		if (endpoint->dst.in6.sin6_scope_id != 0)
			g_snprintf(buf, buf_len, "[%s%%%u]:%u", host,
				   endpoint->dst.in6.sin6_scope_id,
				   ntohs(endpoint->dst.in6.sin6_port));
		else
			g_snprintf(buf, buf_len, "[%s]:%u", host,
				   ntohs(endpoint->dst.in6.sin6_port));
	} else {
		g_strlcpy(buf, "", buf_len);
	}
	return buf;
}

/**
 * tempest_endpoint_get_socklen:
 *
 * Returns: the length of the destination's sockaddr for sendmsg(), 0 when unset
 */
socklen_t
tempest_endpoint_get_socklen(const TempestEndpoint *endpoint)
{
	if (endpoint->dst.sa.sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (endpoint->dst.sa.sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

/**
 * tempest_endpoint_equal:
 *
 * Returns: whether both name the same destination (address, port, zone); sources are ignored
 */
gboolean
tempest_endpoint_equal(const TempestEndpoint *a, const TempestEndpoint *b)
{
	if (a->dst.sa.sa_family != b->dst.sa.sa_family)
		return FALSE;
	if (a->dst.sa.sa_family == AF_INET)
		return a->dst.in4.sin_port == b->dst.in4.sin_port &&
		       a->dst.in4.sin_addr.s_addr == b->dst.in4.sin_addr.s_addr;
	if (a->dst.sa.sa_family == AF_INET6)
		return a->dst.in6.sin6_port == b->dst.in6.sin6_port &&
		       a->dst.in6.sin6_scope_id == b->dst.in6.sin6_scope_id &&
		       memcmp(&a->dst.in6.sin6_addr, &b->dst.in6.sin6_addr, 16) == 0;
	return TRUE;
}

/**
 * tempest_endpoint_clear_src:
 *
 * Forgets the sticky source (the route changed, or sending from it failed).
 */
void
tempest_endpoint_clear_src(TempestEndpoint *endpoint)
{
	endpoint->src_family = AF_UNSPEC;
	endpoint->src_ifindex = 0;
	memset(&endpoint->src, 0, sizeof(endpoint->src));
}
