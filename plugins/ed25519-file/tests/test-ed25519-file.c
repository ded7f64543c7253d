/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "arc-ed25519-file-plugin.h"

/* Warnings of the plugin are behaviour under test (an ignored key file must be named), so they
 * are collected here instead of aborting; every test must consume the ones it causes. */
static GPtrArray *arc_test_warnings = NULL;

typedef struct {
	gchar *tmpdir;
	gchar *issuers_dir;
	guint8 pk[crypto_sign_PUBLICKEYBYTES];
	guint8 sk[crypto_sign_SECRETKEYBYTES];
	gchar *pk_b64;
	ArcPlugin *plugin;
} ArcTestFixture;

/* signed as-is by the fixture's issuer: "tier" is unknown to the parser, but signed too */
#define ARC_TEST_DOCUMENT                                                                          \
	"{\"customer_id\": \"cust_TESTCUSTOMER\", \"license_id\": \"lic_TESTLICENSE\", "           \
	"\"issued_at\": \"2025-01-01T00:00:00Z\", \"expires_at\": \"2030-06-30T12:00:00Z\", "      \
	"\"max_nodes\": 17, \"max_services\": 250, \"features\": [\"mesh\", \"qos\"], "            \
	"\"tier\": \"gold\"}"

static GLogWriterOutput
arc_test_log_writer_cb(GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
		       gpointer user_data)
{
	const gchar *domain = NULL;
	const gchar *message = NULL;

	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
		else if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	if ((log_level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0(domain, "ed25519-file") == 0 &&
	    message != NULL && arc_test_warnings != NULL) {
		g_ptr_array_add(arc_test_warnings, g_strdup(message));
		return G_LOG_WRITER_HANDLED;
	}
	return g_log_writer_default(log_level, fields, n_fields, user_data);
}

/* asserts that a collected warning contains every fragment, and consumes it */
static void
arc_test_assert_warning(const gchar *fragment1, const gchar *fragment2)
{
	for (guint i = 0; i < arc_test_warnings->len; i++) {
		const gchar *msg = g_ptr_array_index(arc_test_warnings, i);
		if (strstr(msg, fragment1) != NULL &&
		    (fragment2 == NULL || strstr(msg, fragment2) != NULL)) {
			g_ptr_array_remove_index(arc_test_warnings, i);
			return;
		}
	}
	g_error("no warning containing '%s' and '%s'; %u other warnings", fragment1,
		fragment2 != NULL ? fragment2 : "", arc_test_warnings->len);
}

static void
arc_test_rm_rf(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			arc_test_rm_rf(child);
		else
			g_assert_cmpint(g_unlink(child), ==, 0);
	}
	g_assert_cmpint(g_rmdir(path), ==, 0);
}

static void
arc_test_write_file(const gchar *path, const gchar *contents, gssize length, guint mode)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, contents, length, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, (gint)mode), ==, 0);
}

/* writes a key file into the issuers dir; returns its path */
static gchar *
arc_test_write_pub(ArcTestFixture *fx, const gchar *name, const gchar *contents, guint mode)
{
	gchar *path = g_build_filename(fx->issuers_dir, name, NULL);
	arc_test_write_file(path, contents, -1, mode);
	return path;
}

static void
arc_test_add_pub(ArcTestFixture *fx, const gchar *name, const gchar *contents, guint mode)
{
	g_free(arc_test_write_pub(fx, name, contents, mode));
}

static gchar *
arc_test_sign(const guint8 *sk, const gchar *document)
{
	g_autoptr(GError) error = NULL;
	gchar *signed_doc = arc_license_sign_document(document, -1, sk, &error);

	g_assert_no_error(error);
	g_assert_nonnull(signed_doc);
	return signed_doc;
}

static ArcLicense *
arc_test_verify(ArcPlugin *plugin, const gchar *document, gssize length, GError **error)
{
	gsize len = length < 0 ? strlen(document) : (gsize)length;
	return arc_license_backend_verify(ARC_LICENSE_BACKEND(plugin), document, len, error);
}

