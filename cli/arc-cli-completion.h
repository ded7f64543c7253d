/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-cli-command.h"

G_BEGIN_DECLS

/* The hidden command the completion scripts call: `arctic __complete arctic WORD… CURRENT` */
#define ARC_CLI_COMPLETION_COMMAND "__complete"

GPtrArray *arc_cli_completion_candidates(const ArcCliCommand *const *commands, gchar **words);
gint arc_cli_completion_run(const ArcCliCommand *const *commands, gchar **words);
const gchar *arc_cli_completion_script(const gchar *shell);

G_END_DECLS
