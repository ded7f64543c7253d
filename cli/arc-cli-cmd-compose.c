/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "arc-cli-command.h"
#include "arc-cli-error.h"
#include "arc-cli-json.h"
#include "arc-cli-services.h"
#include "arc-compose-cluster.h"

/*
 * `arctic compose init | validate | fmt | diff | apply | export` (spec §5.13, §7,
 * docs/compose.md): the cluster described in one YAML file, applied through any of its peers.
 */

#define ARC_CLI_COMPOSE_TEMPLATE                                                                   \
	"version: v1\n"                                                                            \
	"license: license.json\n"                                                                  \
	"peers:\n"                                                                                 \
	"- name: agent-a\n"                                                                        \
	"  address: '192.0.2.10:8080'\n"                                                           \
	"- name: agent-b\n"                                                                        \
	"  address: '192.0.2.11:8080'\n"                                                           \
	"services:\n"                                                                              \
	"- name: web\n"                                                                            \
	"  source_peer: agent-a\n"                                                                 \
	"  target_peer: agent-b\n"                                                                 \
	"  transport_type: tcp\n"                                                                  \
	"  routes:\n"                                                                              \
	"  - priority: 100\n"                                                                      \
	"    source_cidr: 10.0.0.0/8\n"                                                            \
	"    dest_cidr: 192.168.100.0/24\n"

/* Reads, parses and validates a file; prints every problem on stderr */
static ArcComposeFile *
arc_cli_compose_load(const gchar *path, gboolean strict, gboolean validate, gchar **data_out,
		     GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(ArcComposeReport) report = arc_compose_report_new();
	g_autoptr(ArcComposeFile) file = NULL;
	g_autofree gchar *data = NULL;
	gsize length = 0;
	guint failures;

	if (!g_file_get_contents(path, &data, &length, &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: %s is the reason */
			    _("failed to read compose file: %s"), error_local->message);
		return NULL;
	}
	file = arc_compose_parse(path, data, length, report);
	if (file != NULL && validate)
		arc_compose_validate(file, report);
	for (guint i = 0; i < report->errors->len; i++)
		g_printerr("%s\n", (const gchar *)g_ptr_array_index(report->errors, i));
	for (guint i = 0; i < report->warnings->len; i++)
		arc_cli_output_warning("%s", (const gchar *)g_ptr_array_index(report->warnings, i));
	failures = report->errors->len + (strict ? report->warnings->len : 0);
	if (file == NULL || failures > 0) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    g_dngettext(GETTEXT_PACKAGE, "%s: %u problem found",
					"%s: %u problems found", MAX(failures, 1)),
			    path, MAX(failures, 1));
		return NULL;
	}
	if (data_out != NULL)
		*data_out = g_steal_pointer(&data);
	return g_steal_pointer(&file);
}

static ArcComposeFile *
arc_cli_compose_load_validated(const gchar *path, gboolean strict, gboolean skip_validate,
			       GError **error)
{
	ArcComposeFile *file;

	g_print(_("Validating %s...\n"), path);
	if (skip_validate)
		arc_cli_output_warning(_("validation skipped (--skip-validate)"));
	file = arc_cli_compose_load(path, strict, !skip_validate, NULL, error);
	if (file != NULL)
		g_print(_("OK - Configuration is valid\n"));
	return file;
}

static gboolean
arc_cli_compose_write_new(const gchar *path, const gchar *text, gboolean force, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (path == NULL) {
		g_print("%s", text);
		return TRUE;
	}
	if (!force && g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("%s already exists: pass --force to overwrite it"), path);
		return FALSE;
	}
	if (!g_file_set_contents(path, text, -1, &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL, _("cannot write %s: %s"),
			    path, error_local->message);
		return FALSE;
	}
	arc_cli_output_note(_("Wrote %s"), path);
	return TRUE;
}

static gboolean
arc_cli_compose_init_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *path = NULL;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{"file", 'f', 0, G_OPTION_ARG_FILENAME, &path,
		 N_("Write the template to PATH instead of stdout"), N_("PATH")},
		{"force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Overwrite an existing file"), NULL},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, "compose init [--file PATH]",
				   N_("Generate a starter compose file"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic compose init [--file PATH]", error))
		return FALSE;
	return arc_cli_compose_write_new(path, ARC_CLI_COMPOSE_TEMPLATE, force, error);
}

static gboolean
arc_cli_compose_validate_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean strict = FALSE;
	g_autoptr(ArcComposeFile) file = NULL;
	const GOptionEntry entries[] = {
		{"strict", 0, 0, G_OPTION_ARG_NONE, &strict, N_("Treat warnings as errors"), NULL},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, "compose validate FILE",
				   N_("Check the syntax and schema of a compose file"), entries,
				   error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic compose validate FILE", error))
		return FALSE;
	file = arc_cli_compose_load_validated(argv[1], strict, FALSE, error);
	return file != NULL;
}

