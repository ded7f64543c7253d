/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-license-manager.h"
#include "arc-requests.h"
#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-registry.h"
#include "arc-key-file.h"

/* The license manager in-process, over the real sqlite and ed25519-file plugins in a temp
 * dir with a test issuer, and a test clock, with no agent (docs/license.md): renewals that
 * gossip brings, renewals installed here, the expiry states, the nodes in use. This agent is
 * member A; B is another member that sends records. */

#define DAY G_GINT64_CONSTANT(86400)
#define EXPIRES G_GINT64_CONSTANT(2000000000) /* 2033-05-18 03:33:20 UTC */

typedef struct {
	gchar *dir;
	ArcPluginLoader *loader;
	ArcStorage *storage;
	ArcLicenseBackend *backend;
	ArcConfig *config;
	ArcNode *node; /* this agent: the license plugin, and the fixture's clock */
	ArcRegistry *registry;
	ArcLicenseManager *licenses;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	guint8 issuer_sk[crypto_sign_SECRETKEYBYTES];
	gint64 now;
	guint state_changed;
	guint license_changed;
} LicenseFixture;

static const ArcRecordKind test_peer_kinds[] = {
	{.name = "peer", .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_MEMBER},
	{.name = "revoked_peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_REVOCATION},
};

/* what the code under test logged, "domain: message": the build logs structured, which
 * GLib's expected-message checks do not see */
static GPtrArray *test_log;

static GLogWriterOutput
test_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	const gchar *domain = "", *message = "";

	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
		else if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	g_ptr_array_add(test_log, g_strdup_printf("%s: %s", domain, message));
	return g_log_writer_default(level, fields, n_fields, user_data);
}

/* asserts that a line matching @pattern was logged since the log was last cleared */
static void
test_log_assert(const gchar *pattern)
{
	gboolean seen = FALSE;

	for (guint i = 0; i < test_log->len && !seen; i++)
		seen = g_pattern_match_simple(pattern, g_ptr_array_index(test_log, i));
	if (!seen)
		g_error("not logged: %s", pattern);
	g_ptr_array_set_size(test_log, 0);
}

static gint64
test_clock_cb(gpointer user_data)
{
	LicenseFixture *fx = user_data;
	return fx->now;
}

static void
test_state_changed_cb(ArcLicenseManager *licenses, gpointer user_data)
{
	LicenseFixture *fx = user_data;
	fx->state_changed++;
}

static void
test_license_changed_cb(ArcLicenseManager *licenses, ArcLicense *license, gpointer user_data)
{
	LicenseFixture *fx = user_data;
	g_assert_true(arc_license_manager_get_license(licenses) == license);
	fx->license_changed++;
}

/* a license of the test issuer */
static gchar *
test_license(LicenseFixture *fx, const gchar *customer, const gchar *id, gint64 expires,
	     gint64 max_nodes)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(expires);
	g_autofree gchar *expires_str = g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ");
	g_autofree gchar *doc = g_strdup_printf(
		"{\"customer_id\":\"%s\",\"license_id\":\"%s\","
		"\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":\"%s\","
		"\"max_nodes\":%" G_GINT64_FORMAT ",\"max_services\":5,\"features\":[]}",
		customer, id, expires_str, max_nodes);
	gchar *signed_doc = arc_license_sign_document(doc, -1, fx->issuer_sk, &error);

	g_assert_no_error(error);
	return signed_doc;
}

/* a record @identity signed as @writer */
static ArcRecord *
test_record(const gchar *kind, const gchar *id, gint64 version, const gchar *writer,
	    ArcIdentity *identity, const gchar *body)
{
	gboolean ok;
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);
	g_autoptr(GError) error = NULL;

	record->version = version;
	record->writer = g_strdup(writer);
	record->updated_at = g_get_real_time();
	ok = arc_record_sign(record, identity, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&record);
}

