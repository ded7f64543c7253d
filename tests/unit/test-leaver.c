/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-leaver.h"
#include "arc-record-sign.h"
#include "arc-unit-storage.h"

/* ArcLeaver in-process, over the real sqlite storage plugin in a temp dir: what a peer's
 * announcement that it left the cluster (`POST /v1/handshake/leave`, docs/protocol.md §5.6)
 * changes here, and which announcements are refused. This agent is A; B announces. */

#define TEST_NOW G_GINT64_CONSTANT(1780000000)

static gchar *test_last_warning;

/* what the operator reads in the journal: the last warning logged */
static GLogWriterOutput
test_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	for (gsize i = 0; (level & G_LOG_LEVEL_WARNING) && i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
			g_free(test_last_warning);
			test_last_warning = g_strdup(fields[i].value);
		}
	}
	return g_log_writer_default(level, fields, n_fields, data);
}

typedef struct {
	gchar *dir;
	ArcStorage *storage;
	ArcRegistry *registry;
	ArcConfig *config;
	ArcNode *node;
	ArcPeerManager *peers;
	ArcLeaver *leaver;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	gchar *a; /* the peer ids: A is this agent */
	gchar *b;
	GPtrArray *changed; /* peer ids, in the order peer_changed named them */
} LeaverFixture;

static gint64
test_now_cb(gpointer user_data)
{
	return TEST_NOW;
}

static void
test_changed_cb(gpointer host, const gchar *peer_id)
{
	LeaverFixture *fx = host;
	g_ptr_array_add(fx->changed, g_strdup(peer_id));
}

static void
test_offer_cb(gpointer host, const gchar *cluster_id, const gchar *from)
{
}

static ArcGossip *
test_gossip_cb(gpointer host)
{
	return NULL;
}

static const ArcPeerManagerHost test_host = {
	.peer_changed = test_changed_cb,
	.offer_cluster_id = test_offer_cb,
	.get_gossip = test_gossip_cb,
};

/* the own record of @id, signed by it */
static void
test_store_peer(LeaverFixture *fx, const gchar *id, ArcIdentity *identity, guint16 port)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", port);
	g_autofree gchar *body =
		arc_peer_record_body(id, id, NULL, arc_identity_get_public_key_base64(identity),
				     address, "lic_test", "clu_test", "active", TEST_NOW);
	g_autoptr(ArcRecord) record = arc_record_new("peer", id, body);
	g_autoptr(GError) error = NULL;

	record->version = 1;
	record->writer = g_strdup(id);
	record->updated_at = TEST_NOW * G_USEC_PER_SEC;
	ok = arc_record_sign(record, identity, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_storage_txn_put_record(txn, record);
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
leaver_setup(LeaverFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *key_a = NULL;
	g_autofree gchar *key_b = NULL;
	g_autofree gchar *data_dir = NULL;

	fx->dir = g_dir_make_tmp("arc-leaver-XXXXXX", &error);
	g_assert_no_error(error);
	key_a = g_build_filename(fx->dir, "a.key", NULL);
	key_b = g_build_filename(fx->dir, "b.key", NULL);
	fx->id_a = arc_identity_load_or_create(key_a, &error);
	g_assert_no_error(error);
	fx->id_b = arc_identity_load_or_create(key_b, &error);
	g_assert_no_error(error);
	fx->a = arc_id_new("peer_");
	fx->b = arc_id_new("peer_");
	data_dir = g_build_filename(fx->dir, "a", NULL);
	fx->storage = arc_unit_open_storage(data_dir);
	fx->registry = arc_registry_new(fx->storage);
	arc_registry_set_signer(fx->registry, fx->id_a, fx->a);
	fx->config = arc_config_new();
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_now_cb, NULL);
	arc_node_set_plugins(fx->node, fx->storage, NULL);
	arc_node_set_identity(fx->node, fx->id_a, fx->a, "clu_test", "alpha");
	fx->changed = g_ptr_array_new_with_free_func(g_free);
	fx->peers = arc_peer_manager_new(fx->node, fx->registry, NULL, &test_host, fx);
	fx->leaver = arc_leaver_new(fx->node, fx->registry, fx->peers, NULL);
	test_store_peer(fx, fx->a, fx->id_a, 18080);
	test_store_peer(fx, fx->b, fx->id_b, 18081);
}

