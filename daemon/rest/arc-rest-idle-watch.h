/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A kept-alive API connection watched between requests, for libsoup 3.2, which does not
 * close one that the client closes while it is idle (see arc-rest-idle-watch.c). */
typedef struct _ArcRestIdleWatch ArcRestIdleWatch;

void arc_rest_idle_watch_new(GHashTable *watches, SoupServerMessage *msg, GSocket *socket);
void arc_rest_idle_watch_free(ArcRestIdleWatch *watch);
void arc_rest_idle_watch_set_armed(ArcRestIdleWatch *watch, gboolean armed);
void arc_rest_idle_watch_close(ArcRestIdleWatch *watch);

G_END_DECLS
