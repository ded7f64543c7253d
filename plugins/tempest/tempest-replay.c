/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-replay.h"

#include <string.h>

#include "tempest-timers.h"

void
tempest_replay_init(TempestReplay *self)
{
	memset(self, 0, sizeof(*self));
}

/* Counters are kept shifted by one, so that 0 means "nothing yet" and counter 0 is a valid first
 * packet. Moving forward clears the words between the old and new greatest counter, at most the
 * whole ring: the word holding the old greatest counter keeps its bits, which is why one word of
 * the ring is not part of the window. */
gboolean
tempest_replay_check(TempestReplay *self, guint64 counter)
{
	guint64 shifted;
	guint64 word;
	guint64 bit;

	if (counter >= TEMPEST_REJECT_AFTER_MESSAGES)
		return FALSE;
	shifted = counter + 1;
	if (shifted + TEMPEST_REPLAY_WINDOW_SIZE < self->next)
		return FALSE;
	word = shifted / 64;
	if (shifted > self->next) {
		guint64 current = self->next / 64;
		guint64 clear = MIN(word - current, (guint64)TEMPEST_REPLAY_WORDS);

		for (guint64 i = 1; i <= clear; i++)
			self->bitmap[(current + i) % TEMPEST_REPLAY_WORDS] = 0;
		self->next = shifted;
	}
	bit = G_GUINT64_CONSTANT(1) << (shifted % 64);
	word %= TEMPEST_REPLAY_WORDS;
	if ((self->bitmap[word] & bit) != 0)
		return FALSE;
	self->bitmap[word] |= bit;
	return TRUE;
}
