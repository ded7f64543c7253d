/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>

/* arctic-license as an issuer uses it: the built binary, run in a temporary directory. */

typedef struct {
	gchar *tmpdir;
	gchar *out;
	gchar *err;
} ArcTestFixture;

static gchar *arc_test_tool = NULL;

static void
arc_test_fixture_setup(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fx->tmpdir = g_dir_make_tmp("arctic-license-XXXXXX", &error);
	g_assert_no_error(error);
}

static void
arc_test_rm_rf(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			arc_test_rm_rf(child);
		else
			g_assert_cmpint(g_unlink(child), ==, 0);
	}
	g_assert_cmpint(g_rmdir(path), ==, 0);
}

static void
arc_test_fixture_teardown(ArcTestFixture *fx, gconstpointer user_data)
{
	arc_test_rm_rf(fx->tmpdir);
	g_free(fx->tmpdir);
	g_free(fx->out);
	g_free(fx->err);
}

/* runs the tool with @args in the fixture's directory; keeps stdout and stderr */
static gint
arc_test_runv(ArcTestFixture *fx, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;

	g_ptr_array_add(argv, (gpointer)arc_test_tool);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);

	g_clear_pointer(&fx->out, g_free);
	g_clear_pointer(&fx->err, g_free);
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_subprocess_launcher_set_cwd(launcher, fx->tmpdir);
	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	g_subprocess_communicate_utf8(proc, NULL, NULL, &fx->out, &fx->err, &error);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_get_if_exited(proc));
	return g_subprocess_get_exit_status(proc);
}

static gint arc_test_run(ArcTestFixture *fx, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static gint
arc_test_run(ArcTestFixture *fx, const gchar *first, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	va_start(ap, first);
	for (const gchar *arg = first; arg != NULL; arg = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)arg);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return arc_test_runv(fx, (const gchar *const *)args->pdata);
}

/* a failing run says why on stderr, after "Error: " */
static void
arc_test_assert_failed(ArcTestFixture *fx, gint rc, gint expected, const gchar *fragment)
{
	if (rc != expected || !g_str_has_prefix(fx->err, "Error: ") ||
	    strstr(fx->err, fragment) == NULL)
		g_error("exit %d (expected %d), stderr '%s' (expected 'Error: …%s…')", rc, expected,
			fx->err, fragment);
}

static gchar *
arc_test_path(ArcTestFixture *fx, const gchar *name)
{
	return g_build_filename(fx->tmpdir, name, NULL);
}

static gchar *
arc_test_read(ArcTestFixture *fx, const gchar *name)
{
	g_autofree gchar *path = arc_test_path(fx, name);
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;

	g_file_get_contents(path, &contents, NULL, &error);
	g_assert_no_error(error);
	return contents;
}

static void
arc_test_write(ArcTestFixture *fx, const gchar *name, const gchar *contents)
{
	g_autofree gchar *path = arc_test_path(fx, name);
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
}

static guint
arc_test_mode(ArcTestFixture *fx, const gchar *name)
{
	g_autofree gchar *path = arc_test_path(fx, name);
	GStatBuf st;

	g_assert_cmpint(g_stat(path, &st), ==, 0);
	return st.st_mode & 07777;
}

static void
arc_test_keygen(ArcTestFixture *fx, const gchar *secret, const gchar *public)
{
	gint rc = arc_test_run(fx, "keygen", "--secret", secret, "--public", public, NULL);
	g_assert_cmpstr(fx->err, ==, "");
	g_assert_cmpint(rc, ==, 0);
}

static JsonObject *
arc_test_show_json(ArcTestFixture *fx, const gchar *license)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	gint rc = arc_test_run(fx, "show", "-o", "json", license, NULL);

	g_assert_cmpstr(fx->err, ==, "");
	g_assert_cmpint(rc, ==, 0);
	json_parser_load_from_data(parser, fx->out, -1, &error);
	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
	return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

static void
arc_test_version_func(ArcTestFixture *fx, gconstpointer user_data)
{
	gint rc = arc_test_run(fx, "--version", NULL);

	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(fx->out, ==, "arctic-license " PACKAGE_VERSION "\n");
}

static void
arc_test_help_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const gchar *commands[] = {"keygen", "issue", "verify", "show"};
	gint rc = arc_test_run(fx, "--help", NULL);

	g_assert_cmpint(rc, ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		g_assert_nonnull(strstr(fx->out, commands[i]));
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_autofree gchar *usage = g_strdup_printf(" %s ", commands[i]);
		rc = arc_test_run(fx, commands[i], "--help", NULL);
		g_assert_cmpint(rc, ==, 0);
		g_assert_true(g_str_has_prefix(fx->out, "Usage:"));
		g_assert_nonnull(strstr(fx->out, usage));
	}
}