static void
leaver_teardown(LeaverFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_pointer(&fx->leaver, arc_leaver_free);
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	g_clear_object(&fx->node);
	arc_config_free(fx->config);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->storage);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	g_ptr_array_unref(fx->changed);
	g_free(fx->a);
	g_free(fx->b);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* @peer_id's announcement, signed with @identity's key */
static gboolean
test_announce(LeaverFixture *fx, const gchar *peer_id, ArcIdentity *identity, gint64 timestamp,
	      GError **error)
{
	g_autofree gchar *body =
		arc_handshake_leave_to_json(peer_id, "lic_test", timestamp, identity);

	return arc_leaver_take_announcement(fx->leaver, body, strlen(body), error);
}

/* whether B is still an active peer here, and not revoked */
static gboolean
test_b_is_member(LeaverFixture *fx)
{
	g_autoptr(ArcRecord) peer = arc_storage_get_record(fx->storage, "peer", fx->b, NULL);
	g_autoptr(ArcRecord) revoked =
		arc_storage_get_record(fx->storage, "revoked_peer", fx->b, NULL);

	g_assert_nonnull(peer);
	return !peer->deleted && revoked == NULL;
}

/* B left: its record becomes a tombstone, it is revoked, and the peer list is told once;
 * the same announcement again (gossip may be first) is acknowledged and changes nothing */
static void
test_announcement_func(LeaverFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = test_announce(fx, fx->b, fx->id_b, TEST_NOW - 10, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(test_b_is_member(fx));
	g_assert_cmpuint(fx->changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changed, 0), ==, fx->b);

	ok = test_announce(fx, fx->b, fx->id_b, TEST_NOW - 5, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(fx->changed->len, ==, 1);
}

/* refused, and nothing changes: another key, an old or future timestamp, this agent itself,
 * an agent not bootstrapped */
static void
test_refusals_func(LeaverFixture *fx, gconstpointer data)
{
	const struct {
		gboolean self;
		gboolean own_key;
		gint64 timestamp;
		gint reason;
		const gchar *warning; /* how the journal says why, if it does */
	} cases[] = {
		{FALSE, FALSE, TEST_NOW, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE, "bad signature"},
		{FALSE, TRUE, TEST_NOW - 301, ARC_HANDSHAKE_REASON_SESSION_EXPIRED,
		 "is more than 300 s from now"},
		{FALSE, TRUE, TEST_NOW + 301, ARC_HANDSHAKE_REASON_SESSION_EXPIRED,
		 "is more than 300 s from now"},
		{TRUE, FALSE, TEST_NOW, ARC_HANDSHAKE_REASON_SELF, NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		/* B's key signs B's announcement; A's key is the wrong one for B */
		ArcIdentity *signer = cases[i].own_key ? fx->id_b : fx->id_a;
		gboolean ok;

		g_clear_pointer(&test_last_warning, g_free);
		ok = test_announce(fx, cases[i].self ? fx->a : fx->b, signer, cases[i].timestamp,
				   &error);

		g_assert_error(error, ARC_HANDSHAKE_ERROR, cases[i].reason);
		g_assert_false(ok);
		if (cases[i].warning != NULL) {
			g_assert_nonnull(test_last_warning);
			g_assert_nonnull(strstr(test_last_warning, cases[i].warning));
		}
	}
	g_assert_true(test_b_is_member(fx));
	g_assert_cmpuint(fx->changed->len, ==, 0);

	arc_node_set_identity(fx->node, NULL, NULL, NULL, NULL);
	{
		g_autoptr(GError) error = NULL;
		gboolean ok = test_announce(fx, fx->b, fx->id_b, TEST_NOW, &error);

		g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED);
		g_assert_false(ok);
	}
	g_assert_true(test_b_is_member(fx));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	/* refusals are logged as warnings, which the test reads */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_log_set_writer_func(test_log_writer, NULL, NULL);
	g_test_add("/leaver/announcement", LeaverFixture, NULL, leaver_setup,
		   test_announcement_func, leaver_teardown);
	g_test_add("/leaver/refusals", LeaverFixture, NULL, leaver_setup, test_refusals_func,
		   leaver_teardown);
	return g_test_run();
}
