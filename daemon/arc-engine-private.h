/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-handshake.h"
#include "arc-identity.h"

G_BEGIN_DECLS

/* for the files of the engine split by concern (arc-engine-*.c) */
ArcStorage *arc_engine_get_storage(ArcEngine *self);
gboolean arc_engine_commit(ArcEngine *self, ArcStorageTxn *txn, GError **error);
const gchar *arc_engine_get_peer_id(ArcEngine *self);
ArcIdentity *arc_engine_get_identity_key(ArcEngine *self);
ArcLicense *arc_engine_get_license_doc(ArcEngine *self);
ArcLicenseBackend *arc_engine_get_license_backend(ArcEngine *self);
ArcConfig *arc_engine_get_config(ArcEngine *self);
void arc_engine_set_peer_name(ArcEngine *self, const gchar *name);
void arc_engine_emit_peer_changed(ArcEngine *self, const gchar *peer_id);

/* arc-engine-peers.c: the `peer` records */
GPtrArray *arc_engine_load_peers(ArcEngine *self, GError **error);
ArcPeerInfo *arc_engine_find_peer(GPtrArray *peers, const gchar *id, const gchar *public_key,
				  const gchar *address);
guint arc_engine_count_active_peers(GPtrArray *peers);
gboolean arc_engine_peer_is_revoked(ArcEngine *self, const gchar *peer_id);
gchar *arc_engine_peer_body(const gchar *id, const gchar *name, const gchar *description,
			    const gchar *public_key, const gchar *address, const gchar *license_id,
			    const gchar *state, gint64 created_at);
void arc_engine_stage_peer(ArcEngine *self, ArcStorageTxn *txn, const ArcRecord *old,
			   const gchar *id, const gchar *body, gboolean deleted);
gboolean arc_engine_read_deactivated(ArcEngine *self);
gboolean arc_engine_is_deactivated(ArcEngine *self);
void arc_engine_set_deactivated(ArcEngine *self);

/* arc-engine-handshake.c */
typedef struct _ArcHandshakeState ArcHandshakeState;
ArcHandshakeState *arc_handshake_state_new(ArcEngine *engine);
void arc_handshake_state_free(ArcHandshakeState *self);
ArcHandshakeState *arc_engine_get_handshake_state(ArcEngine *self);
gchar *arc_engine_advertised_address(ArcEngine *self, const gchar *remote);

G_END_DECLS