static ArcRecord *
test_peer_record(const gchar *id, ArcIdentity *identity, const gchar *created)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":\"127.0.0.1:%u\","
		"\"state\":\"active\",\"created_at\":\"%s\"}",
		id, id, arc_identity_get_public_key_base64(identity),
		g_str_equal(id, "peer_a") ? 18080u : 18081u, created);
	return test_record("peer", id, 1, id, identity, body);
}

/* the `license` record B writes of @document */
static ArcRecord *
test_license_record(LicenseFixture *fx, const gchar *record_id, const gchar *document)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *body = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license =
		arc_license_backend_verify(fx->backend, document, strlen(document), &error);

	g_assert_no_error(error);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "customer_id");
	json_builder_add_string_value(b, license->customer_id);
	json_builder_set_member_name(b, "license_id");
	json_builder_add_string_value(b, license->license_id);
	json_builder_set_member_name(b, "document");
	json_builder_add_string_value(b, license->document);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	body = json_to_string(root, FALSE);
	return test_record("license", record_id, 1, "peer_b", fx->id_b, body);
}

static ArcPlugin *
test_plugin(LicenseFixture *fx, ArcPluginKind kind, const gchar *name, GKeyFile *keyfile,
	    const gchar *data_dir)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	ArcPlugin *plugin = arc_plugin_loader_get_plugin(fx->loader, kind, name, &error);

	g_assert_no_error(error);
	ok = arc_plugin_setup(plugin, keyfile, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return plugin;
}

