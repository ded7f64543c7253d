/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "arc-cli-command.h"
#include "arc-cli-completion.h"
#include "arc-cli-context.h"
#include "arc-cli-error.h"

/*
 * `arctic`, the operator CLI: a REST client of arctic-agent. Adding a command group is one
 * new arc-cli-cmd-*.c file and one line in this table.
 */
static const ArcCliCommand *const arc_cli_commands[] = {
	&arc_cli_cmd_bootstrap,
	&arc_cli_cmd_cluster,
	&arc_cli_cmd_compose,
	&arc_cli_cmd_credentials,
	&arc_cli_cmd_health,
	&arc_cli_cmd_license,
	&arc_cli_cmd_peers,
	&arc_cli_cmd_services,
	&arc_cli_cmd_routes,
	&arc_cli_cmd_config,
	&arc_cli_cmd_cache,
	&arc_cli_cmd_completion,
	NULL,
};

static void
arc_cli_main_init_locale(void)
{
	/* lets tests use the catalogs of the build tree */
	const gchar *localedir = g_getenv("ARCTIC_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE,
		       localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}

static gchar *
arc_cli_main_list_commands(void)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; arc_cli_commands[i] != NULL; i++)
		g_string_append_printf(out, "  %-12s %s\n", arc_cli_commands[i]->name,
				       _(arc_cli_commands[i]->summary));
	return g_string_free(out, FALSE);
}

static GOptionContext *
arc_cli_main_option_context(ArcCliContext *ctx)
{
	GOptionContext *octx = g_option_context_new(_("COMMAND [SUBCOMMAND] [OPTION…]"));
	g_autofree gchar *commands = arc_cli_main_list_commands();
	g_autofree gchar *summary = NULL;

	/* TRANSLATORS: a list of commands follows */
	summary = g_strdup_printf("%s\n\n%s\n%s", _("Operate Arctic cluster agents."),
				  _("Commands:"), commands);
	g_option_context_set_summary(octx, summary);
	g_option_context_set_description(
		octx, _("Run 'arctic COMMAND --help' (or -h) for the options of a command."));
	g_option_context_set_main_group(octx, arc_cli_context_get_option_group(ctx));
	g_option_context_set_help_enabled(octx, FALSE);
	g_option_context_set_ignore_unknown_options(octx, TRUE);
	return octx;
}

static const ArcCliCommand *
arc_cli_main_find_command(const gchar *name)
{
	for (guint i = 0; arc_cli_commands[i] != NULL; i++) {
		if (g_strcmp0(arc_cli_commands[i]->name, name) == 0 ||
		    g_strcmp0(arc_cli_commands[i]->alias, name) == 0)
			return arc_cli_commands[i];
	}
	return NULL;
}

/* Returns the command, or NULL with @error set (or with nothing to do: --help, --version) */
static const ArcCliCommand *
arc_cli_main_parse(ArcCliContext *ctx, gchar ***args, GError **error)
{
	g_autoptr(GOptionContext) octx = arc_cli_main_option_context(ctx);
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *help = NULL;
	g_autofree gchar *commands = NULL;
	const ArcCliCommand *command;
	const gchar *name;

	if (!g_option_context_parse_strv(octx, args, &error_local)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    error_local->message);
		return NULL;
	}
	if (arc_cli_context_get_show_version(ctx)) {
		g_print("arctic %s\n", PACKAGE_VERSION);
		return NULL;
	}
	name = (*args)[1];
	help = g_option_context_get_help(octx, TRUE, NULL);
	if (g_strcmp0(name, "-h") == 0 || g_strcmp0(name, "--help") == 0) {
		g_print("%s", help);
		return NULL;
	}
	if (name == NULL) {
		g_printerr("%s", help);
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("missing command"));
		return NULL;
	}
	if (name[0] == '-') {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE, _("unknown flag: %s"), name);
		return NULL;
	}
	command = arc_cli_main_find_command(name);
	if (command != NULL)
		return command;
	commands = g_strchomp(arc_cli_main_list_commands());
	g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
		    /* TRANSLATORS: %s is what was typed; a list of commands follows */
		    _("unknown command \"%s\"; available commands:\n%s"), name, commands);
	return NULL;
}

static gboolean
arc_cli_main_wants_help(gchar **args)
{
	return g_strv_contains((const gchar *const *)args, "--help") ||
	       g_strv_contains((const gchar *const *)args, "-h");
}

static gboolean
arc_cli_main_run(ArcCliContext *ctx, gchar ***args, GError **error)
{
	const ArcCliCommand *command = arc_cli_main_parse(ctx, args, error);

	if (command == NULL)
		return error == NULL || *error == NULL;
	/* help needs no config, so a broken one does not hide it */
	if (!arc_cli_main_wants_help(*args) && !arc_cli_context_setup(ctx, error))
		return FALSE;
	return arc_cli_command_run(command, ctx, *args + 1, error);
}

int
main(int argc, char **argv)
{
	g_autoptr(ArcCliContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) args = g_strdupv(argv);
	gint rc = ARC_CLI_EXIT_SUCCESS;

	arc_cli_main_init_locale();
	arc_cli_output_init();
	g_set_prgname("arctic");
	/* before the global options are parsed: the words to complete are not options for us */
	if (argc > 1 && g_strcmp0(argv[1], ARC_CLI_COMPLETION_COMMAND) == 0)
		return arc_cli_completion_run(arc_cli_commands, args + 2);
	ctx = arc_cli_context_new();
	if (!arc_cli_main_run(ctx, &args, &error)) {
		rc = arc_cli_error_exit_code(error);
		if (!g_error_matches(error, ARC_CLI_ERROR, ARC_CLI_ERROR_HELP_SHOWN))
			arc_cli_output_error(error);
	}
	arc_cli_context_remember_endpoint(ctx);
	return rc;
}