typedef struct {
	const gchar *args; /* split on spaces */
	const gchar *message;
} ArcTestUsage;

#define ARC_TEST_ISSUE "issue --key s.key --customer-id cust_A "
static const ArcTestUsage arc_test_usages[] = {
	{"", "no command given"},
	{"frob", "unknown command: frob"},
	{"--bogus", "Unknown option --bogus"},
	{"keygen --bogus", "Unknown option --bogus"},
	{"keygen --public p.pub", "--secret is required"},
	{"keygen --secret s.key", "--public is required"},
	{"keygen --secret k --public k", "must be different files"},
	{"keygen --secret s.key --public p.pub extra", "unexpected argument: extra"},
	{"issue --customer-id cust_A --days 3 --max-nodes 1 --max-services 1", "--key is required"},
	{"issue --key s.key --days 3 --max-nodes 1 --max-services 1", "--customer-id is required"},
	{ARC_TEST_ISSUE "--days 3 --max-services 1", "--max-nodes is required"},
	{ARC_TEST_ISSUE "--days 3 --max-nodes 1", "--max-services is required"},
	{ARC_TEST_ISSUE "--max-nodes 1 --max-services 1", "--expires-at or --days is required"},
	{ARC_TEST_ISSUE "--days 3 --expires-at 2030-01-01T00:00:00Z --max-nodes 1 --max-services 1",
	 "cannot be used together"},
	{ARC_TEST_ISSUE "--days 0 --max-nodes 1 --max-services 1", "--days must be"},
	{ARC_TEST_ISSUE "--days 3 --max-nodes 0 --max-services 1", "must be positive"},
	{ARC_TEST_ISSUE "--days 3 --max-nodes 1 --max-services -5", "must be positive"},
	{ARC_TEST_ISSUE "--days 3 --max-nodes many --max-services 1", "max-nodes"},
	{ARC_TEST_ISSUE "--expires-at 2030-01-01 --max-nodes 1 --max-services 1",
	 "is not an RFC 3339 time"},
	{ARC_TEST_ISSUE "--issued-at 2030-01-01T00:00:00Z --expires-at 2029-01-01T00:00:00Z "
			"--max-nodes 1 --max-services 1",
	 "must expire after it is issued"},
	{"issue --key s.key --customer-id ACME --days 3 --max-nodes 1 --max-services 1",
	 "must start with cust_"},
	{ARC_TEST_ISSUE "--license-id 42 --days 3 --max-nodes 1 --max-services 1",
	 "must start with lic_"},
	{ARC_TEST_ISSUE "--days 3 --max-nodes 1 --max-services 1 --feature a/b",
	 "--feature: 'a/b'"},
	{"verify lic.json", "give one of --public or --issuers-dir"},
	{"verify --public p.pub --issuers-dir d lic.json", "give one of --public or --issuers-dir"},
	{"verify --public p.pub", "missing argument"},
	{"verify --public p.pub a.json b.json", "unexpected argument: b.json"},
	{"show", "missing argument"},
	{"show -o yaml lic.json", "unknown output format 'yaml'"},
};

static void
arc_test_usage_error_func(ArcTestFixture *fx, gconstpointer user_data)
{
	const ArcTestUsage *usage = user_data;
	g_auto(GStrv) args = g_strsplit(usage->args, " ", -1);
	gint rc;

	/* an empty string splits into no arguments at all */
	rc = arc_test_runv(fx, (const gchar *const *)args);
	arc_test_assert_failed(fx, rc, 2, usage->message);
	g_assert_cmpstr(fx->out, ==, "");
}

static void
arc_test_keygen_modes_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *secret = NULL;
	g_autofree gchar *public = NULL;
	g_autofree guchar *sk = NULL;
	g_autofree guchar *pk = NULL;
	gsize sk_len = 0;
	gsize pk_len = 0;

	arc_test_keygen(fx, "issuer.key", "issuer.pub");
	g_assert_cmpuint(arc_test_mode(fx, "issuer.key"), ==, 0600);
	g_assert_cmpuint(arc_test_mode(fx, "issuer.pub"), ==, 0644);

	/* one line each; the public key is also what keygen printed */
	secret = arc_test_read(fx, "issuer.key");
	public = arc_test_read(fx, "issuer.pub");
	g_assert_cmpstr(fx->out, ==, public);
	g_assert_null(strchr(g_strchomp(secret), '\n'));
	g_assert_null(strchr(g_strchomp(public), '\n'));
	sk = g_base64_decode(secret, &sk_len);
	pk = g_base64_decode(public, &pk_len);
	g_assert_cmpuint(sk_len, ==, 64);
	g_assert_cmpuint(pk_len, ==, 32);
	g_assert_cmpmem(sk + 32, 32, pk, pk_len);
}