static gboolean
arc_cli_compose_fmt_write(const gchar *path, const gchar *data, const gchar *text, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	guint line = 0;

	if (g_strcmp0(data, text) == 0)
		return TRUE;
	if (arc_compose_has_comments(data, strlen(data), &line)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("%s:%u:1: the file has comments, which fmt does not keep: it was not "
			      "rewritten"),
			    path, line);
		return FALSE;
	}
	if (!g_file_set_contents(path, text, -1, &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL, _("cannot write %s: %s"),
			    path, error_local->message);
		return FALSE;
	}
	arc_cli_output_note(_("Formatted %s"), path);
	return TRUE;
}

static gboolean
arc_cli_compose_fmt_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean write = FALSE, check = FALSE;
	g_autoptr(ArcComposeFile) file = NULL;
	g_autofree gchar *data = NULL;
	g_autofree gchar *text = NULL;
	const GOptionEntry entries[] = {
		{"write", 'w', 0, G_OPTION_ARG_NONE, &write, N_("Rewrite the file in place"), NULL},
		{"check", 0, 0, G_OPTION_ARG_NONE, &check,
		 N_("Only tell whether the file is formatted (exit 1 if not)"), NULL},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, "compose fmt FILE [--write]",
				   N_("Print a compose file in its canonical form"), entries,
				   error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic compose fmt FILE [--write]", error))
		return FALSE;
	file = arc_cli_compose_load(argv[1], FALSE, FALSE, &data, error);
	if (file == NULL)
		return FALSE;
	text = arc_compose_file_to_yaml(file, error);
	if (text == NULL)
		return FALSE;
	if (check) {
		if (g_strcmp0(data, text) == 0)
			return TRUE;
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("%s is not formatted: run 'arctic compose fmt %s --write'"), argv[1],
			    argv[1]);
		return FALSE;
	}
	if (write)
		return arc_cli_compose_fmt_write(argv[1], data, text, error);
	g_print("%s", text);
	return TRUE;
}

static gboolean
arc_cli_compose_print_plan(ArcCliContext *ctx, ArcComposePlan *plan, GError **error)
{
	g_autofree gchar *text = NULL;

	if (arc_cli_context_get_format(ctx) != ARC_CLI_OUTPUT_TABLE) {
		g_autoptr(JsonNode) node = arc_compose_plan_to_json(plan);
		return arc_cli_output_print_node(arc_cli_context_get_format(ctx), node, error);
	}
	text = arc_compose_plan_to_text(plan);
	g_print("%s", text);
	return TRUE;
}

/* The file, its peers asked and its cluster read: what diff and apply share */
static ArcComposeSession *
arc_cli_compose_open(ArcCliContext *ctx, ArcComposeFile *file, gboolean prune,
		     gboolean ignore_unreachable, GError **error)
{
	g_autoptr(ArcComposeSession) session =
		arc_compose_session_new(file, arc_cli_context_get_config(ctx), prune);

	if (!arc_compose_session_probe(session, ignore_unreachable, error))
		return NULL;
	if (!arc_compose_session_read_cluster(session, error))
		return NULL;
	return g_steal_pointer(&session);
}

static gboolean
arc_cli_compose_diff_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	gboolean prune = FALSE, ignore_unreachable = FALSE, strict = FALSE;
	g_autoptr(ArcComposeFile) file = NULL;
	g_autoptr(ArcComposeSession) session = NULL;
	g_autoptr(ArcComposePlan) plan = NULL;
	const GOptionEntry entries[] = {
		{"prune", 0, 0, G_OPTION_ARG_NONE, &prune,
		 N_("Plan the deletion of what the file does not name (apply --prune would do it)"),
		 NULL},
		{"ignore-unreachable", 0, 0, G_OPTION_ARG_NONE, &ignore_unreachable,
		 N_("Skip peers that cannot be reached"), NULL},
		{"strict", 0, 0, G_OPTION_ARG_NONE, &strict, N_("Treat warnings as errors"), NULL},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, "compose diff FILE",
				   N_("Show how the cluster differs from a compose file"), entries,
				   error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic compose diff FILE", error))
		return FALSE;
	file = arc_cli_compose_load(argv[1], strict, TRUE, NULL, error);
	if (file == NULL)
		return FALSE;
	session = arc_cli_compose_open(ctx, file, prune, ignore_unreachable, error);
	if (session == NULL)
		return FALSE;
	plan = arc_compose_plan_new(file, &session->state);
	return arc_cli_compose_print_plan(ctx, plan, error);
}

