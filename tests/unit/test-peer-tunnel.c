/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-peer-manager.h"
#include "arc-record-sign.h"
#include "arc-tunnel-address.h"
#include "arc-unit-fixture.h"

/* The tunnel fields of the peer records through the peer manager, in-process over the real
 * sqlite plugin (docs/protocol.md, "Tunnel addresses"): this agent (A) states its tunnel key,
 * port and addresses in its own record, once; a concurrent claim by B that came first moves
 * it, a later one does not; a record in which B states them badly is refused (one stored
 * before that check: its fields are ignored, and said once). */

#define TEST_NOW G_GINT64_CONSTANT(1780000500)

typedef struct {
	ArcUnitFixture unit;
	ArcPeerManager *peers;
	guint commits;
} TunnelFixture;

static void
test_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from, gboolean push,
			gpointer user_data)
{
	TunnelFixture *fx = user_data;
	fx->commits++;
}

/* B's own record, version @version, with @tunnel appended to its members (or none) */
static ArcRecord *
test_record_b(TunnelFixture *fx, gint64 version, const gchar *tunnel)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"peer_b\",\"name\":\"b\",\"public_key\":\"%s\",\"address\":"
		"\"127.0.0.1:18081\",\"state\":\"active\",\"created_at\":\"2026-01-02T00:00:00Z\"%"
		"s%s}",
		arc_identity_get_public_key_base64(fx->unit.id_b), tunnel != NULL ? "," : "",
		tunnel != NULL ? tunnel : "");
	return arc_unit_record_signed("peer", "peer_b", version, "peer_b", fx->unit.id_b, body,
				      FALSE, TEST_NOW * G_USEC_PER_SEC + version);
}

static void
test_merge_b_stores(TunnelFixture *fx, gint64 version, const gchar *tunnel, gint expected)
{
	g_autoptr(GPtrArray) records =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	g_ptr_array_add(records, test_record_b(fx, version, tunnel));
	stored = arc_registry_merge(fx->unit.registry, records, "peer_b", &candidates, &purged,
				    &error);
	g_assert_no_error(error);
	g_assert_cmpint(stored, ==, expected);
}

static void
test_merge_b(TunnelFixture *fx, gint64 version, const gchar *tunnel)
{
	test_merge_b_stores(fx, version, tunnel, 1);
}

/* B's record stored as it is, as an agent before the check stored it */
static void
test_put_b(TunnelFixture *fx, gint64 version, const gchar *tunnel)
{
	g_autoptr(ArcRecord) record = test_record_b(fx, version, tunnel);

	arc_unit_commit_record(fx->unit.registry, record);
}

/* A's own record and B's first, as the bootstrap and a handshake left them */
static void
test_store_members(TunnelFixture *fx)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record_b = test_record_b(fx, 1, NULL);
	g_autofree gchar *body = arc_peer_record_body(
		"peer_a", "a", NULL, arc_identity_get_public_key_base64(fx->unit.id_a),
		"127.0.0.1:18080", NULL, "clu_a", ARC_PEER_STATE_ACTIVE, 1767225600);
	g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_a", body);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = 1;
	record->writer = g_strdup("peer_a");
	arc_storage_txn_put_record(txn, record);
	arc_storage_txn_put_record(txn, record_b);
	ok = arc_registry_commit(fx->unit.registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
tunnel_setup(TunnelFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	gboolean loaded;

	arc_unit_fixture_init(&fx->unit, "peer_a", "clu_a", NULL, TEST_NOW);
	loaded = arc_node_load_tunnel_key(fx->unit.node, &error);
	g_assert_no_error(error);
	g_assert_true(loaded);
	fx->peers = arc_peer_manager_new(fx->unit.node, fx->unit.registry, NULL,
					 &arc_unit_peer_host, &fx->unit);
	test_store_members(fx);
	g_signal_connect(fx->unit.registry, "records-changed", G_CALLBACK(test_records_changed_cb),
			 fx);
	arc_unit_warnings_reset();
}

static void
tunnel_teardown(TunnelFixture *fx, gconstpointer data)
{
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	arc_unit_fixture_clear(&fx->unit);
}

/* A's tunnel as its stored record states it */
static gboolean
test_tunnel_of(TunnelFixture *fx, const gchar *id, ArcPeerTunnel *tunnel)
{
	g_autoptr(ArcRecord) record = arc_storage_get_record(fx->unit.storage, "peer", id, NULL);

	g_assert_nonnull(record);
	return arc_peer_manager_read_tunnel(fx->peers, record, tunnel);
}

static void
test_publish(TunnelFixture *fx)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = arc_peer_manager_publish_tunnel(fx->peers, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
}

static gchar *
test_address(const ArcCidr *address)
{
	return arc_peer_tunnel_address_text(address);
}

/* the fields, in the ranges, stamped now; published again: nothing written */
static void
test_publish_func(TunnelFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRecord) record = NULL;
	ArcTunnelKey *key = arc_node_get_tunnel_key(fx->unit.node);
	ArcPeerTunnel tunnel;
	gint64 version;

	g_assert_false(test_tunnel_of(fx, "peer_a", &tunnel));
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 1);
	g_assert_true(test_tunnel_of(fx, "peer_a", &tunnel));
	g_assert_cmpmem(tunnel.key, 32, arc_tunnel_key_get_public_key(key), 32);
	g_assert_cmpuint(tunnel.port, ==, 51840);
	g_assert_true(tunnel.has_v4 &&
		      arc_cidr_contains(&fx->unit.config->tunnel_ipv4_range, &tunnel.v4));
	g_assert_true(tunnel.has_v6 &&
		      arc_cidr_contains(&fx->unit.config->tunnel_ipv6_range, &tunnel.v6));
	g_assert_cmpint(tunnel.claimed_at, ==, TEST_NOW * G_USEC_PER_SEC);
	record = arc_storage_get_record(fx->unit.storage, "peer", "peer_a", NULL);
	version = record->version;
	g_assert_nonnull(strstr(record->body, "\"tunnel_claimed_at\":\"2026-05-28T20:35:00Z\""));

	/* a restart: same key, port and addresses */
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 1);
	g_clear_pointer(&record, arc_record_free);
	record = arc_storage_get_record(fx->unit.storage, "peer", "peer_a", NULL);
	g_assert_cmpint(record->version, ==, version);

	/* a restart with another port: written again, the addresses and their stamp kept */
	fx->unit.config->tunnel_port = 51841;
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 2);
	g_assert_true(test_tunnel_of(fx, "peer_a", &tunnel));
	g_assert_cmpuint(tunnel.port, ==, 51841);
	g_assert_cmpint(tunnel.claimed_at, ==, TEST_NOW * G_USEC_PER_SEC);
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 2);
}

