/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-timers.h"

#include "tempest-noise.h"

static guint64
tempest_keypair_sent(const TempestKeypair *kp)
{
	return __atomic_load_n(&kp->send_counter, __ATOMIC_RELAXED);
}

gboolean
tempest_keypair_should_rekey(const TempestKeypair *kp, gint64 now, gboolean is_initiator)
{
	if (tempest_keypair_sent(kp) >= TEMPEST_REKEY_AFTER_MESSAGES)
		return TRUE;
	return is_initiator && now - kp->created >= TEMPEST_REKEY_AFTER_TIME;
}

gboolean
tempest_keypair_should_rekey_on_receive(const TempestKeypair *kp, gint64 now)
{
	return kp->is_initiator && now - kp->created >= TEMPEST_REJECT_AFTER_TIME -
								TEMPEST_KEEPALIVE_TIMEOUT -
								TEMPEST_REKEY_TIMEOUT;
}

gboolean
tempest_keypair_is_expired(const TempestKeypair *kp, gint64 now)
{
	return now - kp->created >= TEMPEST_REJECT_AFTER_TIME ||
	       tempest_keypair_sent(kp) >= TEMPEST_REJECT_AFTER_MESSAGES;
}

gboolean
tempest_session_should_zero(gint64 last_session_created, gint64 now)
{
	return now - last_session_created >= 3 * TEMPEST_REJECT_AFTER_TIME;
}

gint64
tempest_handshake_retry_delay(guint32 random)
{
	return TEMPEST_REKEY_TIMEOUT + (gint64)(random % TEMPEST_REKEY_TIMEOUT_JITTER);
}
