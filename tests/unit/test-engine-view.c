/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "arc-engine-managers.h"
#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-service-spec.h"
#include "arc-unit-fixture.h"
#include "arc-key-file.h"

/* The view the engine publishes to the data plane, in-process over the real plugins: this
 * agent (A) bootstrapped with a license for two nodes, then B and C join (C beyond the node
 * limit); many commits before the main loop runs make one view, an unchanged view is not
 * published again, and a suspended license is in the next one. */

#define DAY G_GINT64_CONSTANT(86400)
#define EXPIRES G_GINT64_CONSTANT(2000000000)

typedef struct {
	gchar *dir;
	ArcConfig *config;
	guint8 issuer_sk[crypto_sign_SECRETKEYBYTES];
	gint64 now;
	ArcEngine *engine;
	guint views;
	ArcIdentity *ids[2]; /* B, C */
} ViewFixture;

static gint64
view_clock_cb(gpointer user_data)
{
	ViewFixture *fx = user_data;
	return fx->now;
}

static void
view_changed_cb(ArcEngine *engine, gpointer view, gpointer user_data)
{
	ViewFixture *fx = user_data;

	g_assert_true(view == arc_engine_get_view(engine));
	fx->views++;
}

static gchar *
view_license(ViewFixture *fx)
{
	g_autoptr(GError) error = NULL;
	const gchar *doc = "{\"customer_id\":\"cust_view\",\"license_id\":\"lic_view\","
			   "\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":"
			   "\"2033-05-18T03:33:20Z\",\"max_nodes\":2,\"max_services\":5,"
			   "\"features\":[]}";
	gchar *signed_doc = arc_license_sign_document(doc, -1, fx->issuer_sk, &error);

	g_assert_no_error(error);
	return signed_doc;
}

