/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-tunnel-status.h"

/* What a tunnel plugin reports of its peers (arc_tunnel_get_stats(), docs/dataplane.md,
 * "Troubleshooting the tunnel"), read by arc_tunnel_peer_status_parse(). The plugin runs in the
 * agent, but the agent shows what it says to operators, in JSON, /metrics and D-Bus: whatever the
 * shape, every entry names one of the peers the agent gave the tunnel, once, with no negative
 * handshake time and an endpoint that is short printable ASCII or none. An input that reads
 * as GVariant text is that value (the seeds); any other is the serialised form of a `v`. */

/* the keys of the two peers the agent gave the tunnel: 32 × "B" and 32 × "C" */
#define ARC_FUZZ_KEY_B "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
#define ARC_FUZZ_KEY_C "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M="

static void G_GNUC_NORETURN
arc_fuzz_tunnel_status_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-tunnel-status: %s\n", what);
	abort();
}

static GVariant *
arc_fuzz_tunnel_status_read(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = g_strndup((const gchar *)data, size);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GVariant) boxed = NULL;
	g_autoptr(GVariant) normal = NULL;
	GVariant *parsed = g_variant_parse(NULL, text, NULL, NULL, NULL);

	/* not floating: the reference is ours */
	if (parsed != NULL)
		return parsed;
	bytes = g_bytes_new(data, size);
	boxed = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE_VARIANT, bytes, FALSE));
	normal = g_variant_get_normal_form(boxed);
	return g_variant_get_variant(normal);
}

static void
arc_fuzz_tunnel_status_check(const ArcTunnelPeerStatus *status, GPtrArray *list, guint index)
{
	if (g_strcmp0(status->peer_id, "peer_b") != 0 && g_strcmp0(status->peer_id, "peer_c") != 0)
		arc_fuzz_tunnel_status_fail(
			"an entry for a peer the agent did not give the tunnel");
	for (guint j = 0; j < index; j++) {
		const ArcTunnelPeerStatus *other = g_ptr_array_index(list, j);
		if (g_strcmp0(other->peer_id, status->peer_id) == 0)
			arc_fuzz_tunnel_status_fail("the same peer twice");
	}
	if (status->last_handshake < 0)
		arc_fuzz_tunnel_status_fail("a negative handshake time");
	if (status->endpoint == NULL)
		return;
	if (status->endpoint[0] == '\0' ||
	    strlen(status->endpoint) > ARC_TUNNEL_STATUS_ENDPOINT_MAX)
		arc_fuzz_tunnel_status_fail("an empty or overlong endpoint");
	for (const gchar *p = status->endpoint; *p != '\0'; p++) {
		if (!g_ascii_isgraph(*p))
			arc_fuzz_tunnel_status_fail(
				"an endpoint with a byte an operator should not see");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GVariant) stats = arc_fuzz_tunnel_status_read(data, size);
	g_autoptr(GPtrArray) list = NULL;

	g_hash_table_insert(ids, (gpointer)ARC_FUZZ_KEY_B, (gpointer) "peer_b");
	g_hash_table_insert(ids, (gpointer)ARC_FUZZ_KEY_C, (gpointer) "peer_c");
	list = arc_tunnel_peer_status_parse(stats, ids);
	if (list->len > 2)
		arc_fuzz_tunnel_status_fail("more entries than peers");
	for (guint i = 0; i < list->len; i++)
		arc_fuzz_tunnel_status_check(g_ptr_array_index(list, i), list, i);
	return 0;
}
