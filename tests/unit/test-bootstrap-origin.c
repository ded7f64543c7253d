/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "arc-engine.h"
#include "arc-plugin-loader.h"

/* Who may bootstrap an agent (docs/decisions.md, "bootstrap exposure"): a brand-new agent
 * takes it from anywhere; an agent reset with its peer.key kept (the guide's recovery:
 * arctic.db removed, or left as a 0-byte file) only over loopback or with the recovery
 * token. The REST adapter decides "loopback" from the connection; every test agent talks
 * over 127.0.0.1, so the engine's decision is tested here with both answers. */

typedef struct {
	gchar *dir;
	ArcConfig *config;
	guint8 issuer_sk[crypto_sign_SECRETKEYBYTES];
} OriginFixture;

static void
origin_setup(OriginFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *issuers = NULL;
	g_autofree gchar *pub_path = NULL;
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	gboolean ok;

	fx->dir = g_dir_make_tmp("arc-bootstrap-origin-XXXXXX", &error);
	g_assert_no_error(error);
	issuers = g_build_filename(fx->dir, "issuers", NULL);
	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	crypto_sign_keypair(pk, fx->issuer_sk);
	pub_b64 = g_base64_encode(pk, sizeof(pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	pub_path = g_build_filename(issuers, "test.pub", NULL);
	ok = g_file_set_contents_full(pub_path, pub_line, -1, 0, 0644, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_build_filename(fx->dir, "data", NULL);
	g_free(fx->config->plugin_dir);
	fx->config->plugin_dir = g_strdup(g_getenv("ARC_PLUGIN_DIR"));
	g_free(fx->config->recovery_token_file);
	fx->config->recovery_token_file = g_build_filename(fx->dir, "recovery.token", NULL);
	g_key_file_set_string(fx->config->keyfile, "plugin:ed25519-file", "issuers_dir", issuers);
}

static void
origin_teardown(OriginFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	arc_config_free(fx->config);
	g_free(fx->dir);
}

static ArcEngine *
origin_start(OriginFixture *fx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcPluginLoader) loader = arc_plugin_loader_new(fx->config->plugin_dir);
	g_autoptr(ArcEngine) engine = arc_engine_new(fx->config);
	ArcStorage *storage = NULL;
	ArcLicenseBackend *license = NULL;
	gboolean ok;

	/* the plugins as the agent loads them (arc-agent.c) */
	ok = arc_plugin_loader_load_required(loader, fx->config, &storage, &license, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_engine_set_plugins(engine, storage, license);
	ok = arc_engine_start(engine, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&engine);
}

/* a bootstrap as `POST /v1/bootstrap` makes it of a body */
static ArcBootstrapResult *
origin_bootstrap_body(ArcEngine *engine, const gchar *body, GError **error)
{
	g_autoptr(ArcBootstrapRequest) req =
		arc_bootstrap_request_from_json(body, strlen(body), error);

	return req != NULL ? arc_engine_bootstrap(engine, req, error) : NULL;
}

static void
origin_bootstrap(OriginFixture *fx, ArcEngine *engine)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autofree gchar *doc = arc_license_sign_document(
		"{\"customer_id\":\"cust_origin\",\"license_id\":\"lic_origin\","
		"\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":\"2099-01-01T00:00:00Z\","
		"\"max_nodes\":3,\"max_services\":5,\"features\":[]}",
		-1, fx->issuer_sk, &error);

	g_assert_no_error(error);
	res = origin_bootstrap_body(engine, doc, &error);
	g_assert_no_error(error);
	g_assert_nonnull(res);
}

static gchar *
origin_recovery_token(OriginFixture *fx)
{
	g_autoptr(GError) error = NULL;
	gchar *token = NULL;
	gboolean ok;

	ok = g_file_get_contents(fx->config->recovery_token_file, &token, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_strchomp(token);
}

/* what a reset agent answers from the network, from loopback, with the token */
static void
origin_assert_reset(OriginFixture *fx, ArcEngine *engine)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = origin_recovery_token(fx);
	gboolean ok;

	g_assert_false(arc_engine_is_bootstrapped(engine));
	g_assert_false(arc_engine_check_bootstrap_origin(engine, FALSE, NULL, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN);
	g_assert_nonnull(strstr(error->message, "X-Arctic-Recovery"));
	g_clear_error(&error);
	g_assert_false(arc_engine_check_bootstrap_origin(engine, FALSE, "not-the-token", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN);
	g_clear_error(&error);
	ok = arc_engine_check_bootstrap_origin(engine, TRUE, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_engine_check_bootstrap_origin(engine, FALSE, token, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	origin_bootstrap(fx, engine);
}

static void
origin_reset_func(OriginFixture *fx, gconstpointer data)
{
	gboolean empty = GPOINTER_TO_INT(data);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcEngine) fresh = origin_start(fx);
	g_autoptr(ArcEngine) reset = NULL;
	g_autofree gchar *db = g_build_filename(fx->config->data_dir, "arctic.db", NULL);
	g_autofree gchar *wal = g_strconcat(db, "-wal", NULL);
	g_autofree gchar *shm = g_strconcat(db, "-shm", NULL);
	gboolean ok;

	/* a brand-new agent: from anywhere */
	ok = arc_engine_check_bootstrap_origin(fresh, FALSE, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	origin_bootstrap(fx, fresh);
	arc_engine_stop(fresh);
	g_clear_object(&fresh);

	g_unlink(wal);
	g_unlink(shm);
	if (empty)
		g_assert_true(g_file_set_contents(db, "", 0, NULL));
	else
		g_assert_cmpint(g_unlink(db), ==, 0);
	reset = origin_start(fx);
	origin_assert_reset(fx, reset);
	arc_engine_stop(reset);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	/* a refused bootstrap is logged as a warning, which is what is tested here */
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/bootstrap-origin/db-removed", OriginFixture, GINT_TO_POINTER(FALSE),
		   origin_setup, origin_reset_func, origin_teardown);
	g_test_add("/bootstrap-origin/db-empty", OriginFixture, GINT_TO_POINTER(TRUE), origin_setup,
		   origin_reset_func, origin_teardown);
	return g_test_run();
}