/* B's tunnel fields claiming @v4 at @claimed_at */
static gchar *
test_b_tunnel(const gchar *v4, const gchar *claimed_at)
{
	guint8 key[32];
	g_autofree gchar *b64 = NULL;

	memset(key, 0x42, sizeof(key));
	b64 = g_base64_encode(key, sizeof(key));
	return g_strdup_printf("\"tunnel_key\":\"%s\",\"tunnel_port\":51840,\"tunnel_ipv4\":\"%s\","
			       "\"tunnel_claimed_at\":\"%s\"",
			       b64, v4, claimed_at);
}

/* B claimed A's address before A, an address B's id hashes to as well (a small range, where
 * the candidates of two peers meet): A yields and picks another one, not B's */
static void
test_yield_func(TunnelFixture *fx, gconstpointer data)
{
	ArcPeerTunnel before, after, b;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *fields = NULL;
	g_autofree gchar *v4_after = NULL;

	g_assert_cmpint(arc_cidr_read("100.79.0.0/29", ARC_CIDR_NETWORK,
				      &fx->unit.config->tunnel_ipv4_range),
			==, ARC_CIDR_OK);
	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &before));
	g_assert_true(arc_tunnel_address_is_candidate(&fx->unit.config->tunnel_ipv4_range, "peer_b",
						      &before.v4));
	v4 = test_address(&before.v4);
	fields = test_b_tunnel(v4, "2026-01-01T00:00:00Z");
	test_merge_b(fx, 2, fields);
	g_assert_true(test_tunnel_of(fx, "peer_b", &b));
	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &after));
	v4_after = test_address(&after.v4);
	g_assert_cmpstr(v4_after, !=, v4);
	g_assert_true(arc_cidr_contains(&fx->unit.config->tunnel_ipv4_range, &after.v4));
	/* the IPv6 address was not contested: it stays */
	g_assert_cmpmem(after.v6.bytes, 16, before.v6.bytes, 16);
}

/* B claims A's address at @claimed_at after A published it: A keeps it, writing nothing */
static void
test_b_contests(TunnelFixture *fx, const gchar *claimed_at)
{
	ArcPeerTunnel before, after;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *fields = NULL;
	guint commits;

	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &before));
	v4 = test_address(&before.v4);
	fields = test_b_tunnel(v4, claimed_at);
	test_merge_b(fx, 2, fields);
	commits = fx->commits;
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, commits);
	g_assert_true(test_tunnel_of(fx, "peer_a", &after));
	g_assert_cmpmem(after.v4.bytes, 4, before.v4.bytes, 4);
}

/* B claimed A's address after A (a concurrent claim): B is the one to move, A keeps it */
static void
test_keep_func(TunnelFixture *fx, gconstpointer data)
{
	test_b_contests(fx, "2027-01-01T00:00:00Z");
}

