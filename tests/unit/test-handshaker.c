/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>

#include "arc-handshaker.h"
#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-unit-fixture.h"

/* The handshaker in-process, without the network: the sessions a responder holds open for
 * hellos, within their bounds per initiator, per source address and in all
 * (docs/protocol.md §5), a confirm that counts once, and one handshake per address added;
 * and join tokens, over the real sqlite storage plugin in a temp dir: when the cluster asks
 * for one, and what a valid, spent or expired token gets. */

/* a session as a hello whose checks passed leaves it */
static ArcHandshakeSession *
test_session(const gchar *initiator, const gchar *source)
{
	ArcHandshakeSession *session = g_new0(ArcHandshakeSession, 1);

	session->initiator = g_new0(ArcHandshakePeer, 1);
	session->initiator->peer_id = g_strdup(initiator);
	session->source = g_strdup(source);
	return session;
}

/* opens a session; returns its id */
static gchar *
test_open(ArcHandshaker *handshaker, const gchar *initiator, const gchar *source)
{
	g_autoptr(GError) error = NULL;
	ArcHandshakeSession *session =
		arc_handshaker_open_session(handshaker, test_session(initiator, source), &error);

	g_assert_no_error(error);
	g_assert_nonnull(session);
	/* the oldest session is the one that expires first: no two at the same µs */
	g_usleep(2);
	return g_strdup(session->id);
}

/* whether a confirm for @id would find its session (and so uses it up) */
static gboolean
test_confirm(ArcHandshaker *handshaker, const gchar *id)
{
	g_autoptr(ArcHandshakeSession) session = arc_handshaker_take_session(handshaker, id);
	return session != NULL;
}

static void
test_session_id_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autofree gchar *a = test_open(handshaker, "peer_x", "192.0.2.1");
	g_autofree gchar *b = test_open(handshaker, "peer_y", "192.0.2.2");

	g_assert_true(g_str_has_prefix(a, "hs_"));
	g_assert_cmpuint(strlen(a), ==, 3 + 32);
	g_assert_cmpstr(a, !=, b);
	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==, 2);
}

/* a confirm counts once; an unknown session is refused */
static void
test_confirm_once_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autofree gchar *id = test_open(handshaker, "peer_x", NULL);

	g_assert_false(test_confirm(handshaker, "hs_00000000000000000000000000000000"));
	g_assert_true(test_confirm(handshaker, id));
	g_assert_false(test_confirm(handshaker, id));
	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==, 0);
}

/* a session not confirmed in time is refused, and gone */
static void
test_expired_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autoptr(GError) error = NULL;
	ArcHandshakeSession *session =
		arc_handshaker_open_session(handshaker, test_session("peer_x", NULL), &error);
	g_autofree gchar *id = g_strdup(session->id);

	g_assert_cmpint(session->expires, >,
			g_get_monotonic_time() + (ARC_HANDSHAKE_SESSION_SECS - 1) * G_USEC_PER_SEC);
	session->expires = g_get_monotonic_time() - 1;
	g_assert_false(test_confirm(handshaker, id));
	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==, 0);
}

/* a hello replayed holds two sessions: each new one takes the place of the oldest */
static void
test_per_peer_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autofree gchar *first = test_open(handshaker, "peer_x", "192.0.2.1");
	g_autofree gchar *second = test_open(handshaker, "peer_x", "192.0.2.2");
	g_autofree gchar *third = test_open(handshaker, "peer_x", "192.0.2.3");
	g_autofree gchar *other = test_open(handshaker, "peer_y", "192.0.2.1");

	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==,
			 ARC_HANDSHAKE_SESSIONS_PER_PEER + 1);
	g_assert_false(test_confirm(handshaker, first));
	g_assert_true(test_confirm(handshaker, second));
	g_assert_true(test_confirm(handshaker, third));
	g_assert_true(test_confirm(handshaker, other));
}

