/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-ed25519-file-issuers.h"
#include "arc-ed25519-file-plugin.h"
#include "arc-license-tool-key-pair.h"
#include "arctic-plugin.h"

/* arctic-license: the license issuer's tool. Exit codes as the arctic CLI: 0 success,
 * 1 failure, 2 usage error. */

#define ARC_LICENSE_TOOL_EXIT_FAILURE 1
#define ARC_LICENSE_TOOL_EXIT_USAGE 2

/* an option not given, told apart from any value a user can type */
#define ARC_LICENSE_TOOL_UNSET G_MININT64

#define ARC_LICENSE_TOOL_USAGE_ERROR (arc_license_tool_usage_error_quark())

static GQuark
arc_license_tool_usage_error_quark(void)
{
	return g_quark_from_static_string("arc-license-tool-usage-error");
}

typedef struct {
	const gchar *name;
	const gchar *summary;
	gboolean (*func)(gint argc, gchar **argv, GError **error);
} ArcLicenseToolCommand;

static void arc_license_tool_usage(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
arc_license_tool_usage(GError **error, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_propagate_error(error, g_error_new_valist(ARC_LICENSE_TOOL_USAGE_ERROR, 0, format, args));
	va_end(args);
}

static GOptionContext *
arc_license_tool_context_new(const gchar *parameters, const gchar *summary,
			     const GOptionEntry *entries)
{
	GOptionContext *context = g_option_context_new(parameters);

	g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
	g_option_context_set_summary(context, summary);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	return context;
}

/* the options parsed, exactly @n_args positional arguments must remain */
static gboolean
arc_license_tool_parse(GOptionContext *context, gint *argc, gchar ***argv, gint n_args,
		       GError **error)
{
	if (!g_option_context_parse(context, argc, argv, error))
		return FALSE;
	if (*argc - 1 > n_args) {
		arc_license_tool_usage(error, _("unexpected argument: %s"), (*argv)[n_args + 1]);
		return FALSE;
	}
	if (*argc - 1 < n_args) {
		arc_license_tool_usage(error, _("missing argument: a license file"));
		return FALSE;
	}
	return TRUE;
}

static gchar *
arc_license_tool_format_time(gint64 unix_time)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_time);

	if (dt == NULL)
		return g_strdup_printf("@%" G_GINT64_FORMAT, unix_time);
	return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC");
}

static ArcLicense *
arc_license_tool_load_license(const gchar *path, GError **error)
{
	g_autofree gchar *contents = NULL;
	gsize len = 0;
	ArcLicense *license;

	if (!g_file_get_contents(path, &contents, &len, error))
		return NULL;
	license = arc_license_parse(contents, (gssize)MIN(len, ARC_LICENSE_MAX_SIZE + 1), error);
	if (license == NULL)
		g_prefix_error(error, "%s: ", path);
	return license;
}

static gboolean
arc_license_tool_keygen(gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *secret_path = NULL;
	g_autofree gchar *public_path = NULL;
	g_autofree gchar *pk_b64 = NULL;
	g_autoptr(ArcLicenseToolKeyPair) pair = NULL;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{"secret", 's', 0, G_OPTION_ARG_FILENAME, &secret_path,
		 N_("Write the secret key to FILE, readable only by you"), N_("FILE")},
		{"public", 'p', 0, G_OPTION_ARG_FILENAME, &public_path,
		 N_("Write the public key to FILE, for the agents' license-issuers.d"), N_("FILE")},
		{"force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace existing key files"),
		 NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = arc_license_tool_context_new(
		"keygen --secret FILE --public FILE",
		_("Create an Ed25519 key pair for signing licenses and print its public key."),
		entries);

	if (!arc_license_tool_parse(context, &argc, &argv, 0, error))
		return FALSE;
	if (secret_path == NULL || public_path == NULL) {
		arc_license_tool_usage(error, _("%s is required"),
				       secret_path == NULL ? "--secret" : "--public");
		return FALSE;
	}
	if (g_strcmp0(secret_path, public_path) == 0) {
		arc_license_tool_usage(error, _("--secret and --public must be different files"));
		return FALSE;
	}
	pair = arc_license_tool_key_pair_new(error);
	if (pair == NULL ||
	    !arc_license_tool_key_pair_save(pair, secret_path, public_path, force, error))
		return FALSE;
	pk_b64 = arc_license_tool_key_pair_get_public_b64(pair);
	g_print("%s\n", pk_b64);
	return TRUE;
}

