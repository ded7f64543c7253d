/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-test-agent.h"

G_BEGIN_DECLS

#define ARC_REST_SCOPE_URN(name) "urn:tillered:arctic:" name

/**
 * ArcRestFixture:
 * @agent: a running agent of its own
 * @token: (nullable): a token of the cluster credential (admin), once bootstrapped
 */
typedef struct {
	ArcTestAgent *agent;
	gchar *token;
} ArcRestFixture;

void arc_rest_fixture_setup(ArcRestFixture *fixture, gconstpointer user_data);
void arc_rest_fixture_setup_bootstrapped(ArcRestFixture *fixture, gconstpointer user_data);
void arc_rest_fixture_teardown(ArcRestFixture *fixture, gconstpointer user_data);

void arc_rest_init(int *argc, char ***argv);
gint64 arc_rest_now(void);
gchar *arc_rest_create_credential(ArcTestAgent *agent, const gchar *token, const gchar *json_body,
				  gchar **secret_out);
gchar *arc_rest_token_for(ArcTestAgent *agent, const gchar *client_id, const gchar *secret);
GPtrArray *arc_rest_list_client_ids(ArcTestAgent *agent, const gchar *token);
gboolean arc_rest_agent_is_sanitized(void);
gboolean arc_rest_rss_is_meaningful(void);
gboolean arc_rest_log_contains(ArcTestAgent *agent, const gchar *needle);

G_END_DECLS
