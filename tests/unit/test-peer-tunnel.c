/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-peer-manager.h"
#include "arc-record-sign.h"
#include "arc-unit-storage.h"

/* The tunnel fields of the peer records through the peer manager, in-process over the real
 * sqlite plugin (docs/protocol.md, "Tunnel addresses"): this agent (A) states its tunnel key,
 * port and addresses in its own record, once; a concurrent claim by B that came first moves
 * it, a later one does not; fields B states badly are ignored and said once. */

#define TEST_NOW G_GINT64_CONSTANT(1780000500)

typedef struct {
	gchar *dir;
	ArcStorage *storage;
	ArcRegistry *registry;
	ArcConfig *config;
	ArcNode *node;
	ArcPeerManager *peers;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	guint commits;
} TunnelFixture;

static guint test_warnings;

static gint64
test_now_cb(gpointer host)
{
	return TEST_NOW;
}

static void
test_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from, gboolean push,
			gpointer user_data)
{
	TunnelFixture *fx = user_data;
	fx->commits++;
}

static void
test_changed_cb(gpointer host, const gchar *peer_id)
{
}

static void
test_offer_cluster_id_cb(gpointer host, const gchar *cluster_id, const gchar *from)
{
}

static ArcGossip *
test_gossip_cb(gpointer host)
{
	return NULL;
}

static const ArcPeerManagerHost test_host = {
	.peer_changed = test_changed_cb,
	.offer_cluster_id = test_offer_cluster_id_cb,
	.get_gossip = test_gossip_cb,
};

/* B's own record, version @version, with @tunnel appended to its members (or none) */
static ArcRecord *
test_record_b(TunnelFixture *fx, gint64 version, const gchar *tunnel)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"peer_b\",\"name\":\"b\",\"public_key\":\"%s\",\"address\":"
		"\"127.0.0.1:18081\",\"state\":\"active\",\"created_at\":\"2026-01-02T00:00:00Z\"%"
		"s%s}",
		arc_identity_get_public_key_base64(fx->id_b), tunnel != NULL ? "," : "",
		tunnel != NULL ? tunnel : "");
	g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_b", body);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = version;
	record->writer = g_strdup("peer_b");
	record->updated_at = TEST_NOW * G_USEC_PER_SEC + version;
	ok = arc_record_sign(record, fx->id_b, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&record);
}

static void
test_merge_b(TunnelFixture *fx, gint64 version, const gchar *tunnel)
{
	g_autoptr(GPtrArray) records =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_record_free);
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	g_ptr_array_add(records, test_record_b(fx, version, tunnel));
	stored = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(stored, ==, 1);
}

/* A's own record and B's first, as the bootstrap and a handshake left them */
static void
test_store_members(TunnelFixture *fx)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) record_b = test_record_b(fx, 1, NULL);
	g_autofree gchar *body = arc_peer_record_body(
		"peer_a", "a", NULL, arc_identity_get_public_key_base64(fx->id_a),
		"127.0.0.1:18080", NULL, "clu_a", "active", 1767225600);
	g_autoptr(ArcRecord) record = arc_record_new("peer", "peer_a", body);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = 1;
	record->writer = g_strdup("peer_a");
	arc_storage_txn_put_record(txn, record);
	arc_storage_txn_put_record(txn, record_b);
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
tunnel_setup(TunnelFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *key_a = NULL;
	g_autofree gchar *key_b = NULL;
	gboolean loaded;

	fx->dir = g_dir_make_tmp("arc-tunnel-XXXXXX", &error);
	g_assert_no_error(error);
	key_a = g_build_filename(fx->dir, "a.key", NULL);
	key_b = g_build_filename(fx->dir, "b.key", NULL);
	fx->id_a = arc_identity_load_or_create(key_a, &error);
	g_assert_no_error(error);
	fx->id_b = arc_identity_load_or_create(key_b, &error);
	g_assert_no_error(error);
	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_build_filename(fx->dir, "a", NULL);
	fx->storage = arc_unit_open_storage(fx->config->data_dir);
	fx->registry = arc_registry_new(fx->storage);
	arc_registry_set_signer(fx->registry, fx->id_a, "peer_a");
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_now_cb, NULL);
	arc_node_set_identity(fx->node, fx->id_a, "peer_a", "clu_a", NULL);
	loaded = arc_node_load_tunnel_key(fx->node, &error);
	g_assert_no_error(error);
	g_assert_true(loaded);
	fx->peers = arc_peer_manager_new(fx->node, fx->registry, NULL, &test_host, fx);
	test_store_members(fx);
	g_signal_connect(fx->registry, "records-changed", G_CALLBACK(test_records_changed_cb), fx);
	test_warnings = 0;
}

