/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* The sliding window against replayed transport counters (RFC 6479's bitmap of words, as
 * WireGuard uses it): 8192 bits, of which the newest 8128 counters below the greatest one seen
 * are remembered. Each check does a bounded amount of work whatever the jump. Not thread-safe:
 * TempestKeypair serialises the checks of one key. */

#define TEMPEST_REPLAY_WORDS 128
#define TEMPEST_REPLAY_BITS_TOTAL (TEMPEST_REPLAY_WORDS * 64)
#define TEMPEST_REPLAY_WINDOW_SIZE (TEMPEST_REPLAY_BITS_TOTAL - 64)

typedef struct {
	guint64 next; /* the greatest counter accepted plus one; 0 before the first */
	guint64 bitmap[TEMPEST_REPLAY_WORDS];
} TempestReplay;

void tempest_replay_init(TempestReplay *self);

/* TRUE (and the counter is recorded) when the counter was not seen, is inside the window and
 * below REJECT_AFTER_MESSAGES; call it only for packets that authenticated */
gboolean tempest_replay_check(TempestReplay *self, guint64 counter);
