/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-gs-node.h"

void
gs_node_free(GsNode *self)
{
	if (self == NULL)
		return;
	/* stopped cleanly, so that an agent run under valgrind writes its summary */
	if (arc_test_agent_is_running(self->agent))
		arc_test_agent_stop(self->agent, NULL, NULL);
	g_clear_object(&self->agent);
	g_free(self->address);
	g_free(self->token);
	g_free(self->peer_id);
	g_free(self);
}

void
gs_node_login(GsNode *self)
{
	g_autoptr(GError) error = NULL;

	g_free(self->token);
	self->token = arc_test_agent_token(self->agent, arc_test_agent_get_client_id(self->agent),
					   arc_test_agent_get_client_secret(self->agent), &error);
	g_assert_no_error(error);
}

/* a bootstrapped agent trusting @issuer_of's license issuer, licensed for @max_nodes */
GsNode *
gs_node_new_full(GsNode *issuer_of, const gchar *extra_config, gint64 max_nodes)
{
	return gs_node_new_limits(issuer_of, extra_config, max_nodes, 100);
}

/* a bootstrapped agent trusting @issuer_of's license issuer, with a license of these limits */
GsNode *
gs_node_new_limits(GsNode *issuer_of, const gchar *extra_config, gint64 max_nodes,
		   gint64 max_services)
{
	GsNode *self = g_new0(GsNode, 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) boot = NULL;
	g_autofree gchar *license = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gboolean ok;

	self->agent = arc_test_agent_new();
	if (issuer_of != NULL)
		arc_test_agent_share_issuer(self->agent, issuer_of->agent);
	arc_test_agent_set_no_dbus(self->agent, TRUE);
	arc_test_agent_add_config(self->agent, GS_CONFIG);
	if (extra_config != NULL)
		arc_test_agent_add_config(self->agent, extra_config);
	ok = arc_test_agent_start(self->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	license = arc_test_agent_make_license(self->agent, ARC_TEST_CUSTOMER_ID, now - 3600,
					      now + 365 * 24 * 3600, max_nodes, max_services);
	boot = arc_test_agent_bootstrap_with(self->agent, license, &error);
	g_assert_no_error(error);
	self->address = arc_test_agent_get_address(self->agent);
	self->peer_id = g_strdup(arc_test_agent_get_peer_id(self->agent));
	gs_node_login(self);
	return self;
}

GsNode *
gs_node_new(GsNode *issuer_of, const gchar *extra_config)
{
	return gs_node_new_full(issuer_of, extra_config, 10);
}

JsonNode *
gs_call(GsNode *self, const gchar *method, const gchar *path, const gchar *body, guint *status)
{
	return arc_test_agent_call(self->agent, method, path, self->token, body, status);
}

/* `POST /v1/peers` on @from for @to */
void
gs_join(GsNode *from, GsNode *to)
{
	g_autofree gchar *body = g_strdup_printf("{\"address\":\"%s\"}", to->address);
	guint status = 0;
	G_GNUC_UNUSED g_autoptr(JsonNode) res = gs_call(from, "POST", "/v1/peers", body, &status);

	if (status != 201) {
		g_autofree gchar *log = arc_test_agent_get_log(from->agent);
		g_printerr("join answered %u\n%s", status, log);
	}
	g_assert_cmpuint(status, ==, 201);
}

JsonObject *
gs_object(JsonNode *node)
{
	g_assert_nonnull(node);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
	return json_node_get_object(node);
}

gchar *
gs_registry_hash(GsNode *self)
{
	guint status = 0;
	g_autoptr(JsonNode) res = gs_call(self, "GET", "/v1/cluster/status", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	return g_strdup(json_object_get_string_member(gs_object(res), "registry_hash"));
}

/* the peer @peer_id as @self's cluster status shows it, NULL if not there */
JsonObject *
gs_status_peer(JsonNode *status, const gchar *peer_id)
{
	JsonArray *peers = json_object_get_array_member(gs_object(status), "peers");
	for (guint i = 0; i < json_array_get_length(peers); i++) {
		JsonObject *peer = json_array_get_object_element(peers, i);
		if (g_strcmp0(json_object_get_string_member(peer, "id"), peer_id) == 0)
			return peer;
	}
	return NULL;
}

gboolean
gs_knows(GsNode *self, const gchar *peer_id)
{
	guint status = 0;
	g_autofree gchar *path = g_strconcat("/v1/peers/", peer_id, NULL);
	G_GNUC_UNUSED g_autoptr(JsonNode) res = gs_call(self, "GET", path, NULL, &status);
	return status == 200;
}

/* whether every node holds the same records and knows every other */
gboolean
gs_converged(GsNode *const *nodes, guint n)
{
	g_autofree gchar *first = gs_registry_hash(nodes[0]);

	for (guint i = 0; i < n; i++) {
		g_autofree gchar *hash = i > 0 ? gs_registry_hash(nodes[i]) : NULL;
		if (i > 0 && g_strcmp0(hash, first) != 0)
			return FALSE;
		for (guint j = 0; j < n; j++) {
			if (i != j && !gs_knows(nodes[i], nodes[j]->peer_id))
				return FALSE;
		}
	}
	return TRUE;
}
