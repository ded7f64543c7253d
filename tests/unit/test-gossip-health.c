/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-gossip-health.h"

/* The failure detector in-process, with no agent and no network: what this agent reports of
 * the other members (GET /v1/cluster/peers `state`, the peer-state-changed signal and the
 * log) as rounds fail, probes come back and time passes (docs/protocol.md §6.3). Time is
 * the detector's argument, so the transitions are exact. This agent is A; B and C are the
 * other members. */

#define TEST_SUSPECT_MS 1000
#define TEST_UNREACHABLE_MS 5000
#define TEST_MS (G_GINT64_CONSTANT(1000))
#define TEST_T0 (G_GINT64_CONSTANT(1000000) * G_USEC_PER_SEC)

typedef struct {
	ArcGossipHealth *health;
	GPtrArray *changes; /* "id state" of each peer-state-changed */
} HealthFixture;

static GPtrArray *test_log; /* the warnings and infos logged, "LEVEL message" */

static GLogWriterOutput
test_log_writer_cb(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
		   gpointer user_data)
{
	const gchar *message = NULL;

	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	if (level & G_LOG_LEVEL_WARNING)
		g_ptr_array_add(test_log, g_strconcat("WARNING ", message, NULL));
	else if (level & G_LOG_LEVEL_INFO)
		g_ptr_array_add(test_log, g_strconcat("INFO ", message, NULL));
	else if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
		return g_log_writer_default(level, fields, n_fields, user_data);
	return G_LOG_WRITER_HANDLED;
}

static void
test_state_changed_cb(ArcGossipHealth *health, const gchar *peer_id, gint state, gpointer user_data)
{
	HealthFixture *fx = user_data;
	g_ptr_array_add(fx->changes,
			g_strconcat(peer_id, " ", arc_gossip_state_to_string(state), NULL));
}

static GPtrArray *
test_members(const gchar *first, ...)
{
	GPtrArray *members = g_ptr_array_new_with_free_func(g_free);
	va_list args;

	va_start(args, first);
	for (const gchar *id = first; id != NULL; id = va_arg(args, const gchar *)) {
		ArcMember *member = g_new0(ArcMember, 1);
		member->id = (gchar *)id;
		g_ptr_array_add(members, member);
	}
	va_end(args);
	return members;
}

static void
test_fixture_setup(HealthFixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) members = test_members("A", "B", "C", NULL);

	fx->health = arc_gossip_health_new("A", TEST_SUSPECT_MS, TEST_UNREACHABLE_MS);
	fx->changes = g_ptr_array_new_with_free_func(g_free);
	g_signal_connect(fx->health, "peer-state-changed", G_CALLBACK(test_state_changed_cb), fx);
	arc_gossip_health_track(fx->health, members, TEST_T0);
	g_ptr_array_set_size(test_log, 0);
}

static void
test_fixture_teardown(HealthFixture *fx, gconstpointer data)
{
	g_object_unref(fx->health);
	g_ptr_array_unref(fx->changes);
}

static ArcGossipState
test_state(HealthFixture *fx, const gchar *peer_id)
{
	ArcGossipState state = ARC_GOSSIP_STATE_UNREACHABLE;
	gint64 last_seen = -1;
	const gchar *hash = NULL;

	g_assert_true(arc_gossip_health_get_peer(fx->health, peer_id, &state, &last_seen, &hash));
	return state;
}

/* a round with @peer_id finds no answer and nobody else reaches it either */
static void
test_fail_round(HealthFixture *fx, const gchar *peer_id, gint64 now)
{
	g_assert_true(arc_gossip_health_begin_round(fx->health, peer_id, now));
	arc_gossip_health_end_round(fx->health, peer_id);
	g_assert_true(arc_gossip_health_begin_probe(fx->health, peer_id));
	arc_gossip_health_end_probe(fx->health, peer_id, FALSE, now);
}

static void
test_track_func(HealthFixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) fewer = test_members("A", "C", "D", NULL);
	ArcGossipState state;
	gint64 last_seen = -1;
	const gchar *hash = "unset";

	/* the other members start alive, never seen; this agent is not tracked */
	g_assert_cmpuint(arc_gossip_health_count_state(fx->health, ARC_GOSSIP_STATE_ALIVE), ==, 2);
	g_assert_false(arc_gossip_health_contains(fx->health, "A"));
	g_assert_true(arc_gossip_health_get_peer(fx->health, "B", &state, &last_seen, &hash));
	g_assert_cmpint(state, ==, ARC_GOSSIP_STATE_ALIVE);
	g_assert_cmpint(last_seen, ==, 0);
	g_assert_null(hash);

	/* B left, D joined */
	arc_gossip_health_track(fx->health, fewer, TEST_T0);
	g_assert_false(arc_gossip_health_contains(fx->health, "B"));
	g_assert_true(arc_gossip_health_contains(fx->health, "C"));
	g_assert_true(arc_gossip_health_contains(fx->health, "D"));
	g_assert_cmpuint(fx->changes->len, ==, 0);
}

