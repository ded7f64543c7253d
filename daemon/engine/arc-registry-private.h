/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-registry.h"

G_BEGIN_DECLS

/* Shared by the files of ArcRegistry only: arc-registry.c (kinds, hash, commit),
 * arc-registry-members.c (members, revocations), arc-registry-merge.c (what another agent
 * sent) and arc-registry-tombstones.c (purge). Nothing outside them includes it. */

typedef struct {
	const ArcRecordKind *kind;
	gpointer user_data;
} ArcRegistryKindEntry;

typedef struct {
	gchar *body; /* the text parsed, to notice a new version */
	gchar *name;
	gchar *public_key;
	gchar *address;
	ArcPeerState state;
	gchar *cluster_id;
	gint64 created_at;
	ArcPeerTunnel tunnel;
	gchar *tunnel_error; /* (nullable) */
} ArcRegistryPeerBody;

struct _ArcRegistry {
	GObject parent_instance;
	ArcStorage *storage;
	GPtrArray *kinds;      /* (element-type ArcRegistryKindEntry), sorted by name */
	GPtrArray *kind_names; /* NULL-terminated, the replicated ones */
	const ArcRegistryKindEntry *member_kind;
	const ArcRegistryKindEntry *revocation_kind;
	ArcIdentity *identity;    /* (nullable): signs what this agent writes */
	gchar *peer_id;           /* (nullable): this agent */
	gint64 max_nodes;         /* 0: no limit */
	gchar *hash;              /* NULL: to compute */
	GPtrArray *members;       /* (element-type ArcMember), NULL: to load */
	GHashTable *member_index; /* id -> ArcMember in members */
	GHashTable *member_hosts; /* the other members' API hosts as IP text, for the API's cap */
	GHashTable *peer_bodies;  /* id -> ArcRegistryPeerBody */
};

struct _ArcRegistryMerge {
	ArcStorageTxn *txn;
	GHashTable *revoked; /* peer ids revoked by this merge */
	ArcRegistry *registry;
};

void arc_member_free(ArcMember *self);
const ArcRegistryKindEntry *arc_registry_lookup_kind(ArcRegistry *self, const gchar *name);
const ArcRegistryKindEntry *arc_registry_lookup_replicated(ArcRegistry *self, const gchar *name);
gboolean arc_registry_kind_has(const ArcRegistryKindEntry *entry, ArcRecordKindFlags flag);
void arc_registry_emit_members_changed(ArcRegistry *self);

G_END_DECLS
