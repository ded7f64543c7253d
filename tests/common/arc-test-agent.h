/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "arc-test-assert.h"
#include "arc-test-process.h"

G_BEGIN_DECLS

/*
 * ArcTestAgent: the built arctic-agent in a temp dir of its own, for the integration suites.
 *
 *   g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
 *   arc_test_agent_start(agent, &error);             // waits for GET /livez
 *   g_autoptr(JsonNode) boot = arc_test_agent_bootstrap(agent, &error);
 *   g_autofree gchar *token = arc_test_agent_token(agent, NULL, NULL, &error);
 *   g_autoptr(JsonNode) list = arc_test_agent_call(agent, "GET", "/v1/credentials", token,
 *                                                  NULL, &status);
 *   arc_test_agent_stop(agent, &exit_status, &error);
 *
 * The agent is started with --config <tmp>/agent.conf (recovery token and issuers dir in the
 * temp dir), --data-dir <tmp>/data, --listen 127.0.0.1:<free port>, --plugin-dir (the build's
 * plugins unless changed), --no-dbus (or --session-bus, or neither for the system bus) and
 * --log-format text; its stderr is kept for arc_test_agent_get_log(). It is killed if the test
 * process dies. The process is an ArcTestProcess (arc-test-process.h).
 *
 * Environment: ARC_TEST_AGENT_WRAPPER runs the agent under a command, e.g.
 * "valgrind --log-file=/tmp/vg-%p.log" (timeouts grow sixfold); ARC_TEST_KEEP_TMPDIR keeps
 * the temp dirs for a post-mortem.
 */

/* Seconds any single wait of the harness may take (agent start, stop, one HTTP request). */
#define ARC_TEST_AGENT_TIMEOUT_SECS 10

#define ARC_TEST_CUSTOMER_ID "cust_ARCTICTEST"

/* Which D-Bus the agent serves: none (`--no-dbus`), the session bus (`--session-bus`) or,
 * with neither option, the system bus. */
typedef enum {
	ARC_TEST_AGENT_BUS_NONE,
	ARC_TEST_AGENT_BUS_SESSION,
	ARC_TEST_AGENT_BUS_SYSTEM,
} ArcTestAgentBus;

/**
 * ArcTestResponse:
 * @status: the HTTP status
 * @headers: the response headers
 * @body: the response body
 * @json: the body parsed as JSON, %NULL when it is not JSON
 *
 * One answer of the agent's API.
 */
typedef struct {
	guint status;
	SoupMessageHeaders *headers;
	GBytes *body;
	JsonNode *json;
} ArcTestResponse;

void arc_test_response_free(ArcTestResponse *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTestResponse, arc_test_response_free)

#define ARC_TYPE_TEST_AGENT (arc_test_agent_get_type())
G_DECLARE_FINAL_TYPE(ArcTestAgent, arc_test_agent, ARC, TEST_AGENT, GObject)

ArcTestAgent *arc_test_agent_new(void);

/* files and settings; paths stay valid for the life of the agent object */
const gchar *arc_test_agent_get_tmpdir(ArcTestAgent *self);
const gchar *arc_test_agent_get_data_dir(ArcTestAgent *self);
const gchar *arc_test_agent_get_issuers_dir(ArcTestAgent *self);
const gchar *arc_test_agent_get_issuer_pub_path(ArcTestAgent *self);
const gchar *arc_test_agent_get_config_path(ArcTestAgent *self);
const gchar *arc_test_agent_get_recovery_token_path(ArcTestAgent *self);
const gchar *arc_test_agent_get_plugin_dir(ArcTestAgent *self);
void arc_test_agent_set_plugin_dir(ArcTestAgent *self, const gchar *plugin_dir);
void arc_test_agent_set_no_dbus(ArcTestAgent *self, gboolean no_dbus);
void arc_test_agent_set_bus(ArcTestAgent *self, ArcTestAgentBus bus, const gchar *address);
void arc_test_agent_add_args(ArcTestAgent *self, const gchar *const *args);
void arc_test_agent_setenv(ArcTestAgent *self, const gchar *name, const gchar *value);
guint16 arc_test_agent_get_port(ArcTestAgent *self);
void arc_test_agent_set_port(ArcTestAgent *self, guint16 port);
guint arc_test_agent_get_timeout_secs(ArcTestAgent *self);
gchar *arc_test_agent_get_address(ArcTestAgent *self);
void arc_test_agent_add_config(ArcTestAgent *self, const gchar *text);
void arc_test_agent_share_issuer(ArcTestAgent *self, ArcTestAgent *source);
void arc_test_agent_use_tls(ArcTestAgent *self, const gchar *cert_path, const gchar *key_path,
			    const gchar *ca_path);