static void
test_write_issuer(LicenseFixture *fx, const gchar *issuers)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;
	g_autofree gchar *pub_path = g_build_filename(issuers, "test.pub", NULL);

	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	crypto_sign_keypair(pk, fx->issuer_sk);
	pub_b64 = g_base64_encode(pk, sizeof(pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	ok = g_file_set_contents_full(pub_path, pub_line, -1, 0, 0644, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* a registry over @fx's storage, knowing the member kinds, signing as A */
static ArcRegistry *
test_registry_new(LicenseFixture *fx)
{
	ArcRegistry *registry = arc_registry_new(fx->storage);

	for (guint i = 0; i < G_N_ELEMENTS(test_peer_kinds); i++)
		arc_registry_register_kind(registry, &test_peer_kinds[i], NULL);
	arc_registry_set_signer(registry, fx->id_a, "peer_a");
	return registry;
}

static ArcLicenseManager *
test_manager_new(LicenseFixture *fx, ArcRegistry *registry)
{
	ArcLicenseManager *licenses = arc_license_manager_new(fx->node, registry);

	arc_license_manager_set_peer_id(licenses, "peer_a");
	g_signal_connect(licenses, "state-changed", G_CALLBACK(test_state_changed_cb), fx);
	g_signal_connect(licenses, "license-changed", G_CALLBACK(test_license_changed_cb), fx);
	return licenses;
}

/* A bootstrapped with lic_one of cust_one (expires EXPIRES, 3 nodes); A and B members */
static void
test_bootstrap(LicenseFixture *fx)
{
	gboolean ok;
	g_autofree gchar *document = test_license(fx, "cust_one", "lic_one", EXPIRES, 3);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license =
		arc_license_manager_verify_new(fx->licenses, document, fx->now, &error);
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) peer_a = test_peer_record("peer_a", fx->id_a, "2026-01-01T00:00:00Z");
	g_autoptr(ArcRecord) peer_b = test_peer_record("peer_b", fx->id_b, "2026-01-02T00:00:00Z");

	g_assert_no_error(error);
	arc_storage_txn_put_record(txn, peer_a);
	arc_storage_txn_put_record(txn, peer_b);
	arc_license_manager_stage_bootstrap(txn, license, fx->now);
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	arc_license_manager_take_bootstrap(fx->licenses, license, fx->now);
	g_assert_true(arc_license_manager_refresh(fx->licenses));
}

static void
license_setup(LicenseFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *issuers = NULL;
	g_autofree gchar *data_dir = NULL;
	g_autoptr(GKeyFile) keyfile = g_key_file_new();
	g_autofree gchar *key_a = NULL;
	g_autofree gchar *key_b = NULL;

	fx->dir = g_dir_make_tmp("arc-license-manager-XXXXXX", &error);
	g_assert_no_error(error);
	issuers = g_build_filename(fx->dir, "issuers", NULL);
	data_dir = g_build_filename(fx->dir, "data", NULL);
	g_assert_cmpint(g_mkdir(data_dir, 0700), ==, 0);
	test_write_issuer(fx, issuers);
	g_key_file_set_string(keyfile, "plugin:ed25519-file", "issuers_dir", issuers);
	key_a = g_build_filename(fx->dir, "a.key", NULL);
	key_b = g_build_filename(fx->dir, "b.key", NULL);
	fx->id_a = arc_identity_load_or_create(key_a, &error);
	g_assert_no_error(error);
	fx->id_b = arc_identity_load_or_create(key_b, &error);
	g_assert_no_error(error);
	fx->loader = arc_plugin_loader_new(g_getenv("ARC_PLUGIN_DIR"));
	ok = arc_plugin_loader_scan(fx->loader, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->storage =
		ARC_STORAGE(test_plugin(fx, ARC_PLUGIN_KIND_STORAGE, "sqlite", keyfile, data_dir));
	fx->backend = ARC_LICENSE_BACKEND(
		test_plugin(fx, ARC_PLUGIN_KIND_LICENSE, "ed25519-file", keyfile, data_dir));
	ok = arc_storage_open(fx->storage, data_dir, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	fx->now = EXPIRES - 100 * DAY;
	fx->config = arc_config_new();
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_clock_cb, fx);
	arc_node_set_plugins(fx->node, fx->storage, fx->backend);
	fx->registry = test_registry_new(fx);
	fx->licenses = test_manager_new(fx, fx->registry);
	test_bootstrap(fx);
	fx->state_changed = 0;
	fx->license_changed = 0;
}

static void
license_teardown(LicenseFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_object(&fx->licenses);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->node);
	g_clear_pointer(&fx->config, arc_config_free);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->loader);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

/* merges @record, sent by B; returns how many records were stored */
static gint
test_merge_one(LicenseFixture *fx, ArcRecord *record)
{
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GError) error = NULL;
	gint stored;

	g_ptr_array_add(records, record);
	stored = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	return stored;
}

static void
test_assert_stored_license(LicenseFixture *fx, const gchar *license_id)
{
	g_autofree gchar *stored = arc_storage_get_meta(fx->storage, "license", NULL);
	g_autoptr(ArcLicense) license =
		arc_license_backend_verify(fx->backend, stored, strlen(stored), NULL);

	g_assert_nonnull(license);
	g_assert_cmpstr(license->license_id, ==, license_id);
	g_assert_cmpstr(arc_license_manager_get_license(fx->licenses)->license_id, ==, license_id);
}

/* a newer license that gossip brings is stored, put in force with its node limit, and
 * announced; the registry keeps its record */
static void
test_received_newer_func(LicenseFixture *fx, gconstpointer data)
{
	g_autofree gchar *newer = test_license(fx, "cust_one", "lic_two", EXPIRES + 365 * DAY, 1);
	g_autoptr(ArcRecord) record = test_license_record(fx, "lic_two", newer);
	g_autoptr(ArcRecord) kept = NULL;
	g_autoptr(GPtrArray) members = NULL;

	fx->now = EXPIRES - 10 * DAY; /* lic_one is in warning, lic_two valid */
	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_merge_one(fx, record), ==, 1);
	test_log_assert("engine: license lic_two received from peer peer_b");
	test_assert_stored_license(fx, "lic_two");
	g_assert_cmpuint(fx->license_changed, ==, 1);
	g_assert_cmpuint(fx->state_changed, ==, 1);
	g_assert_cmpint(arc_license_manager_get_state(fx->licenses), ==, ARC_LICENSE_STATE_VALID);
	kept = arc_storage_get_record(fx->storage, "license", "lic_two", NULL);
	g_assert_nonnull(kept);
	g_assert_cmpstr(kept->writer, ==, "peer_b");
	/* its node limit is in force: B, who joined last, is beyond one node */
	g_assert_true(arc_registry_lookup_member(fx->registry, "peer_b")->over_limit);
	members = arc_registry_get_members(fx->registry);
	g_assert_cmpuint(members->len, ==, 2);
}

