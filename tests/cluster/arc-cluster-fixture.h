/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "../cli/arc-cli-test-run.h"
#include "arc-test-agent.h"

G_BEGIN_DECLS

/* Several real agents on 127.0.0.1 trusting one license issuer, each bootstrapped with the
 * real CLI into a CLI config of its own, as an operator of each host would. */

typedef struct {
	ArcTestAgent *agent;
	gchar *name;
	gchar *url;
	gchar *address;
	gchar *config;
	gchar *license;
	gchar *peer_id;
	guint8 public_key[32];
} ArcClusterAgent;

ArcClusterAgent *arc_cluster_agent_new(ArcClusterAgent *issuer_of, const gchar *name,
				       const gchar *customer, gint64 max_nodes,
				       const gchar *extra_config);
void arc_cluster_agent_free(ArcClusterAgent *self);
void arc_cluster_agent_bootstrap(ArcClusterAgent *self);
ArcCliTestResult *arc_cluster_cli(ArcClusterAgent *self, const gchar *first_arg,
				  ...) G_GNUC_NULL_TERMINATED;
gchar *arc_cluster_peers(ArcClusterAgent *self);
gchar *arc_cluster_views(ArcClusterAgent *a, ArcClusterAgent *b);
void arc_cluster_assert_views(ArcClusterAgent *a, ArcClusterAgent *b, const gchar *before);
gboolean arc_cluster_knows(ArcClusterAgent *self, const gchar *peer_id);
void arc_cluster_assert_log(ArcClusterAgent *self, const gchar *needle);
void arc_cluster_join(ArcClusterAgent *from, ArcClusterAgent *to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterAgent, arc_cluster_agent_free)

#define ARC_CLUSTER_CUSTOMER "cust_CLUSTERTEST"

G_END_DECLS
