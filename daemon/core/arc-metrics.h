/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-tunnel-status.h"

G_BEGIN_DECLS

/* The agent's counters and the request-latency histogram, rendered in the Prometheus text
 * format by `GET /metrics`. One set per process; the main loop is the only writer. */

void arc_metrics_count(const gchar *name, const gchar *labels);
void arc_metrics_add(const gchar *name, const gchar *labels, guint64 n);
const gchar *arc_metrics_method_label(const gchar *method);
gchar *arc_metrics_escape_label(const gchar *value);
void arc_metrics_observe_request(gdouble seconds);
gchar *arc_metrics_render(const gchar *extra);
void arc_metrics_append_tunnel(GString *out, GPtrArray *peers);
void arc_metrics_reset(void);

G_END_DECLS