/* an older license is kept but not put in force; another customer's is refused with the
 * error PUT /v1/license gives, and not stored */
static void
test_received_refused_func(LicenseFixture *fx, gconstpointer data)
{
	g_autofree gchar *older = test_license(fx, "cust_one", "lic_old", EXPIRES - 365 * DAY, 3);
	g_autofree gchar *foreign =
		test_license(fx, "cust_other", "lic_other", EXPIRES + 365 * DAY, 3);
	g_autoptr(ArcRecord) old_record = test_license_record(fx, "lic_old", older);
	g_autoptr(ArcRecord) foreign_record = test_license_record(fx, "lic_other", foreign);
	g_autoptr(ArcRecord) mislabelled = test_license_record(fx, "lic_fake", older);
	g_autoptr(ArcRecord) stored = NULL;

	g_assert_cmpint(test_merge_one(fx, old_record), ==, 1);
	stored = arc_storage_get_record(fx->storage, "license", "lic_old", NULL);
	g_assert_nonnull(stored);
	test_assert_stored_license(fx, "lic_one");
	g_assert_cmpuint(fx->license_changed, ==, 0);

	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_merge_one(fx, foreign_record), ==, 0);
	test_log_assert("gossip: from peer_b: record license/lic_other v1 by peer_b refused: "
			"license lic_other is for customer cust_other; this cluster's license "
			"lic_one is for customer cust_one");
	g_clear_pointer(&stored, arc_record_free);
	stored = arc_storage_get_record(fx->storage, "license", "lic_other", NULL);
	g_assert_null(stored);

	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_merge_one(fx, mislabelled), ==, 0);
	test_log_assert("gossip: *refused: the record of license lic_fake holds license lic_old");
	test_assert_stored_license(fx, "lic_one");
	g_assert_cmpuint(fx->license_changed, ==, 0);
}

/* PUT /v1/license: each refusal with its code and message, nothing changed; the license in
 * force again changes nothing; a newer one is stored, in force, and a record of it written
 * by this agent */