static void
arc_test_keygen_no_overwrite_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *secret = NULL;
	g_autofree gchar *public = NULL;
	g_autofree gchar *secret2 = NULL;
	g_autofree gchar *public2 = NULL;
	g_autofree gchar *other = arc_test_path(fx, "other.key");
	gint rc;

	arc_test_keygen(fx, "issuer.key", "issuer.pub");
	secret = arc_test_read(fx, "issuer.key");
	public = arc_test_read(fx, "issuer.pub");

	rc = arc_test_run(fx, "keygen", "--secret", "issuer.key", "--public", "new.pub", NULL);
	arc_test_assert_failed(fx, rc, 1, "issuer.key already exists; use --force");
	/* an existing public file alone is refused too, and no new secret is left behind */
	rc = arc_test_run(fx, "keygen", "--secret", "other.key", "--public", "issuer.pub", NULL);
	arc_test_assert_failed(fx, rc, 1, "issuer.pub already exists");
	g_assert_false(g_file_test(other, G_FILE_TEST_EXISTS));
	secret2 = arc_test_read(fx, "issuer.key");
	public2 = arc_test_read(fx, "issuer.pub");
	g_assert_cmpstr(secret, ==, secret2);
	g_assert_cmpstr(public, ==, public2);

	g_clear_pointer(&secret2, g_free);
	rc = arc_test_run(fx, "keygen", "--secret", "issuer.key", "--public", "issuer.pub",
			  "--force", NULL);
	g_assert_cmpint(rc, ==, 0);
	secret2 = arc_test_read(fx, "issuer.key");
	g_assert_cmpstr(secret, !=, secret2);
	g_assert_cmpuint(arc_test_mode(fx, "issuer.key"), ==, 0600);
}

/* a signed license in lic.json, and the issuer's key in issuer.key / issuer.pub */
static void
arc_test_issue(ArcTestFixture *fx, const gchar *issued_at, const gchar *expires_at)
{
	gint rc;

	arc_test_keygen(fx, "issuer.key", "issuer.pub");
	rc = arc_test_run(fx, "issue", "--key", "issuer.key", "--customer-id", "cust_ACME",
			  "--license-id", "lic_0001", "--issued-at", issued_at, "--expires-at",
			  expires_at, "--max-nodes", "5", "--max-services", "20", "--feature",
			  "mesh", "--feature", "qos", "--output", "lic.json", NULL);
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(fx->out, ==, "");
}

static void
arc_test_issue_verify_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *public = NULL;
	g_autofree gchar *expected = NULL;
	g_autofree gchar *issuers = arc_test_path(fx, "issuers.d");
	g_autofree gchar *copy = arc_test_path(fx, "issuers.d/test.pub");
	g_autofree gchar *original = arc_test_path(fx, "issuer.pub");
	gint rc;

	arc_test_issue(fx, "2025-01-01T00:00:00Z", "2099-12-31T23:59:59Z");
	public = g_strchomp(arc_test_read(fx, "issuer.pub"));
	expected = g_strdup_printf("License lic_0001 is valid (signed by %s)\n"
				   "It expires on 2099-12-31 23:59:59 UTC.\n",
				   public);

	rc = arc_test_run(fx, "verify", "--public", "issuer.pub", "lic.json", NULL);
	g_assert_cmpstr(fx->err, ==, "");
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(fx->out, ==, expected);

	/* the agent's way: a directory of *.pub files */
	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	g_assert_cmpint(g_chmod(issuers, 0755), ==, 0);
	g_assert_cmpint(g_rename(original, copy), ==, 0);
	rc = arc_test_run(fx, "verify", "--issuers-dir", "issuers.d", "lic.json", NULL);
	g_assert_cmpstr(fx->err, ==, "");
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(fx->out, ==, expected);
}

static void
arc_test_issue_stdout_func(ArcTestFixture *fx, gconstpointer user_data)
{
	gint rc;

	arc_test_keygen(fx, "issuer.key", "issuer.pub");
	rc = arc_test_run(fx, "issue", "--key", "issuer.key", "--customer-id", "cust_ACME",
			  "--days", "365", "--max-nodes", "3", "--max-services", "10", NULL);
	g_assert_cmpint(rc, ==, 0);
	g_assert_true(g_str_has_prefix(fx->out, "{"));
	arc_test_write(fx, "stdout.json", fx->out);
	rc = arc_test_run(fx, "verify", "--public", "issuer.pub", "stdout.json", NULL);
	g_assert_cmpint(rc, ==, 0);
	/* a new ULID license id */
	g_assert_true(g_str_has_prefix(fx->out, "License lic_"));
	g_assert_cmpint(strcspn(fx->out + strlen("License lic_"), " "), ==, 26);
}

