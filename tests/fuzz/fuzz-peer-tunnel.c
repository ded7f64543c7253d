/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-peer-tunnel.h"

/* The tunnel fields of a `peer` record come from other agents by gossip (docs/protocol.md
 * §6.5), and a record whose fields this refuses is refused whole. Every body is read; a
 * refusal must carry an error; what is accepted has a port from 1024 and addresses of their
 * family with the full prefix, and writes into a fresh body that reads back the same. */

static void G_GNUC_NORETURN
arc_fuzz_peer_tunnel_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-peer-tunnel: %s\n", what);
	abort();
}

static void
arc_fuzz_peer_tunnel_round_trip(const ArcPeerTunnel *tunnel)
{
	g_autoptr(JsonObject) body = json_object_new();
	g_autoptr(GError) error = NULL;
	ArcPeerTunnel again;

	arc_peer_tunnel_write(body, tunnel);
	if (!arc_peer_tunnel_read(body, &again, &error))
		arc_fuzz_peer_tunnel_fail("what was read does not read back");
	if (again.has_key != tunnel->has_key || memcmp(again.key, tunnel->key, 32) != 0 ||
	    again.port != tunnel->port || again.has_v4 != tunnel->has_v4 ||
	    again.has_v6 != tunnel->has_v6 ||
	    (tunnel->has_v4 && memcmp(again.v4.bytes, tunnel->v4.bytes, 4) != 0) ||
	    (tunnel->has_v6 && memcmp(again.v6.bytes, tunnel->v6.bytes, 16) != 0))
		arc_fuzz_peer_tunnel_fail("the fields changed on the way back");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(JsonNode) root =
		arc_json_parse_object((const gchar *)data, (gssize)size, 8, NULL);
	g_autoptr(GError) error = NULL;
	ArcPeerTunnel tunnel;

	if (root == NULL)
		return 0;
	if (!arc_peer_tunnel_read(json_node_get_object(root), &tunnel, &error)) {
		if (error == NULL)
			arc_fuzz_peer_tunnel_fail("a refusal without an error");
		return 0;
	}
	/* the port every member will send to: never a well-known service's */
	if (tunnel.has_key && tunnel.port < ARC_PEER_TUNNEL_PORT_MIN)
		arc_fuzz_peer_tunnel_fail("a port below 1024 was accepted");
	if ((tunnel.has_v4 && (tunnel.v4.family != 4 || tunnel.v4.prefix != 32)) ||
	    (tunnel.has_v6 && (tunnel.v6.family != 6 || tunnel.v6.prefix != 128)))
		arc_fuzz_peer_tunnel_fail("an address of the wrong family or with a prefix");
	if (tunnel.has_key)
		arc_fuzz_peer_tunnel_round_trip(&tunnel);
	return 0;
}
