/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-leaver.h"
#include "arc-record-sign.h"
#include "arc-unit-fixture.h"

/* ArcLeaver in-process, over the real sqlite storage plugin in a temp dir: what a peer's
 * announcement that it left the cluster (`POST /v1/handshake/leave`, docs/protocol.md §5.6)
 * changes here, and which announcements are refused. This agent is A; B announces. */

#define TEST_NOW G_GINT64_CONSTANT(1780000000)

typedef struct {
	ArcUnitFixture unit;
	ArcPeerManager *peers;
	ArcLeaver *leaver;
	gchar *a; /* the peer ids: A is this agent */
	gchar *b;
} LeaverFixture;

/* the own record of @id, signed by it */
static void
test_store_peer(LeaverFixture *fx, const gchar *id, ArcIdentity *identity, guint16 port)
{
	g_autofree gchar *address = g_strdup_printf("127.0.0.1:%u", port);
	g_autofree gchar *body = arc_peer_record_body(
		id, id, NULL, arc_identity_get_public_key_base64(identity), address, "lic_test",
		"clu_test", ARC_PEER_STATE_ACTIVE, TEST_NOW);
	g_autoptr(ArcRecord) record = arc_unit_record_signed("peer", id, 1, id, identity, body,
							     FALSE, TEST_NOW * G_USEC_PER_SEC);

	arc_unit_commit_record(fx->unit.registry, record);
}

static void
leaver_setup(LeaverFixture *fx, gconstpointer data)
{
	fx->a = arc_id_new("peer_");
	fx->b = arc_id_new("peer_");
	arc_unit_fixture_init(&fx->unit, fx->a, "clu_test", "alpha", TEST_NOW);
	arc_node_set_plugins(fx->unit.node, fx->unit.storage, NULL);
	fx->peers = arc_peer_manager_new(fx->unit.node, fx->unit.registry, NULL,
					 &arc_unit_peer_host, &fx->unit);
	fx->leaver = arc_leaver_new(fx->unit.node, fx->unit.registry, fx->peers, NULL);
	test_store_peer(fx, fx->a, fx->unit.id_a, 18080);
	test_store_peer(fx, fx->b, fx->unit.id_b, 18081);
}

static void
leaver_teardown(LeaverFixture *fx, gconstpointer data)
{
	g_clear_pointer(&fx->leaver, arc_leaver_free);
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	arc_unit_fixture_clear(&fx->unit);
	g_free(fx->a);
	g_free(fx->b);
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
	g_autoptr(ArcRecord) peer = arc_storage_get_record(fx->unit.storage, "peer", fx->b, NULL);
	g_autoptr(ArcRecord) revoked =
		arc_storage_get_record(fx->unit.storage, "revoked_peer", fx->b, NULL);

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

	ok = test_announce(fx, fx->b, fx->unit.id_b, TEST_NOW - 10, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(test_b_is_member(fx));
	g_assert_cmpuint(fx->unit.changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->unit.changed, 0), ==, fx->b);

	ok = test_announce(fx, fx->b, fx->unit.id_b, TEST_NOW - 5, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(fx->unit.changed->len, ==, 1);
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
		ArcIdentity *signer = cases[i].own_key ? fx->unit.id_b : fx->unit.id_a;
		gboolean ok;

		arc_unit_warnings_reset();
		ok = test_announce(fx, cases[i].self ? fx->a : fx->b, signer, cases[i].timestamp,
				   &error);

		g_assert_error(error, ARC_HANDSHAKE_ERROR, cases[i].reason);
		g_assert_false(ok);
		if (cases[i].warning != NULL) {
			g_assert_nonnull(arc_unit_last_warning());
			g_assert_nonnull(strstr(arc_unit_last_warning(), cases[i].warning));
		}
	}
	g_assert_true(test_b_is_member(fx));
	g_assert_cmpuint(fx->unit.changed->len, ==, 0);

	arc_node_set_identity(fx->unit.node, NULL, NULL, NULL, NULL);
	{
		g_autoptr(GError) error = NULL;
		gboolean ok = test_announce(fx, fx->b, fx->unit.id_b, TEST_NOW, &error);

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
	arc_unit_log_capture();
	g_test_add("/leaver/announcement", LeaverFixture, NULL, leaver_setup,
		   test_announcement_func, leaver_teardown);
	g_test_add("/leaver/refusals", LeaverFixture, NULL, leaver_setup, test_refusals_func,
		   leaver_teardown);
	return g_test_run();
}
