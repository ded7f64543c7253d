/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-tunnel-status.h"

/* What a tunnel plugin reports of its peers, read defensively: whatever shape a plugin gives
 * its a{sv}, the agent shows only well-typed values of the peers it gave the tunnel. */

/* 32 × "B" and 32 × "C": the keys of the two peers iptunmgr gave the tunnel */
#define TS_KEY_B "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
#define TS_KEY_C "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M="

static GHashTable *
ts_ids(void)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);

	g_hash_table_insert(ids, (gpointer)TS_KEY_B, (gpointer) "peer_b");
	g_hash_table_insert(ids, (gpointer)TS_KEY_C, (gpointer) "peer_c");
	return ids;
}

typedef struct {
	const gchar *name;
	const gchar *stats; /* GVariant text, NULL for no variant at all */
	/* what the list holds: "peer endpoint handshake rx tx;" per entry */
	const gchar *expected;
} TsCase;

static const TsCase ts_cases[] = {
	{"none", NULL, ""},
	{"not a dict", "@as ['peers']", ""},
	{"no peers", "@a{sv} {'listen-port': <@q 51840>}", ""},
	{"peers of another type", "@a{sv} {'peers': <'x'>}", ""},
	{"peers as an array of strings", "@a{sv} {'peers': <['x']>}", ""},
	{"empty", "@a{sv} {'peers': <@aa{sv} []>}", ""},
	{"good",
	 "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'endpoint': <'192.0.2.2:51840'>,"
	 " 'rx-bytes': <@t 10>, 'tx-bytes': <@t 20>, 'last-handshake': <@x 1700000000>}]>}",
	 "peer_b 192.0.2.2:51840 1700000000 10 20;"},
	{"no key", "{'peers': <[{'endpoint': <'192.0.2.2:51840'>, 'rx-bytes': <@t 10>}]>}", ""},
	{"a key of another type",
	 "{'peers': <[{'public-key': <@ay [0x42]>, 'rx-bytes': <@t 10>}]>}", ""},
	{"an unknown key", "{'peers': <[{'public-key': <'" TS_KEY_B "x'>, 'rx-bytes': <@t 10>}]>}",
	 ""},
	{"counters and time of other types",
	 "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'rx-bytes': <@i -5>,"
	 " 'tx-bytes': <'many'>, 'last-handshake': <@t 1700000000>, 'endpoint': <@u 7>}]>}",
	 "peer_b - 0 0 0;"},
	{"a negative handshake time",
	 "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'last-handshake': <@x -1>}]>}",
	 "peer_b - 0 0 0;"},
	{"an endpoint an operator should not see",
	 "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'endpoint': <'a\\u001b[2Jb'>}]>}",
	 "peer_b - 0 0 0;"},
	{"an empty endpoint", "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'endpoint': <''>}]>}",
	 "peer_b - 0 0 0;"},
	{"the same peer twice: the first counts",
	 "{'peers': <[{'public-key': <'" TS_KEY_B "'>, 'rx-bytes': <@t 1>},"
	 " {'public-key': <'" TS_KEY_B "'>, 'rx-bytes': <@t 2>},"
	 " {'public-key': <'" TS_KEY_C "'>, 'tx-bytes': <@t 3>}]>}",
	 "peer_b - 0 1 0;peer_c - 0 0 3;"},
};

static gchar *
ts_describe(GPtrArray *list)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < list->len; i++) {
		const ArcTunnelPeerStatus *s = g_ptr_array_index(list, i);
		g_string_append_printf(out,
				       "%s %s %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT
				       " %" G_GUINT64_FORMAT ";",
				       s->peer_id, s->endpoint != NULL ? s->endpoint : "-",
				       s->last_handshake, s->rx_bytes, s->tx_bytes);
	}
	return g_string_free(out, FALSE);
}

static void
ts_parse_func(void)
{
	g_autoptr(GHashTable) ids = ts_ids();

	for (guint i = 0; i < G_N_ELEMENTS(ts_cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) stats = NULL;
		g_autoptr(GPtrArray) list = NULL;
		g_autofree gchar *got = NULL;

		g_test_message("%s", ts_cases[i].name);
		if (ts_cases[i].stats != NULL) {
			/* not floating: the reference is ours */
			stats = g_variant_parse(NULL, ts_cases[i].stats, NULL, NULL, &error);
			g_assert_no_error(error);
		}
		list = arc_tunnel_peer_status_parse(stats, ids);
		got = ts_describe(list);
		g_assert_cmpstr(got, ==, ts_cases[i].expected);
	}
}

/* serialised bytes that are no valid a{sv} at all read as nothing, never as a crash */
static void
ts_bytes_func(void)
{
	g_autoptr(GHashTable) ids = ts_ids();
	const guint8 junk[] = {0xff, 0x00, 0x12, 0x80, 'p', 'e', 'e', 'r', 's', 0, 0x07};
	g_autoptr(GBytes) bytes = g_bytes_new(junk, sizeof(junk));
	g_autoptr(GVariant) stats =
		g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE_VARDICT, bytes, FALSE));
	g_autoptr(GPtrArray) list = arc_tunnel_peer_status_parse(stats, ids);

	g_assert_cmpuint(list->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tunnel-status/parse", ts_parse_func);
	g_test_add_func("/tunnel-status/bytes", ts_bytes_func);
	return g_test_run();
}
