/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* WireGuard's protocol constants (whitepaper §6.1) and the pure decisions built on them. Times
 * are monotonic microseconds (g_get_monotonic_time()); the caller passes "now", so every helper
 * is deterministic and thread-safe. */

#define TEMPEST_REKEY_AFTER_MESSAGES (G_GUINT64_CONSTANT(1) << 60)
/* 2^64 - 2^13 - 1: the replay window's size below 2^64, so no counter can wrap */
#define TEMPEST_REJECT_AFTER_MESSAGES (G_MAXUINT64 - (G_GUINT64_CONSTANT(1) << 13))
#define TEMPEST_REKEY_AFTER_TIME (G_GINT64_CONSTANT(120) * G_USEC_PER_SEC)
#define TEMPEST_REJECT_AFTER_TIME (G_GINT64_CONSTANT(180) * G_USEC_PER_SEC)
#define TEMPEST_REKEY_ATTEMPT_TIME (G_GINT64_CONSTANT(90) * G_USEC_PER_SEC)
#define TEMPEST_REKEY_TIMEOUT (G_GINT64_CONSTANT(5) * G_USEC_PER_SEC)
/* the random extra delay of each handshake retry: up to a third of a second */
#define TEMPEST_REKEY_TIMEOUT_JITTER ((gint64)G_USEC_PER_SEC / 3)
#define TEMPEST_KEEPALIVE_TIMEOUT (G_GINT64_CONSTANT(10) * G_USEC_PER_SEC)
#define TEMPEST_COOKIE_REFRESH_TIME (G_GINT64_CONSTANT(120) * G_USEC_PER_SEC)
/* how many initiations one handshake attempt sends before giving up */
#define TEMPEST_MAX_TIMER_HANDSHAKES (TEMPEST_REKEY_ATTEMPT_TIME / TEMPEST_REKEY_TIMEOUT)
/* a cookie is used for mac2 only while it is this much younger than COOKIE_REFRESH_TIME, so
 * that it does not expire in flight */
#define TEMPEST_COOKIE_LATENCY (G_GINT64_CONSTANT(5) * G_USEC_PER_SEC)
/* a peer's initiations are consumed at most this often (wireguard-go and the kernel use 50/s) */
#define TEMPEST_INITIATION_MIN_INTERVAL ((gint64)G_USEC_PER_SEC / 50)

typedef struct _TempestKeypair TempestKeypair;

/* the sender must start a new handshake before sending with this keypair: after
 * REKEY_AFTER_MESSAGES, or REKEY_AFTER_TIME when it initiated the session */
gboolean tempest_keypair_should_rekey(const TempestKeypair *kp, gint64 now, gboolean is_initiator);

/* on receiving with the current keypair: the initiator rekeys when the session is within
 * KEEPALIVE_TIMEOUT + REKEY_TIMEOUT of REJECT_AFTER_TIME, so that it is not the responder (who
 * must not initiate rekeys) that runs out of time */
gboolean tempest_keypair_should_rekey_on_receive(const TempestKeypair *kp, gint64 now);

/* neither sending nor receiving may use the keypair any more: older than REJECT_AFTER_TIME or
 * REJECT_AFTER_MESSAGES sent */
gboolean tempest_keypair_is_expired(const TempestKeypair *kp, gint64 now);

/* all state of a peer should be wiped when no new session came for 3 × REJECT_AFTER_TIME */
gboolean tempest_session_should_zero(gint64 last_session_created, gint64 now);

/* the delay before the next handshake retry: REKEY_TIMEOUT plus a jitter in
 * [0, REKEY_TIMEOUT_JITTER) the caller draws (so this stays deterministic) */
gint64 tempest_handshake_retry_delay(guint32 random);
