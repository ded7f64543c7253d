/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-license-state.h"
#include "arc-node.h"
#include "arc-registry.h"

G_BEGIN_DECLS

/* The license in force and its lifecycle (docs/license.md): the document, the license
 * plugin that verifies it, the persisted expiry state and its timer, the node limit it sets
 * in the registry, and the `license` records that carry a renewal to every peer. */

/**
 * ArcLicenseInfo:
 *
 * The license in force and where it stands in the expiry state machine.
 */
typedef struct {
	ArcLicense *license;
	ArcLicenseState state;
	gint64 state_since;
	gint64 next_change;         /* G_MAXINT64 when none */
	ArcLicenseState next_state; /* the state from @next_change, when there is one */
	gint64 days_until_expiry;
	guint nodes_in_use; /* active members, the nodes max_nodes counts */
	gchar *message;     /* arc_license_state_message() */
	gint64 now;
} ArcLicenseInfo;

void arc_license_info_free(ArcLicenseInfo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcLicenseInfo, arc_license_info_free)

#define ARC_TYPE_LICENSE_MANAGER (arc_license_manager_get_type())
G_DECLARE_FINAL_TYPE(ArcLicenseManager, arc_license_manager, ARC, LICENSE_MANAGER, GObject)

ArcLicenseManager *arc_license_manager_new(ArcNode *node, ArcRegistry *registry);
void arc_license_manager_set_peer_id(ArcLicenseManager *self, const gchar *peer_id);
void arc_license_manager_stop(ArcLicenseManager *self);

ArcLicense *arc_license_manager_get_license(ArcLicenseManager *self);
ArcLicenseBackend *arc_license_manager_get_backend(ArcLicenseManager *self);
ArcLicenseState arc_license_manager_get_state(ArcLicenseManager *self);
gchar *arc_license_manager_get_message(ArcLicenseManager *self);
ArcLicenseInfo *arc_license_manager_get_info(ArcLicenseManager *self, GError **error);

gboolean arc_license_manager_check_unexpired(ArcLicense *license, gint64 now, GError **error);
ArcLicense *arc_license_manager_verify_new(ArcLicenseManager *self, const gchar *document,
					   gint64 now, GError **error);

gboolean arc_license_manager_load(ArcLicenseManager *self, const gchar *document, GError **error);
void arc_license_manager_stage_bootstrap(ArcStorageTxn *txn, ArcLicense *license, gint64 now);
void arc_license_manager_take_bootstrap(ArcLicenseManager *self, ArcLicense *license, gint64 now);
gboolean arc_license_manager_refresh(ArcLicenseManager *self);
ArcLicenseInfo *arc_license_manager_update(ArcLicenseManager *self, const gchar *body, gsize length,
					   const gchar *by, GError **error);

G_END_DECLS