static void
test_update_func(LicenseFixture *fx, gconstpointer data)
{
	g_autofree gchar *stale = test_license(fx, "cust_one", "lic_stale", EXPIRES - DAY, 3);
	g_autofree gchar *foreign = test_license(fx, "cust_other", "lic_x", EXPIRES + DAY, 3);
	g_autofree gchar *expired = NULL;
	g_autofree gchar *same = test_license(fx, "cust_one", "lic_one", EXPIRES, 3);
	g_autofree gchar *renewal = test_license(fx, "cust_one", "lic_new", EXPIRES + 400 * DAY, 3);
	g_autofree gchar *wrapped = g_strdup_printf("{\"license\": %s}", renewal);
	g_autoptr(ArcLicenseInfo) info = NULL;
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(GError) error = NULL;

	info = arc_license_manager_update(fx->licenses, stale, strlen(stale), "test", &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_cmpstr(error->message, ==,
			"license lic_stale (expires 2033-05-17T03:33:20Z) is older than license "
			"lic_one in force (expires 2033-05-18T03:33:20Z)");
	g_assert_null(info);
	g_clear_error(&error);
	info = arc_license_manager_update(fx->licenses, foreign, strlen(foreign), "test", &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_MISMATCH);
	g_assert_cmpstr(error->message, ==,
			"license lic_x is for customer cust_other; this cluster's license lic_one "
			"is for customer cust_one");
	g_clear_error(&error);
	/* newer than the one in force, but expired by now */
	fx->now = EXPIRES + 2 * DAY;
	expired = test_license(fx, "cust_one", "lic_late", EXPIRES + DAY, 3);
	info = arc_license_manager_update(fx->licenses, expired, strlen(expired), "test", &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED);
	g_assert_cmpstr(error->message, ==, "license has expired (expired 2033-05-19T03:33:20Z)");
	g_clear_error(&error);
	test_assert_stored_license(fx, "lic_one");
	g_assert_cmpuint(fx->license_changed, ==, 0);

	info = arc_license_manager_update(fx->licenses, same, strlen(same), "test", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(info->license->license_id, ==, "lic_one");
	g_assert_cmpint(info->state, ==, ARC_LICENSE_STATE_GRACE_PERIOD);
	g_assert_null(arc_storage_get_record(fx->storage, "license", "lic_one", NULL));
	g_clear_pointer(&info, arc_license_info_free);

	info = arc_license_manager_update(fx->licenses, wrapped, strlen(wrapped), "test", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(info->license->license_id, ==, "lic_new");
	g_assert_cmpint(info->state, ==, ARC_LICENSE_STATE_VALID);
	g_assert_cmpuint(fx->license_changed, ==, 1);
	test_assert_stored_license(fx, "lic_new");
	record = arc_storage_get_record(fx->storage, "license", "lic_new", NULL);
	g_assert_nonnull(record);
	g_assert_cmpint(record->version, ==, 1);
	g_assert_cmpstr(record->writer, ==, "peer_a");
	g_assert_nonnull(record->signature);
}

static ArcLicenseState
test_state_at(LicenseFixture *fx, gint64 now)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicenseInfo) info = NULL;

	fx->now = now;
	info = arc_license_manager_get_info(fx->licenses, &error);
	g_assert_no_error(error);
	g_assert_cmpint(info->now, ==, now);
	return info->state;
}

static void
test_assert_persisted(LicenseFixture *fx, const gchar *state, gint64 since)
{
	g_autofree gchar *stored = arc_storage_get_meta(fx->storage, "license.state", NULL);
	g_autofree gchar *stored_since =
		arc_storage_get_meta(fx->storage, "license.state_since", NULL);
	g_autofree gchar *expected_since = g_strdup_printf("%" G_GINT64_FORMAT, since);

	g_assert_cmpstr(stored, ==, state);
	g_assert_cmpstr(stored_since, ==, expected_since);
}

/* docs/license.md "States": the state follows the clock, is persisted at each change and
 * announced; it never goes back for one license, across a restart either */
static void
test_expiry_func(LicenseFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcRegistry) registry = NULL;
	g_autoptr(ArcLicenseManager) restarted = NULL;
	g_autofree gchar *document = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *message = NULL;

	g_assert_cmpint(test_state_at(fx, EXPIRES - 31 * DAY), ==, ARC_LICENSE_STATE_VALID);
	g_assert_cmpuint(fx->state_changed, ==, 0);
	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_state_at(fx, EXPIRES - 30 * DAY), ==, ARC_LICENSE_STATE_WARNING);
	test_log_assert("engine: license lic_one is warning: *");
	g_assert_cmpuint(fx->state_changed, ==, 1);
	test_assert_persisted(fx, "warning", EXPIRES - 30 * DAY);
	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_state_at(fx, EXPIRES), ==, ARC_LICENSE_STATE_GRACE_PERIOD);
	test_log_assert("engine: license lic_one is grace_period: *");
	g_ptr_array_set_size(test_log, 0);
	g_assert_cmpint(test_state_at(fx, EXPIRES + 14 * DAY), ==, ARC_LICENSE_STATE_READ_ONLY);
	test_log_assert("engine: license lic_one is read_only: *");
	message = arc_license_manager_get_message(fx->licenses);
	g_assert_nonnull(strstr(message, "read-only"));
	g_assert_cmpuint(fx->state_changed, ==, 3);
	/* the clock set back: still read_only, nothing written */
	g_assert_cmpint(test_state_at(fx, EXPIRES - 100 * DAY), ==, ARC_LICENSE_STATE_READ_ONLY);
	g_assert_cmpuint(fx->state_changed, ==, 3);
	test_assert_persisted(fx, "read_only", EXPIRES + 14 * DAY);

	/* a restart finds the persisted state, and moves on from it */
	arc_license_manager_stop(fx->licenses);
	registry = test_registry_new(fx);
	restarted = arc_license_manager_new(fx->node, registry);
	document = arc_storage_get_meta(fx->storage, "license", NULL);
	ok = arc_license_manager_load(restarted, document, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(arc_license_manager_get_state(restarted), ==, ARC_LICENSE_STATE_READ_ONLY);
	g_ptr_array_set_size(test_log, 0);
	g_assert_true(arc_license_manager_refresh(restarted));
	test_log_assert("engine: license lic_one is read_only: *");
	g_assert_cmpint(arc_license_manager_get_state(restarted), ==, ARC_LICENSE_STATE_READ_ONLY);
	fx->now = EXPIRES + 44 * DAY;
	g_ptr_array_set_size(test_log, 0);
	g_assert_true(arc_license_manager_refresh(restarted));
	test_log_assert("engine: license lic_one is suspended: *");
	g_assert_cmpint(arc_license_manager_get_state(restarted), ==, ARC_LICENSE_STATE_SUSPENDED);
	test_assert_persisted(fx, "suspended", EXPIRES + 44 * DAY);
	arc_license_manager_stop(restarted);
}

