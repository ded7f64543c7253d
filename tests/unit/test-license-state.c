/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-engine.h"
#include "arc-license-state.h"

#define DAY G_GINT64_CONSTANT(86400)
#define EXPIRES G_GINT64_CONSTANT(2000000000)

static void
license_state_table_func(void)
{
	const struct {
		gint64 now;
		ArcLicenseState state;
		gint64 next;
	} cases[] = {
		{EXPIRES - 365 * DAY, ARC_LICENSE_STATE_VALID, EXPIRES - 30 * DAY},
		{EXPIRES - 30 * DAY - 1, ARC_LICENSE_STATE_VALID, EXPIRES - 30 * DAY},
		{EXPIRES - 30 * DAY, ARC_LICENSE_STATE_WARNING, EXPIRES},
		{EXPIRES - 1, ARC_LICENSE_STATE_WARNING, EXPIRES},
		{EXPIRES, ARC_LICENSE_STATE_GRACE_PERIOD, EXPIRES + 14 * DAY},
		{EXPIRES + 14 * DAY - 1, ARC_LICENSE_STATE_GRACE_PERIOD, EXPIRES + 14 * DAY},
		{EXPIRES + 14 * DAY, ARC_LICENSE_STATE_READ_ONLY, EXPIRES + 44 * DAY},
		{EXPIRES + 44 * DAY - 1, ARC_LICENSE_STATE_READ_ONLY, EXPIRES + 44 * DAY},
		{EXPIRES + 44 * DAY, ARC_LICENSE_STATE_SUSPENDED, G_MAXINT64},
		{EXPIRES + 3650 * DAY, ARC_LICENSE_STATE_SUSPENDED, G_MAXINT64},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 next = 0;
		ArcLicenseState state = arc_license_state_compute(EXPIRES, cases[i].now, &next);
		g_assert_cmpint(state, ==, cases[i].state);
		g_assert_cmpint(next, ==, cases[i].next);
	}
}

static void
license_state_names_func(void)
{
	const gchar *wire[] = {"valid", "warning", "grace_period", "read_only", "suspended"};
	for (guint i = 0; i < G_N_ELEMENTS(wire); i++) {
		ArcLicenseState state;
		g_assert_cmpstr(arc_license_state_to_string((ArcLicenseState)i), ==, wire[i]);
		g_assert_true(arc_license_state_from_string(wire[i], &state));
		g_assert_cmpint(state, ==, i);
	}
	g_assert_false(arc_license_state_from_string("grace period", &(ArcLicenseState){0}));
}

typedef struct {
	gchar *dir;
	gchar *data_dir;
	ArcConfig *config;
	guint8 issuer_sk[crypto_sign_SECRETKEYBYTES];
	gint64 now;
} EngineFixture;

static gint64
engine_clock_cb(gpointer user_data)
{
	EngineFixture *fx = user_data;
	return fx->now;
}

static void
engine_fixture_setup(EngineFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *issuers = NULL;
	g_autofree gchar *pub_path = NULL;
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;
	guint8 pk[crypto_sign_PUBLICKEYBYTES];

	fx->dir = g_dir_make_tmp("arc-license-state-XXXXXX", &error);
	g_assert_no_error(error);
	fx->data_dir = g_build_filename(fx->dir, "data", NULL);
	issuers = g_build_filename(fx->dir, "issuers", NULL);
	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	crypto_sign_keypair(pk, fx->issuer_sk);
	pub_b64 = g_base64_encode(pk, sizeof(pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	pub_path = g_build_filename(issuers, "test.pub", NULL);
	g_assert_true(g_file_set_contents_full(pub_path, pub_line, -1, 0, 0644, &error));
	g_assert_no_error(error);

	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_strdup(fx->data_dir);
	g_free(fx->config->plugin_dir);
	fx->config->plugin_dir = g_strdup(g_getenv("ARC_PLUGIN_DIR"));
	g_free(fx->config->recovery_token_file);
	fx->config->recovery_token_file = g_build_filename(fx->dir, "recovery.token", NULL);
	g_key_file_set_string(fx->config->keyfile, "plugin:ed25519-file", "issuers_dir", issuers);
	fx->now = EXPIRES - 100 * DAY;
}

static void
engine_fixture_teardown(EngineFixture *fx, gconstpointer data)
{
	g_autofree gchar *argv0 = g_strdup_printf("rm -rf '%s'", fx->dir);
	g_spawn_command_line_sync(argv0, NULL, NULL, NULL, NULL);
	arc_config_free(fx->config);
	g_free(fx->data_dir);
	g_free(fx->dir);
}

static ArcEngine *
engine_start(EngineFixture *fx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcEngine) engine = arc_engine_new(fx->config);

	arc_engine_set_clock(engine, engine_clock_cb, fx);
	g_assert_true(arc_engine_load_plugins(engine, &error));
	g_assert_no_error(error);
	g_assert_true(arc_engine_start(engine, &error));
	g_assert_no_error(error);
	return g_steal_pointer(&engine);
}

static gchar *
engine_license(EngineFixture *fx)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *doc = g_strdup_printf(
		"{\"customer_id\":\"cust_state\",\"license_id\":\"lic_state\","
		"\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":\"2033-05-18T03:33:20Z\","
		"\"max_nodes\":3,\"max_services\":5,\"features\":[]}");
	gchar *signed_doc = arc_license_sign_document(doc, -1, fx->issuer_sk, &error);
	g_assert_no_error(error);
	return signed_doc;
}

