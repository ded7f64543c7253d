/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-auth-manager.h"
#include "arc-bootstrapper.h"
#include "arc-cluster-identity.h"
#include "arc-engine.h"
#include "arc-gossip.h"
#include "arc-handshaker.h"
#include "arc-leaver.h"
#include "arc-license-manager.h"
#include "arc-peer-manager.h"
#include "arc-readiness.h"
#include "arc-registry.h"
#include "arc-service-manager.h"

G_BEGIN_DECLS

/* The managers behind the facade, each through its own public header: for the files that
 * implement the engine's operations (arc-engine-*.c) and for the engine's tests. The adapters
 * call arc-engine.h only. */

ArcRegistry *arc_engine_get_registry(ArcEngine *self);
ArcPeerManager *arc_engine_get_peer_manager(ArcEngine *self);
ArcServiceManager *arc_engine_get_service_manager(ArcEngine *self);
ArcLicenseManager *arc_engine_get_licenses(ArcEngine *self);
ArcAuthManager *arc_engine_get_auth(ArcEngine *self);
ArcHandshaker *arc_engine_get_handshaker(ArcEngine *self);
ArcGossip *arc_engine_get_gossip(ArcEngine *self);
ArcClusterIdentity *arc_engine_get_cluster_identity(ArcEngine *self);
ArcLeaver *arc_engine_get_leaver(ArcEngine *self);
ArcBootstrapper *arc_engine_get_bootstrapper(ArcEngine *self);
ArcReadiness *arc_engine_get_readiness_tracker(ArcEngine *self);

/* the host tables the managers call through (arc-engine-managers.c); their host data is the
 * engine */
extern const ArcPeerManagerHost arc_engine_peers_host;
extern const ArcGossipHost arc_engine_gossip_host;
extern const ArcHandshakerHost arc_engine_handshaker_host;
extern const ArcServiceHost arc_engine_service_host;

/* what the facade does for the files that implement it */
void arc_engine_emit_peer_changed(ArcEngine *self, const gchar *peer_id);
void arc_engine_bootstrapped(ArcEngine *self, const ArcBootstrapResult *res,
			     const ArcLicense *license);

G_END_DECLS