static ArcPlugin *
arc_test_plugin_new(const gchar *builtin_keys, const gchar *issuers_dir)
{
	g_autoptr(GKeyFile) config = g_key_file_new();
	g_autoptr(GError) error = NULL;
	ArcPlugin *plugin =
		g_object_new(ARC_TYPE_ED25519_FILE_PLUGIN, "builtin-keys", builtin_keys, NULL);

	arc_plugin_set_name(plugin, "ed25519-file");
	g_key_file_set_string(config, ARC_ED25519_FILE_PLUGIN_GROUP, "issuers_dir", issuers_dir);
	arc_plugin_setup(plugin, config, "/nonexistent", &error);
	g_assert_no_error(error);
	return plugin;
}

static void
arc_test_fixture_setup(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fx->tmpdir = g_dir_make_tmp("arc-ed25519-file-XXXXXX", &error);
	g_assert_no_error(error);
	fx->issuers_dir = g_build_filename(fx->tmpdir, "issuers.d", NULL);
	g_assert_cmpint(g_mkdir(fx->issuers_dir, 0755), ==, 0);
	g_assert_cmpint(g_chmod(fx->issuers_dir, 0755), ==, 0);
	crypto_sign_keypair(fx->pk, fx->sk);
	fx->pk_b64 = g_base64_encode(fx->pk, sizeof(fx->pk));
	/* explicitly no built-in keys, whatever the build was configured with */
	fx->plugin = arc_test_plugin_new("", fx->issuers_dir);
	g_ptr_array_set_size(arc_test_warnings, 0);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fx, gconstpointer user_data)
{
	for (guint i = 0; i < arc_test_warnings->len; i++)
		g_printerr("unexpected warning: %s\n",
			   (const gchar *)g_ptr_array_index(arc_test_warnings, i));
	g_assert_cmpuint(arc_test_warnings->len, ==, 0);
	g_clear_object(&fx->plugin);
	arc_test_rm_rf(fx->tmpdir);
	sodium_memzero(fx->sk, sizeof(fx->sk));
	g_free(fx->pk_b64);
	g_free(fx->issuers_dir);
	g_free(fx->tmpdir);
}

/* the fixture's issuer key in a well-formed file of the issuers dir */
static void
arc_test_trust_issuer(ArcTestFixture *fx)
{
	g_autofree gchar *contents = g_strdup_printf("%s\n", fx->pk_b64);

	arc_test_add_pub(fx, "test-issuer.pub", contents, 0644);
}

static void
arc_test_assert_untrusted(ArcTestFixture *fx, const gchar *document)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = arc_test_verify(fx->plugin, document, -1, &error);

	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_nonnull(strstr(error->message, "not signed by a trusted issuer"));
	g_assert_null(license);
}

static void
arc_test_assert_trusted(ArcTestFixture *fx, const gchar *document, const gchar *issuer_b64)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = arc_test_verify(fx->plugin, document, -1, &error);

	g_assert_no_error(error);
	g_assert_nonnull(license);
	g_assert_cmpstr(license->issuer_key, ==, issuer_b64);
}

static void
arc_test_verify_trusted_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GPtrArray) issuers = NULL;

	arc_test_trust_issuer(fx);
	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_no_error(error);
	g_assert_nonnull(license);
	g_assert_cmpstr(license->issuer_key, ==, fx->pk_b64);
	g_assert_cmpstr(license->customer_id, ==, "cust_TESTCUSTOMER");
	g_assert_cmpstr(license->license_id, ==, "lic_TESTLICENSE");
	g_assert_cmpint(license->max_nodes, ==, 17);
	g_assert_cmpint(license->max_services, ==, 250);
	g_assert_true(arc_license_has_feature(license, "qos"));

	issuers = arc_license_backend_list_issuers(ARC_LICENSE_BACKEND(fx->plugin));
	g_assert_cmpuint(issuers->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(issuers, 0), ==, fx->pk_b64);
}