/* --license-file, else the file's `license:` relative to the file */
static JsonNode *
arc_cli_compose_read_license(ArcComposeFile *file, const gchar *license_file, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *data = NULL;
	g_autofree gchar *dir = NULL;
	gsize length = 0;
	JsonNode *node;

	if (license_file != NULL) {
		path = g_strdup(license_file);
	} else if (file->license != NULL) {
		dir = g_path_get_dirname(file->filename);
		path = g_path_is_absolute(file->license)
			       ? g_strdup(file->license)
			       : g_build_filename(dir, file->license, NULL);
	} else {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("a peer needs a bootstrap: pass --license-file or set "
				      "license: in the compose file"));
		return NULL;
	}
	if (!g_file_get_contents(path, &data, &length, &error_local) ||
	    (node = arc_cli_json_parse(data, length, &error_local)) == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("failed to read license file: %s"), error_local->message);
		return NULL;
	}
	if (JSON_NODE_HOLDS_OBJECT(node) &&
	    json_object_has_member(json_node_get_object(node), "license") &&
	    !json_object_has_member(json_node_get_object(node), "signature")) {
		JsonNode *inner = json_node_copy(
			json_object_get_member(json_node_get_object(node), "license"));
		json_node_unref(node);
		node = inner;
	}
	return node;
}

typedef struct {
	gboolean dry_run;
	gboolean prune;
	gboolean ignore_unreachable;
	gboolean save_config;
	gboolean skip_validate;
	gboolean strict;
	gchar *license_file;
	gchar *credentials_file;
	gchar *env_file;
} ArcCliComposeApplyOptions;