static void
test_quit_cb(ArcLicenseManager *licenses, gpointer user_data)
{
	g_main_loop_quit(user_data);
}

static gboolean
test_timeout_cb(gpointer user_data)
{
	g_error("the license timer did not move the state");
	return G_SOURCE_REMOVE;
}

/* nobody asks: the timer computes the state again at the next transition */
static void
test_timer_func(LicenseFixture *fx, gconstpointer data)
{
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	guint timeout;

	/* one second before the warning: the timer is due two seconds later */
	g_assert_cmpint(test_state_at(fx, EXPIRES - 30 * DAY - 1), ==, ARC_LICENSE_STATE_VALID);
	fx->now = EXPIRES - 30 * DAY;
	g_signal_connect(fx->licenses, "state-changed", G_CALLBACK(test_quit_cb), loop);
	timeout = g_timeout_add_seconds(10, test_timeout_cb, NULL);
	g_main_loop_run(loop);
	g_source_remove(timeout);
	g_assert_cmpint(arc_license_manager_get_state(fx->licenses), ==, ARC_LICENSE_STATE_WARNING);
	test_assert_persisted(fx, "warning", EXPIRES - 30 * DAY);
}

/* a stored license that no longer verifies stops the start, with the reason */
static void
test_load_unverified_func(LicenseFixture *fx, gconstpointer data)
{
	g_autoptr(ArcRegistry) registry = test_registry_new(fx);
	g_autoptr(ArcLicenseManager) restarted = arc_license_manager_new(fx->node, registry);
	g_autoptr(GError) error = NULL;
	guint8 other_sk[crypto_sign_SECRETKEYBYTES];
	guint8 other_pk[crypto_sign_PUBLICKEYBYTES];
	g_autofree gchar *untrusted = NULL;

	crypto_sign_keypair(other_pk, other_sk);
	untrusted = arc_license_sign_document(
		"{\"customer_id\":\"cust_one\",\"license_id\":\"lic_one\","
		"\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_at\":\"2033-05-18T03:33:20Z\","
		"\"max_nodes\":3,\"max_services\":5,\"features\":[]}",
		-1, other_sk, &error);
	g_assert_no_error(error);
	g_assert_false(arc_license_manager_load(restarted, untrusted, &error));
	g_assert_nonnull(error);
	g_assert_true(g_str_has_prefix(
		error->message, "the stored license no longer verifies, refusing to start: "));
	g_assert_null(arc_license_manager_get_license(restarted));
}

