/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "gossip"

#include "arc-gossip-refusals.h"

#define ARC_GOSSIP_REFUSALS_EVERY_USEC (60 * G_USEC_PER_SEC)
#define ARC_GOSSIP_REFUSALS_MAX 1024

struct _ArcGossipRefusals {
	GHashTable *last; /* "sender why" → gint64 last logged (monotonic) */
};

ArcGossipRefusals *
arc_gossip_refusals_new(void)
{
	ArcGossipRefusals *self = g_new0(ArcGossipRefusals, 1);
	self->last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return self;
}

void
arc_gossip_refusals_free(ArcGossipRefusals *self)
{
	g_hash_table_unref(self->last);
	g_free(self);
}

/**
 * arc_gossip_refusals_log:
 * @self: the log
 * @from: the sender, or one key for all senders that cannot be told apart
 * @why: the kind of refusal
 * @error: the refusal, logged as a warning or, within the minute, at debug level
 * @now: monotonic time
 *
 * Returns: whether the refusal was logged as a warning
 */
gboolean
arc_gossip_refusals_log(ArcGossipRefusals *self, const gchar *from, const gchar *why,
			const GError *error, gint64 now)
{
	g_autofree gchar *key = g_strconcat(from, " ", why, NULL);
	gint64 *last = g_hash_table_lookup(self->last, key);

	if (last != NULL && now - *last < ARC_GOSSIP_REFUSALS_EVERY_USEC) {
		g_debug("%s", error->message);
		return FALSE;
	}
	if (last == NULL) {
		if (g_hash_table_size(self->last) > ARC_GOSSIP_REFUSALS_MAX)
			g_hash_table_remove_all(self->last);
		last = g_new(gint64, 1);
		g_hash_table_insert(self->last, g_steal_pointer(&key), last);
	}
	*last = now;
	g_warning("%s", error->message);
	return TRUE;
}
