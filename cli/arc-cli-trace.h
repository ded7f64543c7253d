/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define ARC_CLI_TRACE_REDACTED "[REDACTED]"

gchar *arc_cli_trace_redact_header(const gchar *name, const gchar *value);
gchar *arc_cli_trace_redact_body(const gchar *content_type, const gchar *data, gsize length);
void arc_cli_trace_request(SoupMessage *msg, GBytes *body);
void arc_cli_trace_response(SoupMessage *msg, GBytes *body, gint64 elapsed_usec);

G_END_DECLS
