/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-command.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arc-cli-error.h"

static gchar *
arc_cli_command_list_subcommands(const ArcCliCommand *command)
{
	GString *out = g_string_new(NULL);
	gint width = 0;

	for (guint i = 0; command->subcommands[i].name != NULL; i++)
		width = MAX(width, (gint)strlen(command->subcommands[i].name));
	for (guint i = 0; command->subcommands[i].name != NULL; i++)
		g_string_append_printf(out, "  %-*s  %s\n", width, command->subcommands[i].name,
				       _(command->subcommands[i].summary));
	return g_string_free(out, FALSE);
}

static void
arc_cli_command_print_group_help(const ArcCliCommand *command)
{
	g_autofree gchar *list = arc_cli_command_list_subcommands(command);

	/* TRANSLATORS: %s is a command name such as "license" */
	g_print(_("Usage:\n  arctic %s SUBCOMMAND [OPTION…]\n\n"), command->name);
	g_print("%s\n\n", _(command->summary));
	g_print("%s\n%s\n", _("Subcommands:"), list);
	g_print(_("Run 'arctic %s SUBCOMMAND --help' for the options of a subcommand.\n"),
		command->name);
}

static gboolean
arc_cli_command_run_group(const ArcCliCommand *command, ArcCliContext *ctx, gchar **argv,
			  GError **error)
{
	const gchar *name = argv[1];
	g_autofree gchar *list = NULL;

	if (g_strcmp0(name, "-h") == 0 || g_strcmp0(name, "--help") == 0) {
		arc_cli_command_print_group_help(command);
		return TRUE;
	}
	for (guint i = 0; name != NULL && command->subcommands[i].name != NULL; i++) {
		if (g_strcmp0(command->subcommands[i].name, name) == 0)
			return command->subcommands[i].run(ctx, argv + 1, error);
	}
	list = g_strchomp(arc_cli_command_list_subcommands(command));
	if (name == NULL) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: %s is a command; a list of subcommands follows */
			    _("missing subcommand for \"%s\"; available subcommands:\n%s"),
			    command->name, list);
	} else if (name[0] == '-') {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE, _("unknown flag: %s"), name);
	} else {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: first %s is what was typed, second a command */
			    _("unknown subcommand \"%s\" for \"%s\"; available subcommands:\n%s"),
			    name, command->name, list);
	}
	return FALSE;
}

/**
 * arc_cli_command_run:
 * @command: a command
 * @ctx: the context
 * @argv: the arguments, argv[0] being the command's name
 *
 * Runs a command, or for a group the subcommand named by argv[1].
 *
 * Returns: %TRUE on success
 */
gboolean
arc_cli_command_run(const ArcCliCommand *command, ArcCliContext *ctx, gchar **argv, GError **error)
{
	if (command->run != NULL)
		return command->run(ctx, argv, error);
	return arc_cli_command_run_group(command, ctx, argv, error);
}

/* Options GOption did not know are left in argv; anything dash-led before `--` is one */
static gboolean
arc_cli_command_check_unknown(gchar **argv, GError **error)
{
	for (guint i = 1; argv[i] != NULL; i++) {
		if (g_strcmp0(argv[i], "--") == 0) {
			g_free(argv[i]);
			memmove(&argv[i], &argv[i + 1],
				(g_strv_length(argv + i + 1) + 1) * sizeof(gchar *));
			return TRUE;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			g_autofree gchar *flag = g_strndup(argv[i], strcspn(argv[i], "="));

			g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    /* TRANSLATORS: %s is an option such as --foo */
				    _("unknown flag: %s"), flag);
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * arc_cli_command_parse:
 * @argv: (inout): the command's arguments; parsed options are removed
 * @usage: what follows `arctic` in the usage line, e.g. `credentials revoke CLIENT-ID`
 * @summary: the command's summary, untranslated (N_())
 * @entries: (nullable): the command's options
 *
 * Parses a command's options. `-h`/`--help` prints the help and fails with
 * %ARC_CLI_ERROR_HELP_SHOWN (exit 0); unknown flags and bad values are usage errors.
 *
 * Returns: %TRUE if the command should go on
 */
gboolean
arc_cli_command_parse(gchar ***argv, const gchar *usage, const gchar *summary,
		      const GOptionEntry *entries, GError **error)
{
	g_autoptr(GOptionContext) octx = g_option_context_new(usage);
	g_autoptr(GError) error_local = NULL;
	gboolean help = FALSE;
	const GOptionEntry help_entries[] = {
		{"help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show help options"), NULL},
		{NULL},
	};

	g_option_context_set_help_enabled(octx, FALSE);
	g_option_context_set_ignore_unknown_options(octx, TRUE);
	g_option_context_set_translation_domain(octx, GETTEXT_PACKAGE);
	g_option_context_set_summary(octx, _(summary));
	g_option_context_set_description(
		octx, _("Global options such as --url, --config, -o, -j, --timeout, --token, "
			"--debug and --trace are accepted as well: see 'arctic --help'."));
	if (entries != NULL)
		g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
	g_option_context_add_main_entries(octx, help_entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse_strv(octx, argv, &error_local)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    error_local->message);
		return FALSE;
	}
	if (help) {
		g_autofree gchar *text = g_option_context_get_help(octx, TRUE, NULL);

		g_print("%s%s", text, g_str_has_suffix(text, "\n") ? "" : "\n");
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_HELP_SHOWN, "help shown");
		return FALSE;
	}
	return arc_cli_command_check_unknown(*argv, error);
}

/**
 * arc_cli_command_check_args:
 * @argv: the arguments left after arc_cli_command_parse()
 * @min_args: how many positional arguments are needed
 * @max_args: how many are allowed, or %G_MAXUINT
 * @usage: the usage line, e.g. `arctic credentials revoke CLIENT-ID`
 *
 * Returns: %TRUE if the number of positional arguments is right, else a usage error
 */
gboolean
arc_cli_command_check_args(gchar **argv, guint min_args, guint max_args, const gchar *usage,
			   GError **error)
{
	guint count = g_strv_length(argv) - 1;

	if (count < min_args) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: %s is a usage line */
			    _("missing argument; usage: %s"), usage);
		return FALSE;
	}
	if (count > max_args) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    _("unexpected argument \"%s\"; usage: %s"), argv[max_args + 1], usage);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_cli_command_confirm:
 * @question: what to ask, e.g. `Revoke credential cli_…?`
 *
 * Asks on the terminal for a yes/no answer. Without a terminal nobody can answer: that is a
 * usage error telling to pass `--yes`.
 *
 * Returns: %TRUE if the user said yes; else @error is set
 */
gboolean
arc_cli_command_confirm(const gchar *question, GError **error)
{
	gchar answer[64] = {0};
	g_autofree gchar *reply = NULL;

	if (!isatty(STDIN_FILENO)) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
				    _("confirmation needed but stdin is not a terminal: "
				      "pass --yes to proceed"));
		return FALSE;
	}
	/* TRANSLATORS: appended to a yes/no question; keep y and N as the answers */
	g_printerr("%s %s ", question, _("[y/N]"));
	if (fgets(answer, sizeof(answer), stdin) != NULL) {
		reply = g_ascii_strdown(g_strstrip(answer), -1);
		/* TRANSLATORS: the accepted short and long "yes" answers, in lowercase */
		if (g_strcmp0(reply, "y") == 0 || g_strcmp0(reply, "yes") == 0 ||
		    g_strcmp0(reply, _("y")) == 0 || g_strcmp0(reply, _("yes")) == 0)
			return TRUE;
	}
	g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL, _("aborted"));
	return FALSE;
}