static void
view_write_issuer(ViewFixture *fx)
{
	g_autofree gchar *issuers = g_build_filename(fx->dir, "issuers", NULL);
	g_autofree gchar *pub_path = g_build_filename(issuers, "test.pub", NULL);
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;
	g_autoptr(GError) error = NULL;
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	gboolean ok;

	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	crypto_sign_keypair(pk, fx->issuer_sk);
	pub_b64 = g_base64_encode(pk, sizeof(pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	ok = g_file_set_contents_full(pub_path, pub_line, -1, 0, 0644, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_key_file_set_string(fx->config->keyfile, "plugin:ed25519-file", "issuers_dir", issuers);
}

static void
view_bootstrap(ViewFixture *fx)
{
	g_autofree gchar *license = view_license(fx);
	g_autoptr(ArcBootstrapRequest) req = g_new0(ArcBootstrapRequest, 1);
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(GError) error = NULL;

	req->license_doc = g_steal_pointer(&license);
	req->name = g_strdup("a");
	res = arc_engine_bootstrap(fx->engine, req, &error);
	g_assert_no_error(error);
	g_assert_nonnull(res);
}

static void
view_setup(ViewFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPluginLoader) loader = NULL;
	ArcStorage *storage = NULL;
	ArcLicenseBackend *license = NULL;
	gboolean ok;

	fx->dir = g_dir_make_tmp("arc-engine-view-XXXXXX", &error);
	g_assert_no_error(error);
	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_build_filename(fx->dir, "data", NULL);
	g_free(fx->config->plugin_dir);
	fx->config->plugin_dir = g_strdup(g_getenv("ARC_PLUGIN_DIR"));
	g_free(fx->config->recovery_token_file);
	fx->config->recovery_token_file = g_build_filename(fx->dir, "recovery.token", NULL);
	view_write_issuer(fx);
	fx->now = EXPIRES - 100 * DAY;
	loader = arc_plugin_loader_new(fx->config->plugin_dir);
	ok = arc_plugin_loader_load_required(loader, fx->config, &storage, &license, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->engine = arc_engine_new(fx->config);
	arc_engine_set_clock(fx->engine, view_clock_cb, fx);
	arc_engine_set_plugins(fx->engine, storage, license);
	ok = arc_engine_start(fx->engine, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_signal_connect(fx->engine, "view-changed", G_CALLBACK(view_changed_cb), fx);
	for (guint i = 0; i < G_N_ELEMENTS(fx->ids); i++) {
		g_autofree gchar *name = g_strdup_printf("id%u.key", i);
		g_autofree gchar *path = g_build_filename(fx->dir, name, NULL);
		fx->ids[i] = arc_identity_load_or_create(path, &error);
		g_assert_no_error(error);
	}
}

static void
view_teardown(ViewFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_object(&fx->engine);
	for (guint i = 0; i < G_N_ELEMENTS(fx->ids); i++)
		g_clear_object(&fx->ids[i]);
	arc_config_free(fx->config);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

static gboolean
view_done_cb(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* what the main loop has to do in the next half second, done: the batched rebuilds */
static void
view_run(void)
{
	gboolean done = FALSE;

	g_timeout_add(500, view_done_cb, &done);
	while (!done)
		g_main_context_iteration(NULL, TRUE);
}

/* the own record of B (0) or C (1), version @version, joined after A, claiming @v4; @extra
 * is more members of its body, each with a leading comma */
static void
view_stage_member_claim(ViewFixture *fx, ArcStorageTxn *txn, guint which, gint64 version,
			const gchar *v4, const gchar *claimed_at, const gchar *extra)
{
	const gchar *id = which == 0 ? "peer_b" : "peer_c";
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":"
		"\"127.0.0.1:%u\",\"state\":\"active\",\"created_at\":\"2034-01-0%uT00:00:00Z\","
		"\"tunnel_key\":\"%s\",\"tunnel_port\":5184%u,\"tunnel_ipv4\":\"%s\","
		"\"tunnel_claimed_at\":\"%s\"%s}",
		id, id, arc_identity_get_public_key_base64(fx->ids[which]), 18081 + which,
		which + 1,
		which == 0 ? "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
			   : "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M=",
		which + 1, v4, claimed_at, extra);
	g_autoptr(ArcRecord) record = arc_unit_record_signed(
		"peer", id, version, id, fx->ids[which], body, FALSE, g_get_real_time());

	arc_storage_txn_put_record(txn, record);
}

static void
view_stage_member(ViewFixture *fx, ArcStorageTxn *txn, guint which, gint64 version)
{
	g_autofree gchar *v4 = g_strdup_printf("100.79.1.%u", which + 1);

	view_stage_member_claim(fx, txn, which, version, v4, "2030-01-01T00:00:00Z", "");
}

static void
view_commit_members(ViewFixture *fx, gint64 version)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	view_stage_member(fx, txn, 0, version);
	view_stage_member(fx, txn, 1, version);
	ok = arc_registry_commit(arc_engine_get_registry(fx->engine), txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* a service @name A → @target with two routes */
static void
view_add_service(ViewFixture *fx, const gchar *name, const gchar *target)
{
	ArcServiceManager *services = arc_engine_get_service_manager(fx->engine);
	g_autofree gchar *spec_text =
		g_strdup_printf("{\"name\":\"%s\",\"target_peer_id\":\"%s\"}", name, target);
	g_autoptr(JsonNode) spec_root = arc_json_parse_object(spec_text, -1, 8, NULL);
	g_autoptr(JsonNode) routes_root =
		arc_json_parse_object("{\"routes\":[{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":5},"
				      "{\"source_cidr\":\"172.16.0.0/12\",\"priority\":0}]}",
				      -1, 8, NULL);
	g_autoptr(ArcServiceSpec) spec = NULL;
	g_autoptr(ArcRouteBatch) batch = NULL;
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GArray) ids = NULL;
	g_autoptr(GError) error = NULL;

	spec = arc_service_spec_from_json(json_node_get_object(spec_root), TRUE, &error);
	g_assert_no_error(error);
	info = arc_service_manager_create_service(services, spec, "test", &error);
	g_assert_no_error(error);
	batch = arc_route_batch_from_json(json_node_get_object(routes_root), &error);
	g_assert_no_error(error);
	ids = arc_service_manager_add_routes(services, name, batch, "test", &error);
	g_assert_no_error(error);
}

static void
view_check_members(ArcClusterView *view)
{
	const ArcClusterMember *b = arc_cluster_view_find_member(view, "peer_b");
	const ArcClusterMember *c = arc_cluster_view_find_member(view, "peer_c");
	const ArcClusterSelf *node = arc_cluster_view_get_self(view);
	const ArcClusterMember *a = arc_cluster_view_find_member(view, node->peer_id);

	g_assert_cmpuint(arc_cluster_view_get_n_members(view), ==, 3);
	g_assert_nonnull(a);
	g_assert_nonnull(a->tunnel_public_key);
	g_assert_true(node->has_tunnel_v4 && node->has_tunnel_v6);
	g_assert_cmpmem(a->tunnel_v4.bytes, 4, node->tunnel_v4.bytes, 4);
	g_assert_nonnull(b);
	g_assert_cmpstr(b->tunnel_endpoint, ==, "127.0.0.1:51841");
	g_assert_cmpuint(g_bytes_get_size(b->tunnel_public_key), ==, 32);
	g_assert_true(b->has_tunnel_v4);
	g_assert_false(b->has_tunnel_v6);
	g_assert_false(b->over_limit);
	/* the license counts two nodes: C, the last to join, carries nothing */
	g_assert_nonnull(c);
	g_assert_true(c->over_limit);
	g_assert_cmpstr(c->tunnel_endpoint, ==, "127.0.0.1:51842");
}

static void
view_batch_func(ViewFixture *fx, gconstpointer data)
{
	ArcClusterView *view;
	GPtrArray *routes;
	const ArcClusterService *service;
	guint64 generation;

	view_bootstrap(fx);
	view_run();
	g_assert_cmpuint(fx->views, ==, 1);
	view = arc_engine_get_view(fx->engine);
	g_assert_cmpuint(arc_cluster_view_get_n_members(view), ==, 1);
	g_assert_cmpuint(arc_cluster_view_get_n_services(view), ==, 0);
	generation = arc_cluster_view_get_generation(view);

	/* three commits, one view */
	view_commit_members(fx, 1);
	view_add_service(fx, "web", "peer_b");
	g_assert_cmpuint(fx->views, ==, 1);
	view_run();
	g_assert_cmpuint(fx->views, ==, 2);
	view = arc_engine_get_view(fx->engine);
	g_assert_cmpuint(arc_cluster_view_get_generation(view), ==, generation + 1);
	view_check_members(view);
	g_assert_cmpuint(arc_cluster_view_get_n_services(view), ==, 1);
	service = arc_cluster_view_get_service(view, 0);
	g_assert_cmpstr(service->name, ==, "web");
	g_assert_cmpstr(service->target_peer_id, ==, "peer_b");
	routes = arc_cluster_view_get_routes_ordered(view);
	g_assert_cmpuint(routes->len, ==, 2);
	g_assert_cmpint(arc_cluster_view_get_license_state(view), ==, ARC_LICENSE_STATE_VALID);

	/* the same records again (new versions): rebuilt, equal, not published */
	view_commit_members(fx, 2);
	view_run();
	g_assert_cmpuint(fx->views, ==, 2);
}

/* A service whose target went over_limit is inactive: `routes explain` leaves its routes out,
 * and so does the view, or the data plane would stop at a route explain does not name
 * rather than take the one it does */
static void
view_inactive_func(ViewFixture *fx, gconstpointer data)
{
	ArcClusterView *view;
	GPtrArray *routes;

	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	/* C alone is within the limit, gets a service, then B (who joined before C) arrives */
	view_bootstrap(fx);
	view_stage_member(fx, txn, 1, 1);
	ok = arc_registry_commit(arc_engine_get_registry(fx->engine), txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	view_add_service(fx, "beyond", "peer_c");
	view_commit_members(fx, 2);
	view_add_service(fx, "web", "peer_b");
	view_run();
	view = arc_engine_get_view(fx->engine);
	view_check_members(view);
	g_assert_cmpuint(arc_cluster_view_get_n_services(view), ==, 1);
	g_assert_cmpstr(arc_cluster_view_get_service(view, 0)->name, ==, "web");
	routes = arc_cluster_view_get_routes_ordered(view);
	g_assert_cmpuint(routes->len, ==, 2);
	for (guint i = 0; i < routes->len; i++) {
		const ArcRoute *route = g_ptr_array_index(routes, i);
		g_assert_cmpstr(arc_cluster_view_find_service(view, route->service_id)->name, ==,
				"web");
	}
}

/* suspended: the next view says so */
static void
view_suspended_func(ViewFixture *fx, gconstpointer data)
{
	g_autoptr(ArcLicenseInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	view_bootstrap(fx);
	view_run();
	g_assert_cmpuint(fx->views, ==, 1);
	fx->now = EXPIRES + 45 * DAY;
	info = arc_engine_get_license(fx->engine, &error);
	g_assert_no_error(error);
	g_assert_cmpint(info->state, ==, ARC_LICENSE_STATE_SUSPENDED);
	view_run();
	g_assert_cmpuint(fx->views, ==, 2);
	g_assert_cmpint(arc_cluster_view_get_license_state(arc_engine_get_view(fx->engine)), ==,
			ARC_LICENSE_STATE_SUSPENDED);
}

/* B states A's tunnel address with a claim time long before A's: its id does not hash to
 * that address, so A keeps it and the view gives B no IPv4 tunnel address (no device routes
 * A's address to B); C's claim, uncontested, stays. B's endpoint stays its API host. */
static void
view_stolen_address_func(ViewFixture *fx, gconstpointer data)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *a_v4 = NULL;
	ArcClusterSelf before;
	const ArcClusterMember *b, *c;
	ArcClusterView *view;
	gboolean ok;

	view_bootstrap(fx);
	view_commit_members(fx, 1);
	view_run();
	before = *arc_cluster_view_get_self(arc_engine_get_view(fx->engine));
	g_assert_true(before.has_tunnel_v4);
	a_v4 = g_strdup_printf("%u.%u.%u.%u", before.tunnel_v4.bytes[0], before.tunnel_v4.bytes[1],
			       before.tunnel_v4.bytes[2], before.tunnel_v4.bytes[3]);
	/* and it names another host for its tunnel, in members no agent reads */
	view_stage_member_claim(
		fx, txn, 0, 2, a_v4, "1970-01-01T00:00:01Z",
		",\"tunnel_endpoint\":\"192.0.2.1:53\",\"tunnel_host\":\"192.0.2.1\"");
	ok = arc_registry_commit(arc_engine_get_registry(fx->engine), txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	view_run();
	view = arc_engine_get_view(fx->engine);
	g_assert_true(arc_cluster_view_get_self(view)->has_tunnel_v4);
	g_assert_cmpmem(arc_cluster_view_get_self(view)->tunnel_v4.bytes, 4, before.tunnel_v4.bytes,
			4);
	b = arc_cluster_view_find_member(view, "peer_b");
	g_assert_nonnull(b);
	g_assert_false(b->has_tunnel_v4);
	g_assert_nonnull(b->tunnel_public_key);
	/* the host is always that of its API address, only the port is its own */
	g_assert_cmpstr(b->tunnel_endpoint, ==, "127.0.0.1:51841");
	c = arc_cluster_view_find_member(view, "peer_c");
	g_assert_true(c->has_tunnel_v4);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	/* a suspended license is logged as a warning, as the operator should see it */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_test_add("/engine-view/batch", ViewFixture, NULL, view_setup, view_batch_func,
		   view_teardown);
	g_test_add("/engine-view/inactive", ViewFixture, NULL, view_setup, view_inactive_func,
		   view_teardown);
	g_test_add("/engine-view/suspended", ViewFixture, NULL, view_setup, view_suspended_func,
		   view_teardown);
	g_test_add("/engine-view/stolen-address", ViewFixture, NULL, view_setup,
		   view_stolen_address_func, view_teardown);
	return g_test_run();
}