/* B states A's address with a claim time long before A's (its own word): B's id does not
 * hash to that address, so A keeps it (and every node's view gives it to A alone) */
static void
test_forged_time_func(TunnelFixture *fx, gconstpointer data)
{
	ArcCidr first;

	/* A's address is its first candidate, which is none of B's */
	g_assert_true(arc_tunnel_address_candidate(&fx->unit.config->tunnel_ipv4_range, "peer_a", 0,
						   &first));
	g_assert_false(arc_tunnel_address_is_candidate(&fx->unit.config->tunnel_ipv4_range,
						       "peer_b", &first));
	test_b_contests(fx, "1970-01-01T00:00:01Z");
}

/* B's tunnel fields, valid, then versions with fields that are not: each is refused with its
 * record, and B's tunnel stays as it was */
static void
test_bad_record_func(TunnelFixture *fx, gconstpointer data)
{
	g_autofree gchar *huge = g_strnfill(100000, 'Q');
	g_autofree gchar *huge_key =
		g_strdup_printf("\"tunnel_key\":\"%s\",\"tunnel_port\":51840", huge);
	const gchar *const bad[] = {
		"\"tunnel_key\":\"junk\",\"tunnel_port\":51840",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJC\",\"tunnel_port\":51840",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":0",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"53",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"70000",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"\"51840\"",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"51840,"
		"\"tunnel_ipv4\":\"fd00::1\",\"tunnel_claimed_at\":\"2026-01-01T00:00:00Z\"",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"51840,"
		"\"tunnel_ipv4\":\"100.79.0.0/16\",\"tunnel_claimed_at\":\"2026-01-01T00:00:00Z\"",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"51840,"
		"\"tunnel_ipv4\":\"100.64.0.1\"",
		huge_key,
	};
	g_autofree gchar *fields = test_b_tunnel("100.79.0.9", "2026-01-01T00:00:00Z");
	g_autoptr(ArcRecord) stored = NULL;
	ArcPeerTunnel tunnel;

	test_merge_b(fx, 2, fields);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		test_merge_b_stores(fx, 3 + i, bad[i], 0);
		g_assert_true(test_tunnel_of(fx, "peer_b", &tunnel));
		g_assert_cmpuint(tunnel.port, ==, 51840);
		g_assert_true(tunnel.has_v4);
	}
	stored = arc_storage_get_record(fx->unit.storage, "peer", "peer_b", NULL);
	g_assert_cmpint(stored->version, ==, 2);
}

/* fields that are not valid in a record stored before they were checked: no tunnel for B,
 * said once per version, and no claim counted */
static void
test_bad_fields_func(TunnelFixture *fx, gconstpointer data)
{
	static const gchar *const bad[] = {
		"\"tunnel_key\":\"junk\",\"tunnel_port\":51840",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":0",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"51840,"
		"\"tunnel_ipv4\":\"fd00::1\",\"tunnel_claimed_at\":\"2026-01-01T00:00:00Z\"",
		"\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\",\"tunnel_port\":"
		"51840,"
		"\"tunnel_ipv4\":\"100.64.0.1\"",
	};
	ArcPeerTunnel tunnel;

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		arc_unit_warnings_reset();
		test_put_b(fx, 2 + i, bad[i]);
		g_assert_false(test_tunnel_of(fx, "peer_b", &tunnel));
		g_assert_false(test_tunnel_of(fx, "peer_b", &tunnel));
		g_assert_cmpuint(arc_unit_warnings(), ==, 1);
	}
	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &tunnel));
}

/* a record from before tunnels: valid, no tunnel, nothing said */
static void
test_old_record_func(TunnelFixture *fx, gconstpointer data)
{
	ArcPeerTunnel tunnel;

	g_assert_false(test_tunnel_of(fx, "peer_b", &tunnel));
	g_assert_cmpuint(arc_unit_warnings(), ==, 0);
}

static void
test_add(const gchar *path, void (*func)(TunnelFixture *, gconstpointer))
{
	g_test_add(path, TunnelFixture, NULL, tunnel_setup, func, tunnel_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	/* refused tunnel fields are logged as warnings, which the test counts */
	arc_unit_log_capture();
	test_add("/peer-tunnel/publish", test_publish_func);
	test_add("/peer-tunnel/yield", test_yield_func);
	test_add("/peer-tunnel/keep", test_keep_func);
	test_add("/peer-tunnel/forged-time", test_forged_time_func);
	test_add("/peer-tunnel/bad-record", test_bad_record_func);
	test_add("/peer-tunnel/bad-fields", test_bad_fields_func);
	test_add("/peer-tunnel/old-record", test_old_record_func);
	return g_test_run();
}
