/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-auth-manager.h"
#include "arc-cluster-identity.h"
#include "arc-engine.h"
#include "arc-license-manager.h"
#include "arc-node.h"
#include "arc-registry.h"

G_BEGIN_DECLS

/* Who this agent is, from peer.key and arctic.db: checked at start, and made once by a
 * bootstrap (who may bootstrap, and the one transaction that makes the agent a peer of its own
 * cluster). The engine adopts what a bootstrap made. */

typedef struct _ArcBootstrapper ArcBootstrapper;

ArcBootstrapper *arc_bootstrapper_new(ArcNode *node, ArcRegistry *registry, ArcAuthManager *auth,
				      ArcLicenseManager *licenses, ArcPeerManager *peers,
				      ArcClusterIdentity *cluster);
void arc_bootstrapper_free(ArcBootstrapper *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBootstrapper, arc_bootstrapper_free)

/* at start */
void arc_bootstrapper_log_data_state(ArcBootstrapper *self);
gboolean arc_bootstrapper_load(ArcBootstrapper *self, GError **error);
void arc_bootstrapper_publish_issuer(ArcBootstrapper *self);
ArcIdentity *arc_bootstrapper_load_identity(ArcBootstrapper *self, const gchar *peer_id,
					    gchar **name, GError **error);
void arc_bootstrapper_sign_unsigned_records(ArcBootstrapper *self);

/* the bootstrap */
gboolean arc_bootstrapper_check_origin(ArcBootstrapper *self, gboolean loopback,
				       const gchar *recovery, GError **error);
ArcBootstrapResult *arc_bootstrapper_run(ArcBootstrapper *self, const ArcBootstrapRequest *req,
					 gint64 now, ArcLicense **license, ArcIdentity **identity,
					 ArcCredential **credential, GError **error);
void arc_bootstrapper_adopt(ArcBootstrapper *self, ArcBootstrapResult *res, ArcLicense *license,
			    ArcIdentity *identity, ArcCredential *credential, gint64 now);

G_END_DECLS