static void
arc_test_verify_second_issuer_func(ArcTestFixture *fx, gconstpointer user_data)
{
	guint8 pk2[crypto_sign_PUBLICKEYBYTES];
	guint8 sk2[crypto_sign_SECRETKEYBYTES];
	g_autofree gchar *pk2_b64 = NULL;
	g_autofree gchar *contents = NULL;
	g_autofree gchar *document = NULL;

	crypto_sign_keypair(pk2, sk2);
	pk2_b64 = g_base64_encode(pk2, sizeof(pk2));
	contents = g_strdup_printf("%s\n", pk2_b64);
	arc_test_trust_issuer(fx);
	arc_test_add_pub(fx, "zz-second.pub", contents, 0600);
	document = arc_test_sign(sk2, ARC_TEST_DOCUMENT);
	sodium_memzero(sk2, sizeof(sk2));
	arc_test_assert_trusted(fx, document, pk2_b64);
}

static void
arc_test_verify_unknown_issuer_func(ArcTestFixture *fx, gconstpointer user_data)
{
	guint8 pk2[crypto_sign_PUBLICKEYBYTES];
	guint8 sk2[crypto_sign_SECRETKEYBYTES];
	g_autofree gchar *document = NULL;

	crypto_sign_keypair(pk2, sk2);
	document = arc_test_sign(sk2, ARC_TEST_DOCUMENT);
	sodium_memzero(sk2, sizeof(sk2));
	arc_test_trust_issuer(fx);
	arc_test_assert_untrusted(fx, document);
}

typedef struct {
	const gchar *field;
	guint offset; /* into the value, after its opening quote or bracket */
} ArcTestTamper;

static const ArcTestTamper arc_test_tampers[] = {
	{"customer_id", 5}, {"license_id", 4}, {"issued_at", 18},
	{"expires_at", 3},  {"max_nodes", 0},  {"max_services", 0},
	{"features", 0},    {"tier", 0},       {"signature", 10},
};

static gchar
arc_test_bump_char(gchar c)
{
	if (c == '9')
		return '0';
	if (c == 'z')
		return 'a';
	if (c == 'Z')
		return 'A';
	if (c == '+')
		return '/';
	if (c == '/')
		return '+';
	g_assert_true(g_ascii_isalnum(c));
	return (gchar)(c + 1);
}

static void
arc_test_verify_tampered_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const ArcTestTamper *tamper = user_data;
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *needle = g_strdup_printf("\"%s\"", tamper->field);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;
	gchar *p = strstr(document, needle);

	arc_test_trust_issuer(fx);
	arc_test_assert_trusted(fx, document, fx->pk_b64);

	/* skip to the first byte of the value's contents */
	g_assert_nonnull(p);
	p = strchr(p + strlen(needle), ':');
	g_assert_nonnull(p);
	for (p++; *p == ' ' || *p == '[' || *p == '"' || g_ascii_isspace(*p); p++)
		;
	p += tamper->offset;
	*p = arc_test_bump_char(*p);

	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_null(license);
}

static void
arc_test_verify_field_added_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *added = NULL;

	arc_test_trust_issuer(fx);
	g_assert_cmpint(document[0], ==, '{');
	added = g_strconcat("{\"region\": \"eu\",", document + 1, NULL);
	arc_test_assert_untrusted(fx, added);
}

typedef struct {
	const gchar *name;
	guint mode;
} ArcTestUnsafeMode;

static const ArcTestUnsafeMode arc_test_unsafe_modes[] = {
	{"world-writable", 0666},
	{"group-writable", 0664},
	{"others-write-only", 0642},
};

static void
arc_test_issuers_unsafe_file_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const ArcTestUnsafeMode *unsafe = user_data;
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *path = NULL;

	arc_test_trust_issuer(fx);
	arc_test_assert_trusted(fx, document, fx->pk_b64);

	path = g_build_filename(fx->issuers_dir, "test-issuer.pub", NULL);
	g_assert_cmpint(g_chmod(path, (gint)unsafe->mode), ==, 0);
	arc_test_assert_untrusted(fx, document);
	arc_test_assert_warning(path, "writable by group or others");
}

