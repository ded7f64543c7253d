/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "arc-rest-dispatch.h"

#include <string.h>

#include "arc-engine-license.h"

/* From a request's path to its handler in the route table (arc-rest-routes.c): matching,
 * authentication and scopes, the license header, 404 and 405. */

GQuark
arc_rest_route_quark(void)
{
	return g_quark_from_static_string("arc-rest-route");
}

/* Matches @path against @pattern segment by segment; `{}` captures one non-empty segment. */
static gboolean
arc_rest_server_match(const gchar *pattern, const gchar *path, const gchar **params,
		      gchar **storage)
{
	guint n = 0;

	while (*pattern != '\0' && *path != '\0') {
		if (pattern[0] == '{' && pattern[1] == '}') {
			const gchar *end = strchr(path, '/');
			gsize len = end != NULL ? (gsize)(end - path) : strlen(path);
			if (len == 0 || n >= ARC_REST_MAX_PARAMS)
				return FALSE;
			storage[n] = g_uri_unescape_segment(path, path + len, "/");
			if (storage[n] == NULL)
				return FALSE;
			params[n] = storage[n];
			n++;
			path += len;
			pattern += 2;
			continue;
		}
		if (*pattern != *path)
			return FALSE;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static const gchar *
arc_rest_server_bearer(SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	const gchar *auth = soup_message_headers_get_one(headers, "Authorization");

	if (auth == NULL || g_ascii_strncasecmp(auth, "Bearer ", 7) != 0)
		return NULL;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return auth[0] != '\0' ? auth : NULL;
}

/* the license endpoints answer in every license state, so that a renewal can always be
 * installed (docs/license.md) */
static gboolean
arc_rest_server_is_license_route(const ArcRestRoute *route)
{
	return g_strcmp0(route->pattern, "/v1/license") == 0;
}

static gboolean
arc_rest_server_authorize(ArcEngine *engine, ArcRestRequest *req, const ArcRestRoute *route,
			  GError **error)
{
	if (arc_rest_server_is_license_route(route))
		return arc_engine_authorize_license(engine, req->caller, route->scope, error);
	return arc_engine_authorize(engine, req->caller, route->scope, error);
}

/* RFC 6750 §3: a token that was sent and refused is named in the challenge; a request
 * without one gets the bare challenge that arc_rest_reply_error() sets */
static void
arc_rest_server_reply_auth_error(SoupServerMessage *msg, const GError *error)
{
	arc_rest_reply_error(msg, error);
	if (soup_server_message_get_status(msg) == SOUP_STATUS_UNAUTHORIZED &&
	    arc_rest_server_bearer(msg) != NULL)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "WWW-Authenticate", "Bearer error=\"invalid_token\"");
}

static gboolean
arc_rest_server_authenticate(ArcEngine *engine, ArcRestRequest *req, const ArcRestRoute *route,
			     GError **error)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(req->msg);
	const gchar *recovery = soup_message_headers_get_one(headers, "X-Arctic-Recovery");

	if (route->auth == ARC_REST_AUTH_PUBLIC)
		return TRUE;
	req->caller =
		arc_engine_authenticate(engine, arc_rest_server_bearer(req->msg), recovery, error);
	if (req->caller == NULL)
		return FALSE;
	if (req->caller->recovery) {
		g_warning("recovery token used for %s %s from %s: admin scope granted",
			  soup_server_message_get_method(req->msg),
			  g_uri_get_path(soup_server_message_get_uri(req->msg)),
			  soup_server_message_get_remote_host(req->msg));
	}
	if (route->auth == ARC_REST_AUTH_SCOPE &&
	    !arc_rest_server_authorize(engine, req, route, error))
		return FALSE;
	return TRUE;
}

/* Every answer of an agent whose license is not valid says so, for the CLI to warn with
 * (docs/license.md "Warnings"). Set again after a request that may have changed it. */
void
arc_rest_set_license_header(ArcEngine *engine, SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	ArcLicenseState state = arc_engine_get_license_state(engine);

	if (!arc_engine_is_bootstrapped(engine) || state == ARC_LICENSE_STATE_VALID) {
		soup_message_headers_remove(headers, "Arctic-License-State");
		return;
	}
	soup_message_headers_replace(headers, "Arctic-License-State",
				     arc_license_state_to_string(state));
}

static void
arc_rest_server_reply_not_allowed(SoupServerMessage *msg, GString *allowed)
{
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow",
				     allowed->str);
	arc_rest_reply_error_literal(msg, ARC_ERROR_METHOD_NOT_ALLOWED, "method not allowed");
}

/* RFC 9110 §9.3.2: HEAD is GET without the body. The GET handler runs (so status and headers,
 * Content-Length included, are the same) and libsoup leaves the body out for a HEAD. */
static const gchar *
arc_rest_server_route_method(const gchar *method)
{
	return g_strcmp0(method, SOUP_METHOD_HEAD) == 0 ? SOUP_METHOD_GET : method;
}

void
arc_rest_dispatch(ArcEngine *engine, SoupServerMessage *msg, const gchar *path)
{
	const gchar *method = arc_rest_server_route_method(soup_server_message_get_method(msg));
	g_autoptr(GString) allowed = g_string_new(NULL);
	guint n_routes = 0;
	const ArcRestRoute *routes = arc_rest_routes_get(&n_routes);

	for (guint i = 0; i < n_routes; i++) {
		ArcRestRequest req = {.msg = msg, .engine = engine};
		gchar *storage[ARC_REST_MAX_PARAMS] = {NULL};
		g_autoptr(GError) error = NULL;
		gboolean matched =
			arc_rest_server_match(routes[i].pattern, path, req.params, storage);

		if (matched && g_strcmp0(routes[i].method, method) != 0) {
			g_string_append_printf(allowed, "%s%s", allowed->len > 0 ? ", " : "",
					       routes[i].method);
			if (g_strcmp0(routes[i].method, SOUP_METHOD_GET) == 0)
				g_string_append(allowed, ", HEAD");
			matched = FALSE;
		}
		if (matched) {
			g_object_set_qdata(G_OBJECT(msg), arc_rest_route_quark(),
					   (gpointer)routes[i].pattern);
			req.body = soup_message_body_flatten(
				soup_server_message_get_request_body(msg));
			if (arc_rest_server_authenticate(engine, &req, &routes[i], &error))
				routes[i].handler(&req);
			else
				arc_rest_server_reply_auth_error(msg, error);
			arc_caller_free(req.caller);
			g_bytes_unref(req.body);
		}
		for (guint j = 0; j < ARC_REST_MAX_PARAMS; j++)
			g_free(storage[j]);
		if (matched)
			return;
	}
	if (allowed->len > 0)
		arc_rest_server_reply_not_allowed(msg, allowed);
	else
		arc_rest_reply_error_literal(msg, ARC_ERROR_NOT_FOUND, "no such endpoint");
}
