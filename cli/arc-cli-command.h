/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-cli-context.h"

G_BEGIN_DECLS

/*
 * A command receives its arguments with argv[0] its own name (`bootstrap`, or for a
 * subcommand `show`); global options are already removed.
 */
typedef gboolean (*ArcCliRunFunc)(ArcCliContext *ctx, gchar **argv, GError **error);

typedef struct {
	const gchar *name;
	const gchar *summary; /* N_() */
	ArcCliRunFunc run;
} ArcCliSubcommand;

/* A top-level command: either it runs itself, or it is a group of subcommands */
typedef struct {
	const gchar *name;
	const gchar *alias;   /* nullable */
	const gchar *summary; /* N_() */
	ArcCliRunFunc run;
	const ArcCliSubcommand *subcommands; /* ends with a NULL name */
} ArcCliCommand;

/* The command groups, one file each (arc-cli-cmd-*.c) */
extern const ArcCliCommand arc_cli_cmd_bootstrap;
extern const ArcCliCommand arc_cli_cmd_cache;
extern const ArcCliCommand arc_cli_cmd_cluster;
extern const ArcCliCommand arc_cli_cmd_completion;
extern const ArcCliCommand arc_cli_cmd_compose;
extern const ArcCliCommand arc_cli_cmd_config;
extern const ArcCliCommand arc_cli_cmd_credentials;
extern const ArcCliCommand arc_cli_cmd_health;
extern const ArcCliCommand arc_cli_cmd_license;
extern const ArcCliCommand arc_cli_cmd_peers;
extern const ArcCliCommand arc_cli_cmd_routes;
extern const ArcCliCommand arc_cli_cmd_services;

gboolean arc_cli_command_run(const ArcCliCommand *command, ArcCliContext *ctx, gchar **argv,
			     GError **error);
gboolean arc_cli_command_parse(gchar ***argv, const gchar *usage, const gchar *summary,
			       const GOptionEntry *entries, GError **error);
gboolean arc_cli_command_check_args(gchar **argv, guint min_args, guint max_args,
				    const gchar *usage, GError **error);
gboolean arc_cli_command_confirm(const gchar *question, GError **error);

G_END_DECLS
