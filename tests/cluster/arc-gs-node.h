/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-test-agent.h"

G_BEGIN_DECLS

/* Agents of the suite 'cluster' with fast gossip (a round every 100 ms), bootstrapped with
 * licenses of one customer, and the calls the tests make of them; every wait is bounded. */

#define GS_CONFIG                                                                                  \
	"[gossip]\ninterval=0.1\nsuspect_after=0.6\nunreachable_after=1.5\ntimeout=1\n"            \
	"[peers]\nhandshake_timeout=4\nreach_back_timeout=2\n"
#define GS_WAIT_MS 15000

typedef struct {
	ArcTestAgent *agent;
	gchar *address;
	gchar *token;
	gchar *peer_id;
} GsNode;

void gs_node_free(GsNode *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GsNode, gs_node_free)
void gs_node_login(GsNode *self);
GsNode *gs_node_new_full(GsNode *issuer_of, const gchar *extra_config, gint64 max_nodes);
GsNode *gs_node_new_limits(GsNode *issuer_of, const gchar *extra_config, gint64 max_nodes,
			   gint64 max_services);
GsNode *gs_node_new(GsNode *issuer_of, const gchar *extra_config);
JsonNode *gs_call(GsNode *self, const gchar *method, const gchar *path, const gchar *body,
		  guint *status);
void gs_join(GsNode *from, GsNode *to);
JsonObject *gs_object(JsonNode *node);
gchar *gs_registry_hash(GsNode *self);
JsonObject *gs_status_peer(JsonNode *status, const gchar *peer_id);
gboolean gs_knows(GsNode *self, const gchar *peer_id);
gboolean gs_converged(GsNode *const *nodes, guint n);

#define GS_WAIT_FOR(cond)                                                                          \
	G_STMT_START                                                                               \
	{                                                                                          \
		gint64 gs_deadline_ =                                                              \
			g_get_monotonic_time() + arc_test_scale_ms(GS_WAIT_MS) * 1000;             \
		while (!(cond) && g_get_monotonic_time() < gs_deadline_)                           \
			g_usleep(50 * 1000);                                                       \
		g_assert_true(cond);                                                               \
	}                                                                                          \
	G_STMT_END

G_END_DECLS
