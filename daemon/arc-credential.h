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
	gint64 created_at;
	gint64 last_used_at; /* 0 = never */
} ArcCredential;

ArcCredential *arc_credential_new(const gchar *client_id, const gchar *secret, ArcScope scopes);
void arc_credential_free(ArcCredential *self);
gboolean arc_credential_check_secret(const ArcCredential *self, const gchar *secret);
gchar *arc_credential_new_secret(void);
gchar *arc_credential_to_json(const ArcCredential *self);
ArcCredential *arc_credential_from_json(const gchar *json, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCredential, arc_credential_free)

G_END_DECLS
