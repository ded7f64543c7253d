/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A fake agent for the CLI's behaviour tests: a SoupServer on 127.0.0.1 (free port) in its
 * own thread and main context, answering canned responses and recording what it was sent.
 * Requests are told apart by method and path; the query is recorded, not matched.
 */
typedef struct _ArcCliTestAgent ArcCliTestAgent;

ArcCliTestAgent *arc_cli_test_agent_new(void);
void arc_cli_test_agent_free(ArcCliTestAgent *self);
const gchar *arc_cli_test_agent_get_url(ArcCliTestAgent *self);
void arc_cli_test_agent_set_response(ArcCliTestAgent *self, const gchar *method, const gchar *path,
				     guint status, const gchar *body);
guint arc_cli_test_agent_count_requests(ArcCliTestAgent *self, const gchar *method,
					const gchar *path);
gchar *arc_cli_test_agent_get_last_body(ArcCliTestAgent *self, const gchar *method,
					const gchar *path);
gchar *arc_cli_test_agent_get_last_query(ArcCliTestAgent *self, const gchar *method,
					 const gchar *path);
gchar *arc_cli_test_agent_get_last_header(ArcCliTestAgent *self, const gchar *method,
					  const gchar *path, const gchar *header);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCliTestAgent, arc_cli_test_agent_free)

/* Canned bodies the tests share */
#define ARC_CLI_TEST_TOKEN "eyJhbGciOiJFZERTQSJ9.TOKEN-SECRET.sig"
#define ARC_CLI_TEST_SECRET "sec_01TESTSECRETVALUE"
#define ARC_CLI_TEST_TOKEN_BODY                                                                    \
	"{\"access_token\":\"" ARC_CLI_TEST_TOKEN "\",\"token_type\":\"Bearer\","                  \
	"\"expires_in\":3600,\"scope\":\"urn:tillered:arctic:admin\"}"
#define ARC_CLI_TEST_UNAUTHORIZED_BODY "{\"error\":\"unauthorized\",\"code\":\"UNAUTHORIZED\"}"
#define ARC_CLI_TEST_IDENTITY_BODY                                                                 \
	"{\"peer_id\":\"peer_01REMOTE\",\"name\":\"agent-b\",\"public_key\":"                      \
	"\"qnGyPtol7lqzLYU3989e"                                                                   \
	"aC+K4xda0w9KXlcEOM9cSBQ=\",\"license_id\":\"lic_01OTHER\",\"customer_id\":"               \
	"\"cust_01OTHER\",\"cluster_id\":\"clu_01OTHER\",\"version\":\"0.1.0\"}"

G_END_DECLS