static void
arc_test_issuers_other_owner_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *path = g_build_filename(fx->issuers_dir, "test-issuer.pub", NULL);

	if (geteuid() != 0) {
		g_test_skip("changing a file's owner needs root");
		return;
	}
	arc_test_trust_issuer(fx);
	g_assert_cmpint(chown(path, 65534, 65534), ==, 0);
	arc_test_assert_untrusted(fx, document);
	arc_test_assert_warning(path, "owned by uid 65534");
}

static void
arc_test_issuers_unsafe_dir_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	arc_test_trust_issuer(fx);
	g_assert_cmpint(g_chmod(fx->issuers_dir, 0777), ==, 0);
	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_null(license);
	arc_test_assert_warning(fx->issuers_dir, "writable by group or others");
}

typedef struct {
	const gchar *name;
	const gchar *contents; /* @KEY@: the fixture's key, @KEY43@: without its padding */
	const gchar *reason;
} ArcTestMalformedKey;

static const ArcTestMalformedKey arc_test_malformed_keys[] = {
	{"empty", "", "no key"},
	{"comments-only", "# an issuer\n\n", "no key"},
	{"not-base64", "this is not base64!!\n", "line 1: not a base64"},
	{"short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 1: not a base64"},
	{"secret-key-size", "@KEY@@KEY@\n", "line 1: not a base64"},
	{"two-keys", "@KEY@\n@KEY@\n", "line 2: more than one key"},
	{"unpadded", "@KEY43@\n", "line 1: not a base64"},
	{"trailing-garbage", "@KEY@ extra\n", "line 1: not a base64"},
	{"not-a-point", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 1: not a base64"},
};

static gchar *
arc_test_expand_key(const gchar *template, const gchar *key_b64)
{
	g_autofree gchar *unpadded = g_strndup(key_b64, 43);
	GString *str = g_string_new(template);

	g_string_replace(str, "@KEY43@", unpadded, 0);
	g_string_replace(str, "@KEY@", key_b64, 0);
	return g_string_free(str, FALSE);
}

static void
arc_test_issuers_malformed_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const ArcTestMalformedKey *bad = user_data;
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *contents = NULL;
	g_autofree gchar *path = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	contents = arc_test_expand_key(bad->contents, fx->pk_b64);
	path = arc_test_write_pub(fx, "bad.pub", contents, 0644);
	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_null(license);
	arc_test_assert_warning(path, bad->reason);
}

static void
arc_test_issuers_bad_next_to_good_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *bad = arc_test_write_pub(fx, "aa-bad.pub", "garbage\n", 0644);
	g_autofree gchar *unsafe = arc_test_write_pub(fx, "zz-unsafe.pub", "garbage\n", 0666);

	arc_test_trust_issuer(fx);
	arc_test_assert_trusted(fx, document, fx->pk_b64);
	arc_test_assert_warning(bad, "not a base64");
	arc_test_assert_warning(unsafe, "writable");
}

static void
arc_test_issuers_comments_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *contents = g_strdup_printf(
		"# Test issuer, added 2025-01-01\n\n   # indented comment\n  %s  \r\n\n",
		fx->pk_b64);

	arc_test_add_pub(fx, "commented.pub", contents, 0400);
	arc_test_assert_trusted(fx, document, fx->pk_b64);
}

static void
arc_test_issuers_ignored_names_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *contents = g_strdup_printf("%s\n", fx->pk_b64);
	g_autofree gchar *subdir = g_build_filename(fx->issuers_dir, "dir.pub", NULL);

	/* not *.pub, or hidden as a shell glob would leave it out */
	arc_test_add_pub(fx, "issuer.pub.txt", contents, 0644);
	arc_test_add_pub(fx, ".hidden.pub", contents, 0644);
	g_assert_cmpint(g_mkdir(subdir, 0755), ==, 0);
	arc_test_assert_untrusted(fx, document);
	arc_test_assert_warning(subdir, "not a regular file");
}

