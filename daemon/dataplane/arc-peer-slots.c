/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-peer-slots.h"

#include <string.h>

struct _ArcPeerSlots {
	guint n_slots;
	GHashTable *by_peer; /* peer id → slot, as GUINT_TO_POINTER */
	gchar **by_slot;     /* slot → peer id (borrowed from by_peer's key), [0] unused */
};

/**
 * arc_peer_slots_new:
 * @n_slots: how many peers may hold a slot, 1 to 65535
 *
 * Returns: (transfer full): an allocator with every slot free
 */
ArcPeerSlots *
arc_peer_slots_new(guint n_slots)
{
	ArcPeerSlots *self = g_new0(ArcPeerSlots, 1);

	self->n_slots = CLAMP(n_slots, 1, 0xffff);
	self->by_peer = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->by_slot = g_new0(gchar *, self->n_slots + 1);
	return self;
}

void
arc_peer_slots_free(ArcPeerSlots *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->by_peer);
	g_free(self->by_slot);
	g_free(self);
}

/**
 * arc_peer_slots_preferred:
 * @n_slots: the size of the range
 * @peer_id: a peer id
 *
 * The slot a peer takes when it is free: from the SHA-256 of its id, so that an agent
 * restarted after a crash most likely gives every peer the slot it had, and reconciling
 * the kernel changes nothing.
 *
 * Returns: 1 to @n_slots
 */
guint
arc_peer_slots_preferred(guint n_slots, const gchar *peer_id)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize len = sizeof(digest);
	guint32 word;

	g_checksum_update(checksum, (const guchar *)peer_id, -1);
	g_checksum_get_digest(checksum, digest, &len);
	memcpy(&word, digest, sizeof(word));
	return 1 + GUINT32_FROM_BE(word) % MAX(n_slots, 1);
}

/* the preferred slot or the next free one after it, 0 when all are taken */
static guint
arc_peer_slots_assign(ArcPeerSlots *self, const gchar *peer_id)
{
	guint slot = arc_peer_slots_preferred(self->n_slots, peer_id);
	gchar *key;

	for (guint tries = 0; tries < self->n_slots; tries++) {
		if (self->by_slot[slot] == NULL) {
			key = g_strdup(peer_id);
			g_hash_table_insert(self->by_peer, key, GUINT_TO_POINTER(slot));
			self->by_slot[slot] = key;
			return slot;
		}
		slot = slot == self->n_slots ? 1 : slot + 1;
	}
	return 0;
}

static gint
arc_peer_slots_by_id_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/**
 * arc_peer_slots_sync:
 * @self: the allocator
 * @peer_ids: the remote peers that need a slot now
 *
 * Frees the slots of peers not in @peer_ids and gives one to each new peer, in the order of
 * their ids (so that two agents given the same members in any order agree). A peer that
 * keeps its membership keeps its slot.
 *
 * Returns: how many new peers got no slot, all being taken
 */
guint
arc_peer_slots_sync(ArcPeerSlots *self, const gchar *const *peer_ids)
{
	g_autoptr(GHashTable) wanted = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) added = g_ptr_array_new();
	guint left_out = 0;
	GHashTableIter iter;
	gpointer key, value;

	for (guint i = 0; peer_ids != NULL && peer_ids[i] != NULL; i++)
		g_hash_table_add(wanted, (gpointer)peer_ids[i]);
	g_hash_table_iter_init(&iter, self->by_peer);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		if (g_hash_table_contains(wanted, key))
			continue;
		self->by_slot[GPOINTER_TO_UINT(value)] = NULL;
		g_hash_table_iter_remove(&iter);
	}
	g_hash_table_iter_init(&iter, wanted);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(self->by_peer, key))
			g_ptr_array_add(added, key);
	}
	g_ptr_array_sort(added, arc_peer_slots_by_id_cb);
	for (guint i = 0; i < added->len; i++) {
		if (arc_peer_slots_assign(self, g_ptr_array_index(added, i)) == 0)
			left_out++;
	}
	return left_out;
}

/**
 * arc_peer_slots_lookup:
 * @self: the allocator
 * @peer_id: a peer id
 *
 * Returns: the peer's slot, 0 when it has none
 */
guint
arc_peer_slots_lookup(const ArcPeerSlots *self, const gchar *peer_id)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(self->by_peer, peer_id));
}

guint
arc_peer_slots_get_size(const ArcPeerSlots *self)
{
	return self->n_slots;
}