static void
test_suspect_unreachable_alive_func(HealthFixture *fx, gconstpointer data)
{
	ArcGossipState state;
	gint64 last_seen = 0;
	const gchar *hash = NULL;

	/* a failed round before suspect_after changes nothing */
	test_fail_round(fx, "B", TEST_T0 + (TEST_SUSPECT_MS - 1) * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_ALIVE);
	g_assert_cmpuint(fx->changes->len, ==, 0);

	/* one at suspect_after: suspect, logged with how long it was silent */
	test_fail_round(fx, "B", TEST_T0 + TEST_SUSPECT_MS * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_SUSPECT);
	g_assert_cmpuint(fx->changes->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changes, 0), ==, "B suspect");
	g_assert_cmpuint(test_log->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(test_log, 0), ==,
			"WARNING peer B is suspect: nothing heard from it for 1000 ms");
	g_assert_cmpint(test_state(fx, "C"), ==, ARC_GOSSIP_STATE_ALIVE);

	/* unreachable once silent for unreachable_after, not before */
	arc_gossip_health_check(fx->health, TEST_T0 + (TEST_UNREACHABLE_MS - 1) * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_SUSPECT);
	arc_gossip_health_check(fx->health, TEST_T0 + TEST_UNREACHABLE_MS * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_UNREACHABLE);
	g_assert_cmpuint(fx->changes->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(fx->changes, 1), ==, "B unreachable");
	g_assert_cmpuint(arc_gossip_health_count_state(fx->health, ARC_GOSSIP_STATE_UNREACHABLE),
			 ==, 1);

	/* any signed message makes it alive again, with what it stated */
	arc_gossip_health_heard(fx->health, "B", "hash-b", TEST_T0 + 6000 * TEST_MS);
	g_assert_true(arc_gossip_health_get_peer(fx->health, "B", &state, &last_seen, &hash));
	g_assert_cmpint(state, ==, ARC_GOSSIP_STATE_ALIVE);
	g_assert_cmpint(last_seen, >, 0);
	g_assert_cmpstr(hash, ==, "hash-b");
	g_assert_cmpstr(g_ptr_array_index(fx->changes, 2), ==, "B alive");
	g_assert_cmpstr(g_ptr_array_index(test_log, test_log->len - 1), ==,
			"INFO peer B is alive again (was unreachable)");
}

static void
test_probe_reached_func(HealthFixture *fx, gconstpointer data)
{
	gint64 now = TEST_T0 + 2 * TEST_SUSPECT_MS * TEST_MS;

	/* another member reaches B: the path from here is at fault, B stays alive */
	g_assert_true(arc_gossip_health_begin_probe(fx->health, "B"));
	/* one probe at a time */
	g_assert_false(arc_gossip_health_begin_probe(fx->health, "B"));
	arc_gossip_health_end_probe(fx->health, "B", TRUE, now);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_ALIVE);
	g_assert_cmpuint(fx->changes->len, ==, 0);

	/* and its silence counts from then: a failed probe a moment later is not enough */
	test_fail_round(fx, "B", now + TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_ALIVE);

	/* a suspect that others reach is alive again */
	test_fail_round(fx, "B", now + TEST_SUSPECT_MS * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_SUSPECT);
	g_assert_true(arc_gossip_health_begin_probe(fx->health, "B"));
	arc_gossip_health_end_probe(fx->health, "B", TRUE, now + 2 * TEST_SUSPECT_MS * TEST_MS);
	g_assert_cmpint(test_state(fx, "B"), ==, ARC_GOSSIP_STATE_ALIVE);
	g_assert_cmpstr(g_ptr_array_index(fx->changes, 1), ==, "B alive");

	/* unknown peers are neither probed nor given rounds */
	g_assert_false(arc_gossip_health_begin_probe(fx->health, "Z"));
	g_assert_false(arc_gossip_health_begin_round(fx->health, "Z", now));
}

