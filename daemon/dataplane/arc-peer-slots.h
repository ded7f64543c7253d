/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which firewall mark and routing table each remote peer gets (docs/dataplane.md, "Marks
 * and tables"): a slot 1..n, kept while the peer stays a member. Slot 0 is never handed
 * out: its mark is that of the tunnel's own packets. */

typedef struct _ArcPeerSlots ArcPeerSlots;

ArcPeerSlots *arc_peer_slots_new(guint n_slots);
void arc_peer_slots_free(ArcPeerSlots *self);
guint arc_peer_slots_sync(ArcPeerSlots *self, const gchar *const *peer_ids);
guint arc_peer_slots_lookup(const ArcPeerSlots *self, const gchar *peer_id);
guint arc_peer_slots_get_size(const ArcPeerSlots *self);
guint arc_peer_slots_preferred(guint n_slots, const gchar *peer_id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcPeerSlots, arc_peer_slots_free)

G_END_DECLS
