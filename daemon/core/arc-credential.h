/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-scope.h"

G_BEGIN_DECLS

#define ARC_CREDENTIAL_SALT_SIZE 16
#define ARC_CREDENTIAL_HASH_SIZE 32

/**
 * ArcCredential:
 *
 * An OAuth2 client. Only a keyed hash of its secret is kept: BLAKE2b-256 keyed with a random
 * per-credential salt. Secrets are 256 random bits, so a slow password hash would buy nothing.
 */
typedef struct {
	gchar *client_id;
	guint8 salt[ARC_CREDENTIAL_SALT_SIZE];
	guint8 hash[ARC_CREDENTIAL_HASH_SIZE];
	ArcScope scopes;
	gchar *license_id;
	gchar *kind; /* "cluster" or "api" */
	gchar *created_by;
	gchar *created_by_peer; /* the peer that minted it, NULL before it was recorded */
	gint64 created_at;
	gint64 last_used_at; /* 0 = never */
	/* the shared cluster credential (kind "cluster") */
	gchar *cluster_id;
	gint64 rotation; /* 1, then one more per rotation */
	gchar *rotated_by;
	gint64 rotated_at;
	gboolean has_previous; /* the secret before the last rotation, in its grace period */
	guint8 previous_salt[ARC_CREDENTIAL_SALT_SIZE];
	guint8 previous_hash[ARC_CREDENTIAL_HASH_SIZE];
	gint64 previous_until;
} ArcCredential;

#define ARC_CREDENTIAL_ROTATION_GRACE_SECS (24 * 3600)

ArcCredential *arc_credential_new(const gchar *client_id, const gchar *secret, ArcScope scopes);
void arc_credential_free(ArcCredential *self);
gboolean arc_credential_check_secret(const ArcCredential *self, const gchar *secret, gint64 now);
void arc_credential_rotate(ArcCredential *self, const gchar *secret, const gchar *rotated_by,
			   gint64 now);
gchar *arc_credential_new_secret(void);
gchar *arc_credential_to_json(const ArcCredential *self);
ArcCredential *arc_credential_from_json(const gchar *json, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCredential, arc_credential_free)

G_END_DECLS