static GDateTime *
arc_license_tool_parse_time(const gchar *option, const gchar *value, GError **error)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(value, NULL);

	/* the license parser's rule: a date, 'T', a time and a zone */
	if (dt == NULL || strchr(value, 'T') == NULL) {
		arc_license_tool_usage(
			error, _("%s: '%s' is not an RFC 3339 time such as 2025-12-31T23:59:59Z"),
			option, value);
		return NULL;
	}
	return g_date_time_new_from_unix_utc(g_date_time_to_unix(dt));
}

typedef struct {
	gchar *key_path;
	gchar *customer_id;
	gchar *license_id;
	gchar *issued_at;
	gchar *expires_at;
	gint64 days;
	gint64 max_nodes;
	gint64 max_services;
	gchar **features;
	gchar *output;
	GDateTime *issued;
	GDateTime *expires;
} ArcLicenseToolIssue;

static void
arc_license_tool_issue_clear(ArcLicenseToolIssue *issue)
{
	g_free(issue->key_path);
	g_free(issue->customer_id);
	g_free(issue->license_id);
	g_free(issue->issued_at);
	g_free(issue->expires_at);
	g_strfreev(issue->features);
	g_free(issue->output);
	g_clear_pointer(&issue->issued, g_date_time_unref);
	g_clear_pointer(&issue->expires, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcLicenseToolIssue, arc_license_tool_issue_clear)

static gboolean
arc_license_tool_issue_check_required(ArcLicenseToolIssue *issue, GError **error)
{
	const gchar *missing = NULL;

	if (issue->key_path == NULL)
		missing = "--key";
	else if (issue->customer_id == NULL)
		missing = "--customer-id";
	else if (issue->max_nodes == ARC_LICENSE_TOOL_UNSET)
		missing = "--max-nodes";
	else if (issue->max_services == ARC_LICENSE_TOOL_UNSET)
		missing = "--max-services";
	else if (issue->expires_at == NULL && issue->days == ARC_LICENSE_TOOL_UNSET)
		missing = "--expires-at or --days";
	if (missing != NULL) {
		arc_license_tool_usage(error, _("%s is required"), missing);
		return FALSE;
	}
	if (issue->expires_at != NULL && issue->days != ARC_LICENSE_TOOL_UNSET) {
		arc_license_tool_usage(error, _("--expires-at and --days cannot be used together"));
		return FALSE;
	}
	if (issue->max_nodes < 1 || issue->max_nodes > G_MAXINT32 || issue->max_services < 1 ||
	    issue->max_services > G_MAXINT32) {
		arc_license_tool_usage(error, _("--max-nodes and --max-services must be positive"));
		return FALSE;
	}
	if (issue->expires_at == NULL && (issue->days < 1 || issue->days > 100 * 366)) {
		arc_license_tool_usage(error, _("--days must be a positive number of days"));
		return FALSE;
	}
	return TRUE;
}

/* the license parser's rule for ids and feature names, checked here to name the culprit */
static gboolean
arc_license_tool_check_name(const gchar *option, const gchar *value, const gchar *prefix,
			    GError **error)
{
	gsize len = strlen(value);
	gboolean ok = len > 0 && len <= 128;

	for (gsize i = 0; ok && i < len; i++)
		ok = g_ascii_isalnum(value[i]) || strchr("_-.", value[i]) != NULL;
	if (!ok) {
		arc_license_tool_usage(error,
				       _("%s: '%s' may only hold letters, digits, '_', '-' and "
					 "'.' (at most 128)"),
				       option, value);
		return FALSE;
	}
	if (prefix != NULL && !g_str_has_prefix(value, prefix)) {
		arc_license_tool_usage(error, _("%s: '%s' must start with %s"), option, value,
				       prefix);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_license_tool_issue_check(ArcLicenseToolIssue *issue, GError **error)
{
	if (!arc_license_tool_issue_check_required(issue, error) ||
	    !arc_license_tool_check_name("--customer-id", issue->customer_id, "cust_", error) ||
	    (issue->license_id != NULL &&
	     !arc_license_tool_check_name("--license-id", issue->license_id, "lic_", error)))
		return FALSE;
	for (guint i = 0; issue->features != NULL && issue->features[i] != NULL; i++) {
		if (!arc_license_tool_check_name("--feature", issue->features[i], NULL, error))
			return FALSE;
	}
	if (issue->license_id == NULL)
		issue->license_id = arc_id_new("lic_");
	if (issue->issued_at != NULL)
		issue->issued = arc_license_tool_parse_time("--issued-at", issue->issued_at, error);
	else
		issue->issued = g_date_time_new_from_unix_utc(g_get_real_time() / G_USEC_PER_SEC);
	if (issue->issued == NULL)
		return FALSE;
	if (issue->expires_at != NULL)
		issue->expires =
			arc_license_tool_parse_time("--expires-at", issue->expires_at, error);
	else
		issue->expires = g_date_time_add_days(issue->issued, (gint)issue->days);
	if (issue->expires == NULL)
		return FALSE;
	if (g_date_time_compare(issue->expires, issue->issued) <= 0) {
		arc_license_tool_usage(error, _("the license must expire after it is issued"));
		return FALSE;
	}
	return TRUE;
}

/* The license fields as JSON, in the order the issuer writes them; `show -o json` prints the
 * same shape. Duplicate features are dropped. */
static gchar *
arc_license_tool_fields_json(const ArcLicense *fields, gboolean pretty)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GPtrArray) features = g_ptr_array_new();
	g_autofree gchar *issued = arc_time_format_rfc3339(fields->issued_at);
	g_autofree gchar *expires = arc_time_format_rfc3339(fields->expires_at);

	for (guint i = 0; fields->features != NULL && fields->features[i] != NULL; i++) {
		if (!g_ptr_array_find_with_equal_func(features, fields->features[i], g_str_equal,
						      NULL))
			g_ptr_array_add(features, fields->features[i]);
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "customer_id");
	json_builder_add_string_value(builder, fields->customer_id);
	json_builder_set_member_name(builder, "license_id");
	json_builder_add_string_value(builder, fields->license_id);
	json_builder_set_member_name(builder, "issued_at");
	json_builder_add_string_value(builder, issued);
	json_builder_set_member_name(builder, "expires_at");
	json_builder_add_string_value(builder, expires);
	json_builder_set_member_name(builder, "max_nodes");
	json_builder_add_int_value(builder, fields->max_nodes);
	json_builder_set_member_name(builder, "max_services");
	json_builder_add_int_value(builder, fields->max_services);
	json_builder_set_member_name(builder, "features");
	json_builder_begin_array(builder);
	for (guint i = 0; i < features->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(features, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, pretty);
	return json_generator_to_data(gen, NULL);
}

static gchar *
arc_license_tool_issue_build(ArcLicenseToolIssue *issue)
{
	ArcLicense fields = {
		.customer_id = issue->customer_id,
		.license_id = issue->license_id,
		.issued_at = g_date_time_to_unix(issue->issued),
		.expires_at = g_date_time_to_unix(issue->expires),
		.max_nodes = issue->max_nodes,
		.max_services = issue->max_services,
		.features = issue->features,
	};
	return arc_license_tool_fields_json(&fields, FALSE);
}

static gboolean
arc_license_tool_issue_write(ArcLicenseToolIssue *issue, const gchar *document, GError **error)
{
	g_autofree gchar *text = g_strconcat(document, "\n", NULL);

	if (issue->output == NULL || g_strcmp0(issue->output, "-") == 0) {
		if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
					    _("cannot write to standard output"));
			return FALSE;
		}
		return TRUE;
	}
	if (!g_file_set_contents(issue->output, text, -1, error))
		return FALSE;
	/* TRANSLATORS: the first %s is a license id (lic_…), the second a file name */
	g_printerr(_("License %s written to %s\n"), issue->license_id, issue->output);
	return TRUE;
}

