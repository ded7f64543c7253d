/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "arc-gs-node.h"
#include "arc-test-license.h"

/* A renewed license installed on one agent reaches every other one (docs/license.md
 * "Replication"), and puts an agent that was read_only back to valid. */

static JsonNode *
lc_call(GsNode *self, const gchar *method, const gchar *path, const gchar *body, guint expected)
{
	guint status = 0;
	JsonNode *res = gs_call(self, method, path, body, &status);

	g_test_message("%s %s", method, path);
	g_assert_cmpuint(status, ==, expected);
	return res;
}

/* the id and state of the license in force on @self */
static gboolean
lc_has_license(GsNode *self, const gchar *license_id, const gchar *state)
{
	g_autoptr(JsonNode) res = lc_call(self, "GET", "/v1/license", NULL, 200);
	JsonObject *obj = gs_object(res);

	return g_strcmp0(json_object_get_string_member(obj, "license_id"), license_id) == 0 &&
	       g_strcmp0(json_object_get_string_member(obj, "state"), state) == 0;
}

static gchar *
lc_license_id(const gchar *license)
{
	g_autoptr(JsonNode) node = json_from_string(license, NULL);
	return g_strdup(json_object_get_string_member(gs_object(node), "license_id"));
}

static gboolean
lc_log_contains(GsNode *self, const gchar *needle)
{
	g_autofree gchar *log = arc_test_agent_get_log(self->agent);
	return strstr(log, needle) != NULL;
}

static void
lc_renewal_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = NULL;
	GsNode *ab[] = {a, b};
	gint64 now = arc_test_license_now();
	g_autofree gchar *renewed = arc_test_agent_make_license(
		a->agent, ARC_TEST_CUSTOMER_ID, now - 10, now + 2 * 365 * ARC_TEST_DAY, 10, 5);
	g_autofree gchar *renewed_id = lc_license_id(renewed);
	g_autofree gchar *other = arc_test_agent_make_license(
		a->agent, "cust_OTHERCUSTOMER", now - 10, now + 3 * 365 * ARC_TEST_DAY, 10, 5);
	g_autoptr(JsonNode) refused = NULL;
	g_autoptr(JsonNode) put = NULL;
	g_autoptr(JsonNode) mismatch = NULL;
	g_autoptr(JsonNode) on_b = NULL;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(ab, 2));

	/* B's license ran out long ago: B is read_only, gossip goes on */
	arc_test_license_age(b->agent, -20 * ARC_TEST_DAY);
	on_b = lc_call(b, "GET", "/v1/license", NULL, 200);
	g_assert_cmpstr(json_object_get_string_member(gs_object(on_b), "state"), ==, "read_only");
	refused = lc_call(b, "POST", "/v1/services", "{\"target_peer_id\":\"x\"}", 403);
	g_assert_cmpstr(json_object_get_string_member(gs_object(refused), "code"), ==,
			"LICENSE_READ_ONLY");

	/* renewed on A: B verifies it, adopts it, and is valid again */
	put = lc_call(a, "PUT", "/v1/license", renewed, 200);
	g_assert_cmpstr(json_object_get_string_member(gs_object(put), "license_id"), ==,
			renewed_id);
	GS_WAIT_FOR(lc_has_license(b, renewed_id, "valid"));
	g_assert_true(lc_log_contains(b, "received from peer"));
	g_assert_true(lc_has_license(a, renewed_id, "valid"));
	{
		g_autoptr(JsonNode) lic = lc_call(b, "GET", "/v1/license", NULL, 200);
		g_assert_cmpint(json_object_get_int_member(gs_object(lic), "max_services"), ==, 5);
	}
	GS_WAIT_FOR(gs_converged(ab, 2));

	/* another customer's license is refused on A and never reaches B */
	mismatch = lc_call(a, "PUT", "/v1/license", other, 422);
	g_assert_cmpstr(json_object_get_string_member(gs_object(mismatch), "code"), ==,
			"LICENSE_MISMATCH");

	/* a peer that joins later gets the renewed license with the other records */
	c = gs_node_new(a, NULL);
	gs_join(a, c);
	GS_WAIT_FOR(lc_has_license(c, renewed_id, "valid"));
	g_assert_true(lc_has_license(b, renewed_id, "valid"));
	g_assert_true(lc_has_license(a, renewed_id, "valid"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/license/renewal", lc_renewal_func);
	return g_test_run();
}
