/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "arc-cli-client.h"
#include "arc-cli-config.h"
#include "arc-cli-output.h"

G_BEGIN_DECLS

#define ARC_TYPE_CLI_CONTEXT (arc_cli_context_get_type())
G_DECLARE_FINAL_TYPE(ArcCliContext, arc_cli_context, ARC, CLI_CONTEXT, GObject)

ArcCliContext *arc_cli_context_new(void);
GOptionGroup *arc_cli_context_get_option_group(ArcCliContext *self);
gboolean arc_cli_context_get_show_version(ArcCliContext *self);
gboolean arc_cli_context_setup(ArcCliContext *self, GError **error);

ArcCliConfig *arc_cli_context_get_config(ArcCliContext *self);
ArcCliOutputFormat arc_cli_context_get_format(ArcCliContext *self);
const gchar *arc_cli_context_get_url(ArcCliContext *self);
guint arc_cli_context_get_timeout(ArcCliContext *self);

ArcCliClient *arc_cli_context_get_client(ArcCliContext *self, GError **error);
ArcCliCluster *arc_cli_context_get_cluster(ArcCliContext *self);
gboolean arc_cli_context_authenticate(ArcCliContext *self, GError **error);
ArcCliClient *arc_cli_context_get_authed_client(ArcCliContext *self, GError **error);
void arc_cli_context_remember_endpoint(ArcCliContext *self);

G_END_DECLS