static void
arc_test_issuers_none_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GPtrArray) issuers = NULL;

	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_nonnull(strstr(error->message, "no trusted license issuers are configured"));
	g_assert_nonnull(strstr(error->message, fx->issuers_dir));
	g_assert_null(license);
	issuers = arc_license_backend_list_issuers(ARC_LICENSE_BACKEND(fx->plugin));
	g_assert_cmpuint(issuers->len, ==, 0);
}

static void
arc_test_issuers_missing_dir_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	g_assert_cmpint(g_rmdir(fx->issuers_dir), ==, 0);
	license = arc_test_verify(fx->plugin, document, -1, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID);
	g_assert_nonnull(strstr(error->message, fx->issuers_dir));
	g_assert_null(license);
	/* and no warning: the teardown checks that */
}

static void
arc_test_issuers_rescan_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *path = g_build_filename(fx->issuers_dir, "test-issuer.pub", NULL);

	arc_test_assert_untrusted(fx, document);
	arc_test_trust_issuer(fx);
	arc_test_assert_trusted(fx, document, fx->pk_b64);
	/* twice: the second answer comes from the checks remembered (arc_license_verify) */
	arc_test_assert_trusted(fx, document, fx->pk_b64);
	g_assert_cmpint(g_unlink(path), ==, 0);
	/* and a key taken away stops the license at once all the same */
	arc_test_assert_untrusted(fx, document);
	/* nor does a check remembered under the old key stand for another key */
	{
		guint8 pk2[crypto_sign_PUBLICKEYBYTES];
		guint8 sk2[crypto_sign_SECRETKEYBYTES];
		g_autofree gchar *pk2_b64 = NULL;
		g_autofree gchar *contents = NULL;

		crypto_sign_keypair(pk2, sk2);
		sodium_memzero(sk2, sizeof(sk2));
		pk2_b64 = g_base64_encode(pk2, sizeof(pk2));
		contents = g_strdup_printf("%s\n", pk2_b64);
		arc_test_add_pub(fx, "other-issuer.pub", contents, 0644);
		arc_test_assert_untrusted(fx, document);
	}
}

static void
arc_test_builtin_keys_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autofree gchar *list = g_strdup_printf(" not-a-key , %s,,%s", fx->pk_b64, fx->pk_b64);
	g_autoptr(ArcPlugin) plugin = NULL;
	g_autoptr(GPtrArray) issuers = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	plugin = arc_test_plugin_new(list, fx->issuers_dir);
	arc_test_assert_warning("built-in license issuer key 1", "not-a-key");
	issuers = arc_license_backend_list_issuers(ARC_LICENSE_BACKEND(plugin));
	g_assert_cmpuint(issuers->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(issuers, 0), ==, fx->pk_b64);
	license = arc_test_verify(plugin, document, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(license->issuer_key, ==, fx->pk_b64);
}

