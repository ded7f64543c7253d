/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "arc-cli-command.h"
#include "arc-cli-completion.h"
#include "arc-cli-error.h"

/*
 * `arctic completion bash | zsh | fish`: the scripts, which the build also installs. Each
 * passes the words up to the cursor to `arctic __complete` (arc-cli-completion.c) and falls
 * back to file names when it offers nothing (an option that takes a path).
 */

static const gchar arc_cli_completion_bash[] =
	"# bash completion for arctic; load with: source <(arctic completion bash)\n"
	"_arctic()\n"
	"{\n"
	"\tlocal IFS=$'\\n'\n"
	"\t# shellcheck disable=SC2207\n"
	"\tCOMPREPLY=($(\"${COMP_WORDS[0]}\" __complete \"${COMP_WORDS[@]:0:COMP_CWORD+1}\" "
	"2>/dev/null))\n"
	"}\n"
	"complete -o default -F _arctic arctic\n";

static const gchar arc_cli_completion_zsh[] =
	"#compdef arctic\n"
	"# zsh completion for arctic; load with: source <(arctic completion zsh)\n"
	"_arctic()\n"
	"{\n"
	"\tlocal -a candidates\n"
	"\tcandidates=(\"${(@f)$(${words[1]} __complete \"${(@)words[1,CURRENT]}\" "
	"2>/dev/null)}\")\n"
	"\tcandidates=(${candidates:#})\n"
	"\tif (( ${#candidates} )); then\n"
	"\t\tcompadd -Q -- \"${candidates[@]}\"\n"
	"\telse\n"
	"\t\t_files\n"
	"\tfi\n"
	"}\n"
	"if [ \"$funcstack[1]\" = \"_arctic\" ]; then\n"
	"\t_arctic \"$@\"\n"
	"else\n"
	"\tcompdef _arctic arctic\n"
	"fi\n";

static const gchar arc_cli_completion_fish[] =
	"# fish completion for arctic; load with: arctic completion fish | source\n"
	"function __arctic_complete\n"
	"    arctic __complete (commandline -opc) (commandline -ct) 2>/dev/null\n"
	"end\n"
	"function __arctic_wants_files\n"
	"    set -l candidates (__arctic_complete)\n"
	"    test (count $candidates) -eq 0\n"
	"end\n"
	"complete -c arctic -f -a '(__arctic_complete)'\n"
	"complete -c arctic -n __arctic_wants_files -F\n";

/**
 * arc_cli_completion_script:
 * @shell: bash, zsh or fish
 *
 * Returns: (nullable): the completion script for @shell
 */
const gchar *
arc_cli_completion_script(const gchar *shell)
{
	if (g_strcmp0(shell, "bash") == 0)
		return arc_cli_completion_bash;
	if (g_strcmp0(shell, "zsh") == 0)
		return arc_cli_completion_zsh;
	if (g_strcmp0(shell, "fish") == 0)
		return arc_cli_completion_fish;
	return NULL;
}

#define ARC_CLI_COMPLETION_USAGE "completion bash|zsh|fish"

static gboolean
arc_cli_completion_cmd_run(ArcCliContext *ctx, gchar **argv, GError **error)
{
	const gchar *script;

	if (!arc_cli_command_parse(
		    &argv, ARC_CLI_COMPLETION_USAGE,
		    N_("Print the shell completion script for bash, zsh or fish.\n"
		       "Peer and service ids are completed from the completion cache "
		       "('arctic cache refresh')\nwhile it is younger than cache_ttl; "
		       "completion never contacts an agent."),
		    NULL, error))
		return FALSE;
	if (!arc_cli_command_check_args(argv, 1, 1, "arctic " ARC_CLI_COMPLETION_USAGE, error))
		return FALSE;
	script = arc_cli_completion_script(argv[1]);
	if (script == NULL) {
		g_set_error(
			error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			/* TRANSLATORS: %s is what was typed; do not translate the shell names */
			_("unknown shell \"%s\": use bash, zsh or fish"), argv[1]);
		return FALSE;
	}
	g_print("%s", script);
	return TRUE;
}

const ArcCliCommand arc_cli_cmd_completion = {
	.name = "completion",
	.summary = N_("Print the shell completion script for bash, zsh or fish"),
	.run = arc_cli_completion_cmd_run,
};