static void
arc_cli_compose_apply_options_clear(ArcCliComposeApplyOptions *self)
{
	g_free(self->license_file);
	g_free(self->credentials_file);
	g_free(self->env_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcCliComposeApplyOptions, arc_cli_compose_apply_options_clear)

static gboolean
arc_cli_compose_apply_finish(ArcCliContext *ctx, ArcComposeSession *session,
			     ArcCliComposeApplyOptions *opts, GError **error)
{
	if (!arc_compose_session_write_credentials(session, opts->credentials_file, opts->env_file,
						   error))
		return FALSE;
	if (opts->save_config && !arc_compose_session_save_config(session, error))
		return FALSE;
	g_print(g_dngettext(GETTEXT_PACKAGE, "Apply complete: %u change.\n",
			    "Apply complete: %u changes.\n", session->applied),
		session->applied);
	return TRUE;
}

/* A step failed after a peer was bootstrapped: its credential, shown only once, is still
 * written where the operator asked and saved in the CLI config, so that the cluster stays
 * reachable and the next apply can go on from there. Problems are warnings: the error
 * that stopped the apply is the one to report. */
static void
arc_cli_compose_keep_credentials(ArcComposeSession *session, ArcCliComposeApplyOptions *opts)
{
	g_autoptr(GError) error = NULL;

	if (session->bootstrap == NULL)
		return;
	if (!arc_compose_session_write_credentials(session, opts->credentials_file, opts->env_file,
						   &error)) {
		arc_cli_output_warning(_("the cluster credential could not be written: %s"),
				       error->message);
		g_clear_error(&error);
	}
	if (opts->save_config && !arc_compose_session_save_config(session, &error))
		arc_cli_output_warning(_("the CLI configuration could not be saved: %s"),
				       error->message);
}

static gboolean
arc_cli_compose_apply_plan(ArcCliContext *ctx, ArcComposeFile *file,
			   ArcCliComposeApplyOptions *opts, GError **error)
{
	g_autoptr(ArcComposeSession) session = NULL;
	g_autoptr(ArcComposePlan) plan = NULL;
	g_autoptr(JsonNode) license = NULL;

	session = arc_cli_compose_open(ctx, file, opts->prune, opts->ignore_unreachable, error);
	if (session == NULL)
		return FALSE;
	plan = arc_compose_plan_new(file, &session->state);
	if (!arc_cli_compose_print_plan(ctx, plan, error))
		return FALSE;
	if (opts->dry_run) {
		arc_cli_output_note(_("Dry run: nothing was changed"));
		return TRUE;
	}
	if (arc_compose_plan_count_changes(plan) == 0)
		return opts->save_config ? arc_compose_session_save_config(session, error) : TRUE;
	if (arc_compose_plan_has_kind(plan, ARC_COMPOSE_ACTION_BOOTSTRAP)) {
		license = arc_cli_compose_read_license(file, opts->license_file, error);
		if (license == NULL)
			return FALSE;
	}
	if (!arc_compose_session_apply(session, license, error)) {
		arc_cli_compose_keep_credentials(session, opts);
		return FALSE;
	}
	return arc_cli_compose_apply_finish(ctx, session, opts, error);
}

static gboolean
arc_cli_compose_apply_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_auto(ArcCliComposeApplyOptions) opts = {.save_config = TRUE};
	g_autoptr(ArcComposeFile) file = NULL;
	const gchar *switches[] = {"save-config", NULL};
	const GOptionEntry entries[] = {
		{"dry-run", 0, 0, G_OPTION_ARG_NONE, &opts.dry_run,
		 N_("Show the changes without making them"), NULL},
		{"prune", 0, 0, G_OPTION_ARG_NONE, &opts.prune,
		 N_("Delete services and routes the file does not name"), NULL},
		{"ignore-unreachable", 0, 0, G_OPTION_ARG_NONE, &opts.ignore_unreachable,
		 N_("Skip peers that cannot be reached"), NULL},
		{"license-file", 0, 0, G_OPTION_ARG_FILENAME, &opts.license_file,
		 N_("License to bootstrap un-bootstrapped peers with"), N_("PATH")},
		{"credentials-file", 0, 0, G_OPTION_ARG_FILENAME, &opts.credentials_file,
		 N_("On bootstrap, write the cluster credentials to PATH as JSON"), N_("PATH")},
		{"env-file", 0, 0, G_OPTION_ARG_FILENAME, &opts.env_file,
		 N_("On bootstrap, write the cluster credentials to PATH as .env lines"),
		 N_("PATH")},
		{"save-config", 0, 0, G_OPTION_ARG_NONE, &opts.save_config,
		 N_("Save the cluster in the CLI config and make it current (default; "
		    "--save-config=false to not)"),
		 NULL},
		{"no-save-config", 0, G_OPTION_FLAG_REVERSE | G_OPTION_FLAG_HIDDEN,
		 G_OPTION_ARG_NONE, &opts.save_config, NULL, NULL},
		{"skip-validate", 0, 0, G_OPTION_ARG_NONE, &opts.skip_validate,
		 N_("Skip validation (not recommended)"), NULL},
		{"strict", 0, 0, G_OPTION_ARG_NONE, &opts.strict, N_("Treat warnings as errors"),
		 NULL},
		{NULL},
	};

	if (!arc_cli_services_split_switches(argv, switches, error))
		return FALSE;
	if (!arc_cli_command_parse(&argv, "compose apply FILE [OPTION…]",
				   N_("Make the cluster match a compose file"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic compose apply FILE", error))
		return FALSE;
	file = arc_cli_compose_load_validated(argv[1], opts.strict, opts.skip_validate, error);
	if (file == NULL)
		return FALSE;
	return arc_cli_compose_apply_plan(ctx, file, &opts, error);
}

static gboolean
arc_cli_compose_export_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	g_autofree gchar *path = NULL;
	gboolean force = FALSE;
	ArcCliClient *client;
	g_autoptr(JsonArray) peers = NULL;
	g_autoptr(JsonArray) services = NULL;
	g_autoptr(JsonArray) routes = NULL;
	g_autoptr(ArcComposeFile) file = NULL;
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *text = NULL;
	const GOptionEntry entries[] = {
		{"file", 'f', 0, G_OPTION_ARG_FILENAME, &path,
		 N_("Write to PATH instead of stdout"), N_("PATH")},
		{"force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Overwrite an existing file"), NULL},
		{NULL},
	};

	if (!arc_cli_command_parse(&argv, "compose export [--file PATH]",
				   N_("Write the cluster as a compose file"), entries, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 0, 0, "arctic compose export [--file PATH]", error))
		return FALSE;
	client = arc_cli_context_get_authed_client(ctx, error);
	if (client == NULL)
		return FALSE;
	if (!arc_compose_read_cluster_arrays(client, &peers, &services, &routes, error))
		return FALSE;
	file = arc_compose_file_from_cluster(path != NULL ? path : "-", peers, services, routes,
					     warnings);
	for (guint i = 0; i < warnings->len; i++)
		arc_cli_output_warning("%s", (const gchar *)g_ptr_array_index(warnings, i));
	text = arc_compose_file_to_yaml(file, error);
	if (text == NULL)
		return FALSE;
	return arc_cli_compose_write_new(path, text, force, error);
}

static const ArcCliSubcommand arc_cli_compose_subcommands[] = {
	{"init", N_("Generate a starter compose file"), arc_cli_compose_init_run},
	{"validate", N_("Check the syntax and schema of a compose file"),
	 arc_cli_compose_validate_run},
	{"fmt", N_("Print a compose file in its canonical form (--write to rewrite it)"),
	 arc_cli_compose_fmt_run},
	{"diff", N_("Show how the cluster differs from a compose file"), arc_cli_compose_diff_run},
	{"apply", N_("Make the cluster match a compose file"), arc_cli_compose_apply_run},
	{"export", N_("Write the cluster as a compose file"), arc_cli_compose_export_run},
	{NULL},
};

const ArcCliCommand arc_cli_cmd_compose = {
	.name = "compose",
	.summary = N_("Manage a cluster declaratively from a YAML file"),
	.subcommands = arc_cli_compose_subcommands,
};
