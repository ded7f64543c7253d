/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The device's timer state machine (whitepaper §6, wireguard-go's timers.go) and its staged
 * queue, driven with a made-up clock: no threads, no sockets, no root. */

#include "tempest-device-private.h"

#include <string.h>

#define S G_USEC_PER_SEC

static TempestPeer *
make_peer(void)
{
	TempestPeer *peer = g_new0(TempestPeer, 1);

	g_mutex_init(&peer->lock);
	return peer;
}

static void
free_peer(TempestPeer *peer)
{
	tempest_dev_staged_clear(&peer->staged);
	g_mutex_clear(&peer->lock);
	g_free(peer);
}

static void
test_staged_fifo_and_bound(void)
{
	TempestDevStagedQueue q = {0};
	TempestDevStaged *first;
	guint8 packet[4];

	for (guint i = 0; i < TEMPEST_DEV_STAGED_MAX + 3; i++) {
		memcpy(packet, &i, sizeof(packet));
		tempest_dev_staged_push(&q, packet, sizeof(packet));
	}
	/* wg keeps 1024 packets per peer and drops the oldest beyond that */
	g_assert_cmpuint(q.len, ==, TEMPEST_DEV_STAGED_MAX);
	g_assert_cmpuint(q.dropped, ==, 3);
	first = tempest_dev_staged_pop(&q);
	g_assert_nonnull(first);
	g_assert_cmpuint(first->len, ==, 4);
	g_assert_cmpint(memcmp(first->data, &(guint){3}, 4), ==, 0);
	g_free(first);
	g_assert_cmpuint(q.len, ==, TEMPEST_DEV_STAGED_MAX - 1);
	tempest_dev_staged_clear(&q);
	g_assert_cmpuint(q.len, ==, 0);
	g_assert_null(tempest_dev_staged_pop(&q));
}

static void
test_keepalive_after_data_received(void)
{
	g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func((GDestroyNotify)free_peer);
	TempestPeer *peer = make_peer();

	g_ptr_array_add(guard, peer);
	tempest_dev_timers_data_received(peer, 0);
	g_assert_cmpint(peer->timers.send_keepalive, ==, TEMPEST_KEEPALIVE_TIMEOUT);
	/* more data before it fires asks for another keepalive after this one */
	tempest_dev_timers_data_received(peer, 1 * S);
	g_assert_true(peer->timers.need_another_keepalive);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 9 * S), ==, 0);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 10 * S), ==, TEMPEST_DEV_DUE_KEEPALIVE);
	g_assert_cmpint(peer->timers.send_keepalive, ==, 20 * S);
	/* sending anything authenticated makes the keepalive unnecessary */
	tempest_dev_timers_any_authenticated_sent(peer, 11 * S);
	g_assert_cmpint(peer->timers.send_keepalive, ==, 0);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 30 * S), ==, 0);
}

static void
test_new_handshake_when_no_answer(void)
{
	g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func((GDestroyNotify)free_peer);
	TempestPeer *peer = make_peer();
	gint64 deadline;

	g_ptr_array_add(guard, peer);
	tempest_dev_timers_data_sent(peer, 0);
	deadline = peer->timers.new_handshake;
	/* KEEPALIVE_TIMEOUT + REKEY_TIMEOUT and a jitter */
	g_assert_cmpint(deadline, >=, 15 * S);
	g_assert_cmpint(deadline, <, 15 * S + TEMPEST_REKEY_TIMEOUT_JITTER);
	/* more data does not push it back */
	tempest_dev_timers_data_sent(peer, 5 * S);
	g_assert_cmpint(peer->timers.new_handshake, ==, deadline);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, deadline), ==,
			 TEMPEST_DEV_DUE_INITIATION);
	/* an answer in time disarms it */
	tempest_dev_timers_data_sent(peer, 20 * S);
	tempest_dev_timers_any_authenticated_received(peer, 21 * S);
	g_assert_cmpint(peer->timers.new_handshake, ==, 0);
}

static void
test_retransmit_gives_up(void)
{
	g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func((GDestroyNotify)free_peer);
	TempestPeer *peer = make_peer();
	gint64 now = 0;
	guint retries = 0;

	g_ptr_array_add(guard, peer);
	tempest_dev_staged_push(&peer->staged, (const guint8 *)"x", 1);
	for (guint i = 0; i < 40; i++) {
		guint due;
		peer->timers.retransmit_handshake = now + TEMPEST_REKEY_TIMEOUT;
		now += TEMPEST_REKEY_TIMEOUT;
		due = tempest_dev_peer_due_locked(peer, now);
		if (due & TEMPEST_DEV_DUE_RETRY)
			retries++;
		else
			break;
	}
	/* REKEY_ATTEMPT_TIME / REKEY_TIMEOUT retries, then the staged packets go and the keys are
	 * zeroed 3 x REJECT_AFTER_TIME later */
	g_assert_cmpuint(retries, ==, TEMPEST_MAX_TIMER_HANDSHAKES + 1);
	g_assert_cmpuint(peer->staged.len, ==, 0);
	g_assert_cmpint(peer->timers.zero_key_material, ==, now + 3 * TEMPEST_REJECT_AFTER_TIME);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, now + 3 * TEMPEST_REJECT_AFTER_TIME), ==,
			 TEMPEST_DEV_DUE_ZERO);
}

static void
test_persistent_keepalive(void)
{
	g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func((GDestroyNotify)free_peer);
	TempestPeer *peer = make_peer();

	g_ptr_array_add(guard, peer);
	peer->keepalive_interval = 25;
	tempest_dev_timers_any_authenticated_sent(peer, 0);
	g_assert_cmpint(peer->timers.persistent_keepalive, ==, 25 * S);
	tempest_dev_timers_any_authenticated_received(peer, 10 * S);
	g_assert_cmpint(peer->timers.persistent_keepalive, ==, 35 * S);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 35 * S), ==, TEMPEST_DEV_DUE_KEEPALIVE);
	/* turned off: nothing more */
	peer->keepalive_interval = 0;
	tempest_dev_timers_any_authenticated_sent(peer, 40 * S);
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 100 * S), ==, 0);
}

static void
test_requests_of_the_data_path(void)
{
	g_autoptr(GPtrArray) guard = g_ptr_array_new_with_free_func((GDestroyNotify)free_peer);
	TempestPeer *peer = make_peer();

	g_ptr_array_add(guard, peer);
	peer->timers.want_handshake = TRUE;
	peer->timers.want_flush = TRUE;
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 0), ==,
			 TEMPEST_DEV_DUE_INITIATION | TEMPEST_DEV_DUE_FLUSH);
	/* taken once */
	g_assert_cmpuint(tempest_dev_peer_due_locked(peer, 0), ==, 0);
}

gint
main(gint argc, gchar **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tempest/device/staged/fifo-and-bound", test_staged_fifo_and_bound);
	g_test_add_func("/tempest/device/timers/keepalive", test_keepalive_after_data_received);
	g_test_add_func("/tempest/device/timers/new-handshake", test_new_handshake_when_no_answer);
	g_test_add_func("/tempest/device/timers/retransmit-gives-up", test_retransmit_gives_up);
	g_test_add_func("/tempest/device/timers/persistent-keepalive", test_persistent_keepalive);
	g_test_add_func("/tempest/device/timers/requests", test_requests_of_the_data_path);
	return g_test_run();
}
