/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-cli-client.h"
#include "arc-cli-config.h"
#include "arc-compose-plan.h"

G_BEGIN_DECLS

/*
 * The side of `compose diff | apply | export` that talks to agents: ask each peer of the file
 * who it is, read the cluster through one of them, carry out a plan.
 */
typedef struct {
	ArcComposeFile *file; /* borrowed */
	ArcCliConfig *config; /* borrowed */
	guint timeout;
	ArcComposeState state;
	GPtrArray *clients; /* of ArcCliClient, one per peer of the file */
	gchar *client_id;   /* the credentials used on the anchor */
	gchar *client_secret;
	gboolean authenticated;
	JsonObject *bootstrap; /* nullable: what bootstrapping the anchor answered */
	guint applied;
} ArcComposeSession;

ArcComposeSession *arc_compose_session_new(ArcComposeFile *file, ArcCliConfig *config,
					   gboolean prune);
void arc_compose_session_free(ArcComposeSession *self);
gboolean arc_compose_session_probe(ArcComposeSession *self, gboolean ignore_unreachable,
				   GError **error);
gboolean arc_compose_session_read_cluster(ArcComposeSession *self, GError **error);
gboolean arc_compose_session_apply(ArcComposeSession *self, JsonNode *license, GError **error);
gboolean arc_compose_session_save_config(ArcComposeSession *self, GError **error);
gboolean arc_compose_session_write_credentials(ArcComposeSession *self, const gchar *json_path,
					       const gchar *env_path, GError **error);
ArcCliClient *arc_compose_session_get_anchor(ArcComposeSession *self);

gboolean arc_compose_read_cluster_arrays(ArcCliClient *client, JsonArray **peers,
					 JsonArray **services, JsonArray **routes, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeSession, arc_compose_session_free)

G_END_DECLS