static void
arc_test_setup_default_dir_func(void)
{
	g_autoptr(ArcEd25519FilePlugin) plugin = g_object_new(ARC_TYPE_ED25519_FILE_PLUGIN, NULL);
	g_autoptr(GKeyFile) config = g_key_file_new();
	g_autoptr(GError) error = NULL;

	arc_plugin_setup(ARC_PLUGIN(plugin), NULL, "/nonexistent", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(arc_ed25519_file_plugin_get_issuers_dir(plugin), ==, ARC_ISSUERS_DIR);

	g_key_file_set_string(config, "plugin:other", "issuers_dir", "/elsewhere");
	arc_plugin_setup(ARC_PLUGIN(plugin), config, "/nonexistent", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(arc_ed25519_file_plugin_get_issuers_dir(plugin), ==, ARC_ISSUERS_DIR);
}

static void
arc_test_setup_relative_dir_func(void)
{
	g_autoptr(ArcPlugin) plugin = g_object_new(ARC_TYPE_ED25519_FILE_PLUGIN, NULL);
	g_autoptr(GKeyFile) config = g_key_file_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_plugin_set_name(plugin, "ed25519-file");
	g_key_file_set_string(config, ARC_ED25519_FILE_PLUGIN_GROUP, "issuers_dir", "issuers.d");
	ok = arc_plugin_setup(plugin, config, "/nonexistent", &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_false(ok);
	g_assert_nonnull(strstr(error->message, "issuers_dir must be an absolute path"));
}

/* a syntactically valid signature: malformed documents must fail before it is checked */
#define ARC_TEST_SIG_B64                                                                           \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
#define ARC_F_CUST "\"customer_id\":\"cust_A\""
#define ARC_F_LIC "\"license_id\":\"lic_B\""
#define ARC_F_ISS "\"issued_at\":\"2025-01-01T00:00:00Z\""
#define ARC_F_EXP "\"expires_at\":\"2026-01-01T00:00:00Z\""
#define ARC_F_NODES "\"max_nodes\":3"
#define ARC_F_SVCS "\"max_services\":10"
#define ARC_F_SIG "\"signature\":\"" ARC_TEST_SIG_B64 "\""
#define ARC_F_ALL_BUT_SIG                                                                          \
	ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SVCS

typedef struct {
	const gchar *name;
	const gchar *document;
	gsize length; /* 0: strlen */
	const gchar *message;
} ArcTestMalformed;

static const ArcTestMalformed arc_test_malformed[] = {
	{"not-json", "this is not JSON", 0, "malformed JSON"},
	{"empty", "", 0, "JSON object"},
	{"truncated", "{" ARC_F_CUST ",", 0, "malformed JSON"},
	{"array", "[{" ARC_F_ALL_BUT_SIG "," ARC_F_SIG "}]", 0, "JSON object"},
	{"string", "\"license\"", 0, "JSON object"},
	{"missing-customer-id",
	 "{" ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "missing field 'customer_id'"},
	{"missing-license-id",
	 "{" ARC_F_CUST "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG
	 "}",
	 0, "missing field 'license_id'"},
	{"missing-issued-at",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG
	 "}",
	 0, "missing field 'issued_at'"},
	{"missing-expires-at",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG
	 "}",
	 0, "missing field 'expires_at'"},
	{"missing-max-nodes",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "missing field 'max_nodes'"},
	{"missing-max-services",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SIG "}",
	 0, "missing field 'max_services'"},
	{"missing-signature", "{" ARC_F_ALL_BUT_SIG "}", 0, "missing field 'signature'"},
	{"customer-id-number",
	 "{\"customer_id\":42," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES "," ARC_F_SVCS
	 "," ARC_F_SIG "}",
	 0, "'customer_id' must be a string"},
	{"customer-id-empty",
	 "{\"customer_id\":\"\"," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES
	 "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'customer_id' is not a valid identifier"},
	{"license-id-spaces",
	 "{" ARC_F_CUST ",\"license_id\":\"lic 1\"," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES
	 "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'license_id' is not a valid identifier"},
	{"max-nodes-string",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP ",\"max_nodes\":\"3\"," ARC_F_SVCS
	 "," ARC_F_SIG "}",
	 0, "'max_nodes' must be a positive integer"},
	{"max-nodes-zero",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP ",\"max_nodes\":0," ARC_F_SVCS
	 "," ARC_F_SIG "}",
	 0, "'max_nodes' must be a positive integer"},
	{"max-nodes-negative",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP ",\"max_nodes\":-3," ARC_F_SVCS
	 "," ARC_F_SIG "}",
	 0, "'max_nodes' must be a positive integer"},
	{"max-nodes-float",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP ",\"max_nodes\":1.5," ARC_F_SVCS
	 "," ARC_F_SIG "}",
	 0, "'max_nodes' must be a positive integer"},
	{"max-services-huge",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES
	 ",\"max_services\":99999999999," ARC_F_SIG "}",
	 0, "'max_services' must be a positive integer"},
	{"max-services-bool",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS "," ARC_F_EXP "," ARC_F_NODES
	 ",\"max_services\":true," ARC_F_SIG "}",
	 0, "'max_services' must be a positive integer"},
	{"features-string", "{" ARC_F_ALL_BUT_SIG ",\"features\":\"mesh\"," ARC_F_SIG "}", 0,
	 "'features' must be an array of strings"},
	{"features-number", "{" ARC_F_ALL_BUT_SIG ",\"features\":[1]," ARC_F_SIG "}", 0,
	 "'features' must be an array of names"},
	{"issued-at-number",
	 "{" ARC_F_CUST "," ARC_F_LIC ",\"issued_at\":1735689600," ARC_F_EXP "," ARC_F_NODES
	 "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'issued_at' must be a string"},
	{"issued-at-month-13",
	 "{" ARC_F_CUST "," ARC_F_LIC ",\"issued_at\":\"2025-13-01T00:00:00Z\"," ARC_F_EXP
	 "," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'issued_at' is not an RFC 3339 timestamp"},
	{"issued-at-date-only",
	 "{" ARC_F_CUST "," ARC_F_LIC ",\"issued_at\":\"2025-01-01\"," ARC_F_EXP "," ARC_F_NODES
	 "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'issued_at' is not an RFC 3339 timestamp"},
	{"expires-at-no-zone",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS
	 ",\"expires_at\":\"2026-01-01T00:00:00\"," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'expires_at' is not an RFC 3339 timestamp"},
	{"expires-at-words",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS ",\"expires_at\":\"next year\"," ARC_F_NODES
	 "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "'expires_at' is not an RFC 3339 timestamp"},
	{"expires-before-issued",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS
	 ",\"expires_at\":\"2024-12-31T23:59:59Z\"," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "expires_at must be after issued_at"},
	{"expires-at-issued",
	 "{" ARC_F_CUST "," ARC_F_LIC "," ARC_F_ISS
	 ",\"expires_at\":\"2025-01-01T00:00:00Z\"," ARC_F_NODES "," ARC_F_SVCS "," ARC_F_SIG "}",
	 0, "expires_at must be after issued_at"},
	{"signature-not-base64", "{" ARC_F_ALL_BUT_SIG ",\"signature\":\"not base64 at all!\"}", 0,
	 "signature must be 64 bytes in base64"},
	{"signature-short", "{" ARC_F_ALL_BUT_SIG ",\"signature\":\"AAAA\"}", 0,
	 "signature must be 64 bytes in base64"},
	{"signature-bad-chars",
	 "{" ARC_F_ALL_BUT_SIG ",\"signature\":\""
	 "!!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	 "AAAAAAAAAAAAAAAAAA==\"}",
	 0, "signature must be 64 bytes in base64"},
	{"signature-number", "{" ARC_F_ALL_BUT_SIG ",\"signature\":64}", 0,
	 "'signature' must be a string"},
	{"invalid-utf8", "{" ARC_F_ALL_BUT_SIG ",\"x\":\"\xff\xfe\"," ARC_F_SIG "}", 0, "UTF-8"},
	{"embedded-nul", "{" ARC_F_ALL_BUT_SIG ",\"x\":\"a\0b\"," ARC_F_SIG "}",
	 sizeof("{" ARC_F_ALL_BUT_SIG ",\"x\":\"a\0b\"," ARC_F_SIG "}") - 1, "UTF-8"},
	{"nested-too-deep", "{" ARC_F_ALL_BUT_SIG ",\"x\":[[[[[[[[[[1]]]]]]]]]]," ARC_F_SIG "}", 0,
	 "nested too deeply"},
	{"float-in-extra-field", "{" ARC_F_ALL_BUT_SIG ",\"x\":0.5," ARC_F_SIG "}", 0,
	 "non-integer numbers"},
};

static void
arc_test_parse_malformed_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const ArcTestMalformed *bad = user_data;
	gsize length = bad->length != 0 ? bad->length : strlen(bad->document);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	/* a trusted issuer, so that failing for lack of one would not hide a parser gap */
	arc_test_trust_issuer(fx);
	license = arc_test_verify(fx->plugin, bad->document, (gssize)length, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	if (strstr(error->message, bad->message) == NULL)
		g_error("'%s' does not contain '%s'", error->message, bad->message);
	g_assert_null(license);
}

static void
arc_test_parse_oversize_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *document = arc_test_sign(fx->sk, ARC_TEST_DOCUMENT);
	g_autoptr(GString) big = g_string_new(document);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = NULL;

	arc_test_trust_issuer(fx);
	/* an authentic license padded with whitespace past the limit is still refused */
	while (big->len < 65 * 1024)
		g_string_append_c(big, ' ');
	license = arc_test_verify(fx->plugin, big->str, (gssize)big->len, &error);
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_nonnull(strstr(error->message, "larger than 65536 bytes"));
	g_assert_null(license);
}

static void
arc_test_add(const gchar *path, gconstpointer data,
	     void (*func)(ArcTestFixture *fx, gconstpointer user_data))
{
	g_test_add(path, ArcTestFixture, data, arc_test_fixture_setup, func,
		   arc_test_fixture_teardown);
}

int
main(int argc, char **argv)
{
	gint rc;

	g_log_set_writer_func(arc_test_log_writer_cb, NULL, NULL);
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	arc_test_warnings = g_ptr_array_new_with_free_func(g_free);

	arc_test_add("/ed25519-file/verify/trusted-issuer", NULL, arc_test_verify_trusted_func);
	arc_test_add("/ed25519-file/verify/second-issuer", NULL,
		     arc_test_verify_second_issuer_func);
	arc_test_add("/ed25519-file/verify/unknown-issuer", NULL,
		     arc_test_verify_unknown_issuer_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_tampers); i++) {
		g_autofree gchar *path = g_strdup_printf("/ed25519-file/verify/tampered/%s",
							 arc_test_tampers[i].field);
		arc_test_add(path, &arc_test_tampers[i], arc_test_verify_tampered_func);
	}
	arc_test_add("/ed25519-file/verify/field-added", NULL, arc_test_verify_field_added_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_unsafe_modes); i++) {
		g_autofree gchar *path = g_strdup_printf("/ed25519-file/issuers/unsafe-file/%s",
							 arc_test_unsafe_modes[i].name);
		arc_test_add(path, &arc_test_unsafe_modes[i], arc_test_issuers_unsafe_file_func);
	}
	arc_test_add("/ed25519-file/issuers/other-owner", NULL, arc_test_issuers_other_owner_func);
	arc_test_add("/ed25519-file/issuers/unsafe-dir", NULL, arc_test_issuers_unsafe_dir_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_malformed_keys); i++) {
		g_autofree gchar *path = g_strdup_printf("/ed25519-file/issuers/malformed/%s",
							 arc_test_malformed_keys[i].name);
		arc_test_add(path, &arc_test_malformed_keys[i], arc_test_issuers_malformed_func);
	}
	arc_test_add("/ed25519-file/issuers/bad-next-to-good", NULL,
		     arc_test_issuers_bad_next_to_good_func);
	arc_test_add("/ed25519-file/issuers/comments", NULL, arc_test_issuers_comments_func);
	arc_test_add("/ed25519-file/issuers/ignored-names", NULL,
		     arc_test_issuers_ignored_names_func);
	arc_test_add("/ed25519-file/issuers/none", NULL, arc_test_issuers_none_func);
	arc_test_add("/ed25519-file/issuers/missing-dir", NULL, arc_test_issuers_missing_dir_func);
	arc_test_add("/ed25519-file/issuers/rescan", NULL, arc_test_issuers_rescan_func);
	arc_test_add("/ed25519-file/issuers/builtin", NULL, arc_test_builtin_keys_func);
	g_test_add_func("/ed25519-file/setup/default-dir", arc_test_setup_default_dir_func);
	g_test_add_func("/ed25519-file/setup/relative-dir", arc_test_setup_relative_dir_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_malformed); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/ed25519-file/parse/%s", arc_test_malformed[i].name);
		arc_test_add(path, &arc_test_malformed[i], arc_test_parse_malformed_func);
	}
	arc_test_add("/ed25519-file/parse/oversize", NULL, arc_test_parse_oversize_func);

	rc = g_test_run();
	g_ptr_array_unref(arc_test_warnings);
	return rc;
}