static void
test_retry_func(HealthFixture *fx, gconstpointer data)
{
	gint64 t1 = TEST_T0 + 10 * TEST_MS;

	/* nobody failed: nothing to retry */
	g_assert_null(arc_gossip_health_check(fx->health, t1));

	/* one round at a time per peer */
	g_assert_true(arc_gossip_health_begin_round(fx->health, "C", t1));
	g_assert_true(arc_gossip_health_in_round(fx->health, "C"));
	g_assert_false(arc_gossip_health_begin_round(fx->health, "C", t1));
	arc_gossip_health_end_round(fx->health, "C");
	g_assert_false(arc_gossip_health_in_round(fx->health, "C"));

	/* a peer whose round failed gets another try once half of suspect_after has passed */
	test_fail_round(fx, "C", t1);
	g_assert_null(
		arc_gossip_health_check(fx->health, t1 + (TEST_SUSPECT_MS / 2 - 1) * TEST_MS));
	g_assert_cmpstr(arc_gossip_health_check(fx->health, t1 + TEST_SUSPECT_MS / 2 * TEST_MS), ==,
			"C");
	/* not while a round with it is under way */
	g_assert_true(arc_gossip_health_begin_round(fx->health, "C", t1));
	g_assert_null(arc_gossip_health_check(fx->health, t1 + TEST_SUSPECT_MS * TEST_MS));
	arc_gossip_health_end_round(fx->health, "C");

	/* an answer forgives the failure */
	arc_gossip_health_heard(fx->health, "C", NULL, t1 + TEST_SUSPECT_MS * TEST_MS);
	g_assert_null(arc_gossip_health_check(fx->health, t1 + 10 * TEST_SUSPECT_MS * TEST_MS));
}

static void
test_turns_func(HealthFixture *fx, gconstpointer data)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	/* each peer once per turn */
	for (guint i = 0; i < 2; i++) {
		const gchar *id = arc_gossip_health_next(fx->health);
		g_assert_nonnull(id);
		g_assert_true(g_hash_table_add(seen, (gpointer)id));
	}
	g_assert_true(g_hash_table_contains(seen, "B"));
	g_assert_true(g_hash_table_contains(seen, "C"));

	/* a peer with a round under way is skipped; with every peer busy there is none */
	g_assert_true(arc_gossip_health_begin_round(fx->health, "B", TEST_T0));
	for (guint i = 0; i < 4; i++)
		g_assert_cmpstr(arc_gossip_health_next(fx->health), ==, "C");
	g_assert_true(arc_gossip_health_begin_round(fx->health, "C", TEST_T0));
	g_assert_null(arc_gossip_health_next(fx->health));
}

static void
test_log_failure_func(HealthFixture *fx, gconstpointer data)
{
	/* a peer's refusal is logged when it changes, and then at most once a minute */
	arc_gossip_health_log_failure(fx->health, "B", "refused: HTTP 403: no", TEST_T0);
	arc_gossip_health_log_failure(fx->health, "B", "refused: HTTP 403: no",
				      TEST_T0 + 59 * G_USEC_PER_SEC);
	g_assert_cmpuint(test_log->len, ==, 1);
	arc_gossip_health_log_failure(fx->health, "B", "refused: HTTP 401: other",
				      TEST_T0 + 59 * G_USEC_PER_SEC);
	g_assert_cmpuint(test_log->len, ==, 2);
	arc_gossip_health_log_failure(fx->health, "B", "refused: HTTP 401: other",
				      TEST_T0 + 120 * G_USEC_PER_SEC);
	g_assert_cmpuint(test_log->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(test_log, 2), ==,
			"WARNING gossip with peer B: refused: HTTP 401: other");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	test_log = g_ptr_array_new_with_free_func(g_free);
	g_log_set_writer_func(test_log_writer_cb, NULL, NULL);
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_test_add("/gossip-health/track", HealthFixture, NULL, test_fixture_setup, test_track_func,
		   test_fixture_teardown);
	g_test_add("/gossip-health/suspect-unreachable-alive", HealthFixture, NULL,
		   test_fixture_setup, test_suspect_unreachable_alive_func, test_fixture_teardown);
	g_test_add("/gossip-health/probe-reached", HealthFixture, NULL, test_fixture_setup,
		   test_probe_reached_func, test_fixture_teardown);
	g_test_add("/gossip-health/retry", HealthFixture, NULL, test_fixture_setup, test_retry_func,
		   test_fixture_teardown);
	g_test_add("/gossip-health/turns", HealthFixture, NULL, test_fixture_setup, test_turns_func,
		   test_fixture_teardown);
	g_test_add("/gossip-health/log-failure", HealthFixture, NULL, test_fixture_setup,
		   test_log_failure_func, test_fixture_teardown);
	return g_test_run();
}
