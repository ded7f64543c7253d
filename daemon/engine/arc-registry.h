/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-identity.h"
#include "arc-peer-state.h"
#include "arc-peer-tunnel.h"

G_BEGIN_DECLS

/* The replicated records (docs/protocol.md §6): what is stored, which peers are members and
 * with which key, the registry hash, and the rules a record received from another agent must
 * pass before it is stored. The registry knows record kinds only through the handlers
 * registered for them (ArcRecordKind); what a record means to other managers is theirs. */

#define ARC_TYPE_REGISTRY (arc_registry_get_type())
G_DECLARE_FINAL_TYPE(ArcRegistry, arc_registry, ARC, REGISTRY, GObject)

/**
 * ArcMember:
 * @id: an active peer
 * @address: where its API answers
 * @cluster_id: (nullable): the cluster id its record states
 * @key: its Ed25519 key
 * @created_at: when it was bootstrapped, the order of the node limit
 * @over_limit: beyond the license's max_nodes in that order
 */
typedef struct {
	gchar *id;
	gchar *address;
	gchar *cluster_id;
	guint8 key[ARC_IDENTITY_PUBLIC_KEY_SIZE];
	gint64 created_at;
	gboolean over_limit;
} ArcMember;

/**
 * ArcPeerFields:
 * @tunnel: its tunnel fields (arc_peer_tunnel_read()); none when @tunnel_error is set
 * @tunnel_error: (nullable): why the tunnel fields it states are not valid
 *
 * What the body of a member record states, valid until that body is parsed again.
 */
typedef struct {
	const gchar *name;
	const gchar *public_key;
	const gchar *address;
	ArcPeerState state; /* arc_peer_state_from_record() */
	const gchar *cluster_id;
	gint64 created_at;
	const ArcPeerTunnel *tunnel;
	const gchar *tunnel_error;
} ArcPeerFields;

/**
 * ArcRecordKindFlags:
 * @ARC_RECORD_KIND_FLAG_NONE: a plain record, written by any member
 * @ARC_RECORD_KIND_FLAG_REPLICATED: gossip carries it and it counts in the registry hash
 * @ARC_RECORD_KIND_FLAG_MEMBER: a peer's own record (id = peer id): the members are read from
 *   these; a live version is written only by that peer, who may state its key in
 *   `public_key` before it is a member, and is refused once the peer is revoked
 * @ARC_RECORD_KIND_FLAG_REVOCATION: revokes the peer of its id: never deleted, never purged,
 *   and above the member record of that peer
 */
typedef enum {
	ARC_RECORD_KIND_FLAG_NONE = 0,
	ARC_RECORD_KIND_FLAG_REPLICATED = 1 << 0,
	ARC_RECORD_KIND_FLAG_MEMBER = 1 << 1,
	ARC_RECORD_KIND_FLAG_REVOCATION = 1 << 2,
} ArcRecordKindFlags;

/* one merge of records another agent sent: what it staged so far */
typedef struct _ArcRegistryMerge ArcRegistryMerge;

ArcStorageTxn *arc_registry_merge_get_txn(ArcRegistryMerge *merge);
gboolean arc_registry_merge_is_revoked(ArcRegistryMerge *merge, const gchar *peer_id);
void arc_registry_merge_add_revoked(ArcRegistryMerge *merge, const gchar *peer_id);

/**
 * ArcRecordKind:
 * @name: the kind, as stored
 * @flags: what the registry itself makes of it
 * @check: (nullable): whether a received record, signed by a member, may be stored
 * @take: (nullable): takes a checked record instead of storing it; %TRUE if it did
 * @staged: (nullable): a received record was staged in @merge: stage what follows from it
 * @displaces: (nullable): whether @received, winning over @local, pushes @local out
 * @displaced: (nullable): after the commit, the local records @displaces pushed out
 * @applied: (nullable): a received record was stored
 * @forgotten: (nullable): a record another member purged was dropped here
 * @changed: (nullable): a record of this kind was stored, written here or received; called
 *   for each record of a commit before #ArcRegistry::records-changed
 *
 * The handler of one kind of record, registered with arc_registry_register_kind() by the
 * manager that owns the kind. Every hook gets the user data given at registration.
 */
typedef struct {
	const gchar *name;
	ArcRecordKindFlags flags;
	gboolean (*check)(const ArcRecord *record, gpointer user_data, GError **error);
	gboolean (*take)(const ArcRecord *record, const gchar *from, gpointer user_data);
	void (*staged)(const ArcRecord *record, ArcRegistryMerge *merge, gpointer user_data);
	gboolean (*displaces)(const ArcRecord *local, const ArcRecord *received,
			      gpointer user_data);
	void (*displaced)(GPtrArray *records, gpointer user_data);
	void (*applied)(const ArcRecord *record, const gchar *from, gpointer user_data);
	void (*forgotten)(const gchar *id, gpointer user_data);
	void (*changed)(const ArcRecord *record, gpointer user_data);
} ArcRecordKind;

ArcRegistry *arc_registry_new(ArcStorage *storage);
void arc_registry_register_kind(ArcRegistry *self, const ArcRecordKind *kind, gpointer user_data);
const gchar *const *arc_registry_get_kinds(ArcRegistry *self);
ArcStorage *arc_registry_get_storage(ArcRegistry *self);
void arc_registry_set_signer(ArcRegistry *self, ArcIdentity *identity, const gchar *peer_id);
void arc_registry_set_max_nodes(ArcRegistry *self, gint64 max_nodes);

gboolean arc_registry_commit(ArcRegistry *self, ArcStorageTxn *txn, const gchar *from,
			     gboolean push, GError **error);
void arc_registry_invalidate(ArcRegistry *self);
void arc_registry_reload_members(ArcRegistry *self);
GPtrArray *arc_registry_list_all(ArcRegistry *self, GError **error);
const gchar *arc_registry_get_hash(ArcRegistry *self);

GPtrArray *arc_registry_get_members(ArcRegistry *self);
const ArcMember *arc_registry_lookup_member(ArcRegistry *self, const gchar *peer_id);
gboolean arc_registry_is_member_host(ArcRegistry *self, GInetAddress *address);
gboolean arc_registry_peer_fields(ArcRegistry *self, const ArcRecord *record,
				  ArcPeerFields *fields);
void arc_registry_trim_peer_bodies(ArcRegistry *self, guint live);

gboolean arc_registry_revocation_is_active(const ArcRecord *record);
gboolean arc_registry_peer_is_revoked(ArcRegistry *self, const gchar *peer_id);
gint64 arc_registry_readmitted_floor(ArcRegistry *self, const gchar *peer_id);

gint arc_registry_merge(ArcRegistry *self, GPtrArray *records, const gchar *from,
			GPtrArray **candidates, GPtrArray **purged, GError **error);
void arc_registry_apply_purged(ArcRegistry *self, GPtrArray *markers, const gchar *from);
guint arc_registry_purge_tombstones(ArcRegistry *self, gint64 now, guint retention);

G_END_DECLS