static ArcLicenseState
engine_state_at(ArcEngine *engine, EngineFixture *fx, gint64 now)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicenseInfo) info = NULL;

	fx->now = now;
	info = arc_engine_get_license(engine, &error);
	g_assert_no_error(error);
	return info->state;
}

/* the persisted state moves forward with the clock and is kept across restarts; moving the
 * clock back does not revive an expired license */
static void
engine_license_state_func(EngineFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = engine_license(fx);
	g_autoptr(ArcEngine) engine = engine_start(fx);
	g_autoptr(ArcEngine) engine2 = NULL;
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autofree gchar *state = NULL;

	res = arc_engine_bootstrap(engine, license, strlen(license), &error);
	g_assert_no_error(error);
	g_assert_nonnull(res);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES - 100 * DAY), ==,
			ARC_LICENSE_STATE_VALID);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES - 10 * DAY), ==,
			ARC_LICENSE_STATE_WARNING);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES + DAY), ==,
			ARC_LICENSE_STATE_GRACE_PERIOD);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES + 20 * DAY), ==,
			ARC_LICENSE_STATE_READ_ONLY);
	g_object_get(engine, "license-state", &state, NULL);
	g_assert_cmpstr(state, ==, "read_only");
	g_clear_object(&engine);

	/* restart with the clock set back: the state is persisted and does not go back */
	fx->now = EXPIRES - 100 * DAY;
	engine2 = engine_start(fx);
	g_assert_cmpint(arc_engine_get_license_state(engine2), ==, ARC_LICENSE_STATE_READ_ONLY);
	g_assert_cmpint(engine_state_at(engine2, fx, EXPIRES - 100 * DAY), ==,
			ARC_LICENSE_STATE_READ_ONLY);
	g_assert_cmpint(engine_state_at(engine2, fx, EXPIRES + 60 * DAY), ==,
			ARC_LICENSE_STATE_SUSPENDED);
}

static void
engine_bootstrap_expired_func(EngineFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = engine_license(fx);
	g_autoptr(ArcEngine) engine = NULL;
	g_autoptr(ArcBootstrapResult) res = NULL;

	fx->now = EXPIRES + 1;
	engine = engine_start(fx);
	res = arc_engine_bootstrap(engine, license, strlen(license), &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED);
	g_assert_null(res);
	g_assert_false(arc_engine_is_bootstrapped(engine));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	/* the engine warns, as it should, when the license moves towards expiry */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/license-state/table", license_state_table_func);
	g_test_add_func("/license-state/names", license_state_names_func);
	g_test_add("/license-state/engine-persisted", EngineFixture, NULL, engine_fixture_setup,
		   engine_license_state_func, engine_fixture_teardown);
	g_test_add("/license-state/bootstrap-expired", EngineFixture, NULL, engine_fixture_setup,
		   engine_bootstrap_expired_func, engine_fixture_teardown);
	return g_test_run();
}