static gboolean
arc_license_tool_issue(gint argc, gchar **argv, GError **error)
{
	g_auto(ArcLicenseToolIssue) issue = {NULL};
	g_autoptr(ArcLicenseToolKeyPair) pair = NULL;
	g_autofree gchar *unsigned_doc = NULL;
	g_autofree gchar *signed_doc = NULL;
	g_autoptr(GError) error_local = NULL;
	const GOptionEntry entries[] = {
		{"key", 'k', 0, G_OPTION_ARG_FILENAME, &issue.key_path,
		 N_("Sign with the secret key in FILE (from keygen)"), N_("FILE")},
		{"customer-id", 'c', 0, G_OPTION_ARG_STRING, &issue.customer_id,
		 N_("The customer, the cluster boundary"), "cust_…"},
		{"license-id", 'l', 0, G_OPTION_ARG_STRING, &issue.license_id,
		 N_("The license id (default: a new one)"), "lic_…"},
		{"issued-at", 0, 0, G_OPTION_ARG_STRING, &issue.issued_at,
		 N_("Issue time (default: now)"), N_("RFC3339")},
		{"expires-at", 'e', 0, G_OPTION_ARG_STRING, &issue.expires_at, N_("Expiry time"),
		 N_("RFC3339")},
		{"days", 'd', 0, G_OPTION_ARG_INT64, &issue.days, N_("Expire N days after issue"),
		 "N"},
		{"max-nodes", 'n', 0, G_OPTION_ARG_INT64, &issue.max_nodes,
		 N_("Peers allowed in the cluster"), "N"},
		{"max-services", 'm', 0, G_OPTION_ARG_INT64, &issue.max_services,
		 N_("Services allowed in the cluster"), "N"},
		{"feature", 'F', 0, G_OPTION_ARG_STRING_ARRAY, &issue.features,
		 N_("Enable a feature (repeat for more)"), N_("NAME")},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &issue.output,
		 N_("Write the license to FILE (default: standard output)"), N_("FILE")},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = arc_license_tool_context_new(
		"issue --key FILE --customer-id ID (--expires-at TIME | --days N) --max-nodes N "
		"--max-services N",
		_("Create and sign a license."), entries);

	issue.days = ARC_LICENSE_TOOL_UNSET;
	issue.max_nodes = ARC_LICENSE_TOOL_UNSET;
	issue.max_services = ARC_LICENSE_TOOL_UNSET;
	if (!arc_license_tool_parse(context, &argc, &argv, 0, error) ||
	    !arc_license_tool_issue_check(&issue, error))
		return FALSE;
	pair = arc_license_tool_key_pair_load(issue.key_path, error);
	if (pair == NULL)
		return FALSE;
	unsigned_doc = arc_license_tool_issue_build(&issue);
	signed_doc = arc_license_sign_document(unsigned_doc, -1, pair->sk, &error_local);
	if (signed_doc == NULL) {
		/* the fields come from the command line: whatever the license parser still
		 * refuses is a usage error */
		if (g_error_matches(error_local, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
			arc_license_tool_usage(error, "%s", error_local->message);
		else
			g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	return arc_license_tool_issue_write(&issue, signed_doc, error);
}

static ArcLicense *
arc_license_tool_verify_with_key(const gchar *license_path, const gchar *public_path,
				 GError **error)
{
	g_autoptr(ArcLicense) license = NULL;
	g_autofree gchar *key_b64 = NULL;
	guint8 key[crypto_sign_PUBLICKEYBYTES];

	key_b64 = arc_ed25519_file_issuers_load_file(public_path, FALSE, error);
	if (key_b64 == NULL)
		return NULL;
	license = arc_license_tool_load_license(license_path, error);
	if (license == NULL)
		return NULL;
	if (!arc_ed25519_file_issuers_decode_key(key_b64, key) ||
	    !arc_license_verify(license, key, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
			    _("%s: the license is not signed by the key in %s"), license_path,
			    public_path);
		return NULL;
	}
	license->issuer_key = g_steal_pointer(&key_b64);
	return g_steal_pointer(&license);
}

/* the agent's own plugin, so that the file checks are exactly those of the agent */
static ArcLicense *
arc_license_tool_verify_with_dir(const gchar *license_path, const gchar *issuers_dir,
				 GError **error)
{
	g_autoptr(ArcPlugin) plugin =
		g_object_new(ARC_TYPE_ED25519_FILE_PLUGIN, "builtin-keys", "", NULL);
	g_autoptr(GKeyFile) config = g_key_file_new();
	g_autofree gchar *dir = g_canonicalize_filename(issuers_dir, NULL);
	g_autofree gchar *contents = NULL;
	gsize len = 0;
	ArcLicense *license;

	arc_plugin_set_name(plugin, "ed25519-file");
	g_key_file_set_string(config, ARC_ED25519_FILE_PLUGIN_GROUP, "issuers_dir", dir);
	if (!arc_plugin_setup(plugin, config, NULL, error))
		return NULL;
	if (!g_file_get_contents(license_path, &contents, &len, error))
		return NULL;
	license = arc_license_backend_verify(ARC_LICENSE_BACKEND(plugin), contents, len, error);
	if (license == NULL)
		g_prefix_error(error, "%s: ", license_path);
	return license;
}

static gboolean
arc_license_tool_verify(gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *public_path = NULL;
	g_autofree gchar *issuers_dir = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autofree gchar *expires = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const GOptionEntry entries[] = {
		{"public", 'p', 0, G_OPTION_ARG_FILENAME, &public_path,
		 N_("Trust the issuer public key in FILE"), N_("FILE")},
		{"issuers-dir", 'd', 0, G_OPTION_ARG_FILENAME, &issuers_dir,
		 N_("Trust the *.pub keys in DIR, as an agent does"), N_("DIR")},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = arc_license_tool_context_new(
		"verify (--public FILE | --issuers-dir DIR) LICENSE.json",
		_("Check that a license is authentic and say whether it has expired."), entries);

	if (!arc_license_tool_parse(context, &argc, &argv, 1, error))
		return FALSE;
	if ((public_path == NULL) == (issuers_dir == NULL)) {
		arc_license_tool_usage(error, _("give one of --public or --issuers-dir"));
		return FALSE;
	}
	if (public_path != NULL)
		license = arc_license_tool_verify_with_key(argv[1], public_path, error);
	else
		license = arc_license_tool_verify_with_dir(argv[1], issuers_dir, error);
	if (license == NULL)
		return FALSE;

	/* TRANSLATORS: the first %s is a license id (lic_…), the second a base64 public key */
	g_print(_("License %s is valid (signed by %s)\n"), license->license_id,
		license->issuer_key);
	expires = arc_license_tool_format_time(license->expires_at);
	if (license->issued_at > now) {
		g_autofree gchar *issued = arc_license_tool_format_time(license->issued_at);
		g_print(_("It is not valid before %s.\n"), issued);
	}
	if (license->expires_at <= now)
		g_print(_("It expired on %s.\n"), expires);
	else
		g_print(_("It expires on %s.\n"), expires);
	return TRUE;
}

static gchar *
arc_license_tool_show_json(ArcLicense *license)
{
	return arc_license_tool_fields_json(license, TRUE);
}

static void
arc_license_tool_show_table(ArcLicense *license)
{
	g_autofree gchar *issued = arc_license_tool_format_time(license->issued_at);
	g_autofree gchar *expires = arc_license_tool_format_time(license->expires_at);
	g_autofree gchar *nodes = g_strdup_printf("%" G_GINT64_FORMAT, license->max_nodes);
	g_autofree gchar *services = g_strdup_printf("%" G_GINT64_FORMAT, license->max_services);
	g_autofree gchar *features = g_strjoinv(", ", license->features);
	const gchar *rows[][2] = {
		{_("Customer ID"), license->customer_id},
		{_("License ID"), license->license_id},
		{_("Issued"), issued},
		{_("Expires"), expires},
		{_("Max Nodes"), nodes},
		{_("Max Services"), services},
		/* TRANSLATORS: shown when a license enables no features */
		{_("Features"), features[0] != '\0' ? features : _("none")},
	};
	glong width = 0;

	/* labels are translated: align on characters, not bytes */
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		width = MAX(width, g_utf8_strlen(rows[i][0], -1));
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GString) line = g_string_new(rows[i][0]);
		g_string_append_c(line, ':');
		for (glong pad = g_utf8_strlen(rows[i][0], -1); pad <= width + 1; pad++)
			g_string_append_c(line, ' ');
		g_print("%s%s\n", line->str, rows[i][1]);
	}
}

static gboolean
arc_license_tool_show(gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *format = NULL;
	g_autoptr(ArcLicense) license = NULL;
	const GOptionEntry entries[] = {
		{"output", 'o', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table or json"),
		 "table|json"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = arc_license_tool_context_new(
		"show [-o table|json] LICENSE.json",
		_("Print the fields of a license. The signature is not checked: use verify."),
		entries);

	if (!arc_license_tool_parse(context, &argc, &argv, 1, error))
		return FALSE;
	if (format != NULL && g_strcmp0(format, "table") != 0 && g_strcmp0(format, "json") != 0) {
		arc_license_tool_usage(error, _("unknown output format '%s': use table or json"),
				       format);
		return FALSE;
	}
	license = arc_license_tool_load_license(argv[1], error);
	if (license == NULL)
		return FALSE;
	if (g_strcmp0(format, "json") == 0) {
		g_autofree gchar *json = arc_license_tool_show_json(license);
		g_print("%s\n", json);
	} else {
		arc_license_tool_show_table(license);
	}
	return TRUE;
}

static const ArcLicenseToolCommand arc_license_tool_commands[] = {
	{"keygen", N_("Create an issuer key pair"), arc_license_tool_keygen},
	{"issue", N_("Create and sign a license"), arc_license_tool_issue},
	{"verify", N_("Check a license's signature and expiry"), arc_license_tool_verify},
	{"show", N_("Print a license's fields without checking it"), arc_license_tool_show},
};

static gchar *
arc_license_tool_commands_summary(void)
{
	GString *str = g_string_new(_("Commands:"));

	for (guint i = 0; i < G_N_ELEMENTS(arc_license_tool_commands); i++)
		g_string_append_printf(str, "\n  %-8s %s", arc_license_tool_commands[i].name,
				       _(arc_license_tool_commands[i].summary));
	return g_string_free(str, FALSE);
}

/* warnings of the plugin (an issuer file ignored, and why) are for the user, not a log */
static GLogWriterOutput
arc_license_tool_log_writer_cb(GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
			       gpointer user_data)
{
	if ((log_level & G_LOG_LEVEL_MASK) == G_LOG_LEVEL_WARNING) {
		for (gsize i = 0; i < n_fields; i++) {
			if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
				g_printerr(_("Warning: %s\n"), (const gchar *)fields[i].value);
				return G_LOG_WRITER_HANDLED;
			}
		}
	}
	return g_log_writer_default(log_level, fields, n_fields, user_data);
}

static gboolean
arc_license_tool_run(gint argc, gchar **argv, GError **error)
{
	gboolean version = FALSE;
	g_autofree gchar *summary = arc_license_tool_commands_summary();
	const GOptionEntry entries[] = {
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"),
		 NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context =
		arc_license_tool_context_new(_("COMMAND [OPTION…]"), summary, entries);

	/* options after the command belong to the command */
	g_option_context_set_strict_posix(context, TRUE);
	g_option_context_set_description(
		context, _("Run 'arctic-license COMMAND --help' for the options of a command."));
	if (!g_option_context_parse(context, &argc, &argv, error))
		return FALSE;
	if (version) {
		g_print("arctic-license %s\n", PACKAGE_VERSION);
		return TRUE;
	}
	if (argc < 2) {
		arc_license_tool_usage(error, _("no command given; try --help"));
		return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(arc_license_tool_commands); i++) {
		if (g_strcmp0(argv[1], arc_license_tool_commands[i].name) == 0)
			return arc_license_tool_commands[i].func(argc - 1, argv + 1, error);
	}
	arc_license_tool_usage(error, _("unknown command: %s"), argv[1]);
	return FALSE;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	g_log_set_writer_func(arc_license_tool_log_writer_cb, NULL, NULL);

	if (sodium_init() < 0) {
		g_printerr(_("Error: %s\n"), _("cannot initialise libsodium"));
		return ARC_LICENSE_TOOL_EXIT_FAILURE;
	}
	if (!arc_license_tool_run(argc, argv, &error)) {
		/* TRANSLATORS: how every failure is reported; %s is the reason */
		g_printerr(_("Error: %s\n"), error->message);
		if (error->domain == G_OPTION_ERROR ||
		    error->domain == ARC_LICENSE_TOOL_USAGE_ERROR)
			return ARC_LICENSE_TOOL_EXIT_USAGE;
		return ARC_LICENSE_TOOL_EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
