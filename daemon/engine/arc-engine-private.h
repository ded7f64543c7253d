/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-gossip.h"
#include "arc-handshake.h"
#include "arc-handshaker.h"
#include "arc-identity.h"
#include "arc-peer-manager.h"
#include "arc-registry.h"
#include "arc-service-manager.h"

G_BEGIN_DECLS

/* for the files of the engine split by concern (arc-engine-*.c) */
gboolean arc_engine_commit(ArcEngine *self, ArcStorageTxn *txn, GError **error);
ArcLicense *arc_engine_get_license_doc(ArcEngine *self);
void arc_engine_emit_peer_changed(ArcEngine *self, const gchar *peer_id);
void arc_engine_emit_peer_state_changed(ArcEngine *self, const gchar *peer_id, const gchar *state);

/* arc-engine-peers.c: the peer manager (arc-peer-manager.h), and its methods under the
 * engine's names for the files not moved yet */
ArcPeerManager *arc_engine_new_peer_manager(ArcEngine *self, ArcRegistry *registry);
ArcPeerManager *arc_engine_get_peer_manager(ArcEngine *self);
GPtrArray *arc_engine_load_peers(ArcEngine *self, GError **error);
gboolean arc_engine_is_deactivated(ArcEngine *self);

/* arc-engine-records.c: the kinds the engine replicates, and the registry's methods under
 * the engine's names */
ArcRegistry *arc_engine_get_registry(ArcEngine *self);
void arc_engine_register_kinds(ArcEngine *self, ArcRegistry *registry);
ArcAuthManager *arc_engine_get_auth(ArcEngine *self);
void arc_engine_records_invalidate(ArcEngine *self);
GPtrArray *arc_engine_get_members(ArcEngine *self);
gboolean arc_engine_commit_full(ArcEngine *self, ArcStorageTxn *txn, const gchar *from,
				gboolean push, GError **error);
ArcGossip *arc_engine_get_gossip(ArcEngine *self);
void arc_engine_offer_cluster_id(ArcEngine *self, const gchar *cluster_id, const gchar *from);
gboolean arc_engine_edit_own_record(ArcEngine *self, const gchar *member, const gchar *value,
				    GError **error);

/* arc-engine-services.c: the service manager behind the engine's service functions */
ArcServiceManager *arc_engine_service_manager_new(ArcEngine *self, ArcRegistry *registry);
ArcServiceManager *arc_engine_get_service_manager(ArcEngine *self);

/* arc-engine-handshake.c */
ArcHandshaker *arc_engine_get_handshaker(ArcEngine *self);
void arc_engine_attach_handshaker(ArcEngine *self, ArcHandshaker *handshaker);
void arc_engine_discover_peer_async(ArcEngine *self, const gchar *address,
				    GCancellable *cancellable, GAsyncReadyCallback callback,
				    gpointer user_data);
gboolean arc_engine_is_vouched(ArcEngine *self, const gchar *peer_id);

/* arc-engine-license.c: the license operations; the lifecycle is ArcLicenseManager's */
ArcLicenseManager *arc_engine_get_licenses(ArcEngine *self);

/* arc-engine-auth.c: authorise, then delegate to ArcAuthManager */
gboolean arc_engine_check_scope(const ArcCaller *caller, ArcScope needed, GError **error);
gboolean arc_engine_authorize_bootstrapped(ArcEngine *self, const ArcCaller *caller,
					   ArcScope needed, GError **error);

/* arc-engine-bootstrap.c, and the facade's side of it */
void arc_engine_log_data_state(ArcEngine *self);
ArcIdentity *arc_engine_load_identity(ArcEngine *self, const gchar *peer_id, gchar **name,
				      GError **error);
void arc_engine_sign_unsigned_records(ArcEngine *self);
void arc_engine_adopt_bootstrap(ArcEngine *self, ArcBootstrapResult *res, ArcLicense *license,
				ArcIdentity *identity, ArcCredential *credential, gint64 now);

/* arc-engine-cluster.c, and the facade's side of it */
void arc_engine_load_former_cluster_ids(ArcEngine *self);

/* arc-engine-gossip.c: the engine as gossip's host */
ArcGossip *arc_engine_gossip_new(ArcEngine *self, ArcRegistry *registry, ArcIdentity *identity);

G_END_DECLS
