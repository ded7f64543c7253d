/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-credential.h"
#include "arc-identity.h"
#include "arc-registry.h"
#include "arc-scope.h"

G_BEGIN_DECLS

#define ARC_TOKEN_LIFETIME_SECS 3600
/* the issuer of a cluster without a configured one: this prefix and the cluster id */
#define ARC_AUTH_ISSUER_URN_PREFIX "urn:arctic:cluster:"

/**
 * ArcCaller:
 * @client_id: the credential behind the request, %NULL for the recovery token
 * @scopes: what the request may do
 * @recovery: authenticated by the break-glass recovery token
 */
typedef struct {
	gchar *client_id;
	ArcScope scopes;
	gboolean recovery;
} ArcCaller;

void arc_caller_free(ArcCaller *self);
const gchar *arc_caller_describe(const ArcCaller *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCaller, arc_caller_free)

/**
 * ArcTokenGrant:
 * @access_token: the JWT
 * @expires_in: seconds
 * @scope: space-separated scope URNs
 */
typedef struct {
	gchar *access_token;
	gint64 expires_in;
	gchar *scope;
} ArcTokenGrant;

void arc_token_grant_free(ArcTokenGrant *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTokenGrant, arc_token_grant_free)

#define ARC_TYPE_AUTH_MANAGER (arc_auth_manager_get_type())
G_DECLARE_FINAL_TYPE(ArcAuthManager, arc_auth_manager, ARC, AUTH_MANAGER, GObject)

ArcAuthManager *arc_auth_manager_new(ArcStorage *storage);
void arc_auth_manager_set_registry(ArcAuthManager *self, ArcRegistry *registry,
				   const gchar *configured);
gboolean arc_auth_manager_load(ArcAuthManager *self, GError **error);
void arc_auth_manager_set_issuer(ArcAuthManager *self, ArcIdentity *identity, const gchar *peer_id,
				 const gchar *cluster_id);
void arc_auth_manager_set_issuer_url(ArcAuthManager *self, const gchar *url);
void arc_auth_manager_load_issuer(ArcAuthManager *self, const gchar *configured);
gboolean arc_auth_manager_stage_issuer(ArcAuthManager *self, ArcStorageTxn *txn,
				       const gchar *configured);
void arc_auth_manager_apply_issuer_record(ArcAuthManager *self, const ArcRecord *record,
					  const gchar *configured);
const gchar *arc_auth_manager_get_issuer(ArcAuthManager *self);
const gchar *arc_auth_manager_get_issuer_url(ArcAuthManager *self);
void arc_auth_manager_add_peer_key(ArcAuthManager *self, const gchar *peer_id,
				   const guint8 *public_key);
GPtrArray *arc_auth_manager_get_peer_keys(ArcAuthManager *self);
ArcCredential *arc_auth_manager_prepare_credential(ArcAuthManager *self, ArcScope scopes,
						   const gchar *kind, const gchar *created_by,
						   const gchar *license_id, gchar **secret_out);
void arc_auth_manager_stage_credential(ArcAuthManager *self, ArcStorageTxn *txn,
				       const ArcCredential *credential);
void arc_auth_manager_adopt_credential(ArcAuthManager *self, ArcCredential *credential);
ArcTokenGrant *arc_auth_manager_issue_token(ArcAuthManager *self, const gchar *client_id,
					    const gchar *secret, ArcScope requested,
					    GError **error);
ArcCaller *arc_auth_manager_authenticate_bearer(ArcAuthManager *self, const gchar *token,
						GError **error);
gboolean arc_auth_manager_setup_recovery(ArcAuthManager *self, const gchar *path, GError **error);
ArcCaller *arc_auth_manager_authenticate_recovery(ArcAuthManager *self, const gchar *value,
						  GError **error);
GPtrArray *arc_auth_manager_list_credentials(ArcAuthManager *self);
const ArcCredential *arc_auth_manager_lookup(ArcAuthManager *self, const gchar *client_id);
gboolean arc_auth_manager_stage_revoke(ArcAuthManager *self, ArcStorageTxn *txn,
				       const gchar *client_id, GError **error);
const ArcCredential *arc_auth_manager_get_cluster_credential(ArcAuthManager *self,
							     const gchar *cluster_id);
ArcCredential *arc_auth_manager_prepare_rotation(ArcAuthManager *self,
						 const ArcCredential *credential,
						 const gchar *rotated_by, gint64 now,
						 gchar **secret_out);
GPtrArray *arc_auth_manager_stage_peer_revocations(ArcAuthManager *self, ArcStorageTxn *txn,
						   const gchar *peer_id);
void arc_auth_manager_forget(ArcAuthManager *self, const gchar *client_id);
void arc_auth_manager_forget_all(ArcAuthManager *self, GPtrArray *client_ids);
void arc_auth_manager_apply_record(ArcAuthManager *self, const ArcRecord *record);
void arc_auth_manager_reset_peer_keys(ArcAuthManager *self);
void arc_auth_manager_add_former_cluster_id(ArcAuthManager *self, const gchar *cluster_id,
					    gint64 until);

G_END_DECLS
