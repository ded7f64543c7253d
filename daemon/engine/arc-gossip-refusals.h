/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The log of refused gossip messages: a removed peer keeps knocking, and a made-up sender
 * can knock as often as it likes, so each sender's refusals of one kind are logged at most
 * once a minute, in a table of bounded size. */

typedef struct _ArcGossipRefusals ArcGossipRefusals;

ArcGossipRefusals *arc_gossip_refusals_new(void);
void arc_gossip_refusals_free(ArcGossipRefusals *self);
gboolean arc_gossip_refusals_log(ArcGossipRefusals *self, const gchar *from, const gchar *why,
				 const GError *error, gint64 now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcGossipRefusals, arc_gossip_refusals_free)

G_END_DECLS