/* hellos under ever new peer ids from one address hold eight sessions */
static void
test_per_source_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *elsewhere = test_open(handshaker, "peer_z", "192.0.2.99");

	for (guint i = 0; i < ARC_HANDSHAKE_SESSIONS_PER_SOURCE + 2; i++) {
		g_autofree gchar *initiator = g_strdup_printf("peer_%u", i);
		g_ptr_array_add(ids, test_open(handshaker, initiator, "192.0.2.1"));
	}
	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==,
			 ARC_HANDSHAKE_SESSIONS_PER_SOURCE + 1);
	g_assert_false(test_confirm(handshaker, g_ptr_array_index(ids, 0)));
	g_assert_false(test_confirm(handshaker, g_ptr_array_index(ids, 1)));
	for (guint i = 2; i < ids->len; i++)
		g_assert_true(test_confirm(handshaker, g_ptr_array_index(ids, i)));
	g_assert_true(test_confirm(handshaker, elsewhere));
}

/* a full table refuses the next hello with the guide's `busy` */
static void
test_busy_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);
	g_autoptr(GError) error = NULL;
	ArcHandshakeSession *session;

	for (guint i = 0; i < ARC_HANDSHAKE_MAX_SESSIONS; i++) {
		g_autofree gchar *initiator = g_strdup_printf("peer_%u", i);
		g_autofree gchar *source = g_strdup_printf("10.0.%u.%u", i / 256, i % 256);
		g_autofree gchar *id = test_open(handshaker, initiator, source);
	}
	session = arc_handshaker_open_session(handshaker, test_session("peer_new", "10.1.0.1"),
					      &error);
	g_assert_null(session);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_BUSY);
	g_assert_cmpstr(error->message, ==, "handshake failed: too many handshakes in progress");
	g_assert_cmpuint(arc_handshaker_count_sessions(handshaker), ==, ARC_HANDSHAKE_MAX_SESSIONS);
}

/* one handshake at a time with one address, as initiator */
static void
test_in_flight_func(void)
{
	g_autoptr(ArcHandshaker) handshaker = arc_handshaker_new(5, 5, NULL);

	g_assert_true(arc_handshaker_begin_add(handshaker, "127.0.0.1:18081"));
	g_assert_false(arc_handshaker_begin_add(handshaker, "127.0.0.1:18081"));
	g_assert_true(arc_handshaker_begin_add(handshaker, "127.0.0.1:18082"));
	arc_handshaker_end_add(handshaker, "127.0.0.1:18081");
	g_assert_true(arc_handshaker_begin_add(handshaker, "127.0.0.1:18081"));
	g_assert_nonnull(arc_handshaker_get_client(handshaker));
	g_assert_nonnull(arc_handshaker_get_probe(handshaker));
}

/* ---- join tokens: this agent is peer_a; peer_b is the other member ---- */

typedef struct {
	ArcUnitFixture unit;
	ArcPeerManager *peers;
	ArcHandshaker *handshaker;
	/* what the handshaker's host answers */
	ArcLicense license;
	ArcLicenseState license_state;
} JoinFixture;

/* the agent the handshaker runs in, as the fixture says */
static ArcLicense *
test_hs_license_cb(gpointer host)
{
	return &((JoinFixture *)host)->license;
}

static ArcLicenseState
test_hs_license_state_cb(gpointer host)
{
	return ((JoinFixture *)host)->license_state;
}

static gboolean
test_hs_vouched_cb(gpointer host, const gchar *peer_id)
{
	return FALSE;
}

static const ArcHandshakerHost test_handshaker_host = {
	.get_license = test_hs_license_cb,
	.get_license_state = test_hs_license_state_cb,
	.is_vouched = test_hs_vouched_cb,
};

/* the own record of @id at @address, signed by it, with @extra members (a leading comma) */
static ArcRecord *
test_peer_record_with(const gchar *id, ArcIdentity *identity, const gchar *address,
		      const gchar *extra)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":\"%s\","
		"\"state\":\"active\",\"created_at\":\"2026-01-01T00:00:00Z\"%s}",
		id, id, arc_identity_get_public_key_base64(identity), address, extra);

	return arc_unit_record_signed("peer", id, 1, id, identity, body, FALSE, g_get_real_time());
}

/* the own record of @id at @address, signed by it */
static ArcRecord *
test_peer_record(const gchar *id, ArcIdentity *identity, const gchar *address)
{
	return test_peer_record_with(id, identity, address, "");
}

