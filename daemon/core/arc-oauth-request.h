/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_OAUTH_ERROR (arc_oauth_error_quark())
GQuark arc_oauth_error_quark(void);

/**
 * ArcOAuthError:
 *
 * The error codes of a token endpoint (RFC 6749 §5.2) this agent answers with.
 */
typedef enum {
	ARC_OAUTH_ERROR_INVALID_REQUEST,
	ARC_OAUTH_ERROR_INVALID_CLIENT,
	ARC_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE,
	ARC_OAUTH_ERROR_INVALID_SCOPE,
} ArcOAuthError;

const gchar *arc_oauth_error_to_string(ArcOAuthError code);

/**
 * ArcOAuthRequest:
 * @client_id: the client, from HTTP Basic or the body
 * @client_secret: its secret, in memory wiped when the request is freed
 * @scope: (nullable): the `scope` parameter, if the client narrowed its scopes
 *
 * A client-credentials token request, parsed but not yet authenticated.
 */
typedef struct {
	gchar *client_id;
	gchar *client_secret;
	gchar *scope;
} ArcOAuthRequest;

void arc_oauth_request_free(ArcOAuthRequest *self);
ArcOAuthRequest *arc_oauth_request_parse(const gchar *authorization, const gchar *body,
					 gsize body_len, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcOAuthRequest, arc_oauth_request_free)

G_END_DECLS
