/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "arc-engine-license.h"
#include "arc-engine.h"
#include "arc-plugin-loader.h"
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

/* DESIGN.md §5 "license states": what each state allows */
static void
license_state_allows_func(void)
{
	const ArcScope scopes[] = {
		ARC_SCOPE_ADMIN,
		ARC_SCOPE_PEERS_READ,
		ARC_SCOPE_PEERS_WRITE,
		ARC_SCOPE_SERVICES_READ,
		ARC_SCOPE_SERVICES_WRITE,
		ARC_SCOPE_CREDENTIALS_READ,
		ARC_SCOPE_CREDENTIALS_WRITE,
	};

	for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
		gboolean write_of_cluster =
			scopes[s] == ARC_SCOPE_PEERS_WRITE || scopes[s] == ARC_SCOPE_SERVICES_WRITE;
		ArcError refusal = ARC_ERROR_LAST;

		for (ArcLicenseState st = ARC_LICENSE_STATE_VALID; st < ARC_LICENSE_STATE_READ_ONLY;
		     st++)
			g_assert_true(arc_license_state_allows(st, scopes[s], &refusal));
		g_assert_cmpint(refusal, ==, ARC_ERROR_LAST);
		g_assert_cmpint(
			arc_license_state_allows(ARC_LICENSE_STATE_READ_ONLY, scopes[s], &refusal),
			==, !write_of_cluster);
		g_assert_cmpint(refusal, ==,
				write_of_cluster ? ARC_ERROR_LICENSE_READ_ONLY : ARC_ERROR_LAST);
		g_assert_false(
			arc_license_state_allows(ARC_LICENSE_STATE_SUSPENDED, scopes[s], &refusal));
		g_assert_cmpint(refusal, ==, ARC_ERROR_LICENSE_SUSPENDED);
	}
	/* an operation that needs both is refused for the write */
	g_assert_false(arc_license_state_allows(ARC_LICENSE_STATE_READ_ONLY,
						ARC_SCOPE_PEERS_READ | ARC_SCOPE_SERVICES_WRITE,
						NULL));
}