/* the same, stating a tunnel on @port */
static ArcRecord *
test_peer_record_tunnel(const gchar *id, ArcIdentity *identity, const gchar *address, guint port)
{
	g_autofree gchar *extra =
		g_strdup_printf(",\"tunnel_key\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\","
				"\"tunnel_port\":%u",
				port);

	return test_peer_record_with(id, identity, address, extra);
}

static void
test_store_peer_at(JoinFixture *fx, const gchar *id, ArcIdentity *identity, const gchar *address)
{
	g_autoptr(ArcRecord) record = test_peer_record(id, identity, address);

	arc_unit_commit_record(fx->unit.registry, record);
}

/* the own record of @id, signed by it */
static void
test_store_peer(JoinFixture *fx, const gchar *id, ArcIdentity *identity)
{
	test_store_peer_at(fx, id, identity, "127.0.0.1:1");
}

/* this agent as bootstrap left it (peer_a, named alpha), or before it */
static void
test_set_bootstrapped(JoinFixture *fx, gboolean bootstrapped)
{
	if (bootstrapped)
		arc_node_set_identity(fx->unit.node, fx->unit.id_a, "peer_a", "clu_a", "alpha");
	else
		arc_node_set_identity(fx->unit.node, NULL, NULL, NULL, NULL);
}

static void
join_setup(JoinFixture *fx, gconstpointer data)
{
	arc_unit_fixture_init(&fx->unit, "peer_a", "clu_a", "alpha", 1780000000);
	/* the address this agent advertises */
	fx->unit.config->advertise_address = g_strdup("127.0.0.1:1");
	fx->peers = arc_peer_manager_new(fx->unit.node, fx->unit.registry, NULL,
					 &arc_unit_peer_host, &fx->unit);
	fx->handshaker = arc_handshaker_new(5, 5, NULL);
	arc_handshaker_set_peers(fx->handshaker, fx->unit.node, fx->unit.registry, fx->peers);
	arc_handshaker_set_host(fx->handshaker, &test_handshaker_host, fx);
	fx->license.license_id = (gchar *)"lic_test";
	fx->license.customer_id = (gchar *)"cust_test";
	fx->license_state = ARC_LICENSE_STATE_VALID;
	test_store_peer(fx, "peer_a", fx->unit.id_a);
}

static void
join_teardown(JoinFixture *fx, gconstpointer data)
{
	g_clear_pointer(&fx->handshaker, arc_handshaker_free);
	g_clear_pointer(&fx->peers, arc_peer_manager_free);
	arc_unit_fixture_clear(&fx->unit);
}

/* a new host "peer_n" */
static ArcHandshakePeer *
test_newcomer(void)
{
	ArcHandshakePeer *peer = g_new0(ArcHandshakePeer, 1);

	peer->peer_id = g_strdup("peer_n");
	peer->public_key = g_strdup("bmV3Y29tZXIga2V5IGJhc2U2NCAzMiBieXRlcyE=");
	return peer;
}

/* a token made here and committed */
static ArcJoinToken *
test_make_token(JoinFixture *fx, gint64 ttl)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	ArcJoinToken *token = arc_handshaker_new_join_token(fx->handshaker, ttl, txn, &error);

	g_assert_no_error(error);
	g_assert_nonnull(token);
	ok = arc_registry_commit(fx->unit.registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return token;
}

/* what `arctic peers add --join-token` sends: the proof for @peer and @challenge_a */
static ArcHandshakeJoin *
test_present(const gchar *token, const ArcHandshakePeer *peer, const guint8 *challenge_a)
{
	ArcHandshakeJoin *join = g_new0(ArcHandshakeJoin, 1);
	g_autofree gchar *secret = NULL;
	guint8 pk[ARC_HANDSHAKE_JOIN_KEY_SIZE];
	guint8 sk[ARC_HANDSHAKE_JOIN_SECRET_SIZE];

	g_assert_true(arc_handshake_join_token_split(token, &join->id, &secret));
	arc_handshake_join_keypair(join->id, secret, pk, sk);
	arc_handshake_join_proof(sk, peer->peer_id, peer->public_key, challenge_a, join->proof);
	return join;
}

