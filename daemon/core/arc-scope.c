/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-scope.h"

#include <arctic-plugin.h>
#include <string.h>

static const struct {
	ArcScope scope;
	const gchar *name;
} arc_scope_names[] = {
	{ARC_SCOPE_ADMIN, "admin"},
	{ARC_SCOPE_PEERS_READ, "peers.read"},
	{ARC_SCOPE_PEERS_WRITE, "peers.write"},
	{ARC_SCOPE_SERVICES_READ, "services.read"},
	{ARC_SCOPE_SERVICES_WRITE, "services.write"},
	{ARC_SCOPE_CREDENTIALS_READ, "credentials.read"},
	{ARC_SCOPE_CREDENTIALS_WRITE, "credentials.write"},
};

/**
 * arc_scope_parse_one:
 * @name: a full URN (`urn:tillered:arctic:peers.read`) or its short name (`peers.read`)
 * @scope: (out): the scope
 *
 * Returns: %TRUE if @name is a known scope
 */
gboolean
arc_scope_parse_one(const gchar *name, ArcScope *scope)
{
	if (g_str_has_prefix(name, ARC_SCOPE_URN_PREFIX))
		name += strlen(ARC_SCOPE_URN_PREFIX);
	for (guint i = 0; i < G_N_ELEMENTS(arc_scope_names); i++) {
		if (g_strcmp0(name, arc_scope_names[i].name) == 0) {
			*scope = arc_scope_names[i].scope;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean
arc_scope_parse_list(const gchar *const *names, ArcScope *scopes, GError **error)
{
	ArcScope result = ARC_SCOPE_NONE;

	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		ArcScope one;
		if (!arc_scope_parse_one(names[i], &one)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "unknown scope '%s'", names[i]);
			return FALSE;
		}
		result |= one;
	}
	*scopes = result;
	return TRUE;
}

/**
 * arc_scope_parse_claim:
 * @claim: a space-separated `scope` claim
 *
 * Unknown scopes in a signed token are ignored rather than trusted.
 *
 * Returns: the scopes
 */
ArcScope
arc_scope_parse_claim(const gchar *claim)
{
	g_auto(GStrv) parts = g_strsplit(claim, " ", -1);
	ArcScope result = ARC_SCOPE_NONE;

	for (guint i = 0; parts[i] != NULL; i++) {
		ArcScope one;
		if (arc_scope_parse_one(parts[i], &one))
			result |= one;
	}
	return result;
}

GStrv
arc_scope_to_strv(ArcScope scopes)
{
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; i < G_N_ELEMENTS(arc_scope_names); i++) {
		g_autofree gchar *urn = NULL;
		if ((scopes & arc_scope_names[i].scope) == 0)
			continue;
		urn = g_strconcat(ARC_SCOPE_URN_PREFIX, arc_scope_names[i].name, NULL);
		g_strv_builder_add(builder, urn);
	}
	return g_strv_builder_end(builder);
}

gchar *
arc_scope_to_claim(ArcScope scopes)
{
	g_auto(GStrv) names = arc_scope_to_strv(scopes);
	return g_strjoinv(" ", names);
}

/**
 * arc_scope_allows:
 * @granted: what the caller holds
 * @needed: what the operation requires, one scope
 *
 * Returns: %TRUE if @granted covers @needed; admin covers everything
 */
gboolean
arc_scope_allows(ArcScope granted, ArcScope needed)
{
	if (granted & ARC_SCOPE_ADMIN)
		return TRUE;
	return needed != ARC_SCOPE_ADMIN && (granted & needed) == needed;
}

/**
 * arc_scope_is_subset:
 * @wanted: scopes asked for a new credential
 * @granted: the scopes of the caller
 *
 * Returns: %TRUE if the caller may hand out @wanted
 */
gboolean
arc_scope_is_subset(ArcScope wanted, ArcScope granted)
{
	if (granted & ARC_SCOPE_ADMIN)
		return TRUE;
	return (wanted & ~granted) == 0;
}