static void
arc_test_tampered_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *license = NULL;
	g_autoptr(GString) tampered = NULL;
	gint rc;

	arc_test_issue(fx, "2025-01-01T00:00:00Z", "2099-12-31T23:59:59Z");
	license = arc_test_read(fx, "lic.json");
	tampered = g_string_new(license);
	g_assert_cmpuint(g_string_replace(tampered, "\"max_nodes\" : 5", "\"max_nodes\" : 500", 0),
			 ==, 1);
	arc_test_write(fx, "tampered.json", tampered->str);

	rc = arc_test_run(fx, "verify", "--public", "issuer.pub", "tampered.json", NULL);
	arc_test_assert_failed(fx, rc, 1, "not signed by the key in issuer.pub");
	g_assert_cmpstr(fx->out, ==, "");

	/* and an authentic license against another issuer's key */
	arc_test_keygen(fx, "other.key", "other.pub");
	rc = arc_test_run(fx, "verify", "--public", "other.pub", "lic.json", NULL);
	arc_test_assert_failed(fx, rc, 1, "not signed by the key in other.pub");

	arc_test_write(fx, "garbage.json", "{\"license\": true}");
	rc = arc_test_run(fx, "verify", "--public", "issuer.pub", "garbage.json", NULL);
	arc_test_assert_failed(fx, rc, 1, "missing field 'customer_id'");
}

static void
arc_test_expired_func(ArcTestFixture *fx, gconstpointer user_data)
{
	gint rc;

	arc_test_issue(fx, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z");
	rc = arc_test_run(fx, "verify", "--public", "issuer.pub", "lic.json", NULL);
	g_assert_cmpint(rc, ==, 0);
	g_assert_true(g_str_has_prefix(fx->out, "License lic_0001 is valid (signed by "));
	g_assert_nonnull(strstr(fx->out, "expired on 2021-01-01 00:00:00 UTC"));
}

static void
arc_test_show_json_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autoptr(JsonObject) obj = NULL;
	JsonArray *features;

	arc_test_issue(fx, "2025-01-01T12:30:00+02:00", "2025-12-31T23:59:59Z");
	obj = arc_test_show_json(fx, "lic.json");
	g_assert_cmpstr(json_object_get_string_member(obj, "customer_id"), ==, "cust_ACME");
	g_assert_cmpstr(json_object_get_string_member(obj, "license_id"), ==, "lic_0001");
	/* normalised to UTC */
	g_assert_cmpstr(json_object_get_string_member(obj, "issued_at"), ==,
			"2025-01-01T10:30:00Z");
	g_assert_cmpstr(json_object_get_string_member(obj, "expires_at"), ==,
			"2025-12-31T23:59:59Z");
	g_assert_cmpint(json_object_get_int_member(obj, "max_nodes"), ==, 5);
	g_assert_cmpint(json_object_get_int_member(obj, "max_services"), ==, 20);
	features = json_object_get_array_member(obj, "features");
	g_assert_cmpuint(json_array_get_length(features), ==, 2);
	g_assert_cmpstr(json_array_get_string_element(features, 0), ==, "mesh");
	g_assert_cmpstr(json_array_get_string_element(features, 1), ==, "qos");
	g_assert_false(json_object_has_member(obj, "signature"));
}

static void
arc_test_show_table_func(ArcTestFixture *fx, gconstpointer user_data)
{
	gint rc;

	arc_test_issue(fx, "2025-01-01T00:00:00Z", "2025-12-31T23:59:59Z");
	rc = arc_test_run(fx, "show", "lic.json", NULL);
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(fx->out, ==,
			"Customer ID:   cust_ACME\n"
			"License ID:    lic_0001\n"
			"Issued:        2025-01-01 00:00:00 UTC\n"
			"Expires:       2025-12-31 23:59:59 UTC\n"
			"Max Nodes:     5\n"
			"Max Services:  20\n"
			"Features:      mesh, qos\n");
}