static gboolean
test_check(JoinFixture *fx, const ArcHandshakePeer *peer, const guint8 *challenge_a,
	   const ArcHandshakeJoin *join, gboolean member, gchar **used, gchar **detail,
	   GError **error)
{
	return arc_handshaker_check_join(fx->handshaker, peer, challenge_a, join, member, FALSE,
					 used, detail, error);
}

/* an agent with no other peer takes its first handshake without a token */
static void
test_join_alone_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_newcomer();
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {1};
	g_autofree gchar *used = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	ok = test_check(fx, peer, challenge, NULL, FALSE, &used, &detail, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_null(used);
}

/* once in a cluster, an unknown initiator needs a token; a member does not */
static void
test_join_required_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_newcomer();
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {1};
	g_autofree gchar *used = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer(fx, "peer_b", fx->unit.id_b);
	g_assert_false(test_check(fx, peer, challenge, NULL, FALSE, &used, &detail, &error));
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_JOIN_TOKEN_REQUIRED);
	g_assert_cmpstr(error->message, ==, "handshake failed: this cluster requires a join token");
	g_assert_true(g_str_has_prefix(detail, "peer peer_n is not a member of this cluster: "
					       "create a join token on a member ('arctic cluster "
					       "join-token create')"));
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	ok = test_check(fx, peer, challenge, NULL, TRUE, &used, &detail, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* a token admits one host once: spent, it is refused with the guide's message */
static void
test_join_token_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_newcomer();
	g_autoptr(ArcJoinToken) token = NULL;
	g_autoptr(ArcHandshakeJoin) join = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) spent = NULL;
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {7};
	guint8 other[ARC_HANDSHAKE_CHALLENGE_SIZE] = {8};
	g_autofree gchar *used = NULL;
	g_autofree gchar *detail = NULL;
	g_autofree gchar *expected = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer(fx, "peer_b", fx->unit.id_b);
	token = test_make_token(fx, 0);
	g_assert_cmpint(token->expires_at, ==, fx->unit.now + 900);
	join = test_present(token->token, peer, challenge);
	/* a proof is good for the challenge it was made for only */
	g_assert_false(test_check(fx, peer, other, join, FALSE, &used, &detail, &error));
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID);
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	ok = test_check(fx, peer, challenge, join, FALSE, &used, &detail, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(used, ==, token->id);

	arc_handshaker_stage_join_used(fx->handshaker, txn, used, peer->peer_id);
	ok = arc_registry_commit(fx->unit.registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	spent = arc_storage_get_record(fx->unit.storage, "join_token", token->id, NULL);
	g_assert_true(spent->deleted);
	g_assert_cmpstr(spent->writer, ==, "peer_a");
	g_clear_pointer(&used, g_free);
	g_assert_false(test_check(fx, peer, challenge, join, FALSE, &used, &detail, &error));
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID);
	g_assert_cmpstr(error->message, ==,
			"handshake failed: join token invalid, expired or already used");
	expected = g_strdup_printf("join token %s is unknown here, expired, already used, or not "
				   "the one presented",
				   token->id);
	g_assert_cmpstr(detail, ==, expected);
}

static void
test_join_expired_func(JoinFixture *fx, gconstpointer data)
{
	g_autoptr(ArcHandshakePeer) peer = test_newcomer();
	g_autoptr(ArcJoinToken) token = NULL;
	g_autoptr(ArcHandshakeJoin) join = NULL;
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {7};
	g_autofree gchar *used = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer(fx, "peer_b", fx->unit.id_b);
	token = test_make_token(fx, 60);
	join = test_present(token->token, peer, challenge);
	fx->unit.now += 60;
	g_assert_false(test_check(fx, peer, challenge, join, FALSE, &used, &detail, &error));
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_JOIN_TOKEN_INVALID);
}