static void
tunnel_teardown(TunnelFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	g_clear_object(&fx->node);
	arc_config_free(fx->config);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->storage);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* A's tunnel as its stored record states it */
static gboolean
test_tunnel_of(TunnelFixture *fx, const gchar *id, ArcPeerTunnel *tunnel)
{
	g_autoptr(ArcRecord) record = arc_storage_get_record(fx->storage, "peer", id, NULL);

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
	ArcTunnelKey *key = arc_node_get_tunnel_key(fx->node);
	ArcPeerTunnel tunnel;
	gint64 version;

	g_assert_false(test_tunnel_of(fx, "peer_a", &tunnel));
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 1);
	g_assert_true(test_tunnel_of(fx, "peer_a", &tunnel));
	g_assert_cmpmem(tunnel.key, 32, arc_tunnel_key_get_public_key(key), 32);
	g_assert_cmpuint(tunnel.port, ==, 51840);
	g_assert_true(tunnel.has_v4 &&
		      arc_cidr_contains(&fx->config->tunnel_ipv4_range, &tunnel.v4));
	g_assert_true(tunnel.has_v6 &&
		      arc_cidr_contains(&fx->config->tunnel_ipv6_range, &tunnel.v6));
	g_assert_cmpint(tunnel.claimed_at, ==, TEST_NOW * G_USEC_PER_SEC);
	record = arc_storage_get_record(fx->storage, "peer", "peer_a", NULL);
	version = record->version;
	g_assert_nonnull(strstr(record->body, "\"tunnel_claimed_at\":\"2026-05-28T20:35:00Z\""));

	/* a restart: same key, port and addresses */
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, 1);
	g_clear_pointer(&record, arc_record_free);
	record = arc_storage_get_record(fx->storage, "peer", "peer_a", NULL);
	g_assert_cmpint(record->version, ==, version);

	/* a restart with another port: written again, the addresses and their stamp kept */
	fx->config->tunnel_port = 51841;
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

/* B claimed A's address before A: A yields and picks another one, not B's */
static void
test_yield_func(TunnelFixture *fx, gconstpointer data)
{
	ArcPeerTunnel before, after, b;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *fields = NULL;
	g_autofree gchar *v4_after = NULL;

	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &before));
	v4 = test_address(&before.v4);
	fields = test_b_tunnel(v4, "2026-01-01T00:00:00Z");
	test_merge_b(fx, 2, fields);
	g_assert_true(test_tunnel_of(fx, "peer_b", &b));
	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &after));
	v4_after = test_address(&after.v4);
	g_assert_cmpstr(v4_after, !=, v4);
	g_assert_true(arc_cidr_contains(&fx->config->tunnel_ipv4_range, &after.v4));
	/* the IPv6 address was not contested: it stays */
	g_assert_cmpmem(after.v6.bytes, 16, before.v6.bytes, 16);
}

/* B claimed A's address after A (a concurrent claim): B is the one to move, A keeps it */
static void
test_keep_func(TunnelFixture *fx, gconstpointer data)
{
	ArcPeerTunnel before, after;
	g_autofree gchar *v4 = NULL;
	g_autofree gchar *fields = NULL;
	guint commits;

	test_publish(fx);
	g_assert_true(test_tunnel_of(fx, "peer_a", &before));
	v4 = test_address(&before.v4);
	fields = test_b_tunnel(v4, "2027-01-01T00:00:00Z");
	test_merge_b(fx, 2, fields);
	commits = fx->commits;
	test_publish(fx);
	g_assert_cmpuint(fx->commits, ==, commits);
	g_assert_true(test_tunnel_of(fx, "peer_a", &after));
	g_assert_cmpmem(after.v4.bytes, 4, before.v4.bytes, 4);
}

/* fields that are not valid: no tunnel for B, said once per version, and no claim counted */
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
		test_warnings = 0;
		test_merge_b(fx, 2 + i, bad[i]);
		g_assert_false(test_tunnel_of(fx, "peer_b", &tunnel));
		g_assert_false(test_tunnel_of(fx, "peer_b", &tunnel));
		g_assert_cmpuint(test_warnings, ==, 1);
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
	g_assert_cmpuint(test_warnings, ==, 0);
}

static GLogWriterOutput
test_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	if (level & G_LOG_LEVEL_WARNING)
		test_warnings++;
	return g_log_writer_default(level, fields, n_fields, data);
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
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_log_set_writer_func(test_log_writer, NULL, NULL);
	test_add("/peer-tunnel/publish", test_publish_func);
	test_add("/peer-tunnel/yield", test_yield_func);
	test_add("/peer-tunnel/keep", test_keep_func);
	test_add("/peer-tunnel/bad-fields", test_bad_fields_func);
	test_add("/peer-tunnel/old-record", test_old_record_func);
	return g_test_run();
}