/* nodes in use: the active members within the license's node limit */
static void
test_nodes_in_use_func(LicenseFixture *fx, gconstpointer data)
{
	g_autoptr(ArcLicenseInfo) info = NULL;
	g_autoptr(ArcLicenseInfo) after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *body =
		g_strdup_printf("{\"id\":\"peer_b\",\"name\":\"peer_b\",\"public_key\":\"%s\","
				"\"address\":\"127.0.0.1:18081\",\"state\":\"deactivated\","
				"\"created_at\":\"2026-01-02T00:00:00Z\"}",
				arc_identity_get_public_key_base64(fx->id_b));
	g_autoptr(ArcRecord) left = test_record("peer", "peer_b", 2, "peer_b", fx->id_b, body);
	g_autofree gchar *smaller = test_license(fx, "cust_one", "lic_one_node", EXPIRES + DAY, 1);

	info = arc_license_manager_get_info(fx->licenses, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(info->nodes_in_use, ==, 2);
	g_assert_cmpint(info->license->max_nodes, ==, 3);
	g_clear_pointer(&info, arc_license_info_free);
	/* a renewal for one node: B is beyond it and no longer counts */
	info = arc_license_manager_update(fx->licenses, smaller, strlen(smaller), "test", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(info->nodes_in_use, ==, 1);
	/* B leaves: one node in use either way */
	g_assert_cmpint(test_merge_one(fx, left), ==, 1);
	after = arc_license_manager_get_info(fx->licenses, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(after->nodes_in_use, ==, 1);
}

/* both documented shapes of a license in a body */
static void
test_document_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) bare = json_from_string("{\"license_id\":\"lic_1\"}", NULL);
	g_autoptr(JsonNode) wrapped =
		json_from_string("{\"license\":{\"license_id\":\"lic_1\"},\"name\":\"n\"}", NULL);
	g_autoptr(JsonNode) wrong = json_from_string("{\"license\":\"lic_1\"}", NULL);
	g_autofree gchar *from_bare = arc_request_license_document(bare, &error);
	g_autofree gchar *from_wrapped = arc_request_license_document(wrapped, &error);
	g_autofree gchar *from_wrong = NULL;

	g_assert_no_error(error);
	g_assert_cmpstr(from_bare, ==, "{\"license_id\":\"lic_1\"}");
	g_assert_cmpstr(from_wrapped, ==, "{\"license_id\":\"lic_1\"}");
	from_wrong = arc_request_license_document(wrong, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "'license' must be the license object");
	g_assert_null(from_wrong);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	/* the manager warns, as it should, when the license moves towards expiry */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_assert_cmpint(sodium_init(), >=, 0);
	test_log = g_ptr_array_new_with_free_func(g_free);
	g_log_set_writer_func(test_log_writer, NULL, NULL);
	g_test_add_func("/license-manager/document", test_document_func);
	g_test_add("/license-manager/received-newer", LicenseFixture, NULL, license_setup,
		   test_received_newer_func, license_teardown);
	g_test_add("/license-manager/received-refused", LicenseFixture, NULL, license_setup,
		   test_received_refused_func, license_teardown);
	g_test_add("/license-manager/update", LicenseFixture, NULL, license_setup, test_update_func,
		   license_teardown);
	g_test_add("/license-manager/expiry", LicenseFixture, NULL, license_setup, test_expiry_func,
		   license_teardown);
	g_test_add("/license-manager/timer", LicenseFixture, NULL, license_setup, test_timer_func,
		   license_teardown);
	g_test_add("/license-manager/load-unverified", LicenseFixture, NULL, license_setup,
		   test_load_unverified_func, license_teardown);
	g_test_add("/license-manager/nodes-in-use", LicenseFixture, NULL, license_setup,
		   test_nodes_in_use_func, license_teardown);
	return g_test_run();
}
