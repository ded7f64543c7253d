/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* the Server header of every answer of the API */
#define ARC_REST_SERVER_HEADER "arctic-agent/" PACKAGE_VERSION

/* answers the agent writes on a connection itself, past libsoup */
GBytes *arc_rest_render(guint status, SoupMessageHeaders *headers, GBytes *body);
GBytes *arc_rest_render_limit(guint status, const gchar *code, const gchar *message);

G_END_DECLS