static void
arc_test_secret_key_permissions_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *secret = arc_test_path(fx, "issuer.key");
	g_autofree gchar *output = arc_test_path(fx, "lic.json");
	gint rc;

	arc_test_keygen(fx, "issuer.key", "issuer.pub");
	g_assert_cmpint(g_chmod(secret, 0640), ==, 0);
	rc = arc_test_run(fx, "issue", "--key", "issuer.key", "--customer-id", "cust_A", "--days",
			  "30", "--max-nodes", "1", "--max-services", "1", "-o", "lic.json", NULL);
	arc_test_assert_failed(fx, rc, 1, "accessible by group or others (mode 0640)");
	g_assert_false(g_file_test(output, G_FILE_TEST_EXISTS));

	/* a public key is not a secret key */
	rc = arc_test_run(fx, "issue", "--key", "issuer.pub", "--customer-id", "cust_A", "--days",
			  "30", "--max-nodes", "1", "--max-services", "1", NULL);
	g_assert_cmpint(rc, ==, 1);
	g_assert_cmpstr(fx->out, ==, "");
}

typedef struct {
	const gchar *name;
	gint exit_status;
	const gchar *message; /* on stdout when valid, stderr otherwise */
} ArcTestFixtureLicense;

static const ArcTestFixtureLicense arc_test_fixture_licenses[] = {
	{"license-valid.json", 0, "It expires on 2099-12-31 23:59:59 UTC."},
	{"license-expired.json", 0, "It expired on 2021-01-01 00:00:00 UTC."},
	{"license-other-customer.json", 0, "is valid"},
	{"license-one-node.json", 0, "is valid"},
	{"license-untrusted.json", 1, "not signed by a trusted issuer"},
};

/* tests/fixtures/license-*: what other suites rely on (license-fixtures.md) */
static void
arc_test_fixtures_func(ArcTestFixture *fx, gconstpointer user_data)
{
	g_autofree gchar *pub =
		g_test_build_filename(G_TEST_DIST, "fixtures", "license-issuer.pub", NULL);
	g_autofree gchar *issuers = arc_test_path(fx, "issuers.d");
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;

	g_file_get_contents(pub, &contents, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_mkdir(issuers, 0755), ==, 0);
	g_assert_cmpint(g_chmod(issuers, 0755), ==, 0);
	arc_test_write(fx, "issuers.d/test-issuer.pub", contents);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_fixture_licenses); i++) {
		const ArcTestFixtureLicense *lic = &arc_test_fixture_licenses[i];
		g_autofree gchar *path =
			g_test_build_filename(G_TEST_DIST, "fixtures", lic->name, NULL);
		gint rc = arc_test_run(fx, "verify", "--issuers-dir", issuers, path, NULL);

		if (rc != lic->exit_status ||
		    strstr(rc == 0 ? fx->out : fx->err, lic->message) == NULL)
			g_error("%s: exit %d, stdout '%s', stderr '%s'", lic->name, rc, fx->out,
				fx->err);
	}
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
	const gchar *tool;
	gint rc;

	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	/* the binary under test: from meson, or given on the command line */
	tool = argc > 1 ? argv[1] : g_getenv("ARCTIC_LICENSE");
	if (tool == NULL)
		g_error("usage: %s PATH-TO-arctic-license (or set ARCTIC_LICENSE)", argv[0]);
	/* the tool runs in a temporary directory */
	arc_test_tool = g_canonicalize_filename(tool, NULL);

	arc_test_add("/arctic-license/version", NULL, arc_test_version_func);
	arc_test_add("/arctic-license/help", NULL, arc_test_help_func);
	for (guint i = 0; i < G_N_ELEMENTS(arc_test_usages); i++) {
		g_autofree gchar *path = g_strdup_printf("/arctic-license/usage-error/%u", i);
		arc_test_add(path, &arc_test_usages[i], arc_test_usage_error_func);
	}
	arc_test_add("/arctic-license/keygen/modes", NULL, arc_test_keygen_modes_func);
	arc_test_add("/arctic-license/keygen/no-overwrite", NULL,
		     arc_test_keygen_no_overwrite_func);
	arc_test_add("/arctic-license/issue/verify", NULL, arc_test_issue_verify_func);
	arc_test_add("/arctic-license/issue/stdout", NULL, arc_test_issue_stdout_func);
	arc_test_add("/arctic-license/issue/secret-key-permissions", NULL,
		     arc_test_secret_key_permissions_func);
	arc_test_add("/arctic-license/verify/tampered", NULL, arc_test_tampered_func);
	arc_test_add("/arctic-license/verify/expired", NULL, arc_test_expired_func);
	arc_test_add("/arctic-license/show/json", NULL, arc_test_show_json_func);
	arc_test_add("/arctic-license/show/table", NULL, arc_test_show_table_func);
	arc_test_add("/arctic-license/fixtures", NULL, arc_test_fixtures_func);
	rc = g_test_run();
	g_free(arc_test_tool);
	return rc;
}
