/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-engine.h"
#include "arc-engine-license.h"
#include "arc-engine-managers.h"
#include "arc-gossip.h"
#include "arc-handshake.h"
#include "arc-handshaker.h"
#include "arc-identity.h"
#include "arc-peer-manager.h"
#include "arc-registry.h"
#include "arc-service-manager.h"

G_BEGIN_DECLS

/* for the files of the engine split by concern (arc-engine-*.c) */

/* arc-engine-peers.c: the peer manager (arc-peer-manager.h), and its methods under the
 * engine's names for the files not moved yet */

/* arc-engine-records.c: the kinds the engine replicates, and the registry's methods under
 * the engine's names */
void arc_engine_register_kinds(ArcEngine *self, ArcRegistry *registry);
void arc_engine_offer_cluster_id(ArcEngine *self, const gchar *cluster_id, const gchar *from);

/* arc-engine-services.c: the service manager behind the engine's service functions */

/* arc-engine-handshake.c */

/* arc-engine-license.c: the license operations; the lifecycle is ArcLicenseManager's */

/* arc-engine-bootstrap.c, and the facade's side of it */
void arc_engine_log_data_state(ArcEngine *self);
ArcIdentity *arc_engine_load_identity(ArcEngine *self, const gchar *peer_id, gchar **name,
				      GError **error);
void arc_engine_sign_unsigned_records(ArcEngine *self);
void arc_engine_adopt_bootstrap(ArcEngine *self, ArcBootstrapResult *res, ArcLicense *license,
				ArcIdentity *identity, ArcCredential *credential, gint64 now);

/* arc-engine-cluster.c, and the facade's side of it */
void arc_engine_load_former_cluster_ids(ArcEngine *self);

G_END_DECLS