gchar *arc_test_agent_get_base_url(ArcTestAgent *self);
gchar *arc_test_agent_build_path(ArcTestAgent *self, const gchar *name);

/* licenses */
gchar *arc_test_agent_make_license(ArcTestAgent *self, const gchar *customer_id, gint64 issued_at,
				   gint64 expires_at, gint64 max_nodes, gint64 max_services);
gchar *arc_test_agent_make_foreign_license(ArcTestAgent *self, const gchar *customer_id,
					   gint64 issued_at, gint64 expires_at, gint64 max_nodes,
					   gint64 max_services);
gchar *arc_test_agent_make_default_license(ArcTestAgent *self);

/* the process */
gboolean arc_test_agent_start(ArcTestAgent *self, GError **error);
gboolean arc_test_agent_start_expect_exit(ArcTestAgent *self, gint *exit_status, GError **error);
gboolean arc_test_agent_spawn(ArcTestAgent *self, const gchar *const *args, GError **error);
gboolean arc_test_agent_run(ArcTestAgent *self, const gchar *const *args, gint *exit_status,
			    GError **error);
gboolean arc_test_agent_stop(ArcTestAgent *self, gint *exit_status, GError **error);
void arc_test_agent_kill(ArcTestAgent *self);
gboolean arc_test_agent_restart(ArcTestAgent *self, GError **error);
gboolean arc_test_agent_is_running(ArcTestAgent *self);
gchar *arc_test_agent_get_log(ArcTestAgent *self);
gchar *arc_test_agent_get_output(ArcTestAgent *self);

/* the API */
ArcTestResponse *arc_test_agent_send(ArcTestAgent *self, const gchar *method, const gchar *path,
				     const gchar *const *headers, const gchar *body,
				     gssize body_len, const gchar *content_type, GError **error);
JsonNode *arc_test_agent_request(ArcTestAgent *self, const gchar *method, const gchar *path,
				 const gchar *const *headers, const gchar *body,
				 const gchar *content_type, guint *status);
JsonNode *arc_test_agent_call(ArcTestAgent *self, const gchar *method, const gchar *path,
			      const gchar *token, const gchar *json_body, guint *status);
ArcTestResponse *arc_test_agent_raw(ArcTestAgent *self, const gchar *head, GBytes *body,
				    gboolean *answered_early, GError **error);

/* conveniences */
guint64 arc_test_agent_get_rss_kb(ArcTestAgent *self);
gint arc_test_agent_count_fds(ArcTestAgent *self);
gint arc_test_agent_get_pid(ArcTestAgent *self);
guint16 arc_test_agent_free_port(void);
JsonNode *arc_test_agent_bootstrap(ArcTestAgent *self, GError **error);
JsonNode *arc_test_agent_bootstrap_with(ArcTestAgent *self, const gchar *license, GError **error);
const gchar *arc_test_agent_get_client_id(ArcTestAgent *self);
const gchar *arc_test_agent_get_client_secret(ArcTestAgent *self);
const gchar *arc_test_agent_get_peer_id(ArcTestAgent *self);
const gchar *arc_test_agent_get_cluster_id(ArcTestAgent *self);
gchar *arc_test_agent_token(ArcTestAgent *self, const gchar *client_id, const gchar *secret,
			    GError **error);

G_END_DECLS