/* every message names the expiry; those after it say what to do, and when it gets worse */
static void
license_state_message_func(void)
{
	const struct {
		ArcLicenseState state;
		const gchar *part;
		const gchar *later; /* the next state's date, or NULL */
	} cases[] = {
		{ARC_LICENSE_STATE_VALID, "is valid until", NULL},
		{ARC_LICENSE_STATE_WARNING, "expires on", NULL},
		{ARC_LICENSE_STATE_GRACE_PERIOD, "fully operational", "2033-06-01 03:33:20 UTC"},
		{ARC_LICENSE_STATE_READ_ONLY, "read-only", "2033-07-01 03:33:20 UTC"},
		{ARC_LICENSE_STATE_SUSPENDED, "suspended", NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *message = arc_license_state_message(cases[i].state, EXPIRES);

		g_test_message("%s", message);
		g_assert_true(g_str_has_prefix(message, "the license "));
		g_assert_nonnull(strstr(message, "2033-05-18 03:33:20 UTC"));
		g_assert_nonnull(strstr(message, cases[i].part));
		if (cases[i].later != NULL)
			g_assert_nonnull(strstr(message, cases[i].later));
		g_assert_cmpint(strstr(message, "arctic license update --license-file") != NULL, ==,
				cases[i].state != ARC_LICENSE_STATE_VALID);
	}
}

/* "newer": later expiry, then later issue, then the greater id */
static void
license_compare_func(void)
{
	ArcLicense base = {.license_id = "lic_B", .issued_at = 100, .expires_at = 1000};
	ArcLicense later = {.license_id = "lic_A", .issued_at = 50, .expires_at = 1001};
	ArcLicense reissued = {.license_id = "lic_A", .issued_at = 101, .expires_at = 1000};
	ArcLicense bigger_id = {.license_id = "lic_C", .issued_at = 100, .expires_at = 1000};

	g_assert_cmpint(arc_license_compare_age(&base, &base), ==, 0);
	g_assert_cmpint(arc_license_compare_age(&later, &base), >, 0);
	g_assert_cmpint(arc_license_compare_age(&base, &later), <, 0);
	g_assert_cmpint(arc_license_compare_age(&reissued, &base), >, 0);
	g_assert_cmpint(arc_license_compare_age(&base, &reissued), <, 0);
	g_assert_cmpint(arc_license_compare_age(&bigger_id, &base), >, 0);
	g_assert_cmpint(arc_license_compare_age(&base, &bigger_id), <, 0);
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
	gboolean ok;

	fx->dir = g_dir_make_tmp("arc-license-state-XXXXXX", &error);
	g_assert_no_error(error);
	fx->data_dir = g_build_filename(fx->dir, "data", NULL);
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
	g_autoptr(ArcPluginLoader) loader = arc_plugin_loader_new(fx->config->plugin_dir);
	g_autoptr(ArcEngine) engine = arc_engine_new(fx->config);
	ArcStorage *storage = NULL;
	ArcLicenseBackend *license = NULL;
	gboolean ok;

	arc_engine_set_clock(engine, engine_clock_cb, fx);
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

static gchar *
engine_license_for(EngineFixture *fx, const gchar *customer, const gchar *id, gint64 expires,
		   gint64 max_services)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(expires);
	g_autofree gchar *expires_str = g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ");
	g_autofree gchar *doc = g_strdup_printf(
		"{\"customer_id\":\"%s\",\"license_id\":\"%s\","
		"\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":\"%s\","
		"\"max_nodes\":3,\"max_services\":%" G_GINT64_FORMAT ",\"features\":[]}",
		customer, id, expires_str, max_services);
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

/* a bootstrap as `POST /v1/bootstrap` makes it of a body */
static ArcBootstrapResult *
engine_bootstrap(ArcEngine *engine, const gchar *body, GError **error)
{
	g_autoptr(ArcBootstrapRequest) req =
		arc_bootstrap_request_from_json(body, strlen(body), error);

	return req != NULL ? arc_engine_bootstrap(engine, req, error) : NULL;
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

	res = engine_bootstrap(engine, license, &error);
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
	res = engine_bootstrap(engine, license, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED);
	g_assert_null(res);
	g_assert_false(arc_engine_is_bootstrapped(engine));
}

static void
engine_assert_authorize(ArcEngine *engine, ArcScope needed, ArcError refusal)
{
	g_autoptr(GError) error = NULL;
	ArcCaller admin = {.scopes = ARC_SCOPE_ADMIN};
	gboolean ok = arc_engine_authorize(engine, &admin, needed, &error);

	if (refusal == ARC_ERROR_LAST) {
		g_assert_no_error(error);
		g_assert_true(ok);
		return;
	}
	g_assert_error(error, ARC_ERROR, (gint)refusal);
	g_assert_true(g_str_has_prefix(error->message, "refused: the license expired on "));
	g_assert_false(ok);
}

/* arc_engine_authorize() enforces the state; the license operations stay open; a renewal
 * of the same customer puts everything back, with its own limits */
static void
engine_enforce_renew_func(EngineFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = engine_license(fx);
	g_autoptr(ArcEngine) engine = engine_start(fx);
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(ArcLicenseInfo) renewed = NULL;
	g_autoptr(ArcLicenseInfo) older = NULL;
	g_autoptr(ArcLicenseInfo) other = NULL;
	g_autofree gchar *renewal = NULL;
	g_autofree gchar *wrapped = NULL;
	g_autofree gchar *stale = NULL;
	g_autofree gchar *foreign = NULL;
	ArcCaller admin = {.scopes = ARC_SCOPE_ADMIN};
	ArcCaller reader = {.scopes = ARC_SCOPE_PEERS_READ};
	gboolean ok;

	res = engine_bootstrap(engine, license, &error);
	g_assert_no_error(error);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES + 20 * DAY), ==,
			ARC_LICENSE_STATE_READ_ONLY);
	engine_assert_authorize(engine, ARC_SCOPE_PEERS_WRITE, ARC_ERROR_LICENSE_READ_ONLY);
	engine_assert_authorize(engine, ARC_SCOPE_SERVICES_WRITE, ARC_ERROR_LICENSE_READ_ONLY);
	engine_assert_authorize(engine, ARC_SCOPE_PEERS_READ, ARC_ERROR_LAST);
	engine_assert_authorize(engine, ARC_SCOPE_CREDENTIALS_WRITE, ARC_ERROR_LAST);
	g_assert_cmpint(engine_state_at(engine, fx, EXPIRES + 50 * DAY), ==,
			ARC_LICENSE_STATE_SUSPENDED);
	engine_assert_authorize(engine, ARC_SCOPE_PEERS_READ, ARC_ERROR_LICENSE_SUSPENDED);
	engine_assert_authorize(engine, ARC_SCOPE_ADMIN, ARC_ERROR_LICENSE_SUSPENDED);
	ok = arc_engine_authorize_license(engine, &admin, ARC_SCOPE_ADMIN, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	/* renewal needs admin, the same customer, and a newer license */
	renewal = engine_license_for(fx, "cust_state", "lic_renewed", EXPIRES + 400 * DAY, 9);
	g_assert_null(arc_engine_update_license(engine, &reader, renewal, strlen(renewal), &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN);
	g_clear_error(&error);
	foreign = engine_license_for(fx, "cust_other", "lic_other", EXPIRES + 400 * DAY, 9);
	other = arc_engine_update_license(engine, &admin, foreign, strlen(foreign), &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_MISMATCH);
	g_assert_null(other);
	g_clear_error(&error);
	g_assert_cmpint(arc_engine_get_license_state(engine), ==, ARC_LICENSE_STATE_SUSPENDED);

	wrapped = g_strdup_printf("{\"license\": %s}", renewal);
	renewed = arc_engine_update_license(engine, &admin, wrapped, strlen(wrapped), &error);
	g_assert_no_error(error);
	g_assert_cmpstr(renewed->license->license_id, ==, "lic_renewed");
	g_assert_cmpint(renewed->license->max_services, ==, 9);
	g_assert_cmpint(renewed->state, ==, ARC_LICENSE_STATE_VALID);
	engine_assert_authorize(engine, ARC_SCOPE_PEERS_WRITE, ARC_ERROR_LAST);

	stale = engine_license_for(fx, "cust_state", "lic_stale", EXPIRES + 100 * DAY, 9);
	older = arc_engine_update_license(engine, &admin, stale, strlen(stale), &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_null(older);
	g_clear_error(&error);
	g_clear_object(&engine);

	/* the renewed license and its fresh state are what the next start finds */
	engine = engine_start(fx);
	g_assert_cmpint(arc_engine_get_license_state(engine), ==, ARC_LICENSE_STATE_VALID);
	{
		g_autoptr(ArcLicenseInfo) info = arc_engine_get_license(engine, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(info->license->license_id, ==, "lic_renewed");
	}
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
	g_test_add_func("/license-state/allows", license_state_allows_func);
	g_test_add_func("/license-state/message", license_state_message_func);
	g_test_add_func("/license-state/compare", license_compare_func);
	g_test_add("/license-state/engine-enforce-renew", EngineFixture, NULL, engine_fixture_setup,
		   engine_enforce_renew_func, engine_fixture_teardown);
	g_test_add("/license-state/engine-persisted", EngineFixture, NULL, engine_fixture_setup,
		   engine_license_state_func, engine_fixture_teardown);
	g_test_add("/license-state/bootstrap-expired", EngineFixture, NULL, engine_fixture_setup,
		   engine_bootstrap_expired_func, engine_fixture_teardown);
	return g_test_run();
}