/* `arctic cluster join-token create --ttl`: bounds, and not after leaving */
static void
test_join_create_refused_func(JoinFixture *fx, gconstpointer data)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcJoinToken) token = NULL;

	token = arc_handshaker_new_join_token(fx->handshaker, 86401, txn, &error);
	g_assert_null(token);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'ttl' must be between 1 and 86400 seconds");
	g_clear_error(&error);
	arc_peer_manager_set_deactivated(fx->peers);
	token = arc_handshaker_new_join_token(fx->handshaker, 60, txn, &error);
	g_assert_null(token);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "this agent has left the cluster");
	g_assert_cmpuint(arc_storage_txn_get_size(txn), ==, 0);
}

/* @id with @identity's key at @address, as its hello presents it */
static ArcHandshakePeer *
test_presenting(const gchar *id, ArcIdentity *identity, const gchar *address)
{
	ArcHandshakePeer *peer =
		arc_handshake_peer_new(id, id, address, arc_identity_get_public_key(identity),
				       "{\"license_id\":\"lic_b\"}");

	peer->record = test_peer_record(id, identity, address);
	return peer;
}

/* a removed peer comes back only by an operator's 'peers add' (docs/protocol.md §5.6) */
static void
test_membership_revoked_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_b", fx->unit.id_b, "127.0.0.2:1");
	g_auto(ArcMembership) m = {0};
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer_at(fx, "peer_b", fx->unit.id_b, "127.0.0.2:1");
	ok = arc_peer_manager_delete(fx->peers, "peer_b", "test", NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, FALSE, &m, &detail,
					     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_REVOKED);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==, "handshake failed: peer has left the cluster");
	g_assert_cmpstr(detail, ==,
			"peer peer_b was removed from the cluster: only an operator's 'peers "
			"add' here brings it back");
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	/* vouched for by the cluster is no operator */
	ok = arc_handshaker_check_membership(fx->handshaker, peer, TRUE, FALSE, &m, &detail,
					     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_REVOKED);
	g_assert_false(ok);
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, TRUE, &m, &detail,
					     &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_true(m.readmit);
	g_assert_false(m.known);
}

/* a known id must present the key of its record */
static void
test_membership_key_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) impostor =
		test_presenting("peer_b", fx->unit.id_a, "127.0.0.2:1");
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_b", fx->unit.id_b, "127.0.0.2:1");
	g_auto(ArcMembership) m = {0};
	g_autofree gchar *detail = NULL;
	g_autofree gchar *expected = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer_at(fx, "peer_b", fx->unit.id_b, "127.0.0.2:1");
	ok = arc_handshaker_check_membership(fx->handshaker, impostor, FALSE, TRUE, &m, &detail,
					     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
	g_assert_false(ok);
	expected = g_strdup_printf("peer peer_b presents key %s, which does not match its record "
				   "(%s)",
				   impostor->public_key, peer->public_key);
	g_assert_cmpstr(detail, ==, expected);
	g_clear_error(&error);
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, TRUE, &m, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_true(m.known);
	g_assert_null(m.replaces);
}

/* the same key under a new id takes the old id's place; another peer's address is taken */
static void
test_membership_same_key_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) reset = test_presenting("peer_c", fx->unit.id_b, "127.0.0.3:1");
	g_autoptr(ArcHandshakePeer) other = test_presenting("peer_c", fx->unit.id_a, "127.0.0.2:1");
	g_auto(ArcMembership) m = {0};
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer_at(fx, "peer_b", fx->unit.id_b, "127.0.0.2:1");
	ok = arc_handshaker_check_membership(fx->handshaker, reset, FALSE, TRUE, &m, &detail,
					     &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpstr(m.replaces, ==, "peer_b");
	ok = arc_handshaker_check_membership(fx->handshaker, other, FALSE, TRUE, &m, &detail,
					     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_ALREADY_EXISTS);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==, "peer already exists in cluster");
	g_assert_cmpstr(detail, ==,
			"peer_c (127.0.0.2:1) is already in the cluster as peer peer_b "
			"(127.0.0.2:1): delete that peer first");
	g_assert_null(m.replaces);
}

