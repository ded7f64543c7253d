/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>

#include "arc-handshaker.h"

/* The handshaker in-process, without the network: the sessions a responder holds open for
 * hellos, within their bounds per initiator, per source address and in all
 * (docs/protocol.md §5), a confirm that counts once, and one handshake per address added. */

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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/handshaker/session-id", test_session_id_func);
	g_test_add_func("/handshaker/confirm-once", test_confirm_once_func);
	g_test_add_func("/handshaker/expired", test_expired_func);
	g_test_add_func("/handshaker/per-peer", test_per_peer_func);
	g_test_add_func("/handshaker/per-source", test_per_source_func);
	g_test_add_func("/handshaker/busy", test_busy_func);
	g_test_add_func("/handshaker/in-flight", test_in_flight_func);
	return g_test_run();
}
