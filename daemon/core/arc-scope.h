/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_SCOPE_URN_PREFIX "urn:tillered:arctic:"

typedef enum {
	ARC_SCOPE_NONE = 0,
	ARC_SCOPE_ADMIN = 1 << 0,
	ARC_SCOPE_PEERS_READ = 1 << 1,
	ARC_SCOPE_PEERS_WRITE = 1 << 2,
	ARC_SCOPE_SERVICES_READ = 1 << 3,
	ARC_SCOPE_SERVICES_WRITE = 1 << 4,
	ARC_SCOPE_CREDENTIALS_READ = 1 << 5,
	ARC_SCOPE_CREDENTIALS_WRITE = 1 << 6,
	ARC_SCOPE_ALL = (1 << 7) - 1,
} ArcScope;

gboolean arc_scope_parse_one(const gchar *name, ArcScope *scope);
gboolean arc_scope_parse_list(const gchar *const *names, ArcScope *scopes, GError **error);
ArcScope arc_scope_parse_claim(const gchar *claim);
gchar *arc_scope_to_claim(ArcScope scopes);
GStrv arc_scope_to_strv(ArcScope scopes);
gboolean arc_scope_allows(ArcScope granted, ArcScope needed);
gboolean arc_scope_is_subset(ArcScope wanted, ArcScope granted);

G_END_DECLS