/* one more node must fit in the license, unless the cluster vouched for it */
static void
test_membership_node_limit_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_c", fx->unit.id_b, "127.0.0.3:1");
	g_auto(ArcMembership) m = {0};
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	fx->license.max_nodes = 1;
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, TRUE, &m, &detail,
					     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_NODE_LIMIT_EXCEEDED);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==, "handshake failed: node limit exceeded");
	g_assert_cmpstr(detail, ==, "license lic_test allows 1 nodes and the cluster has 1");
	g_clear_error(&error);
	ok = arc_handshaker_check_membership(fx->handshaker, peer, TRUE, FALSE, &m, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->license.max_nodes = 2;
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, FALSE, &m, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* this agent is no candidate of its own */
static void
test_candidate_self_func(JoinFixture *fx, gconstpointer data)
{
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_a", fx->unit.id_a, "127.0.0.1:1");
	g_auto(ArcMembership) m = {0};
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	license = arc_handshaker_check_candidate(fx->handshaker, peer, FALSE, TRUE, &m, &detail,
						 &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_SELF);
	g_assert_null(license);
	g_assert_cmpstr(error->message, ==, "cannot add the local agent as its own peer");
	g_assert_cmpstr(detail, ==, "127.0.0.1:1 is this agent");
}

/* the other side's own record: signed by the key it presents, for its id */
static void
test_peer_record_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_b", fx->unit.id_b, "127.0.0.2:1");
	g_autoptr(ArcHandshakePeer) forged =
		test_presenting("peer_b", fx->unit.id_b, "127.0.0.2:1");
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;

	ok = arc_handshaker_check_peer_record(peer, &detail, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_record_free(forged->record);
	forged->record = test_peer_record("peer_b", fx->unit.id_a, "127.0.0.2:1");
	ok = arc_handshaker_check_peer_record(forged, &detail, &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
	g_assert_false(ok);
	g_assert_cmpstr(detail, ==,
			"the peer record of peer_b is not signed by the key it presents");
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	g_clear_pointer(&forged->record, arc_record_free);
	ok = arc_handshaker_check_peer_record(forged, &detail, &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
	g_assert_false(ok);
	g_assert_cmpstr(detail, ==, "peer peer_b sent no signed peer record");
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	/* its own, signed, but with a tunnel port gossip would refuse (docs/protocol.md §6.5) */
	forged->record = test_peer_record_tunnel("peer_b", fx->unit.id_b, "127.0.0.2:1", 53);
	ok = arc_handshaker_check_peer_record(forged, &detail, &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
	g_assert_false(ok);
	g_assert_cmpstr(detail, ==,
			"the peer record of peer_b is not valid: tunnel_port 53 is not a UDP port "
			"from 1024 to 65535");
	g_clear_error(&error);
	g_clear_pointer(&detail, g_free);
	arc_record_free(forged->record);
	forged->record = test_peer_record_tunnel("peer_b", fx->unit.id_b, "127.0.0.2:1", 51840);
	ok = arc_handshaker_check_peer_record(forged, &detail, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* a peer id as agents make them, which a hello must carry */
#define TEST_HELLO_PEER "peer_01HV000000000000000000000C"

/* a hello to an agent that cannot take peers is refused with the guide's reason, and the
 * initiator's operator is told why; no session is opened */
static void
test_hello_refused_func(JoinFixture *fx, gconstpointer data)
{
	g_autoptr(ArcHandshakePeer) peer =
		test_presenting(TEST_HELLO_PEER, fx->unit.id_b, "127.0.0.3:1");
	guint8 challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {3};
	g_autofree gchar *hello = arc_handshake_hello_to_json_full(peer, challenge, FALSE, NULL);
	g_autofree gchar *reply = NULL;
	g_autofree gchar *refusal = NULL;
	g_autoptr(GError) error = NULL;

	test_set_bootstrapped(fx, FALSE);
	reply = arc_handshaker_hello(fx->handshaker, hello, strlen(hello), "127.0.0.3", &refusal,
				     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED);
	g_assert_null(reply);
	g_assert_cmpstr(error->message, ==, "handshake failed: the peer is not bootstrapped");
	g_assert_cmpstr(refusal, ==, "the agent there has no license yet: bootstrap it first");
	g_clear_error(&error);
	g_clear_pointer(&refusal, g_free);
	test_set_bootstrapped(fx, TRUE);
	fx->license_state = ARC_LICENSE_STATE_READ_ONLY;
	reply = arc_handshaker_hello(fx->handshaker, hello, strlen(hello), "127.0.0.3", &refusal,
				     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_LICENSE_EXPIRED);
	g_assert_null(reply);
	g_assert_cmpstr(refusal, ==, "this agent's license is read_only");
	g_clear_error(&error);
	g_clear_pointer(&refusal, g_free);
	arc_peer_manager_set_deactivated(fx->peers);
	reply = arc_handshaker_hello(fx->handshaker, hello, strlen(hello), "127.0.0.3", &refusal,
				     &error);
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_REVOKED);
	g_assert_null(reply);
	g_assert_cmpstr(refusal, ==, "the agent there left the cluster (peers remove-self)");
	g_assert_cmpuint(arc_handshaker_count_sessions(fx->handshaker), ==, 0);
}

/* `arctic peers add` on an agent that cannot take peers: the local operator's messages */
static void
test_can_join_local_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;

	test_set_bootstrapped(fx, FALSE);
	ok = arc_handshaker_check_can_join(fx->handshaker, TRUE, NULL, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==, "agent is not bootstrapped");
	g_clear_error(&error);
	test_set_bootstrapped(fx, TRUE);
	ok = arc_handshaker_check_can_join(fx->handshaker, TRUE, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_peer_manager_set_deactivated(fx->peers);
	ok = arc_handshaker_check_can_join(fx->handshaker, TRUE, NULL, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_false(ok);
	g_assert_cmpstr(error->message, ==,
			"this agent has left the cluster: reset it (remove arctic.db) and "
			"bootstrap it again to join a cluster");
}

/* storing a peer met by handshake: its own record, its place taken from the id it replaces,
 * and the signal for both */
static void
test_store_peer_func(JoinFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcHandshakePeer) peer = test_presenting("peer_c", fx->unit.id_b, "127.0.0.3:1");
	g_auto(ArcMembership) m = {0};
	g_autoptr(ArcRecord) stored = NULL;
	g_autoptr(ArcRecord) replaced = NULL;
	g_autoptr(GError) error = NULL;

	test_store_peer_at(fx, "peer_b", fx->unit.id_b, "127.0.0.2:1");
	ok = arc_handshaker_check_membership(fx->handshaker, peer, FALSE, TRUE, &m, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_handshaker_store_peer(fx->handshaker, peer, NULL, &m, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	stored = arc_storage_get_record(fx->unit.storage, "peer", "peer_c", NULL);
	g_assert_nonnull(stored);
	g_assert_cmpstr(stored->writer, ==, "peer_c");
	g_assert_false(stored->deleted);
	replaced = arc_storage_get_record(fx->unit.storage, "peer", "peer_b", NULL);
	g_assert_true(replaced->deleted);
	g_assert_true(arc_registry_peer_is_revoked(fx->unit.registry, "peer_b"));
	g_assert_cmpuint(fx->unit.changed->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(fx->unit.changed, 0), ==, "peer_c");
	g_assert_cmpstr(g_ptr_array_index(fx->unit.changed, 1), ==, "peer_b");
}

/* the address other agents are told: agent.conf's advertise, a fixed listen address, the
 * route's source; https:// with TLS; a stored IP address stays, with the current port */
static void
test_address_func(void)
{
	ArcConfig config = {0};
	g_autofree gchar *advertise = NULL;
	g_autofree gchar *listen = NULL;
	g_autofree gchar *listen6 = NULL;
	g_autofree gchar *tls = NULL;
	g_autofree gchar *kept = NULL;
	g_autofree gchar *routed = NULL;

	config.advertise_address = (gchar *)"node1.example:9000";
	config.listen_address = (gchar *)"192.0.2.5";
	advertise = arc_handshaker_own_address(&config, 8080, "10.0.0.7:8080", "127.0.0.1:9");
	g_assert_cmpstr(advertise, ==, "node1.example:9000");
	config.advertise_address = NULL;
	listen = arc_handshaker_advertised_address(&config, 8080, NULL);
	g_assert_cmpstr(listen, ==, "192.0.2.5:8080");
	config.listen_address = (gchar *)"2001:db8::1";
	listen6 = arc_handshaker_advertised_address(&config, 8080, NULL);
	g_assert_cmpstr(listen6, ==, "[2001:db8::1]:8080");
	config.tls_certificate = (gchar *)"/etc/arctic/tls.crt";
	tls = arc_handshaker_advertised_address(&config, 8443, NULL);
	g_assert_cmpstr(tls, ==, "https://[2001:db8::1]:8443");
	config.tls_certificate = NULL;
	config.listen_address = (gchar *)"0.0.0.0";
	kept = arc_handshaker_own_address(&config, 8081, "10.0.0.7:8080", "127.0.0.1:9");
	g_assert_cmpstr(kept, ==, "10.0.0.7:8081");
	routed = arc_handshaker_own_address(&config, 8081, "myhost:8080", "127.0.0.1:9");
	g_assert_cmpstr(routed, ==, "127.0.0.1:8081");
}

/* this agent in a handshake: its id, name, key, license and own record, which is written
 * again when the address it advertises changed */
static void
test_own_record_func(JoinFixture *fx, gconstpointer data)
{
	g_autoptr(ArcHandshakePeer) me = NULL;
	g_autoptr(ArcHandshakePeer) moved = NULL;

	fx->license.document = (gchar *)"{\"license_id\":\"lic_test\"}";
	me = arc_handshaker_own_record(fx->handshaker, "127.0.0.2:1");
	g_assert_cmpstr(me->peer_id, ==, "peer_a");
	g_assert_cmpstr(me->name, ==, "alpha");
	g_assert_cmpstr(me->address, ==, "127.0.0.1:1");
	g_assert_cmpstr(me->public_key, ==, arc_identity_get_public_key_base64(fx->unit.id_a));
	g_assert_cmpstr(me->license, ==, fx->license.document);
	g_assert_cmpint(me->record->version, ==, 1);
	g_free(fx->unit.config->advertise_address);
	fx->unit.config->advertise_address = g_strdup("127.0.0.9:1");
	moved = arc_handshaker_own_record(fx->handshaker, "127.0.0.2:1");
	g_assert_cmpstr(moved->address, ==, "127.0.0.9:1");
	g_assert_cmpint(moved->record->version, ==, 2);
	g_assert_nonnull(strstr(moved->record->body, "\"address\":\"127.0.0.9:1\""));
}

static void
test_join_add(const gchar *path, void (*func)(JoinFixture *, gconstpointer))
{
	g_test_add(path, JoinFixture, NULL, join_setup, func, join_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	/* a refused hello is logged as a warning, which is what the agent does */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_test_add_func("/handshaker/session-id", test_session_id_func);
	g_test_add_func("/handshaker/confirm-once", test_confirm_once_func);
	g_test_add_func("/handshaker/expired", test_expired_func);
	g_test_add_func("/handshaker/per-peer", test_per_peer_func);
	g_test_add_func("/handshaker/per-source", test_per_source_func);
	g_test_add_func("/handshaker/busy", test_busy_func);
	g_test_add_func("/handshaker/in-flight", test_in_flight_func);
	test_join_add("/handshaker/join-alone", test_join_alone_func);
	test_join_add("/handshaker/join-required", test_join_required_func);
	test_join_add("/handshaker/join-token", test_join_token_func);
	test_join_add("/handshaker/join-expired", test_join_expired_func);
	test_join_add("/handshaker/join-create-refused", test_join_create_refused_func);
	test_join_add("/handshaker/membership-revoked", test_membership_revoked_func);
	test_join_add("/handshaker/membership-key", test_membership_key_func);
	test_join_add("/handshaker/membership-same-key", test_membership_same_key_func);
	test_join_add("/handshaker/membership-node-limit", test_membership_node_limit_func);
	test_join_add("/handshaker/candidate-self", test_candidate_self_func);
	test_join_add("/handshaker/peer-record", test_peer_record_func);
	test_join_add("/handshaker/hello-refused", test_hello_refused_func);
	test_join_add("/handshaker/can-join-local", test_can_join_local_func);
	test_join_add("/handshaker/store-peer", test_store_peer_func);
	test_join_add("/handshaker/own-record", test_own_record_func);
	g_test_add_func("/handshaker/address", test_address_func);
	return g_test_run();
}
