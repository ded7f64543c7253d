/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <netinet/in.h>
#include <sys/socket.h>

G_BEGIN_DECLS

/*
 * Where a peer is reached: its UDP address and, once a packet came from it, the local address
 * it was sent to (the "sticky source"), so replies leave from the address the peer talks to on
 * a host with several. Plain value type; copy it freely, no thread-safety concerns of its own.
 */
typedef union {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
} TempestSockaddr;

typedef struct {
	TempestSockaddr dst;
	/* sticky source: AF_UNSPEC when unknown; ifindex is the IPv6 packet-info interface */
	guint8 src_family;
	guint32 src_ifindex;
	union {
		struct in_addr in4;
		struct in6_addr in6;
	} src;
} TempestEndpoint;

/* "[ffff:...:ffff%interface-name]:65535" and its NUL fit */
#define TEMPEST_ENDPOINT_STRING_MAX 80

gboolean tempest_endpoint_parse(const gchar *text, TempestEndpoint *endpoint_out);
gchar *tempest_endpoint_to_string(const TempestEndpoint *endpoint, gchar *buf, gsize buf_len);
socklen_t tempest_endpoint_get_socklen(const TempestEndpoint *endpoint);
gboolean tempest_endpoint_equal(const TempestEndpoint *a, const TempestEndpoint *b);
void tempest_endpoint_clear_src(TempestEndpoint *endpoint);

G_END_DECLS
